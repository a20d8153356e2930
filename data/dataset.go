// Package data holds the recordings JEDI is fitted to: S segments (a trial, or one epoch of a
// trial), each T_s time bins × M neurons, with per-segment labels and optional inputs.
//
// Storage is dense and padded: Activity is S×T×M in row-major order, T = max_s T_s, and
// Lengths[s] = T_s says how many leading bins of segment s are valid; the rest is padding that no
// fit or metric reads.
package data

import (
	"fmt"
	"slices"
)

// LabelKind says how a label's values were stored, so that they are written back the same way.
type LabelKind int

const (
	// StringLabel values are unicode strings.
	StringLabel LabelKind = iota
	// IntLabel values are integers, kept in Values as their decimal text.
	IntLabel
	// FloatLabel values are real numbers (an angle, a frequency), kept in Values as their
	// shortest round-tripping decimal text.
	FloatLabel
)

// String names the kind: "string", "int" or "float".
func (k LabelKind) String() string {
	switch k {
	case StringLabel:
		return "string"
	case IntLabel:
		return "int"
	case FloatLabel:
		return "float"
	}
	return "unknown kind"
}

// Label is one named per-segment annotation (task, condition, phase, ...).
type Label struct {
	Kind   LabelKind
	Values []string // one per segment
	// Order, when not nil, lists the label's values in the order in which every figure,
	// legend, table and report of the data shows them (GroupIndex): the order a recipe
	// declares its epochs in, or a generator its tasks. Each value appears once, every value
	// of Values appears, and values no segment has are allowed (a subset keeps its parent's
	// order). nil: values are sorted (numerically for numbers). Stored in an .npz as
	// order_<name>.
	Order []string
}

// clone returns a copy of l that shares no memory with it.
func (l Label) clone() Label {
	return Label{Kind: l.Kind, Values: slices.Clone(l.Values), Order: slices.Clone(l.Order)}
}

// JoinOrders returns the order of a label formed by joining labels (segments of several
// datasets put end to end): the first label's order followed by each next one's values not
// yet listed. It is nil — sorted order — when any of them has none, since an order must list
// every value.
func JoinOrders(labels ...Label) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range labels {
		if l.Order == nil {
			return nil
		}
		for _, v := range l.Order {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// Array is a dense numeric array of any rank, row-major, kept alongside a dataset
// (ground truth such as teacher weights). Fitting ignores it.
type Array struct {
	Shape []int
	Data  []float64
}

// Dataset is S segments × T time bins × M neurons of activity with labels and optional inputs.
type Dataset struct {
	S, T, M int
	// Activity is S×T×M, row-major: bin t of segment s, neuron m is Activity[(s*T+t)*M+m].
	Activity []float64
	// Lengths[s] is the number of valid bins of segment s (1 ≤ Lengths[s] ≤ T).
	Lengths []int
	// Dt is the bin width in seconds.
	Dt float64
	// Labels maps a label name (without the "label_" prefix of the file) to its values.
	Labels map[string]Label
	// I is the number of input channels; Inputs is S×T×I (nil when I == 0). Inputs are what a
	// teacher received; JEDI itself never sees them.
	I      int
	Inputs []float64
	// Weight optionally weighs each activity entry in a fit's loss, S×T×M like Activity (nil:
	// all 1). Zero leaves an entry unscored. Used to train task networks (unscored fixation
	// bins, an up-weighted response); recordings leave it nil.
	Weight []float64
	// Observed optionally marks which neurons each segment recorded, S×M (nil: all): a
	// multi-session dataset's neurons are the union of its sessions', and an unobserved entry
	// is neither fitted nor scored (see sessions.go).
	Observed []bool
	// Extra holds every other array of the file (ground truth), kept and written back.
	Extra map[string]Array
	// Source names the file the dataset came from, for error messages; empty when built in memory.
	Source string
}

// New returns a dataset of S segments, T bins and M neurons with zero activity, every length T,
// and empty label and extra maps.
func New(S, T, M int, dt float64) *Dataset {
	d := &Dataset{S: S, T: T, M: M, Dt: dt,
		Activity: make([]float64, S*T*M),
		Lengths:  make([]int, S),
		Labels:   map[string]Label{},
		Extra:    map[string]Array{},
	}
	for s := range d.Lengths {
		d.Lengths[s] = T
	}
	return d
}

// Segment returns the valid part of segment s's activity, Lengths[s]×M row-major, sharing memory
// with the dataset.
func (d *Dataset) Segment(s int) []float64 {
	return d.Activity[s*d.T*d.M : (s*d.T+d.Lengths[s])*d.M]
}

// SegmentWeight returns the valid part of segment s's loss weights, Lengths[s]×M, or nil.
func (d *Dataset) SegmentWeight(s int) []float64 {
	if d.Weight == nil {
		return nil
	}
	return d.Weight[s*d.T*d.M : (s*d.T+d.Lengths[s])*d.M]
}

// SegmentInputs returns the valid part of segment s's inputs, Lengths[s]×I, or nil without inputs.
func (d *Dataset) SegmentInputs(s int) []float64 {
	if d.I == 0 {
		return nil
	}
	return d.Inputs[s*d.T*d.I : (s*d.T+d.Lengths[s])*d.I]
}

// LabelValues returns the values of label name, or an error naming the labels that exist.
func (d *Dataset) LabelValues(name string) ([]string, error) {
	l, ok := d.Labels[name]
	if !ok {
		names := make([]string, 0, len(d.Labels))
		for k := range d.Labels {
			names = append(names, k)
		}
		return nil, fmt.Errorf("%s: no label %q (labels: %v)", d.sourceName(), name, names)
	}
	return l.Values, nil
}

func (d *Dataset) sourceName() string {
	if d.Source == "" {
		return "dataset"
	}
	return d.Source
}
