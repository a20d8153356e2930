package h5

import (
	"fmt"
	"io"
)

// Signature is the 8-byte HDF5 format signature.
const Signature = "\x89HDF\r\n\x1a\n"

// superblock is what the reader needs from the superblock (format specification II.A).
type superblock struct {
	version int
	root    uint64 // object header address of the root group
}

// findSuperblock finds the HDF5 signature at 0, 512, 1024, 2048, … as the specification allows
// (MATLAB v7.3 files keep a 512-byte user block before it).
func findSuperblock(r io.ReaderAt, size int64) (int64, error) {
	sig := make([]byte, 8)
	for off := int64(0); off+8 <= size; {
		if _, err := r.ReadAt(sig, off); err != nil {
			return 0, err
		}
		if string(sig) == Signature {
			return off, nil
		}
		if off == 0 {
			off = 512
		} else {
			off *= 2
		}
	}
	return 0, fmt.Errorf("no HDF5 signature at offset 0, 512, 1024, …: not an HDF5 file")
}

// readSuperblock reads the superblock at r.base and sets r's address and length sizes.
func readSuperblock(r *reader) (superblock, error) {
	head, err := r.upTo(0, 256)
	if err != nil {
		return superblock{}, fmt.Errorf("superblock: %w", err)
	}
	c := r.cursor(head, 0)
	c.skip(8)
	sb := superblock{version: c.u8()}
	switch sb.version {
	case 0, 1:
		c.skip(4) // free-space, root symbol table, reserved, shared header versions
		r.offsetSize, r.lengthSize = c.u8(), c.u8()
		c.skip(1 + 2 + 2 + 4)
		if sb.version == 1 {
			c.skip(4)
		}
	case 2, 3:
		r.offsetSize, r.lengthSize = c.u8(), c.u8()
		c.skip(1) // file consistency flags
	default:
		return sb, fmt.Errorf("superblock version %d, want 0 to 3", sb.version)
	}
	if c.err != nil {
		return sb, fmt.Errorf("superblock: %w", c.err)
	}
	for _, s := range []int{r.offsetSize, r.lengthSize} {
		if s != 2 && s != 4 && s != 8 {
			return sb, fmt.Errorf("superblock: offset size %d and length size %d, want 2, 4 or 8", r.offsetSize, r.lengthSize)
		}
	}
	c.addr()            // base address: the library takes the superblock's own position instead
	if sb.version < 2 { // free-space info, end of file, driver info, then the root's symbol table entry
		c.addr()
		c.addr()
		c.addr()
		c.addr() // link name offset
		sb.root = c.addr()
	} else {
		c.addr() // superblock extension
		c.addr() // end of file
		sb.root = c.addr()
	}
	if c.err != nil {
		return sb, fmt.Errorf("superblock: %w", c.err)
	}
	return sb, nil
}

// Object header message types (format specification IV.A.2).
const (
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgExternal     = 0x07
	msgLayout       = 0x08
	msgFilters      = 0x0b
	msgAttribute    = 0x0c
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgAttrInfo     = 0x15
)

// headerMsg is one object header message.
type headerMsg struct {
	typ   int
	flags int
	data  []byte
	addr  uint64 // file address of data, for error messages
}

// shared reports whether the message is stored elsewhere and only referred to here.
func (m headerMsg) shared() bool { return m.flags&0x02 != 0 }

// maxHeaderBlocks bounds the continuation blocks followed in one object header; the visited set
// of block addresses already stops cycles, this stops a header spread over the whole file.
const maxHeaderBlocks = 4096

// object is a parsed object header.
type object struct {
	addr uint64
	msgs []headerMsg
}

func (o *object) find(typ int) (headerMsg, bool) {
	for _, m := range o.msgs {
		if m.typ == typ {
			return m, true
		}
	}
	return headerMsg{}, false
}

func (o *object) all(typ int) []headerMsg {
	var out []headerMsg
	for _, m := range o.msgs {
		if m.typ == typ {
			out = append(out, m)
		}
	}
	return out
}

// kind says what an object header describes, by its messages.
func (o *object) kind() string {
	switch {
	case has(o, msgLayout):
		return "dataset"
	case has(o, msgSymbolTable) || has(o, msgLinkInfo) || has(o, msgLink):
		return "group"
	case has(o, msgDatatype):
		return "datatype"
	}
	return "group" // an object header without messages: an empty version-1 group
}

func has(o *object, typ int) bool { _, ok := o.find(typ); return ok }

// readObject parses the object header at addr (version 1 or "OHDR" version 2), following
// continuation blocks once each.
func (r *reader) readObject(addr uint64) (*object, error) {
	sig, err := r.at(addr, 4)
	if err != nil {
		return nil, fmt.Errorf("object header: %w", err)
	}
	o := &object{addr: addr}
	if string(sig) == "OHDR" {
		err = r.headerV2(o)
	} else {
		err = r.headerV1(o)
	}
	if err != nil {
		return nil, err
	}
	return o, nil
}

type block struct{ addr, size uint64 }

