package main

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/pipeline"
	"github.com/jedi-neuro/jedi/train"
)

func newReport() *cobra.Command {
	var run, dataPath, out, label string
	var steps int
	cmd := &cobra.Command{
		Use:     "report --run RUNDIR [--data FILE.npz] [--out DIR] [--label NAME]",
		Short:   "Analyse a fitted run and write a self-contained HTML report",
		Example: `  jedi report --run run --label task    # writes run/report.html`,
		Long: `Evaluate a fitted run, infer its held-out embeddings, decode --label from the embeddings,
compute the spectra of the inferred weights per label value, and write DIR/report.html
(figures embedded; no network needed to view it), DIR/analysis.json and DIR/figures/.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f, ds, err := loadRunData(run, dataPath)
			if err != nil {
				return err
			}
			history, err := train.ReadHistory(run)
			if err != nil {
				return err
			}
			opt := pipeline.DefaultOptions()
			opt.Label, opt.InferSteps = label, steps
			a, err := pipeline.Analyze(f, ds, history, opt)
			if err != nil {
				return err
			}
			y, err := f.Config.YAML()
			if err != nil {
				return err
			}
			if out == "" {
				out = run
			}
			a.Provenance = pipeline.Provenance(ds, os.Args)
			path, err := a.WriteReport(out, "JEDI fit: "+run, string(y))
			if err != nil {
				return err
			}
			slog.Info("report written", "file", path)
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "run directory written by jedi fit (required)")
	cmd.Flags().StringVar(&dataPath, "data", "", "dataset (default: the one recorded in RUNDIR/run.json)")
	cmd.Flags().StringVar(&out, "out", "", "output directory (default: RUNDIR)")
	cmd.Flags().StringVar(&label, "label", "", "label to colour, decode and group by (default: task, else the first)")
	cmd.Flags().IntVar(&steps, "steps", 0, "inference steps for held-out embeddings (default: the config's)")
	cmd.MarkFlagRequired("run")
	return cmd
}
