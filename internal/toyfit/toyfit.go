// Package toyfit builds, for the tests of the analyses, a hand-made fitted model that is its
// own teacher, so that what an analysis should find is known.
package toyfit

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// Toy is a hand-built fitted model that is its own teacher: θ is drawn at random, every
// segment has a known embedding (three clusters, one per value of label "cluster") and initial
// state, and the data are the model's own noiseless predictions. Training segments' embeddings
// and initial states are stored in the Fitted as if trained, so the analyses' answers are known:
// R² = 1 on the training segments, and each cluster's centroid explains its own held-out
// segments best.
type Toy struct {
	F  *train.Fitted
	DS *data.Dataset
	// E and X0 are the true embedding and initial state of every dataset segment.
	E, X0 [][]float64
}

// Config is the architecture of the toy models: N = 12 units, M = 6 neurons, D = 2, rank 2.
func Config() model.Config {
	return model.Config{N: 12, M: 6, D: 2, Rank: 2, Hidden: []int{8}, Alpha: 0.2,
		Readout: "linear", Loss: "gaussian", InitialState: "learned", EncoderBins: 3}
}

// New builds the toy model of architecture c with S segments of T bins; segment s belongs to
// cluster s mod 3 and is held out when s mod 4 = 3. With inputs (c.I > 0) every segment
// receives its cluster's one-hot.
func New(t testing.TB, c model.Config, S, T int, seed uint64) *Toy {
	t.Helper()
	m, err := model.New(c)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	theta := make([]float64, m.Layout.Size)
	model.Init(theta, &m.Cfg, &m.Layout, rng)
	// Undo Init's ×0.1 on the hypernetwork's output weights, so that the embedding matters.
	last := m.Layout.HyperW[len(m.Layout.HyperW)-1]
	for i := range model.View(theta, &m.Layout, last) {
		model.View(theta, &m.Layout, last)[i] *= 15
	}
	// Init zeroes the biases; random ones make sure every term is exercised.
	for _, b := range []int{m.Layout.Bias, m.Layout.ReadB, m.Layout.EncB} {
		if b >= 0 {
			for i := range model.View(theta, &m.Layout, b) {
				model.View(theta, &m.Layout, b)[i] = 0.3 * rng.NormFloat64()
			}
		}
	}
	cfg := train.Default(c.M)
	cfg.DType, cfg.Model = "float64", c
	cfg.Train.BatchSize, cfg.Train.InferSteps, cfg.Train.InferLR = 8, 40, 0.05
	f := &train.Fitted{Config: cfg, Theta: theta}
	tt := &Toy{F: f, DS: data.New(S, T, c.M, 0.01)}
	centres := [][2]float64{{1.5, 0}, {-0.75, 1.3}, {-0.75, -1.3}}
	names := []string{"a", "b", "c"}
	cluster := make([]string, S)
	all := make([]int, S)
	var E, X0 []float64
	for s := range S {
		e := []float64{centres[s%3][0] + 0.2*rng.NormFloat64(), centres[s%3][1] + 0.2*rng.NormFloat64()}
		x0 := make([]float64, c.N)
		for i := range x0 {
			x0[i] = rng.NormFloat64()
		}
		tt.E, tt.X0 = append(tt.E, e), append(tt.X0, x0)
		E, X0 = append(E, e...), append(X0, x0...)
		cluster[s], all[s] = names[s%3], s
		if s%4 == 3 {
			f.HeldOut = append(f.HeldOut, s)
			continue
		}
		f.Train = append(f.Train, s)
		f.Embeddings = append(f.Embeddings, e...)
		if c.InitialState == model.Learned {
			f.X0 = append(f.X0, x0...)
		}
	}
	tt.DS.Labels["cluster"] = data.Label{Kind: data.StringLabel, Values: cluster}
	if c.I > 0 {
		// A model with inputs receives its cluster one-hot (channel cluster mod I), constant
		// in time: the context-as-input baseline.
		tt.DS.I, tt.DS.Inputs = c.I, make([]float64, S*T*c.I)
		for s := range S {
			for b := range T {
				tt.DS.Inputs[(s*T+b)*c.I+(s%3)%c.I] = 1
			}
		}
	}
	if c.InitialState != model.Learned {
		X0 = nil
	}
	p, err := train.Predict(f, tt.DS, all, E, X0)
	if err != nil {
		t.Fatal(err)
	}
	// With the encoder the data (predicted from the states encoded from zero activity) are not
	// the model's prediction from their own first bins; the tests that use it compare with
	// train.Predict on these data instead.
	copy(tt.DS.Activity, p.Prediction)
	return tt
}

// DenseJacobian is J = (1 − α) I + α W diag(1 − tanh²(x)), written out entry by entry.
func DenseJacobian(W *mat.Dense, alpha float64, x []float64) *mat.Dense {
	n := len(x)
	J := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			th := math.Tanh(x[j])
			v := alpha * W.At(i, j) * (1 - th*th)
			if i == j {
				v += 1 - alpha
			}
			J.Set(i, j, v)
		}
	}
	return J
}
