package kernels

// The portable micro-kernel: a 4×4 block of C in sixteen scalar accumulators. It runs under the
// same blocking as the assembly kernels where those are unavailable (no AVX2/FMA, a non-amd64
// architecture, or the noasm build tag).

// genericArch returns the portable implementation for T. Blocks: kc·nr and mc·kc panels sized
// for 32 KiB L1 and 512 KiB L2 at float64; float32 simply uses less.
func genericArch[T Float]() *arch[T] {
	return &arch[T]{name: "generic", mr: 4, nr: 4, mc: 128, kc: 256, nc: 2048, kernel: kernel4x4[T]}
}

// arch32 and arch64 are the implementations Gemm uses; narrow32 and narrow64, when set, replace
// them for products with n ≤ their nr. cpu_amd64.go installs the assembly kernels when the CPU
// supports them.
var (
	arch32 = genericArch[float32]()
	arch64 = genericArch[float64]()

	narrow32 *arch[float32]
	narrow64 *arch[float64]
)

// kernel4x4 is a microKernel with mr = nr = 4.
func kernel4x4[T Float](k int, alpha T, a []T, rsA, csA int, b []T, rsB int, beta T, c []T, ldc int) {
	var c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33 T
	ia, ib := 0, 0
	for range k {
		bp := b[ib : ib+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := a[ia]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := a[ia+rsA]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := a[ia+2*rsA]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := a[ia+3*rsA]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
		ia += csA
		ib += rsB
	}
	update4(c[0:4], alpha, beta, c00, c01, c02, c03)
	update4(c[ldc:ldc+4], alpha, beta, c10, c11, c12, c13)
	update4(c[2*ldc:2*ldc+4], alpha, beta, c20, c21, c22, c23)
	update4(c[3*ldc:3*ldc+4], alpha, beta, c30, c31, c32, c33)
}

// update4 sets row = alpha·(s0..s3) + beta·row, leaving row unread when beta == 0.
func update4[T Float](row []T, alpha, beta T, s0, s1, s2, s3 T) {
	row = row[:4]
	if beta == 0 {
		row[0], row[1], row[2], row[3] = alpha*s0, alpha*s1, alpha*s2, alpha*s3
		return
	}
	row[0] = alpha*s0 + beta*row[0]
	row[1] = alpha*s1 + beta*row[1]
	row[2] = alpha*s2 + beta*row[2]
	row[3] = alpha*s3 + beta*row[3]
}
