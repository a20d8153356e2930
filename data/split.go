package data

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"slices"
)

// splitStream is the PCG stream of SplitHeldOut ("split"), so that the same seed elsewhere in a
// run draws an unrelated sequence.
const splitStream = 0x73706c6974

// SplitHeldOut partitions the segment indices 0..S-1 into a training set and a held-out set of
// round(frac·S) segments drawn uniformly at random from seed; both are sorted. With S ≥ 2 and
// frac > 0 each side gets at least one segment (frac ≥ 1 holds out all but one); frac ≤ 0 (or
// NaN), or S = 1, holds none out. The draw is a Fisher–Yates shuffle driven by PCG(seed)
// written out here, rather than rand.Perm, so that a seed gives the same split on every Go
// release.
func SplitHeldOut(S int, frac float64, seed uint64) (train, heldOut []int) {
	if S <= 0 {
		return []int{}, []int{}
	}
	perm := make([]int, S)
	for i := range perm {
		perm[i] = i
	}
	src := rand.NewPCG(seed, splitStream)
	for i := S - 1; i > 0; i-- {
		// j uniform in 0..i: the high word of a 64×64-bit product, biased by at most
		// (i+1)/2⁶⁴, which no split can show.
		j, _ := bits.Mul64(src.Uint64(), uint64(i+1))
		perm[i], perm[j] = perm[j], perm[i]
	}
	n := 0
	if frac > 0 {
		n = min(max(int(math.Round(min(frac, 1)*float64(S))), 1), S-1)
	}
	heldOut = slices.Clone(perm[:n])
	train = slices.Clone(perm[n:])
	slices.Sort(heldOut)
	slices.Sort(train)
	return train, heldOut
}

// Subset returns a new dataset of the segments idx, in that order (repeats allowed), with
// their activity, lengths, inputs, weights, observed masks and label values copied, so that changing one
// dataset leaves the other alone. T, M, I, Dt and Source are kept. Extra, ground truth about the
// whole recording, is shared: the new map holds the same arrays. Subset panics if an index is
// out of range, as slice indexing does.
func (d *Dataset) Subset(idx []int) *Dataset {
	n := len(idx)
	out := &Dataset{
		S: n, T: d.T, M: d.M, I: d.I, Dt: d.Dt, Source: d.Source,
		Activity: gather(d.Activity, idx, d.T*d.M),
		Lengths:  make([]int, n),
		Inputs:   gather(d.Inputs, idx, d.T*d.I),
		Weight:   gather(d.Weight, idx, d.T*d.M),
		Labels:   make(map[string]Label, len(d.Labels)),
		Extra:    make(map[string]Array, len(d.Extra)),
	}
	for i, s := range idx {
		out.Lengths[i] = d.Lengths[s]
		if d.Observed != nil {
			out.Observed = append(out.Observed, d.SegmentObserved(s)...)
		}
	}
	for name, l := range d.Labels {
		v := make([]string, n)
		for i, s := range idx {
			v[i] = l.Values[s]
		}
		out.Labels[name] = Label{Kind: l.Kind, Values: v, Order: slices.Clone(l.Order)}
	}
	for name, a := range d.Extra {
		out.Extra[name] = a
	}
	return out
}

// gather copies the blocks idx of x, each of the given size; nil stays nil.
func gather(x []float64, idx []int, size int) []float64 {
	if x == nil {
		return nil
	}
	out := make([]float64, 0, len(idx)*size)
	for _, s := range idx {
		out = append(out, x[s*size:(s+1)*size]...)
	}
	return out
}
