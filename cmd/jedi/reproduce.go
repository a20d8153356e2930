package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/pipeline"
)

func newReproduce() *cobra.Command {
	var out string
	var seed uint64
	var quick bool
	var only []string
	cmd := &cobra.Command{
		Use:   "reproduce --out DIR [--quick] [--seed N] [--only CLAIM,…]",
		Short: "Run every claim of the paper and write one page: claim, figure, our number, pass or fail",
		Long: `Run the paper's claims (DESIGN.md §2) on the shipped teachers: the multi-task teacher (task in the
embeddings, centroid generalization, noise robustness), the sinusoid teacher (eigenvalues spread
along the imaginary axis with frequency) and MemoryPro (phases in the embeddings, fixed points
matching the teacher's). Each simulates its data, fits JEDI and analyses the fit into DIR/<claim>/;
DIR/index.html shows each claim, the paper's figure, our numbers, pass or fail, and the figures,
and DIR/claims.json the same numbers. Progress says which claim runs and about how long is left
(about 6 minutes on 2 cores in all). The monkey motor-cortex claim needs its recording and is
not run here (docs/monkey.md). --quick runs small versions of the first two (about 2 minutes;
the machinery, not the paper's numbers). The tests of pipeline/claims_test.go run the same code
(JEDI_CLAIMS=1). The exit status is 1 when a claim fails.`,
		Example: `  jedi reproduce --out paper          # then open paper/index.html
  jedi reproduce --out quick --quick`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			results, path, err := pipeline.Reproduce(cmd.Context(), pipeline.ReproduceOptions{Dir: out, Seed: seed, Quick: quick, Only: only})
			if err != nil {
				return err
			}
			failed := 0
			for _, r := range results {
				verdict := "pass"
				if !r.Pass() {
					verdict, failed = "FAIL", failed+1
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%-4s  %-8s %s (%.0f s)\n", verdict, r.Figure, r.Title, r.Seconds)
			}
			slog.Info("reproduce: page written", "file", path)
			if failed > 0 && !quick {
				return fmt.Errorf("reproduce: %d of %d claims failed (see %s)", failed, len(results), path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the teachers, the data and the fits")
	cmd.Flags().BoolVar(&quick, "quick", false, "small versions, about 2 minutes on 2 cores (what CI runs)")
	cmd.Flags().StringSliceVar(&only, "only", nil, "run only these claims (multitask, sinusoid, memorypro)")
	cmd.MarkFlagRequired("out")
	return cmd
}
