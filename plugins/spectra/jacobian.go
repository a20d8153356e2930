// Package spectra is the analysis plug-in "spectra": the eigenvalues of each segment's
// recurrent weights W_s and of the discrete-time Jacobian of its network along its trajectory
// and at the fixed points of each label value's centroid network, summarised per label value
// (analysis/spectra).
package spectra

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"

	eig "github.com/jedi-neuro/jedi/analysis/spectra"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// Options configure Spectra. The zero value gives the documented defaults.
type Options struct {
	// UnitTol is the distance to |λ| = 1 counted as near the unit circle (default 0.05).
	UnitTol float64
	// Stride: the Jacobian is taken at every Stride-th state of each trajectory (default 1
	// for low rank, whose R informative eigenvalues are cheap, 10 for full rank).
	Stride int
	// MaxSegments bounds the number of segments per label value whose trajectories are used
	// (default: all for low rank, 5 for full rank, whose N×N eigenproblems cost O(N³) each).
	MaxSegments int
}

// SpectrumStats summarises the eigenvalues of one label value in one kind of spectrum.
type SpectrumStats struct {
	Group string `json:"group"`
	// Count is the number of eigenvalues pooled; Matrices the number of matrices they came from.
	Count    int `json:"eigenvalues"`
	Matrices int `json:"matrices"`
	// Radius is the largest |λ|, ImagStd the standard deviation of Im λ, MaxAbsImag the largest
	// |Im λ|, NearUnit the fraction with ||λ| − 1| ≤ UnitTol, Outside the fraction with |λ| > 1.
	Radius     float64 `json:"spectral_radius"`
	ImagStd    float64 `json:"imag_std"`
	MaxAbsImag float64 `json:"max_abs_imag"`
	NearUnit   float64 `json:"fraction_near_unit_circle"`
	Outside    float64 `json:"fraction_outside_unit_circle"`
	// Eigs are the pooled eigenvalues (in the .npz file, not the JSON).
	Eigs []complex128 `json:"-"`
}

// Trend is the Spearman rank correlation, across the values of a numeric label, between the
// value and one summary statistic of one kind of spectrum.
type Trend struct {
	Spectrum  string  `json:"spectrum"`
	Statistic string  `json:"statistic"`
	Rho       float64 `json:"spearman_rho"`
}

// Analysis holds the spectra of a fitted model's networks, by label value: of the
// recurrent weights W_s, of the discrete-time Jacobian along the segments' trajectories, and of
// the Jacobian at the fixed points of each value's network.
type Analysis struct {
	Label   string `json:"label"`
	pal     *report.Palette
	UnitTol float64 `json:"unit_tol"`
	// LowRank is true when only the R informative eigenvalues are kept: the non-zero ones of
	// W = U Vᵀ / N, and the Jacobian's other than the N − R equal to TrivialJacobian = 1 − α.
	LowRank         bool    `json:"low_rank"`
	Rank            int     `json:"rank"`
	TrivialJacobian float64 `json:"trivial_jacobian_eigenvalue"`
	// Stride and MaxSegments are the trajectory sampling used.
	Stride      int `json:"stride"`
	MaxSegments int `json:"max_segments_per_group"`
	// Weights, Trajectory and FixedPoints hold one entry per label value (FixedPoints only when
	// fixed points were given and found).
	Weights     []SpectrumStats `json:"weights"`
	Trajectory  []SpectrumStats `json:"trajectory_jacobian"`
	FixedPoints []SpectrumStats `json:"fixed_point_jacobian"`
	// Trends relate the summaries to the label's value, for numeric labels with ≥ 3 values.
	Trends  []Trend `json:"trends,omitempty"`
	Meaning string  `json:"meaning"`
}

