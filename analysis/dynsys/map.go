package dynsys

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Map is a discrete-time dynamical system x_{t+1} = F(x) on Rⁿ, n = Dim().
//
// Step and Jacobian must be safe for concurrent use, since analyses evaluate a map from several
// goroutines at once. Like gonum's matrix methods they panic when a slice or matrix has the wrong
// size: that is a programming error, and the analyses that accept user input check sizes first.
type Map interface {
	// Dim returns n, the dimension of the state.
	Dim() int
	// Step sets dst = F(x). dst and x have length n and do not alias.
	Step(dst, x []float64)
	// Jacobian sets J = ∂F/∂x at x, J_ij = ∂F_i/∂x_j. J must be n×n or empty, in which case
	// it is resized.
	Jacobian(J *mat.Dense, x []float64)
}

// VJPer is implemented by maps that can form the vector–Jacobian product Jᵀv (a gradient
// back-propagated through one step) in less than the O(n²) memory and time of building J.
type VJPer interface {
	// VJP sets dst = J(x)ᵀ v. dst, x and v have length n; dst aliases neither x nor v.
	VJP(dst, x, v []float64)
}

// JVPer is implemented by maps that can form the Jacobian–vector product J v (a tangent vector
// carried through one step) in less than the O(n²) of building J: the Lyapunov QR method
// carries k tangent vectors per step, O(n·R·k) for a rank-R network instead of O(n²·k).
type JVPer interface {
	// JVP sets dst = J(x) v. dst, x and v have length n; dst aliases neither x nor v.
	JVP(dst, x, v []float64)
}

// Validator is implemented by maps whose parameters can be checked before use.
type Validator interface {
	Validate() error
}

// Validate returns an error when m is nil, has no dimension, or, if it implements Validator,
// fails its own check. Analyses call it before evaluating a user-supplied map.
func Validate(m Map) error {
	if m == nil {
		return errors.New("dynsys: nil map")
	}
	if n := m.Dim(); n < 1 {
		return fmt.Errorf("dynsys: map dimension %d < 1", n)
	}
	if v, ok := m.(Validator); ok {
		return v.Validate()
	}
	return nil
}

// VJP sets dst = J(x)ᵀ v for the map m. It uses m's own VJP when m implements VJPer, and
// otherwise forms the dense n×n Jacobian, which costs O(n²) memory per call.
func VJP(m Map, dst, x, v []float64) {
	if f, ok := m.(VJPer); ok {
		f.VJP(dst, x, v)
		return
	}
	var J mat.Dense
	m.Jacobian(&J, x)
	mat.NewVecDense(len(dst), dst).MulVec(J.T(), mat.NewVecDense(len(v), v))
}

// prepare checks that J can receive an n×n Jacobian, resizing it when empty, and zeroes it.
func prepare(J *mat.Dense, n int) {
	if J.IsEmpty() {
		J.ReuseAs(n, n)
		return
	}
	if r, c := J.Dims(); r != n || c != n {
		panic(mat.ErrShape)
	}
	J.Zero()
}

// mustLen panics with mat.ErrShape unless every slice has length n.
func mustLen(n int, s ...[]float64) {
	for _, v := range s {
		if len(v) != n {
			panic(mat.ErrShape)
		}
	}
}

// vec wraps a slice as a unit-stride blas64 vector.
func vec(s []float64) blas64.Vector { return blas64.Vector{N: len(s), Inc: 1, Data: s} }
