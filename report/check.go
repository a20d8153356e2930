package report

import (
	"fmt"
	"math"
)

// checkFinite returns an error naming what and the index of the first NaN
// or infinite element of xs.
func checkFinite(what string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("report: %s[%d] = %v is not finite", what, i, x)
		}
	}
	return nil
}

// checkPoints returns an error naming the first point of pts with a
// non-finite coordinate.
func checkPoints(what string, pts [][2]float64) error {
	for i, p := range pts {
		for j, x := range p {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("report: %s[%d][%d] = %v is not finite", what, i, j, x)
			}
		}
	}
	return nil
}

// span returns the smallest and largest of xs, widened to a unit interval
// around a constant value so that colour maps and axes have a non-empty
// range. xs must be non-empty and finite.
func span(xs []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi
}
