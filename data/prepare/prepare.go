package prepare

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"

	"github.com/jedi-neuro/jedi/data"
)

// Prepare cuts every trial into one segment per epoch window of r, in trial order and, within
// a trial, in the recipe's epoch order, and returns them as a dataset with the report of what
// was dropped, skipped or clipped.
//
// The dataset has S segments × T = max_s T_s bins × M kept units, Dt = bin_ms/1000 s, and
// Lengths[s] = T_s (windows aligned to two different times can differ in length; the padding
// after T_s is 0). Bin t of segment s covers
// [segment_start[s] + t·Dt, segment_start[s] + (t+1)·Dt) on its trial's clock. Labels: "epoch"
// (the epoch's name; its Order is the recipe's order of epochs), "trial" (the trial's index in trials, an integer) and the carried trial
// labels (in the order r.Order gives, if it names them). Extra arrays, each one value per segment or per unit:
//
//	unit_index      [M] the kept units' indices among the trials' neurons
//	segment_start   [S] the left edge of each segment's first bin, seconds on its trial's clock
//	segment_align   [S] the time each segment's window is aligned to (Epoch.Align), same clock
//	soft_norm_scale [M] range + soft_norm, the divisor of each unit (only with soft_norm > 0)
//
// Errors name the trial index, neuron or event and field at fault.
func Prepare(trials []Trial, r Recipe) (*data.Dataset, *Report, error) {
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	if len(trials) == 0 {
		return nil, nil, fmt.Errorf("prepare: no trials")
	}
	w := r.BinMs / 1e3
	M0, err := checkTrials(trials, w)
	if err != nil {
		return nil, nil, err
	}
	continuous, err := checkContinuous(trials, &r)
	if err != nil {
		return nil, nil, err
	}
	if r.ShuffleSpikes != 0 {
		if trials, err = shuffleTimes(trials, r.ShuffleSpikes, ""); err != nil {
			return nil, nil, err
		}
	}
	rep := &Report{Trials: len(trials), Units: M0}
	use := rep.applyChecks(trials, &r.Checks)
	if len(use) == 0 {
		return nil, nil, fmt.Errorf("prepare: all %d trials dropped by the checks (%s: %s)", len(trials), rep.DroppedTrials[0].ID, rep.DroppedTrials[0].Reason)
	}
	labels, err := carriedLabels(trials, use, r.Labels)
	if err != nil {
		return nil, nil, err
	}
	rep.selectUnits(trials, use, r.MinRateHz, continuous)
	if len(rep.Kept) == 0 {
		return nil, nil, fmt.Errorf("prepare: all %d units dropped (min_rate_hz %g)", M0, r.MinRateHz)
	}
	p := cutter{r: &r, w: w, kernel: gaussianKernel(r.SmoothMs/1e3, w), keep: rep.Kept, rep: rep}
	var segs []segment
	for _, i := range use {
		for _, ep := range r.Epochs {
			seg, err := p.cut(&trials[i], i, ep)
			if err != nil {
				return nil, nil, err
			}
			if seg != nil {
				segs = append(segs, *seg)
			}
		}
	}
	if len(segs) == 0 {
		return nil, nil, fmt.Errorf("prepare: no segments: every (trial, epoch) window was skipped")
	}
	rep.Segments = len(segs)
	var scale []float64
	if r.SoftNorm > 0 {
		rep.RangeHz, scale = softNorm(segs, len(rep.Kept), r.SoftNorm)
	}
	d := assemble(trials, segs, labels, rep, scale, w)
	if err := r.orderLabels(d); err != nil {
		return nil, nil, err
	}
	return d, rep, nil
}

// segment is one cut window: n bins × M kept units, row-major.
type segment struct {
	trial        int
	epoch        string
	start, align float64
	n            int
	act          []float64
}

// cutter holds what every window's cut needs.
type cutter struct {
	r      *Recipe
	w      float64
	kernel []float64
	keep   []int
	rep    *Report
}

