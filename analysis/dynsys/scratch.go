package dynsys

import "sync"

// scratch recycles the temporary vectors that Step needs, so that the millions of evaluations
// of a fixed-point search do not each allocate (maps must stay safe for concurrent use, so the
// buffer cannot live in the map itself).
var scratch sync.Pool

// getScratch returns a buffer of length n; give it back with putScratch.
func getScratch(n int) *[]float64 {
	if p, ok := scratch.Get().(*[]float64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]float64, n)
	return &s
}

func putScratch(p *[]float64) { scratch.Put(p) }
