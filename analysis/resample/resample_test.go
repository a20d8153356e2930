package resample

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The exact p-values below were computed independently in Python by enumerating every sign
// assignment (itertools.product) or every split (itertools.combinations).

func TestSignFlipExact(t *testing.T) {
	d := []float64{0.3, -0.1, 0.5, 0.2, 0.4, 0.25, -0.05}
	p, err := SignFlip(d, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p != 0.0625 {
		t.Errorf("p = %g, want 0.0625 (8 of 128)", p)
	}
	// All positive, n = 5: only the identity and the full flip reach |Σ d|: 2/32.
	if p, _ := SignFlip([]float64{1, 2, 3, 4, 5}, 0, nil); p != 2.0/32 {
		t.Errorf("p = %g, want 1/16", p)
	}
	if _, err := SignFlip([]float64{1, math.NaN()}, 0, nil); err == nil {
		t.Error("NaN accepted")
	}
}

func TestSignFlipMonteCarlo(t *testing.T) {
	d := []float64{0.31, -0.12, 0.05, 0.22, -0.4, 0.18, 0.09, -0.03, 0.27, 0.11, -0.2, 0.15, 0.06, -0.08, 0.33, 0.02, -0.14, 0.19, 0.07, -0.01}
	const want, reps = 0.2092266082763672, 40000 // exact, 2²⁰ assignments
	p, err := SignFlip(d, reps, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	// Binomial standard error √(p(1−p)/reps) = 0.002; 4 of them.
	if math.Abs(p-want) > 0.008 {
		t.Errorf("p = %g, want %g", p, want)
	}
}

func TestPermutation(t *testing.T) {
	x := []float64{1.2, 0.7, 2.3, 1.9, 0.4, 1.1, 3.0, 2.2, 0.9}
	inA := make([]bool, len(x))
	for _, i := range []int{0, 2, 3, 6, 7} {
		inA[i] = true
	}
	const want, reps = 2.0 / 126, 100000 // exact over the 126 splits
	diff, p, err := Permutation(x, inA, reps, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(diff-1.345) > 1e-12 {
		t.Errorf("diff = %g, want 1.345", diff)
	}
	// Standard error 0.0004.
	if math.Abs(p-want) > 0.002 {
		t.Errorf("p = %g, want %g", p, want)
	}
	a := []float64{1.2, 2.3, 1.9, 3.0, 2.2}
	b := []float64{0.7, 0.4, 1.1, 0.9}
	d2, p2, err := TwoSample(a, b, reps, rand.New(rand.NewPCG(3, 4)))
	if err != nil || math.Abs(d2-1.345) > 1e-12 || math.Abs(p2-want) > 0.002 {
		t.Errorf("TwoSample: %g, %g, %v; want 1.345, %g", d2, p2, err, want)
	}
	if _, _, err := Permutation(x, make([]bool, len(x)), 10, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("an empty group accepted")
	}
}

// The percentile interval of the mean of n normal values is, for large n, the mean ± 1.96 σ̂/√n
// with σ̂ the plug-in standard deviation.
func TestBootstrapMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	x := make([]float64, 400)
	for i := range x {
		x[i] = 3 + 2*rng.NormFloat64()
	}
	m := Mean(x)
	var ss float64
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	half := 1.959964 * math.Sqrt(ss/float64(len(x))) / math.Sqrt(float64(len(x)))
	lo, hi, err := Bootstrap(x, Mean, 0.95, 20000, rng)
	if err != nil {
		t.Fatal(err)
	}
	// The Monte-Carlo error of a 2.5 % quantile from 20000 resamples is about 2 % of the half
	// width; the skew of a normal sample's bootstrap distribution is negligible at n = 400.
	if math.Abs(lo-(m-half)) > 0.06*half || math.Abs(hi-(m+half)) > 0.06*half {
		t.Errorf("interval [%g, %g], want [%g, %g]", lo, hi, m-half, m+half)
	}
	if lo, hi, _ := Bootstrap([]float64{2.5}, Mean, 0.9, 10, rng); lo != 2.5 || hi != 2.5 {
		t.Errorf("one value: [%g, %g], want [2.5, 2.5]", lo, hi)
	}
}

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 4, 8}
	// numpy.quantile([1, 2, 4, 8], [0, 0.25, 0.5, 1]) = 1, 1.75, 3, 8.
	for _, c := range []struct{ q, want float64 }{{0, 1}, {0.25, 1.75}, {0.5, 3}, {1, 8}} {
		if got := Quantile(s, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Quantile(%g) = %g, want %g", c.q, got, c.want)
		}
	}
}