// cut returns trial i's segment for epoch ep, or nil when the window is skipped.
func (p *cutter) cut(tr *Trial, i int, ep Epoch) (*segment, error) {
	incomplete := func(reason string) (*segment, error) {
		if p.r.SkipIncomplete {
			p.rep.Skipped = append(p.rep.Skipped, WindowNote{Trial: i, ID: tr.name(i), Epoch: ep.Name, Reason: reason})
			return nil, nil
		}
		return nil, fmt.Errorf("%s: epoch %q: %s", tr.name(i), ep.Name, reason)
	}
	a, err := tr.alignTime(ep.Align)
	if err != nil {
		return incomplete(err.Error())
	}
	ws := a + ep.FromMs/1e3
	var n int
	if ep.ToAlign == "" || ep.ToAlign == ep.Align {
		// Validate made sure the fixed window is a whole number of bins.
		n, _ = wholeBins(ep.ToMs-ep.FromMs, p.r.BinMs)
	} else {
		b, err := tr.alignTime(ep.ToAlign)
		if err != nil {
			return incomplete(err.Error())
		}
		we := b + ep.ToMs/1e3
		if n = int(math.Floor((we-ws)/p.w + edgeTol)); n < MinBins {
			return incomplete(fmt.Sprintf("window %.10g–%.10g s is shorter than %d bins", ws, we, MinBins))
		}
	}

	var g grid
	start, end := tr.Start, tr.Start+tr.span()
	if len(tr.Spikes) > 0 {
		g = spikeGrid(ws, p.w, start, end)
	} else {
		var shift float64
		g, shift = countGrid(ws, p.w, start, tr.BinWidth, len(tr.Counts[0]))
		p.rep.MaxShift = max(p.rep.MaxShift, math.Abs(shift))
	}

	s, e := 0, n
	if g.lo > 0 || g.hi < n {
		reason := fmt.Sprintf("window %.10g–%.10g s outside the trial (%.10g–%.10g s)", g.g0, g.g0+float64(n)*p.w, start, end)
		s, e = max(0, g.lo), min(n, g.hi)
		if !p.r.ClipToTrial || e-s < MinBins {
			return incomplete(reason)
		}
		p.rep.Clipped = append(p.rep.Clipped, WindowNote{Trial: i, ID: tr.name(i), Epoch: ep.Name,
			Reason: fmt.Sprintf("%s: kept bins %d–%d of %d", reason, s, e-1, n)})
	}

	act := p.extract(tr, g, s, e)
	return &segment{trial: i, epoch: ep.Name, start: g.g0 + float64(s)*p.w, align: a, n: e - s, act: act}, nil
}

// extract returns bins s … e−1 of grid g of the trial, (e−s) × kept units row-major: binned,
// smoothed and in the recipe's units.
func (p *cutter) extract(tr *Trial, g grid, s, e int) []float64 {
	// Smoothing reads up to J bins either side of the segment, within the trial.
	J := len(p.kernel) / 2
	k0, k1 := max(g.lo, s-J), min(g.hi, e+J)
	M := len(p.keep)
	buf, out := make([]float64, k1-k0), make([]float64, e-s)
	act := make([]float64, (e-s)*M)
	for col, m := range p.keep {
		if len(tr.Spikes) > 0 {
			binSpikes(buf, tr.Spikes[m], g, k0)
		} else {
			rebin(buf, tr.Counts[m], g, k0)
			if tr.Continuous {
				for i := range buf {
					buf[i] /= float64(g.f)
				}
			}
		}
		smooth(out, buf, p.kernel, s-k0)
		for t, v := range out {
			if p.r.Units == Rates && !tr.Continuous {
				v /= p.w
			}
			act[t*M+col] = v
		}
	}
	return act
}

// MinBins is the fewest bins a segment may have: a recurrent fit needs a step from one bin to
// the next, and an initial state inferred from the first bins needs at least one more.
const MinBins = 2

// checkTrials validates every trial against a bin width of w seconds and returns their common
// number of neurons.
func checkTrials(trials []Trial, w float64) (int, error) {
	var M0 int
	for i := range trials {
		m, err := trials[i].check(i, w)
		if err != nil {
			return 0, err
		}
		if i == 0 {
			M0 = m
		} else if m != M0 {
			return 0, fmt.Errorf("%s: %d neurons, %s has %d", trials[i].name(i), m, trials[0].name(0), M0)
		}
	}
	return M0, nil
}

// checkContinuous reports whether the trials hold values rather than spikes (all or none of
// them), which the recipe must then neither count nor select by rate.
func checkContinuous(trials []Trial, r *Recipe) (bool, error) {
	c := trials[0].Continuous
	for i := range trials {
		if trials[i].Continuous != c {
			return false, fmt.Errorf("%s: continuous values mixed with the spike counts of %s", trials[i].name(i), trials[0].name(0))
		}
	}
	switch {
	case c && r.Units == Counts:
		return false, fmt.Errorf("recipe: units: counts, but the trials hold rates or continuous values (use units: rates, which keeps them as they are)")
	case c && r.MinRateHz > 0:
		return false, fmt.Errorf("recipe: min_rate_hz %g, but the trials hold rates or continuous values, not spikes; set it to 0", r.MinRateHz)
	}
	return c, nil
}

// applyChecks records in DroppedTrials the trials that fail c and returns the indices of the
// others, in order.
func (rep *Report) applyChecks(trials []Trial, c *Checks) []int {
	use := make([]int, 0, len(trials))
	for i := range trials {
		if why := trials[i].failsChecks(c); why != "" {
			rep.DroppedTrials = append(rep.DroppedTrials, TrialNote{Trial: i, ID: trials[i].name(i), Reason: why})
			continue
		}
		use = append(use, i)
	}
	return use
}

