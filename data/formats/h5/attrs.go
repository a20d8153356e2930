package h5

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/jedi-neuro/jedi/data/formats"
)

// attrs returns the attributes of the object o at path, in name order. They are kept as
// attribute messages in the header, or (many or large ones) in a fractal heap indexed by a
// version 2 B-tree. An attribute this reader cannot decode is returned with Unsupported set,
// since one odd attribute should not make a whole object unreadable; a malformed attribute
// storage is an error.
func (f *File) attrs(ctx context.Context, o *object, path string) ([]*formats.Node, error) {
	r := f.r
	var out []*formats.Node
	for _, m := range o.all(msgAttribute) {
		out = append(out, f.attribute(ctx, m.data, m.addr))
	}
	if m, ok := o.find(msgAttrInfo); ok {
		c := r.cursor(m.data, m.addr)
		c.skip(1)
		if c.u8()&1 != 0 {
			c.skip(2)
		}
		heap, index := c.addr(), c.addr()
		if c.err != nil {
			return nil, f.errorf(path, fmt.Errorf("attribute info message: %w", c.err))
		}
		if heap != undef && index != undef {
			h, err := r.readFHeap(heap)
			if err != nil {
				return nil, f.errorf(path, err)
			}
			t, err := r.readBTree2(index)
			if err != nil {
				return nil, f.errorf(path, err)
			}
			if t.typ != 8 && t.typ != 9 {
				return nil, f.errorf(path, fmt.Errorf("attribute index at offset %d: B-tree type %d, want 8 or 9", index, t.typ))
			}
			err = r.records(ctx, t, func(rec []byte) error {
				if len(rec) < 8 {
					return fmt.Errorf("attribute index at offset %d: record of %d bytes", index, len(rec))
				}
				if len(out) >= f.opt.MaxObjects {
					return fmt.Errorf("more than %d attributes", f.opt.MaxObjects)
				}
				b, err := r.heapObject(h, rec[:8])
				if err != nil {
					out = append(out, &formats.Node{Class: "unreadable", Unsupported: err.Error()})
					return nil
				}
				out = append(out, f.attribute(ctx, b, heap))
				return nil
			})
			if err != nil {
				return nil, f.errorf(path, err)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// attribute decodes one attribute message (format specification IV.A.2.m).
func (f *File) attribute(ctx context.Context, b []byte, addr uint64) *formats.Node {
	n, err := f.attributeErr(ctx, b, addr)
	if err != nil {
		if n == nil {
			n = &formats.Node{Class: "unreadable"}
		}
		if errors.Is(err, context.Canceled) {
			err = context.Canceled
		}
		n.Data, n.Children = nil, nil
		n.Unsupported = fmt.Sprintf("attribute at offset %d: %v", addr, err)
	}
	return n
}

func (f *File) attributeErr(ctx context.Context, b []byte, addr uint64) (*formats.Node, error) {
	r := f.r
	c := r.cursor(b, addr)
	version := c.u8()
	flags := c.u8()
	nameLen, typeLen, spaceLen := c.u16(), c.u16(), c.u16()
	if version == 3 {
		c.skip(1) // name character set
	}
	if c.err != nil {
		return nil, c.err
	}
	if version < 1 || version > 3 {
		return nil, fmt.Errorf("attribute message version %d", version)
	}
	pad := func(n int) int {
		if version == 1 {
			return (n + 7) &^ 7
		}
		return n
	}
	name := cTrim(c.bytes(pad(nameLen)))
	n := &formats.Node{Name: name}
	tp := c.p
	tb := c.bytes(pad(typeLen))
	sp := c.p
	sb := c.bytes(pad(spaceLen))
	if c.err != nil {
		return n, c.err
	}
	var t *dtype
	var err error
	if flags&1 != 0 {
		t, err = f.datatypeMsg(headerMsg{typ: msgDatatype, flags: 2, data: tb, addr: addr + uint64(tp)})
	} else {
		t, err = r.parseDatatype(tb, addr+uint64(tp))
	}
	if err != nil {
		return n, err
	}
	if flags&2 != 0 {
		return n, fmt.Errorf("shared dataspace is not supported")
	}
	space, err := r.parseDataspace(sb, addr+uint64(sp))
	if err != nil {
		return n, err
	}
	describe(n, t, space.dims)
	if space.null {
		n.Shape = nil
		return n, nil
	}
	numel := product(space.dims)
	data := b[c.p:]
	if numel > 0 && len(data)/numel < t.size {
		return n, fmt.Errorf("%d bytes of data for shape %v of %d-byte values", len(data), space.dims, t.size)
	}
	if n.Unsupported != "" {
		return n, nil
	}
	budget := f.opt.MaxBytes
	if err := f.decode(ctx, n, t, data, numel, space.dims, &budget); err != nil {
		return n, err
	}
	return n, nil
}
