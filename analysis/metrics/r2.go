package metrics

import (
	"fmt"
	"math"
)

// R2Acc accumulates the coefficient of determination over segments or minibatches without
// keeping them, for a fixed number M of neurons.
//
// For each neuron m it keeps the number of bins n, the running mean ȳ_m and the centred sum of
// squares SST_m = Σ (y − ȳ_m)², merged segment by segment with Chan, Golub and LeVeque's pairwise
// update (each segment's mean and centred sum are computed in two passes first), on values shifted
// by the neuron's first observation. Both guard against a large offset in the data, which would
// cancel catastrophically in Σy² − n ȳ². It also keeps the residual sum SSE_m = Σ (y − ŷ)².
//
// Segments may observe only some neurons (AddMasked, for multi-session data): each neuron's
// statistics then run over the bins of the segments that observed it, counted per neuron.
//
// The zero value is not usable; create one with NewR2Acc.
type R2Acc struct {
	m     int
	n     int
	cnt   []int     // bins accumulated for neuron m
	shift []float64 // K_m: neuron m's first observed value
	mean  []float64 // ȳ_m − K_m
	sst   []float64
	sse   []float64
	// segMean, segSST and segSSE are scratch space for one segment's statistics.
	segMean, segSST, segSSE []float64
}

// NewR2Acc returns an empty accumulator for M neurons.
func NewR2Acc(M int) (*R2Acc, error) {
	if M < 1 {
		return nil, fmt.Errorf("metrics: R2Acc needs at least one neuron, got M=%d", M)
	}
	return &R2Acc{
		m:       M,
		cnt:     make([]int, M),
		shift:   make([]float64, M),
		mean:    make([]float64, M),
		sst:     make([]float64, M),
		sse:     make([]float64, M),
		segMean: make([]float64, M),
		segSST:  make([]float64, M),
		segSSE:  make([]float64, M),
	}, nil
}

// Add accumulates one segment: yhat and y are L×M row-major (L = len(y)/M bins, any L ≥ 0).
// On error the accumulator is unchanged.
func (a *R2Acc) Add(yhat, y []float64) error {
	if len(yhat) != len(y) {
		return fmt.Errorf("metrics: R2Acc.Add: yhat has %d values, y has %d", len(yhat), len(y))
	}
	if len(y)%a.m != 0 {
		return fmt.Errorf("metrics: R2Acc.Add: %d values is not a whole number of bins of M=%d neurons", len(y), a.m)
	}
	if i := firstNonFinite(y); i >= 0 {
		return fmt.Errorf("metrics: R2Acc.Add: y[bin %d, neuron %d] = %v", i/a.m, i%a.m, y[i])
	}
	if i := firstNonFinite(yhat); i >= 0 {
		return fmt.Errorf("metrics: R2Acc.Add: yhat[bin %d, neuron %d] = %v", i/a.m, i%a.m, yhat[i])
	}
	a.add(yhat, y, nil)
	return nil
}

// AddMasked accumulates one segment that recorded only the neurons m with observed[m] (nil: all,
// as Add): the other neurons' values are not read. yhat and y are L×M row-major. On error the
// accumulator is unchanged.
func (a *R2Acc) AddMasked(yhat, y []float64, observed []bool) error {
	if observed != nil && len(observed) != a.m {
		return fmt.Errorf("metrics: R2Acc.AddMasked: %d mask values for M=%d neurons", len(observed), a.m)
	}
	if len(yhat) != len(y) {
		return fmt.Errorf("metrics: R2Acc.AddMasked: yhat has %d values, y has %d", len(yhat), len(y))
	}
	if len(y)%a.m != 0 {
		return fmt.Errorf("metrics: R2Acc.AddMasked: %d values is not a whole number of bins of M=%d neurons", len(y), a.m)
	}
	for i := range y {
		if observed != nil && !observed[i%a.m] {
			continue
		}
		for _, f := range []struct {
			name string
			v    float64
		}{{"y", y[i]}, {"yhat", yhat[i]}} {
			if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
				return fmt.Errorf("metrics: R2Acc.AddMasked: %s[bin %d, neuron %d] = %v", f.name, i/a.m, i%a.m, f.v)
			}
		}
	}
	a.add(yhat, y, observed)
	return nil
}

// AddPadded accumulates a minibatch in the padded layout: yhat and y are B×T×M row-major and
// only the first lengths[b] bins of segment b are read (nil lengths: all T). On error the
// accumulator is unchanged.
func (a *R2Acc) AddPadded(yhat, y []float64, T int, lengths []int) error {
	l, err := newLayout("yhat", "y", len(yhat), len(y), T, a.m, lengths)
	if err != nil {
		return err
	}
	if err := l.checkFinite("y", y); err != nil {
		return err
	}
	if err := l.checkFinite("yhat", yhat); err != nil {
		return err
	}
	for s := 0; s < l.S; s++ {
		a.add(l.valid(yhat, s), l.valid(y, s), nil)
	}
	return nil
}

