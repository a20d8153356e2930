package contrast

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/analysis/resample"
)

// Interval is a mean over runs with its bootstrap interval [Lo, Hi] and, where a test applies,
// its p-value.
type Interval struct {
	Mean float64 `json:"mean"`
	Lo   float64 `json:"lo"`
	Hi   float64 `json:"hi"`
	N    int     `json:"runs"`
	P    float64 `json:"p,omitempty"`
}

// Excludes0 reports whether the interval lies entirely on one side of 0.
func (iv Interval) Excludes0() bool { return iv.Lo > 0 || iv.Hi < 0 }

// Arm is one contrast of one measure in one kind of run (the real fits or a control).
type Arm struct {
	// PerRun are d_r = mean(A) − mean(B) in each run.
	PerRun []float64 `json:"per_run"`
	// A and B are the runs' group means; Diff the mean of d_r with the sign-flip p-value.
	A    Interval `json:"a"`
	B    Interval `json:"b"`
	Diff Interval `json:"diff"`
	// LabelP are the within-run permutation p-values (labels shuffled among the run's
	// segments of the contrast), and Permuted the d_r of one such shuffle per run.
	LabelP   []float64 `json:"label_permutation_p"`
	Permuted Interval  `json:"permuted_labels_diff"`
	// VsRealP is, for a control, the two-sample permutation p-value of its d_r against the
	// real runs'.
	VsRealP float64 `json:"vs_real_p,omitempty"`
}

// MeasureResult is one measure of one contrast, in the real runs and every control.
type MeasureResult struct {
	Measure  string          `json:"measure"`
	Real     Arm             `json:"real"`
	Controls map[string]*Arm `json:"controls,omitempty"`
}

// ClaimResult is a claim with its verdict.
type ClaimResult struct {
	Claim
	Verdict string `json:"verdict"`
	Why     string `json:"why"`
}

// ContrastResult holds one contrast.
type ContrastResult struct {
	Spec     Spec            `json:"spec"`
	Measures []MeasureResult `json:"measures"`
	Claims   []ClaimResult   `json:"claims"`
	// FixedPoints compare the groups' centroid networks' fixed points, per kind of run.
	FixedPoints []FixedPointResult `json:"fixed_points,omitempty"`
}

// Fit is the reconstruction quality of one kind of run.
type Fit struct {
	R2Train   Interval `json:"r2_train"`
	R2HeldOut Interval `json:"r2_heldout"`
}

// Decoding is the cross-validated accuracy of one label from the embeddings, per kind of run.
type Decoding struct {
	Label string `json:"label"`
	// Classes is the number of classes and Chance the frequency of the most common one (the
	// accuracy of always guessing it), averaged over runs.
	Classes int     `json:"classes"`
	Chance  float64 `json:"chance"`
	// Accuracy is the logistic regression's accuracy; Permuted that of the same classifier
	// trained and tested on labels shuffled among the segments (the empirical chance), with P
	// the sign-flip p-value of Accuracy − Permuted over runs.
	Accuracy Interval `json:"accuracy"`
	Permuted Interval `json:"permuted_accuracy"`
}

// Result is everything Compare finds.
type Result struct {
	Config    Config                `json:"config"`
	Runs      map[string][]string   `json:"runs"`
	Fits      map[string]Fit        `json:"fits"`
	Contrasts []ContrastResult      `json:"contrasts"`
	Decoding  map[string][]Decoding `json:"decoding,omitempty"`
}

// Real names the real runs among the kinds of Compare.
const Real = "real"

