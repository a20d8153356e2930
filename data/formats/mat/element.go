package mat

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/jedi-neuro/jedi/data/formats"
)

// Data element types of the level 5 format (MATLAB "MAT-File Format", table 1-1).
const (
	miINT8       = 1
	miUINT8      = 2
	miINT16      = 3
	miUINT16     = 4
	miINT32      = 5
	miUINT32     = 6
	miSINGLE     = 7
	miDOUBLE     = 9
	miINT64      = 12
	miUINT64     = 13
	miMATRIX     = 14
	miCOMPRESSED = 15
	miUTF8       = 16
	miUTF16      = 17
	miUTF32      = 18
)

var typeNames = map[uint32]string{
	miINT8: "miINT8", miUINT8: "miUINT8", miINT16: "miINT16", miUINT16: "miUINT16",
	miINT32: "miINT32", miUINT32: "miUINT32", miSINGLE: "miSINGLE", miDOUBLE: "miDOUBLE",
	miINT64: "miINT64", miUINT64: "miUINT64", miMATRIX: "miMATRIX", miCOMPRESSED: "miCOMPRESSED",
	miUTF8: "miUTF8", miUTF16: "miUTF16", miUTF32: "miUTF32",
}

func typeName(t uint32) string {
	if s, ok := typeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("unknown type %d", t)
}

// typeSize is the byte width of a numeric element type, 0 for others.
func typeSize(t uint32) int {
	switch t {
	case miINT8, miUINT8, miUTF8:
		return 1
	case miINT16, miUINT16, miUTF16:
		return 2
	case miINT32, miUINT32, miSINGLE, miUTF32:
		return 4
	case miDOUBLE, miINT64, miUINT64:
		return 8
	}
	return 0
}

// inflateRatio bounds the output of a deflate stream per input byte: deflate cannot expand
// more than about 1032:1, so a compressed element that declares more is forged or corrupt and
// is refused before anything is allocated for it.
const inflateRatio = 1100

// maxDepth bounds the nesting of cells and structs, so that a forged file cannot recurse
// without end.
const maxDepth = 256

// decoder holds what error messages need: the file, its byte order and the current variable.
type decoder struct {
	file     string
	order    binary.ByteOrder
	variable string
}

// span is a byte range of the file, or of a decompressed element, that elements are read from.
type span struct {
	b []byte
	// comp is the file offset of the miCOMPRESSED element b was inflated from, or -1 when b is
	// the file itself.
	comp int
}

// errf formats an error naming the file, the variable and the byte offset pos of s.
func (d *decoder) errf(s span, pos int, format string, args ...any) error {
	where := fmt.Sprintf("offset %d", pos)
	if s.comp >= 0 {
		where = fmt.Sprintf("offset %d of the compressed element at file offset %d", pos, s.comp)
	}
	v := ""
	if d.variable != "" {
		v = fmt.Sprintf(" variable %q:", d.variable)
	}
	return fmt.Errorf("%s:%s %s: %s", d.file, v, where, fmt.Sprintf(format, args...))
}

// tag is a parsed data element tag: the payload is s.b[start:start+n], the next element
// starts at next.
type tag struct {
	typ           uint32
	pos, start, n int
	next          int
	small         bool
}

// tag reads the element tag at pos of s, checking that its payload lies within s.
func (d *decoder) tag(s span, pos int) (tag, error) {
	if pos < 0 || len(s.b)-pos < 8 {
		return tag{}, d.errf(s, pos, "truncated element tag (%d bytes left, need 8)", len(s.b)-pos)
	}
	w := d.order.Uint32(s.b[pos:])
	if w>>16 != 0 {
		// Small data element: type and size packed in the first word, payload in the second.
		n := int(w >> 16)
		if n > 4 {
			return tag{}, d.errf(s, pos, "small element declares %d bytes, at most 4 fit", n)
		}
		return tag{typ: w & 0xffff, pos: pos, start: pos + 4, n: n, next: pos + 8, small: true}, nil
	}
	n := int64(d.order.Uint32(s.b[pos+4:]))
	left := int64(len(s.b) - pos - 8)
	if n > left {
		return tag{}, d.errf(s, pos, "%s element declares %d bytes, only %d left", typeName(w), n, left)
	}
	t := tag{typ: w, pos: pos, start: pos + 8, n: int(n)}
	t.next = t.start + t.n
	if w != miCOMPRESSED {
		// Elements are padded to 8 bytes; compressed ones are not.
		t.next = min(t.start+(t.n+7)&^7, len(s.b))
	}
	return t, nil
}

func (t tag) payload(s span) []byte { return s.b[t.start : t.start+t.n] }

// compressed inflates the miCOMPRESSED element t and decodes the miMATRIX inside it.
func (d *decoder) compressed(s span, t tag) (*formats.Node, error) {
	zr, err := zlib.NewReader(bytes.NewReader(t.payload(s)))
	if err != nil {
		return nil, d.errf(s, t.pos, "compressed element: %v", err)
	}
	defer zr.Close()
	var head [8]byte
	if _, err := io.ReadFull(zr, head[:]); err != nil {
		return nil, d.errf(s, t.pos, "compressed element: inflating its tag: %v", err)
	}
	typ := d.order.Uint32(head[:])
	if typ != miMATRIX {
		return nil, d.errf(s, t.pos, "compressed element holds %s, want miMATRIX", typeName(typ))
	}
	declared := int64(d.order.Uint32(head[4:]))
	if declared > int64(t.n)*inflateRatio+1024 {
		return nil, d.errf(s, t.pos, "compressed element of %d bytes declares %d bytes inflated, more than deflate can produce", t.n, declared)
	}
	// ReadAll grows its buffer as data arrives, so a stream shorter than declared costs only
	// what it holds.
	body, err := io.ReadAll(io.LimitReader(zr, declared))
	if err != nil {
		return nil, d.errf(s, t.pos, "compressed element: inflating: %v", err)
	}
	if int64(len(body)) != declared {
		return nil, d.errf(s, t.pos, "compressed element inflates to %d bytes, its tag declares %d", len(body), declared)
	}
	inner := span{b: append(head[:], body...), comp: t.pos}
	it, err := d.tag(inner, 0)
	if err != nil {
		return nil, err
	}
	return d.matrix(inner, it, 0)
}
