package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// rawNPY builds a .npy file by hand from a header dict and element bytes, independently of
// Encode, for dtypes, orders and corruptions the encoder never produces.
func rawNPY(header string, data []byte) []byte {
	n := binary.LittleEndian.AppendUint16(nil, uint16(len(header)+1))
	return slices.Concat([]byte("\x93NUMPY\x01\x00"), n, []byte(header+"\n"), data)
}

// convertLike reads a's elements with the conversion that returns the type of like.
func convertLike(a *Array, like any) (any, error) {
	switch like.(type) {
	case []float64:
		return a.Floats()
	case []int64:
		return a.Ints()
	case []uint64:
		return a.Uints()
	case []byte:
		return a.Bytes()
	}
	return a.Strings()
}

// convert returns f of every element of v.
func convert[T, U any](v []T, f func(T) U) []U {
	out := make([]U, len(v))
	for i, x := range v {
		out[i] = f(x)
	}
	return out
}

// vector decodes a 1-D array of dtype descr holding data, checks that conv reads want from it,
// and returns it.
func vector[T comparable](t *testing.T, descr string, data []byte, want []T, conv func(*Array) ([]T, error)) *Array {
	t.Helper()
	a, err := Decode(rawNPY("{'descr': '"+descr+"', 'fortran_order': False, 'shape': ("+strconv.Itoa(len(want))+",), }", data))
	if err != nil {
		t.Fatalf("%s: %v", descr, err)
	}
	if got, err := conv(a); err != nil || !slices.Equal(got, want) {
		t.Errorf("%s: %v, %v; want %v", descr, got, err, want)
	}
	return a
}

func TestParsePyLiteral(t *testing.T) {
	for _, c := range []struct {
		in   string
		want any
	}{
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }",
			map[string]any{"descr": "<f8", "fortran_order": false, "shape": []any{int64(2), int64(3)}}},
		{`{"descr":"|S3","fortran_order":True,"shape":(5,)}`,
			map[string]any{"descr": "|S3", "fortran_order": true, "shape": []any{int64(5)}}},
		{"{'shape': (3L, 4L), 'x': None}", map[string]any{"shape": []any{int64(3), int64(4)}, "x": nil}},
		{"()", []any{}},
		{"[('a', '<f8'), ('b', '<i4', (2,))]", []any{[]any{"a", "<f8"}, []any{"b", "<i4", []any{int64(2)}}}},
		{`'it\'s \x41\u00e9\\'`, "it's Aé\\"},
		{"  -12  ", int64(-12)},
	} {
		got, err := parsePyLiteral(c.in)
		if err != nil {
			t.Errorf("parse %q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("parse %q = %#v, want %#v", c.in, got, c.want)
		}
	}
	for _, bad := range []string{
		"", "{", "{'a' 1}", "{'a': 1", "{1: 2}", "'open", "(1, 2", "(1 2)", "Nope", "99999999999999999999",
		"{'a': 1} trailing", strings.Repeat("(", 100) + strings.Repeat(")", 100), "'\\x4'", "@",
	} {
		if _, err := parsePyLiteral(bad); err == nil {
			t.Errorf("parse %q succeeded", bad)
		}
	}
}

