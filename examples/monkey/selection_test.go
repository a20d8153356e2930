package monkey

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/data"
)

// selectionData returns S segments of T bins × M neurons of standard normal activity (the last
// segment shorter, to exercise the padding) and, for each noise level, a prediction of every
// segment: the activity plus Gaussian noise of that standard deviation, independent per
// candidate.
func selectionData(S, T, M int, noise []float64, seed uint64) (*data.Dataset, []int, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	ds := data.New(S, T, M, 0.01)
	ds.Lengths[S-1] = T / 2
	for i := range ds.Activity {
		ds.Activity[i] = rng.NormFloat64()
	}
	segs := make([]int, S)
	for i := range segs {
		segs[i] = i
	}
	preds := make([][]float64, len(noise))
	for c, sd := range noise {
		preds[c] = make([]float64, S*T*M)
		for i, y := range ds.Activity {
			preds[c][i] = y + sd*rng.NormFloat64()
		}
	}
	return ds, segs, preds
}

// naiveR2 is the variance-weighted R² of the segments at positions pos, written out from its
// definition 1 − Σ_m SSE_m / Σ_m SST_m with two passes over the data.
func naiveR2(ds *data.Dataset, pred []float64, pos []int) float64 {
	M := ds.M
	mean, n := make([]float64, M), 0.0
	for _, s := range pos {
		for t := range ds.Lengths[s] {
			for m := range M {
				mean[m] += ds.Activity[(s*ds.T+t)*M+m]
			}
			n++
		}
	}
	for m := range mean {
		mean[m] /= n
	}
	var sse, sst float64
	for _, s := range pos {
		for t := range ds.Lengths[s] {
			for m := range M {
				i := (s*ds.T+t)*M + m
				sse += (ds.Activity[i] - pred[i]) * (ds.Activity[i] - pred[i])
				sst += (ds.Activity[i] - mean[m]) * (ds.Activity[i] - mean[m])
			}
		}
	}
	return 1 - sse/sst
}

// TestOneSEStandardErrors checks oneSE's R² against the definition and its standard errors
// against an independent paired bootstrap (other draws, the naive R²), and that the errors are
// paired: the standard error of the difference of two near-identical candidates is far
// smaller than either R²'s own bootstrap spread.
func TestOneSEStandardErrors(t *testing.T) {
	ds, segs, preds := selectionData(40, 12, 5, []float64{0.7, 0.6, 0.65}, 3)
	// A fourth candidate: the second's prediction with a small perturbation, so that its
	// difference to the second is tiny on every draw.
	near := slices.Clone(preds[1])
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range near {
		near[i] += 0.01 * rng.NormFloat64()
	}
	preds = append(preds, near)
	_, r2, se, err := oneSE(ds, segs, preds, 2000, 11)
	if err != nil {
		t.Fatal(err)
	}
	best := 0
	for c := range preds {
		if want := naiveR2(ds, preds[c], segs); math.Abs(r2[c]-want) > 1e-12 {
			t.Errorf("candidate %d: R² %v, the definition gives %v", c, r2[c], want)
		}
		if r2[c] > r2[best] {
			best = c
		}
	}
	if se[best] != 0 {
		t.Errorf("the best candidate (%d) has SE %v, want 0", best, se[best])
	}
	// The independent bootstrap: its own draws, the naive R², sample standard deviations.
	const B = 2000
	diffs := make([][]float64, len(preds))
	var own []float64
	pos := make([]int, len(segs))
	for range B {
		for i := range pos {
			pos[i] = rng.IntN(len(segs))
		}
		rb := naiveR2(ds, preds[best], pos)
		own = append(own, rb)
		for c := range preds {
			diffs[c] = append(diffs[c], naiveR2(ds, preds[c], pos)-rb)
		}
	}
	for c := range preds {
		if c == best {
			continue
		}
		want := sd(diffs[c])
		if math.Abs(se[c]-want) > 0.1*want {
			t.Errorf("candidate %d: SE %.5f, an independent bootstrap gives %.5f", c, se[c], want)
		}
	}
	// Candidate 3 differs from candidate 1 (the best) by noise of 0.01: their paired
	// difference varies far less than the best's R² itself.
	if best != 1 {
		t.Fatalf("best candidate %d, want 1 (the least noise)", best)
	}
	if se[3] > 0.2*sd(own) {
		t.Errorf("SE of a near-identical candidate %.5f against the best's own spread %.5f: not paired", se[3], sd(own))
	}
}

func sd(x []float64) float64 {
	var m float64
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	var s float64
	for _, v := range x {
		s += (v - m) * (v - m)
	}
	return math.Sqrt(s / float64(len(x)-1))
}

// TestOneSEChoice checks the rule on candidates of known skill: a clearly worse simpler
// candidate is never chosen; between two of equal skill, where the larger R² is a coin toss,
// the simpler is chosen unless chance favours the other by more than one standard error
// (about one time in six; the plain maximum would choose each half the time).
func TestOneSEChoice(t *testing.T) {
	const seeds = 40
	simpler := 0
	for seed := range uint64(seeds) {
		ds, segs, preds := selectionData(30, 10, 4, []float64{0.9, 0.6, 0.6}, 100+seed)
		got, r2, se, err := oneSE(ds, segs, preds, 300, seed)
		if err != nil {
			t.Fatal(err)
		}
		switch got {
		case 0:
			t.Errorf("seed %d: chose the clearly worse candidate (R² %v, SE %v)", seed, r2, se)
		case 1:
			simpler++
		}
	}
	if simpler < seeds*7/10 {
		t.Errorf("the simpler of two equal candidates chosen %d times in %d, want ≥ 70 %%", simpler, seeds)
	}
	// Identical predictions: the first (simplest) wins the tie.
	ds, segs, preds := selectionData(10, 8, 3, []float64{0.5}, 1)
	if got, _, _, err := oneSE(ds, segs, [][]float64{preds[0], preds[0]}, 100, 1); err != nil || got != 0 {
		t.Errorf("identical candidates: chose %d (%v), want 0", got, err)
	}
	if _, _, _, err := oneSE(ds, segs, [][]float64{preds[0][:10]}, 100, 1); err == nil {
		t.Error("a prediction of the wrong size was accepted")
	}
}

func TestByComplexity(t *testing.T) {
	if got := byComplexity([]int{8, 0, 2, 4}); !slices.Equal(got, []int{2, 4, 8, 0}) {
		t.Errorf("byComplexity = %v, want [2 4 8 0]", got)
	}
}
