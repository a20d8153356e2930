package train

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/strictyaml"
	"github.com/jedi-neuro/jedi/model"
)

// AmortiseOptions select and train the amortised encoder (model.Amortiser), which gives a new
// segment's embedding and initial state in one pass instead of InferSteps optimisation steps.
// It is trained after the fit, with θ frozen, in two stages:
//
//  1. regression: DistillSteps Adam steps (minibatches of BatchSize) on the squared error
//     between the encoder's output and known embeddings and initial states (see regression);
//  2. tuning: TuneSteps Adam steps on the model's own loss, the reconstruction of each
//     minibatch of segments from the encoder's embeddings and initial states, the gradient
//     flowing from the loss through the frozen network into the encoder.
//
// With Data fitted both stages use the training segments, the first distilling their fitted
// values; with Data simulated every minibatch is fresh segments drawn from the fitted model
// (simulator), whose values are known exactly and which the encoder cannot memorise.
// Regression alone copies the values, including their errors where the reconstruction is
// insensitive; tuning optimises what inference is for.
//
// With AdaptRounds > 0 the network then adapts to its encoder, which changes the fitted model:
// each round runs AdaptSteps Adam steps on θ (step size AdaptLR, encoder frozen) against the
// loss of the training segments reconstructed from the encoder's embeddings and initial states,
// so that the network learns to read what an encoder can emit (as an amortised model trained
// jointly, LFADS's, does); re-optimises the training segments' values from the encoder's
// (refine steps, train.amortise.refine_lr) and keeps them as the fitted values; and re-tunes the
// encoder for AdaptSteps steps on segments simulated from the adapted network around them.
type AmortiseOptions struct {
	// Bins is K, the number of leading bins the encoder reads besides its window means;
	// 0 trains no encoder.
	Bins int `yaml:"bins"`
	// Windows is P, the number of equal windows spanning the segment whose mean activity it
	// reads (1: the segment's mean).
	Windows int `yaml:"windows"`
	// Hidden lists the widths of its tanh hidden layers.
	Hidden []int `yaml:"hidden"`
	// DistillSteps and TuneSteps count the Adam steps of the two stages; LearningRate is
	// their step size.
	DistillSteps int     `yaml:"distill_steps"`
	TuneSteps    int     `yaml:"tune_steps"`
	LearningRate float64 `yaml:"learning_rate"`
	// RefineSteps is the default number of optimisation steps that `jedi infer --amortised`
	// runs from the encoder's output; 0 uses the encoder alone.
	RefineSteps int `yaml:"refine_steps"`
	// RefineLR is the Adam step size of those steps: they start near the optimum, where a
	// step larger than train.infer_lr (which starts from the training segments' values) pays.
	RefineLR float64 `yaml:"refine_lr"`
	// FeatureNoise is the standard deviation of the Gaussian noise added to each standardised
	// feature while training (both stages): with a few hundred training segments the encoder
	// otherwise fits their noise, and held-out segments pay for it.
	FeatureNoise float64 `yaml:"feature_noise"`
	// Data is what the first stage learns from: fitted (distillation, above) or simulated
	// (segments drawn afresh from the fitted model at each of the DistillSteps steps, the
	// encoder regressed on their known embeddings and initial states; see simulator).
	Data AmortiseData `yaml:"data"`
	// Spread is h, the bandwidth of the kernel density estimate of the fitted embeddings and
	// initial states that simulated segments are drawn from, in units of their covariance.
	Spread float64 `yaml:"spread"`
	// Neighbours is k: with k > 0 the kernel around each fitted value has the covariance of
	// its k nearest fitted values (by embedding), not of all of them (see simulator); with no
	// more than k training segments, of all of them.
	Neighbours int `yaml:"neighbours"`
	// Schedule is the encoder's learning-rate schedule over each stage: constant, or cosine
	// (a half cosine from LearningRate down to 5 % of it, no warm-up).
	Schedule Schedule `yaml:"schedule"`
	// AdaptRounds is the number of rounds in which the network adapts to the encoder (above);
	// 0, the default, leaves θ and the fitted values as the fit left them.
	AdaptRounds int `yaml:"adapt_rounds"`
	// AdaptSteps is the number of θ steps, and of encoder re-tuning steps, of each round.
	AdaptSteps int `yaml:"adapt_steps"`
	// AdaptLR is θ's Adam step size in a round, following Schedule over the round.
	AdaptLR float64 `yaml:"adapt_lr"`
}

