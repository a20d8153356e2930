package recipe

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/prepare"
)

// parseIn parses a recipe whose relative paths are relative to dir.
func parseIn(t *testing.T, dir, y string) *Recipe {
	t.Helper()
	r, err := Parse("test.yaml", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	r.resolve(dir)
	return r
}

func load(t *testing.T, y string) (*data.Dataset, *prepare.Report) {
	t.Helper()
	d, rep, err := Load(parseIn(t, "testdata", y))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	return d, rep
}

// expected returns an array of testdata/expected.npz, written by numpy in make_fixtures.py.
func expected(t *testing.T, name string) ([]float64, []int) {
	t.Helper()
	root, err := formats.ReadNPZ("testdata/expected.npz")
	if err != nil {
		t.Fatal(err)
	}
	n, err := root.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := n.Float64s()
	return v, n.Shape
}

// sameAsNumpy checks segment k, bin b, neuron m of d (units counts, whole-trial epoch, no
// smoothing) against numpy's K × M × B binned counts.
func sameAsNumpy(t *testing.T, d *data.Dataset, want []float64, shape []int) {
	t.Helper()
	K, M, B := shape[0], shape[1], shape[2]
	if d.S != K || d.M != M || d.T != B {
		t.Fatalf("dataset %d × %d × %d, numpy %v", d.S, d.T, d.M, shape)
	}
	for k := range K {
		for m := range M {
			for b := range B {
				if got, w := d.Activity[(k*d.T+b)*d.M+m], want[(k*M+m)*B+b]; got != w {
					t.Fatalf("trial %d neuron %d bin %d: %g, numpy %g", k, m, b, got, w)
				}
			}
		}
	}
}

const counts20 = `
prepare: {bin_ms: 20, smooth_ms: 0, units: counts}
`

// A struct array: counts from a field, labels from a char field, a numeric field, a parallel
// vector, an element of a matrix row, a mapping and a constant.
func TestStructArray(t *testing.T) {
	d, _ := load(t, `
file: structs.mat
trials: D
activity: {field: data, values: counts, bin_ms: 1}
events: {go: go}
time_unit: ms
labels:
  condition: condition
  target: target
  vec: {vector: cond_vec}
  row: {vector: info, element: 2}
  side: {field: condition, map: {left: L, right: R}}
  session: {value: s1}
`+counts20)
	want, shape := expected(t, "struct_binned")
	sameAsNumpy(t, d, want, shape)
	for name, w := range map[string]string{
		"condition": "left,right,left,right,left,right",
		"target":    "1,2,3,1,2,3", "vec": "1,2,3,1,2,3", "row": "1,2,3,1,2,3",
		"side": "L,R,L,R,L,R", "session": "s1,s1,s1,s1,s1,s1",
	} {
		if got := strings.Join(d.Labels[name].Values, ","); got != w {
			t.Errorf("label %s: %s, want %s", name, got, w)
		}
	}
}

// The same trials inside a 1×1 struct, and aligned to the go field: the window
// [go, go + 100 ms) of trial k starts at bin (50 + 10k)/1 ms of the 1 ms counts.
func TestNestedStructAligned(t *testing.T) {
	d, _ := load(t, `
file: structs.mat
trials: S.trials
activity: {field: data, bin_ms: 1}
events: {go: go}
time_unit: ms
prepare:
  bin_ms: 20
  smooth_ms: 0
  units: counts
  epochs: [{name: go, align: go, from_ms: 0, to_ms: 100}]
`)
	_, _ = expected(t, "counts")
	counts, _ := expected(t, "counts")
	for k := range 6 {
		for m := range 3 {
			for b := range 5 {
				var w float64
				for i := range 20 {
					w += counts[(k*3+m)*200+50+10*k+20*b+i]
				}
				if got := d.Activity[(k*d.T+b)*d.M+m]; got != w {
					t.Fatalf("trial %d neuron %d bin %d: %g, want %g", k, m, b, got, w)
				}
			}
		}
	}
}

// A cell array of bins × neurons matrices with labels in a parallel cell array gives the
// same counts as the struct array.
func TestCellArray(t *testing.T) {
	d, _ := load(t, `
file: cells.mat
trials: C
activity: {axes: [time, neuron], bin_ms: 1}
labels: {condition: {vector: labels}}
`+counts20)
	want, shape := expected(t, "struct_binned")
	sameAsNumpy(t, d, want, shape)
	if got := strings.Join(d.Labels["condition"].Values, ","); got != "left,right,left,right,left,right" {
		t.Errorf("condition %s", got)
	}
}

// Non-integer "counts" are refused naming the trial, neuron and bin; values: continuous takes
// them, averaged when re-binned.
func TestActivityValues(t *testing.T) {
	r := parseIn(t, "testdata", `
file: tensor.npz
trials: X
activity: {bin_ms: 1}
`)
	_, _, err := Load(r)
	if err == nil || !strings.Contains(err.Error(), "X: shape [3 4 5]: a 3-D array of trials needs activity.axes") {
		t.Errorf("3-D array without axes: %v", err)
	}
	// X[m, c, t] = 100c + 10t + m: with its axes named, trial c, neuron m, bin t holds exactly that.
	d, _ := load(t, `
file: tensor.npz
trials: X
activity: {axes: [neuron, trial, time], bin_ms: 10, values: rates}
prepare: {bin_ms: 10, smooth_ms: 0}
`)
	if d.S != 4 || d.M != 3 || d.T != 5 {
		t.Fatalf("S %d M %d T %d", d.S, d.M, d.T)
	}
	for c := range 4 {
		for tt := range 5 {
			for m := range 3 {
				if got := d.Activity[(c*5+tt)*3+m]; got != float64(100*c+10*tt+m) {
					t.Fatalf("trial %d bin %d neuron %d: %g", c, tt, m, got)
				}
			}
		}
	}
	// Counts with one fractional entry (trial 3, neuron 2, bin 18) are refused, naming it.
	r = parseIn(t, "testdata", `
file: expected.npz
trials: fractional
activity: {axes: [trial, neuron, time], bin_ms: 1}
`)
	_, _, err = Load(r)
	if err == nil || !strings.Contains(err.Error(), "fractional (trial 3): neuron 2, bin 18: 0.5 is not a spike count") {
		t.Errorf("fractional counts: %v", err)
	}
	// cells.mat holds counts; read as continuous, 20 ms bins are the means of 20 counts.
	d, _ = load(t, `
file: cells.mat
trials: C
activity: {axes: [time, neuron], bin_ms: 1, values: continuous}
prepare: {bin_ms: 20, smooth_ms: 0}
`)
	want, shape := expected(t, "struct_binned")
	for i := range want {
		want[i] /= 20
	}
	for k := range shape[0] {
		for m := range shape[1] {
			for b := range shape[2] {
				if got, w := d.Activity[(k*d.T+b)*d.M+m], want[(k*shape[1]+m)*shape[2]+b]; math.Abs(got-w) > 1e-12 {
					t.Fatalf("trial %d neuron %d bin %d: %g, want %g", k, m, b, got, w)
				}
			}
		}
	}
}

// Two variables of one file, trials × neurons × bins and with the axes in another order, as
// two sources with a constant label each: together the struct array's six trials.
func TestSourcesCombined(t *testing.T) {
	d, _ := load(t, `
combine: trials
sources:
  - {file: before_after.mat, trials: before, activity: {axes: [trial, neuron, time], bin_ms: 1}, labels: {phase: {value: before}}}
  - {file: before_after.mat, trials: after, activity: {axes: [trial, neuron, time], bin_ms: 1}, labels: {phase: {value: after}}}
`+counts20)
	want, shape := expected(t, "struct_binned")
	sameAsNumpy(t, d, want, shape)
	if got := strings.Join(d.Labels["phase"].Values, ","); got != "before,before,before,after,after,after" {
		t.Errorf("phase %s", got)
	}
}

// NWB: the trials table gives edges, events (every numeric column) and labels (a string
// column); the units table gives spike times, binned as numpy.histogram bins them.
func TestNWBTrials(t *testing.T) {
	d, rep := load(t, `
file: trials.nwb
trials: /intervals/trials
spikes: {units: /units}
labels: {condition: condition, target: target}
`+counts20)
	want, shape := expected(t, "nwb_binned")
	sameAsNumpy(t, d, want, shape)
	if got := strings.Join(d.Labels["condition"].Values, ","); got != "left,right,left,right,left,right" {
		t.Errorf("condition %s", got)
	}
	if len(rep.Kept) != 3 {
		t.Errorf("kept %v", rep.Kept)
	}
	// Aligned to move onset, which trial 3 lacks (NaN): with the check it is dropped and said.
	d, rep = load(t, `
file: trials.nwb
trials: /intervals/trials
spikes: {units: /units}
prepare:
  bin_ms: 10
  epochs: [{name: move, align: move_onset_time, from_ms: -40, to_ms: 40}]
  checks: {events: [go_cue_time, move_onset_time]}
`)
	if d.S != 5 || strings.Join(d.Labels["trial"].Values, ",") != "0,1,2,4,5" {
		t.Errorf("segments %d, trials %v", d.S, d.Labels["trial"].Values)
	}
	if len(rep.DroppedTrials) != 1 || rep.DroppedTrials[0].ID != "trials.nwb trial 3" || rep.DroppedTrials[0].Reason != `event "move_onset_time" missing (NaN)` {
		t.Errorf("dropped %+v", rep.DroppedTrials)
	}
}

// The pseudo-population of unit × block files: conditions from the index table, directions
// from the spike table, units named by the index, the trial without an end dropped and said.
func TestPoolFiles(t *testing.T) {
	d, rep := load(t, `
file: pool/u*_b*.npz
time_unit: ms
trials: eventtimes
columns_from: event_names
start: TS
stop: TE
spikes: {table: spiketimes, time: 1, trial: 2}
labels:
  direction: {spike_field: 3}
  condition: {index: {file: pool/toc.npz, key: files, column: condition}}
unit: {index: {file: pool/toc.npz, key: files, column: unit}}
prepare:
  bin_ms: 50
  smooth_ms: 0
  units: counts
  epochs:
    - {name: prep, align: GO, from_ms: -200, to_ms: 100}
    - {name: move, align: MO, from_ms: -100, to_ms: 200}
  checks: {events: [TS, GO, MO, TE]}
pool: {match: [condition, direction], min_trials: 3, seed: 3}
`)
	if !slices.Equal(rep.UnitIDs, []string{"100", "101", "102"}) {
		t.Fatalf("units %v", rep.UnitIDs)
	}
	// 2 conditions × 2 directions; the fewest trials: unit 100 has 8 per block, 4 per
	// direction; unit 101 block 2 loses its trial 0 (direction 1, no TE): 4 of direction 1 remain… of 9.
	if len(rep.DroppedTrials) != 1 || rep.DroppedTrials[0].ID != "u1_b2.npz trial 0" {
		t.Errorf("dropped trials %+v", rep.DroppedTrials)
	}
	conds := map[string]int{}
	for s := range d.S {
		conds[d.Labels["condition"].Values[s]+"/"+d.Labels["direction"].Values[s]+"/"+d.Labels["epoch"].Values[s]]++
	}
	if len(conds) != 8 || conds["1/1/prep"] != conds["2/2/move"] || conds["1/1/prep"] < 3 {
		t.Errorf("segments per condition/direction/epoch %v", conds)
	}
	t.Logf("%s", rep)
}

// checkRamp checks that segment s holds bins first, first+1, … of a recording whose bin i,
// neuron m holds 1000 m + i, re-binned by averaging f bins.
func checkRamp(t *testing.T, d *data.Dataset, s, first, f int) {
	t.Helper()
	for b := range d.Lengths[s] {
		for m := range d.M {
			var w float64
			for j := range f {
				w += float64(1000*m + first + b*f + j)
			}
			w /= float64(f)
			if got := d.Activity[(s*d.T+b)*d.M+m]; math.Abs(got-w) > 1e-9 {
				t.Fatalf("segment %d bin %d neuron %d: %g, want %g", s, b, m, got, w)
			}
		}
	}
}

// Windows cut from continuous data by a trial table (a matrix with named columns), aligned to
// an event; a trial past the end of the data is dropped and said. The same from the transposed
// array with timestamps.
func TestContinuousTrialTable(t *testing.T) {
	for _, c := range []string{
		"{data: X, bin_ms: 10, start_time: 0.5, values: rates}",
		"{data: Xt, axes: [neuron, time], timestamps: t, values: rates}",
	} {
		d, rep := load(t, `
file: continuous.npz
continuous: `+c+`
trials: trials
columns: [start, stop, go]
start: start
stop: stop
prepare:
  bin_ms: 20
  smooth_ms: 0
  epochs: [{name: go, align: go, from_ms: -100, to_ms: 100}]
`)
		if d.S != 2 || d.T != 10 || len(rep.DroppedTrials) != 1 || !strings.Contains(rep.DroppedTrials[0].Reason, "holds no full bin") {
			t.Fatalf("%s: S %d T %d dropped %+v", c, d.S, d.T, rep.DroppedTrials)
		}
		// Trial 0: go at 0.8 s, window 0.7–0.9 s = bins 20 … 39 of 10 ms from 0.5 s.
		checkRamp(t, d, 0, 20, 2)
		// Trial 1: go at 1.7 s: bins 110 ….
		checkRamp(t, d, 1, 110, 2)
	}
}

// Runs of a per-bin label become trials labelled by it.
func TestContinuousRuns(t *testing.T) {
	d, _ := load(t, `
file: continuous.npz
continuous: {data: X, bin_ms: 10, start_time: 0.5, runs: phase, runs_label: phase}
prepare: {bin_ms: 10, smooth_ms: 0}
`)
	if d.S != 3 || strings.Join(d.Labels["phase"].Values, ",") != "rest,move,rest" || d.Lengths[0] != 100 || d.Lengths[1] != 50 || d.Lengths[2] != 150 {
		t.Fatalf("S %d, phase %v, lengths %v", d.S, d.Labels["phase"].Values, d.Lengths)
	}
	checkRamp(t, d, 0, 0, 1)
	checkRamp(t, d, 1, 100, 1)
	checkRamp(t, d, 2, 150, 1)
}

// NWB TimeSeries, by starting_time and rate or by timestamps, cut by the trials table.
func TestNWBTimeSeries(t *testing.T) {
	d, _ := load(t, `
file: trials.nwb
continuous: {data: /processing/ecephys/rates, values: rates}
trials: /intervals/trials
labels: {condition: condition}
prepare: {bin_ms: 10, smooth_ms: 0}
`)
	// Trial k spans 2k … 2k + 0.2 s: bins 200k … 200k + 19 at 100 Hz.
	if d.S != 6 || d.T != 20 {
		t.Fatalf("S %d T %d", d.S, d.T)
	}
	for k := range 6 {
		checkRamp(t, d, k, 200*k, 1)
	}
	d, _ = load(t, `
file: trials.nwb
continuous: {data: /processing/behavior/hand}
trials: /intervals/trials
prepare: {bin_ms: 20, smooth_ms: 0}
`)
	// 50 Hz from 0.01 s: trial 1 (2.0 … 2.2 s) holds the full bins starting at 2.01 … 2.17 s,
	// i = 100 … 108 (the last ends at 2.19 s).
	if d.M != 2 || d.Lengths[1] != 9 {
		t.Fatalf("M %d lengths %v", d.M, d.Lengths)
	}
	if got, want := d.Activity[(1*d.T+0)*d.M+0], math.Sin(100/10.0); math.Abs(got-want) > 1e-12 {
		t.Errorf("hand x at 2.01 s: %g, want %g", got, want)
	}
}

// prepare --init: the proposed recipe of every recognisable fixture is accepted as it is.
func TestProposeLoads(t *testing.T) {
	for _, name := range []string{"structs.mat", "cells.mat", "trials.nwb", "pool/u0_b1.npz", "before_after.mat"} {
		b, err := Propose("testdata/" + name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r, err := Parse(name, b)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, b)
		}
		if _, _, err := Load(r); err != nil {
			t.Errorf("%s: proposed recipe fails: %v\n%s", name, err, b)
		}
		if !strings.Contains(string(b), "GUESS") {
			t.Errorf("%s: no guess marked:\n%s", name, b)
		}
	}
}

