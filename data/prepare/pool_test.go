package prepare

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// poolFixture: recording A holds units a and b, recording B unit c (another session); each
// trial has one spike per unit at a time that encodes (recording, trial, unit), so that every
// binned window says which real trial it came from. Condition "dir" is 1 or 2.
func poolFixture() []Recording {
	mk := func(rec, k int, dir string, units int) Trial {
		sp := make([][]float64, units)
		for m := range sp {
			// bin (20 ms) 1 + m + 2k of the 200 ms window after go at 0.1 s
			sp[m] = []float64{0.1 + 0.02*float64(1+m+2*(k%4)) + 0.005}
		}
		return Trial{Spikes: sp, Duration: 1, Events: map[string]float64{"go": 0.1},
			Labels: map[string]string{"dir": dir}, ID: fmt.Sprintf("rec%d trial %d", rec, k)}
	}
	var a, b []Trial
	for k := range 6 {
		a = append(a, mk(0, k, []string{"1", "2"}[k%2], 2))
	}
	for k := range 8 {
		b = append(b, mk(1, k, []string{"2", "1"}[k%2], 1))
	}
	return []Recording{{Name: "A", Units: []string{"a", "b"}, Trials: a}, {Name: "B", Units: []string{"c"}, Trials: b}}
}

func poolRecipe() (Recipe, PoolRecipe) {
	r := DefaultRecipe()
	r.BinMs, r.SmoothMs, r.Units = 20, 0, Counts
	r.Epochs = []Epoch{{Name: "go", Align: "go", FromMs: 0, ToMs: 200}, {Name: "pre", Align: "go", FromMs: -100, ToMs: 0}}
	p := DefaultPool()
	p.Match = []string{"dir"}
	p.MinTrials = 3
	return r, p
}

