package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/memorypro"
	"github.com/jedi-neuro/jedi/train"
)

// memoryProFlags are the settings of `jedi simulate memorypro` beyond --out and --seed.
type memoryProFlags struct {
	trials, trainTrials, testTrials, units, observed, epochs int
}

// addMemoryProFlags registers the memorypro flags on the simulate command.
func addMemoryProFlags(cmd *cobra.Command) *memoryProFlags {
	def := memorypro.DefaultOptions("", 0)
	f := &memoryProFlags{}
	fl := cmd.Flags()
	fl.IntVar(&f.trials, "trials", def.Data.Trials, "memorypro: trials in the dataset (4 segments each)")
	fl.IntVar(&f.trainTrials, "train-trials", def.TrainTrials, "memorypro: trials the teacher is trained on")
	fl.IntVar(&f.testTrials, "test-trials", def.TestTrials, "memorypro: fresh trials the teacher's competence is measured on")
	fl.IntVar(&f.units, "units", def.Units, "memorypro: units of the teacher network")
	fl.IntVar(&f.observed, "observed", def.Data.Observed, "memorypro: observed units (a random subset)")
	fl.IntVar(&f.epochs, "epochs", 0, "memorypro: teacher training epochs (0: the default)")
	return f
}

// simulateMemoryPro trains the MemoryPro teacher (run directory beside out: data.npz →
// data.teacher/), logs its competence and writes the dataset with its ground truth to out.
func simulateMemoryPro(ctx context.Context, fl *memoryProFlags, out string, seed uint64) error {
	dir := strings.TrimSuffix(out, ".npz") + ".teacher"
	opt := memorypro.DefaultOptions(dir, seed)
	opt.Data.Trials, opt.Data.Observed = fl.trials, fl.observed
	opt.TrainTrials, opt.TestTrials, opt.Units = fl.trainTrials, fl.testTrials, fl.units
	if fl.epochs < 0 {
		return fmt.Errorf("simulate memorypro: --epochs %d, want ≥ 0", fl.epochs)
	}
	if fl.epochs > 0 {
		cfg := memorypro.TeacherConfig(opt.Data.Task, opt.Units, seed)
		cfg.Train.Epochs = fl.epochs
		opt.Teacher = &cfg
	}
	opt.Reporter = train.NewReporter(os.Stderr, slog.Default())
	slog.Info("memorypro: training the teacher", "units", opt.Units, "trials", opt.TrainTrials, "dir", dir)
	res, err := memorypro.Run(ctx, opt)
	if err != nil {
		return err
	}
	sc := res.Score
	slog.Info("memorypro: teacher competence", "test_trials", len(sc.Errors),
		"median_error_deg", fmt.Sprintf("%.2f", sc.MedianDeg), "mean_error_deg", fmt.Sprintf("%.2f", sc.MeanDeg),
		"within_20deg", fmt.Sprintf("%.3f", sc.Within20), "fixation_rmse", fmt.Sprintf("%.3f", sc.FixationRMSE),
		"train_seconds", fmt.Sprintf("%.0f", res.TrainSeconds))
	for _, p := range []string{"fixation", "stimulus", "memory", "response"} {
		r := res.FixedPoints[p]
		slog.Info("memorypro: teacher fixed points", "phase", p,
			"points", res.Dataset.Extra["teacher_fixed_points_"+p].Shape[0], "slow_points", res.Dataset.Extra["teacher_slow_points_"+p].Shape[0],
			"converged", r.Stats.Converged, "starts", r.Stats.Starts)
	}
	ds := res.Dataset
	if err := data.WriteNPZ(out, ds); err != nil {
		return err
	}
	slog.Info("wrote", "file", out, "segments", ds.S, "bins", ds.T, "neurons", ds.M, "teacher", dir,
		"seed", seed, "seconds", fmt.Sprintf("%.0f", res.TotalSeconds))
	return nil
}
