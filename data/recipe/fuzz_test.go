package recipe

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds mutated recordings to the recipes of three layouts (an event matrix with a
// spike table, a struct array, an NWB trials and units table): Load must return a dataset or an
// error, never panic. Run it with
//
//	go test -run XXX -fuzz FuzzLoad -fuzztime 10m -fuzzminimizetime 1x ./data/recipe
//
// (minimising a new input of tens of kilobytes otherwise stalls the fuzzer for minutes on a
// busy machine).
func FuzzLoad(f *testing.F) {
	recipes := map[string]string{
		".npz": `{file: X, time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE,
  spikes: {table: spiketimes, time: 1, trial: 2}, labels: {direction: {spike_field: 3}},
  prepare: {bin_ms: 50, skip_incomplete: true, epochs: [{name: m, align: MO, from_ms: -100, to_ms: 100}]}}`,
		".mat": `{file: X, trials: D, time_unit: ms, activity: {field: data, bin_ms: 1}, events: {go: go},
  labels: {c: condition, v: {vector: info, element: 2}}, prepare: {bin_ms: 20}}`,
		".nwb": `{file: X, trials: /intervals/trials, spikes: {units: /units}, labels: {c: condition},
  prepare: {bin_ms: 20}}`,
	}
	for _, name := range []string{"pool/u0_b1.npz", "structs.mat", "trials.nwb"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Ext(name), b)
	}
	f.Fuzz(func(t *testing.T, ext string, b []byte) {
		y, ok := recipes[ext]
		if !ok || len(b) > 1<<20 {
			return
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "x"+ext)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Parse("fuzz", []byte(y))
		if err != nil {
			t.Fatal(err)
		}
		r.Sources[0].File = path
		d, _, err := Load(r)
		if err == nil {
			if err := d.Validate(); err != nil {
				t.Fatalf("Load returned an invalid dataset: %v", err)
			}
		}
	})
}

// FuzzCombine joins (and appends) a mutated spike-table file to an intact one of the same
// trials (testdata/simultaneous): Load must return a dataset or an error, never panic. Run it
// as FuzzLoad.
func FuzzCombine(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "simultaneous", "u9.npz"))
	if err != nil {
		f.Fatal(err)
	}
	intact, err := filepath.Abs(filepath.Join("testdata", "simultaneous", "u5.npz"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<20 {
			return
		}
		path := filepath.Join(t.TempDir(), "u9.npz")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, how := range []string{CombineSimultaneous, CombineTrials} {
			src := func(file string) string {
				return "\n  - {file: " + file + ", time_unit: ms, trials: eventtimes, columns_from: event_names, start: TS, stop: TE, " +
					"spikes: {table: spiketimes, time: 1, trial: 2}, labels: {direction: {spike_field: 3}}}"
			}
			r, err := Parse("fuzz", []byte("combine: "+how+"\nsources:"+src(intact)+src(path)+
				"\nprepare: {bin_ms: 50, skip_incomplete: true, epochs: [{name: m, align: MO, from_ms: -100, to_ms: 100}]}"))
			if err != nil {
				t.Fatal(err)
			}
			d, _, err := Load(r)
			if err == nil {
				if err := d.Validate(); err != nil {
					t.Fatalf("combine: %s: Load returned an invalid dataset: %v", how, err)
				}
			}
		}
	})
}
