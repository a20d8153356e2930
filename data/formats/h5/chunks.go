package h5

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
)

// chunk is one allocated chunk: its position in chunk units, where it is stored, its stored
// (possibly compressed) size and the mask of filters skipped for it.
type chunk struct {
	scaled []int
	addr   uint64
	size   uint64
	mask   uint32
}

// readChunks fills dst with the selection (start, count) of the chunked dataset d.
func (f *File) readChunks(ctx context.Context, d *dataset, start, count []int, dst []byte) error {
	l := d.layout
	es := d.t.size
	cbytes := uint64(es)
	for _, c := range l.chunk {
		if cbytes *= uint64(c); cbytes > 1<<32 {
			return fmt.Errorf("chunks of %v × %d bytes exceed 4 GiB", l.chunk, es)
		}
	}
	if int64(cbytes) > f.opt.MaxBytes {
		return fmt.Errorf("chunks of %v × %d bytes exceed the limit of %d bytes (set %s to raise it)", l.chunk, es, f.opt.MaxBytes, EnvMaxBytes)
	}
	if l.addr == undef {
		return nil // no chunk written: the fill value
	}
	for _, flt := range d.filters {
		switch flt.id {
		case filterDeflate, filterShuffle, filterFletcher32:
		default:
			name := filterNames[flt.id]
			if name == "" {
				name = flt.name
			}
			if name == "" {
				name = "unregistered"
			}
			return fmt.Errorf("filter %d (%s) is not supported: only deflate (1), shuffle (2) and fletcher32 (3) are; rewrite the file with h5repack -f GZIP=4", flt.id, name)
		}
	}
	want := func(c chunk) bool {
		for i, s := range c.scaled {
			o := s * l.chunk[i]
			if o+l.chunk[i] <= start[i] || o >= start[i]+count[i] {
				return false
			}
		}
		return true
	}
	return f.chunks(ctx, d, cbytes, func(c chunk) error {
		if len(c.scaled) != len(l.chunk) {
			return fmt.Errorf("chunk record of rank %d for chunks of rank %d", len(c.scaled), len(l.chunk))
		}
		for i, s := range c.scaled {
			if s < 0 || s*l.chunk[i] >= max(d.space.dims[i], 1) && d.space.dims[i] > 0 {
				// A chunk past the current extent (a dataset shrunk after writing) holds nothing
				// visible.
				return nil
			}
		}
		if !want(c) {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := f.chunkData(d, c, cbytes)
		if err != nil {
			return fmt.Errorf("chunk %v at offset %d: %w", c.scaled, c.addr, err)
		}
		origin := make([]int, len(c.scaled))
		for i, s := range c.scaled {
			origin[i] = s * l.chunk[i]
		}
		return copyBox(dst, start, count, origin, l.chunk, es, func(off, n int) ([]byte, error) {
			return b[off : off+n], nil
		})
	})
}

// chunkData reads one chunk and undoes its filters, refusing data that inflates past the
// chunk's declared size.
func (f *File) chunkData(d *dataset, c chunk, cbytes uint64) ([]byte, error) {
	if c.size > 1<<32 {
		return nil, fmt.Errorf("stored size %d", c.size)
	}
	b, err := f.r.at(c.addr, c.size)
	if err != nil {
		return nil, err
	}
	limit := cbytes + 4*uint64(len(d.filters))
	for i := len(d.filters) - 1; i >= 0; i-- {
		flt := d.filters[i]
		if c.mask&(1<<i) != 0 {
			continue
		}
		switch flt.id {
		case filterDeflate:
			zr, err := zlib.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, fmt.Errorf("deflate: %w", err)
			}
			// Read into a buffer of the most the chunk may hold, plus one byte to detect more.
			out := make([]byte, limit+1)
			k, err := io.ReadFull(zr, out)
			if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
				return nil, fmt.Errorf("deflate: %w", err)
			}
			if uint64(k) > limit {
				return nil, fmt.Errorf("deflate: inflates past the chunk's %d bytes", cbytes)
			}
			b = out[:k]
		case filterShuffle:
			size := d.t.size
			if len(flt.values) > 0 {
				size = int(flt.values[0])
			}
			b = unshuffle(b, size)
		case filterFletcher32:
			if len(b) < 4 {
				return nil, fmt.Errorf("fletcher32: %d bytes hold no checksum", len(b))
			}
			data, stored := b[:len(b)-4], binary.LittleEndian.Uint32(b[len(b)-4:])
			sum := fletcher32(data)
			if stored != sum && stored != bits.ReverseBytes32(sum) {
				return nil, fmt.Errorf("fletcher32 checksum %#x, stored %#x: corrupt chunk", sum, stored)
			}
			b = data
		}
	}
	if uint64(len(b)) < cbytes {
		return nil, fmt.Errorf("%d bytes after filters, want %d", len(b), cbytes)
	}
	return b[:cbytes], nil
}

