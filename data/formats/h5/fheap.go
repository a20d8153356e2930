package h5

import (
	"context"
	"fmt"
)

// fheap is a fractal heap header (format specification III.G), where groups in dense storage
// keep their link messages and objects their attribute messages.
type fheap struct {
	addr                  uint64
	idLen, filterLen      int
	flags                 int
	width                 int
	startBlock, maxDirect uint64
	maxHeapBits           int
	root                  uint64
	huge                  uint64 // version 2 B-tree of "huge" objects
	rootRows              int
	offBytes, lenBytes    int
	maxDirectRows         int
}

func (r *reader) readFHeap(addr uint64) (*fheap, error) {
	o, l := r.offsetSize, r.lengthSize
	b, err := r.at(addr, uint64(4+1+2+2+1+4+l+o+l+o+8*l+2+l+l+2+2+o+2))
	if err != nil {
		return nil, fmt.Errorf("fractal heap: %w", err)
	}
	c := r.cursor(b, addr)
	c.signature("FRHP")
	c.skip(1)
	h := &fheap{addr: addr, idLen: c.u16(), filterLen: c.u16(), flags: c.u8()}
	maxManaged := uint64(c.u32())
	c.skip(l)
	h.huge = c.addr()
	c.skip(l + o + 8*l)
	h.width = c.u16()
	h.startBlock = c.length()
	h.maxDirect = c.length()
	h.maxHeapBits = c.u16()
	c.u16() // starting rows of the root indirect block
	h.root = c.addr()
	h.rootRows = c.u16()
	if c.err != nil {
		return nil, fmt.Errorf("fractal heap: %w", c.err)
	}
	if h.filterLen > 0 {
		return nil, fmt.Errorf("fractal heap at offset %d: filtered heap blocks are not supported", addr)
	}
	if h.width == 0 || h.width > 1<<12 || h.startBlock == 0 || h.startBlock&(h.startBlock-1) != 0 ||
		h.maxDirect < h.startBlock || h.maxDirect&(h.maxDirect-1) != 0 || h.maxHeapBits == 0 || h.maxHeapBits > 64 ||
		h.idLen < 1 || h.idLen > 1<<10 {
		return nil, fmt.Errorf("fractal heap at offset %d: table width %d, blocks %d to %d bytes, %d heap bits, %d-byte IDs", addr, h.width, h.startBlock, h.maxDirect, h.maxHeapBits, h.idLen)
	}
	h.offBytes = (h.maxHeapBits + 7) / 8
	// The length field of a managed object's ID (H5HF__hdr_finish_init_phase1).
	h.lenBytes = min((log2(h.maxDirect)+7)/8, encSize(maxManaged))
	h.maxDirectRows = log2(h.maxDirect) - log2(h.startBlock) + 2
	return h, nil
}

// rowSize is the block size of row k of the doubling table.
func (h *fheap) rowSize(k int) uint64 {
	if k <= 1 {
		return h.startBlock
	}
	return h.startBlock << (k - 1)
}

// object returns the heap object whose ID is id.
func (r *reader) heapObject(h *fheap, id []byte) ([]byte, error) {
	if len(id) < 1 {
		return nil, fmt.Errorf("fractal heap at offset %d: empty heap ID", h.addr)
	}
	switch (id[0] >> 4) & 3 {
	case 0: // managed
		if len(id) < 1+h.offBytes+h.lenBytes {
			return nil, fmt.Errorf("fractal heap at offset %d: heap ID of %d bytes", h.addr, len(id))
		}
		off := uintLE(id[1:], h.offBytes)
		n := uintLE(id[1+h.offBytes:], h.lenBytes)
		return r.managed(h, off, n)
	case 2: // tiny: the object is in the ID itself
		if len(id) <= 18 {
			n := int(id[0]&0x0f) + 1
			if 1+n > len(id) {
				return nil, fmt.Errorf("fractal heap at offset %d: tiny object of %d bytes in a %d-byte ID", h.addr, n, len(id))
			}
			return id[1 : 1+n], nil
		}
		n := (int(id[0]&0x0f)<<8 | int(id[1])) + 1
		if 2+n > len(id) {
			return nil, fmt.Errorf("fractal heap at offset %d: tiny object of %d bytes in a %d-byte ID", h.addr, n, len(id))
		}
		return id[2 : 2+n], nil
	case 1:
		return r.hugeObject(h, id)
	}
	return nil, fmt.Errorf("fractal heap at offset %d: heap ID of unknown type %#x", h.addr, id[0])
}

