package metrics

import (
	"fmt"
	"slices"
)

// R2State is the complete state of an R2Acc, so that an accumulation can be saved (in a
// training checkpoint taken in the middle of an epoch) and continued later with bit-for-bit the
// same result. Shift, Mean, SST and SSE have one value per neuron; see R2Acc for their meaning.
type R2State struct {
	Bins                  int
	Shift, Mean, SST, SSE []float64
	// Counts[m] is the number of bins accumulated for neuron m; nil when it is Bins for every
	// neuron (nothing was masked), as in states saved before masks existed.
	Counts []int
}

// State returns a copy of the accumulator's state.
func (a *R2Acc) State() R2State {
	s := R2State{Bins: a.n, Shift: slices.Clone(a.shift), Mean: slices.Clone(a.mean), SST: slices.Clone(a.sst), SSE: slices.Clone(a.sse)}
	if slices.ContainsFunc(a.cnt, func(c int) bool { return c != a.n }) {
		s.Counts = slices.Clone(a.cnt)
	}
	return s
}

// Restore replaces the accumulator's state by s, which must be for the same number of neurons.
func (a *R2Acc) Restore(s R2State) error {
	for _, f := range []struct {
		name string
		v    []float64
	}{{"shift", s.Shift}, {"mean", s.Mean}, {"sst", s.SST}, {"sse", s.SSE}} {
		if len(f.v) != a.m {
			return fmt.Errorf("metrics: R2Acc.Restore: %s has %d values, want M=%d", f.name, len(f.v), a.m)
		}
	}
	if s.Bins < 0 {
		return fmt.Errorf("metrics: R2Acc.Restore: %d bins", s.Bins)
	}
	if s.Counts != nil {
		if len(s.Counts) != a.m {
			return fmt.Errorf("metrics: R2Acc.Restore: counts has %d values, want M=%d", len(s.Counts), a.m)
		}
		if i := slices.IndexFunc(s.Counts, func(c int) bool { return c < 0 || c > s.Bins }); i >= 0 {
			return fmt.Errorf("metrics: R2Acc.Restore: counts[%d] = %d, want 0..%d", i, s.Counts[i], s.Bins)
		}
		copy(a.cnt, s.Counts)
	} else {
		for m := range a.cnt {
			a.cnt[m] = s.Bins
		}
	}
	a.n = s.Bins
	copy(a.shift, s.Shift)
	copy(a.mean, s.Mean)
	copy(a.sst, s.SST)
	copy(a.sse, s.SSE)
	return nil
}
