package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/kernels"
)

// Readout is the model's observation function: the predicted activity of the M recorded
// neurons at a state x,
//
//	ŷ = link(C φ(x) + c)      (linear readout),
//	ŷ = link(φ(x)[:M])        (identity readout, the data-constrained RNN),
//
// where φ is the network's cell (tanh, or the identity for the linear cell) and link is the identity for the Gaussian loss and the rate softplus(·) + 10⁻⁶ for the
// Poisson loss: what the model predicts is what its loss compares with the data. Training's
// Pass.Yhat applies the same link (Rate), so a Poisson model's fixed points and trajectories
// are read out as the rates it was fitted to, not as pre-link values.
type Readout struct {
	// M is the number of recorded neurons.
	M int
	// C (M×N) and Bias (M) are the linear readout; C is nil for the identity readout.
	C    *mat.Dense
	Bias []float64
	// Poisson applies the softplus link.
	Poisson bool
	// Cell is φ (the empty value: tanh).
	Cell Cell
}

// Readout returns the readout of model m with parameters θ (values copied).
func (m *Model) Readout(theta []float64) (*Readout, error) {
	if len(theta) != m.Layout.Size {
		return nil, fmt.Errorf("model: θ has %d values, want %d", len(theta), m.Layout.Size)
	}
	c := &m.Cfg
	r := &Readout{M: c.M, Poisson: c.Loss == Poisson, Cell: c.Cell}
	if c.Readout == Linear {
		r.C = mat.NewDense(c.M, c.N, append([]float64(nil), View(theta, &m.Layout, m.Layout.ReadW)...))
		r.Bias = append([]float64(nil), View(theta, &m.Layout, m.Layout.ReadB)...)
	}
	return r, nil
}

func (r *Readout) validate(N int) error {
	if r.C == nil {
		if r.M < 1 || r.M > N {
			return fmt.Errorf("network: identity readout of %d neurons from %d units", r.M, N)
		}
		return nil
	}
	if rr, cc := r.C.Dims(); rr != r.M || cc != N {
		return fmt.Errorf("network: readout C is %d×%d, want %d×%d", rr, cc, r.M, N)
	}
	if len(r.Bias) != r.M {
		return fmt.Errorf("network: readout bias has length %d, want %d", len(r.Bias), r.M)
	}
	return finiteDense("C", r.C)
}

// Observe sets y (length M) to the prediction at state x (length N).
func (r *Readout) Observe(y, x []float64) {
	if len(y) != r.M {
		panic(mat.ErrShape)
	}
	if r.C == nil {
		for i := range y {
			y[i] = r.Cell.Phi(x[i])
		}
	} else {
		_, N := r.C.Dims()
		mustLen(N, x)
		p := getScratch(N)
		phi := *p
		for j, v := range x {
			phi[j] = r.Cell.Phi(v)
		}
		c := r.C.RawMatrix()
		for i := range y {
			s := r.Bias[i]
			for j, rj := range phi {
				s += c.Data[i*c.Stride+j] * rj
			}
			y[i] = s
		}
		putScratch(p)
	}
	if r.Poisson {
		for i, v := range y {
			y[i] = Rate(v)
		}
	}
}

// poissonFloor keeps the Poisson rate positive where softplus underflows.
const poissonFloor = 1e-6

// Rate is the Poisson loss's link, λ = softplus(v) + 10⁻⁶ = log(1 + eᵛ) + 10⁻⁶: the rate the
// model predicts from its readout value v.
func Rate(v float64) float64 { return softplus(v) + poissonFloor }

func softplus(v float64) float64 {
	if v > 30 {
		return v
	}
	return math.Log1p(math.Exp(v))
}

// HyperOutput evaluates the hypernetwork o = h_θ(e) for one embedding, in float64.
func (m *Model) HyperOutput(theta, e []float64) ([]float64, error) {
	if len(theta) != m.Layout.Size {
		return nil, fmt.Errorf("model: θ has %d values, want %d", len(theta), m.Layout.Size)
	}
	if len(e) != m.Cfg.D {
		return nil, fmt.Errorf("model: embedding has %d values, want embedding_dim %d", len(e), m.Cfg.D)
	}
	l := &m.Layout
	a := append([]float64(nil), e...)
	for i, wi := range l.HyperW {
		out, in := l.Blocks[wi].Shape[0], l.Blocks[wi].Shape[1]
		next := append([]float64(nil), View(theta, l, l.HyperB[i])...)
		kernels.Gemm(false, true, 1, out, in, 1, a, in, View(theta, l, wi), in, 1, next, out)
		if i < len(l.HyperW)-1 {
			kernels.Tanh(next, next)
		}
		a = next
	}
	return a, nil
}

// Network returns the network the hypernetwork generates for embedding e, o = h_θ(e): low rank
// W = U Vᵀ / N from the factors, or full rank W = O / √N; its bias (the hypernetwork's, or the
// shared one), its input matrix when the model has inputs, α, and the model's readout with its
// link. Values are copied: changing the network changes nothing in θ.
func (m *Model) Network(theta, e []float64) (*Network, error) {
	o, err := m.HyperOutput(theta, e)
	if err != nil {
		return nil, err
	}
	c := &m.Cfg
	N := c.N
	n := &Network{Alpha: c.Alpha, Cell: c.Cell}
	if c.LowRank() {
		nr := N * c.Rank
		n.U = mat.NewDense(N, c.Rank, append([]float64(nil), o[:nr]...))
		n.V = mat.NewDense(N, c.Rank, append([]float64(nil), o[nr:2*nr]...))
		n.Scale = 1 / float64(N)
	} else {
		n.W = mat.NewDense(N, N, append([]float64(nil), o[:N*N]...))
		n.W.Scale(1/math.Sqrt(float64(N)), n.W)
	}
	if c.HyperBias {
		n.B = append([]float64(nil), o[len(o)-N:]...)
	} else {
		n.B = append([]float64(nil), View(theta, &m.Layout, m.Layout.Bias)...)
	}
	if c.I > 0 {
		n.In = mat.NewDense(N, c.I, append([]float64(nil), View(theta, &m.Layout, m.Layout.InW)...))
	}
	if n.Readout, err = m.Readout(theta); err != nil {
		return nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, fmt.Errorf("network of embedding %v: %w", e, err)
	}
	return n, nil
}

// InitialState returns x_0 of one segment as the model defines it: a copy of learned (the
// segment's row of the learned table, length N) for learned initial states; the encoder's
// A vec(y_0 … y_{K−1}) + a from y, the segment's first K bins (K×M, row-major), for encoded
// ones; zero otherwise. The argument the model does not use may be nil.
func (m *Model) InitialState(theta, learned, y []float64) ([]float64, error) {
	c := &m.Cfg
	N := c.N
	switch c.InitialState {
	case Learned:
		if len(learned) != N {
			return nil, fmt.Errorf("model: learned initial state has %d values, want %d", len(learned), N)
		}
		return append([]float64(nil), learned...), nil
	case Encoder:
		km := c.EncoderBins * c.M
		if len(y) != km {
			return nil, fmt.Errorf("model: encoder reads %d leading bins × %d neurons, got %d values", c.EncoderBins, c.M, len(y))
		}
		A := View(theta, &m.Layout, m.Layout.EncW)
		a := View(theta, &m.Layout, m.Layout.EncB)
		x := make([]float64, N)
		for j := range x {
			v := a[j]
			for k, yk := range y {
				v += A[j*km+k] * yk
			}
			x[j] = v
		}
		return x, nil
	}
	return make([]float64, N), nil
}