// lr is the encoder's step size at step (0-based) of total.
func (a *AmortiseOptions) lr(step, total int) float64 {
	return a.scheduled(a.LearningRate, step, total)
}

// scheduled is step size base at step (0-based) of total under Schedule, which decays a cosine
// to 5 % of base: the encoder's stages and the network's adaptation rounds follow it alike.
func (a *AmortiseOptions) scheduled(base float64, step, total int) float64 {
	o := Options{LearningRate: base, Schedule: a.Schedule, MinLRRatio: 0.05}
	return o.learningRate(step, total)
}

// defaultAmortise is the encoder setting of Default: off, and when turned on by bins > 0, the
// best measured on the multi-task teacher (README, "Amortised inference"): two hidden layers
// trained on simulated segments, which need no feature noise.
func defaultAmortise() AmortiseOptions {
	return AmortiseOptions{Windows: 10, Hidden: []int{128, 128}, DistillSteps: 2000, TuneSteps: 6000,
		LearningRate: 1e-3, RefineLR: 0.05, Data: AmortiseSimulated, Spread: 1, Neighbours: 30, Schedule: Cosine,
		AdaptSteps: 3000, AdaptLR: 1e-3}
}

// validate reports every wrong setting to p; tie is train.tie_embeddings.
func (a *AmortiseOptions) validate(p *strictyaml.Problems, tie string) {
	const f = "amortise."
	p.Refuse(a.Bins < 0, f+"bins", "%d, want ≥ 0 (0: no encoder)", a.Bins)
	// The settings only an encoder uses are checked unless bins is 0, so that a configuration
	// written without an encoder need not set them.
	p.Refuse(a.Bins != 0 && a.Windows < 1, f+"windows", "%d, want ≥ 1", a.Windows)
	p.Refuse(a.DistillSteps < 0, f+"distill_steps", "%d, want ≥ 0", a.DistillSteps)
	p.Refuse(a.TuneSteps < 0, f+"tune_steps", "%d, want ≥ 0", a.TuneSteps)
	p.Refuse(a.Bins != 0 && !(a.LearningRate > 0), f+"learning_rate", "%g, want > 0", a.LearningRate)
	p.Refuse(a.RefineSteps < 0, f+"refine_steps", "%d, want ≥ 0", a.RefineSteps)
	p.Refuse(a.Bins != 0 && !(a.RefineLR > 0), f+"refine_lr", "%g, want > 0", a.RefineLR)
	p.Refuse(!(a.FeatureNoise >= 0), f+"feature_noise", "%g, want ≥ 0", a.FeatureNoise)
	if err := strictyaml.CheckOption(f+"data", a.Data); a.Bins != 0 && err != nil {
		p.Add(fmt.Errorf("config: train.%w", err))
	}
	p.Refuse(!(a.Spread >= 0), f+"spread", "%g, want ≥ 0", a.Spread)
	p.Refuse(a.Neighbours < 0 || a.Neighbours == 1, f+"neighbours", "%d, want 0 (all) or ≥ 2", a.Neighbours)
	if err := strictyaml.CheckOption(f+"schedule", a.Schedule); a.Bins != 0 && err != nil {
		p.Add(fmt.Errorf("config: train.%w", err))
	}
	for i, h := range a.Hidden {
		p.Refuse(h < 1, fmt.Sprintf(f+"hidden[%d]", i), "%d, want ≥ 1", h)
	}
	p.Refuse(a.AdaptRounds < 0, f+"adapt_rounds", "%d, want ≥ 0 (0: the network does not adapt)", a.AdaptRounds)
	p.Refuse(a.Bins == 0 && a.AdaptRounds > 0, f+"adapt_rounds", "%d without an encoder (bins is 0): nothing to adapt to", a.AdaptRounds)
	p.Refuse(a.AdaptRounds > 0 && a.AdaptSteps < 1, f+"adapt_steps", "%d, want ≥ 1 when adapt_rounds is set", a.AdaptSteps)
	p.Refuse(a.AdaptSteps < 0, f+"adapt_steps", "%d, want ≥ 0", a.AdaptSteps)
	p.Refuse(a.AdaptRounds > 0 && !(a.AdaptLR > 0), f+"adapt_lr", "%g, want > 0", a.AdaptLR)
	// Tied embeddings are one per label value, where the encoder gives each segment its own.
	p.Refuse(a.AdaptRounds > 0 && tie != "", f+"adapt_rounds", "%d with train.tie_embeddings %q: the encoder gives each segment its own embedding, which tied embeddings cannot keep", a.AdaptRounds, tie)
}

