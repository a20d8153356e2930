package par

import "runtime"

// Threads is the number of goroutines the parallel work of the project uses: the pass's
// segment workers, the optimiser's chunks, the split of large matrix products (package
// kernels, and OpenBLAS's pool in that build) and the validation's scoring. It is
// runtime.GOMAXPROCS, the one thread setting, which the GOMAXPROCS environment variable and
// `jedi --threads N` (SetThreads) set; it defaults to the number of CPUs the process may use.
func Threads() int { return runtime.GOMAXPROCS(0) }

// SetThreads sets Threads to n and returns the previous setting; n < 1 leaves it unchanged.
func SetThreads(n int) int { return runtime.GOMAXPROCS(n) }
