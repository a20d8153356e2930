// Package vae holds the two variational baselines of the JEDI paper: a VAE and an RNN-VAE over
// neural activity. Each compresses a whole segment into a small latent vector, so they test
// whether a per-segment code decoded by a generic network reconstructs the data as well as
// JEDI's per-context recurrent weights. Both are trained by the engine of package train
// (train.Optimize) through the train.Problem they expose.
//
// Data are segments s with activity y_s ∈ R^{L_s×M}, L_s ≤ T valid bins of the dataset's
// padded S×T×M layout.
//
// Encoder (both kinds). u_s = vec(y_s), row-major and padded with zeros to length T·M, and
//
//	h = tanh(W₁ u + b₁) ∈ R^H,   μ = W_μ h + b_μ,   ℓ = W_ℓ h + b_ℓ   (μ, ℓ ∈ R^L),
//
// ℓ being the log-variance of the diagonal Gaussian posterior q(z | y_s) = N(μ, diag e^ℓ).
// While training, z = μ + exp(ℓ/2) ⊙ ε with ε ~ N(0, I) (the reparameterisation), drawn from
// the stream rand.NewPCG(noiseSeed, row) of the step's seed and the segment's training row, so
// that a step is reproducible; at evaluation (Encode, Decode) z = μ.
//
// Decoder of kind "vae" (static MLP):
//
//	g = tanh(D₁ z + d₁) ∈ R^H,   ŷ_s = D₂ g + d₂ ∈ R^{T·M}, read as T×M,
//
// of which only the first L_s bins are scored.
//
// Generator of kind "rnn_vae" (tanh rate RNN): x_0 = G z + g₀ ∈ R^N, then
//
//	x_{t+1} = (1 − α) x_t + α (W tanh(x_t) + b),   ŷ_t = C tanh(x_t) + c,   t < L_s,
//
// with one W shared by all segments: only the initial state carries the segment. The
// generator is computed by model.Pass on a JEDI model with a single context — embedding
// dimension 1, no hidden layer, full rank, linear readout, learned initial states — whose
// local table for a minibatch is [e | x_0 of each row]: e is one trained value kept in θ and
// the x_0 are the encoder's outputs. A linear hypernetwork of one fixed embedding gives
// W = (A e + β)/√N, which is just one free recurrent matrix (over-parameterised by A e); the
// reuse buys the hand-derived, already-tested backpropagation through time of package model.
// Pass.Backward's gradient of the local table gives ∂loss/∂e and ∂loss/∂x_0, which are
// propagated into G, g₀ and the encoder.
//
// Loss of a minibatch B:
//
//	loss = Σ_{b∈B} Σ_{t<L_b, m} (ŷ − y)² / n + β Σ_b KL_b / n,   n = Σ_b L_b·M,
//	KL_b = ½ Σ_j (μ_j² + e^{ℓ_j} − ℓ_j − 1)   (KL of the posterior from the prior N(0, I)),
//
// which for β = 1 is the negative evidence lower bound per scored entry, up to a constant,
// for Gaussian observations of variance ½. Loss weights (data.Dataset.Weight) are ignored:
// they serve task-trained networks, and the VAEs are baselines for recordings, which have none.
//
// Parameter vector θ (row-major blocks, in this order):
//
//	encoder.weight [H, T·M] (W₁), encoder.bias [H] (b₁),
//	posterior.weight [2L, H] (W_μ over W_ℓ), posterior.bias [2L] (b_μ, b_ℓ),
//	vae:      decoder.0.weight [H, L] (D₁), decoder.0.bias [H], decoder.1.weight [T·M, H] (D₂),
//	          decoder.1.bias [T·M];
//	rnn_vae:  x0.weight [N, L] (G), x0.bias [N] (g₀), embedding [1] (e), then the generator's
//	          model.Layout (hyper.0.weight [N², 1], hyper.0.bias [N²], bias [N],
//	          readout.weight [M, N], readout.bias [M]).
//
// There are no local parameters: every segment's latent comes from the encoder, so held-out
// segments are simply encoded.
package vae

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