// TestRoundTrip encodes every element type Encode takes, checks the header's dtype, shape and
// 64-byte alignment, and decodes the values back exactly.
func TestRoundTrip(t *testing.T) {
	for _, c := range []struct {
		shape, want []int
		data        any
		descr       string
	}{
		{[]int{2, 3}, []int{2, 3}, []float64{1, -2, math.Inf(1), 0.1, math.MaxFloat64, math.SmallestNonzeroFloat64}, "<f8"},
		{[]int{}, []int{}, []float64{0.02}, "<f8"},
		{nil, []int{3}, []float32{1.5, -0.1, float32(math.Inf(-1))}, "<f4"},
		{[]int{0, 4}, []int{0, 4}, []float64{}, "<f8"},
		{[]int{3}, []int{3}, []int64{math.MinInt64, 0, math.MaxInt64}, "<i8"},
		{[]int{2, 1}, []int{2, 1}, []uint64{0, math.MaxUint64}, "<u8"},
		{nil, []int{5}, []byte("héllo")[:5], "|u1"},
		{[]int{4}, []int{4}, []string{"", "a", "naïve", "🧠✓"}, "<U5"},
		{[]int{2}, []int{2}, []string{"", ""}, "<U1"},
	} {
		var b bytes.Buffer
		if err := Encode(&b, c.shape, c.data); err != nil {
			t.Fatal(err)
		}
		hlen := int(binary.LittleEndian.Uint16(b.Bytes()[8:]))
		if b.Bytes()[6] != 1 || (10+hlen)%64 != 0 {
			t.Errorf("%s: version %d, data at byte %d; want version 1 and a multiple of 64 as NumPy writes", c.descr, b.Bytes()[6], 10+hlen)
		}
		a, err := Decode(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if a.Descr != c.descr || !slices.Equal(a.Shape, c.want) || a.Fortran {
			t.Errorf("descr %q shape %v fortran %v, want %q %v false", a.Descr, a.Shape, a.Fortran, c.descr, c.want)
		}
		want := c.data
		if f, ok := c.data.([]float32); ok { // read back as float64
			want = convert(f, func(x float32) float64 { return float64(x) })
		}
		got, err := convertLike(a, want)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read back %v, want %v", c.descr, got, want)
		}
	}
	for _, c := range []struct {
		shape []int
		data  any
	}{
		{[]int{2}, []float64{1}}, {[]int{}, []float64{1, 2}}, {[]int{-1, -1}, []int64{1}},
		{[]int{1}, []string{"\xff"}}, {nil, []int{1}},
	} {
		if err := Encode(&bytes.Buffer{}, c.shape, c.data); err == nil {
			t.Errorf("shape %v data %#v was encoded", c.shape, c.data)
		}
	}
}

func TestLongHeaderUsesVersion2(t *testing.T) {
	shape := make([]int, 25000) // a header longer than 65535 bytes
	for i := range shape {
		shape[i] = 1
	}
	var b bytes.Buffer
	if err := Encode(&b, shape, []float64{7}); err != nil {
		t.Fatal(err)
	}
	if hlen := int(binary.LittleEndian.Uint32(b.Bytes()[8:])); b.Bytes()[6] != 2 || (12+hlen)%64 != 0 {
		t.Fatalf("version %d, data at byte %d; want version 2 and a multiple of 64", b.Bytes()[6], 12+hlen)
	}
	a, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := a.Floats(); len(a.Shape) != 25000 || v[0] != 7 {
		t.Fatalf("rank %d value %v", len(a.Shape), v)
	}
}

