package bench

import "runtime"

func threads() int { return runtime.GOMAXPROCS(0) }
