package metrics

import "math"

// PVar returns the fraction of variance explained as CURBD defines it (Perich et al. 2020,
// "Inferring brain-wide interactions using data-constrained recurrent neural network models",
// bioRxiv 10.1101/2020.12.18.423348; the variable pVar of its trainMultiRegionRNN):
//
//	pVar = 1 − ‖Y − Ŷ‖²_F / ‖Y − Ȳ‖²_F,
//
// with Ȳ the single global mean of all valid entries, over neurons and bins alike. Unlike R2, the
// reference is one grand mean, so a model that only gets each neuron's mean right already scores
// above zero. yhat and y are S×T×M row-major, S = len(y)/(T·M), and only the first lengths[s]
// bins of segment s are read (nil: all T). It is NaN when y is constant.
//
// CURBD's Python port normalises with np.std (divisor n), which is exactly this; its original
// MATLAB code uses std (divisor n−1), which multiplies the error term by (n−1)/n, n being the
// number of valid entries, so the two differ by (1 − pVar)/n: below 1e-4 once Y has 10⁴ entries.
func PVar(yhat, y []float64, T, M int, lengths []int) (float64, error) {
	l, err := newLayout("yhat", "y", len(yhat), len(y), T, M, lengths)
	if err != nil {
		return math.NaN(), err
	}
	if err := l.checkFinite("y", y); err != nil {
		return math.NaN(), err
	}
	if err := l.checkFinite("yhat", yhat); err != nil {
		return math.NaN(), err
	}
	// Two passes over the data (mean, then centred sums) keep the total sum of squares accurate
	// when the activity has a large offset.
	var sum float64
	var n int
	for s := 0; s < l.S; s++ {
		for _, v := range l.valid(y, s) {
			sum += v
		}
		n += l.len(s) * M
	}
	if n == 0 {
		return math.NaN(), nil
	}
	mean := sum / float64(n)
	var sse, sst float64
	for s := 0; s < l.S; s++ {
		ys, hs := l.valid(y, s), l.valid(yhat, s)
		for i, v := range ys {
			d := v - mean
			sst += d * d
			r := v - hs[i]
			sse += r * r
		}
	}
	if sst == 0 {
		return math.NaN(), nil
	}
	return 1 - sse/sst, nil
}
