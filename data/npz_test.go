package data

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// formula is the activity of the NumPy fixtures: 100 s + 10 t + m + 0.25.
func formula(s, t, m int) float64 { return 100*float64(s) + 10*float64(t) + float64(m) + 0.25 }

// sample is a dataset using every field kind: ragged NaN-padded segments, string labels with
// non-ASCII text and an empty value, big and negative integers, special floats, inputs,
// weights and extras of rank 0, 2 and an empty one.
func sample() *Dataset {
	d := New(3, 4, 2, 0.02)
	for i := range d.Activity {
		d.Activity[i] = float64(i)*0.5 - 3
	}
	d.Lengths = []int{4, 2, 3}
	for i := 2 * 2; i < 4*2; i++ { // segment 1 past its length: NaN padding
		d.Activity[1*4*2+i] = math.NaN()
	}
	// Declared orders: not sorted, and one value no segment has.
	d.Labels["task"] = Label{Kind: StringLabel, Values: []string{"sine", "", "sïne ✓ 🧠"}, Order: []string{"sïne ✓ 🧠", "absent", "sine", ""}}
	d.Labels["trial"] = Label{Kind: IntLabel, Values: []string{"7", "-1", "1099511627776"}, Order: []string{"1099511627776", "-1", "7"}}
	d.Labels["theta"] = Label{Kind: FloatLabel, Values: []string{"0.1", "NaN", "-2e-300"}}
	d.I = 2
	d.Inputs = make([]float64, 3*4*2)
	for i := range d.Inputs {
		d.Inputs[i] = float64(i)/8 - 1
	}
	d.Weight = make([]float64, len(d.Activity))
	for i := range d.Weight {
		d.Weight[i] = float64(i % 3)
	}
	d.Extra["teacher_J"] = Array{Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, -6e300}}
	d.Extra["gain"] = Array{Shape: []int{}, Data: []float64{1.8}}
	d.Extra["none"] = Array{Shape: []int{0, 3}, Data: []float64{}}
	return d
}

// captureLogs collects what slog writes during a test.
func captureLogs(t *testing.T) *bytes.Buffer {
	var b bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&b, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &b
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
	if g.Source != path {
		t.Errorf("Source %q, want %q", g.Source, path)
	}
	if err := sameDataset(g, d); err != nil {
		t.Fatal(err)
	}

	// Equal datasets give identical bytes: runs can compare their outputs by hash.
	again := filepath.Join(t.TempDir(), "again.npz")
	if err := WriteNPZ(again, g); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(path)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Error("writing the dataset read back gives different bytes")
	}
}

func TestNPZRoundTripMinimal(t *testing.T) {
	// One segment, one bin, one neuron, no labels, inputs, weights or extras; an integer label
	// beyond int64 (from a uint64 array) goes back as uint64.
	d := New(1, 1, 1, 1e-3)
	d.Activity[0] = -0.0
	d.Labels["id"] = Label{Kind: IntLabel, Values: []string{"18446744073709551615"}}
	path := filepath.Join(t.TempDir(), "min.npz")
	if err := WriteNPZ(path, d); err != nil {
		t.Fatal(err)
	}
	g, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := sameDataset(g, d); err != nil {
		t.Fatal(err)
	}
	if g.Inputs != nil || g.Weight != nil {
		t.Errorf("inputs %v weight %v, want nil", g.Inputs, g.Weight)
	}
}

func TestWriteNPZRefusesInvalid(t *testing.T) {
	d := sample()
	d.Activity[0] = math.Inf(-1)
	path := filepath.Join(t.TempDir(), "bad.npz")
	wantFieldError(t, WriteNPZ(path, d), "", "activity", []int{0, 0, 0}, "is -Inf")
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an invalid dataset left a file: %v", err)
	}
}

