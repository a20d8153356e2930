package model

import (
	"runtime"

	"github.com/jedi-neuro/jedi/internal/par"
)

// workers is the number of goroutines a pass spreads segments over.
func workers() int { return runtime.GOMAXPROCS(0) }

// parallel calls f(worker, i) for i = 0 … n−1 on up to nw goroutines (par.For).
func parallel(nw, n int, f func(worker, i int)) { par.For(nw, n, f) }
