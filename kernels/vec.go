package kernels

// Level-1 and level-2 helpers for the per-time-step work of a recurrent network, where the
// vectors are a few hundred long and a GEMM's packing would cost more than the arithmetic.
// On amd64 with AVX2 and FMA, Dot and Axpy run assembly loops for float32 and float64.

// dot32Fast and friends, when set, are the assembly loops; each handles all of len(x).
var (
	dot32Fast  func(x, y []float32) float32
	dot64Fast  func(x, y []float64) float64
	axpy32Fast func(alpha float32, x, y []float32)
	axpy64Fast func(alpha float64, x, y []float64)
)

// Dot returns Σ x[i]·y[i] over i < len(x). y must be at least as long as x; Dot panics if not.
// The sum is accumulated in T, in an unspecified order.
func Dot[T Float](x, y []T) T {
	if len(y) < len(x) {
		panic("kernels: Dot with len(y) < len(x)")
	}
	y = y[:len(x)]
	if is32[T]() && dot32Fast != nil {
		return T(dot32Fast(as32(x), as32(y)))
	}
	if !is32[T]() && dot64Fast != nil {
		return T(dot64Fast(as64(x), as64(y)))
	}
	var s0, s1, s2, s3 T
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// Axpy sets y[i] += alpha·x[i] for i < len(x). y must be at least as long as x; Axpy panics if
// not. x and y must not overlap unless they are the same slice.
func Axpy[T Float](alpha T, x, y []T) {
	if len(y) < len(x) {
		panic("kernels: Axpy with len(y) < len(x)")
	}
	y = y[:len(x)]
	if is32[T]() && axpy32Fast != nil {
		axpy32Fast(float32(alpha), as32(x), as32(y))
		return
	}
	if !is32[T]() && axpy64Fast != nil {
		axpy64Fast(float64(alpha), as64(x), as64(y))
		return
	}
	for i, v := range x {
		y[i] += alpha * v
	}
}

// Gemv computes y = alpha·op(A)·x + beta·y for the row-major m×n matrix A with row stride
// lda ≥ max(1, n): op(A) = A (x has length n, y length m) or, when trans, Aᵀ (x has length m, y
// length n). When beta == 0, y is overwritten and its contents (NaNs included) are ignored.
// Gemv panics if a size is negative, lda is too small or a slice is too short.
func Gemv[T Float](trans bool, m, n int, alpha T, a []T, lda int, x []T, beta T, y []T) {
	if m < 0 || n < 0 {
		panic("kernels: negative matrix size")
	}
	checkMatrix("A", m, n, len(a), lda)
	lx, ly := n, m
	if trans {
		lx, ly = m, n
	}
	if len(x) < lx || len(y) < ly {
		panic("kernels: Gemv vector too short")
	}
	y = y[:ly]
	if alpha == 0 || lx == 0 {
		scale(1, ly, beta, y, ly)
		return
	}
	if trans {
		scale(1, ly, beta, y, ly)
		for i := range m {
			Axpy(alpha*x[i], a[i*lda:i*lda+n], y)
		}
		return
	}
	for i := range y {
		ax := Dot(a[i*lda:i*lda+n], x)
		if beta == 0 {
			y[i] = alpha * ax
		} else {
			y[i] = alpha*ax + beta*y[i]
		}
	}
}
