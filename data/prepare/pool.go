package prepare

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/data"
)

// Pool modes.
const (
	// Average gives one segment per (condition, epoch): each unit's trial average.
	Average = "average"
	// Resample gives PseudoTrials segments per (condition, epoch): pseudo-trial k takes, for
	// every unit, one of that unit's own trials of the condition, drawn with the seed.
	Resample = "resample"
)

// PoolRecipe says how units recorded in different sessions are pooled into one
// pseudo-population. A condition is a combination of the values of the Match labels; trials
// of a unit with the same condition are interchangeable, so a pseudo-trial can take a
// different real trial for every unit.
type PoolRecipe struct {
	// Match are the labels whose values define a condition (e.g. [condition, direction]).
	Match []string `yaml:"match"`
	// Mode is "average" (one condition-averaged segment per condition and epoch) or
	// "resample" (pseudo-trials). Default resample.
	Mode string `yaml:"mode"`
	// PseudoTrials is the number of pseudo-trials per condition (resample); 0 means the
	// fewest trials any kept unit has in any condition, so that no real trial of any unit is
	// used twice in one condition.
	PseudoTrials int `yaml:"pseudo_trials"`
	// Seed draws the pseudo-trials: the same recordings, recipe and seed give the same data.
	Seed uint64 `yaml:"seed"`
	// MinTrials is the fewest trials a unit needs in every condition to be kept (trials that
	// survived the checks and have every epoch window). Default 5.
	MinTrials int `yaml:"min_trials"`
}

// DefaultPool returns the documented defaults: resample, pseudo-trials as many as the fewest
// trials of a kept unit, seed 1, at least 5 trials per condition.
func DefaultPool() PoolRecipe {
	return PoolRecipe{Mode: Resample, Seed: 1, MinTrials: 5}
}

// Validate checks every field and names the first wrong one.
func (p *PoolRecipe) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("pool: %s: %s", field, fmt.Sprintf(format, args...))
	}
	switch {
	case len(p.Match) == 0:
		return bad("match", "none; name the labels whose values make a condition (e.g. [condition, direction])")
	case p.Mode != Average && p.Mode != Resample:
		return bad("mode", "%q, want average or resample", p.Mode)
	case p.PseudoTrials < 0:
		return bad("pseudo_trials", "%d, want ≥ 0", p.PseudoTrials)
	case p.MinTrials < 1:
		return bad("min_trials", "%d, want ≥ 1", p.MinTrials)
	case p.Mode == Average && p.PseudoTrials != 0:
		return bad("pseudo_trials", "applies to mode resample only")
	}
	for i, m := range p.Match {
		if m == "" || reserved[m] {
			return bad(fmt.Sprintf("match[%d]", i), "%q, want the name of a trial label", m)
		}
	}
	return nil
}

// Recording is the trials of one set of units recorded together (one session, one file).
type Recording struct {
	// Name names the recording in reports (e.g. its file).
	Name string
	// Units[m] is the identity of the recording's unit m (the trials' neuron m): the same
	// identity in two recordings is the same unit (e.g. recorded in one block per condition).
	Units []string
	// Trials hold the spikes or counts of len(Units) neurons each.
	Trials []Trial
}

