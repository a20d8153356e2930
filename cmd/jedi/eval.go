package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/train"
)

// EvalResult is what `jedi eval` prints and writes to RUNDIR/metrics.json.
type EvalResult struct {
	R2Train   float64 `json:"r2_train"`
	R2HeldOut float64 `json:"r2_heldout"`
	// Median per-neuron R² on each side, for a quick look at the distribution.
	R2TrainMedianNeuron   float64 `json:"r2_train_median_neuron"`
	R2HeldOutMedianNeuron float64 `json:"r2_heldout_median_neuron"`
	Train                 int     `json:"segments_train"`
	HeldOut               int     `json:"segments_heldout"`
	InferSteps            int     `json:"infer_steps"`
	Epochs                int     `json:"epochs"`
	Data                  string  `json:"data"`
}

// loadRunData reads a run's model and its dataset (the one recorded in run.json, or path).
func loadRunData(run, path string) (*train.Fitted, *data.Dataset, error) {
	f, err := train.LoadRun(run)
	if err != nil {
		return nil, nil, err
	}
	ri, err := train.ReadRunInfo(run)
	if err != nil {
		return nil, nil, err
	}
	if path == "" {
		path = ri.Data
	}
	ds, err := data.ReadNPZ(path)
	if err != nil {
		return nil, nil, err
	}
	if err := ds.Validate(); err != nil {
		return nil, nil, err
	}
	if ds.M != f.Config.Model.M {
		return nil, nil, fmt.Errorf("%s: %d neurons, the model in %s was fitted to %d", path, ds.M, run, f.Config.Model.M)
	}
	for _, s := range append(append([]int(nil), f.Train...), f.HeldOut...) {
		if s >= ds.S {
			return nil, nil, fmt.Errorf("%s: %d segments, the run's split refers to segment %d", path, ds.S, s)
		}
	}
	return f, ds, nil
}

func newEval() *cobra.Command {
	var run, dataPath string
	var asJSON bool
	var steps int
	cmd := &cobra.Command{
		Use:   "eval --run RUNDIR [--data FILE.npz] [--json]",
		Short: "R² on the training segments and on held-out segments (embeddings inferred, θ frozen)",
		Long: `Evaluate a fitted run. Training segments are reconstructed with their trained embeddings
and initial states; held-out segments get theirs inferred with the hypernetwork, RNN and
readout frozen (train.infer_steps Adam steps, or --steps). R² is variance-weighted over neurons
and time, without process noise. The result is also written to RUNDIR/metrics.json.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, ds, err := loadRunData(run, dataPath)
			if err != nil {
				return err
			}
			if !cmd.Flags().Changed("steps") {
				steps = f.Config.Train.InferSteps
			}
			res, err := evaluate(f, ds, steps)
			if err != nil {
				return err
			}
			b, err := json.Marshal(res)
			if err != nil {
				return err
			}
			if err := fsutil.WriteBytesAtomic(filepath.Join(run, "metrics.json"), append(b, '\n')); err != nil {
				return err
			}
			if asJSON {
				fmt.Fprintln(os.Stdout, string(b))
				return nil
			}
			fmt.Printf("R² train    %.4f  (%d segments, median neuron %.4f)\n", res.R2Train, res.Train, res.R2TrainMedianNeuron)
			fmt.Printf("R² held-out %.4f  (%d segments, median neuron %.4f, %d inference steps)\n", res.R2HeldOut, res.HeldOut, res.R2HeldOutMedianNeuron, res.InferSteps)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset (default: the one recorded in RUNDIR/run.json)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().IntVar(&steps, "steps", 0, "inference steps for held-out segments (default: the config's train.infer_steps)")
	cmd.MarkFlagRequired("run")
	return cmd
}

func evaluate(f *train.Fitted, ds *data.Dataset, steps int) (*EvalResult, error) {
	if len(f.HeldOut) > 0 {
		slog.Info("inferring held-out embeddings", "segments", len(f.HeldOut), "steps", steps)
	}
	tr, ho, err := train.EvaluateSplit(f, ds, steps)
	if err != nil {
		return nil, err
	}
	res := &EvalResult{R2Train: tr.R2, R2TrainMedianNeuron: median(tr.R2PerNeuron), Train: len(f.Train),
		HeldOut: len(f.HeldOut), InferSteps: steps, Epochs: f.Epochs, Data: ds.Source}
	if ho != nil {
		res.R2HeldOut, res.R2HeldOutMedianNeuron = ho.R2, median(ho.R2PerNeuron)
	}
	return res, nil
}