// Compare contrasts the measured runs: runs[Real] the fits of the data, the other kinds
// controls (e.g. "shuffled", "onehot"). Every kind needs at least 2 runs.
func Compare(runs map[string][]*Run, cfg Config) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if len(runs[Real]) < 2 {
		return nil, fmt.Errorf("contrast: %d real runs, want ≥ 2", len(runs[Real]))
	}
	kinds := slices.Sorted(mapKeys(runs))
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x5eed))
	res := &Result{Config: cfg, Runs: map[string][]string{}, Fits: map[string]Fit{}}
	for _, k := range kinds {
		if len(runs[k]) < 2 {
			return nil, fmt.Errorf("contrast: %d %s runs, want ≥ 2", len(runs[k]), k)
		}
		var tr, ho []float64
		for _, r := range runs[k] {
			res.Runs[k] = append(res.Runs[k], r.Dir)
			tr = append(tr, r.R2Train)
			if !math.IsNaN(r.R2HeldOut) {
				ho = append(ho, r.R2HeldOut)
			}
		}
		var fit Fit
		var err error
		if fit.R2Train, err = interval(tr, cfg, rng); err != nil {
			return nil, err
		}
		if len(ho) > 0 {
			if fit.R2HeldOut, err = interval(ho, cfg, rng); err != nil {
				return nil, err
			}
		}
		res.Fits[k] = fit
	}
	for _, spec := range cfg.Contrasts {
		cr := ContrastResult{Spec: spec}
		for _, m := range Measures {
			mr := MeasureResult{Measure: m}
			for _, k := range kinds {
				arm, err := contrastArm(runs[k], spec, m, cfg, rng)
				if err != nil {
					return nil, fmt.Errorf("contrast %q, %s, %s runs: %w", spec.Name, m, k, err)
				}
				if k == Real {
					mr.Real = *arm
					continue
				}
				if mr.Controls == nil {
					mr.Controls = map[string]*Arm{}
				}
				mr.Controls[k] = arm
			}
			// In a fixed order: the draws of each test come from one generator, and the same
			// inputs must give the same p-values.
			for _, k := range slices.Sorted(mapKeys(mr.Controls)) {
				arm := mr.Controls[k]
				_, p, err := resample.TwoSample(mr.Real.PerRun, arm.PerRun, cfg.Permutations, rng)
				if err != nil {
					return nil, fmt.Errorf("contrast %q, %s, %s against real: %w", spec.Name, m, k, err)
				}
				arm.VsRealP = p
			}
			cr.Measures = append(cr.Measures, mr)
		}
		for _, cl := range spec.Claims {
			i := slices.IndexFunc(cr.Measures, func(m MeasureResult) bool { return m.Measure == cl.Measure })
			v, why := Verdict(cl, cr.Measures[i], cfg.Alpha)
			cr.Claims = append(cr.Claims, ClaimResult{Claim: cl, Verdict: v, Why: why})
		}
		var err error
		if cr.FixedPoints, err = compareFixedPoints(runs, kinds, spec, cfg, rng); err != nil {
			return nil, fmt.Errorf("contrast %q, fixed points: %w", spec.Name, err)
		}
		res.Contrasts = append(res.Contrasts, cr)
	}
	if cfg.Decode != nil {
		res.Decoding = map[string][]Decoding{}
		for _, k := range kinds {
			if runs[k][0].Inputs > 0 {
				continue // one embedding for every segment: nothing to decode
			}
			for _, l := range cfg.Decode.Labels {
				d, err := decode(runs[k], l, cfg, rng)
				if err != nil {
					return nil, fmt.Errorf("decoding %s, %s runs: %w", l, k, err)
				}
				res.Decoding[k] = append(res.Decoding[k], *d)
			}
		}
	}
	return res, nil
}

// interval returns the mean of x with its bootstrap interval.
func interval(x []float64, cfg Config, rng *rand.Rand) (Interval, error) {
	lo, hi, err := resample.Bootstrap(x, resample.Mean, cfg.Level, cfg.Bootstrap, rng)
	if err != nil {
		return Interval{}, err
	}
	return Interval{Mean: resample.Mean(x), Lo: lo, Hi: hi, N: len(x)}, nil
}

// contrastArm computes one measure's contrast over one kind of runs.
func contrastArm(runs []*Run, spec Spec, measure string, cfg Config, rng *rand.Rand) (*Arm, error) {
	arm := &Arm{}
	var as, bs, perm []float64
	for _, r := range runs {
		var x []float64
		var inA []bool
		for _, s := range r.Segments {
			if !matches(s.Labels, spec.Within) {
				continue
			}
			switch s.Labels[spec.Label] {
			case spec.A:
				inA = append(inA, true)
			case spec.B:
				inA = append(inA, false)
			default:
				continue
			}
			v, ok := s.Values[measure]
			if !ok {
				return nil, fmt.Errorf("%s: segment %d has no measure %s", r.Dir, s.Index, measure)
			}
			x = append(x, v)
		}
		nA := 0
		for _, a := range inA {
			if a {
				nA++
			}
		}
		if nA == 0 || nA == len(inA) {
			return nil, fmt.Errorf("%s: %d segments with %s = %q and %d with %q (within %v); want both", r.Dir, nA, spec.Label, spec.A, len(inA)-nA, spec.B, spec.Within)
		}
		d, p, err := resample.Permutation(x, inA, cfg.Permutations, rng)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Dir, err)
		}
		var ma, mb float64
		for i, v := range x {
			if inA[i] {
				ma += v / float64(nA)
			} else {
				mb += v / float64(len(x)-nA)
			}
		}
		arm.PerRun = append(arm.PerRun, d)
		arm.LabelP = append(arm.LabelP, p)
		as, bs = append(as, ma), append(bs, mb)
		shuffled := slices.Clone(inA)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		pd, _, err := resample.Permutation(x, shuffled, 1, rng)
		if err != nil {
			return nil, err
		}
		perm = append(perm, pd)
	}
	var err error
	if arm.A, err = interval(as, cfg, rng); err != nil {
		return nil, err
	}
	if arm.B, err = interval(bs, cfg, rng); err != nil {
		return nil, err
	}
	if arm.Diff, err = interval(arm.PerRun, cfg, rng); err != nil {
		return nil, err
	}
	if arm.Diff.P, err = resample.SignFlip(arm.PerRun, cfg.Permutations, rng); err != nil {
		return nil, err
	}
	if arm.Permuted, err = interval(perm, cfg, rng); err != nil {
		return nil, err
	}
	if arm.Permuted.P, err = resample.SignFlip(perm, cfg.Permutations, rng); err != nil {
		return nil, err
	}
	return arm, nil
}

