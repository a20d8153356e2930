package compare

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/plugins/noise"
	"github.com/jedi-neuro/jedi/train"
)

// Row is one model's line of the comparison.
type Row struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// R2Train is the R² of the training segments reconstructed with their trained (or, for the
	// VAEs, encoded) context, R2HeldOut that of the held-out segments reconstructed as the model
	// allows (see the package documentation); both variance-weighted over segments, bins and
	// neurons.
	R2Train   float64 `json:"r2_train"`
	R2HeldOut float64 `json:"r2_heldout"`
	// NoiseR2 is the training R² with Gaussian noise of k standard deviations added to each
	// dimension of the embeddings (VAEs: latent means), k = Table.NoiseScales[i], mean over
	// the repeats; nil for models without a per-segment embedding.
	NoiseR2 []float64 `json:"noise_r2,omitempty"`
	// FitSeconds is the wall time of training (validation included, final scoring excluded);
	// a fit resumed from a checkpoint counts only the resumed part.
	FitSeconds float64 `json:"fit_seconds"`
	// Params is the number of trained values (θ, embeddings, initial states); EffectiveParams
	// counts a hypernetwork whose embeddings are all tied as the weights it emits, since it
	// then is nothing but a parameterisation of one fixed W.
	Params          int `json:"params"`
	EffectiveParams int `json:"effective_params"`
	Epochs          int `json:"epochs"`
	// Note says how held-out segments were reconstructed.
	Note string `json:"note"`
}

// fitRun fits (or resumes, or loads) a JEDI-type model in dir on the given split.
func (e *env) fitRun(ctx context.Context, name, dir string, cfg train.Config, ds *data.Dataset, trainIdx, heldIdx []int) (*train.Fitted, float64, error) {
	if _, err := os.Stat(filepath.Join(dir, train.ModelFile)); err == nil {
		// Finished before an interruption of the scoring: its history has the time.
		f, err := train.LoadRun(dir)
		if err != nil {
			return nil, 0, err
		}
		h, err := train.ReadHistory(dir)
		if err != nil || len(h) == 0 {
			return f, 0, err
		}
		return f, h[len(h)-1].Seconds, nil
	}
	_, err := os.Stat(filepath.Join(dir, train.CheckpointFile))
	resume := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, 0, err
	}
	var f *train.Fitted
	secs, err := timed(func() error {
		var err error
		f, err = train.Fit(ctx, cfg, ds, train.FitOptions{Dir: dir, Resume: resume, Reporter: e.report(name),
			Train: trainIdx, HeldOut: heldIdx})
		return err
	})
	return f, secs, err
}

// params counts f's trained values and its effective parameters (see Row).
func params(f *train.Fitted) (trained, effective int) {
	trained = len(f.Theta) + len(f.Embeddings) + len(f.X0)
	if f.Groups == nil {
		return trained, trained
	}
	m, err := f.Model()
	if err != nil {
		return trained, trained
	}
	hyper := 0
	for _, i := range append(append([]int(nil), m.Layout.HyperW...), m.Layout.HyperB...) {
		hyper += m.Layout.Blocks[i].Size()
	}
	return trained, trained - hyper - len(f.Embeddings) + f.G()*m.Cfg.HyperOut()
}

// tiedConfig is the configuration of the context-free RNN baselines: every segment shares one
// embedding, at the baseline rank.
func (e *env) tiedConfig() train.Config {
	c := e.cfg.JEDI
	c.Train.TieEmbeddings = train.TieAll
	c.Model.Rank = e.cfg.BaselineRank
	c.Model.Hidden = append([]int(nil), c.Model.Hidden...)
	return c
}

func fitSingle(ctx context.Context, e *env, s spec) (*Row, error) {
	f, secs, err := e.fitRun(ctx, s.name, e.modelDir(s.name), e.tiedConfig(), e.ds, e.trainIdx, e.heldIdx)
	if err != nil {
		return nil, err
	}
	return e.rnnRow(f, e.ds, secs, "held-out: initial state inferred, the one W shared by all segments")
}

// rnnRow scores a fitted JEDI-type model on one dataset.
func (e *env) rnnRow(f *train.Fitted, ds *data.Dataset, secs float64, note string) (*Row, error) {
	tr, held, err := train.EvaluateSplit(f, ds, f.Config.Train.InferSteps)
	if err != nil {
		return nil, err
	}
	row := &Row{R2Train: tr.R2, FitSeconds: secs, Epochs: f.Epochs, Note: note}
	if held != nil {
		row.R2HeldOut = held.R2
	}
	row.Params, row.EffectiveParams = params(f)
	return row, nil
}

