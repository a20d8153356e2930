// Package slurm is the sweep backend for Slurm clusters: one sbatch array script per halving
// rung (one array index per task, or per rank among the rung's survivors), submitted with
// sbatch, later waves depending on earlier ones; job states read from `scontrol -o show job`,
// which works without Slurm's accounting database (sacct does not).
package slurm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/sweep"
)

// Dir is the sweep directory's folder for the scripts and the record of submissions.
const Dir = "slurm"

const submissionsFile = "submissions.json"

// Script returns the sbatch script of rung r of the sweep in dir (an absolute path): each
// array index runs `jedi sweep task` for the task of that index (rung 0) or of that rank
// among the rung's survivors (later rungs). The array itself is given to sbatch when
// submitting (--array), so that the same script serves resubmissions of a few indices.
func Script(dir string, spec *sweep.Spec, m *sweep.Manifest, jedi string, r int) string {
	var b strings.Builder
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&b, "# jedi sweep %s, halving rung %d of %d (%d epochs).\n", dir, r, len(m.Rungs)-1, m.Rungs[r])
	fmt.Fprintf(&b, "# Submit with: sbatch --array=0-%d %s (jedi sweep slurm --submit does, for what is unfinished)\n", waveSize(m, r)-1, scriptPath(dir, r))
	opt := func(format string, args ...any) { fmt.Fprintf(&b, "#SBATCH "+format+"\n", args...) }
	opt("--job-name=jedi-sweep-r%d", r)
	opt("--cpus-per-task=%d", max(m.Resources.CPUs, 1))
	if m.Resources.Memory != "" {
		opt("--mem=%s", m.Resources.Memory)
	}
	if m.Resources.Time != "" {
		opt("--time=%s", m.Resources.Time)
	}
	if spec.Slurm.Partition != "" {
		opt("--partition=%s", spec.Slurm.Partition)
	}
	if spec.Slurm.Account != "" {
		opt("--account=%s", spec.Slurm.Account)
	}
	opt("--output=%s", filepath.Join(dir, "logs", "slurm-%A_%a.out"))
	for _, e := range spec.Slurm.Extra {
		opt("%s", e)
	}
	b.WriteString("set -eu\n")
	for _, l := range spec.Slurm.Setup {
		b.WriteString(l + "\n")
	}
	which := "--index"
	if r > 0 {
		which = "--rank"
	}
	fmt.Fprintf(&b, "exec %s sweep task --sweep %s --rung %d %s \"$SLURM_ARRAY_TASK_ID\"\n", shellQuote(jedi), shellQuote(dir), r, which)
	return b.String()
}

func scriptPath(dir string, r int) string {
	return filepath.Join(dir, Dir, fmt.Sprintf("rung-%d.sbatch", r))
}

// waveSize is the number of array elements of rung r.
func waveSize(m *sweep.Manifest, r int) int { return m.Keep[r] * len(m.Replicas) }

