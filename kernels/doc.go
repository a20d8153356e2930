// Package kernels holds the few hot loops of training: dense matrix multiply, matrix-vector
// products and elementwise tanh, for float32 and float64, in row-major layout.
//
// Gemm follows the BLIS design (see driver.go): the operands are copied ("packed") into
// cache-sized blocks laid out in the order a register-blocked micro-kernel reads them, so all four
// transpose combinations reduce to the same inner loop. On amd64 with AVX2 and FMA the
// micro-kernels are hand-written assembly (6×16 for float32 and 6×8 for float64, plus 12×8 and
// 12×4 for products with n of one vector or less); elsewhere, or with the build tag noasm, a
// portable Go micro-kernel runs under the same blocking. Large products are split over
// goroutines (see Threads). With the build tag openblas, Gemm calls OpenBLAS (cblas_sgemm,
// cblas_dgemm) through cgo instead; the default build is pure Go and needs no C compiler.
//
// Dot, Axpy and Gemv serve the per-time-step work of a recurrent network, where vectors are a
// few hundred long; Dot and Axpy are assembly loops on amd64.
//
// Tanh is math.Tanh for float64 and a fast approximation for float32 (absolute error below 1e-7),
// vectorised with AVX2 where available.
//
// Invalid arguments (negative sizes, strides shorter than a row, slices too short for the shapes)
// are programming errors and panic, as in gonum's blas packages: these functions sit in the
// innermost loops and their shapes are fixed by the caller's own validated data structures.
package kernels
