package train

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
	"github.com/jedi-neuro/jedi/model"
)

// modelFormat names the layout of model and checkpoint files.
const modelFormat = "jedi-model-1"

// A model file is an .npz archive that NumPy opens directly:
//
//	theta/<block>     θ, one array per block of model.Layout (e.g. theta/hyper.0.weight [64, 8])
//	embeddings        [G, D] embedding table
//	x0                [S_train, N] learned initial states (absent with the encoder)
//	train, heldout    [.] int64 dataset indices of the split
//	amortiser/<l>.weight [out_l, in_l], amortiser/<l>.bias [out_l], amortiser/in_mean,
//	amortiser/in_std [(K+P)·M], amortiser/out_mean, amortiser/out_std [D (+ N)]
//	                  the amortised encoder (model.Amortiser), when one was trained
//	align/mean, align/scale [M], align/feature_mean [P], align/project [P, D],
//	align/neurons/<k> [n_k] int64, align/readin/<k> [n_k, F], align/meta_json (uint8 bytes of
//	                  {"features", "tc", "factors", "windows", "sessions"}): the alignment
//	                  (train.align; Alignment), when one was fitted; <k> numbers the sessions
//	                  with a read-in
//	config_yaml       uint8 bytes of the configuration (bytes(z["config_yaml"]).decode())
//	meta_json         uint8 bytes of {"format", "epochs", "steps", "groups"}
type modelMeta struct {
	Format string   `json:"format"`
	Epochs int      `json:"epochs"`
	Steps  int      `json:"steps"`
	Groups []string `json:"groups,omitempty"`
}

func writeFitted(a *npy.Archive, f *Fitted) error {
	m, err := f.Model()
	if err != nil {
		return err
	}
	// A model with a NaN or an infinity predicts nothing; the engine stops such a fit before it
	// gets here, and this keeps any other path from writing one.
	for _, x := range []struct {
		name string
		v    []float64
	}{{"theta", f.Theta}, {"embeddings", f.Embeddings}, {"x0", f.X0}} {
		for i, v := range x.v {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s[%d] = %v: the fitted parameters are not finite (the fit diverged); nothing written", x.name, i, v)
			}
		}
	}
	for _, b := range m.Layout.Blocks {
		if err := a.Add("theta/"+b.Name, b.Shape, f.Theta[b.Off:b.Off+b.Size()]); err != nil {
			return err
		}
	}
	c := &f.Config.Model
	if err := a.Add("embeddings", []int{f.G(), c.D}, f.Embeddings); err != nil {
		return err
	}
	if f.X0 != nil {
		if err := a.Add("x0", []int{len(f.Train), c.N}, f.X0); err != nil {
			return err
		}
	}
	if f.Amortiser != nil {
		if err := writeAmortiser(a, f.Amortiser); err != nil {
			return err
		}
	}
	if f.Align != nil {
		if err := writeAlignment(a, f.Align); err != nil {
			return err
		}
	}
	if err := a.Add("train", nil, toI64(f.Train)); err != nil {
		return err
	}
	if err := a.Add("heldout", nil, toI64(f.HeldOut)); err != nil {
		return err
	}
	y, err := f.Config.YAML()
	if err != nil {
		return err
	}
	if err := a.Add("config_yaml", nil, y); err != nil {
		return err
	}
	meta, err := json.Marshal(modelMeta{Format: modelFormat, Epochs: f.Epochs, Steps: f.Steps, Groups: f.Groups})
	if err != nil {
		return err
	}
	return a.Add("meta_json", nil, meta)
}

// SaveModel writes f to path atomically.
func SaveModel(path string, f *Fitted) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		a := npy.NewArchive(w, npy.Deflate)
		if err := writeFitted(a, f); err != nil {
			return err
		}
		return a.Close()
	})
}