// Plain HDF5 datasets: a tensor, and a chunked, compressed 3-D array of trials.
func TestHDF5Arrays(t *testing.T) {
	d, _ := load(t, `
file: arrays.h5
trials: /trials/counts
activity: {axes: [trial, neuron, time], bin_ms: 1}
`+counts20)
	want, shape := expected(t, "struct_binned")
	sameAsNumpy(t, d, want, shape)
	d, _ = load(t, "{file: arrays.h5, tensor: X, axes: [neuron, condition, time], dt_ms: 10}")
	// X[m, c, t] = 100c + 10t + m.
	if d.S != 4 || d.T != 5 || d.M != 3 || d.Activity[(2*5+3)*3+1] != 231 {
		t.Errorf("S %d T %d M %d, X[1,2,3] → %g", d.S, d.T, d.M, d.Activity[(2*5+3)*3+1])
	}
}

// --file DIR reads a glob source and its index tables from another directory.
func TestSetFileDirectory(t *testing.T) {
	r, err := LoadRecipe("../../examples/recipes/riehle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetFile("testdata/pool"); err != nil {
		t.Fatal(err)
	}
	s := r.Sources[0]
	abs, _ := filepath.Abs("testdata/pool")
	if s.File != filepath.Join(abs, "*_*.npz") || s.Labels["condition"].Index.File != filepath.Join(abs, "toc.npz") || s.Unit.Index.File != filepath.Join(abs, "toc.npz") {
		t.Errorf("file %s, index %s, unit index %s", s.File, s.Labels["condition"].Index.File, s.Unit.Index.File)
	}
}

