package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/compare"
	"github.com/jedi-neuro/jedi/train"
)

func newCompare() *cobra.Command {
	var cfgPath, dataPath, out string
	var epochs int
	cmd := &cobra.Command{
		Annotations: map[string]string{checkpointing: "yes"},
		Use:         "compare --config FILE.yaml --out DIR [--data FILE.npz] [--epochs N]",
		Short:       "Fit JEDI and its baselines on one split and tabulate R², noise robustness, time and size",
		Example:     `  jedi compare --config configs/compare_multitask.yaml --out cmp`,
		Long: `Fit every model the configuration lists — one RNN for all segments (single), one RNN per
label value (per_label), one RNN with the one-hot label as input (context_input), JEDI full rank
(jedi_full) and low rank (jedi_rank<R> for each of ranks), a VAE and an RNN-VAE — with the same
optimisation options, seed and split, and write DIR/table.md, table.csv, table.json and the plots
r2.png/.svg and noise.png/.svg. The resolved configuration is saved as DIR/compare.yaml and each
model's run under DIR/models/.

The data are the configuration's data.path or data.simulate (the built-in multitask or sinusoid
teacher), or --data. Running the command again on the same DIR skips the models already done and
resumes an interrupted fit from its checkpoint. See configs/compare_*.yaml.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := compare.Default()
			if cfgPath != "" {
				var err error
				if cfg, err = compare.Load(cfgPath); err != nil {
					return err
				}
			}
			if dataPath != "" {
				cfg.Data = compare.DataSpec{Path: dataPath}
			}
			if cmd.Flags().Changed("epochs") {
				cfg.JEDI.Train.Epochs = epochs
			}
			if err := cfg.Validate(); err != nil {
				return err
			}
			ds, err := compare.LoadData(cfg.Data)
			if err != nil {
				return err
			}
			slog.Info("data", "segments", ds.S, "bins", ds.T, "neurons", ds.M, "label", cfg.Label)
			t, err := compare.Run(cmd.Context(), cfg, ds, compare.Options{Dir: out,
				Reporter: func(string) train.Reporter { return train.NewReporter(os.Stderr, slog.Default()) }})
			if errors.Is(err, train.ErrInterrupted) {
				slog.Warn("interrupted: run the same command again to continue", "dir", out)
			}
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), t.Markdown())
			slog.Info("table written", "dir", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "", "comparison YAML over the defaults (every kind on the multitask teacher)")
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset .npz, replacing the configuration's data")
	cmd.Flags().StringVar(&out, "out", "", "output directory (required)")
	cmd.Flags().IntVar(&epochs, "epochs", 0, "epochs of every model (overrides jedi.train.epochs)")
	cmd.MarkFlagRequired("out")
	return cmd
}