const (
	kindVAE = "vae"
	kindRNN = "rnn_vae"
)

// Config fixes the architecture of a VAE baseline; Validate names a wrong field by its YAML key.
type Config struct {
	Kind   string  `yaml:"kind"`   // "vae" or "rnn_vae"
	Latent int     `yaml:"latent"` // L
	Hidden int     `yaml:"hidden"` // H, encoder (and static decoder) width
	Beta   float64 `yaml:"beta"`   // KL weight
	Units  int     `yaml:"units"`  // N, generator units (rnn_vae only)
	Alpha  float64 `yaml:"alpha"`  // generator Euler step dt/τ (rnn_vae only)
}

// DefaultConfig returns the default architecture of kind ("vae" or "rnn_vae"): L = 8 latents,
// H = 128 hidden units, β = 1, and for the generator N = 128 units, α = 0.1.
func DefaultConfig(kind string) Config {
	return Config{Kind: kind, Latent: 8, Hidden: 128, Beta: 1, Units: 128, Alpha: 0.1}
}

// Validate checks the configuration and returns an error naming the offending field. Units and
// alpha are checked only for the RNN-VAE, the only kind that uses them.
func (c *Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("vae config: %s: %s", field, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Kind != kindVAE && c.Kind != kindRNN:
		return bad("kind", "%q, want %s or %s", c.Kind, kindVAE, kindRNN)
	case c.Latent < 1:
		return bad("latent", "%d, want ≥ 1", c.Latent)
	case c.Hidden < 1:
		return bad("hidden", "%d, want ≥ 1", c.Hidden)
	case !(c.Beta >= 0) || math.IsInf(c.Beta, 1):
		return bad("beta", "%g, want a finite value ≥ 0", c.Beta)
	}
	if c.Kind == kindRNN {
		switch {
		case c.Units < 1:
			return bad("units", "%d, want ≥ 1", c.Units)
		case !(c.Alpha > 0 && c.Alpha <= 1):
			return bad("alpha", "%g, want 0 < alpha ≤ 1", c.Alpha)
		}
	}
	return nil
}

// Model is a VAE baseline for data of T bins and M neurons. Like model.Model it holds no
// parameters: θ is a flat vector owned by the caller (see the package doc for its layout), so
// a Model may be shared by concurrent calls.
type Model[F model.Float] struct {
	cfg  Config
	t, m int
	size int
	// Offsets of the blocks of θ (−1 when the kind lacks them).
	encW, encB, postW, postB   int
	decW1, decB1, decW2, decB2 int
	x0W, x0B, emb, genOff      int
	// gen is the generator of the RNN-VAE (nil for the static VAE).
	gen *model.Model
}

// New returns the model of configuration c for data of T bins (the padded length) and M
// neurons.
func New[F model.Float](c Config, T, M int) (*Model[F], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if T < 1 || M < 1 {
		return nil, fmt.Errorf("vae: data of %d bins × %d neurons, want at least 1 × 1", T, M)
	}
	m := &Model[F]{cfg: c, t: T, m: M, decW1: -1, decB1: -1, decW2: -1, decB2: -1, x0W: -1, x0B: -1, emb: -1, genOff: -1}
	add := func(n int) int {
		off := m.size
		m.size += n
		return off
	}
	H, L, TM := c.Hidden, c.Latent, T*M
	m.encW, m.encB = add(H*TM), add(H)
	m.postW, m.postB = add(2*L*H), add(2*L)
	if c.Kind == kindVAE {
		m.decW1, m.decB1 = add(H*L), add(H)
		m.decW2, m.decB2 = add(TM*H), add(TM)
		return m, nil
	}
	gen, err := model.New(model.Config{N: c.Units, M: M, D: 1, Alpha: c.Alpha,
		Readout: "linear", Loss: "gaussian", InitialState: "learned"})
	if err != nil {
		return nil, fmt.Errorf("vae: generator: %w", err)
	}
	m.gen = gen
	m.x0W, m.x0B = add(c.Units*L), add(c.Units)
	m.emb = add(1)
	m.genOff = add(gen.Layout.Size)
	return m, nil
}

