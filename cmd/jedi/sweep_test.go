package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/sweep"
	"github.com/jedi-neuro/jedi/train"
)

// sweepData writes a small dataset of two conditions (damped oscillations of two frequencies
// across 6 neurons) that tiny fits learn something of within a few epochs.
func sweepData(t *testing.T, path string) {
	t.Helper()
	const S, T, M = 16, 30, 6
	ds := data.New(S, T, M, 0.01)
	cond := make([]string, S)
	for s := range S {
		f := 1.0 + float64(s%2)
		cond[s] = fmt.Sprintf("c%d", s%2)
		for tt := range T {
			for m := range M {
				ph := float64(m)*0.7 + 0.1*float64(s)
				ds.Activity[(s*T+tt)*M+m] = math.Sin(f*0.3*float64(tt)+ph) * math.Exp(-0.02*float64(tt))
			}
		}
	}
	ds.Labels["task"] = data.Label{Kind: data.StringLabel, Values: cond}
	if err := data.WriteNPZ(path, ds); err != nil {
		t.Fatal(err)
	}
}

// sweepSpec is the sweep the local and Slurm tests both run: 2 ranks × 2 seeds × 2 folds of
// 6-epoch fits of an 8-unit model; with halving, 2 configurations compared at epoch 2 and 4.
func writeSweepSpec(t *testing.T, dir string, halving bool) string {
	t.Helper()
	spec := `data: d.npz
set:
  model.units: 8
  model.hidden: [8]
  model.embedding_dim: 2
  train.epochs: 8
  train.batch_size: 8
  train.val_every: 2
  train.val_infer_steps: 5
  train.infer_steps: 10
  train.checkpoint_every: 2
grid:
  model.rank: [1, 2]
seeds: [1, 2]
folds: {k: 2, stratify: task, seed: 3}
resources: {cpus: 1, memory: 200M, time: "00:05:00"}
slurm: {max_parallel: 2}
`
	name := "sweep.yaml"
	if halving {
		spec += "halving: {eta: 2, min_epochs: 2}\n"
		name = "halving.yaml"
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	stdout, stderr, code := run(t, dir, args...)
	if code != 0 {
		t.Fatalf("jedi %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFitStopAfterResume: a fit paused with --stop-after and continued with --resume ends with
// exactly the parameters of an uninterrupted one (what successive halving relies on), and
// --split is the split it trains on.
func TestFitStopAfterResume(t *testing.T) {
	dir := t.TempDir()
	sweepData(t, filepath.Join(dir, "d.npz"))
	cfg := "model:\n  units: 8\n  rank: 1\n  hidden: [8]\n  embedding_dim: 2\ntrain:\n  epochs: 6\n  batch_size: 8\n  val_every: 2\n  val_infer_steps: 5\n  infer_steps: 5\n"
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	split := `{"train": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], "heldout": [12, 13, 14, 15]}`
	if err := os.WriteFile(filepath.Join(dir, "split.json"), []byte(split), 0o644); err != nil {
		t.Fatal(err)
	}
	base := []string{"-q", "fit", "--data", "d.npz", "--config", "c.yaml", "--split", "split.json"}
	mustRun(t, dir, append(base, "--out", "whole")...)
	mustRun(t, dir, append(base, "--out", "paused", "--stop-after", "2")...)
	if _, err := os.Stat(filepath.Join(dir, "paused", train.ModelFile)); err == nil {
		t.Fatal("a paused fit wrote model.npz")
	}
	h, err := train.CheckpointHistory(filepath.Join(dir, "paused"))
	if err != nil || len(h) != 2 || math.IsNaN(h[1].HeldOutR2) {
		t.Fatalf("paused checkpoint history: %v, %+v", err, h)
	}
	mustRun(t, dir, "-q", "fit", "--data", "d.npz", "--out", "paused", "--resume", "--stop-after", "4")
	mustRun(t, dir, "-q", "fit", "--data", "d.npz", "--out", "paused", "--resume")
	a, err := train.LoadRun(filepath.Join(dir, "whole"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := train.LoadRun(filepath.Join(dir, "paused"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Theta, b.Theta) || !slices.Equal(a.Embeddings, b.Embeddings) {
		t.Fatal("paused and resumed twice, the fit ends with other parameters than uninterrupted")
	}
	if !slices.Equal(a.HeldOut, []int{12, 13, 14, 15}) || len(a.Train) != 12 {
		t.Fatalf("--split: trained on %v, held out %v", a.Train, a.HeldOut)
	}
	if _, stderr, code := run(t, dir, "-q", "fit", "--data", "d.npz", "--out", "bad", "--split", "c.yaml"); code == 0 || !strings.Contains(stderr, "c.yaml") {
		t.Fatalf("a bad --split file: exit %d, %q", code, stderr)
	}
}

// localSweep plans and runs the sweep locally and returns its directory.
func localSweep(t *testing.T, dir string, halving bool, name string) string {
	t.Helper()
	spec := writeSweepSpec(t, dir, halving)
	mustRun(t, dir, "-q", "sweep", "plan", "--spec", spec, "--out", name)
	mustRun(t, dir, "-q", "sweep", "run", name, "--jobs", "2")
	mustRun(t, dir, "-q", "sweep", "collect", name)
	return filepath.Join(dir, name)
}

func TestSweepLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end sweep")
	}
	dir := t.TempDir()
	sweepData(t, filepath.Join(dir, "d.npz"))
	sw := localSweep(t, dir, false, "local")
	res := readFile(t, filepath.Join(sw, sweep.TableCSV))
	lines := strings.Split(strings.TrimSpace(res), "\n")
	if len(lines) != 1+8 || lines[0] != "task,config,model.rank,seed,fold,state,epochs,r2_train,r2_heldout" {
		t.Fatalf("table.csv:\n%s", res)
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, ",done,8,") {
			t.Fatalf("a task not done: %s", l)
		}
	}
	// Every task is an ordinary run directory: jedi eval works on it alone and agrees with
	// the table.
	out := mustRun(t, dir, "-q", "eval", "--run", filepath.Join(sw, "runs", "0003"), "--json")
	if !strings.Contains(out, `"r2_heldout"`) {
		t.Fatalf("eval of a task's run: %s", out)
	}
	sel := readFile(t, filepath.Join(sw, sweep.SelectedYAML))
	if !strings.Contains(sel, "rank:") {
		t.Fatalf("selected.yaml:\n%s", sel)
	}
	// The selected configuration fits as it is.
	mustRun(t, dir, "-q", "fit", "--data", "d.npz", "--out", "refit", "--config", filepath.Join(sw, sweep.SelectedYAML))
	// Running again does nothing: every task is done.
	before := readFile(t, filepath.Join(sw, "state", "0000.json"))
	mustRun(t, dir, "-q", "sweep", "run", "local")
	if readFile(t, filepath.Join(sw, "state", "0000.json")) != before {
		t.Fatal("a second run touched a finished task")
	}
	// A failed task is reported with its last error line and rerun by the next run, alone.
	if err := os.WriteFile(filepath.Join(sw, "runs", "0005", train.CheckpointFile), []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(sw, "runs", "0005", train.ModelFile))
	os.Remove(filepath.Join(sw, "state", "0005.json"))
	if _, _, code := run(t, dir, "-q", "sweep", "run", "local"); code == 0 {
		t.Fatal("a sweep with a broken task reported success")
	}
	status := mustRun(t, dir, "sweep", "status", "local")
	if !strings.Contains(status, "7 done, 1 failed") || !strings.Contains(status, train.CheckpointFile) {
		t.Fatalf("status after a broken task:\n%s", status)
	}
}

func TestSweepHalvingLocal(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end sweep")
	}
	dir := t.TempDir()
	sweepData(t, filepath.Join(dir, "d.npz"))
	sw := localSweep(t, dir, true, "halving")
	m, err := sweep.ReadManifest(sw)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Rungs, []int{2, 4, 8}) || !slices.Equal(m.Keep, []int{2, 1, 1}) {
		t.Fatalf("rungs %v keep %v, want [2 4 8] [2 1 1]", m.Rungs, m.Keep)
	}
	rk, err := sweep.ReadRanking(sw, 0)
	if err != nil || rk == nil {
		t.Fatalf("rung 0 ranking: %v", err)
	}
	best := rk.Ranked[0].Config
	// The survivor's 4 tasks reached 8 epochs; the other's stopped at 2, reported dropped.
	states, err := sweep.Status(sw, m)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range states {
		want, epochs := sweep.Dropped, 2
		if m.Tasks[i].Config == best {
			want, epochs = sweep.Done, 8
		}
		if s.State != want || s.Epochs != epochs {
			t.Fatalf("task %d (config %d, best %d): %s at %d epochs, want %s at %d", i, m.Tasks[i].Config, best, s.State, s.Epochs, want, epochs)
		}
	}
	// The continued fits are the uninterrupted ones: refit a survivor's task in one go.
	task := m.Tasks[best*len(m.Replicas)]
	mustRun(t, dir, "-q", "fit", "--data", "d.npz", "--out", "whole", "--config", filepath.Join(sw, task.ConfigFile), "--split", filepath.Join(sw, task.SplitFile))
	a, err := train.LoadRun(filepath.Join(dir, "whole"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := train.LoadRun(filepath.Join(sw, task.Run))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Theta, b.Theta) {
		t.Fatal("a task continued over halving rungs differs from the same fit run in one go")
	}
}

// slurmUp reports whether a Slurm cluster answers here (.ci/slurm up starts one).
func slurmUp() bool {
	if _, err := exec.LookPath("sbatch"); err != nil {
		return false
	}
	return exec.Command("scontrol", "ping").Run() == nil && exec.Command("sinfo", "-h").Run() == nil
}

// waitSlurm waits until no job of the sweep is pending or running in Slurm.
func waitSlurm(t *testing.T, dir string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		out, _, code := run(t, dir, "sweep", "status", "--json", "sw")
		if code != 0 {
			t.Fatal("sweep status failed")
		}
		subs, err := readSubmissions(filepath.Join(dir, "sw"))
		if err != nil {
			t.Fatal(err)
		}
		busy := false
		for _, id := range subs {
			q, err := exec.Command("squeue", "-h", "-j", id, "-o", "%i %T").Output()
			if err == nil && len(bytes.TrimSpace(q)) > 0 {
				busy = true
			}
		}
		if !busy && !strings.Contains(out, `"state": "running"`) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("the Slurm jobs did not finish within %v", timeout)
}

func readSubmissions(dir string) ([]string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "slurm", "submissions.json"))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range strings.Split(string(b), "\n") {
		if _, v, ok := strings.Cut(l, `"job_id": "`); ok {
			ids = append(ids, strings.TrimSuffix(strings.TrimSpace(v), `",`))
		}
	}
	return ids, nil
}

// TestSweepSlurm runs the sweep of TestSweepLocal through the localhost Slurm cluster (.ci/slurm
// up): one task is cancelled before it runs, resubmission submits only it, and the collected
// table is byte for byte the local one. Then the halving sweep runs as dependent arrays and
// collects to the local halving table. Skipped where no Slurm answers.
func TestSweepSlurm(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end sweep")
	}
	if !slurmUp() {
		t.Skip("no Slurm cluster here (.ci/slurm up starts one on localhost)")
	}
	for _, halving := range []bool{false, true} {
		t.Run(fmt.Sprintf("halving=%v", halving), func(t *testing.T) {
			dir := t.TempDir()
			sweepData(t, filepath.Join(dir, "d.npz"))
			local := localSweep(t, dir, halving, "local")
			spec := writeSweepSpec(t, dir, halving)
			mustRun(t, dir, "-q", "sweep", "plan", "--spec", spec, "--out", "sw")
			out := mustRun(t, dir, "-q", "sweep", "slurm", "sw", "--submit")
			first := strings.Fields(out)
			if len(first) < 4 || first[2] != "job" {
				t.Fatalf("submit printed %q", out)
			}
			job := strings.TrimSuffix(first[3], ",")
			cancelled := "7"
			if !halving {
				// Queued tasks show their Slurm state.
				if st := mustRun(t, dir, "sweep", "status", "--json", "sw"); !strings.Contains(st, `"slurm": "PENDING"`) {
					t.Fatalf("status shows no task pending in Slurm:\n%s", st)
				}
				// Cancel the last task while it waits in the queue (at most two run at once,
				// slurm.max_parallel, so task 7 is still pending).
				if out, err := exec.Command("scancel", job+"_"+cancelled).CombinedOutput(); err != nil {
					t.Fatalf("scancel: %v %s", err, out)
				}
			}
			waitSlurm(t, dir, 90*time.Second)
			if !halving {
				status := mustRun(t, dir, "sweep", "status", "sw")
				if !strings.Contains(status, "7 done, 1 pending") {
					t.Fatalf("status after cancelling task %s:\n%s", cancelled, status)
				}
				out = mustRun(t, dir, "-q", "sweep", "slurm", "sw", "--submit")
				if !strings.Contains(out, "array "+cancelled+"\n") || strings.Count(out, "rung") != 1 {
					t.Fatalf("resubmission should run task %s alone, printed %q", cancelled, out)
				}
				waitSlurm(t, dir, 60*time.Second)
				s0 := readFile(t, filepath.Join(dir, "sw", "state", "0000.json"))
				if !strings.Contains(s0, `"slurm_job": "`+job+`_0"`) || !strings.Contains(s0, `"attempts": 1`) {
					t.Fatalf("task 0 ran again:\n%s", s0)
				}
			}
			mustRun(t, dir, "-q", "sweep", "collect", "sw")
			want := readFile(t, filepath.Join(local, sweep.TableCSV))
			got := readFile(t, filepath.Join(dir, "sw", sweep.TableCSV))
			if got != want {
				t.Fatalf("Slurm table differs from the local one:\n%s\nlocal:\n%s", got, want)
			}
			if halving {
				subs, err := readSubmissions(filepath.Join(dir, "sw"))
				if err != nil || len(subs) != 3 {
					t.Fatalf("halving submitted %v (%v), want three dependent arrays", subs, err)
				}
			}
		})
	}
}
