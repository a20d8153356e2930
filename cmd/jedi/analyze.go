package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/pipeline"
	"github.com/jedi-neuro/jedi/plugin"
)

// newAnalyze returns `jedi analyze` with one sub-command per registered analysis plug-in
// (plugin.Plugins): the flags every verb shares, then the plug-in's own.
func newAnalyze() *cobra.Command {
	plugins := plugin.Plugins()
	var list strings.Builder
	for _, p := range plugins {
		fmt.Fprintf(&list, "  %-15s %s\n", p.Name(), p.Short())
	}
	cmd := &cobra.Command{
		Use:   "analyze " + strings.Join(plugin.Names(), "|") + " --run RUNDIR [--data FILE] [--label NAME] [--out DIR]",
		Short: "One analysis of a fitted run: JSON, npz and PNG/SVG figures in --out (default RUNDIR/analysis)",
		Example: `  jedi analyze spectra --run run
  jedi analyze fixedpoints --run run --label phase --per-segment`,
		Long: `Run one analysis of a fitted run. Each writes NAME.json (the numbers, with a "meaning" field
where the score needs one), NAME.npz (the arrays, for NumPy) and NAME.png / NAME.svg into --out
(default RUNDIR/analysis). --label picks the label the segments are grouped by (default: task,
else the first label in name order). Each analysis's own flags default to the values jedi report
uses.

` + strings.TrimRight(list.String(), "\n"),
	}
	for _, p := range plugins {
		cmd.AddCommand(analyzeCommand(p))
	}
	return cmd
}

// analyzeCommand returns the verb of plug-in p.
func analyzeCommand(p plugin.Plugin) *cobra.Command {
	var run, dataPath, label, out string
	var steps int
	cmd := &cobra.Command{
		Use:     p.Name() + " --run RUNDIR [--data FILE.npz] [--label NAME] [--out DIR]",
		Short:   p.Short(),
		Example: "  jedi analyze " + p.Name() + " --run run --out run/analysis",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, ds, err := loadRunData(run, dataPath)
			if err != nil {
				return err
			}
			label, err := pipeline.ChooseLabel(ds, label)
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join(run, "analysis")
			}
			if fl := cmd.Flags().Lookup("steps"); fl == nil || !fl.Changed {
				steps = f.Config.Train.InferSteps
			}
			res, err := plugin.NewContext(f, ds, label, steps).Run(p)
			if err != nil {
				return err
			}
			if res == nil {
				return fmt.Errorf("%s does not apply to this run (see the log line above)", p.Name())
			}
			res.Print(os.Stdout)
			figs, err := res.Write(out)
			for _, fig := range figs {
				slog.Info(p.Name()+" figure", "file", fig.Path)
			}
			if err != nil {
				return err
			}
			slog.Info(p.Name()+" written", "dir", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset (default: the one recorded in RUNDIR/run.json)")
	cmd.Flags().StringVar(&label, "label", "", "label to group by (default: task, else the first)")
	cmd.Flags().StringVar(&out, "out", "", "output directory (default: RUNDIR/analysis)")
	if _, ok := p.(plugin.HeldOutInference); ok {
		cmd.Flags().IntVar(&steps, "steps", 0, "Adam steps of the inference of held-out segments (default: the config's train.infer_steps)")
	}
	cmd.MarkFlagRequired("run")
	p.Flags(cmd.Flags())
	return cmd
}
