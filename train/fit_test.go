package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// teacherData generates S segments from a random JEDI model (the teacher): every segment has
// its own embedding, drawn from two clusters, and its own initial state. A student fitted to
// these data can reach R² ≈ 1, and an unfitted one cannot.
func teacherData(t *testing.T, S, T int, seed uint64) *data.Dataset {
	t.Helper()
	c := model.Config{N: 12, M: 6, D: 2, Rank: 2, Hidden: []int{8}, Alpha: 0.2,
		Readout: "linear", Loss: "gaussian", InitialState: "learned"}
	m, err := model.New(c)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	theta := make([]float64, m.Layout.Size)
	model.Init(theta, &m.Cfg, &m.Layout, rng)
	// A stronger recurrent base than the student's initialisation, so the dynamics matter.
	for i := range theta {
		theta[i] *= 1.5
	}
	ll := model.NewLocalLayout(&m.Cfg, S, S)
	local := make([]float64, ll.Size)
	for s := 0; s < S; s++ {
		centre := float64(2*(s%2) - 1)
		local[s*2] = centre + 0.3*rng.NormFloat64()
		local[s*2+1] = 0.3 * rng.NormFloat64()
		for i := 0; i < c.N; i++ {
			local[ll.X0Off+s*c.N+i] = rng.NormFloat64()
		}
	}
	ds := data.New(S, T, c.M, 0.01)
	p := model.NewPass[float64](m)
	bt := &model.Batch[float64]{B: S, T: T, Y: make([]float64, S*T*c.M), Len: make([]int, S),
		Emb: make([]int, S), Seg: make([]int, S)}
	for s := range S {
		bt.Len[s], bt.Emb[s], bt.Seg[s] = T, s, s
	}
	if _, err := p.Forward(theta, local, &ll, bt); err != nil {
		t.Fatal(err)
	}
	copy(ds.Activity, p.Yhat())
	group := make([]string, S)
	for s := range group {
		group[s] = []string{"a", "b"}[s%2]
	}
	ds.Labels["cluster"] = data.Label{Kind: data.StringLabel, Values: group}
	return ds
}

func smallConfig(M int) Config {
	cfg := Default(M)
	cfg.Model.N, cfg.Model.D, cfg.Model.Rank, cfg.Model.Hidden = 24, 2, 2, []int{16}
	cfg.Model.EmbeddingPrior = 1e-4
	cfg.Train.Epochs = 300
	cfg.Train.BatchSize = 8
	cfg.Train.LearningRate = 1e-2
	cfg.Train.WarmupSteps = 10
	cfg.Train.ValEvery = 50
	cfg.Train.ValInferSteps = 60
	cfg.Train.InferSteps = 200
	cfg.Train.CheckpointEvery = 25
	return cfg
}

func TestFitRecoversTeacher(t *testing.T) {
	ds := teacherData(t, 40, 30, 3)
	cfg := smallConfig(ds.M)
	dir := t.TempDir()
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Evaluate(f, ds, f.Train)
	if err != nil {
		t.Fatal(err)
	}
	held, err := Infer(f, ds, f.HeldOut, cfg.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("R² train %.4f, held-out %.4f after %d epochs", tr.R2, held.R2, f.Epochs)
	// Measured: train ≈ 0.99, held-out ≈ 0.98. An untrained student scores below 0.
	if tr.R2 < 0.95 || held.R2 < 0.9 {
		t.Errorf("R² train %.4f (want ≥ 0.95), held-out %.4f (want ≥ 0.9)", tr.R2, held.R2)
	}
	// The untrained model, for contrast: the test must be able to fail.
	cfg0 := cfg
	cfg0.Train.Epochs = 1
	f0, err := Fit(context.Background(), cfg0, ds, FitOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	tr0, _ := Evaluate(f0, ds, f0.Train)
	if tr0.R2 > 0.5 {
		t.Errorf("a one-epoch fit already reaches R² %.3f: the teacher is too easy to test anything", tr0.R2)
	}
	for _, name := range []string{ConfigFile, RunFile, CheckpointFile, ModelFile, HistoryFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("run directory lacks %s: %v", name, err)
		}
	}
	g, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Theta, f.Theta) || !slices.Equal(g.Embeddings, f.Embeddings) || !slices.Equal(g.X0, f.X0) {
		t.Error("the saved model differs from the fitted one")
	}
}

