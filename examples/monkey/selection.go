package monkey

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
)

// selectionDraws is the number of bootstrap draws of the held-out segments behind the
// standard errors of the rank selection.
const selectionDraws = 1000

// oneSE chooses among candidate models by the one-standard-error rule (Hastie, Tibshirani &
// Friedman 2009, §7.10; Breiman et al. 1984): the simplest candidate whose held-out R² is
// within one standard error of the best's. Candidates are ordered from the simplest to the
// most complex; a more complex model must beat a simpler one by more than the noise of the
// held-out estimate, so that the choice does not flip when the fits move in the fourth digit.
//
// preds[c] is candidate c's prediction of the held-out segments segs (len(segs)×T×M, the
// dataset's padded layout, as train.Inferred.Prediction). The standard error of candidate c is
// that of the difference R²_c − R²_best over B paired bootstrap draws of the segments (the
// same draws for every candidate; R² variance-weighted over the drawn segments' valid bins
// and observed neurons, as train.Inferred.R2):
//
//	SE_c = sd_b(R²_c,b − R²_best,b).
//
// It returns the chosen index, each candidate's R² on all of segs and its SE (0 for the best).
func oneSE(ds *data.Dataset, segs []int, preds [][]float64, draws int, seed uint64) (chosen int, r2, se []float64, err error) {
	n := len(segs)
	if len(preds) == 0 || n == 0 {
		return 0, nil, nil, fmt.Errorf("monkey: rank selection: %d candidates, %d held-out segments", len(preds), n)
	}
	size := ds.T * ds.M
	for c, p := range preds {
		if len(p) != n*size {
			return 0, nil, nil, fmt.Errorf("monkey: rank selection: candidate %d predicts %d values, want %d segments × %d bins × %d neurons", c, len(p), n, ds.T, ds.M)
		}
	}
	// score returns candidate c's R² over the segments at positions pos (a segment drawn
	// twice counts twice).
	score := func(c int, pos []int) (float64, error) {
		acc, err := metrics.NewR2Acc(ds.M)
		if err != nil {
			return 0, err
		}
		for _, i := range pos {
			s := segs[i]
			L := ds.Lengths[s]
			if err := acc.AddMasked(preds[c][i*size:i*size+L*ds.M], ds.Segment(s), ds.SegmentObserved(s)); err != nil {
				return 0, fmt.Errorf("monkey: rank selection: candidate %d, segment %d: %w", c, s, err)
			}
		}
		return acc.Value(), nil
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	r2 = make([]float64, len(preds))
	best := 0
	for c := range preds {
		if r2[c], err = score(c, all); err != nil {
			return 0, nil, nil, err
		}
		if r2[c] > r2[best] {
			best = c
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x5e1ec7))
	pos := make([]int, n)
	// Welford's running mean and sum of squares of each candidate's difference to the best.
	mean, m2 := make([]float64, len(preds)), make([]float64, len(preds))
	for b := 1; b <= draws; b++ {
		for i := range pos {
			pos[i] = rng.IntN(n)
		}
		rb, err := score(best, pos)
		if err != nil {
			return 0, nil, nil, err
		}
		for c := range preds {
			if c == best {
				continue
			}
			rc, err := score(c, pos)
			if err != nil {
				return 0, nil, nil, err
			}
			d := rc - rb
			delta := d - mean[c]
			mean[c] += delta / float64(b)
			m2[c] += delta * (d - mean[c])
		}
	}
	se = make([]float64, len(preds))
	for c := range preds {
		if c != best && draws > 1 {
			se[c] = math.Sqrt(m2[c] / float64(draws-1))
		}
	}
	for c := range preds {
		if r2[c] >= r2[best]-se[c] {
			return c, r2, se, nil
		}
	}
	return best, r2, se, nil
}

// byComplexity returns the candidate ranks from the simplest to the most complex: ranks in
// increasing order, full rank (0) last.
func byComplexity(ranks []int) []int {
	out := make([]int, 0, len(ranks))
	full := false
	for _, r := range ranks {
		if r == 0 {
			full = true
			continue
		}
		out = append(out, r)
	}
	slices.Sort(out)
	if full {
		out = append(out, 0)
	}
	return out
}
