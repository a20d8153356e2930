package prepare

import "math"

// gaussianKernel returns the smoothing kernel for σ = sigma and bins of width w (both in
// seconds): K[J+j] ∝ exp(−(j·w)²/(2σ²)) for j = −J … J, J = ⌊3σ/w⌋, normalised to sum to 1.
// sigma = 0 gives the identity kernel [1].
func gaussianKernel(sigma, w float64) []float64 {
	if sigma == 0 {
		return []float64{1}
	}
	// The tolerance keeps 3σ/w from losing a whole bin to rounding (3·0.02/0.01 is 5.999…).
	J := int(math.Floor(3*sigma/w + edgeTol))
	k := make([]float64, 2*J+1)
	var sum float64
	for j := -J; j <= J; j++ {
		x := float64(j) * w / sigma
		k[J+j] = math.Exp(-x * x / 2)
		sum += k[J+j]
	}
	for i := range k {
		k[i] /= sum
	}
	return k
}

// smooth writes into dst[i] the kernel-weighted mean of x around x[off+i], with the kernel
// renormalised over the part of it that falls inside x:
//
//	dst[i] = Σ_j K[J+j]·x[off+i+j] / Σ_j K[J+j],   j = −J … J with 0 ≤ off+i+j < len(x),
//
// for i = 0 … len(dst)−1, where len(kernel) = 2J+1. x must cover every bin that is inside the
// trial and within J bins of the output, so that x's ends are the trial's edges.
func smooth(dst, x, kernel []float64, off int) {
	J := len(kernel) / 2
	for i := range dst {
		c := off + i
		a, b := max(-J, -c), min(J, len(x)-1-c)
		var s, wsum float64
		for j := a; j <= b; j++ {
			s += kernel[J+j] * x[c+j]
			wsum += kernel[J+j]
		}
		dst[i] = s / wsum
	}
}
