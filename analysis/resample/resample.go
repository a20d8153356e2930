package resample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Mean returns the arithmetic mean of x (NaN for none).
func Mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// check returns an error when x is empty or holds a value that is not finite.
func check(what string, x []float64) error {
	if len(x) == 0 {
		return fmt.Errorf("resample: %s: no values", what)
	}
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("resample: %s[%d] = %g, want finite", what, i, v)
		}
	}
	return nil
}

// Bootstrap returns the percentile confidence interval [lo, hi] at the given level (e.g.
// 0.95) of stat over B resamples of x with replacement: lo and hi are the (1−level)/2 and
// (1+level)/2 quantiles (linear interpolation) of the B resampled statistics. With one value
// the interval is that value.
func Bootstrap(x []float64, stat func([]float64) float64, level float64, B int, rng *rand.Rand) (lo, hi float64, err error) {
	if err := check("x", x); err != nil {
		return 0, 0, err
	}
	if !(level > 0 && level < 1) || B < 1 {
		return 0, 0, fmt.Errorf("resample: level %g and B %d, want 0 < level < 1 and B ≥ 1", level, B)
	}
	st := make([]float64, B)
	buf := make([]float64, len(x))
	for b := range st {
		for i := range buf {
			buf[i] = x[rng.IntN(len(x))]
		}
		st[b] = stat(buf)
	}
	slices.Sort(st)
	return Quantile(st, (1-level)/2), Quantile(st, (1+level)/2), nil
}

// Quantile returns the q-quantile of the sorted values s, linearly interpolated between order
// statistics (numpy's default: position q·(n−1)).
func Quantile(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(s)-1)
	i := int(math.Floor(pos))
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	f := pos - float64(i)
	return s[i] + f*(s[i+1]-s[i])
}

// ExactSignFlipMax is the largest n for which SignFlip enumerates all 2ⁿ sign assignments.
const ExactSignFlipMax = 16

// SignFlip returns the two-sided p-value of mean(d) = 0 under the null that every d_i is
// symmetric about 0: the share of sign assignments s ∈ {±1}ⁿ with |Σ s_i d_i| ≥ |Σ d_i|
// (within a relative 1e-12, so that ties count). For n ≤ ExactSignFlipMax all 2ⁿ are
// enumerated and the p-value is exact (its smallest value is 2/2ⁿ: with 5 runs, 0.0625);
// above, reps random assignments give (1 + count)/(1 + reps).
func SignFlip(d []float64, reps int, rng *rand.Rand) (float64, error) {
	if err := check("d", d); err != nil {
		return 0, err
	}
	var obs, scale float64
	for _, v := range d {
		obs += v
		scale += math.Abs(v)
	}
	obs = math.Abs(obs)
	tol := 1e-12 * scale
	n := len(d)
	if n <= ExactSignFlipMax {
		count := 0
		for mask := range 1 << n {
			var s float64
			for i, v := range d {
				if mask&(1<<i) != 0 {
					s -= v
				} else {
					s += v
				}
			}
			if math.Abs(s) >= obs-tol {
				count++
			}
		}
		return float64(count) / float64(int(1)<<n), nil
	}
	if reps < 1 {
		return 0, fmt.Errorf("resample: sign flip of %d values needs reps ≥ 1", n)
	}
	count := 0
	for range reps {
		var s float64
		for _, v := range d {
			if rng.IntN(2) == 0 {
				s -= v
			} else {
				s += v
			}
		}
		if math.Abs(s) >= obs-tol {
			count++
		}
	}
	return float64(1+count) / float64(1+reps), nil
}

// Permutation returns mean(x[inA]) − mean(x[not inA]) and its two-sided p-value under random
// relabelling: reps permutations of the labels (the group sizes kept) give
// (1 + #{|diff_perm| ≥ |diff|})/(1 + reps). Both groups need at least one item.
func Permutation(x []float64, inA []bool, reps int, rng *rand.Rand) (diff, p float64, err error) {
	if err := check("x", x); err != nil {
		return 0, 0, err
	}
	if len(inA) != len(x) {
		return 0, 0, fmt.Errorf("resample: %d labels for %d values", len(inA), len(x))
	}
	if reps < 1 {
		return 0, 0, fmt.Errorf("resample: reps %d, want ≥ 1", reps)
	}
	nA := 0
	var total float64
	for i, a := range inA {
		if a {
			nA++
		}
		total += x[i]
	}
	nB := len(x) - nA
	if nA == 0 || nB == 0 {
		return 0, 0, fmt.Errorf("resample: groups of %d and %d items, want ≥ 1 each", nA, nB)
	}
	// diff = sumA/nA − (total − sumA)/nB depends on the labels only through sumA.
	d := func(sumA float64) float64 { return sumA/float64(nA) - (total-sumA)/float64(nB) }
	var sumA float64
	for i, a := range inA {
		if a {
			sumA += x[i]
		}
	}
	diff = d(sumA)
	tol := 1e-12 * (math.Abs(diff) + math.Abs(total)/float64(len(x)))
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	count := 0
	for range reps {
		// A partial Fisher–Yates shuffle: the first nA positions are a uniform random subset.
		var s float64
		for i := range nA {
			j := i + rng.IntN(len(idx)-i)
			idx[i], idx[j] = idx[j], idx[i]
			s += x[idx[i]]
		}
		if math.Abs(d(s)) >= math.Abs(diff)-tol {
			count++
		}
	}
	return diff, float64(1+count) / float64(1+reps), nil
}

// TwoSample returns mean(a) − mean(b) and its two-sided permutation p-value (Permutation on
// the values of a and b pooled), for two independent sets of repetitions.
func TwoSample(a, b []float64, reps int, rng *rand.Rand) (diff, p float64, err error) {
	x := append(slices.Clone(a), b...)
	inA := make([]bool, len(x))
	for i := range a {
		inA[i] = true
	}
	return Permutation(x, inA, reps, rng)
}
