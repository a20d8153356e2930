package fixedpoints

import (
	"cmp"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"gonum.org/v1/gonum/mat"
)

// Class is the linear stability of a fixed point of a discrete-time map, read from the moduli
// of the Jacobian's eigenvalues with a marginal tolerance ε.
type Class int

const (
	// Unknown: not classified (an outlier, a ground-truth point given without class, or an
	// eigenvalue computation that failed).
	Unknown Class = iota
	// Stable: every |λ| < 1 − ε, an attractor.
	Stable
	// Unstable: every |λ| > 1 + ε, a repeller.
	Unstable
	// Saddle: some |λ| > 1 + ε and some not.
	Saddle
	// Marginal: no |λ| > 1 + ε, but some ||λ| − 1| ≤ ε, so linearisation cannot decide
	// (as on a line or ring attractor).
	Marginal
)

var classNames = [...]string{"unknown", "stable", "unstable", "saddle", "marginal"}

// String returns the lower-case name of c.
func (c Class) String() string {
	if c < 0 || int(c) >= len(classNames) {
		return fmt.Sprintf("Class(%d)", int(c))
	}
	return classNames[c]
}

// Classify returns the stability class of a fixed point whose Jacobian has eigenvalues eigs,
// the number of unstable dimensions (#|λ| > 1 + tol; a complex pair counts twice) and the
// number of marginal ones (#||λ| − 1| ≤ tol). An empty spectrum is Unknown.
func Classify(eigs []complex128, tol float64) (c Class, unstable, marginal int) {
	if len(eigs) == 0 {
		return Unknown, 0, 0
	}
	for _, l := range eigs {
		switch a := cmplx.Abs(l); {
		case a > 1+tol:
			unstable++
		case a >= 1-tol:
			marginal++
		}
	}
	switch {
	case unstable == len(eigs):
		c = Unstable
	case unstable > 0:
		c = Saddle
	case marginal > 0:
		c = Marginal
	default:
		c = Stable
	}
	return c, unstable, marginal
}

// Point is a fixed point (or slow point) of a map.
type Point struct {
	// X is the state, length n.
	X []float64
	// Q is the speed ½‖F(X) − X‖².
	Q float64
	// Slow is true for a slow point: TolQ ≤ Q < TolSlow.
	Slow bool
	// Count is the number of starts whose minimisation ended here (after merging).
	Count int
	// Start is the index of the start whose end point represents X (the lowest Q among those
	// merged).
	Start int
	// Eigenvalues of the Jacobian at X, by decreasing modulus.
	Eigenvalues []complex128
	// Class, NumUnstable and NumMarginal are Classify(Eigenvalues, MarginalTol).
	Class       Class
	NumUnstable int
	NumMarginal int
}

// Characterize returns the Point at x for the map m: its speed q, its Jacobian's eigenvalues
// and its stability class with marginal tolerance tol. Use it to describe known fixed points
// (a teacher's, say) for Match. Count and Start are left zero.
func Characterize(m dynsys.Map, x []float64, tol float64) (Point, error) {
	if err := dynsys.Validate(m); err != nil {
		return Point{}, err
	}
	if len(x) != m.Dim() {
		return Point{}, fmt.Errorf("fixedpoints: Characterize: state has length %d, map dimension %d", len(x), m.Dim())
	}
	if err := checkFinite(x); err != nil {
		return Point{}, fmt.Errorf("fixedpoints: Characterize: %w", err)
	}
	if math.IsNaN(tol) || tol < 0 {
		return Point{}, fmt.Errorf("fixedpoints: Characterize: tolerance %v < 0", tol)
	}
	p := Point{X: slices.Clone(x), Q: speed(m, x)}
	classify(m, &p, tol)
	return p, nil
}

// speed returns q(x) = ½‖F(x) − x‖².
func speed(m dynsys.Map, x []float64) float64 {
	f := make([]float64, len(x))
	m.Step(f, x)
	var q float64
	for i, v := range x {
		q += (f[i] - v) * (f[i] - v)
	}
	return q / 2
}

// classify fills p's eigenvalues and class from the Jacobian of m at p.X. A failed eigenvalue
// decomposition leaves p Unknown.
func classify(m dynsys.Map, p *Point, tol float64) {
	var J mat.Dense
	m.Jacobian(&J, p.X)
	var eig mat.Eigen
	if !eig.Factorize(&J, mat.EigenNone) {
		return
	}
	ev := eig.Values(nil)
	slices.SortFunc(ev, func(a, b complex128) int {
		if c := cmp.Compare(cmplx.Abs(b), cmplx.Abs(a)); c != 0 {
			return c
		}
		if c := cmp.Compare(real(b), real(a)); c != 0 {
			return c
		}
		return cmp.Compare(imag(b), imag(a))
	})
	p.Eigenvalues = ev
	p.Class, p.NumUnstable, p.NumMarginal = Classify(ev, tol)
}

// checkFinite returns an error naming the first NaN or ±Inf entry of x.
func checkFinite(x []float64) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("entry %d is %v", i, v)
		}
	}
	return nil
}