// add merges one checked L×M segment into the running statistics of the neurons it observed
// (observed nil: all).
func (a *R2Acc) add(yhat, y []float64, observed []bool) {
	nb := len(y) / a.m
	if nb == 0 {
		return
	}
	for m := range a.m {
		if a.cnt[m] == 0 && (observed == nil || observed[m]) {
			a.shift[m] = y[m]
		}
	}
	mb, sb := a.segMean, a.segSST
	clear(mb)
	clear(sb)
	for t := 0; t < nb; t++ {
		row := y[t*a.m : (t+1)*a.m]
		for m, v := range row {
			mb[m] += v - a.shift[m]
		}
	}
	for m := range mb {
		mb[m] /= float64(nb)
	}
	sse := a.segSSE
	clear(sse)
	for t := 0; t < nb; t++ {
		row, hat := y[t*a.m:(t+1)*a.m], yhat[t*a.m:(t+1)*a.m]
		for m, v := range row {
			d := v - a.shift[m] - mb[m]
			sb[m] += d * d
			r := v - hat[m]
			sse[m] += r * r
		}
	}
	for m := range mb {
		if observed == nil || observed[m] {
			a.combine(m, nb, mb[m], sb[m], sse[m])
		}
	}
	a.n += nb
}

// combine merges nb bins of neuron m, whose mean (relative to a.shift[m]) is mean, centred sum
// of squares sst and residual sum sse, into its running statistics: Chan, Golub and LeVeque's
// pairwise update.
func (a *R2Acc) combine(m, nb int, mean, sst, sse float64) {
	na := float64(a.cnt[m])
	n := na + float64(nb)
	delta := mean - a.mean[m]
	a.mean[m] += delta * float64(nb) / n
	a.sst[m] += sst + delta*delta*na*float64(nb)/n
	a.sse[m] += sse
	a.cnt[m] += nb
}

// Merge adds the bins accumulated in b to a, as if they had been added to a after its own; b is
// unchanged. Segments accumulated apart (one accumulator per segment, on several goroutines) and
// merged in a fixed order give a result that does not depend on which goroutine took which.
func (a *R2Acc) Merge(b *R2Acc) error {
	if b.m != a.m {
		return fmt.Errorf("metrics: R2Acc.Merge: accumulators of %d and %d neurons", a.m, b.m)
	}
	for m := range a.m {
		if b.cnt[m] == 0 {
			continue
		}
		if a.cnt[m] == 0 {
			a.shift[m] = b.shift[m]
		}
		// b's mean is relative to its own shift; combine wants it relative to a's.
		a.combine(m, b.cnt[m], b.mean[m]+(b.shift[m]-a.shift[m]), b.sst[m], b.sse[m])
	}
	a.n += b.n
	return nil
}

// Bins returns the number of time bins accumulated so far.
func (a *R2Acc) Bins() int { return a.n }

// Value returns the variance-weighted R² over neurons and time,
//
//	R² = 1 − Σ_m SSE_m / Σ_m SST_m,  SSE_m = Σ (y − ŷ)²,  SST_m = Σ (y − ȳ_m)²,
//
// the sums running over every accumulated bin, with ȳ_m neuron m's mean over all of them. Neurons
// of larger variance weigh more, as in scikit-learn's r2_score(multioutput="variance_weighted").
// It is NaN when nothing was accumulated or every neuron is constant.
func (a *R2Acc) Value() float64 {
	var sse, sst float64
	for m := range a.sse {
		sse += a.sse[m]
		sst += a.sst[m]
	}
	if a.n == 0 || sst == 0 {
		return math.NaN()
	}
	return 1 - sse/sst
}

// PerNeuron returns each neuron's R², 1 − SSE_m / SST_m, a new slice of length M. A neuron whose
// activity is constant over the accumulated bins, or that no segment observed, gets NaN: its R²
// is undefined.
func (a *R2Acc) PerNeuron() []float64 {
	r := make([]float64, a.m)
	for m := range r {
		if a.cnt[m] == 0 || a.sst[m] == 0 {
			r[m] = math.NaN()
			continue
		}
		r[m] = 1 - a.sse[m]/a.sst[m]
	}
	return r
}

// Reset empties the accumulator, keeping its number of neurons.
func (a *R2Acc) Reset() {
	a.n = 0
	clear(a.cnt)
	clear(a.shift)
	clear(a.mean)
	clear(a.sst)
	clear(a.sse)
}

// R2 returns the variance-weighted R² of the prediction yhat of y,
//
//	R² = 1 − Σ_{s,t,m} (y − ŷ)² / Σ_{s,t,m} (y − ȳ_m)²,
//
// where the sums run over the valid bins of every segment and ȳ_m is neuron m's mean over all of
// them (not per segment). yhat and y are S×T×M row-major, S = len(y)/(T·M), and lengths gives the
// valid bins per segment (nil: all T). It is NaN when every neuron is constant.
func R2(yhat, y []float64, T, M int, lengths []int) (float64, error) {
	a, err := accumulate(yhat, y, T, M, lengths)
	if err != nil {
		return math.NaN(), err
	}
	return a.Value(), nil
}

// R2PerNeuron returns each neuron's R², 1 − Σ_{s,t}(y − ŷ)² / Σ_{s,t}(y − ȳ_m)², a slice of
// length M, over the same layout as R2. Constant neurons get NaN.
func R2PerNeuron(yhat, y []float64, T, M int, lengths []int) ([]float64, error) {
	a, err := accumulate(yhat, y, T, M, lengths)
	if err != nil {
		return nil, err
	}
	return a.PerNeuron(), nil
}

func accumulate(yhat, y []float64, T, M int, lengths []int) (*R2Acc, error) {
	a, err := NewR2Acc(M)
	if err != nil {
		return nil, err
	}
	if err := a.AddPadded(yhat, y, T, lengths); err != nil {
		return nil, err
	}
	return a, nil
}
