package sim

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/jedi-neuro/jedi/data"
)

// streamSessions draws the sessions of SplitSessions: their segments, neurons, gains and offsets.
const streamSessions uint64 = 201

// SessionsConfig says how SplitSessions records one teacher in several sessions.
type SessionsConfig struct {
	// Sessions is K, the number of recording sessions (≥ 1).
	Sessions int `yaml:"sessions"`
	// MinNeurons and MaxNeurons bound the number of the teacher's observed units each session
	// records, drawn uniformly (1 ≤ MinNeurons ≤ MaxNeurons ≤ the units available).
	MinNeurons int `yaml:"min_neurons"`
	MaxNeurons int `yaml:"max_neurons"`
	// GainMin and GainMax bound each recorded neuron's gain g, drawn uniformly; OffsetStd is the
	// standard deviation of its offset o, drawn normal: a session sees g·y + o of a unit's y, as
	// different electrodes and spike sorting see the same cell differently.
	GainMin   float64 `yaml:"gain_min"`
	GainMax   float64 `yaml:"gain_max"`
	OffsetStd float64 `yaml:"offset_std"`
	// SharedUnits records a unit that several sessions drew as one neuron, with one gain and
	// offset, observed in each of those sessions (as a chronic array tracks a cell across
	// days); otherwise every session's units are neurons of their own.
	SharedUnits bool `yaml:"shared_units"`
}

// DefaultSessions is 6 sessions of 1 to 12 neurons each, gains in [0.5, 2] and offsets of
// standard deviation 0.5.
func DefaultSessions() SessionsConfig {
	return SessionsConfig{Sessions: 6, MinNeurons: 1, MaxNeurons: 12, GainMin: 0.5, GainMax: 2, OffsetStd: 0.5}
}

// SplitSessions records a single-session teacher dataset (every segment observing all of full's
// M units) as K sessions: the segments are dealt to the sessions round-robin in a random order
// (so that every session holds every condition in about its proportion), and session k records
// its own random subset of n_k units, n_k ~ U{MinNeurons … MaxNeurons}, each as its own neuron
// j with y_j = g_j·y_unit + o_j. The result is a multi-session dataset (data.Stitch's layout):
// its neurons are the sessions' in session order, Observed marks each segment's session's, and
// label_session holds the session number. Segment s is full's segment s, with its labels,
// lengths and inputs, so that a fit of either with the same seed holds out the same segments.
//
// With SharedUnits a unit drawn by several sessions is one neuron, observed in each of them.
//
// The ground truth is kept as extra arrays over the M' neurons (Σ n_k, or the distinct units
// with SharedUnits): session_unit (the unit of full each neuron records), session_gain and
// session_offset (g and o), and, without SharedUnits, session_of_neuron (its session); full's
// own extra arrays (the teacher) are kept.
func SplitSessions(full *data.Dataset, cfg SessionsConfig, seed uint64) (*data.Dataset, error) {
	if err := full.Validate(); err != nil {
		return nil, err
	}
	if full.Observed != nil {
		return nil, fmt.Errorf("sim: SplitSessions: %s is already a multi-session dataset", full.Source)
	}
	K := cfg.Sessions
	switch {
	case K < 1 || K > full.S:
		return nil, fmt.Errorf("sim: %d sessions for %d segments, need 1 ≤ sessions ≤ segments", K, full.S)
	case cfg.MinNeurons < 1 || cfg.MinNeurons > cfg.MaxNeurons || cfg.MaxNeurons > full.M:
		return nil, fmt.Errorf("sim: %d to %d neurons per session of %d units, need 1 ≤ min ≤ max ≤ units", cfg.MinNeurons, cfg.MaxNeurons, full.M)
	case !finite(cfg.GainMin) || !finite(cfg.GainMax) || cfg.GainMin <= 0 || cfg.GainMin > cfg.GainMax:
		return nil, fmt.Errorf("sim: gain range [%v, %v], need 0 < min ≤ max", cfg.GainMin, cfg.GainMax)
	case !finite(cfg.OffsetStd) || cfg.OffsetStd < 0:
		return nil, fmt.Errorf("sim: offset standard deviation %v, need ≥ 0", cfg.OffsetStd)
	}
	rng := newRand(seed, streamSessions, 0)
	of := make([]int, full.S)
	for i, s := range rng.Perm(full.S) {
		of[s] = i % K
	}
	var unit, session []int
	var gain, offset []float64
	neurons := make([][]int, K) // session k's neurons
	column := map[int]int{}     // with SharedUnits: a unit's neuron
	for k := range K {
		n := cfg.MinNeurons + rng.IntN(cfg.MaxNeurons-cfg.MinNeurons+1)
		units := rng.Perm(full.M)[:n]
		slices.Sort(units)
		for _, u := range units {
			g, o := cfg.GainMin+(cfg.GainMax-cfg.GainMin)*rng.Float64(), cfg.OffsetStd*rng.NormFloat64()
			if j, ok := column[u]; ok && cfg.SharedUnits {
				neurons[k] = append(neurons[k], j)
				continue
			}
			column[u] = len(unit)
			neurons[k] = append(neurons[k], len(unit))
			unit, session = append(unit, u), append(session, k)
			gain, offset = append(gain, g), append(offset, o)
		}
	}
	M := len(unit)
	d := data.New(full.S, full.T, M, full.Dt)
	d.Observed = make([]bool, full.S*M)
	copy(d.Lengths, full.Lengths)
	d.I, d.Inputs = full.I, slices.Clone(full.Inputs)
	if full.Weight != nil {
		d.Weight = make([]float64, full.S*full.T*M)
	}
	for s := range full.S {
		for _, j := range neurons[of[s]] {
			d.Observed[s*M+j] = true
			for t := range full.Lengths[s] {
				src := (s*full.T+t)*full.M + unit[j]
				d.Activity[(s*full.T+t)*M+j] = gain[j]*full.Activity[src] + offset[j]
				if full.Weight != nil {
					d.Weight[(s*full.T+t)*M+j] = full.Weight[src]
				}
			}
		}
	}
	for name, l := range full.Labels {
		d.Labels[name] = data.Label{Kind: l.Kind, Values: slices.Clone(l.Values), Order: slices.Clone(l.Order)}
	}
	names := make([]string, full.S)
	for s, k := range of {
		names[s] = strconv.Itoa(k)
	}
	d.Labels[data.SessionLabel] = data.Label{Kind: data.IntLabel, Values: names}
	for name, a := range full.Extra {
		d.Extra[name] = a
	}
	toF := func(x []int) []float64 {
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = float64(v)
		}
		return out
	}
	d.Extra["session_unit"] = data.Array{Shape: []int{M}, Data: toF(unit)}
	if !cfg.SharedUnits {
		d.Extra["session_of_neuron"] = data.Array{Shape: []int{M}, Data: toF(session)}
	}
	d.Extra["session_gain"] = data.Array{Shape: []int{M}, Data: gain}
	d.Extra["session_offset"] = data.Array{Shape: []int{M}, Data: offset}
	return d, d.Validate()
}
