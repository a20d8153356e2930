package prepare

import (
	"fmt"
	"maps"
	"math"
	"os"
	"slices"

	"github.com/jedi-neuro/jedi/data"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Units of the prepared activity.
const (
	Rates  = "rates"  // firing rate in Hz
	Counts = "counts" // spike counts per bin
)

// Alignment names with a fixed meaning; any other alignment names an event of the trial.
const (
	AlignStart = "start" // the trial's Start
	AlignEnd   = "end"   // the trial's Start + Duration
)

// Recipe is everything that determines a preparation: the same trials and the same Recipe give
// the same dataset. It is the YAML users write, and it is saved beside the prepared data.
type Recipe struct {
	// BinMs is the output bin width in milliseconds; the dataset's Dt is BinMs/1000. Default 10.
	BinMs float64 `yaml:"bin_ms"`
	// SmoothMs is the standard deviation σ of the Gaussian smoothing kernel in milliseconds,
	// truncated at ±3σ and renormalised at trial edges (see the package documentation);
	// 0 disables smoothing. Default 20.
	SmoothMs float64 `yaml:"smooth_ms"`
	// Epochs are the windows cut from every trial, in this order; each (trial, epoch) is one
	// segment, labelled by the epoch's name. Default: one epoch "trial" spanning the whole trial.
	Epochs []Epoch `yaml:"epochs"`
	// MinRateHz drops the units whose mean rate over all trials is below it (units with no
	// spike at all are always dropped). Default 0.
	MinRateHz float64 `yaml:"min_rate_hz"`
	// SoftNorm is the soft-normalisation constant c in Hz: each neuron's rates are divided by
	// (its range over all segments + c). 0 disables it; it requires Units = rates. Default 0.
	SoftNorm float64 `yaml:"soft_norm"`
	// Units is "rates" (Hz) or "counts" (spikes per bin, for a Poisson fit). Default rates.
	Units string `yaml:"units"`
	// Labels names the trial labels carried to the segments; empty carries every label found
	// in the trials. Every trial must have every carried label.
	Labels []string `yaml:"labels"`
	// Order gives a carried label's values in the order every figure, legend and table of the
	// data shows them (data.Label.Order), e.g. {condition: [easy, medium, hard]}; it must list
	// every value the label takes. A label not named here is sorted (numbers numerically). The
	// epoch label's order is the order of Epochs. Default: none.
	Order map[string][]string `yaml:"order,omitempty"`
	// SkipIncomplete skips a (trial, epoch) whose alignment event is missing or whose window
	// is not inside the trial, instead of failing; the Report lists what was skipped.
	// Default false.
	SkipIncomplete bool `yaml:"skip_incomplete"`
	// ClipToTrial keeps the part inside the trial of a window that sticks out of it, instead
	// of failing or skipping; the Report lists the clipped segments and the dataset's
	// "segment_start" extra gives where each segment starts. Default false.
	ClipToTrial bool `yaml:"clip_to_trial"`
	// Checks are tests of every trial's event times; a trial that fails one is dropped before
	// anything else (units are selected on the trials kept), and Report.DroppedTrials says
	// which and why. Default: none.
	Checks Checks `yaml:"checks"`
	// ShuffleSpikes, when not 0, is the seed of a control: every spike of every trial is moved
	// to a time drawn uniformly over its trial, [Start, Start+Duration) (binned counts: each
	// neuron's bins of the trial are permuted), before the epochs are cut. Each unit keeps its
	// spike count on every trial, so its rate and its tuning to the trial's labels; what the
	// activity did in time within the trial is destroyed. Default 0 (off).
	ShuffleSpikes uint64 `yaml:"shuffle_spikes,omitempty"`
}

// Checks test a trial's events. A trial passes when every event of Events is present and not
// NaN (missing), the events are in the order listed (each at or after the one before), and
// every gap lies within its bounds.
type Checks struct {
	// Events are the events every trial must have, in the order they must occur.
	Events []string `yaml:"events,omitempty"`
	// Gaps bound the time from one event to another, e.g. a reaction time
	// {from: go, to: move_onset, min_ms: 80}.
	Gaps []Gap `yaml:"gaps,omitempty"`
}

// Gap bounds time(To) − time(From) to [MinMs, MaxMs] milliseconds; an absent bound is not
// checked. A trial lacking either event fails the gap.
type Gap struct {
	From  string   `yaml:"from"`
	To    string   `yaml:"to"`
	MinMs *float64 `yaml:"min_ms,omitempty"`
	MaxMs *float64 `yaml:"max_ms,omitempty"`
}

// Epoch is a named window of every trial: [time(Align) + FromMs, time(ToAlign) + ToMs), in
// milliseconds from the alignment times. Examples: preparation {align: start, from_ms: 0,
// to_ms: 400}; execution {align: end, from_ms: -500, to_ms: 0} or {align: move_onset,
// from_ms: -100, to_ms: 400}; the whole trial {align: start, to_align: end}.
type Epoch struct {
	Name string `yaml:"name"`
	// Align is "start", "end" or an event name; the window's start is measured from it.
	Align  string  `yaml:"align"`
	FromMs float64 `yaml:"from_ms"`
	ToMs   float64 `yaml:"to_ms"`
	// ToAlign, when set, measures the window's end from another time than Align, which makes
	// the window's length vary from trial to trial (ragged segments, see Dataset.Lengths); a
	// remainder shorter than a bin at the window's end is dropped. Empty means Align, and then
	// ToMs − FromMs must be a whole number of bins.
	ToAlign string `yaml:"to_align,omitempty"`
}

// DefaultRecipe returns the documented defaults: 10 ms bins, σ = 20 ms smoothing, one segment
// per whole trial, rates in Hz, no soft normalisation, every label carried.
func DefaultRecipe() Recipe {
	return Recipe{
		BinMs:    10,
		SmoothMs: 20,
		Epochs:   []Epoch{{Name: "trial", Align: AlignStart, ToAlign: AlignEnd}},
		Units:    Rates,
	}
}

// reserved are the labels Prepare itself adds to every segment.
var reserved = map[string]bool{"epoch": true, "trial": true}

// Validate checks every field and names the first wrong one.
func (r *Recipe) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("recipe: %s: %s", field, fmt.Sprintf(format, args...))
	}
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	switch {
	case !(r.BinMs > 0) || !finite(r.BinMs):
		return bad("bin_ms", "%g, want > 0", r.BinMs)
	case !(r.SmoothMs >= 0) || !finite(r.SmoothMs):
		return bad("smooth_ms", "%g, want ≥ 0", r.SmoothMs)
	case !(r.MinRateHz >= 0) || !finite(r.MinRateHz):
		return bad("min_rate_hz", "%g, want ≥ 0", r.MinRateHz)
	case !(r.SoftNorm >= 0) || !finite(r.SoftNorm):
		return bad("soft_norm", "%g, want ≥ 0", r.SoftNorm)
	case r.Units != Rates && r.Units != Counts:
		return bad("units", "%q, want rates or counts", r.Units)
	case r.SoftNorm > 0 && r.Units == Counts:
		return bad("soft_norm", "%g with units: counts; soft-normalised values are not counts (set soft_norm: 0)", r.SoftNorm)
	case len(r.Epochs) == 0:
		return bad("epochs", "none; want at least one window")
	}
	names := map[string]bool{}
	for i, e := range r.Epochs {
		field := fmt.Sprintf("epochs[%d]", i)
		if e.Name == "" {
			return bad(field, "no name")
		}
		if names[e.Name] {
			return bad(field, "name %q used twice", e.Name)
		}
		names[e.Name] = true
		field = fmt.Sprintf("epochs[%d] (%s)", i, e.Name)
		switch {
		case e.Align == "":
			return bad(field, "no align (want start, end or an event name)")
		case !finite(e.FromMs) || !finite(e.ToMs):
			return bad(field, "from_ms %g, to_ms %g, want finite", e.FromMs, e.ToMs)
		}
		if e.ToAlign != "" && e.ToAlign != e.Align {
			continue
		}
		n, ok := wholeBins(e.ToMs-e.FromMs, r.BinMs)
		if !ok {
			return bad(field, "window %g ms, want a positive multiple of bin_ms %g", e.ToMs-e.FromMs, r.BinMs)
		}
		if n < MinBins {
			return bad(field, "window %g ms is %d bin of %g ms; a segment needs at least %d bins", e.ToMs-e.FromMs, n, r.BinMs, MinBins)
		}
	}
	for i, g := range r.Checks.Gaps {
		field := fmt.Sprintf("checks.gaps[%d]", i)
		switch {
		case g.From == "" || g.To == "":
			return bad(field, "want both from and to (event names)")
		case g.MinMs == nil && g.MaxMs == nil:
			return bad(field, "no bound: give min_ms, max_ms or both")
		case g.MinMs != nil && !finite(*g.MinMs), g.MaxMs != nil && !finite(*g.MaxMs):
			return bad(field, "bounds must be finite")
		case g.MinMs != nil && g.MaxMs != nil && *g.MinMs > *g.MaxMs:
			return bad(field, "min_ms %g > max_ms %g", *g.MinMs, *g.MaxMs)
		}
	}
	for i, e := range r.Checks.Events {
		if e == "" || e == AlignStart || e == AlignEnd {
			return bad(fmt.Sprintf("checks.events[%d]", i), "%q, want the name of an event", e)
		}
	}
	seen := map[string]bool{}
	for i, l := range r.Labels {
		field := fmt.Sprintf("labels[%d]", i)
		switch {
		case l == "":
			return bad(field, "empty name")
		case reserved[l]:
			return bad(field, "%q is added by prepare itself", l)
		case seen[l]:
			return bad(field, "%q listed twice", l)
		}
		seen[l] = true
	}
	for _, l := range slices.Sorted(maps.Keys(r.Order)) {
		field := "order." + l
		switch {
		case l == "":
			return bad("order", "a label with an empty name")
		case l == "epoch":
			return bad(field, "the epochs' order is the order in which epochs lists them; reorder them there")
		case reserved[l]:
			return bad(field, "%q is numbered by prepare itself and shown in numeric order", l)
		case len(r.Labels) > 0 && !seen[l]:
			return bad(field, "%q is not a carried label (labels: %v)", l, r.Labels)
		case len(r.Order[l]) == 0:
			return bad(field, "empty; list the label's values in the order figures and tables should show them")
		}
		at := map[string]int{}
		for i, v := range r.Order[l] {
			if j, dup := at[v]; dup {
				return bad(fmt.Sprintf("%s[%d]", field, i), "%q listed twice (also at %d)", v, j)
			}
			at[v] = i
		}
	}
	return nil
}

