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
	parallel(nw, (n+sumChunk-1)/sumChunk, func(_, i int) {
		lo, hi := i*sumChunk, min((i+1)*sumChunk, n)
		for r := range k {
			kernels.Axpy(1, parts[r*n+lo:r*n+hi], dst[lo:hi])
		}
	})
}
