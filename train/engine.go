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
// resumed fit to repeat the uninterrupted one bit for bit, wherever it was stopped. A fit is
// stopped only between two minibatch steps or between an epoch's last step and its validation,
// and the state then is complete: the position inside the epoch (pos, with the partial epoch's
// loss sum, step size and R² accumulator) or an epoch awaiting validation (pending).
type engine[T model.Float] struct {
	theta, local         []T
	adamTheta, adamLocal *Adam
	epoch, step          int
	// pos is the number of the current epoch's training segments already stepped over (0 at
	// an epoch boundary); lossSum, lr and acc are that partial epoch's loss sum, last step
	// size and R² accumulator (acc is nil when pos is 0).
	pos         int
	lossSum, lr float64
	acc         *metrics.R2Acc
	// pending is an epoch whose steps are done but which is not yet validated and recorded.
	pending *Record
	// startLoss is the initial parameters' mean loss over the training segments: the
	// reference for telling a diverging fit (0 until measured).
	startLoss            float64
	bestR2               float64
	bestTheta, bestLocal []T
	bestEpoch, bad       int
	history              []Record
}

// divergeFactor is how far above its start (the initial parameters' mean loss over all
// training segments) an epoch's mean loss may rise before the fit is stopped as diverged. A fit
// that works lowers its loss from the start; one whose step size is too large rises orders of
// magnitude above it (learning rate 10 on the multi-task teacher: 84× in the first epoch, and a
// training R² of −6,747 had it gone on), long before the loss becomes infinite.
const divergeFactor = 10

// testHook, when not nil, is called at the points where a fit can be stopped: "step" after
// every minibatch step, "validate" at every inference step of a validation, "checkpoint"
// while a checkpoint is being written. Tests set it to interrupt or crash fits at random
// points; it is nil otherwise.
var testHook func(point string)

