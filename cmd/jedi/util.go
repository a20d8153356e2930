package main

import (
	"math"
	"slices"
)

// median returns the median of x's values that are not NaN (the R² of a constant neuron), NaN
// when there are none.
func median(x []float64) float64 {
	s := slices.DeleteFunc(slices.Clone(x), math.IsNaN)
	if len(s) == 0 {
		return math.NaN()
	}
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
