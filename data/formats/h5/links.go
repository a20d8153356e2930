package h5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Object header message types that describe a group's members.
const (
	msgLinkInfo = 0x02
	msgLink     = 0x06
)

// link is one group member as a link message records it.
type link struct {
	name string
	kind int // 0 hard, 1 soft, 64 external
	addr uint64
	soft string
}

// parseLink decodes a link message (format specification IV.A.2.g).
func parseLink(b []byte, g geometry) (link, error) {
	l, _, err := parseLinkLen(b, g)
	return l, err
}

// parseLinkLen decodes a link message and returns its length in bytes.
func parseLinkLen(b []byte, g geometry) (link, int, error) {
	var l link
	if len(b) < 2 || b[0] != 1 {
		return l, 0, errors.New("link message: bad version")
	}
	flags := b[1]
	p := 2
	need := func(n int) error {
		if len(b)-p < n {
			return errors.New("link message truncated")
		}
		return nil
	}
	if flags&0x08 != 0 {
		if err := need(1); err != nil {
			return l, 0, err
		}
		l.kind = int(b[p])
		p++
	}
	if flags&0x04 != 0 {
		p += 8 // creation order
	}
	if flags&0x10 != 0 {
		p++ // name character set
	}
	width := 1 << (flags & 3)
	if err := need(width); err != nil {
		return l, 0, err
	}
	n := int(uintLE(b[p:], width))
	p += width
	if err := need(n); err != nil {
		return l, 0, err
	}
	l.name = string(b[p : p+n])
	p += n
	switch l.kind {
	case 0:
		if err := need(g.offsetSize); err != nil {
			return l, 0, err
		}
		l.addr = uintLE(b[p:], g.offsetSize)
		p += g.offsetSize
	case 1:
		if err := need(2); err != nil {
			return l, 0, err
		}
		m := int(binary.LittleEndian.Uint16(b[p:]))
		p += 2
		if err := need(m); err != nil {
			return l, 0, err
		}
		l.soft = string(b[p : p+m])
		p += m
	case 64:
		if err := need(2); err != nil {
			return l, 0, err
		}
		m := int(binary.LittleEndian.Uint16(b[p:]))
		p += 2
		if err := need(m); err != nil {
			return l, 0, err
		}
		p += m
	}
	return l, p, nil
}

// audit walks the groups whose members are stored as link messages and records, in
// f.missing, every member scigolib left out of its tree and why. Groups that keep their members
// in a symbol table or in dense storage cannot be checked this way and are trusted.
func (f *File) audit(path string, addr uint64, depth int) {
	if depth > maxGroupDepth {
		return
	}
	msgs, _, err := readHeader(f.os, f.g, addr)
	if err != nil {
		return
	}
	var links []link
	for _, m := range msgs {
		switch m.typ {
		case msgLink:
			if l, err := parseLink(m.data, f.g); err == nil {
				links = append(links, l)
			}
		case msgLinkInfo:
			links = append(links, f.denseLinks(m.data)...)
		}
	}
	for _, l := range links {
		p := join(path, l.name)
		switch {
		case f.groups[p] != nil:
			if l.kind == 0 {
				f.audit(p, l.addr, depth+1)
			}
		case f.datasets[p] != nil:
		case l.kind == 1:
			f.missing[p] = fmt.Sprintf("soft link to %q, which scigolib/hdf5 does not follow", l.soft)
		case l.kind == 64:
			f.missing[p] = "external link, which scigolib/hdf5 does not follow"
		default:
			f.missing[p] = f.whyMissing(l.addr)
		}
	}
}

// whyMissing explains why scigolib skipped the object at addr, as far as its header tells.
func (f *File) whyMissing(addr uint64) string {
	const skipped = "scigolib/hdf5 v0.14.0 skipped this object"
	_, blocks, err := readHeader(f.os, f.g, addr)
	switch {
	case err != nil:
		return fmt.Sprintf("%s: %v", skipped, err)
	case blocks.v2 && blocks.n > 1:
		return skipped + ": its version-2 object header continues in further blocks (OCHK), which the library cannot parse; rewrite the file with libver='earliest' or h5repack"
	}
	return skipped + " for a reason it does not report"
}

// missingUnder returns the reason recorded for path or for the group that contains it.
func (f *File) missingUnder(path string) (string, string) {
	for p := path; p != "/" && p != ""; p = p[:max(strings.LastIndex(p, "/"), 0)] {
		if why, ok := f.missing[p]; ok {
			return p, why
		}
		if !strings.Contains(p, "/") {
			break
		}
	}
	return "", ""
}

// missingIn returns the names of the missing members of group path, sorted.
func (f *File) missingIn(path string) []string {
	var out []string
	for p := range f.missing {
		i := strings.LastIndex(p, "/")
		dir := p[:i]
		if dir == "" {
			dir = "/"
		}
		if dir == path {
			out = append(out, p[i+1:])
		}
	}
	sort.Strings(out)
	return out
}

// denseLinks returns the links of a group kept in dense storage when the fractal heap's root is
// a single direct block (groups of up to a few hundred members); for larger heaps it returns
// none, and the group is trusted. Link messages delimit themselves, so the block's objects are
// read one after the other, as many as the heap header counts.
func (f *File) denseLinks(info []byte) []link {
	o, l := f.g.offsetSize, f.g.lengthSize
	if len(info) < 2 {
		return nil
	}
	p := 2
	if info[1]&1 != 0 {
		p += 8
	}
	if len(info) < p+o {
		return nil
	}
	heap := uintLE(info[p:], o)
	// Fixed part of the fractal heap header up to the root block address.
	hl := 4 + 1 + 2 + 2 + 1 + 4 + l + o + l + o + 8*l + 2 + l + l + 2 + 2 + o + 2
	h, err := f.g.readAt(f.os, heap, uint64(hl))
	if err != nil || string(h[:4]) != "FRHP" {
		return nil
	}
	flags := h[9]
	q := 4 + 1 + 2 + 2 + 1 + 4 + l + o + l + o + 3*l
	count := uintLE(h[q:], l)
	q = 4 + 1 + 2 + 2 + 1 + 4 + l + o + l + o + 8*l + 2
	start := uintLE(h[q:], l)
	maxHeapBits := int(binary.LittleEndian.Uint16(h[q+2*l:]))
	q += 2*l + 2 + 2
	root := uintLE(h[q:], o)
	rows := binary.LittleEndian.Uint16(h[q+o:])
	if rows != 0 || count > 4096 {
		return nil
	}
	b, err := f.g.readAt(f.os, root, start)
	if err != nil || string(b[:4]) != "FHDB" {
		return nil
	}
	p = 5 + o + (maxHeapBits+7)/8
	if flags&2 != 0 {
		p += 4
	}
	var out []link
	for i := uint64(0); i < count && p < len(b); i++ {
		lk, n, err := parseLinkLen(b[p:], f.g)
		if err != nil {
			break
		}
		out = append(out, lk)
		p += n
	}
	return out
}
