package kernels

import "unsafe"

// pack copies the rows×depth block of v into panels of w rows each: element (i, p) goes to
// dst[(i/w)·w·depth + p·w + i%w], so a panel is depth consecutive groups of w values, one per
// step of the micro-kernel's k loop. The last panel is zero-padded to w rows. A block of op(A)
// is packed with w = mr; a block of op(B) is packed as its transpose with w = nr.
func pack[T Float](dst []T, v view[T], rows, depth, w int) {
	for i0 := 0; i0 < rows; i0 += w {
		d := dst[i0*depth : (i0+w)*depth]
		h := min(w, rows-i0)
		src := v.data[i0*v.rs:]
		switch {
		case h == w && v.rs == 1:
			packColumns(d, src, v.cs, depth, w)
		case v.cs == 1:
			// Panel rows are contiguous: stream each row into every w-th slot.
			for i := range h {
				row := src[i*v.rs : i*v.rs+depth]
				for p, x := range row {
					d[p*w+i] = x
				}
			}
			for i := h; i < w; i++ {
				for p := range depth {
					d[p*w+i] = 0
				}
			}
		default:
			for p := range depth {
				for i := range w {
					if i < h {
						d[p*w+i] = src[i*v.rs+p*v.cs]
					} else {
						d[p*w+i] = 0
					}
				}
			}
		}
	}
}

// packRowsFast, when set, copies rows runs of width bytes (24, 48 or 64), stride bytes apart
// in src, to consecutive places in dst. Go compiles a fixed-size copy between slices to a call
// of memmove, which costs more than the copy itself at these widths.
var packRowsFast func(dst, src unsafe.Pointer, stride, rows, width uintptr)

// packColumns packs a full panel whose w values per step are contiguous in src, cs apart.
func packColumns[T Float](d, src []T, cs, depth, w int) {
	var z T
	size := int(unsafe.Sizeof(z))
	if bytes := w * size; packRowsFast != nil && (bytes == 24 || bytes == 48 || bytes == 64) {
		// Check the extents the assembly will touch.
		_ = d[depth*w-1]
		_ = src[(depth-1)*cs+w-1]
		packRowsFast(unsafe.Pointer(&d[0]), unsafe.Pointer(&src[0]), uintptr(cs*size), uintptr(depth), uintptr(bytes))
		return
	}
	for p := range depth {
		copy(d[p*w:p*w+w], src[p*cs:p*cs+w])
	}
}
