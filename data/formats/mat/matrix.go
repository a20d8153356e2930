package mat

import (
	"bytes"
	"math"
	"unicode/utf8"

	"github.com/jedi-neuro/jedi/data/formats"
)

// MATLAB array classes (the low byte of the array flags).
const (
	mxCELL     = 1
	mxSTRUCT   = 2
	mxOBJECT   = 3
	mxCHAR     = 4
	mxSPARSE   = 5
	mxFUNCTION = 16
	mxOPAQUE   = 17
)

var numericClass = map[uint32]string{
	6: "double", 7: "single", 8: "int8", 9: "uint8", 10: "int16", 11: "uint16",
	12: "int32", 13: "uint32", 14: "int64", 15: "uint64",
}

// storedClass names the MATLAB class matching each numeric element type.
var storedClass = map[uint32]string{
	miINT8: "int8", miUINT8: "uint8", miINT16: "int16", miUINT16: "uint16", miINT32: "int32",
	miUINT32: "uint32", miSINGLE: "single", miDOUBLE: "double", miINT64: "int64", miUINT64: "uint64",
}

// Array flag bits (the second byte of the array flags).
const (
	flagComplex = 0x08
	flagLogical = 0x02
)

// maxElements bounds the element count a dims element may declare, so that products of
// dimensions cannot overflow int.
const maxElements = 1 << 48

// matrix decodes the miMATRIX element t of s. depth counts enclosing cells and structs.
func (d *decoder) matrix(s span, t tag, depth int) (*formats.Node, error) {
	if t.typ != miMATRIX {
		return nil, d.errf(s, t.pos, "element of type %s, want miMATRIX", typeName(t.typ))
	}
	if depth > maxDepth {
		return nil, d.errf(s, t.pos, "cells and structs nested deeper than %d", maxDepth)
	}
	if t.n == 0 {
		// An empty miMATRIX stands for an empty double array in cells and structs.
		return &formats.Node{Class: "double", Shape: []int{0, 0}, Data: []float64{}}, nil
	}
	// Slicing to the end of the payload keeps offsets file-relative while bounding every read.
	body := span{b: s.b[:t.start+t.n], comp: s.comp}
	ft, err := d.tag(body, t.start)
	if err != nil {
		return nil, err
	}
	if ft.typ != miUINT32 || ft.n != 8 {
		return nil, d.errf(body, ft.pos, "array flags: %s of %d bytes, want miUINT32 of 8", typeName(ft.typ), ft.n)
	}
	w := d.order.Uint32(ft.payload(body))
	class, flags := w&0xff, (w>>8)&0xff
	pos := ft.next

	if class == mxOPAQUE {
		return d.opaque(body, pos)
	}
	shape, pos, err := d.dims(body, pos)
	if err != nil {
		return nil, err
	}
	nt, err := d.tag(body, pos)
	if err != nil {
		return nil, err
	}
	if nt.typ != miINT8 && nt.typ != miUINT8 {
		return nil, d.errf(body, pos, "array name: %s, want miINT8", typeName(nt.typ))
	}
	name := string(nt.payload(body))
	if depth == 0 {
		d.variable = name
	}
	pos = nt.next
	node := &formats.Node{Name: name, Shape: shape}
	numel := product(shape)

	switch {
	case numericClass[class] != "":
		node.Class = numericClass[class]
		if class == 9 && flags&flagLogical != 0 {
			node.Class = "logical"
		}
		err = d.numeric(body, pos, node, numel, flags&flagComplex != 0)
	case class == mxCHAR:
		node.Class = "char"
		err = d.char(body, pos, node, numel)
	case class == mxSPARSE:
		node.Class = "double"
		if flags&flagLogical != 0 {
			node.Class = "logical"
		}
		err = d.sparse(body, pos, node, flags&flagComplex != 0)
	case class == mxCELL:
		node.Class = "cell"
		err = d.cell(body, pos, node, numel, depth)
	case class == mxSTRUCT:
		node.Class = "struct"
		err = d.structure(body, pos, node, numel, depth)
	case class == mxOBJECT:
		node.Class = "object"
		var ct tag
		if ct, err = d.tag(body, pos); err == nil {
			node.Attrs = []*formats.Node{textNode("classname", string(ct.payload(body)))}
			err = d.structure(body, ct.next, node, numel, depth)
		}
	case class == mxFUNCTION:
		// A function handle's workspace is MATLAB-internal; it is listed, not decoded.
		node.Class = "function"
	default:
		return nil, d.errf(body, t.start, "unknown array class %d", class)
	}
	if err != nil {
		return nil, err
	}
	return node, nil
}

