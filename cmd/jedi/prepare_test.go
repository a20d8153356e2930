package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
)

// prepare --init proposes a recipe that prepare --recipe accepts as it is, and a misspelt key
// is answered with its line and the nearest valid key.
func TestPrepareInit(t *testing.T) {
	dir := t.TempDir()
	fixture, err := filepath.Abs("../../data/recipe/testdata/trials.nwb")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := run(t, dir, "prepare", "--init", fixture)
	if code != 0 || !strings.Contains(stdout, "trials: /intervals/trials") || !strings.Contains(stdout, "GUESS") {
		t.Fatalf("--init: exit %d, stderr %q, stdout:\n%s", code, stderr, stdout)
	}
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := run(t, dir, "prepare", "--recipe", "r.yaml", "--out", "d.npz"); code != 0 || !strings.Contains(out, "6 trials") || !fileHas(t, filepath.Join(dir, "d.npz.report.txt"), "6 trials") {
		t.Fatalf("the proposed recipe: exit %d, %s, %s", code, out, stderr)
	}
	bad := strings.Replace(stdout, "  bin_ms: 20", "  bin_sm: 20", 1)
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = run(t, dir, "prepare", "--recipe", "bad.yaml", "--out", "d.npz")
	if code == 0 || !strings.Contains(stderr, `unknown key "bin_sm" (did you mean "bin_ms"?)`) || !strings.Contains(stderr, "line ") {
		t.Errorf("misspelt key: exit %d, stderr %q", code, stderr)
	}
	if _, stderr, code := run(t, dir, "prepare", "--init", fixture, "--out", "x.npz"); code == 0 || !strings.Contains(stderr, "--init") {
		t.Errorf("--init with --out: exit %d, %q", code, stderr)
	}
}

func fileHas(t *testing.T, path, s string) bool {
	t.Helper()
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), s)
}

// A dataset with a one-bin segment is refused by fit, naming the file, field and index.
func TestFitRefusesOneBinSegment(t *testing.T) {
	dir := t.TempDir()
	d := data.New(2, 3, 2, 0.01)
	for i := range d.Activity {
		d.Activity[i] = float64(i%5) / 5
	}
	d.Lengths[1] = 1
	if err := data.WriteNPZ(filepath.Join(dir, "d.npz"), d); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := run(t, dir, "-q", "fit", "--data", "d.npz", "--out", "run")
	if code == 0 || !strings.Contains(stderr, "d.npz: lengths[1] = 1: a segment needs at least 2 bins") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}
