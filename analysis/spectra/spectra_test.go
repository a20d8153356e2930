package spectra

import (
	"math"
	"math/cmplx"
	"testing"
)

func TestSummarize(t *testing.T) {
	eigs := []complex128{1.2, complex(0.5, 0.5), complex(0.5, -0.5), -0.99, 0.1}
	s, err := Summarize(eigs, 0.02)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{N: 5, Radius: 1.2, ImagStd: math.Sqrt(0.1), MaxAbsImag: 0.5,
		NearUnit: 0.2, Outside: 0.2, MaxReal: 1.2}
	if s.N != want.N || s.Radius != want.Radius || math.Abs(s.ImagStd-want.ImagStd) > 1e-15 ||
		s.MaxAbsImag != want.MaxAbsImag || s.NearUnit != want.NearUnit ||
		s.Outside != want.Outside || s.MaxReal != want.MaxReal {
		t.Errorf("Summarize = %+v, want %+v", s, want)
	}
	// The imaginary spread is about the mean, not about zero.
	s, _ = Summarize([]complex128{complex(0, 1), complex(0, 3)}, 0)
	if s.ImagStd != 1 || s.NearUnit != 0.5 || s.Outside != 0.5 {
		t.Errorf("Summarize of {i, 3i} = %+v", s)
	}
	if _, err := Summarize(nil, 0.1); err == nil {
		t.Error("empty spectrum: no error")
	}
	if _, err := Summarize(eigs, -1); err == nil {
		t.Error("negative tolerance: no error")
	}
	if _, err := Summarize([]complex128{cmplx.NaN()}, 0.1); err == nil {
		t.Error("NaN eigenvalue: no error")
	}
}

func TestSpearman(t *testing.T) {
	cases := []struct {
		name string
		x, y []float64
		want float64
	}{
		// Ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4): covariance 4.5, sums of squares 4.5 and 5.
		{"ties by hand", []float64{1, 2, 2, 3}, []float64{1, 3, 2, 4}, math.Sqrt(0.9)},
		{"monotone", []float64{1, 2, 3, 4, 5}, []float64{1, 8, 27, 64, 125}, 1},
		{"reversed", []float64{1, 2, 3, 4}, []float64{0.4, 0.3, 0.2, -7}, -1},
		// scipy.stats.spearmanr of these (many ties in both) is 0.13845676514676949.
		{"scipy", []float64{3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5}, []float64{2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4}, 0.13845676514676949},
	}
	for _, c := range cases {
		got, err := Spearman(c.x, c.y)
		if err != nil || math.Abs(got-c.want) > 1e-14 {
			t.Errorf("%s: Spearman = %.17g, %v; want %.17g", c.name, got, err, c.want)
		}
	}
	if r, err := Spearman([]float64{1, 1, 1}, []float64{1, 2, 3}); err != nil || !math.IsNaN(r) {
		t.Errorf("constant x: %v, %v; want NaN", r, err)
	}
	if _, err := Spearman([]float64{1, 2}, []float64{1}); err == nil {
		t.Error("length mismatch: no error")
	}
	if _, err := Spearman([]float64{1, math.NaN()}, []float64{1, 2}); err == nil {
		t.Error("NaN: no error")
	}
}

func TestRanks(t *testing.T) {
	got := ranks([]float64{5, 7, 7, 9, 7, 1})
	want := []float64{2, 4, 4, 6, 4, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("ranks = %v, want %v", got, want)
		}
	}
}
