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
