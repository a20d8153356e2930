package h5

import (
	"fmt"
)

// HDF5 datatype classes (format specification IV.A.2.d).
const (
	classFixed     = 0
	classFloat     = 1
	classTime      = 2
	classString    = 3
	classBitfield  = 4
	classOpaque    = 5
	classCompound  = 6
	classReference = 7
	classEnum      = 8
	classVarLen    = 9
	classArray     = 10
)

// dtype is a datatype message, decoded.
type dtype struct {
	class     int
	size      int    // bytes per element
	bits      uint32 // class bit field
	bigEndian bool
	signed    bool
	// Floating point: the positions and sizes of the fields, in bits.
	signLoc, expLoc, expSize, manLoc, manSize int
	expBias                                   uint64
	// base is the parent type of an enum, a variable-length sequence or an array.
	base *dtype
	// members of a compound.
	members []member
	// enumNames and enumValues of an enum, in file order.
	enumNames  []string
	enumValues [][]byte
	dims       []int // of an array type
}

type member struct {
	name   string
	offset int
	t      *dtype
}

func (t *dtype) vlenString() bool { return t.class == classVarLen && t.bits&0xf == 1 }

// region reports whether a reference type holds dataset region references.
func (t *dtype) region() bool { return t.class == classReference && t.bits&0xf == 1 }

// isBool reports whether an enum is h5py's (and pandas', and MATLAB's) boolean: two members
// FALSE = 0 and TRUE = 1 over a 1-byte integer.
func (t *dtype) isBool() bool {
	if t.class != classEnum || t.base == nil || t.base.size != 1 || len(t.enumNames) != 2 {
		return false
	}
	return t.enumNames[0] == "FALSE" && t.enumNames[1] == "TRUE"
}

// name returns the element class in the vocabulary of formats.Node.
func (t *dtype) name() string {
	switch t.class {
	case classFixed, classBitfield:
		if t.signed {
			return fmt.Sprintf("int%d", 8*t.size)
		}
		return fmt.Sprintf("uint%d", 8*t.size)
	case classFloat:
		switch t.size {
		case 2:
			return "half"
		case 4:
			return "single"
		case 8:
			return "double"
		}
		return fmt.Sprintf("float%d", 8*t.size)
	case classString:
		return "string"
	case classVarLen:
		if t.vlenString() {
			return "string"
		}
		return "vlen"
	case classReference:
		if t.region() {
			return "region reference"
		}
		return "reference"
	case classEnum:
		if t.isBool() {
			return "logical"
		}
		return "enum"
	case classCompound:
		return "compound"
	case classArray:
		return t.base.name()
	case classOpaque:
		return "opaque"
	case classTime:
		return "time"
	}
	return fmt.Sprintf("hdf5 class %d", t.class)
}

// maxTypeDepth bounds nesting of compound, array, enum and variable-length types.
const maxTypeDepth = 16

// parseDatatype decodes a datatype message; it returns the type and the bytes it occupies.
func (r *reader) parseDatatype(b []byte, addr uint64) (*dtype, error) {
	c := r.cursor(b, addr)
	t := r.datatype(c, 0)
	if c.err != nil {
		return nil, fmt.Errorf("datatype: %w", c.err)
	}
	return t, nil
}

