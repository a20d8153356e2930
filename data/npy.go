package data

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The .npy format (numpy.lib.format): the magic "\x93NUMPY", a major and a minor version byte,
// the header length (uint16 little-endian in version 1, uint32 in versions 2 and 3), the header
// — a Python dict literal {'descr': dtype, 'fortran_order': bool, 'shape': tuple} padded with
// spaces and a newline — then the elements, packed, in C or Fortran order. This package reads
// and writes it itself rather than through github.com/sbinet/npyio because npyio v0.9.0 panics
// on malformed headers (slicing at a missing newline) and sizes its unicode dtype by bytes
// rather than characters; a reader of files from other tools must turn every corruption into an
// error.
const npyMagic = "\x93NUMPY"

// maxUnicodeWidth bounds the characters of a '<U' dtype, so that its byte width cannot overflow.
const maxUnicodeWidth = 1 << 24

// npyArray is one decoded .npy array.
type npyArray struct {
	descr string // the dtype as written, e.g. "<f8"
	// kind is 'b' (bool), 'i', 'u', 'f', 'c' (complex), 'U' (UTF-32 text) or 'S' (bytes); 0
	// marks a dtype this package cannot hold (object, structured, datetime, ...), whose
	// elements are not read.
	kind  byte
	size  int // bytes per element
	order binary.ByteOrder
	shape []int // empty for a 0-d array
	// raw holds the elements, count×size bytes, in Fortran (column-major) order if fortran is
	// set and in C (row-major) order otherwise.
	raw     []byte
	fortran bool
}

// count returns the number of elements, the product of the shape (1 for a 0-d array).
func (a *npyArray) count() int {
	n := 1
	for _, d := range a.shape {
		n *= d
	}
	return n
}

// isReal reports whether the elements are real numbers (bool counts as 0 and 1).
func (a *npyArray) isReal() bool {
	return a.kind == 'b' || a.kind == 'i' || a.kind == 'u' || a.kind == 'f'
}

// decodeNPY parses a complete .npy file held in b. The returned array may share memory with b.
func decodeNPY(b []byte) (*npyArray, error) {
	if len(b) < 10 || string(b[:6]) != npyMagic {
		return nil, errors.New(`not a .npy array (no "\x93NUMPY" magic)`)
	}
	var hlen, off int
	switch major := b[6]; major {
	case 1:
		hlen, off = int(binary.LittleEndian.Uint16(b[8:])), 10
	case 2, 3:
		if len(b) < 12 {
			return nil, errors.New("truncated .npy header")
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:])), 12
	default:
		return nil, fmt.Errorf(".npy format version %d.%d is not supported (want 1, 2 or 3)", major, b[7])
	}
	if hlen > len(b)-off {
		return nil, fmt.Errorf(".npy header of %d bytes runs past the end of the array's %d bytes (truncated?)", hlen, len(b))
	}
	a, err := parseNPYHeader(string(b[off : off+hlen]))
	if err != nil {
		return nil, err
	}
	if a.kind == 0 {
		return a, nil
	}
	body := b[off+hlen:]
	n := 0
	if !slices.Contains(a.shape, 0) {
		n = 1
		for _, d := range a.shape {
			// Compare before multiplying so that a corrupt shape cannot overflow.
			if a.size == 0 || n > len(body)/a.size/d {
				return nil, fmt.Errorf("shape %v of %s needs more than the %d data bytes present (truncated?)", a.shape, a.descr, len(body))
			}
			n *= d
		}
	}
	a.raw = body[:n*a.size]
	return a, nil
}

// parseNPYHeader reads dtype, order and shape from the header dict; the elements come later.
func parseNPYHeader(h string) (*npyArray, error) {
	v, err := parsePyLiteral(h)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf(".npy header is not a dictionary: %.40q", h)
	}
	fortran, ok := m["fortran_order"].(bool)
	if !ok {
		return nil, errors.New(".npy header has no boolean 'fortran_order'")
	}
	dims, ok := m["shape"].([]any)
	if !ok {
		return nil, errors.New(".npy header has no 'shape' tuple")
	}
	a := &npyArray{shape: make([]int, len(dims))}
	for i, d := range dims {
		k, ok := d.(int64)
		if !ok || k < 0 || k > math.MaxInt32 {
			return nil, fmt.Errorf(".npy header shape %v: dimension %d is not a size", dims, i)
		}
		a.shape[i] = int(k)
	}
	switch d := m["descr"].(type) {
	case string:
		a.descr = d
		a.kind, a.size, a.order = parseDescr(d)
	case nil:
		return nil, errors.New(".npy header has no 'descr'")
	default:
		a.descr = fmt.Sprint(d) // a structured dtype: a list of fields
	}
	a.fortran = fortran
	return a, nil
}