// cancelAt cancels a context when a given epoch has been reported.
type cancelAt struct {
	epoch  int
	cancel context.CancelFunc
}

func (c cancelAt) Start(int, int) {}
func (c cancelAt) Finish()        {}
func (c cancelAt) Epoch(r Record) {
	if r.Epoch == c.epoch {
		c.cancel()
	}
}

func TestResumeRepeatsUninterruptedRun(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := smallConfig(ds.M)
	cfg.Train.Epochs = 12
	cfg.Train.ValEvery = 4
	cfg.Train.CheckpointEvery = 5
	cfg.Model.NoiseStd = 0.05
	full, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Fit(ctx, cfg, ds, FitOptions{Dir: dir, Reporter: cancelAt{7, cancel}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted fit returned %v, want ErrInterrupted", err)
	}
	if _, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir}); err == nil {
		t.Fatal("a second fit into the same run directory must be refused without --resume")
	}
	resumed, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(full.Theta, resumed.Theta) || !slices.Equal(full.Embeddings, resumed.Embeddings) {
		t.Fatal("resumed fit differs from the uninterrupted one")
	}
	if full.Epochs != resumed.Epochs || full.Steps != resumed.Steps {
		t.Fatalf("epochs/steps %d/%d vs %d/%d", full.Epochs, full.Steps, resumed.Epochs, resumed.Steps)
	}
}

func TestConfigRejectsUnknownKeys(t *testing.T) {
	_, err := ParseConfig("c.yaml", []byte("train:\n  epochz: 3\n"), Default(5))
	if err == nil {
		t.Fatal("unknown key accepted")
	}
	c, err := ParseConfig("c.yaml", []byte("train:\n  epochs: 3\nmodel:\n  rank: 0\n"), Default(5))
	if err != nil {
		t.Fatal(err)
	}
	if c.Train.Epochs != 3 || c.Model.Rank != 0 || c.Train.BatchSize != Default(5).Train.BatchSize {
		t.Fatalf("parsed %+v", c.Train)
	}
	y, err := c.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig("round trip", y, Config{})
	if err != nil {
		t.Fatal(err)
	}
	y2, _ := back.YAML()
	if string(y) != string(y2) {
		t.Fatalf("YAML round trip changed the config:\n%s\n%s", y, y2)
	}
}

// TestInferInitialAndPredictAgree checks the fixed-embedding paths against Infer: predicting
// with Infer's own embeddings and initial states reproduces its R², and fixing the embeddings to
// the inferred ones while re-inferring x₀ does at least as well as the centroid.
func TestInferInitialAndPredictAgree(t *testing.T) {
	ds := teacherData(t, 30, 25, 9)
	cfg := smallConfig(ds.M)
	cfg.Train.Epochs = 120
	cfg.Train.ValEvery = 0
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	inf, err := Infer(f, ds, f.HeldOut, 100)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Predict(f, ds, f.HeldOut, inf.Embeddings, inf.X0)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(p.R2-inf.R2) > 1e-12 {
		t.Fatalf("Predict R² %.15g, Infer R² %.15g", p.R2, inf.R2)
	}
	fixed, err := InferInitial(f, ds, f.HeldOut, inf.Embeddings, 100)
	if err != nil {
		t.Fatal(err)
	}
	centroid := make([]float64, len(inf.Embeddings))
	c := mean(f.Embeddings, cfg.Model.D)
	for i := range f.HeldOut {
		copy(centroid[i*cfg.Model.D:], c)
	}
	atCentroid, err := InferInitial(f, ds, f.HeldOut, centroid, 100)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out R²: inferred %.4f, own embedding fixed %.4f, centroid fixed %.4f", inf.R2, fixed.R2, atCentroid.R2)
	if fixed.R2 < atCentroid.R2 {
		t.Errorf("the segments' own embeddings (R² %.4f) do worse than the centroid (%.4f)", fixed.R2, atCentroid.R2)
	}
	if _, err := Predict(f, ds, f.HeldOut, inf.Embeddings[1:], inf.X0); err == nil {
		t.Error("mis-sized embeddings accepted")
	}
}