func (r *reader) datatype(c *cursor, depth int) *dtype {
	t := &dtype{}
	if depth > maxTypeDepth {
		c.fail("datatypes nested deeper than %d", maxTypeDepth)
		return t
	}
	cv := c.u8()
	version := cv >> 4
	t.class = cv & 0x0f
	bf := c.bytes(3)
	t.bits = uint32(bf[0]) | uint32(bf[1])<<8 | uint32(bf[2])<<16
	t.size = int(c.u32())
	if c.err != nil {
		return t
	}
	if t.size <= 0 || t.size > 1<<24 {
		c.fail("datatype of %d bytes", t.size)
		return t
	}
	switch t.class {
	case classFixed, classBitfield:
		t.bigEndian = t.bits&1 != 0
		t.signed = t.class == classFixed && t.bits&8 != 0
		c.skip(4) // bit offset, precision
		if t.size > 8 {
			c.fail("integers of %d bytes", t.size)
		}
	case classFloat:
		t.bigEndian = t.bits&1 != 0
		if t.bits&0x40 != 0 {
			c.fail("VAX-order floating point is not supported")
		}
		t.signLoc = int(t.bits>>8) & 0xff
		c.skip(4) // bit offset, precision
		t.expLoc, t.expSize, t.manLoc, t.manSize = c.u8(), c.u8(), c.u8(), c.u8()
		t.expBias = uint64(c.u32())
		if c.err == nil && (t.size > 8 || t.expSize == 0 || t.expSize > 16 || t.manSize > 64 ||
			t.expLoc+t.expSize > 8*t.size || t.manLoc+t.manSize > 8*t.size || t.signLoc >= 8*t.size) {
			c.fail("floating-point layout of %d bytes: sign at bit %d, exponent %d bits at %d, mantissa %d bits at %d",
				t.size, t.signLoc, t.expSize, t.expLoc, t.manSize, t.manLoc)
		}
	case classTime:
		c.skip(2)
	case classString:
	case classOpaque:
		c.skip(int(t.bits & 0xff)) // tag, padded to 8
	case classCompound:
		n := int(t.bits & 0xffff)
		if n > c.left() {
			c.fail("compound of %d members in %d bytes", n, c.left())
			return t
		}
		for i := 0; i < n && c.err == nil; i++ {
			m := member{name: cString(c, version < 3)}
			switch version {
			case 1:
				m.offset = int(c.u32())
				rank := c.u8()
				c.skip(3 + 4 + 4)
				dims := make([]int, 4)
				for k := range dims {
					dims[k] = int(c.u32())
				}
				m.t = r.datatype(c, depth+1)
				if rank > 4 {
					c.fail("compound member of rank %d", rank)
				} else if rank > 0 {
					m.t = &dtype{class: classArray, size: m.t.size * product(dims[:rank]), base: m.t, dims: dims[:rank]}
				}
			case 2:
				m.offset = int(c.u32())
				m.t = r.datatype(c, depth+1)
			default:
				m.offset = int(c.uint(encSize(uint64(t.size))))
				m.t = r.datatype(c, depth+1)
			}
			if c.err == nil && (m.offset < 0 || m.offset+m.t.size > t.size) {
				c.fail("compound member %q at byte %d of %d bytes overruns the %d-byte compound", m.name, m.offset, m.t.size, t.size)
			}
			t.members = append(t.members, m)
		}
	case classReference:
		if k := t.bits & 0xf; k > 1 {
			c.fail("reference type %d (HDF5 1.12 references) is not supported", k)
		}
	case classEnum:
		n := int(t.bits & 0xffff)
		t.base = r.datatype(c, depth+1)
		if c.err != nil {
			return t
		}
		if t.base.class != classFixed {
			c.fail("enum over datatype class %d, want an integer", t.base.class)
			return t
		}
		if n > c.left() {
			c.fail("enum of %d members in %d bytes", n, c.left())
			return t
		}
		for i := 0; i < n && c.err == nil; i++ {
			t.enumNames = append(t.enumNames, cString(c, version < 3))
		}
		for i := 0; i < n && c.err == nil; i++ {
			t.enumValues = append(t.enumValues, c.bytes(t.base.size))
		}
	case classVarLen:
		t.base = r.datatype(c, depth+1)
	case classArray:
		rank := c.u8()
		if version < 3 {
			c.skip(3)
		}
		t.dims = make([]int, rank)
		n := 1
		for i := range t.dims {
			t.dims[i] = int(c.u32())
			n *= max(t.dims[i], 1)
			if n > 1<<24 {
				c.fail("array datatype of more than 2^24 elements")
				return t
			}
		}
		if version < 3 {
			c.skip(4 * rank) // permutation, unused
		}
		t.base = r.datatype(c, depth+1)
		if c.err == nil && t.base.size*product(t.dims) != t.size {
			c.fail("array datatype of %v × %d bytes declares %d bytes", t.dims, t.base.size, t.size)
		}
	default:
		c.fail("datatype class %d", t.class)
	}
	return t
}

// cString reads a null-terminated name, padded to a multiple of 8 bytes when pad is set.
func cString(c *cursor, pad bool) string {
	start := c.p
	for c.err == nil && c.p < len(c.b) && c.b[c.p] != 0 {
		c.p++
	}
	if c.p >= len(c.b) {
		c.fail("unterminated name")
		return ""
	}
	s := string(c.b[start:c.p])
	c.p++
	if pad {
		n := c.p - start
		c.skip((8 - n%8) % 8)
	}
	return s
}

func product(dims []int) int {
	p := 1
	for _, d := range dims {
		p *= d
	}
	return p
}

// dataspace is a dataspace message: dims nil for a null dataspace, empty for a scalar.
type dataspace struct {
	dims, maxDims []int
	null          bool
}

