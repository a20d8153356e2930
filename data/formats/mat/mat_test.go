package mat

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/h5"
	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

func read(t *testing.T, name string) *formats.Node {
	t.Helper()
	root, err := ReadMAT(fixture.Testdata(name))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func lookup(t *testing.T, root *formats.Node, path string) *formats.Node {
	t.Helper()
	n, err := root.Lookup(path)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func wantNumbers(t *testing.T, root *formats.Node, path, class string, shape []int, want []float64) {
	t.Helper()
	n := lookup(t, root, path)
	if n.Class != class || !reflect.DeepEqual(n.Shape, shape) {
		t.Errorf("%s: %s %v, want %s %v", path, n.Class, n.Shape, class, shape)
	}
	got, err := n.Float64s()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %v, want %v", path, got, want)
	}
}

func wantText(t *testing.T, root *formats.Node, path string, shape []int, want ...string) {
	t.Helper()
	n := lookup(t, root, path)
	if n.Class != "char" || !reflect.DeepEqual(n.Shape, shape) {
		t.Errorf("%s: %s %v, want char %v", path, n.Class, n.Shape, shape)
	}
	got, err := n.Strings()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %q, want %q", path, got, want)
	}
}

// TestV5 checks every variable written by testdata/make_mat.py, uncompressed and compressed,
// against the values in that script.
func TestV5(t *testing.T) {
	for _, name := range []string{"v5.mat", "v5z.mat"} {
		t.Run(name, func(t *testing.T) {
			root := read(t, name)
			// a = reshape(1:24, 2,3,4) in row-major order: a(i,j,k) = 12(i-1)+4(j-1)+k.
			a := make([]float64, 24)
			for i := range a {
				a[i] = float64(i + 1)
			}
			wantNumbers(t, root, "a", "double", []int{2, 3, 4}, a)
			if v := lookup(t, root, "a(2,3,4)").Data.([]float64)[0]; v != 24 {
				t.Errorf("a(2,3,4) = %v, want 24", v)
			}
			// Linear indexing is column-major, as in MATLAB: a(2) is a(2,1,1) = 13.
			if v := lookup(t, root, "a(2)").Data.([]float64)[0]; v != 13 {
				t.Errorf("a(2) = %v, want 13", v)
			}
			wantNumbers(t, root, "row", "double", []int{1, 3}, []float64{0.5, -1, 2.25})
			wantNumbers(t, root, "i16", "int16", []int{2, 3}, []float64{-3, 0, 300, 1, 2, -32768})
			wantNumbers(t, root, "u64", "uint64", []int{1, 2}, []float64{1 << 53, 5})
			wantNumbers(t, root, "single", "single", []int{2, 1}, []float64{1.5, -0.25})
			wantNumbers(t, root, "flag", "logical", []int{1, 3}, []float64{1, 0, 1})
			wantText(t, root, "name", []int{1, 5}, "hello")
			wantText(t, root, "names", []int{2, 2}, "ab", "cd")
			wantText(t, root, "unicode", []int{1, 3}, "µ-Ω")
			wantNumbers(t, root, "sp", "double", []int{3, 3}, []float64{0, 2, 0, 1, 0, 0, 0, 0, 3.5})
			if !lookup(t, root, "sp").Sparse {
				t.Error("sp: Sparse is false")
			}
			z := lookup(t, root, "z")
			if re := z.Data.([]float64); re[0] != 1 || re[1] != 0 || !reflect.DeepEqual(z.Imag, []float64{2, -3.5}) {
				t.Errorf("z = %v + %vi, want [1 0] + [2 -3.5]i", re, z.Imag)
			}
			wantNumbers(t, root, "s.alpha", "double", []int{1, 1}, []float64{2})
			wantText(t, root, "s.text", []int{1, 3}, "abc")
			wantNumbers(t, root, "s.inner.v", "double", []int{1, 2}, []float64{1, 2})
			d := lookup(t, root, "D")
			if d.Class != "struct" || !reflect.DeepEqual(d.Shape, []int{1, 3}) || !reflect.DeepEqual(d.Fields, []string{"data", "condition", "id"}) {
				t.Fatalf("D: %s %v %v", d.Class, d.Shape, d.Fields)
			}
			for k := 0; k < 3; k++ {
				want := make([]float64, 6)
				for i := range want {
					want[i] = float64(i + 10*k)
				}
				p := "D(" + string(rune('1'+k)) + ")"
				wantNumbers(t, root, p+".data", "uint8", []int{2, 3}, want)
				wantText(t, root, p+".condition", []int{1, 6}, "reach"+string(rune('1'+k)))
				wantNumbers(t, root, p+".id", "double", []int{1, 1}, []float64{float64(k + 1)})
				f, err := d.Field(k, "condition")
				if err != nil || f != lookup(t, root, p+".condition") {
					t.Errorf("Field(%d, condition) = %v, %v; want the node of %s.condition", k, f, err, p)
				}
			}
			conds := lookup(t, root, "D.condition")
			if conds.Class != "cell" || len(conds.Children) != 3 {
				t.Fatalf("D.condition: %s with %d children, want a cell of 3", conds.Class, len(conds.Children))
			}
			wantNumbers(t, root, "c{1}", "double", []int{1, 2}, []float64{1.5, -2.5})
			wantText(t, root, "c{2}", []int{1, 2}, "hi")
			wantNumbers(t, root, "c{3}", "int32", []int{1, 1}, []float64{7})
			wantNumbers(t, root, "empty", "double", []int{0, 0}, []float64{})
		})
	}
}

