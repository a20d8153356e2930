package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

func newFit() *cobra.Command {
	var dataPath, out, cfgPath string
	var seed uint64
	var resume bool
	var epochs, stopAfter int
	var splitPath string
	cmd := &cobra.Command{
		Annotations: map[string]string{checkpointing: "yes"},
		Use:         "fit --data FILE.npz --out RUNDIR [--config FILE.yaml] [--seed N]",
		Short:       "Fit a JEDI model; the resolved config, split, checkpoints and model go to RUNDIR",
		Example: `  jedi fit --data data.npz --out run --config configs/multitask.yaml --seed 1
  jedi fit --out run --resume     # continue after Ctrl-C, with the data of run/run.json`,
		Long: `Fit a JEDI model to a dataset in the npz contract (see README).

Settings come from the built-in defaults, then --config (YAML; unknown keys are errors), then
flags. The configuration actually used is written to RUNDIR/config.yaml, the held-out split to
RUNDIR/run.json. Progress is a bar on a terminal and log lines otherwise.

Ctrl-C or SIGTERM stops the fit at the next step and writes a checkpoint (a second Ctrl-C exits
at once); 'jedi fit --out RUNDIR --resume' continues it exactly, with the data file named in
run.json (or --data FILE.npz), and refuses a data file whose SHA-256 differs from the one in
run.json. One fit at a time writes RUNDIR: a second is refused, naming the first's PID and host
(RUNDIR/run.lock). A fit that diverges stops saying what to change; activity far from unit scale, no room for a held-out split, or an R²
worse than the mean are warned about. See docs/reliability.md.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if resume {
				// The run continues with the configuration it started with; a flag that would
				// change it must not be ignored without a word.
				for _, f := range []string{"config", "seed", "epochs"} {
					if cmd.Flags().Changed(f) {
						return fmt.Errorf("--resume continues %s with its saved configuration (%s); --%s cannot change it: start a new run with another --out",
							out, filepath.Join(out, train.ConfigFile), f)
					}
				}
			}
			if dataPath == "" && resume {
				// The run directory records its data: --resume needs nothing else.
				ri, err := train.ReadRunInfo(out)
				if err != nil {
					return fmt.Errorf("--resume without --data: %w", err)
				}
				dataPath = ri.Data
			} else if dataPath == "" {
				return errors.New(`required flag(s) "data" not set`)
			}
			ds, err := readDataset(dataPath)
			if err != nil {
				return err
			}
			if err := ds.Validate(); err != nil {
				return err
			}
			if err := data.Fittable(ds); err != nil {
				return err
			}
			var cfg train.Config
			if resume {
				if err := train.Resumable(out); err != nil {
					return err
				}
				cfg, err = train.LoadSaved(filepath.Join(out, train.ConfigFile))
				if err != nil {
					return err
				}
			} else {
				cfg = train.Default(ds.M)
				if cfgPath != "" {
					if cfg, err = train.LoadConfig(cfgPath, cfg); err != nil {
						return err
					}
				}
				if cmd.Flags().Changed("seed") {
					cfg.Seed = seed
				}
				if cmd.Flags().Changed("epochs") {
					cfg.Train.Epochs = epochs
				}
			}
			cfg.Model.M = ds.M // as train.Fit sets it, so that the log shows the model fitted
			slog.Info("data", "file", dataPath, "segments", ds.S, "bins", ds.T, "neurons", ds.M)
			for _, w := range data.Warnings(ds) {
				slog.Warn(w, "file", dataPath)
			}
			slog.Info("model", "config", cfg.Model.String(), "dtype", cfg.DType, "seed", cfg.Seed)
			if ds.Dt > 0 {
				// α = dt/τ: say which time constant the bins and α imply, since the default α
				// suits 10 ms bins with τ = 100 ms.
				slog.Info("time constant", "bin_ms", fmt.Sprintf("%g", 1000*ds.Dt), "alpha", cfg.Model.Alpha,
					"tau_ms", fmt.Sprintf("%g", 1000*ds.Dt/cfg.Model.Alpha))
			}
			opt := train.FitOptions{Dir: out, Resume: resume, Reporter: train.NewReporter(os.Stderr, slog.Default())}
			if splitPath != "" && !resume {
				if opt.Train, opt.HeldOut, err = readSplit(splitPath); err != nil {
					return err
				}
			}
			ctx, paused := pauseAfter(cmd.Context(), stopAfter, &opt)
			f, err := train.Fit(ctx, cfg, ds, opt)
			if errors.Is(err, train.ErrInterrupted) && paused() {
				slog.Info("paused: checkpoint written; continue with --resume", "epoch", stopAfter, "dir", out)
				return nil
			}
			if errors.Is(err, train.ErrInterrupted) {
				slog.Warn("interrupted: checkpoint written", "dir", out)
			}
			if err != nil {
				return err
			}
			slog.Info("done", "epochs", f.Epochs, "model", filepath.Join(out, train.ModelFile))
			return nil
		},
	}
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset .npz (required; with --resume, default: the one in RUNDIR/run.json)")
	cmd.Flags().StringVar(&out, "out", "", "run directory (required)")
	cmd.Flags().StringVar(&cfgPath, "config", "", "YAML configuration over the defaults")
	cmd.Flags().Uint64Var(&seed, "seed", 0, "random seed of the split, the initialisation and the batches (default: the config's seed, 1 unless set)")
	cmd.Flags().IntVar(&epochs, "epochs", 0, "maximum epochs (overrides the config's)")
	cmd.Flags().BoolVar(&resume, "resume", false, "continue the interrupted fit in --out with its saved config")
	cmd.Flags().StringVar(&splitPath, "split", "", `JSON file {"train": [...], "heldout": [...]} of segment indices replacing the seeded split`)
	cmd.Flags().IntVar(&stopAfter, "stop-after", 0, "pause after this epoch with a checkpoint (the schedule stays that of train.epochs); --resume continues")
	cmd.MarkFlagRequired("out")
	return cmd
}