// Settings that do not apply to the file's layout are errors, not ignored.
func TestLayoutMismatch(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"{file: structs.mat, trials: D, columns: [a], activity: {field: data, bin_ms: 1}}", "columns: D is a struct array, not a matrix"},
		{"{file: continuous.npz, continuous: {data: X, bin_ms: 10}, trials: trials, columns: [a, b, c], start: a}", "stop: missing: cutting a continuous recording"},
		{"{file: structs.mat, trials: D, spikes: {field: spk}}", "stop: missing: spike times need"},
		{"{file: structs.mat, trials: D, activity: {bin_ms: 1}}", "name the field (activity.field)"},
		{"{file: structs.mat, trials: D, activity: {field: nope, bin_ms: 1}}", "nope"},
		{"{file: trials.nwb, trials: /intervals/trials, spikes: {units: /units}, labels: {c: nope}}", "nope"},
		{"{file: pool/u0_b1.npz, trials: eventtimes, columns: [a, b], stop: b, spikes: {table: spiketimes, time: 1, trial: 2}}", "4 columns, columns names 2"},
		{"{file: pool/u0_b1.npz, trials: eventtimes, columns_from: event_names, stop: TE, spikes: {table: spiketimes, time: 1, trial: 2, first_trial: 1}}", "trial 0, want an integer from 1 to 8"},
	} {
		_, _, err := Load(parseIn(t, "testdata", c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.yaml, err, c.want)
		}
	}
}

