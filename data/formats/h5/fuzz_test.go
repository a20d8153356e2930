package h5

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

// FuzzReadHDF5 feeds mutated HDF5 files to the reader (seeds: the small fixtures, old and new
// structures, and the corrupted file of issue 14): listing, loading every dataset and
// dereferencing every reference must return a value or an error, never panic, hang or
// allocate beyond the limits, and what it returns must be consistent.
func FuzzReadHDF5(f *testing.F) {
	for _, name := range []string{"features.h5", "small.nwb", "latest.nwb", "chunked-zero-run.nwb"} {
		b, err := os.ReadFile(fixture.Testdata(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := NewFile(bytes.NewReader(data), int64(len(data)), "fuzz.h5", Options{MaxBytes: 8 << 20, MaxObjects: 1 << 14})
		if err != nil {
			return
		}
		ctx := context.Background()
		tree, err := file.TreeValues(ctx, 1<<20)
		if err != nil {
			return
		}
		if tree.Class != "hdf5" {
			t.Fatalf("root class %q", tree.Class)
		}
		checkNode(t, file, tree, 0)
		if _, err := file.ReadAllContext(ctx); err != nil {
			return
		}
	})
}

// checkNode asserts the invariants of formats.Node, and dereferences references.
func checkNode(t *testing.T, f *File, n *formats.Node, depth int) {
	t.Helper()
	if depth > 200 {
		t.Fatalf("tree deeper than 200")
	}
	numel := n.NumElements()
	switch d := n.Data.(type) {
	case []float64:
		if len(d) != numel {
			t.Fatalf("%s: %d values for shape %v", n.Name, len(d), n.Shape)
		}
	case []string:
		if len(d) != numel {
			t.Fatalf("%s: %d strings for shape %v", n.Name, len(d), n.Shape)
		}
		if n.Class == "reference" || n.Class == "region reference" {
			for _, r := range d[:min(len(d), 4)] {
				if r != "" {
					f.Deref(context.Background(), r)
				}
			}
		}
	}
	if n.Class == "compound" && len(n.Children) != len(n.Fields) {
		t.Fatalf("%s: %d members, %d fields", n.Name, len(n.Children), len(n.Fields))
	}
	for _, c := range n.Children {
		checkNode(t, f, c, depth+1)
	}
}
