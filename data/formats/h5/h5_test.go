package h5

import (
	"bytes"
	"context"
	"errors"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jedi-neuro/jedi/data/formats"

	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

func open(t *testing.T, name string) *File {
	t.Helper()
	f, err := Open(fixture.Testdata(name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestFeatures checks the datasets of testdata/features.h5 (make_nwb.py), which scigolib/hdf5
// could not read in part.
func TestFeatures(t *testing.T) {
	f := open(t, "features.h5")
	ok := []struct {
		path, class string
		shape       []int
		data        any
	}{
		{"/plain", "double", []int{2, 3}, []float64{0, 1, 2, 3, 4, 5}},
		{"/compact", "int16", []int{3}, []float64{4, 5, 6}},
		{"/bigendian", "int32", []int{2}, []float64{-2, 70000}},
		{"/fixed_strings", "string", []int{2}, []string{"xy", "z"}},
	}
	for _, c := range ok {
		n, err := f.Load(c.path)
		if err != nil {
			t.Errorf("%s: %v", c.path, err)
			continue
		}
		if n.Class != c.class || !reflect.DeepEqual(n.Shape, c.shape) || !reflect.DeepEqual(n.Data, c.data) {
			t.Errorf("%s: %s %v %v, want %s %v %v", c.path, n.Class, n.Shape, n.Data, c.class, c.shape, c.data)
		}
	}
	for _, c := range []struct {
		path string
		data any
	}{
		{"/fixed", []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"/extensible", []float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"/chunked_strings", []string{"a", "bc"}},
		{"/soft", []float64{0, 1, 2, 3, 4, 5}},
	} {
		n, err := f.Load(c.path)
		if err != nil || !reflect.DeepEqual(n.Data, c.data) {
			t.Errorf("%s: %v, %v; want %v", c.path, n, err, c.data)
		}
	}
	if _, err := f.Load("/nothing"); err == nil || !strings.Contains(err.Error(), "/nothing") || !strings.Contains(err.Error(), "no such object") {
		t.Errorf("/nothing: error %v, want one naming the path", err)
	}
	tree, err := f.Tree()
	if err != nil {
		t.Fatal(err)
	}
	g, err := tree.Lookup("/g")
	if err != nil {
		t.Fatal(err)
	}
	attrs := map[string]any{
		"i16": []float64{-1, 2}, "f32": []float64{0.5}, "fixed": []string{"abc"}, "names": []string{"x", "yz"},
	}
	for name, want := range attrs {
		a := g.Attr(name)
		if a == nil || !reflect.DeepEqual(a.Data, want) {
			t.Errorf("attribute %s = %+v, want %v", name, a, want)
		}
	}
	if s := tree.AttrText("title"); s != "reader features" {
		t.Errorf("root title = %q", s)
	}
	soft, err := tree.Lookup("/soft")
	if err != nil || soft.Class != "double" || !reflect.DeepEqual(soft.Shape, []int{2, 3}) {
		t.Errorf("/soft: %+v, %v; want the dataset it links to", soft, err)
	}
}

// TestNWBTree checks the structure and values of the NWB fixtures: contiguous, chunked and
// deflated, and written with libver="latest" (continued version 2 headers, extensible array
// chunk indexes).
func TestNWBTree(t *testing.T) {
	for _, name := range []string{"small.nwb", "chunked.nwb", "latest.nwb"} {
		f := open(t, name)
		tree, err := f.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		st, err := tree.Lookup("/units/spike_times")
		if err != nil {
			t.Fatal(err)
		}
		if want := []float64{0.1, 0.5, 1.2, 0.3, 2.5, 2.625, 3.0, 1.75}; !reflect.DeepEqual(st.Data, want) {
			t.Errorf("%s: spike_times %v, want %v", name, st.Data, want)
		}
		if ty := st.AttrText("neurodata_type"); ty != "VectorData" {
			t.Errorf("%s: spike_times neurodata_type %q", name, ty)
		}
		cond, err := tree.Lookup("intervals/trials/condition")
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"reach1", "reach2", "reach1"}; !reflect.DeepEqual(cond.Data, want) {
			t.Errorf("%s: condition %v, want %v", name, cond.Data, want)
		}
		ok, err := tree.Lookup("/intervals/trials/correct")
		if err != nil {
			t.Fatal(err)
		}
		if ok.Class != "logical" || !reflect.DeepEqual(ok.Data, []float64{1, 0, 1}) {
			t.Errorf("%s: correct %s %v", name, ok.Class, ok.Data)
		}
	}
}

func TestNotHDF5(t *testing.T) {
	_, err := Open(fixture.Testdata("make_nwb.py"))
	if err == nil || !strings.Contains(err.Error(), "not an HDF5 file") {
		t.Errorf("error %v", err)
	}
}

// TestCorruptedRegression reads the project's NWB fixture with 72 bytes zeroed (issue 14:
// the previous reader recursed with exponential fan-out to 13.6 GB). The read must end at once
// with an error naming the file, the group and the offset, in bounded memory.
func TestCorruptedRegression(t *testing.T) {
	path := fixture.Testdata("chunked-zero-run.nwb")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	for _, read := range []func(string) (*formats.Node, error){ReadTree, Read, formats.Inspect} {
		_, err := read(path)
		if err == nil || !strings.Contains(err.Error(), "chunked-zero-run.nwb: /: symbol table node at offset") {
			t.Errorf("error %v, want one naming the file, the group and the offset", err)
		}
	}
	runtime.ReadMemStats(&after)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("allocated %d bytes reading a %d-byte file", alloc, 12<<10)
	}
}

// TestCancel checks that a cancelled context stops a listing and a load.
func TestCancel(t *testing.T) {
	f := open(t, "types_latest.h5")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.ReadAllContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("ReadAll: %v, want context.Canceled", err)
	}
	if _, err := f.LoadContext(ctx, "/layout/btree2"); !errors.Is(err, context.Canceled) {
		t.Errorf("Load: %v, want context.Canceled", err)
	}
}

// TestSlice checks hyperslabs of each layout against the whole dataset.
func TestSlice(t *testing.T) {
	for _, name := range []string{"types.h5", "types_latest.h5"} {
		f := open(t, name)
		for _, p := range []string{"/layout/contiguous", "/layout/compact", "/layout/gzip", "/layout/ext_dim1", "/layout/btree2", "/layout/partial"} {
			all, err := f.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			v := all.Data.([]float64)
			cols := all.Shape[1]
			start, count := []int{1, 2}, []int{min(3, all.Shape[0]-1), 5}
			s, err := f.LoadSlice(context.Background(), p, start, count)
			if err != nil {
				t.Fatalf("%s %s: %v", name, p, err)
			}
			var want []float64
			for i := start[0]; i < start[0]+count[0]; i++ {
				want = append(want, v[i*cols+start[1]:i*cols+start[1]+count[1]]...)
			}
			if !reflect.DeepEqual(s.Data, want) || !reflect.DeepEqual(s.Shape, count) {
				t.Errorf("%s %s: slice %v %v, want %v", name, p, s.Shape, s.Data, want)
			}
		}
		if _, err := f.LoadSlice(context.Background(), "/layout/gzip", []int{5, 0}, []int{3, 1}); err == nil || !strings.Contains(err.Error(), "/layout/gzip") {
			t.Errorf("slice past the end: %v", err)
		}
	}
}

// TestLimits checks that values beyond Options.MaxBytes are refused, naming the limit's
// environment variable.
func TestLimits(t *testing.T) {
	f, err := OpenOptions(fixture.Testdata("types.h5"), Options{MaxBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Load("/layout/contiguous"); err == nil || !strings.Contains(err.Error(), EnvMaxBytes) {
		t.Errorf("error %v, want the limit", err)
	}
	if _, err := f.Load("/num/le_i4"); err != nil {
		t.Error(err)
	}
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{MaxObjects: 10}, "more than 10"},
		{Options{MaxDepth: 1}, "nested deeper than 1"},
		{Options{MaxLinkHops: 1}, ""},
	} {
		f, err := OpenOptions(fixture.Testdata("types.h5"), c.opt)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Tree()
		f.Close()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%+v: error %v, want %q", c.opt, err, c.want)
		}
	}
	t.Setenv(EnvMaxBytes, "50")
	f2, err := Open(fixture.Testdata("types.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer f2.Close()
	if _, err := f2.Load("/num/matrix"); err == nil || !strings.Contains(err.Error(), "limit of 50 (set") {
		t.Errorf("%s=50: error %v", EnvMaxBytes, err)
	}
}

// TestForgedSizes corrupts size fields of a fixture (a chunk's stored size, a dataspace's
// dimension, a heap's declared size) and expects errors, never allocations of the declared
// sizes.
func TestForgedSizes(t *testing.T) {
	orig, err := os.ReadFile(fixture.Testdata("small.nwb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []string{"HEAP", "GCOL", "TREE", "SNOD"} {
		i := bytes.Index(orig, []byte(sig))
		if i < 0 {
			t.Fatalf("no %s in small.nwb", sig)
		}
		b := bytes.Clone(orig)
		for k := 8; k < 16; k++ {
			b[i+k] = 0xff
		}
		f, err := NewFile(bytes.NewReader(b), int64(len(b)), sig, Options{})
		if err != nil {
			continue
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		f.ReadAll()
		runtime.ReadMemStats(&ms)
		if ms.TotalAlloc-before > 64<<20 {
			t.Errorf("%s forged: allocated %d bytes", sig, ms.TotalAlloc-before)
		}
	}
}

// TestInspectListing checks what jedi inspect shows for HDF5: value ranges of numeric
// datasets, reference targets, compound members, and no values for datasets over the cap.
func TestInspectListing(t *testing.T) {
	n, err := formats.InspectContext(context.Background(), fixture.Testdata("types_latest.h5"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := n.List(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"/num/matrix", "range 0…11.5",
		`"/num/matrix" "/links/again" "/str/vlen"`,
		`"/num/matrix[0:1,1:3,0:2]"`,
		"/cmp/table.x", "= [0.5 -1.5 2]",
		"/layout/btree2", "range 0…11193",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("listing lacks %q:\n%s", want, out)
		}
	}
	f := open(t, "types_latest.h5")
	small, err := f.TreeValues(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	if m, _ := small.Lookup("/num/matrix"); m == nil || m.Data != nil {
		t.Errorf("/num/matrix (192 bytes) loaded with a 100-byte cap: %+v", m)
	}
	if m, _ := small.Lookup("/num/le_i4"); m == nil || m.Data == nil {
		t.Errorf("/num/le_i4 (20 bytes) not loaded with a 100-byte cap: %+v", m)
	}
}

// TestDerefGroup checks that dereferencing a group gives its members with values, and that
// addresses ("@N") and bad references are handled.
func TestDerefGroup(t *testing.T) {
	f := open(t, "types.h5")
	ctx := context.Background()
	g, err := f.Deref(ctx, "/links/target")
	if err != nil {
		t.Fatal(err)
	}
	v, err := g.Lookup("values")
	if err != nil || !reflect.DeepEqual(v.Data, []float64{1, 2, 3}) {
		t.Errorf("values: %+v, %v", v, err)
	}
	addr, _, err := f.resolve(ctx, "/num/le_i2")
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.Deref(ctx, "@"+strconv.FormatUint(addr, 10))
	if err != nil || n.Class != "int16" || len(n.Data.([]float64)) != 5 {
		t.Errorf("@%d: %+v, %v", addr, n, err)
	}
	for _, bad := range []string{"", "/nowhere", "/num/matrix[9:10,0:1,0:1]", "/links/target[0:1]", "@1"} {
		if _, err := f.Deref(ctx, bad); err == nil {
			t.Errorf("Deref(%q): no error", bad)
		}
	}
}
