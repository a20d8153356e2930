package lyapunov

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Spectrum returns the k largest Lyapunov exponents of the map m, in decreasing order, along
// the orbit x₀, x₁ = F(x₀), …: the tangent frame is propagated and re-orthonormalised at every
// step (see the package doc), and the stretches of the first burn steps are discarded. The
// burn-in thus serves the orbit, which settles on its attractor, and the frame, which turns
// from its random start towards the leading directions: without the latter, directions whose
// exponents are close align slowly and bias a short average. Requires
// 1 ≤ k ≤ n = m.Dim(), steps ≥ 1, burn ≥ 0 and len(x0) = n.
//
// Each step carries the k frame vectors through the tangent map and takes a QR of n×k: with a
// map that implements dynsys.JVPer (a low-rank model.Network: O(n·R) per vector) that is
// O(n·R·k + n·k²); otherwise one n×n Jacobian and an n×n by n×k product, O(n²k).
// A direction contracted to exactly zero gives −Inf. The orbit leaving the finite numbers
// is an error.
func Spectrum(m dynsys.Map, x0 []float64, steps, burn, k int) ([]float64, error) {
	if err := check(m, k); err != nil {
		return nil, err
	}
	n := m.Dim()
	if steps < 1 || burn < 0 {
		return nil, fmt.Errorf("lyapunov: steps = %d, burn = %d: want steps ≥ 1, burn ≥ 0", steps, burn)
	}
	if len(x0) != n {
		return nil, fmt.Errorf("lyapunov: x0 has length %d, map dimension %d", len(x0), n)
	}
	x := slices.Clone(x0)
	if err := finite(x); err != nil {
		return nil, fmt.Errorf("lyapunov: x0: %w", err)
	}
	next := make([]float64, n)
	f := newFrame(n, k)
	for t := range burn + steps {
		if t == burn {
			clear(f.sumLogR)
		}
		if err := f.advance(m, x); err != nil {
			return nil, fmt.Errorf("lyapunov: step %d: %w", t, err)
		}
		m.Step(next, x)
		x, next = next, x
		if err := finite(x); err != nil {
			return nil, fmt.Errorf("lyapunov: state after step %d: %w", t+1, err)
		}
	}
	return f.exponents(steps), nil
}

// SpectrumAlong returns the k largest Lyapunov exponents, in decreasing order, of the
// time-varying linearisation along a given sequence of states: the frame is propagated by
// J(traj[0]), J(traj[1]), … in turn and the exponents averaged over len(traj) steps. Use it
// when the states come from elsewhere — a driven system, a measured or inferred trajectory —
// rather than from iterating m. Requires 1 ≤ k ≤ n and every state of length n.
func SpectrumAlong(m dynsys.Map, traj [][]float64, k int) ([]float64, error) {
	if err := check(m, k); err != nil {
		return nil, err
	}
	if len(traj) == 0 {
		return nil, errors.New("lyapunov: empty trajectory")
	}
	n := m.Dim()
	f := newFrame(n, k)
	for t, x := range traj {
		if len(x) != n {
			return nil, fmt.Errorf("lyapunov: state %d has length %d, map dimension %d", t, len(x), n)
		}
		if err := finite(x); err != nil {
			return nil, fmt.Errorf("lyapunov: state %d: %w", t, err)
		}
		if err := f.advance(m, x); err != nil {
			return nil, fmt.Errorf("lyapunov: state %d: %w", t, err)
		}
	}
	return f.exponents(len(traj)), nil
}

func check(m dynsys.Map, k int) error {
	if err := dynsys.Validate(m); err != nil {
		return fmt.Errorf("lyapunov: %w", err)
	}
	if n := m.Dim(); k < 1 || k > n {
		return fmt.Errorf("lyapunov: k = %d exponents, want 1 ≤ k ≤ n = %d", k, n)
	}
	return nil
}

// frame is the orthonormal n×k tangent frame Q with its accumulated log stretch factors.
type frame struct {
	J mat.Dense
	// col, jcol hold one frame vector and its image for maps with a JVP.
	col, jcol []float64
	q, z      blas64.General
	tau       []float64
	work      []float64
	sumLogR   []float64
}

// newFrame starts from a fixed pseudo-random orthonormal frame: the same for every call, so
// results are reproducible, and in general position, so no direction starts inside an
// invariant subspace (as the coordinate axes of a diagonal map would).
func newFrame(n, k int) *frame {
	f := &frame{
		q:       blas64.General{Rows: n, Cols: k, Stride: k, Data: make([]float64, n*k)},
		z:       blas64.General{Rows: n, Cols: k, Stride: k, Data: make([]float64, n*k)},
		tau:     make([]float64, k),
		sumLogR: make([]float64, k),
	}
	rng := rand.New(rand.NewPCG(0x4c79617075, 0x6e6f76))
	for i := range f.q.Data {
		f.q.Data[i] = rng.NormFloat64()
	}
	work := []float64{0}
	lapack64.Geqrf(f.q, f.tau, work, -1)
	lwork := int(work[0])
	lapack64.Orgqr(f.q, f.tau, work, -1)
	f.work = make([]float64, max(lwork, int(work[0]), n))
	lapack64.Geqrf(f.q, f.tau, f.work, len(f.work))
	lapack64.Orgqr(f.q, f.tau, f.work, len(f.work))
	return f
}

// advance maps the frame by J(x) and re-orthonormalises it, adding log|R_ii| to the sums.
func (f *frame) advance(m dynsys.Map, x []float64) error {
	if jv, ok := m.(dynsys.JVPer); ok {
		n, k := f.q.Rows, f.q.Cols
		if f.col == nil {
			f.col, f.jcol = make([]float64, n), make([]float64, n)
		}
		for j := range k {
			for i := range n {
				f.col[i] = f.q.Data[i*f.q.Stride+j]
			}
			jv.JVP(f.jcol, x, f.col)
			for i, v := range f.jcol {
				f.z.Data[i*f.z.Stride+j] = v
			}
		}
	} else {
		m.Jacobian(&f.J, x)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, f.J.RawMatrix(), f.q, 0, f.z)
	}
	lapack64.Geqrf(f.z, f.tau, f.work, len(f.work))
	for i := range f.sumLogR {
		r := f.z.Data[i*f.z.Stride+i]
		if math.IsNaN(r) || math.IsInf(r, 0) {
			return fmt.Errorf("tangent stretch R[%d,%d] = %v", i, i, r)
		}
		f.sumLogR[i] += math.Log(math.Abs(r))
	}
	lapack64.Orgqr(f.z, f.tau, f.work, len(f.work))
	f.q, f.z = f.z, f.q
	return nil
}

// exponents returns the accumulated sums divided by the number of steps, largest first.
func (f *frame) exponents(steps int) []float64 {
	out := make([]float64, len(f.sumLogR))
	for i, s := range f.sumLogR {
		out[i] = s / float64(steps)
	}
	slices.SortFunc(out, func(a, b float64) int { return cmp.Compare(b, a) })
	return out
}

// finite returns an error naming the first NaN or ±Inf entry of x.
func finite(x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("entry %d is %v", i, v)
		}
	}
	return nil
}
