package main

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/pipeline"
)

func newExport() *cobra.Command {
	var run, dataPath, out string
	var steps int
	cmd := &cobra.Command{
		Use:   "export --run RUNDIR [--data FILE.npz] [--out FILE.npz]",
		Short: "Write every per-segment quantity of a fitted run as one .npz for Python",
		Long: `Write one .npz archive (default RUNDIR/export.npz) holding, for every segment of the data
(training and held-out; held-out embeddings and initial states inferred with the network frozen):
embedding [S, D], x0 [S, N], U and V [S, N, R] with w_scale = 1/N (W_s = w_scale · U_s V_sᵀ), or
W [S, N, N] for a full-rank model, b [S, N], latent [S, T, N] and prediction [S, T, M] (NaN past
each segment's length), activity [S, T, M], lengths, heldout (bool), readout_C [M, N],
readout_bias [M], readout_link, dt, alpha, r2_train, r2_heldout, label_<name> for every label,
config (the configuration as YAML text) and jedi (the version that wrote it). Segments are
numbered from 0 in the data's order, as everywhere in jedi. docs/python.md has an example.`,
		Example: `  jedi export --run run
  python3 -c "import numpy as np; z = np.load('run/export.npz'); print(z['embedding'].shape)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			// Checked before the held-out inference, which takes a while.
			if out != "" && strings.ToLower(filepath.Ext(out)) != ".npz" {
				return fmt.Errorf("export: --out %s: the export is a NumPy .npz archive; give a name ending in .npz", out)
			}
			f, ds, err := loadRunData(run, dataPath)
			if err != nil {
				return err
			}
			x, err := pipeline.NewExport(f, ds, steps)
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join(run, "export.npz")
			}
			if err := x.WriteNPZ(out); err != nil {
				return err
			}
			slog.Info("export written", "file", out, "segments", x.S, "r2_train", x.R2Train, "r2_heldout", x.R2HeldOut)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset (default: the one recorded in RUNDIR/run.json)")
	cmd.Flags().StringVar(&out, "out", "", "output file (default: RUNDIR/export.npz)")
	cmd.Flags().IntVar(&steps, "steps", 0, "inference steps for held-out segments (default: the config's)")
	cmd.MarkFlagRequired("run")
	return cmd
}
