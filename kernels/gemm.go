package kernels

import (
	"unsafe"

	"github.com/jedi-neuro/jedi/internal/par"
)

// Float is the element type of the kernels.
type Float interface{ ~float32 | ~float64 }

// Gemm computes C = alpha·op(A)·op(B) + beta·C, where op(X) is X, or Xᵀ when the matching trans
// flag is set. op(A) is m×k, op(B) is k×n and C is m×n, all row-major: element (i, j) of a matrix
// stored in x with row stride ldx is x[i·ldx + j], so A itself is m×k (k×m when transA) with
// stride lda ≥ max(1, its column count), and likewise B and C. When beta == 0, C is overwritten
// and its previous contents (NaNs included) are ignored. Any size, zero included, is allowed.
//
// Large products are split over up to Threads() goroutines; products below about 33 million
// multiply-adds (m·n·k < 2²⁵) run on the calling goroutine, because callers usually parallelise
// over segments already.
// Gemm panics if a size is negative, a stride is too small or a slice is too short.
func Gemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	if m == 0 || n == 0 {
		return
	}
	if is32[T]() {
		sgemm(transA, transB, m, n, k, float32(alpha), as32(a), lda, as32(b), ldb, float32(beta), as32(c), ldc)
		return
	}
	dgemm(transA, transB, m, n, k, float64(alpha), as64(a), lda, as64(b), ldb, float64(beta), as64(c), ldc)
}

// checkGemm panics unless the arguments describe valid row-major operands of Gemm.
func checkGemm(transA, transB bool, m, n, k, lenA, lda, lenB, ldb, lenC, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("kernels: negative matrix size")
	}
	rowsA, colsA := m, k
	if transA {
		rowsA, colsA = k, m
	}
	rowsB, colsB := k, n
	if transB {
		rowsB, colsB = n, k
	}
	checkMatrix("A", rowsA, colsA, lenA, lda)
	checkMatrix("B", rowsB, colsB, lenB, ldb)
	checkMatrix("C", m, n, lenC, ldc)
}

func checkMatrix(name string, rows, cols, length, stride int) {
	if stride < max(1, cols) {
		panic("kernels: stride of " + name + " shorter than its row")
	}
	if rows > 0 && cols > 0 && length < (rows-1)*stride+cols {
		panic("kernels: slice " + name + " too short for its shape")
	}
}

// Threads returns the largest number of goroutines one Gemm call may use: par.Threads, the
// project's one thread setting (GOMAXPROCS; `jedi --threads`).
func Threads() int { return par.Threads() }

// is32 reports whether T is a float32 type. It is a constant in each instantiation.
func is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// as32 and as64 view a []T as the slice of its underlying type (T may be a named float type).
func as32[T Float](x []T) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}

func as64[T Float](x []T) []float64 {
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(x))), len(x))
}
