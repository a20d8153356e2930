package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/internal/npy"
)

// jedi infer --amortised --compare infers the same segments by optimisation too and saves both
// R² and times, the speed-up, and the two mixtures of the encoder's output with the optimised
// values; --compare without --amortised is refused.
func TestInferCompare(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end CLI run")
	}
	dir := t.TempDir()
	if _, stderr, code := run(t, dir, "simulate", "multitask", "--out", "d.npz", "--seed", "4"); code != 0 {
		t.Fatalf("simulate: %s", stderr)
	}
	cfg := "model:\n  units: 16\n  rank: 2\n  hidden: [8]\ntrain:\n  epochs: 2\n  val_every: 0\n  infer_steps: 3\n" +
		"  amortise: {bins: 2, windows: 2, hidden: [8], distill_steps: 5, tune_steps: 5}\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, "-q", "fit", "--data", "d.npz", "--out", "run", "--config", "c.yaml"); code != 0 {
		t.Fatalf("fit: %s", stderr)
	}
	if _, stderr, code := run(t, dir, "-q", "infer", "--run", "run", "--data", "d.npz", "--out", "x.npz", "--heldout", "--compare"); code == 0 || !strings.Contains(stderr, "--amortised") {
		t.Errorf("--compare without --amortised: exit %d, %q", code, stderr)
	}
	if _, stderr, code := run(t, dir, "-q", "infer", "--run", "run", "--data", "d.npz", "--out", "cmp.npz", "--heldout", "--amortised", "--compare"); code != 0 {
		t.Fatalf("infer --amortised --compare: %s", stderr)
	}
	r, err := npy.Open(filepath.Join(dir, "cmp.npz"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	get := func(name string) float64 {
		a, err := r.Array(name)
		if err != nil {
			t.Fatal(err)
		}
		v, err := a.Floats()
		if err != nil || len(v) != 1 || math.IsNaN(v[0]) {
			t.Fatalf("%s = %v, %v: want one number", name, v, err)
		}
		return v[0]
	}
	for _, k := range []string{"r2", "optimised_r2", "r2_encoder_e_optimised_x0", "r2_optimised_e_encoder_x0"} {
		if v := get(k); v > 1 {
			t.Errorf("%s = %g > 1", k, v)
		}
	}
	amort, opt, speedup := get("seconds_per_segment"), get("optimised_seconds_per_segment"), get("speedup")
	if !(amort > 0 && opt > 0) || math.Abs(speedup-opt/amort) > 1e-9*speedup {
		t.Errorf("seconds per segment %g (amortised), %g (optimised), speed-up %g: want positive times and their ratio", amort, opt, speedup)
	}
}
