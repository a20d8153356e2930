package model

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Network is the rate network of one context: the map
//
//	F(x, u) = (1 − α) x + α (W φ(x) + B + In u),   x ∈ R^N, u ∈ R^I,
//
// with W = Scale · U Vᵀ kept by its N×R factors (low rank: Step, JVP and VJP cost O(N·R)) or
// W an N×N matrix (full rank: O(N²)), and, for a network generated from a fitted model, the
// model's readout. It is the one statement of the network's maths: training's Pass runs the same
// recurrence in batches (a test holds them to each other), and the analyses, the inference
// of dynamics and the synthetic teachers of the same family evaluate it through this type.
//
// The input u it runs with (Input) is part of the network of a segment: for a constant u the
// map F(x) = F(x, u) is autonomous, with the bias B + In u. Its Jacobian with respect to x is
//
//	J(x) = (1 − α) I + α W D(x),   D(x) = diag(φ'(x)),
//
// φ = tanh (D = diag(1 − tanh²(x))) or, for the linear cell, the identity (D = I: J is the
// same at every state).
//
// A Network implements analysis/dynsys.Map (Dim, Step, Jacobian) and its VJP and JVP
// extensions; its methods are safe for concurrent use. Like gonum's matrix methods they panic on
// slices of the wrong length, a programming error: Validate checks the parameters.
type Network struct {
	// W is the N×N recurrent matrix of a full-rank network (nil for low rank, see Dense).
	W *mat.Dense
	// U, V are the N×R factors of a low-rank W = Scale · U Vᵀ (nil for full rank). A JEDI
	// hypernetwork gives Scale = 1/N.
	U, V  *mat.Dense
	Scale float64
	// B is the bias (nil: zero), length N.
	B []float64
	// In is the N×I input matrix (nil: an autonomous network, I = 0).
	In *mat.Dense
	// Input is the input u the network runs with (nil: none, the network with its inputs
	// silent): k rows of I values, flattened. Row t enters the step from x_t to x_{t+1} (Run),
	// and the last row is held after the k-th step. One row (an input constant in time, such as
	// the one-hot context of the context-as-input baseline) makes Step the autonomous map
	// F(x) = F(x, u) whose fixed points, Jacobians and Lyapunov exponents the analyses compute;
	// a series (a segment whose input varies in time, TimeVarying) drives Run, and Step holds
	// its last row. WithInput sets it.
	Input []float64
	// Alpha is dt/τ.
	Alpha float64
	// Cell is φ (the empty value: tanh).
	Cell Cell
	// Readout maps states to the predicted activity of the recorded neurons; nil for networks
	// that were not generated from a fitted model (teachers).
	Readout *Readout
}

// Dim returns N, or 0 when the network has no weights.
func (n *Network) Dim() int {
	switch {
	case n.U != nil:
		r, _ := n.U.Dims()
		return r
	case n.W != nil:
		r, _ := n.W.Dims()
		return r
	}
	return 0
}

// Inputs returns I, the number of input channels.
func (n *Network) Inputs() int {
	if n.In == nil {
		return 0
	}
	_, c := n.In.Dims()
	return c
}

// LowRank reports whether W is kept by its factors.
func (n *Network) LowRank() bool { return n.U != nil }

// Rank returns R for a low-rank network and N for a full-rank one.
func (n *Network) Rank() int {
	if n.U == nil {
		return n.Dim()
	}
	_, r := n.U.Dims()
	return r
}

