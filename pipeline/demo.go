package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// DemoOptions configure the end-to-end demonstration on built-in synthetic data.
type DemoOptions struct {
	// Dir receives data.npz, run/ (the fit) and report.html with its figures.
	Dir string
	// Seed drives the teacher, and the fit through the configuration's seed.
	Seed uint64
	// Config is the fit's configuration; nil uses train.Default.
	Config   *train.Config
	Reporter train.Reporter
}

// Demo runs the main job: simulate the multi-task teacher, fit JEDI, evaluate it on held-out
// trials, analyse the fitted networks and write the report. A second call on the same
// directory reuses what is already there: the data if its seed matches, a finished fit, or an
// interrupted fit, which it resumes.
func Demo(ctx context.Context, opt DemoOptions) (string, error) {
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return "", err
	}
	dataPath := filepath.Join(opt.Dir, "data.npz")
	runDir := filepath.Join(opt.Dir, "run")
	seedFile := filepath.Join(opt.Dir, "data.seed")

	var ds *data.Dataset
	if b, err := os.ReadFile(seedFile); err == nil && string(b) == fmt.Sprint(opt.Seed) {
		if ds, err = data.ReadNPZ(dataPath); err != nil {
			return "", err
		}
		slog.Info("demo: reusing the simulated data", "file", dataPath)
	} else {
		slog.Info("demo: simulating the multi-task teacher", "seed", opt.Seed)
		if ds, err = sim.Multitask(sim.DefaultMultitask(), opt.Seed); err != nil {
			return "", err
		}
		if err := data.WriteNPZ(dataPath, ds); err != nil {
			return "", err
		}
		if err := fsutil.WriteBytesAtomic(seedFile, []byte(fmt.Sprint(opt.Seed))); err != nil {
			return "", err
		}
		ds.Source = dataPath
	}

	cfg := train.Default(ds.M)
	if opt.Config != nil {
		cfg = *opt.Config
	}
	cfg.Seed = opt.Seed
	var f *train.Fitted
	var err error
	switch {
	case fsutil.Exists(filepath.Join(runDir, train.ModelFile)):
		slog.Info("demo: reusing the finished fit", "dir", runDir)
		if f, err = train.LoadRun(runDir); err != nil {
			return "", err
		}
	case fsutil.Exists(filepath.Join(runDir, train.CheckpointFile)):
		slog.Info("demo: resuming the interrupted fit", "dir", runDir)
		if cfg, err = train.LoadSaved(filepath.Join(runDir, train.ConfigFile)); err != nil {
			return "", err
		}
		f, err = train.Fit(ctx, cfg, ds, train.FitOptions{Dir: runDir, Resume: true, Reporter: opt.Reporter})
	default:
		slog.Info("demo: fitting", "model", cfg.Model.String(), "epochs", cfg.Train.Epochs)
		f, err = train.Fit(ctx, cfg, ds, train.FitOptions{Dir: runDir, Reporter: opt.Reporter})
	}
	if errors.Is(err, train.ErrInterrupted) {
		return "", fmt.Errorf("%w (run the same command again to resume)", err)
	}
	if err != nil {
		return "", err
	}
	history, err := train.ReadHistory(runDir)
	if err != nil {
		return "", err
	}
	a, err := Analyze(f, ds, history, DefaultOptions())
	if err != nil {
		return "", err
	}
	y, err := f.Config.YAML()
	if err != nil {
		return "", err
	}
	// As jedi eval reports them: the saved (best validated) model, every training segment, and
	// the held-out segments with embeddings inferred in train.infer_steps steps.
	slog.Info("demo: result of the saved model (as jedi eval)", "r2_train", fmt.Sprintf("%.4f", a.R2Train), "r2_heldout", fmt.Sprintf("%.4f", a.R2HeldOut), "infer_steps", a.InferSteps)
	return a.WriteReport(opt.Dir, "JEDI on the multi-task teacher", string(y))
}
