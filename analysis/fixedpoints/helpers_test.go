package fixedpoints

import (
	"math"
	"math/rand/v2"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"gonum.org/v1/gonum/mat"
)

// bisect returns a root of f in [a, b], where f(a) and f(b) differ in sign, to machine
// precision.
func bisect(f func(float64) float64, a, b float64) float64 {
	fa := f(a)
	for range 200 {
		m := (a + b) / 2
		if m == a || m == b {
			break
		}
		if fm := f(m); (fm < 0) == (fa < 0) {
			a, fa = m, fm
		} else {
			b = m
		}
	}
	return (a + b) / 2
}

// roots returns the simple roots of f in [lo, hi] found by sign changes on a grid of cells,
// each refined by bisection.
func roots(f func(float64) float64, lo, hi float64, cells int) []float64 {
	var out []float64
	h := (hi - lo) / float64(cells)
	prev := f(lo)
	for i := 1; i <= cells; i++ {
		x := lo + float64(i)*h
		cur := f(x)
		if (prev < 0) != (cur < 0) {
			out = append(out, bisect(f, x-h, x))
		}
		prev = cur
	}
	return out
}

// flipFlopRoot returns x* > 0 with x* = w tanh(x*), w > 1.
func flipFlopRoot(w float64) float64 {
	return bisect(func(x float64) float64 { return w*math.Tanh(x) - x }, 0.5, w+1)
}

func uniformStarts(rng *rand.Rand, n, dim int, half float64) [][]float64 {
	s := make([][]float64, n)
	for i := range s {
		s[i] = make([]float64, dim)
		for j := range s[i] {
			s[i][j] = half * (2*rng.Float64() - 1)
		}
	}
	return s
}

func randOrthogonal(rng *rand.Rand, n int) *mat.Dense {
	a := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// rotated is the map G(z) = Qᵀ F(Q z), conjugate to F by the orthogonal Q: its fixed points are
// Qᵀx* for the fixed points x* of F, with the same Jacobian spectra; Jᵀv = Qᵀ J_Fᵀ Q v.
type rotated struct {
	f dynsys.Map
	q *mat.Dense
}

func (r rotated) Dim() int { return r.f.Dim() }

func (r rotated) Step(dst, z []float64) {
	n := r.Dim()
	x := mat.NewVecDense(n, nil)
	x.MulVec(r.q, mat.NewVecDense(n, z))
	fx := make([]float64, n)
	r.f.Step(fx, x.RawVector().Data)
	mat.NewVecDense(n, dst).MulVec(r.q.T(), mat.NewVecDense(n, fx))
}

func (r rotated) Jacobian(J *mat.Dense, z []float64) {
	n := r.Dim()
	x := mat.NewVecDense(n, nil)
	x.MulVec(r.q, mat.NewVecDense(n, z))
	var jf, t mat.Dense
	r.f.Jacobian(&jf, x.RawVector().Data)
	t.Mul(r.q.T(), &jf)
	if J.IsEmpty() {
		J.ReuseAs(n, n)
	}
	J.Mul(&t, r.q)
}

func (r rotated) VJP(dst, z, v []float64) {
	n := r.Dim()
	x := mat.NewVecDense(n, nil)
	x.MulVec(r.q, mat.NewVecDense(n, z))
	qv := mat.NewVecDense(n, nil)
	qv.MulVec(r.q, mat.NewVecDense(n, v))
	u := make([]float64, n)
	dynsys.VJP(r.f, u, x.RawVector().Data, qv.RawVector().Data)
	mat.NewVecDense(n, dst).MulVec(r.q.T(), mat.NewVecDense(n, u))
}

// denseOnly hides a map's VJP method, so that Find must use the dense fallback of dynsys.VJP.
type denseOnly struct{ dynsys.Map }
