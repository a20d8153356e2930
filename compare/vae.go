package compare

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/model/vae"
	"github.com/jedi-neuro/jedi/train"
)

// fitVAE trains a VAE or RNN-VAE with the shared engine (train.Optimize: the same options,
// seed, minibatch order and validation as the JEDI fits) and scores it by encoding each segment
// and decoding its posterior mean.
func fitVAE(ctx context.Context, e *env, s spec) (*Row, error) {
	c := e.cfg.VAE
	if s.kind == RNNVAE {
		c = e.cfg.RNNVAE
	}
	c.Kind = s.kind
	m, err := vae.New[float32](c, e.ds.T, e.ds.M)
	if err != nil {
		return nil, err
	}
	theta := make([]float32, m.NumParams())
	m.Init(theta, rand.New(rand.NewPCG(e.cfg.JEDI.Seed, 0x766165))) // "vae"
	prob, err := m.Problem(e.ds, e.trainIdx)
	if err != nil {
		return nil, err
	}
	reconstruct := func(theta []float32, idx []int, Z []float64) (float64, error) {
		pred, err := m.Decode(theta, e.ds, idx, Z)
		if err != nil {
			return 0, err
		}
		return pooledR2(e.ds, idx, pred)
	}
	scoreIdx := func(theta []float32, idx []int) (float64, error) {
		Z, err := m.Encode(theta, e.ds, idx)
		if err != nil {
			return 0, err
		}
		return reconstruct(theta, idx, Z)
	}
	var validate train.Validator[float32]
	if len(e.heldIdx) > 0 {
		validate = func(theta, _ []float32) (float64, error) { return scoreIdx(theta, e.heldIdx) }
	}
	var opt *train.Optimized[float32]
	secs, err := timed(func() error {
		var err error
		opt, err = train.Optimize(ctx, e.cfg.JEDI.Train, e.cfg.JEDI.Seed, len(e.trainIdx), e.ds.M, prob, theta, nil, validate, e.report(s.name))
		return err
	})
	if err != nil {
		return nil, err
	}
	row := &Row{FitSeconds: secs, Params: m.NumParams(), EffectiveParams: m.EffectiveParams(), Epochs: len(opt.History),
		Note: fmt.Sprintf("latent %d; held-out: encoded (posterior mean), decoded", c.Latent)}
	Z, err := m.Encode(opt.Theta, e.ds, e.trainIdx)
	if err != nil {
		return nil, err
	}
	if row.R2Train, err = reconstruct(opt.Theta, e.trainIdx, Z); err != nil {
		return nil, err
	}
	if len(e.heldIdx) > 0 {
		if row.R2HeldOut, err = scoreIdx(opt.Theta, e.heldIdx); err != nil {
			return nil, err
		}
	}
	if len(e.cfg.NoiseScales) > 0 && len(e.trainIdx) > 1 {
		X := mat.NewDense(len(e.trainIdx), c.Latent, Z)
		row.NoiseR2, _, err = embed.NoiseCurve(X, e.cfg.NoiseScales, e.noiseSeed, e.cfg.NoiseRepeats, func(noisy *mat.Dense) (float64, error) {
			return reconstruct(opt.Theta, e.trainIdx, noisy.RawMatrix().Data)
		})
		if err != nil {
			return nil, err
		}
	}
	return row, nil
}
