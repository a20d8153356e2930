package main

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
	"github.com/jedi-neuro/jedi/train"
)

func newInfer() *cobra.Command {
	var run, dataPath, out string
	var steps int
	var amortised, heldout, compare bool
	cmd := &cobra.Command{
		Use:     "infer --run RUNDIR --data FILE.npz --out EMB.npz [--steps N] [--amortised [--compare]] [--heldout]",
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
the run was fitted to), so that R² measures segments the model never saw.

With --amortised --compare the same segments are then also inferred by optimisation
(train.infer_steps steps, as without --amortised), in the same process, so that the two are
timed under the same load: EMB.npz adds optimised_r2, optimised_seconds_per_segment and
speedup (the optimisation's time per segment over the encoder's), and the log says both.
Each time counts everything from the start of the inference to the reconstruction of the
segments (one forward pass, which R² needs), the same for both. With learned initial states
it also scores the encoder's embedding with the optimised initial state and the reverse
(r2_encoder_e_optimised_x0, r2_optimised_e_encoder_x0): which of its two outputs costs more.`,
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
			if compare && !amortised {
				return fmt.Errorf("--compare compares the amortised encoder with optimisation: it needs --amortised")
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
			var encE, encX0 []float64 // the encoder's own output, before any refinement
			if amortised {
				if !cmd.Flags().Changed("steps") {
					steps = f.Config.Train.Amortise.RefineSteps
				}
				E, X0, err := train.Encode(f, ds, idx)
				if err != nil {
					return err
				}
				encE, encX0 = E, X0
				enc := time.Since(start)
				slog.Info("encoded", "segments", len(idx), "per_segment", enc/time.Duration(len(idx)))
				if res, err = train.Refine(f, ds, idx, E, X0, steps); err != nil {
					return err
				}
			} else if res, err = train.Infer(f, ds, idx, steps); err != nil {
				return err
			}
			perSeg := time.Since(start).Seconds() / float64(len(idx))
			var cmp []scalar
			if compare {
				if cmp, err = compareOptimised(f, ds, idx, res.R2, perSeg, encE, encX0); err != nil {
					return err
				}
			}
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
				for _, v := range cmp {
					if err := a.Add(v.name, []int{}, []float64{v.v}); err != nil {
						return err
					}
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
	cmd.Flags().BoolVar(&compare, "compare", false, "with --amortised: also optimise the same segments (train.infer_steps) and report both R² and times and the speed-up")
	for _, f := range []string{"run", "data", "out"} {
		cmd.MarkFlagRequired(f)
	}
	return cmd
}

// scalar is one named number that jedi infer saves.
type scalar struct {
	name string
	v    float64
}

// compareOptimised infers segments idx of ds by optimisation (train.infer_steps), as jedi infer
// does without --amortised, and returns what --compare saves beside the amortised result (R² r2,
// perSeg seconds per segment): the optimisation's R² and time per segment and the speed-up;
// and, with learned initial states, the R² of the two mixtures of the encoder's own output
// (E, X0) with the optimised values, which say whether its embedding or its initial state
// costs more.
func compareOptimised(f *train.Fitted, ds *data.Dataset, idx []int, r2, perSeg float64, E, X0 []float64) ([]scalar, error) {
	t0 := time.Now()
	opt, err := train.Infer(f, ds, idx, f.Config.Train.InferSteps)
	if err != nil {
		return nil, err
	}
	optPerSeg := time.Since(t0).Seconds() / float64(len(idx))
	out := []scalar{{"optimised_r2", opt.R2}, {"optimised_seconds_per_segment", optPerSeg}, {"speedup", optPerSeg / perSeg}}
	attrs := []any{"optimised_r2", fmt.Sprintf("%.4f", opt.R2), "optimised_seconds_per_segment", fmt.Sprintf("%.3g", optPerSeg),
		"amortised_r2", fmt.Sprintf("%.4f", r2), "amortised_seconds_per_segment", fmt.Sprintf("%.3g", perSeg),
		"r2_gap", fmt.Sprintf("%.4f", opt.R2-r2), "speedup", fmt.Sprintf("%.1f", optPerSeg/perSeg)}
	if X0 != nil {
		eOpt, err := train.Predict(f, ds, idx, E, opt.X0)
		if err != nil {
			return nil, err
		}
		xOpt, err := train.Predict(f, ds, idx, opt.Embeddings, X0)
		if err != nil {
			return nil, err
		}
		out = append(out, scalar{"r2_encoder_e_optimised_x0", eOpt.R2}, scalar{"r2_optimised_e_encoder_x0", xOpt.R2})
		attrs = append(attrs, "r2_encoder_e_optimised_x0", fmt.Sprintf("%.4f", eOpt.R2), "r2_optimised_e_encoder_x0", fmt.Sprintf("%.4f", xOpt.R2))
	}
	slog.Info("compared with optimisation", attrs...)
	return out, nil
}
