package fixedpoints

import (
	"math"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"gonum.org/v1/gonum/floats"
)

// outcome says why the minimisation from one start ended.
type outcome int

const (
	converged outcome = iota // q < TolQ
	stalled                  // q stopped falling: a minimum with q > 0 (or round-off)
	exhausted                // MaxIter iterations
	diverged                 // q became NaN or ±Inf
)

// Line-search constants: sufficient-decrease factor and the most step reductions tried.
const (
	armijo       = 1e-4
	maxBacktrack = 40
)

// stallFactor: a run has stalled when q fell by less than 1% over the last Options.Patience
// iterations. Near a slow point L-BFGS otherwise creeps for thousands of iterations towards a
// minimum with q > 0. Measured on a 256-unit random network with gain 1.5 (α = 0.2, 256
// starts): without the rule 1273 evaluations per start found 28 fixed points; with
// Patience 100, 592 found the same 28; with Patience 50, 497 found 24.
const stallFactor = 0.99

// minimizer runs L-BFGS on q(x) = ½‖F(x) − x‖² for one map. It owns its scratch vectors, so
// each goroutine has its own, and allocates nothing itself after construction.
//
// L-BFGS is used rather than gonum/optimize so that q and ∇q share one evaluation of F (a
// matvec with W, then one with Wᵀ through dynsys.VJP), the search stops exactly when q < TolQ,
// and no goroutine or allocation is spent per start.
type minimizer struct {
	m        dynsys.Map
	tolQ     float64
	maxIter  int
	patience int
	history  []float64 // q at the last patience+1 iterations, a ring indexed by iteration

	f, r, g, gNew, d, xNew []float64
	s, y                   [][]float64 // correction pairs in a ring, oldest first from head
	rho, a                 []float64
	head, stored           int
	evals                  int
}

func newMinimizer(m dynsys.Map, opt Options) *minimizer {
	n := m.Dim()
	w := &minimizer{m: m, tolQ: opt.TolQ, maxIter: opt.MaxIter, patience: opt.Patience}
	w.history = make([]float64, opt.Patience+1)
	buf := make([]float64, 6*n)
	w.f, w.r, w.g, w.gNew, w.d, w.xNew = buf[:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n], buf[4*n:5*n], buf[5*n:]
	w.s = make([][]float64, opt.Memory)
	w.y = make([][]float64, opt.Memory)
	pairs := make([]float64, 2*opt.Memory*n)
	for i := range w.s {
		w.s[i] = pairs[2*i*n : (2*i+1)*n]
		w.y[i] = pairs[(2*i+1)*n : (2*i+2)*n]
	}
	w.rho = make([]float64, opt.Memory)
	w.a = make([]float64, opt.Memory)
	return w
}

// eval returns q(x) and sets g = ∇q(x) = (J − I)ᵀ (F(x) − x).
func (w *minimizer) eval(x, g []float64) float64 {
	w.evals++
	w.m.Step(w.f, x)
	var q float64
	for i, v := range x {
		r := w.f[i] - v
		w.r[i] = r
		q += r * r
	}
	dynsys.VJP(w.m, g, x, w.r)
	floats.Sub(g, w.r)
	return q / 2
}

// run minimises q from x, overwriting x with the final point, and returns q there.
func (w *minimizer) run(x []float64) (float64, outcome) {
	w.head, w.stored = 0, 0
	q := w.eval(x, w.g)
	for it := 0; ; it++ {
		switch {
		case math.IsNaN(q) || math.IsInf(q, 0):
			return q, diverged
		case q < w.tolQ:
			return q, converged
		case it == w.maxIter:
			return q, exhausted
		case it >= w.patience && q > stallFactor*w.history[(it-w.patience)%len(w.history)]:
			return q, stalled
		}
		w.history[it%len(w.history)] = q
		t := w.direction(x)
		gd := floats.Dot(w.g, w.d)
		if !(gd < 0) {
			// Curvature pairs gave an ascent direction (possible after round-off): restart
			// from steepest descent.
			w.stored = 0
			t = w.direction(x)
			gd = floats.Dot(w.g, w.d)
			if !(gd < 0) {
				return q, stalled
			}
		}
		qNew, ok := w.lineSearch(x, q, gd, t)
		if !ok {
			return q, stalled
		}
		w.remember(x)
		copy(x, w.xNew)
		copy(w.g, w.gNew)
		q = qNew
	}
}

