//go:build amd64 && !noasm

package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasAVX2FMA reports whether the assembly kernels may run. The OS must also save the YMM state,
// which x/sys/cpu folds into HasAVX (and so into HasAVX2).
var hasAVX2FMA = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// sgemmKernel6x16 computes the 6×16 block C = alpha·A·B + beta·C, where A(i,p) = a[i·rsA + p·csA]
// and B(p,j) = b[p·rsB + j] for i < 6, j < 16, p < k. When beta == 0, C is only written.
//
//go:noescape
func sgemmKernel6x16(k int, alpha float32, a []float32, rsA, csA int, b []float32, rsB int, beta float32, c []float32, ldc int)

// dgemmKernel6x8 is sgemmKernel6x16 for float64 and a 6×8 block.
//
//go:noescape
func dgemmKernel6x8(k int, alpha float64, a []float64, rsA, csA int, b []float64, rsB int, beta float64, c []float64, ldc int)

// sgemmKernel12x8 is sgemmKernel6x16 for a 12×8 block, used when n ≤ 8.
//
//go:noescape
func sgemmKernel12x8(k int, alpha float32, a []float32, rsA, csA int, b []float32, rsB int, beta float32, c []float32, ldc int)

// dgemmKernel12x4 is dgemmKernel6x8 for a 12×4 block, used when n ≤ 4.
//
//go:noescape
func dgemmKernel12x4(k int, alpha float64, a []float64, rsA, csA int, b []float64, rsB int, beta float64, c []float64, ldc int)

// dot32 and dot64 return Σ x[i]·y[i] over i < len(x); len(y) ≥ len(x).
//
//go:noescape
func dot32(x, y []float32) float32

//go:noescape
func dot64(x, y []float64) float64

// axpy32 and axpy64 set y[i] += alpha·x[i] for i < len(x); len(y) ≥ len(x).
//
//go:noescape
func axpy32(alpha float32, x, y []float32)

//go:noescape
func axpy64(alpha float64, x, y []float64)

// copyRows copies rows runs of width bytes (24, 48 or 64), stride bytes apart in src, to
// consecutive places in dst.
//
//go:noescape
func copyRows(dst, src unsafe.Pointer, stride, rows, width uintptr)

// tanh32x8 sets dst[i] = tanh(src[i]) for i < n, where n is a multiple of 8.
//
//go:noescape
func tanh32x8(dst, src []float32, n int)

// adjoint32x8 is Adjoint's loop for float32 on n elements, n a multiple of 8.
//
//go:noescape
func adjoint32x8(cur, next, r, g, d []float32, decay, alpha float32, n int)

// avx2Arch32 and avx2Arch64 are the assembly implementations. Blocking for Zen 3 / Haswell-class
// caches (32 KiB L1d, 512 KiB–1 MiB L2): a kc×nr panel of B (16 KiB at kc = 256) stays in L1,
// an mc×kc block of A (144 KiB float32, 144 KiB float64) in L2, a kc×nc block of B in L3.
var (
	avx2Arch32 = &arch[float32]{name: "avx2", mr: 6, nr: 16, mc: 144, kc: 256, nc: 4080, kernel: sgemmKernel6x16}
	avx2Arch64 = &arch[float64]{name: "avx2", mr: 6, nr: 8, mc: 72, kc: 256, nc: 4080, kernel: dgemmKernel6x8}

	// For products with n of one vector or less, where the wide kernels would compute at least
	// half padding.
	avx2Narrow32 = &arch[float32]{name: "avx2-narrow", mr: 12, nr: 8, mc: 144, kc: 256, nc: 4080, kernel: sgemmKernel12x8}
	avx2Narrow64 = &arch[float64]{name: "avx2-narrow", mr: 12, nr: 4, mc: 144, kc: 256, nc: 4080, kernel: dgemmKernel12x4}
)

func init() {
	if hasAVX2FMA {
		arch32, arch64 = avx2Arch32, avx2Arch64
		narrow32, narrow64 = avx2Narrow32, avx2Narrow64
		tanh32Block = tanh32x8
		adjoint32Block = adjoint32x8
		packRowsFast = copyRows
		dot32Fast, dot64Fast, axpy32Fast, axpy64Fast = dot32, dot64, axpy32, axpy64
	}
}
