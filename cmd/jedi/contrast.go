package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/contrast"
)

func newContrast() *cobra.Command {
	var cfgPath, out string
	var runs, controls []string
	cmd := &cobra.Command{
		Use:   "contrast --config FILE.yaml --runs 'GLOB' [--control NAME='GLOB' ...] --out DIR",
		Short: "Compare the fitted dynamics of two groups of segments across many runs, with controls",
		Example: `  jedi contrast --config examples/monkey/contrast.yaml --runs 'runs/real-*' \
    --control shuffled='runs/shuffled-*' --out contrast`,
		Long: `Measure every segment's network in every run (spectra of W_s and of the Jacobian along
its trajectory, finite-time and long-run Lyapunov exponents), then, for each contrast of the
configuration (label = a against label = b, optionally within a subset), give the difference
per run with a within-run label-permutation test, its mean over runs with a bootstrap interval
and an exact sign-flip test, the same for each control's runs and a test of real against
control, a verdict per claim, and the decoding of labels from the embeddings. The tables list
a before b; a warning says when the data's order of the label (their order_<label>, e.g. a
recipe's epochs), which the runs' figures follow, puts b first.

--runs and each --control take run directories or glob patterns (quote them), several times or
comma-separated; each kind needs ≥ 2 runs (seeds, resampled pseudo-populations). Controls are,
for instance, fits of time-shuffled spikes (jedi prepare --shuffle-spikes) and one network fed
the context as a one-hot input (jedi prepare --inputs-onehot, model.inputs, tie_embeddings
"@all"). Writes DIR/contrast.md, DIR/contrast.json and DIR/contrast_<i>.png (and .svg). See docs/monkey.md
and examples/monkey/contrast.yaml.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cfgPath == "" || out == "" || len(runs) == 0 {
				return fmt.Errorf("contrast: --config, --runs and --out are required")
			}
			cfg, err := contrast.ReadConfig(cfgPath)
			if err != nil {
				return err
			}
			kinds := map[string][]string{contrast.Real: runs}
			for _, c := range controls {
				name, pats, ok := strings.Cut(c, "=")
				if !ok || name == "" || name == contrast.Real || kinds[name] != nil {
					return fmt.Errorf("contrast: --control %q: want NAME=GLOB with a new name other than %q", c, contrast.Real)
				}
				kinds[name] = []string{pats}
			}
			opt := cfg.Options()
			measured := map[string][]*contrast.Run{}
			for _, kind := range slices.Sorted(func(yield func(string) bool) {
				for k := range kinds {
					if !yield(k) {
						return
					}
				}
			}) {
				dirs, err := expand(kinds[kind])
				if err != nil {
					return fmt.Errorf("contrast: %s runs: %w", kind, err)
				}
				for i, dir := range dirs {
					if err := cmd.Context().Err(); err != nil {
						return fmt.Errorf("contrast: interrupted: %w", err)
					}
					start := time.Now()
					f, ds, err := contrast.Load(dir, "")
					if err != nil {
						return err
					}
					if kind == contrast.Real && i == 0 {
						for _, n := range cfg.OrderNotes(ds) {
							slog.Warn("contrast: " + n)
						}
					}
					r, err := contrast.Measure(f, ds, dir, opt)
					if err != nil {
						return err
					}
					measured[kind] = append(measured[kind], r)
					slog.Info("measured", "kind", kind, "run", fmt.Sprintf("%d of %d", i+1, len(dirs)), "dir", dir,
						"segments", len(r.Segments), "r2_heldout", r.R2HeldOut, "seconds", time.Since(start).Seconds())
				}
			}
			res, err := contrast.Compare(measured, cfg)
			if err != nil {
				return err
			}
			if _, err := res.Write(out); err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), res.Markdown())
			slog.Info("wrote", "dir", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&cfgPath, "config", "", "contrast configuration YAML (required; e.g. examples/monkey/contrast.yaml)")
	cmd.Flags().StringSliceVar(&runs, "runs", nil, "the real fits: run directories or glob patterns (required)")
	cmd.Flags().StringArrayVar(&controls, "control", nil, "a control's fits: NAME=GLOB[,GLOB] (repeatable)")
	cmd.Flags().StringVar(&out, "out", "", "directory for contrast.md, contrast.json and the figures (required)")
	return cmd
}

// expand returns the run directories the patterns name (each a directory or a glob, possibly
// comma-separated), sorted and without repeats. A glob's matches that are not directories (a
// fit's log beside its run) are left out; a pattern matching no directory is an error.
func expand(patterns []string) ([]string, error) {
	var out []string
	for _, p := range patterns {
		for _, q := range strings.Split(p, ",") {
			m, err := filepath.Glob(q)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", q, err)
			}
			n := 0
			for _, d := range m {
				if st, err := os.Stat(d); err == nil && st.IsDir() {
					out = append(out, d)
					n++
				}
			}
			if n == 0 {
				return nil, fmt.Errorf("%q matches no run directory", q)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
