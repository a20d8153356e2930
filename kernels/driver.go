package kernels

import (
	"sync"
	"unsafe"
)

// The blocked GEMM driver, after Goto and van de Geijn / BLIS. For C += alpha·op(A)·op(B):
//
//	for jc in steps of nc over n:          a kc×nc block of op(B), packed, stays in L3
//	  for pc in steps of kc over k:
//	    pack op(B)[pc:pc+kc, jc:jc+nc] into nr-wide panels
//	    for ic in steps of mc over m:      an mc×kc block of op(A), packed, stays in L2
//	      pack op(A)[ic:ic+mc, pc:pc+kc] into mr-tall panels
//	      for jr in steps of nr:           one B panel (kc×nr) stays in L1
//	        for ir in steps of mr:         micro-kernel: mr×nr block of C in registers
//
// Packing is where transposes are absorbed: the micro-kernel always sees the same layout.
// beta is applied by the micro-kernel on the first kc step (and C left unread when beta == 0);
// later kc steps accumulate with beta = 1. Two departures from the textbook loops:
//
//   - A row-major op(A) (and a transposed one when n fits one micro-tile) is not packed: the
//     micro-kernels take general strides for A, and with the model's small n the packing of A
//     cost as much as the multiply. Only a ragged last panel is copied, zero-padded.
//   - When m fits one mc block, the pc loop goes outside and B is packed in L2-sized chunks
//     of columns just before use, instead of an nc-wide block that would spill to L3.
//
// Products above parallelMinWork are cut into equal slabs of whole micro-tiles along the larger
// of m and n, one per goroutine, each running the serial loops.

// microKernel computes the mr×nr block C = alpha·A·B + beta·C with A(i,p) = a[i·rsA + p·csA],
// B(p,j) = b[p·rsB + j], C(i,j) = c[i·ldc + j], p < k. When beta == 0, C is only written.
type microKernel[T Float] func(k int, alpha T, a []T, rsA, csA int, b []T, rsB int, beta T, c []T, ldc int)

// arch is one GEMM implementation: a micro-kernel and the cache blocking around it.
type arch[T Float] struct {
	name       string
	mr, nr     int // register block of the micro-kernel
	mc, kc, nc int // cache blocks; mc is a multiple of mr and nc of nr
	kernel     microKernel[T]
	pool       sync.Pool // of *workspace[T]
}

// workspace holds the packed blocks of one goroutine and a tile for partial edge blocks.
type workspace[T Float] struct {
	a, b, tile []T
}

// view is a strided matrix: element (i, j) is data[i·rs + j·cs].
type view[T Float] struct {
	data   []T
	rs, cs int
}

// t returns the transpose of v.
func (v view[T]) t() view[T] { return view[T]{v.data, v.cs, v.rs} }

// at returns the view whose (0, 0) element is v's (i, j).
func (v view[T]) at(i, j int) view[T] { return view[T]{v.data[i*v.rs+j*v.cs:], v.rs, v.cs} }

// parallelMinWork is the smallest m·n·k worth splitting over goroutines (about 65 MFLOP, near a
// millisecond on one core). Measured on 2 Zen 3 cores: below a few million the start-up and the
// redundant packing of the shared operand make two goroutines slower than one; up to ~20 million
// the gain was at best 1.5× on an idle machine and a loss whenever the other core was busy. The
// model's per-segment products sit in that range and are already run in parallel by the caller,
// so only the large batched products (10⁸–10⁹) are split.
var parallelMinWork = 1 << 25 // a variable so that tests can exercise the split on small products

// gemmNative is Gemm on the package's own kernels, arguments already checked, m, n > 0.
func gemmNative[T Float](ar *arch[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	A := view[T]{a, lda, 1}
	if transA {
		A = A.t()
	}
	B := view[T]{b, ldb, 1}
	if transB {
		B = B.t()
	}
	C := view[T]{c, ldc, 1}

	workers := min(Threads(), max(1, m*n*k/parallelMinWork))
	if workers <= 1 {
		ar.serial(m, n, k, alpha, A, B, beta, C)
		return
	}
	// Split the larger of m and n into equal runs of whole micro-tiles; each goroutine runs the
	// serial driver on its slab and packs the other operand itself.
	splitM := m/ar.mr >= n/ar.nr
	dim, step := n, ar.nr
	if splitM {
		dim, step = m, ar.mr
	}
	tiles := (dim + step - 1) / step
	workers = min(workers, tiles)
	var wg sync.WaitGroup
	for w := range workers {
		lo := tiles * w / workers * step
		hi := min(dim, tiles*(w+1)/workers*step)
		wg.Go(func() {
			if splitM {
				ar.serial(hi-lo, n, k, alpha, A.at(lo, 0), B, beta, C.at(lo, 0))
			} else {
				ar.serial(m, hi-lo, k, alpha, A, B.at(0, lo), beta, C.at(0, lo))
			}
		})
	}
	wg.Wait()
}

// scale sets C = beta·C, writing zeros when beta == 0.
func scale[T Float](m, n int, beta T, c []T, ldc int) {
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		switch beta {
		case 0:
			clear(row)
		case 1:
		default:
			for j := range row {
				row[j] *= beta
			}
		}
	}
}

