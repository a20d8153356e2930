package npy

import (
	"archive/zip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the family of an array's element type.
type Kind int

const (
	Float  Kind = iota // f4, f8 (values in Floats)
	Int                // signed and unsigned integers, booleans (values in Ints and Floats)
	String             // <U (UTF-32) and |S (bytes) strings (values in Strings)
)

// Array is a decoded .npy array: its shape in C order and its values, converted.
type Array struct {
	Descr string // the dtype as written, e.g. "<f4", "<U7"
	Shape []int
	Kind  Kind
	// Floats holds every numeric array's values as float64 (integers included).
	Floats []float64
	// Ints holds integer and boolean arrays' values exactly.
	Ints []int64
	// Strings holds string arrays' values, trailing NULs removed.
	Strings []string
}

// Len is the number of elements.
func (a *Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// maxHeader bounds the header of an array: NumPy writes a few hundred bytes.
const maxHeader = 1 << 16

// Decode reads one .npy array from r, which holds at most size bytes (the array's bytes, used
// to reject headers that promise more data than there is before allocating anything).
// Fortran-ordered arrays are transposed into C order.
func Decode(r io.Reader, size int64) (*Array, error) {
	var magic [8]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, fmt.Errorf("npy: truncated magic: %w", err)
	}
	if string(magic[:6]) != "\x93NUMPY" {
		return nil, errors.New("npy: not a .npy array (bad magic)")
	}
	var hlen int
	switch magic[6] {
	case 1:
		var n uint16
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("npy: truncated header length: %w", err)
		}
		hlen = int(n)
	case 2, 3:
		var n uint32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return nil, fmt.Errorf("npy: truncated header length: %w", err)
		}
		hlen = int(n)
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d.%d", magic[6], magic[7])
	}
	if hlen > maxHeader {
		return nil, fmt.Errorf("npy: header of %d bytes is implausibly long", hlen)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, fmt.Errorf("npy: truncated header: %w", err)
	}
	descr, fortran, shape, err := parseHeader(string(hb))
	if err != nil {
		return nil, err
	}
	a := &Array{Descr: descr, Shape: shape}
	n := 1
	for _, d := range shape {
		if d < 0 || (d > 0 && n > math.MaxInt32/d) {
			return nil, fmt.Errorf("npy: shape %v is too large", shape)
		}
		n *= d
	}
	order, kind, width, err := parseDescr(descr)
	if err != nil {
		return nil, err
	}
	a.Kind = kind
	remaining := size - int64(8+2+hlen)
	if magic[6] != 1 {
		remaining -= 2
	}
	if need := int64(n) * int64(width); size >= 0 && need > remaining {
		return nil, fmt.Errorf("npy: shape %v of %s needs %d bytes, the file has %d", shape, descr, need, remaining)
	}
	raw := make([]byte, n*width)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("npy: truncated data (%d values of %s expected): %w", n, descr, err)
	}
	if err := a.convert(raw, n, order, width); err != nil {
		return nil, err
	}
	if fortran && len(shape) > 1 {
		a.toCOrder()
	}
	return a, nil
}

// parseHeader reads the Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)}.
func parseHeader(h string) (descr string, fortran bool, shape []int, err error) {
	h = strings.TrimSpace(h)
	field := func(key string) (string, bool) {
		i := strings.Index(h, "'"+key+"'")
		if i < 0 {
			return "", false
		}
		rest := strings.TrimSpace(h[i+len(key)+2:])
		if !strings.HasPrefix(rest, ":") {
			return "", false
		}
		return strings.TrimSpace(rest[1:]), true
	}
	d, ok := field("descr")
	if !ok || len(d) < 2 || (d[0] != '\'' && d[0] != '"') {
		return "", false, nil, fmt.Errorf("npy: header has no simple 'descr' (structured arrays are not supported): %q", h)
	}
	end := strings.IndexByte(d[1:], d[0])
	if end < 0 {
		return "", false, nil, fmt.Errorf("npy: malformed descr in header %q", h)
	}
	descr = d[1 : 1+end]
	f, ok := field("fortran_order")
	if !ok {
		return "", false, nil, fmt.Errorf("npy: header has no 'fortran_order': %q", h)
	}
	fortran = strings.HasPrefix(f, "True")
	s, ok := field("shape")
	if !ok || !strings.HasPrefix(s, "(") {
		return "", false, nil, fmt.Errorf("npy: header has no 'shape': %q", h)
	}
	close := strings.IndexByte(s, ')')
	if close < 0 {
		return "", false, nil, fmt.Errorf("npy: malformed shape in header %q", h)
	}
	shape = []int{}
	for _, tok := range strings.Split(s[1:close], ",") {
		tok = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(tok), "L"))
		if tok == "" {
			continue
		}
		v, err := strconv.Atoi(tok)
		if err != nil || v < 0 {
			return "", false, nil, fmt.Errorf("npy: bad dimension %q in shape", tok)
		}
		shape = append(shape, v)
	}
	return descr, fortran, shape, nil
}

