package pipeline

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"github.com/jedi-neuro/jedi/analysis/spectra"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// Network is the autonomous rate network that the hypernetwork of a fitted model generates for
// one embedding e,
//
//	x_{t+1} = F(x_t) = (1 − α) x_t + α (W tanh(x_t) + b),   W = h_θ(e),
//
// as a dynamical system for the fixed-point, Jacobian and Lyapunov analyses. A model fitted
// with inputs (I > 0, the context-as-input baseline) also receives B u_t; Network leaves that
// term out, so its dynamics are those of the network without input.
type Network struct {
	// Map is F: a dynsys.LowRankRNN (W = U Vᵀ / N kept by its factors) or a dynsys.RateRNN.
	Map dynsys.Map
	// Weights are W (N×N), U and V (N×R, nil for full rank), b and α.
	Weights *model.Weights
}

// NewNetwork returns the network of embedding e (length D) of the fitted model f.
func NewNetwork(f *train.Fitted, e []float64) (*Network, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	w, err := m.RecurrentWeights(f.Theta, e)
	if err != nil {
		return nil, err
	}
	var fm dynsys.Map = dynsys.RateRNN{W: w.W, B: w.B, Alpha: w.Alpha}
	if w.U != nil {
		fm = dynsys.LowRankRNN{U: w.U, V: w.V, Scale: 1 / float64(m.Cfg.N), B: w.B, Alpha: w.Alpha}
	}
	if err := dynsys.Validate(fm); err != nil {
		return nil, fmt.Errorf("network of embedding %v: %w", e, err)
	}
	return &Network{Map: fm, Weights: w}, nil
}

// Run returns the trajectory x_0 … x_{steps−1} of the network from x0 (steps×N; steps ≥ 1).
func (n *Network) Run(x0 []float64, steps int) [][]float64 {
	N := n.Map.Dim()
	buf := make([]float64, steps*N)
	out := make([][]float64, steps)
	for t := range out {
		out[t] = buf[t*N : (t+1)*N : (t+1)*N]
		if t == 0 {
			copy(out[t], x0)
			continue
		}
		n.Map.Step(out[t], out[t-1])
	}
	return out
}

// JacobianEigenvalues returns the eigenvalues of the network's Jacobian at x,
//
//	J = (1 − α) I + α W D,   D = diag(1 − tanh²(x)),
//
// that carry information, by decreasing modulus. For full rank these are all N of them. For low
// rank W = U Vᵀ / N, N − R eigenvalues of J equal 1 − α whatever x is, and the other R are
// those of the R×R matrix (1 − α) I + α Vᵀ D U / N (U Vᵀ D / N and Vᵀ D U / N share their
// non-zero eigenvalues). Only those R are returned, at O(N R²) instead of O(N³).
func (n *Network) JacobianEigenvalues(x []float64) ([]complex128, error) {
	w := n.Weights
	N, _ := w.W.Dims()
	if len(x) != N {
		return nil, fmt.Errorf("Jacobian: state has %d units, the network %d", len(x), N)
	}
	if w.U == nil {
		var J mat.Dense
		n.Map.Jacobian(&J, x)
		return spectra.Eigenvalues(&J)
	}
	_, R := w.U.Dims()
	dv := mat.NewDense(N, R, nil)
	for i, v := range x {
		th := math.Tanh(v)
		g := (1 - th*th) / float64(N)
		for r, vr := range w.V.RawRowView(i) {
			dv.Set(i, r, g*vr)
		}
	}
	var K mat.Dense
	K.Mul(dv.T(), w.U)
	K.Scale(w.Alpha, &K)
	for r := range R {
		K.Set(r, r, K.At(r, r)+1-w.Alpha)
	}
	return spectra.Eigenvalues(&K)
}

// JVP sets dst = J(x) v = (1 − α) v + α W (D v), D = diag(1 − tanh²(x)), the tangent map of
// one step, in O(N R) for low rank (W v = U (Vᵀ v) / N) and O(N²) for full rank, without forming J.
func (n *Network) JVP(dst, x, v []float64) {
	w := n.Weights
	N := len(x)
	dv := make([]float64, N)
	for i, xi := range x {
		th := math.Tanh(xi)
		dv[i] = (1 - th*th) * v[i]
	}
	wdv := mat.NewVecDense(N, dst)
	if w.U != nil {
		_, R := w.U.Dims()
		z := mat.NewVecDense(R, nil)
		z.MulVec(w.V.T(), mat.NewVecDense(N, dv))
		wdv.MulVec(w.U, z)
		wdv.ScaleVec(1/float64(N), wdv)
	} else {
		wdv.MulVec(w.W, mat.NewVecDense(N, dv))
	}
	for i := range dst {
		dst[i] = (1-w.Alpha)*v[i] + w.Alpha*dst[i]
	}
}

