package fixedpoints

import (
	"fmt"
	"math"
	"runtime"
)

// Options configures Find. The zero value gives the documented defaults.
type Options struct {
	// TolQ: a minimum with q < TolQ is a fixed point, and the search from a start stops as soon
	// as q < TolQ. Default 1e-10 (as in FixedPointFinder). The distance of a returned point from
	// the true fixed point is about √(2·TolQ) / σ_min(J − I), so lower it for precise locations.
	TolQ float64
	// TolSlow: minima with TolQ ≤ q < TolSlow are kept as slow points (Point.Slow). Default
	// TolQ, i.e. no slow points.
	TolSlow float64
	// TolUnique: points closer than TolUnique (Euclidean) are merged into one. Default 1e-3.
	TolUnique float64
	// OutlierScale: a point is an outlier, and is moved to Result.Outliers, when its distance to
	// the nearest start exceeds OutlierScale × the median distance of the starts from their
	// centroid. Default 10; +Inf keeps everything.
	OutlierScale float64
	// MarginalTol: an eigenvalue with ||λ| − 1| ≤ MarginalTol is marginal (neither stable nor
	// unstable). Default 1e-6.
	MarginalTol float64
	// MaxIter bounds the L-BFGS iterations per start. Default 2000.
	MaxIter int
	// Patience: the search from a start stops, as stalled, when q has fallen by less than 1%
	// over the last Patience iterations. Default 100. Lower values save time but abandon some
	// slowly converging starts; higher values settle slow points more precisely (stalled
	// starts with TolQ ≤ q < TolSlow are reported as slow points).
	Patience int
	// Memory is the number of L-BFGS correction pairs. Default 20.
	Memory int
	// Workers is the number of goroutines that process starts. Default runtime.GOMAXPROCS(0).
	Workers int
}

// withDefaults returns o with zero fields replaced by defaults, or an error for invalid values.
func (o Options) withDefaults() (Options, error) {
	for _, f := range []struct {
		name string
		v    float64
	}{{"TolQ", o.TolQ}, {"TolSlow", o.TolSlow}, {"TolUnique", o.TolUnique}, {"MarginalTol", o.MarginalTol}} {
		if math.IsNaN(f.v) || f.v < 0 || math.IsInf(f.v, 0) {
			return o, fmt.Errorf("fixedpoints: Options.%s = %v, want finite ≥ 0", f.name, f.v)
		}
	}
	if math.IsNaN(o.OutlierScale) || o.OutlierScale < 0 {
		return o, fmt.Errorf("fixedpoints: Options.OutlierScale = %v, want ≥ 0", o.OutlierScale)
	}
	if o.MaxIter < 0 || o.Patience < 0 || o.Memory < 0 || o.Workers < 0 {
		return o, fmt.Errorf("fixedpoints: Options MaxIter = %d, Patience = %d, Memory = %d, Workers = %d: want ≥ 0",
			o.MaxIter, o.Patience, o.Memory, o.Workers)
	}
	if o.TolQ == 0 {
		o.TolQ = 1e-10
	}
	if o.TolSlow == 0 {
		o.TolSlow = o.TolQ
	}
	if o.TolSlow < o.TolQ {
		return o, fmt.Errorf("fixedpoints: Options.TolSlow = %g < TolQ = %g", o.TolSlow, o.TolQ)
	}
	if o.TolUnique == 0 {
		o.TolUnique = 1e-3
	}
	if o.OutlierScale == 0 {
		o.OutlierScale = 10
	}
	if o.MarginalTol == 0 {
		o.MarginalTol = 1e-6
	}
	if o.MaxIter == 0 {
		o.MaxIter = 2000
	}
	if o.Patience == 0 {
		o.Patience = 100
	}
	if o.Memory == 0 {
		o.Memory = 20
	}
	if o.Workers == 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o, nil
}
