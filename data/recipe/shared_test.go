package recipe

import (
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats"
)

// The shipped MC_Maze recipe on the NLB NWB file: 100 trials, one segment each, 34 bins of
// 20 ms around movement onset, and the first kept unit's spike count in one bin recounted here
// from the raw spike times and trial table.
func TestMCMaze(t *testing.T) {
	file := sharedData(t, "nlb-mc_maze_small/sub-Jenkins_ses-small_desc-test_ecephys.nwb")
	r, err := LoadRecipe("../../examples/recipes/mc_maze.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, rep, err := Load(r)
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 100 || d.T != 34 || d.Dt != 0.02 || rep.Units != 107 || d.M != len(rep.Kept) || d.M < 50 {
		t.Fatalf("S %d T %d dt %g, %d units, %d kept", d.S, d.T, d.Dt, rep.Units, d.M)
	}
	if len(rep.DroppedTrials) != 0 {
		t.Errorf("dropped %v", rep.DroppedTrials)
	}
	// Recount with the same recipe but counts, unsmoothed, unnormalised.
	r.Prepare.Units, r.Prepare.SmoothMs, r.Prepare.SoftNorm = "counts", 0, 0
	d, rep, err = Load(r)
	if err != nil {
		t.Fatal(err)
	}
	f, err := openFile(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _, _ := f.floats("/units/spike_times")
	ends, _, _ := f.floats("/units/spike_times_index")
	mo, _, _ := f.floats("/intervals/trials/move_onset_time")
	for _, k := range []int{0, 37, 99} {
		for _, i := range []int{0, len(rep.Kept) / 2, len(rep.Kept) - 1} {
			u := rep.Kept[i]
			lo := 0
			if u > 0 {
				lo = int(ends[u-1])
			}
			for _, b := range []int{0, 12, 33} {
				a := mo[k] - 0.24 + 0.02*float64(b)
				n := 0.0
				for _, x := range st[lo:int(ends[u])] {
					if x >= a && x < a+0.02 {
						n++
					}
				}
				if got := d.Activity[(k*d.T+b)*d.M+i]; got != n {
					t.Errorf("trial %d unit %d bin %d: %g spikes, recounted %g", k, u, b, got, n)
				}
			}
		}
	}
}

// The shipped Riehle recipe: a pseudo-population of joe's units, 18 conditions (3 × 6
// directions) × 2 epochs, and, with mode average, one unit's execution-epoch mean recomputed
// here from its raw files with the recipe's checks written out again.
func TestRiehle(t *testing.T) {
	dir := sharedData(t, "riehle-joe")
	r, err := LoadRecipe("../../examples/recipes/riehle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, rep, err := Load(r)
	if err != nil {
		t.Fatal(err)
	}
	K := d.S / 36
	if d.S != 36*K || K < 3 || d.T != 30 || d.M != len(rep.UnitIDs) || d.M < 60 {
		t.Fatalf("S %d T %d M %d", d.S, d.T, d.M)
	}
	seen := map[string]int{}
	for s := range d.S {
		seen[d.Labels["condition"].Values[s]+"/"+d.Labels["direction"].Values[s]+"/"+d.Labels["epoch"].Values[s]]++
	}
	if len(seen) != 36 {
		t.Errorf("%d condition × direction × epoch groups, want 36: %v", len(seen), seen)
	}
	if n := len(rep.DroppedTrials); n < 1000 || n > rep.Trials/4 {
		t.Errorf("%d of %d trials dropped", n, rep.Trials)
	}

	r.Prepare.Units, r.Prepare.SmoothMs, r.Prepare.SoftNorm = "counts", 0, 0
	r.Pool.Mode = "average"
	d, rep, err = Load(r)
	if err != nil {
		t.Fatal(err)
	}
	unit := rep.UnitIDs[0]
	toc, err := formats.ReadNPZ(filepath.Join(dir, "toc.npz"))
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) *formats.Node { n, _ := toc.Lookup(name); return n }
	files, _ := col("files").Strings()
	gn, _ := col("global_neuron").Float64s()
	cond, _ := col("condition").Float64s()
	// Mean execution-epoch counts per bin of this unit, condition 2, direction 3.
	sum := make([]float64, 30)
	n := 0
	for i, name := range files {
		if strconv.FormatFloat(gn[i], 'g', -1, 64) != unit || cond[i] != 2 {
			continue
		}
		root, err := formats.ReadNPZ(filepath.Join(dir, name))
		if err != nil {
			continue // the other monkey's files are not here
		}
		evn, _ := root.Lookup("eventtimes")
		ev, _ := evn.Float64s()
		spn, _ := root.Lookup("spiketimes")
		sp, _ := spn.Float64s()
		S := spn.Shape[1]
		for k := range evn.Shape[0] {
			e := ev[k*7 : k*7+7] // TS PS RS MO ME RW TE
			ok := e[6] > math.MinInt64 && slices.IsSorted([]float64{e[0], e[1], e[2], e[3], e[4], e[6]}) &&
				e[1]-e[0] >= 450 && e[1]-e[0] <= 550 && e[2]-e[1] >= 950 && e[2]-e[1] <= 1050 &&
				e[3]-e[2] >= 80 && e[3]-e[2] <= 700
			dir := math.NaN()
			for j := range S {
				if sp[S+j] == float64(k) {
					dir = sp[2*S+j]
				}
			}
			if !ok || dir != 3 {
				continue
			}
			n++
			for j := range S {
				if sp[S+j] != float64(k) || math.IsNaN(sp[j]) {
					continue
				}
				if b := math.Floor((sp[j] - (e[3] - 200)) / 20); b >= 0 && b < 30 {
					sum[int(b)]++
				}
			}
		}
	}
	if n < 5 {
		t.Fatalf("unit %s: %d trials recomputed", unit, n)
	}
	s := -1
	for i := range d.S {
		if d.Labels["condition"].Values[i] == "2" && d.Labels["direction"].Values[i] == "3" && d.Labels["epoch"].Values[i] == "execution" {
			s = i
		}
	}
	for b := range 30 {
		if got, want := d.Activity[(s*d.T+b)*d.M+0], sum[b]/float64(n); math.Abs(got-want) > 1e-12 {
			t.Errorf("unit %s, bin %d: mean %g, recomputed %g (%d trials)", unit, b, got, want, n)
		}
	}
	if !strings.Contains(rep.String(), "trials dropped:") {
		t.Error("report does not say which trials were dropped")
	}
}
