package h5

import (
	"reflect"
	"strings"
	"testing"

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

// TestFeatures checks the datasets of testdata/features.h5 (make_nwb.py) that scigolib reads,
// and that those it cannot read fail with an error naming the dataset and the feature.
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
	bad := []struct{ path, want string }{
		{"/fixed", `chunk index "fixed array"`},
		{"/extensible", `chunk index "extensible array"`},
		{"/chunked_strings", "chunk index"},
		{"/soft", "soft link"},
		{"/nothing", "no dataset"},
	}
	for _, c := range bad {
		_, err := f.Load(c.path)
		if err == nil || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one naming the path and %q", c.path, err, c.want)
		}
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
	if err != nil || soft.Unsupported == "" {
		t.Errorf("/soft: %+v, %v; want an unreadable node", soft, err)
	}
}

// TestNWBTree checks the structure scigolib sees in the NWB fixtures and the values of the
// contiguous and the chunked, deflated file.
func TestNWBTree(t *testing.T) {
	for _, name := range []string{"small.nwb", "chunked.nwb"} {
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

// TestLatest checks that groups scigolib drops are reported, not silently absent.
func TestLatest(t *testing.T) {
	f := open(t, "latest.nwb")
	_, err := f.Load("/units/spike_times")
	if err == nil || !strings.Contains(err.Error(), "/units") || !strings.Contains(err.Error(), "continues in further blocks") {
		t.Errorf("error %v, want one naming /units and the unsupported header continuation", err)
	}
}

func TestNotHDF5(t *testing.T) {
	_, err := Open(fixture.Testdata("make_nwb.py"))
	if err == nil || !strings.Contains(err.Error(), "not an HDF5 file") {
		t.Errorf("error %v", err)
	}
}
