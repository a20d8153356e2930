package prepare

import (
	"fmt"
	"strings"
)

// Report says what Prepare did beyond the dataset itself: which units it dropped and why, and
// which (trial, epoch) windows it skipped or clipped.
type Report struct {
	// Trials and Units are the numbers of trials and units given; Segments is the number of
	// segments made.
	Trials, Units, Segments int
	// MeanRateHz[m] is unit m's mean rate over all trials: its spikes ÷ the trials' total duration.
	MeanRateHz []float64
	// UnitIDs names the dataset's neurons when they come from several recordings (pooled by
	// Pool, or joined as simultaneous recordings by data/recipe).
	UnitIDs []string
	// Kept are the original indices of the units kept, in order (the dataset's neurons).
	Kept []int
	// Dropped lists the units left out.
	Dropped []DroppedUnit
	// DroppedTrials lists the trials left out, and why: those without valid edges or labels
	// (reported by the reader) and those failing the recipe's checks, in trial order.
	DroppedTrials []TrialNote
	// Skipped lists the windows that gave no segment; Clipped those cut to the trial.
	Skipped, Clipped []WindowNote
	// RangeHz[i] is kept unit i's range (max − min rate over all segments' valid bins, Hz),
	// the soft normalisation's divisor less soft_norm; nil when soft normalisation is off.
	RangeHz []float64
	// MaxShift is the largest distance, in seconds, by which a window's start was moved onto
	// the bin grid of count input (0 for spike times, or when events lie on that grid).
	MaxShift float64
}

// DroppedUnit is a unit left out of the dataset.
type DroppedUnit struct {
	Unit       int    // index among the trials' neurons (Pool: among the sorted unit identities)
	ID         string // the unit's identity (Pool only)
	MeanRateHz float64
	Reason     string
}

// TrialNote is a trial left out, and why. ID is the trial's name (Trial.ID or "trial i").
type TrialNote struct {
	Trial  int
	ID     string
	Reason string
}

// WindowNote is a (trial, epoch) window that was skipped or clipped, and why.
type WindowNote struct {
	Trial  int
	ID     string // the trial's name (Trial.ID or "trial i")
	Epoch  string
	Reason string
}

// String summarises the report in a few lines, one per dropped unit and per skipped or clipped
// window.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d trials → %d segments; %d of %d units kept\n", r.Trials, r.Segments, len(r.Kept), r.Units)
	if len(r.UnitIDs) > 0 {
		fmt.Fprintf(&b, "neurons (in dataset order): %s\n", strings.Join(r.UnitIDs, " "))
	}
	if n := len(r.DroppedTrials); n > 0 {
		fmt.Fprintf(&b, "%d of %d trials dropped:\n", n, r.Trials)
		for _, t := range r.DroppedTrials {
			fmt.Fprintf(&b, "dropped %s: %s\n", t.ID, t.Reason)
		}
	}
	for _, d := range r.Dropped {
		if d.ID != "" {
			fmt.Fprintf(&b, "dropped unit %s: %s\n", d.ID, d.Reason)
		} else {
			fmt.Fprintf(&b, "dropped unit %d: %s\n", d.Unit, d.Reason)
		}
	}
	for _, n := range r.Skipped {
		fmt.Fprintf(&b, "skipped %s, epoch %q: %s\n", n.ID, n.Epoch, n.Reason)
	}
	for _, n := range r.Clipped {
		fmt.Fprintf(&b, "clipped %s, epoch %q: %s\n", n.ID, n.Epoch, n.Reason)
	}
	if r.MaxShift > 0 {
		fmt.Fprintf(&b, "window starts moved onto the input bin grid by up to %g ms\n", r.MaxShift*1e3)
	}
	return b.String()
}
