//go:build openblas

// With the openblas build tag, Gemm calls OpenBLAS (cblas_sgemm, cblas_dgemm) through the cgo
// binding in internal/openblas, and SetThreads also sets OpenBLAS's own thread count. OpenBLAS
// does its own packing and blocking; the package's kernels stay compiled and tested but Gemm
// does not use them.

package kernels

import "github.com/jedi-neuro/jedi/kernels/internal/openblas"

// sgemm and dgemm route Gemm to OpenBLAS. k == 0 and alpha == 0 are handled here so that
// beta == 0 clears C exactly as the native path does, whatever the library version does.
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	openblas.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	openblas.Dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// setBackendThreads passes SetThreads on to OpenBLAS's thread pool.
func setBackendThreads(n int) { openblas.SetThreads(n) }
