package train

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/runlock"
)

// TestTwoWritersOneRunDir starts a second fit into a run directory while a first one is
// writing it: the second is refused with the holder's PID and host, and the first finishes a
// run that is entirely its own.
func TestTwoWritersOneRunDir(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := interruptConfig(ds.M)
	other := cfg
	other.Seed = 99
	dir := t.TempDir()
	var second error
	tried := false
	testHook = func(p string) {
		if p == "step" && !tried {
			tried = true
			_, second = Fit(context.Background(), other, ds, FitOptions{Dir: dir})
		}
	}
	defer func() { testHook = nil }()
	if _, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	var held *runlock.HeldError
	if !errors.As(second, &held) {
		t.Fatalf("second writer: %v, want it refused by the lock", second)
	}
	host, _ := os.Hostname()
	msg := second.Error()
	for _, want := range []string{"process " + strconv.Itoa(os.Getpid()), "host " + host, runlock.LockFile} {
		if !strings.Contains(msg, want) {
			t.Errorf("refusal %q does not name %q", msg, want)
		}
	}
	ri, err := ReadRunInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	f, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ri.Seed != cfg.Seed || f.Config.Seed != cfg.Seed {
		t.Fatalf("run.json seed %d, model seed %d, want both %d (the first writer's)", ri.Seed, f.Config.Seed, cfg.Seed)
	}
	if _, err := os.Stat(filepath.Join(dir, runlock.LockFile)); !os.IsNotExist(err) {
		t.Fatalf("lock file after the fit: %v", err)
	}
}

// writeData writes ds to an npz file in dir and reads it back, so that it has a Source.
func writeData(t *testing.T, ds *data.Dataset, dir, name string) *data.Dataset {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := data.WriteNPZ(path, ds); err != nil {
		t.Fatal(err)
	}
	back, err := data.ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// TestResumeRefusesOtherData changes the data file of an interrupted run and resumes it.
func TestResumeRefusesOtherData(t *testing.T) {
	tmp := t.TempDir()
	ds := writeData(t, teacherData(t, 20, 20, 5), tmp, "data.npz")
	cfg := interruptConfig(ds.M)
	dir := filepath.Join(tmp, "run")
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := Fit(ctx, cfg, ds, FitOptions{Dir: dir, Reporter: cancelAt{2, cancel}}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted fit: %v", err)
	}
	changed := teacherData(t, 20, 20, 6)
	ds2 := writeData(t, changed, tmp, "data.npz")
	_, err := Fit(context.Background(), cfg, ds2, FitOptions{Dir: dir, Resume: true})
	if err == nil || !strings.Contains(err.Error(), "SHA-256") || !strings.Contains(err.Error(), ds2.Source) {
		t.Fatalf("resume on changed data: %v, want a refusal naming the file and its SHA-256", err)
	}
	// The same file again resumes.
	ds3 := writeData(t, teacherData(t, 20, 20, 5), tmp, "data.npz")
	if _, err := Fit(context.Background(), cfg, ds3, FitOptions{Dir: dir, Resume: true}); err != nil {
		t.Fatalf("resume on the original data: %v", err)
	}
}

// TestOrphanedTempsRemoved leaves the temporary files of a writer killed mid-write in a run
// directory; the next fit there removes them.
func TestOrphanedTempsRemoved(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := interruptConfig(ds.M)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := Fit(ctx, cfg, ds, FitOptions{Dir: dir, Reporter: cancelAt{2, cancel}}); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted fit: %v", err)
	}
	orphans := []string{".checkpoint.npz.tmp-123456", ".model.npz.tmp-42"}
	for _, o := range orphans {
		if err := os.WriteFile(filepath.Join(dir, o), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	keep := filepath.Join(dir, "notes.txt")
	os.WriteFile(keep, []byte("mine"), 0o644)
	if _, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir, Resume: true}); err != nil {
		t.Fatal(err)
	}
	for _, o := range orphans {
		if _, err := os.Stat(filepath.Join(dir, o)); !os.IsNotExist(err) {
			t.Errorf("%s after the next fit: %v", o, err)
		}
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("a file that is not a temporary file was removed: %v", err)
	}
}

