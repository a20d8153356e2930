package h5

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// HDF5 datatype classes.
const (
	classFixed     = 0
	classFloat     = 1
	classString    = 3
	classCompound  = 6
	classReference = 7
	classEnum      = 8
	classVarLen    = 9
	classArray     = 10
)

// dtype is the part of a datatype message this package interprets.
type dtype struct {
	class     int
	size      int
	bits      uint32 // class bit field
	bigEndian bool
	signed    bool
	// base is the parent type of an enum (h5py stores bool as an enum of int8).
	base *dtype
}

// name returns the element class in the vocabulary of formats.Node.
func (t dtype) name() string {
	switch t.class {
	case classFixed:
		if t.signed {
			return fmt.Sprintf("int%d", 8*t.size)
		}
		return fmt.Sprintf("uint%d", 8*t.size)
	case classFloat:
		switch t.size {
		case 4:
			return "single"
		case 8:
			return "double"
		}
		return fmt.Sprintf("float%d", 8*t.size)
	case classString:
		return "string"
	case classVarLen:
		if t.bits&0xf == 1 {
			return "string"
		}
		return "vlen"
	case classReference:
		return "reference"
	case classEnum:
		return "enum"
	case classCompound:
		return "compound"
	case classArray:
		return "array"
	}
	return fmt.Sprintf("hdf5 class %d", t.class)
}

func parseDatatype(b []byte) (dtype, error) {
	return parseDatatypeDepth(b, 0)
}

func parseDatatypeDepth(b []byte, depth int) (dtype, error) {
	if len(b) < 8 {
		return dtype{}, errors.New("datatype message truncated")
	}
	t := dtype{
		class: int(b[0] & 0x0f),
		bits:  uint32(b[1]) | uint32(b[2])<<8 | uint32(b[3])<<16,
		size:  int(binary.LittleEndian.Uint32(b[4:])),
	}
	switch t.class {
	case classFixed:
		t.bigEndian = t.bits&1 != 0
		t.signed = t.bits&8 != 0
	case classFloat:
		t.bigEndian = t.bits&1 != 0
	case classEnum:
		if depth > 8 {
			return dtype{}, errors.New("enum datatype nested too deeply")
		}
		base, err := parseDatatypeDepth(b[8:], depth+1)
		if err != nil {
			return dtype{}, fmt.Errorf("enum base type: %w", err)
		}
		t.base = &base
	}
	return t, nil
}

// parseDataspace returns the dimensions of a dataspace message; nil, true for a null
// dataspace; an empty slice for a scalar.
func parseDataspace(b []byte, lengthSize int) (dims []int, null bool, err error) {
	if len(b) < 4 {
		return nil, false, errors.New("dataspace message truncated")
	}
	version, rank := b[0], int(b[1])
	p := 0
	switch version {
	case 1:
		p = 8
	case 2:
		switch b[3] {
		case 0:
			return []int{}, false, nil
		case 2:
			return nil, true, nil
		}
		p = 4
	default:
		return nil, false, fmt.Errorf("dataspace version %d", version)
	}
	if len(b) < p+rank*lengthSize {
		return nil, false, errors.New("dataspace dimensions truncated")
	}
	dims = make([]int, rank)
	for i := range dims {
		v := uintLE(b[p+i*lengthSize:], lengthSize)
		if v > 1<<48 {
			return nil, false, fmt.Errorf("dimension %d is %d", i, v)
		}
		dims[i] = int(v)
	}
	return dims, false, nil
}

// Layout classes.
const (
	layoutCompact    = 0
	layoutContiguous = 1
	layoutChunked    = 2
	layoutVirtual    = 3
)

// layout is the part of a data layout message this package needs: where raw data lives, and
// whether scigolib can read it.
type layout struct {
	version, class int
	addr, size     uint64 // contiguous data, or compact data size
	compact        []byte
	chunkIndex     int // layout version 4 chunk indexing type
}

var chunkIndexNames = map[int]string{
	1: "single chunk", 2: "implicit", 3: "fixed array", 4: "extensible array", 5: "version 2 B-tree",
}

func parseLayout(b []byte, g geometry) (layout, error) {
	if len(b) < 2 {
		return layout{}, errors.New("layout message truncated")
	}
	l := layout{version: int(b[0]), class: int(b[1])}
	if l.version < 3 || l.version > 4 {
		return l, fmt.Errorf("data layout version %d (HDF5 before 1.6) is not supported", l.version)
	}
	switch l.class {
	case layoutCompact:
		if len(b) < 4 {
			return l, errors.New("compact layout truncated")
		}
		n := int(binary.LittleEndian.Uint16(b[2:]))
		if len(b) < 4+n {
			return l, errors.New("compact layout data truncated")
		}
		l.compact, l.size = b[4:4+n], uint64(n)
	case layoutContiguous:
		if len(b) < 2+g.offsetSize+g.lengthSize {
			return l, errors.New("contiguous layout truncated")
		}
		l.addr = uintLE(b[2:], g.offsetSize)
		l.size = uintLE(b[2+g.offsetSize:], g.lengthSize)
	case layoutChunked:
		if l.version == 4 {
			// flags, rank, dimension width, dimensions, then the chunk indexing type.
			if len(b) < 5 {
				return l, errors.New("chunked layout truncated")
			}
			p := 5 + int(b[3])*int(b[4])
			if len(b) <= p {
				return l, errors.New("chunked layout truncated")
			}
			l.chunkIndex = int(b[p])
		}
	case layoutVirtual:
	default:
		return l, fmt.Errorf("layout class %d", l.class)
	}
	return l, nil
}

// unsupported returns why scigolib cannot read data in this layout, or "".
func (l layout) unsupported() string {
	switch {
	case l.class == layoutVirtual:
		return "virtual dataset layout"
	case l.class == layoutChunked && l.version == 4:
		name := chunkIndexNames[l.chunkIndex]
		if name == "" {
			name = fmt.Sprintf("type %d", l.chunkIndex)
		}
		return fmt.Sprintf("chunk index %q (HDF5 1.10 data layout version 4, from libver='latest'; rewrite the file with h5py's libver='earliest' or h5repack limited to the HDF5 1.8 format)", name)
	}
	return ""
}

// info is a dataset's datatype, shape and layout, read from its object header.
type info struct {
	t      dtype
	shape  []int // nil for a null dataspace
	layout layout
}

func datasetInfo(msgs []headerMsg, g geometry) (info, error) {
	var in info
	var seen [3]bool
	for _, m := range msgs {
		var err error
		switch m.typ {
		case msgDatatype:
			in.t, err = parseDatatype(m.data)
			seen[0] = true
		case msgDataspace:
			in.shape, _, err = parseDataspace(m.data, g.lengthSize)
			seen[1] = true
		case msgLayout:
			in.layout, err = parseLayout(m.data, g)
			seen[2] = true
		}
		if err != nil {
			return in, err
		}
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return in, errors.New("dataset header lacks a datatype, dataspace or layout message")
	}
	return in, nil
}