func (r *reader) headerV1(o *object) error {
	pre, err := r.at(o.addr, 16)
	if err != nil {
		return fmt.Errorf("object header: %w", err)
	}
	if pre[0] != 1 {
		return fmt.Errorf("object header at offset %d: version %d, want 1 or OHDR", o.addr, pre[0])
	}
	c := r.cursor(pre, o.addr)
	c.skip(2)
	left := c.u16()
	c.skip(4)
	todo := []block{{o.addr + 16, uint64(c.u32())}}
	seen := map[uint64]bool{}
	for blocks := 0; len(todo) > 0 && left > 0; blocks++ {
		if blocks == maxHeaderBlocks {
			return fmt.Errorf("object header at offset %d: more than %d continuation blocks", o.addr, maxHeaderBlocks)
		}
		blk := todo[0]
		todo = todo[1:]
		if seen[blk.addr] {
			return fmt.Errorf("object header at offset %d: continuation block at %d reached twice", o.addr, blk.addr)
		}
		seen[blk.addr] = true
		b, err := r.at(blk.addr, blk.size)
		if err != nil {
			return fmt.Errorf("object header at offset %d: %w", o.addr, err)
		}
		for p := 0; p+8 <= len(b) && left > 0; left-- {
			c := r.cursor(b[p:p+8], blk.addr+uint64(p))
			typ, size, flags := c.u16(), c.u16(), c.u8()
			p += 8
			if size > len(b)-p {
				return fmt.Errorf("object header at offset %d: message at %d of %d bytes overruns its block", o.addr, blk.addr+uint64(p), size)
			}
			m := headerMsg{typ: typ, flags: flags, data: b[p : p+size], addr: blk.addr + uint64(p)}
			p += size
			if err := r.addMsg(o, m, &todo); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *reader) headerV2(o *object) error {
	pre, err := r.upTo(o.addr, 6+16+4+8)
	if err != nil {
		return fmt.Errorf("object header: %w", err)
	}
	c := r.cursor(pre, o.addr)
	c.skip(4)
	if v := c.u8(); v != 2 {
		return fmt.Errorf("object header at offset %d: OHDR version %d, want 2", o.addr, v)
	}
	flags := c.u8()
	if flags&0x20 != 0 {
		c.skip(16) // access, modification, change and birth times
	}
	if flags&0x10 != 0 {
		c.skip(4) // attribute phase change values
	}
	size := c.uint(1 << (flags & 3))
	if c.err != nil {
		return fmt.Errorf("object header: %w", c.err)
	}
	hl := 4
	if flags&0x04 != 0 {
		hl = 6 // creation order of each message
	}
	todo := []block{{o.addr + uint64(c.p), size}}
	seen := map[uint64]bool{}
	for blocks := 0; len(todo) > 0; blocks++ {
		if blocks == maxHeaderBlocks {
			return fmt.Errorf("object header at offset %d: more than %d continuation blocks", o.addr, maxHeaderBlocks)
		}
		blk := todo[0]
		todo = todo[1:]
		if seen[blk.addr] {
			return fmt.Errorf("object header at offset %d: continuation block at %d reached twice", o.addr, blk.addr)
		}
		seen[blk.addr] = true
		b, err := r.at(blk.addr, blk.size)
		if err != nil {
			return fmt.Errorf("object header at offset %d: %w", o.addr, err)
		}
		start := blk.addr
		if blocks > 0 {
			// A continuation block is "OCHK", messages, and a checksum.
			if len(b) < 8 || string(b[:4]) != "OCHK" {
				return fmt.Errorf("object header at offset %d: continuation block at %d lacks OCHK", o.addr, blk.addr)
			}
			b = b[4 : len(b)-4]
			start += 4
		}
		// A gap shorter than a message header may end the block.
		for q := 0; q+hl <= len(b); {
			typ := int(b[q])
			size := int(b[q+1]) | int(b[q+2])<<8
			mflags := int(b[q+3])
			q += hl
			if size > len(b)-q {
				return fmt.Errorf("object header at offset %d: message at %d of %d bytes overruns its block", o.addr, start+uint64(q), size)
			}
			m := headerMsg{typ: typ, flags: mflags, data: b[q : q+size], addr: start + uint64(q)}
			q += size
			if err := r.addMsg(o, m, &todo); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *reader) addMsg(o *object, m headerMsg, todo *[]block) error {
	switch m.typ {
	case 0: // NIL: free space
	case msgContinuation:
		c := r.cursor(m.data, m.addr)
		addr, size := c.addr(), c.length()
		if c.err != nil {
			return fmt.Errorf("object header at offset %d: continuation message: %w", o.addr, c.err)
		}
		*todo = append(*todo, block{addr, size})
	default:
		o.msgs = append(o.msgs, m)
	}
	return nil
}

// sharedTarget returns the object header address of a shared message (a committed datatype),
// refusing messages kept in the shared-message heap.
func (r *reader) sharedTarget(m headerMsg) (uint64, error) {
	c := r.cursor(m.data, m.addr)
	version := c.u8()
	typ := c.u8()
	switch version {
	case 1:
		c.skip(6)
	case 2:
	case 3:
		if typ == 1 {
			return 0, fmt.Errorf("at offset %d: message kept in the shared-message heap (SOHM), which this reader does not support", m.addr)
		}
	default:
		return 0, fmt.Errorf("at offset %d: shared message version %d", m.addr, version)
	}
	a := c.addr()
	if c.err != nil {
		return 0, c.err
	}
	return a, nil
}
