package prepare

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestGaussianKernel(t *testing.T) {
	for _, tc := range []struct {
		sigma, w float64
		J        int
	}{
		{0.02, 0.01, 6},  // 3σ/w = 6 exactly (5.999… in float64 without the tolerance)
		{0.025, 0.01, 7}, // 7.5: truncated at ±3σ, not rounded
		{0.003, 0.01, 0}, // narrower than a bin: the identity
		{0.05, 0.02, 7},
	} {
		k := gaussianKernel(tc.sigma, tc.w)
		if len(k) != 2*tc.J+1 {
			t.Errorf("σ %g w %g: %d taps, want %d", tc.sigma, tc.w, len(k), 2*tc.J+1)
			continue
		}
		var sum, ksum float64
		for j := -tc.J; j <= tc.J; j++ {
			sum += math.Exp(-float64(j*j) * tc.w * tc.w / (2 * tc.sigma * tc.sigma))
		}
		for j := -tc.J; j <= tc.J; j++ {
			want := math.Exp(-float64(j*j)*tc.w*tc.w/(2*tc.sigma*tc.sigma)) / sum
			if math.Abs(k[tc.J+j]-want) > 1e-15 {
				t.Errorf("σ %g w %g: K[%d] = %.17g, want %.17g", tc.sigma, tc.w, j, k[tc.J+j], want)
			}
			ksum += k[tc.J+j]
		}
		if math.Abs(ksum-1) > 1e-14 {
			t.Errorf("σ %g w %g: kernel sums to %.17g", tc.sigma, tc.w, ksum)
		}
	}
	if k := gaussianKernel(0, 0.01); len(k) != 1 || k[0] != 1 {
		t.Errorf("σ 0: kernel %v, want [1]", k)
	}
}

// TestSmoothDelta: a single spike away from the edges smooths into the sampled kernel.
func TestSmoothDelta(t *testing.T) {
	const sigma, w = 0.02, 0.01
	x := make([]float64, 40)
	x[20] = 1
	out := make([]float64, len(x))
	smooth(out, x, gaussianKernel(sigma, w), 0)
	var norm float64
	for j := -6; j <= 6; j++ {
		norm += math.Exp(-float64(j*j) / 8)
	}
	for i, v := range out {
		j := i - 20
		var want float64
		if j >= -6 && j <= 6 {
			want = math.Exp(-float64(j*j)/8) / norm
		}
		if math.Abs(v-want) > 1e-15 {
			t.Errorf("bin %d: %.17g, want %.17g", i, v, want)
		}
	}
}

// TestSmoothEdges compares smooth with normalised convolution written independently: the full
// zero-padded convolution of x divided by that of an indicator of the trial.
func TestSmoothEdges(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	k := gaussianKernel(0.025, 0.01)
	J := len(k) / 2
	x := make([]float64, 30)
	for i := range x {
		x[i] = float64(rng.IntN(5))
	}
	conv := func(v []float64) []float64 {
		y := make([]float64, len(v)+2*J)
		for i, a := range v {
			for j, kj := range k {
				y[i+j] += a * kj
			}
		}
		return y[J : J+len(v)]
	}
	ones := make([]float64, len(x))
	for i := range ones {
		ones[i] = 1
	}
	num, den := conv(x), conv(ones)
	// Output only bins 3..24 of x, as a segment inside a longer trial.
	out := make([]float64, 22)
	smooth(out, x, k, 3)
	for i, v := range out {
		if want := num[3+i] / den[3+i]; math.Abs(v-want) > 1e-13*want {
			t.Errorf("bin %d: %.17g, want %.17g", 3+i, v, want)
		}
	}
	// A constant stays constant up to the edges.
	for i := range x {
		x[i] = 3
	}
	all := make([]float64, len(x))
	smooth(all, x, k, 0)
	for i, v := range all {
		if math.Abs(v-3) > 1e-14 {
			t.Errorf("constant: bin %d: %.17g, want 3", i, v)
		}
	}
}

// TestSmoothPreservesCount: with no spike within 2J bins of the edges (so that no bin the
// spikes spread into is renormalised), smoothing keeps the total count.
func TestSmoothPreservesCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	k := gaussianKernel(0.03, 0.01)
	J := len(k) / 2
	x := make([]float64, 200)
	var total float64
	for i := 2 * J; i < len(x)-2*J; i++ {
		x[i] = float64(rng.IntN(6))
		total += x[i]
	}
	out := make([]float64, len(x))
	smooth(out, x, k, 0)
	var got float64
	for _, v := range out {
		got += v
	}
	if math.Abs(got-total) > 1e-11 {
		t.Errorf("total %.17g after smoothing, %g before", got, total)
	}
}