func hook(point string) {
	if testHook != nil {
		testHook(point)
	}
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
// which returns ErrInterrupted. Cancellation is seen between minibatch steps and by validate
// (which returns an error once ctx is done); the checkpoint then holds the position inside the
// epoch, so that a resumed loop continues with exactly the steps the uninterrupted one took.
func (e *engine[T]) loop(ctx context.Context, o *Options, seed uint64, n, M int, p Problem[T], validate Validator[T], rep Reporter, checkpoint func() error) error {
	if rep == nil {
		rep = nopReporter{}
	}
	interrupted := func() error {
		if checkpoint != nil {
			if err := checkpoint(); err != nil {
				return err
			}
		}
		return ErrInterrupted
	}
	rep.Start(e.epoch, o.Epochs)
	defer rep.Finish()
	// Seconds run on from the interrupted run's last record.
	begin := time.Now()
	if k := len(e.history); k > 0 {
		begin = begin.Add(-time.Duration(e.history[k-1].Seconds * float64(time.Second)))
	}
	if e.step == 0 && e.startLoss == 0 {
		if err := e.measureStart(ctx, o, seed, n, M, p); err != nil {
			if ctx.Err() != nil {
				return interrupted()
			}
			return err
		}
	}
	for e.epoch < o.Epochs || e.pending != nil {
		if e.pending == nil {
			if err := e.runEpoch(ctx, o, seed, n, M, p); err != nil {
				if ctx.Err() != nil {
					return interrupted()
				}
				return err
			}
		}
		rec := *e.pending
		if e.startLoss > 0 && rec.Loss > divergeFactor*e.startLoss {
			return fmt.Errorf("training diverged: the mean loss of epoch %d is %.4g, %.0f× the initial model's %.4g; %s",
				rec.Epoch, rec.Loss, rec.Loss/e.startLoss, e.startLoss, remedy(o))
		}
		stop := false
		if validate != nil && o.ValEvery > 0 && (rec.Epoch%o.ValEvery == 0 || rec.Epoch == o.Epochs) {
			r2, err := validate(e.theta, e.local)
			if err != nil {
				if ctx.Err() != nil {
					return interrupted()
				}
				return fmt.Errorf("validation after epoch %d: %w", rec.Epoch, err)
			}
			rec.HeldOutR2 = r2
			if r2 > e.bestR2 {
				e.bestR2, e.bestEpoch, e.bad = r2, rec.Epoch, 0
				e.bestTheta = append(e.bestTheta[:0], e.theta...)
				e.bestLocal = append(e.bestLocal[:0], e.local...)
			} else {
				e.bad++
				stop = o.Patience > 0 && e.bad >= o.Patience
			}
		}
		rec.Seconds = time.Since(begin).Seconds()
		e.history = append(e.history, rec)
		e.pending = nil
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

// remedy says what to change when a fit diverges.
func remedy(o *Options) string {
	s := fmt.Sprintf("lower train.learning_rate (now %g)", o.LearningRate)
	if o.ClipNorm == 0 {
		s += " or set train.clip_norm (now 0: no clipping; the default is 1)"
	}
	return s + ", and check that the activity is near unit scale (the recipe's normalisation)"
}

// measureStart sets e.startLoss to the mean loss of the initial parameters over the n training
// segments, in the first epoch's minibatches, without updating anything. A single minibatch
// would not do: with small batches and segments of unequal variance, its loss can be far below
// the mean, and a working fit would look diverged.
func (e *engine[T]) measureStart(ctx context.Context, o *Options, seed uint64, n, M int, p Problem[T]) error {
	order := e.order(seed, n)
	acc, err := metrics.NewR2Acc(M)
	if err != nil {
		return err
	}
	gTheta := make([]T, len(e.theta))
	gLocal := make([]T, len(e.local))
	var sum float64
	for lo := 0; lo < n; lo += o.BatchSize {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := order[lo:min(lo+o.BatchSize, n)]
		loss, err := p.Step(e.theta, e.local, rows, seed^uint64(lo)*0x9e3779b97f4a7c15, acc, gTheta, gLocal)
		if err != nil {
			return err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fmt.Errorf("the initial model's loss is %v: check that the activity is finite and near unit scale", loss)
		}
		sum += loss * float64(len(rows))
	}
	e.startLoss = sum / float64(n)
	return nil
}

// order returns the training rows in the order drawn for the current epoch.
func (e *engine[T]) order(seed uint64, n int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, uint64(e.epoch)+1))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

// runEpoch runs the current epoch's remaining minibatches (from e.pos) over the n training
// segments in the order drawn for it; when they are done the epoch becomes e.pending.
func (e *engine[T]) runEpoch(ctx context.Context, o *Options, seed uint64, n, M int, p Problem[T]) error {
	order := e.order(seed, n)
	if e.pos == 0 {
		acc, err := metrics.NewR2Acc(M)
		if err != nil {
			return err
		}
		e.acc, e.lossSum, e.lr = acc, 0, 0
	}
	gTheta := make([]T, len(e.theta))
	gLocal := make([]T, len(e.local))
	total := stepsPerEpoch(n, o.BatchSize) * o.Epochs
	for e.pos < n {
		if err := ctx.Err(); err != nil {
			return err
		}
		rows := order[e.pos:min(e.pos+o.BatchSize, n)]
		clear(gTheta)
		clear(gLocal)
		loss, err := p.Step(e.theta, e.local, rows, seed^uint64(e.step)*0x9e3779b97f4a7c15, e.acc, gTheta, gLocal)
		if err != nil {
			return err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return fmt.Errorf("training diverged at epoch %d, step %d (loss %v, non-finite predictions); %s", e.epoch+1, e.step, loss, remedy(o))
		}
		e.lossSum += loss * float64(len(rows))
		clip(o.ClipNorm, gTheta, gLocal)
		e.lr = o.learningRate(e.step, total)
		Update(e.adamTheta, e.lr, e.theta, gTheta)
		Update(e.adamLocal, e.lr*o.LocalLRScale, e.local, gLocal)
		e.step++
		e.pos += len(rows)
		hook("step")
	}
	e.epoch++
	e.pending = &Record{Epoch: e.epoch, Step: e.step, Loss: e.lossSum / float64(n),
		TrainR2: e.acc.Value(), HeldOutR2: math.NaN(), LR: e.lr}
	e.pos, e.acc, e.lossSum, e.lr = 0, nil, 0, 0
	return nil
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
