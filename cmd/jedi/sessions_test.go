package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
)

// TestSessions runs the multi-session commands end to end on a small teacher: simulate sessions
// (with the single-session data), stitch --simultaneous and stitch, fit, eval with per-session
// R² and co-smoothing, infer, and analyze sessions with the single-session reference.
func TestSessions(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end CLI run")
	}
	dir := t.TempDir()
	if _, stderr, code := run(t, dir, "-q", "simulate", "sessions", "--out", "ms.npz", "--full", "full.npz", "--sessions", "3", "--min-neurons", "1", "--max-neurons", "4", "--seed", "2"); code != 0 {
		t.Fatalf("simulate sessions: %s", stderr)
	}
	ms, err := data.ReadNPZ(filepath.Join(dir, "ms.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if names, _, _ := ms.Sessions(); len(names) != 3 || ms.Observed == nil || ms.M > 12 {
		t.Fatalf("simulate sessions wrote %d sessions, %d neurons, mask %v", len(names), ms.M, ms.Observed != nil)
	}

	// stitch: one unit per file joined, then sessions stitched.
	unit := func(name string, m int, shift float64) {
		d := data.New(4, 3, 1, 0.02)
		for i := range d.Activity {
			d.Activity[i] = float64(i)*0.1 + shift + float64(m)
		}
		d.Labels["dir"] = data.Label{Kind: data.IntLabel, Values: []string{"1", "2", "1", "2"}}
		if err := data.WriteNPZ(filepath.Join(dir, name), d); err != nil {
			t.Fatal(err)
		}
	}
	unit("a_1.npz", 0, 0)
	unit("a_2.npz", 1, 0)
	unit("b_1.npz", 0, 5)
	if _, stderr, code := run(t, dir, "-q", "stitch", "--simultaneous", "--out", "a.npz", "a_1.npz", "a_2.npz"); code != 0 {
		t.Fatalf("stitch --simultaneous: %s", stderr)
	}
	if _, stderr, code := run(t, dir, "-q", "stitch", "--out", "ab.npz", "a.npz", "b_1.npz"); code != 0 {
		t.Fatalf("stitch: %s", stderr)
	}
	ab, err := data.ReadNPZ(filepath.Join(dir, "ab.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if ab.S != 8 || ab.M != 3 || !slices.Equal(ab.Labels[data.SessionLabel].Values, []string{"a", "a", "a", "a", "b_1", "b_1", "b_1", "b_1"}) {
		t.Fatalf("stitched S %d M %d sessions %v", ab.S, ab.M, ab.Labels[data.SessionLabel].Values)
	}
	if !ab.IsObserved(0, 1) || ab.IsObserved(0, 2) || ab.IsObserved(4, 0) || !ab.IsObserved(4, 2) {
		t.Fatalf("stitched mask %v", ab.Observed)
	}
	// Units of other trials cannot be joined: one line naming the file and the field.
	d := data.New(5, 3, 1, 0.02)
	data.WriteNPZ(filepath.Join(dir, "c.npz"), d)
	if _, stderr, code := run(t, dir, "-q", "stitch", "--simultaneous", "--out", "x.npz", "a_1.npz", "c.npz"); code == 0 || !strings.Contains(stderr, "c.npz") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
		t.Fatalf("joining other trials: exit %d, %q", code, stderr)
	}

	cfg := "model:\n  units: 32\n  rank: 2\n  hidden: [16]\ntrain:\n  epochs: 3\n  val_every: 0\n  infer_steps: 5\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"ms", "full"} {
		if _, stderr, code := run(t, dir, "-q", "fit", "--data", f+".npz", "--out", f+"-run", "--config", "c.yaml"); code != 0 {
			t.Fatalf("fit %s: %s", f, stderr)
		}
	}
	stdout, stderr, code := run(t, dir, "-q", "eval", "--run", "ms-run", "--json", "--cosmooth")
	if code != 0 {
		t.Fatalf("eval: %s", stderr)
	}
	var res struct {
		Held     []map[string]any `json:"sessions_heldout"`
		CoSmooth *float64         `json:"cosmooth_heldout"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res.Held) != 3 || res.CoSmooth == nil {
		t.Fatalf("eval --json --cosmooth: %v, %s", err, stdout)
	}
	if _, stderr, code := run(t, dir, "-q", "infer", "--run", "ms-run", "--data", "ms.npz", "--heldout", "--out", "emb.npz", "--steps", "2"); code != 0 {
		t.Fatalf("infer: %s", stderr)
	}
	stdout, stderr, code = run(t, dir, "-q", "analyze", "sessions", "--run", "ms-run", "--single", "full-run", "--steps", "5")
	if code != 0 || !strings.Contains(stdout, "single-session fit") || !strings.Contains(stdout, "task decoded by knn across sessions") {
		t.Fatalf("analyze sessions: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "ms-run", "analysis", "sessions.json")); err != nil {
		t.Fatal(err)
	}
}

// TestRiehleSession prepares the units of one Riehle recording session with the sessions
// recipe (real single trials, no pool) and joins them: every unit has the same trials, so the
// session is one dataset with a neuron per unit. Skipped without ../shared/data.
func TestRiehleSession(t *testing.T) {
	repo, _ := filepath.Abs("../..")
	dir := filepath.Join(repo, "..", "shared", "data", "riehle-joe")
	files, _ := filepath.Glob(filepath.Join(dir, "joe011_*.npz"))
	if len(files) == 0 {
		t.Skip("../shared/data/riehle-joe is absent")
	}
	tmp := t.TempDir()
	recipe := filepath.Join(repo, "examples", "sessions", "riehle-unit.yaml")
	var units []string
	for _, f := range files {
		u := filepath.Join(tmp, filepath.Base(f))
		if _, stderr, code := run(t, tmp, "-q", "prepare", "--recipe", recipe, "--file", f, "--out", u); code != 0 {
			t.Fatalf("prepare %s: %s", f, stderr)
		}
		units = append(units, u)
	}
	args := append([]string{"-q", "stitch", "--simultaneous", "--out", "s.npz"}, units...)
	if _, stderr, code := run(t, tmp, args...); code != 0 {
		t.Fatalf("stitch --simultaneous: %s", stderr)
	}
	d, err := data.ReadNPZ(filepath.Join(tmp, "s.npz"))
	if err != nil {
		t.Fatal(err)
	}
	one, err := data.ReadNPZ(units[0])
	if err != nil {
		t.Fatal(err)
	}
	if d.M != len(files) || d.S != one.S || d.S < 100 {
		t.Fatalf("session of %d units: %d segments × %d neurons (one unit: %d segments)", len(files), d.S, d.M, one.S)
	}
	for _, l := range []string{"direction", "epoch", "trial", "condition"} {
		if !slices.Equal(d.Labels[l].Values, one.Labels[l].Values) {
			t.Errorf("label %s differs from the first unit's", l)
		}
	}
}
