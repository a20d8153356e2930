package recipe

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/formats"
	_ "github.com/jedi-neuro/jedi/data/formats/mat"
)

// sharedData returns ../shared/data relative to the module root, or skips the test.
func sharedData(t *testing.T, rel string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data absent: %v", err)
	}
	return p
}

// The shipped example recipe on DataHigh's ex2: 112 trials × 2 epochs, 56 trials per condition,
// 20 ms bins, and the counts of the first bin recomputed here from the raw 1 ms counts.
func TestDataHighEx2(t *testing.T) {
	file := sharedData(t, "yu2009-datahigh/ex2_rawspiketrains.mat")
	src, err := LoadRecipe("../../examples/monkey/datahigh_ex2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := filepath.EvalSymlinks(src.Sources[0].File); got != mustEval(t, file) {
		t.Fatalf("file resolved to %s, want %s", src.Sources[0].File, file)
	}
	d, rep, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 224 || d.T != 20 || d.Dt != 0.02 {
		t.Fatalf("S %d T %d dt %g, want 224, 20, 0.02", d.S, d.T, d.Dt)
	}
	if rep.Trials != 112 || rep.Units != 61 || len(rep.Kept) != d.M || d.M < 50 || d.M > 61 {
		t.Fatalf("report %d trials, %d units, %d kept, M %d", rep.Trials, rep.Units, len(rep.Kept), d.M)
	}
	count := map[string]int{}
	for s, c := range d.Labels["condition"].Values {
		count[c+"/"+d.Labels["epoch"].Values[s]]++
	}
	for _, k := range []string{"reach1/preparation", "reach1/execution", "reach2/preparation", "reach2/execution"} {
		if count[k] != 56 {
			t.Errorf("%s: %d segments, want 56 (all: %v)", k, count[k], count)
		}
	}
	// Every kept unit's mean rate over the raw trials must reach min_rate_hz, independently
	// recomputed from the file.
	root, err := formats.Inspect(file)
	if err != nil {
		t.Fatal(err)
	}
	D, err := root.Lookup("D")
	if err != nil {
		t.Fatal(err)
	}
	spikes, ms := make([]float64, 61), 0.0
	for k := range D.NumElements() {
		n, _ := D.Field(k, "data")
		v, _ := n.Float64s()
		ms += float64(n.Shape[1])
		for i, x := range v {
			spikes[i/n.Shape[1]] += x
		}
	}
	kept := map[int]bool{}
	for _, m := range rep.Kept {
		kept[m] = true
	}
	for m, c := range spikes {
		if rate := c / ms * 1e3; (rate >= 1) != kept[m] {
			t.Errorf("unit %d: mean rate %.4g Hz, kept %v", m, rate, kept[m])
		}
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	q, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// Churchland's trial-averaged tensor: 10 condition segments of 61 bins × 50 neurons, equal to
// dataTensor(t, m, c) element by element.
func TestChurchlandTensor(t *testing.T) {
	file := sharedData(t, "churchland2012-tme/exampleData.mat")
	src, err := Parse("test", []byte("{file: x, tensor: dataTensor, axes: [time, neuron, condition], dt_ms: 10}"))
	if err != nil {
		t.Fatal(err)
	}
	src.Sources[0].File = file
	d, _, err := Load(src)
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 10 || d.T != 61 || d.M != 50 || d.Dt != 0.01 {
		t.Fatalf("S %d T %d M %d dt %g", d.S, d.T, d.M, d.Dt)
	}
	root, _ := formats.Inspect(file)
	n, _ := root.Lookup("dataTensor(12,7,3)") // MATLAB 1-based: time 12, neuron 7, condition 3
	want, _ := n.Float64s()
	if got := d.Activity[(2*61+11)*50+6]; got != want[0] {
		t.Errorf("activity[c=2,t=11,m=6] = %g, want %g", got, want[0])
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}

// A hand-built tensor with axes in a non-default order: every entry must land where the axes say.
func TestTensorAxes(t *testing.T) {
	// File order: condition (2) × time (3) × neuron (4); value encodes its coordinates.
	C, T, M := 2, 3, 4
	v := make([]float64, C*T*M)
	for c := range C {
		for tt := range T {
			for m := range M {
				v[(c*T+tt)*M+m] = float64(100*c + 10*tt + m)
			}
		}
	}
	root := &formats.Node{Class: "mat", Children: []*formats.Node{
		{Name: "X", Class: "double", Shape: []int{C, T, M}, Data: v}}}
	src := &Source{File: "mem", Tensor: "X", Axes: []string{"condition", "time", "neuron"}, DtMs: 5}
	d, rep, err := fromTensor(root.Lookup, src)
	if err != nil {
		t.Fatal(err)
	}
	if d.S != C || d.T != T || d.M != M || d.Dt != 0.005 || rep.Segments != C || len(rep.Kept) != M {
		t.Fatalf("S %d T %d M %d dt %g, report %+v", d.S, d.T, d.M, d.Dt, rep)
	}
	for s := range C {
		for tt := range T {
			for m := range M {
				if got, want := d.Activity[(s*T+tt)*M+m], float64(100*s+10*tt+m); got != want {
					t.Fatalf("s %d t %d m %d: %g, want %g", s, tt, m, got, want)
				}
			}
		}
	}
	if l := d.Labels["condition"]; l.Kind != data.IntLabel || strings.Join(l.Values, ",") != "0,1" {
		t.Errorf("condition label %+v", l)
	}
	// The same tensor transposed to time × neuron × condition must give the same dataset.
	w := make([]float64, len(v))
	for c := range C {
		for tt := range T {
			for m := range M {
				w[(tt*M+m)*C+c] = v[(c*T+tt)*M+m]
			}
		}
	}
	root.Children[0] = &formats.Node{Name: "X", Class: "double", Shape: []int{T, M, C}, Data: w}
	src.Axes = []string{"time", "neuron", "condition"}
	d2, _, err := fromTensor(root.Lookup, src)
	if err != nil {
		t.Fatal(err)
	}
	for i := range d.Activity {
		if d.Activity[i] != d2.Activity[i] {
			t.Fatalf("transposed tensor differs at %d", i)
		}
	}
}
