package main

import (
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// EvalResult is what `jedi eval` prints and writes to RUNDIR/metrics.json. A score that does
// not exist (no held-out segments) or is undefined (constant activity) is NaN, written null.
type EvalResult struct {
	R2Train   float64 `json:"r2_train"`
	R2HeldOut float64 `json:"r2_heldout"`
	// Median per-neuron R² on each side, for a quick look at the distribution.
	R2TrainMedianNeuron   float64 `json:"r2_train_median_neuron"`
	R2HeldOutMedianNeuron float64 `json:"r2_heldout_median_neuron"`
	// PVar is the fraction of variance explained with one grand mean as reference (CURBD's pVar,
	// metrics.PVar); BitsPerSpike the Neural Latents Benchmark's bits per spike
	// (metrics.BitsPerSpike), reported only for a model fitted with the Poisson loss, whose
	// predictions are rates of counts.
	PVarTrain           float64  `json:"pvar_train"`
	PVarHeldOut         float64  `json:"pvar_heldout"`
	BitsPerSpikeTrain   *float64 `json:"bits_per_spike_train,omitempty"`
	BitsPerSpikeHeldOut *float64 `json:"bits_per_spike_heldout,omitempty"`
	// SessionsTrain and SessionsHeldOut are the R² of each recording session of a
	// multi-session dataset (docs/sessions.md), over the neurons it recorded.
	SessionsTrain   []train.SessionScore `json:"sessions_train,omitempty"`
	SessionsHeldOut []train.SessionScore `json:"sessions_heldout,omitempty"`
	// CoSmooth (--cosmooth) is the R² of held-out segments' neurons hidden from their
	// inference, pooled and per session (train.CoSmooth).
	CoSmooth         *float64             `json:"cosmooth_heldout,omitempty"`
	SessionsCoSmooth []train.SessionScore `json:"sessions_cosmooth,omitempty"`
	Train            int                  `json:"segments_train"`
	HeldOut          int                  `json:"segments_heldout"`
	InferSteps       int                  `json:"infer_steps"`
	Epochs           int                  `json:"epochs"`
	Data             string               `json:"data"`
	// Warnings say what is wrong with the model: an R² below 0, i.e. worse than predicting
	// each neuron's mean, or no held-out segments to judge it on.
	Warnings []string `json:"warnings"`
}

// loadRunData reads a run's model and its dataset (the one recorded in run.json, or path).
func loadRunData(run, path string) (*train.Fitted, *data.Dataset, error) {
	f, err := loadRun(run)
	if err != nil {
		return nil, nil, err
	}
	ri, err := train.ReadRunInfo(run)
	if err != nil {
		return nil, nil, err
	}
	recorded := path == ""
	if recorded {
		path = ri.Data
	}
	ds, err := readDataset(path)
	if err != nil {
		return nil, nil, err
	}
	if recorded && ri.DataSHA256 != "" {
		// The file at the recorded path may have been replaced since the fit.
		if sum, err := fsutil.FileSHA256(path); err != nil {
			return nil, nil, err
		} else if sum != ri.DataSHA256 {
			return nil, nil, fmt.Errorf("%s has SHA-256 %.12s…, but %s was fitted to a file of SHA-256 %.12s… at that path (%s): it has changed; pass the data with --data if you mean it",
				path, sum, run, ri.DataSHA256, filepath.Join(run, train.RunFile))
		}
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
	var asJSON, cosmooth bool
	var steps int
	cmd := &cobra.Command{
		Use:     "eval --run RUNDIR [--data FILE.npz] [--json]",
		Short:   "R², pVar (and bits per spike for a Poisson model) on training and held-out segments",
		Example: `  jedi eval --run run --json`,
		Long: `Evaluate a fitted run. Training segments are reconstructed with their trained embeddings
and initial states; held-out segments get theirs inferred with the hypernetwork, RNN and
readout frozen (train.infer_steps Adam steps, or --steps). R² is variance-weighted over neurons
and time, without process noise. pVar is CURBD's fraction of variance explained, whose reference
is one grand mean. For a model fitted with loss: poisson, bits per spike (the Neural Latents
Benchmark's) compares the predicted rates with each neuron's mean rate. The result is also
written to RUNDIR/metrics.json.`,
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
			if cosmooth {
				if err := addCoSmooth(res, f, ds, steps); err != nil {
					return err
				}
			}
			if err := output.WriteJSON(filepath.Join(run, "metrics.json"), res); err != nil {
				return err
			}
			for _, w := range res.Warnings {
				slog.Warn(w)
			}
			if asJSON {
				b, err := output.JSON(res)
				if err != nil {
					return err
				}
				fmt.Fprintln(os.Stdout, string(b))
				return nil
			}
			fmt.Printf("R² train    %.4f  (%d segments, median neuron %.4f)\n", res.R2Train, res.Train, res.R2TrainMedianNeuron)
			if res.HeldOut == 0 {
				fmt.Println("R² held-out none  (no held-out segments)")
			} else {
				fmt.Printf("R² held-out %.4f  (%d segments, median neuron %.4f, %d inference steps)\n", res.R2HeldOut, res.HeldOut, res.R2HeldOutMedianNeuron, res.InferSteps)
			}
			fmt.Printf("pVar train %.4f, held-out %.4f\n", res.PVarTrain, res.PVarHeldOut)
			printSessions(res)
			if res.BitsPerSpikeTrain != nil {
				fmt.Printf("bits per spike train %.4f", *res.BitsPerSpikeTrain)
				if res.BitsPerSpikeHeldOut != nil {
					fmt.Printf(", held-out %.4f", *res.BitsPerSpikeHeldOut)
				}
				fmt.Println()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset (default: the one recorded in RUNDIR/run.json)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON object")
	cmd.Flags().BoolVar(&cosmooth, "cosmooth", false, "also infer each held-out segment with one of its neurons hidden and score that neuron (co-smoothing, docs/sessions.md)")
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
	nan := math.NaN()
	res := &EvalResult{R2Train: tr.R2, R2TrainMedianNeuron: median(tr.R2PerNeuron), Train: len(f.Train),
		R2HeldOut: nan, R2HeldOutMedianNeuron: nan, PVarHeldOut: nan,
		HeldOut: len(f.HeldOut), InferSteps: steps, Epochs: f.Epochs, Data: ds.Source, Warnings: []string{}}
	worse := func(what string, r2 float64) {
		if r2 < 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("%s R² %.4g is below 0: the model predicts these segments worse than each neuron's mean does", what, r2))
		}
	}
	worse("training", tr.R2)
	if multiSession(ds) {
		if res.SessionsTrain, err = train.SessionR2(tr, ds); err != nil {
			return nil, err
		}
	}
	poisson := f.Config.Model.Loss == model.Poisson
	if res.PVarTrain, res.BitsPerSpikeTrain, err = scores(tr, ds, poisson); err != nil {
		return nil, fmt.Errorf("training segments: %w", err)
	}
	if ho != nil {
		res.R2HeldOut, res.R2HeldOutMedianNeuron = ho.R2, median(ho.R2PerNeuron)
		if res.PVarHeldOut, res.BitsPerSpikeHeldOut, err = scores(ho, ds, poisson); err != nil {
			return nil, fmt.Errorf("held-out segments: %w", err)
		}
		worse("held-out", ho.R2)
		if multiSession(ds) {
			if res.SessionsHeldOut, err = train.SessionR2(ho, ds); err != nil {
				return nil, err
			}
		}
	} else {
		res.Warnings = append(res.Warnings, fmt.Sprintf("no held-out segments (%d training segment(s) in all): the model is judged on its training segments only", len(f.Train)))
	}
	return res, nil
}

// scores returns pVar of a reconstruction and, for a Poisson model, its bits per spike (nil
// otherwise).
func scores(inf *train.Inferred, ds *data.Dataset, poisson bool) (float64, *float64, error) {
	if ds.Observed != nil {
		return observedScores(inf, ds, poisson)
	}
	T, M := ds.T, ds.M
	y := make([]float64, len(inf.Segments)*T*M)
	lengths := make([]int, len(inf.Segments))
	for i, s := range inf.Segments {
		copy(y[i*T*M:(i+1)*T*M], ds.Activity[s*T*M:(s+1)*T*M])
		lengths[i] = ds.Lengths[s]
	}
	pv, err := metrics.PVar(inf.Prediction, y, T, M, lengths)
	if err != nil || !poisson {
		return pv, nil, err
	}
	bps, err := metrics.BitsPerSpike(inf.Prediction, y, T, M, lengths)
	if err != nil {
		return 0, nil, err
	}
	return pv, &bps, nil
}
