package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

const halvingDir = "halving"

// Ranking is halving/rung-R.json: the configurations that ran rung R, best first by the mean
// over their replicas of the held-out R² validated up to the rung, and those of them that
// continue to rung R+1. A configuration with a failed or missing replica ranks last. It is
// written once, by the first task of the next wave, so that every task of that wave (and
// status, and collect) agrees on it.
type Ranking struct {
	Rung      int            `json:"rung"`
	Epoch     int            `json:"epoch"`
	Ranked    []RankedConfig `json:"ranked"`
	Survivors []int          `json:"survivors"`
}

// RankedConfig is one configuration's score at a rung; Complete is false when a replica had
// not finished the rung.
type RankedConfig struct {
	Config   int     `json:"config"`
	Score    float64 `json:"score"`
	Complete bool    `json:"complete"`
}

// Survivors returns the configurations that run rung r: all of them at rung 0, else the best
// Keep[r] of rung r−1's, by its ranking (computed and saved the first time it is asked for).
func Survivors(dir string, m *Manifest, r int) ([]int, error) {
	if r == 0 {
		all := make([]int, len(m.Configs))
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	rk, err := rank(dir, m, r-1)
	if err != nil {
		return nil, err
	}
	return rk.Survivors, nil
}

// RankedTask returns the task that the rank-th element of rung r's wave runs: replica
// rank mod R of the (rank div R)-th survivor, R replicas per configuration.
func RankedTask(dir string, m *Manifest, r, rank int) (int, error) {
	surv, err := Survivors(dir, m, r)
	if err != nil {
		return 0, err
	}
	R := len(m.Replicas)
	if rank < 0 || rank >= len(surv)*R {
		return 0, fmt.Errorf("rung %d runs %d tasks (%d configurations × %d replicas); no rank %d", r, len(surv)*R, len(surv), R, rank)
	}
	return surv[rank/R]*R + rank%R, nil
}

func rankingPath(dir string, r int) string {
	return filepath.Join(dir, halvingDir, fmt.Sprintf("rung-%d.json", r))
}

// ReadRanking returns rung r's saved ranking, or nil when it has not been made.
func ReadRanking(dir string, r int) (*Ranking, error) {
	var rk Ranking
	found, err := readJSON(rankingPath(dir, r), &rk)
	if err != nil || !found {
		return nil, err
	}
	return &rk, nil
}

// rank returns rung r's ranking, making and saving it when it does not exist yet. It refuses
// while a task of the rung is still pending or running: the next wave must wait for it.
func rank(dir string, m *Manifest, r int) (*Ranking, error) {
	if rk, err := ReadRanking(dir, r); rk != nil || err != nil {
		return rk, err
	}
	configs, err := Survivors(dir, m, r)
	if err != nil {
		return nil, err
	}
	R := len(m.Replicas)
	rk := &Ranking{Rung: r, Epoch: m.Rungs[r]}
	for _, c := range configs {
		rc := RankedConfig{Config: c, Complete: true}
		sum := 0.0
		for k := range R {
			st, err := ReadState(dir, c*R+k)
			if err != nil {
				return nil, err
			}
			switch {
			case st.DoneAt(m, r):
				sum += st.ScoreAt(r)
			case st.State == Failed:
				rc.Complete = false
			default:
				return nil, fmt.Errorf("rung %d is not finished: task %d is %s at epoch %d (rung epoch %d)", r, st.Task, st.State, st.Epochs, m.Rungs[r])
			}
		}
		rc.Score = sum / float64(R)
		if !rc.Complete {
			rc.Score = -1e308
		}
		rk.Ranked = append(rk.Ranked, rc)
	}
	// Best first; ties (and failed configurations) in configuration order.
	slices.SortStableFunc(rk.Ranked, func(a, b RankedConfig) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	for _, rc := range rk.Ranked[:min(m.Keep[r+1], len(rk.Ranked))] {
		rk.Survivors = append(rk.Survivors, rc.Config)
	}
	slices.Sort(rk.Survivors)
	if err := os.MkdirAll(filepath.Join(dir, halvingDir), 0o755); err != nil {
		return nil, err
	}
	return rk, writeJSON(rankingPath(dir, r), rk)
}

// WaveTasks returns the tasks of rung r (nil, with no error, when the previous rung is not
// ranked yet because it is not finished).
func WaveTasks(dir string, m *Manifest, r int) ([]int, error) {
	surv, err := Survivors(dir, m, r)
	if err != nil {
		if r > 0 {
			if prev, perr := ReadRanking(dir, r-1); perr == nil && prev == nil {
				return nil, nil
			}
		}
		return nil, err
	}
	R := len(m.Replicas)
	var tasks []int
	for _, c := range surv {
		for k := range R {
			tasks = append(tasks, c*R+k)
		}
	}
	return tasks, nil
}
