package fixedpoints

import (
	"sync"
	"sync/atomic"
)

// forEach calls do(i) once for every i in [0, n) from up to workers goroutines. Each goroutine
// first obtains its own do from newWorker, so per-goroutine scratch needs no locking. Work is
// handed out dynamically (starts differ a lot in cost); results must be written by index, which
// makes the output independent of scheduling.
func forEach(n, workers int, newWorker func() func(i int)) {
	workers = max(1, min(workers, n))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do := newWorker()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				do(i)
			}
		}()
	}
	wg.Wait()
}
