package train

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jedi-neuro/jedi/data"
)

// The amortised encoder, trained after a fit, gives held-out segments embeddings and initial
// states in one pass that reconstruct them nearly as well as optimisation does, far better than
// the centroid start the optimisation begins from; a few refinement steps close the gap; and
// the encoder survives the model file.
func TestAmortisedInference(t *testing.T) {
	ds := teacherData(t, 120, 30, 3)
	cfg := smallConfig(ds.M)
	cfg.Train.Epochs = 150
	cfg.Train.Amortise.Bins = 3
	cfg.Train.Amortise.TuneSteps = 1500 // of 6000 by default: a small teacher, a short test
	dir := t.TempDir()
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if f.Amortiser == nil {
		t.Fatal("train.amortise.bins = 3 but the fit has no encoder")
	}
	held := f.HeldOut
	t0 := time.Now()
	opt, err := Infer(f, ds, held, cfg.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	tOpt := time.Since(t0)
	t0 = time.Now()
	E, X0, err := Encode(f, ds, held)
	if err != nil {
		t.Fatal(err)
	}
	tEnc := time.Since(t0)
	enc, err := Refine(f, ds, held, E, X0, 0)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := Refine(f, ds, held, E, X0, 20)
	if err != nil {
		t.Fatal(err)
	}
	// The start optimisation would have without the encoder: centroid embedding, mean x₀.
	base := centroidPrediction(t, f, ds, held)
	t.Logf("held-out R²: optimisation (%d steps) %.4f in %v; encoder %.4f in %v; encoder + 20 steps %.4f; centroid %.4f",
		cfg.Train.InferSteps, opt.R2, tOpt, enc.R2, tEnc, ref.R2, base.R2)
	if enc.R2 < base.R2+0.5*(opt.R2-base.R2) {
		t.Errorf("encoder R² %.4f closes less than half the gap from the centroid (%.4f) to optimisation (%.4f)", enc.R2, base.R2, opt.R2)
	}
	if ref.R2 < opt.R2-0.02 {
		t.Errorf("encoder + 20 steps R² %.4f, optimisation %.4f", ref.R2, opt.R2)
	}
	// Refinement steps by train.amortise.refine_lr, not train.infer_lr: a vanishing one leaves
	// the encoder's reconstruction.
	lr := f.Config.Train.Amortise.RefineLR
	f.Config.Train.Amortise.RefineLR = 1e-12
	still, err := Refine(f, ds, held, E, X0, 5)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(still.R2-enc.R2) > 1e-6 {
		t.Errorf("5 steps of refine_lr 1e-12 moved R² from %.8f to %.8f", enc.R2, still.R2)
	}
	f.Config.Train.Amortise.RefineLR = lr

	// The same distilled from the fitted values of the training segments (train.amortise.data:
	// fitted), reading their means, with feature noise.
	o := &f.Config.Train.Amortise
	saved := *o
	o.Data, o.Windows, o.FeatureNoise, o.Hidden = AmortiseFitted, 1, 0.3, []int{64}
	sf := *f
	if sf.Amortiser, err = TrainAmortiser(context.Background(), f, ds); err != nil {
		t.Fatal(err)
	}
	FE, FX0, err := Encode(&sf, ds, held)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := Refine(&sf, ds, held, FE, FX0, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("held-out R² of the encoder distilled from the fitted values: %.4f", fit.R2)
	if fit.R2 < base.R2+0.5*(opt.R2-base.R2) {
		t.Errorf("fitted: encoder R² %.4f closes less than half the gap from the centroid (%.4f) to optimisation (%.4f)", fit.R2, base.R2, opt.R2)
	}
	*o = saved // the options the saved encoder was trained with

	g, err := LoadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if g.Amortiser == nil || !slices.Equal(g.Amortiser.Params, f.Amortiser.Params) || !slices.Equal(g.Amortiser.OutStd, f.Amortiser.OutStd) {
		t.Error("the saved encoder differs from the fitted one")
	}
}

// In a multi-session dataset (here two sessions, one of which did not record neuron 1) the
// encoder, trained on simulated segments that miss what their sessions missed, still closes
// most of the gap from the centroid start to optimisation on held-out segments of both.
func TestAmortisedInferenceSessions(t *testing.T) {
	ds := teacherData(t, 120, 30, 4)
	missOddNeuronOne(ds)
	f := fitWithEncoder(t, ds)
	held := f.HeldOut
	opt, err := Infer(f, ds, held, f.Config.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	E, X0, err := Encode(f, ds, held)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := Refine(f, ds, held, E, X0, 0)
	if err != nil {
		t.Fatal(err)
	}
	base := centroidPrediction(t, f, ds, held)
	t.Logf("held-out R² with two sessions: optimisation %.4f, encoder %.4f, centroid %.4f", opt.R2, enc.R2, base.R2)
	if enc.R2 < base.R2+0.5*(opt.R2-base.R2) {
		t.Errorf("encoder R² %.4f closes less than half the gap from the centroid (%.4f) to optimisation (%.4f)", enc.R2, base.R2, opt.R2)
	}
}

// centroidPrediction predicts the segments held from the start optimisation would have
// without the encoder: the centroid of the fitted embeddings and the mean initial state.
func centroidPrediction(t *testing.T, f *Fitted, ds *data.Dataset, held []int) *Inferred {
	t.Helper()
	ce, cx := mean(f.Embeddings, f.Config.Model.D), mean(f.X0, f.Config.Model.N)
	var E0, X00 []float64
	for range held {
		E0, X00 = append(E0, ce...), append(X00, cx...)
	}
	base, err := Predict(f, ds, held, E0, X00)
	if err != nil {
		t.Fatal(err)
	}
	return base
}

// With train.amortise.adapt_rounds the network adapts to its encoder: θ and the training
// segments' values change (and are consistent: the stored values reconstruct the training
// segments as well as before), and the encoder alone reconstructs held-out segments better
// than the encoder of the unadapted network, closer to optimisation on the adapted network.
func TestAmortiseAdapt(t *testing.T) {
	ds := teacherData(t, 120, 30, 3)
	f := fitWithEncoder(t, ds)
	var err error
	g := *f
	g.Theta, g.Embeddings, g.X0 = slices.Clone(f.Theta), slices.Clone(f.Embeddings), slices.Clone(f.X0)
	g.Config.Train.Amortise.AdaptRounds, g.Config.Train.Amortise.AdaptSteps = 3, 1500
	if g.Amortiser, err = TrainAmortiser(context.Background(), &g, ds); err != nil {
		t.Fatal(err)
	}
	if slices.Equal(g.Theta, f.Theta) || slices.Equal(g.Embeddings, f.Embeddings) {
		t.Fatal("adaptation left θ or the training embeddings as they were")
	}
	score := func(f *Fitted) (enc, opt, train float64) {
		E, X0, err := Encode(f, ds, f.HeldOut)
		if err != nil {
			t.Fatal(err)
		}
		e, err := Refine(f, ds, f.HeldOut, E, X0, 0)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Infer(f, ds, f.HeldOut, f.Config.Train.InferSteps)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := Evaluate(f, ds, f.Train)
		if err != nil {
			t.Fatal(err)
		}
		return e.R2, o.R2, tr.R2
	}
	encF, optF, trF := score(f)
	encG, optG, trG := score(&g)
	t.Logf("held-out R², encoder / optimisation; training R² of the stored values: without adaptation %.4f / %.4f; %.4f, adapted %.4f / %.4f; %.4f", encF, optF, trF, encG, optG, trG)
	if trG < trF-0.01 {
		t.Errorf("the adapted model's stored training values reconstruct at R² %.4f, the fit's at %.4f", trG, trF)
	}
	if encG < encF+0.35*(optF-encF) {
		t.Errorf("adapted encoder R² %.4f closes less than 35 %% of the gap from the unadapted one (%.4f) to optimisation (%.4f)", encG, encF, optF)
	}
	if optG-encG > optF-encF {
		t.Errorf("the gap from the encoder to optimisation grew with adaptation: %.4f → %.4f", optF-encF, optG-encG)
	}
}

// Adaptation needs one embedding per segment: with tied embeddings it is refused before the
// fit, naming both keys.
func TestAmortiseAdaptRefusesTiedEmbeddings(t *testing.T) {
	c := Default(5)
	c.Train.Amortise.Bins, c.Train.Amortise.AdaptRounds, c.Train.TieEmbeddings = 3, 1, "task"
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "adapt_rounds") || !strings.Contains(err.Error(), "tie_embeddings") {
		t.Fatalf("error %v, want one naming adapt_rounds and tie_embeddings", err)
	}
	c.Train.Amortise.AdaptRounds = 0
	if err := c.Validate(); err != nil {
		t.Fatalf("tied embeddings with an encoder but no adaptation: %v", err)
	}
}

// fitWithEncoder fits the small configuration of these tests, with an encoder reading 3 bins
// and 1500 tuning steps (of 6000 by default: a small teacher, a short test).
func fitWithEncoder(t *testing.T, ds *data.Dataset) *Fitted {
	t.Helper()
	cfg := smallConfig(ds.M)
	cfg.Train.Epochs = 150
	cfg.Train.Amortise.Bins = 3
	cfg.Train.Amortise.TuneSteps = 1500
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// missOddNeuronOne makes ds two sessions: its odd segments did not record neuron 1, which holds
// 0 there as unrecorded entries do.
func missOddNeuronOne(ds *data.Dataset) {
	M := ds.M
	ds.Observed = make([]bool, ds.S*M)
	for s := range ds.S {
		for j := range M {
			ds.Observed[s*M+j] = s%2 == 0 || j != 1
		}
		if s%2 == 1 {
			for tt := range ds.T {
				ds.Activity[(s*ds.T+tt)*M+1] = 0
			}
		}
	}
}
