package h5

import (
	"context"
	"fmt"
	"sort"
)

// Link kinds.
const (
	linkHard     = 0
	linkSoft     = 1
	linkExternal = 64
)

// link is one group member.
type link struct {
	name   string
	kind   int
	addr   uint64 // hard links: the object header
	target string // soft links: the path; external links: "file:path"
}

// links returns the members of the group whose header is o, sorted by name (as h5ls lists them,
// whatever order the group's storage keeps). The group may keep them in a symbol table (HDF5
// 1.6 style), as link messages in its header (compact), or in a fractal heap indexed by a
// version 2 B-tree (dense).
func (f *File) links(ctx context.Context, o *object) ([]link, error) {
	r := f.r
	var out []link
	if m, ok := o.find(msgSymbolTable); ok {
		c := r.cursor(m.data, m.addr)
		tree, heap := c.addr(), c.addr()
		if c.err != nil {
			return nil, fmt.Errorf("symbol table message: %w", c.err)
		}
		seg, err := r.localHeap(heap)
		if err != nil {
			return nil, err
		}
		err = r.btree1(ctx, tree, 0, r.lengthSize, func(_ []byte, snod uint64) error {
			ls, err := f.symbolNode(snod, seg)
			if err != nil {
				return err
			}
			if len(out)+len(ls) > f.opt.MaxObjects {
				return fmt.Errorf("group with more than %d members", f.opt.MaxObjects)
			}
			out = append(out, ls...)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, m := range o.all(msgLink) {
		l, err := r.parseLink(m.data, m.addr)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if m, ok := o.find(msgLinkInfo); ok {
		c := r.cursor(m.data, m.addr)
		c.skip(1)
		if c.u8()&1 != 0 {
			c.skip(8)
		}
		heap, index := c.addr(), c.addr()
		if c.err != nil {
			return nil, fmt.Errorf("link info message: %w", c.err)
		}
		if heap != undef && index != undef {
			h, err := r.readFHeap(heap)
			if err != nil {
				return nil, err
			}
			t, err := r.readBTree2(index)
			if err != nil {
				return nil, err
			}
			if t.typ != 5 && t.typ != 6 {
				return nil, fmt.Errorf("link index at offset %d: B-tree type %d, want 5 or 6", index, t.typ)
			}
			skip := 4 // a name's hash precedes the heap ID
			if t.typ == 6 {
				skip = 8 // a creation order
			}
			err = r.records(ctx, t, func(rec []byte) error {
				if len(rec) < skip+1 {
					return fmt.Errorf("link index at offset %d: record of %d bytes", index, len(rec))
				}
				b, err := r.heapObject(h, rec[skip:])
				if err != nil {
					return err
				}
				l, err := r.parseLink(b, heap)
				if err != nil {
					return err
				}
				if len(out) >= f.opt.MaxObjects {
					return fmt.Errorf("group with more than %d members", f.opt.MaxObjects)
				}
				out = append(out, l)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	for i := 1; i < len(out); i++ {
		if out[i].name == out[i-1].name {
			return nil, fmt.Errorf("two members named %q", out[i].name)
		}
	}
	return out, nil
}

// symbolNode reads a symbol table node ("SNOD") of a version 1 group.
func (f *File) symbolNode(addr uint64, seg []byte) ([]link, error) {
	r := f.r
	head, err := r.at(addr, 8)
	if err != nil {
		return nil, fmt.Errorf("symbol table node: %w", err)
	}
	c := r.cursor(head, addr)
	c.signature("SNOD")
	c.skip(2)
	n := c.u16()
	if c.err != nil {
		return nil, fmt.Errorf("symbol table node: %w", c.err)
	}
	entry := 2*r.offsetSize + 4 + 4 + 16
	b, err := r.at(addr+8, uint64(n*entry))
	if err != nil {
		return nil, fmt.Errorf("symbol table node at offset %d with %d entries: %w", addr, n, err)
	}
	c = r.cursor(b, addr+8)
	out := make([]link, 0, n)
	for i := 0; i < n; i++ {
		nameOff := c.uint(r.offsetSize)
		obj := c.addr()
		cache := c.u32()
		c.skip(4)
		scratch := c.bytes(16)
		if c.err != nil {
			return nil, fmt.Errorf("symbol table node: %w", c.err)
		}
		name, err := heapString(seg, nameOff)
		if err != nil {
			return nil, fmt.Errorf("symbol table node at offset %d, entry %d: %w", addr, i, err)
		}
		if name == "" || obj == 0 && cache != 2 {
			return nil, fmt.Errorf("symbol table node at offset %d, entry %d: name %q at heap offset %d, object header at %d: corrupt symbol table", addr, i, name, nameOff, obj)
		}
		l := link{name: name, kind: linkHard, addr: obj}
		if cache == 2 {
			// A soft link: the scratch pad holds the offset of its value in the heap.
			target, err := heapString(seg, uint64(uintLE(scratch, 4)))
			if err != nil {
				return nil, fmt.Errorf("symbol table node at offset %d, soft link %q: %w", addr, name, err)
			}
			l = link{name: name, kind: linkSoft, target: target}
		}
		out = append(out, l)
	}
	return out, nil
}

// parseLink decodes a link message (format specification IV.A.2.g).
func (r *reader) parseLink(b []byte, addr uint64) (link, error) {
	c := r.cursor(b, addr)
	var l link
	if v := c.u8(); v != 1 {
		return l, fmt.Errorf("link message at offset %d: version %d, want 1", addr, v)
	}
	flags := c.u8()
	if flags&0x08 != 0 {
		l.kind = c.u8()
	}
	if flags&0x04 != 0 {
		c.skip(8) // creation order
	}
	if flags&0x10 != 0 {
		c.skip(1) // name character set
	}
	n := int(c.uint(1 << (flags & 3)))
	l.name = string(c.bytes(n))
	switch l.kind {
	case linkHard:
		l.addr = c.addr()
	case linkSoft:
		l.target = string(c.bytes(c.u16()))
	case linkExternal:
		v := c.bytes(c.u16())
		if len(v) > 1 {
			// Version and flags, then the file name and the object path, each null-terminated.
			file := cTrim(v[1:])
			path := ""
			if 1+len(file)+1 < len(v) {
				path = cTrim(v[1+len(file)+1:])
			}
			l.target = file + ":" + path
		}
	default:
		if c.err == nil {
			return l, fmt.Errorf("link message at offset %d: link %q of kind %d", addr, l.name, l.kind)
		}
	}
	if c.err != nil {
		return l, fmt.Errorf("link message: %w", c.err)
	}
	if l.name == "" {
		return l, fmt.Errorf("link message at offset %d: empty name", addr)
	}
	return l, nil
}
