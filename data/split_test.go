package data

import (
	"math"
	"slices"
	"testing"
)

// checkPartition fails unless train and heldOut are sorted and together hold 0..S-1 once.
func checkPartition(t *testing.T, S int, train, heldOut []int) {
	t.Helper()
	if !slices.IsSorted(train) || !slices.IsSorted(heldOut) {
		t.Fatalf("unsorted split %v %v", train, heldOut)
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(train), heldOut...)))
	if len(all) != S {
		t.Fatalf("split of %d has %d indices: %v %v", S, len(all), train, heldOut)
	}
	for i, v := range all {
		if v != i {
			t.Fatalf("split is not a partition of 0..%d: %v %v", S-1, train, heldOut)
		}
	}
}

func TestSplitHeldOutSizes(t *testing.T) {
	for _, c := range []struct {
		S        int
		frac     float64
		wantHeld int
	}{
		{10, 0.2, 2}, {10, 0.25, 3}, {7, 0.5, 4}, {100, 0.1, 10},
		{2, 0.01, 1}, {2, 0.99, 1}, {5, 1, 4}, {5, 7, 4}, // at least one on each side
		{10, 0, 0}, {10, -1, 0}, {10, math.NaN(), 0}, {1, 0.5, 0}, {0, 0.5, 0},
	} {
		train, held := SplitHeldOut(c.S, c.frac, 3)
		checkPartition(t, c.S, train, held)
		if len(held) != c.wantHeld {
			t.Errorf("SplitHeldOut(%d, %v): %d held out, want %d", c.S, c.frac, len(held), c.wantHeld)
		}
	}
}

func TestSplitHeldOutDeterministic(t *testing.T) {
	// Fixed splits: a change here changes every published run's held-out set.
	for _, c := range []struct {
		S           int
		frac        float64
		seed        uint64
		train, held []int
	}{
		{10, 0.3, 42, []int{0, 1, 3, 4, 5, 7, 9}, []int{2, 6, 8}},
		{7, 0.5, 0, []int{0, 2, 3}, []int{1, 4, 5, 6}},
	} {
		train, held := SplitHeldOut(c.S, c.frac, c.seed)
		if !slices.Equal(train, c.train) || !slices.Equal(held, c.held) {
			t.Errorf("SplitHeldOut(%d, %v, %d) = %v %v, want %v %v", c.S, c.frac, c.seed, train, held, c.train, c.held)
		}
	}
	_, a := SplitHeldOut(50, 0.2, 3)
	_, b := SplitHeldOut(50, 0.2, 4)
	if slices.Equal(a, b) {
		t.Error("the seed does not change the split")
	}
}

// TestSplitHeldOutUniform checks that every segment is held out with probability frac over
// seeds, and every pair with probability n(n-1)/(S(S-1)), within 5 standard deviations.
func TestSplitHeldOutUniform(t *testing.T) {
	const S, frac, seeds = 8, 0.25, 20000
	n := 2.0
	var single [S]float64
	var pair [S][S]float64
	for seed := range uint64(seeds) {
		_, held := SplitHeldOut(S, frac, seed)
		for _, i := range held {
			single[i]++
			for _, j := range held {
				pair[i][j]++
			}
		}
	}
	check := func(what string, count, p float64) {
		want := seeds * p
		if sd := math.Sqrt(seeds * p * (1 - p)); math.Abs(count-want) > 5*sd {
			t.Errorf("%s held out %v times in %d splits, want %v ± %.0f", what, count, seeds, want, 5*sd)
		}
	}
	for i := range S {
		check("segment", single[i], n/S)
		for j := range i {
			check("pair", pair[i][j], n*(n-1)/(S*(S-1)))
		}
	}
}

func TestSubset(t *testing.T) {
	d := sample()
	idx := []int{2, 0, 2}
	sub := d.Subset(idx)
	if err := sub.Validate(); err != nil {
		t.Fatal(err)
	}
	if sub.S != 3 || sub.T != d.T || sub.M != d.M || sub.I != d.I || sub.Dt != d.Dt || sub.Source != d.Source {
		t.Fatalf("subset header %+v", sub)
	}
	for i, s := range idx {
		if err := sameFloats(sub.Activity[i*d.T*d.M:(i+1)*d.T*d.M], d.Activity[s*d.T*d.M:(s+1)*d.T*d.M]); err != nil {
			t.Errorf("segment %d (was %d): activity%v", i, s, err)
		}
		if !slices.Equal(sub.SegmentInputs(i), d.SegmentInputs(s)) || !slices.Equal(sub.SegmentWeight(i), d.SegmentWeight(s)) {
			t.Errorf("segment %d (was %d): inputs or weights differ", i, s)
		}
		if sub.Lengths[i] != d.Lengths[s] {
			t.Errorf("lengths[%d] = %d, want %d", i, sub.Lengths[i], d.Lengths[s])
		}
		for name, l := range d.Labels {
			if sub.Labels[name].Kind != l.Kind || sub.Labels[name].Values[i] != l.Values[s] {
				t.Errorf("label %s[%d] = %q, want %q", name, i, sub.Labels[name].Values[i], l.Values[s])
			}
		}
	}
	// Copies, except Extra, which is shared.
	sub.Activity[0], sub.Inputs[0], sub.Weight[0] = 99, 99, 99
	sub.Labels["task"].Values[0] = "changed"
	if d.Activity[2*d.T*d.M] == 99 || d.Inputs[2*d.T*d.I] == 99 || d.Weight[2*d.T*d.M] == 99 || d.Labels["task"].Values[2] == "changed" {
		t.Error("changing the subset changed the original")
	}
	if &sub.Extra["teacher_J"].Data[0] != &d.Extra["teacher_J"].Data[0] {
		t.Error("Extra was copied, want it shared")
	}

	none := New(2, 3, 1, 0.1).Subset([]int{1})
	if none.Inputs != nil || none.Weight != nil {
		t.Errorf("nil inputs and weights became %v %v", none.Inputs, none.Weight)
	}
}