// amortiserOut is the encoder's output width: D, plus N with learned initial states.
func amortiserOut(c *model.Config) int {
	if c.InitialState == model.Learned {
		return c.D + c.N
	}
	return c.D
}

// TrainAmortiser trains the amortised encoder of f on its training segments of ds (see
// AmortiseOptions) and returns it; f is not changed, unless train.amortise.adapt_rounds > 0:
// then f's θ, embeddings and initial states are replaced by the adapted ones. It stops with
// ctx's error between steps.
func TrainAmortiser(ctx context.Context, f *Fitted, ds *data.Dataset) (*model.Amortiser, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return precisionOf(f.Config.DType).amortise(ctx, f, ds)
}

func trainAmortiser[T model.Float](ctx context.Context, f *Fitted, ds *data.Dataset) (*model.Amortiser, error) {
	o := &f.Config.Train.Amortise
	c := &f.Config.Model
	if o.Bins < 1 {
		return nil, fmt.Errorf("config: train.amortise.bins is %d: no encoder to train", o.Bins)
	}
	if ds.M != c.M {
		return nil, fmt.Errorf("%s: %d neurons, the model was fitted to %d", ds.Source, ds.M, c.M)
	}
	rng := rand.New(rand.NewPCG(f.Config.Seed, 0xa40))
	a, err := model.NewAmortiser(o.Bins, o.Windows, c.M, amortiserOut(c), o.Hidden, rng)
	if err != nil {
		return nil, err
	}
	n, F := len(f.Train), a.Features()
	phi, err := features(a, ds, f.Train)
	if err != nil {
		return nil, err
	}
	target := fittedValues(f, ds, a.Out)
	a.InMean, a.InStd = standardise(phi, F)
	a.OutMean, a.OutStd = standardise(target, a.Out)

	batch := min(max(f.Config.Train.BatchSize, 1), n)
	fit := newRegression(a, c.D, batch)
	var sim *simulator[T]
	switch o.Data {
	case AmortiseSimulated:
		if sim, err = newSimulator[T](f, ds, target, o.Spread, o.Neighbours, rng); err != nil {
			return nil, err
		}
		bphi := make([]float64, batch*F)
		btarget := make([]float64, batch*a.Out)
		for step := range o.DistillSteps {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := sim.draw(rng.Perm(n)[:batch], btarget, func(b int, y []float64) error {
				return a.FeaturesOf(bphi[b*F:(b+1)*F], y)
			}); err != nil {
				return nil, err
			}
			loss := fit.step(bphi, btarget, seq(0, batch), o, o.lr(step, o.DistillSteps), rng)
			if (step+1)%500 == 0 {
				slog.Debug("amortiser on simulated segments", "step", step+1, "loss", loss)
			}
		}
	default:
		for step := range o.DistillSteps {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			loss := fit.step(phi, target, rng.Perm(n)[:batch], o, o.lr(step, o.DistillSteps), rng)
			if (step+1)%500 == 0 {
				slog.Debug("amortiser distillation", "step", step+1, "loss", loss)
			}
		}
	}

	if o.TuneSteps > 0 {
		if err := tuneAmortiser(ctx, f, ds, a, phi, sim, batch, o.TuneSteps, rng); err != nil {
			return nil, err
		}
	}
	for round := range o.AdaptRounds {
		if err := adaptRound[T](ctx, f, ds, a, phi, batch, round, rng); err != nil {
			return nil, err
		}
	}
	return a, a.Check()
}