func textNode(name, s string) *formats.Node {
	return &formats.Node{Name: name, Class: "char", Shape: []int{1, utf8.RuneCountInString(s)}, Data: []string{s}}
}

func product(shape []int) int {
	p := 1
	for _, v := range shape {
		p *= v
	}
	return p
}

// dims reads the dimensions element at pos; the element count is bounded by maxElements.
func (d *decoder) dims(s span, pos int) ([]int, int, error) {
	t, err := d.tag(s, pos)
	if err != nil {
		return nil, 0, err
	}
	if (t.typ != miINT32 && t.typ != miUINT32) || t.n%4 != 0 || t.n == 0 {
		return nil, 0, d.errf(s, pos, "dimensions: %s of %d bytes, want miINT32", typeName(t.typ), t.n)
	}
	p := t.payload(s)
	shape := make([]int, t.n/4)
	total := 1
	for i := range shape {
		v := int32(d.order.Uint32(p[4*i:]))
		if v < 0 {
			return nil, 0, d.errf(s, pos, "dimension %d is negative (%d)", i+1, v)
		}
		shape[i] = int(v)
		if v > 0 && total > maxElements/int(v) {
			return nil, 0, d.errf(s, pos, "dimensions %v declare more than 2^48 elements", shape[:i+1])
		}
		total *= int(v)
	}
	return shape, t.next, nil
}

// numbers reads the numeric element at pos, converting every value to float64.
func (d *decoder) numbers(s span, pos int) ([]float64, tag, error) {
	t, err := d.tag(s, pos)
	if err != nil {
		return nil, t, err
	}
	size := typeSize(t.typ)
	if size == 0 || t.typ == miUTF8 || t.typ == miUTF16 || t.typ == miUTF32 {
		return nil, t, d.errf(s, pos, "numeric data of type %s", typeName(t.typ))
	}
	if t.n%size != 0 {
		return nil, t, d.errf(s, pos, "%s data of %d bytes is not a whole number of %d-byte values", typeName(t.typ), t.n, size)
	}
	p := t.payload(s)
	v := make([]float64, t.n/size)
	o := d.order
	for i := range v {
		b := p[i*size:]
		switch t.typ {
		case miINT8:
			v[i] = float64(int8(b[0]))
		case miUINT8:
			v[i] = float64(b[0])
		case miINT16:
			v[i] = float64(int16(o.Uint16(b)))
		case miUINT16:
			v[i] = float64(o.Uint16(b))
		case miINT32:
			v[i] = float64(int32(o.Uint32(b)))
		case miUINT32:
			v[i] = float64(o.Uint32(b))
		case miSINGLE:
			v[i] = float64(math.Float32frombits(o.Uint32(b)))
		case miDOUBLE:
			v[i] = math.Float64frombits(o.Uint64(b))
		case miINT64:
			v[i] = float64(int64(o.Uint64(b)))
		case miUINT64:
			v[i] = float64(o.Uint64(b))
		}
	}
	return v, t, nil
}