// Pool builds a pseudo-population dataset from recordings of different units.
//
// Every recording's trials are checked (Recipe.Checks) and cut into the recipe's epoch
// windows, binned and smoothed as Prepare does; a window must have a fixed length (no
// to_align), and a trial enters the pool only with every epoch window (with skip_incomplete
// the others are reported in Report.Skipped). A unit is kept when its mean rate over its
// trials reaches min_rate_hz (and is above 0) and it has at least p.MinTrials trials in every
// condition found in any recording; Report.Dropped says why the others were not.
//
// With p.Mode average, segment (condition c, epoch e) holds, for each kept unit u, the mean
// over u's trials of condition c of their epoch-e windows. With resample, pseudo-trial
// k = 0 … K−1 of condition c takes unit u's trial π_u,c(k mod n_u,c), where n_u,c is the number
// of u's trials of condition c and π_u,c a permutation drawn from a PCG seeded with p.Seed;
// all epochs of a pseudo-trial come from the same real trial of each unit, so that the
// epochs of one pseudo-trial are one behavioural trial per unit. soft_norm, if set, is applied
// to the pooled segments.
//
// Segments are ordered by condition (sorted by the Match labels' values), then pseudo-trial,
// then epoch. Labels: the Match labels, "epoch" and, for resample, "trial" (the pseudo-trial's
// index within its condition). Report.UnitIDs names the dataset's neurons, Report.Kept gives
// their indices into the list of all unit identities, sorted (numerically where they are
// numbers).
func Pool(recs []Recording, r Recipe, p PoolRecipe) (*data.Dataset, *Report, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	for i, ep := range r.Epochs {
		if ep.ToAlign != "" && ep.ToAlign != ep.Align {
			return nil, nil, fmt.Errorf("recipe: epochs[%d] (%s): to_align gives windows of varying length, which cannot be pooled across trials; give a fixed window", i, ep.Name)
		}
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("pool: no recordings")
	}
	w := r.BinMs / 1e3
	rep := &Report{}
	kernel := gaussianKernel(r.SmoothMs/1e3, w)

	// Every unit identity, with its trials (as windows) by condition, its spikes and time.
	type unitTrial struct {
		wins [][]float64 // per epoch: n_e bins of this unit
	}
	type unit struct {
		byCond       map[string][]unitTrial
		spikes, time float64
	}
	units := map[string]*unit{}
	condLabels := map[string][]string{}
	for ri := range recs {
		rec := &recs[ri]
		if len(rec.Trials) == 0 {
			return nil, nil, fmt.Errorf("pool: %s: no trials", rec.Name)
		}
		M, err := checkTrials(rec.Trials, w)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", rec.Name, err)
		}
		if M != len(rec.Units) {
			return nil, nil, fmt.Errorf("%s: trials have %d neurons, the recording names %d units", rec.Name, M, len(rec.Units))
		}
		if _, err := checkContinuous(rec.Trials, &r); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", rec.Name, err)
		}
		if rec.Trials[0].Continuous {
			return nil, nil, fmt.Errorf("%s: pooling needs spikes or spike counts; the trials hold rates or continuous values", rec.Name)
		}
		recTrials := rec.Trials
		if r.ShuffleSpikes != 0 {
			if recTrials, err = shuffleTimes(recTrials, r.ShuffleSpikes, rec.Name); err != nil {
				return nil, nil, fmt.Errorf("%s: %w", rec.Name, err)
			}
		}
		rep.Trials += len(rec.Trials)
		use := rep.applyChecks(recTrials, &r.Checks)
		all := make([]int, M)
		for m := range all {
			all[m] = m
		}
		cut := cutter{r: &r, w: w, kernel: kernel, keep: all, rep: rep}
		for m, id := range rec.Units {
			if slices.Index(rec.Units, id) != m {
				return nil, nil, fmt.Errorf("%s: unit %q named twice (neurons %d and %d)", rec.Name, id, slices.Index(rec.Units, id), m)
			}
			if units[id] == nil {
				units[id] = &unit{byCond: map[string][]unitTrial{}}
			}
		}
	trials:
		for _, i := range use {
			tr := &recTrials[i]
			vals := make([]string, len(p.Match))
			for j, l := range p.Match {
				v, ok := tr.Labels[l]
				if !ok {
					return nil, nil, fmt.Errorf("%s: %s: no label %q to match on (labels: %s)", rec.Name, tr.name(i), l, listOrNone(slices.Sorted(mapsKeys(tr.Labels))))
				}
				vals[j] = v
			}
			key := strings.Join(vals, "\x00")
			condLabels[key] = vals
			segs := make([]*segment, len(r.Epochs))
			for e, ep := range r.Epochs {
				sg, err := cut.cut(tr, i, ep)
				if err != nil {
					return nil, nil, fmt.Errorf("%s: %w", rec.Name, err)
				}
				if sg == nil {
					continue trials
				}
				segs[e] = sg
			}
			for m, id := range rec.Units {
				u := units[id]
				ut := unitTrial{wins: make([][]float64, len(segs))}
				for e, sg := range segs {
					col := make([]float64, sg.n)
					for t := range sg.n {
						col[t] = sg.act[t*M+m]
					}
					ut.wins[e] = col
				}
				u.byCond[key] = append(u.byCond[key], ut)
				u.spikes += tr.spikeCount(m)
				u.time += tr.span()
			}
		}
	}
	if len(rep.DroppedTrials) == rep.Trials {
		return nil, nil, fmt.Errorf("pool: all %d trials dropped by the checks (%s: %s)", rep.Trials, rep.DroppedTrials[0].ID, rep.DroppedTrials[0].Reason)
	}

	ids := slices.SortedFunc(mapsKeys(units), func(a, b string) int { return compareLabels([]string{a}, []string{b}) })
	keys := slices.SortedFunc(mapsKeys(condLabels), func(a, b string) int { return compareLabels(condLabels[a], condLabels[b]) })
	rep.Units = len(ids)
	rep.MeanRateHz = make([]float64, len(ids))
	fewest := math.MaxInt
	for k, id := range ids {
		u := units[id]
		rate := 0.0
		if u.time > 0 {
			rate = u.spikes / u.time
		}
		rep.MeanRateHz[k] = rate
		drop := func(reason string) {
			rep.Dropped = append(rep.Dropped, DroppedUnit{Unit: k, ID: id, MeanRateHz: rate, Reason: reason})
		}
		switch {
		case u.spikes == 0:
			drop("silent: no spike in any trial")
			continue
		case rate < r.MinRateHz:
			drop(fmt.Sprintf("mean rate %.4g Hz < min_rate_hz %g", rate, r.MinRateHz))
			continue
		}
		short := ""
		for _, key := range keys {
			if n := len(u.byCond[key]); n < p.MinTrials {
				short = fmt.Sprintf("%d trials of %s < min_trials %d", n, describe(p.Match, condLabels[key]), p.MinTrials)
				break
			}
		}
		if short != "" {
			drop(short)
			continue
		}
		for _, key := range keys {
			fewest = min(fewest, len(u.byCond[key]))
		}
		rep.Kept = append(rep.Kept, k)
		rep.UnitIDs = append(rep.UnitIDs, id)
	}
	if len(rep.Kept) == 0 {
		return nil, nil, fmt.Errorf("pool: all %d units dropped (min_trials %d per condition over %d conditions, min_rate_hz %g); first: %s: %s",
			len(ids), p.MinTrials, len(keys), r.MinRateHz, rep.Dropped[0].ID, rep.Dropped[0].Reason)
	}

	K := 1
	if p.Mode == Resample {
		K = p.PseudoTrials
		if K == 0 {
			K = fewest
		}
	}
	rng := rand.New(rand.NewPCG(p.Seed, 0x9e3779b97f4a7c15))
	M := len(rep.Kept)
	var segs []segment
	var conds []string
	for _, key := range keys {
		// perms[i] is kept unit i's order of its trials of this condition.
		perms := make([][]int, M)
		for i, k := range rep.Kept {
			n := len(units[ids[k]].byCond[key])
			if p.Mode == Resample {
				perms[i] = rng.Perm(n)
			}
		}
		for pt := range K {
			for e, ep := range r.Epochs {
				var n int
				act := []float64(nil)
				for i, k := range rep.Kept {
					ts := units[ids[k]].byCond[key]
					var col []float64
					if p.Mode == Resample {
						col = ts[perms[i][pt%len(ts)]].wins[e]
					} else {
						col = make([]float64, len(ts[0].wins[e]))
						for _, t := range ts {
							for b, v := range t.wins[e] {
								col[b] += v / float64(len(ts))
							}
						}
					}
					if act == nil {
						n = len(col)
						act = make([]float64, n*M)
					}
					for b, v := range col {
						act[b*M+i] = v
					}
				}
				segs = append(segs, segment{trial: pt, epoch: ep.Name, n: n, act: act})
				conds = append(conds, key)
			}
		}
	}
	rep.Segments = len(segs)
	// The windows are already in the recipe's units (cutter.extract), as in Prepare.
	var scale []float64
	if r.SoftNorm > 0 {
		rep.RangeHz, scale = softNorm(segs, M, r.SoftNorm)
	}
	T := 0
	for _, sg := range segs {
		T = max(T, sg.n)
	}
	d := data.New(len(segs), T, M, w)
	epoch, trial := make([]string, len(segs)), make([]string, len(segs))
	matched := make([][]string, len(p.Match))
	for j := range matched {
		matched[j] = make([]string, len(segs))
	}
	for s, sg := range segs {
		copy(d.Activity[s*T*M:], sg.act)
		d.Lengths[s] = sg.n
		epoch[s], trial[s] = sg.epoch, strconv.Itoa(sg.trial)
		for j := range p.Match {
			matched[j][s] = condLabels[conds[s]][j]
		}
	}
	d.Labels["epoch"] = data.Label{Kind: data.StringLabel, Values: epoch}
	if p.Mode == Resample {
		d.Labels["trial"] = data.Label{Kind: data.IntLabel, Values: trial}
	}
	for j, l := range p.Match {
		d.Labels[l] = data.Label{Kind: data.StringLabel, Values: matched[j]}
	}
	if scale != nil {
		d.Extra["soft_norm_scale"] = data.Array{Shape: []int{M}, Data: scale}
	}
	if err := r.orderLabels(d); err != nil {
		return nil, nil, err
	}
	return d, rep, nil
}

// mapsKeys returns the keys of m, in no particular order.
func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// compareLabels orders two lists of label values element by element, numerically where both
// values are numbers (so that direction 10 follows direction 9), as text otherwise.
func compareLabels(a, b []string) int {
	for i := range min(len(a), len(b)) {
		x, ex := strconv.ParseFloat(a[i], 64)
		y, ey := strconv.ParseFloat(b[i], 64)
		switch {
		case ex == nil && ey == nil && x != y:
			if x < y {
				return -1
			}
			return 1
		case a[i] != b[i]:
			return strings.Compare(a[i], b[i])
		}
	}
	return len(a) - len(b)
}

// describe writes a condition as "name=value name=value".
func describe(names, values []string) string {
	parts := make([]string, len(names))
	for i := range names {
		parts[i] = names[i] + "=" + values[i]
	}
	return strings.Join(parts, " ")
}