// maxRank bounds the rank of a dataspace, as the library does (H5S_MAX_RANK).
const maxRank = 32

func (r *reader) parseDataspace(b []byte, addr uint64) (dataspace, error) {
	c := r.cursor(b, addr)
	version, rank, flags := c.u8(), c.u8(), c.u8()
	var s dataspace
	switch version {
	case 1:
		c.skip(5)
	case 2:
		switch c.u8() {
		case 0:
			s.dims = []int{}
			return s, c.err
		case 2:
			s.null = true
			return s, c.err
		}
	default:
		return s, fmt.Errorf("dataspace at offset %d: version %d", addr, version)
	}
	if rank > maxRank {
		return s, fmt.Errorf("dataspace at offset %d: rank %d exceeds %d", addr, rank, maxRank)
	}
	s.dims = make([]int, rank)
	for i := range s.dims {
		v := c.length()
		if v > 1<<48 {
			return s, fmt.Errorf("dataspace at offset %d: dimension %d is %d", addr, i, v)
		}
		s.dims[i] = int(v)
	}
	total := uint64(1)
	for _, d := range s.dims {
		if total *= max(uint64(d), 1); total > 1<<56 {
			return s, fmt.Errorf("dataspace at offset %d: dimensions %v hold more than 2^56 elements", addr, s.dims)
		}
	}
	if flags&1 != 0 {
		s.maxDims = make([]int, rank)
		for i := range s.maxDims {
			v := c.length()
			if v > 1<<48 {
				s.maxDims[i] = -1 // unlimited
			} else {
				s.maxDims[i] = int(v)
			}
		}
	}
	if c.err != nil {
		return s, fmt.Errorf("dataspace: %w", c.err)
	}
	return s, nil
}

// Layout classes and chunk indexes.
const (
	layoutCompact    = 0
	layoutContiguous = 1
	layoutChunked    = 2
	layoutVirtual    = 3

	indexBTree1     = 0 // layout versions 1 to 3
	indexSingle     = 1
	indexImplicit   = 2
	indexFixedArray = 3
	indexExtArray   = 4
	indexBTree2     = 5
)

var chunkIndexNames = map[int]string{
	indexBTree1: "version 1 B-tree", indexSingle: "single chunk", indexImplicit: "implicit",
	indexFixedArray: "fixed array", indexExtArray: "extensible array", indexBTree2: "version 2 B-tree",
}

// layout is a data layout message.
type layout struct {
	version, class int
	addr, size     uint64 // contiguous data, or the chunk index address
	compact        []byte
	chunk          []int // chunk dimensions, without the element size
	index          int   // chunk index type
	singleSize     uint64
	singleMask     uint32
	filteredSingle bool
}

func (r *reader) parseLayout(b []byte, addr uint64) (layout, error) {
	c := r.cursor(b, addr)
	l := layout{version: c.u8()}
	if l.version < 3 {
		// Versions 1 and 2 (HDF5 before 1.6.3).
		rank := c.u8()
		l.class = c.u8()
		c.skip(5)
		if l.class != layoutCompact {
			l.addr = c.addr()
		}
		dims := make([]int, rank)
		for i := range dims {
			dims[i] = int(c.u32())
		}
		switch l.class {
		case layoutChunked:
			if rank < 2 {
				return l, fmt.Errorf("layout at offset %d: chunked with dimensionality %d", addr, rank)
			}
			l.chunk = dims[:rank-1]
			c.skip(4)
		case layoutCompact:
			n := int(c.u32())
			l.compact = c.bytes(n)
			l.size = uint64(n)
		}
		if c.err != nil {
			return l, fmt.Errorf("layout: %w", c.err)
		}
		return l, nil
	}
	l.class = c.u8()
	if l.version > 4 {
		return l, fmt.Errorf("layout at offset %d: version %d, want 1 to 4", addr, l.version)
	}
	switch l.class {
	case layoutCompact:
		n := c.u16()
		l.compact = c.bytes(n)
		l.size = uint64(n)
	case layoutContiguous:
		l.addr = c.addr()
		l.size = c.length()
	case layoutChunked:
		if l.version == 3 {
			rank := c.u8()
			l.addr = c.addr()
			if rank < 2 {
				return l, fmt.Errorf("layout at offset %d: chunked with dimensionality %d", addr, rank)
			}
			l.chunk = make([]int, rank-1)
			for i := range l.chunk {
				l.chunk[i] = int(c.u32())
			}
			c.skip(4) // the element size
			break
		}
		flags := c.u8()
		rank := c.u8()
		width := c.u8()
		if rank < 2 || width < 1 || width > 8 {
			return l, fmt.Errorf("layout at offset %d: chunked with dimensionality %d and %d-byte dimensions", addr, rank, width)
		}
		l.chunk = make([]int, rank-1)
		for i := range l.chunk {
			v := c.uint(width)
			if v > 1<<32 {
				return l, fmt.Errorf("layout at offset %d: chunk dimension %d is %d", addr, i, v)
			}
			l.chunk[i] = int(v)
		}
		c.uint(width) // the element size
		l.index = c.u8()
		switch l.index {
		case indexSingle:
			if flags&2 != 0 {
				l.filteredSingle = true
				l.singleSize = c.length()
				l.singleMask = c.u32()
			}
		case indexImplicit:
		case indexFixedArray:
			c.skip(1)
		case indexExtArray:
			c.skip(5)
		case indexBTree2:
			c.skip(6)
		default:
			return l, fmt.Errorf("layout at offset %d: chunk index type %d", addr, l.index)
		}
		l.addr = c.addr()
	case layoutVirtual:
	default:
		return l, fmt.Errorf("layout at offset %d: class %d", addr, l.class)
	}
	if c.err != nil {
		return l, fmt.Errorf("layout: %w", c.err)
	}
	for i, d := range l.chunk {
		if d <= 0 {
			return l, fmt.Errorf("layout at offset %d: chunk dimension %d is %d", addr, i, d)
		}
	}
	return l, nil
}

