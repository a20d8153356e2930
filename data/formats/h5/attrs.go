package h5

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/scigolib/hdf5"

	"github.com/jedi-neuro/jedi/data/formats"
)

// rawAttr is what this package takes from a scigolib attribute, whose type lives in an
// internal package and so cannot be named here.
type rawAttr struct {
	name   string
	t      dtype
	dims   []int // nil for a scalar
	data   []byte
	read   func() (any, error)
	broken bool // no datatype or dataspace
}

// attrs returns the attributes of the group g, or of the dataset d when it is not nil.
// scigolib's attribute type lives in an internal package and cannot be named here, so the two
// sources are chosen inside rather than passed in as one function.
func (f *File) attrs(g *hdf5.Group, d *hdf5.Dataset) ([]*formats.Node, error) {
	var raws []rawAttr
	_, err := guard(func() (struct{}, error) {
		list := g.Attributes
		if d != nil {
			list = d.Attributes
		}
		attrs, err := list()
		for _, a := range attrs {
			raws = append(raws, collect(a.Name, a.Datatype == nil || a.Dataspace == nil, func() (int, int, uint32, []uint64, uint8) {
				return int(a.Datatype.Class), int(a.Datatype.Size), a.Datatype.ClassBitField, a.Dataspace.Dimensions, uint8(a.Dataspace.Type)
			}, a.Data, a.ReadValue))
		}
		return struct{}{}, err
	})
	if err != nil {
		return nil, err
	}
	return attrNodes(raws), nil
}

// collect copies the fields of one scigolib attribute; fields is only called when the
// attribute has a datatype and a dataspace.
func collect(name string, broken bool, fields func() (int, int, uint32, []uint64, uint8), data []byte, read func() (any, error)) rawAttr {
	r := rawAttr{name: name, data: data, read: read, broken: broken}
	if broken {
		return r
	}
	class, size, bits, dims, space := fields()
	r.t = dtype{class: class, size: size, bits: bits}
	r.t.bigEndian = bits&1 != 0 && (class == classFixed || class == classFloat)
	r.t.signed = bits&8 != 0 && class == classFixed
	if space != 0 { // not scalar
		r.dims = make([]int, len(dims))
		for i, v := range dims {
			r.dims[i] = int(min(v, 1<<48))
		}
	}
	return r
}

func attrNodes(raws []rawAttr) []*formats.Node {
	out := make([]*formats.Node, 0, len(raws))
	for _, r := range raws {
		out = append(out, attrNode(r))
	}
	return out
}

// attrNode converts one attribute; values this package cannot decode leave Data nil, since an
// odd attribute should not make a whole file unreadable.
func attrNode(r rawAttr) *formats.Node {
	n := &formats.Node{Name: r.name, Class: r.t.name(), Shape: r.dims}
	if r.broken {
		n.Class = "unknown"
		return n
	}
	if n.Shape == nil {
		n.Shape = []int{}
	}
	numel := 1
	for _, v := range n.Shape {
		numel *= v
	}
	switch r.t.class {
	case classFixed:
		if v, err := decodeInts(r.data, r.t, numel); err == nil {
			n.Data = v
		}
	case classFloat:
		if v, err := decodeFloats(r.data, r.t, numel); err == nil {
			n.Data = v
		}
	case classString:
		if r.t.size > 0 && numel <= len(r.data)/r.t.size {
			s := make([]string, numel)
			for i := range s {
				s[i] = fixedString(r.data[i*r.t.size:(i+1)*r.t.size], r.t.bits&0xf)
			}
			n.Data = s
		}
	case classVarLen:
		if n.Class != "string" {
			break
		}
		v, err := guard(r.read)
		switch v := v.(type) {
		case string:
			n.Data = []string{v}
		case []string:
			n.Data = v
		}
		if err != nil {
			n.Data = nil
		}
	}
	return n
}

// fixedString trims a fixed-length string by its padding type: 0 null-terminated, 1
// null-padded, 2 space-padded.
func fixedString(b []byte, pad uint32) string {
	switch pad {
	case 0:
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		}
	case 1:
		b = bytes.TrimRight(b, "\x00")
	case 2:
		b = bytes.TrimRight(b, " ")
	}
	return string(b)
}

func byteOrder(t dtype) binary.ByteOrder {
	if t.bigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// decodeInts converts numel integers of type t from raw.
func decodeInts(raw []byte, t dtype, numel int) ([]float64, error) {
	if t.size != 1 && t.size != 2 && t.size != 4 && t.size != 8 {
		return nil, fmt.Errorf("integers of %d bytes", t.size)
	}
	if numel > len(raw)/t.size {
		return nil, fmt.Errorf("%d bytes hold fewer than %d values", len(raw), numel)
	}
	o := byteOrder(t)
	v := make([]float64, numel)
	for i := range v {
		b := raw[i*t.size:]
		switch {
		case t.size == 1 && t.signed:
			v[i] = float64(int8(b[0]))
		case t.size == 1:
			v[i] = float64(b[0])
		case t.size == 2 && t.signed:
			v[i] = float64(int16(o.Uint16(b)))
		case t.size == 2:
			v[i] = float64(o.Uint16(b))
		case t.size == 4 && t.signed:
			v[i] = float64(int32(o.Uint32(b)))
		case t.size == 4:
			v[i] = float64(o.Uint32(b))
		case t.signed:
			v[i] = float64(int64(o.Uint64(b)))
		default:
			v[i] = float64(o.Uint64(b))
		}
	}
	return v, nil
}

// decodeFloats converts numel IEEE floats (4 or 8 bytes) of type t from raw.
func decodeFloats(raw []byte, t dtype, numel int) ([]float64, error) {
	if t.size != 4 && t.size != 8 {
		return nil, fmt.Errorf("floats of %d bytes", t.size)
	}
	if numel > len(raw)/t.size {
		return nil, fmt.Errorf("%d bytes hold fewer than %d values", len(raw), numel)
	}
	o := byteOrder(t)
	v := make([]float64, numel)
	for i := range v {
		if t.size == 4 {
			v[i] = float64(math.Float32frombits(o.Uint32(raw[4*i:])))
		} else {
			v[i] = math.Float64frombits(o.Uint64(raw[8*i:]))
		}
	}
	return v, nil
}
