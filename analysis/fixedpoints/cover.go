package fixedpoints

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Coverage compares two point sets as samples of the same structure, whatever their sizes.
// Match pairs points one to one, which suits isolated fixed points; a continuous attractor (a
// ring or a line of slow points) is cut into a number of points that depends on the finder, the
// starts and the de-duplication tolerance, so two good samples of the same ring can differ
// tenfold in count. Coverage asks instead whether every point of each set has a point of the
// other set nearby. With found points f₁…f_F, truth points t₁…t_T, d the Euclidean distance and
// r the radius:
type Coverage struct {
	// Radius is r.
	Radius float64
	// Recall is the fraction of truth points with a found point within r,
	//	#{t : min_f d(f, t) ≤ r} / T:
	// how much of the true structure was found.
	Recall float64
	// Precision is the fraction of found points within r of a truth point,
	//	#{f : min_t d(f, t) ≤ r} / F:
	// how much of what was found is true (NaN when found is empty).
	Precision float64
	// F1 is the harmonic mean 2 P R / (P + R), 0 when both are 0 or found is empty.
	F1 float64
	// FoundToTruth[i] is min_t d(f_i, t), TruthToFound[j] is min_f d(f, t_j) (+Inf when
	// found is empty): the distances behind Precision and Recall.
	FoundToTruth, TruthToFound []float64
}

// Cover computes the Coverage of truth by found at radius r > 0. The points are compared as
// they are (project them first, as Match's project does); all must have the same length.
func Cover(found, truth [][]float64, r float64) (Coverage, error) {
	if len(truth) == 0 {
		return Coverage{}, errors.New("fixedpoints: Cover: empty truth set")
	}
	if !(r > 0) || math.IsInf(r, 1) {
		return Coverage{}, fmt.Errorf("fixedpoints: Cover: radius %v, want finite > 0", r)
	}
	dim := len(truth[0])
	for _, set := range []struct {
		name string
		pts  [][]float64
	}{{"truth", truth}, {"found", found}} {
		name := set.name
		for i, x := range set.pts {
			if len(x) != dim || dim == 0 {
				return Coverage{}, fmt.Errorf("fixedpoints: Cover: %s point %d has length %d, want %d > 0", name, i, len(x), dim)
			}
			if err := checkFinite(x); err != nil {
				return Coverage{}, fmt.Errorf("fixedpoints: Cover: %s point %d: %w", name, i, err)
			}
		}
	}
	c := Coverage{FoundToTruth: make([]float64, len(found)), TruthToFound: make([]float64, len(truth))}
	for j := range c.TruthToFound {
		c.TruthToFound[j] = math.Inf(1)
	}
	for i, f := range found {
		c.FoundToTruth[i] = math.Inf(1)
		for j, t := range truth {
			d := floats.Distance(f, t, 2)
			c.FoundToTruth[i] = min(c.FoundToTruth[i], d)
			c.TruthToFound[j] = min(c.TruthToFound[j], d)
		}
	}
	return c.At(r), nil
}

// At returns the coverage of the same two sets at radius r, from the distances c holds:
// a coverage curve costs one Cover and an At per radius.
func (c Coverage) At(r float64) Coverage {
	within := func(d []float64) float64 {
		n := 0
		for _, v := range d {
			if v <= r {
				n++
			}
		}
		return float64(n) / float64(len(d))
	}
	c.Radius, c.Recall, c.Precision, c.F1 = r, within(c.TruthToFound), math.NaN(), 0
	if len(c.FoundToTruth) > 0 {
		c.Precision = within(c.FoundToTruth)
		if s := c.Precision + c.Recall; s > 0 {
			c.F1 = 2 * c.Precision * c.Recall / s
		}
	}
	return c
}
