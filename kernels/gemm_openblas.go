//go:build openblas

// With the openblas build tag, large products go to OpenBLAS (cblas_sgemm, cblas_dgemm) through
// the cgo binding in internal/openblas, with OpenBLAS's own thread count kept at Threads().
// Small products — the per-segment ones the model runs from several goroutines at once — stay
// on the package's own kernels: for them OpenBLAS's call and threading overhead exceeds the
// arithmetic, and its thread pool would fight the caller's goroutines for the cores.

package kernels

import (
	"sync/atomic"

	"github.com/jedi-neuro/jedi/kernels/internal/openblas"
)

// openblasMin is the number of multiply-adds from which a product goes to OpenBLAS. Measured
// with bench/compare.sh (large size): routing everything to OpenBLAS made a training step
// 1.6× slower than the native kernels; below a few million multiply-adds the native kernels win.
const openblasMin = 1 << 22

// sgemm and dgemm route Gemm. k == 0 and alpha == 0 are handled here so that beta == 0 clears
// C exactly as the native path does, whatever the library version does.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	if m*n*k < openblasMin {
		ar := arch32
		if narrow32 != nil && n <= narrow32.nr {
			ar = narrow32
		}
		gemmNative(ar, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	syncThreads()
	openblas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	if m*n*k < openblasMin {
		ar := arch64
		if narrow64 != nil && n <= narrow64.nr {
			ar = narrow64
		}
		gemmNative(ar, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	syncThreads()
	openblas.Dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// blasThreads is the thread count last given to OpenBLAS (0: none yet).
var blasThreads atomic.Int64

// syncThreads sets OpenBLAS's pool to Threads() when that changed since the last product.
func syncThreads() {
	n := int64(Threads())
	if blasThreads.Swap(n) != n {
		openblas.SetThreads(int(n))
	}
}
