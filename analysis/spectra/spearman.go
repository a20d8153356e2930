package spectra

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
)

// Spearman returns Spearman's rank correlation of x and y (equal lengths n ≥ 2): the Pearson
// correlation of their ranks, where tied values share the average of the ranks they span (so
// x = 5, 7, 7, 9 ranks as 1, 2.5, 2.5, 4). This matches scipy.stats.spearmanr. It is NaN when x
// or y is constant, as the correlation is then undefined.
func Spearman(x, y []float64) (float64, error) {
	if len(x) != len(y) {
		return math.NaN(), fmt.Errorf("spectra: Spearman: x has %d values, y has %d", len(x), len(y))
	}
	if len(x) < 2 {
		return math.NaN(), fmt.Errorf("spectra: Spearman: needs at least 2 pairs, got %d", len(x))
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) {
			return math.NaN(), fmt.Errorf("spectra: Spearman: pair %d is (%v, %v)", i, x[i], y[i])
		}
	}
	rx, ry := ranks(x), ranks(y)
	if slices.Min(rx) == slices.Max(rx) || slices.Min(ry) == slices.Max(ry) {
		return math.NaN(), nil
	}
	return stat.Correlation(rx, ry, nil), nil
}

// ranks returns the 1-based ranks of x, ties sharing the mean of their ranks.
func ranks(x []float64) []float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	r := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i + 1
		for j < len(idx) && x[idx[j]] == x[idx[i]] {
			j++
		}
		// Positions i…j−1 hold equal values: ranks i+1…j, whose mean is (i+1+j)/2.
		avg := float64(i+1+j) / 2
		for k := i; k < j; k++ {
			r[idx[k]] = avg
		}
		i = j
	}
	return r
}
