package main

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
	"github.com/jedi-neuro/jedi/train"
)

func newInfer() *cobra.Command {
	var run, dataPath, out string
	var steps int
	var amortised, heldout bool
	cmd := &cobra.Command{
		Use:     "infer --run RUNDIR --data FILE.npz --out EMB.npz [--steps N] [--amortised] [--heldout]",
		Short:   "Infer embeddings of new segments with the fitted model frozen",
		Example: `  jedi infer --run run --data new.npz --out emb.npz`,
		Long: `Infer the context embedding (and initial state) of every segment of FILE.npz with the fitted
hypernetwork, RNN and readout frozen. Writes EMB.npz with embeddings [S, D], x0 [S, N] (learned
initial states), r2 (scalar, the reconstruction of FILE's segments), r2_per_neuron [M] and
seconds_per_segment (scalar, the wall time of the inference divided by the segments); for a
multi-session dataset also sessions (names) and session_r2 (each session's R², over the
neurons it recorded).

By default each segment's embedding is optimised: train.infer_steps Adam steps (or --steps).
With --amortised the model's amortised encoder (fitted with train.amortise.bins > 0) gives it in
one pass, followed by train.amortise.refine_steps optimisation steps of size
train.amortise.refine_lr (or --steps; 0: none).
A model fitted with train.align starts each segment's embedding at its anchor (from its own
activity through its session's read-in, saved with the model; sessions are matched by name)
and keeps the training's pull toward it in the optimisation (with --amortised the encoder gives
the start and the refinement keeps the pull); a segment shorter than the
alignment's T_c bins is inferred without one, with a warning.
With --heldout only the run's held-out segments of FILE are inferred (FILE must be the dataset
the run was fitted to), so that R² measures segments the model never saw.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := loadRun(run)
			if err != nil {
				return err
			}
			ds, err := readDataset(dataPath)
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
			if heldout {
				if idx = f.HeldOut; len(idx) == 0 {
					return fmt.Errorf("--heldout: run %s has no held-out segments", run)
				}
				if last := slices.Max(idx); last >= ds.S {
					return fmt.Errorf("--heldout: the run's held-out segment %d is not in %s (%d segments): is it the dataset the run was fitted to?", last, dataPath, ds.S)
				}
			}
			start := time.Now()
			var res *train.Inferred
			if amortised {
				if !cmd.Flags().Changed("steps") {
					steps = f.Config.Train.Amortise.RefineSteps
				}
				E, X0, err := train.Encode(f, ds, idx)
				if err != nil {
					return err
				}
				enc := time.Since(start)
				slog.Info("encoded", "segments", len(idx), "per_segment", enc/time.Duration(len(idx)))
				if res, err = train.Refine(f, ds, idx, E, X0, steps); err != nil {
					return err
				}
			} else if res, err = train.Infer(f, ds, idx, steps); err != nil {
				return err
			}
			perSeg := time.Since(start).Seconds() / float64(len(idx))
			var sessions []train.SessionScore
			if multiSession(ds) {
				if sessions, err = logSessions("inferred", res, ds); err != nil {
					return err
				}
			}
			S := len(idx)
			err = fsutil.WriteFileAtomic(out, func(w io.Writer) error {
				a := npy.NewArchive(w, npy.Deflate)
				if err := a.Add("embeddings", []int{S, f.Config.Model.D}, res.Embeddings); err != nil {
					return err
				}
				if res.X0 != nil {
					if err := a.Add("x0", []int{S, f.Config.Model.N}, res.X0); err != nil {
						return err
					}
				}
				if err := a.Add("r2", []int{}, []float64{res.R2}); err != nil {
					return err
				}
				if err := a.Add("r2_per_neuron", nil, res.R2PerNeuron); err != nil {
					return err
				}
				if err := a.Add("seconds_per_segment", []int{}, []float64{perSeg}); err != nil {
					return err
				}
				if err := addSessionScores(a, sessions); err != nil {
					return err
				}
				return a.Close()
			})
			if err != nil {
				return err
			}
			slog.Info("inferred", "segments", S, "amortised", amortised, "steps", steps,
				"r2", fmt.Sprintf("%.4f", res.R2), "seconds_per_segment", fmt.Sprintf("%.3g", perSeg), "out", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "segments to embed, .npz (required)")
	cmd.Flags().StringVar(&out, "out", "", "output .npz (required)")
	cmd.Flags().IntVar(&steps, "steps", 0, "optimisation steps (default: train.infer_steps, or train.amortise.refine_steps with --amortised)")
	cmd.Flags().BoolVar(&amortised, "amortised", false, "start from the amortised encoder's embeddings (one pass) instead of optimising from the centroid")
	cmd.Flags().BoolVar(&heldout, "heldout", false, "infer only the run's held-out segments of --data")
	for _, f := range []string{"run", "data", "out"} {
		cmd.MarkFlagRequired(f)
	}
	return cmd
}