// orderLabels gives d's labels their declared orders: the epoch label the order of Epochs, and
// each label of Order its list, which must name every value the label takes.
func (r *Recipe) orderLabels(d *data.Dataset) error {
	if l, ok := d.Labels["epoch"]; ok {
		for _, e := range r.Epochs {
			l.Order = append(l.Order, e.Name)
		}
		d.Labels["epoch"] = l
	}
	for _, name := range slices.Sorted(maps.Keys(r.Order)) {
		l, ok := d.Labels[name]
		if !ok {
			return fmt.Errorf("recipe: order.%s: the prepared data have no label %q (labels: %v)", name, name, slices.Sorted(maps.Keys(d.Labels)))
		}
		listed := map[string]bool{}
		for _, v := range r.Order[name] {
			listed[v] = true
		}
		for s, v := range l.Values {
			if !listed[v] {
				return fmt.Errorf("recipe: order.%s lacks %q, the value of segment %d (it lists %q): list every value of the label", name, v, s, r.Order[name])
			}
		}
		l.Order = slices.Clone(r.Order[name])
		d.Labels[name] = l
	}
	return nil
}

// wholeBins returns length/bin as an integer n ≥ 1 and true when length is n bins to within
// rounding, and false otherwise.
func wholeBins(length, bin float64) (int, bool) {
	q := length / bin
	n := math.Round(q)
	if n < 1 || math.Abs(q-n) > edgeTol*n {
		return 0, false
	}
	return int(n), true
}

// ParseRecipe decodes YAML over DefaultRecipe (absent keys keep their defaults; a list given
// replaces the default list), rejecting unknown keys, and validates the result; name is used in
// error messages.
func ParseRecipe(name string, b []byte) (Recipe, error) {
	r := DefaultRecipe()
	if err := strictyaml.Decode(name, b, &r); err != nil {
		return Recipe{}, err
	}
	if err := r.Validate(); err != nil {
		return Recipe{}, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}

// LoadRecipe reads and validates a YAML recipe file.
func LoadRecipe(path string) (Recipe, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Recipe{}, err
	}
	return ParseRecipe(path, b)
}

// YAML returns the recipe as YAML with every field spelled out, for saving beside the output.
func (r *Recipe) YAML() ([]byte, error) {
	return strictyaml.Encode(r)
}