// adaptRound runs one round of the network's adaptation to encoder a (AmortiseOptions): θ
// trained on the training segments reconstructed from a's outputs, the training values
// re-optimised from a's and stored in f, a re-tuned on segments simulated around them.
func adaptRound[T model.Float](ctx context.Context, f *Fitted, ds *data.Dataset, a *model.Amortiser, phi []float64, batch, round int, rng *rand.Rand) error {
	o := &f.Config.Train.Amortise
	m, err := f.Model()
	if err != nil {
		return err
	}
	c := &m.Cfg
	D, N := c.D, c.N
	n := len(f.Train)
	if f.G() != n {
		return fmt.Errorf("train.amortise.adapt_rounds: embeddings tied by %q are one per value, not one per segment as the encoder gives them; adapt without train.tie_embeddings", f.Config.Train.TieEmbeddings)
	}
	// The encoder is frozen while θ adapts, so every training segment's embedding and initial
	// state are fixed for the round: one pass over all of them.
	E, X0, err := encode(a, c, ds, f.Train)
	if err != nil {
		return err
	}
	pass := model.NewPass[T](m)
	st := stage[T](ds, f.Train, c.I > 0)
	theta := convert[T](f.Theta)
	gTheta := make([]T, len(theta))
	ll := model.NewLocalLayout(c, batch, batch)
	local := make([]T, ll.Size)
	gLocal := make([]T, ll.Size)
	adam := NewAdam(len(theta), 0.9, 0.999, 1e-8)
	slots := seq(0, batch)
	var bt model.Batch[T]
	for step := range o.AdaptSteps {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := rng.Perm(n)[:batch]
		st.fill(&bt, c, rows, slots, slots)
		for k, r := range rows {
			var x0 []float64
			if X0 != nil {
				x0 = X0[r*N : (r+1)*N]
			}
			setLocal(local, &ll, k, E[r*D:(r+1)*D], x0)
		}
		if _, err := pass.Forward(theta, local, &ll, &bt); err != nil {
			return err
		}
		clear(gTheta)
		clear(gLocal)
		pass.Backward(theta, local, &ll, &bt, gTheta, gLocal)
		// Clipped as the fit's steps are (train.clip_norm): θ leaves the fit's optimum here.
		clip(f.Config.Train.ClipNorm, gTheta)
		Update(adam, o.scheduled(o.AdaptLR, step, o.AdaptSteps), theta, gTheta)
	}
	for i, v := range theta {
		f.Theta[i] = float64(v)
	}

	// The training segments' values for the adapted network, from the encoder's: warm starts,
	// analyses and the simulator below use them.
	fitted, err := Refine(f, ds, f.Train, E, X0, 100)
	if err != nil {
		return err
	}
	copy(f.Embeddings, fitted.Embeddings)
	if f.X0 != nil {
		copy(f.X0, fitted.X0)
	}
	slog.Info("amortised encoder: network adapted", "round", round+1, "of", o.AdaptRounds, "r2_train_from_encoder", fitted.R2)

	sim, err := newSimulator[T](f, ds, fittedValues(f, ds, a.Out), o.Spread, o.Neighbours, rng)
	if err != nil {
		return err
	}
	return tuneAmortiser(ctx, f, ds, a, phi, sim, batch, o.AdaptSteps, rng)
}