// WriteScripts writes every rung's script into DIR/slurm and returns their paths.
func WriteScripts(dir string, spec *sweep.Spec, m *sweep.Manifest, jedi string) ([]string, error) {
	if err := os.MkdirAll(filepath.Join(dir, Dir), 0o755); err != nil {
		return nil, err
	}
	var paths []string
	for r := range m.Rungs {
		p := scriptPath(dir, r)
		if err := fsutil.WriteBytesAtomic(p, []byte(Script(dir, spec, m, jedi, r))); err != nil {
			return nil, err
		}
		if err := os.Chmod(p, 0o755); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// Submission is one sbatch call: rung, array indices and the job ID Slurm gave it.
type Submission struct {
	Rung  int    `json:"rung"`
	Array []int  `json:"array"`
	JobID string `json:"job_id"`
	// After is the job this one waits for (afterany), if any.
	After string `json:"after,omitempty"`
}

// Submissions reads the record of past submissions of the sweep in dir.
func Submissions(dir string) ([]Submission, error) {
	path := filepath.Join(dir, Dir, submissionsFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var s []Submission
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// Submit submits what of the sweep in dir is unfinished: of the first rung not finished, the
// array indices whose task is neither done nor still queued or running in Slurm; then every
// later rung as a whole array, each waiting (afterany) for the previous one. It writes the
// scripts first, records the submissions in DIR/slurm/submissions.json and returns those
// made (none when everything is done or already queued).
func Submit(dir string, spec *sweep.Spec, m *sweep.Manifest, jedi string) ([]Submission, error) {
	if _, err := WriteScripts(dir, spec, m, jedi); err != nil {
		return nil, err
	}
	past, err := Submissions(dir)
	if err != nil {
		return nil, err
	}
	jobs, err := JobStates(past)
	if err != nil {
		return nil, err
	}
	var made []Submission
	after := ""
	for r := range m.Rungs {
		if after != "" {
			// A later wave: its survivors are not known yet, so the whole array waits.
			s, err := sbatch(dir, r, seq(waveSize(m, r)), after, spec.Slurm.MaxParallel)
			if err != nil {
				return made, err
			}
			made = append(made, s)
			after = s.JobID
			continue
		}
		todo, queued, err := unfinished(dir, m, r, past, jobs)
		if err != nil {
			return made, err
		}
		if todo == nil && queued == "" {
			continue // this rung is finished: look at the next
		}
		after = queued
		if len(todo) > 0 {
			s, err := sbatch(dir, r, todo, queued, spec.Slurm.MaxParallel)
			if err != nil {
				return made, err
			}
			made = append(made, s)
			after = s.JobID
		}
	}
	all := append(past, made...)
	b, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return made, err
	}
	return made, fsutil.WriteBytesAtomic(filepath.Join(dir, Dir, submissionsFile), append(b, '\n'))
}

// unfinished returns rung r's array indices to submit, and a job of that rung still queued or
// running (for later waves to wait on; the last such). A rung whose ranking of the previous
// rung does not exist yet cannot be resolved: that happens only while the previous rung is
// still queued, which the caller handles by waiting on it.
func unfinished(dir string, m *sweep.Manifest, r int, past []Submission, jobs map[string]string) (todo []int, queued string, err error) {
	surv, err := sweep.Survivors(dir, m, r)
	if err != nil {
		return nil, "", err
	}
	R := len(m.Replicas)
	for j := range len(surv) * R {
		task := surv[j/R]*R + j%R
		idx := task
		if r > 0 {
			idx = j
		}
		st, err := sweep.ReadState(dir, task)
		if err != nil {
			return nil, "", err
		}
		if st.DoneAt(m, r) {
			continue
		}
		if job := liveJob(past, jobs, r, idx); job != "" {
			queued = job
			continue
		}
		todo = append(todo, idx)
	}
	if todo == nil {
		todo = []int{} // nothing to submit, but the rung is not finished while queued != ""
		if queued == "" {
			todo = nil
		}
	}
	return todo, queued, nil
}

// liveJob returns the job ID of a past submission of rung r whose array element idx is still
// pending or running in Slurm.
func liveJob(past []Submission, jobs map[string]string, r, idx int) string {
	for i := len(past) - 1; i >= 0; i-- {
		s := past[i]
		if s.Rung != r {
			continue
		}
		if Alive(jobs[s.JobID+"_"+strconv.Itoa(idx)]) {
			return s.JobID
		}
	}
	return ""
}

func sbatch(dir string, r int, array []int, after string, maxParallel int) (Submission, error) {
	arr := compress(array)
	if maxParallel > 0 {
		arr += "%" + strconv.Itoa(maxParallel)
	}
	args := []string{"--parsable", "--array=" + arr}
	if after != "" {
		args = append(args, "--dependency=afterany:"+after)
	}
	args = append(args, scriptPath(dir, r))
	out, err := command("sbatch", args...)
	if err != nil {
		return Submission{}, err
	}
	// --parsable prints "jobid" or "jobid;cluster".
	id, _, _ := strings.Cut(strings.TrimSpace(out), ";")
	if _, err := strconv.Atoi(id); err != nil {
		return Submission{}, fmt.Errorf("sbatch printed %q, want a job ID", out)
	}
	return Submission{Rung: r, Array: array, JobID: id, After: after}, nil
}

// compress writes indices as Slurm's --array list: 0-3,7,9-10.
func compress(idx []int) string {
	var parts []string
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if j == i {
			parts = append(parts, strconv.Itoa(idx[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", idx[i], idx[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// JobStates asks Slurm for the state of every array element of the given submissions, keyed
// ARRAYJOB_INDEX. Jobs Slurm no longer knows (finished long ago) are absent.
func JobStates(subs []Submission) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range subs {
		text, err := command("scontrol", "-o", "show", "job", s.JobID)
		if err != nil {
			if strings.Contains(err.Error(), "Invalid job id") {
				continue
			}
			return nil, err
		}
		for k, v := range ParseJobs(text) {
			out[k] = v
		}
	}
	return out, nil
}

// ParseJobs reads `scontrol -o show job` output (one job per line, Key=Value fields) into
// ARRAYJOB_INDEX → JobState. A line for pending elements not yet split off names them as a
// list of ranges (ArrayTaskId=2-5,7%2); each gets the line's state. Lines of jobs that are not
// array elements are keyed by their JobId.
func ParseJobs(text string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(text, "\n") {
		f := fields(line)
		state, ok := f["JobState"]
		if !ok {
			continue
		}
		arr, task := f["ArrayJobId"], f["ArrayTaskId"]
		if arr == "" || task == "" {
			out[f["JobId"]] = state
			continue
		}
		task, _, _ = strings.Cut(task, "%")
		for _, part := range strings.Split(task, ",") {
			lo, hi, isRange := strings.Cut(part, "-")
			a, err1 := strconv.Atoi(lo)
			b := a
			var err2 error
			if isRange {
				b, err2 = strconv.Atoi(hi)
			}
			if err1 != nil || err2 != nil {
				continue
			}
			for i := a; i <= b; i++ {
				out[arr+"_"+strconv.Itoa(i)] = state
			}
		}
	}
	return out
}

// fields splits a one-line record of space-separated Key=Value pairs.
func fields(line string) map[string]string {
	f := map[string]string{}
	for _, kv := range strings.Fields(line) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			f[k] = v
		}
	}
	return f
}

// Alive reports whether a job state means the job will still run or is running.
func Alive(state string) bool {
	switch state {
	case "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT":
		return true
	}
	return false
}

// Probe is a sweep.Probe that asks Slurm about tasks recorded as running under a Slurm job:
// a task whose job Slurm reports ended (or no longer knows) is not running any more.
func Probe(dir string) (sweep.Probe, error) {
	past, err := Submissions(dir)
	if err != nil {
		return nil, err
	}
	if _, err := exec.LookPath("scontrol"); err != nil {
		return func(*sweep.State) (bool, bool) { return false, false }, nil
	}
	jobs, err := JobStates(past)
	if err != nil {
		return nil, err
	}
	return func(s *sweep.State) (alive, known bool) {
		if s.SlurmJob == "" {
			return false, false
		}
		st, ok := jobs[s.SlurmJob]
		if !ok {
			if arr, _, _ := strings.Cut(s.SlurmJob, "_"); !submitted(past, arr) {
				return false, false // not one of ours: cannot tell
			}
			return false, true
		}
		return Alive(st), true
	}, nil
}

func submitted(past []Submission, id string) bool {
	for _, s := range past {
		if s.JobID == id {
			return true
		}
	}
	return false
}

// command runs a Slurm client command; its error carries the command's stderr.
func command(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// shellQuote quotes s for bash.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(c rune) bool {
		return !(c == '/' || c == '.' || c == '-' || c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Queued returns, for the tasks of the sweep in dir that have a job element pending or running
// in Slurm, that element's state (PENDING, RUNNING, …), so that status can tell a queued task
// from one never submitted or cancelled. Elements of a later rung whose survivors are not
// known yet are not attributed to tasks.
func Queued(dir string, m *sweep.Manifest) (map[int]string, error) {
	past, err := Submissions(dir)
	if err != nil || len(past) == 0 {
		return nil, err
	}
	if _, err := exec.LookPath("scontrol"); err != nil {
		return nil, nil
	}
	jobs, err := JobStates(past)
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	for _, s := range past {
		for _, idx := range s.Array {
			st := jobs[s.JobID+"_"+strconv.Itoa(idx)]
			if !Alive(st) {
				continue
			}
			task := idx
			if s.Rung > 0 {
				if rk, err := sweep.ReadRanking(dir, s.Rung-1); err != nil || rk == nil {
					continue
				}
				if task, err = sweep.RankedTask(dir, m, s.Rung, idx); err != nil {
					continue
				}
			}
			out[task] = st
		}
	}
	return out, nil
}
