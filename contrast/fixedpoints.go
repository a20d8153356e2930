package contrast

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/jedi-neuro/jedi/analysis/resample"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/train"
)

// FixedPointMeasures are measured once per group and run, on the network of the group's
// centroid embedding (fixedpoints.Analyze): fp_count, the number of its fixed points (slow
// points excluded), and fp_stable, the number of those that are stable (every Jacobian
// eigenvalue inside the unit circle).
var FixedPointMeasures = []string{"fp_count", "fp_stable"}

// GroupFixedPoints are the fixed-point measures of one group of one contrast in one run.
type GroupFixedPoints struct {
	Contrast string             `json:"contrast"`
	Group    string             `json:"group"`
	Values   map[string]float64 `json:"values"`
}

// measureFixedPoints finds the fixed points of the centroid networks of groups A and B of
// every contrast of specs (among the segments of all within the contrast's subset) and appends
// them to run.FixedPoints. starts is the number of minimisations per network.
func measureFixedPoints(run *Run, f *train.Fitted, ds *data.Dataset, all *plugin.Segments, specs []Spec, starts int, seed uint64) error {
	var err error
	labels := map[string][]string{}
	for name := range ds.Labels {
		if labels[name], err = ds.LabelValues(name); err != nil {
			return err
		}
	}
	for _, spec := range specs {
		sub := &plugin.Segments{}
		for i, s := range all.Idx {
			l := map[string]string{}
			for name := range labels {
				l[name] = labels[name][s]
			}
			if !matches(l, spec.Within) || (l[spec.Label] != spec.A && l[spec.Label] != spec.B) {
				continue
			}
			sub.Idx, sub.E, sub.X0 = append(sub.Idx, s), append(sub.E, all.E[i]), append(sub.X0, all.X0[i])
		}
		fa, err := fixedpoints.Analyze(f, ds, sub, spec.Label, fixedpoints.Options{Starts: starts, Seed: seed})
		if err != nil {
			return fmt.Errorf("%s: fixed points of %s: %w", run.Dir, spec.Name, err)
		}
		for _, g := range []string{spec.A, spec.B} {
			i := slices.IndexFunc(fa.Networks, func(n fixedpoints.Network) bool { return n.Group == g })
			if i < 0 {
				return fmt.Errorf("%s: fixed points of %s: no network for %s = %q", run.Dir, spec.Name, spec.Label, g)
			}
			var count, stable float64
			for _, p := range fa.Networks[i].Points {
				if p.Slow {
					continue
				}
				count++
				if p.Class == "stable" {
					stable++
				}
			}
			run.FixedPoints = append(run.FixedPoints, GroupFixedPoints{Contrast: spec.Name, Group: g, Values: map[string]float64{"fp_count": count, "fp_stable": stable}})
		}
	}
	return nil
}

// FixedPointResult is one fixed-point measure of one contrast in one kind of runs: the
// groups' values over runs and their difference, with the sign-flip p-value.
type FixedPointResult struct {
	Kind    string    `json:"kind"`
	Measure string    `json:"measure"`
	PerRun  []float64 `json:"per_run"`
	A       Interval  `json:"a"`
	B       Interval  `json:"b"`
	Diff    Interval  `json:"diff"`
}

// compareFixedPoints summarises the fixed-point measures of one contrast over the runs of each
// kind that have them.
func compareFixedPoints(runs map[string][]*Run, kinds []string, spec Spec, cfg Config, rng *rand.Rand) ([]FixedPointResult, error) {
	var out []FixedPointResult
	for _, k := range kinds {
		for _, m := range FixedPointMeasures {
			var as, bs, ds []float64
			for _, r := range runs[k] {
				a, okA := r.fixedPoint(spec.Name, spec.A, m)
				b, okB := r.fixedPoint(spec.Name, spec.B, m)
				if !okA || !okB {
					continue
				}
				as, bs, ds = append(as, a), append(bs, b), append(ds, a-b)
			}
			if len(ds) < 2 {
				continue
			}
			res := FixedPointResult{Kind: k, Measure: m, PerRun: ds}
			var err error
			if res.A, err = interval(as, cfg, rng); err != nil {
				return nil, err
			}
			if res.B, err = interval(bs, cfg, rng); err != nil {
				return nil, err
			}
			if res.Diff, err = interval(ds, cfg, rng); err != nil {
				return nil, err
			}
			if res.Diff.P, err = resample.SignFlip(ds, cfg.Permutations, rng); err != nil {
				return nil, err
			}
			out = append(out, res)
		}
	}
	return out, nil
}

// fixedPoint returns the run's fixed-point measure m of group g of contrast name.
func (r *Run) fixedPoint(name, g, m string) (float64, bool) {
	for _, fp := range r.FixedPoints {
		if fp.Contrast == name && fp.Group == g {
			v, ok := fp.Values[m]
			return v, ok
		}
	}
	return 0, false
}
