package embed

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

func TestDefaultNoiseScales(t *testing.T) {
	k := DefaultNoiseScales()
	if len(k) != 9 || k[0] != 0 || k[1] != 0.25 || k[8] != 2 {
		t.Errorf("DefaultNoiseScales = %v", k)
	}
}

// A fake score, the mean squared noise in units of each column's sample standard deviation, is
// k² · mean(ξ²) for draw ξ: its mean over repeats divided by k² is the same at every scale (the
// draws are shared), close to 1, and exactly 0 at k = 0.
func TestNoiseCurveFakeScore(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	const S, d, repeats = 100, 3, 5
	X := mat.NewDense(S, d, nil)
	for i := 0; i < S; i++ {
		for j := 0; j < d; j++ {
			X.Set(i, j, float64(j+1)*rng.NormFloat64()+float64(5*j))
		}
	}
	sigma := make([]float64, d)
	for j := range sigma {
		col := mat.Col(nil, j, X)
		m := stat.Mean(col, nil)
		var ss float64
		for _, v := range col {
			ss += (v - m) * (v - m)
		}
		sigma[j] = math.Sqrt(ss / (S - 1))
	}
	calls := 0
	score := func(noisy *mat.Dense) (float64, error) {
		calls++
		var s float64
		for i := 0; i < S; i++ {
			for j := 0; j < d; j++ {
				e := (noisy.At(i, j) - X.At(i, j)) / sigma[j]
				s += e * e
			}
		}
		return s / (S * d), nil
	}
	scales := DefaultNoiseScales()
	mean, sd, err := NoiseCurve(X, scales, 3, repeats, score)
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1+(len(scales)-1)*repeats {
		t.Errorf("score called %d times, want %d", calls, 1+(len(scales)-1)*repeats)
	}
	if mean[0] != 0 || sd[0] != 0 {
		t.Errorf("k = 0: %v ± %v, want 0 ± 0", mean[0], sd[0])
	}
	ref, refSD := mean[1]/(scales[1]*scales[1]), sd[1]/(scales[1]*scales[1])
	if math.Abs(ref-1) > 0.15 || refSD <= 0 {
		t.Errorf("mean(ξ²) = %v ± %v, want ≈ 1 and a positive spread", ref, refSD)
	}
	for i := 2; i < len(scales); i++ {
		k2 := scales[i] * scales[i]
		if math.Abs(mean[i]/k2-ref) > 1e-12 || math.Abs(sd[i]/k2-refSD) > 1e-12 {
			t.Errorf("k = %v: %v ± %v, want k² × (%v ± %v)", scales[i], mean[i], sd[i], ref, refSD)
		}
	}
	again, _, _ := NoiseCurve(X, scales, 3, repeats, score)
	other, _, _ := NoiseCurve(X, scales, 4, repeats, score)
	if again[5] != mean[5] || other[5] == mean[5] {
		t.Errorf("seed 3 twice: %v, %v; seed 4: %v", mean[5], again[5], other[5])
	}
}

// The noise on a column has standard deviation k·σ_j with σ_j the sample (S−1) standard
// deviation: with rows 0 and 2 that is √2, where the population value would be 1.
func TestNoiseCurveUsesSampleStd(t *testing.T) {
	X := mat.NewDense(2, 1, []float64{0, 2})
	const repeats = 4000
	var draws []float64
	score := func(noisy *mat.Dense) (float64, error) {
		draws = append(draws, noisy.At(0, 0))
		return 0, nil
	}
	if _, _, err := NoiseCurve(X, []float64{1}, 5, repeats, score); err != nil {
		t.Fatal(err)
	}
	// The standard error of a standard deviation from 4000 draws is about 1.1%.
	if sd := stat.StdDev(draws, nil); math.Abs(sd-math.Sqrt2) > 0.06 {
		t.Errorf("noise sd %v, want √2", sd)
	}
}

func TestNoiseCurveBadInput(t *testing.T) {
	X := mat.NewDense(3, 1, []float64{1, 2, 3})
	ok := func(*mat.Dense) (float64, error) { return 1, nil }
	if _, _, err := NoiseCurve(mat.NewDense(1, 1, []float64{1}), []float64{1}, 0, 1, ok); err == nil {
		t.Error("one segment: no error")
	}
	if _, _, err := NoiseCurve(X, []float64{1}, 0, 0, ok); err == nil {
		t.Error("no repeats: no error")
	}
	if _, _, err := NoiseCurve(X, []float64{-0.5}, 0, 1, ok); err == nil {
		t.Error("negative scale: no error")
	}
	boom := errors.New("boom")
	fail := func(*mat.Dense) (float64, error) { return 0, boom }
	if _, _, err := NoiseCurve(X, []float64{0.5}, 0, 1, fail); !errors.Is(err, boom) {
		t.Errorf("score error not passed on: %v", err)
	}
}
