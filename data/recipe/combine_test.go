package recipe

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/prepare"
)

// The spike-table layout of the pool and simultaneous fixtures (riehle-joe's), counts in
// 50 ms bins of the whole trial.
const spikeTable = `
time_unit: ms
trials: eventtimes
columns_from: event_names
start: TS
stop: TE
spikes: {table: spiketimes, time: 1, trial: 2}
labels: {direction: {spike_field: 3}}
prepare: {bin_ms: 50, smooth_ms: 0, units: counts, epochs: [{name: all, align: TS, from_ms: 0, to_ms: 900}]}
`

// loadErr loads a recipe that must be refused and returns the message.
func loadErr(t *testing.T, y string) string {
	t.Helper()
	d, _, err := Load(parseIn(t, "testdata", y))
	if err == nil {
		t.Fatalf("loaded %d × %d × %d, want an error", d.S, d.T, d.M)
	}
	return err.Error()
}

func wantAll(t *testing.T, msg string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("error lacks %q:\n%s", p, msg)
		}
	}
}

// Several files with neither combine nor pool are refused, naming the files and the keys; so
// are several sources, and several tensors.
func TestCombineRequired(t *testing.T) {
	msg := loadErr(t, "file: pool/u*_b*.npz"+spikeTable)
	wantAll(t, msg, "6 recordings", "u0_b1.npz", "u0_b2.npz", "and 2 more", "combine: trials", "combine: simultaneous", "pool: {match:", "jedi stitch")
	if strings.Contains(msg, "they have") || strings.Contains(msg, "their units") {
		t.Errorf("a hint for files that could be either:\n%s", msg)
	}
	// What the files look like is said: the same trials, or units that differ.
	msg = loadErr(t, "file: simultaneous/u*.npz"+spikeTable)
	wantAll(t, msg, "2 recordings", "they have the same trials, with the same events and labels: units recorded together?")
	msg = loadErr(t, "file: pool/u*_b1.npz\nunit: {index: {file: pool/toc.npz, key: files, column: unit}}"+spikeTable)
	wantAll(t, msg, "3 recordings", "their units differ in number or ids")
	msg = loadErr(t, `
sources:
  - {file: before_after.mat, trials: before, activity: {axes: [trial, neuron, time], bin_ms: 1}}
  - {file: before_after.mat, trials: after, activity: {axes: [trial, neuron, time], bin_ms: 1}}
`)
	wantAll(t, msg, "2 recordings", "before_after.mat (trials before)", "before_after.mat (trials after)", "combine: trials")
	msg = loadErr(t, `
sources:
  - {file: tensor.npz, tensor: X, axes: [neuron, condition, time], dt_ms: 10}
  - {file: tensor.npz, tensor: X, axes: [neuron, condition, time], dt_ms: 10}
`)
	wantAll(t, msg, "2 recordings", "tensor.npz (tensor X)", "combine: simultaneous")
	// One file matched by a glob needs nothing.
	if d, _ := load(t, "file: pool/u0_b*1.npz"+spikeTable); d.M != 1 {
		t.Errorf("one file: M %d", d.M)
	}
}