// The pool fixture's condition averages equal numpy's (make_fixtures.py), unit by unit.
func TestPoolAverageNumpy(t *testing.T) {
	d, rep := load(t, `
file: pool/u*_b*.npz
time_unit: ms
trials: eventtimes
columns_from: event_names
start: TS
stop: TE
spikes: {table: spiketimes, time: 1, trial: 2}
labels:
  direction: {spike_field: 3}
  condition: {index: {file: pool/toc.npz, key: files, column: condition}}
unit: {index: {file: pool/toc.npz, key: files, column: unit}}
prepare:
  bin_ms: 50
  smooth_ms: 0
  units: counts
  epochs:
    - {name: prep, align: GO, from_ms: -200, to_ms: 100}
    - {name: move, align: MO, from_ms: -100, to_ms: 200}
pool: {match: [condition, direction], mode: average, min_trials: 3}
`)
	want, _ := expected(t, "pool_average")
	if d.S != 8 || d.T != 6 || d.M != 3 || !slices.Equal(rep.UnitIDs, []string{"100", "101", "102"}) {
		t.Fatalf("S %d T %d M %d units %v", d.S, d.T, d.M, rep.UnitIDs)
	}
	for s := range d.S {
		c := d.Labels["condition"].Values[s]
		dir := d.Labels["direction"].Values[s]
		e := map[string]int{"prep": 0, "move": 1}[d.Labels["epoch"].Values[s]]
		ci, di := int(c[0]-'1'), int(dir[0]-'1')
		for u := range 3 {
			for b := range 6 {
				w := want[((((u*2+ci)*2+di)*2+e)*6)+b]
				if got := d.Activity[(s*d.T+b)*d.M+u]; math.Abs(got-w) > 1e-12 {
					t.Fatalf("unit %d condition %s direction %s epoch %d bin %d: %g, numpy %g", u, c, dir, e, b, got, w)
				}
			}
		}
	}
}

