package prepare

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// encodingTrial returns trial i whose spikes encode their own times, in 10 ms bins:
//   - neuron 0 has k+100 spikes in bin k after move_onset ([e + k·w, e + (k+1)·w));
//   - neuron 1 has k+1 spikes, spread over the bin, in bin k after the trial's start;
//   - neuron 2 has k+1 spikes in bin k before the trial's end ([end − (k+1)·w, end − k·w));
//   - neuron 3 is silent; neuron 4 fires once per trial.
//
// Trials differ in start, duration and event time, none of them on the 10 ms grid; with
// onGrid the duration and event time are whole milliseconds.
func encodingTrial(i int, onGrid bool) Trial {
	const w = 0.01
	start := 0.0
	if i%2 == 1 {
		start = -0.2
	}
	dur, ev := 1.2+0.0137*float64(i), 0.5+0.0071*float64(i)
	if onGrid {
		dur, ev = 1.2+0.013*float64(i), 0.5+0.007*float64(i)
	}
	end, e := start+dur, start+ev
	sp := make([][]float64, 5)
	for k := int(math.Ceil((start - e) / w)); e+float64(k+1)*w <= end; k++ {
		for range k + 100 {
			sp[0] = append(sp[0], e+(float64(k)+0.55)*w)
		}
	}
	for k := 0; start+float64(k+1)*w <= end; k++ {
		for j := range k + 1 {
			// Spread over the bin, at the centres of its tenths (the 1 ms bins when onGrid).
			sp[1] = append(sp[1], start+(float64(k)+(float64(9*j/(k+1))+0.5)/10)*w)
		}
	}
	for k := 0; end-float64(k+1)*w >= start; k++ {
		for range k + 1 {
			sp[2] = append(sp[2], end-(float64(k)+0.45)*w)
		}
	}
	sp[3] = []float64{}
	sp[4] = []float64{start + 0.3}
	return Trial{
		Spikes: sp, Start: start, Duration: dur,
		Events: map[string]float64{"move_onset": e, "go": e - 0.3},
		Labels: map[string]string{"condition": "reach" + strconv.Itoa(i%3), "rt": "x"},
	}
}

func encodingRecipe() Recipe {
	return Recipe{BinMs: 10, Units: Counts, MinRateHz: 2, Labels: []string{"condition"},
		Epochs: []Epoch{
			{Name: "preparation", Align: AlignStart, FromMs: 0, ToMs: 400},
			{Name: "movement", Align: "move_onset", FromMs: -100, ToMs: 400},
			{Name: "execution", Align: AlignEnd, FromMs: -500, ToMs: 0},
			{Name: "whole", Align: AlignStart, ToAlign: AlignEnd},
		}}
}