// TestReadNumPyRagged reads float32, NaN-padded activity with int32 lengths written by NumPy.
func TestReadNumPyRagged(t *testing.T) {
	logs := captureLogs(t)
	d, err := ReadNPZ("testdata/numpy_ragged.npz")
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 3 || d.T != 4 || d.M != 2 || d.I != 1 || d.Dt != 0.02 {
		t.Fatalf("S T M I dt = %d %d %d %d %v", d.S, d.T, d.M, d.I, d.Dt)
	}
	if !slices.Equal(d.Lengths, []int{4, 3, 2}) {
		t.Fatalf("lengths %v", d.Lengths)
	}
	for s := range d.S {
		for tt := range d.T {
			for m := range d.M {
				got := d.Activity[(s*d.T+tt)*d.M+m]
				if tt < d.Lengths[s] && got != formula(s, tt, m) || tt >= d.Lengths[s] && !math.IsNaN(got) {
					t.Fatalf("activity[%d, %d, %d] = %v, want %v (length %d)", s, tt, m, got, formula(s, tt, m), d.Lengths[s])
				}
			}
		}
	}
	want := map[string]Label{
		"task":  {Kind: StringLabel, Values: []string{"sine", "ramp", "sïne"}},
		"trial": {Kind: IntLabel, Values: []string{"10", "11", "12"}},
		"theta": {Kind: FloatLabel, Values: []string{"0.5", "1.25", "-3"}},
	}
	for k, l := range want {
		if g := d.Labels[k]; g.Kind != l.Kind || !slices.Equal(g.Values, l.Values) {
			t.Errorf("label_%s = %+v, want %+v", k, g, l)
		}
	}
	if len(d.Labels) != len(want) {
		t.Errorf("labels %v", d.Labels)
	}
	if !slices.Equal(d.Inputs, []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Errorf("inputs %v", d.Inputs)
	}
	// Fortran-ordered [[0,1,2],[3,4,5]] comes back in C order.
	if e := d.Extra["teacher_W"]; !slices.Equal(e.Data, []float64{0, 1, 2, 3, 4, 5}) || !slices.Equal(e.Shape, []int{2, 3}) {
		t.Errorf("teacher_W %+v", e)
	}
	if _, ok := d.Extra["note"]; ok || len(d.Extra) != 1 {
		t.Errorf("extras %v: the text array note should be skipped", d.Extra)
	}
	if !strings.Contains(logs.String(), "array=note") {
		t.Errorf("no warning about the skipped array note; logs:\n%s", logs)
	}
}

// TestReadNumPyBigEndian reads big-endian float64 activity and bytes labels from a compressed
// archive without dt.
func TestReadNumPyBigEndian(t *testing.T) {
	logs := captureLogs(t)
	d, err := ReadNPZ("testdata/numpy_bigendian.npz")
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range d.Activity {
		s, tt, m := i/6, i/2%3, i%2
		if v != formula(s, tt, m) {
			t.Fatalf("activity[%d, %d, %d] = %v, want %v", s, tt, m, v, formula(s, tt, m))
		}
	}
	if d.Dt != DefaultDt || !strings.Contains(logs.String(), "no dt") {
		t.Errorf("dt %v (want the default %v with a warning); logs:\n%s", d.Dt, DefaultDt, logs)
	}
	if l := d.Labels["cond"]; l.Kind != StringLabel || !slices.Equal(l.Values, []string{"a", "bb"}) {
		t.Errorf("label_cond %+v", l)
	}
}

