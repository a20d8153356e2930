package npy

import (
	"bytes"
	"slices"
	"testing"

	sbnpy "github.com/sbinet/npyio/npy"
	"github.com/sbinet/npyio/npz"
)

// TestRoundTripThroughNpyio reads our archives, stored and deflated, back with an independent
// reader and checks the shapes, the dtypes and the values.
func TestRoundTripThroughNpyio(t *testing.T) {
	for _, method := range []Method{Store, Deflate} {
		roundTripThroughNpyio(t, method)
	}
}

func roundTripThroughNpyio(t *testing.T, method Method) {
	var buf bytes.Buffer
	a := NewArchive(&buf, method)
	f32 := []float32{1, 2, 3, 4, 5, 6}
	f64 := []float64{0.5, -1e300, 3}
	i64 := []int64{-7, 0, 1 << 40}
	u64 := []uint64{1 << 63, 3}
	u8 := []byte("héllo")
	for _, x := range []struct {
		name  string
		shape []int
		data  any
	}{{"a/f32", []int{2, 3}, f32}, {"f64", nil, f64}, {"i64", []int{3, 1}, i64}, {"u8", nil, u8}, {"u64", nil, u64}, {"scalar", []int{}, []float64{4.25}}} {
		if err := a.Add(x.name, x.shape, x.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Add("bad", []int{4}, f64); err == nil {
		t.Fatal("a shape that does not match the data was accepted")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := npz.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, shape []int, descr string) *sbnpy.Header {
		h := r.Header(name + ".npy")
		if h == nil {
			t.Fatalf("%s missing", name)
		}
		if !slices.Equal(h.Descr.Shape, shape) || h.Descr.Type != descr {
			t.Fatalf("%s: shape %v type %s, want %v %s", name, h.Descr.Shape, h.Descr.Type, shape, descr)
		}
		return h
	}
	check("a/f32", []int{2, 3}, "<f4")
	check("f64", []int{3}, "<f8")
	check("i64", []int{3, 1}, "<i8")
	check("u8", []int{6}, "|u1")
	check("u64", []int{2}, "<u8")
	check("scalar", []int{}, "<f8")
	var g32 []float32
	var g64 []float64
	var gi []int64
	var gu []uint8
	var gu64 []uint64
	var sc []float64
	for _, x := range []struct {
		name string
		ptr  any
	}{{"a/f32.npy", &g32}, {"f64.npy", &g64}, {"i64.npy", &gi}, {"u8.npy", &gu}, {"u64.npy", &gu64}, {"scalar.npy", &sc}} {
		if err := r.Read(x.name, x.ptr); err != nil {
			t.Fatalf("%s: %v", x.name, err)
		}
	}
	if !slices.Equal(g32, f32) || !slices.Equal(g64, f64) || !slices.Equal(gi, i64) || !bytes.Equal(gu, u8) || !slices.Equal(gu64, u64) || !slices.Equal(sc, []float64{4.25}) {
		t.Fatalf("values differ: %v %v %v %q %v %v", g32, g64, gi, gu, gu64, sc)
	}
}
