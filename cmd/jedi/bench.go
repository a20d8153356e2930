package main

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/bench"
	"github.com/jedi-neuro/jedi/internal/output"
)

func newBench() *cobra.Command {
	var size string
	var asJSON, fit bool
	var steps, warmup int
	var target float64
	var seed uint64
	cmd := &cobra.Command{
		Use:   "bench [--size small|large|xl | --fit] [--json]",
		Short: "Time one training step of the benchmark model, or a whole fit to held-out R² 0.95",
		Example: `  jedi bench --size small --json
  jedi bench --fit --json`,
		Long: `Time one training step of the benchmark model (see bench/README.md): the step jedi fit
takes (staging, forward, BPTT, clipping, Adam), the median of --steps timed steps after
--warmup untimed ones, float32. Sizes: small (N 128, R 4, T 100, batch 32, M 50: the demo's),
large (N 512, R 8, T 200, batch 64, M 150), xl (N 1024, R 16, T 500, batch 128, M 300).

With --fit, time instead a whole fit with the shipped defaults (the demo's) on the default
multi-task teacher drawn with --seed: the wall time from the start of the fit until a
validation reaches held-out R² --target, when the fit stops.

With --json the last line is one JSON object ({"ms_per_step": ..., "gflop_per_s": ...} or
{"seconds": ..., "r2_heldout": ...}); bench/compare.sh runs the step beside the PyTorch
reference of the identical model. --threads (default GOMAXPROCS) sets the threads.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var res any
			if fit {
				if target <= 0 || target >= 1 {
					return fmt.Errorf("bench: --target %g, want 0 < R² < 1", target)
				}
				r, err := bench.Fit(cmd.Context(), seed, target)
				if err != nil {
					return err
				}
				res = r
				if !asJSON {
					verb := "reached"
					if !r.Reached {
						verb = "NOT reached (best shown)"
					}
					fmt.Printf("fit: held-out R² %.4f %s at epoch %d after %.1f s, %s, %d threads\n",
						r.HeldOutR2, verb, r.Epoch, r.Seconds, r.Build, r.Threads)
				}
			} else {
				s, ok := bench.Sizes[size]
				if !ok {
					return fmt.Errorf("bench: --size %q, want %s", size, strings.Join(sizeNames(), ", "))
				}
				if steps < 10 {
					return fmt.Errorf("bench: --steps %d, want ≥ 10", steps)
				}
				r, err := bench.Run(s, warmup, steps)
				if err != nil {
					return err
				}
				res = r
				if !asJSON {
					lo, hi := slices.Min(r.SamplesMs), slices.Max(r.SamplesMs)
					fmt.Printf("%s: %.2f ms/step (median of %d; min %.2f, max %.2f), %.1f GFLOP/s, %.2f CPU ms/step, %s, %d threads\n",
						size, r.MsPerStep, steps, lo, hi, r.GFLOPs, r.CPUMsPerStep, r.Build, r.Threads)
				}
			}
			if asJSON {
				b, err := output.JSON(res)
				if err != nil {
					return err
				}
				fmt.Println(string(b))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&size, "size", "small", "step size: "+strings.Join(sizeNames(), ", "))
	cmd.Flags().BoolVar(&fit, "fit", false, "time a whole fit to held-out R² --target instead of one step")
	cmd.Flags().Float64Var(&target, "target", 0.95, "--fit: the held-out R² the fit runs to")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "--fit: seed of the teacher and the fit")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as one JSON line")
	cmd.Flags().IntVar(&steps, "steps", 20, "timed steps (≥ 10)")
	cmd.Flags().IntVar(&warmup, "warmup", 3, "untimed warm-up steps")
	return cmd
}

// sizeNames lists the benchmark sizes from the smallest.
func sizeNames() []string {
	names := make([]string, 0, len(bench.Sizes))
	for n := range bench.Sizes {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Compare(bench.Sizes[a].FLOPs(), bench.Sizes[b].FLOPs()) })
	return names
}