// TestReadNumPyFortran reads Fortran-ordered activity, dt of shape [1] in float32, uint8
// lengths, float32 and boolean labels and extras of every kind.
func TestReadNumPyFortran(t *testing.T) {
	logs := captureLogs(t)
	d, err := ReadNPZ("testdata/numpy_fortran.npz")
	if err != nil {
		t.Fatal(err)
	}
	if d.S != 2 || d.T != 3 || d.M != 4 {
		t.Fatalf("shape %d %d %d", d.S, d.T, d.M)
	}
	for i, v := range d.Activity {
		s, tt, m := i/12, i/4%3, i%4
		if v != formula(s, tt, m) {
			t.Fatalf("activity[%d, %d, %d] = %v, want %v", s, tt, m, v, formula(s, tt, m))
		}
	}
	if d.Dt != 0.05 || !slices.Equal(d.Lengths, []int{3, 2}) {
		t.Errorf("dt %v lengths %v", d.Dt, d.Lengths)
	}
	want := map[string]Label{
		"freq":    {Kind: FloatLabel, Values: []string{"0.1", "2.5"}},
		"correct": {Kind: IntLabel, Values: []string{"1", "0"}},
		"phase":   {Kind: StringLabel, Values: []string{"préparation", "exécution ✓"}},
	}
	for k, l := range want {
		if g := d.Labels[k]; g.Kind != l.Kind || !slices.Equal(g.Values, l.Values) {
			t.Errorf("label_%s = %+v, want %+v", k, g, l)
		}
	}
	cube := make([]float64, 24)
	for i := range cube {
		cube[i] = float64(i)
	}
	extras := map[string]Array{
		"scale": {Shape: []int{}, Data: []float64{2.5}},
		"J":     {Shape: []int{2, 3}, Data: []float64{0, 1, 2, 3, 4, 5}},
		"cube":  {Shape: []int{2, 3, 4}, Data: cube},
	}
	for k, e := range extras {
		if g := d.Extra[k]; !slices.Equal(g.Shape, e.Shape) || !slices.Equal(g.Data, e.Data) {
			t.Errorf("extra %s = %+v, want %+v", k, g, e)
		}
	}
	if len(d.Extra) != len(extras) {
		t.Errorf("extras %v, want only %v", d.Extra, extras)
	}
	for _, skipped := range []string{"array=z", "array=meta"} {
		if !strings.Contains(logs.String(), skipped) {
			t.Errorf("no warning with %s; logs:\n%s", skipped, logs)
		}
	}
}

// TestNumPyReadsOurFiles has NumPy load a file WriteNPZ wrote and check every field; it skips
// where /usr/bin/python3 with NumPy is absent.
func TestNumPyReadsOurFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Python")
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy").Run(); err != nil {
		t.Skip("no /usr/bin/python3 with numpy")
	}
	path := filepath.Join(t.TempDir(), "d.npz")
	if err := WriteNPZ(path, sample()); err != nil {
		t.Fatal(err)
	}
	const check = `
import sys, numpy as np
z = np.load(sys.argv[1])
a = z["activity"]
assert a.dtype == np.float64 and a.shape == (3, 4, 2), (a.dtype, a.shape)
flat = a.ravel()
assert np.isnan(flat[12:16]).all() and np.isnan(flat).sum() == 4
ok = ~np.isnan(flat)
assert (flat[ok] == (np.arange(24) * 0.5 - 3)[ok]).all()
assert z["lengths"].dtype == np.int64 and list(z["lengths"]) == [4, 2, 3]
assert z["dt"].shape == () and z["dt"] == 0.02
assert list(z["label_task"]) == ["sine", "", "sïne ✓ 🧠"], z["label_task"]
assert z["label_task"].dtype == np.dtype("<U8"), z["label_task"].dtype
assert list(z["label_trial"]) == [7, -1, 1099511627776]
t = z["label_theta"]
assert t[0] == 0.1 and np.isnan(t[1]) and t[2] == -2e-300
assert (z["inputs"].ravel() == np.arange(24) / 8 - 1).all()
assert (z["loss_weight"].ravel() == np.arange(24) % 3).all()
assert z["teacher_J"].shape == (2, 3) and z["teacher_J"][1, 2] == -6e300
assert z["gain"].shape == () and z["gain"] == 1.8
assert z["none"].shape == (0, 3)
assert list(z["order_task"]) == ["sïne ✓ 🧠", "absent", "sine", ""], z["order_task"]
assert z["order_trial"].dtype == np.int64 and list(z["order_trial"]) == [1099511627776, -1, 7]
assert sorted(z.files) == sorted(["activity", "lengths", "dt", "label_task", "label_trial",
    "label_theta", "order_task", "order_trial", "inputs", "loss_weight", "teacher_J", "gain",
    "none"]), z.files
`
	out, err := exec.Command("/usr/bin/python3", "-c", check, path).CombinedOutput()
	if err != nil {
		t.Fatalf("NumPy disagrees: %v\n%s", err, out)
	}
}