// parseDescr splits a simple dtype string such as "<f8", ">i4", "|b1", "<U12" or "|S5" into its
// kind, element size in bytes and byte order. Kind 0 means the dtype is not one this package
// holds.
func parseDescr(s string) (kind byte, size int, order binary.ByteOrder) {
	order = binary.LittleEndian
	if s != "" {
		switch s[0] {
		case '<', '|', '=': // '=' is native order, little-endian on every platform NumPy writes from in practice
			s = s[1:]
		case '>':
			order = binary.BigEndian
			s = s[1:]
		}
	}
	if len(s) < 2 {
		return 0, 0, nil
	}
	kind = s[0]
	size, err := strconv.Atoi(s[1:])
	if err != nil || size < 0 {
		return 0, 0, nil
	}
	ok := false
	switch kind {
	case 'b':
		ok = size == 1
	case 'i', 'u':
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case 'f':
		ok = size == 2 || size == 4 || size == 8
	case 'c':
		ok = size == 8 || size == 16
	case 'U':
		ok = size <= maxUnicodeWidth
		size *= 4
	case 'S', 'a':
		kind, ok = 'S', true
	}
	if !ok {
		return 0, 0, nil
	}
	return kind, size, order
}

// cOrder returns the array with its elements in C (row-major) order, copying them out of
// Fortran (column-major) order where the header said so.
func (a *npyArray) cOrder() *npyArray {
	if !a.fortran {
		return a
	}
	b := *a
	b.fortran = false
	// Axes of length 1 do not change the order; dropping them also keeps a corrupt header with
	// thousands of them from making the index update below slow.
	var shape []int
	for _, d := range a.shape {
		if d != 1 {
			shape = append(shape, d)
		}
	}
	if len(shape) < 2 {
		return &b
	}
	rank := len(shape)
	// stride[k] is the Fortran-order element stride of axis k.
	stride := make([]int, rank)
	stride[0] = 1
	for k := 1; k < rank; k++ {
		stride[k] = stride[k-1] * shape[k-1]
	}
	b.raw = make([]byte, len(a.raw))
	idx := make([]int, rank)
	src := 0
	for dst := 0; dst < len(b.raw); dst += a.size {
		copy(b.raw[dst:dst+a.size], a.raw[src*a.size:(src+1)*a.size])
		// Advance the C-order multi-index, last axis fastest, tracking the Fortran offset.
		for k := rank - 1; k >= 0; k-- {
			idx[k]++
			src += stride[k]
			if idx[k] < shape[k] {
				break
			}
			src -= idx[k] * stride[k]
			idx[k] = 0
		}
	}
	return &b
}

// uintAt returns element i's bits, zero-extended.
func (a *npyArray) uintAt(i int) uint64 {
	p := a.raw[i*a.size:]
	switch a.size {
	case 1:
		return uint64(p[0])
	case 2:
		return uint64(a.order.Uint16(p))
	case 4:
		return uint64(a.order.Uint32(p))
	default:
		return a.order.Uint64(p)
	}
}

// intAt returns element i of a signed integer array, sign-extended.
func (a *npyArray) intAt(i int) int64 {
	u := a.uintAt(i)
	shift := 64 - 8*uint(a.size)
	return int64(u<<shift) >> shift
}

// floatAt returns element i of a real array as a float64.
func (a *npyArray) floatAt(i int) float64 {
	switch a.kind {
	case 'b':
		if a.raw[i] != 0 {
			return 1
		}
		return 0
	case 'i':
		return float64(a.intAt(i))
	case 'u':
		return float64(a.uintAt(i))
	}
	switch a.size {
	case 2:
		return halfToFloat(uint16(a.uintAt(i)))
	case 4:
		return float64(math.Float32frombits(uint32(a.uintAt(i))))
	default:
		return math.Float64frombits(a.uintAt(i))
	}
}

// floats returns the elements of a real array as float64, in C order.
func (a *npyArray) floats() ([]float64, error) {
	if !a.isReal() {
		return nil, fmt.Errorf("has dtype %s, want real numbers", a.descr)
	}
	a = a.cOrder()
	out := make([]float64, a.count())
	switch {
	case a.kind == 'f' && a.size == 8: // the common cases, without floatAt's dispatch
		for i := range out {
			out[i] = math.Float64frombits(a.order.Uint64(a.raw[8*i:]))
		}
	case a.kind == 'f' && a.size == 4:
		for i := range out {
			out[i] = float64(math.Float32frombits(a.order.Uint32(a.raw[4*i:])))
		}
	default:
		for i := range out {
			out[i] = a.floatAt(i)
		}
	}
	return out, nil
}