// LoadModel reads a model file (or a checkpoint, which holds the current model too).
func LoadModel(path string) (*Fitted, error) {
	r, err := npy.Open(path)
	if err != nil {
		return nil, err // it names the path
	}
	defer r.Close()
	f, err := readFitted(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// LoadRun reads the fitted model of run directory dir.
func LoadRun(dir string) (*Fitted, error) {
	return LoadModel(filepath.Join(dir, ModelFile))
}

func readFitted(r *npy.Reader) (*Fitted, error) {
	y, err := readArray(r, "config_yaml", (*npy.Array).Bytes)
	if err != nil {
		return nil, err
	}
	var meta modelMeta
	if err := readJSON(r, "meta_json", &meta); err != nil {
		return nil, err
	}
	if meta.Format != modelFormat {
		return nil, fmt.Errorf("meta_json: format %q, this jedi reads %q", meta.Format, modelFormat)
	}
	cfg, err := ParseSaved("config_yaml", y)
	if err != nil {
		return nil, err
	}
	f := &Fitted{Config: cfg, Epochs: meta.Epochs, Steps: meta.Steps, Groups: meta.Groups}
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	f.Theta = make([]float64, m.Layout.Size)
	for _, b := range m.Layout.Blocks {
		v, err := readArray(r, "theta/"+b.Name, (*npy.Array).Floats)
		if err != nil {
			return nil, err
		}
		if len(v) != b.Size() {
			return nil, fmt.Errorf("theta/%s: %d values, want %v", b.Name, len(v), b.Shape)
		}
		copy(f.Theta[b.Off:], v)
	}
	if f.Embeddings, err = readArray(r, "embeddings", (*npy.Array).Floats); err != nil {
		return nil, err
	}
	tr, err := readArray(r, "train", (*npy.Array).Ints)
	if err != nil {
		return nil, err
	}
	ho, err := readArray(r, "heldout", (*npy.Array).Ints)
	if err != nil {
		return nil, err
	}
	f.Train, f.HeldOut = fromI64(tr), fromI64(ho)
	if cfg.Model.InitialState == model.Learned {
		if f.X0, err = readArray(r, "x0", (*npy.Array).Floats); err != nil {
			return nil, err
		}
	}
	if slices.ContainsFunc(r.Members, func(m npy.Member) bool { return strings.HasPrefix(m.Name, "amortiser/") }) {
		if f.Amortiser, err = readAmortiser(r, &cfg); err != nil {
			return nil, err
		}
	}
	// Model files written before the alignment was saved have none: their held-out segments
	// are inferred without anchors, as they were.
	if slices.ContainsFunc(r.Members, func(m npy.Member) bool { return strings.HasPrefix(m.Name, "align/") }) {
		if f.Align, err = readAlignment(r, cfg.Model.M, cfg.Model.D); err != nil {
			return nil, err
		}
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

// alignMeta is the scalar part of an Alignment in a model file.
type alignMeta struct {
	Features AlignFeatures `json:"features"`
	Tc       int           `json:"tc"`
	Factors  int           `json:"factors"`
	Windows  int           `json:"windows"`
	Sessions []string      `json:"sessions"`
}

func writeAlignment(ar *npy.Archive, a *Alignment) error {
	meta, err := json.Marshal(alignMeta{Features: a.Features, Tc: a.Tc, Factors: a.Factors, Windows: a.Windows, Sessions: a.Sessions})
	if err != nil {
		return err
	}
	if err := ar.Add("align/meta_json", nil, meta); err != nil {
		return err
	}
	P := a.features()
	for _, x := range []struct {
		name  string
		shape []int
		v     []float64
	}{{"mean", nil, a.Mean}, {"scale", nil, a.Scale}, {"feature_mean", nil, a.FeatureMean}, {"project", []int{P, len(a.Project) / P}, a.Project}} {
		if err := ar.Add("align/"+x.name, x.shape, x.v); err != nil {
			return err
		}
	}
	for k, R := range a.ReadIn {
		if R == nil {
			continue
		}
		if err := ar.Add(fmt.Sprintf("align/neurons/%d", k), nil, toI64(a.Neurons[k])); err != nil {
			return err
		}
		if err := ar.Add(fmt.Sprintf("align/readin/%d", k), []int{len(a.Neurons[k]), a.Factors}, R); err != nil {
			return err
		}
	}
	return nil
}

// readAlignment reads the alignment of a model of M neurons and embedding dimension D.
func readAlignment(r *npy.Reader, M, D int) (*Alignment, error) {
	var meta alignMeta
	err := readJSON(r, "align/meta_json", &meta)
	if err != nil {
		return nil, err
	}
	a := &Alignment{Features: meta.Features, Tc: meta.Tc, Factors: meta.Factors, Windows: meta.Windows, Sessions: meta.Sessions}
	for _, x := range []struct {
		name string
		dst  *[]float64
	}{{"mean", &a.Mean}, {"scale", &a.Scale}, {"feature_mean", &a.FeatureMean}, {"project", &a.Project}} {
		if *x.dst, err = readArray(r, "align/"+x.name, (*npy.Array).Floats); err != nil {
			return nil, err
		}
	}
	a.Neurons = make([][]int, len(a.Sessions))
	a.ReadIn = make([][]float64, len(a.Sessions))
	for k := range a.Sessions {
		name := fmt.Sprintf("align/readin/%d", k)
		if !slices.ContainsFunc(r.Members, func(m npy.Member) bool { return m.Name == name || m.Name == name+".npy" }) {
			continue // a session without training segments
		}
		ns, err := readArray(r, fmt.Sprintf("align/neurons/%d", k), (*npy.Array).Ints)
		if err != nil {
			return nil, err
		}
		a.Neurons[k] = fromI64(ns)
		if a.ReadIn[k], err = readArray(r, name, (*npy.Array).Floats); err != nil {
			return nil, err
		}
	}
	if err := a.check(M, D); err != nil {
		return nil, err
	}
	return a, nil
}

func writeAmortiser(ar *npy.Archive, a *model.Amortiser) error {
	for i, l := range a.Layers() {
		if err := ar.Add(fmt.Sprintf("amortiser/%d.weight", i), []int{l.Out, l.In}, a.Params[l.W:l.B]); err != nil {
			return err
		}
		if err := ar.Add(fmt.Sprintf("amortiser/%d.bias", i), []int{l.Out}, a.Params[l.B:l.B+l.Out]); err != nil {
			return err
		}
	}
	for _, x := range []struct {
		name string
		v    []float64
	}{{"in_mean", a.InMean}, {"in_std", a.InStd}, {"out_mean", a.OutMean}, {"out_std", a.OutStd}} {
		if err := ar.Add("amortiser/"+x.name, []int{len(x.v)}, x.v); err != nil {
			return err
		}
	}
	return nil
}

// readAmortiser reads the encoder whose shape train.amortise and the model configuration fix.
func readAmortiser(r *npy.Reader, cfg *Config) (*model.Amortiser, error) {
	o := &cfg.Train.Amortise
	c := &cfg.Model
	if o.Bins < 1 {
		return nil, fmt.Errorf("amortiser arrays present but config train.amortise.bins is %d", o.Bins)
	}
	a := &model.Amortiser{Bins: o.Bins, Windows: o.Windows, M: c.M, Out: amortiserOut(c), Hidden: o.Hidden}
	a.Params = make([]float64, a.NumParams())
	for i, l := range a.Layers() {
		for _, part := range []struct {
			name     string
			lo, size int
		}{{fmt.Sprintf("amortiser/%d.weight", i), l.W, l.Out * l.In}, {fmt.Sprintf("amortiser/%d.bias", i), l.B, l.Out}} {
			v, err := readArray(r, part.name, (*npy.Array).Floats)
			if err != nil {
				return nil, err
			}
			if len(v) != part.size {
				return nil, fmt.Errorf("%s: %d values, want %d", part.name, len(v), part.size)
			}
			copy(a.Params[part.lo:], v)
		}
	}
	for _, x := range []struct {
		name string
		dst  *[]float64
	}{{"in_mean", &a.InMean}, {"in_std", &a.InStd}, {"out_mean", &a.OutMean}, {"out_std", &a.OutStd}} {
		v, err := readArray(r, "amortiser/"+x.name, (*npy.Array).Floats)
		if err != nil {
			return nil, err
		}
		*x.dst = v
	}
	return a, nil
}

// readArray reads array name of r through conv, a conversion such as (*npy.Array).Floats; its
// errors name the array.
func readArray[T any](r *npy.Reader, name string, conv func(*npy.Array) ([]T, error)) ([]T, error) {
	a, err := r.Array(name)
	if err != nil {
		return nil, err
	}
	v, err := conv(a)
	if err != nil {
		return nil, fmt.Errorf("array %q: %w", name, err)
	}
	return v, nil
}

// readJSON decodes the JSON text stored as byte array name into v; a decoding error names the
// array.
func readJSON(r *npy.Reader, name string, v any) error {
	b, err := readArray(r, name, (*npy.Array).Bytes)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

func toI64(x []int) []int64 {
	out := make([]int64, len(x))
	for i, v := range x {
		out[i] = int64(v)
	}
	return out
}

func fromI64(x []int64) []int {
	out := make([]int, len(x))
	for i, v := range x {
		out[i] = int(v)
	}
	return out
}

// checkpointMeta is the scalar state of a checkpoint, stored as JSON inside it.
type checkpointMeta struct {
	Epoch, Step          int
	AdamTheta, AdamLocal int
	BestR2               float64 // −1e308 when no validation has run (JSON has no −Inf)
	BestEpoch, Bad       int
	HasBest              bool
	History              []Record
	// The position inside an unfinished epoch (see engine): Pos segments stepped over, with
	// the partial loss sum, step size and R² accumulator (its vectors are arrays epoch/r2_*),
	// or an epoch awaiting validation.
	Pos         int
	LossSum, LR float64
	AccBins     int
	// AccCounts is the R² accumulator's per-neuron bin counts when a multi-session dataset's
	// mask made them differ from AccBins.
	AccCounts []int   `json:",omitempty"`
	Pending   *Record `json:",omitempty"`
	StartLoss float64
}

// saveCheckpoint writes the whole training state atomically: the current model, Adam's
// moments, the best parameters so far and the history. It is stored uncompressed: a fit writes
// one every few epochs, parameters and moments barely compress, and deflating them was 8 % of
// the demo fit's CPU time.
func saveCheckpoint[T model.Float](r *runDir, tr *trainer[T]) error {
	setPhase(phaseCheckpoint)
	st := tr.st
	meta := checkpointMeta{Epoch: st.epoch, Step: st.step, AdamTheta: st.adamTheta.Step,
		AdamLocal: st.adamLocal.Step, BestR2: max(st.bestR2, -1e308), BestEpoch: st.bestEpoch,
		Bad: st.bad, HasBest: st.bestTheta != nil, History: st.history,
		Pos: st.pos, LossSum: st.lossSum, LR: st.lr, Pending: st.pending, StartLoss: st.startLoss}
	var acc metrics.R2State
	if st.acc != nil {
		acc = st.acc.State()
		meta.AccBins, meta.AccCounts = acc.Bins, acc.Counts
	}
	mj, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(r.file(CheckpointFile), func(w io.Writer) error {
		a := npy.NewArchive(w, npy.Store)
		if err := writeFitted(a, tr.fitted(false)); err != nil {
			return err
		}
		arrays := []struct {
			name string
			v    []float64
		}{
			{"adam/theta_m", st.adamTheta.M}, {"adam/theta_v", st.adamTheta.V},
			{"adam/local_m", st.adamLocal.M}, {"adam/local_v", st.adamLocal.V},
		}
		if st.bestTheta != nil {
			arrays = append(arrays,
				struct {
					name string
					v    []float64
				}{"best/theta", toF64(st.bestTheta)},
				struct {
					name string
					v    []float64
				}{"best/local", toF64(st.bestLocal)})
		}
		if st.acc != nil {
			arrays = append(arrays, []struct {
				name string
				v    []float64
			}{{"epoch/r2_shift", acc.Shift}, {"epoch/r2_mean", acc.Mean}, {"epoch/r2_sst", acc.SST}, {"epoch/r2_sse", acc.SSE}}...)
		}
		for _, x := range arrays {
			hook("checkpoint")
			if err := a.Add(x.name, nil, x.v); err != nil {
				return err
			}
		}
		if err := a.Add("checkpoint_json", nil, mj); err != nil {
			return err
		}
		return a.Close()
	})
}

// loadCheckpoint restores tr's state from r's checkpoint; the configuration must be the one
// the checkpoint was written with.
func loadCheckpoint[T model.Float](r *runDir, tr *trainer[T]) error {
	path := r.file(CheckpointFile)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--resume: %w", err)
	}
	rd, err := npy.Open(path)
	if err != nil {
		return err // it names the path
	}
	defer rd.Close()
	f, err := readFitted(rd)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	want, _ := tr.cfg.YAML()
	got, _ := f.Config.YAML()
	if string(want) != string(got) {
		return fmt.Errorf("%s: written with a different configuration than %s; resume with the saved config", path, r.file(ConfigFile))
	}
	var meta checkpointMeta
	if err := readJSON(rd, "checkpoint_json", &meta); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	tr.init()
	st := tr.st
	ll, local := f.localTable()
	if ll.Size != len(st.local) || len(f.Theta) != len(st.theta) {
		return fmt.Errorf("%s: parameter sizes do not match the data (was it fitted to another file?)", path)
	}
	st.theta, st.local = convert[T](f.Theta), convert[T](local)
	for _, x := range []struct {
		name string
		dst  []float64
	}{{"adam/theta_m", st.adamTheta.M}, {"adam/theta_v", st.adamTheta.V},
		{"adam/local_m", st.adamLocal.M}, {"adam/local_v", st.adamLocal.V}} {
		v, err := readArray(rd, x.name, (*npy.Array).Floats)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		if len(v) != len(x.dst) {
			return fmt.Errorf("%s: %s has %d values, want %d", path, x.name, len(v), len(x.dst))
		}
		copy(x.dst, v)
	}
	st.adamTheta.Step, st.adamLocal.Step = meta.AdamTheta, meta.AdamLocal
	st.epoch, st.step = meta.Epoch, meta.Step
	st.bestR2, st.bestEpoch, st.bad = meta.BestR2, meta.BestEpoch, meta.Bad
	if meta.BestR2 <= -1e308 {
		st.bestR2 = math.Inf(-1)
	}
	if meta.HasBest {
		bt, err := readArray(rd, "best/theta", (*npy.Array).Floats)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		bl, err := readArray(rd, "best/local", (*npy.Array).Floats)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		st.bestTheta, st.bestLocal = convert[T](bt), convert[T](bl)
	}
	st.history = meta.History
	st.pos, st.lossSum, st.lr, st.pending, st.startLoss = meta.Pos, meta.LossSum, meta.LR, meta.Pending, meta.StartLoss
	if st.pos < 0 || st.pos >= len(tr.trainIdx) || st.pos > 0 && st.pending != nil {
		return fmt.Errorf("%s: checkpoint_json: Pos = %d (pending epoch: %v), want 0 ≤ Pos < %d training segments and no pending epoch inside one", path, st.pos, st.pending != nil, len(tr.trainIdx))
	}
	if st.pos > 0 {
		rs := metrics.R2State{Bins: meta.AccBins, Counts: meta.AccCounts}
		for _, x := range []struct {
			name string
			dst  *[]float64
		}{{"epoch/r2_shift", &rs.Shift}, {"epoch/r2_mean", &rs.Mean}, {"epoch/r2_sst", &rs.SST}, {"epoch/r2_sse", &rs.SSE}} {
			if *x.dst, err = readArray(rd, x.name, (*npy.Array).Floats); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		if st.acc, err = metrics.NewR2Acc(tr.m.Cfg.M); err != nil {
			return err
		}
		if err := st.acc.Restore(rs); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}
