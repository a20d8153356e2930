package data

import (
	"slices"
	"strings"
	"testing"
)

func TestGroupIndex(t *testing.T) {
	for _, c := range []struct {
		kind   LabelKind
		values []string
		groups []string
		idx    []int
	}{
		{StringLabel, []string{"b", "a", "b", "é", "B"}, []string{"B", "a", "b", "é"}, []int{2, 1, 2, 3, 0}},
		// Numeric, not text, order: "10" after "9".
		{IntLabel, []string{"10", "-2", "9", "10"}, []string{"-2", "9", "10"}, []int{2, 0, 1, 2}},
		{IntLabel, []string{"18446744073709551615", "5", "-9223372036854775808"},
			[]string{"-9223372036854775808", "5", "18446744073709551615"}, []int{2, 1, 0}},
		{FloatLabel, []string{"2.5", "NaN", "-1", "1e+06", "2.5", "-Inf"},
			[]string{"-Inf", "-1", "2.5", "1e+06", "NaN"}, []int{2, 4, 1, 3, 2, 0}},
	} {
		d := New(len(c.values), 1, 1, 0.01)
		d.Labels["x"] = Label{Kind: c.kind, Values: c.values}
		groups, idx, err := d.GroupIndex("x")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(groups, c.groups) || !slices.Equal(idx, c.idx) {
			t.Errorf("GroupIndex(%v) = %v %v, want %v %v", c.values, groups, idx, c.groups, c.idx)
		}
		for s, g := range idx {
			if groups[g] != c.values[s] {
				t.Errorf("segment %d: group %q, value %q", s, groups[g], c.values[s])
			}
		}
	}
}

func TestGroupIndexErrors(t *testing.T) {
	d := sample()
	if _, _, err := d.GroupIndex("phase"); err == nil || !strings.Contains(err.Error(), "no label \"phase\"") {
		t.Errorf("missing label: %v", err)
	}
	d.Labels["trial"].Values[1] = "x"
	_, _, err := d.GroupIndex("trial")
	wantFieldError(t, err, "", "label_trial", []int{1}, `"x" does not parse`)
}

func TestSummary(t *testing.T) {
	d := sample()
	d.Source = "data.npz"
	got := d.Summary()
	for _, want := range []string{
		"source         data.npz\n",
		"segments       3\n",
		"time bins      4 (lengths 2..4, mean 3.0)\n",
		"neurons        2\n",
		"dt             0.02 s (20 ms)\n",
		`label_task     string, 3 distinct in the declared order: "sïne ✓ 🧠" ×1, "sine" ×1, "" ×1` + "\n",
		"label_trial    int, 3 distinct in the declared order: 1099511627776 ×1, -1 ×1, 7 ×1\n",
		"label_theta    float, 3 distinct: -2e-300 ×1, 0.1 ×1, NaN ×1\n",
		"inputs         2 channels\n",
		"loss_weight    set (weighted loss)\n",
		"teacher_J      extra [2 3] (6 values)\n",
		"gain           extra scalar 1.8\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 13 {
		t.Errorf("summary has %d lines, want 13 (one per field):\n%s", n, got)
	}

	d = New(20, 5, 1, 0.01)
	v := make([]string, 20)
	for i := range v {
		v[i] = string(rune('a' + i%8))
	}
	d.Labels["cond"] = Label{Kind: StringLabel, Values: v}
	got = d.Summary()
	for _, want := range []string{"time bins      5 (every segment full length)", `string, 8 distinct: "a" ×3, "b" ×3, "c" ×3, "d" ×3, "e" ×2, "f" ×2, …`, "inputs         none"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}