// TestShippedConfigs: configs/multitask.yaml is the built-in default, and every shipped config
// parses and validates.
func TestShippedConfigs(t *testing.T) {
	files, err := filepath.Glob("../configs/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no shipped configs: %v", err)
	}
	for _, p := range files {
		if strings.HasPrefix(filepath.Base(p), "compare_") {
			continue // comparison configs, tested in package compare
		}
		c, err := LoadConfig(p, Config{})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if filepath.Base(p) == "multitask.yaml" {
			def := Default(50)
			want, _ := def.YAML()
			got, _ := c.YAML()
			if string(want) != string(got) {
				t.Fatalf("%s differs from train.Default:\n%s\nwant\n%s", p, got, want)
			}
		}
	}
}

// TestTieAll fits a single network to every segment: one embedding, and held-out segments
// use it (only their initial states are inferred).
func TestTieAll(t *testing.T) {
	ds := teacherData(t, 16, 20, 4)
	cfg := smallConfig(ds.M)
	cfg.Train.Epochs = 20
	cfg.Train.TieEmbeddings = TieAll
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if f.G() != 1 || !slices.Equal(f.Groups, []string{"all"}) {
		t.Fatalf("%d embeddings, groups %v; want one, [all]", f.G(), f.Groups)
	}
	inf, err := Infer(f, ds, f.HeldOut, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range f.HeldOut {
		if !slices.Equal(inf.Embeddings[i*2:(i+1)*2], f.Embedding(0)) {
			t.Fatal("a held-out segment did not keep the shared embedding")
		}
	}
}

// TestGivenSplit fits on a split chosen by the caller: the model, run.json and a resumed fit
// must all use it, and an inconsistent split is refused with the offending index.
func TestGivenSplit(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := smallConfig(ds.M)
	cfg.Train.Epochs = 6
	cfg.Train.ValEvery = 3
	trainIdx, held := []int{0, 2, 4, 6, 8, 10, 12}, []int{1, 3}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := Fit(ctx, cfg, ds, FitOptions{Dir: dir, Train: trainIdx, HeldOut: held, Reporter: cancelAt{2, cancel}})
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted fit returned %v", err)
	}
	ri, err := ReadRunInfo(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ri.Train, trainIdx) || !slices.Equal(ri.HeldOut, held) {
		t.Fatalf("run.json split %v / %v", ri.Train, ri.HeldOut)
	}
	// Resuming without the options must still use the saved split.
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Train, trainIdx) || !slices.Equal(f.HeldOut, held) || f.G() != len(trainIdx) {
		t.Fatalf("fitted split %v / %v, %d embeddings", f.Train, f.HeldOut, f.G())
	}
	for _, tc := range []struct {
		tr, ho []int
		want   string
	}{
		{[]int{0, 1}, []int{1}, "heldout[0]: segment 1 is already in train"},
		{[]int{0, 20}, nil, "train[1] = 20"},
		{[]int{}, []int{1}, "no training segments"},
	} {
		_, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: t.TempDir(), Train: tc.tr, HeldOut: tc.ho})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("split %v/%v: err %v, want %q", tc.tr, tc.ho, err, tc.want)
		}
	}
}

// centralDifference is (loss(x + h) − loss(x − h)) / 2h, the derivative of loss in the value *x
// by central differences; *x is restored.
func centralDifference(x *float64, h float64, loss func() float64) float64 {
	v := *x
	*x = v + h
	lp := loss()
	*x = v - h
	lm := loss()
	*x = v
	return (lp - lm) / (2 * h)
}
