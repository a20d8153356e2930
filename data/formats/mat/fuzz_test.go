package mat

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/h5"
	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

// FuzzReadMAT feeds mutated MAT v5 files to the decoder: it must return a value or an error,
// never panic, loop or allocate beyond what the input justifies, and what it returns must be
// consistent.
func FuzzReadMAT(f *testing.F) {
	for _, name := range []string{"v5.mat", "v5z.mat"} {
		b, err := os.ReadFile(fixture.Testdata(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	// Two real files when present: ex1 and ex2 have the same struct-array layout as ex3 but
	// inflate to tens of MB, which would slow every execution tenfold.
	for _, rel := range []string{fixture.RealMAT[0], fixture.RealMAT[3]} {
		if b := fixture.SharedBytes(rel); b != nil {
			f.Add(b)
		}
	}
	defer func(old int) { maxSparseDense = old }(maxSparseDense)
	maxSparseDense = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := Decode(data, "fuzz.mat")
		if err != nil {
			return
		}
		for _, v := range root.Children {
			checkNode(t, v)
		}
	})
}

// checkNode asserts the invariants of formats.Node on a decoded tree.
func checkNode(t *testing.T, n *formats.Node) {
	t.Helper()
	numel := n.NumElements()
	switch d := n.Data.(type) {
	case []float64:
		if len(d) != numel {
			t.Fatalf("%s: %d values for shape %v", n.Name, len(d), n.Shape)
		}
		if n.Imag != nil && len(n.Imag) != numel {
			t.Fatalf("%s: %d imaginary values for shape %v", n.Name, len(n.Imag), n.Shape)
		}
	}
	switch n.Class {
	case "struct", "object":
		if len(n.Children) != numel*len(n.Fields) {
			t.Fatalf("%s: %d children for %d elements × %d fields", n.Name, len(n.Children), numel, len(n.Fields))
		}
	case "cell":
		if len(n.Children) != numel {
			t.Fatalf("%s: %d children for %d elements", n.Name, len(n.Children), numel)
		}
	}
	for _, c := range n.Children {
		checkNode(t, c)
	}
}

// FuzzReadV73 feeds mutated MATLAB v7.3 files (HDF5 with MATLAB's layout and references) to
// the v7.3 reader: it must return a value or an error, never panic, hang or fan out, and what
// it returns must be consistent.
func FuzzReadV73(f *testing.F) {
	for _, name := range []string{"v73.mat", "same73.mat"} {
		b, err := os.ReadFile(fixture.Testdata(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := h5.NewFile(bytes.NewReader(data), int64(len(data)), "fuzz.mat", h5.Options{MaxBytes: 8 << 20, MaxObjects: 1 << 14})
		if err != nil {
			return
		}
		root, err := fromHDF5(context.Background(), file)
		if err != nil {
			return
		}
		for _, v := range root.Children {
			checkNode(t, v)
		}
	})
}