// TestPrepareAlignment checks that every epoch window lands on the bins its alignment names,
// with trials whose spikes encode their own times.
func TestPrepareAlignment(t *testing.T) {
	const nTrials = 6
	trials := make([]Trial, nTrials)
	for i := range trials {
		trials[i] = encodingTrial(i, false)
	}
	d, rep, err := Prepare(trials, encodingRecipe())
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 4*nTrials || d.M != 3 || d.Dt != 0.01 {
		t.Fatalf("S %d M %d Dt %g, want %d 3 0.01", d.S, d.M, d.Dt, 4*nTrials)
	}
	if got := d.Extra["unit_index"].Data; !slices.Equal(got, []float64{0, 1, 2}) {
		t.Errorf("unit_index %v, want [0 1 2]", got)
	}
	if !slices.Equal(rep.Kept, []int{0, 1, 2}) || len(rep.Dropped) != 2 ||
		rep.Dropped[0].Unit != 3 || !strings.HasPrefix(rep.Dropped[0].Reason, "silent") ||
		rep.Dropped[1].Unit != 4 || !strings.Contains(rep.Dropped[1].Reason, "< min_rate_hz 2") {
		t.Errorf("report: kept %v dropped %+v", rep.Kept, rep.Dropped)
	}
	var total float64
	for i := range trials {
		total += trials[i].Duration
	}
	if want := nTrials / total; math.Abs(rep.MeanRateHz[4]-want) > 1e-12 {
		t.Errorf("unit 4 mean rate %g, want %g", rep.MeanRateHz[4], want)
	}

	T := 0
	for s := range d.S {
		i, ep := s/4, d.Labels["epoch"].Values[s]
		tr := trials[i]
		if d.Labels["trial"].Values[s] != strconv.Itoa(i) || ep != encodingRecipe().Epochs[s%4].Name ||
			d.Labels["condition"].Values[s] != tr.Labels["condition"] {
			t.Fatalf("segment %d: labels trial %s epoch %s condition %s", s,
				d.Labels["trial"].Values[s], ep, d.Labels["condition"].Values[s])
		}
		end, e := tr.Start+tr.Duration, tr.Events["move_onset"]
		var wantLen int
		var wantStart, wantAlign float64
		var neuron int
		var want func(t int) float64
		switch ep {
		case "preparation":
			wantLen, wantStart, wantAlign, neuron = 40, tr.Start, tr.Start, 1
			want = func(t int) float64 { return float64(t + 1) }
		case "movement":
			wantLen, wantStart, wantAlign, neuron = 50, e-0.1, e, 0
			want = func(t int) float64 { return float64(t - 10 + 100) }
		case "execution":
			wantLen, wantStart, wantAlign, neuron = 50, end-0.5, end, 2
			want = func(t int) float64 { return float64(50 - t) }
		case "whole":
			wantLen, wantStart, wantAlign, neuron = int(tr.Duration/0.01), tr.Start, tr.Start, 1
			want = func(t int) float64 { return float64(t + 1) }
		}
		T = max(T, wantLen)
		if d.Lengths[s] != wantLen {
			t.Errorf("trial %d %s: %d bins, want %d", i, ep, d.Lengths[s], wantLen)
			continue
		}
		if got := d.Extra["segment_start"].Data[s]; math.Abs(got-wantStart) > 1e-12 {
			t.Errorf("trial %d %s: segment_start %g, want %g", i, ep, got, wantStart)
		}
		if got := d.Extra["segment_align"].Data[s]; got != wantAlign {
			t.Errorf("trial %d %s: segment_align %g, want %g", i, ep, got, wantAlign)
		}
		seg := d.Segment(s)
		for k := range wantLen {
			if got := seg[k*d.M+neuron]; got != want(k) {
				t.Errorf("trial %d %s: bin %d neuron %d: %g, want %g", i, ep, k, neuron, got, want(k))
			}
		}
		for k := d.Lengths[s] * d.M; k < d.T*d.M; k++ {
			if v := d.Activity[s*d.T*d.M+k]; v != 0 {
				t.Fatalf("trial %d %s: padding %g", i, ep, v)
			}
		}
	}
	if d.T != T {
		t.Errorf("T %d, want %d", d.T, T)
	}
}

