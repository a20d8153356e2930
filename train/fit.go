package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/runlock"
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

// MarshalJSON writes an undefined R² (NaN: an epoch without validation, or constant
// activity) as null: JSON has no NaN.
func (r Record) MarshalJSON() ([]byte, error) {
	type plain Record
	return json.Marshal(struct {
		plain
		TrainR2   *float64 `json:"r2_train"`
		HeldOutR2 *float64 `json:"r2_heldout"`
	}{plain(r), finiteOrNil(r.TrainR2), finiteOrNil(r.HeldOutR2)})
}

func finiteOrNil(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// UnmarshalJSON reads null as a NaN R².
func (r *Record) UnmarshalJSON(b []byte) error {
	type plain Record
	var v struct {
		plain
		TrainR2   *float64 `json:"r2_train"`
		HeldOutR2 *float64 `json:"r2_heldout"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*r = Record(v.plain)
	r.TrainR2, r.HeldOutR2 = math.NaN(), math.NaN()
	if v.TrainR2 != nil {
		r.TrainR2 = *v.TrainR2
	}
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
	if cfg.Train.TieEmbeddings == "" {
		rows = make([]int, len(trainIdx))
		for i := range rows {
			rows[i] = i
		}
		return rows, nil, nil
	}
	vals, err := tieValues(cfg.Train.TieEmbeddings, ds)
	if err != nil {
		return nil, nil, fmt.Errorf("train.tie_embeddings: %w", err)
	}
	names, rows = codeFirstSeen(vals, trainIdx)
	return rows, names, nil
}

// codeFirstSeen numbers the values vals[s] of the segments idx in the order they first appear
// there: codes[i] is the position of vals[idx[i]] in names.
func codeFirstSeen(vals []string, idx []int) (names []string, codes []int) {
	codes = make([]int, len(idx))
	for i, s := range idx {
		c := slices.Index(names, vals[s])
		if c < 0 {
			c = len(names)
			names = append(names, vals[s])
		}
		codes[i] = c
	}
	return names, codes
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
	emb      []int // scratch: the embedding rows of a minibatch
	r2       r2Adder
	// align and anchors are the alignment (train.align) and each training segment's anchor,
	// nil when off.
	align   *Alignment
	anchors []float64
	st      *engine[T]
}

// newTrainer prepares a fit of cfg on ds. trainIdx and heldIdx, when trainIdx is non-nil, are
// the split to use; otherwise it is drawn by Split.
func newTrainer[T model.Float](cfg Config, ds *data.Dataset, trainIdx, heldIdx []int) (*trainer[T], error) {
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
	if trainIdx == nil {
		trainIdx, heldIdx = Split(&cfg, ds.S)
	} else if err := checkSplit(ds, trainIdx, heldIdx); err != nil {
		return nil, err
	}
	tr.trainIdx, tr.heldIdx = trainIdx, heldIdx
	if tr.embRows, tr.names, err = groups(&cfg, ds, tr.trainIdx); err != nil {
		return nil, err
	}
	G := len(tr.trainIdx)
	if tr.names != nil {
		G = len(tr.names)
	}
	tr.ll = model.NewLocalLayout(&cfg.Model, G, len(tr.trainIdx))
	if cfg.Train.Align.Factors > 0 {
		if tr.align, tr.anchors, err = fitAlignment(&cfg.Train.Align, ds, tr.trainIdx, cfg.Model.D); err != nil {
			return nil, err
		}
	}
	tr.train = stage[T](ds, tr.trainIdx, cfg.Model.I > 0)
	tr.pass = model.NewPass[T](m)
	return tr, nil
}

// init draws the initial parameters from the seed.
func (tr *trainer[T]) init() {
	rng := rand.New(rand.NewPCG(tr.cfg.Seed, 0x6a656469)) // "jedi"
	theta := make([]T, tr.m.Layout.Size)
	local := make([]T, tr.ll.Size)
	model.Init(theta, &tr.m.Cfg, &tr.m.Layout, rng)
	model.InitLocal(local, &tr.ll, rng)
	for i, a := range tr.anchors { // untied: training segment i has embedding row i
		local[i] = T(a)
	}
	tr.st = newEngine(&tr.cfg.Train, theta, local)
}

// Step is the JEDI model's minibatch loss and gradient (see Problem).
func (tr *trainer[T]) Step(theta, local []T, rows []int, noiseSeed uint64, acc *metrics.R2Acc, gTheta, gLocal []T) (float64, error) {
	setPhase(phaseTrain)
	tr.emb = tr.emb[:0]
	for _, r := range rows {
		tr.emb = append(tr.emb, tr.embRows[r])
	}
	tr.train.fill(&tr.bt, &tr.m.Cfg, rows, tr.emb, rows)
	tr.bt.Noise = tr.m.Cfg.NoiseStd > 0
	tr.bt.NoiseSeed = noiseSeed
	loss, err := tr.pass.Forward(theta, local, &tr.ll, &tr.bt)
	if err != nil {
		return 0, err
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		// Non-finite predictions: the engine stops with its divergence message, which says
		// what to change; the R² accumulator would only name the bin.
		return loss, nil
	}
	if err := addR2(&tr.r2, acc, tr.pass, &tr.bt, tr.train.observed(rows)); err != nil {
		return 0, err
	}
	tr.pass.Backward(theta, local, &tr.ll, &tr.bt, gTheta, gLocal)
	if tr.anchors != nil {
		loss += alignPenalty(tr.cfg.Train.Align.Weight, len(tr.emb), tr.ll.D, local, tr.emb, rows, tr.anchors, gLocal)
	}
	return loss, nil
}

// fitted returns the current (or best) parameters as a Fitted.
func (tr *trainer[T]) fitted(best bool) *Fitted {
	theta, local := tr.st.theta, tr.st.local
	if best {
		theta, local = tr.st.best()
	}
	return tr.fittedAt(theta, local)
}

// fittedAt returns parameters θ and local of this fit as a Fitted (copied to float64).
func (tr *trainer[T]) fittedAt(theta, local []T) *Fitted {
	st := tr.st
	f := &Fitted{Config: tr.cfg, Theta: toF64(theta), Train: tr.trainIdx, HeldOut: tr.heldIdx,
		Groups: tr.names, Epochs: st.epoch, Steps: st.step, Align: tr.align}
	l64 := toF64(local)
	f.Embeddings = l64[:tr.ll.G*tr.ll.D]
	if tr.ll.X0Off >= 0 {
		f.X0 = l64[tr.ll.X0Off:]
	}
	return f
}

// validate infers the held-out segments' embeddings with θ frozen at the parameters given (the
// engine's current ones) and returns their R²; it stops with ctx's error once ctx is done.
func (tr *trainer[T]) validate(ctx context.Context, theta, local []T) (float64, error) {
	setPhase(phaseValidate)
	f := tr.fittedAt(theta, local)
	res, err := inferR2[T](ctx, f, tr.ds, tr.heldIdx, tr.cfg.Train.ValInferSteps, nil)
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
	// Train and HeldOut, when Train is non-nil, are the dataset indices to train on and to
	// validate on, replacing the split drawn from train.heldout_fraction (segments in
	// neither are not used). Comparisons use this to fit several models on one split. A
	// resumed fit always reuses the split saved in the run directory.
	Train, HeldOut []int
	// Warn receives what looks wrong with the split or the finished fit (no held-out split
	// possible, R² worse than the mean); nil logs it with slog.Warn. (What looks wrong with the
	// data alone, such as activity far from unit scale, is data.Warnings'.)
	Warn func(msg string)
}

// checkSplit checks that a given split names distinct, valid segments of ds.
func checkSplit(ds *data.Dataset, trainIdx, heldIdx []int) error {
	if len(trainIdx) == 0 {
		return fmt.Errorf("split: no training segments")
	}
	seen := make(map[int]string, len(trainIdx)+len(heldIdx))
	for _, part := range []struct {
		name string
		idx  []int
	}{{"train", trainIdx}, {"heldout", heldIdx}} {
		for i, s := range part.idx {
			if s < 0 || s >= ds.S {
				return fmt.Errorf("split: %s[%d] = %d, want 0 ≤ segment < %d", part.name, i, s, ds.S)
			}
			if prev, ok := seen[s]; ok {
				return fmt.Errorf("split: %s[%d]: segment %d is already in %s", part.name, i, s, prev)
			}
			seen[s] = part.name
		}
	}
	return nil
}

// Fit trains a model on ds with cfg and writes the run directory. It returns the best model
// (by held-out R² when validating, else the last). Cancelling ctx writes a checkpoint and
// returns ErrInterrupted.
func Fit(ctx context.Context, cfg Config, ds *data.Dataset, opt FitOptions) (*Fitted, error) {
	return precisionOf(cfg.DType).fit(ctx, cfg, ds, opt)
}

func fit[T model.Float](ctx context.Context, cfg Config, ds *data.Dataset, opt FitOptions) (*Fitted, error) {
	warn := opt.Warn
	if warn == nil {
		warn = func(msg string) { slog.Warn(msg) }
	}
	// A configuration that cannot be fitted is refused before the run directory exists, so
	// that it leaves nothing behind.
	vc := cfg
	vc.Model.M = ds.M
	if err := vc.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := runlock.Acquire(opt.Dir)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	// Temporary files of writers that were killed: nobody else writes here while we hold the lock.
	if _, err := fsutil.RemoveTemps(opt.Dir); err != nil {
		return nil, err
	}
	trainIdx, heldIdx := opt.Train, opt.HeldOut
	if opt.Resume {
		if err := Resumable(opt.Dir); err != nil {
			return nil, err
		}
		ri, err := ReadRunInfo(opt.Dir)
		if err != nil {
			return nil, fmt.Errorf("--resume: %w", err)
		}
		if err := sameData(ri, ds, opt.Dir); err != nil {
			return nil, err
		}
		trainIdx, heldIdx = ri.Train, ri.HeldOut
	}
	tr, err := newTrainer[T](cfg, ds, trainIdx, heldIdx)
	if err != nil {
		return nil, err
	}
	if err := checkVariance(ds, tr.trainIdx); err != nil {
		return nil, err
	}
	if err := checkRange[T](ds, tr.trainIdx); err != nil {
		return nil, err
	}
	if err := checkRange[T](ds, tr.heldIdx); err != nil {
		return nil, err
	}
	if len(tr.heldIdx) == 0 && cfg.Train.HeldOut > 0 && opt.Train == nil {
		warn(fmt.Sprintf("%s has %d segment(s), too few for a held-out split (train.heldout_fraction %g): the fit is neither validated nor stopped early, and no held-out R² will be reported",
			name(ds), ds.S, cfg.Train.HeldOut))
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
	var validate Validator[T]
	if len(tr.heldIdx) > 0 {
		validate = func(theta, local []T) (float64, error) { return tr.validate(ctx, theta, local) }
	}
	defer setPhase("")
	checkpoint := func() error { return saveCheckpoint(run, tr) }
	if err := tr.st.loop(ctx, &tr.cfg.Train, tr.cfg.Seed, len(tr.trainIdx), tr.m.Cfg.M, tr, validate, opt.Reporter, checkpoint); err != nil {
		return nil, err
	}
	f := tr.fitted(true)
	if f.Config.Train.Amortise.Bins > 0 {
		if f.Amortiser, err = trainAmortiser[T](ctx, f, ds); err != nil {
			return nil, fmt.Errorf("amortised encoder: %w", err)
		}
	}
	if err := finishRun(run, tr, f); err != nil {
		return nil, err
	}
	for _, msg := range fitWarnings(&tr.cfg.Train, tr.st.history, tr.st.bestR2) {
		warn(msg)
	}
	return f, nil
}

// sameData refuses to resume run directory dir on a dataset other than the one it was started
// with: the split, the checkpoint and run.json's provenance would all describe another file.
func sameData(ri *RunInfo, ds *data.Dataset, dir string) error {
	if ri.DataSHA256 == "" || ds.Source == "" {
		return nil
	}
	sum, err := fsutil.FileSHA256(ds.Source)
	if err != nil {
		return err
	}
	if sum != ri.DataSHA256 {
		return fmt.Errorf("--resume: %s has SHA-256 %.12s…, but the run in %s was started on %s with SHA-256 %.12s… (%s); resume with that file, or start a new run with another --out",
			ds.Source, sum, dir, ri.Data, ri.DataSHA256, filepath.Join(dir, RunFile))
	}
	return nil
}

type nopReporter struct{}

func (nopReporter) Start(int, int) {}
func (nopReporter) Epoch(Record)   {}
func (nopReporter) Finish()        {}
