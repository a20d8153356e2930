package data

import (
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestGroupIndexFollowsOrder: a declared order decides the groups' order for every kind, values
// no segment has are left out, and values written another way (float32 text, "1.50") match.
func TestGroupIndexFollowsOrder(t *testing.T) {
	for _, c := range []struct {
		kind          LabelKind
		values, order []string
		groups        []string
	}{
		{StringLabel, []string{"execution", "preparation", "execution"}, []string{"preparation", "execution"}, []string{"preparation", "execution"}},
		{StringLabel, []string{"response", "context", "memory"}, []string{"context", "stimulus", "memory", "response"}, []string{"context", "memory", "response"}},
		{IntLabel, []string{"1", "10", "2"}, []string{"10", "1", "2"}, []string{"10", "1", "2"}},
		{IntLabel, []string{"1", "10", "2"}, []string{"+10", "01", "2"}, []string{"10", "1", "2"}},
		{FloatLabel, []string{"0.1", "1.5", "NaN"}, []string{"NaN", "1.50", "0.1"}, []string{"NaN", "1.5", "0.1"}},
	} {
		d := New(len(c.values), 1, 1, 0.01)
		d.Labels["x"] = Label{Kind: c.kind, Values: c.values, Order: c.order}
		if err := d.Validate(); err != nil {
			t.Fatalf("%v: %v", c.order, err)
		}
		groups, idx, err := d.GroupIndex("x")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(groups, c.groups) {
			t.Errorf("order %v: groups %v, want %v", c.order, groups, c.groups)
		}
		for s, g := range idx {
			if groups[g] != c.values[s] {
				t.Errorf("order %v: segment %d in group %q, its value is %q", c.order, s, groups[g], c.values[s])
			}
		}
		// A subset keeps the order, even of values it no longer has.
		sub := d.Subset([]int{2, 0})
		sg, _, err := sub.GroupIndex("x")
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, g := range c.groups {
			if g == c.values[0] || g == c.values[2] {
				want = append(want, g)
			}
		}
		if !slices.Equal(sg, want) {
			t.Errorf("order %v: subset's groups %v, want %v", c.order, sg, want)
		}
	}
}

// TestValidateOrder: a value listed twice, a value missing, or one of another kind is an error
// naming the order's field and index.
func TestValidateOrder(t *testing.T) {
	for _, c := range []struct {
		kind          LabelKind
		values, order []string
		index         []int
		text          string
	}{
		{StringLabel, []string{"a", "b"}, []string{"a", "b", "a"}, []int{2}, `= "a" is listed twice (also at index 0)`},
		{IntLabel, []string{"1", "2"}, []string{"2", "01", "1"}, []int{2}, `= "1" is listed twice (also at index 1)`},
		{FloatLabel, []string{"0.5", "2"}, []string{"2"}, nil, `lacks "0.5", the value of label_x[0] (segment 0): an order lists every value of its label (it lists "2")`},
		{FloatLabel, []string{"0.5", "2"}, []string{"2", "half"}, []int{1}, `= "half" does not parse as a value of label_x (kind float)`},
	} {
		d := New(len(c.values), 1, 1, 0.01)
		d.Labels["x"] = Label{Kind: c.kind, Values: c.values, Order: c.order}
		wantFieldError(t, d.Validate(), "", "order_x", c.index, c.text)
	}
}

// TestJoinOrders: the first order, then each next one's new values; nil when one has none.
func TestJoinOrders(t *testing.T) {
	a := Label{Order: []string{"prep", "exec"}}
	b := Label{Order: []string{"exec", "rest", "prep"}}
	if got := JoinOrders(a, b); !slices.Equal(got, []string{"prep", "exec", "rest"}) {
		t.Errorf("JoinOrders = %v", got)
	}
	if got := JoinOrders(a, Label{}); got != nil {
		t.Errorf("JoinOrders with an unordered label = %v, want nil", got)
	}
}

// TestReadNumPyOrder reads orders NumPy wrote: a float32 order of a float64 label, an integer
// order of a boolean label, and a text order; and a file without orders keeps sorted order.
// It skips where /usr/bin/python3 with NumPy is absent.
func TestReadNumPyOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Python")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		t.Skip("no /usr/bin/python3 with numpy")
	}
	dir := t.TempDir()
	const write = `
import sys, numpy as np
a = np.zeros((4, 2, 1))
labels = dict(label_phase=np.array(["stimulus", "context", "response", "stimulus"]),
              label_freq=np.array([0.1, 2.0, 0.1, 10.0]),
              label_ok=np.array([True, False, True, True]))
np.savez(sys.argv[1] + "/ordered.npz", activity=a, dt=0.02, **labels,
         order_phase=np.array(["context", "stimulus", "memory", "response"]),
         order_freq=np.array([10.0, 2.0, 0.1], dtype=np.float32),
         order_ok=np.array([1, 0], dtype=np.int8))
np.savez(sys.argv[1] + "/plain.npz", activity=a, dt=0.02, **labels)
`
	if out, err := exec.Command("/usr/bin/python3", "-c", write, dir).CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	for _, c := range []struct {
		file               string
		phase, freq, okLab []string
	}{
		{"ordered.npz", []string{"context", "stimulus", "response"}, []string{"10", "2", "0.1"}, []string{"1", "0"}},
		{"plain.npz", []string{"context", "response", "stimulus"}, []string{"0.1", "2", "10"}, []string{"0", "1"}},
	} {
		d, err := ReadNPZ(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		for label, want := range map[string][]string{"phase": c.phase, "freq": c.freq, "ok": c.okLab} {
			got, _, err := d.GroupIndex(label)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: %s in order %v, want %v", c.file, label, got, want)
			}
		}
	}
}