// TestV73 checks the MATLAB v7.3 layout written by make_mat.py with h5py.
func TestV73(t *testing.T) {
	root := read(t, "v73.mat")
	wantNumbers(t, root, "m", "double", []int{2, 3}, []float64{1, 2, 3, 4, 5, 6})
	wantNumbers(t, root, "t", "int16", []int{3, 1}, []float64{-50, 0, 50})
	wantNumbers(t, root, "ok", "logical", []int{1, 3}, []float64{1, 0, 1})
	wantText(t, root, "txt", []int{1, 6}, "reach1")
	wantNumbers(t, root, "st.x", "double", []int{1, 1}, []float64{3})
	wantText(t, root, "st.label", []int{1, 2}, "ab")
	wantNumbers(t, root, "e", "double", []int{0, 0}, []float64{})
}

// TestRealFiles checks the shapes and a few sums of the real recordings against scipy.io.loadmat.
func TestRealFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 700 kB of compressed MATLAB data")
	}
	t.Run("exampleData", func(t *testing.T) {
		root, err := ReadMAT(fixture.SharedData(t, fixture.RealMAT[0]))
		if err != nil {
			t.Fatal(err)
		}
		x := lookup(t, root, "dataTensor")
		if x.Class != "double" || !reflect.DeepEqual(x.Shape, []int{61, 50, 10}) {
			t.Fatalf("dataTensor: %s %v, want double [61 50 10]", x.Class, x.Shape)
		}
		// /usr/bin/python3 -c "import scipy.io as s; x=s.loadmat('exampleData.mat')['dataTensor'];
		//   print(repr(x.sum()), repr(x[0,0,0]), repr(x[60,49,9]), repr(x[3,7,2]))"
		v := x.Data.([]float64)
		closeTo(t, "sum(dataTensor)", sum(v), -55.3565717746228, 1e-9)
		at := func(i, j, k int) float64 { return v[(i*50+j)*10+k] }
		if at(0, 0, 0) != -0.0441778669629774 || at(60, 49, 9) != -0.14111362218412118 || at(3, 7, 2) != -0.02107538022039085 {
			t.Errorf("dataTensor elements %v %v %v differ from scipy's", at(0, 0, 0), at(60, 49, 9), at(3, 7, 2))
		}
		tt := lookup(t, root, "t")
		// MATLAB's class is double (whosmat says so); the file stores the values as int16.
		if tt.Class != "double" || tt.Stored != "int16" || !reflect.DeepEqual(tt.Shape, []int{61, 1}) {
			t.Fatalf("t: %s stored %s %v, want double stored int16 [61 1]", tt.Class, tt.Stored, tt.Shape)
		}
		tv := tt.Data.([]float64)
		for i, x := range tv {
			if x != float64(-50+10*i) {
				t.Fatalf("t(%d) = %v, want %d", i+1, x, -50+10*i)
			}
		}
	})
	t.Run("ex1", func(t *testing.T) {
		root, err := ReadMAT(fixture.SharedData(t, fixture.RealMAT[1]))
		if err != nil {
			t.Fatal(err)
		}
		d := lookup(t, root, "D")
		if !reflect.DeepEqual(d.Shape, []int{1, 210}) {
			t.Fatalf("D: %v, want [1 210]", d.Shape)
		}
		d1 := lookup(t, root, "D(1).data")
		if d1.Class != "double" || d1.Stored != "uint8" || !reflect.DeepEqual(d1.Shape, []int{61, 400}) {
			t.Fatalf("D(1).data: %s stored %s %v, want double stored uint8 [61 400]", d1.Class, d1.Stored, d1.Shape)
		}
		wantText(t, root, "D(1).condition", []int{1, 6}, "reach1")
		wantText(t, root, "D(210).condition", []int{1, 6}, "reach7")
		// python3: sum(int(d['data'].sum()) for d in loadmat(f)['D'][0]) → 50353; D[0] → 256.
		total := 0.0
		for k := 0; k < 210; k++ {
			n, err := d.Field(k, "data")
			if err != nil {
				t.Fatal(err)
			}
			total += sum(n.Data.([]float64))
		}
		if s := sum(d1.Data.([]float64)); s != 256 || total != 50353 {
			t.Errorf("spike counts: D(1) %v, all %v; want 256, 50353", s, total)
		}
		closeTo(t, "sum(proj_vecs)", sum(lookup(t, root, "proj_vecs").Data.([]float64)), -0.7016479202876814, 1e-12)
	})
	t.Run("ex2", func(t *testing.T) {
		root, err := ReadMAT(fixture.SharedData(t, fixture.RealMAT[2]))
		if err != nil {
			t.Fatal(err)
		}
		d := lookup(t, root, "D")
		// python3: sum(d['data'].shape[1] for d in D) → 142345 bins, 103478 spikes in all.
		bins, spikes := 0, 0.0
		for k := 0; k < d.NumElements(); k++ {
			n, _ := d.Field(k, "data")
			bins += n.Shape[1]
			spikes += sum(n.Data.([]float64))
		}
		if d.NumElements() != 112 || bins != 142345 || spikes != 103478 {
			t.Errorf("ex2: %d trials, %d bins, %v spikes; want 112, 142345, 103478", d.NumElements(), bins, spikes)
		}
		if s := lookup(t, root, "D(112).data").Shape; !reflect.DeepEqual(s, []int{61, 1170}) {
			t.Errorf("D(112).data: %v, want [61 1170]", s)
		}
	})
	t.Run("ex3", func(t *testing.T) {
		root, err := ReadMAT(fixture.SharedData(t, fixture.RealMAT[3]))
		if err != nil {
			t.Fatal(err)
		}
		closeTo(t, "sum(D(1).data)", sum(lookup(t, root, "D(1).data").Data.([]float64)), 680.3214285714284, 1e-9)
		closeTo(t, "sum(D(2).data)", sum(lookup(t, root, "D(2).data").Data.([]float64)), 673.142857142857, 1e-9)
		wantText(t, root, "D(2).condition", []int{1, 6}, "reach2")
	})
}

