package h5

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

// want is what h5py read from a dataset or attribute (testdata/types.json, make_h5.py).
type want struct {
	Class     string           `json:"class"`
	Shape     []int            `json:"shape"`
	Values    []any            `json:"values"`
	Fields    map[string]*want `json:"fields"`
	Sequences [][]any          `json:"sequences"`
}

type expectations struct {
	Datasets   map[string]*want `json:"datasets"`
	Attributes map[string]*want `json:"attributes"`
}

func loadExpected(t *testing.T) map[string]expectations {
	t.Helper()
	b, err := os.ReadFile(fixture.Testdata("types.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]expectations
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	return all
}

// TestTypesAgainstH5py loads every dataset and attribute of the two type fixtures (HDF5 1.8 and
// 1.10 structures) and compares class, shape and values with what h5py read from them.
func TestTypesAgainstH5py(t *testing.T) {
	all := loadExpected(t)
	for _, file := range []string{"types.h5", "types_latest.h5"} {
		exp := all[file]
		if len(exp.Datasets) < 100 {
			t.Fatalf("%s: only %d datasets expected; regenerate types.json", file, len(exp.Datasets))
		}
		f := open(t, file)
		ctx := context.Background()
		for _, path := range sortedKeys(exp.Datasets) {
			w := exp.Datasets[path]
			n, err := f.Load(path)
			if w.Class == "opaque" {
				// No values to load: Load refuses, Info describes.
				if err == nil || !strings.Contains(err.Error(), "opaque") {
					t.Errorf("%s: %s: Load error %v, want one naming the opaque type", file, path, err)
				}
				n, err = f.Info(path)
			}
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			if w.Class == "region reference" {
				compareRegions(t, f, file+":"+path, n, w)
				continue
			}
			if w.Class == "reference" {
				sameObjects(t, f, file+":"+path, n, w)
				continue
			}
			compare(t, file+":"+path, n, w)
		}
		tree, err := f.TreeContext(ctx)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, key := range sortedKeys(exp.Attributes) {
			w := exp.Attributes[key]
			obj, name, _ := strings.Cut(key, "@")
			node, err := tree.Lookup(obj)
			if obj == "/" {
				node = tree
			}
			if err != nil {
				t.Errorf("%s: %s: %v", file, obj, err)
				continue
			}
			a := node.Attr(name)
			if a == nil {
				t.Errorf("%s: %s: no attribute %q", file, obj, name)
				continue
			}
			compare(t, file+":"+key, a, w)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	k := make([]string, 0, len(m))
	for s := range m {
		k = append(k, s)
	}
	sort.Strings(k)
	return k
}

func compare(t *testing.T, label string, n *formats.Node, w *want) {
	t.Helper()
	if w.Class == "opaque" {
		if n.Class != "opaque" || n.Unsupported == "" || n.Data != nil || !slices.Equal(n.Shape, w.Shape) {
			t.Errorf("%s: %+v, want an opaque node of shape %v without values", label, n, w.Shape)
		}
		return
	}
	if n.Unsupported != "" {
		t.Errorf("%s: unsupported: %s", label, n.Unsupported)
		return
	}
	if n.Class != w.Class {
		t.Errorf("%s: class %q, want %q", label, n.Class, w.Class)
	}
	if w.Shape == nil {
		if n.Shape != nil {
			t.Errorf("%s: shape %v, want none (null dataspace)", label, n.Shape)
		}
		return
	}
	if !slices.Equal(n.Shape, w.Shape) {
		t.Errorf("%s: shape %v, want %v", label, n.Shape, w.Shape)
		return
	}
	switch {
	case w.Fields != nil:
		if len(n.Fields) != len(w.Fields) {
			t.Errorf("%s: fields %v, want %d", label, n.Fields, len(w.Fields))
			return
		}
		for i, name := range n.Fields {
			fw := w.Fields[name]
			if fw == nil {
				t.Errorf("%s: unexpected field %q", label, name)
				continue
			}
			compare(t, label+"."+name, n.Children[i], fw)
		}
	case w.Sequences != nil:
		if len(n.Children) != len(w.Sequences) {
			t.Errorf("%s: %d sequences, want %d", label, len(n.Children), len(w.Sequences))
			return
		}
		for i, s := range w.Sequences {
			compareValues(t, fmt.Sprintf("%s[%d]", label, i), n.Children[i].Data, s)
		}
	default:
		compareValues(t, label, n.Data, w.Values)
	}
}

func compareValues(t *testing.T, label string, got any, w []any) {
	t.Helper()
	switch g := got.(type) {
	case []float64:
		if len(g) != len(w) {
			t.Errorf("%s: %d values, want %d", label, len(g), len(w))
			return
		}
		for i, x := range g {
			var y float64
			switch v := w[i].(type) {
			case float64:
				y = v
			case string:
				y, _ = strconv.ParseFloat(v, 64)
			default:
				t.Errorf("%s[%d]: %v, want %v", label, i, x, w[i])
				continue
			}
			if !(x == y || math.IsNaN(x) && math.IsNaN(y)) {
				t.Errorf("%s[%d] = %v, want %v", label, i, x, y)
			}
		}
	case []string:
		ws := make([]string, len(w))
		for i, v := range w {
			ws[i], _ = v.(string)
		}
		if !reflect.DeepEqual(g, ws) {
			t.Errorf("%s = %q, want %q", label, g, ws)
		}
	default:
		t.Errorf("%s: data %T, want %v", label, got, w)
	}
}

func compareRegions(t *testing.T, f *File, label string, n *formats.Node, w *want) {
	refs, err := n.Strings()
	if err != nil || len(refs) != len(w.Values) {
		t.Errorf("%s: %v %v, want %d references", label, refs, err, len(w.Values))
		return
	}
	for i, r := range refs {
		m := w.Values[i].(map[string]any)
		if !strings.HasPrefix(r, m["path"].(string)+"[") {
			t.Errorf("%s[%d] = %q, want a region of %s", label, i, r, m["path"])
			continue
		}
		sel, err := f.Deref(context.Background(), r)
		if err != nil {
			t.Errorf("%s[%d]: %v", label, i, err)
			continue
		}
		compareValues(t, fmt.Sprintf("%s[%d] → %s", label, i, r), sel.Data, m["values"].([]any))
	}
}

// sameObjects checks that object references name the objects h5py names. An object linked
// under two names has two valid paths (the reader gives the first in name order, h5py the
// one libhdf5 finds), so paths are compared by the object they lead to.
func sameObjects(t *testing.T, f *File, label string, n *formats.Node, w *want) {
	t.Helper()
	got, err := n.Strings()
	if err != nil || len(got) != len(w.Values) {
		t.Errorf("%s: %v %v, want %v", label, got, err, w.Values)
		return
	}
	for i, g := range got {
		p := w.Values[i].(string)
		if g == p {
			continue
		}
		a, _, err1 := f.resolve(context.Background(), g)
		b, _, err2 := f.resolve(context.Background(), p)
		if err1 != nil || err2 != nil || a != b {
			t.Errorf("%s[%d] = %q, want %q (the same object)", label, i, g, p)
		}
	}
}

// TestRealFiles compares every dataset of the real recordings in ../shared/data (skipped when
// absent) with h5py's summary of them in testdata/real_h5.json (make_h5.py): class, shape, the
// sum and NaN count of numbers, the first strings or reference targets.
func TestRealFiles(t *testing.T) {
	b, err := os.ReadFile(fixture.Testdata("real_h5.json"))
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]map[string]struct {
		Class string   `json:"class"`
		Shape []int    `json:"shape"`
		Sum   *float64 `json:"sum"`
		NaN   int      `json:"nan"`
		First []any    `json:"first"`
	}
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	if len(all) == 0 {
		t.Fatal("real_h5.json lists no files; regenerate it where ../shared/data is present")
	}
	for rel, sets := range all {
		f, err := Open(fixture.SharedData(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, p := range sortedKeys(sets) {
			w := sets[p]
			n, err := f.Load(p)
			if err != nil {
				t.Errorf("%s: %v", rel, err)
				continue
			}
			if n.Class != w.Class || !slices.Equal(n.Shape, w.Shape) {
				t.Errorf("%s %s: %s %v, want %s %v", rel, p, n.Class, n.Shape, w.Class, w.Shape)
				continue
			}
			switch {
			case w.Sum != nil:
				v, err := n.Float64s()
				if err != nil {
					t.Errorf("%s %s: %v", rel, p, err)
					continue
				}
				sum, nan := 0.0, 0
				for _, x := range v {
					if math.IsNaN(x) {
						nan++
					} else {
						sum += x
					}
				}
				if math.Abs(sum-*w.Sum) > 1e-9*math.Max(1, math.Abs(*w.Sum)) || nan != w.NaN {
					t.Errorf("%s %s: sum %v with %d NaN, want %v with %d", rel, p, sum, nan, *w.Sum, w.NaN)
				}
			case w.First != nil:
				s, err := n.Strings()
				if err != nil {
					t.Errorf("%s %s: %v", rel, p, err)
					continue
				}
				for i, x := range w.First {
					if i >= len(s) || !strings.HasPrefix(s[i], x.(string)) {
						t.Errorf("%s %s[%d]: %q, want %q", rel, p, i, s[min(i, len(s)-1)], x)
					}
				}
			}
		}
	}
}