// Validate returns an error unless exactly one of W and (U, V) is set, the matrices have
// consistent shapes and finite entries, Scale, B and In are finite, and 0 < α ≤ 1.
func (n *Network) Validate() error {
	switch {
	case n.U != nil && n.W != nil:
		return fmt.Errorf("network: both W and its factors U, V are set")
	case n.U == nil && n.W == nil:
		return fmt.Errorf("network: no weights (neither W nor U, V)")
	}
	N := n.Dim()
	if N < 1 {
		return fmt.Errorf("network: %d units", N)
	}
	if n.U != nil {
		if n.V == nil {
			return fmt.Errorf("network: U is set but V is nil")
		}
		r, k := n.U.Dims()
		if vr, vk := n.V.Dims(); vr != r || vk != k {
			return fmt.Errorf("network: U is %d×%d but V is %d×%d", r, k, vr, vk)
		}
		if err := finiteDense("U", n.U); err != nil {
			return err
		}
		if err := finiteDense("V", n.V); err != nil {
			return err
		}
		if math.IsNaN(n.Scale) || math.IsInf(n.Scale, 0) {
			return fmt.Errorf("network: Scale = %v", n.Scale)
		}
	} else {
		if r, c := n.W.Dims(); r != c {
			return fmt.Errorf("network: W is %d×%d, not square", r, c)
		}
		if err := finiteDense("W", n.W); err != nil {
			return err
		}
	}
	if n.B != nil {
		if len(n.B) != N {
			return fmt.Errorf("network: B has length %d, want %d", len(n.B), N)
		}
		for i, v := range n.B {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("network: B[%d] = %v", i, v)
			}
		}
	}
	if n.In != nil {
		if r, _ := n.In.Dims(); r != N {
			return fmt.Errorf("network: In has %d rows, want %d", r, N)
		}
		if err := finiteDense("In", n.In); err != nil {
			return err
		}
	}
	if n.Input != nil {
		I := n.Inputs()
		if I == 0 || len(n.Input) == 0 || len(n.Input)%I != 0 {
			return fmt.Errorf("network: %d input values for %d input channels, want a positive multiple", len(n.Input), I)
		}
		for i, v := range n.Input {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("network: input %d of bin %d = %v", i%I, i/I, v)
			}
		}
	}
	if !(n.Alpha > 0 && n.Alpha <= 1) {
		return fmt.Errorf("network: alpha = %v, want 0 < alpha ≤ 1", n.Alpha)
	}
	if n.Cell != "" {
		if err := strictyaml.CheckOption("cell", n.Cell); err != nil {
			return fmt.Errorf("network: %w", err)
		}
	}
	if n.Readout != nil {
		return n.Readout.validate(N)
	}
	return nil
}

func finiteDense(name string, a *mat.Dense) error {
	r, _ := a.Dims()
	for i := 0; i < r; i++ {
		for j, v := range a.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("network: %s[%d,%d] = %v", name, i, j, v)
			}
		}
	}
	return nil
}

// Dense returns the N×N matrix W, formed from the factors for a low-rank network (O(N²·R)).
func (n *Network) Dense() *mat.Dense {
	if n.U == nil {
		return n.W
	}
	var w mat.Dense
	w.Mul(n.U, n.V.T())
	w.Scale(n.Scale, &w)
	return &w
}

// Step sets dst = F(x) = (1 − α) x + α (W φ(x) + B + In u), u the network's Input (its last
// row; no input term when Input is nil). This is the map that fixed points, Jacobians and
// Lyapunov exponents analyse.
func (n *Network) Step(dst, x []float64) { n.StepInput(dst, x, n.inputAt(math.MaxInt)) }