// halfToFloat converts an IEEE 754 binary16 to float64.
func halfToFloat(h uint16) float64 {
	sign := 1.0
	if h&0x8000 != 0 {
		sign = -1
	}
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	switch exp {
	case 0:
		return sign * math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		return math.Inf(int(sign))
	default:
		return sign * math.Ldexp(1024+frac, exp-25)
	}
}

// strings returns the elements of a text array ('U' or 'S'), in C order, without the trailing
// NULs that pad them to the dtype's width (NumPy strips them too). Bytes that are not UTF-8 are
// read as Latin-1.
func (a *npyArray) strings() ([]string, error) {
	if a.kind != 'U' && a.kind != 'S' {
		return nil, fmt.Errorf("has dtype %s, want text", a.descr)
	}
	a = a.cOrder()
	out := make([]string, a.count())
	var runes []rune
	for i := range out {
		p := a.raw[i*a.size : (i+1)*a.size]
		if a.kind == 'S' {
			p = []byte(strings.TrimRight(string(p), "\x00"))
			if utf8.Valid(p) {
				out[i] = string(p)
				continue
			}
			runes = runes[:0]
			for _, c := range p {
				runes = append(runes, rune(c))
			}
			out[i] = string(runes)
			continue
		}
		runes = runes[:0]
		for j := 0; j < len(p); j += 4 {
			r := rune(a.order.Uint32(p[j:]))
			if r != 0 && !utf8.ValidRune(r) {
				return nil, fmt.Errorf("element %d holds %#x, not a unicode character", i, uint32(r))
			}
			runes = append(runes, r)
		}
		for len(runes) > 0 && runes[len(runes)-1] == 0 {
			runes = runes[:len(runes)-1]
		}
		out[i] = string(runes)
	}
	return out, nil
}

// encodeNPY writes data ([]float64, []int64, []uint64 or []string) as a .npy array of the
// given shape, little-endian, C order; strings become a '<U' array as wide as the longest.
func encodeNPY(w io.Writer, shape []int, data any) error {
	var descr string
	var n, size int
	var put func(buf []byte, i int) []byte
	switch d := data.(type) {
	case []float64:
		descr, n, size = "<f8", len(d), 8
		put = func(buf []byte, i int) []byte { return binary.LittleEndian.AppendUint64(buf, math.Float64bits(d[i])) }
	case []int64:
		descr, n, size = "<i8", len(d), 8
		put = func(buf []byte, i int) []byte { return binary.LittleEndian.AppendUint64(buf, uint64(d[i])) }
	case []uint64:
		descr, n, size = "<u8", len(d), 8
		put = func(buf []byte, i int) []byte { return binary.LittleEndian.AppendUint64(buf, d[i]) }
	case []string:
		width := 1 // NumPy's narrowest unicode dtype; '<U0' arrays confuse some readers
		for i, s := range d {
			if !utf8.ValidString(s) {
				return fmt.Errorf("element %d is not valid UTF-8", i)
			}
			width = max(width, utf8.RuneCountInString(s))
		}
		descr, n, size = fmt.Sprintf("<U%d", width), len(d), 4*width
		put = func(buf []byte, i int) []byte {
			k := 0
			for _, r := range d[i] {
				buf = binary.LittleEndian.AppendUint32(buf, uint32(r))
				k++
			}
			for ; k < width; k++ {
				buf = binary.LittleEndian.AppendUint32(buf, 0)
			}
			return buf
		}
	default:
		return fmt.Errorf("cannot encode %T as .npy", data)
	}
	if c := product(shape); c != n {
		return fmt.Errorf("shape %v holds %d elements, data has %d", shape, c, n)
	}
	if err := writeNPYHeader(w, descr, shape); err != nil {
		return err
	}
	const chunk = 1 << 16
	buf := make([]byte, 0, chunk+size)
	for i := range n {
		buf = put(buf, i)
		if len(buf) >= chunk || i == n-1 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

// writeNPYHeader writes the magic, version and header dict, padded with spaces so that the
// data starts on a 64-byte boundary as NumPy does; version 2.0 only when the header needs it.
func writeNPYHeader(w io.Writer, descr string, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	pre := 10
	if len(dict)+1+64 > math.MaxUint16 {
		pre = 12
	}
	dict += strings.Repeat(" ", (64-(pre+len(dict)+1)%64)%64) + "\n"
	b := []byte(npyMagic)
	if pre == 10 {
		b = append(b, 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = append(b, 2, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	b = append(b, dict...)
	_, err := w.Write(b)
	return err
}

// product returns the number of elements of an array of the given shape, or -1 if a dimension
// is negative or the count overflows an int.
func product(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 || (d > 0 && n > math.MaxInt/d) {
			return -1
		}
		n *= d
	}
	return n
}
