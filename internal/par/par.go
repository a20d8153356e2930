// Package par runs independent pieces of work on several goroutines.
package par

import (
	"sync"
	"sync/atomic"
)

// For calls f(worker, i) for i = 0 … n−1 on up to nw goroutines, handing out the indices one at
// a time so that unequal pieces balance. Each worker index 0 … nw−1 is used by one goroutine at
// a time, so f may use per-worker scratch without locking. Which worker runs which i depends
// on the schedule: results that must not depend on the thread count are written per i and
// combined by the caller in a fixed order.
func For(nw, n int, f func(worker, i int)) {
	nw = min(nw, n)
	if nw <= 1 {
		for i := 0; i < n; i++ {
			f(0, i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < nw; w++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(w, i)
			}
		})
	}
	wg.Wait()
}

// Chunks cuts 0 … n−1 into the chunks [i·size, min((i+1)·size, n)) and calls f(i, lo, hi) for
// each on up to nw goroutines. The cut depends on size alone, never on nw, so that per-chunk
// partial results combined in chunk order (a sum's partial sums, say) are the same on any
// number of threads.
func Chunks(nw, n, size int, f func(i, lo, hi int)) {
	For(nw, (n+size-1)/size, func(_, i int) { f(i, i*size, min((i+1)*size, n)) })
}
