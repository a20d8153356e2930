package main

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/pipeline"
	"github.com/jedi-neuro/jedi/train"
)

func newDemo() *cobra.Command {
	var out, cfgPath string
	var seed uint64
	cmd := &cobra.Command{
		Annotations: map[string]string{checkpointing: "yes"},
		Use:         "demo --out DIR [--seed N] [--config FILE.yaml]",
		Short:       "The main job on built-in data: simulate → fit → evaluate → analyse → report",
		Example:     `  jedi demo --out demo    # then open demo/report.html`,
		Long: `Run the whole pipeline on the built-in multi-task teacher: simulate it (DIR/data.npz), fit
JEDI with the shipped default configuration (DIR/run), evaluate on held-out trials, analyse the
embeddings and the spectra of the inferred weights, and write DIR/report.html (self-contained)
with DIR/analysis.json and DIR/figures/.

Running it again reuses what DIR holds: an interrupted fit is resumed, a finished one reused.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := pipeline.DemoOptions{Dir: out, Seed: seed, Reporter: train.NewReporter(os.Stderr, slog.Default())}
			if cfgPath != "" {
				cfg, err := train.LoadConfig(cfgPath, train.Default(50))
				if err != nil {
					return err
				}
				opt.Config = &cfg
			}
			path, err := pipeline.Demo(cmd.Context(), opt)
			if err != nil {
				return err
			}
			slog.Info("report written", "file", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "demo", "output directory")
	cmd.Flags().Uint64Var(&seed, "seed", 1, "random seed of the teacher and the fit")
	cmd.Flags().StringVar(&cfgPath, "config", "", "fit configuration YAML over the defaults")
	return cmd
}