// Averages: each unit's window is the mean of its own trials of the condition, computed here
// from the spike positions.
func TestPoolAverage(t *testing.T) {
	r, p := poolRecipe()
	p.Mode = Average
	d, rep, err := Pool(poolFixture(), r, p)
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 4 || d.M != 3 || d.T != 10 || !slices.Equal(rep.UnitIDs, []string{"a", "b", "c"}) {
		t.Fatalf("S %d M %d T %d units %v", d.S, d.M, d.T, rep.UnitIDs)
	}
	if got := strings.Join(d.Labels["dir"].Values, ",") + "/" + strings.Join(d.Labels["epoch"].Values, ","); got != "1,1,2,2/go,pre,go,pre" {
		t.Errorf("labels %s", got)
	}
	// dir 1 in A: trials 0, 2, 4 (k%4 = 0, 2, 0); unit a (m=0) spikes in bins 1, 5, 1.
	want := map[int]float64{1: 2.0 / 3, 5: 1.0 / 3}
	for b := range 10 {
		if got := d.Activity[(0*d.T+b)*d.M+0]; got != want[b] {
			t.Errorf("dir 1, unit a, bin %d: %g, want %g", b, got, want[b])
		}
	}
	// dir 1 in B: trials 1, 3, 5, 7 (k%4 = 1, 3, 1, 3): bins 3, 7, 3, 7.
	for b := range 10 {
		w := map[int]float64{3: 0.5, 7: 0.5}[b]
		if got := d.Activity[(0*d.T+b)*d.M+2]; got != w {
			t.Errorf("dir 1, unit c, bin %d: %g, want %g", b, got, w)
		}
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
	// The epochs in the recipe's order (not sorted: "pre" after "go"), the matched label in
	// the order the recipe gives.
	r.Order = map[string][]string{"dir": {"2", "1"}}
	if d, _, err = Pool(poolFixture(), r, p); err != nil {
		t.Fatal(err)
	}
	for label, want := range map[string][]string{"epoch": {"go", "pre"}, "dir": {"2", "1"}} {
		if got, _, _ := d.GroupIndex(label); !slices.Equal(got, want) {
			t.Errorf("%s in order %v, want %v", label, got, want)
		}
	}
}

// Pseudo-trials: every unit's window is one of its own real trials of the condition, every
// real trial used at most once per condition when pseudo_trials is left at its default, the
// epochs of one pseudo-trial come from one real trial per unit, and the seed decides.
func TestPoolResample(t *testing.T) {
	r, p := poolRecipe()
	recs := poolFixture()
	d, rep, err := Pool(recs, r, p)
	if err != nil {
		t.Fatal(err)
	}
	// Fewest trials of a unit in a condition: 3 (A has 3 per dir) → 3 pseudo-trials × 2 dirs × 2 epochs.
	if d.S != 12 || rep.Segments != 12 {
		t.Fatalf("S %d, want 12", d.S)
	}
	// Which real trial (k%4) a window came from: its spike's bin in the "go" epoch is 1+m+2(k%4).
	used := map[string]int{}
	for s := 0; s < d.S; s += 2 {
		if d.Labels["epoch"].Values[s] != "go" || d.Labels["epoch"].Values[s+1] != "pre" {
			t.Fatalf("segment order %v", d.Labels["epoch"].Values)
		}
		for m := range 3 {
			bin := -1
			for b := range d.T {
				if d.Activity[(s*d.T+b)*d.M+m] == 1 {
					bin = b
				}
			}
			k := (bin - 1 - m%2) / 2 // unit c is m=0 of its recording
			if m == 2 {
				k = (bin - 1) / 2
			}
			dir := d.Labels["dir"].Values[s]
			if m < 2 && (k%2 == 0) != (dir == "1") || m == 2 && (k%2 == 1) != (dir == "1") {
				t.Errorf("segment %d unit %d: window of a trial of the other direction (bin %d)", s, m, bin)
			}
			used[fmt.Sprintf("%s/%d/%d/%d", dir, m, k, s/2%3)]++
		}
	}
	// Unit a, dir 1 has trials 0, 2, 4 whose windows are k%4 = 0, 2, 0: three pseudo-trials use
	// each real trial once, so the positions 0 and 2 appear 2 and 1 times.
	n0, n2 := 0, 0
	for key, c := range used {
		if strings.HasPrefix(key, "1/0/0/") {
			n0 += c
		}
		if strings.HasPrefix(key, "1/0/2/") {
			n2 += c
		}
	}
	if n0 != 2 || n2 != 1 {
		t.Errorf("unit a, dir 1: window 0 used %d times, window 2 %d times; want 2 and 1", n0, n2)
	}
	again, _, _ := Pool(poolFixture(), r, p)
	if !slices.Equal(again.Activity, d.Activity) {
		t.Error("same seed, different pseudo-trials")
	}
	p.Seed = 7
	other, _, _ := Pool(poolFixture(), r, p)
	if slices.Equal(other.Activity, d.Activity) {
		t.Error("seed 7 gives the pseudo-trials of seed 1")
	}
}

// Units short of trials in a condition, and trials failing the checks, are dropped and named.
func TestPoolDrops(t *testing.T) {
	r, p := poolRecipe()
	recs := poolFixture()
	recs[1].Trials[0].Events["go"] = 0.95 // the window after go leaves the trial
	r.SkipIncomplete = true
	r.Checks.Events = []string{"go"}
	recs[1].Trials[2].Events["go"] = nan()
	d, rep, err := Pool(recs, r, p)
	if err != nil {
		t.Fatal(err)
	}
	// Unit c (recording B) loses trial 0 (window outside the trial) and trial 2 (go missing),
	// both of direction 2, leaving 2 < 3; units a and b keep 3 per direction.
	if d.M != 2 || !slices.Equal(rep.UnitIDs, []string{"a", "b"}) {
		t.Errorf("kept %v", rep.UnitIDs)
	}
	if len(rep.Dropped) != 1 || rep.Dropped[0].ID != "c" || rep.Dropped[0].Reason != "2 trials of dir=2 < min_trials 3" {
		t.Errorf("dropped units %+v", rep.Dropped)
	}
	if len(rep.DroppedTrials) != 1 || rep.DroppedTrials[0].ID != "rec1 trial 2" || rep.DroppedTrials[0].Reason != `event "go" missing (NaN)` {
		t.Errorf("dropped trials %+v", rep.DroppedTrials)
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Trial != 0 || rep.Skipped[0].Epoch != "go" {
		t.Errorf("skipped %+v", rep.Skipped)
	}
	for _, want := range []string{"dropped unit c: 2 trials of dir=2", "dropped rec1 trial 2", "skipped rec1 trial 0, epoch \"go\""} {
		if !strings.Contains(rep.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
	r.Epochs[0].ToAlign = "end"
	if _, _, err := Pool(recs, r, p); err == nil || !strings.Contains(err.Error(), "to_align") {
		t.Errorf("ragged epoch: %v", err)
	}
}

func nan() float64 { var z float64; return z / z }