func sum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

func closeTo(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.17g, want %.17g", what, got, want)
	}
}

// TestMalformed checks that forged and truncated files give errors naming the file, the
// variable and the offset, without panics or huge allocations.
func TestMalformed(t *testing.T) {
	good, err := os.ReadFile(fixture.Testdata("v5.mat"))
	if err != nil {
		t.Fatal(err)
	}
	goodZ, err := os.ReadFile(fixture.Testdata("v5z.mat"))
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	patch := func(b []byte, off int, v uint32) []byte {
		b = bytes.Clone(b)
		le.PutUint32(b[off:], v)
		return b
	}
	// The first variable "a" starts at 128: tag (8), flags (16), dims (8 + 12 + pad 4).
	cases := []struct {
		name string
		data []byte
		want []string
	}{
		{"short", good[:100], []string{"too short"}},
		{"no indicator", append(bytes.Clone(good[:126]), 'X', 'Y'), []string{"endian indicator"}},
		{"huge element", patch(good, 132, 0xfffffff0), []string{"t.mat", "offset 128", "declares 4294967280 bytes"}},
		{"truncated", good[:len(good)-5], []string{"t.mat", "only"}},
		{"huge dims", patch(good, 128+8+16+8, 1<<30), []string{"variable \"a\"", "real part has 24 values"}},
		{"negative dim", patch(good, 128+8+16+8, 0xffffffff), []string{"dimension 1 is negative"}},
		{"huge inflate", patch(goodZ, 132, 3), []string{"compressed element", "offset 128"}},
	}
	for _, c := range cases {
		_, err := Decode(c.data, "t.mat")
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q lacks %q", c.name, err, w)
			}
		}
	}
}

