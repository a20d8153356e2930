package npy

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode (and, for what starts like a zip archive, to the
// .npz Reader first). It must return an error or an array, never panic, hang or allocate beyond
// what the input holds; every conversion that succeeds must return Len() elements, and what it
// returns must survive Encode and a second Decode unchanged. Seeds: the members of the
// NumPy-written fixtures of package data and data/formats, and one array per dtype family.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("../../data/testdata/*.npz")
	more, _ := filepath.Glob("../../data/formats/testdata/*.np[yz]")
	for _, p := range append(files, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		if r, err := NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
			for _, m := range r.Members {
				if mb, err := m.Read(); err == nil {
					f.Add(mb)
				}
			}
		}
	}
	f.Add(archive(f, Deflate))
	for _, h := range []string{"'>f2', 'fortran_order': True, 'shape': (2, 1, 2)", "'<U2', 'fortran_order': False, 'shape': (2,)",
		"'|S3', 'fortran_order': True, 'shape': (2, 2)", "'<c8', 'fortran_order': False, 'shape': ()"} {
		f.Add(rawNPY("{'descr': "+h+", }", []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f")))
	}
	f.Add([]byte("\x93NUMPY\x02\n\xe5{H\x95QJ"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.HasPrefix(b, []byte("PK")) {
			r, err := NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil || len(r.Members) == 0 {
				return
			}
			if b, err = r.Members[0].Read(); err != nil {
				return
			}
		}
		a, err := Decode(b)
		if err != nil {
			return
		}
		if v, err := a.Floats(); err == nil {
			reencode(t, a, v)
		}
		if v, err := a.Ints(); err == nil {
			reencode(t, a, v)
		}
		if v, err := a.Uints(); err == nil {
			reencode(t, a, v)
		}
		if v, err := a.Bytes(); err == nil {
			reencode(t, a, v)
		}
		if v, err := a.Strings(); err == nil {
			reencode(t, a, v)
		}
	})
}

// reencode checks that v, a conversion of a, has a's element count, and that encoding and
// decoding it gives back a's shape and v (NaN equal to NaN).
func reencode[T any](t *testing.T, a *Array, v []T) {
	t.Helper()
	if len(v) != a.Len() {
		t.Fatalf("%s: %d values for shape %v", a.Descr, len(v), a.Shape)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, a.Shape, v); err != nil {
		t.Fatalf("%s: cannot encode what was decoded: %v", a.Descr, err)
	}
	b, err := Decode(buf.Bytes())
	if err != nil {
		t.Fatalf("%s: cannot decode what was encoded: %v", a.Descr, err)
	}
	again, err := convertLike(b, v)
	if err != nil || !slices.Equal(b.Shape, a.Shape) || !sameBits(again, v) {
		t.Fatalf("%s %v: round trip gave %v %v, %v; want %v", a.Descr, a.Shape, b.Shape, again, err, v)
	}
}

// sameBits compares two conversions, float64 by bits so that NaN matches NaN.
func sameBits(x, y any) bool {
	if fx, ok := x.([]float64); ok {
		fy := y.([]float64)
		return slices.EqualFunc(fx, fy, func(p, q float64) bool { return math.Float64bits(p) == math.Float64bits(q) })
	}
	return reflect.DeepEqual(x, y)
}
