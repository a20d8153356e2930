package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// --threads sets the threads of the whole run (bench reports the count it ran with), and a fit
// with validations writes the same model, bit for bit, and the same history (but for its
// timings) at 1 and 3 threads.
func TestThreadsFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end CLI run")
	}
	dir := t.TempDir()
	for _, n := range []int{1, 3} {
		stdout, stderr, code := run(t, dir, "-q", "--threads", strconv.Itoa(n), "bench", "--size", "small", "--steps", "10", "--warmup", "1", "--json")
		if code != 0 {
			t.Fatalf("bench --threads %d: %s", n, stderr)
		}
		var res struct{ Threads int }
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
			t.Fatalf("bench --json printed %q: %v", stdout, err)
		}
		if res.Threads != n {
			t.Errorf("--threads %d: bench ran with %d threads", n, res.Threads)
		}
	}
	if _, stderr, code := run(t, dir, "--threads", "0", "inspect", "x.npz"); code == 0 || !strings.Contains(stderr, "--threads 0") {
		t.Errorf("--threads 0: exit %d, %q", code, stderr)
	}

	if _, stderr, code := run(t, dir, "simulate", "multitask", "--out", "d.npz", "--seed", "3"); code != 0 {
		t.Fatalf("simulate: %s", stderr)
	}
	cfg := "model:\n  units: 32\n  rank: 2\n  hidden: [16]\ntrain:\n  epochs: 4\n  val_every: 2\n  infer_steps: 5\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	read := func(run, name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, run, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// history.csv without its last column, the seconds.
	history := func(run string) string {
		var rows []string
		for _, l := range strings.Split(strings.TrimSpace(string(read(run, "history.csv"))), "\n") {
			rows = append(rows, l[:strings.LastIndexByte(l, ',')])
		}
		return strings.Join(rows, "\n")
	}
	for _, n := range []string{"1", "3"} {
		if _, stderr, code := run(t, dir, "-q", "--threads", n, "fit", "--data", "d.npz", "--out", "run"+n, "--config", "c.yaml"); code != 0 {
			t.Fatalf("fit --threads %s: %s", n, stderr)
		}
	}
	if !bytes.Equal(read("run1", "model.npz"), read("run3", "model.npz")) {
		t.Error("fits at 1 and 3 threads wrote different models")
	}
	if h1, h3 := history("run1"), history("run3"); h1 != h3 || !strings.Contains(h1, "r2_heldout") {
		t.Errorf("fits at 1 and 3 threads wrote different histories:\n%s\n%s", h1, h3)
	}
}