// selectUnits fills MeanRateHz, Kept and Dropped: a unit is dropped when it has no spike, or
// when its pooled mean rate is below minRate.
func (rep *Report) selectUnits(trials []Trial, use []int, minRate float64, continuous bool) {
	if continuous {
		// Values are not spikes: there is no rate to select on.
		for m := range rep.Units {
			rep.Kept = append(rep.Kept, m)
		}
		return
	}
	var total float64
	for _, i := range use {
		total += trials[i].span()
	}
	rep.MeanRateHz = make([]float64, rep.Units)
	for m := range rep.Units {
		var count float64
		for _, i := range use {
			count += trials[i].spikeCount(m)
		}
		rate := count / total
		rep.MeanRateHz[m] = rate
		switch {
		case count == 0:
			rep.Dropped = append(rep.Dropped, DroppedUnit{Unit: m, Reason: "silent: no spike in any trial"})
		case rate < minRate:
			rep.Dropped = append(rep.Dropped, DroppedUnit{Unit: m, MeanRateHz: rate,
				Reason: fmt.Sprintf("mean rate %.4g Hz < min_rate_hz %g", rate, minRate)})
		default:
			rep.Kept = append(rep.Kept, m)
		}
	}
}

// carriedLabels returns the names of the trial labels to carry: names, or when empty every
// label of any trial, sorted; every trial must have each of them.
func carriedLabels(trials []Trial, use []int, names []string) ([]string, error) {
	if len(names) == 0 {
		all := map[string]bool{}
		for _, i := range use {
			for _, l := range slices.Sorted(maps.Keys(trials[i].Labels)) {
				if reserved[l] {
					return nil, fmt.Errorf("%s: label %q clashes with the label prepare adds; list the labels to carry in the recipe's labels", trials[i].name(i), l)
				}
				all[l] = true
			}
		}
		names = slices.Sorted(maps.Keys(all))
	}
	for _, i := range use {
		for _, l := range names {
			if _, ok := trials[i].Labels[l]; !ok {
				return nil, fmt.Errorf("%s: no label %q (labels: %s)", trials[i].name(i), l, listOrNone(slices.Sorted(maps.Keys(trials[i].Labels))))
			}
		}
	}
	return names, nil
}

// softNorm divides every unit's activity by its range over all segments plus c, and returns
// the ranges and the divisors.
func softNorm(segs []segment, M int, c float64) (ranges, scale []float64) {
	lo, hi := make([]float64, M), make([]float64, M)
	for m := range M {
		lo[m], hi[m] = math.Inf(1), math.Inf(-1)
	}
	for _, sg := range segs {
		for t := range sg.n {
			for m, v := range sg.act[t*M : (t+1)*M] {
				lo[m], hi[m] = min(lo[m], v), max(hi[m], v)
			}
		}
	}
	ranges, scale = make([]float64, M), make([]float64, M)
	for m := range M {
		ranges[m] = hi[m] - lo[m]
		scale[m] = ranges[m] + c
	}
	for _, sg := range segs {
		for t := range sg.n {
			for m := range M {
				sg.act[t*M+m] /= scale[m]
			}
		}
	}
	return ranges, scale
}

// assemble lays the segments out as a padded dataset with its labels and extras.
func assemble(trials []Trial, segs []segment, labels []string, rep *Report, scale []float64, w float64) *data.Dataset {
	S, M := len(segs), len(rep.Kept)
	T := 0
	for _, sg := range segs {
		T = max(T, sg.n)
	}
	d := data.New(S, T, M, w)
	epoch, trial := make([]string, S), make([]string, S)
	start, align := make([]float64, S), make([]float64, S)
	carried := make([][]string, len(labels))
	for j := range carried {
		carried[j] = make([]string, S)
	}
	for s, sg := range segs {
		copy(d.Activity[s*T*M:], sg.act)
		d.Lengths[s] = sg.n
		epoch[s], trial[s] = sg.epoch, strconv.Itoa(sg.trial)
		start[s], align[s] = sg.start, sg.align
		for j, l := range labels {
			carried[j][s] = trials[sg.trial].Labels[l]
		}
	}
	d.Labels["epoch"] = data.Label{Kind: data.StringLabel, Values: epoch}
	d.Labels["trial"] = data.Label{Kind: data.IntLabel, Values: trial}
	for j, l := range labels {
		d.Labels[l] = data.Label{Kind: data.StringLabel, Values: carried[j]}
	}
	units := make([]float64, M)
	for i, m := range rep.Kept {
		units[i] = float64(m)
	}
	d.Extra["unit_index"] = data.Array{Shape: []int{M}, Data: units}
	d.Extra["segment_start"] = data.Array{Shape: []int{S}, Data: start}
	d.Extra["segment_align"] = data.Array{Shape: []int{S}, Data: align}
	if scale != nil {
		d.Extra["soft_norm_scale"] = data.Array{Shape: []int{M}, Data: scale}
	}
	return d
}
