package dynsys

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// RateRNN is the autonomous rate network
//
//	F(x) = (1 − α) x + α (W tanh(x) + B),
//
// with N×N weights W, bias B (bias plus any constant input; nil means zero) and α = dt/τ. Its
// Jacobian is
//
//	J = (1 − α) I + α W diag(1 − tanh²(x)).
//
// Step and VJP cost O(N²); Jacobian fills N² entries.
type RateRNN struct {
	W     *mat.Dense
	B     []float64
	Alpha float64
}

var _ VJPer = RateRNN{}

// Dim returns N, or 0 when W is nil.
func (r RateRNN) Dim() int {
	if r.W == nil {
		return 0
	}
	n, _ := r.W.Dims()
	return n
}

// Validate returns an error unless W is a finite square matrix, B is nil or a finite N-vector,
// and α is finite and positive.
func (r RateRNN) Validate() error {
	if r.W == nil || r.W.IsEmpty() {
		return fmt.Errorf("dynsys: RateRNN: W is empty")
	}
	n, c := r.W.Dims()
	if n != c {
		return fmt.Errorf("dynsys: RateRNN: W is %d×%d, not square", n, c)
	}
	if err := checkFinite("RateRNN", "W", r.W); err != nil {
		return err
	}
	if err := checkBias("RateRNN", r.B, n); err != nil {
		return err
	}
	return checkAlpha("RateRNN", r.Alpha)
}

// Step sets dst = (1 − α) x + α (W tanh(x) + B).
func (r RateRNN) Step(dst, x []float64) {
	n := r.Dim()
	mustLen(n, dst, x)
	p := getScratch(n)
	phi := *p
	for i, v := range x {
		phi[i] = math.Tanh(v)
	}
	blas64.Gemv(blas.NoTrans, r.Alpha, r.W.RawMatrix(), vec(phi), 0, vec(dst))
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

// Jacobian sets J = (1 − α) I + α W diag(1 − tanh²(x)).
func (r RateRNN) Jacobian(J *mat.Dense, x []float64) {
	n := r.Dim()
	mustLen(n, x)
	prepare(J, n)
	p := getScratch(n)
	gain := *p
	for j, v := range x {
		t := math.Tanh(v)
		gain[j] = r.Alpha * (1 - t*t)
	}
	w := r.W.RawMatrix()
	for i := 0; i < n; i++ {
		row := J.RawRowView(i)
		wr := w.Data[i*w.Stride : i*w.Stride+n]
		for j, g := range gain {
			row[j] = wr[j] * g
		}
		row[i] += 1 - r.Alpha
	}
	putScratch(p)
}

// VJP sets dst = Jᵀ v = (1 − α) v + α diag(1 − tanh²(x)) Wᵀ v in O(N²) without forming J.
func (r RateRNN) VJP(dst, x, v []float64) {
	n := r.Dim()
	mustLen(n, dst, x, v)
	blas64.Gemv(blas.Trans, r.Alpha, r.W.RawMatrix(), vec(v), 0, vec(dst))
	a := 1 - r.Alpha
	for i, xi := range x {
		t := math.Tanh(xi)
		dst[i] = a*v[i] + (1-t*t)*dst[i]
	}
}

// vec wraps a slice as a unit-stride blas64 vector.
func vec(s []float64) blas64.Vector { return blas64.Vector{N: len(s), Inc: 1, Data: s} }
