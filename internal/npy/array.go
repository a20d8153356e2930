package npy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxUnicodeWidth bounds the characters of a '<U' dtype, so that its byte width cannot overflow.
const maxUnicodeWidth = 1 << 24

// Kind is the family of an array's elements, NumPy's dtype.kind.
type Kind byte

// The kinds Decode recognises. Widths other than those listed make a dtype Unsupported.
const (
	// Unsupported marks a dtype this package does not hold (object, structured, datetime,
	// void, odd widths): Decode accepts the array but reads none of its elements, and every
	// conversion fails.
	Unsupported Kind = 0
	Bool        Kind = 'b' // b1, read as 0 and 1
	Int         Kind = 'i' // i1, i2, i4, i8
	Uint        Kind = 'u' // u1, u2, u4, u8
	Float       Kind = 'f' // f2 (IEEE 754 binary16), f4, f8
	Complex     Kind = 'c' // c8, c16: recognised, but no conversion reads them
	Unicode     Kind = 'U' // UTF-32 text, 4 bytes a character, NUL-padded
	ByteString  Kind = 'S' // bytes ('S', or 'a' in old files), NUL-padded
)

// Array is one decoded .npy array. Its elements stay in the file's bytes until a conversion
// (Floats, Ints, Uints, Bytes, Strings) reads them, always in C (row-major) order: element
// (i0, …, ik) is at ((i0·Shape[1] + i1)·Shape[2] + …)·Shape[k] + ik whatever the file's order.
type Array struct {
	Descr    string // the dtype as written, e.g. "<f8", ">U12", or a structured dtype's fields
	Kind     Kind
	ItemSize int   // bytes per element; 0 when Kind is Unsupported
	Shape    []int // empty, not nil, for a 0-d array
	Fortran  bool  // whether the file holds the elements in Fortran (column-major) order
	order    binary.ByteOrder
	raw      []byte // Len()×ItemSize bytes, in the file's order; nil when Kind is Unsupported
}

// Len returns the number of elements, Size(Shape): 1 for a 0-d array; -1 for an Unsupported
// array whose shape overflows an int (Decode checks the shapes of the arrays it reads against
// their bytes).
func (a *Array) Len() int { return Size(a.Shape) }

// IsReal reports whether the elements are real numbers (booleans count as 0 and 1).
func (a *Array) IsReal() bool {
	return a.Kind == Bool || a.Kind == Int || a.Kind == Uint || a.Kind == Float
}

// Decode parses a complete .npy file held in b (numpy.lib.format): the magic "\x93NUMPY", a
// major and a minor version byte, the header length (uint16 little-endian in version 1,
// uint32 in versions 2 and 3), the header — a Python dict literal {'descr': dtype,
// 'fortran_order': bool, 'shape': tuple} — then the Len()×ItemSize element bytes. Every size
// the header declares is checked against len(b) before it is used, so a corrupt or forged file
// is an error, never a panic or an allocation beyond b. The array shares memory with b.
func Decode(b []byte) (*Array, error) {
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
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
	a, err := parseHeader(string(b[off : off+hlen]))
	if err != nil {
		return nil, err
	}
	if a.Kind == Unsupported {
		return a, nil
	}
	body := b[off+hlen:]
	// The elements must fit in the bytes after the header: Size is -1 where the product
	// overflows, and dividing rather than multiplying keeps the comparison exact.
	if n := Size(a.Shape); n < 0 || n > 0 && (a.ItemSize == 0 || n > len(body)/a.ItemSize) {
		return nil, fmt.Errorf("shape %v of %s needs more than the %d data bytes present (truncated?)", a.Shape, a.Descr, len(body))
	}
	a.raw = body[:a.Len()*a.ItemSize]
	return a, nil
}