// TestFortranOrder stores at every Fortran offset its own value and checks that C element c
// reads back the Fortran offset of its index, computed by Horner's rule from c's digits in the
// mixed radix of the shape (last axis fastest): i0 + d0·(i1 + d1·(… + ik)).
func TestFortranOrder(t *testing.T) {
	for _, shape := range [][]int{{2, 3, 4}, {5, 1, 3}, {1, 7}, {3, 2}, {2, 2, 2, 3}, {6}, {2, 0, 3}, {}} {
		n := Size(shape)
		data := make([]byte, 0, 4*n)
		for f := range n {
			data = binary.BigEndian.AppendUint32(data, uint32(f))
		}
		dims := fmt.Sprint(shape)
		header := "{'descr': '>u4', 'fortran_order': True, 'shape': (" + strings.ReplaceAll(dims[1:len(dims)-1], " ", ",") + ",), }"
		if len(shape) == 0 {
			header = "{'descr': '>u4', 'fortran_order': True, 'shape': (), }"
		}
		a, err := Decode(rawNPY(header, data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Uints()
		if err != nil || len(got) != n {
			t.Fatalf("shape %v: %d values, %v", shape, len(got), err)
		}
		for c := range n {
			f, r := 0, c
			for k := len(shape) - 1; k >= 0; k-- {
				f = f*shape[k] + r%shape[k]
				r /= shape[k]
			}
			if got[c] != uint64(f) {
				t.Fatalf("shape %v: C element %d = %d, want Fortran element %d", shape, c, got[c], f)
			}
		}
	}
}

func TestDtypes(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	u16 := func(o binary.AppendByteOrder, v ...uint16) (b []byte) {
		for _, x := range v {
			b = o.AppendUint16(b, x)
		}
		return b
	}
	for _, c := range []struct {
		descr string
		data  []byte
		want  []float64
	}{
		{"|b1", []byte{0, 1, 1}, []float64{0, 1, 1}},
		{"|i1", []byte{0xff, 0x80, 0x7f}, []float64{-1, -128, 127}},
		{"|u1", []byte{0xff, 0x80, 0x7f}, []float64{255, 128, 127}},
		{"<i2", u16(le, 0xfffe, 1, 0x8000), []float64{-2, 1, -32768}},
		{">i2", u16(be, 0xfffe, 1, 0x8000), []float64{-2, 1, -32768}},
		{">u2", u16(be, 0xfffe, 1, 0x8000), []float64{65534, 1, 32768}},
		// binary16: 1, -2, 65504 (largest), 2⁻²⁴ (smallest subnormal), +Inf, -0.
		{"<f2", u16(le, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x8000), []float64{1, -2, 65504, math.Ldexp(1, -24), math.Inf(1), 0}},
		{">f4", be.AppendUint32(nil, math.Float32bits(-1.5)), []float64{-1.5}},
		{">f8", be.AppendUint64(nil, math.Float64bits(math.Pi)), []float64{math.Pi}},
		{"<i8", le.AppendUint64(nil, uint64(1<<62)), []float64{1 << 62}},
		{"=i4", le.AppendUint32(nil, 0xffffffff), []float64{-1}},
	} {
		vector(t, c.descr, c.data, c.want, (*Array).Floats)
	}
	a, _ := Decode(rawNPY("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", u16(le, 0x7e00)))
	if v, _ := a.Floats(); !math.IsNaN(v[0]) {
		t.Errorf("binary16 0x7e00 = %v, want NaN", v[0])
	}
}

func TestStrings(t *testing.T) {
	utf32 := func(o binary.AppendByteOrder, width int, ss ...string) (b []byte) {
		for _, s := range ss {
			k := 0
			for _, r := range s {
				b = o.AppendUint32(b, uint32(r))
				k++
			}
			for ; k < width; k++ {
				b = o.AppendUint32(b, 0)
			}
		}
		return b
	}
	for _, c := range []struct {
		descr string
		data  []byte
		want  []string
	}{
		{"<U3", utf32(binary.LittleEndian, 3, "ab", "é✓", ""), []string{"ab", "é✓", ""}},
		{">U3", utf32(binary.BigEndian, 3, "ab", "é✓", ""), []string{"ab", "é✓", ""}},
		{"|S3", []byte("ab\x00\xc3\xa9\x00\x00\x00\x00"), []string{"ab", "é", ""}},
		{"|S2", []byte("\xe9t\x00\x00\x00\x00"), []string{"ét", "", ""}}, // not UTF-8: Latin-1
	} {
		vector(t, c.descr, c.data, c.want, (*Array).Strings)
	}
	a, err := Decode(rawNPY("{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", binary.LittleEndian.AppendUint32(nil, 0xd800)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Strings(); err == nil {
		t.Error("a lone surrogate decoded as text")
	}
	if _, err := a.Floats(); err == nil {
		t.Error("text decoded as numbers")
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		b    []byte
		text string
	}{
		{"empty", nil, "magic"},
		{"short", []byte("\x93NUMPY"), "magic"},
		{"v2 short", []byte("\x93NUMPY\x02\x00\x00\x00"), "truncated"},
		{"header past end", append([]byte("\x93NUMPY\x01\x00"), 0xff, 0x00, '{'), "runs past the end"},
		{"not a dict", rawNPY("(1, 2)", nil), "not a dictionary"},
		{"no order", rawNPY("{'descr': '<f8', 'shape': (1,)}", make([]byte, 8)), "fortran_order"},
		{"no shape", rawNPY("{'descr': '<f8', 'fortran_order': False}", make([]byte, 8)), "shape"},
		{"no descr", rawNPY("{'fortran_order': False, 'shape': (1,)}", make([]byte, 8)), "descr"},
		{"negative dim", rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", nil), "not a size"},
		{"text dim", rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': ('a',)}", nil), "not a size"},
		{"huge shape", rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000, 2000000000, 2000000000)}", nil), "needs more"},
		{"0-d short", rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': ()}", make([]byte, 7)), "needs more"},
		{"0-d empty", rawNPY("{'descr': '<U3', 'fortran_order': False, 'shape': ()}", nil), "needs more"},
		{"short data", rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", make([]byte, 15)), "needs more"},
		{"forged v2 length", []byte("\x93NUMPY\x02\n\xe5{H\x95QJ"), "runs past the end"},
		{"version 9", append([]byte("\x93NUMPY\x09\x00"), make([]byte, 10)...), "version 9.0"},
		{"zero width", rawNPY("{'descr': '<U0', 'fortran_order': False, 'shape': (5,)}", nil), "needs more"},
	} {
		if _, err := Decode(c.b); err == nil || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.text)
		}
	}
	// Unsupported dtypes decode without reading their elements; no conversion reads them.
	for _, descr := range []string{"|O", "<M8[ns]", "|V8", "<f16", "<i3", "x"} {
		a, err := Decode(rawNPY("{'descr': '"+descr+"', 'fortran_order': False, 'shape': (1,)}", nil))
		if err != nil || a.Kind != Unsupported {
			t.Fatalf("%s: kind %q err %v, want Unsupported and no error", descr, a.Kind, err)
		}
		if _, err := a.Floats(); err == nil || !strings.Contains(err.Error(), descr) {
			t.Errorf("%s: Floats error %v, want one naming the dtype", descr, err)
		}
	}
	a, err := Decode(rawNPY("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}", nil))
	if err != nil || a.Kind != 0 {
		t.Errorf("structured dtype: %v, %v", a, err)
	}
}

// TestIntegers checks that the integer conversions keep every 64-bit value exact, refuse what
// their type cannot hold with the element's index, and read booleans as 0 and 1.
func TestIntegers(t *testing.T) {
	le, be := binary.LittleEndian, binary.BigEndian
	a := vector(t, "<u8", le.AppendUint64(le.AppendUint64(nil, 1<<63-1), 1<<63), []uint64{1<<63 - 1, 1 << 63}, (*Array).Uints)
	if _, err := a.Ints(); err == nil || !strings.Contains(err.Error(), "element 1 = 9223372036854775808 overflows int64") {
		t.Errorf("Ints error %v, want element 1 to overflow", err)
	}
	i8 := vector(t, ">i8", be.AppendUint64(nil, 1<<63+1), []int64{math.MinInt64 + 1}, (*Array).Ints)
	if _, err := i8.Uints(); err == nil {
		t.Error("a signed array read as unsigned")
	}
	if _, err := i8.Bytes(); err == nil {
		t.Error("an int64 array read as bytes")
	}
	vector(t, "|b1", []byte{1, 0, 1}, []int64{1, 0, 1}, (*Array).Ints)
	vector(t, "|b1", []byte{1, 0, 1}, []uint64{1, 0, 1}, (*Array).Uints)
	vector(t, "|i1", []byte{0xff, 1}, []int64{-1, 1}, (*Array).Ints)
}
