package formats

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/sbinet/npyio/npy"
)

// npyInflateRatio bounds what a deflated .npz member may inflate to per compressed byte, as in
// the MAT reader: deflate cannot expand more than about 1032:1.
const npyInflateRatio = 1100

// ReadNPY reads a NumPy .npy file into a root node of Class "npy" with one child named after
// the file (without the extension).
func ReadNPY(path string) (*Node, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(baseName(path), ".npy")
	v, err := decodeNPY(f, st.Size(), name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Node{Name: path, Class: "npy", Children: []*Node{v}}, nil
}

// ReadNPZ reads every array of a NumPy .npz archive into a root node of Class "npz", one child
// per member, named without ".npy", in archive order.
func ReadNPZ(path string) (*Node, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return decodeNPZ(f, st.Size(), path)
}

func decodeNPZ(r io.ReaderAt, size int64, path string) (*Node, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	root := &Node{Name: path, Class: "npz"}
	for _, m := range z.File {
		name := strings.TrimSuffix(m.Name, ".npy")
		v, err := decodeMember(m, name)
		if err != nil {
			return nil, fmt.Errorf("%s: member %q: %w", path, m.Name, err)
		}
		root.Children = append(root.Children, v)
	}
	return root, nil
}

func decodeMember(m *zip.File, name string) (*Node, error) {
	declared := m.UncompressedSize64
	if m.Method != zip.Store && declared > m.CompressedSize64*npyInflateRatio+1024 {
		return nil, fmt.Errorf("declares %d bytes from %d compressed, more than deflate can produce", declared, m.CompressedSize64)
	}
	if declared > math.MaxInt64 {
		return nil, fmt.Errorf("declares %d bytes", declared)
	}
	rc, err := m.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// ReadAll grows as data arrives, so a member shorter than declared costs what it holds.
	b, err := io.ReadAll(io.LimitReader(rc, int64(declared)))
	if err != nil {
		return nil, err
	}
	return decodeNPY(bytes.NewReader(b), int64(len(b)), name)
}

// countingReader counts the bytes read through it, to learn the length of an .npy header.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decodeNPY reads one .npy array of size bytes from r. The header is parsed by npyio; the data
// is decoded here, after checking that the bytes left hold the declared shape, so that a forged
// shape cannot cause a huge allocation.
func decodeNPY(r io.Reader, size int64, name string) (n *Node, err error) {
	defer func() {
		if p := recover(); p != nil {
			n, err = nil, fmt.Errorf("malformed .npy header (npyio: %v)", p)
		}
	}()
	cr := &countingReader{r: r}
	nr, err := npy.NewReader(cr)
	if err != nil {
		return nil, err
	}
	h := nr.Header.Descr
	kind, order, width, err := parseDescr(h.Type)
	if err != nil {
		return nil, err
	}
	numel := 1
	for _, d := range h.Shape {
		if d < 0 {
			return nil, fmt.Errorf("negative dimension in shape %v", h.Shape)
		}
		if d > 0 && numel > (1<<48)/d {
			return nil, fmt.Errorf("shape %v is too large", h.Shape)
		}
		numel *= d
	}
	left := size - cr.n
	if width > 0 && int64(numel) > left/int64(width) {
		return nil, fmt.Errorf("shape %v of %d-byte %q values needs %d bytes, %d left", h.Shape, width, h.Type, int64(numel)*int64(width), left)
	}
	raw := make([]byte, numel*width)
	if _, err := io.ReadFull(cr, raw); err != nil {
		return nil, fmt.Errorf("reading %d data bytes: %w", len(raw), err)
	}
	n = &Node{Name: name, Shape: append([]int{}, h.Shape...)}
	switch kind {
	case 'U', 'S':
		s := make([]string, numel)
		for i := range s {
			s[i] = decodeText(raw[i*width:(i+1)*width], kind, order)
		}
		n.Class = "string"
		if h.Fortran {
			s = FromColumnMajor(s, h.Shape)
		}
		n.Data = s
	default:
		v := make([]float64, numel)
		for i := range v {
			v[i] = decodeNumber(raw[i*width:], kind, order, width)
		}
		n.Class = npyClass(kind, width)
		if h.Fortran {
			v = FromColumnMajor(v, h.Shape)
		}
		n.Data = v
	}
	return n, nil
}

// parseDescr splits a NumPy type string such as "<f8" into kind, byte order and width.
func parseDescr(t string) (kind byte, order binary.ByteOrder, width int, err error) {
	if len(t) < 3 {
		return 0, nil, 0, fmt.Errorf("unsupported dtype %q", t)
	}
	order = binary.LittleEndian
	if t[0] == '>' {
		order = binary.BigEndian
	}
	kind = t[1]
	width, err = strconv.Atoi(t[2:])
	if err != nil || width <= 0 || width > 1<<20 {
		return 0, nil, 0, fmt.Errorf("unsupported dtype %q", t)
	}
	ok := false
	switch kind {
	case 'f':
		ok = width == 4 || width == 8
	case 'i', 'u':
		ok = width == 1 || width == 2 || width == 4 || width == 8
	case 'b':
		ok = width == 1
	case 'S':
		ok = true
	case 'U':
		ok = true
		width *= 4
	}
	if !ok {
		return 0, nil, 0, fmt.Errorf("unsupported dtype %q (numbers, booleans and strings are read; objects and structured types are not)", t)
	}
	return kind, order, width, nil
}

func npyClass(kind byte, width int) string {
	switch kind {
	case 'f':
		if width == 4 {
			return "single"
		}
		return "double"
	case 'b':
		return "logical"
	case 'i':
		return "int" + strconv.Itoa(8*width)
	}
	return "uint" + strconv.Itoa(8*width)
}

func decodeNumber(b []byte, kind byte, o binary.ByteOrder, width int) float64 {
	switch {
	case kind == 'f' && width == 4:
		return float64(math.Float32frombits(o.Uint32(b)))
	case kind == 'f':
		return math.Float64frombits(o.Uint64(b))
	case width == 1 && kind == 'i':
		return float64(int8(b[0]))
	case width == 1:
		return float64(b[0])
	case width == 2 && kind == 'i':
		return float64(int16(o.Uint16(b)))
	case width == 2:
		return float64(o.Uint16(b))
	case width == 4 && kind == 'i':
		return float64(int32(o.Uint32(b)))
	case width == 4:
		return float64(o.Uint32(b))
	case kind == 'i':
		return float64(int64(o.Uint64(b)))
	}
	return float64(o.Uint64(b))
}

// decodeText decodes a NumPy fixed-width string: 'S' bytes or 'U' UTF-32, NUL-padded.
func decodeText(b []byte, kind byte, o binary.ByteOrder) string {
	if kind == 'S' {
		return string(bytes.TrimRight(b, "\x00"))
	}
	r := make([]rune, 0, len(b)/4)
	for i := 0; i+4 <= len(b); i += 4 {
		c := rune(o.Uint32(b[i:]))
		if c == 0 {
			break
		}
		if !utf8.ValidRune(c) {
			c = utf8.RuneError
		}
		r = append(r, c)
	}
	return string(r)
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