// numeric reads the real (and imaginary) part of a numeric array of numel elements.
func (d *decoder) numeric(s span, pos int, node *formats.Node, numel int, complex bool) error {
	if numel == 0 && pos >= len(s.b) {
		node.Data = []float64{}
		return nil
	}
	re, t, err := d.numbers(s, pos)
	if err != nil {
		return err
	}
	if len(re) != numel {
		return d.errf(s, pos, "real part has %d values, dimensions %v need %d", len(re), node.Shape, numel)
	}
	node.Data = formats.FromColumnMajor(re, node.Shape)
	if st := storedClass[t.typ]; st != node.Class && !(node.Class == "logical" && st == "uint8") {
		node.Stored = st
	}
	if !complex {
		return nil
	}
	im, _, err := d.numbers(s, t.next)
	if err != nil {
		return err
	}
	if len(im) != numel {
		return d.errf(s, t.next, "imaginary part has %d values, dimensions %v need %d", len(im), node.Shape, numel)
	}
	node.Imag = formats.FromColumnMajor(im, node.Shape)
	return nil
}

// char reads a char array: one rune per element, stored as UTF-16 code units, UTF-8, UTF-32 or
// bytes. A UTF-16 surrogate cannot stand alone in a rune and becomes U+FFFD.
func (d *decoder) char(s span, pos int, node *formats.Node, numel int) error {
	if numel == 0 && pos >= len(s.b) {
		node.Data = []string{}
		return nil
	}
	t, err := d.tag(s, pos)
	if err != nil {
		return err
	}
	p := t.payload(s)
	var r []rune
	switch t.typ {
	case miUTF8:
		r = []rune(string(p))
	case miINT8, miUINT8:
		r = make([]rune, len(p))
		for i, b := range p {
			r[i] = rune(b)
		}
	case miUTF16, miUINT16, miINT16:
		if len(p)%2 != 0 {
			return d.errf(s, pos, "UTF-16 text of odd length %d", len(p))
		}
		r = make([]rune, len(p)/2)
		for i := range r {
			u := rune(d.order.Uint16(p[2*i:]))
			if u >= 0xd800 && u < 0xe000 {
				u = utf8.RuneError
			}
			r[i] = u
		}
	case miUTF32, miINT32, miUINT32:
		if len(p)%4 != 0 {
			return d.errf(s, pos, "UTF-32 text of length %d", len(p))
		}
		r = make([]rune, len(p)/4)
		for i := range r {
			r[i] = rune(d.order.Uint32(p[4*i:]))
			if !utf8.ValidRune(r[i]) {
				r[i] = utf8.RuneError
			}
		}
	default:
		return d.errf(s, pos, "char data of type %s", typeName(t.typ))
	}
	if len(r) != numel {
		return d.errf(s, pos, "char data has %d characters, dimensions %v need %d", len(r), node.Shape, numel)
	}
	node.Data = formats.CharRows(formats.FromColumnMajor(r, node.Shape), node.Shape)
	return nil
}

// sparse reads a compressed-column sparse matrix (row indices ir, column starts jc, values pr
// and pi) and expands it to a dense row-major array.
func (d *decoder) sparse(s span, pos int, node *formats.Node, complex bool) error {
	if len(node.Shape) != 2 {
		return d.errf(s, pos, "sparse matrix with %d dimensions", len(node.Shape))
	}
	m, n := node.Shape[0], node.Shape[1]
	if n > 0 && m > maxSparseDense/n {
		return d.errf(s, pos, "sparse matrix %d×%d has more than %d elements to expand to dense", m, n, maxSparseDense)
	}
	ir, t, err := d.numbers(s, pos)
	if err != nil {
		return err
	}
	jc, t, err := d.numbers(s, t.next)
	if err != nil {
		return err
	}
	jcPos := t.pos
	re, t, err := d.numbers(s, t.next)
	if err != nil {
		return err
	}
	vals := [][]float64{re}
	if complex {
		im, _, err := d.numbers(s, t.next)
		if err != nil {
			return err
		}
		vals = append(vals, im)
	}
	dense, err := denseFromCSC(m, n, ir, jc, vals...)
	if err != nil {
		return d.errf(s, jcPos, "%v", err)
	}
	node.Sparse = true
	node.Data = dense[0]
	if complex {
		node.Imag = dense[1]
	}
	return nil
}