// fittedValues returns, per training segment of f, the values the encoder is to emit: its
// fitted embedding, followed with learned initial states by its x₀ (len(f.Train)×out).
func fittedValues(f *Fitted, ds *data.Dataset, out int) []float64 {
	D, N := f.Config.Model.D, f.Config.Model.N
	target := make([]float64, len(f.Train)*out)
	for i, s := range f.Train {
		g, _ := f.EmbeddingOf(ds, s)
		copy(target[i*out:], f.Embedding(g))
		if out > D {
			copy(target[i*out+D:], f.X0[i*N:(i+1)*N])
		}
	}
	return target
}

// regression trains an encoder by Adam on the squared error between its outputs and given
// targets, each output scaled by the encoder's output scale s. The embedding's D outputs and
// the initial state's N outputs are averaged apart and weighted equally,
//
//	loss = mean over the batch of [ (1/D) Σ_{j<D} r_j² + (1/N) Σ_{j≥D} r_j² ] / 2,  r = (out − target) / s,
//
// (without initial-state outputs, the first mean alone): a plain mean over the D+N outputs
// would give the N ≫ D initial-state values nearly all the weight, when the reconstruction
// depends on the embedding most.
type regression struct {
	a     *model.Amortiser
	d     int // D, the embedding's outputs
	tapes []model.Tape
	grad  []float64
	adam  *Adam
	out   []float64
	noisy []float64
	dOut  []float64
}

func newRegression(a *model.Amortiser, D, batch int) *regression {
	np := a.NumParams()
	return &regression{a: a, d: D, tapes: make([]model.Tape, batch), grad: make([]float64, np),
		adam: NewAdam(np, 0.9, 0.999, 1e-8), out: make([]float64, a.Out),
		noisy: make([]float64, a.Features()), dOut: make([]float64, a.Out)}
}

// weight returns the loss weight of output j.
func (r *regression) weight(j int) float64 {
	if r.a.Out == r.d {
		return 1 / float64(r.d)
	}
	if j < r.d {
		return 0.5 / float64(r.d)
	}
	return 0.5 / float64(r.a.Out-r.d)
}

// gradient sets r.grad to the gradient of the loss over rows of phi (raw features, rows of
// width F) against the same rows of target (width Out), each feature row jittered by noise,
// and returns the loss.
func (r *regression) gradient(phi, target []float64, rows []int, noise float64, rng *rand.Rand) float64 {
	a, F := r.a, r.a.Features()
	clear(r.grad)
	var loss float64
	nb := float64(len(rows))
	for k, i := range rows {
		a.Forward(r.out, jitter(r.noisy, phi[i*F:(i+1)*F], a, noise, rng), &r.tapes[k])
		for j, v := range r.out {
			e := (v - target[i*a.Out+j]) / a.OutStd[j]
			w := r.weight(j) / nb
			loss += w * e * e
			r.dOut[j] = w * 2 * e / a.OutStd[j]
		}
		a.Backward(r.grad, r.dOut, &r.tapes[k])
	}
	return loss
}

// step takes one Adam step of r.gradient and returns the loss before it.
func (r *regression) step(phi, target []float64, rows []int, o *AmortiseOptions, lr float64, rng *rand.Rand) float64 {
	loss := r.gradient(phi, target, rows, o.FeatureNoise, rng)
	Update(r.adam, lr, r.a.Params, r.grad)
	return loss
}

// jitter returns phi with N(0, (noise·σ_i)²) added to each feature i (σ the encoder's feature
// scale), written into dst; phi itself when noise is 0.
func jitter(dst, phi []float64, a *model.Amortiser, noise float64, rng *rand.Rand) []float64 {
	if noise == 0 {
		return phi
	}
	for i, v := range phi {
		dst[i] = v + noise*a.InStd[i]*rng.NormFloat64()
	}
	return dst
}