func TestCombineParse(t *testing.T) {
	for y, want := range map[string]string{
		"combine: neurons\nfile: f\ntrials: D\nactivity: {bin_ms: 1}":                                         `combine: "neurons", want trials`,
		"combine: trials\nfile: f\ntrials: D\nactivity: {bin_ms: 1}\npool: {match: [c]}":                      "combine: trials with pool",
		"combine: trials\nfile: f\ntrials: D\nactivity: {bin_ms: 1}\nprepare: {bin_ms: 20}\ncombin: trials\n": `did you mean "combine"`,
	} {
		_, err := Parse("r.yaml", []byte(y))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", y, err, want)
		}
	}
	// The resolved recipe written beside a dataset keeps combine.
	r, err := Parse("r.yaml", []byte("combine: simultaneous\nfile: f\ntrials: D\nactivity: {bin_ms: 1}"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.YAML()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("again.yaml", b)
	if err != nil || again.Combine != CombineSimultaneous {
		t.Fatalf("round trip: %v, combine %q\n%s", err, again.Combine, b)
	}
}

// combine: trials appends the files' trials, each file's as it prepares alone; files whose
// units differ (in number, or by the ids the recipe's unit gives) are refused.
func TestCombineTrials(t *testing.T) {
	const unit = "\nunit: {index: {file: pool/toc.npz, key: files, column: unit}}"
	d, rep := load(t, "file: pool/u2_b*.npz\ncombine: trials"+unit+spikeTable)
	a, _ := load(t, "file: pool/u2_b1.npz"+spikeTable)
	b, _ := load(t, "file: pool/u2_b2.npz"+spikeTable)
	if d.S != a.S+b.S || d.M != 1 || rep.Trials != a.S+b.S {
		t.Fatalf("S %d (alone %d + %d), M %d, trials %d", d.S, a.S, b.S, d.M, rep.Trials)
	}
	for s := range d.S {
		part, i := a, s
		if s >= a.S {
			part, i = b, s-a.S
		}
		if !slices.Equal(d.Segment(s), part.Segment(i)) || d.Labels["direction"].Values[s] != part.Labels["direction"].Values[i] {
			t.Fatalf("segment %d differs from the file's own segment %d", s, i)
		}
	}

	// Three different units, one per file: their ids say so.
	msg := loadErr(t, "file: pool/u*_b1.npz\ncombine: trials"+unit+spikeTable)
	wantAll(t, msg, `unit 1 is "101" in`, "u1_b1.npz", `"100" in`, "u0_b1.npz", "combine: simultaneous")
	// Two units in one file, one in the other.
	msg = loadErr(t, `
combine: trials
sources:
  - {file: multiunit.npz, time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE, spikes: {table: spiketimes, time: 1, trial: 2, unit: 3}}
  - {file: pool/u2_b1.npz, time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE, spikes: {table: spiketimes, time: 1, trial: 2}}
`)
	wantAll(t, msg, "u2_b1.npz holds 1 units", "multiunit.npz 2")
	// The spike table's own unit ids are compared without a unit key: a file whose unit 9 is
	// renamed 7 holds other units than multiunit.npz.
	msg = loadErr(t, `
combine: trials
sources:
  - {file: multiunit.npz, time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE, spikes: {table: spiketimes, time: 1, trial: 2, unit: 3}}
  - {file: multiunit.npz, time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE, spikes: {table: spiketimes, time: 1, trial: 2, unit: 4}}
`)
	wantAll(t, msg, `unit 1 is "1" in`, `"5" in`)
}

// combine: simultaneous joins the two single-unit files of simultaneous/ into exactly what the
// spike table holding both units (multiunit.npz, read through its unit field) gives.
func TestCombineSimultaneous(t *testing.T) {
	d, rep := load(t, "file: simultaneous/u*.npz\ncombine: simultaneous"+spikeTable)
	both, _ := load(t, "file: multiunit.npz"+strings.Replace(strings.Replace(spikeTable, "trial: 2}", "trial: 2, unit: 3}", 1), "spike_field: 3", "spike_field: 4", 1))
	if d.S != both.S || d.T != both.T || d.M != 2 || both.M != 2 || rep.Units != 2 || len(rep.DroppedTrials) != 0 {
		t.Fatalf("joined %d × %d × %d, one table %d × %d × %d; report %+v", d.S, d.T, d.M, both.S, both.T, both.M, rep)
	}
	if !slices.Equal(d.Activity, both.Activity) {
		t.Errorf("joined activity differs from the two-unit table's")
	}
	for _, l := range []string{"direction", "trial", "epoch"} {
		if !slices.Equal(d.Labels[l].Values, both.Labels[l].Values) {
			t.Errorf("label %s: %v, one table %v", l, d.Labels[l].Values, both.Labels[l].Values)
		}
	}

	// Two blocks of one unit are not the same trials: their movement onsets differ.
	msg := loadErr(t, "file: pool/u2_b*.npz\ncombine: simultaneous"+spikeTable)
	wantAll(t, msg, "combine: simultaneous: trial 0: event MO", "u2_b1.npz", "u2_b2.npz", "combine: trials")
	// Nor are files with different numbers of trials.
	msg = loadErr(t, "file: pool/u[01]_b1.npz\ncombine: simultaneous"+spikeTable)
	wantAll(t, msg, "u1_b1.npz has 9 trials", "u0_b1.npz 8")
	// One unit twice (as the ids of the recipe's unit say).
	msg = loadErr(t, `
combine: simultaneous
sources:
  - {file: pool/u2_b1.npz, time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE, spikes: {table: spiketimes, time: 1, trial: 2}, unit: {value: joe}}
  - {file: pool/u2_b1.npz, time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE, spikes: {table: spiketimes, time: 1, trial: 2}, unit: {value: joe}}
`)
	wantAll(t, msg, `unit "joe" is in`, "one neuron twice")
}

// joinSimultaneous on trials built here: a trial left out of one file is left out of the join
// and reported with that file's reason; events and labels are the union; edges must agree.
func TestJoinSimultaneousTrials(t *testing.T) {
	tr := func(start float64, ev map[string]float64, lab map[string]string, spikes ...[]float64) prepare.Trial {
		return prepare.Trial{Start: start, Duration: 1, Events: ev, Labels: lab, Spikes: spikes}
	}
	nan := math.NaN()
	a := &recording{name: "a.npz", path: "/d/a.npz", n: 3, units: []string{"a#0"},
		trials: []prepare.Trial{
			tr(0, map[string]float64{"go": 0.5, "mo": nan}, map[string]string{"dir": "1"}, []float64{0.1}),
			tr(2, map[string]float64{"go": 2.5, "mo": 2.7}, map[string]string{"dir": "2"}, []float64{2.2}),
			tr(4, map[string]float64{"go": 4.5, "mo": 4.6}, map[string]string{"dir": "1"}, []float64{4.3}),
		}, index: []int{0, 1, 2}}
	b := &recording{name: "b.npz", path: "/d/b.npz", n: 3, units: []string{"b#0", "b#1"},
		trials: []prepare.Trial{
			tr(0, map[string]float64{"go": 0.5, "mo": nan, "rw": 0.9}, map[string]string{"hand": "L"}, []float64{0.2}, nil),
			tr(4, map[string]float64{"go": 4.5}, map[string]string{"dir": "1"}, nil, []float64{4.4, 4.5}),
		}, index: []int{0, 2},
		dropped: []prepare.TrialNote{{Trial: 1, ID: "b.npz trial 1", Reason: "start TS missing"}}}
	j, err := joinSimultaneous([]*recording{a, b})
	if err != nil {
		t.Fatal(err)
	}
	if len(j.trials) != 2 || !slices.Equal(j.index, []int{0, 2}) || !slices.Equal(j.units, []string{"a#0", "b#0", "b#1"}) {
		t.Fatalf("trials %d index %v units %v", len(j.trials), j.index, j.units)
	}
	if len(j.dropped) != 1 || j.dropped[0].Trial != 1 || !strings.Contains(j.dropped[0].Reason, "b.npz: start TS missing") {
		t.Errorf("dropped %+v", j.dropped)
	}
	t0 := j.trials[0]
	if len(t0.Spikes) != 3 || t0.Spikes[0][0] != 0.1 || t0.Spikes[1][0] != 0.2 || t0.Spikes[2] != nil ||
		t0.Events["rw"] != 0.9 || !math.IsNaN(t0.Events["mo"]) || t0.Labels["dir"] != "1" || t0.Labels["hand"] != "L" {
		t.Errorf("trial 0: %+v", t0)
	}
	if t2 := j.trials[1]; t2.Events["mo"] != 4.6 || len(t2.Spikes[2]) != 2 || !strings.Contains(t2.ID, "trial 2") {
		t.Errorf("trial 2: %+v", t2)
	}

	for _, c := range []struct {
		change func(*prepare.Trial)
		want   string
	}{
		{func(u *prepare.Trial) { u.Start = 0.001 }, "start 0 in /d/a.npz, 0.001 in /d/b.npz"},
		{func(u *prepare.Trial) { u.Duration = 2 }, "duration (s) 1 in /d/a.npz, 2 in /d/b.npz"},
		{func(u *prepare.Trial) { u.Events["mo"] = 0.7 }, "event mo NaN in /d/a.npz, 0.7 in /d/b.npz"},
		{func(u *prepare.Trial) { u.Labels["dir"] = "2" }, `label dir "1" in /d/a.npz, "2" in /d/b.npz`},
		{func(u *prepare.Trial) { u.Spikes, u.Counts, u.BinWidth = nil, [][]float64{{1}, {2}}, 1 }, "/d/a.npz holds spike times, /d/b.npz binned activity"},
	} {
		bb := *b
		bb.trials = slices.Clone(b.trials)
		u := &bb.trials[0]
		u.Events, u.Labels = map[string]float64{"mo": nan}, map[string]string{}
		c.change(u)
		_, err := joinSimultaneous([]*recording{a, &bb})
		if err == nil || !strings.Contains(err.Error(), "trial 0: "+c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}

// NWB units tables name their units by id: the good units and the MUA of one file are
// simultaneous (joined, they are the whole file), not more trials of the same units.
func TestCombineNWB(t *testing.T) {
	src := func(where string) string {
		return "\n  - {file: trials.nwb, trials: /intervals/trials, spikes: {units: /units" + where + "}, labels: {condition: condition}}"
	}
	const prep = "\nprepare: {bin_ms: 20, smooth_ms: 0, units: counts}"
	all, _ := load(t, "file: trials.nwb\ntrials: /intervals/trials\nspikes: {units: /units}\nlabels: {condition: condition}"+prep)
	d, rep := load(t, "combine: simultaneous\nsources:"+src(", where: {quality: good}")+src(", where: {quality: mua}")+prep)
	if d.M != 3 || !slices.Equal(d.Activity, all.Activity) || !slices.Equal(d.Labels["condition"].Values, all.Labels["condition"].Values) {
		t.Errorf("good + mua joined: %d neurons, not the whole file's activity", d.M)
	}
	if !slices.Equal(rep.UnitIDs, []string{"trials.nwb#10", "trials.nwb#20", "trials.nwb#30"}) {
		t.Errorf("unit ids %v", rep.UnitIDs)
	}
	if d, _ := load(t, "combine: trials\nsources:"+src("")+src("")+prep); d.S != 2*all.S || d.M != 3 {
		t.Errorf("appended: %d × %d", d.S, d.M)
	}
	msg := loadErr(t, "combine: trials\nsources:"+src(", where: {quality: good}")+src("")+prep)
	wantAll(t, msg, "trials.nwb holds 3 units", "trials.nwb 2")
	msg = loadErr(t, "combine: simultaneous\nsources:"+src(", where: {quality: good}")+src("")+prep)
	wantAll(t, msg, `unit "10" is in`, "one neuron twice")
}

// Tensors: combine: trials appends the conditions, combine: simultaneous joins the neurons.
func TestCombineTensors(t *testing.T) {
	const two = `
sources:
  - {file: tensor.npz, tensor: X, axes: [neuron, condition, time], dt_ms: 10}
  - {file: tensor.npz, tensor: X, axes: [neuron, condition, time], dt_ms: 10}
`
	one, _ := load(t, "file: tensor.npz\ntensor: X\naxes: [neuron, condition, time]\ndt_ms: 10")
	d, rep := load(t, "combine: trials"+two)
	if d.S != 2*one.S || d.M != one.M || rep.Segments != d.S || !slices.Equal(d.Activity[len(one.Activity):], one.Activity) {
		t.Errorf("trials: %d × %d, one %d × %d", d.S, d.M, one.S, one.M)
	}
	d, rep = load(t, "combine: simultaneous"+two)
	if d.S != one.S || d.M != 2*one.M || rep.Units != d.M || len(rep.Kept) != d.M {
		t.Fatalf("simultaneous: %d × %d, one %d × %d; report %+v", d.S, d.M, one.S, one.M, rep)
	}
	for st := range one.S * one.T {
		for m := range one.M {
			if x := one.Activity[st*one.M+m]; d.Activity[st*d.M+m] != x || d.Activity[st*d.M+one.M+m] != x {
				t.Fatalf("segment-bin %d neuron %d", st, m)
			}
		}
	}
}

// riehle-joe's three units of session 11 (joe011_3/4/5.npz, one file per unit, the same 128
// trials): joined, each neuron is what its file gives alone; appended without unit names, one
// neuron as before; with the toc's unit names, appending them is refused.
func TestCombineRiehleSession(t *testing.T) {
	dir := sharedData(t, "riehle-joe")
	const recipe = `
time_unit: ms
trials: eventtimes
columns_from: event_names
start: TS
stop: TE
spikes: {table: spiketimes, time: 1, trial: 2}
labels: {direction: {spike_field: 3}}
prepare:
  bin_ms: 20
  smooth_ms: 40
  epochs:
    - {name: preparation, align: PS, from_ms: 300, to_ms: 900}
    - {name: execution, align: MO, from_ms: -200, to_ms: 400}
  skip_incomplete: true
`
	at := func(y string) (*data.Dataset, *prepare.Report) {
		t.Helper()
		d, rep, err := Load(parseIn(t, dir, y))
		if err != nil {
			t.Fatal(err)
		}
		return d, rep
	}
	d, rep := at("file: joe011_*.npz\ncombine: simultaneous" + recipe)
	if d.M != 3 || rep.Trials != 128 {
		t.Fatalf("joined: %d neurons, %d trials (%s)", d.M, rep.Trials, rep)
	}
	for m, f := range []string{"joe011_3.npz", "joe011_4.npz", "joe011_5.npz"} {
		alone, _ := at("file: " + f + recipe)
		if alone.S != d.S || alone.T != d.T {
			t.Fatalf("%s alone: %d × %d, joined %d × %d", f, alone.S, alone.T, d.S, d.T)
		}
		for st := range d.S * d.T {
			if got, want := d.Activity[st*3+m], alone.Activity[st]; got != want {
				t.Fatalf("%s: segment-bin %d: joined %g, alone %g", f, st, got, want)
			}
		}
		if !slices.Equal(alone.Labels["direction"].Values, d.Labels["direction"].Values) {
			t.Errorf("%s: directions differ", f)
		}
	}
	if d, _ := at("file: joe011_*.npz\ncombine: trials" + recipe); d.M != 1 {
		t.Errorf("appended: %d neurons", d.M)
	}
	unit := "\nunit: {index: {file: " + filepath.Join(dir, "toc.npz") + ", key: files, column: global_neuron}}"
	_, _, err := Load(parseIn(t, dir, "file: joe011_*.npz\ncombine: trials"+unit+recipe))
	if err == nil || !strings.Contains(err.Error(), `unit 1 is "2" in`) {
		t.Errorf("appending three named units: %v", err)
	}
}
