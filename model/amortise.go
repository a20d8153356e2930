package model

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/jedi-neuro/jedi/kernels"
)

// Amortiser is the amortised encoder: a small MLP that maps a segment's activity to its
// context embedding e (and, for learned initial states, its x₀) in one pass, where inference
// otherwise runs hundreds of optimisation steps with θ frozen.
//
// For a segment with L ≥ max(K, P) valid bins of activity y_t ∈ R^M its features are
//
//	φ = [vec(y_0 … y_{K−1}); ȳ_0; …; ȳ_{P−1}] ∈ R^{(K+P)·M},  ȳ_p = mean of y_t over ⌊pL/P⌋ ≤ t < ⌊(p+1)L/P⌋,
//
// the first K bins (which fix the initial state) and the means of P equal windows spanning the
// segment (which carry the context over the whole segment, its time course with P > 1, at a
// cost independent of L). With the standardisation z_0 = (φ − μ) ⊘ σ the network is
//
//	z_{l+1} = tanh(A_l z_l + a_l)  (hidden layers),   o = A_L z_L + a_L,
//
// and its output is m + s ⊙ o = [e; x₀] ∈ R^{D + N_x} (N_x = N with learned initial states,
// 0 otherwise): μ, σ, m, s are fixed from the training segments, so that the learned part
// works with unit-scale inputs and targets. All values are float64: one pass costs
// O(F·H + H² + H·(D+N_x)) per segment, microseconds at the sizes JEDI uses.
type Amortiser struct {
	// Bins is K, the number of leading bins read; M the number of neurons; Out = D + N_x.
	Bins, M, Out int
	// Windows is P, the number of equal windows whose means are read (0 means 1).
	Windows int
	// Hidden lists the widths of the tanh hidden layers.
	Hidden []int
	// Params holds every layer's weight (out×in, row-major) then bias (out), layer by layer.
	Params []float64
	// InMean, InStd standardise the features (length F = (K+P)·M); OutMean, OutStd scale the
	// output (length Out).
	InMean, InStd, OutMean, OutStd []float64
}

// AmortiserLayer locates layer l's weight [Out, In] and bias [Out] in Params.
type AmortiserLayer struct{ W, B, In, Out int }

// Features returns F = (K+P)·M, the length of φ.
func (a *Amortiser) Features() int { return (a.Bins + a.windows()) * a.M }

// windows is P, with 0 read as 1 (the segment's mean).
func (a *Amortiser) windows() int { return max(a.Windows, 1) }

// Layers returns the layers' places in Params.
func (a *Amortiser) Layers() []AmortiserLayer {
	var ls []AmortiserLayer
	in, off := a.Features(), 0
	for _, out := range append(append([]int(nil), a.Hidden...), a.Out) {
		ls = append(ls, AmortiserLayer{W: off, B: off + out*in, In: in, Out: out})
		off += out*in + out
		in = out
	}
	return ls
}

// NumParams is the length of Params.
func (a *Amortiser) NumParams() int {
	ls := a.Layers()
	l := ls[len(ls)-1]
	return l.B + l.Out
}

// NewAmortiser returns an encoder reading K bins and P window means of M neurons and emitting
// out values, with LeCun-normal weights (std 1/√in), zero biases, and identity standardisations.
func NewAmortiser(K, P, M, out int, hidden []int, rng *rand.Rand) (*Amortiser, error) {
	if K < 1 || P < 1 || M < 1 || out < 1 {
		return nil, fmt.Errorf("amortiser: bins %d, windows %d, neurons %d, outputs %d, want each ≥ 1", K, P, M, out)
	}
	for i, h := range hidden {
		if h < 1 {
			return nil, fmt.Errorf("amortiser: hidden[%d] = %d, want ≥ 1", i, h)
		}
	}
	a := &Amortiser{Bins: K, Windows: P, M: M, Out: out, Hidden: append([]int(nil), hidden...)}
	a.Params = make([]float64, a.NumParams())
	for _, l := range a.Layers() {
		std := 1 / math.Sqrt(float64(l.In))
		for i := l.W; i < l.B; i++ {
			a.Params[i] = std * rng.NormFloat64()
		}
	}
	F := a.Features()
	a.InMean, a.InStd = make([]float64, F), ones(F)
	a.OutMean, a.OutStd = make([]float64, out), ones(out)
	return a, nil
}

func ones(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	return v
}

// Check verifies the sizes of every array, and that they are finite with positive scales.
func (a *Amortiser) Check() error {
	if a.Bins < 1 || a.Windows < 0 || a.M < 1 || a.Out < 1 {
		return fmt.Errorf("amortiser: bins %d, windows %d, neurons %d, outputs %d, want bins, neurons and outputs ≥ 1, windows ≥ 0", a.Bins, a.Windows, a.M, a.Out)
	}
	F := a.Features()
	for _, x := range []struct {
		name string
		v    []float64
		n    int
		pos  bool
	}{{"params", a.Params, a.NumParams(), false}, {"in_mean", a.InMean, F, false}, {"in_std", a.InStd, F, true},
		{"out_mean", a.OutMean, a.Out, false}, {"out_std", a.OutStd, a.Out, true}} {
		if len(x.v) != x.n {
			return fmt.Errorf("amortiser: %s has %d values, want %d", x.name, len(x.v), x.n)
		}
		for i, v := range x.v {
			if math.IsNaN(v) || math.IsInf(v, 0) || (x.pos && v <= 0) {
				return fmt.Errorf("amortiser: %s[%d] = %v", x.name, i, v)
			}
		}
	}
	return nil
}

