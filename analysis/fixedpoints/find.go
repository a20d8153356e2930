package fixedpoints

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"gonum.org/v1/gonum/floats"
)

// Result is what Find returns.
type Result struct {
	// Points are the unique fixed points, then the slow points; within each group ordered by
	// decreasing Count, then by Start.
	Points []Point
	// Outliers are unique points dropped for lying far from the starts (see
	// Options.OutlierScale), in the same order; they are not classified (Class Unknown).
	Outliers []Point
	Stats    Stats
}

// Stats counts how the minimisations from the starts ended.
type Stats struct {
	Starts    int // number of starts
	Converged int // ended with q < TolQ
	Slow      int // ended with TolQ ≤ q < TolSlow
	Failed    int // ended with q ≥ TolSlow (stalled or MaxIter) or a non-finite q
	Exhausted int // of all starts, those stopped by MaxIter
	Evals     int // evaluations of q and ∇q, in total
}

// Plus returns the field-wise sum of s and o: the statistics of two searches together.
func (s Stats) Plus(o Stats) Stats {
	return Stats{Starts: s.Starts + o.Starts, Converged: s.Converged + o.Converged, Slow: s.Slow + o.Slow,
		Failed: s.Failed + o.Failed, Exhausted: s.Exhausted + o.Exhausted, Evals: s.Evals + o.Evals}
}

// end is where the minimisation from one start ended.
type end struct {
	x     []float64
	q     float64
	how   outcome
	evals int
}

// Find searches for fixed points of m by minimising q(x) = ½‖F(x) − x‖² with L-BFGS from each
// of the starts (each of length m.Dim(); see Starts), in parallel over opt.Workers goroutines.
// The result does not depend on the number of workers or on scheduling.
//
// The search from a start ends when q < TolQ, when q fell by less than 1% over the last
// Patience iterations, or after MaxIter iterations. End points with q < TolQ are fixed points,
// those with q < TolSlow slow points; the rest are discarded. End points are merged greedily
// in order of increasing q: a point within TolUnique (Euclidean) of an already kept one is
// merged into it. A merged point whose distance to the
// nearest start exceeds OutlierScale × (median distance of the starts from their centroid) is
// an outlier; when that median is zero (all starts equal) nothing is an outlier. Every other
// point is classified by the eigenvalues of J at it (O(n³) each).
//
// The gradient ∇q = (J − I)ᵀ(F(x) − x) is a vector–Jacobian product, so one evaluation costs
// one Step and one dynsys.VJP: O(n²) for a full-rank model.Network, O(nR) for a low-rank one.
func Find(m dynsys.Map, starts [][]float64, opt Options) (Result, error) {
	if err := dynsys.Validate(m); err != nil {
		return Result{}, fmt.Errorf("fixedpoints: %w", err)
	}
	opt, err := opt.withDefaults()
	if err != nil {
		return Result{}, err
	}
	if len(starts) == 0 {
		return Result{}, errors.New("fixedpoints: no starts")
	}
	n := m.Dim()
	for i, s := range starts {
		if len(s) != n {
			return Result{}, fmt.Errorf("fixedpoints: start %d has length %d, map dimension %d", i, len(s), n)
		}
		if err := checkFinite(s); err != nil {
			return Result{}, fmt.Errorf("fixedpoints: start %d: %w", i, err)
		}
	}

	ends := make([]end, len(starts))
	forEach(len(starts), opt.Workers, func() func(int) {
		w := newMinimizer(m, opt)
		return func(i int) {
			x := slices.Clone(starts[i])
			w.evals = 0
			q, how := w.run(x)
			ends[i] = end{x: x, q: q, how: how, evals: w.evals}
		}
	})

	res := Result{Stats: stats(ends, opt)}
	unique := merge(ends, opt)
	res.Points, res.Outliers = splitOutliers(unique, starts, opt.OutlierScale)
	forEach(len(res.Points), opt.Workers, func() func(int) {
		return func(i int) { classify(m, &res.Points[i], opt.MarginalTol) }
	})
	return res, nil
}

func stats(ends []end, opt Options) Stats {
	s := Stats{Starts: len(ends)}
	for _, e := range ends {
		s.Evals += e.evals
		if e.how == exhausted {
			s.Exhausted++
		}
		switch {
		case e.how == diverged:
			s.Failed++
		case e.q < opt.TolQ:
			s.Converged++
		case e.q < opt.TolSlow:
			s.Slow++
		default:
			s.Failed++
		}
	}
	return s
}

// merge keeps the end points with q < TolSlow and merges those within TolUnique of a better
// one (lower q, ties by start index). The result is ordered fixed points first, then slow
// points, each by decreasing Count and then Start.
func merge(ends []end, opt Options) []Point {
	var idx []int
	for i, e := range ends {
		if e.how != diverged && e.q < opt.TolSlow {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(ends[a].q, ends[b].q) })
	tol2 := opt.TolUnique * opt.TolUnique
	var pts []Point
	for _, i := range idx {
		e := ends[i]
		merged := false
		for k := range pts {
			if dist2(pts[k].X, e.x) <= tol2 {
				pts[k].Count++
				merged = true
				break
			}
		}
		if !merged {
			pts = append(pts, Point{X: e.x, Q: e.q, Slow: e.q >= opt.TolQ, Count: 1, Start: i})
		}
	}
	slices.SortStableFunc(pts, func(a, b Point) int {
		if a.Slow != b.Slow {
			if a.Slow {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(a.Start, b.Start)
	})
	return pts
}

// splitOutliers separates the points whose distance to the nearest start exceeds scale × the
// median distance of the starts from their centroid.
//
// The scale is the spread of the starts' cloud rather than a typical distance from found points
// to their nearest start: starts sampled on trajectories crowd around the attractors, so the
// latter is small and would mark genuine saddles, which trajectories only pass by, as outliers.
func splitOutliers(pts []Point, starts [][]float64, scale float64) (keep, out []Point) {
	c := make([]float64, len(starts[0]))
	for _, s := range starts {
		floats.Add(c, s)
	}
	floats.Scale(1/float64(len(starts)), c)
	r := make([]float64, len(starts))
	for i, s := range starts {
		r[i] = floats.Distance(s, c, 2)
	}
	slices.Sort(r)
	med := r[len(r)/2]
	if len(r)%2 == 0 {
		med = (r[len(r)/2-1] + med) / 2
	}
	if med == 0 {
		return pts, nil
	}
	lim := scale * scale * med * med
	for _, p := range pts {
		near := dist2(p.X, starts[0])
		for _, s := range starts[1:] {
			near = min(near, dist2(p.X, s))
		}
		if near > lim {
			out = append(out, p)
		} else {
			keep = append(keep, p)
		}
	}
	return keep, out
}

// dist2 returns ‖a − b‖².
func dist2(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		d := v - b[i]
		s += d * d
	}
	return s
}
