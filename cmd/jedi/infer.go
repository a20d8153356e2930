package main

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
	"github.com/jedi-neuro/jedi/train"
)

func newInfer() *cobra.Command {
	var run, dataPath, out string
	var steps int
	cmd := &cobra.Command{
		Use:   "infer --run RUNDIR --data FILE.npz --out EMB.npz [--steps N]",
		Short: "Infer embeddings of new segments with the fitted model frozen",
		Long: `Infer the context embedding (and initial state) of every segment of FILE.npz with the fitted
hypernetwork, RNN and readout frozen. Writes EMB.npz with embeddings [S, D], x0 [S, N] (learned
initial states), r2 (scalar, the reconstruction of FILE's segments) and r2_per_neuron [M].`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := train.LoadRun(run)
			if err != nil {
				return err
			}
			ds, err := data.ReadNPZ(dataPath)
			if err != nil {
				return err
			}
			if err := ds.Validate(); err != nil {
				return err
			}
			if !cmd.Flags().Changed("steps") {
				steps = f.Config.Train.InferSteps
			}
			idx := make([]int, ds.S)
			for i := range idx {
				idx[i] = i
			}
			res, err := train.Infer(f, ds, idx, steps)
			if err != nil {
				return err
			}
			err = fsutil.WriteFileAtomic(out, func(w io.Writer) error {
				a := npy.NewArchive(w, npy.Deflate)
				if err := a.Add("embeddings", []int{ds.S, f.Config.Model.D}, res.Embeddings); err != nil {
					return err
				}
				if res.X0 != nil {
					if err := a.Add("x0", []int{ds.S, f.Config.Model.N}, res.X0); err != nil {
						return err
					}
				}
				if err := a.Add("r2", []int{}, []float64{res.R2}); err != nil {
					return err
				}
				if err := a.Add("r2_per_neuron", nil, res.R2PerNeuron); err != nil {
					return err
				}
				return a.Close()
			})
			if err != nil {
				return err
			}
			slog.Info("inferred", "segments", ds.S, "r2", fmt.Sprintf("%.4f", res.R2), "out", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "segments to embed, .npz (required)")
	cmd.Flags().StringVar(&out, "out", "", "output .npz (required)")
	cmd.Flags().IntVar(&steps, "steps", 0, "inference steps (default: the config's train.infer_steps)")
	for _, f := range []string{"run", "data", "out"} {
		cmd.MarkFlagRequired(f)
	}
	return cmd
}