// unshuffle undoes the shuffle filter: the stream holds byte 0 of every element, then byte 1,
// and so on; a tail shorter than an element was left as is.
func unshuffle(b []byte, size int) []byte {
	if size <= 1 || len(b) < size {
		return b
	}
	n := len(b) / size
	out := make([]byte, len(b))
	for k := 0; k < size; k++ {
		src := b[k*n : (k+1)*n]
		for i, v := range src {
			out[i*size+k] = v
		}
	}
	copy(out[n*size:], b[n*size:])
	return out
}

// fletcher32 is HDF5's Fletcher checksum (H5_checksum_fletcher32): big-endian 16-bit words.
func fletcher32(data []byte) uint32 {
	var sum1, sum2 uint32
	n := len(data) / 2
	p := 0
	for n > 0 {
		t := min(n, 360)
		n -= t
		for ; t > 0; t-- {
			sum1 += uint32(data[p])<<8 | uint32(data[p+1])
			p += 2
			sum2 += sum1
		}
		sum1 = (sum1 & 0xffff) + (sum1 >> 16)
		sum2 = (sum2 & 0xffff) + (sum2 >> 16)
	}
	if len(data)%2 == 1 {
		sum1 += uint32(data[p]) << 8
		sum2 += sum1
		sum1 = (sum1 & 0xffff) + (sum1 >> 16)
		sum2 = (sum2 & 0xffff) + (sum2 >> 16)
	}
	sum1 = (sum1 & 0xffff) + (sum1 >> 16)
	sum2 = (sum2 & 0xffff) + (sum2 >> 16)
	return sum2<<16 | sum1
}

// chunkGrid returns the number of chunks along each dimension for extent dims.
func chunkGrid(dims, chunk []int) []int {
	g := make([]int, len(dims))
	for i := range dims {
		g[i] = (dims[i] + chunk[i] - 1) / chunk[i]
	}
	return g
}

// unravel converts a row-major linear index over grid into coordinates.
func unravel(idx uint64, grid []int) []int {
	s := make([]int, len(grid))
	for i := len(grid) - 1; i >= 0; i-- {
		if grid[i] == 0 {
			return s
		}
		s[i] = int(idx % uint64(grid[i]))
		idx /= uint64(grid[i])
	}
	return s
}

// maxExtent is the largest extent of the dataset: its maximum dimensions, or the current ones
// where a maximum is unlimited or absent.
func maxExtent(d *dataset) []int {
	if d.space.maxDims == nil {
		return d.space.dims
	}
	m := make([]int, len(d.space.dims))
	for i, v := range d.space.maxDims {
		if v < 0 {
			m[i] = d.space.dims[i]
		} else {
			m[i] = max(v, d.space.dims[i])
		}
	}
	return m
}

