package metrics

import (
	"fmt"
	"math"
)

// minRate floors predicted rates before taking their logarithm, as the Neural Latents Benchmark
// does, so that a zero rate in a bin with spikes costs a large but finite penalty.
const minRate = 1e-9

// BitsPerSpike returns how much better the predicted Poisson rates explain the spike counts than
// each neuron's constant mean rate does, in bits per spike, as the Neural Latents Benchmark defines
// it (Pei et al. 2021, arXiv 2109.04463):
//
//	bits/spike = (log L(λ) − log L(λ̄)) / (K ln 2),
//	log L(λ) = Σ_{s,t,m} k log λ − λ − log k!,
//
// where k are the counts, λ the predicted rates (expected counts per bin), λ̄_m neuron m's mean
// count over all valid bins of all segments, and K = Σ k the total number of spikes. The log k!
// terms cancel, so non-integer counts (smoothed, or summed over trials) are accepted. Rates below
// 1e-9 are raised to 1e-9 before the logarithm.
//
// rate and counts are S×T×M row-major, S = len(counts)/(T·M), and only the first lengths[s] bins
// of segment s are read (nil: all T). Rates and counts must be finite and non-negative, and there
// must be at least one spike.
func BitsPerSpike(rate, counts []float64, T, M int, lengths []int) (float64, error) {
	l, err := newLayout("rate", "counts", len(rate), len(counts), T, M, lengths)
	if err != nil {
		return math.NaN(), err
	}
	if err := checkNonNegative(l, "counts", counts); err != nil {
		return math.NaN(), err
	}
	if err := checkNonNegative(l, "rate", rate); err != nil {
		return math.NaN(), err
	}
	spikes := make([]float64, M) // K_m
	var bins int
	var llModel float64
	for s := 0; s < l.S; s++ {
		ks, rs := l.valid(counts, s), l.valid(rate, s)
		for i, k := range ks {
			r := rs[i]
			llModel += k*math.Log(max(r, minRate)) - r
			spikes[i%M] += k
		}
		bins += l.len(s)
	}
	// For the null model Σ_t λ̄_m = K_m, so log L(λ̄) = Σ_m K_m log λ̄_m − K_m.
	var llNull, total float64
	for _, k := range spikes {
		total += k
		if k > 0 {
			llNull += k*math.Log(k/float64(bins)) - k
		}
	}
	if total == 0 {
		return math.NaN(), fmt.Errorf("metrics: BitsPerSpike: no spikes in the valid bins")
	}
	return (llModel - llNull) / (total * math.Ln2), nil
}

// checkNonNegative returns an error naming the first valid entry of x that is negative or not
// finite.
func checkNonNegative(l layout, name string, x []float64) error {
	if err := l.checkFinite(name, x); err != nil {
		return err
	}
	for s := 0; s < l.S; s++ {
		for i, v := range l.valid(x, s) {
			if v < 0 {
				return fmt.Errorf("metrics: %s[segment %d, bin %d, neuron %d] = %v is negative", name, s, i/l.M, i%l.M, v)
			}
		}
	}
	return nil
}