// Spectra computes, for every value of label among segs, the eigenvalues of
//   - each segment's recurrent weights W_s = h_θ(e_s) (see Weights);
//   - the discrete-time Jacobian J = (1 − α) I + α W_s diag(φ'(x_t)) along the segment's
//     trajectory x_t, the network of e_s run from its initial state without noise or input for
//     the segment's length (every opt.Stride-th state, at most opt.MaxSegments segments per
//     value; see model.Network.JacobianEigenvalues for what low rank keeps);
//   - the Jacobian at the fixed points in fps (nil: none), pooled per value;
//
// each pooled per value and summarised (eig.Summarize). For a numeric label with at least
// three values it also returns the Spearman correlation of the value with each summary.
func Analyze(f *train.Fitted, ds *data.Dataset, segs *plugin.Segments, label string, fps *fixedpoints.Analysis, opt Options) (*Analysis, error) {
	c := f.Config.Model
	if opt.UnitTol == 0 {
		opt.UnitTol = 0.05
	}
	if opt.Stride == 0 {
		opt.Stride = 1
		if !c.LowRank() {
			opt.Stride = 10
		}
	}
	if opt.MaxSegments == 0 && !c.LowRank() {
		opt.MaxSegments = 5
	}
	if opt.Stride < 1 || opt.MaxSegments < 0 {
		return nil, fmt.Errorf("spectra: stride %d and max segments %d: want ≥ 1 and ≥ 0", opt.Stride, opt.MaxSegments)
	}
	values, err := segs.Labels(ds, label)
	if err != nil {
		return nil, err
	}
	groups, members, err := plugin.GroupsOf(ds, label, values)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Label: label, pal: plugin.Palette(ds, label), UnitTol: opt.UnitTol, LowRank: c.LowRank(), Rank: c.Rank,
		TrivialJacobian: 1 - c.Alpha, Stride: opt.Stride, MaxSegments: opt.MaxSegments,
		Meaning: "eigenvalues per label value of W_s (weights), of J = (1−α)I + α W_s diag(φ'(x)) (φ' = 1−tanh²x; 1 for a linear cell) along each segment's noiseless autonomous trajectory (trajectory_jacobian) and at the fixed points of each value's network (fixed_point_jacobian); low rank keeps only the R informative eigenvalues of each matrix"}
	ws, err := Weights(f, segs.Matrix(), values, opt.UnitTol)
	if err != nil {
		return nil, err
	}
	for gi, g := range groups {
		w := ws[slices.IndexFunc(ws, func(w GroupSpectrum) bool { return w.Group == g })]
		st, err := stats(g, w.Eigs, len(members[gi]), opt.UnitTol)
		if err != nil {
			return nil, err
		}
		a.Weights = append(a.Weights, st)
	}
	for gi, g := range groups {
		use := members[gi]
		if opt.MaxSegments > 0 && len(use) > opt.MaxSegments {
			use = use[:opt.MaxSegments]
		}
		eigs, n, err := trajectoryEigs(f, ds, segs, use, opt.Stride)
		if err != nil {
			return nil, err
		}
		st, err := stats(g, eigs, n, opt.UnitTol)
		if err != nil {
			return nil, err
		}
		a.Trajectory = append(a.Trajectory, st)
	}
	if fps != nil {
		for _, g := range groups {
			var eigs []complex128
			n := 0
			for _, nf := range fps.Networks {
				if nf.Group != g {
					continue
				}
				for _, p := range nf.Points {
					eigs = append(eigs, p.Jacobian...)
					n++
				}
			}
			if n == 0 {
				continue
			}
			st, err := stats(g, eigs, n, opt.UnitTol)
			if err != nil {
				return nil, err
			}
			a.FixedPoints = append(a.FixedPoints, st)
		}
	}
	a.Trends, err = trends(ds, label, a)
	return a, err
}

// trajectoryEigs returns the pooled Jacobian eigenvalues along the trajectories of segments
// use (positions in segs), and the number of Jacobians, computed over GOMAXPROCS goroutines.
func trajectoryEigs(f *train.Fitted, ds *data.Dataset, segs *plugin.Segments, use []int, stride int) ([]complex128, int, error) {
	out := make([][][]complex128, len(use))
	errs := make([]error, len(use))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), len(use)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				i := use[k]
				net, err := segs.Network(f, segs.E[i], i)
				if err != nil {
					errs[k] = err
					continue
				}
				for t, x := range net.Run(segs.X0[i], ds.Lengths[segs.Idx[i]]) {
					if t%stride != 0 {
						continue
					}
					e, err := net.JacobianEigenvalues(x)
					if err != nil {
						errs[k] = fmt.Errorf("segment %d, step %d: %w", segs.Idx[i], t, err)
						break
					}
					out[k] = append(out[k], e)
				}
			}
		}()
	}
	for k := range use {
		next <- k
	}
	close(next)
	wg.Wait()
	var eigs []complex128
	n := 0
	for k := range use {
		if errs[k] != nil {
			return nil, 0, errs[k]
		}
		for _, e := range out[k] {
			eigs = append(eigs, e...)
			n++
		}
	}
	return eigs, n, nil
}

func stats(g string, eigs []complex128, matrices int, tol float64) (SpectrumStats, error) {
	s, err := eig.Summarize(eigs, tol)
	if err != nil {
		return SpectrumStats{}, fmt.Errorf("spectra of %q: %w", g, err)
	}
	return SpectrumStats{Group: g, Count: s.N, Matrices: matrices, Radius: s.Radius, ImagStd: s.ImagStd,
		MaxAbsImag: s.MaxAbsImag, NearUnit: s.NearUnit, Outside: s.Outside, Eigs: eigs}, nil
}

