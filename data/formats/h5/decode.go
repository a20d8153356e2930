package h5

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"

	"github.com/jedi-neuro/jedi/data/formats"
)

// decode converts numel elements of type t held in raw (t.size bytes each) into n, whose class
// and shape describe already set. budget bounds the bytes that variable-length data may add.
func (f *File) decode(ctx context.Context, n *formats.Node, t *dtype, raw []byte, numel int, dims []int, budget *int64) error {
	if numel > 0 && len(raw)/numel < t.size {
		return fmt.Errorf("%d bytes hold fewer than %d values of %d bytes", len(raw), numel, t.size)
	}
	switch t.class {
	case classFixed, classBitfield:
		v := make([]float64, numel)
		for i := range v {
			v[i] = intValue(raw[i*t.size:(i+1)*t.size], t)
		}
		n.Data = v
	case classFloat:
		v := make([]float64, numel)
		for i := range v {
			v[i] = floatValue(raw[i*t.size:(i+1)*t.size], t)
		}
		n.Data = v
	case classEnum:
		v := make([]float64, numel)
		for i := range v {
			v[i] = intValue(raw[i*t.size:i*t.size+t.base.size], t.base)
		}
		n.Data = v
	case classString:
		s := make([]string, numel)
		for i := range s {
			s[i] = fixedString(raw[i*t.size:(i+1)*t.size], t.bits&0xf)
		}
		n.Data = s
	case classArray:
		// The array's dimensions are the last of n.Shape: decode its elements as a flat run.
		inner := *n
		if err := f.decode(ctx, &inner, t.base, raw, numel*product(t.dims), nil, budget); err != nil {
			return err
		}
		n.Data = inner.Data
	case classCompound:
		for i, m := range t.members {
			col := make([]byte, numel*m.t.size)
			for e := 0; e < numel; e++ {
				copy(col[e*m.t.size:], raw[e*t.size+m.offset:e*t.size+m.offset+m.t.size])
			}
			c := n.Children[i]
			if err := f.decode(ctx, c, m.t, col, numel, dims, budget); err != nil {
				return fmt.Errorf("member %q: %w", m.name, err)
			}
		}
	case classReference:
		s := make([]string, numel)
		for i := range s {
			if i%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			var err error
			if t.region() {
				s[i], err = f.regionRef(ctx, raw[i*t.size:(i+1)*t.size])
			} else {
				s[i], err = f.objectRef(ctx, raw[i*t.size:(i+1)*t.size])
			}
			if err != nil {
				return fmt.Errorf("reference %d: %w", i, err)
			}
		}
		n.Data = s
	case classVarLen:
		return f.decodeVarLen(ctx, n, t, raw, numel, budget)
	default:
		return fmt.Errorf("%s datatype: no values to decode", t.name())
	}
	return nil
}

