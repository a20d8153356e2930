package data

import (
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// labelPrefix starts the name of every label array in an .npz file, orderPrefix the name of
// a label's declared order of values (Label.Order).
const (
	labelPrefix = "label_"
	orderPrefix = "order_"
)

// fieldNames are the arrays of the .npz contract that are not labels; an extra array may not
// take one of these names.
var fieldNames = []string{"activity", "lengths", "dt", "inputs", weightField, observedField}

// Validate checks every invariant of the dataset and returns a *FieldError naming the file,
// field and index of the first violation, or nil:
//   - S, T, M ≥ 1 and len(Activity) = S·T·M;
//   - dt > 0 and finite;
//   - len(Lengths) = S and 1 ≤ Lengths[s] ≤ T;
//   - Observed is nil or S·M long, with every segment observing a neuron and every neuron
//     observed in a segment;
//   - activity (where observed), inputs and weight are finite in the valid bins t < Lengths[s] of every segment
//     (the padding beyond may hold anything, NaN included), and weights are ≥ 0;
//   - I ≥ 0, len(Inputs) = S·T·I, and Weight is nil or S·T·M long;
//   - every label has a non-empty name and exactly S values, each parsing as its kind;
//   - a label's Order, when set, lists each value once, parsing as the label's kind, and
//     lists every value of the label;
//   - every extra array has a non-empty name that is not a field's, and as many values as its
//     shape says.
//
// A NaN that starts a run of all-NaN bins reaching the end of a segment's valid part is
// reported as the NaN padding of a ragged segment, with the `lengths` that would describe it.
func (d *Dataset) Validate() error {
	v := validator{d: d}
	if d.S < 1 || d.T < 1 || d.M < 1 {
		return v.errorf("activity", nil, "has shape [%d, %d, %d] (segments, time, neurons), want each at least 1", d.S, d.T, d.M)
	}
	if n := product([]int{d.S, d.T, d.M}); n < 0 || len(d.Activity) != n {
		return v.errorf("activity", nil, "has %d values, want %d×%d×%d (segments×time×neurons)", len(d.Activity), d.S, d.T, d.M)
	}
	if !(d.Dt > 0) || math.IsInf(d.Dt, 1) {
		return v.errorf("dt", nil, "= %v, want a positive bin width in seconds", d.Dt)
	}
	if len(d.Lengths) != d.S {
		return v.errorf("lengths", nil, "has %d values, want %d (one per segment)", len(d.Lengths), d.S)
	}
	for s, L := range d.Lengths {
		if L < 1 || L > d.T {
			return v.errorf("lengths", []int{s}, "= %d, want 1..%d", L, d.T)
		}
	}
	if err := v.observed(); err != nil {
		return err
	}
	if err := v.activity(); err != nil {
		return err
	}
	if err := v.inputs(); err != nil {
		return err
	}
	if err := v.weight(); err != nil {
		return err
	}
	if err := v.labels(); err != nil {
		return err
	}
	return v.extras()
}

type validator struct{ d *Dataset }

func (v validator) errorf(field string, index []int, format string, args ...any) error {
	return &FieldError{File: v.d.Source, Field: field, Index: index, Msg: fmt.Sprintf(format, args...)}
}

// badValue describes a value that may not appear in the valid part of a segment.
func badValue(x float64) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return ""
}

func (v validator) activity() error {
	d := v.d
	for s, L := range d.Lengths {
		seg := d.Activity[s*d.T*d.M : (s*d.T+L)*d.M]
		for i, x := range seg {
			bad := badValue(x)
			if bad == "" || !d.IsObserved(s, i%d.M) {
				continue
			}
			t, m := i/d.M, i%d.M
			msg := fmt.Sprintf("is %s (segment %d, bin %d, neuron %d)", bad, s, t, m)
			if p := nanPaddingStart(seg, d.M); bad == "NaN" && t >= p {
				msg += v.paddingHint(s, p)
			}
			return v.errorf("activity", []int{s, t, m}, "%s", msg)
		}
	}
	return nil
}

// nanPaddingStart returns the first bin of the run of all-NaN bins that ends segment seg
// (rows of M values), or the number of bins if its last bin is not all NaN.
func nanPaddingStart(seg []float64, M int) int {
	p := len(seg) / M
	for ; p > 0; p-- {
		for _, x := range seg[(p-1)*M : p*M] {
			if !math.IsNaN(x) {
				return p
			}
		}
	}
	return p
}

// paddingHint explains a NaN that is the start of segment s's trailing all-NaN bins p...
func (v validator) paddingHint(s, p int) string {
	d := v.d
	if p == 0 {
		return fmt.Sprintf(": every valid bin of segment %d is NaN; drop the segment", s)
	}
	if !slices.ContainsFunc(d.Lengths, func(L int) bool { return L != d.T }) {
		return fmt.Sprintf(": segment %d is NaN from bin %d to its end, like the NaN padding of ragged segments, "+
			"but no `lengths` field marks the padding (every length is %d): add `lengths`, an integer array "+
			"[segments] of the valid bins of each segment (here lengths[%d] = %d)", s, p, d.T, s, p)
	}
	return fmt.Sprintf(": bins %d..%d of segment %d are all NaN, like padding, but lengths[%d] = %d counts them as data: want lengths[%d] = %d",
		p, d.Lengths[s]-1, s, s, d.Lengths[s], s, p)
}