// Verdict applies the rule: a claim is
//
//   - "reproduced" when the real runs' difference is significant in the expected direction
//     (bootstrap interval excluding 0 and sign-flip p < alpha; for "differ", either
//     direction) and survives every control: the median within-run label-permutation p is
//     below alpha, and the real difference exceeds each control's (time-shuffled spikes; one
//     network with a one-hot context input) in the expected direction, by the two-sample
//     permutation test of the runs' differences (p < alpha). The control must be beaten, not
//     merely be non-significant itself: with 5 control runs no sign-flip p can fall below
//     2/2⁵ = 0.0625, so a control's own test would pass everything;
//   - "partly" when it is significant in the expected direction but fails a control;
//   - "not" otherwise: no significant difference, or one in the opposite direction.
//
// why says which.
func Verdict(cl Claim, m MeasureResult, alpha float64) (string, string) {
	r := m.Real
	sign := 0.0
	switch cl.Expect {
	case Greater:
		sign = 1
	case Less:
		sign = -1
	case Differ:
		sign = math.Copysign(1, r.Diff.Mean)
	}
	sig := r.Diff.Excludes0() && r.Diff.P < alpha
	switch {
	case !sig:
		return "not", fmt.Sprintf("no significant difference: %+.3g [%.3g, %.3g], sign-flip p = %.3g", r.Diff.Mean, r.Diff.Lo, r.Diff.Hi, r.Diff.P)
	case sign*r.Diff.Mean < 0:
		return "not", fmt.Sprintf("significant in the opposite direction: %+.3g [%.3g, %.3g], p = %.3g", r.Diff.Mean, r.Diff.Lo, r.Diff.Hi, r.Diff.P)
	}
	var fails []string
	if med := median(r.LabelP); !(med < alpha) {
		fails = append(fails, fmt.Sprintf("within-run label permutation: median p = %.3g", med))
	}
	for _, k := range slices.Sorted(mapKeys(m.Controls)) {
		c := m.Controls[k]
		if !(sign*(r.Diff.Mean-c.Diff.Mean) > 0 && c.VsRealP < alpha) {
			fails = append(fails, fmt.Sprintf("not beyond the %s control: %+.3g [%.3g, %.3g], against real p = %.3g", k, c.Diff.Mean, c.Diff.Lo, c.Diff.Hi, c.VsRealP))
		}
	}
	base := fmt.Sprintf("%+.3g [%.3g, %.3g], sign-flip p = %.3g", r.Diff.Mean, r.Diff.Lo, r.Diff.Hi, r.Diff.P)
	if len(fails) > 0 {
		s := base + "; fails: "
		for i, f := range fails {
			if i > 0 {
				s += "; "
			}
			s += f
		}
		return "partly", s
	}
	return "reproduced", base + "; survives the controls"
}

func median(x []float64) float64 {
	s := slices.Clone(x)
	slices.Sort(s)
	return resample.Quantile(s, 0.5)
}

// decode decodes label from the embeddings of the segments matching the decode subset, in every
// run.
func decode(runs []*Run, label string, cfg Config, rng *rand.Rand) (*Decoding, error) {
	d := &Decoding{Label: label}
	var acc, null []float64
	for ri, r := range runs {
		var rows [][]float64
		var labels []string
		for _, s := range r.Segments {
			if !matches(s.Labels, cfg.Decode.Within) {
				continue
			}
			v, ok := s.Labels[label]
			if !ok {
				return nil, fmt.Errorf("%s: segment %d has no label %q", r.Dir, s.Index, label)
			}
			rows, labels = append(rows, s.Embedding), append(labels, v)
		}
		if len(rows) == 0 {
			return nil, fmt.Errorf("%s: no segment within %v", r.Dir, cfg.Decode.Within)
		}
		X := mat.NewDense(len(rows), len(rows[0]), nil)
		for i, row := range rows {
			X.SetRow(i, row)
		}
		seed := cfg.Seed + uint64(ri)
		c, err := embed.Classify(X, labels, cfg.Decode.Folds, seed, embed.Logistic)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Dir, err)
		}
		shuffled := slices.Clone(labels)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		cn, err := embed.Classify(X, shuffled, cfg.Decode.Folds, seed, embed.Logistic)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.Dir, err)
		}
		acc, null = append(acc, c.Accuracy), append(null, cn.Accuracy)
		d.Classes = len(c.Classes)
		d.Chance += c.Chance / float64(len(runs))
	}
	var err error
	if d.Accuracy, err = interval(acc, cfg, rng); err != nil {
		return nil, err
	}
	if d.Permuted, err = interval(null, cfg, rng); err != nil {
		return nil, err
	}
	diff := make([]float64, len(acc))
	for i := range acc {
		diff[i] = acc[i] - null[i]
	}
	if d.Accuracy.P, err = resample.SignFlip(diff, cfg.Permutations, rng); err != nil {
		return nil, err
	}
	return d, nil
}
