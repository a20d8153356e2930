package metrics

import (
	"fmt"
	"math"
)

// layout is a checked padded S×T×M array shape with its valid lengths.
type layout struct {
	S, T, M int
	lengths []int // nil: every segment has T valid bins
}

// newLayout checks that two arrays named a and b, of lengths na and nb, are S×T×M with valid
// lengths, and returns the shape. S is inferred from na.
func newLayout(a, b string, na, nb, T, M int, lengths []int) (layout, error) {
	if T < 1 || M < 1 {
		return layout{}, fmt.Errorf("metrics: T=%d and M=%d must both be positive", T, M)
	}
	if na != nb {
		return layout{}, fmt.Errorf("metrics: %s has %d values, %s has %d", a, na, b, nb)
	}
	if na%(T*M) != 0 {
		return layout{}, fmt.Errorf("metrics: %s has %d values, not a multiple of T×M = %d×%d", a, na, T, M)
	}
	S := na / (T * M)
	if lengths != nil {
		if len(lengths) != S {
			return layout{}, fmt.Errorf("metrics: %d lengths for %d segments", len(lengths), S)
		}
		for s, l := range lengths {
			if l < 0 || l > T {
				return layout{}, fmt.Errorf("metrics: lengths[%d] = %d outside [0, %d]", s, l, T)
			}
		}
	}
	return layout{S: S, T: T, M: M, lengths: lengths}, nil
}

// len returns the number of valid bins of segment s.
func (l layout) len(s int) int {
	if l.lengths == nil {
		return l.T
	}
	return l.lengths[s]
}

// valid returns the valid part of segment s of x, len(s)×M row-major.
func (l layout) valid(x []float64, s int) []float64 {
	return x[s*l.T*l.M : (s*l.T+l.len(s))*l.M]
}

// checkFinite returns an error naming the first non-finite valid value of x, by segment, bin and
// neuron, so that padding may hold anything (NaN included).
func (l layout) checkFinite(name string, x []float64) error {
	for s := 0; s < l.S; s++ {
		if i := firstNonFinite(l.valid(x, s)); i >= 0 {
			return fmt.Errorf("metrics: %s[segment %d, bin %d, neuron %d] = %v", name, s, i/l.M, i%l.M, l.valid(x, s)[i])
		}
	}
	return nil
}

// firstNonFinite returns the index of the first NaN or ±Inf in x, or -1.
func firstNonFinite(x []float64) int {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}