// inputs checks Inputs like activity: S·T·I values, finite in the valid bins.
func (v validator) inputs() error {
	d := v.d
	if d.I < 0 {
		return v.errorf("inputs", nil, "has I = %d channels, want ≥ 0", d.I)
	}
	if n := product([]int{d.S, d.T, d.I}); n < 0 || len(d.Inputs) != n {
		return v.errorf("inputs", nil, "has %d values, want %d×%d×%d (segments×time×inputs)", len(d.Inputs), d.S, d.T, d.I)
	}
	if d.I == 0 {
		return nil
	}
	for s := range d.S {
		for i, x := range d.SegmentInputs(s) {
			if bad := badValue(x); bad != "" {
				t, k := i/d.I, i%d.I
				return v.errorf("inputs", []int{s, t, k}, "is %s (segment %d, bin %d, input %d)", bad, s, t, k)
			}
		}
	}
	return nil
}

// weight checks the optional loss weights: S·T·M values, finite and ≥ 0 in the valid bins.
func (v validator) weight() error {
	d := v.d
	if d.Weight == nil {
		return nil
	}
	if len(d.Weight) != len(d.Activity) {
		return v.errorf(weightField, nil, "has %d values, want %d×%d×%d like activity", len(d.Weight), d.S, d.T, d.M)
	}
	for s := range d.S {
		for i, x := range d.SegmentWeight(s) {
			t, m := i/d.M, i%d.M
			if bad := badValue(x); bad != "" {
				return v.errorf(weightField, []int{s, t, m}, "is %s (segment %d, bin %d, neuron %d)", bad, s, t, m)
			}
			if x < 0 {
				return v.errorf(weightField, []int{s, t, m}, "= %v, want ≥ 0 (segment %d, bin %d, neuron %d)", x, s, t, m)
			}
		}
	}
	return nil
}

func (v validator) labels() error {
	d := v.d
	for _, name := range slices.Sorted(maps.Keys(d.Labels)) {
		l := d.Labels[name]
		field := labelPrefix + name
		if name == "" {
			return v.errorf(field, nil, "has an empty label name")
		}
		if len(l.Values) != d.S {
			return v.errorf(field, nil, "has %d values, want %d (one per segment)", len(l.Values), d.S)
		}
		for s, x := range l.Values {
			switch l.Kind {
			case StringLabel:
			case IntLabel:
				if _, ok := parseLabelInt(x); !ok {
					return v.errorf(field, []int{s}, "= %q is not an integer, as an int label's values must be", x)
				}
			case FloatLabel:
				if _, err := strconv.ParseFloat(x, 64); err != nil {
					return v.errorf(field, []int{s}, "= %q is not a number, as a float label's values must be", x)
				}
			default:
				return v.errorf(field, nil, "has unknown kind %d", l.Kind)
			}
		}
		if err := v.order(name, l); err != nil {
			return err
		}
	}
	return nil
}

// order checks label name's declared order of values (nil: none, sorted).
func (v validator) order(name string, l Label) error {
	if l.Order == nil {
		return nil
	}
	field := orderPrefix + name
	at := make(map[string]int, len(l.Order))
	for i, x := range l.Order {
		c, ok := canonicalValue(l.Kind, x)
		if !ok {
			return v.errorf(field, []int{i}, "= %q does not parse as a value of %s%s (kind %s)", x, labelPrefix, name, l.Kind)
		}
		if j, dup := at[c]; dup {
			return v.errorf(field, []int{i}, "= %q is listed twice (also at index %d): each value once, in the order figures and tables show them", x, j)
		}
		at[c] = i
	}
	for s, x := range l.Values {
		c, _ := canonicalValue(l.Kind, x) // parsed above
		if _, ok := at[c]; !ok {
			return v.errorf(field, nil, "lacks %q, the value of %s%s[%d] (segment %d): an order lists every value of its label (it lists %s)",
				x, labelPrefix, name, s, s, quoteList(l.Order))
		}
	}
	return nil
}

// quoteList returns the values quoted and separated by commas, at most 20 of them.
func quoteList(vs []string) string {
	var b strings.Builder
	for i, x := range vs {
		if i == 20 {
			fmt.Fprintf(&b, ", … (%d in all)", len(vs))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(x))
	}
	return b.String()
}

func (v validator) extras() error {
	for _, name := range slices.Sorted(maps.Keys(v.d.Extra)) {
		a := v.d.Extra[name]
		switch {
		case name == "":
			return v.errorf("", nil, "has an extra array with an empty name")
		case slices.Contains(fieldNames, name) || strings.HasPrefix(name, labelPrefix) || strings.HasPrefix(name, orderPrefix):
			return v.errorf(name, nil, "is an extra array named like a dataset field; rename it")
		}
		if n := product(a.Shape); n < 0 || n != len(a.Data) {
			return v.errorf(name, nil, "has %d values, but its shape %v holds %d", len(a.Data), a.Shape, n)
		}
	}
	return nil
}

// parseLabelInt parses an IntLabel value of any size (a uint64 label may exceed int64).
func parseLabelInt(x string) (*big.Int, bool) {
	return new(big.Int).SetString(x, 10)
}
