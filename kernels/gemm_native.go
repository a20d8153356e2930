//go:build !openblas

package kernels

import "unsafe"

// sgemm and dgemm route Gemm to the package's own blocked implementation (see driver.go).
func sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	gemmColumns(arch32, narrow32, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	gemmColumns(arch64, narrow64, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// gemmColumns picks the micro-kernel by n. With a narrow kernel available, a product with n
// within one narrow tile uses it, and one whose last wide tile would be mostly padding (n mod
// wide.nr ≤ narrow.nr) computes those last columns with it as a second product (n = 50: 12%
// less padded work, measured 25% faster). The second product reads A again, so this is done only
// while A fits in cache (splitMaxA): for A = 12800×512 the second pass from memory cost more
// than the padding saved.
func gemmColumns[T Float](wide, narrow *arch[T], transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	if narrow == nil {
		gemmNative(wide, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	if n <= narrow.nr {
		gemmNative(narrow, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	rem := n % wide.nr
	if rem == 0 || rem > narrow.nr || m*k*int(unsafe.Sizeof(alpha)) > splitMaxA {
		gemmNative(wide, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	w := n - rem
	gemmNative(wide, transA, transB, m, w, k, alpha, a, lda, b, ldb, beta, c, ldc)
	bRest := b[w:] // first column of op(B) not yet done
	if transB {
		bRest = b[w*ldb:]
	}
	if k == 0 {
		bRest = b
	}
	gemmNative(narrow, transA, transB, m, rem, k, alpha, a, lda, bRest, ldb, beta, c[w:], ldc)
}

// splitMaxA is the largest A, in bytes, that gemmColumns reads twice.
const splitMaxA = 4 << 20
