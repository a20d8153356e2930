package model

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/kernels"
)

// Weights are the recurrent parameters the hypernetwork gives one embedding, in float64 for
// analysis: x_{t+1} = (1 − α) x_t + α (W tanh(x_t) + B).
type Weights struct {
	// W is the N×N recurrent matrix (formed explicitly, also for low rank).
	W *mat.Dense
	// U, V are the N×R factors of a low-rank W = U Vᵀ / N (nil for full rank).
	U, V *mat.Dense
	// B is the bias b (the shared one, or the hypernetwork's for this embedding).
	B []float64
	// Alpha is dt/τ.
	Alpha float64
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

// RecurrentWeights returns the network the hypernetwork generates for embedding e.
func (m *Model) RecurrentWeights(theta, e []float64) (*Weights, error) {
	o, err := m.HyperOutput(theta, e)
	if err != nil {
		return nil, err
	}
	c := &m.Cfg
	N := c.N
	w := &Weights{Alpha: c.Alpha, W: mat.NewDense(N, N, nil)}
	if c.LowRank() {
		nr := N * c.Rank
		w.U = mat.NewDense(N, c.Rank, append([]float64(nil), o[:nr]...))
		w.V = mat.NewDense(N, c.Rank, append([]float64(nil), o[nr:2*nr]...))
		w.W.Mul(w.U, w.V.T())
		w.W.Scale(1/float64(N), w.W)
	} else {
		w.W = mat.NewDense(N, N, append([]float64(nil), o[:N*N]...))
		w.W.Scale(1/math.Sqrt(float64(N)), w.W)
	}
	if c.HyperBias {
		w.B = append([]float64(nil), o[len(o)-N:]...)
	} else {
		w.B = append([]float64(nil), View(theta, &m.Layout, m.Layout.Bias)...)
	}
	return w, nil
}
