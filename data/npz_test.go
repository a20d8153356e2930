package data

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
)

func sample() *Dataset {
	d := New(3, 4, 2, 0.02)
	for i := range d.Activity {
		d.Activity[i] = float64(i) * 0.5
	}
	d.Lengths = []int{4, 2, 3}
	for i := 2 * 2; i < 4*2; i++ { // segment 1 past its length: NaN padding
		d.Activity[1*4*2+i] = math.NaN()
	}
	d.Labels["task"] = Label{Kind: StringLabel, Values: []string{"sine", "ramp", "sïne ✓"}}
	d.Labels["trial"] = Label{Kind: IntLabel, Values: []string{"7", "-1", "1099511627776"}}
	d.Labels["theta"] = Label{Kind: FloatLabel, Values: []string{"0.1", "3.141592653589793", "-2e-300"}}
	d.I = 1
	d.Inputs = []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	d.Weight = make([]float64, len(d.Activity))
	for i := range d.Weight {
		d.Weight[i] = float64(i % 3)
	}
	d.Extra["teacher_J"] = Array{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}}
	return d
}

func TestNPZRoundTrip(t *testing.T) {
	d := sample()
	path := filepath.Join(t.TempDir(), "d.npz")
	if err := WriteNPZ(path, d); err != nil {
		t.Fatal(err)
	}
	g, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	if g.S != 3 || g.T != 4 || g.M != 2 || g.I != 1 || g.Dt != 0.02 || g.Source != path {
		t.Fatalf("header %d %d %d %d %g %q", g.S, g.T, g.M, g.I, g.Dt, g.Source)
	}
	for i := range d.Activity {
		a, b := d.Activity[i], g.Activity[i]
		if a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
			t.Fatalf("activity[%d] = %v, want %v", i, b, a)
		}
	}
	if !slices.Equal(g.Lengths, d.Lengths) || !slices.Equal(g.Inputs, d.Inputs) || !slices.Equal(g.Weight, d.Weight) {
		t.Fatal("lengths, inputs or weights differ")
	}
	for k, l := range d.Labels {
		if gl := g.Labels[k]; gl.Kind != l.Kind || !slices.Equal(gl.Values, l.Values) {
			t.Fatalf("label %s: %+v, want %+v", k, gl, l)
		}
	}
	if e := g.Extra["teacher_J"]; !slices.Equal(e.Shape, []int{2, 3}) || !slices.Equal(e.Data, d.Extra["teacher_J"].Data) {
		t.Fatalf("extra %+v", e)
	}
}

// TestReadNumPyFiles reads files written by NumPy itself (testdata/make_fixtures.py).
func TestReadNumPyFiles(t *testing.T) {
	d, err := ReadNPZ("testdata/numpy_ragged.npz")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Lengths, []int{4, 3, 2}) || d.Dt != 0.02 || d.I != 1 {
		t.Fatalf("lengths %v dt %g inputs %d", d.Lengths, d.Dt, d.I)
	}
	if v := d.Labels["task"]; v.Kind != StringLabel || !slices.Equal(v.Values, []string{"sine", "ramp", "sïne"}) {
		t.Fatalf("label_task %+v", v)
	}
	if v := d.Labels["trial"]; v.Kind != IntLabel || !slices.Equal(v.Values, []string{"10", "11", "12"}) {
		t.Fatalf("label_trial %+v", v)
	}
	if v := d.Labels["theta"]; v.Kind != FloatLabel || !slices.Equal(v.Values, []string{"0.5", "1.25", "-3"}) {
		t.Fatalf("label_theta %+v", v)
	}
	// Fortran-ordered [[0,1,2],[3,4,5]] must come back in C order.
	if e := d.Extra["teacher_W"]; !slices.Equal(e.Data, []float64{0, 1, 2, 3, 4, 5}) || !slices.Equal(e.Shape, []int{2, 3}) {
		t.Fatalf("teacher_W %+v", e)
	}
	if _, ok := d.Extra["note"]; ok {
		t.Fatal("a string extra was kept as numbers")
	}
	if d.Inputs[5] != 5 {
		t.Fatalf("inputs[5] = %g", d.Inputs[5])
	}

	b, err := ReadNPZ("testdata/numpy_bigendian.npz")
	if err != nil {
		t.Fatal(err)
	}
	if b.Activity[11] != 11 || b.Dt != DefaultDt || !slices.Equal(b.Labels["cond"].Values, []string{"a", "bb"}) {
		t.Fatalf("big-endian file: %v dt %g labels %v", b.Activity, b.Dt, b.Labels)
	}
}

