package data

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

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

func TestNPYRoundTrip(t *testing.T) {
	for _, c := range []struct {
		shape []int
		data  any
		descr string
	}{
		{[]int{2, 3}, []float64{1, -2, math.Inf(1), 0.1, math.MaxFloat64, math.SmallestNonzeroFloat64}, "<f8"},
		{nil, []float64{0.02}, "<f8"},
		{[]int{0, 4}, []float64{}, "<f8"},
		{[]int{3}, []int64{math.MinInt64, 0, math.MaxInt64}, "<i8"},
		{[]int{2}, []uint64{0, math.MaxUint64}, "<u8"},
		{[]int{4}, []string{"", "a", "naïve", "🧠✓"}, "<U5"},
		{[]int{2}, []string{"", ""}, "<U1"},
	} {
		var b bytes.Buffer
		if err := encodeNPY(&b, c.shape, c.data); err != nil {
			t.Fatal(err)
		}
		hlen := int(binary.LittleEndian.Uint16(b.Bytes()[8:]))
		if (10+hlen)%64 != 0 {
			t.Errorf("%s: data starts at byte %d, want a multiple of 64 as NumPy writes", c.descr, 10+hlen)
		}
		a, err := decodeNPY(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if a.descr != c.descr || !slices.Equal(a.shape, c.shape) && !(len(a.shape) == 0 && len(c.shape) == 0) {
			t.Errorf("descr %q shape %v, want %q %v", a.descr, a.shape, c.descr, c.shape)
		}
		var got any
		switch c.data.(type) {
		case []float64:
			got, err = a.floats()
		case []int64:
			v := make([]int64, a.count())
			for i := range v {
				v[i] = a.intAt(i)
			}
			got = v
		case []uint64:
			v := make([]uint64, a.count())
			for i := range v {
				v[i] = a.uintAt(i)
			}
			got = v
		case []string:
			got, err = a.strings()
		}
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c.data) {
			t.Errorf("%s: read back %v, want %v", c.descr, got, c.data)
		}
	}
	if err := encodeNPY(&bytes.Buffer{}, []int{2}, []float64{1}); err == nil {
		t.Error("a shape of 2 for 1 value was encoded")
	}
	if err := encodeNPY(&bytes.Buffer{}, []int{1}, []string{"\xff"}); err == nil {
		t.Error("invalid UTF-8 was encoded")
	}
}

func TestNPYLongHeaderUsesVersion2(t *testing.T) {
	shape := make([]int, 25000) // a header longer than 65535 bytes
	for i := range shape {
		shape[i] = 1
	}
	var b bytes.Buffer
	if err := encodeNPY(&b, shape, []float64{7}); err != nil {
		t.Fatal(err)
	}
	if b.Bytes()[6] != 2 {
		t.Fatalf("version %d, want 2", b.Bytes()[6])
	}
	a, err := decodeNPY(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := a.floats(); len(a.shape) != 25000 || v[0] != 7 {
		t.Fatalf("rank %d value %v", len(a.shape), v)
	}
}

// TestNPYFortranOrder checks the reordering against a naive reference: element (i, j, k) of a
// Fortran array of shape (a, b, c) is at i + a j + a b k.
func TestNPYFortranOrder(t *testing.T) {
	for _, shape := range [][]int{{2, 3, 4}, {5, 1, 3}, {1, 7}, {3, 2}, {2, 2, 2, 3}, {6}} {
		n := product(shape)
		raw := make([]byte, 0, 4*n)
		for f := range n {
			raw = binary.BigEndian.AppendUint32(raw, uint32(f))
		}
		dims := make([]string, len(shape))
		for i, d := range shape {
			dims[i] = strconv.Itoa(d)
		}
		header := "{'descr': '>u4', 'fortran_order': True, 'shape': (" + strings.Join(dims, ", ") + ",), }"
		a, err := decodeNPY(rawNPY(header, raw))
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.floats()
		if err != nil {
			t.Fatal(err)
		}
		idx := make([]int, len(shape))
		for c := range n {
			// C-order index c → multi-index, last axis fastest.
			r := c
			for k := len(shape) - 1; k >= 0; k-- {
				idx[k] = r % shape[k]
				r /= shape[k]
			}
			f, stride := 0, 1
			for k := range shape {
				f += idx[k] * stride
				stride *= shape[k]
			}
			if got[c] != float64(f) {
				t.Fatalf("shape %v: C element %d (index %v) = %v, want Fortran element %d", shape, c, idx, got[c], f)
			}
		}
	}
}

func TestNPYDtypes(t *testing.T) {
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
		n := len(c.want)
		a, err := decodeNPY(rawNPY("{'descr': '"+c.descr+"', 'fortran_order': False, 'shape': ("+strconv.Itoa(n)+",), }", c.data))
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		got, err := a.floats()
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.descr, got, c.want)
		}
	}
	a, _ := decodeNPY(rawNPY("{'descr': '<f2', 'fortran_order': False, 'shape': (1,), }", u16(le, 0x7e00)))
	if v, _ := a.floats(); !math.IsNaN(v[0]) {
		t.Errorf("binary16 0x7e00 = %v, want NaN", v[0])
	}
}

func TestNPYStrings(t *testing.T) {
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
		a, err := decodeNPY(rawNPY("{'descr': '"+c.descr+"', 'fortran_order': False, 'shape': (3,), }", c.data))
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		got, err := a.strings()
		if err != nil {
			t.Fatalf("%s: %v", c.descr, err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %q, want %q", c.descr, got, c.want)
		}
	}
	a, err := decodeNPY(rawNPY("{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }", binary.LittleEndian.AppendUint32(nil, 0xd800)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.strings(); err == nil {
		t.Error("a lone surrogate decoded as text")
	}
	if _, err := a.floats(); err == nil {
		t.Error("text decoded as numbers")
	}
}

func TestNPYDecodeErrors(t *testing.T) {
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
		{"short data", rawNPY("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", make([]byte, 15)), "needs more"},
		{"zero width", rawNPY("{'descr': '<U0', 'fortran_order': False, 'shape': (5,)}", nil), "needs more"},
	} {
		if _, err := decodeNPY(c.b); err == nil || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.text)
		}
	}
	// Unsupported dtypes decode to kind 0 without reading their elements.
	for _, descr := range []string{"|O", "<M8[ns]", "|V8", "<f16", "<i3", "x"} {
		a, err := decodeNPY(rawNPY("{'descr': '"+descr+"', 'fortran_order': False, 'shape': (1,)}", nil))
		if err != nil || a.kind != 0 {
			t.Errorf("%s: kind %q err %v, want kind 0 and no error", descr, a.kind, err)
		}
	}
	a, err := decodeNPY(rawNPY("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,)}", nil))
	if err != nil || a.kind != 0 {
		t.Errorf("structured dtype: %v, %v", a, err)
	}
}