// TestInflateBomb checks that a compressed element declaring more than deflate can produce is
// refused before inflating.
func TestInflateBomb(t *testing.T) {
	z, err := os.ReadFile(fixture.Testdata("v5z.mat"))
	if err != nil {
		t.Fatal(err)
	}
	// A compressed element whose inner miMATRIX tag declares 1 GiB.
	var zb bytes.Buffer
	zw := zlib.NewWriter(&zb)
	zw.Write([]byte{miMATRIX, 0, 0, 0, 0, 0, 0, 0x40})
	zw.Close()
	elem := binary.LittleEndian.AppendUint32([]byte{miCOMPRESSED, 0, 0, 0}, uint32(zb.Len()))
	file := append(append(bytes.Clone(z[:headerLen]), elem...), zb.Bytes()...)
	_, err = Decode(file, "bomb.mat")
	if err == nil || !strings.Contains(err.Error(), "more than deflate can produce") {
		t.Errorf("error %v, want a refusal of the declared size", err)
	}
}

// TestV73SameAsV5 reads the same MATLAB data saved by scipy.io.savemat (v5) and in MATLAB's
// v7.3 layout (make_mat.py, v73_full) and requires the same tree: classes, shapes, values,
// sparse and complex parts, struct fields and cell elements in the same order. Variables are
// compared by name, since v7.3 lists them in name order.
func TestV73SameAsV5(t *testing.T) {
	v5 := read(t, "same.mat")
	v73 := read(t, "same73.mat")
	if len(v5.Children) != len(v73.Children) || len(v5.Children) < 20 {
		t.Fatalf("%d variables in v5, %d in v7.3", len(v5.Children), len(v73.Children))
	}
	for _, a := range v5.Children {
		b, err := v73.Member(a.Name)
		if err != nil {
			t.Error(err)
			continue
		}
		sameTree(t, a.Name, a, b)
	}
}

func sameTree(t *testing.T, path string, a, b *formats.Node) {
	t.Helper()
	if b.Unsupported != "" {
		t.Errorf("%s: v7.3 unsupported: %s", path, b.Unsupported)
		return
	}
	if a.Name != b.Name || a.Class != b.Class || !reflect.DeepEqual(a.Shape, b.Shape) || a.Sparse != b.Sparse ||
		!reflect.DeepEqual(a.Fields, b.Fields) || a.Stored != b.Stored {
		t.Errorf("%s: v5 %q %s %v sparse=%v fields=%v stored=%q, v7.3 %q %s %v sparse=%v fields=%v stored=%q", path,
			a.Name, a.Class, a.Shape, a.Sparse, a.Fields, a.Stored, b.Name, b.Class, b.Shape, b.Sparse, b.Fields, b.Stored)
		return
	}
	if !reflect.DeepEqual(a.Data, b.Data) || !reflect.DeepEqual(a.Imag, b.Imag) {
		t.Errorf("%s: v5 data %v %v, v7.3 %v %v", path, a.Data, a.Imag, b.Data, b.Imag)
	}
	if len(a.Children) != len(b.Children) {
		t.Errorf("%s: %d children in v5, %d in v7.3", path, len(a.Children), len(b.Children))
		return
	}
	for i := range a.Children {
		sameTree(t, fmt.Sprintf("%s[%d]", path, i), a.Children[i], b.Children[i])
	}
}

// TestV73ForgedReferences reads a v7.3 file whose references form a cycle, and another
// variable whose cells of shared references would expand to 2^40 elements: each must be an
// error naming the file and the path, quickly and in little memory.
func TestV73ForgedReferences(t *testing.T) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ReadMAT(fixture.Testdata("forged73.mat"))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "forged73.mat: /") {
		t.Fatalf("error %v, want one naming the file and path", err)
	}
	if !strings.Contains(err.Error(), "reference cycle") && !strings.Contains(err.Error(), "more than") {
		t.Errorf("error %v, want a cycle or the value limit", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
		t.Errorf("allocated %d bytes", d)
	}
	f, err := h5.Open(fixture.Testdata("forged73.mat"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, v := range []string{"cyc", "fan"} {
		c := &v73{f: f, ctx: context.Background(), done: map[string]*formats.Node{}, sizes: map[string]int{}, busy: map[string]bool{}}
		if c.tree, err = f.Tree(); err != nil {
			t.Fatal(err)
		}
		n, _ := c.tree.Lookup(v)
		_, err := c.node("/"+v, n, 0)
		want := map[string]string{"cyc": "reference cycle", "fan": "more than"}[v]
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", v, err, want)
		}
	}
}
