package train

import (
	"fmt"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
)

// SessionScore is the reconstruction R² of one recording session's segments, over the neurons
// each segment observed.
type SessionScore struct {
	Session  string `json:"session"`
	Segments int    `json:"segments"`
	// Neurons counts the neurons observed in at least one of the scored segments.
	Neurons int     `json:"neurons"`
	R2      float64 `json:"r2"`
}

// SessionR2 splits the R² of a reconstruction (Evaluate, Infer, Predict of ds) by session
// (data.Dataset.Sessions): for each session that has segments in inf, the variance-weighted R²
// 1 − Σ (y − ŷ)² / Σ (y − ȳ_m)² over the valid bins of its segments and the neurons they
// observed, ȳ_m neuron m's mean over them. Sessions come in Sessions' order. A dataset without
// the session label is one session, "all".
func SessionR2(inf *Inferred, ds *data.Dataset) ([]SessionScore, error) {
	names, of, err := ds.Sessions()
	if err != nil {
		return nil, err
	}
	if len(inf.Prediction) != len(inf.Segments)*ds.T*ds.M {
		return nil, fmt.Errorf("session R²: %d predicted values for %d segments of %d×%d", len(inf.Prediction), len(inf.Segments), ds.T, ds.M)
	}
	accs := make([]*metrics.R2Acc, len(names))
	out := make([]SessionScore, len(names))
	seen := make([][]bool, len(names))
	for i, s := range inf.Segments {
		if s < 0 || s >= ds.S {
			return nil, fmt.Errorf("session R²: segment %d of %d", s, ds.S)
		}
		k := of[s]
		if accs[k] == nil {
			if accs[k], err = metrics.NewR2Acc(ds.M); err != nil {
				return nil, err
			}
			seen[k] = make([]bool, ds.M)
		}
		n := ds.Lengths[s] * ds.M
		obs := ds.SegmentObserved(s)
		if err := accs[k].AddMasked(inf.Prediction[i*ds.T*ds.M:i*ds.T*ds.M+n], ds.Segment(s), obs); err != nil {
			return nil, fmt.Errorf("session %s, segment %d: %w", names[k], s, err)
		}
		out[k].Segments++
		for m := range ds.M {
			if obs == nil || obs[m] {
				seen[k][m] = true
			}
		}
	}
	var res []SessionScore
	for k, a := range accs {
		if a == nil {
			continue
		}
		sc := out[k]
		sc.Session, sc.R2 = names[k], a.Value()
		for _, ok := range seen[k] {
			if ok {
				sc.Neurons++
			}
		}
		res = append(res, sc)
	}
	return res, nil
}

// CoSmooth measures how well a model predicts neurons it did not see: for each segment of idx,
// one of the neurons it observed is hidden (the k-th observed neuron of the segment's i-th
// position, k = i mod n_s, so that every neuron is hidden in some segments), the segment's local
// parameters are inferred from its other neurons (Infer, `steps` Adam steps, θ frozen), and the
// hidden neuron is predicted through its readout row. It returns the R² of the hidden entries
// per session (SessionR2 over the hidden neurons only) and pooled, and the inference. Segments
// that observed a single neuron have none to spare and are left out; an error is returned when
// no segment is left.
//
// Unlike the reconstruction R² of Infer, whose inferred embedding and initial state have seen
// the very activity they are scored on (with few neurons a segment's local parameters nearly
// fit it alone), this is the Neural Latents Benchmark's co-smoothing: a model earns it only
// through what it shares between neurons.
func CoSmooth(f *Fitted, ds *data.Dataset, idx []int, steps int) (pooled float64, sessions []SessionScore, err error) {
	return coSmooth(f, ds, idx, steps, false)
}

// coSmooth is CoSmooth; with reveal the "hidden" neuron is shown to the inference too, which
// scores the reconstruction of the same entries (the tests' control).
func coSmooth(f *Fitted, ds *data.Dataset, idx []int, steps int, reveal bool) (pooled float64, sessions []SessionScore, err error) {
	seen := *ds
	seen.Observed = make([]bool, ds.S*ds.M)
	hidden := *ds
	hidden.Observed = make([]bool, ds.S*ds.M)
	var use []int
	for i, s := range idx {
		if s < 0 || s >= ds.S {
			return 0, nil, fmt.Errorf("co-smoothing: segment %d of %d", s, ds.S)
		}
		var obs []int
		for m := range ds.M {
			if ds.IsObserved(s, m) {
				obs = append(obs, m)
				seen.Observed[s*ds.M+m] = true
			}
		}
		if len(obs) < 2 {
			continue
		}
		h := obs[i%len(obs)]
		seen.Observed[s*ds.M+h] = reveal
		hidden.Observed[s*ds.M+h] = true
		use = append(use, s)
	}
	if len(use) == 0 {
		return 0, nil, fmt.Errorf("co-smoothing: every segment observed a single neuron; none can be hidden")
	}
	inf, err := Infer(f, &seen, use, steps)
	if err != nil {
		return 0, nil, err
	}
	if sessions, err = SessionR2(inf, &hidden); err != nil {
		return 0, nil, err
	}
	all := hidden
	all.Labels = map[string]data.Label{} // one session: the pooled figure
	pool, err := SessionR2(inf, &all)
	if err != nil {
		return 0, nil, err
	}
	return pool[0].R2, sessions, nil
}
