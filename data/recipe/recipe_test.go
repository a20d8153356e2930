package recipe

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/formats"
	_ "github.com/jedi-neuro/jedi/data/formats/mat"
	"github.com/jedi-neuro/jedi/data/prepare"
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
	src, err := LoadSource("../../examples/monkey/datahigh_ex2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := filepath.EvalSymlinks(src.File); got != mustEval(t, file) {
		t.Fatalf("file resolved to %s, want %s", src.File, file)
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
	src, err := ParseSource("test", []byte("{file: x, tensor: dataTensor, axes: [time, neuron, condition], dt_ms: 10}"))
	if err != nil {
		t.Fatal(err)
	}
	src.File = file
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
	src := Source{File: "mem", Tensor: "X", Axes: []string{"condition", "time", "neuron"}, DtMs: 5}
	d, rep, err := FromNode(root, src)
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
	d2, _, err := FromNode(root, src)
	if err != nil {
		t.Fatal(err)
	}
	for i := range d.Activity {
		if d.Activity[i] != d2.Activity[i] {
			t.Fatalf("transposed tensor differs at %d", i)
		}
	}
}

// A hand-built struct array of count trials: the binned rates equal the counts summed by hand,
// labels come from char and numeric fields, and a bad trial is named in the error.
func TestTrialsFromNode(t *testing.T) {
	trial := func(counts []float64, cond string, target float64) []*formats.Node {
		return []*formats.Node{
			{Name: "data", Class: "double", Shape: []int{2, 4}, Data: counts},
			{Name: "condition", Class: "char", Shape: []int{1, len(cond)}, Data: []string{cond}},
			{Name: "target", Class: "double", Shape: []int{1, 1}, Data: []float64{target}},
		}
	}
	kids := append(trial([]float64{1, 0, 2, 1, 0, 1, 1, 0}, "left", 3), trial([]float64{0, 0, 1, 3, 1, 1, 0, 0}, "right", 7)...)
	root := &formats.Node{Class: "mat", Children: []*formats.Node{
		{Name: "D", Class: "struct", Shape: []int{1, 2}, Fields: []string{"data", "condition", "target"}, Children: kids}}}
	y := `
file: mem
trials: D
counts: data
bin_ms: 10
labels: {condition: condition, target: target}
prepare: {bin_ms: 20, smooth_ms: 0, units: counts}
`
	src, err := ParseSource("test", []byte(y))
	if err != nil {
		t.Fatal(err)
	}
	d, _, err := FromNode(root, src)
	if err != nil {
		t.Fatal(err)
	}
	// One whole-trial epoch per trial (the default), 2 bins of 20 ms: counts summed in pairs.
	want := []float64{1, 1, 3, 1, 0, 2, 4, 0}
	for i, w := range want {
		if math.Abs(d.Activity[i]-w) > 1e-12 {
			t.Fatalf("activity %v, want %v", d.Activity, want)
		}
	}
	if got := strings.Join(d.Labels["condition"].Values, ","); got != "left,right" {
		t.Errorf("condition %s", got)
	}
	if got := strings.Join(d.Labels["target"].Values, ","); got != "3,7" {
		t.Errorf("target %s", got)
	}
	kids[3].Data = []float64{0, -1, 0, 0, 0, 0, 0, 0} // the second trial's counts
	_, _, err = FromNode(root, src)
	if err == nil || !strings.Contains(err.Error(), "trial 1") || !strings.Contains(err.Error(), "D") {
		t.Errorf("negative count: error %v, want one naming D and trial 1", err)
	}
}

func TestParseSourceErrors(t *testing.T) {
	for _, c := range []struct{ yaml, want string }{
		{"{trials: D, counts: data, bin_ms: 1}", "file"},
		{"{file: f, counts: data, bin_ms: 1}", "trials/tensor"},
		{"{file: f, trials: D, bin_ms: 1}", "counts"},
		{"{file: f, trials: D, counts: data}", "bin_ms"},
		{"{file: f, trials: D, counts: data, bin_ms: 1, prepare: {bin_ms: -1}}", "bin_ms"},
		{"{file: f, trials: D, counts: data, bin_ms: 1, bogus: 1}", "bogus"},
		{"{file: f, tensor: X, axes: [time, neuron], dt_ms: 1}", "axes"},
		{"{file: f, tensor: X, axes: [time, neuron, condition]}", "dt_ms"},
		{"{file: f, tensor: X, axes: [time, neuron, condition], dt_ms: 1, prepare: {}}", "trials sources only"},
	} {
		_, err := ParseSource("r.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.yaml, err, c.want)
		}
	}
}

// The resolved YAML parses back to the same source, defaults spelled out.
func TestYAMLRoundTrip(t *testing.T) {
	src, err := ParseSource("r", []byte("{file: f.mat, trials: D, counts: data, bin_ms: 1, labels: {c: condition}}"))
	if err != nil {
		t.Fatal(err)
	}
	if src.Prepare.BinMs != prepare.DefaultRecipe().BinMs {
		t.Fatalf("prepare defaults not applied: %+v", src.Prepare)
	}
	b, err := src.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseSource("back", b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	b2, _ := back.YAML()
	if string(b) != string(b2) {
		t.Errorf("round trip differs:\n%s\n---\n%s", b, b2)
	}
}