// TestPrepareCountsMatchSpikes: the same trials given as 1 ms counts (events on the 1 ms grid)
// prepare to the same rates as their spike times.
func TestPrepareCountsMatchSpikes(t *testing.T) {
	spikes, counts := make([]Trial, 5), make([]Trial, 5)
	for i := range spikes {
		spikes[i] = encodingTrial(i, true)
		tr := spikes[i]
		n := int(math.Round(tr.Duration / 0.001))
		c := make([][]float64, len(tr.Spikes))
		for m, times := range tr.Spikes {
			c[m] = make([]float64, n)
			for _, x := range times {
				c[m][int(math.Floor((x-tr.Start)/0.001))]++
			}
		}
		counts[i] = Trial{Counts: c, Start: tr.Start, BinWidth: 0.001, Events: tr.Events, Labels: tr.Labels}
	}
	r := encodingRecipe()
	r.Units, r.SmoothMs, r.SoftNorm = Rates, 20, 5
	ds, _, err := Prepare(spikes, r)
	if err != nil {
		t.Fatal(err)
	}
	dc, rep, err := Prepare(counts, r)
	if err != nil {
		t.Fatal(err)
	}
	if rep.MaxShift != 0 {
		t.Errorf("max shift %g with events on the input grid", rep.MaxShift)
	}
	if !slices.Equal(ds.Lengths, dc.Lengths) {
		t.Fatalf("lengths %v (spikes) %v (counts)", ds.Lengths, dc.Lengths)
	}
	for k, v := range ds.Activity {
		if math.Abs(dc.Activity[k]-v) > 1e-12*max(1, math.Abs(v)) {
			t.Fatalf("activity[%d]: %.17g from counts, %.17g from spikes", k, dc.Activity[k], v)
		}
	}

	// An event off the 1 ms grid moves the window start to the nearest input edge.
	counts[0].Events = map[string]float64{"move_onset": counts[0].Events["move_onset"] + 0.0003, "go": 0.2}
	r.Epochs = r.Epochs[1:2]
	_, rep, err = Prepare(counts, r)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(rep.MaxShift-0.0003) > 1e-12 {
		t.Errorf("max shift %g, want 0.0003", rep.MaxShift)
	}
}

func TestPrepareUnitsRates(t *testing.T) {
	trials := []Trial{encodingTrial(0, false), encodingTrial(1, false)}
	r := encodingRecipe()
	r.SmoothMs = 15
	dc, _, err := Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	r.Units = Rates
	dr, _, err := Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range dc.Activity {
		if math.Abs(dr.Activity[k]-c/0.01) > 1e-12*max(1, c/0.01) {
			t.Fatalf("activity[%d]: %g Hz, %g counts per 10 ms bin", k, dr.Activity[k], c)
		}
	}
}

// TestSoftNorm checks soft normalisation against hand-computed values: 100 ms bins, rates
// 0, 10, 30 Hz and 10, 0, 0 Hz, range 30 Hz, c = 5 Hz.
func TestSoftNorm(t *testing.T) {
	trials := []Trial{
		{Spikes: [][]float64{{0.15, 0.25, 0.21, 0.22}}, Duration: 0.3},
		{Spikes: [][]float64{{0.05}}, Duration: 0.3},
	}
	r := Recipe{BinMs: 100, Units: Rates, SoftNorm: 5, Epochs: DefaultRecipe().Epochs}
	d, rep, err := Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0, 10.0 / 35, 30.0 / 35, 10.0 / 35, 0, 0}
	for k, v := range d.Activity {
		if math.Abs(v-want[k]) > 1e-15 {
			t.Errorf("activity[%d] = %.17g, want %.17g", k, v, want[k])
		}
	}
	if !slices.Equal(rep.RangeHz, []float64{30}) || !slices.Equal(d.Extra["soft_norm_scale"].Data, []float64{35}) {
		t.Errorf("range %v, scale %v, want [30] [35]", rep.RangeHz, d.Extra["soft_norm_scale"].Data)
	}
}

// TestSpikeAtTrialEnd: a spike at exactly the trial's end counts in the last bin.
func TestSpikeAtTrialEnd(t *testing.T) {
	trials := []Trial{{Spikes: [][]float64{{0, 0.01, 0.05}}, Duration: 0.05}}
	r := Recipe{BinMs: 10, Units: Counts, Epochs: DefaultRecipe().Epochs}
	d, _, err := Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 1, 0, 0, 1}; !slices.Equal(d.Activity, want) {
		t.Errorf("counts %v, want %v", d.Activity, want)
	}
}

