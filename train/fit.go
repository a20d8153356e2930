package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// Record is one epoch of training history.
type Record struct {
	Epoch int     `json:"epoch"`
	Step  int     `json:"step"`
	Loss  float64 `json:"loss"`
	// TrainR2 is the R² of the epoch's minibatch predictions (parameters moving during the
	// epoch, process noise on); HeldOutR2 is the validation R², NaN when not validated.
	TrainR2   float64 `json:"r2_train"`
	HeldOutR2 float64 `json:"r2_heldout"`
	LR        float64 `json:"lr"`
	Seconds   float64 `json:"seconds"`
}

// MarshalJSON writes a NaN held-out R² (an epoch without validation) as null.
func (r Record) MarshalJSON() ([]byte, error) {
	type plain Record
	var held *float64
	if !math.IsNaN(r.HeldOutR2) {
		held = &r.HeldOutR2
	}
	return json.Marshal(struct {
		plain
		HeldOutR2 *float64 `json:"r2_heldout"`
	}{plain(r), held})
}

// UnmarshalJSON reads null as a NaN held-out R².
func (r *Record) UnmarshalJSON(b []byte) error {
	type plain Record
	var v struct {
		plain
		HeldOutR2 *float64 `json:"r2_heldout"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Record(v.plain)
	r.HeldOutR2 = math.NaN()
	if v.HeldOutR2 != nil {
		r.HeldOutR2 = *v.HeldOutR2
	}
	return nil
}

// Reporter receives progress: Start once, Epoch after every epoch, Finish at the end.
type Reporter interface {
	Start(startEpoch, epochs int)
	Epoch(r Record)
	Finish()
}

// ErrInterrupted is returned by Fit when its context is cancelled; the checkpoint written
// then lets the fit resume exactly where it stopped.
var ErrInterrupted = errors.New("training interrupted; resume with --resume")

// Split returns the training and held-out dataset indices chosen by the configuration's seed.
func Split(cfg *Config, S int) (trainIdx, heldOut []int) {
	if cfg.Train.HeldOut == 0 || S < 2 {
		all := make([]int, S)
		for i := range all {
			all[i] = i
		}
		return all, nil
	}
	return data.SplitHeldOut(S, cfg.Train.HeldOut, cfg.Seed)
}

// groups returns the embedding row of each training segment, and the tied label's values
// (nil when untied).
func groups(cfg *Config, ds *data.Dataset, trainIdx []int) (rows []int, names []string, err error) {
	rows = make([]int, len(trainIdx))
	if cfg.Train.TieEmbeddings == "" {
		for i := range rows {
			rows[i] = i
		}
		return rows, nil, nil
	}
	vals, err := tieValues(cfg.Train.TieEmbeddings, ds)
	if err != nil {
		return nil, nil, fmt.Errorf("train.tie_embeddings: %w", err)
	}
	for i, s := range trainIdx {
		g := slices.Index(names, vals[s])
		if g < 0 {
			g = len(names)
			names = append(names, vals[s])
		}
		rows[i] = g
	}
	return rows, names, nil
}

// state is everything a checkpoint must hold for a resumed fit to repeat the uninterrupted
// one bit for bit.
type state[T model.Float] struct {
	theta, local         []T
	adamTheta, adamLocal *Adam
	epoch, step          int
	bestR2               float64
	bestTheta, bestLocal []T
	bestEpoch, bad       int
	history              []Record
}

// trainer holds one fit in element type T.
type trainer[T model.Float] struct {
	cfg      Config
	m        *model.Model
	ds       *data.Dataset
	trainIdx []int
	heldIdx  []int
	embRows  []int
	names    []string
	ll       model.LocalLayout
	train    *staged[T]
	pass     *model.Pass[T]
	bt       model.Batch[T]
	st       *state[T]
}

func newTrainer[T model.Float](cfg Config, ds *data.Dataset) (*trainer[T], error) {
	cfg.Model.M = ds.M
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Model.I > 0 && cfg.Model.I != ds.I {
		return nil, fmt.Errorf("%s: the model takes %d inputs, the data has %d", ds.Source, cfg.Model.I, ds.I)
	}
	m, err := model.New(cfg.Model)
	if err != nil {
		return nil, err
	}
	tr := &trainer[T]{cfg: cfg, m: m, ds: ds}
	tr.trainIdx, tr.heldIdx = Split(&cfg, ds.S)
	if tr.embRows, tr.names, err = groups(&cfg, ds, tr.trainIdx); err != nil {
		return nil, err
	}
	G := len(tr.trainIdx)
	if tr.names != nil {
		G = len(tr.names)
	}
	tr.ll = model.NewLocalLayout(&cfg.Model, G, len(tr.trainIdx))
	tr.train = stage[T](ds, tr.trainIdx, cfg.Model.I > 0)
	tr.pass = model.NewPass[T](m)
	return tr, nil
}

// init draws the initial parameters from the seed.
func (tr *trainer[T]) init() {
	rng := rand.New(rand.NewPCG(tr.cfg.Seed, 0x6a656469)) // "jedi"
	st := &state[T]{
		theta:  make([]T, tr.m.Layout.Size),
		local:  make([]T, tr.ll.Size),
		bestR2: math.Inf(-1),
	}
	model.Init(st.theta, &tr.m.Cfg, &tr.m.Layout, rng)
	model.InitLocal(st.local, &tr.ll, rng)
	o := &tr.cfg.Train
	st.adamTheta = NewAdam(len(st.theta), o.Beta1, o.Beta2, o.Eps)
	st.adamLocal = NewAdam(len(st.local), o.Beta1, o.Beta2, o.Eps)
	tr.st = st
}

func (tr *trainer[T]) stepsPerEpoch() int {
	return (len(tr.trainIdx) + tr.cfg.Train.BatchSize - 1) / tr.cfg.Train.BatchSize
}

// epoch runs one pass over the training segments in the order drawn for this epoch.
func (tr *trainer[T]) epoch(ctx context.Context) (Record, error) {
	st, o := tr.st, &tr.cfg.Train
	order := make([]int, len(tr.trainIdx))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(tr.cfg.Seed, uint64(st.epoch)+1))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	acc, err := metrics.NewR2Acc(tr.m.Cfg.M)
	if err != nil {
		return Record{}, err
	}
	gTheta := make([]T, len(st.theta))
	gLocal := make([]T, len(st.local))
	total := tr.stepsPerEpoch() * o.Epochs
	var lossSum float64
	var lr float64
	emb := make([]int, 0, o.BatchSize)
	for lo := 0; lo < len(order); lo += o.BatchSize {
		if err := ctx.Err(); err != nil {
			return Record{}, err
		}
		rows := order[lo:min(lo+o.BatchSize, len(order))]
		emb = emb[:0]
		for _, r := range rows {
			emb = append(emb, tr.embRows[r])
		}
		tr.train.fill(&tr.bt, &tr.m.Cfg, rows, emb, rows)
		tr.bt.Noise = tr.m.Cfg.NoiseStd > 0
		tr.bt.NoiseSeed = tr.cfg.Seed ^ uint64(st.step)*0x9e3779b97f4a7c15
		loss, err := tr.pass.Forward(st.theta, st.local, &tr.ll, &tr.bt)
		if err != nil {
			return Record{}, err
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return Record{}, fmt.Errorf("training diverged at epoch %d, step %d (loss %v); lower train.learning_rate", st.epoch, st.step, loss)
		}
		lossSum += loss * float64(len(rows))
		if err := addR2(acc, tr.pass, &tr.bt); err != nil {
			return Record{}, err
		}
		clear(gTheta)
		clear(gLocal)
		tr.pass.Backward(st.theta, st.local, &tr.ll, &tr.bt, gTheta, gLocal)
		clip(o.ClipNorm, gTheta, gLocal)
		lr = o.learningRate(st.step, total)
		Update(st.adamTheta, lr, st.theta, gTheta)
		Update(st.adamLocal, lr*o.LocalLRScale, st.local, gLocal)
		st.step++
	}
	st.epoch++
	return Record{Epoch: st.epoch, Step: st.step, Loss: lossSum / float64(len(order)),
		TrainR2: acc.Value(), HeldOutR2: math.NaN(), LR: lr}, nil
}

// fitted returns the current (or best) parameters as a Fitted.
func (tr *trainer[T]) fitted(best bool) *Fitted {
	st := tr.st
	theta, local := st.theta, st.local
	if best && st.bestTheta != nil {
		theta, local = st.bestTheta, st.bestLocal
	}
	f := &Fitted{Config: tr.cfg, Theta: toF64(theta), Train: tr.trainIdx, HeldOut: tr.heldIdx,
		Groups: tr.names, Epochs: st.epoch, Steps: st.step}
	l64 := toF64(local)
	f.Embeddings = l64[:tr.ll.G*tr.ll.D]
	if tr.ll.X0Off >= 0 {
		f.X0 = l64[tr.ll.X0Off:]
	}
	return f
}

// validate infers the held-out segments' embeddings with θ frozen and returns their R².
func (tr *trainer[T]) validate() (float64, error) {
	f := tr.fitted(false)
	res, err := inferR2[T](f, tr.ds, tr.heldIdx, tr.cfg.Train.ValInferSteps, nil)
	if err != nil {
		return 0, err
	}
	return res.R2, nil
}

// Options for Fit beyond the configuration.
type FitOptions struct {
	// Dir is the run directory: config, split, checkpoints, history and the model go there.
	Dir string
	// Resume continues from Dir's checkpoint instead of starting afresh.
	Resume   bool
	Reporter Reporter
}

// Fit trains a model on ds with cfg and writes the run directory. It returns the best model
// (by held-out R² when validating, else the last). Cancelling ctx writes a checkpoint and
// returns ErrInterrupted.
func Fit(ctx context.Context, cfg Config, ds *data.Dataset, opt FitOptions) (*Fitted, error) {
	if cfg.DType == "float64" {
		return fit[float64](ctx, cfg, ds, opt)
	}
	return fit[float32](ctx, cfg, ds, opt)
}

func fit[T model.Float](ctx context.Context, cfg Config, ds *data.Dataset, opt FitOptions) (*Fitted, error) {
	tr, err := newTrainer[T](cfg, ds)
	if err != nil {
		return nil, err
	}
	run := &runDir{path: opt.Dir}
	if opt.Resume {
		if err := loadCheckpoint(run, tr); err != nil {
			return nil, err
		}
	} else {
		if err := startRun(run, tr); err != nil {
			return nil, err
		}
		tr.init()
	}
	o := &tr.cfg.Train
	rep := opt.Reporter
	if rep == nil {
		rep = nopReporter{}
	}
	rep.Start(tr.st.epoch, o.Epochs)
	defer rep.Finish()
	begin := time.Now()
	for tr.st.epoch < o.Epochs {
		rec, err := tr.epoch(ctx)
		if err != nil {
			if ctx.Err() != nil {
				if cerr := saveCheckpoint(run, tr); cerr != nil {
					return nil, cerr
				}
				return nil, ErrInterrupted
			}
			return nil, err
		}
		stop := false
		if o.ValEvery > 0 && len(tr.heldIdx) > 0 && (rec.Epoch%o.ValEvery == 0 || rec.Epoch == o.Epochs) {
			if rec.HeldOutR2, err = tr.validate(); err != nil {
				return nil, err
			}
			st := tr.st
			if rec.HeldOutR2 > st.bestR2 {
				st.bestR2, st.bestEpoch, st.bad = rec.HeldOutR2, rec.Epoch, 0
				st.bestTheta = append(st.bestTheta[:0], st.theta...)
				st.bestLocal = append(st.bestLocal[:0], st.local...)
			} else {
				st.bad++
				stop = o.Patience > 0 && st.bad >= o.Patience
			}
		}
		rec.Seconds = time.Since(begin).Seconds()
		tr.st.history = append(tr.st.history, rec)
		rep.Epoch(rec)
		if rec.Epoch%o.CheckpointEvery == 0 || stop || rec.Epoch == o.Epochs {
			if err := saveCheckpoint(run, tr); err != nil {
				return nil, err
			}
		}
		if stop {
			break
		}
	}
	f := tr.fitted(true)
	if err := finishRun(run, tr, f); err != nil {
		return nil, err
	}
	return f, nil
}

type nopReporter struct{}

func (nopReporter) Start(int, int) {}
func (nopReporter) Epoch(Record)   {}
func (nopReporter) Finish()        {}
