package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/examples/monkey"
	"github.com/jedi-neuro/jedi/pipeline"
)

func newReproduce() *cobra.Command {
	var out, riehle string
	var seed uint64
	var quick bool
	var only []string
	cmd := &cobra.Command{
		Use:   "reproduce --out DIR [--quick] [--seed N] [--only CLAIM,…] [--riehle DIR]",
		Short: "Run every claim of the paper and write one page: claim, figure, our number, pass or fail",
		Long: `Run the paper's claims (DESIGN.md §2): on the shipped teachers, the multi-task teacher (task in
the embeddings, centroid generalization, noise robustness; the paper's Fig. 2), the sinusoid teacher
(eigenvalues spread along the imaginary axis with frequency; Fig. 3) and MemoryPro (phases in the
embeddings, fixed points matching the teacher's; Fig. 5); on real recordings, monkey motor cortex
(preparation against execution, Fig. 6: docs/monkey.md), when the Riehle recordings are in
--riehle (default ../shared/data/riehle-joe, relative to where jedi runs); without them the page
says the claim was skipped, and why.

Each claim simulates or prepares its data, fits JEDI and analyses the fits into DIR/<claim>/;
DIR/index.html shows each claim, the paper's figure, our numbers, pass or fail, and the figures,
and DIR/claims.json the same numbers. Progress says which claim runs and about how long is left:
about 6 minutes on 2 cores for the synthetic claims, and 4–27 minutes more for the monkey
(23 fits; an interrupted monkey study keeps its finished fits and continues where it stopped).

--quick runs small versions (multi-task and sinusoid at 80 epochs, about 2 minutes; the monkey
study at 60 epochs with 2 runs of each kind, about a minute more; MemoryPro left out). They show
that the machinery works, not the paper's numbers: the quick monkey study cannot reach a verdict.

A claim passes when every check passes ("partly" when some do). The monkey claim's checks are the
paper's statements, and these data bear out only some of them (docs/monkey.md), so a full run
with the recordings reports it as partly reproduced. The exit status is 1 when a claim that ran
is not a pass (never with --quick). The tests of pipeline/claims_test.go run the same code
(JEDI_CLAIMS=1).`,
		Example: `  jedi reproduce --out paper          # then open paper/index.html
  jedi reproduce --out quick --quick
  jedi reproduce --out monkey --only monkey --riehle /data/riehle/joe`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			claims := append(pipeline.Claims(), monkey.Claim(riehle))
			results, path, err := pipeline.Reproduce(cmd.Context(), pipeline.ReproduceOptions{Dir: out, Seed: seed, Quick: quick, Only: only, Claims: claims})
			if err != nil {
				return err
			}
			failed, ran := 0, 0
			if quick {
				fmt.Fprintln(cmd.OutOrStdout(), "--quick: small versions, whose numbers are not the paper's: a FAIL below says the small fit fell short, not that the claim does (run without --quick)")
			}
			for _, r := range results {
				v := r.Verdict()
				line := fmt.Sprintf("%-7s %-7s %s", v, r.Figure, r.Title)
				switch {
				case r.Skipped != "":
					line += ": " + r.Skipped
				default:
					ran++
					line += fmt.Sprintf(" (%.0f s)", r.Seconds)
					if v != "pass" {
						failed++
					}
				}
				fmt.Fprintln(cmd.OutOrStdout(), line)
			}
			slog.Info("reproduce: page written", "file", path)
			if failed > 0 && !quick {
				return fmt.Errorf("reproduce: %d of %d claims that ran are not a pass (see %s)", failed, ran, path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "seed of the synthetic teachers, their data and fits (the monkey study's seeds are fixed: docs/monkey.md)")
	cmd.Flags().BoolVar(&quick, "quick", false, "small versions, a few minutes on 2 cores (what CI runs)")
	cmd.Flags().StringSliceVar(&only, "only", nil, "run only these claims (multitask, sinusoid, memorypro, monkey)")
	cmd.Flags().StringVar(&riehle, "riehle", monkey.DataDir, "directory of the Riehle recordings of one monkey (its *_*.npz files and toc.npz) for the monkey claim")
	cmd.MarkFlagRequired("out")
	return cmd
}
