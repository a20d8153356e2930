package main

import (
	"os"
	"path/filepath"
	"slices"
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

// poolRecipe is a recipe pooling the units of data/recipe/testdata/pool, with the given
// prepare section.
func poolRecipe(t *testing.T, prepare string) string {
	pool, err := filepath.Abs("../../data/recipe/testdata/pool")
	if err != nil {
		t.Fatal(err)
	}
	return `file: ` + pool + `/u*_b*.npz
time_unit: ms
trials: eventtimes
columns_from: event_names
start: TS
stop: TE
spikes: {table: spiketimes, time: 1, trial: 2}
labels: {direction: {spike_field: 3}}
unit: {index: {file: ` + pool + `/toc.npz, key: files, column: unit}}
prepare: ` + prepare + `
pool: {match: [direction], min_trials: 3}
`
}

// The prepared dataset keeps the recipe's order of epochs (not sorted) and the order it gives a
// label, for every figure and table of the runs fitted to it.
func TestPrepareOrder(t *testing.T) {
	dir := t.TempDir()
	r := poolRecipe(t, `{bin_ms: 50, epochs: [{name: prep, align: GO, from_ms: -200, to_ms: 0}, {name: exec, align: MO, from_ms: -100, to_ms: 100}], checks: {events: [TS, GO, MO, TE]}}`)
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(r), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, "-q", "prepare", "--recipe", "r.yaml", "--out", "d.npz"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	d, err := data.ReadNPZ(filepath.Join(dir, "d.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if got, _, _ := d.GroupIndex("epoch"); !slices.Equal(got, []string{"prep", "exec"}) {
		t.Errorf("epochs in order %v, want the recipe's [prep exec]", got)
	}
	dirs, _, _ := d.GroupIndex("direction")
	rev := slices.Clone(dirs)
	slices.Reverse(rev)
	r = strings.Replace(r, "checks:", "order: {direction: ["+strings.Join(rev, ", ")+"]}, checks:", 1)
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(r), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code := run(t, dir, "-q", "prepare", "--recipe", "r.yaml", "--out", "d.npz"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if d, err = data.ReadNPZ(filepath.Join(dir, "d.npz")); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := d.GroupIndex("direction"); len(rev) < 2 || !slices.Equal(got, rev) {
		t.Errorf("directions in order %v, want the recipe's %v", got, rev)
	}
}

// --seed redraws a pool's pseudo-trials, and is recorded in the resolved recipe.
func TestPrepareSeed(t *testing.T) {
	dir := t.TempDir()
	r := poolRecipe(t, `{bin_ms: 50, epochs: [{name: m, align: MO, from_ms: -100, to_ms: 100}], checks: {events: [TS, GO, MO, TE]}}`)
	if err := os.WriteFile(filepath.Join(dir, "r.yaml"), []byte(r), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"1", "2"} {
		if _, stderr, code := run(t, dir, "-q", "prepare", "--recipe", "r.yaml", "--out", "d"+s+".npz", "--seed", s); code != 0 {
			t.Fatalf("seed %s: exit %d: %s", s, code, stderr)
		}
		if !fileHas(t, filepath.Join(dir, "d"+s+".npz.recipe.yaml"), "seed: "+s) {
			t.Errorf("seed %s not recorded", s)
		}
	}
	a, _ := os.ReadFile(filepath.Join(dir, "d1.npz"))
	b, _ := os.ReadFile(filepath.Join(dir, "d2.npz"))
	if string(a) == string(b) {
		t.Error("seeds 1 and 2 gave the same pseudo-trials")
	}
	if _, stderr, code := run(t, dir, "prepare", "--recipe", "r.yaml", "--out", "x.npz", "--seed", "3", "--init", "r.yaml"); code == 0 || !strings.Contains(stderr, "--init") {
		t.Errorf("--init with others: %d %q", code, stderr)
	}
}