// direction sets d = −H g by the L-BFGS two-loop recursion and returns the first step length
// to try: 1 for a quasi-Newton direction. Without stored pairs d = −g, and the step is
// ‖r‖²/‖g‖², which for q = ½‖r‖², ∇q = Aᵀr solves the linearised problem exactly when A = J − I
// is a multiple of the identity; it is capped so that the step moves x by at most max(1, ‖x‖),
// because near a slow point ‖g‖ ≪ ‖r‖ and the estimate is useless.
func (w *minimizer) direction(x []float64) float64 {
	copy(w.d, w.g)
	if w.stored == 0 {
		floats.Scale(-1, w.d)
		gn := floats.Norm(w.g, 2)
		t := floats.Dot(w.r, w.r) / (gn * gn)
		return math.Min(t, math.Max(1, floats.Norm(x, 2))/gn)
	}
	m := len(w.s)
	for k := w.stored - 1; k >= 0; k-- {
		i := (w.head + k) % m
		w.a[i] = w.rho[i] * floats.Dot(w.s[i], w.d)
		floats.AddScaled(w.d, -w.a[i], w.y[i])
	}
	newest := (w.head + w.stored - 1) % m
	floats.Scale(1/(w.rho[newest]*floats.Dot(w.y[newest], w.y[newest])), w.d)
	for k := 0; k < w.stored; k++ {
		i := (w.head + k) % m
		b := w.rho[i] * floats.Dot(w.y[i], w.d)
		floats.AddScaled(w.d, w.a[i]-b, w.s[i])
	}
	floats.Scale(-1, w.d)
	return 1
}

// lineSearch backtracks from step t along d until q decreases sufficiently (Armijo), with
// safeguarded quadratic interpolation. On success xNew, gNew hold the new point and gradient.
func (w *minimizer) lineSearch(x []float64, q, gd, t float64) (float64, bool) {
	for range maxBacktrack {
		floats.AddScaledTo(w.xNew, x, t, w.d)
		qNew := w.eval(w.xNew, w.gNew)
		if qNew < q && qNew <= q+armijo*t*gd {
			return qNew, true
		}
		next := 0.1 * t
		if !math.IsNaN(qNew) && !math.IsInf(qNew, 0) {
			// Minimiser of the parabola through q, the slope gd and qNew at t.
			if den := 2 * (qNew - q - gd*t); den > 0 {
				next = math.Min(math.Max(-gd*t*t/den, 0.1*t), 0.5*t)
			}
		}
		t = next
	}
	return q, false
}

// remember stores the pair s = xNew − x, y = gNew − g when it has positive curvature
// (sᵀy > 0), which keeps the implicit inverse Hessian positive definite.
func (w *minimizer) remember(x []float64) {
	m := len(w.s)
	var i int
	if w.stored < m {
		i = (w.head + w.stored) % m
	} else {
		i = w.head
	}
	floats.SubTo(w.s[i], w.xNew, x)
	floats.SubTo(w.y[i], w.gNew, w.g)
	sy := floats.Dot(w.s[i], w.y[i])
	if !(sy > 1e-12*floats.Norm(w.s[i], 2)*floats.Norm(w.y[i], 2)) {
		return
	}
	w.rho[i] = 1 / sy
	if w.stored < m {
		w.stored++
	} else {
		w.head = (w.head + 1) % m
	}
}
