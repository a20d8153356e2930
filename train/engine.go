package train

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/model"
)

// Problem is a model as the optimisation engine sees it: shared parameters θ, local
// parameters (per segment or per group; may be empty), and the loss of a minibatch of
// training segments with its gradient. JEDI and every baseline of package compare are trained
// by the same engine through this interface, so they share the minibatch order, the schedule,
// clipping, Adam, validation and early stopping.
type Problem[T model.Float] interface {
	// Step evaluates the minibatch rows (positions 0…n−1 in the training set) at (θ, local),
	// adds its predictions of the valid bins to acc, and writes the gradient of the returned
	// loss into gTheta and gLocal, which the engine has zeroed. noiseSeed seeds any
	// randomness of the step (process noise, a VAE's reparameterisation), so that a run is
	// repeatable.
	Step(theta, local []T, rows []int, noiseSeed uint64, acc *metrics.R2Acc, gTheta, gLocal []T) (float64, error)
}

// Validator scores parameters on the held-out segments (R², higher is better).
type Validator[T model.Float] func(theta, local []T) (float64, error)

// engine is the optimisation state of one fit: everything a checkpoint must hold for a
// resumed fit to repeat the uninterrupted one bit for bit.
type engine[T model.Float] struct {
	theta, local         []T
	adamTheta, adamLocal *Adam
	epoch, step          int
	bestR2               float64
	bestTheta, bestLocal []T
	bestEpoch, bad       int
	history              []Record
}

// newEngine starts the optimisation of θ and local (taken, not copied) with fresh Adam state.
func newEngine[T model.Float](o *Options, theta, local []T) *engine[T] {
	return &engine[T]{
		theta: theta, local: local, bestR2: math.Inf(-1),
		adamTheta: NewAdam(len(theta), o.Beta1, o.Beta2, o.Eps),
		adamLocal: NewAdam(len(local), o.Beta1, o.Beta2, o.Eps),
	}
}

// loop is the engine's run: epochs of seeded minibatches over n training segments until
// o.Epochs, validating every o.ValEvery epochs (when validate is non-nil) and keeping the best
// parameters, stopping early after o.Patience validations without improvement. checkpoint,
// when non-nil, is called every o.CheckpointEvery epochs, at the end, and on cancellation,
// which returns ErrInterrupted.
func (e *engine[T]) loop(ctx context.Context, o *Options, seed uint64, n, M int, p Problem[T], validate Validator[T], rep Reporter, checkpoint func() error) error {
	if rep == nil {
		rep = nopReporter{}
	}
	rep.Start(e.epoch, o.Epochs)
	defer rep.Finish()
	begin := time.Now()
	for e.epoch < o.Epochs {
		rec, err := e.runEpoch(ctx, o, seed, n, M, p)
		if err != nil {
			if ctx.Err() != nil {
				if checkpoint != nil {
					if cerr := checkpoint(); cerr != nil {
						return cerr
					}
				}
				return ErrInterrupted
			}
			return err
		}
		stop := false
		if validate != nil && o.ValEvery > 0 && (rec.Epoch%o.ValEvery == 0 || rec.Epoch == o.Epochs) {
			if rec.HeldOutR2, err = validate(e.theta, e.local); err != nil {
				return err
			}
			if rec.HeldOutR2 > e.bestR2 {
				e.bestR2, e.bestEpoch, e.bad = rec.HeldOutR2, rec.Epoch, 0
				e.bestTheta = append(e.bestTheta[:0], e.theta...)
				e.bestLocal = append(e.bestLocal[:0], e.local...)
			} else {
				e.bad++
				stop = o.Patience > 0 && e.bad >= o.Patience
			}
		}
		rec.Seconds = time.Since(begin).Seconds()
		e.history = append(e.history, rec)
		rep.Epoch(rec)
		if checkpoint != nil && (rec.Epoch%o.CheckpointEvery == 0 || stop || rec.Epoch == o.Epochs) {
			if err := checkpoint(); err != nil {
				return err
			}
		}
		if stop {
			break
		}
	}
	return nil
}

// runEpoch runs one pass over the n training segments in the order drawn for this epoch.
func (e *engine[T]) runEpoch(ctx context.Context, o *Options, seed uint64, n, M int, p Problem[T]) (Record, error) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, uint64(e.epoch)+1))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	acc, err := metrics.NewR2Acc(M)
	if err != nil {
		return Record{}, err
	}
	gTheta := make([]T, len(e.theta))
	gLocal := make([]T, len(e.local))
	total := stepsPerEpoch(n, o.BatchSize) * o.Epochs
	var lossSum, lr float64
	for lo := 0; lo < len(order); lo += o.BatchSize {
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		rows := order[lo:min(lo+o.BatchSize, len(order))]
		clear(gTheta)
		clear(gLocal)
		loss, err := p.Step(e.theta, e.local, rows, seed^uint64(e.step)*0x9e3779b97f4a7c15, acc, gTheta, gLocal)
		if err != nil {
			return Record{}, err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return Record{}, fmt.Errorf("training diverged at epoch %d, step %d (loss %v); lower train.learning_rate", e.epoch, e.step, loss)
		}
		lossSum += loss * float64(len(rows))
		clip(o.ClipNorm, gTheta, gLocal)
		lr = o.learningRate(e.step, total)
		Update(e.adamTheta, lr, e.theta, gTheta)
		Update(e.adamLocal, lr*o.LocalLRScale, e.local, gLocal)
		e.step++
	}
	e.epoch++
	return Record{Epoch: e.epoch, Step: e.step, Loss: lossSum / float64(n),
		TrainR2: acc.Value(), HeldOutR2: math.NaN(), LR: lr}, nil
}

func stepsPerEpoch(n, batch int) int { return (n + batch - 1) / batch }

// best returns the best validated parameters, or the current ones when none was validated.
func (e *engine[T]) best() (theta, local []T) {
	if e.bestTheta != nil {
		return e.bestTheta, e.bestLocal
	}
	return e.theta, e.local
}

// Optimized is the result of Optimize.
type Optimized[T model.Float] struct {
	// Theta and Local are the best parameters by validation (the last without validation).
	Theta, Local []T
	// BestR2 is their held-out R² (−Inf without validation); BestEpoch the epoch it was reached.
	BestR2    float64
	BestEpoch int
	History   []Record
}

// Optimize trains a Problem over n training segments of M neurons with the options o and the
// seed, starting from θ and local (updated in place), exactly as Fit trains JEDI but without a
// run directory: it is the engine the baselines share with JEDI.
func Optimize[T model.Float](ctx context.Context, o Options, seed uint64, n, M int, p Problem[T], theta, local []T, validate Validator[T], rep Reporter) (*Optimized[T], error) {
	if n < 1 {
		return nil, fmt.Errorf("optimize: no training segments")
	}
	e := newEngine(&o, theta, local)
	if err := e.loop(ctx, &o, seed, n, M, p, validate, rep, nil); err != nil {
		return nil, err
	}
	th, lo := e.best()
	return &Optimized[T]{Theta: th, Local: lo, BestR2: e.bestR2, BestEpoch: e.bestEpoch, History: e.history}, nil
}