// chunks calls fn with every allocated chunk of d, whatever its chunk index.
func (f *File) chunks(ctx context.Context, d *dataset, cbytes uint64, fn func(chunk) error) error {
	l := d.layout
	r := f.r
	rank := len(l.chunk)
	filtered := len(d.filters) > 0
	switch {
	case l.version < 4:
		keySize := 8 + 8*(rank+1)
		return r.btree1(ctx, l.addr, 1, keySize, func(key []byte, child uint64) error {
			c := chunk{addr: child, size: uint64(binary.LittleEndian.Uint32(key)), mask: binary.LittleEndian.Uint32(key[4:])}
			c.scaled = make([]int, rank)
			for i := range c.scaled {
				off := binary.LittleEndian.Uint64(key[8+8*i:])
				if off%uint64(l.chunk[i]) != 0 || off > 1<<48 {
					return fmt.Errorf("chunk key offset %d in dimension %d is not a multiple of the chunk size %d", off, i, l.chunk[i])
				}
				c.scaled[i] = int(off / uint64(l.chunk[i]))
			}
			return fn(c)
		})
	case l.index == indexSingle:
		c := chunk{scaled: make([]int, rank), addr: l.addr, size: cbytes}
		if l.filteredSingle {
			c.size, c.mask = l.singleSize, l.singleMask
		}
		return fn(c)
	case l.index == indexImplicit:
		grid := chunkGrid(maxExtent(d), l.chunk)
		n := uint64(product(grid))
		if n > 0 && (l.addr >= r.size || cbytes > (r.size-l.addr)/n) {
			return fmt.Errorf("implicit chunk index: %d chunks of %d bytes at offset %d overrun the file", n, cbytes, l.addr)
		}
		cur := chunkGrid(d.space.dims, l.chunk)
		for i := uint64(0); i < n; i++ {
			s := unravel(i, grid)
			if !inside(s, cur) {
				continue
			}
			if err := fn(chunk{scaled: s, addr: l.addr + i*cbytes, size: cbytes}); err != nil {
				return err
			}
		}
		return nil
	case l.index == indexFixedArray:
		grid := chunkGrid(maxExtent(d), l.chunk)
		return f.fixedArray(ctx, l.addr, filtered, func(i uint64, c chunk) error {
			c.scaled = unravel(i, grid)
			if !filtered {
				c.size = cbytes
			}
			return fn(c)
		})
	case l.index == indexExtArray:
		return f.extArray(ctx, d, cbytes, filtered, fn)
	case l.index == indexBTree2:
		t, err := r.readBTree2(l.addr)
		if err != nil {
			return err
		}
		if t.typ != 10 && t.typ != 11 {
			return fmt.Errorf("chunk index at offset %d: B-tree type %d, want 10 or 11", l.addr, t.typ)
		}
		sizeLen := t.recordSize - r.offsetSize - 8*rank
		if t.typ == 11 {
			sizeLen -= 4
		}
		if sizeLen < 0 || (t.typ == 11 && (sizeLen == 0 || sizeLen > 8)) || (t.typ == 10 && sizeLen != 0) {
			return fmt.Errorf("chunk index at offset %d: records of %d bytes for rank %d", l.addr, t.recordSize, rank)
		}
		return r.records(ctx, t, func(rec []byte) error {
			c := r.cursor(rec, l.addr)
			ch := chunk{addr: c.addr(), size: cbytes}
			if t.typ == 11 {
				ch.size = c.uint(sizeLen)
				ch.mask = c.u32()
			}
			ch.scaled = make([]int, rank)
			for i := range ch.scaled {
				v := c.u64()
				if v > 1<<40 {
					return fmt.Errorf("chunk index at offset %d: scaled offset %d", l.addr, v)
				}
				ch.scaled[i] = int(v)
			}
			if c.err != nil {
				return c.err
			}
			if ch.addr == undef {
				return nil
			}
			return fn(ch)
		})
	}
	return fmt.Errorf("chunk index type %d", l.index)
}

func inside(s, grid []int) bool {
	for i := range s {
		if s[i] >= grid[i] {
			return false
		}
	}
	return true
}

// entry decodes one chunk entry of a fixed or extensible array: an address, and for filtered
// chunks the stored size and the filter mask.
func entry(r *reader, b []byte, at uint64, filtered bool) (chunk, error) {
	c := r.cursor(b, at)
	ch := chunk{addr: c.addr()}
	if filtered {
		ch.size = c.uint(len(b) - r.offsetSize - 4)
		ch.mask = c.u32()
	}
	return ch, c.err
}

// fixedArray walks a fixed array chunk index (format specification VII.A.1, "FAHD"/"FADB") and
// calls fn with each allocated entry and its index.
func (f *File) fixedArray(ctx context.Context, addr uint64, filtered bool, fn func(uint64, chunk) error) error {
	r := f.r
	b, err := r.at(addr, uint64(4+1+1+1+1+r.lengthSize+r.offsetSize))
	if err != nil {
		return fmt.Errorf("fixed array header: %w", err)
	}
	c := r.cursor(b, addr)
	c.signature("FAHD")
	c.skip(2) // version, client
	es, pageBits := c.u8(), c.u8()
	n := c.length()
	dblk := c.addr()
	if c.err != nil {
		return fmt.Errorf("fixed array header: %w", c.err)
	}
	if es < r.offsetSize || (filtered && es < r.offsetSize+5) || pageBits > 32 {
		return fmt.Errorf("fixed array header at offset %d: %d-byte entries, %d page bits", addr, es, pageBits)
	}
	if dblk == undef || n == 0 {
		return nil
	}
	if n > r.size/uint64(es) {
		return fmt.Errorf("fixed array header at offset %d: %d entries of %d bytes cannot fit in the file", addr, n, es)
	}
	prefix := uint64(4 + 1 + 1 + r.offsetSize)
	page := uint64(1) << pageBits
	var starts []uint64 // address of each page's entries
	if n <= page {
		starts = []uint64{dblk + prefix}
	} else {
		npages := (n + page - 1) / page
		bitmap := (npages + 7) / 8
		base := dblk + prefix + bitmap + 4
		for p := uint64(0); p < npages; p++ {
			starts = append(starts, base+p*(page*uint64(es)+4))
		}
	}
	for p, s := range starts {
		if err := ctx.Err(); err != nil {
			return err
		}
		lo := uint64(p) * page
		cnt := min(n-lo, page)
		if len(starts) == 1 {
			cnt = n
		}
		if err := entries(r, s, cnt, es, filtered, lo, fn, "fixed array", dblk); err != nil {
			return err
		}
	}
	return nil
}

