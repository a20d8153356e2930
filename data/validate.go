package data

import "math"

// Validate checks every invariant of the dataset and returns a *FieldError naming the file,
// the field and the index of the first violation: sizes consistent with S, T, M and I, lengths
// within 1..T, no NaN or Inf in the valid part of the activity, inputs and weights (padding
// may hold anything), one value per segment for every label, non-empty label names, dt > 0.
func (d *Dataset) Validate() error {
	f := d.Source
	switch {
	case d.S < 1:
		return fieldErr(f, "activity", nil, "no segments (shape [%d, %d, %d])", d.S, d.T, d.M)
	case d.T < 1:
		return fieldErr(f, "activity", nil, "no time bins (shape [%d, %d, %d])", d.S, d.T, d.M)
	case d.M < 1:
		return fieldErr(f, "activity", nil, "no neurons (shape [%d, %d, %d])", d.S, d.T, d.M)
	case len(d.Activity) != d.S*d.T*d.M:
		return fieldErr(f, "activity", nil, "%d values, want %d×%d×%d", len(d.Activity), d.S, d.T, d.M)
	case len(d.Lengths) != d.S:
		return fieldErr(f, "lengths", nil, "%d values, want %d (one per segment)", len(d.Lengths), d.S)
	case !(d.Dt > 0) || math.IsInf(d.Dt, 0):
		return fieldErr(f, "dt", nil, "%v, want a positive bin width in seconds", d.Dt)
	}
	for s, L := range d.Lengths {
		if L < 1 || L > d.T {
			return fieldErr(f, "lengths", []int{s}, "= %d, want 1..%d", L, d.T)
		}
	}
	if err := d.checkFinite("activity", d.Activity, d.M); err != nil {
		return err
	}
	if d.I > 0 || d.Inputs != nil {
		if len(d.Inputs) != d.S*d.T*d.I {
			return fieldErr(f, "inputs", nil, "%d values, want %d×%d×%d", len(d.Inputs), d.S, d.T, d.I)
		}
		if err := d.checkFinite("inputs", d.Inputs, d.I); err != nil {
			return err
		}
	}
	if d.Weight != nil {
		if len(d.Weight) != len(d.Activity) {
			return fieldErr(f, "loss_weight", nil, "%d values, want %d×%d×%d like activity", len(d.Weight), d.S, d.T, d.M)
		}
		if err := d.checkFinite("loss_weight", d.Weight, d.M); err != nil {
			return err
		}
		for i, w := range d.Weight {
			if w < 0 {
				return fieldErr(f, "loss_weight", unflat(i, d.T, d.M), "= %g, want ≥ 0", w)
			}
		}
	}
	for name, l := range d.Labels {
		if name == "" {
			return fieldErr(f, "label_", nil, "a label needs a name after the label_ prefix")
		}
		if len(l.Values) != d.S {
			return fieldErr(f, "label_"+name, nil, "has %d values, want %d (one per segment)", len(l.Values), d.S)
		}
	}
	return nil
}

// checkFinite rejects NaN and ±Inf in the valid bins of an S×T×width array.
func (d *Dataset) checkFinite(field string, x []float64, width int) error {
	for s, L := range d.Lengths {
		seg := x[s*d.T*width : (s*d.T+L)*width]
		for i, v := range seg {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t, m := i/width, i%width
				what := "NaN"
				if !math.IsNaN(v) {
					what = "infinite"
				}
				return fieldErr(d.Source, field, []int{s, t, m}, "is %s (segment %d, bin %d, column %d; within lengths[%d] = %d)", what, s, t, m, s, L)
			}
		}
	}
	return nil
}

func unflat(i, T, M int) []int { return []int{i / (T * M), i / M % T, i % M} }
