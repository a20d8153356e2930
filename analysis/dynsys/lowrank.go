package dynsys

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// LowRankRNN is the rate network of RateRNN with rank-R weights kept by their factors,
//
//	W = Scale · U Vᵀ,  U, V ∈ R^{N×R},
//	F(x) = (1 − α) x + α (W tanh(x) + B),
//
// so that Step and VJP cost O(NR) instead of O(N²). (JEDI's low-rank hypernetwork output is
// U Vᵀ / N, i.e. Scale = 1/N.) Jacobian is still the dense N×N matrix
// (1 − α) I + α W diag(1 − tanh²(x)).
type LowRankRNN struct {
	U, V  *mat.Dense
	Scale float64
	B     []float64
	Alpha float64
}

var _ VJPer = LowRankRNN{}

// Dim returns N, or 0 when U is nil.
func (r LowRankRNN) Dim() int {
	if r.U == nil {
		return 0
	}
	n, _ := r.U.Dims()
	return n
}

// Validate returns an error unless U and V are finite N×R matrices, Scale is finite, B is nil
// or a finite N-vector, and α is finite and positive.
func (r LowRankRNN) Validate() error {
	if r.U == nil || r.U.IsEmpty() || r.V == nil || r.V.IsEmpty() {
		return fmt.Errorf("dynsys: LowRankRNN: U or V is empty")
	}
	n, k := r.U.Dims()
	if vn, vk := r.V.Dims(); vn != n || vk != k {
		return fmt.Errorf("dynsys: LowRankRNN: U is %d×%d but V is %d×%d", n, k, vn, vk)
	}
	if err := checkFinite("LowRankRNN", "U", r.U); err != nil {
		return err
	}
	if err := checkFinite("LowRankRNN", "V", r.V); err != nil {
		return err
	}
	if math.IsNaN(r.Scale) || math.IsInf(r.Scale, 0) {
		return fmt.Errorf("dynsys: LowRankRNN: Scale = %v", r.Scale)
	}
	if err := checkBias("LowRankRNN", r.B, n); err != nil {
		return err
	}
	return checkAlpha("LowRankRNN", r.Alpha)
}

// Step sets dst = (1 − α) x + α (Scale · U (Vᵀ tanh(x)) + B) in O(NR).
func (r LowRankRNN) Step(dst, x []float64) {
	n := r.Dim()
	_, k := r.U.Dims()
	mustLen(n, dst, x)
	p := getScratch(n + k)
	phi, z := (*p)[:n], (*p)[n:]
	for i, v := range x {
		phi[i] = math.Tanh(v)
	}
	blas64.Gemv(blas.Trans, 1, r.V.RawMatrix(), vec(phi), 0, vec(z))
	blas64.Gemv(blas.NoTrans, r.Alpha*r.Scale, r.U.RawMatrix(), vec(z), 0, vec(dst))
	putScratch(p)
	a := 1 - r.Alpha
	for i, v := range x {
		dst[i] += a * v
	}
	if r.B != nil {
		for i, b := range r.B {
			dst[i] += r.Alpha * b
		}
	}
}

// Jacobian sets J = (1 − α) I + α Scale · U Vᵀ diag(1 − tanh²(x)), an N×N matrix.
func (r LowRankRNN) Jacobian(J *mat.Dense, x []float64) {
	n := r.Dim()
	_, k := r.U.Dims()
	mustLen(n, x)
	prepare(J, n)
	// Scaling the rows of V by α·Scale·φ'(x) turns U·(scaled V)ᵀ into the coupling term.
	vd := mat.NewDense(n, k, nil)
	for i, v := range x {
		t := math.Tanh(v)
		g := r.Alpha * r.Scale * (1 - t*t)
		row := vd.RawRowView(i)
		for j, vij := range r.V.RawRowView(i) {
			row[j] = g * vij
		}
	}
	J.Mul(r.U, vd.T())
	for i := 0; i < n; i++ {
		J.Set(i, i, J.At(i, i)+1-r.Alpha)
	}
}

// VJP sets dst = Jᵀ v = (1 − α) v + α Scale · diag(1 − tanh²(x)) V (Uᵀ v) in O(NR).
func (r LowRankRNN) VJP(dst, x, v []float64) {
	n := r.Dim()
	_, k := r.U.Dims()
	mustLen(n, dst, x, v)
	p := getScratch(k)
	w := *p
	blas64.Gemv(blas.Trans, 1, r.U.RawMatrix(), vec(v), 0, vec(w))
	blas64.Gemv(blas.NoTrans, r.Alpha*r.Scale, r.V.RawMatrix(), vec(w), 0, vec(dst))
	putScratch(p)
	a := 1 - r.Alpha
	for i, xi := range x {
		t := math.Tanh(xi)
		dst[i] = a*v[i] + (1-t*t)*dst[i]
	}
}