func TestReadBadInputs(t *testing.T) {
	act := func(S, T, M int) []float64 {
		a := make([]float64, S*T*M)
		for i := range a {
			a[i] = float64(i)
		}
		return a
	}
	activity := member{"activity", npyOf(t, []int{3, 4, 2}, act(3, 4, 2))}
	nan := act(3, 4, 2)
	nan[(2*4+1)*2+1] = math.NaN()
	inf := make([]float64, 3*4*1)
	inf[5] = math.Inf(1)
	negWeight := make([]float64, 24)
	negWeight[23] = -1
	// A 200-byte member whose header promises 3×4×2 float64 (192 bytes of data).
	short := npyOf(t, []int{3, 4, 2}, act(3, 4, 2))[:200]
	for _, c := range []struct {
		name    string
		members []member
		field   string
		index   []int
		text    string
	}{
		{"NaN in activity", []member{{"activity", npyOf(t, []int{3, 4, 2}, nan)}},
			"activity", []int{2, 1, 1}, "activity[2, 1, 1] is NaN (segment 2, bin 1, neuron 1)"},
		{"Inf in inputs", []member{activity, {"inputs", npyOf(t, []int{3, 4, 1}, inf)}},
			"inputs", []int{1, 1, 0}, "is +Inf (segment 1, bin 1, input 0)"},
		{"2-D activity", []member{{"activity", npyOf(t, []int{4, 2}, act(1, 4, 2))}},
			"activity", nil, "rank 3"},
		{"missing activity", []member{{"rates", npyOf(t, []int{1, 1, 1}, []float64{1})}},
			"activity", nil, "is missing"},
		{"text activity", []member{{"activity", npyOf(t, []int{1, 1, 1}, []string{"x"})}},
			"activity", nil, "want float32 or float64"},
		{"length 0", []member{activity, {"lengths", npyOf(t, []int{3}, []int64{4, 0, 3})}},
			"lengths", []int{1}, "lengths[1] = 0, want 1..4"},
		{"length past T", []member{activity, {"lengths", npyOf(t, []int{3}, []int64{4, 2, 5})}},
			"lengths", []int{2}, "= 5, want 1..4"},
		{"too few lengths", []member{activity, {"lengths", npyOf(t, []int{2}, []int64{4, 2})}},
			"lengths", nil, "has 2 values, want 3"},
		{"fractional length", []member{activity, {"lengths", npyOf(t, []int{3}, []float64{4, 2.5, 1})}},
			"lengths", []int{1}, "want an integer"},
		{"text lengths", []member{activity, {"lengths", npyOf(t, []int{3}, []string{"4", "4", "4"})}},
			"lengths", nil, "want integers"},
		{"short label", []member{activity, {"label_task", npyOf(t, []int{2}, []string{"a", "b"})}},
			"label_task", nil, "label_task has 2 values, want 3 (one per segment)"},
		{"2-D label", []member{activity, {"label_task", npyOf(t, []int{3, 1}, []int64{1, 2, 3})}},
			"label_task", nil, "want [segments]"},
		{"empty label name", []member{activity, {"label_", npyOf(t, []int{3}, []int64{1, 2, 3})}},
			"label_", nil, "empty label name"},
		{"object label", []member{activity, {"label_task", rawNPY("{'descr': '|O', 'fortran_order': False, 'shape': (3,), }", []byte("pickle"))}},
			"label_task", nil, "dtype=str"},
		{"complex label", []member{activity, {"label_z", rawNPY("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", make([]byte, 24))}},
			"label_z", nil, "want integers, floats or text"},
		{"order listing a value twice", []member{activity, {"label_task", npyOf(t, []int{3}, []string{"a", "b", "a"})},
			{"order_task", npyOf(t, []int{3}, []string{"b", "a", "b"})}},
			"order_task", []int{2}, `order_task[2] = "b" is listed twice (also at index 0)`},
		{"order missing a value", []member{activity, {"label_task", npyOf(t, []int{3}, []string{"a", "b", "c"})},
			{"order_task", npyOf(t, []int{2}, []string{"b", "a"})}},
			"order_task", nil, `lacks "c", the value of label_task[2] (segment 2)`},
		{"order of integers by text that is not one", []member{activity, {"label_n", npyOf(t, []int{3}, []int64{1, 2, 3})},
			{"order_n", npyOf(t, []int{3}, []string{"3", "two", "1"})}},
			"order_n", []int{1}, `= "two" does not parse as a value of label_n (kind int)`},
		{"order of no label", []member{activity, {"label_task", npyOf(t, []int{3}, []string{"a", "b", "c"})},
			{"order_tsak", npyOf(t, []int{3}, []string{"c", "b", "a"})}},
			"order_tsak", nil, "orders the values of label_tsak, which the file does not have (labels: task)"},
		{"empty order", []member{activity, {"label_task", npyOf(t, []int{3}, []string{"a", "b", "c"})},
			{"order_task", npyOf(t, []int{0}, []float64{})}},
			"order_task", nil, "is empty"},
		{"2-D order", []member{activity, {"label_task", npyOf(t, []int{3}, []string{"a", "b", "c"})},
			{"order_task", npyOf(t, []int{3, 1}, []string{"c", "b", "a"})}},
			"order_task", nil, "want [values] (each value of the label once)"},
		{"text dt", []member{activity, {"dt", npyOf(t, []int{1}, []string{"0.01"})}},
			"dt", nil, "want one number"},
		{"two dts", []member{activity, {"dt", npyOf(t, []int{2}, []float64{0.01, 0.02})}},
			"dt", nil, "want one number"},
		{"zero dt", []member{activity, {"dt", npyOf(t, nil, []float64{0})}},
			"dt", nil, "= 0, want a positive bin width"},
		{"inputs of another length", []member{activity, {"inputs", npyOf(t, []int{3, 5, 1}, make([]float64, 15))}},
			"inputs", nil, "want [3, 4, inputs]"},
		{"negative weight", []member{activity, {"loss_weight", npyOf(t, []int{3, 4, 2}, negWeight)}},
			"loss_weight", []int{2, 3, 1}, "want ≥ 0"},
		{"weight of another shape", []member{activity, {"loss_weight", npyOf(t, []int{3, 4}, make([]float64, 12))}},
			"loss_weight", nil, "want the activity's [3 4 2]"},
		{"duplicate member", []member{activity, activity},
			"activity", nil, "appears twice"},
		{"truncated member", []member{{"activity", short}},
			"activity", nil, "needs more than the 72 data bytes present"},
		{"bad header", []member{{"activity", rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4, 2)", nil)}},
			"activity", nil, "is not a valid .npy array"},
		{"not npy", []member{{"activity", []byte("activity = [1, 2, 3]")}},
			"activity", nil, "magic"},
		{"unsupported version", []member{{"activity", append([]byte("\x93NUMPY\x09\x00"), make([]byte, 10)...)}},
			"activity", nil, "version 9.0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, deflate := range []bool{false, true} {
				path := writeTemp(t, "bad.npz", zipOf(t, deflate, c.members...))
				d, err := ReadNPZ(path)
				if d != nil {
					t.Fatal("a dataset came back with the error")
				}
				wantFieldError(t, err, path, c.field, c.index, c.text)
			}
		})
	}
}