// trends correlates each summary with the label's value when the label is numeric.
func trends(ds *data.Dataset, label string, a *Analysis) ([]Trend, error) {
	if ds.Labels[label].Kind == data.StringLabel || len(a.Weights) < 3 {
		return nil, nil
	}
	var out []Trend
	for _, kind := range []struct {
		name string
		s    []SpectrumStats
	}{{"weights", a.Weights}, {"trajectory_jacobian", a.Trajectory}, {"fixed_point_jacobian", a.FixedPoints}} {
		if len(kind.s) < 3 {
			continue
		}
		x := make([]float64, len(kind.s))
		for i, s := range kind.s {
			v, err := strconv.ParseFloat(s.Group, 64)
			if err != nil {
				return nil, fmt.Errorf("label %s: value %q is not a number: %w", label, s.Group, err)
			}
			x[i] = v
		}
		for _, st := range []struct {
			name string
			get  func(SpectrumStats) float64
		}{
			{"imag_std", func(s SpectrumStats) float64 { return s.ImagStd }},
			{"max_abs_imag", func(s SpectrumStats) float64 { return s.MaxAbsImag }},
			{"spectral_radius", func(s SpectrumStats) float64 { return s.Radius }},
			{"fraction_near_unit_circle", func(s SpectrumStats) float64 { return s.NearUnit }},
		} {
			y := make([]float64, len(kind.s))
			for i, s := range kind.s {
				y[i] = st.get(s)
			}
			rho, err := eig.Spearman(x, y)
			if err != nil {
				return nil, err
			}
			out = append(out, Trend{Spectrum: kind.name, Statistic: st.name, Rho: rho})
		}
	}
	return out, nil
}

// Trend returns the Spearman ρ of spectrum kind and statistic (NaN when not computed).
func (a *Analysis) Trend(spectrum, statistic string) float64 {
	for _, t := range a.Trends {
		if t.Spectrum == spectrum && t.Statistic == statistic {
			return t.Rho
		}
	}
	return math.NaN()
}

// Write saves the analysis in dir as spectra.json, spectra.npz (for kind k ∈ weights,
// trajectory, fixedpoints and value index g: k_<g>_real, k_<g>_imag; groups) and eigenvalue plots
// spectra_<kind>.png / .svg with the unit circle, and returns the figures for a report.
func (a *Analysis) Write(dir string) ([]report.Figure, error) {
	if err := output.WriteJSON(filepath.Join(dir, "spectra.json"), a); err != nil {
		return nil, err
	}
	var groups []string
	for _, s := range a.Weights {
		groups = append(groups, s.Group)
	}
	arrays := []output.Array{{Name: "groups", Data: groups}}
	var figs []report.Figure
	for _, kind := range []struct {
		name, title, caption string
		s                    []SpectrumStats
	}{
		{"weights", "Eigenvalues of W", "Eigenvalues of each segment's recurrent weights W_s, by " + a.Label, a.Weights},
		{"trajectory", "Jacobian along trajectories", "Eigenvalues of the Jacobian (1−α)I + α W_s diag(φ'(x)) along each segment's trajectory, by " + a.Label, a.Trajectory},
		{"fixedpoints", "Jacobian at fixed points", "Eigenvalues of the Jacobian at the fixed points of each " + a.Label + "'s network", a.FixedPoints},
	} {
		if len(kind.s) == 0 {
			continue
		}
		var sets []report.EigSet
		for g, s := range kind.s {
			arrays = append(arrays, output.EigArrays(fmt.Sprintf("%s_%d", kind.name, g), s.Eigs)...)
			sets = append(sets, report.EigSet{Name: s.Group, Values: s.Eigs})
		}
		png, err := output.Figure(dir, "spectra_"+kind.name, func(path string) error {
			return report.Eigenvalues(path, kind.title, sets, a.pal)
		})
		if err != nil {
			return nil, err
		}
		caption := kind.caption
		if a.LowRank && kind.name != "weights" {
			caption += fmt.Sprintf(" (the %d informative eigenvalues; the other N − %d equal 1 − α = %g)", a.Rank, a.Rank, a.TrivialJacobian)
		}
		figs = append(figs, report.Figure{Caption: caption, Path: png})
	}
	if err := output.WriteNPZ(filepath.Join(dir, "spectra.npz"), arrays...); err != nil {
		return nil, err
	}
	return figs, nil
}

// Table returns the summaries as a report table.
func (a *Analysis) Table() report.Table {
	t := report.Table{Caption: "Spectral summaries per " + a.Label + fmt.Sprintf(" (near: ||λ| − 1| ≤ %g)", a.UnitTol),
		Header: []string{a.Label, "spectrum", "radius", "std Im λ", "max |Im λ|", "near |λ|=1", "outside"}}
	for _, kind := range []struct {
		name string
		s    []SpectrumStats
	}{{"W", a.Weights}, {"J trajectory", a.Trajectory}, {"J fixed points", a.FixedPoints}} {
		for _, s := range kind.s {
			t.Rows = append(t.Rows, []string{s.Group, kind.name, fmt.Sprintf("%.3f", s.Radius), fmt.Sprintf("%.3f", s.ImagStd),
				fmt.Sprintf("%.3f", s.MaxAbsImag), fmt.Sprintf("%.3f", s.NearUnit), fmt.Sprintf("%.3f", s.Outside)})
		}
	}
	return t
}