// tuneAmortiser runs the second stage: Adam on the encoder's parameters against the model's
// loss on minibatches of training segments, θ frozen; with a simulator, on minibatches it
// simulates instead.
func tuneAmortiser[T model.Float](ctx context.Context, f *Fitted, ds *data.Dataset, a *model.Amortiser, phi []float64, sim *simulator[T], batch, steps int, rng *rand.Rand) error {
	o := &f.Config.Train.Amortise
	m, err := f.Model()
	if err != nil {
		return err
	}
	c := &m.Cfg
	D, N, F := c.D, c.N, a.Features()
	n := len(f.Train)
	pass := model.NewPass[T](m)
	st := stage[T](ds, f.Train, c.I > 0)
	theta := convert[T](f.Theta)
	ll := model.NewLocalLayout(c, batch, batch)
	local := make([]T, ll.Size)
	gLocal := make([]T, ll.Size)
	tapes := make([]model.Tape, batch)
	grad := make([]float64, a.NumParams())
	adam := NewAdam(len(grad), 0.9, 0.999, 1e-8)
	out := make([]float64, a.Out)
	noisy := make([]float64, F)
	d := make([]float64, a.Out)
	slots := seq(0, batch)
	var own model.Batch[T]
	var simPhi, simTarget []float64
	if sim != nil {
		simPhi, simTarget = make([]float64, batch*F), make([]float64, batch*a.Out)
	}
	for step := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := rng.Perm(n)[:batch]
		bt, feat := &own, func(k int) []float64 { return phi[rows[k]*F : (rows[k]+1)*F] }
		if sim != nil {
			if err := sim.draw(rows, simTarget, func(b int, y []float64) error {
				return a.FeaturesOf(simPhi[b*F:(b+1)*F], y)
			}); err != nil {
				return err
			}
			bt, feat = &sim.bt, func(k int) []float64 { return simPhi[k*F : (k+1)*F] }
		} else {
			st.fill(bt, c, rows, slots, slots)
		}
		for k := range rows {
			a.Forward(out, jitter(noisy, feat(k), a, o.FeatureNoise, rng), &tapes[k])
			setLocal(local, &ll, k, out[:D], out[D:])
		}
		if _, err := pass.Forward(theta, local, &ll, bt); err != nil {
			return err
		}
		clear(gLocal)
		pass.Backward(theta, local, &ll, bt, nil, gLocal)
		clear(grad)
		for k := range rows {
			for j := range D {
				d[j] = float64(gLocal[k*D+j])
			}
			if ll.X0Off >= 0 {
				for j := range N {
					d[D+j] = float64(gLocal[ll.X0Off+k*N+j])
				}
			}
			a.Backward(grad, d, &tapes[k])
		}
		Update(adam, o.lr(step, steps), a.Params, grad)
	}
	return nil
}

// features returns the raw encoder features of segments idx, len(idx)×F.
func features(a *model.Amortiser, ds *data.Dataset, idx []int) ([]float64, error) {
	F := a.Features()
	phi := make([]float64, len(idx)*F)
	for i, s := range idx {
		if err := a.FeaturesOf(phi[i*F:(i+1)*F], ds.Segment(s)); err != nil {
			return nil, fmt.Errorf("%s: segment %d: %w (train.amortise.bins %d, windows %d)", name(ds), s, err, a.Bins, a.Windows)
		}
	}
	return phi, nil
}

// standardise returns the mean and standard deviation of each column of x (rows of width w);
// a constant column gets scale 1, so that it passes through unscaled instead of dividing by 0.
func standardise(x []float64, w int) (mean, std []float64) {
	n := len(x) / w
	mean, std = make([]float64, w), make([]float64, w)
	for i := 0; i < n; i++ {
		for j, v := range x[i*w : (i+1)*w] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j, v := range x[i*w : (i+1)*w] {
			std[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n))
		if !(std[j] > 1e-8*(1+math.Abs(mean[j]))) {
			std[j] = 1
		}
	}
	return mean, std
}