// entries decodes the cnt chunk entries of es bytes each at address at, and calls fn with each
// allocated one (an address neither undefined nor 0) and its index, first + its position. A
// failed read names the index kind and the data block's address, block.
func entries(r *reader, at, cnt uint64, es int, filtered bool, first uint64, fn func(uint64, chunk) error, kind string, block uint64) error {
	b, err := r.at(at, cnt*uint64(es))
	if err != nil {
		return fmt.Errorf("%s data block at offset %d: %w", kind, block, err)
	}
	for i := uint64(0); i < cnt; i++ {
		ch, err := entry(r, b[i*uint64(es):(i+1)*uint64(es)], at+i*uint64(es), filtered)
		if err != nil {
			return err
		}
		if ch.addr == undef || ch.addr == 0 {
			continue
		}
		if err := fn(first+i, ch); err != nil {
			return err
		}
	}
	return nil
}

// extArray walks an extensible array chunk index (format specification VII.A.2, "EAHD"): the
// index block holds the first entries and data block addresses, secondary blocks the rest.
// The entry index of a chunk is its row-major position with the unlimited dimension moved
// first (the library's "swizzled" order).
func (f *File) extArray(ctx context.Context, d *dataset, cbytes uint64, filtered bool, fn func(chunk) error) error {
	r := f.r
	addr := d.layout.addr
	b, err := r.at(addr, uint64(4+1+1+6+6*r.lengthSize+r.offsetSize))
	if err != nil {
		return fmt.Errorf("extensible array header: %w", err)
	}
	c := r.cursor(b, addr)
	c.signature("EAHD")
	c.skip(2)
	es, maxBits, iblkN, dblkMin, sblkMinPtrs, pageBits := c.u8(), c.u8(), c.u8(), c.u8(), c.u8(), c.u8()
	c.skip(6 * r.lengthSize)
	iblk := c.addr()
	if c.err != nil {
		return fmt.Errorf("extensible array header: %w", c.err)
	}
	if es < r.offsetSize || (filtered && es < r.offsetSize+5) || maxBits == 0 || maxBits > 64 || dblkMin == 0 ||
		dblkMin&(dblkMin-1) != 0 || sblkMinPtrs == 0 || sblkMinPtrs&(sblkMinPtrs-1) != 0 || pageBits > 32 || log2(uint64(dblkMin)) > maxBits {
		return fmt.Errorf("extensible array header at offset %d: invalid parameters (entry %d bytes, %d bits, data blocks ≥ %d, secondary ≥ %d pointers, page bits %d)", addr, es, maxBits, dblkMin, sblkMinPtrs, pageBits)
	}
	if iblk == undef {
		return nil
	}
	// Chunk coordinates from an entry index: the unlimited dimension (the first one whose
	// maximum is unlimited) comes first.
	rank := len(d.layout.chunk)
	unlim := 0
	for i, m := range d.space.maxDims {
		if m < 0 {
			unlim = i
			break
		}
	}
	grid := chunkGrid(maxExtent(d), d.layout.chunk)
	swz := append([]int{grid[unlim]}, append(append([]int{}, grid[:unlim]...), grid[unlim+1:]...)...)
	swz[0] = 1 << 40 // the unlimited dimension has no bound
	emit := func(i uint64, ch chunk) error {
		s := unravel(i, swz)
		sc := make([]int, rank)
		sc[unlim] = s[0]
		copy(sc[:unlim], s[1:1+unlim])
		copy(sc[unlim+1:], s[1+unlim:])
		if !filtered {
			ch.size = cbytes
		}
		ch.scaled = sc
		return fn(ch)
	}
	// Super block geometry (H5EA__hdr_init).
	nsblks := 1 + maxBits - log2(uint64(dblkMin))
	type sblkInfo struct{ ndblks, dblkN, start uint64 }
	info := make([]sblkInfo, nsblks)
	var startIdx uint64
	for u := 0; u < nsblks; u++ {
		info[u] = sblkInfo{ndblks: 1 << (u / 2), dblkN: (1 << ((u + 1) / 2)) * uint64(dblkMin), start: startIdx}
		startIdx += info[u].ndblks * info[u].dblkN
	}
	ndblkAddrs := 2 * (sblkMinPtrs - 1)
	iblkSblks := 2 * log2(uint64(sblkMinPtrs))
	nsblkAddrs := max(nsblks-iblkSblks, 0)
	aoff := (maxBits + 7) / 8
	ib, err := r.at(iblk, uint64(4+1+1+r.offsetSize+iblkN*es+(ndblkAddrs+nsblkAddrs)*r.offsetSize))
	if err != nil {
		return fmt.Errorf("extensible array index block: %w", err)
	}
	c = r.cursor(ib, iblk)
	c.signature("EAIB")
	c.skip(2 + r.offsetSize)
	for i := 0; i < iblkN; i++ {
		p := c.p
		ch, err := entry(r, c.bytes(es), iblk+uint64(p), filtered)
		if err != nil {
			return err
		}
		if ch.addr != undef && ch.addr != 0 {
			if err := emit(uint64(i), ch); err != nil {
				return err
			}
		}
	}
	dblks := make([]uint64, ndblkAddrs)
	for i := range dblks {
		dblks[i] = c.addr()
	}
	sblks := make([]uint64, nsblkAddrs)
	for i := range sblks {
		sblks[i] = c.addr()
	}
	if c.err != nil {
		return fmt.Errorf("extensible array index block: %w", c.err)
	}
	seen := map[uint64]bool{}
	// dataBlock emits the entries of the data block at a holding n entries from index first.
	dataBlock := func(a, first, n uint64) error {
		if a == undef || a == 0 {
			return nil
		}
		if seen[a] {
			return fmt.Errorf("extensible array data block at offset %d reached twice", a)
		}
		seen[a] = true
		if err := ctx.Err(); err != nil {
			return err
		}
		if n > r.size/uint64(es) {
			return fmt.Errorf("extensible array data block at offset %d: %d entries of %d bytes cannot fit in the file", a, n, es)
		}
		prefix := uint64(4 + 1 + 1 + r.offsetSize + aoff)
		page := uint64(1) << pageBits
		var starts []uint64
		if n <= page {
			starts = []uint64{a + prefix}
		} else {
			for p := uint64(0); p < n/page; p++ {
				starts = append(starts, a+prefix+4+p*(page*uint64(es)+4))
			}
		}
		for p, s := range starts {
			cnt := min(n, page)
			if len(starts) == 1 {
				cnt = n
			}
			if err := entries(r, s, cnt, es, filtered, first+uint64(p)*page, emit, "extensible array", a); err != nil {
				return err
			}
		}
		return nil
	}
	// Data blocks addressed by the index block, super block by super block.
	k := 0
	for u := 0; u < iblkSblks && u < nsblks; u++ {
		for j := uint64(0); j < info[u].ndblks && k < len(dblks); j++ {
			first := uint64(iblkN) + info[u].start + j*info[u].dblkN
			if err := dataBlock(dblks[k], first, info[u].dblkN); err != nil {
				return err
			}
			k++
		}
	}
	for i, sa := range sblks {
		u := iblkSblks + i
		if sa == undef || sa == 0 || u >= nsblks {
			continue
		}
		nd := info[u].ndblks
		npages := uint64(0)
		if info[u].dblkN > uint64(1)<<pageBits {
			npages = info[u].dblkN >> pageBits
		}
		bitmap := (nd*npages + 7) / 8
		sb, err := r.at(sa, uint64(4+1+1+r.offsetSize+aoff)+bitmap+nd*uint64(r.offsetSize))
		if err != nil {
			return fmt.Errorf("extensible array secondary block: %w", err)
		}
		c := r.cursor(sb, sa)
		c.signature("EASB")
		c.skip(2 + r.offsetSize + aoff + int(bitmap))
		for j := uint64(0); j < nd; j++ {
			a := c.addr()
			if c.err != nil {
				return fmt.Errorf("extensible array secondary block: %w", c.err)
			}
			first := uint64(iblkN) + info[u].start + j*info[u].dblkN
			if err := dataBlock(a, first, info[u].dblkN); err != nil {
				return err
			}
		}
	}
	return nil
}