// parseHeader reads dtype, order and shape from the header dict; the elements come later.
func parseHeader(h string) (*Array, error) {
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
	a := &Array{Shape: make([]int, len(dims)), Fortran: fortran}
	for i, d := range dims {
		k, ok := d.(int64)
		if !ok || k < 0 || k > math.MaxInt32 {
			return nil, fmt.Errorf(".npy header shape %v: dimension %d is not a size", dims, i)
		}
		a.Shape[i] = int(k)
	}
	switch d := m["descr"].(type) {
	case string:
		a.Descr = d
		a.Kind, a.ItemSize, a.order = parseDescr(d)
	case nil:
		return nil, errors.New(".npy header has no 'descr'")
	default:
		a.Descr = fmt.Sprint(d) // a structured dtype: a list of fields
	}
	return a, nil
}

// parseDescr splits a simple dtype string such as "<f8", ">i4", "|b1", "<U12" or "|S5" into its
// kind, element size in bytes and byte order.
func parseDescr(s string) (kind Kind, size int, order binary.ByteOrder) {
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
		return Unsupported, 0, nil
	}
	kind = Kind(s[0])
	size, err := strconv.Atoi(s[1:])
	if err != nil || size < 0 {
		return Unsupported, 0, nil
	}
	ok := false
	switch kind {
	case Bool:
		ok = size == 1
	case Int, Uint:
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case Float:
		ok = size == 2 || size == 4 || size == 8
	case Complex:
		ok = size == 8 || size == 16
	case Unicode:
		ok = size <= maxUnicodeWidth
		size *= 4
	case ByteString, 'a':
		kind, ok = ByteString, true
	}
	if !ok {
		return Unsupported, 0, nil
	}
	return kind, size, order
}

// cOrder returns the array with its elements in C (row-major) order, copying them out of
// Fortran (column-major) order where the header said so.
func (a *Array) cOrder() *Array {
	if !a.Fortran {
		return a
	}
	b := *a
	b.Fortran = false
	// Axes of length 1 do not change the order; dropping them also keeps a corrupt header with
	// thousands of them from making the recursion below deep. What remains has at most
	// log2(Len()) axes.
	var shape []int
	for _, d := range a.Shape {
		if d != 1 {
			shape = append(shape, d)
		}
	}
	if len(shape) > 1 && !slices.Contains(shape, 0) {
		b.raw = fromFortran(make([]byte, 0, len(a.raw)), a.raw, shape, a.ItemSize, 1)
	}
	return &b
}

// fromFortran appends to dst the elements of src, size bytes each, held in Fortran order over
// shape (at least one axis), in C order. Element (i0, …, ik) of a Fortran array is at i0 + d0·(i1 + d1·(… + ik)):
// C order runs through axis 0 slowest, each of its steps moving stride (1 at the top) elements
// in src, and within each step through the remaining axes, whose strides are stride·d0 times
// theirs.
func fromFortran(dst, src []byte, shape []int, size, stride int) []byte {
	for i := range shape[0] {
		if p := src[i*stride*size:]; len(shape) == 1 {
			dst = append(dst, p[:size]...)
		} else {
			dst = fromFortran(dst, p, shape[1:], size, stride*shape[0])
		}
	}
	return dst
}