func TestSkipAndClip(t *testing.T) {
	trials := []Trial{encodingTrial(0, false), encodingTrial(1, false), encodingTrial(2, false)}
	delete(trials[1].Events, "move_onset")
	r := encodingRecipe()
	r.Epochs = []Epoch{
		{Name: "movement", Align: "move_onset", FromMs: -100, ToMs: 400},
		{Name: "early", Align: AlignStart, FromMs: -100, ToMs: 400},
		{Name: "preparation", Align: AlignStart, FromMs: 0, ToMs: 400},
	}
	if _, _, err := Prepare(trials, r); err == nil || err.Error() != `trial 0: epoch "early": window -0.1–0.4 s outside the trial (0–1.2 s)` {
		t.Errorf("error %v", err)
	}
	r.SkipIncomplete = true
	d, rep, err := Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 5 || len(rep.Skipped) != 4 || rep.Skipped[1].Trial != 1 || rep.Skipped[1].Epoch != "movement" ||
		rep.Skipped[1].Reason != `no event "move_onset" (events: go)` {
		t.Errorf("S %d, skipped %+v", d.S, rep.Skipped)
	}

	r.ClipToTrial = true
	d, rep, err = Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 8 || len(rep.Skipped) != 1 || len(rep.Clipped) != 3 ||
		!strings.HasSuffix(rep.Clipped[0].Reason, "kept bins 10–49 of 50") {
		t.Fatalf("S %d, skipped %+v, clipped %+v", d.S, rep.Skipped, rep.Clipped)
	}
	// The clipped window keeps the bins of the trial, the same as the window from 0.
	for s := 0; s < d.S; s++ {
		if d.Labels["epoch"].Values[s] != "early" {
			continue
		}
		prep := s + 1
		if d.Lengths[s] != 40 || math.Abs(d.Extra["segment_start"].Data[s]-d.Extra["segment_start"].Data[prep]) > 1e-12 {
			t.Errorf("segment %d: %d bins from %g", s, d.Lengths[s], d.Extra["segment_start"].Data[s])
		}
		if a, b := d.Segment(s), d.Segment(prep); !slices.Equal(a, b) {
			t.Errorf("segment %d: clipped window differs from the preparation window", s)
		}
	}
	if !strings.Contains(rep.String(), `skipped trial 1, epoch "movement": no event`) {
		t.Errorf("report text:\n%s", rep)
	}
}

