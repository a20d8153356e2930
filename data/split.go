package data

import (
	"math/rand/v2"
	"slices"
)

// SplitHeldOut draws round(frac·S) of S segments as held out, the rest for training, from seed;
// both lists are sorted. With S ≥ 2 and frac > 0 each side gets at least one segment.
func SplitHeldOut(S int, frac float64, seed uint64) (train, heldOut []int) {
	perm := rand.New(rand.NewPCG(seed, 0x73706c6974)).Perm(S) // "split"
	n := int(frac*float64(S) + 0.5)
	if frac > 0 && S >= 2 {
		n = min(max(n, 1), S-1)
	}
	heldOut = slices.Clone(perm[:n])
	train = slices.Clone(perm[n:])
	slices.Sort(heldOut)
	slices.Sort(train)
	return train, heldOut
}
