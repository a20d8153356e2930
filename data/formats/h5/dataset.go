package h5

import (
	"context"
	"fmt"
	"slices"

	"github.com/jedi-neuro/jedi/data/formats"
)

// dataset is what a dataset's object header says about its values.
type dataset struct {
	o       *object
	t       *dtype
	space   dataspace
	layout  layout
	filters []filter
	fill    []byte // nil: zeros
}

// numel is the number of elements; 0 for a null dataspace.
func (d *dataset) numel() int {
	if d.space.null {
		return 0
	}
	return product(d.space.dims)
}

// bytes is the size of all values as stored (a variable-length element counts its heap
// reference, its data more).
func (d *dataset) bytes() int64 { return int64(d.numel()) * int64(d.t.size) }

func (f *File) dataset(o *object, path string) (*dataset, error) {
	d := &dataset{o: o}
	r := f.r
	var err error
	for _, m := range o.msgs {
		switch m.typ {
		case msgDatatype:
			d.t, err = f.datatypeMsg(m)
		case msgDataspace:
			d.space, err = r.parseDataspace(m.data, m.addr)
		case msgLayout:
			d.layout, err = r.parseLayout(m.data, m.addr)
		case msgFilters:
			d.filters, err = r.parseFilters(m.data, m.addr)
		case msgFill, msgFillOld:
			if d.fill == nil || m.typ == msgFill {
				d.fill, err = r.parseFill(m)
			}
		case msgExternal:
			err = fmt.Errorf("values in external files (external storage message) are not supported")
		}
		if err != nil {
			return nil, f.errorf(path, err)
		}
	}
	if d.t == nil || (d.space.dims == nil && !d.space.null) {
		return nil, f.errorf(path, fmt.Errorf("dataset header at offset %d lacks a datatype or dataspace message", o.addr))
	}
	if d.fill != nil && len(d.fill) != d.t.size {
		d.fill = nil // a fill value of another size than an element cannot be meant for it
	}
	if d.layout.class == layoutChunked && len(d.layout.chunk) != len(d.space.dims) {
		return nil, f.errorf(path, fmt.Errorf("chunks of rank %d for a dataspace of rank %d", len(d.layout.chunk), len(d.space.dims)))
	}
	return d, nil
}

// datatypeMsg decodes a datatype message, following it to a committed datatype when shared.
func (f *File) datatypeMsg(m headerMsg) (*dtype, error) {
	if !m.shared() {
		return f.r.parseDatatype(m.data, m.addr)
	}
	a, err := f.r.sharedTarget(m)
	if err != nil {
		return nil, fmt.Errorf("shared datatype: %w", err)
	}
	o, err := f.object(a)
	if err != nil {
		return nil, fmt.Errorf("committed datatype: %w", err)
	}
	dm, ok := o.find(msgDatatype)
	if !ok || dm.shared() {
		return nil, fmt.Errorf("committed datatype at offset %d has no datatype message", a)
	}
	return f.r.parseDatatype(dm.data, dm.addr)
}

// shapeOf is the node shape of n elements of type t over dims: an array type adds its
// dimensions.
func shapeOf(dims []int, t *dtype) []int {
	s := slices.Clone(dims)
	if s == nil {
		s = []int{}
	}
	if t.class == classArray {
		s = append(s, t.dims...)
	}
	return s
}

// datasetNode describes a dataset without values.
func (f *File) datasetNode(ctx context.Context, d *dataset, path string) (*formats.Node, error) {
	n := &formats.Node{Name: baseName(path)}
	describe(n, d.t, d.space.dims)
	if d.space.null {
		n.Shape = nil
	}
	var err error
	if n.Attrs, err = f.attrs(ctx, d.o, path); err != nil {
		return nil, err
	}
	return n, nil
}

// describe sets the class and shape of n for elements of type t over dims, and for a compound
// one child per member.
func describe(n *formats.Node, t *dtype, dims []int) {
	n.Class = t.name()
	n.Shape = shapeOf(dims, t)
	et := t
	if t.class == classArray {
		et = t.base
	}
	if et.class == classCompound {
		n.Fields, n.Children = nil, nil
		for _, m := range et.members {
			c := &formats.Node{Name: m.name}
			describe(c, m.t, n.Shape)
			n.Fields = append(n.Fields, m.name)
			n.Children = append(n.Children, c)
		}
	}
	switch t.class {
	case classOpaque, classTime:
		n.Unsupported = fmt.Sprintf("%s datatype: its bytes have no meaning this reader knows", n.Class)
	}
}

func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' {
			return path[i+1:]
		}
	}
	return path
}

