//go:build !openblas

package kernels

// sgemm and dgemm route Gemm to the package's own blocked implementation (see driver.go).
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	ar := arch32
	if narrow32 != nil && n <= narrow32.nr {
		ar = narrow32
	}
	gemmNative(ar, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	ar := arch64
	if narrow64 != nil && n <= narrow64.nr {
		ar = narrow64
	}
	gemmNative(ar, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// setBackendThreads has nothing to do: gemmNative reads Threads on every call.
func setBackendThreads(int) {}
