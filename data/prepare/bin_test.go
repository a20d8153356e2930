package prepare

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBinSpikesEdges(t *testing.T) {
	// Trial [0, 0.05] in 10 ms bins: the end is on a bin edge, so the last bin is closed.
	g := spikeGrid(0, 0.01, 0, 0.05)
	if g.lo != 0 || g.hi != 5 || !g.closedEnd {
		t.Fatalf("grid lo %d hi %d closedEnd %v, want 0 5 true", g.lo, g.hi, g.closedEnd)
	}
	spikes := []float64{
		0,         // left edge of bin 0
		0.0099999, // just inside bin 0
		0.01,      // left edge of bin 1
		0.03,      // 0.03/0.01 = 2.9999999999999996 in float64: still bin 3
		0.02 + 0.005,
		0.05, // the trial's end: the last bin
	}
	dst := make([]float64, 5)
	binSpikes(dst, spikes, g, 0)
	if want := []float64{2, 1, 1, 1, 1}; !slices.Equal(dst, want) {
		t.Errorf("counts %v, want %v", dst, want)
	}

	// Trial [0, 0.055]: the end is inside bin 5, which is partial and not a bin of the trial;
	// a spike at the end is not counted in the full bins.
	g = spikeGrid(0, 0.01, 0, 0.055)
	if g.hi != 5 || g.closedEnd {
		t.Fatalf("grid hi %d closedEnd %v, want 5 false", g.hi, g.closedEnd)
	}
	binSpikes(dst, []float64{0.055, 0.049}, g, 0)
	if want := []float64{0, 0, 0, 0, 1}; !slices.Equal(dst, want) {
		t.Errorf("counts %v, want %v", dst, want)
	}

	// A grid starting before the trial (an event 0.0137 s after the start, window −20 ms).
	g = spikeGrid(-0.0063, 0.01, 0, 0.1)
	if g.lo != 1 || g.hi != 10 {
		t.Errorf("grid lo %d hi %d, want 1 10", g.lo, g.hi)
	}
}

// TestBinSpikesNaive compares binSpikes with counting by explicit comparison against the edges.
func TestBinSpikesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		start, dur := rng.Float64()-0.5, 0.5+2*rng.Float64()
		w := []float64{0.001, 0.005, 0.01, 0.02, 0.025}[trial%5]
		g0 := start + (rng.Float64()-0.3)*dur
		g := spikeGrid(g0, w, start, start+dur)
		times := make([]float64, 500)
		for i := range times {
			times[i] = start + dur*rng.Float64()
		}
		got := make([]float64, g.hi-g.lo)
		binSpikes(got, times, g, g.lo)
		for i := range got {
			left, right := g0+float64(g.lo+i)*w, g0+float64(g.lo+i+1)*w
			if left < start-1e-12 || right > start+dur+1e-12 {
				t.Fatalf("trial %d: bin %d [%g, %g) outside the trial [%g, %g]", trial, g.lo+i, left, right, start, start+dur)
			}
			var want float64
			for _, x := range times {
				if x >= left && x < right {
					want++
				}
			}
			if got[i] != want {
				t.Errorf("trial %d: bin %d: %g spikes, want %g", trial, g.lo+i, got[i], want)
			}
		}
		// The bins just outside the full range would stick out of the trial.
		if l := g0 + float64(g.lo-1)*w; l >= start {
			t.Errorf("trial %d: bin lo−1 starts at %g inside the trial", trial, l)
		}
		if r := g0 + float64(g.hi+1)*w; r <= start+dur {
			t.Errorf("trial %d: bin hi ends at %g inside the trial", trial, r)
		}
	}
}

// TestRebin checks that 1 ms counts summed into 10 ms bins give exactly the sums of the input
// bins each output bin covers, on grids offset from the input's start.
func TestRebin(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, b = 1003, 0.001
	fine := make([]float64, n)
	for i := range fine {
		fine[i] = float64(rng.IntN(4))
	}
	for _, g0 := range []float64{0, 0.0153, -0.0417, 0.5, 0.9} {
		g, shift := countGrid(1.25+g0, 0.01, 1.25, b, n)
		wantOff := int(math.Round(g0 / b))
		if g.off != wantOff || g.f != 10 {
			t.Fatalf("g0 %g: off %d f %d, want %d 10", g0, g.off, g.f, wantOff)
		}
		if math.Abs(shift-(float64(wantOff)*b-g0)) > 1e-12 {
			t.Errorf("g0 %g: shift %g, want %g", g0, shift, float64(wantOff)*b-g0)
		}
		got := make([]float64, g.hi-g.lo)
		rebin(got, fine, g, g.lo)
		for i := range got {
			// Output bin k covers input bins [off+10k, off+10k+10); all must exist.
			first := wantOff + 10*(g.lo+i)
			if first < 0 || first+10 > n {
				t.Fatalf("g0 %g: bin %d covers input bins %d–%d of %d", g0, g.lo+i, first, first+9, n)
			}
			var want float64
			for j := first; j < first+10; j++ {
				want += fine[j]
			}
			if got[i] != want {
				t.Errorf("g0 %g: bin %d: %g, want %g", g0, g.lo+i, got[i], want)
			}
		}
		if first := wantOff + 10*(g.lo-1); first >= 0 {
			t.Errorf("g0 %g: bin lo−1 would fit (input bin %d)", g0, first)
		}
		if last := wantOff + 10*(g.hi+1); last <= n {
			t.Errorf("g0 %g: bin hi would fit (ends at input bin %d)", g0, last)
		}
	}
}

func TestFloorCeilDiv(t *testing.T) {
	for a := -25; a <= 25; a++ {
		for _, b := range []int{1, 3, 10} {
			if got, want := floorDiv(a, b), int(math.Floor(float64(a)/float64(b))); got != want {
				t.Errorf("floorDiv(%d, %d) = %d, want %d", a, b, got, want)
			}
			if got, want := ceilDiv(a, b), int(math.Ceil(float64(a)/float64(b))); got != want {
				t.Errorf("ceilDiv(%d, %d) = %d, want %d", a, b, got, want)
			}
		}
	}
}