// elements returns at(c, i) for every element i of c, the array in C order, after checking
// that the array holds what the conversion reads (ok; want names it in the error). An error
// from at is prefixed with the element's index.
func elements[T any](a *Array, ok bool, want string, at func(c *Array, i int) (T, error)) ([]T, error) {
	if !ok {
		return nil, fmt.Errorf("has dtype %s, want %s", a.Descr, want)
	}
	c := a.cOrder()
	out := make([]T, c.Len())
	for i := range out {
		v, err := at(c, i)
		if err != nil {
			return nil, fmt.Errorf("element %d %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// uintAt returns element i's bits, zero-extended.
func (a *Array) uintAt(i int) uint64 {
	p := a.raw[i*a.ItemSize:]
	switch a.ItemSize {
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
func (a *Array) intAt(i int) int64 {
	shift := 64 - 8*uint(a.ItemSize)
	return int64(a.uintAt(i)<<shift) >> shift
}

// floatAt returns element i of a real array as a float64.
func (a *Array) floatAt(i int) (float64, error) {
	switch {
	case a.Kind == Int:
		return float64(a.intAt(i)), nil
	case a.Kind != Float: // Bool, Uint
		return float64(a.uintAt(i)), nil
	case a.ItemSize == 2:
		return halfToFloat(uint16(a.uintAt(i))), nil
	case a.ItemSize == 4:
		return float64(math.Float32frombits(uint32(a.uintAt(i)))), nil
	}
	return math.Float64frombits(a.uintAt(i)), nil
}

// halfToFloat converts an IEEE 754 binary16 to float64: (−1)^sign · 2^(exp−15) · 1.frac, or
// 2^−14 · 0.frac for exp = 0 (subnormals), ±Inf and NaN for exp = 31.
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

// Floats returns the elements of a real array (bool, integer or float of any width) as
// float64, in C order; integers beyond 2^53 round to the nearest float64.
func (a *Array) Floats() ([]float64, error) {
	if a.Kind == Float && a.ItemSize == 8 {
		// The common case, without floatAt's dispatch per element: twice as fast.
		c := a.cOrder()
		out := make([]float64, c.Len())
		for i := range out {
			out[i] = math.Float64frombits(c.order.Uint64(c.raw[8*i:]))
		}
		return out, nil
	}
	return elements(a, a.IsReal(), "real numbers", (*Array).floatAt)
}

// Ints returns the elements of a bool or integer array as int64, exactly, in C order; an
// unsigned element above math.MaxInt64 is an error naming its index (see Uints).
func (a *Array) Ints() ([]int64, error) {
	return elements(a, a.Kind == Bool || a.Kind == Int || a.Kind == Uint, "integers", func(c *Array, i int) (int64, error) {
		switch u := c.uintAt(i); {
		case c.Kind == Int:
			return c.intAt(i), nil
		case u > math.MaxInt64:
			return 0, fmt.Errorf("= %d overflows int64", u)
		default:
			return int64(u), nil
		}
	})
}

// Uints returns the elements of a bool or unsigned integer array as uint64, exactly, in C
// order.
func (a *Array) Uints() ([]uint64, error) {
	return elements(a, a.Kind == Bool || a.Kind == Uint, "unsigned integers", func(c *Array, i int) (uint64, error) {
		return c.uintAt(i), nil
	})
}

// Bytes returns the elements of a uint8 ('|u1') array, in C order: the inverse of Encode on a
// []byte.
func (a *Array) Bytes() ([]byte, error) {
	return elements(a, a.Kind == Uint && a.ItemSize == 1, "uint8", func(c *Array, i int) (byte, error) {
		return c.raw[i], nil
	})
}

// Strings returns the elements of a text array (Unicode or ByteString), in C order, without
// the trailing NULs that pad them to the dtype's width (NumPy strips them too). ByteString
// elements that are not UTF-8 are read as Latin-1; a Unicode element holding a value that is
// not a character (a surrogate, or beyond U+10FFFF) is an error naming its index.
func (a *Array) Strings() ([]string, error) {
	var runes []rune
	return elements(a, a.Kind == Unicode || a.Kind == ByteString, "text", func(c *Array, i int) (string, error) {
		p := c.raw[i*c.ItemSize : (i+1)*c.ItemSize]
		runes = runes[:0]
		if c.Kind == ByteString {
			p = []byte(strings.TrimRight(string(p), "\x00"))
			if utf8.Valid(p) {
				return string(p), nil
			}
			for _, b := range p {
				runes = append(runes, rune(b))
			}
			return string(runes), nil
		}
		for j := 0; j < len(p); j += 4 {
			r := rune(c.order.Uint32(p[j:]))
			if r != 0 && !utf8.ValidRune(r) {
				return "", fmt.Errorf("holds %#x, not a unicode character", uint32(r))
			}
			runes = append(runes, r)
		}
		for len(runes) > 0 && runes[len(runes)-1] == 0 {
			runes = runes[:len(runes)-1]
		}
		return string(runes), nil
	})
}