// Encode returns the encoder's embeddings (len(idx)×D) and, with learned initial states, its
// initial states (len(idx)×N, nil otherwise) for segments idx of ds: one pass each.
func Encode(f *Fitted, ds *data.Dataset, idx []int) (E, X0 []float64, err error) {
	if f.Amortiser == nil {
		return nil, nil, fmt.Errorf("the model has no amortised encoder: fit with train.amortise.bins > 0")
	}
	return encode(f.Amortiser, &f.Config.Model, ds, idx)
}

// encode is Encode with encoder a of a model of configuration c.
func encode(a *model.Amortiser, c *model.Config, ds *data.Dataset, idx []int) (E, X0 []float64, err error) {
	if ds.M != c.M {
		return nil, nil, fmt.Errorf("%s: %d neurons, the model was fitted to %d", name(ds), ds.M, c.M)
	}
	D, N := c.D, c.N
	E = make([]float64, len(idx)*D)
	if a.Out > D {
		X0 = make([]float64, len(idx)*N)
	}
	for _, s := range idx {
		if s < 0 || s >= ds.S {
			return nil, nil, fmt.Errorf("%s: segment %d out of range (%d segments)", name(ds), s, ds.S)
		}
	}
	// Chunks of segments through ForwardBatch: one matrix product per layer and chunk.
	const chunk = 256
	for lo := 0; lo < len(idx); lo += chunk {
		part := idx[lo:min(lo+chunk, len(idx))]
		phi, err := features(a, ds, part)
		if err != nil {
			return nil, nil, err
		}
		out := make([]float64, len(part)*a.Out)
		a.ForwardBatch(out, phi, len(part))
		for k := range part {
			i, o := lo+k, out[k*a.Out:(k+1)*a.Out]
			copy(E[i*D:(i+1)*D], o[:D])
			if X0 != nil {
				copy(X0[i*N:(i+1)*N], o[D:])
			}
		}
	}
	return E, X0, nil
}

// Refine runs `steps` Adam steps (train.amortise.refine_lr) on the embeddings and initial states of
// segments idx from the given start E (len(idx)×D), X0 (len(idx)×N, or nil without learned
// initial states), θ frozen, and returns the reconstruction; steps = 0 only predicts.
func Refine(f *Fitted, ds *data.Dataset, idx []int, E, X0 []float64, steps int) (*Inferred, error) {
	if steps == 0 {
		return Predict(f, ds, idx, E, X0)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return precisionOf(f.Config.DType).refine(f, ds, idx, E, X0, steps)
}

func refine[T model.Float](f *Fitted, ds *data.Dataset, idx []int, E, X0 []float64, steps int) (*Inferred, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	c := &m.Cfg
	ll := model.NewLocalLayout(c, len(idx), len(idx))
	if len(E) != len(idx)*c.D || (ll.X0Off >= 0 && len(X0) != len(idx)*c.N) {
		return nil, fmt.Errorf("refine: %d embedding and %d initial-state values for %d segments (D = %d, N = %d)", len(E), len(X0), len(idx), c.D, c.N)
	}
	local := append(append([]float64(nil), E...), X0...)[:ll.Size]
	rows := seq(0, len(idx))
	// optimiseLocal steps by train.infer_lr: a copy of f steps by refine_lr instead (model
	// files written before refine_lr existed read it as 0, and keep infer_lr).
	g := *f
	if lr := f.Config.Train.Amortise.RefineLR; lr > 0 {
		g.Config.Train.InferLR = lr
	}
	// A model fitted with train.align pulls the embeddings toward their anchors here too.
	pull, err := f.anchorPull(ds, idx)
	if err != nil {
		return nil, err
	}
	local, err = optimiseLocal[T](context.Background(), m, &g, ds, idx, &ll, local, rows, 0, steps, pull)
	if err != nil {
		return nil, err
	}
	res := &Inferred{Segments: idx, Embeddings: local[:len(E)]}
	if ll.X0Off >= 0 {
		res.X0 = local[ll.X0Off:]
	}
	err = predict[T](m, ds, f.Theta, &ll, local, idx, rows, rows, res)
	return res, err
}