// NumParams returns len(θ).
func (m *Model[F]) NumParams() int { return m.size }

// EffectiveParams is the number of free parameters the model really has: θ less, for the
// RNN-VAE, the N² values of A e, which with the single embedding e only duplicate the bias β
// of the linear hypernetwork (W = (A e + β)/√N).
func (m *Model[F]) EffectiveParams() int {
	if m.cfg.Kind == kindRNN {
		return m.size - m.cfg.Units*m.cfg.Units - 1
	}
	return m.size
}

// Init fills θ with initial values drawn from rng: Glorot-normal weights (std √(2/(in+out)))
// and zero biases for the encoder, the posterior heads and the static decoder; for the
// RNN-VAE, G with std 0.5/√L, so that x_0 starts at the scale of JEDI's learned initial
// states (N(0, 0.5²)) whatever L, e = 0, and the generator as model.Init draws a JEDI model,
// which with e = 0 makes W a random network of gain 0.9 (stable, slightly sub-critical).
func (m *Model[F]) Init(theta []F, rng *rand.Rand) {
	c := &m.cfg
	normal := func(off, n int, std float64) {
		for i := off; i < off+n; i++ {
			theta[i] = F(std * rng.NormFloat64())
		}
	}
	glorot := func(off, out, in int) { normal(off, out*in, math.Sqrt(2/float64(in+out))) }
	clear(theta)
	H, L, TM := c.Hidden, c.Latent, m.t*m.m
	glorot(m.encW, H, TM)
	glorot(m.postW, 2*L, H)
	if c.Kind == kindVAE {
		glorot(m.decW1, H, L)
		glorot(m.decW2, TM, H)
		return
	}
	normal(m.x0W, c.Units*L, 0.5/math.Sqrt(float64(L)))
	model.Init(m.genTheta(theta), &m.gen.Cfg, &m.gen.Layout, rng)
}

// genTheta returns the generator's part of θ (or of its gradient).
func (m *Model[F]) genTheta(theta []F) []F {
	return theta[m.genOff : m.genOff+m.gen.Layout.Size]
}

// source names a dataset in error messages.
func source(ds *data.Dataset) string {
	if ds.Source == "" {
		return "dataset"
	}
	return ds.Source
}

// checkTheta verifies that θ fits the model.
func (m *Model[F]) checkTheta(theta []F) error {
	if len(theta) != m.size {
		return fmt.Errorf("vae: θ has %d values, want %d", len(theta), m.size)
	}
	return nil
}

// check verifies that ds has the model's shape and that idx names at least one of its
// segments.
func (m *Model[F]) check(ds *data.Dataset, idx []int) error {
	switch {
	case ds.T != m.t:
		return fmt.Errorf("vae: %s: T = %d bins, the model was built for %d", source(ds), ds.T, m.t)
	case ds.M != m.m:
		return fmt.Errorf("vae: %s: M = %d neurons, the model was built for %d", source(ds), ds.M, m.m)
	case len(idx) == 0:
		return fmt.Errorf("vae: %s: no segments given", source(ds))
	}
	for i, s := range idx {
		if s < 0 || s >= ds.S {
			return fmt.Errorf("vae: %s: idx[%d] = %d, want 0 ≤ segment < %d", source(ds), i, s, ds.S)
		}
		if L := ds.Lengths[s]; L < 1 || L > ds.T {
			return fmt.Errorf("vae: %s: Lengths[%d] = %d, want 1..%d", source(ds), s, L, ds.T)
		}
	}
	return nil
}

// staged holds chosen segments of a dataset converted once to the element type.
type staged[F model.Float] struct {
	y   [][]F // per segment, its valid L×M activity
	len []int
}

func stage[F model.Float](ds *data.Dataset, idx []int) *staged[F] {
	st := &staged[F]{}
	for _, s := range idx {
		seg := ds.Segment(s)
		y := make([]F, len(seg))
		for i, v := range seg {
			y[i] = F(v)
		}
		st.y = append(st.y, y)
		st.len = append(st.len, ds.Lengths[s])
	}
	return st
}