func TestReadRaggedWithoutLengths(t *testing.T) {
	path := "testdata/numpy_nan_no_lengths.npz"
	_, err := ReadNPZ(path)
	fe := wantFieldError(t, err, path, "activity", []int{1, 3, 0}, "NaN")
	for _, hint := range []string{"no `lengths` field", "add `lengths`", "lengths[1] = 3"} {
		if !strings.Contains(fe.Msg, hint) {
			t.Errorf("message %q lacks %q", fe.Msg, hint)
		}
	}
}

func TestReadCorruptFiles(t *testing.T) {
	whole, err := os.ReadFile("testdata/numpy_ragged.npz")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		b    []byte
		is   error
		text string
	}{
		{"cut in half", whole[:len(whole)/2], zip.ErrFormat, "is not a readable .npz archive"},
		{"empty", nil, zip.ErrFormat, "is not a readable .npz archive"},
		{"text", []byte("activity,1,2,3\n"), zip.ErrFormat, "is not a readable .npz archive"},
		{"npy, not npz", npyOf(t, []int{1, 1, 1}, []float64{1}), zip.ErrFormat, "is not a readable .npz archive"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeTemp(t, "corrupt.npz", c.b)
			_, err := ReadNPZ(path)
			wantFieldError(t, err, path, "", nil, c.text)
			if !errors.Is(err, c.is) {
				t.Errorf("error %v does not wrap %v", err, c.is)
			}
		})
	}

	// A flipped bit in a stored member's data fails its checksum.
	b := zipOf(t, false, member{"activity", npyOf(t, []int{1, 2, 2}, []float64{1, 2, 3, 4})})
	i := bytes.Index(b, []byte("\x00\x00\x00\x00\x00\x00\x08\x40")) // 3.0, little-endian
	b[i] ^= 1
	path := writeTemp(t, "crc.npz", b)
	_, err = ReadNPZ(path)
	wantFieldError(t, err, path, "activity", nil, "cannot be read")
	if !errors.Is(err, zip.ErrChecksum) {
		t.Errorf("error %v does not wrap zip.ErrChecksum", err)
	}

	path = filepath.Join(t.TempDir(), "absent.npz")
	_, err = ReadNPZ(path)
	wantFieldError(t, err, path, "", nil, "cannot be opened")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v does not wrap fs.ErrNotExist", err)
	}
}

