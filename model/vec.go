package model

import (
	"github.com/jedi-neuro/jedi/internal/par"
	"github.com/jedi-neuro/jedi/kernels"
)

// workers is the number of goroutines a pass spreads segments over.
func workers() int { return par.Threads() }

// parallel calls f(worker, i) for i = 0 … n−1 on up to nw goroutines (par.For).
func parallel(nw, n int, f func(worker, i int)) { par.For(nw, n, f) }

// sumChunk is the number of elements one goroutine of sumRows sums: a fixed size, so that the
// split does not depend on the thread count (it could not change the sums anyway).
const sumChunk = 2048

// sumRows adds rows 0…k−1 of parts (k × len(dst), row-major) to dst. Each element's terms are
// added in row order, so the result does not depend on how the elements are spread over the
// nw goroutines.
func sumRows[T Float](nw int, dst, parts []T, k int) {
	n := len(dst)
	par.Chunks(nw, n, sumChunk, func(_, lo, hi int) {
		for r := range k {
			kernels.Axpy(1, parts[r*n+lo:r*n+hi], dst[lo:hi])
		}
	})
}

// splitGemm is kernels.Gemm (see it for the arguments) with C cut into slabs of at most slab
// rows (byRows) or columns, spread over nw goroutines: for the hypernetwork's products, a few
// million multiply-adds each, below the size at which Gemm splits itself. No sum over k is
// cut and the slabs do not depend on nw, so neither does the result.
func splitGemm[T Float](nw int, byRows bool, slab int, transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
	dim := n
	if byRows {
		dim = m
	}
	par.Chunks(nw, dim, slab, func(_, lo, hi int) {
		if byRows {
			as := a[lo:]
			if !transA {
				as = a[lo*lda:]
			}
			kernels.Gemm(transA, transB, hi-lo, n, k, alpha, as, lda, b, ldb, beta, c[lo*ldc:], ldc)
			return
		}
		bs := b[lo:]
		if transB {
			bs = b[lo*ldb:]
		}
		kernels.Gemm(transA, transB, m, hi-lo, k, alpha, a, lda, bs, ldb, beta, c[lo:], ldc)
	})
}

// hyperSlab is the slab of splitGemm in the hypernetwork: 256 output units (the demo's last
// layer, 2NR = 1 024, in 4 slabs) or 8 segments.
const hyperSlab, hyperSlabRows = 256, 8
