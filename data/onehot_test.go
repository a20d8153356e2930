package data

import (
	"slices"
	"testing"
)

func TestWithOneHotInputs(t *testing.T) {
	d := New(3, 2, 1, 0.01)
	d.Labels["epoch"] = Label{Kind: StringLabel, Values: []string{"prep", "exec", "prep"}}
	d.I, d.Inputs = 1, []float64{9, 9, 9, 9, 9, 9}
	out, groups, err := d.WithOneHotInputs("epoch")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(groups, []string{"exec", "prep"}) || out.I != 2 {
		t.Fatalf("groups %v, I %d; want [exec prep], 2", groups, out.I)
	}
	want := []float64{0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1}
	if !slices.Equal(out.Inputs, want) {
		t.Errorf("inputs %v, want %v", out.Inputs, want)
	}
	if d.I != 1 || d.Inputs[0] != 9 {
		t.Error("the original dataset was modified")
	}
	if _, _, err := d.WithOneHotInputs("nope"); err == nil {
		t.Error("an unknown label accepted")
	}
}
