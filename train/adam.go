package train

import (
	"math"

	"github.com/jedi-neuro/jedi/internal/par"
	"github.com/jedi-neuro/jedi/model"
)

// Adam is the optimiser of Kingma & Ba (2015) over one flat parameter vector:
//
//	m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
//	x ← x − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
//
// Moments are kept in float64 whatever the parameters' type, so that float32 training does
// not lose small second moments.
type Adam struct {
	Beta1, Beta2, Eps float64
	M, V              []float64
	Step              int
}

// NewAdam returns an optimiser for n parameters.
func NewAdam(n int, beta1, beta2, eps float64) *Adam {
	return &Adam{Beta1: beta1, Beta2: beta2, Eps: eps, M: make([]float64, n), V: make([]float64, n)}
}

// Update applies one step of size lr to x given the gradient g (both length n), in chunks spread
// over the cores; the update is elementwise, so the result does not depend on the split.
func Update[T model.Float](a *Adam, lr float64, x, g []T) {
	a.Step++
	c1 := 1 - math.Pow(a.Beta1, float64(a.Step))
	c2 := 1 - math.Pow(a.Beta2, float64(a.Step))
	step := lr / c1
	inv2 := 1 / c2
	forChunks(len(g), func(_, lo, hi int) { adamRange(a, x, g, lo, hi, step, inv2) })
}

// adamRange applies the step to elements lo..hi−1: x −= step · m / (√(v / c₂) + ε).
func adamRange[T model.Float](a *Adam, x, g []T, lo, hi int, step, inv2 float64) {
	b1, b2, eps := a.Beta1, a.Beta2, a.Eps
	m, v := a.M[lo:hi], a.V[lo:hi]
	x, g = x[lo:hi], g[lo:hi]
	for i := range g {
		gv := float64(g[i])
		mi := b1*m[i] + (1-b1)*gv
		vi := b2*v[i] + (1-b2)*gv*gv
		m[i], v[i] = mi, vi
		x[i] -= T(step * mi / (math.Sqrt(vi*inv2) + eps))
	}
}

// chunk is the number of parameters one goroutine of the optimiser's loops takes at a time.
// It is fixed, not derived from the thread count, so that the partial sums of clip's norm, and
// with them every result, are the same on any number of cores.
const chunk = 1 << 12

// forChunks calls f(i, lo, hi) for the chunks of n parameters (par.Chunks) on the cores.
func forChunks(n int, f func(i, lo, hi int)) { par.Chunks(par.Threads(), n, chunk, f) }

// clip scales the gradients (all slices together) so that their global L2 norm is at most
// maxNorm, and returns the norm before clipping. The squares are summed per chunk in parallel,
// and the chunks' sums in order.
func clip[T model.Float](maxNorm float64, gs ...[]T) float64 {
	var s float64
	for _, g := range gs {
		parts := make([]float64, (len(g)+chunk-1)/chunk)
		forChunks(len(g), func(i, lo, hi int) {
			var p float64
			for _, v := range g[lo:hi] {
				p += float64(v) * float64(v)
			}
			parts[i] = p
		})
		for _, p := range parts {
			s += p
		}
	}
	norm := math.Sqrt(s)
	if maxNorm > 0 && norm > maxNorm {
		f := T(maxNorm / norm)
		for _, g := range gs {
			forChunks(len(g), func(_, lo, hi int) {
				for i := range g[lo:hi] {
					g[lo+i] *= f
				}
			})
		}
	}
	return norm
}

// learningRate is the scheduled step size at optimiser step (0-based) of total steps.
func (o *Options) learningRate(step, total int) float64 {
	lr := o.LearningRate
	if o.WarmupSteps > 0 && step < o.WarmupSteps {
		return lr * float64(step+1) / float64(o.WarmupSteps)
	}
	if o.Schedule == Cosine && total > o.WarmupSteps {
		p := float64(step-o.WarmupSteps) / float64(total-o.WarmupSteps)
		p = math.Min(p, 1)
		return lr * (o.MinLRRatio + (1-o.MinLRRatio)*0.5*(1+math.Cos(math.Pi*p)))
	}
	return lr
}