// decodeVarLen reads variable-length strings and sequences from the global heap: each element
// is a length (4 bytes), a collection address and an object index.
func (f *File) decodeVarLen(ctx context.Context, n *formats.Node, t *dtype, raw []byte, numel int, budget *int64) error {
	r := f.r
	es := 4 + r.offsetSize + 4
	if t.size < es {
		return fmt.Errorf("variable-length elements of %d bytes, want %d", t.size, es)
	}
	var strs []string
	if t.vlenString() {
		strs = make([]string, numel)
	}
	for i := 0; i < numel; i++ {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		c := r.cursor(raw[i*t.size:(i+1)*t.size], 0)
		length := uint64(c.u32())
		addr := c.addr()
		idx := c.u32()
		var obj []byte
		if addr != 0 && addr != undef && length > 0 {
			var err error
			if obj, err = f.globalObject(addr, idx); err != nil {
				return fmt.Errorf("element %d: %w", i, err)
			}
		}
		if t.vlenString() {
			// The length counts bytes; the heap object may be longer (padding).
			if uint64(len(obj)) < length {
				if obj != nil || length > 0 && addr != 0 && addr != undef {
					return fmt.Errorf("element %d: string of %d bytes in a heap object of %d", i, length, len(obj))
				}
				length = 0
			}
			if *budget -= int64(length); *budget < 0 {
				return fmt.Errorf("variable-length strings exceed the limit of %d bytes (set %s to raise it)", f.opt.MaxBytes, EnvMaxBytes)
			}
			strs[i] = string(bytes.TrimRight(obj[:length], "\x00"))
			continue
		}
		base := t.base
		if base == nil {
			return fmt.Errorf("variable-length sequence without a base type")
		}
		need := length * uint64(base.size)
		if length > 0 && (need/length != uint64(base.size) || need > uint64(len(obj))) {
			return fmt.Errorf("element %d: sequence of %d × %d bytes in a heap object of %d", i, length, base.size, len(obj))
		}
		if *budget -= int64(need) + 64; *budget < 0 {
			return fmt.Errorf("variable-length data exceed the limit of %d bytes (set %s to raise it)", f.opt.MaxBytes, EnvMaxBytes)
		}
		c2 := &formats.Node{}
		describe(c2, base, []int{int(length)})
		if err := f.decode(ctx, c2, base, obj[:need], int(length), []int{int(length)}, budget); err != nil {
			return fmt.Errorf("element %d: %w", i, err)
		}
		n.Children = append(n.Children, c2)
	}
	if strs != nil {
		n.Data = strs
	}
	return nil
}

// rawUint assembles the bytes of b (at most 8) into an unsigned integer, in big-endian or
// little-endian order.
func rawUint(b []byte, bigEndian bool) uint64 {
	var u uint64
	if bigEndian {
		for _, x := range b {
			u = u<<8 | uint64(x)
		}
	} else {
		for i := len(b) - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[i])
		}
	}
	return u
}

// intValue converts one integer of type t (1 to 8 bytes, either byte order) exactly up to 2^53.
func intValue(b []byte, t *dtype) float64 {
	u := rawUint(b, t.bigEndian)
	if t.signed && len(b) < 8 && u&(1<<(8*len(b)-1)) != 0 {
		u |= ^uint64(0) << (8 * len(b))
	}
	if t.signed {
		return float64(int64(u))
	}
	return float64(u)
}

// floatValue converts one floating-point number of type t: IEEE single and double directly,
// any other layout (half precision, for one) from its sign, exponent and mantissa fields.
func floatValue(b []byte, t *dtype) float64 {
	o := binary.ByteOrder(binary.LittleEndian)
	if t.bigEndian {
		o = binary.BigEndian
	}
	switch {
	case t.size == 4 && t.expLoc == 23 && t.expSize == 8 && t.manSize == 23 && t.expBias == 127:
		return float64(math.Float32frombits(o.Uint32(b)))
	case t.size == 8 && t.expLoc == 52 && t.expSize == 11 && t.manSize == 52 && t.expBias == 1023:
		return math.Float64frombits(o.Uint64(b))
	}
	u := rawUint(b, t.bigEndian)
	sign := 1.0
	if u>>t.signLoc&1 != 0 {
		sign = -1
	}
	e := u >> t.expLoc & (1<<t.expSize - 1)
	m := u >> t.manLoc & (1<<t.manSize - 1)
	frac := float64(m) / math.Exp2(float64(t.manSize))
	implied := (t.bits>>4)&3 == 2
	switch {
	case e == 1<<t.expSize-1 && implied:
		if m != 0 {
			return math.NaN()
		}
		return math.Inf(int(sign))
	case e == 0:
		return sign * frac * math.Exp2(1-float64(t.expBias))
	case implied:
		frac++
	}
	return sign * frac * math.Exp2(float64(e)-float64(t.expBias))
}

// fixedString trims a fixed-length string by its padding type: 0 null-terminated, 1
// null-padded, 2 space-padded.
func fixedString(b []byte, pad uint32) string {
	switch pad {
	case 0:
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i]
		}
	case 1:
		b = bytes.TrimRight(b, "\x00")
	case 2:
		b = bytes.TrimRight(b, " ")
	}
	return string(b)
}