// A spike table with a unit field (one spike per row here): each unit's counts equal those of
// the same spikes read alone.
func TestSpikeTableUnits(t *testing.T) {
	const common = `
time_unit: ms
trials: eventtimes
columns_from: event_names
start: TS
stop: TE
labels: {direction: {spike_field: 4}}
prepare: {bin_ms: 50, smooth_ms: 0, units: counts, epochs: [{name: all, align: TS, from_ms: 0, to_ms: 900}]}
`
	multi, rep := load(t, "file: multiunit.npz\nspikes: {table: spiketimes, time: 1, trial: 2, unit: 3}"+common)
	single, _ := load(t, "file: pool/u2_b1.npz\nspikes: {table: spiketimes, time: 1, trial: 2}"+strings.Replace(common, "spike_field: 4", "spike_field: 3", 1))
	if multi.M != 2 || rep.Units != 2 || multi.S != single.S || multi.T != single.T {
		t.Fatalf("multi M %d S %d T %d, single S %d T %d", multi.M, multi.S, multi.T, single.S, single.T)
	}
	if strings.Join(multi.Labels["direction"].Values, ",") != strings.Join(single.Labels["direction"].Values, ",") {
		t.Errorf("directions differ")
	}
	for s := range multi.S {
		for b := range multi.T {
			a := single.Activity[(s*single.T+b)*single.M]
			if got := multi.Activity[(s*multi.T+b)*2]; got != a {
				t.Fatalf("unit 5, segment %d bin %d: %g, alone %g", s, b, got, a)
			}
			w := a
			if b >= 9 { // bins from 450 ms on: unit 9 has no spikes there
				w = 0
			}
			if got := multi.Activity[(s*multi.T+b)*2+1]; got != w {
				t.Fatalf("unit 9, segment %d bin %d: %g, want %g", s, b, got, w)
			}
		}
	}
}

