package model

import (
	"fmt"
	"strings"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Config fixes the architecture of a JEDI model. Every field has a documented default
// (see Default); Validate reports the first inconsistent field by its YAML name.
type Config struct {
	// N is the number of RNN units.
	N int `yaml:"units"`
	// M is the number of observed neurons the readout predicts.
	M int `yaml:"neurons"`
	// I is the number of input channels fed through a learned N×I matrix. JEDI proper is
	// autonomous (I = 0); inputs are used to train teachers and the context-as-input baseline.
	I int `yaml:"inputs"`
	// D is the dimension of the context embeddings e_s.
	D int `yaml:"embedding_dim"`
	// Rank is R in W = U Vᵀ / N; 0 selects full-rank weights W = O / √N.
	Rank int `yaml:"rank"`
	// Hidden lists the widths of the hypernetwork's tanh hidden layers (the paper's 3-layer MLP
	// is two hidden layers plus the linear output layer).
	Hidden []int `yaml:"hidden"`
	// Cell is φ, the network's nonlinearity: tanh (the rate network, the default; also when
	// empty) or linear (φ = identity, a linear dynamical system).
	Cell Cell `yaml:"cell"`
	// Alpha is dt/τ, the Euler step of the rate dynamics.
	Alpha float64 `yaml:"alpha"`
	// NoiseStd is σ, the process-noise level: σ√α ξ_t, ξ_t ~ N(0, I), is added at every step
	// while training; evaluation runs without noise.
	NoiseStd float64 `yaml:"noise_std"`
	// Readout is linear (ŷ = C φ(x) + c, C learned) or identity (ŷ = φ(x)[:M], the
	// data-constrained RNN whose first M units are the recorded neurons; needs M ≤ N).
	Readout ReadoutKind `yaml:"readout"`
	// HyperBias makes the hypernetwork emit a per-context bias b_s; otherwise b is shared.
	HyperBias bool `yaml:"hyper_bias"`
	// Loss is gaussian (mean squared error) or poisson (rate = softplus(ŷ), for counts).
	Loss Loss `yaml:"loss"`
	// EmbeddingPrior is λ of the Gaussian prior on embeddings: λ/2 · mean_b ‖e_b‖² is added to
	// the loss.
	EmbeddingPrior float64 `yaml:"embedding_prior"`
	// InitialState is learned (one x₀ per segment, a free parameter), encoder (x₀ = A
	// vec(y_{0..K−1}) + a, a shared linear map of the first K bins, usable on unseen segments)
	// or zero (x₀ = 0 for every segment, as for a task-trained network that must start from
	// the same state on every trial).
	InitialState InitialState `yaml:"initial_state"`
	// EncoderBins is K, the number of leading bins the encoder reads.
	EncoderBins int `yaml:"encoder_bins"`
}

// Default returns the default architecture for M observed neurons: N = 128 units, rank 4,
// 8-dimensional embeddings, a 64-64 tanh hypernetwork, α = 0.1, no process noise, linear
// readout, Gaussian loss, prior 1e-3, learned initial states.
func Default(M int) Config {
	return Config{
		N: 128, M: M, D: 8, Rank: 4, Hidden: []int{64, 64}, Cell: CellTanh,
		Alpha: 0.1, Readout: Linear, Loss: Gaussian,
		EmbeddingPrior: 1e-3, InitialState: Learned, EncoderBins: 5,
	}
}

// Validate checks the configuration and returns an error naming every offending field, each on
// its own line.
func (c *Config) Validate() error {
	p := strictyaml.NewProblems("model config: ")
	p.Refuse(c.N < 1, "units", "%d, want ≥ 1", c.N)
	p.Refuse(c.M < 1, "neurons", "%d, want ≥ 1", c.M)
	p.Refuse(c.I < 0, "inputs", "%d, want ≥ 0", c.I)
	p.Refuse(c.D < 1, "embedding_dim", "%d, want ≥ 1", c.D)
	p.Refuse(c.Rank < 0 || c.Rank > c.N, "rank", "%d, want 0 (full) or 1..%d", c.Rank, c.N)
	p.Refuse(!(c.Alpha > 0 && c.Alpha <= 1), "alpha", "%g, want 0 < alpha ≤ 1", c.Alpha)
	p.Refuse(c.NoiseStd < 0, "noise_std", "%g, want ≥ 0", c.NoiseStd)
	p.Refuse(c.EmbeddingPrior < 0, "embedding_prior", "%g, want ≥ 0", c.EmbeddingPrior)
	for i, h := range c.Hidden {
		p.Refuse(h < 1, fmt.Sprintf("hidden[%d]", i), "%d, want ≥ 1", h)
	}
	for _, err := range []error{strictyaml.CheckOption("readout", c.Readout), strictyaml.CheckOption("loss", c.Loss), strictyaml.CheckOption("initial_state", c.InitialState)} {
		if err != nil {
			p.Add(fmt.Errorf("model config: %w", err))
		}
	}
	if c.Cell != "" {
		if err := strictyaml.CheckOption("cell", c.Cell); err != nil {
			p.Add(fmt.Errorf("model config: %w", err))
		}
	}
	p.Refuse(c.Readout == Identity && c.M > c.N, "readout", "identity readout needs neurons (%d) ≤ units (%d)", c.M, c.N)
	p.Refuse(c.InitialState == Encoder && c.EncoderBins < 1, "encoder_bins", "%d, want ≥ 1", c.EncoderBins)
	return p.Err()
}

// LowRank reports whether W is parameterised as U Vᵀ / N.
func (c *Config) LowRank() bool { return c.Rank > 0 }

// HyperOut is the width of the hypernetwork's output: 2·N·R (U and V) or N² (full W), plus N
// when it also emits the bias.
func (c *Config) HyperOut() int {
	p := c.N * c.N
	if c.LowRank() {
		p = 2 * c.N * c.Rank
	}
	if c.HyperBias {
		p += c.N
	}
	return p
}

func (c *Config) String() string {
	var b strings.Builder
	rank := "full"
	if c.LowRank() {
		rank = fmt.Sprint(c.Rank)
	}
	fmt.Fprintf(&b, "N=%d M=%d I=%d d=%d rank=%s hidden=%v α=%g σ=%g readout=%s loss=%s x0=%s",
		c.N, c.M, c.I, c.D, rank, c.Hidden, c.Alpha, c.NoiseStd, c.Readout, c.Loss, c.InitialState)
	if c.Cell == CellLinear {
		b.WriteString(" cell=linear")
	}
	return b.String()
}