func TestPrepareErrors(t *testing.T) {
	good := func() Trial {
		return Trial{Spikes: [][]float64{{0.1}, {0.2}, {0.3}, {0.4}}, Duration: 1.5,
			Events: map[string]float64{"go": 0.2, "target": 0.1}, Labels: map[string]string{"condition": "a"}}
	}
	r := DefaultRecipe()
	for _, tc := range []struct {
		name string
		edit func(trials []Trial, r *Recipe)
		want string
	}{
		{"spike outside", func(tr []Trial, _ *Recipe) { tr[1].Spikes[3] = []float64{0.1, 5.2} },
			"trial 1: neuron 3: spike time 5.2 s outside the trial (0–1.5 s)"},
		{"spike NaN", func(tr []Trial, _ *Recipe) { tr[1].Spikes[2] = []float64{math.NaN()} },
			"trial 1: neuron 2: spike time NaN s outside the trial (0–1.5 s)"},
		{"no event", func(_ []Trial, r *Recipe) {
			r.Epochs = []Epoch{{Name: "move", Align: "move_onset", FromMs: -100, ToMs: 100}}
		}, `trial 0: epoch "move": no event "move_onset" (events: go, target)`},
		{"event infinite", func(tr []Trial, _ *Recipe) { tr[1].Events["go"] = math.Inf(1) },
			`trial 1: event "go" at +Inf, want finite (or NaN for missing)`},
		{"event NaN used", func(tr []Trial, r *Recipe) {
			tr[1].Events["go"] = math.NaN()
			r.Epochs = []Epoch{{Name: "move", Align: "go", FromMs: -100, ToMs: 100}}
		}, `trial 1: epoch "move": event "go" missing (NaN)`},
		{"named trial", func(tr []Trial, _ *Recipe) { tr[2].ID = "f.npz trial 7"; tr[2].Spikes[0] = []float64{-1} },
			"f.npz trial 7: neuron 0: spike time -1 s outside"},
		{"one-bin window", func(_ []Trial, r *Recipe) {
			r.Epochs = []Epoch{{Name: "v", Align: "target", ToAlign: "go", ToMs: -85}}
		}, `trial 0: epoch "v": window 0.1–0.115 s is shorter than 2 bins`},
		{"all trials dropped", func(_ []Trial, r *Recipe) { r.Checks.Events = []string{"go", "target"} },
			"prepare: all 3 trials dropped by the checks (trial 0: events out of order: target at 0.1 s before go at 0.2 s)"},
		{"window outside", func(_ []Trial, r *Recipe) {
			r.Epochs = []Epoch{{Name: "late", Align: "go", FromMs: 1200, ToMs: 1400}}
		}, `trial 0: epoch "late": window 1.4–1.6 s outside the trial (0–1.5 s)`},
		{"variable window empty", func(_ []Trial, r *Recipe) {
			r.Epochs = []Epoch{{Name: "v", Align: "go", ToAlign: "target"}}
		}, `trial 0: epoch "v": window 0.2–0.1 s is shorter than 2 bins`},
		{"both", func(tr []Trial, _ *Recipe) { tr[2].Counts = [][]float64{{1}}; tr[2].BinWidth = 1.5 },
			"trial 2: both spikes and counts; give one"},
		{"neither", func(tr []Trial, _ *Recipe) { tr[2].Spikes = nil }, "trial 2: no neurons: neither spikes nor counts"},
		{"neurons", func(tr []Trial, _ *Recipe) { tr[1].Spikes = tr[1].Spikes[:3] }, "trial 1: 3 neurons, trial 0 has 4"},
		{"duration", func(tr []Trial, _ *Recipe) { tr[0].Duration = 0 }, "trial 0: duration 0 s, want > 0"},
		{"counts negative", func(tr []Trial, _ *Recipe) {
			tr[1] = Trial{Counts: [][]float64{{0, 1}, {0, 1}, {0, -1}, {0, 0}}, BinWidth: 0.005}
		}, "trial 1: neuron 2: bin 1: count -1, want finite ≥ 0"},
		{"counts ragged", func(tr []Trial, _ *Recipe) {
			tr[1] = Trial{Counts: [][]float64{{0, 1}, {0}}, BinWidth: 0.005}
		}, "trial 1: neuron 1: 1 bins, neuron 0 has 2"},
		{"counts duration", func(tr []Trial, _ *Recipe) {
			tr[1] = Trial{Counts: [][]float64{{0, 1}}, BinWidth: 0.005, Duration: 0.02}
		}, "trial 1: duration 0.02 s, but the counts cover 0.01 s (2 bins of 0.005 s)"},
		{"counts bin width", func(tr []Trial, _ *Recipe) {
			tr[1] = Trial{Counts: [][]float64{{0, 1}}, BinWidth: 0.003}
		}, "trial 1: bin_ms 10 is not a multiple of the counts' bin width 3 ms"},
		{"missing label", func(tr []Trial, _ *Recipe) { tr[1].Labels = nil }, `trial 1: no label "condition" (labels: none)`},
		{"label clash", func(tr []Trial, _ *Recipe) { tr[0].Labels["epoch"] = "x" }, `trial 0: label "epoch" clashes`},
		{"all dropped", func(_ []Trial, r *Recipe) { r.MinRateHz = 100 }, "prepare: all 4 units dropped (min_rate_hz 100)"},
		{"bad recipe", func(_ []Trial, r *Recipe) { r.BinMs = -1 }, "recipe: bin_ms: -1, want > 0"},
		{"one-bin epoch", func(_ []Trial, r *Recipe) { r.Epochs = []Epoch{{Name: "e", Align: "go", ToMs: 10}} },
			"recipe: epochs[0] (e): window 10 ms is 1 bin of 10 ms; a segment needs at least 2 bins"},
		{"gap without bound", func(_ []Trial, r *Recipe) { r.Checks.Gaps = []Gap{{From: "go", To: "target"}} },
			"recipe: checks.gaps[0]: no bound"},
	} {
		trials := []Trial{good(), good(), good()}
		rc := r
		tc.edit(trials, &rc)
		_, _, err := Prepare(trials, rc)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, _, err := Prepare(nil, r); err == nil || err.Error() != "prepare: no trials" {
		t.Errorf("no trials: %v", err)
	}
}

// The epoch label is in the order of the recipe's epochs, a carried label in the order the
// recipe gives (so that figures and tables show it that way), and an order that misses a value
// is an error naming it.
func TestPrepareOrder(t *testing.T) {
	trials := make([]Trial, 6)
	for i := range trials {
		trials[i] = encodingTrial(i, false)
	}
	r := encodingRecipe()
	r.Order = map[string][]string{"condition": {"reach2", "reach0", "reach1"}}
	d, _, err := Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string][]string{
		"epoch":     {"preparation", "movement", "execution", "whole"},
		"condition": {"reach2", "reach0", "reach1"},
	} {
		got, _, err := d.GroupIndex(label)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s in order %v, want %v", label, got, want)
		}
	}
	r.Order["condition"] = []string{"reach2", "reach0"}
	_, _, err = Prepare(trials, r)
	if want := `recipe: order.condition lacks "reach1", the value of segment 4`; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}

