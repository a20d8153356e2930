package sim

import "math/rand/v2"

// Stream tags: each random quantity of a dataset is drawn from its own PCG stream, keyed by the
// user's seed, a tag and an index (the trial), so that trials can be simulated in any order, on
// any number of goroutines, and still come out bit-for-bit the same.
const (
	streamTeacher uint64 = iota + 1
	streamObserved
	streamTrial
	streamNoise
)

// newRand returns the PCG generator for (seed, tag, index).
func newRand(seed, tag, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(splitmix(seed^splitmix(tag)), splitmix(index+tag<<32)))
}

// splitmix is the SplitMix64 finaliser: it spreads nearby keys (seed, seed+1, trial k, k+1) to
// unrelated PCG states.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
