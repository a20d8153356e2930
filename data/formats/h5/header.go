package h5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Object header message types (HDF5 file format specification, IV.A.2).
const (
	msgDataspace    = 0x01
	msgDatatype     = 0x03
	msgLayout       = 0x08
	msgContinuation = 0x10
)

// maxHeaderBlocks bounds the continuation blocks followed in one object header, so that a
// forged file whose continuations form a cycle cannot loop.
const maxHeaderBlocks = 1024

// headerMsg is one object header message.
type headerMsg struct {
	typ  uint16
	data []byte
}

// geometry says how the file encodes addresses and lengths.
type geometry struct {
	offsetSize, lengthSize int
	fileSize               int64
}

// uint reads a little-endian unsigned integer of width bytes (HDF5 metadata is little-endian).
func uintLE(b []byte, width int) uint64 {
	var v uint64
	for i := width - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// readAt reads n bytes at addr, refusing ranges outside the file before allocating.
func (g geometry) readAt(r io.ReaderAt, addr uint64, n uint64) ([]byte, error) {
	if addr >= uint64(g.fileSize) || n > uint64(g.fileSize)-addr {
		return nil, fmt.Errorf("range [%d, +%d) lies outside the file (%d bytes)", addr, n, g.fileSize)
	}
	b := make([]byte, n)
	if _, err := r.ReadAt(b, int64(addr)); err != nil {
		return nil, err
	}
	return b, nil
}

// headerShape says how an object header was stored: its version and how many blocks.
type headerShape struct {
	v2 bool
	n  int
}

// readHeader returns the messages of the object header at addr, following continuation blocks.
// Only the messages this package needs to interpret are looked at by callers; the scigolib
// library parses the rest.
func readHeader(r io.ReaderAt, g geometry, addr uint64) ([]headerMsg, headerShape, error) {
	sig, err := g.readAt(r, addr, 4)
	if err != nil {
		return nil, headerShape{}, fmt.Errorf("object header: %w", err)
	}
	if string(sig) == "OHDR" {
		msgs, n, err := readHeaderV2(r, g, addr)
		return msgs, headerShape{true, n}, err
	}
	msgs, n, err := readHeaderV1(r, g, addr)
	return msgs, headerShape{false, n}, err
}

func readHeaderV1(r io.ReaderAt, g geometry, addr uint64) ([]headerMsg, int, error) {
	pre, err := g.readAt(r, addr, 16)
	if err != nil {
		return nil, 0, fmt.Errorf("object header: %w", err)
	}
	if pre[0] != 1 {
		return nil, 0, fmt.Errorf("object header at %d: version %d, want 1 or OHDR", addr, pre[0])
	}
	left := int(binary.LittleEndian.Uint16(pre[2:]))
	type block struct{ addr, size uint64 }
	todo := []block{{addr + 16, uint64(binary.LittleEndian.Uint32(pre[8:]))}}
	var msgs []headerMsg
	blocks := 0
	for ; len(todo) > 0 && left > 0; blocks++ {
		n := blocks
		if n == maxHeaderBlocks {
			return nil, 0, fmt.Errorf("object header at %d: more than %d continuation blocks", addr, maxHeaderBlocks)
		}
		blk := todo[0]
		todo = todo[1:]
		b, err := g.readAt(r, blk.addr, blk.size)
		if err != nil {
			return nil, 0, fmt.Errorf("object header at %d: %w", addr, err)
		}
		for p := 0; p+8 <= len(b) && left > 0; left-- {
			typ := binary.LittleEndian.Uint16(b[p:])
			size := int(binary.LittleEndian.Uint16(b[p+2:]))
			p += 8
			if size > len(b)-p {
				return nil, 0, fmt.Errorf("object header at %d: message of %d bytes overruns its block", addr, size)
			}
			m := headerMsg{typ: typ, data: b[p : p+size]}
			p += size
			if typ == msgContinuation {
				c, err := continuation(g, m.data)
				if err != nil {
					return nil, 0, fmt.Errorf("object header at %d: %w", addr, err)
				}
				todo = append(todo, block{c[0], c[1]})
				continue
			}
			msgs = append(msgs, m)
		}
	}
	return msgs, blocks, nil
}

func continuation(g geometry, d []byte) ([2]uint64, error) {
	if len(d) < g.offsetSize+g.lengthSize {
		return [2]uint64{}, errors.New("continuation message truncated")
	}
	return [2]uint64{uintLE(d, g.offsetSize), uintLE(d[g.offsetSize:], g.lengthSize)}, nil
}

func readHeaderV2(r io.ReaderAt, g geometry, addr uint64) ([]headerMsg, int, error) {
	pre, err := g.readAt(r, addr, 6)
	if err != nil {
		return nil, 0, fmt.Errorf("object header: %w", err)
	}
	if pre[4] != 2 {
		return nil, 0, fmt.Errorf("object header at %d: OHDR version %d, want 2", addr, pre[4])
	}
	flags := pre[5]
	p := addr + 6
	if flags&0x20 != 0 {
		p += 16 // access, modification, change and birth times
	}
	if flags&0x10 != 0 {
		p += 4 // attribute phase change values
	}
	width := uint64(1) << (flags & 3)
	sz, err := g.readAt(r, p, width)
	if err != nil {
		return nil, 0, fmt.Errorf("object header at %d: %w", addr, err)
	}
	p += width
	orderTracked := flags&0x04 != 0
	type block struct{ addr, size uint64 }
	todo := []block{{p, uintLE(sz, int(width))}}
	var msgs []headerMsg
	blocks := 0
	for ; len(todo) > 0; blocks++ {
		n := blocks
		if n == maxHeaderBlocks {
			return nil, 0, fmt.Errorf("object header at %d: more than %d continuation blocks", addr, maxHeaderBlocks)
		}
		blk := todo[0]
		todo = todo[1:]
		b, err := g.readAt(r, blk.addr, blk.size)
		if err != nil {
			return nil, 0, fmt.Errorf("object header at %d: %w", addr, err)
		}
		if n > 0 {
			// A continuation block is "OCHK", messages, and a checksum.
			if len(b) < 8 || string(b[:4]) != "OCHK" {
				return nil, 0, fmt.Errorf("object header at %d: continuation block at %d lacks OCHK", addr, blk.addr)
			}
			b = b[4 : len(b)-4]
		}
		hl := 4
		if orderTracked {
			hl = 6
		}
		// A gap shorter than a message header may end the block.
		for q := 0; q+hl <= len(b); {
			typ := uint16(b[q])
			size := int(binary.LittleEndian.Uint16(b[q+1:]))
			q += hl
			if size > len(b)-q {
				return nil, 0, fmt.Errorf("object header at %d: message of %d bytes overruns its block", addr, size)
			}
			m := headerMsg{typ: typ, data: b[q : q+size]}
			q += size
			if typ == msgContinuation {
				c, err := continuation(g, m.data)
				if err != nil {
					return nil, 0, fmt.Errorf("object header at %d: %w", addr, err)
				}
				todo = append(todo, block{c[0], c[1]})
				continue
			}
			msgs = append(msgs, m)
		}
	}
	return msgs, blocks, nil
}
