package prepare

import "math"

// edgeTol is the relative tolerance, in bins, under which a time counts as lying on a bin edge
// (see the package documentation on binning).
const edgeTol = 1e-9

// grid is a binning of one trial for one window: bin k covers [g0 + k·w, g0 + (k+1)·w) on the
// trial's clock, and the trial's full bins are lo ≤ k < hi.
type grid struct {
	g0, w  float64
	lo, hi int
	// closedEnd says the trial ends on the right edge of bin hi−1, which then also holds a
	// spike at exactly the trial's end.
	closedEnd bool
	// For count input: bin k sums input bins off + k·f … off + (k+1)·f − 1.
	off, f int
}

// spikeGrid returns the grid with bin 0 starting at g0 over a spike trial [start, end].
func spikeGrid(g0, w, start, end float64) grid {
	xEnd := (end - g0) / w
	hi := int(math.Floor(xEnd + edgeTol))
	return grid{
		g0: g0, w: w,
		lo:        int(math.Ceil((start-g0)/w - edgeTol)),
		hi:        hi,
		closedEnd: math.Abs(xEnd-float64(hi)) <= edgeTol,
	}
}

// countGrid returns the grid of bins w = f·b wide over n input bins of width b starting at start,
// with bin 0 starting at the input-bin edge nearest to g0, and how far g0 was moved.
func countGrid(g0, w, start, b float64, n int) (grid, float64) {
	f := int(math.Round(w / b))
	off := int(math.Round((g0 - start) / b))
	snapped := start + float64(off)*b
	shift := snapped - g0
	if math.Abs(shift) <= edgeTol*b {
		// Rounding noise of an event already on the input grid, not a move.
		shift = 0
	}
	return grid{
		g0: snapped, w: w,
		lo:  ceilDiv(-off, f),
		hi:  floorDiv(n-off, f),
		off: off, f: f,
	}, shift
}

// binSpikes writes into dst[i] the number of spike times in bin k0+i of g, for the
// len(dst) bins from k0, all of which must be full bins of the trial.
func binSpikes(dst []float64, times []float64, g grid, k0 int) {
	clear(dst)
	for _, t := range times {
		k := int(math.Floor((t-g.g0)/g.w + edgeTol))
		if k == g.hi && g.closedEnd {
			k = g.hi - 1
		}
		if i := k - k0; i >= 0 && i < len(dst) {
			dst[i]++
		}
	}
}

// rebin writes into dst[i] the sum of the input counts making up bin k0+i of g, for the len(dst)
// bins from k0, all of which must be full bins of the trial.
func rebin(dst []float64, counts []float64, g grid, k0 int) {
	for i := range dst {
		first := g.off + (k0+i)*g.f
		var s float64
		for _, c := range counts[first : first+g.f] {
			s += c
		}
		dst[i] = s
	}
}

// floorDiv returns ⌊a/b⌋ for b > 0.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// ceilDiv returns ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int) int {
	return -floorDiv(-a, b)
}
