package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// Task states.
const (
	Pending = "pending" // never started
	Running = "running"
	Paused  = "paused" // stopped at a halving rung, waiting to be continued or dropped
	Done    = "done"
	Failed  = "failed"
	// Dropped is a paused task whose configuration successive halving did not continue.
	Dropped = "dropped"
)

// State is state/NNNN.json: where a task stands, written by the task itself.
type State struct {
	Task  int    `json:"task"`
	State string `json:"state"`
	// Epochs is how far the fit has run; Rung the halving rung it last ran (0 without halving).
	Epochs int `json:"epochs"`
	Rung   int `json:"rung"`
	// Error is the last line the failed command printed.
	Error string `json:"error,omitempty"`
	// Host and PID are where the task runs (ran); SlurmJob its Slurm job (ARRAYJOB_INDEX).
	Host     string `json:"host"`
	PID      int    `json:"pid"`
	SlurmJob string `json:"slurm_job,omitempty"`
	Attempts int    `json:"attempts"`
	Started  string `json:"started"`
	Ended    string `json:"ended,omitempty"`
	// Scores[r] is the best held-out R² of the validations up to halving rung r (what
	// halving ranks by), for each rung the task finished.
	Scores []float64 `json:"scores,omitempty"`
	// R2Train and R2HeldOut are `jedi eval`'s, once the fit is done; Decode the embeddings'
	// cross-validated decoding accuracy of the manifest's decode label, by method.
	R2Train   *float64           `json:"r2_train,omitempty"`
	R2HeldOut *float64           `json:"r2_heldout,omitempty"`
	Decode    map[string]float64 `json:"decode,omitempty"`
	// CPUSeconds and WallSeconds add up every attempt; MaxRSSMiB is the largest resident
	// set of any process the task ran.
	CPUSeconds  float64 `json:"cpu_seconds"`
	WallSeconds float64 `json:"wall_seconds"`
	MaxRSSMiB   float64 `json:"max_rss_mib"`
}

func statePath(dir string, i int) string {
	return filepath.Join(dir, stateDir, taskName(i)+".json")
}

// ReadState reads task i's state; a task never started is Pending.
func ReadState(dir string, i int) (*State, error) {
	var s State
	found, err := readJSON(statePath(dir, i), &s)
	if err != nil {
		return nil, err
	}
	if !found {
		return &State{Task: i, State: Pending}, nil
	}
	return &s, nil
}

// readJSON decodes the JSON file at path into v; found is false, with no error, when the
// file does not exist (a task or rung not reached yet).
func readJSON(path string, v any) (found bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	return true, nil
}

func writeState(dir string, s *State) error {
	return writeJSON(statePath(dir, s.Task), s)
}

func now() string { return time.Now().UTC().Format(time.RFC3339) }

// Probe tells whether a task recorded as running still runs: alive, and known = false when it
// cannot tell (another host, no scheduler to ask).
type Probe func(s *State) (alive, known bool)

// LocalProbe asks the operating system, for tasks started on this host.
func LocalProbe(s *State) (alive, known bool) {
	host, _ := os.Hostname()
	if s.Host != host || s.PID <= 0 {
		return false, false
	}
	return processAlive(s.PID), true
}

// Status reads every task's state. A task recorded as running whose process is gone (killed,
// cancelled, its node lost) is reported Failed, with the reason, as a probe finds it; a paused
// task that halving did not continue is reported Dropped.
func Status(dir string, m *Manifest, probes ...Probe) ([]*State, error) {
	out := make([]*State, len(m.Tasks))
	for i := range m.Tasks {
		s, err := ReadState(dir, i)
		if err != nil {
			return nil, err
		}
		if s.State == Running {
			for _, p := range probes {
				alive, known := p(s)
				if !known {
					continue
				}
				if !alive {
					s.State = Failed
					s.Error = "the task's process is gone (killed or cancelled) without recording an end"
				}
				break
			}
		}
		if s.State == Paused {
			rk, err := ReadRanking(dir, s.Rung)
			if err != nil {
				return nil, err
			}
			if rk != nil && !slices.Contains(rk.Survivors, m.Tasks[i].Config) {
				s.State = Dropped
			}
		}
		out[i] = s
	}
	return out, nil
}

// DoneAt reports whether a task's state shows rung r of m finished: paused at or past the
// rung's epoch, or done (its fit ended: at train.epochs, or earlier by train.patience).
func (s *State) DoneAt(m *Manifest, r int) bool {
	return s.State == Done || s.State == Paused && s.Epochs >= m.Rungs[r]
}

// ScoreAt is the task's ranking score at rung r: the best held-out R² validated up to the
// rung (for a fit that ended earlier, its last).
func (s *State) ScoreAt(r int) float64 {
	if len(s.Scores) == 0 {
		return -1e308
	}
	return s.Scores[min(r, len(s.Scores)-1)]
}
