package h5

import (
	"context"
	"fmt"
)

// maxTreeDepth bounds the levels of any B-tree; real trees have a handful.
const maxTreeDepth = 64

// btree1 walks the version 1 B-tree at addr (format specification III.A.1) of node type typ
// (0 group, 1 chunk) and calls leaf with every key preceding a child pointer of a leaf node, and
// that child's address. Every node is read once: a node reached twice is an error, so forged
// trees that point at themselves cannot loop or fan out. keySize is the size of one key.
func (r *reader) btree1(ctx context.Context, addr uint64, typ, keySize int, leaf func(key []byte, child uint64) error) error {
	seen := map[uint64]bool{}
	var walk func(addr uint64, depth, wantLevel int) error
	walk = func(addr uint64, depth, wantLevel int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if depth > maxTreeDepth {
			return fmt.Errorf("B-tree node at offset %d: deeper than %d levels", addr, maxTreeDepth)
		}
		if seen[addr] {
			return fmt.Errorf("B-tree node at offset %d reached twice (corrupt or forged tree)", addr)
		}
		seen[addr] = true
		head, err := r.at(addr, uint64(8+2*r.offsetSize))
		if err != nil {
			return fmt.Errorf("B-tree node: %w", err)
		}
		c := r.cursor(head, addr)
		c.signature("TREE")
		ntype, level, used := c.u8(), c.u8(), c.u16()
		if c.err != nil {
			return fmt.Errorf("B-tree node: %w", c.err)
		}
		if ntype != typ {
			return fmt.Errorf("B-tree node at offset %d: type %d, want %d", addr, ntype, typ)
		}
		if wantLevel >= 0 && level != wantLevel {
			return fmt.Errorf("B-tree node at offset %d: level %d under a node of level %d", addr, level, wantLevel+1)
		}
		body := uint64(used)*uint64(keySize+r.offsetSize) + uint64(keySize)
		b, err := r.at(addr+uint64(len(head)), body)
		if err != nil {
			return fmt.Errorf("B-tree node at offset %d with %d entries: %w", addr, used, err)
		}
		c = r.cursor(b, addr+uint64(len(head)))
		for i := 0; i < used; i++ {
			key := c.bytes(keySize)
			child := c.addr()
			if c.err != nil {
				return fmt.Errorf("B-tree node: %w", c.err)
			}
			if level == 0 {
				if err := leaf(key, child); err != nil {
					return err
				}
			} else if err := walk(child, depth+1, level-1); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(addr, 0, -1)
}

// btree2 is a version 2 B-tree header (format specification III.A.2).
type btree2 struct {
	addr       uint64
	typ        int
	nodeSize   uint64
	recordSize int
	depth      int
	root       uint64
	rootN      int
	// maxN[d] is the most records a node at depth d (0 = leaves) holds; totalSize[d] the bytes
	// that count the records below a child of a node at depth d+1.
	maxN      []int
	totalSize []int
	nSize     int
}

func (r *reader) readBTree2(addr uint64) (*btree2, error) {
	b, err := r.at(addr, uint64(4+1+1+4+2+2+1+1+r.offsetSize+2+r.lengthSize))
	if err != nil {
		return nil, fmt.Errorf("version 2 B-tree header: %w", err)
	}
	c := r.cursor(b, addr)
	c.signature("BTHD")
	c.skip(1)
	t := &btree2{addr: addr, typ: c.u8(), nodeSize: uint64(c.u32()), recordSize: c.u16(), depth: c.u16()}
	c.skip(2)
	t.root = c.addr()
	t.rootN = c.u16()
	if c.err != nil {
		return nil, fmt.Errorf("version 2 B-tree header: %w", c.err)
	}
	if t.recordSize == 0 || t.nodeSize < 10+uint64(t.recordSize) || t.nodeSize > 1<<24 || t.depth > maxTreeDepth {
		return nil, fmt.Errorf("version 2 B-tree header at offset %d: node size %d, record size %d, depth %d", addr, t.nodeSize, t.recordSize, t.depth)
	}
	// Node capacities as the library computes them (H5B2__hdr_init).
	t.maxN = make([]int, t.depth+1)
	cum := make([]uint64, t.depth+1)
	t.totalSize = make([]int, t.depth+1)
	t.maxN[0] = int((t.nodeSize - 10) / uint64(t.recordSize))
	cum[0] = uint64(t.maxN[0])
	t.nSize = encSize(uint64(t.maxN[0]))
	for d := 1; d <= t.depth; d++ {
		ptr := uint64(r.offsetSize + t.nSize)
		if d > 1 {
			ptr += uint64(t.totalSize[d-1])
		}
		if t.nodeSize < 10+ptr {
			return nil, fmt.Errorf("version 2 B-tree header at offset %d: nodes of %d bytes cannot hold a child pointer", addr, t.nodeSize)
		}
		t.maxN[d] = int((t.nodeSize - 10 - ptr) / (uint64(t.recordSize) + ptr))
		cum[d] = (uint64(t.maxN[d])+1)*cum[d-1] + uint64(t.maxN[d])
		if cum[d] > 1<<56 {
			cum[d] = 1 << 56
		}
		t.totalSize[d] = encSize(cum[d])
	}
	return t, nil
}

// records calls fn with every record of the tree, in key order.
func (r *reader) records(ctx context.Context, t *btree2, fn func(rec []byte) error) error {
	if t.root == undef || t.rootN == 0 {
		return nil
	}
	seen := map[uint64]bool{}
	var walk func(addr uint64, n, depth int) error
	walk = func(addr uint64, n, depth int) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if seen[addr] {
			return fmt.Errorf("version 2 B-tree node at offset %d reached twice (corrupt or forged tree)", addr)
		}
		seen[addr] = true
		if n > t.maxN[depth] {
			return fmt.Errorf("version 2 B-tree node at offset %d: %d records, at most %d fit", addr, n, t.maxN[depth])
		}
		b, err := r.at(addr, t.nodeSize)
		if err != nil {
			return fmt.Errorf("version 2 B-tree node: %w", err)
		}
		c := r.cursor(b, addr)
		if depth == 0 {
			c.signature("BTLF")
		} else {
			c.signature("BTIN")
		}
		c.skip(2)
		recs := c.bytes(n * t.recordSize)
		if c.err != nil {
			return fmt.Errorf("version 2 B-tree node: %w", c.err)
		}
		if depth == 0 {
			for i := 0; i < n; i++ {
				if err := fn(recs[i*t.recordSize : (i+1)*t.recordSize]); err != nil {
					return err
				}
			}
			return nil
		}
		type child struct {
			addr uint64
			n    int
		}
		kids := make([]child, n+1)
		for i := range kids {
			kids[i].addr = c.addr()
			kids[i].n = int(c.uint(t.nSize))
			if depth > 1 {
				c.uint(t.totalSize[depth-1])
			}
		}
		if c.err != nil {
			return fmt.Errorf("version 2 B-tree node: %w", c.err)
		}
		for i, k := range kids {
			if err := walk(k.addr, k.n, depth-1); err != nil {
				return err
			}
			if i < n {
				if err := fn(recs[i*t.recordSize : (i+1)*t.recordSize]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(t.root, t.rootN, t.depth)
}

// localHeap is a local heap's data segment (format specification III.D), where version 1
// groups keep their member names.
func (r *reader) localHeap(addr uint64) ([]byte, error) {
	b, err := r.at(addr, uint64(8+2*r.lengthSize+r.offsetSize))
	if err != nil {
		return nil, fmt.Errorf("local heap: %w", err)
	}
	c := r.cursor(b, addr)
	c.signature("HEAP")
	c.skip(4)
	size := c.length()
	c.length()
	data := c.addr()
	if c.err != nil {
		return nil, fmt.Errorf("local heap: %w", c.err)
	}
	seg, err := r.at(data, size)
	if err != nil {
		return nil, fmt.Errorf("local heap at offset %d: data segment: %w", addr, err)
	}
	return seg, nil
}

// heapString returns the null-terminated string at off of a local heap segment.
func heapString(seg []byte, off uint64) (string, error) {
	if off >= uint64(len(seg)) {
		return "", fmt.Errorf("name at heap offset %d, past the heap's %d bytes", off, len(seg))
	}
	s := seg[off:]
	for i, b := range s {
		if b == 0 {
			return string(s[:i]), nil
		}
	}
	return "", fmt.Errorf("name at heap offset %d is not terminated", off)
}

// globalObject returns object idx of the global heap collection at addr (format specification
// III.E), from a cache of parsed collections.
func (f *File) globalObject(addr uint64, idx uint32) ([]byte, error) {
	objs, ok := f.gheaps[addr]
	if !ok {
		var err error
		if objs, err = f.readGlobalHeap(addr); err != nil {
			return nil, err
		}
		f.gheaps[addr] = objs
	}
	o, ok := objs[idx]
	if !ok {
		return nil, fmt.Errorf("global heap collection at offset %d has no object %d", addr, idx)
	}
	return o, nil
}

func (f *File) readGlobalHeap(addr uint64) (map[uint32][]byte, error) {
	r := f.r
	head, err := r.at(addr, uint64(8+r.lengthSize))
	if err != nil {
		return nil, fmt.Errorf("global heap collection: %w", err)
	}
	c := r.cursor(head, addr)
	c.signature("GCOL")
	c.skip(4)
	size := c.length()
	if c.err != nil {
		return nil, fmt.Errorf("global heap collection: %w", c.err)
	}
	b, err := r.at(addr, size)
	if err != nil {
		return nil, fmt.Errorf("global heap collection at offset %d: %w", addr, err)
	}
	objs := map[uint32][]byte{}
	c = r.cursor(b, addr)
	c.skip(8 + r.lengthSize)
	for c.left() >= 8+r.lengthSize {
		idx := c.u16()
		c.skip(6)
		n := c.length()
		if idx == 0 {
			break // free space
		}
		if n > uint64(c.left()) {
			return nil, fmt.Errorf("global heap collection at offset %d: object %d of %d bytes overruns the collection", addr, idx, n)
		}
		objs[uint32(idx)] = c.bytes(int(n))
		c.skip(min(int((8-n%8)%8), c.left()))
	}
	return objs, nil
}
