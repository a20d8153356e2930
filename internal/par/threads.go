package par

import "runtime"

// Threads is the number of goroutines the parallel loops of the project use: runtime.GOMAXPROCS,
// the one thread setting, which `jedi --threads N` (SetThreads) and the GOMAXPROCS environment
// variable set.
func Threads() int { return runtime.GOMAXPROCS(0) }