// Trials with a missing (NaN) event, with events out of order or with a gap out of bounds are
// dropped before anything else, and each is reported with its reason; the rest are prepared as
// if the dropped trials had never been given (the trial label keeps their original index).
func TestPrepareChecks(t *testing.T) {
	mk := func(target, gocue, move float64) Trial {
		return Trial{Spikes: [][]float64{{0.15, 0.35}, {0.5}}, Duration: 1,
			Events: map[string]float64{"target": target, "go": gocue, "move": move}}
	}
	trials := []Trial{
		mk(0.1, 0.3, 0.5),        // kept
		mk(0.1, math.NaN(), 0.5), // go missing
		mk(0.1, 0.3, 0.25),       // move before go
		mk(0.1, 0.3, 0.32),       // reaction 20 ms < 50
		mk(0.2, 0.4, 0.6),        // kept
	}
	trials[3].ID = "session 2 trial 9"
	lo := 50.0
	r := DefaultRecipe()
	r.SmoothMs = 0
	r.Epochs = []Epoch{{Name: "move", Align: "move", FromMs: -100, ToMs: 100}}
	r.Checks = Checks{Events: []string{"target", "go", "move"}, Gaps: []Gap{{From: "go", To: "move", MinMs: &lo}}}
	d, rep, err := Prepare(trials, r)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(d.Labels["trial"].Values, ","); got != "0,4" {
		t.Errorf("trials kept %s, want 0,4", got)
	}
	want := []TrialNote{
		{1, "trial 1", `event "go" missing (NaN)`},
		{2, "trial 2", "events out of order: move at 0.25 s before go at 0.3 s"},
		{3, "session 2 trial 9", "move − go = 20 ms, outside [50, ∞] ms"},
	}
	if !slices.Equal(rep.DroppedTrials, want) {
		t.Errorf("dropped %+v\nwant    %+v", rep.DroppedTrials, want)
	}
	// The mean rate is over the kept trials only: unit 1 has 1 spike in each of 2 s.
	if rep.MeanRateHz[1] != 1 || rep.MeanRateHz[0] != 2 {
		t.Errorf("mean rates %v, want [2 1]", rep.MeanRateHz)
	}
	if !strings.Contains(rep.String(), "3 of 5 trials dropped:") ||
		!strings.Contains(rep.String(), "dropped session 2 trial 9: move − go = 20 ms") {
		t.Errorf("report text:\n%s", rep)
	}
}
