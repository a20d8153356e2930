package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// crash is what the test hook panics with to stop a fit dead, as kill -9 would: nothing after
// the crash point runs, and the run directory holds whatever was on disk then.
type crash struct{}

// interruptConfig is a fit small enough to run many times, with every kind of stopping point:
// a last minibatch smaller than the others, validations, process noise and checkpoints that
// do not fall on validation epochs.
func interruptConfig(M int) Config {
	cfg := smallConfig(M)
	cfg.Train.Epochs = 9
	cfg.Train.BatchSize = 6
	cfg.Train.ValEvery = 3
	cfg.Train.ValInferSteps = 8
	cfg.Train.CheckpointEvery = 2
	cfg.Model.NoiseStd = 0.05
	return cfg
}

// fitStoppedAt runs (or resumes) a fit into dir and stops it at the k-th call of the hook at
// point, by cancelling its context (Ctrl-C, SIGTERM) or by a crash (kill -9). It returns true
// when the fit ran to its end.
func fitStoppedAt(t *testing.T, cfg Config, dir string, resume bool, point string, k int, hard bool) (done bool) {
	t.Helper()
	ds := teacherData(t, 20, 20, 5)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	testHook = func(p string) {
		if p != point {
			return
		}
		if n++; n == k {
			if hard {
				panic(crash{})
			}
			cancel()
		}
	}
	defer func() { testHook = nil }()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(crash); !ok {
				panic(r)
			}
			done = false
		}
	}()
	_, err := Fit(ctx, cfg, ds, FitOptions{Dir: dir, Resume: resume})
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrInterrupted) && !hard:
		return false
	}
	t.Fatalf("fit stopped at %s #%d: %v", point, k, err)
	return false
}

// TestResumeExactWhereverStopped stops fits at random points — between minibatch steps inside
// epochs, during validation, in the middle of writing a checkpoint — by cancellation or by a
// crash, resumes each until it ends, and requires the model file and the history to be
// byte-identical to those of an uninterrupted fit.
func TestResumeExactWhereverStopped(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := interruptConfig(ds.M)
	ref := t.TempDir()
	counts := map[string]int{}
	testHook = func(p string) { counts[p]++ }
	_, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: ref})
	testHook = nil
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"step", "validate", "checkpoint"} {
		if counts[p] == 0 {
			t.Fatalf("the reference fit never reached the %q stopping point", p)
		}
	}
	want := readRunFiles(t, ref)

	seed := uint64(os.Getpid())
	rng := rand.New(rand.NewPCG(seed, 7))
	points := []string{"step", "validate", "checkpoint"}
	trials := 12
	const maxStops = 4
	if testing.Short() {
		trials = 4
	}
	for trial := range trials {
		dir := t.TempDir()
		var log []string
		resume := false
		for stops := 0; ; stops++ {
			// Each run counts its stopping points afresh, so random stops alone may never let
			// a fit finish: after maxStops the run goes on to the end, which must then succeed.
			point := points[rng.IntN(len(points))]
			k := 1 + rng.IntN(counts[point])
			hard := rng.IntN(2) == 0
			if stops == maxStops {
				k = 0
			}
			log = append(log, fmt.Sprintf("%s#%d hard=%v resume=%v", point, k, hard, resume))
			if fitStoppedAt(t, cfg, dir, resume, point, k, hard) {
				break
			}
			if stops == maxStops {
				t.Fatalf("trial %d (seed %d): a run left alone did not finish after %v", trial, seed, log)
			}
			// A crash before the first checkpoint leaves nothing to resume: start again.
			_, err := os.Stat(filepath.Join(dir, CheckpointFile))
			resume = err == nil
		}
		got := readRunFiles(t, dir)
		for name, w := range want {
			if !bytes.Equal(got[name], w) {
				t.Errorf("trial %d (seed %d), stopped at %v: %s differs from the uninterrupted fit's", trial, seed, log, name)
			}
		}
	}
}

// readRunFiles returns the model file and the history (without its wall-clock column) of a
// finished run directory.
func readRunFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m, err := os.ReadFile(filepath.Join(dir, ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	h, err := os.ReadFile(filepath.Join(dir, HistoryFile))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, line := range strings.Split(string(h), "\n") {
		if i := strings.LastIndexByte(line, ','); i >= 0 {
			line = line[:i]
		}
		b.WriteString(line + "\n")
	}
	return map[string][]byte{ModelFile: m, HistoryFile: []byte(b.String())}
}

// TestStopsAtTheNextStep cancels fits inside an epoch and inside a validation: not one more
// minibatch step, nor one more inference step of the validation, may run after the cancellation.
func TestStopsAtTheNextStep(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := interruptConfig(ds.M)
	cfg.Train.ValInferSteps = 500
	for _, point := range []string{"step", "validate"} {
		ctx, cancel := context.WithCancel(context.Background())
		after := -1
		testHook = func(p string) {
			switch {
			case after >= 0 && (p == "step" || p == "validate"):
				after++
			case p == point:
				cancel()
				after = 0
			}
		}
		_, err := Fit(ctx, cfg, ds, FitOptions{Dir: t.TempDir()})
		testHook = nil
		cancel()
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("cancelled at the first %s: %v", point, err)
		}
		if after != 0 {
			t.Errorf("cancelled at the first %s: %d more steps ran", point, after)
		}
	}
}
