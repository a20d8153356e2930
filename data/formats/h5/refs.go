package h5

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/data/formats"
)

// index maps every object reachable from the root by hard links to its first path, in name
// order, for resolving references. It walks groups only, each once, within the file's limits;
// only a cancelled context makes it fail.
func (f *File) index(ctx context.Context) error {
	if f.paths != nil {
		return nil
	}
	paths := map[uint64]string{f.sb.root: "/"}
	var walk func(addr uint64, path string, depth int) error
	walk = func(addr uint64, path string, depth int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if depth > f.opt.MaxDepth {
			return f.errorf(path, fmt.Errorf("groups nested deeper than %d", f.opt.MaxDepth))
		}
		o, err := f.object(addr)
		if err != nil {
			return f.errorf(path, err)
		}
		if o.kind() != "group" {
			return nil
		}
		ls, err := f.links(ctx, o)
		if err != nil {
			return f.errorf(path, err)
		}
		for _, l := range ls {
			if l.kind != linkHard {
				continue
			}
			if _, ok := paths[l.addr]; ok {
				continue
			}
			if len(paths) >= f.opt.MaxObjects {
				return f.errorf(path, fmt.Errorf("more than %d objects", f.opt.MaxObjects))
			}
			p := join(path, l.name)
			paths[l.addr] = p
			if err := walk(l.addr, p, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(f.sb.root, "/", 0); err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return err
	}
	// A damaged group elsewhere in the file leaves the paths found so far; references to what
	// lies beyond it are named by address.
	f.paths = paths
	return nil
}

// pathOf returns the path of the object at addr; an object no group links to is named by its
// address, "@1234", which Deref also accepts.
func (f *File) pathOf(ctx context.Context, addr uint64) (string, error) {
	if err := f.index(ctx); err != nil {
		return "", err
	}
	if p, ok := f.paths[addr]; ok {
		return p, nil
	}
	if _, err := f.object(addr); err != nil {
		return "", fmt.Errorf("reference to offset %d: %w", addr, err)
	}
	return "@" + strconv.FormatUint(addr, 10), nil
}

// objectRef decodes an object reference (the target's object header address); a null
// reference is "".
func (f *File) objectRef(ctx context.Context, b []byte) (string, error) {
	addr := uintLE(b, min(len(b), f.r.offsetSize))
	if addr == 0 || addr == undef || addr == 1<<(8*f.r.offsetSize)-1 {
		return "", nil
	}
	return f.pathOf(ctx, addr)
}

// regionRef decodes a dataset region reference: a global heap object holding the dataset's
// address and its serialized selection. The result is the dataset's path followed by the
// selection in brackets (see the package documentation); a null reference is "".
func (f *File) regionRef(ctx context.Context, b []byte) (string, error) {
	r := f.r
	if len(b) < r.offsetSize+4 {
		return "", fmt.Errorf("region reference of %d bytes", len(b))
	}
	heap := uintLE(b, r.offsetSize)
	idx := binary.LittleEndian.Uint32(b[r.offsetSize:])
	if heap == 0 || heap == undef || heap == 1<<(8*r.offsetSize)-1 {
		return "", nil
	}
	obj, err := f.globalObject(heap, idx)
	if err != nil {
		return "", err
	}
	c := r.cursor(obj, heap)
	addr := c.addr()
	sel := parseSelection(c)
	if c.err != nil {
		return "", fmt.Errorf("region reference: %w", c.err)
	}
	p, err := f.pathOf(ctx, addr)
	if err != nil {
		return "", err
	}
	return p + sel, nil
}

// parseSelection decodes a serialized dataspace selection (H5S_SELECT_SERIALIZE) into the
// bracket notation of the package documentation: "" for all, "[]" for none,
// "[(i,j),(k,l)]" for points, "[a:b,c:d;e:f,g:h]" for hyperslab blocks (start:end, end
// exclusive, per dimension; blocks separated by ";").
func parseSelection(c *cursor) string {
	typ := c.u32()
	version := c.u32()
	var b strings.Builder
	switch typ {
	case 0:
		return "[]"
	case 3:
		return ""
	case 1: // points
		if version != 1 {
			c.fail("point selection version %d", version)
			return ""
		}
		c.skip(4 + 4) // reserved, length
		rank := int(c.u32())
		n := int(c.u32())
		if rank > maxRank || uint64(n)*uint64(rank)*4 > uint64(c.left()) {
			c.fail("point selection of %d points of rank %d", n, rank)
			return ""
		}
		b.WriteByte('[')
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for d := 0; d < rank; d++ {
				if d > 0 {
					b.WriteByte(',')
				}
				b.WriteString(strconv.FormatUint(uint64(c.u32()), 10))
			}
			b.WriteByte(')')
		}
		b.WriteByte(']')
		return b.String()
	case 2: // hyperslab
		switch version {
		case 1:
			c.skip(4 + 4)
			rank := int(c.u32())
			n := int(c.u32())
			if rank > maxRank || uint64(n)*uint64(rank)*8 > uint64(c.left()) {
				c.fail("hyperslab selection of %d blocks of rank %d", n, rank)
				return ""
			}
			b.WriteByte('[')
			for i := 0; i < n; i++ {
				if i > 0 {
					b.WriteByte(';')
				}
				lo := make([]uint64, rank)
				for d := range lo {
					lo[d] = uint64(c.u32())
				}
				for d := range lo {
					if d > 0 {
						b.WriteByte(',')
					}
					fmt.Fprintf(&b, "%d:%d", lo[d], uint64(c.u32())+1)
				}
			}
			b.WriteByte(']')
			return b.String()
		case 2:
			flags := c.u8()
			c.skip(4)
			rank := int(c.u32())
			if flags&1 == 0 || rank > maxRank {
				c.fail("hyperslab selection version 2 with flags %#x, rank %d", flags, rank)
				return ""
			}
			// A regular hyperslab: start, stride, count, block per dimension; expanded to its
			// blocks.
			type dim struct{ start, stride, count, block uint64 }
			ds := make([]dim, rank)
			total := uint64(1)
			for i := range ds {
				ds[i] = dim{c.u64(), c.u64(), c.u64(), c.u64()}
				total *= max(ds[i].count, 1)
				if total > 1<<16 || ds[i].count == 0 {
					c.fail("regular hyperslab of more than 65536 blocks")
					return ""
				}
			}
			b.WriteByte('[')
			idx := make([]uint64, rank)
			for k := uint64(0); k < total; k++ {
				if k > 0 {
					b.WriteByte(';')
				}
				for d := range ds {
					if d > 0 {
						b.WriteByte(',')
					}
					s := ds[d].start + idx[d]*ds[d].stride
					fmt.Fprintf(&b, "%d:%d", s, s+ds[d].block)
				}
				for d := rank - 1; d >= 0; d-- {
					if idx[d]++; idx[d] < ds[d].count {
						break
					}
					idx[d] = 0
				}
			}
			b.WriteByte(']')
			return b.String()
		}
		c.fail("hyperslab selection version %d", version)
		return ""
	}
	c.fail("selection type %d", typ)
	return ""
}

// Deref returns what a reference, as Load gives it in the Data of a "reference" or "region
// reference" node, points to: for an object reference to a dataset the loaded dataset, to a
// group the group with every dataset below it loaded; for a region reference a 1-D node of the
// selected elements, in row-major order of the target dataset.
func (f *File) Deref(ctx context.Context, ref string) (*formats.Node, error) {
	if ref == "" {
		return nil, fmt.Errorf("%s: null reference", f.name)
	}
	path, sel := ref, ""
	if i := strings.IndexByte(ref, '['); i >= 0 && strings.HasSuffix(ref, "]") {
		path, sel = ref[:i], ref[i+1:len(ref)-1]
	}
	var addr uint64
	var err error
	if strings.HasPrefix(path, "@") {
		addr, err = strconv.ParseUint(path[1:], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: reference %q: bad address", f.name, ref)
		}
	} else if addr, path, err = f.resolve(ctx, path); err != nil {
		return nil, err
	}
	o, err := f.object(addr)
	if err != nil {
		return nil, f.errorf(path, err)
	}
	if o.kind() != "dataset" {
		if sel != "" || strings.HasSuffix(ref, "]") {
			return nil, f.errorf(path, fmt.Errorf("region reference to a %s", o.kind()))
		}
		w := &walker{f: f, ctx: ctx, load: -1, seen: map[uint64]string{}, budget: f.opt.MaxBytes}
		return w.object(addr, baseName(path), path, 0)
	}
	ds, err := f.dataset(o, path)
	if err != nil {
		return nil, err
	}
	n, err := f.datasetNode(ctx, ds, path)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(ref, "]") {
		return n, f.loadInto(ctx, ds, path, n, nil, nil)
	}
	return f.region(ctx, ds, path, n, sel)
}

// region loads the elements of the selection sel (bracket notation without the brackets) of ds.
func (f *File) region(ctx context.Context, ds *dataset, path string, n *formats.Node, sel string) (*formats.Node, error) {
	rank := len(ds.space.dims)
	var boxes [][2][]int // start, count
	switch {
	case sel == "":
	case strings.HasPrefix(sel, "("):
		for _, p := range strings.Split(strings.Trim(sel, "()"), "),(") {
			v, err := ints(p, ",")
			if err != nil || len(v) != rank {
				return nil, f.errorf(path, fmt.Errorf("region point %q for rank %d", p, rank))
			}
			boxes = append(boxes, [2][]int{v, ones(rank)})
		}
	default:
		for _, blk := range strings.Split(sel, ";") {
			parts := strings.Split(blk, ",")
			if len(parts) != rank {
				return nil, f.errorf(path, fmt.Errorf("region block %q for rank %d", blk, rank))
			}
			s, cnt := make([]int, rank), make([]int, rank)
			for d, p := range parts {
				v, err := ints(p, ":")
				if err != nil || len(v) != 2 || v[1] < v[0] {
					return nil, f.errorf(path, fmt.Errorf("region block %q", blk))
				}
				s[d], cnt[d] = v[0], v[1]-v[0]
			}
			boxes = append(boxes, [2][]int{s, cnt})
		}
	}
	// The whole dataset is loaded once and the selection gathered from it, so that many small
	// blocks cost no more than one read; the gathered elements are bounded like any load.
	if err := f.loadInto(ctx, ds, path, n, nil, nil); err != nil {
		return nil, err
	}
	dims := ds.space.dims
	var idx []int
	limit := int(min(f.opt.MaxBytes/8, 1<<40))
	for _, b := range boxes {
		for d := range dims {
			if b[0][d]+b[1][d] > dims[d] {
				return nil, f.errorf(path, fmt.Errorf("region %v+%v outside shape %v", b[0], b[1], dims))
			}
		}
		k := product(b[1])
		if len(idx)+k > limit {
			return nil, f.errorf(path, fmt.Errorf("region of more than %d elements", limit))
		}
		sub := make([]int, rank)
		for i := 0; i < k; i++ {
			r := 0
			for d := 0; d < rank; d++ {
				r = r*dims[d] + b[0][d] + sub[d]
			}
			idx = append(idx, r)
			for d := rank - 1; d >= 0; d-- {
				if sub[d]++; sub[d] < b[1][d] {
					break
				}
				sub[d] = 0
			}
		}
	}
	out := &formats.Node{Name: n.Name, Class: n.Class, Attrs: n.Attrs, Shape: []int{len(idx)}}
	switch v := n.Data.(type) {
	case []float64:
		g := make([]float64, len(idx))
		for i, r := range idx {
			g[i] = v[r]
		}
		out.Data = g
	case []string:
		g := make([]string, len(idx))
		for i, r := range idx {
			g[i] = v[r]
		}
		out.Data = g
	default:
		return nil, f.errorf(path, fmt.Errorf("region references into %s datasets are not supported", n.Class))
	}
	return out, nil
}

func ints(s, sep string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, sep) {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("bad index %q", p)
		}
		out = append(out, v)
	}
	return out, nil
}

func ones(n int) []int {
	v := make([]int, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
