// Command jedi fits JEDI (Jointly Embedded Inference of Neural Dynamics) models to neural
// recordings and takes them apart. Each verb is a thin layer over the library packages:
//
//	jedi simulate multitask --out data.npz     synthetic teacher data with ground truth
//	jedi fit --data data.npz --out run/        train (config YAML + seed; resumable)
//	jedi eval --run run/ --json                R² on training and held-out segments
//	jedi infer --run run/ --data new.npz       embeddings of unseen segments
//	jedi analyze spectra --run run/            one analysis (embeddings, generalization, …)
//	jedi bench --size small --json             time one training step
package main

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/internal/version"
)

func main() {
	ctx := handleSignals()
	root := newRoot()
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "jedi:", oneLine(err))
		os.Exit(1)
	}
}

// oneLine keeps an error message on one line, as scripts expect.
func oneLine(err error) string {
	b := []byte(err.Error())
	for i, c := range b {
		if c == '\n' {
			b[i] = ' '
		}
	}
	return string(b)
}

var logLevel = new(slog.LevelVar)

func newRoot() *cobra.Command {
	var verbose, quiet bool
	root := &cobra.Command{
		Use:     "jedi",
		Short:   "Fit and analyse JEDI models of neural dynamics",
		Version: version.Get().String(),
		Example: `  jedi demo --out demo
  jedi fit --data data.npz --out run && jedi report --run run && jedi export --run run`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRun: func(cmd *cobra.Command, args []string) {
			markGraceful(cmd)
			switch {
			case quiet:
				logLevel.Set(slog.LevelWarn)
			case verbose:
				logLevel.Set(slog.LevelDebug)
			}
			slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel})))
		},
	}
	root.PersistentFlags().BoolVarP(&verbose, "verbose", "v", false, "log debugging detail")
	root.PersistentFlags().BoolVarP(&quiet, "quiet", "q", false, "log warnings and errors only")
	addProfiling(root)
	addThreads(root)
	root.AddCommand(newDemo(), newInspect(), newSimulate(), newFit(), newEval(), newInfer(), newReport(), newPrepare(), newAnalyze(), newCompare(), newContrast(), newBench(), newSweep(), newExport(), newReproduce(), newStitch())
	explainArgs(root)
	return root
}