// parseDescr returns the byte order, kind and element width of a simple dtype.
func parseDescr(d string) (binary.ByteOrder, Kind, int, error) {
	if len(d) < 2 {
		return nil, 0, 0, fmt.Errorf("npy: unsupported dtype %q", d)
	}
	var order binary.ByteOrder = binary.LittleEndian
	switch d[0] {
	case '<', '|', '=':
	case '>':
		order = binary.BigEndian
	default:
		d = "|" + d
	}
	code, rest := d[1], d[2:]
	width, err := strconv.Atoi(rest)
	if rest == "" {
		width, err = 1, nil
	}
	if err != nil || width < 1 || width > 1<<20 {
		return nil, 0, 0, fmt.Errorf("npy: unsupported dtype %q", d)
	}
	switch code {
	case 'f':
		if width == 4 || width == 8 {
			return order, Float, width, nil
		}
	case 'i', 'u':
		if width == 1 || width == 2 || width == 4 || width == 8 {
			return order, Int, width, nil
		}
	case 'b':
		if width == 1 {
			return order, Int, 1, nil
		}
	case 'U':
		return order, String, 4 * width, nil
	case 'S':
		return order, String, width, nil
	}
	return nil, 0, 0, fmt.Errorf("npy: unsupported dtype %q (want floats, integers, booleans or strings)", d)
}

func (a *Array) convert(raw []byte, n int, order binary.ByteOrder, width int) error {
	code := a.Descr[len(a.Descr)-len(strings.TrimLeft(a.Descr, "<>|="))]
	switch a.Kind {
	case Float:
		a.Floats = make([]float64, n)
		for i := range n {
			b := raw[i*width:]
			if width == 4 {
				a.Floats[i] = float64(math.Float32frombits(order.Uint32(b)))
			} else {
				a.Floats[i] = math.Float64frombits(order.Uint64(b))
			}
		}
	case Int:
		a.Ints = make([]int64, n)
		a.Floats = make([]float64, n)
		for i := range n {
			b := raw[i*width:]
			var v int64
			switch {
			case width == 1 && code == 'i':
				v = int64(int8(b[0]))
			case width == 1:
				v = int64(b[0])
			case width == 2 && code == 'i':
				v = int64(int16(order.Uint16(b)))
			case width == 2:
				v = int64(order.Uint16(b))
			case width == 4 && code == 'i':
				v = int64(int32(order.Uint32(b)))
			case width == 4:
				v = int64(order.Uint32(b))
			case code == 'u' && order.Uint64(b) > math.MaxInt64:
				return fmt.Errorf("npy: value %d at index %d overflows int64", order.Uint64(b), i)
			default:
				v = int64(order.Uint64(b))
			}
			a.Ints[i], a.Floats[i] = v, float64(v)
		}
	case String:
		a.Strings = make([]string, n)
		for i := range n {
			b := raw[i*width : (i+1)*width]
			if code == 'S' {
				a.Strings[i] = strings.TrimRight(string(b), "\x00")
				continue
			}
			var sb strings.Builder
			for k := 0; k+4 <= len(b); k += 4 {
				r := rune(order.Uint32(b[k:]))
				if r == 0 {
					break
				}
				if !utf8.ValidRune(r) {
					return fmt.Errorf("npy: invalid code point %#x in string %d", r, i)
				}
				sb.WriteRune(r)
			}
			a.Strings[i] = sb.String()
		}
	}
	return nil
}

// toCOrder transposes a Fortran-ordered array's values into C order.
func (a *Array) toCOrder() {
	n := a.Len()
	shape := a.Shape
	// Index i in C order maps to Fortran offset Σ_k idx_k · Π_{j<k} shape_j.
	perm := make([]int, n)
	idx := make([]int, len(shape))
	for i := range n {
		off, stride := 0, 1
		for k := range shape {
			off += idx[k] * stride
			stride *= shape[k]
		}
		perm[i] = off
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	if a.Floats != nil {
		src := a.Floats
		a.Floats = make([]float64, n)
		for i, o := range perm {
			a.Floats[i] = src[o]
		}
	}
	if a.Ints != nil {
		src := a.Ints
		a.Ints = make([]int64, n)
		for i, o := range perm {
			a.Ints[i] = src[o]
		}
	}
	if a.Strings != nil {
		src := a.Strings
		a.Strings = make([]string, n)
		for i, o := range perm {
			a.Strings[i] = src[o]
		}
	}
}

// ReadArchive decodes every array of an .npz archive (names without the .npy suffix), in
// archive order. maxBytes bounds the total uncompressed size read, against zip bombs.
func ReadArchive(ra io.ReaderAt, size int64, maxBytes int64) ([]string, map[string]*Array, error) {
	z, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, nil, fmt.Errorf("not an .npz (zip) archive: %w", err)
	}
	var names []string
	out := map[string]*Array{}
	var total int64
	for _, f := range z.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		declared := int64(f.UncompressedSize64)
		if f.UncompressedSize64 > math.MaxInt64/2 || total+declared > maxBytes {
			return nil, nil, fmt.Errorf("array %q: %d bytes uncompressed exceeds the limit of %d", name, f.UncompressedSize64, maxBytes)
		}
		total += declared
		rc, err := f.Open()
		if err != nil {
			return nil, nil, fmt.Errorf("array %q: %w", name, err)
		}
		a, err := Decode(io.LimitReader(rc, declared), declared)
		rc.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("array %q: %w", name, err)
		}
		names = append(names, name)
		out[name] = a
	}
	return names, out, nil
}
