package h5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// undef is the "undefined address" of the format: all bits set, at any offset size.
const undef = ^uint64(0)

// reader reads the file's bytes within its bounds. Addresses in the file are relative to the
// base, the offset of the superblock (512 in MATLAB v7.3 files, whose user block precedes it).
type reader struct {
	r          io.ReaderAt
	base       int64
	size       uint64 // bytes after the base
	offsetSize int    // bytes of an address
	lengthSize int    // bytes of a length
}

// at reads n bytes at address addr, refusing ranges outside the file before allocating.
func (r *reader) at(addr, n uint64) ([]byte, error) {
	if addr >= r.size || n > r.size-addr {
		return nil, fmt.Errorf("range [%d, +%d) lies outside the file (%d bytes)", addr, n, r.size)
	}
	b := make([]byte, n)
	if _, err := r.r.ReadAt(b, r.base+int64(addr)); err != nil && !(errors.Is(err, io.EOF) && n == 0) {
		return nil, fmt.Errorf("reading [%d, +%d): %w", addr, n, err)
	}
	return b, nil
}

// upTo reads at most n bytes at addr, fewer where the file ends first.
func (r *reader) upTo(addr, n uint64) ([]byte, error) {
	if addr >= r.size {
		return nil, fmt.Errorf("address %d lies outside the file (%d bytes)", addr, r.size)
	}
	return r.at(addr, min(n, r.size-addr))
}

// cursor decodes little-endian fields from a block of metadata, remembering the block's address
// for error messages. Reading past the end sets err and yields zeros, so a decoder checks err
// once after a run of fields.
type cursor struct {
	b   []byte
	p   int
	at  uint64 // file address of b[0]
	r   *reader
	err error
}

func (r *reader) cursor(b []byte, addr uint64) *cursor {
	return &cursor{b: b, at: addr, r: r}
}

func (c *cursor) fail(format string, args ...any) {
	if c.err == nil {
		c.err = fmt.Errorf("at offset %d: %s", c.at+uint64(c.p), fmt.Sprintf(format, args...))
	}
}

func (c *cursor) bytes(n int) []byte {
	if c.err != nil {
		return make([]byte, max(n, 0))
	}
	if n < 0 || n > len(c.b)-c.p {
		c.fail("structure truncated (%d more bytes wanted, %d left)", n, len(c.b)-c.p)
		return make([]byte, max(min(n, 1<<16), 0))
	}
	v := c.b[c.p : c.p+n]
	c.p += n
	return v
}

func (c *cursor) skip(n int) { c.bytes(n) }

func (c *cursor) u8() int     { return int(c.bytes(1)[0]) }
func (c *cursor) u16() int    { return int(binary.LittleEndian.Uint16(c.bytes(2))) }
func (c *cursor) u32() uint32 { return binary.LittleEndian.Uint32(c.bytes(4)) }
func (c *cursor) u64() uint64 { return binary.LittleEndian.Uint64(c.bytes(8)) }
func (c *cursor) uint(n int) uint64 {
	if n > 8 {
		c.fail("integer field of %d bytes", n)
		return 0
	}
	return uintLE(c.bytes(n), n)
}
func (c *cursor) addr() uint64   { return c.addrOf(c.r.offsetSize) }
func (c *cursor) length() uint64 { return c.uint(c.r.lengthSize) }

// addrOf reads an address of n bytes; all bits set means undefined.
func (c *cursor) addrOf(n int) uint64 {
	v := c.uint(n)
	if n < 8 && v == 1<<(8*n)-1 {
		return undef
	}
	return v
}

func (c *cursor) signature(sig string) {
	if s := c.bytes(len(sig)); c.err == nil && string(s) != sig {
		c.p -= len(sig)
		c.fail("signature %q, want %q", s, sig)
	}
}

func (c *cursor) left() int { return len(c.b) - c.p }

// uintLE reads a little-endian unsigned integer of width bytes (HDF5 metadata is little-endian).
func uintLE(b []byte, width int) uint64 { return rawUint(b[:width], false) }

// log2 returns the position of the highest set bit of v (0 for v ≤ 1).
func log2(v uint64) int {
	n := 0
	for v > 1 {
		v >>= 1
		n++
	}
	return n
}

// encSize is the number of bytes the library uses to encode values up to v
// (H5VM_limit_enc_size: log2(v)/8 + 1).
func encSize(v uint64) int { return log2(v)/8 + 1 }