func wantFieldError(t *testing.T, err error, field string, index []int, text string) {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want a *FieldError", err, err)
	}
	if fe.Field != field || !slices.Equal(fe.Index, index) || !strings.Contains(err.Error(), text) {
		t.Fatalf("error %q: field %q index %v, want %q %v containing %q", err, fe.Field, fe.Index, field, index, text)
	}
}

func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, d *Dataset) string {
		p := filepath.Join(dir, name)
		if err := WriteNPZ(p, d); err != nil {
			t.Fatal(err)
		}
		return p
	}
	readValidate := func(p string) error {
		d, err := ReadNPZ(p)
		if err != nil {
			return err
		}
		return d.Validate()
	}

	d := sample()
	d.Activity[(2*4+1)*2+1] = math.NaN()
	p := write("nan.npz", d)
	err := readValidate(p)
	wantFieldError(t, err, "activity", []int{2, 1, 1}, "NaN")
	if !strings.HasPrefix(err.Error(), p+": ") {
		t.Fatalf("error %q does not start with the file name", err)
	}

	d = sample()
	d.Inputs[5] = math.Inf(1)
	wantFieldError(t, readValidate(write("inf.npz", d)), "inputs", []int{1, 1, 0}, "infinite")

	d = sample()
	d.Labels["task"] = Label{Values: []string{"a", "b"}}
	wantFieldError(t, d.Validate(), "label_task", nil, "2 values, want 3")

	d = sample()
	d.Labels[""] = Label{Values: []string{"a", "b", "c"}}
	wantFieldError(t, readValidate(write("empty_label.npz", d)), "label_", nil, "name")

	d = sample()
	d.Lengths[1] = 0
	wantFieldError(t, d.Validate(), "lengths", []int{1}, "want 1..4")
	wantFieldError(t, readValidate(write("len0.npz", d)), "lengths", []int{1}, "want 1..4")

	_, err = ReadNPZ("testdata/numpy_nan_no_lengths.npz")
	wantFieldError(t, err, "activity", []int{1, 3, 0}, "lengths")

	// Wrong rank: a 2-D activity.
	flat := filepath.Join(dir, "flat.npz")
	if err := writeRaw(flat, map[string]Array{"activity": {Shape: []int{3, 8}, Data: make([]float64, 24)}}); err != nil {
		t.Fatal(err)
	}
	_, err = ReadNPZ(flat)
	wantFieldError(t, err, "activity", nil, "rank 3")

	// Missing activity.
	missing := filepath.Join(dir, "missing.npz")
	if err := writeRaw(missing, map[string]Array{"rates": {Shape: []int{1, 1, 1}, Data: []float64{1}}}); err != nil {
		t.Fatal(err)
	}
	_, err = ReadNPZ(missing)
	wantFieldError(t, err, "activity", nil, "missing (arrays in the file: rates)")

	// Truncated file and not a zip at all.
	whole, _ := os.ReadFile(p)
	cut := filepath.Join(dir, "cut.npz")
	os.WriteFile(cut, whole[:len(whole)/2], 0o644)
	if _, err := ReadNPZ(cut); err == nil || !strings.Contains(err.Error(), cut) {
		t.Fatalf("truncated file: %v", err)
	}
	junk := filepath.Join(dir, "junk.npz")
	os.WriteFile(junk, []byte("activity,1,2,3\n"), 0o644)
	if _, err := ReadNPZ(junk); err == nil || !strings.Contains(err.Error(), "not an .npz") {
		t.Fatalf("not a zip: %v", err)
	}
}

// writeRaw writes arbitrary arrays, to forge files the writer would never produce.
func writeRaw(path string, arrays map[string]Array) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		a := npy.NewArchive(w)
		for k, v := range arrays {
			if err := a.Add(k, v.Shape, v.Data); err != nil {
				return err
			}
		}
		return a.Close()
	})
}

func TestSplitHeldOut(t *testing.T) {
	tr, ho := SplitHeldOut(10, 0.2, 3)
	if len(tr) != 8 || len(ho) != 2 || !slices.IsSorted(tr) || !slices.IsSorted(ho) {
		t.Fatalf("split %v %v", tr, ho)
	}
	all := append(slices.Clone(tr), ho...)
	slices.Sort(all)
	for i, v := range all {
		if v != i {
			t.Fatalf("split is not a partition: %v", all)
		}
	}
	tr2, ho2 := SplitHeldOut(10, 0.2, 3)
	if !slices.Equal(tr, tr2) || !slices.Equal(ho, ho2) {
		t.Fatal("same seed, different split")
	}
	if _, ho3 := SplitHeldOut(10, 0.2, 4); slices.Equal(ho, ho3) {
		t.Fatal("the seed does not change the split")
	}
	if tr, ho := SplitHeldOut(2, 0.01, 1); len(tr) != 1 || len(ho) != 1 {
		t.Fatalf("tiny split %v %v", tr, ho)
	}
}
