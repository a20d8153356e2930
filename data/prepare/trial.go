package prepare

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Trial is one trial of a recording. All times are in seconds on the trial's own clock, and
// the trial spans [Start, Start+Duration].
type Trial struct {
	// Spikes[m] holds neuron m's spike times, in any order, each within the trial ...
	Spikes [][]float64
	// ... or Counts[m][i] is neuron m's spike count in [Start + i·BinWidth, Start + (i+1)·BinWidth)
	// (e.g. DataHigh's 1 ms bins). Exactly one of Spikes and Counts is set.
	Counts [][]float64
	// Continuous says Counts are not spike counts but values: rates in Hz or any real numbers
	// (ΔF/F, z-scores). They are averaged, not summed, when re-binned, taken as they are
	// whatever the recipe's units, may be negative, and no unit is dropped for its rate.
	Continuous bool
	// Start is the trial's start time (usually 0); BinWidth is the width of Counts' bins.
	Start, BinWidth float64
	// Duration is the trial's length in seconds from Start. With Counts, 0 means
	// len(Counts[m])·BinWidth, the only other value it may have.
	Duration float64
	// Events are named times on the trial's clock (e.g. "go", "move_onset") that epoch
	// windows align to. NaN marks an event missing on this trial.
	Events map[string]float64
	// Labels are the trial's condition labels (e.g. "condition": "reach1").
	Labels map[string]string
	// ID names the trial in reports and errors (e.g. "joe011_3.npz trial 17"); empty: its
	// index among the trials given.
	ID string
}

// name returns the trial's ID, or "trial i".
func (tr *Trial) name(i int) string {
	if tr.ID != "" {
		return tr.ID
	}
	return fmt.Sprintf("trial %d", i)
}

// span returns the trial's length in seconds, Duration or, for counts with no Duration, the
// length the counts cover.
func (tr *Trial) span() float64 {
	if tr.Duration == 0 && len(tr.Counts) > 0 {
		return float64(len(tr.Counts[0])) * tr.BinWidth
	}
	return tr.Duration
}

// check validates trial i against a bin width of w seconds and returns its number of neurons.
func (tr *Trial) check(i int, w float64) (int, error) {
	fail := func(format string, args ...any) (int, error) {
		return 0, fmt.Errorf("%s: %s", tr.name(i), fmt.Sprintf(format, args...))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if !finite(tr.Start) {
		return fail("start %g, want finite", tr.Start)
	}
	for _, name := range slices.Sorted(maps.Keys(tr.Events)) {
		// NaN marks a missing event; an infinite time is an error of the file.
		if math.IsInf(tr.Events[name], 0) {
			return fail("event %q at %g, want finite (or NaN for missing)", name, tr.Events[name])
		}
	}
	switch {
	case len(tr.Spikes) > 0 && len(tr.Counts) > 0:
		return fail("both spikes and counts; give one")
	case len(tr.Spikes) > 0:
		return tr.checkSpikes(fail)
	case len(tr.Counts) > 0:
		return tr.checkCounts(w, fail)
	}
	return fail("no neurons: neither spikes nor counts")
}

func (tr *Trial) checkSpikes(fail func(string, ...any) (int, error)) (int, error) {
	if !(tr.Duration > 0) || math.IsInf(tr.Duration, 0) {
		return fail("duration %g s, want > 0", tr.Duration)
	}
	end := tr.Start + tr.Duration
	for m, times := range tr.Spikes {
		for _, t := range times {
			// The negated test also catches NaN.
			if !(t >= tr.Start && t <= end) {
				return fail("neuron %d: spike time %g s outside the trial (%.10g–%.10g s)", m, t, tr.Start, end)
			}
		}
	}
	return len(tr.Spikes), nil
}

func (tr *Trial) checkCounts(w float64, fail func(string, ...any) (int, error)) (int, error) {
	b := tr.BinWidth
	if !(b > 0) || math.IsInf(b, 0) {
		return fail("bin width %g s, want > 0", b)
	}
	if _, ok := wholeBins(w, b); !ok {
		return fail("bin_ms %g is not a multiple of the counts' bin width %g ms", w*1e3, b*1e3)
	}
	n := len(tr.Counts[0])
	for m, row := range tr.Counts {
		if len(row) != n {
			return fail("neuron %d: %d bins, neuron 0 has %d", m, len(row), n)
		}
		for k, c := range row {
			switch {
			case tr.Continuous && (math.IsNaN(c) || math.IsInf(c, 0)):
				return fail("neuron %d: bin %d: value %g, want finite", m, k, c)
			case !tr.Continuous && (!(c >= 0) || math.IsInf(c, 0)):
				return fail("neuron %d: bin %d: count %g, want finite ≥ 0", m, k, c)
			}
		}
	}
	if n == 0 {
		return fail("counts have no bins")
	}
	if d := float64(n) * b; tr.Duration != 0 && math.Abs(tr.Duration-d) > edgeTol*d {
		return fail("duration %g s, but the counts cover %g s (%d bins of %g s)", tr.Duration, d, n, b)
	}
	return len(tr.Counts), nil
}

// alignTime returns the time on the trial's clock that name refers to.
func (tr *Trial) alignTime(name string) (float64, error) {
	switch name {
	case AlignStart:
		return tr.Start, nil
	case AlignEnd:
		return tr.Start + tr.span(), nil
	}
	t, ok := tr.Events[name]
	if !ok {
		return 0, fmt.Errorf("no event %q (events: %s)", name, listOrNone(slices.Sorted(maps.Keys(tr.Events))))
	}
	if math.IsNaN(t) {
		return 0, fmt.Errorf("event %q missing (NaN)", name)
	}
	return t, nil
}

// failsChecks returns why the trial fails c, or "" when it passes.
func (tr *Trial) failsChecks(c *Checks) string {
	prev, prevName := math.Inf(-1), ""
	for _, e := range c.Events {
		t, err := tr.alignTime(e)
		if err != nil {
			return err.Error()
		}
		if t < prev {
			return fmt.Sprintf("events out of order: %s at %.10g s before %s at %.10g s", e, t, prevName, prev)
		}
		prev, prevName = t, e
	}
	for _, g := range c.Gaps {
		a, err := tr.alignTime(g.From)
		if err != nil {
			return err.Error()
		}
		b, err := tr.alignTime(g.To)
		if err != nil {
			return err.Error()
		}
		ms := (b - a) * 1e3
		if g.MinMs != nil && ms < *g.MinMs || g.MaxMs != nil && ms > *g.MaxMs {
			return fmt.Sprintf("%s − %s = %.6g ms, outside %s", g.To, g.From, ms, g.bounds())
		}
	}
	return ""
}

// bounds returns the gap's bounds as an interval in milliseconds.
func (g *Gap) bounds() string {
	lo, hi := "−∞", "∞"
	if g.MinMs != nil {
		lo = strconv.FormatFloat(*g.MinMs, 'g', -1, 64)
	}
	if g.MaxMs != nil {
		hi = strconv.FormatFloat(*g.MaxMs, 'g', -1, 64)
	}
	return "[" + lo + ", " + hi + "] ms"
}

// spikeCount returns neuron m's number of spikes in the trial.
func (tr *Trial) spikeCount(m int) float64 {
	if len(tr.Spikes) > 0 {
		return float64(len(tr.Spikes[m]))
	}
	var s float64
	for _, c := range tr.Counts[m] {
		s += c
	}
	return s
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}
