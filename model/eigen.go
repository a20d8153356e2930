package model

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Eigenvalues returns the N eigenvalues of the square matrix A (N×N, real, not necessarily
// symmetric), from LAPACK's Hessenberg QR through mat.Eigen, sorted by decreasing modulus |λ|.
// Eigenvalues of equal modulus are ordered by decreasing real part and then decreasing imaginary
// part, so a complex-conjugate pair a ± ib appears as a+ib, a−ib.
func Eigenvalues(A mat.Matrix) ([]complex128, error) {
	r, c := A.Dims()
	if r != c {
		return nil, fmt.Errorf("model: Eigenvalues of a %d×%d matrix: not square", r, c)
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := A.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("model: Eigenvalues: A[%d,%d] = %v", i, j, v)
			}
		}
	}
	var eig mat.Eigen
	if !eig.Factorize(A, mat.EigenNone) {
		return nil, fmt.Errorf("model: Eigenvalues: the %d×%d QR iteration did not converge", r, c)
	}
	vals := eig.Values(nil)
	slices.SortStableFunc(vals, func(a, b complex128) int {
		if c := cmp.Compare(cmplx.Abs(b), cmplx.Abs(a)); c != 0 {
			return c
		}
		if c := cmp.Compare(real(b), real(a)); c != 0 {
			return c
		}
		return cmp.Compare(imag(b), imag(a))
	})
	return vals, nil
}
