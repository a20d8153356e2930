package model

import (
	"math"
	"math/cmplx"
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
