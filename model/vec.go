package model

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// workers is the number of goroutines a pass spreads segments over.
func workers() int { return runtime.GOMAXPROCS(0) }

// parallel calls f(worker, i) for i = 0 … n−1 on up to nw goroutines; each worker index
// is used by one goroutine at a time, so f may use per-worker scratch without locking.
func parallel(nw, n int, f func(worker, i int)) {
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				f(w, i)
			}
		}()
	}
	wg.Wait()
}