// serial runs the blocked loops of the file comment on the calling goroutine.
func (ar *arch[T]) serial(m, n, k int, alpha T, A, B view[T], beta T, C view[T]) {
	ws, _ := ar.pool.Get().(*workspace[T])
	if ws == nil {
		ws = &workspace[T]{tile: make([]T, ar.mr*ar.nr)}
	}
	defer ar.pool.Put(ws)

	kc := balance(k, ar.kc, 1)
	mc := balance(m, ar.mc, ar.mr)
	// A row-major op(A) is read in place: its rows are already contiguous along k, and packing
	// it would cost about as much as the multiply when n is small. A column-major one is read in
	// place only when each panel is used once (n within one micro-tile).
	direct := A.cs == 1 || (A.rs == 1 && n <= ar.nr)

	if m <= mc {
		// One block of A: pack it once per kc step and stream B through in chunks small enough
		// to stay in L2 between packing and use.
		nc := max(ar.nr, smallMChunk/(kc*int(unsafe.Sizeof(alpha)))/ar.nr*ar.nr)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			Ab := ar.packA(ws, A.at(0, pc), m, kb, direct)
			for jc := 0; jc < n; jc += nc {
				nb := min(nc, n-jc)
				ar.packB(ws, B.at(pc, jc), kb, nb)
				ar.macro(m, nb, kb, alpha, Ab, direct, ws.a, ws.b, kcBeta(pc, beta), C.at(0, jc), ws.tile)
			}
		}
		return
	}
	for jc := 0; jc < n; jc += ar.nc {
		nb := min(ar.nc, n-jc)
		for pc := 0; pc < k; pc += kc {
			kb := min(kc, k-pc)
			ar.packB(ws, B.at(pc, jc), kb, nb)
			for ic := 0; ic < m; ic += mc {
				mb := min(mc, m-ic)
				Ab := ar.packA(ws, A.at(ic, pc), mb, kb, direct)
				ar.macro(mb, nb, kb, alpha, Ab, direct, ws.a, ws.b, kcBeta(pc, beta), C.at(ic, jc), ws.tile)
			}
		}
	}
}

// smallMChunk is the byte size of the packed B chunk when m fits one mc block: a quarter of a
// 512 KiB L2, leaving room for the block of A and for C.
const smallMChunk = 128 << 10

// kcBeta is the beta of the kc step starting at pc: the caller's on the first, 1 after it.
func kcBeta[T Float](pc int, beta T) T {
	if pc > 0 {
		return 1
	}
	return beta
}

// packA prepares the mb×kb block Ab of op(A) for macro: packed whole into ws.a or, when direct,
// only its ragged last panel (zero-padded) into ws.a. It returns Ab.
func (ar *arch[T]) packA(ws *workspace[T], Ab view[T], mb, kb int, direct bool) view[T] {
	if !direct {
		ws.a = grow(ws.a, kb*roundUp(mb, ar.mr))
		pack(ws.a, Ab, mb, kb, ar.mr)
		return Ab
	}
	ws.a = grow(ws.a, kb*ar.mr)
	if last := mb / ar.mr * ar.mr; last < mb {
		pack(ws.a, Ab.at(last, 0), mb-last, kb, ar.mr)
	}
	return Ab
}

// packB packs the kb×nb block Bb of op(B) into nr-wide panels in ws.b.
func (ar *arch[T]) packB(ws *workspace[T], Bb view[T], kb, nb int) {
	ws.b = grow(ws.b, kb*roundUp(nb, ar.nr))
	pack(ws.b, Bb.t(), nb, kb, ar.nr)
}

// macro multiplies an mb×kb block of op(A) by a packed kb×nb block of B into C. The A panels
// are packed in pa or, when direct, read from A except for a ragged last panel packed in pa.
func (ar *arch[T]) macro(mb, nb, kb int, alpha T, A view[T], direct bool, pa, pb []T, beta T, C view[T], tile []T) {
	mr, nr, ldc := ar.mr, ar.nr, C.rs
	for jr := 0; jr < nb; jr += nr {
		nw := min(nr, nb-jr)
		bp := pb[jr*kb:]
		for ir := 0; ir < mb; ir += mr {
			mw := min(mr, mb-ir)
			ap, rsA, csA := pa, 1, mr
			switch {
			case !direct:
				ap = pa[ir*kb:]
			case mw == mr:
				ap, rsA, csA = A.data[ir*A.rs:], A.rs, A.cs
			}
			c := C.data[ir*ldc+jr:]
			if mw == mr && nw == nr {
				ar.kernel(kb, alpha, ap, rsA, csA, bp, nr, beta, c, ldc)
				continue
			}
			// Partial tile: compute the full padded tile aside, then update the valid part.
			ar.kernel(kb, 1, ap, rsA, csA, bp, nr, 0, tile, nr)
			for i := range mw {
				ci := c[i*ldc : i*ldc+nw]
				ti := tile[i*nr : i*nr+nw]
				if beta == 0 {
					for j, t := range ti {
						ci[j] = alpha * t
					}
				} else {
					for j, t := range ti {
						ci[j] = alpha*t + beta*ci[j]
					}
				}
			}
		}
	}
}

// balance returns a block size of at most limit (rounded up to a multiple of unit) that splits
// n into equal blocks, so that no block is a thin remainder.
func balance(n, limit, unit int) int {
	if n <= limit {
		return roundUp(max(n, 1), unit)
	}
	blocks := (n + limit - 1) / limit
	return roundUp((n+blocks-1)/blocks, unit)
}

func roundUp(n, unit int) int { return (n + unit - 1) / unit * unit }

// grow returns buf if it holds n elements, else a new slice of length n.
func grow[T Float](buf []T, n int) []T {
	if cap(buf) >= n {
		return buf[:n]
	}
	return make([]T, n)
}
