// Package model is the JEDI model: per-context embeddings e, a hypernetwork h_θ mapping e to
// the recurrent weights of a rate RNN, the RNN itself and a shared readout, with its loss and
// the analytic gradient of that loss (backpropagation through time, derived by hand).
//
// For segment s with embedding e = E[g(s)] the hypernetwork gives
//
//	a_0 = e,  a_{l+1} = tanh(A_l a_l + β_l)  (hidden layers),  o = A_L a_L + β_L,
//
// and o is read as U, V ∈ R^{N×R} with W = U Vᵀ / N (low rank), or as W = O / √N (full rank),
// followed by b_s when the hypernetwork emits the bias. The RNN runs, for t = 0 … T_s − 2,
//
//	x_{t+1} = (1 − α) x_t + α (W r_t + b + B u_t) + σ √α ξ_t,   r_t = φ(x_t),
//
// φ the cell (Config.Cell: tanh, or the identity for a linear dynamical system),
// from x_0 (learned per segment, or encoded from the first bins), and the readout is
// ŷ_t = C r_t + c (or ŷ_t = r_t[:M] for the identity readout), t = 0 … T_s − 1.
// The loss of a batch is the mean over its valid (bin, neuron) entries of (ŷ − y)² (Gaussian)
// or of λ̂ − y log λ̂ with λ̂ = softplus(ŷ) (Poisson) — a weighted mean when the batch carries
// weights — plus the embedding prior (ε/2) · mean_b ‖e_b‖².
package model

import "github.com/jedi-neuro/jedi/kernels"

// Float is the element type of training: float32 for speed, float64 for gradient checks.
type Float = kernels.Float

// Model couples a configuration with its θ layout. It holds no parameters itself: θ and the
// local tables are flat vectors owned by the caller, so one Model serves training, inference
// with θ frozen, and analysis.
type Model struct {
	Cfg    Config
	Layout Layout
}

// New validates c and returns the model.
func New(c Config) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &Model{Cfg: c, Layout: NewLayout(&c)}, nil
}

// Batch is the data side of one pass: B segments padded to T bins.
type Batch[T Float] struct {
	B, T int
	// Y holds the targets, B×T×M; bins at or past Len[b] are ignored.
	Y []T
	// U holds the inputs, B×T×I (nil when the model has no inputs).
	U []T
	// Weight optionally weighs each target entry in the loss, B×T×M (nil: all 1). The data
	// term becomes Σ w·ℓ / Σ w over valid entries; a zero weight leaves an entry unscored (as in
	// task training, where the first bins are not scored and the response is weighted up).
	Weight []T
	// Len[b] is the number of valid bins of segment b (1 ≤ Len[b] ≤ T).
	Len []int
	// Emb[b] is the embedding-table row of segment b (several segments may share a row when
	// embeddings are tied by a label); Seg[b] is its row in the initial-state table.
	Emb, Seg []int
	// NoiseSeed seeds the process noise; segment b draws from the stream (NoiseSeed, Seg[b]), so
	// a pass is reproducible whatever the goroutine schedule.
	NoiseSeed uint64
	// Noise enables process noise (training); evaluation passes leave it off.
	Noise bool
}