// loadInto reads the values of d (the hyperslab start, count; nil for all) into n.
func (f *File) loadInto(ctx context.Context, d *dataset, path string, n *formats.Node, start, count []int) error {
	if d.space.null {
		return nil
	}
	dims := d.space.dims
	if start == nil && count == nil {
		start, count = make([]int, len(dims)), slices.Clone(dims)
	}
	if len(start) != len(dims) || len(count) != len(dims) {
		return f.errorf(path, fmt.Errorf("slice of rank %d (start %v, count %v) for a dataset of shape %v", max(len(start), len(count)), start, count, dims))
	}
	for i := range dims {
		if start[i] < 0 || count[i] < 0 || start[i] > dims[i] || count[i] > dims[i]-start[i] {
			return f.errorf(path, fmt.Errorf("slice start %v, count %v outside shape %v (dimension %d)", start, count, dims, i))
		}
	}
	if !slices.Equal(count, dims) {
		describe(n, d.t, count)
	}
	numel := product(count)
	if need := int64(numel) * int64(d.t.size); numel > 0 && (need/int64(numel) != int64(d.t.size) || need > f.opt.MaxBytes) {
		return f.errorf(path, fmt.Errorf("shape %v of %d-byte values needs %d bytes, more than the limit of %d (set %s to raise it)", count, d.t.size, need, f.opt.MaxBytes, EnvMaxBytes))
	}
	if n.Unsupported != "" {
		return f.errorf(path, fmt.Errorf("%s", n.Unsupported))
	}
	raw, err := f.raw(ctx, d, start, count)
	if err != nil {
		return f.errorf(path, err)
	}
	budget := f.opt.MaxBytes
	if err := f.decode(ctx, n, d.t, raw, numel, count, &budget); err != nil {
		return f.errorf(path, err)
	}
	return nil
}

// raw returns the stored bytes of the hyperslab (start, count) of d, row-major.
func (f *File) raw(ctx context.Context, d *dataset, start, count []int) ([]byte, error) {
	es := d.t.size
	numel := product(count)
	dst := make([]byte, numel*es)
	if d.fill != nil && !allZero(d.fill) {
		for i := 0; i < numel; i++ {
			copy(dst[i*es:], d.fill)
		}
	}
	if numel == 0 {
		return dst, nil
	}
	dims := d.space.dims
	l := d.layout
	switch l.class {
	case layoutCompact:
		if uint64(d.numel())*uint64(es) > uint64(len(l.compact)) {
			return nil, fmt.Errorf("compact data of %d bytes for shape %v of %d-byte values", len(l.compact), dims, es)
		}
		return dst, copyBox(dst, start, count, make([]int, len(dims)), dims, es, func(off, n int) ([]byte, error) {
			return l.compact[off : off+n], nil
		})
	case layoutContiguous:
		if l.addr == undef {
			return dst, nil // never written: the fill value
		}
		total := uint64(d.numel()) * uint64(es)
		if l.addr >= f.r.size || total > f.r.size-l.addr {
			return nil, fmt.Errorf("contiguous data [%d, +%d) lies outside the file (%d bytes)", l.addr, total, f.r.size)
		}
		if slices.Equal(count, dims) {
			// The whole dataset: read in pieces, so that a long read can be stopped.
			const piece = 16 << 20
			for off := 0; off < len(dst); off += piece {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				b, err := f.r.at(l.addr+uint64(off), uint64(min(piece, len(dst)-off)))
				if err != nil {
					return nil, err
				}
				copy(dst[off:], b)
			}
			return dst, nil
		}
		// A slice: the runs copyBox asks for come in increasing order, so they are served from
		// a window of the file read 4 MiB at a time, checking ctx between windows.
		var win []byte
		var winAt uint64
		return dst, copyBox(dst, start, count, make([]int, len(dims)), dims, es, func(off, n int) ([]byte, error) {
			a := l.addr + uint64(off)
			if a < winAt || a+uint64(n) > winAt+uint64(len(win)) {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				var err error
				winAt = a
				if win, err = f.r.at(a, min(max(uint64(n), 4<<20), l.addr+total-a)); err != nil {
					return nil, err
				}
			}
			return win[a-winAt : a-winAt+uint64(n)], nil
		})
	case layoutChunked:
		return dst, f.readChunks(ctx, d, start, count, dst)
	case layoutVirtual:
		return nil, fmt.Errorf("virtual datasets (layout class 3) are not supported")
	}
	return nil, fmt.Errorf("layout class %d", l.class)
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// copyBox copies the elements of a source box (origin so, shape sd, es bytes each, read through
// read(offset, n) in row-major order) that fall inside the selection (start, count) into dst,
// which holds the selection row-major.
func copyBox(dst []byte, start, count, so, sd []int, es int, read func(off, n int) ([]byte, error)) error {
	rank := len(count)
	if rank == 0 {
		b, err := read(0, es)
		if err != nil {
			return err
		}
		copy(dst, b)
		return nil
	}
	lo, hi := make([]int, rank), make([]int, rank)
	for d := 0; d < rank; d++ {
		lo[d] = max(start[d], so[d])
		hi[d] = min(start[d]+count[d], so[d]+sd[d])
		if lo[d] >= hi[d] {
			return nil
		}
	}
	last := rank - 1
	run := (hi[last] - lo[last]) * es
	idx := slices.Clone(lo)
	for {
		s, t := 0, 0 // row-major offsets in the box and in the selection
		for d := 0; d < rank; d++ {
			s = s*sd[d] + idx[d] - so[d]
			t = t*count[d] + idx[d] - start[d]
		}
		b, err := read(s*es, run)
		if err != nil {
			return err
		}
		copy(dst[t*es:], b)
		d := last - 1
		for ; d >= 0; d-- {
			idx[d]++
			if idx[d] < hi[d] {
				break
			}
			idx[d] = lo[d]
		}
		if d < 0 {
			return nil
		}
	}
}