// cell reads numel miMATRIX elements, stored column-major.
func (d *decoder) cell(s span, pos int, node *formats.Node, numel, depth int) error {
	if numel > (len(s.b)-pos)/8 {
		return d.errf(s, pos, "cell %v declares %d elements, only %d bytes left", node.Shape, numel, len(s.b)-pos)
	}
	kids := make([]*formats.Node, numel)
	for i := range kids {
		t, err := d.tag(s, pos)
		if err != nil {
			return err
		}
		if kids[i], err = d.matrix(s, t, depth+1); err != nil {
			return err
		}
		kids[i].Name = ""
		pos = t.next
	}
	node.Children = formats.FromColumnMajor(kids, node.Shape)
	return nil
}

// structure reads the field names and then numel×fields miMATRIX elements, element-major with
// elements in column-major order.
func (d *decoder) structure(s span, pos int, node *formats.Node, numel, depth int) error {
	lt, err := d.tag(s, pos)
	if err != nil {
		return err
	}
	if lt.typ != miINT32 || lt.n != 4 {
		return d.errf(s, pos, "field name length: %s of %d bytes, want one miINT32", typeName(lt.typ), lt.n)
	}
	flen := int(int32(d.order.Uint32(lt.payload(s))))
	ft, err := d.tag(s, lt.next)
	if err != nil {
		return err
	}
	if ft.typ != miINT8 && ft.typ != miUINT8 {
		return d.errf(s, lt.next, "field names: %s, want miINT8", typeName(ft.typ))
	}
	if flen <= 0 && ft.n > 0 || flen > 0 && ft.n%flen != 0 {
		return d.errf(s, lt.next, "field names of %d bytes do not split into names of %d bytes", ft.n, flen)
	}
	var names []string
	p := ft.payload(s)
	for i := 0; i+flen <= len(p) && flen > 0; i += flen {
		b := p[i : i+flen]
		if z := bytes.IndexByte(b, 0); z >= 0 {
			b = b[:z]
		}
		names = append(names, string(b))
	}
	node.Fields = names
	pos = ft.next
	nf := len(names)
	if nf == 0 {
		// Elements without fields hold nothing to read, however many there are.
		return nil
	}
	if numel > (len(s.b)-pos)/8/nf {
		return d.errf(s, pos, "struct %v with %d fields declares %d values, only %d bytes left", node.Shape, nf, numel*nf, len(s.b)-pos)
	}
	elems := make([][]*formats.Node, numel)
	for e := range elems {
		elems[e] = make([]*formats.Node, nf)
		for f := range names {
			t, err := d.tag(s, pos)
			if err != nil {
				return err
			}
			if elems[e][f], err = d.matrix(s, t, depth+1); err != nil {
				return err
			}
			elems[e][f].Name = names[f]
			pos = t.next
		}
	}
	for _, e := range formats.FromColumnMajor(elems, node.Shape) {
		node.Children = append(node.Children, e...)
	}
	return nil
}

// opaque lists a MATLAB object stored in the opaque (MCOS) format: after the flags come its
// name, the type system ("MCOS") and the class name; its contents are MATLAB-internal and are
// not decoded.
func (d *decoder) opaque(s span, pos int) (*formats.Node, error) {
	var text [3]string
	for i := range text {
		t, err := d.tag(s, pos)
		if err != nil {
			return nil, err
		}
		if t.typ != miINT8 && t.typ != miUINT8 {
			return nil, d.errf(s, pos, "opaque object: %s where text was expected", typeName(t.typ))
		}
		text[i] = string(t.payload(s))
		pos = t.next
	}
	return &formats.Node{Name: text[0], Class: "opaque",
		Attrs: []*formats.Node{textNode("classname", text[2])}}, nil
}
