package train

import (
	"bytes"
	"context"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
)

// twoSessions masks the teacher's data as two sessions: even segments record neurons 0–2 (session
// "a"), odd ones neurons 3–5 ("b"); the unobserved entries hold fill.
func twoSessions(t *testing.T, fill float64) *data.Dataset {
	ds := teacherData(t, 40, 30, 3)
	ds.Observed = make([]bool, ds.S*ds.M)
	ses := make([]string, ds.S)
	for s := range ds.S {
		ses[s] = []string{"a", "b"}[s%2]
		for m := range ds.M {
			own := (m < 3) == (s%2 == 0)
			ds.Observed[s*ds.M+m] = own
			if !own {
				for tt := range ds.T {
					ds.Activity[(s*ds.T+tt)*ds.M+m] = fill
				}
			}
		}
	}
	ds.Labels[data.SessionLabel] = data.Label{Kind: data.StringLabel, Values: ses}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestFitSessions(t *testing.T) {
	// What a session did not record has no effect on the fit: NaN or 1000 there, the same model.
	cfg := smallConfig(6)
	cfg.Train.Epochs = 20
	var theta [][]float64
	for _, fill := range []float64{math.NaN(), 1000} {
		f, err := Fit(context.Background(), cfg, twoSessions(t, fill), FitOptions{Dir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		theta = append(theta, f.Theta)
	}
	if !slices.Equal(theta[0], theta[1]) {
		t.Fatal("unobserved entries changed the fit")
	}

	ds := twoSessions(t, 1000)
	cfg = smallConfig(6)
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: t.TempDir()})
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
	t.Logf("R² train %.4f, held-out %.4f", tr.R2, held.R2)
	if tr.R2 < 0.9 || held.R2 < 0.8 {
		t.Errorf("R² train %.4f (want ≥ 0.9), held-out %.4f (want ≥ 0.8)", tr.R2, held.R2)
	}
	// Per session, against R² computed here from each session's own neurons.
	scores, err := SessionR2(held, ds)
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 2 {
		t.Fatalf("%d sessions scored, want 2", len(scores))
	}
	for k, sc := range scores {
		lo := 3 * k
		var yh, y []float64
		var n int
		for i, s := range held.Segments {
			if s%2 != k {
				continue
			}
			n++
			for tt := range ds.Lengths[s] {
				for m := lo; m < lo+3; m++ {
					y = append(y, ds.Activity[(s*ds.T+tt)*ds.M+m])
					yh = append(yh, held.Prediction[(i*ds.T+tt)*ds.M+m])
				}
			}
		}
		want, err := metrics.R2(yh, y, len(y)/3, 3, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Session != []string{"a", "b"}[k] || sc.Segments != n || sc.Neurons != 3 || math.Abs(sc.R2-want) > 1e-9 {
			t.Errorf("session %d: %+v, want R² %.6f over %d segments and 3 neurons", k, sc, want, n)
		}
	}
	// Co-smoothing: each held-out segment's hidden neuron predicted from its other neurons. The
	// control shows the hidden neuron to the inference: the same entries are then reconstructed
	// as well as the whole segments are; hidden, they are not (the student's 24-dimensional
	// learned initial state leaves what the seen neurons do not constrain free).
	for _, tc := range []struct {
		name string
		ds   *data.Dataset
		f    *Fitted
	}{{"two sessions", ds, f}, {"one session", teacherData(t, 40, 30, 3), nil}} {
		fit := tc.f
		if fit == nil {
			if fit, err = Fit(context.Background(), cfg, tc.ds, FitOptions{Dir: t.TempDir()}); err != nil {
				t.Fatal(err)
			}
		}
		shown, _, err := coSmooth(fit, tc.ds, fit.HeldOut, cfg.Train.InferSteps, true)
		if err != nil {
			t.Fatal(err)
		}
		pooled, per, err := CoSmooth(fit, tc.ds, fit.HeldOut, cfg.Train.InferSteps)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: co-smoothing R² %.4f (shown: %.4f), per session %+v", tc.name, pooled, shown, per)
		if shown < 0.95 || pooled > shown-0.3 {
			t.Errorf("%s: R² of the hidden neurons %.4f, shown %.4f: want the shown ones ≥ 0.95 and the hidden clearly worse", tc.name, pooled, shown)
		}
	}
}

// A multi-session fit stopped inside an epoch (its R² accumulator then holds per-neuron counts)
// and resumed ends with the same model and history as an uninterrupted one.
func TestResumeSessions(t *testing.T) {
	ds := twoSessions(t, math.NaN())
	cfg := interruptConfig(ds.M)
	ref := t.TempDir()
	if _, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: ref}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	testHook = func(p string) {
		if p == "step" {
			if n++; n == 9 { // inside the second epoch: 32 training segments, batches of 6
				cancel()
			}
		}
	}
	_, err := Fit(ctx, cfg, ds, FitOptions{Dir: dir})
	testHook = nil
	cancel()
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("the stopped fit returned %v", err)
	}
	if _, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir, Resume: true}); err != nil {
		t.Fatal(err)
	}
	want, got := readRunFiles(t, ref), readRunFiles(t, dir)
	for name, w := range want {
		if !bytes.Equal(got[name], w) {
			t.Errorf("%s of the resumed multi-session fit differs from the uninterrupted one's", name)
		}
	}
}