// WithInput returns a copy of n (sharing its weights) that runs with input u, k rows of I
// values for k ≥ 1 bins (see Input); rows all equal are kept as one, the constant input that
// makes Step the segment's autonomous map. It returns an error when u is not a positive multiple
// of I values or not finite.
func (n *Network) WithInput(u []float64) (*Network, error) {
	I := n.Inputs()
	if I == 0 || len(u) == 0 || len(u)%I != 0 {
		return nil, fmt.Errorf("network: %d input values for %d input channels, want a positive multiple", len(u), I)
	}
	c := *n
	c.Input = append([]float64(nil), u...)
	if constantRows(u, I) {
		c.Input = c.Input[:I:I]
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// TimeVarying reports whether the network's Input is a series of more than one distinct row:
// then only Run follows it, and the network has no autonomous map of its own.
func (n *Network) TimeVarying() bool {
	I := n.Inputs()
	return I > 0 && len(n.Input) > I && !constantRows(n.Input, I)
}

// inputAt returns the input row that enters step t → t+1: row t of Input, its last row past its
// end, nil without input.
func (n *Network) inputAt(t int) []float64 {
	I := n.Inputs()
	if n.Input == nil || I == 0 {
		return nil
	}
	k := len(n.Input) / I
	t = min(t, k-1)
	return n.Input[t*I : (t+1)*I]
}

// constantRows reports whether the rows of u (I values each) are all equal.
func constantRows(u []float64, I int) bool {
	for t := I; t < len(u); t += I {
		for k := range I {
			if u[t+k] != u[k] {
				return false
			}
		}
	}
	return true
}

// StepInput sets dst = F(x, u) = (1 − α) x + α (W φ(x) + B + In u); u is nil (no input, as
// Step) or of length I. dst and x have length N and do not alias.
func (n *Network) StepInput(dst, x, u []float64) {
	N := n.Dim()
	mustLen(N, dst, x)
	I := 0
	if u != nil {
		if I = n.Inputs(); len(u) != I {
			panic(mat.ErrShape)
		}
	}
	p := getScratch(N + n.Rank())
	phi := (*p)[:N]
	for j, v := range x {
		phi[j] = n.Cell.Phi(v)
	}
	// dst holds W φ(x) first.
	if n.U != nil {
		z := (*p)[N:]
		blas64.Gemv(blas.Trans, 1, n.V.RawMatrix(), vec(phi), 0, vec(z))
		blas64.Gemv(blas.NoTrans, n.Scale, n.U.RawMatrix(), vec(z), 0, vec(dst))
	} else {
		w := n.W.RawMatrix()
		for i := range N {
			dst[i] = floats.Dot(w.Data[i*w.Stride:i*w.Stride+N], phi)
		}
	}
	putScratch(p)
	var in blas64.General
	if I > 0 {
		in = n.In.RawMatrix()
	}
	a := n.Alpha
	for i := range N {
		drive := dst[i]
		if n.B != nil {
			drive += n.B[i]
		}
		if I > 0 {
			drive += floats.Dot(in.Data[i*in.Stride:i*in.Stride+I], u)
		}
		dst[i] = (1-a)*x[i] + a*drive
	}
}

// Run returns the trajectory x_0 … x_{steps−1} from x0 (steps ≥ 1), driven by Input (row t
// entering the step from x_t) when it is set.
func (n *Network) Run(x0 []float64, steps int) [][]float64 {
	N := n.Dim()
	buf := make([]float64, steps*N)
	out := make([][]float64, steps)
	for t := range out {
		out[t] = buf[t*N : (t+1)*N : (t+1)*N]
		if t == 0 {
			copy(out[t], x0)
			continue
		}
		n.StepInput(out[t], out[t-1], n.inputAt(t-1))
	}
	return out
}

// Jacobian sets J = (1 − α) I + α W D(x), D(x) = diag(φ'(x)). J must be N×N or empty, in
// which case it is resized.
func (n *Network) Jacobian(J *mat.Dense, x []float64) {
	N := n.Dim()
	mustLen(N, x)
	if J.IsEmpty() {
		J.ReuseAs(N, N)
	} else if r, c := J.Dims(); r != N || c != N {
		panic(mat.ErrShape)
	}
	gain := make([]float64, N)
	for j, v := range x {
		gain[j] = n.Alpha * n.Cell.Slope(n.Cell.Phi(v))
	}
	if n.U != nil {
		// Scaling the rows of V by α·Scale·D turns U (scaled V)ᵀ into the coupling term.
		_, R := n.U.Dims()
		vd := mat.NewDense(N, R, nil)
		for i, g := range gain {
			row := vd.RawRowView(i)
			for r, v := range n.V.RawRowView(i) {
				row[r] = n.Scale * g * v
			}
		}
		J.Mul(n.U, vd.T())
	} else {
		w := n.W.RawMatrix()
		for i := range N {
			row := J.RawRowView(i)
			wr := w.Data[i*w.Stride : i*w.Stride+N]
			for j, g := range gain {
				row[j] = wr[j] * g
			}
		}
	}
	for i := range N {
		J.Set(i, i, J.At(i, i)+1-n.Alpha)
	}
}

// JVP sets dst = J(x) v = (1 − α) v + α W (D(x) v), the tangent map of one step, without forming
// J: O(N·R) for low rank (W v = Scale · U (Vᵀ v)), O(N²) for full rank.
func (n *Network) JVP(dst, x, v []float64) {
	N := n.Dim()
	mustLen(N, dst, x, v)
	p := getScratch(N + n.Rank())
	dv := (*p)[:N]
	for i, xi := range x {
		dv[i] = n.Cell.Slope(n.Cell.Phi(xi)) * v[i]
	}
	if n.U != nil {
		z := (*p)[N:]
		blas64.Gemv(blas.Trans, 1, n.V.RawMatrix(), vec(dv), 0, vec(z))
		blas64.Gemv(blas.NoTrans, n.Alpha*n.Scale, n.U.RawMatrix(), vec(z), 0, vec(dst))
	} else {
		blas64.Gemv(blas.NoTrans, n.Alpha, n.W.RawMatrix(), vec(dv), 0, vec(dst))
	}
	putScratch(p)
	for i := range dst {
		dst[i] += (1 - n.Alpha) * v[i]
	}
}

// VJP sets dst = J(x)ᵀ v = (1 − α) v + α D(x) Wᵀ v without forming J: O(N·R) for low rank,
// O(N²) for full rank. dst aliases neither x nor v.
func (n *Network) VJP(dst, x, v []float64) {
	N := n.Dim()
	mustLen(N, dst, x, v)
	if n.U != nil {
		p := getScratch(n.Rank())
		w := *p
		blas64.Gemv(blas.Trans, 1, n.U.RawMatrix(), vec(v), 0, vec(w))
		blas64.Gemv(blas.NoTrans, n.Alpha*n.Scale, n.V.RawMatrix(), vec(w), 0, vec(dst))
		putScratch(p)
	} else {
		blas64.Gemv(blas.Trans, n.Alpha, n.W.RawMatrix(), vec(v), 0, vec(dst))
	}
	a := 1 - n.Alpha
	for i, xi := range x {
		dst[i] = a*v[i] + n.Cell.Slope(n.Cell.Phi(xi))*dst[i]
	}
}

// WeightEigenvalues returns the eigenvalues of W that carry information, by decreasing modulus:
// all N for full rank; for low rank W = Scale · U Vᵀ the R eigenvalues of the R×R matrix
// Scale · Vᵀ U, which W shares (its other N − R are exactly zero and would swamp any summary).
func (n *Network) WeightEigenvalues() ([]complex128, error) {
	if n.U == nil {
		return Eigenvalues(n.W)
	}
	var k mat.Dense
	k.Mul(n.V.T(), n.U)
	k.Scale(n.Scale, &k)
	return Eigenvalues(&k)
}

// JacobianEigenvalues returns the eigenvalues of J(x) that carry information, by decreasing
// modulus. For full rank these are all N. For low rank, N − R eigenvalues of J equal 1 − α
// whatever x is (TrivialEigenvalue), and the other R are those of the R×R matrix
// (1 − α) I + α Scale · Vᵀ D(x) U (U Vᵀ D and Vᵀ D U share their non-zero eigenvalues). Only
// those R are returned, at O(N·R²) instead of O(N³).
func (n *Network) JacobianEigenvalues(x []float64) ([]complex128, error) {
	N := n.Dim()
	if len(x) != N {
		return nil, fmt.Errorf("network: Jacobian at a state of %d units, the network has %d", len(x), N)
	}
	if n.U == nil {
		var J mat.Dense
		n.Jacobian(&J, x)
		return Eigenvalues(&J)
	}
	_, R := n.U.Dims()
	dv := mat.NewDense(N, R, nil)
	for i, v := range x {
		g := n.Cell.Slope(n.Cell.Phi(v)) * n.Scale
		for r, vr := range n.V.RawRowView(i) {
			dv.Set(i, r, g*vr)
		}
	}
	var K mat.Dense
	K.Mul(dv.T(), n.U)
	K.Scale(n.Alpha, &K)
	for r := range R {
		K.Set(r, r, K.At(r, r)+1-n.Alpha)
	}
	return Eigenvalues(&K)
}

// TrivialEigenvalue is 1 − α, the eigenvalue of the Jacobian of a low-rank network of
// multiplicity N − R that JacobianEigenvalues leaves out.
func (n *Network) TrivialEigenvalue() float64 { return 1 - n.Alpha }

// Observe returns the predicted activity of the recorded neurons at state x: the readout with
// its link (see Readout.Observe). It panics when the network has no readout.
func (n *Network) Observe(x []float64) []float64 {
	y := make([]float64, n.Readout.M)
	n.Readout.Observe(y, x)
	return y
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

// scratch recycles the temporary vectors of Step and its products, so that the millions of
// evaluations of a fixed-point search do not each allocate (the network must stay safe for
// concurrent use, so the buffer cannot live in it).
var scratch sync.Pool

func getScratch(n int) *[]float64 {
	if p, ok := scratch.Get().(*[]float64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]float64, n)
	return &s
}

func putScratch(p *[]float64) { scratch.Put(p) }