func fitJEDI(ctx context.Context, e *env, s spec) (*Row, error) {
	c := e.cfg.JEDI
	c.Model.Rank = s.rank // 0 for jedi_full
	c.Model.Hidden = append([]int(nil), c.Model.Hidden...)
	f, secs, err := e.fitRun(ctx, s.name, e.modelDir(s.name), c, e.ds, e.trainIdx, e.heldIdx)
	if err != nil {
		return nil, err
	}
	row, err := e.rnnRow(f, e.ds, secs, "held-out: embedding and initial state inferred with θ frozen")
	if err != nil {
		return nil, err
	}
	if f.Groups == nil && len(e.cfg.NoiseScales) > 0 {
		n, err := noise.Analyze(f, e.ds, e.cfg.NoiseScales, e.cfg.NoiseRepeats, e.noiseSeed)
		if err != nil {
			return nil, err
		}
		row.NoiseR2 = n.R2Mean
	}
	return row, nil
}

// fitPerLabel fits one context-free RNN per value of the label on that value's part of the
// split, and scores the pooled predictions.
func fitPerLabel(ctx context.Context, e *env, s spec) (*Row, error) {
	row := &Row{Note: fmt.Sprintf("one RNN per %s value; held-out: initial state inferred", e.cfg.Label)}
	var trIdx, heldIdx []int
	var trPred, heldPred []float64
	for g, name := range e.groups {
		tr, held := e.ofGroup(e.trainIdx, g), e.ofGroup(e.heldIdx, g)
		if len(tr) == 0 {
			return nil, fmt.Errorf("label %s = %q has no training segments", e.cfg.Label, name)
		}
		f, secs, err := e.fitRun(ctx, s.name+"/"+name, filepath.Join(e.modelDir(s.name), safeName(name)), e.tiedConfig(), e.ds, tr, held)
		if err != nil {
			return nil, fmt.Errorf("%s = %q: %w", e.cfg.Label, name, err)
		}
		ti, hi, err := train.EvaluateSplit(f, e.ds, f.Config.Train.InferSteps)
		if err != nil {
			return nil, fmt.Errorf("%s = %q: %w", e.cfg.Label, name, err)
		}
		trIdx, trPred = append(trIdx, tr...), append(trPred, ti.Prediction...)
		if hi != nil {
			heldIdx, heldPred = append(heldIdx, held...), append(heldPred, hi.Prediction...)
		}
		p, ep := params(f)
		row.Params += p
		row.EffectiveParams += ep
		row.FitSeconds += secs
		row.Epochs = max(row.Epochs, f.Epochs)
	}
	var err error
	if row.R2Train, err = pooledR2(e.ds, trIdx, trPred); err != nil {
		return nil, err
	}
	if len(heldIdx) > 0 {
		if row.R2HeldOut, err = pooledR2(e.ds, heldIdx, heldPred); err != nil {
			return nil, err
		}
	}
	return row, nil
}

// ofGroup returns the segments of idx whose label value is group g.
func (e *env) ofGroup(idx []int, g int) []int {
	var out []int
	for _, s := range idx {
		if e.groupOf[s] == g {
			out = append(out, s)
		}
	}
	return out
}

// safeName makes a label value usable as a directory name.
func safeName(v string) string {
	b := []byte(v)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) == 0 || b[0] == '.' {
		return "_" + string(b)
	}
	return string(b)
}

// fitContextInput fits one RNN that receives the one-hot label as a constant input.
func fitContextInput(ctx context.Context, e *env, s spec) (*Row, error) {
	ds, _, err := e.ds.WithOneHotInputs(e.cfg.Label)
	if err != nil {
		return nil, err
	}
	c := e.tiedConfig()
	c.Model.I = len(e.groups)
	f, secs, err := e.fitRun(ctx, s.name, e.modelDir(s.name), c, ds, e.trainIdx, e.heldIdx)
	if err != nil {
		return nil, err
	}
	return e.rnnRow(f, ds, secs, fmt.Sprintf("input: one-hot %s; held-out: initial state inferred", e.cfg.Label))
}
