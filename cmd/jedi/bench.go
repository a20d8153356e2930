package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/bench"
	"github.com/jedi-neuro/jedi/internal/output"
)

func newBench() *cobra.Command {
	var size string
	var asJSON bool
	var steps, warmup int
	cmd := &cobra.Command{
		Use:   "bench --size small|large [--json]",
		Short: "Time one training step (forward + BPTT + Adam) of the benchmark model",
		Long: `Time one training step of the benchmark model (see bench/README.md): the median of --steps
timed steps after --warmup untimed ones, float32. With --json the last line is one JSON object
{"ms_per_step": ..., "gflop_per_s": ..., ...}; bench/compare.sh runs it beside the PyTorch
reference of the identical model.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			s, ok := bench.Sizes[size]
			if !ok {
				return fmt.Errorf("bench: --size %q, want small or large", size)
			}
			if steps < 10 {
				return fmt.Errorf("bench: --steps %d, want ≥ 10", steps)
			}
			res, err := bench.Run(s, warmup, steps)
			if err != nil {
				return err
			}
			if asJSON {
				b, err := output.JSON(res)
				if err != nil {
					return err
				}
				fmt.Println(string(b))
				return nil
			}
			lo, hi := slices.Min(res.SamplesMs), slices.Max(res.SamplesMs)
			fmt.Printf("%s: %.2f ms/step (median of %d; min %.2f, max %.2f), %.1f GFLOP/s, %s, %d threads\n",
				size, res.MsPerStep, steps, lo, hi, res.GFLOPs, res.Build, res.Threads)
			return nil
		},
	}
	cmd.Flags().StringVar(&size, "size", "small", "small or large")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as one JSON line")
	cmd.Flags().IntVar(&steps, "steps", 20, "timed steps (≥ 10)")
	cmd.Flags().IntVar(&warmup, "warmup", 3, "untimed warm-up steps")
	return cmd
}
