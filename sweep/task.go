package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jedi-neuro/jedi/plugins/embeddings"
	"github.com/jedi-neuro/jedi/train"
)

// TaskOptions say which task RunTask runs and how.
type TaskOptions struct {
	// Jedi is the jedi executable that runs `jedi fit` and `jedi eval`.
	Jedi string
	// Rung is the halving rung to run (0 without halving). Index is the task; with Rank ≥ 0
	// instead, the task is the Rank-th of the rung's survivors (configurations in order of
	// their score at the previous rung, each with all its replicas), as the waves of an
	// array job after the first name them before the ranking exists.
	Rung, Index, Rank int
	// SlurmJob is recorded in the state so that status can ask Slurm about the task.
	SlurmJob string
}

// RunTask runs one task of the sweep in dir to its rung: `jedi fit` into the task's run
// directory (continued from its checkpoint when there is one; paused at the rung's epoch
// unless it is the last), then, at the last rung, `jedi eval` (and `jedi analyze embeddings`
// when the manifest names a decode label). Its state file records progress, scores and cost;
// a task already past the rung returns at once. Interrupted (SIGINT, SIGTERM), the fit writes
// its checkpoint and the task is recorded as failed, to be continued by the next run.
func RunTask(ctx context.Context, dir string, o TaskOptions) (*State, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	if o.Rung < 0 || o.Rung >= len(m.Rungs) {
		return nil, fmt.Errorf("rung %d: the sweep has rungs 0…%d", o.Rung, len(m.Rungs)-1)
	}
	idx := o.Index
	if o.Rank >= 0 {
		if idx, err = RankedTask(dir, m, o.Rung, o.Rank); err != nil {
			return nil, err
		}
	}
	if idx < 0 || idx >= len(m.Tasks) {
		return nil, fmt.Errorf("task %d: the sweep has tasks 0…%d", idx, len(m.Tasks)-1)
	}
	st, err := ReadState(dir, idx)
	if err != nil {
		return nil, err
	}
	if st.DoneAt(m, o.Rung) {
		return st, nil
	}
	t := m.Tasks[idx]
	run := filepath.Join(dir, t.Run)
	target := m.Rungs[o.Rung]
	host, _ := os.Hostname()
	st.State, st.Rung, st.Error = Running, o.Rung, ""
	st.Host, st.PID, st.SlurmJob = host, os.Getpid(), o.SlurmJob
	st.Attempts++
	st.Started, st.Ended = now(), ""
	if err := writeState(dir, st); err != nil {
		return nil, err
	}
	fail := func(err error) (*State, error) {
		st.State, st.Error, st.Ended = Failed, oneLine(err.Error()), now()
		if e, cerr := fittedEpochs(run); cerr == nil {
			st.Epochs = e // where a resumed fit will continue from
		}
		if werr := writeState(dir, st); werr != nil {
			return st, werr
		}
		return st, fmt.Errorf("task %d: %w", idx, err)
	}
	logf, err := os.OpenFile(filepath.Join(dir, logsDir, taskName(idx)+".log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fail(err)
	}
	defer logf.Close()
	r := &runner{ctx: ctx, jedi: o.Jedi, log: logf, st: st, threads: max(m.Resources.CPUs, 1)}
	fmt.Fprintf(logf, "=== %s task %d rung %d (epoch %d) on %s, attempt %d\n", now(), idx, o.Rung, target, host, st.Attempts)

	epochs, err := fittedEpochs(run)
	if err != nil {
		return fail(err)
	}
	// model.npz is written when a fit ends: at train.epochs, or earlier by train.patience.
	finished := exists(filepath.Join(run, train.ModelFile))
	if epochs < target && !finished {
		args := []string{"fit", "--data", m.DataPath(dir), "--out", run}
		if epochs > 0 || exists(filepath.Join(run, train.CheckpointFile)) {
			args = append(args, "--resume")
		} else {
			args = append(args, "--config", filepath.Join(dir, t.ConfigFile))
			if t.SplitFile != "" {
				args = append(args, "--split", filepath.Join(dir, t.SplitFile))
			}
		}
		if target < m.Epochs {
			args = append(args, "--stop-after", strconv.Itoa(target))
		}
		if _, err := r.run(args...); err != nil {
			return fail(err)
		}
		if epochs, err = fittedEpochs(run); err != nil {
			return fail(err)
		}
		finished = exists(filepath.Join(run, train.ModelFile))
	}
	st.Epochs = epochs
	hist, err := train.CheckpointHistory(run)
	if err != nil {
		return fail(err)
	}
	st.Scores = rungScores(hist, m.Rungs[:o.Rung+1])

	if finished {
		out, err := r.run("eval", "--run", run, "--json")
		if err != nil {
			return fail(err)
		}
		var ev struct {
			R2Train   float64 `json:"r2_train"`
			R2HeldOut float64 `json:"r2_heldout"`
		}
		if err := json.Unmarshal(out, &ev); err != nil {
			return fail(fmt.Errorf("jedi eval --json printed %q: %w", out, err))
		}
		st.R2Train, st.R2HeldOut = finite(ev.R2Train), finite(ev.R2HeldOut)
		if m.DecodeLabel != "" {
			adir := filepath.Join(run, "analysis")
			if _, err := r.run("analyze", "embeddings", "--run", run, "--label", m.DecodeLabel, "--out", adir); err != nil {
				return fail(err)
			}
			if st.Decode, err = readDecode(filepath.Join(adir, "embeddings.json")); err != nil {
				return fail(err)
			}
		}
		st.State = Done
	} else {
		st.State = Paused
	}
	st.Ended = now()
	return st, writeState(dir, st)
}

// runner runs jedi commands for one task, their output appended to the task's log.
type runner struct {
	ctx     context.Context
	jedi    string
	log     io.Writer
	st      *State
	threads int
}

// run executes jedi with args and returns its standard output; its cost is added to the
// state. The error is the command's last line on stderr (jedi prints one line per error).
func (r *runner) run(args ...string) ([]byte, error) {
	cmd := exec.Command(r.jedi, args...)
	// GOMAXPROCS sizes every fit to the CPUs it was given, so that tasks running side by
	// side do not oversubscribe the cores (and a fit gives the same numbers on any backend).
	cmd.Env = append(os.Environ(), "GOMAXPROCS="+strconv.Itoa(r.threads))
	var stdout bytes.Buffer
	tail := &lastLine{}
	cmd.Stdout = &stdout
	cmd.Stderr = io.MultiWriter(r.log, tail)
	fmt.Fprintf(r.log, "$ jedi %s\n", strings.Join(args, " "))
	begin := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// The fit gets SIGINT/SIGTERM itself when they go to the whole job or process group;
	// this passes on a signal sent to the task alone, so that the fit still checkpoints.
	done := make(chan struct{})
	go func() {
		select {
		case <-r.ctx.Done():
			interrupt(cmd.Process)
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	r.st.WallSeconds += time.Since(begin).Seconds()
	if ps := cmd.ProcessState; ps != nil {
		r.st.CPUSeconds += (ps.UserTime() + ps.SystemTime()).Seconds()
		r.st.MaxRSSMiB = max(r.st.MaxRSSMiB, maxRSSMiB(ps))
	}
	r.log.Write(stdout.Bytes())
	if err != nil {
		if line := tail.String(); line != "" {
			return nil, errors.New(strings.TrimPrefix(line, "jedi: "))
		}
		return nil, fmt.Errorf("jedi %s: %w", args[0], err)
	}
	return stdout.Bytes(), nil
}

// lastLine keeps the last non-empty line written to it.
type lastLine struct{ cur, last []byte }

func (l *lastLine) Write(p []byte) (int, error) {
	for _, c := range p {
		if c == '\n' {
			if len(bytes.TrimSpace(l.cur)) > 0 {
				l.last = append(l.last[:0], l.cur...)
			}
			l.cur = l.cur[:0]
			continue
		}
		l.cur = append(l.cur, c)
	}
	return len(p), nil
}

func (l *lastLine) String() string {
	if len(bytes.TrimSpace(l.cur)) > 0 {
		return strings.TrimSpace(string(l.cur))
	}
	return strings.TrimSpace(string(l.last))
}

// fittedEpochs is how many epochs the run directory's fit has trained: its checkpoint's, or 0
// without one.
func fittedEpochs(run string) (int, error) {
	if !exists(filepath.Join(run, train.CheckpointFile)) {
		return 0, nil
	}
	h, err := train.CheckpointHistory(run)
	if err != nil {
		return 0, err
	}
	if len(h) == 0 {
		return 0, nil
	}
	return h[len(h)-1].Epoch, nil
}

// rungScores returns, for each rung's epoch, the best held-out R² validated up to it (NaN
// when none was).
func rungScores(h []train.Record, rungs []int) []float64 {
	out := make([]float64, len(rungs))
	for r, e := range rungs {
		best := math.Inf(-1)
		for _, rec := range h {
			if rec.Epoch <= e && !math.IsNaN(rec.HeldOutR2) {
				best = max(best, rec.HeldOutR2)
			}
		}
		out[r] = best
		if math.IsInf(best, -1) {
			out[r] = -1e308 // JSON has no −Inf: no validation ranks last
		}
	}
	return out
}

func readDecode(path string) (map[string]float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var em struct {
		Classification []embeddings.Classification `json:"classification"`
	}
	if err := json.Unmarshal(b, &em); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]float64, len(em.Classification))
	for _, c := range em.Classification {
		out[c.Method] = c.Accuracy
	}
	return out, nil
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", " ") }