// Spike times per unit in a field of each trial (a cell of vectors, ms from the trial's start)
// bin to the same counts as the 1 ms counts they were made from.
func TestStructSpikeTimes(t *testing.T) {
	d, _ := load(t, `
file: structs.mat
trials: D
time_unit: ms
stop: dur
spikes: {field: spk}
`+counts20)
	want, shape := expected(t, "struct_binned")
	sameAsNumpy(t, d, want, shape)
}

// The same struct array saved as MATLAB v5 and as v7.3 (HDF5 with object references, written
// by data/formats/testdata/make_mat.py) gives the same dataset: the recipe reads the tree, not
// a file version.
func TestMATVersions(t *testing.T) {
	var got [2]*data.Dataset
	for i, name := range []string{"same.mat", "same73.mat"} {
		d, _ := load(t, `
file: ../../formats/testdata/`+name+`
trials: D
activity: {field: data, bin_ms: 1}
labels: {condition: condition, id: id}
prepare: {bin_ms: 1, smooth_ms: 0, units: counts}
`)
		got[i] = d
	}
	a, b := got[0], got[1]
	if a.S != 3 || !slices.Equal(a.Activity, b.Activity) || !slices.Equal(a.Labels["condition"].Values, b.Labels["condition"].Values) ||
		strings.Join(b.Labels["condition"].Values, ",") != "reach1,reach2,reach3" || strings.Join(b.Labels["id"].Values, ",") != "1,2,3" {
		t.Errorf("v5 %v %v\nv7.3 %v %v", a.Activity, a.Labels, b.Activity, b.Labels)
	}
}
