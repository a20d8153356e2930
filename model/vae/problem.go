package vae

import (
	"fmt"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// problem is the train.Problem of a VAE over chosen training segments.
type problem[F model.Float] struct {
	m   *Model[F]
	st  *staged[F]
	net *net[F]
	// noise enables the reparameterisation noise; training always samples, and only the
	// consistency test turns it off to reach the evaluation path through Step.
	noise bool
}

// Problem is the train.Problem over training segments idx of ds: row r of a minibatch is
// segment idx[r]. It has no local parameters (the engine passes an empty local slice). Step
// returns the loss of the package doc with the latents sampled from the stream
// (noiseSeed, r), adds the reconstructions of the valid bins to the R² accumulator and writes
// the gradient into gTheta.
func (m *Model[F]) Problem(ds *data.Dataset, idx []int) (train.Problem[F], error) {
	if err := m.check(ds, idx); err != nil {
		return nil, err
	}
	return &problem[F]{m: m, st: stage[F](ds, idx), net: m.newNet(), noise: true}, nil
}

// Step evaluates the minibatch rows (see train.Problem).
func (p *problem[F]) Step(theta, local []F, rows []int, noiseSeed uint64, acc *metrics.R2Acc, gTheta, gLocal []F) (float64, error) {
	m := p.m
	switch {
	case len(theta) != m.size || len(gTheta) != m.size:
		return 0, fmt.Errorf("vae: θ and its gradient have %d and %d values, want %d", len(theta), len(gTheta), m.size)
	case len(local) != 0 || len(gLocal) != 0:
		return 0, fmt.Errorf("vae: the model has no local parameters, got %d", len(local))
	case len(rows) == 0:
		return 0, fmt.Errorf("vae: empty minibatch")
	}
	for i, r := range rows {
		if r < 0 || r >= len(p.st.len) {
			return 0, fmt.Errorf("vae: minibatch row %d is %d, want 0 ≤ row < %d", i, r, len(p.st.len))
		}
	}
	n := p.net
	n.setRows(p.st, rows)
	n.encode(theta, p.st, rows)
	n.sample(noiseSeed, rows, p.noise)
	loss, err := n.decode(theta, p.st, rows)
	if err != nil {
		return 0, err
	}
	for b, r := range rows {
		if err := acc.Add(toF64(n.pred(b)), toF64(p.st.y[r])); err != nil {
			return 0, fmt.Errorf("vae: R²: %w", err)
		}
	}
	loss += m.cfg.Beta * n.kl() / float64(n.n)
	n.backward(theta, gTheta)
	return loss, nil
}

func toF64[F model.Float](x []F) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// chunk is the number of segments Encode and Decode process at once, bounding their scratch.
const chunk = 256

// Encode returns the posterior means μ of segments idx of ds, len(idx)×L row-major.
func (m *Model[F]) Encode(theta []F, ds *data.Dataset, idx []int) ([]float64, error) {
	if err := m.checkTheta(theta); err != nil {
		return nil, err
	}
	if err := m.check(ds, idx); err != nil {
		return nil, err
	}
	st := stage[F](ds, idx)
	n := m.newNet()
	L := m.cfg.Latent
	out := make([]float64, len(idx)*L)
	for lo := 0; lo < len(idx); lo += chunk {
		rows := positions(lo, min(lo+chunk, len(idx)))
		n.setRows(st, rows)
		n.encode(theta, st, rows)
		for b := range rows {
			for j, v := range n.post[2*b*L : (2*b+1)*L] {
				out[(lo+b)*L+j] = float64(v)
			}
		}
	}
	return out, nil
}

// Decode returns the reconstruction of segments idx of ds from the latents Z (len(idx)×L,
// row i for segment idx[i]) without sampling: len(idx)×ds.T×M in the padded layout, bins at
// or past a segment's length zero. The data only fix the lengths; Decode(Encode(·)) is the
// model's reconstruction of held-out segments.
func (m *Model[F]) Decode(theta []F, ds *data.Dataset, idx []int, Z []float64) ([]float64, error) {
	if err := m.checkTheta(theta); err != nil {
		return nil, err
	}
	if err := m.check(ds, idx); err != nil {
		return nil, err
	}
	L, T, M := m.cfg.Latent, m.t, m.m
	if len(Z) != len(idx)*L {
		return nil, fmt.Errorf("vae: %d latent values for %d segments of %d latents", len(Z), len(idx), L)
	}
	st := stage[F](ds, idx)
	n := m.newNet()
	out := make([]float64, len(idx)*T*M)
	for lo := 0; lo < len(idx); lo += chunk {
		rows := positions(lo, min(lo+chunk, len(idx)))
		n.setRows(st, rows)
		for i, v := range Z[lo*L : (lo+len(rows))*L] {
			n.z[i] = F(v)
		}
		if _, err := n.decode(theta, st, rows); err != nil {
			return nil, err
		}
		for b := range rows {
			for i, v := range n.pred(b) {
				out[(lo+b)*T*M+i] = float64(v)
			}
		}
	}
	return out, nil
}

// positions returns lo, lo+1, …, hi−1.
func positions(lo, hi int) []int {
	p := make([]int, hi-lo)
	for i := range p {
		p[i] = lo + i
	}
	return p
}