// FeaturesOf sets dst (length F) to the raw features φ of a segment whose valid activity is y
// (L×M row-major, L = len(y)/M); it fails when the segment has fewer than max(K, P) bins.
func (a *Amortiser) FeaturesOf(dst, y []float64) error {
	M, K, P := a.M, a.Bins, a.windows()
	if len(y)%M != 0 {
		return fmt.Errorf("amortiser: %d activity values are not a whole number of bins of %d neurons", len(y), M)
	}
	L := len(y) / M
	if L < K || L < P {
		return fmt.Errorf("amortiser: segment has %d bins, fewer than the %d the encoder reads", L, max(K, P))
	}
	copy(dst[:K*M], y[:K*M])
	for p := range P {
		lo, hi := p*L/P, (p+1)*L/P
		mean := dst[(K+p)*M : (K+p+1)*M]
		clear(mean)
		for t := lo; t < hi; t++ {
			for j, v := range y[t*M : (t+1)*M] {
				mean[j] += v
			}
		}
		for j := range mean {
			mean[j] /= float64(hi - lo)
		}
	}
	return nil
}

// Tape holds one forward pass's activations for the backward pass.
type Tape struct {
	act [][]float64 // act[0] = z_0, act[l] the input of layer l
	out []float64   // o
}

// Forward sets dst (length Out) to m + s ⊙ o for the raw features phi, recording the
// activations in tape (nil when no gradient follows).
func (a *Amortiser) Forward(dst, phi []float64, tape *Tape) {
	ls := a.Layers()
	if tape == nil {
		tape = &Tape{}
	}
	if len(tape.act) != len(ls) {
		tape.act = make([][]float64, len(ls))
		for i, l := range ls {
			tape.act[i] = make([]float64, l.In)
		}
		tape.out = make([]float64, a.Out)
	}
	z := tape.act[0]
	for i, v := range phi {
		z[i] = (v - a.InMean[i]) / a.InStd[i]
	}
	for i, l := range ls {
		dst := tape.out
		if i < len(ls)-1 {
			dst = tape.act[i+1]
		}
		in := tape.act[i]
		for o := 0; o < l.Out; o++ {
			s := a.Params[l.B+o]
			w := a.Params[l.W+o*l.In : l.W+(o+1)*l.In]
			for j, v := range in {
				s += w[j] * v
			}
			if i < len(ls)-1 {
				s = math.Tanh(s)
			}
			dst[o] = s
		}
	}
	for i, o := range tape.out {
		dst[i] = a.OutMean[i] + a.OutStd[i]*o
	}
}

// ForwardBatch sets dst (B×Out, row-major) to the outputs for the B rows of raw features phi
// (B×F), as Forward does row by row, but with one matrix product per layer,
// Z_{l+1} = tanh(Z_l A_lᵀ + 1 a_lᵀ): encoding many segments at once is then bound by the
// product's arithmetic, not by one row's memory traffic.
func (a *Amortiser) ForwardBatch(dst, phi []float64, B int) {
	ls := a.Layers()
	F := a.Features()
	z := make([]float64, B*F)
	for b := range B {
		for i, v := range phi[b*F : (b+1)*F] {
			z[b*F+i] = (v - a.InMean[i]) / a.InStd[i]
		}
	}
	for li, l := range ls {
		next := make([]float64, B*l.Out)
		kernels.Gemm(false, true, B, l.Out, l.In, 1, z, l.In, a.Params[l.W:l.B], l.In, 0, next, l.Out)
		bias := a.Params[l.B : l.B+l.Out]
		for b := range B {
			row := next[b*l.Out : (b+1)*l.Out]
			for o := range row {
				row[o] += bias[o]
				if li < len(ls)-1 {
					row[o] = math.Tanh(row[o])
				}
			}
		}
		z = next
	}
	for b := range B {
		for i, o := range z[b*a.Out : (b+1)*a.Out] {
			dst[b*a.Out+i] = a.OutMean[i] + a.OutStd[i]*o
		}
	}
}

// Backward adds to grad (length NumParams) the gradient of a scalar loss with respect to the
// parameters, given dOut = ∂loss/∂(m + s ⊙ o) at the forward pass recorded in tape:
// ∂/∂o = s ⊙ dOut, then ∂/∂A_l = δ_l z_lᵀ, ∂/∂a_l = δ_l, δ_{l−1} = (A_lᵀ δ_l) ⊙ (1 − z_l²).
func (a *Amortiser) Backward(grad, dOut []float64, tape *Tape) {
	ls := a.Layers()
	delta := make([]float64, a.Out)
	for i, d := range dOut {
		delta[i] = d * a.OutStd[i]
	}
	for i := len(ls) - 1; i >= 0; i-- {
		l := ls[i]
		in := tape.act[i]
		var prev []float64
		if i > 0 {
			prev = make([]float64, l.In)
		}
		for o, d := range delta {
			if d == 0 {
				continue
			}
			grad[l.B+o] += d
			w := a.Params[l.W+o*l.In : l.W+(o+1)*l.In]
			g := grad[l.W+o*l.In : l.W+(o+1)*l.In]
			for j, v := range in {
				g[j] += d * v
				if prev != nil {
					prev[j] += d * w[j]
				}
			}
		}
		if i > 0 {
			for j, v := range in {
				prev[j] *= 1 - v*v
			}
		}
		delta = prev
	}
}