// managed finds the direct block holding heap offset off and returns the n bytes there.
func (r *reader) managed(h *fheap, off, n uint64) ([]byte, error) {
	if h.root == undef {
		return nil, fmt.Errorf("fractal heap at offset %d is empty", h.addr)
	}
	block, blockOff, size := h.root, uint64(0), h.startBlock
	rows := h.rootRows
	for depth := 0; rows > 0; depth++ {
		// block is an indirect block of rows rows whose heap offsets start at blockOff.
		if depth > maxTreeDepth {
			return nil, fmt.Errorf("fractal heap at offset %d: indirect blocks nested deeper than %d", h.addr, maxTreeDepth)
		}
		rel := off - blockOff
		if off < blockOff {
			return nil, fmt.Errorf("fractal heap at offset %d: object offset %d precedes its block", h.addr, off)
		}
		var k int
		var start uint64
		for k = 0; k < rows; k++ {
			span := h.rowSize(k) * uint64(h.width)
			if rel < start+span {
				break
			}
			start += span
		}
		if k == rows {
			return nil, fmt.Errorf("fractal heap at offset %d: object offset %d beyond the heap", h.addr, off)
		}
		col := (rel - start) / h.rowSize(k)
		entry := uint64(k)*uint64(h.width) + col
		directRows := min(rows, h.maxDirectRows)
		var pos uint64
		if k < directRows {
			pos = entry * uint64(r.offsetSize)
		} else {
			pos = uint64(directRows*h.width)*uint64(r.offsetSize) + (entry-uint64(directRows*h.width))*uint64(r.offsetSize)
		}
		prefix := uint64(4 + 1 + r.offsetSize + h.offBytes)
		b, err := r.at(block+prefix+pos, uint64(r.offsetSize))
		if err != nil {
			return nil, fmt.Errorf("fractal heap at offset %d: indirect block: %w", h.addr, err)
		}
		child := uintLE(b, r.offsetSize)
		blockOff += start + col*h.rowSize(k)
		size = h.rowSize(k)
		if child == undef || child == 1<<(8*r.offsetSize)-1 {
			return nil, fmt.Errorf("fractal heap at offset %d: object offset %d lies in an unallocated block", h.addr, off)
		}
		block = child
		if k < directRows {
			rows = 0
		} else {
			// An indirect child of size s has log2(s) - log2(start·width) + 1 rows.
			rows = log2(size) - log2(h.startBlock*uint64(h.width)) + 1
			if rows <= 0 {
				return nil, fmt.Errorf("fractal heap at offset %d: indirect block of %d bytes", h.addr, size)
			}
		}
	}
	if off < blockOff || off-blockOff+n > size {
		return nil, fmt.Errorf("fractal heap at offset %d: object [%d, +%d) overruns its %d-byte direct block at heap offset %d", h.addr, off, n, size, blockOff)
	}
	sig, err := r.at(block, 4)
	if err != nil || string(sig) != "FHDB" {
		return nil, fmt.Errorf("fractal heap at offset %d: no direct block (FHDB) at offset %d", h.addr, block)
	}
	return r.at(block+(off-blockOff), n)
}

// hugeObject returns a "huge" object, one too large for the heap's blocks and stored on its
// own: its address and length are in the ID itself when they fit, otherwise in a version 2
// B-tree (type 1) keyed by the ID.
func (r *reader) hugeObject(h *fheap, id []byte) ([]byte, error) {
	o, l := r.offsetSize, r.lengthSize
	if len(id) >= 1+o+l {
		return r.at(uintLE(id[1:], o), uintLE(id[1+o:], l))
	}
	if h.huge == undef {
		return nil, fmt.Errorf("fractal heap at offset %d: huge object without a huge-object index", h.addr)
	}
	key := uintLE(id[1:], min(len(id)-1, 8))
	t, err := r.readBTree2(h.huge)
	if err != nil {
		return nil, err
	}
	if t.typ != 1 || t.recordSize < o+2*l {
		return nil, fmt.Errorf("fractal heap at offset %d: huge-object index of B-tree type %d, records of %d bytes (filtered heaps are not supported)", h.addr, t.typ, t.recordSize)
	}
	var addr, n uint64
	found := false
	err = r.records(context.Background(), t, func(rec []byte) error {
		if uintLE(rec[o+l:], l) == key {
			addr, n, found = uintLE(rec, o), uintLE(rec[o:], l), true
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("fractal heap at offset %d: no huge object %d", h.addr, key)
	}
	return r.at(addr, n)
}
