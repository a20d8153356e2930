package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestFitStoppedBySignalsResumesExactly stops `jedi fit` at random moments with SIGINT, SIGTERM
// and SIGKILL, resumes it until it ends, and requires a model file byte-identical to that of an
// uninterrupted fit.
func TestFitStoppedBySignalsResumesExactly(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end CLI run")
	}
	dir := t.TempDir()
	if _, stderr, code := run(t, dir, "simulate", "multitask", "--out", "d.npz", "--seed", "3"); code != 0 {
		t.Fatalf("simulate: %s", stderr)
	}
	cfg := "model:\n  units: 24\n  rank: 2\n  hidden: [16]\ntrain:\n  epochs: 6\n  val_every: 2\n  val_infer_steps: 30\n  infer_steps: 5\n  checkpoint_every: 2\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	fit := []string{"-q", "fit", "--data", "d.npz", "--config", "c.yaml", "--seed", "5", "--out"}
	begin := time.Now()
	if _, stderr, code := run(t, dir, append(fit, "ref")...); code != 0 {
		t.Fatalf("fit: %s", stderr)
	}
	took := time.Since(begin)
	want, err := os.ReadFile(filepath.Join(dir, "ref", "model.npz"))
	if err != nil {
		t.Fatal(err)
	}

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL}
	for trial := range 3 {
		out := "run" + string(rune('a'+trial))
		var log []string
		resume := false
		for stops := 0; ; stops++ {
			args := append(fit, out)
			if resume {
				args = []string{"-q", "fit", "--data", "d.npz", "--out", out, "--resume"}
			}
			cmd := exec.Command(jediBin, args...)
			cmd.Dir = dir
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if stops < 2 {
				s := signals[rng.IntN(len(signals))]
				after := time.Duration(rng.Float64() * float64(took))
				log = append(log, s.String()+" after "+after.Round(time.Millisecond).String())
				time.Sleep(after)
				cmd.Process.Signal(s)
			}
			err := cmd.Wait()
			if err == nil {
				break
			}
			if s := stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine") {
				t.Fatalf("trial %d (seed %d) %v: %s", trial, seed, log, s)
			}
			if stops >= 2 {
				t.Fatalf("trial %d (seed %d) %v: resumed fit failed: %v: %s", trial, seed, log, err, stderr.String())
			}
			_, err = os.Stat(filepath.Join(dir, out, "checkpoint.npz"))
			resume = err == nil
		}
		got, err := os.ReadFile(filepath.Join(dir, out, "model.npz"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("trial %d (seed %d), stopped by %v: model.npz differs from the uninterrupted fit's", trial, seed, log)
		}
		left, _ := filepath.Glob(filepath.Join(dir, out, ".*tmp-*"))
		if len(left) > 0 {
			t.Errorf("trial %d: temporary files left behind: %v", trial, left)
		}
	}
}

// TestTwoWritersCLI starts a second `jedi fit` into a run directory while a first one is
// writing it: the second is refused naming the first's PID, and the run stays the first's.
func TestTwoWritersCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end CLI run")
	}
	dir := t.TempDir()
	if _, stderr, code := run(t, dir, "simulate", "sinusoid", "--out", "d.npz", "--seed", "3"); code != 0 {
		t.Fatalf("simulate: %s", stderr)
	}
	cfg := "model:\n  units: 24\n  rank: 2\n  hidden: [16]\ntrain:\n  epochs: 100000\n  val_every: 0\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	first := exec.Command(jediBin, "-q", "fit", "--data", "d.npz", "--config", "c.yaml", "--seed", "5", "--out", "run")
	first.Dir = dir
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	defer first.Process.Kill()
	// Wait until the first fit is training: its checkpoint-less run directory has run.json.
	deadline := time.Now().Add(time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(dir, "run", "run.json")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the first fit did not start within a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_, stderr, code := run(t, dir, "-q", "fit", "--data", "d.npz", "--config", "c.yaml", "--seed", "6", "--out", "run")
	pid := strconv.Itoa(first.Process.Pid)
	if code == 0 || !strings.Contains(stderr, "held by process "+pid) {
		t.Errorf("second writer: exit %d, %q; want a refusal naming process %s", code, stderr, pid)
	}
	first.Process.Signal(syscall.SIGINT)
	first.Wait()
	b, err := os.ReadFile(filepath.Join(dir, "run", "run.json"))
	if err != nil || !strings.Contains(string(b), `"seed": 5`) {
		t.Errorf("run.json after the refused second writer: %v\n%s", err, b)
	}
}