// TestFailedFitsSayWhy runs fits that cannot be right and checks each stops or warns with what
// to change.
func TestFailedFitsSayWhy(t *testing.T) {
	base := teacherData(t, 20, 20, 5)
	fit := func(t *testing.T, ds *data.Dataset, edit func(*Config)) ([]string, error) {
		cfg := interruptConfig(ds.M)
		if edit != nil {
			edit(&cfg)
		}
		var warnings []string
		_, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: t.TempDir(), Warn: func(m string) { warnings = append(warnings, m) }})
		return warnings, err
	}
	scaled := func(k float64) *data.Dataset {
		ds := base.Subset(seq(0, base.S))
		for i := range ds.Activity {
			ds.Activity[i] *= k
		}
		return ds
	}
	t.Run("learning rate 10", func(t *testing.T) {
		for _, clipNorm := range []float64{1, 0} {
			_, err := fit(t, base, func(c *Config) { c.Train.LearningRate, c.Train.ClipNorm = 10, clipNorm })
			if err == nil || !strings.Contains(err.Error(), "diverged") || !strings.Contains(err.Error(), "train.learning_rate") {
				t.Errorf("clip_norm %g: %v, want a divergence error naming train.learning_rate", clipNorm, err)
			}
			if clipNorm == 0 && err != nil && !strings.Contains(err.Error(), "train.clip_norm") {
				t.Errorf("without clipping: %v, want the advice to set train.clip_norm", err)
			}
		}
	})
	t.Run("unequal segments, one per minibatch", func(t *testing.T) {
		// One loud segment among quiet ones: a minibatch of one quiet segment has a loss far
		// below the mean over all segments, and must not make a working fit look diverged.
		ds := scaled(1)
		for s := range ds.S {
			k := 0.03
			if s == 0 {
				k = 30
			}
			for i := range ds.Segment(s) {
				ds.Activity[s*ds.T*ds.M+i] *= k
			}
		}
		if _, err := fit(t, ds, func(c *Config) { c.Train.BatchSize, c.Train.Epochs = 1, 3 }); err != nil {
			t.Errorf("a working fit was stopped: %v", err)
		}
	})
	t.Run("worse than the mean", func(t *testing.T) {
		// One epoch at a tiny step size leaves the initial model, whose R² is below 0.
		w, err := fit(t, base, func(c *Config) { c.Train.Epochs, c.Train.LearningRate = 1, 1e-9 })
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.Join(w, "\n"); !strings.Contains(s, "training R²") || !strings.Contains(s, "worse than predicting each neuron's mean") {
			t.Errorf("warnings %q, want the training R² floor", w)
		}
		o := interruptConfig(1).Train
		hist := []Record{{Epoch: 3, TrainR2: 0.5, HeldOutR2: -0.1}}
		if w := fitWarnings(&o, hist, -0.1); len(w) != 1 || !strings.Contains(w[0], "held-out R² -0.1") {
			t.Errorf("held-out R² −0.1: %q, want one warning naming it", w)
		}
		if w := fitWarnings(&o, hist, math.Inf(-1)); len(w) != 0 {
			t.Errorf("good training R², no validation: %q, want none", w)
		}
	})
	t.Run("overflows float32", func(t *testing.T) {
		ds := scaled(1)
		ds.Source = "big.npz"
		ds.Activity[(3*ds.T+4)*ds.M+2] = 1e39
		_, err := fit(t, ds, func(c *Config) { c.Train.HeldOut = 0 })
		if err == nil || !strings.Contains(err.Error(), "big.npz: activity[3, 4, 2]") || !strings.Contains(err.Error(), "float32") {
			t.Errorf("%v, want an error naming big.npz, activity[3, 4, 2] and float32", err)
		}
	})
	t.Run("constant activity", func(t *testing.T) {
		ds := scaled(0)
		ds.Source = "zeros.npz"
		_, err := fit(t, ds, nil)
		if err == nil || !strings.Contains(err.Error(), "zeros.npz: activity") || !strings.Contains(err.Error(), "constant") {
			t.Errorf("%v, want an error naming zeros.npz, activity, constant", err)
		}
	})
	t.Run("one segment", func(t *testing.T) {
		ds := base.Subset([]int{0})
		w, err := fit(t, ds, func(c *Config) { c.Train.Epochs = 2 })
		if err != nil {
			t.Fatal(err)
		}
		if s := strings.Join(w, "\n"); !strings.Contains(s, "too few for a held-out split") {
			t.Errorf("warnings %q, want one saying there can be no held-out split", w)
		}
	})
}

// TestNoNaNWritten refuses to write a model whose parameters are not finite.
func TestNoNaNWritten(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := interruptConfig(ds.M)
	cfg.Train.Epochs = 1
	dir := t.TempDir()
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	f.Embeddings[3] = math.NaN()
	path := filepath.Join(dir, "nan.npz")
	if err := SaveModel(path, f); err == nil || !strings.Contains(err.Error(), "embeddings[3] = NaN") {
		t.Fatalf("saving a model with a NaN embedding: %v", err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("%s exists after the refusal: %v", path, err)
	}
}

// TestRefusedConfigLeavesNoRunDir: a configuration refused by validation creates nothing.
func TestRefusedConfigLeavesNoRunDir(t *testing.T) {
	ds := teacherData(t, 8, 10, 1)
	cfg := Default(ds.M)
	cfg.Train.LearningRate = -1
	dir := filepath.Join(t.TempDir(), "run")
	_, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "learning_rate") {
		t.Fatalf("error %v, want one naming learning_rate", err)
	}
	if _, serr := os.Stat(dir); !errors.Is(serr, os.ErrNotExist) {
		t.Fatalf("the refused fit left %s behind (stat: %v)", dir, serr)
	}
}