// BenchmarkNPZ writes and reads a dataset the size of the paper's monkey reaching data:
// 160 trials × 150 bins × 117 neurons.
func BenchmarkNPZ(b *testing.B) {
	d := New(160, 150, 117, 0.01)
	for i := range d.Activity {
		d.Activity[i] = float64(i%1000) / 7
	}
	path := filepath.Join(b.TempDir(), "monkey.npz")
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(8 * len(d.Activity)))
		for b.Loop() {
			if err := WriteNPZ(path, d); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		b.SetBytes(int64(8 * len(d.Activity)))
		for b.Loop() {
			if _, err := ReadNPZ(path); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestReadForgedSizes checks that sizes declared in the zip directory are not trusted: a
// member claiming more than deflate can produce is refused before anything is allocated, and
// one whose bytes run past its claim is refused too.
func TestReadForgedSizes(t *testing.T) {
	good := zipOf(t, true, member{"activity", npyOf(t, []int{1, 2, 2}, []float64{1, 2, 3, 4})})
	// Offsets in a central directory entry: 20 compressed size, 24 uncompressed size.
	forge := func(offset int, size uint32) []byte {
		b := slices.Clone(good)
		i := bytes.Index(b, []byte("PK\x01\x02"))
		binary.LittleEndian.PutUint32(b[i+offset:], size)
		return b
	}
	for _, c := range []struct {
		name   string
		offset int
		size   uint32
		text   string
	}{
		{"bomb", 24, 0x7ffffff0, "more than deflate can produce"},
		{"short claim", 24, 100, "zip: not a valid zip file"},
		{"compressed past the file", 20, 0x7ffffff0, "more than the file's"},
	} {
		path := writeTemp(t, "forged.npz", forge(c.offset, c.size))
		_, err := ReadNPZ(path)
		wantFieldError(t, err, path, "activity", nil, c.text)
	}
}
