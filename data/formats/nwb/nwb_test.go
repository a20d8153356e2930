package nwb

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats/h5"
	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

// TestRead checks the units and trials of the fixtures against the values in make_nwb.py.
func TestRead(t *testing.T) {
	for _, name := range []string{"small.nwb", "chunked.nwb", "latest.nwb"} {
		rec, err := Read(fixture.Testdata(name))
		if err != nil {
			t.Fatal(err)
		}
		wantUnits := [][]float64{{0.1, 0.5, 1.2}, {}, {0.3, 2.5, 2.625, 3.0}, {1.75}}
		if !reflect.DeepEqual(rec.Units, wantUnits) {
			t.Errorf("%s: units %v, want %v", name, rec.Units, wantUnits)
		}
		if want := []int64{3, 7, 11, 12}; !reflect.DeepEqual(rec.UnitIDs, want) {
			t.Errorf("%s: unit ids %v, want %v", name, rec.UnitIDs, want)
		}
		tr := rec.Trials
		if !reflect.DeepEqual(tr.Start, []float64{0, 1.5, 3}) || !reflect.DeepEqual(tr.Stop, []float64{1, 2.5, 4}) {
			t.Errorf("%s: trials %v–%v", name, tr.Start, tr.Stop)
		}
		wantCols := map[string][]float64{"go_cue_time": {0.5, 2, 3.5}, "target": {1, 2, 1}, "correct": {1, 0, 1}}
		if !reflect.DeepEqual(tr.Columns, wantCols) {
			t.Errorf("%s: columns %v, want %v", name, tr.Columns, wantCols)
		}
		if want := map[string][]string{"condition": {"reach1", "reach2", "reach1"}}; !reflect.DeepEqual(tr.Labels, want) {
			t.Errorf("%s: labels %v, want %v", name, tr.Labels, want)
		}
		if len(tr.Skipped) != 0 {
			t.Errorf("%s: skipped %v", name, tr.Skipped)
		}
	}
}

// TestUnsupported checks that a plain HDF5 file is not taken for NWB.
func TestUnsupported(t *testing.T) {
	_, err := Read(fixture.Testdata("features.h5"))
	if err == nil || !strings.Contains(err.Error(), "not an NWB 2 file") {
		t.Errorf("features.h5: error %v", err)
	}
}

// Example reads the spike trains and trials of an NWB file.
func Example() {
	rec, err := Read(fixture.Testdata("small.nwb"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for u, spikes := range rec.Units {
		fmt.Printf("unit %d: %d spikes\n", rec.UnitIDs[u], len(spikes))
	}
	for i := range rec.Trials.Start {
		fmt.Printf("trial %d: %.1f–%.1f s, %s\n", i, rec.Trials.Start[i], rec.Trials.Stop[i], rec.Trials.Labels["condition"][i])
	}
	// Output:
	// unit 3: 3 spikes
	// unit 7: 0 spikes
	// unit 11: 4 spikes
	// unit 12: 1 spikes
	// trial 0: 0.0–1.0 s, reach1
	// trial 1: 1.5–2.5 s, reach2
	// trial 2: 3.0–4.0 s, reach1
}

// FuzzReadHDF5 feeds mutated HDF5 files to the HDF5 reader (structure and every dataset) and
// to the NWB reader: they must return a value or an error, never panic or allocate beyond
// what the file can hold. scigolib/hdf5 opens files by name, so each input is written to disk.
func FuzzReadHDF5(f *testing.F) {
	for _, name := range []string{"small.nwb", "chunked.nwb", "latest.nwb", "features.h5"} {
		b, err := os.ReadFile(fixture.Testdata(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	path := filepath.Join(f.TempDir(), "fuzz.h5")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		if tree, err := h5.Read(path); err == nil && tree.Class != "hdf5" {
			t.Fatalf("root class %q", tree.Class)
		}
		rec, err := Read(path)
		if err != nil {
			return
		}
		if len(rec.Units) != len(rec.UnitIDs) || len(rec.Trials.Start) != len(rec.Trials.Stop) {
			t.Fatalf("inconsistent recording: %d units, %d ids, %d starts, %d stops",
				len(rec.Units), len(rec.UnitIDs), len(rec.Trials.Start), len(rec.Trials.Stop))
		}
	})
}
