package spectra

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func closeC(a, b complex128, tol float64) bool { return cmplx.Abs(a-b) <= tol }

func TestEigenvaluesRotation(t *testing.T) {
	const th = 0.3
	R := mat.NewDense(2, 2, []float64{math.Cos(th), -math.Sin(th), math.Sin(th), math.Cos(th)})
	got, err := Eigenvalues(R)
	if err != nil {
		t.Fatal(err)
	}
	want := []complex128{cmplx.Exp(complex(0, th)), cmplx.Exp(complex(0, -th))}
	for i := range want {
		if !closeC(got[i], want[i], 1e-14) {
			t.Errorf("rotation eigenvalue %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestEigenvaluesDiagonalSorted(t *testing.T) {
	D := mat.NewDiagDense(5, []float64{0.5, -3, 2, 0, -0.7})
	got, err := Eigenvalues(D)
	if err != nil {
		t.Fatal(err)
	}
	want := []complex128{-3, 2, -0.7, 0.5, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("diagonal: eigenvalues %v, want %v", got, want)
			break
		}
	}
}

// The companion matrix of a monic polynomial has the polynomial's roots as eigenvalues. The
// polynomial is built here by multiplying out (x − r) for the chosen roots.
func TestEigenvaluesCompanion(t *testing.T) {
	roots := []complex128{2, -1, complex(0.5, 0.5), complex(0.5, -0.5)}
	// coef[k] is the coefficient of x^k, highest degree last; start from the constant 1.
	coef := []complex128{1}
	for _, r := range roots {
		next := make([]complex128, len(coef)+1)
		for k, c := range coef {
			next[k+1] += c
			next[k] -= r * c
		}
		coef = next
	}
	n := len(roots)
	// Frobenius companion: ones on the subdiagonal, −c_0 … −c_{n−1} in the last column.
	C := mat.NewDense(n, n, nil)
	for i := 1; i < n; i++ {
		C.Set(i, i-1, 1)
	}
	for i := 0; i < n; i++ {
		if imag(coef[i]) != 0 {
			t.Fatalf("coefficient %d = %v is not real", i, coef[i])
		}
		C.Set(i, n-1, -real(coef[i]))
	}
	got, err := Eigenvalues(C)
	if err != nil {
		t.Fatal(err)
	}
	for i := range roots {
		if !closeC(got[i], roots[i], 1e-12) {
			t.Errorf("companion eigenvalues %v, want %v", got, roots)
			break
		}
	}
}

func TestEigenvaluesBadInput(t *testing.T) {
	if _, err := Eigenvalues(mat.NewDense(2, 3, nil)); err == nil {
		t.Error("non-square: no error")
	}
	if _, err := Eigenvalues(mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 1})); err == nil {
		t.Error("NaN entry: no error")
	}
}

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

// step is the rate-RNN map whose Jacobian RateJacobian claims to be.
func step(W *mat.Dense, b []float64, alpha float64, x []float64) []float64 {
	n := len(x)
	phi := make([]float64, n)
	for i, v := range x {
		phi[i] = math.Tanh(v)
	}
	out := make([]float64, n)
	for i := range out {
		var s float64
		for j := range phi {
			s += W.At(i, j) * phi[j]
		}
		out[i] = (1-alpha)*x[i] + alpha*(s+b[i])
	}
	return out
}

func TestRateJacobianFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, alpha, h = 6, 0.2, 1e-6
	W := mat.NewDense(n, n, nil)
	x, b := make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		x[i] = 1.5 * rng.NormFloat64()
		b[i] = rng.NormFloat64()
		for j := 0; j < n; j++ {
			W.Set(i, j, 1.5*rng.NormFloat64()/math.Sqrt(n))
		}
	}
	J, err := RateJacobian(W, alpha, x)
	if err != nil {
		t.Fatal(err)
	}
	xp, xm := make([]float64, n), make([]float64, n)
	for j := 0; j < n; j++ {
		copy(xp, x)
		copy(xm, x)
		xp[j] += h
		xm[j] -= h
		fp, fm := step(W, b, alpha, xp), step(W, b, alpha, xm)
		for i := 0; i < n; i++ {
			fd := (fp[i] - fm[i]) / (2 * h)
			if math.Abs(J.At(i, j)-fd) > 1e-8 {
				t.Errorf("J[%d,%d] = %v, finite difference %v", i, j, J.At(i, j), fd)
			}
		}
	}
}

func TestRateJacobianBadInput(t *testing.T) {
	W := mat.NewDense(2, 2, nil)
	if _, err := RateJacobian(mat.NewDense(2, 3, nil), 0.1, []float64{0, 0}); err == nil {
		t.Error("non-square W: no error")
	}
	if _, err := RateJacobian(W, 0.1, []float64{0}); err == nil {
		t.Error("short state: no error")
	}
	if _, err := RateJacobian(W, math.NaN(), []float64{0, 0}); err == nil {
		t.Error("NaN α: no error")
	}
	if _, err := RateJacobian(W, 0.1, []float64{0, math.Inf(1)}); err == nil {
		t.Error("infinite state: no error")
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
