package formats

import (
	"bytes"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/sbinet/npyio"

	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
	"github.com/jedi-neuro/jedi/internal/npy"
)

// TestNPZ checks the arrays written by testdata/make_npy.py.
func TestNPZ(t *testing.T) {
	root, err := ReadNPZ(fixture.Testdata("arrays.npz"))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, class string
		shape       []int
		data        any
	}{
		{"x", "double", []int{2, 3}, []float64{0, 0.25, 0.5, 0.75, 1, 1.25}},
		{"i16", "int16", []int{3}, []float64{-7, 0, 300}},
		{"ok", "logical", []int{2}, []float64{1, 0}},
		{"labels", "string", []int{2}, []string{"reach1", "µ"}},
		// Fortran order on disk, row-major here.
		{"fortran", "single", []int{2, 2}, []float64{1, 2, 3, 4}},
		{"big", "int32", []int{2}, []float64{-1, 65536}},
	}
	for _, w := range want {
		n, err := root.Member(w.name)
		if err != nil {
			t.Error(err)
			continue
		}
		if n.Class != w.class || !reflect.DeepEqual(n.Shape, w.shape) || !reflect.DeepEqual(n.Data, w.data) {
			t.Errorf("%s: %s %v %v, want %s %v %v", w.name, n.Class, n.Shape, n.Data, w.class, w.shape, w.data)
		}
	}
}

// TestNPYRoundTrip writes arrays with npyio and reads them back.
func TestNPYRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	in := []int64{-3, 1 << 40, 7}
	if err := npyio.Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	n, err := decodeNPY(buf.Bytes(), "v")
	if err != nil {
		t.Fatal(err)
	}
	if n.Class != "int64" || !reflect.DeepEqual(n.Data, []float64{-3, 1 << 40, 7}) {
		t.Errorf("got %s %v", n.Class, n.Data)
	}
	root, err := ReadNPY(fixture.Testdata("one.npy"))
	if err != nil {
		t.Fatal(err)
	}
	one := root.Children[0]
	if one.Name != "one" || one.Class != "uint8" || !reflect.DeepEqual(one.Data, []float64{1, 2, 3, 255}) {
		t.Errorf("one.npy: %s %s %v", one.Name, one.Class, one.Data)
	}
}

// TestNPYForgedShape checks that a header declaring more data than the file holds is refused
// before allocating.
func TestNPYForgedShape(t *testing.T) {
	b, err := os.ReadFile(fixture.Testdata("one.npy"))
	if err != nil {
		t.Fatal(err)
	}
	// Same header length, so the padding stays valid.
	forged := bytes.Replace(b, []byte("'shape': (2, 2), }"), []byte("'shape': (2, 999)}"), 1)
	if bytes.Equal(forged, b) {
		t.Fatalf("header %q not as expected", b[:80])
	}
	_, err = decodeNPY(forged, "one")
	if err == nil || !strings.Contains(err.Error(), "needs") {
		t.Errorf("error %v, want a refusal naming the bytes needed", err)
	}
}

// TestNPYForgedHeaderLength decodes the file that fuzzing found npyio to trust (testdata/fuzz/
// FuzzInspectNPY/21f73d1f65d12496: version 2, a header length of gigabytes in 14 bytes): it
// must be refused at once, allocating far less than the declared length.
func TestNPYForgedHeaderLength(t *testing.T) {
	forged := []byte("\x93NUMPY\x02\n\xe5{H\x95QJ")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := decodeNPY(forged, "forged")
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "runs past the end of the array's 14 bytes") {
		t.Errorf("error %v, want a refusal of the declared header length", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 4<<20 {
		t.Errorf("decoding a 16-byte file allocated %d bytes", d)
	}
}

// FuzzInspectNPY feeds mutated .npy and .npz files to their readers: they must return a value
// or an error, never panic or allocate beyond what the input holds.
func FuzzInspectNPY(f *testing.F) {
	for _, name := range []string{"one.npy", "arrays.npz"} {
		b, err := os.ReadFile(fixture.Testdata(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var n *Node
		var err error
		if !bytes.HasPrefix(data, []byte("PK")) {
			n, err = decodeNPY(data, "fuzz")
		} else if r, zerr := npy.NewReader(bytes.NewReader(data), int64(len(data))); zerr == nil {
			n, err = decodeNPZ(r, "fuzz.npz")
		} else {
			return
		}
		if err != nil {
			return
		}
		if n.Class != "npz" {
			n = &Node{Children: []*Node{n}}
		}
		for _, c := range n.Children {
			if c.NumElements() != dataLen(c.Data) {
				t.Fatalf("%s: %d values for shape %v", c.Name, dataLen(c.Data), c.Shape)
			}
		}
	})
}

func dataLen(v any) int {
	switch v := v.(type) {
	case []float64:
		return len(v)
	case []string:
		return len(v)
	}
	return -1
}