// Readout returns the model's observation function ŷ = C tanh(x) + c (or tanh(x)[:M] for the
// identity readout), mapping a state of length N to M predicted rates of the recorded neurons.
func Readout(f *train.Fitted) (func(x []float64) []float64, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	c := m.Cfg
	if c.Readout == "identity" {
		return func(x []float64) []float64 {
			y := make([]float64, c.M)
			for i := range y {
				y[i] = math.Tanh(x[i])
			}
			return y
		}, nil
	}
	C := model.View(f.Theta, &m.Layout, m.Layout.ReadW)
	cb := model.View(f.Theta, &m.Layout, m.Layout.ReadB)
	return func(x []float64) []float64 {
		r := make([]float64, len(x))
		for i, v := range x {
			r[i] = math.Tanh(v)
		}
		y := make([]float64, c.M)
		for i := range y {
			s := cb[i]
			for j, rj := range r {
				s += C[i*c.N+j] * rj
			}
			y[i] = s
		}
		return y
	}, nil
}

// Segments is a set of dataset segments with the embedding and initial state each is run with
// (copies: changing them changes nothing in the fitted model).
type Segments struct {
	// Idx are the dataset indices.
	Idx []int
	// E[i] is segment Idx[i]'s embedding (length D), X0[i] its initial state (length N).
	E, X0 [][]float64
}

// TrainingSegments returns the training segments of f with their trained embeddings (their tied
// label value's, with tied embeddings) and initial states (learned, encoded from the data's
// first bins, or zero, as the model defines them).
func TrainingSegments(f *train.Fitted, ds *data.Dataset) (*Segments, error) {
	s := &Segments{Idx: f.Train}
	for _, i := range f.Train {
		g, ok := f.EmbeddingOf(ds, i)
		if !ok {
			return nil, fmt.Errorf("segment %d: no trained embedding", i)
		}
		s.E = append(s.E, slices.Clone(f.Embedding(g)))
	}
	var err error
	s.X0, err = InitialStates(f, ds, f.Train, f.X0)
	return s, err
}

// InferredSegments returns the segments of an inference (train.Infer or train.InferInitial)
// with the embeddings and initial states it found.
func InferredSegments(f *train.Fitted, ds *data.Dataset, inf *train.Inferred) (*Segments, error) {
	D := f.Config.Model.D
	if len(inf.Embeddings) != len(inf.Segments)*D {
		return nil, fmt.Errorf("inference holds %d embedding values for %d segments of dimension %d", len(inf.Embeddings), len(inf.Segments), D)
	}
	s := &Segments{Idx: inf.Segments}
	for i := range inf.Segments {
		s.E = append(s.E, slices.Clone(inf.Embeddings[i*D:(i+1)*D]))
	}
	var err error
	s.X0, err = InitialStates(f, ds, inf.Segments, inf.X0)
	return s, err
}

// AllSegments joins the training segments and the inferred held-out ones (held may be nil).
func AllSegments(f *train.Fitted, ds *data.Dataset, held *train.Inferred) (*Segments, error) {
	s, err := TrainingSegments(f, ds)
	if err != nil || held == nil {
		return s, err
	}
	h, err := InferredSegments(f, ds, held)
	if err != nil {
		return nil, err
	}
	return &Segments{Idx: append(append([]int(nil), s.Idx...), h.Idx...), E: append(s.E, h.E...), X0: append(s.X0, h.X0...)}, nil
}

// Groups returns the values of label among the segments of s, in the order of ds.GroupIndex,
// and the members of each: the positions i in s of the segments with that value.
func (s *Segments) Groups(ds *data.Dataset, label string) (groups []string, members [][]int, err error) {
	values, err := s.Labels(ds, label)
	if err != nil {
		return nil, nil, err
	}
	return groupsOf(ds, label, values)
}

// Labels returns the value of label name of every segment of s.
func (s *Segments) Labels(ds *data.Dataset, name string) ([]string, error) {
	all, err := ds.LabelValues(name)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(s.Idx))
	for i, j := range s.Idx {
		out[i] = all[j]
	}
	return out, nil
}

// InitialStates returns the initial state x_0 of each dataset segment in idx as the model defines
// it: for learned initial states the rows of x0 (len(idx)×N: the trained or inferred ones), for
// the encoder x_0 = A vec(y_0 … y_{K−1}) + a from the segment's first K bins, and zero otherwise.
func InitialStates(f *train.Fitted, ds *data.Dataset, idx []int, x0 []float64) ([][]float64, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	c := m.Cfg
	N := c.N
	out := make([][]float64, len(idx))
	switch c.InitialState {
	case "learned":
		if len(x0) != len(idx)*N {
			return nil, fmt.Errorf("initial states: %d values for %d segments of %d units", len(x0), len(idx), N)
		}
		for i := range idx {
			out[i] = slices.Clone(x0[i*N : (i+1)*N])
		}
	case "encoder":
		A := model.View(f.Theta, &m.Layout, m.Layout.EncW)
		a := model.View(f.Theta, &m.Layout, m.Layout.EncB)
		km := c.EncoderBins * c.M
		for i, s := range idx {
			if s < 0 || s >= ds.S || ds.Lengths[s] < c.EncoderBins {
				return nil, fmt.Errorf("initial states: segment %d has no %d leading bins to encode", s, c.EncoderBins)
			}
			y := ds.Activity[s*ds.T*ds.M : s*ds.T*ds.M+km]
			x := make([]float64, N)
			for j := range x {
				v := a[j]
				for k, yk := range y {
					v += A[j*km+k] * yk
				}
				x[j] = v
			}
			out[i] = x
		}
	default:
		for i := range idx {
			out[i] = make([]float64, N)
		}
	}
	return out, nil
}
