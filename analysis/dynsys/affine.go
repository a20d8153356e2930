package dynsys

import (
	"fmt"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Affine is the linear map F(x) = A x + B with n×n matrix A and offset B (nil means zero). Its
// Jacobian is A everywhere; when I − A is invertible its only fixed point is (I − A)⁻¹ B, and its
// Lyapunov exponents are log|λᵢ(A)|. It serves as a reference with closed-form answers.
type Affine struct {
	A *mat.Dense
	B []float64
}

var _ VJPer = Affine{}

// Dim returns n, or 0 when A is nil.
func (a Affine) Dim() int {
	if a.A == nil {
		return 0
	}
	n, _ := a.A.Dims()
	return n
}

// Validate returns an error unless A is a finite square matrix and B is nil or a finite n-vector.
func (a Affine) Validate() error {
	if a.A == nil || a.A.IsEmpty() {
		return fmt.Errorf("dynsys: Affine: A is empty")
	}
	n, c := a.A.Dims()
	if n != c {
		return fmt.Errorf("dynsys: Affine: A is %d×%d, not square", n, c)
	}
	if err := checkFinite("Affine", "A", a.A); err != nil {
		return err
	}
	return checkBias("Affine", a.B, n)
}

// Step sets dst = A x + B.
func (a Affine) Step(dst, x []float64) {
	mustLen(a.Dim(), dst, x)
	blas64.Gemv(blas.NoTrans, 1, a.A.RawMatrix(), vec(x), 0, vec(dst))
	for i, b := range a.B {
		dst[i] += b
	}
}

// Jacobian sets J = A.
func (a Affine) Jacobian(J *mat.Dense, x []float64) {
	n := a.Dim()
	mustLen(n, x)
	prepare(J, n)
	J.Copy(a.A)
}

// VJP sets dst = Aᵀ v.
func (a Affine) VJP(dst, x, v []float64) {
	mustLen(a.Dim(), dst, x, v)
	blas64.Gemv(blas.Trans, 1, a.A.RawMatrix(), vec(v), 0, vec(dst))
}
