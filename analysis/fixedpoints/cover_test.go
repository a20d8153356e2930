package fixedpoints

import (
	"math"
	"testing"
)

// ring returns n points evenly spaced on the circle of radius rad about (cx, 0), starting at
// angle phase.
func ring(n int, rad, cx, phase float64) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		a := phase + 2*math.Pi*float64(i)/float64(n)
		out[i] = []float64{cx + rad*math.Cos(a), rad * math.Sin(a)}
	}
	return out
}

func TestCoverRing(t *testing.T) {
	// The same unit ring sampled by 6 and by 60 points. Every dense point lies within the
	// chord to the nearest of the 6, at most 2 sin(π/12) = 0.5176 away, and every sparse
	// point is also a dense point (phase 0 in both).
	sparse, dense := ring(6, 1, 0, 0), ring(60, 1, 0, 0)
	half := 2 * math.Sin(math.Pi/12)
	c, err := Cover(dense, sparse, half+1e-9)
	if err != nil {
		t.Fatal(err)
	}
	if c.Recall != 1 || c.Precision != 1 || c.F1 != 1 {
		t.Errorf("same ring at radius %.4f: recall %v, precision %v, F1 %v; want 1, 1, 1", half, c.Recall, c.Precision, c.F1)
	}
	for j, d := range c.TruthToFound {
		if d > 1e-12 {
			t.Errorf("truth point %d is %v from the dense ring, want 0", j, d)
		}
	}
	// At half that radius, a dense point at angle a from the sparse point below it is within r
	// only when one of the chords 2 sin(a/2), 2 sin((π/3 − a)/2) is at most r; precision is
	// the fraction of dense points for which that holds, recall stays 1.
	r := half / 2
	c = c.At(r)
	in := 0
	for i := range 60 {
		a := 2 * math.Pi * float64(i%10) / 60 // angle from the sparse point below it
		if 2*math.Sin(a/2) <= r || 2*math.Sin((math.Pi/3-a)/2) <= r {
			in++
		}
	}
	if want := float64(in) / 60; math.Abs(c.Precision-want) > 1e-12 || c.Recall != 1 {
		t.Errorf("radius %.4f: precision %v (want %v), recall %v (want 1)", r, c.Precision, want, c.Recall)
	}
	if want := 2 * c.Precision / (c.Precision + 1); math.Abs(c.F1-want) > 1e-12 {
		t.Errorf("F1 %v, want %v", c.F1, want)
	}

	// A ring shifted by 3 radii covers nothing at radius 0.5 (the closest points are 1 apart).
	c, err = Cover(ring(60, 1, 3, 0), sparse, 0.5)
	if err != nil {
		t.Fatal(err)
	}
	if c.Recall != 0 || c.Precision != 0 || c.F1 != 0 {
		t.Errorf("disjoint rings: recall %v, precision %v, F1 %v; want 0", c.Recall, c.Precision, c.F1)
	}
	// A single found point on the ring covers one truth point out of 6 and is itself true.
	c, err = Cover([][]float64{{1, 0}}, sparse, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(c.Recall-1.0/6) > 1e-15 || c.Precision != 1 || math.Abs(c.F1-2.0/7) > 1e-15 {
		t.Errorf("one point: recall %v (1/6), precision %v (1), F1 %v (2/7)", c.Recall, c.Precision, c.F1)
	}
}

func TestCoverEdges(t *testing.T) {
	truth := [][]float64{{0, 0}}
	c, err := Cover(nil, truth, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Recall != 0 || !math.IsNaN(c.Precision) || c.F1 != 0 || !math.IsInf(c.TruthToFound[0], 1) {
		t.Errorf("nothing found: recall %v, precision %v, F1 %v, distance %v", c.Recall, c.Precision, c.F1, c.TruthToFound)
	}
	for name, args := range map[string]struct {
		found, truth [][]float64
		r            float64
	}{
		"empty truth":  {truth, nil, 1},
		"zero radius":  {truth, truth, 0},
		"NaN radius":   {truth, truth, math.NaN()},
		"inf radius":   {truth, truth, math.Inf(1)},
		"length":       {[][]float64{{0, 0, 0}}, truth, 1},
		"NaN point":    {[][]float64{{0, math.NaN()}}, truth, 1},
		"empty points": {[][]float64{{}}, [][]float64{{}}, 1},
	} {
		if _, err := Cover(args.found, args.truth, args.r); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