// filter is one stage of a filter pipeline.
type filter struct {
	id       int
	name     string
	optional bool
	values   []uint32
}

// Filter identifiers (H5Zpublic.h and the registered third-party filters).
const (
	filterDeflate    = 1
	filterShuffle    = 2
	filterFletcher32 = 3
)

var filterNames = map[int]string{
	1: "deflate", 2: "shuffle", 3: "fletcher32", 4: "szip", 5: "nbit", 6: "scaleoffset",
	307: "bzip2", 32000: "lzf", 32001: "blosc", 32004: "lz4", 32008: "bitshuffle", 32015: "zstd",
}

func (r *reader) parseFilters(b []byte, addr uint64) ([]filter, error) {
	c := r.cursor(b, addr)
	version, n := c.u8(), c.u8()
	if version == 1 {
		c.skip(6)
	} else if version != 2 {
		return nil, fmt.Errorf("filter pipeline at offset %d: version %d", addr, version)
	}
	var out []filter
	for i := 0; i < n && c.err == nil; i++ {
		f := filter{id: c.u16()}
		nameLen := 0
		if version == 1 || f.id >= 256 {
			nameLen = c.u16()
		}
		f.optional = c.u16()&1 != 0
		nv := c.u16()
		if nameLen > 0 {
			name := c.bytes(nameLen)
			f.name = cTrim(name)
			if version == 1 {
				c.skip((8 - nameLen%8) % 8)
			}
		}
		for k := 0; k < nv && c.err == nil; k++ {
			f.values = append(f.values, c.u32())
		}
		if version == 1 && nv%2 == 1 {
			c.skip(4)
		}
		out = append(out, f)
	}
	if c.err != nil {
		return nil, fmt.Errorf("filter pipeline: %w", c.err)
	}
	return out, nil
}

func cTrim(b []byte) string {
	for i, x := range b {
		if x == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// parseFill returns the fill value of a fill value message (new or old style), or nil when the
// message defines none (the default, zeros).
func (r *reader) parseFill(m headerMsg) ([]byte, error) {
	c := r.cursor(m.data, m.addr)
	if m.typ == msgFillOld {
		n := int(c.u32())
		v := c.bytes(n)
		return v, c.err
	}
	version := c.u8()
	switch version {
	case 1, 2:
		c.skip(2) // allocation and write times
		defined := c.u8()
		if version == 2 && defined == 0 {
			return nil, c.err
		}
	case 3:
		flags := c.u8()
		if flags&0x20 == 0 {
			return nil, c.err
		}
	default:
		return nil, fmt.Errorf("fill value at offset %d: version %d", m.addr, version)
	}
	if c.left() == 0 {
		return nil, nil
	}
	n := int(c.u32())
	v := c.bytes(n)
	if c.err != nil {
		return nil, fmt.Errorf("fill value: %w", c.err)
	}
	return v, nil
}
