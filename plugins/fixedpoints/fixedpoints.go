// Package fixedpoints is the analysis plug-in "fixedpoints": the fixed points of the network of
// each label value (or of each segment) of a fitted run, found by minimising q(x) = ½‖F(x) −
// x‖² from states on its trajectories (analysis/fixedpoints), classified by their Jacobian's
// eigenvalues, projected on the principal axes of the predicted activity and, when the data
// hold a teacher's fixed points, matched against them.
package fixedpoints

import (
	"fmt"
	"log/slog"
	"math"
	"math/cmplx"
	"path/filepath"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/embed"
	fpsearch "github.com/jedi-neuro/jedi/analysis/fixedpoints"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// Options configure FixedPoints. The zero value gives the documented defaults.
type Options struct {
	// PerSegment analyses the network of every segment (its own embedding) instead of one
	// network per label value (the centroid of the value's embeddings).
	PerSegment bool
	// Starts is the number of minimisations per network (default 256).
	Starts int
	// Noise is the standard deviation of the Gaussian noise added to each start, relative to
	// the RMS spread of the trajectory states about their mean (default 0.1).
	Noise float64
	// Trajectories bounds the number of trajectories run per network to sample starts from and
	// to draw (default 20).
	Trajectories int
	// Seed drives the starts.
	Seed uint64
	// Find configures the minimisation (zero value: the fixedpoints defaults).
	Find fpsearch.Options
	// MatchRadius is the radius of the coverage comparison with the teacher's points
	// (TeacherMatch.Recall, Precision, F1) as a fraction of the size of the recorded activity,
	// the RMS distance of its bins from their mean, √(Σ_j Var y_j) (default 0.2). On the
	// default MemoryPro data (64 neurons, size 3.0) 0.2 is a distance of 0.6, an RMS
	// difference of 0.075 per neuron in rates that span [−1, 1], and 1.4 times the distance
	// (0.42) that the observation noise alone puts between a recorded bin and the truth.
	MatchRadius float64
}

func (o Options) WithDefaults() Options {
	if o.Starts == 0 {
		o.Starts = 256
	}
	if o.Noise == 0 {
		o.Noise = 0.1
	}
	if o.Trajectories == 0 {
		o.Trajectories = 20
	}
	if o.MatchRadius == 0 {
		o.MatchRadius = 0.2
	}
	return o
}

// Point is one fixed (or slow) point of a fitted network.
type Point struct {
	// X is the state x* (length N), Observed the predicted rates ŷ* = C φ(x*) + c of the
	// recorded neurons (length M), PC its coordinates on the first two principal axes of the
	// predicted activity.
	X        []float64  `json:"-"`
	Observed []float64  `json:"-"`
	PC       [2]float64 `json:"pc"`
	// Q is the speed ½‖F(x*) − x*‖²; Slow marks a slow point; Count is the number of starts
	// that ended here.
	Q     float64 `json:"q"`
	Slow  bool    `json:"slow"`
	Count int     `json:"count"`
	// Class is the stability (stable, unstable, saddle, marginal), with the numbers of
	// unstable and marginal eigenvalues of the Jacobian.
	Class    string `json:"class"`
	Unstable int    `json:"unstable_dims"`
	Marginal int    `json:"marginal_dims"`
	// Jacobian holds the informative eigenvalues of the Jacobian at x* (see
	// Network.JacobianEigenvalues), Radius the spectral radius of the Jacobian.
	Jacobian []complex128 `json:"-"`
	Radius   float64      `json:"spectral_radius"`
}

// Network are the fixed points of one network.
type Network struct {
	// Group is the label value; Segment the dataset segment whose embedding generated the
	// network, or −1 for the centroid of the value's embeddings.
	Group     string    `json:"group"`
	Segment   int       `json:"segment"`
	Embedding []float64 `json:"embedding"`
	// Trajectories is the number of trajectories the starts were sampled from.
	Trajectories int            `json:"trajectories"`
	Points       []Point        `json:"points"`
	Outliers     int            `json:"outliers"`
	Stats        fpsearch.Stats `json:"stats"`
}

// TeacherMatch compares the fixed points of a label value's networks — one network, the
// centroid's, or with PerSegment the networks of all its segments, pooled — with the
// ground-truth network's fixed points of that value, in the space of the recorded neurons.
type TeacherMatch struct {
	Group string `json:"group"`
	// Networks is the number of networks pooled; TeacherPoints and Found count the two sets
	// of fixed points (slow points excluded), TeacherSlow the teacher's slow points.
	Networks      int `json:"networks"`
	TeacherPoints int `json:"teacher_points"`
	TeacherSlow   int `json:"teacher_slow_points"`
	Found         int `json:"found_points"`
	// Score, MeanDistance, Chamfer, CountDiff, ClassAgreement and Spread are those of
	// fpsearch.Match of the fixed points.
	Score          float64 `json:"score"`
	MeanDistance   float64 `json:"mean_distance"`
	Chamfer        float64 `json:"chamfer"`
	CountDiff      int     `json:"count_diff"`
	ClassAgreement float64 `json:"class_agreement"`
	// StabilityAgreement is the fraction of pairs where the student's point is stable exactly
	// when the teacher's is, from teacher_fixed_points_<value>_stable (NaN without it).
	StabilityAgreement float64         `json:"stability_agreement"`
	Spread             float64         `json:"spread"`
	Pairs              []fpsearch.Pair `json:"pairs"`
	// Radius, Recall, Precision and F1 are fpsearch.Cover of the teacher's fixed and slow
	// points by every point found (slow ones included), at the radius RadiusFraction (the
	// option MatchRadius) × the size of the recorded activity.
	RadiusFraction float64 `json:"radius_fraction"`
	Radius         float64 `json:"radius"`
	Recall         float64 `json:"recall"`
	Precision      float64 `json:"precision"`
	F1             float64 `json:"f1"`
	// Curve is the coverage at the radii CurveFractions × the size of the activity.
	Curve   []CoverageAt `json:"coverage_curve"`
	Meaning string       `json:"meaning"`
	// FixedPC and SlowPC place the teacher's fixed and slow points on the principal axes of
	// the analysis, from their rates fixedY and slowY.
	FixedPC, SlowPC [][2]float64 `json:"-"`
	fixedY, slowY   [][]float64
}

// CurveFractions are the radii of TeacherMatch.Curve, as fractions of the size of the
// recorded activity.
var CurveFractions = []float64{0.05, 0.1, 0.15, 0.2, 0.3, 0.5}

// CoverageAt is the coverage of the teacher's points at one radius.
type CoverageAt struct {
	Fraction  float64 `json:"fraction"`
	Radius    float64 `json:"radius"`
	Recall    float64 `json:"recall"`
	Precision float64 `json:"precision"`
	F1        float64 `json:"f1"`
}

// space describes the space the points are projected and matched in: the model's readout, with
// the Poisson link when the model was fitted to counts (model.Readout).
func space(f *train.Fitted) string {
	c := f.Config.Model
	phi := "tanh(x)"
	if c.Cell == model.CellLinear {
		phi = "x"
	}
	y := "C " + phi + " + c"
	if c.Readout == model.Identity {
		y = phi + "[:M]"
	}
	if c.Loss == model.Poisson {
		y = "softplus(" + y + ")"
	}
	return "predicted rates of the recorded neurons, ŷ = " + y + ", over the trajectories of every network"
}

// teacherMeaning explains the scores in the JSON output.
const teacherMeaning = "Both sets are compared as rates of the recorded neurons: the student's readout ŷ* (pca_space gives its formula, link included) against the teacher's tanh(x*_teacher)[teacher_observed], pooled over the value's networks. " +
	"Coverage, which does not depend on how many points a ring or line of slow points was cut into: recall is the fraction of the teacher's fixed and slow points (teacher_fixed_points_<value>, teacher_slow_points_<value>) with a student point within radius, " +
	"precision the fraction of the student's points within radius of a teacher point, f1 their harmonic mean; radius is radius_fraction × the RMS distance of the recorded activity from its mean; coverage_curve repeats them at other fractions. " +
	"One-to-one, for isolated fixed points: pairs is the assignment of min(F, T) fixed points minimising the total Euclidean distance, mean_distance its mean, spread the RMS distance of the teacher's points from their centroid; " +
	"score = min(F,T)/max(F,T) / (1 + mean_distance/spread) in [0, 1]: 1 when the counts agree and every pair coincides, halved when the mean distance equals the spread; " +
	"chamfer: symmetric Chamfer distance; class_agreement: fraction of pairs of equal class where both classes are known; " +
	"stability_agreement: fraction of pairs where the student's point is stable exactly when the teacher's is (teacher_fixed_points_<value>_stable; null without it)."

// Analysis is the fixed points of the networks of a fitted model, by label value.
type Analysis struct {
	Label string `json:"label"`
	pal   *report.Palette
	// Space says what the principal axes are computed on.
	Space     string    `json:"pca_space"`
	Explained []float64 `json:"pca_explained"`
	Networks  []Network `json:"networks"`
	// Teacher holds, when the dataset has ground-truth fixed points, the match of each label
	// value's points with the teacher's.
	Teacher []TeacherMatch `json:"teacher_match,omitempty"`
	// TrajectoryPC and TrajectoryGroup are the projected trajectory states that the starts were
	// sampled from (every 5th state), and their label values, for the figure.
	TrajectoryPC    [][2]float64 `json:"-"`
	TrajectoryGroup []string     `json:"-"`
	// TrajectoryRun numbers the trajectory each projected state belongs to (states of one
	// trajectory are consecutive, in time order).
	TrajectoryRun []int `json:"-"`
	// segs and perSegment are what the analysis ran on, so that the spectra can reuse it.
	segs       *plugin.Segments
	perSegment bool
}

// OfCentroids reports whether a holds the points of the label values' centroid networks of
// exactly segs (not every segment's network), so that a later analysis of the same segments
// can reuse them instead of searching again.
func (a *Analysis) OfCentroids(segs *plugin.Segments) bool {
	return a.segs == segs && !a.perSegment
}

// FixedPoints finds the fixed points of the networks of a fitted model, following the
// FixedPointFinder approach (analysis/fixedpoints): for each value of label among segs (or for
// each segment, with PerSegment), the network of the value's centroid embedding (the mean of
// segs' embeddings with that value) is run from the initial states of up to opt.Trajectories of
// its segments for the segments' lengths; opt.Starts states drawn from these trajectories plus
// Gaussian noise start minimisations of q(x) = ½‖F(x) − x‖²; the minima are de-duplicated and
// classified by the eigenvalues of the Jacobian.
//
// The points and the trajectories are projected on the first two principal axes of the
// predicted activity of the recorded neurons, ŷ = C φ(x) + c, pooled over the trajectories of
// every network: a space common to all networks and to the teacher. When ds.Extra holds
// teacher_fixed_points_<value> [K, N_teacher] and teacher_observed [M] (the teacher's units
// recorded as the dataset's neurons), and optionally teacher_slow_points_<value> [K', N_teacher],
// the points of each value's networks, pooled, are matched against them in the space of the
// recorded neurons (TeacherMatch).
func Analyze(f *train.Fitted, ds *data.Dataset, segs *plugin.Segments, label string, opt Options) (*Analysis, error) {
	opt = opt.WithDefaults()
	if opt.Starts < 1 || opt.Trajectories < 1 || !(opt.Noise >= 0) || math.IsInf(opt.Noise, 0) {
		return nil, fmt.Errorf("fixed points: starts %d, trajectories %d, noise %v: want ≥ 1, ≥ 1 and finite ≥ 0", opt.Starts, opt.Trajectories, opt.Noise)
	}
	groups, members, err := segs.Groups(ds, label)
	if err != nil {
		return nil, err
	}
	res := &Analysis{Label: label, Space: space(f), segs: segs, perSegment: opt.PerSegment, pal: plugin.Palette(ds, label)}
	size := ActivitySize(ds)
	var trajY [][]float64
	var trajGroup []string
	var trajRun []int
	run := 0
	for gi, g := range groups {
		type job struct {
			seg  int
			e    []float64
			runs []int
		}
		var jobs []job
		if opt.PerSegment {
			for _, i := range members[gi] {
				jobs = append(jobs, job{segs.Idx[i], segs.E[i], []int{i}})
			}
		} else {
			jobs = append(jobs, job{-1, segs.Centroid(members[gi]), members[gi]})
		}
		// pooled holds the points of the value's networks in the space of the recorded neurons.
		var pooled []fpsearch.Point
		for ji, jb := range jobs {
			net, err := segs.Network(f, jb.e, jb.runs...)
			if err != nil {
				return nil, fmt.Errorf("fixed points of %s %q: %w", label, g, err)
			}
			if net.TimeVarying() {
				return nil, fmt.Errorf("fixed points of %s %q: the input of segment %d varies in time, and a driven network has no fixed points of its own", label, g, segs.Idx[jb.runs[0]])
			}
			runs := jb.runs[:min(len(jb.runs), opt.Trajectories)]
			var traj [][]float64
			for _, i := range runs {
				x := net.Run(segs.X0[i], ds.Lengths[segs.Idx[i]])
				traj = append(traj, x...)
				for t := 0; t < len(x); t += 5 {
					trajY = append(trajY, net.Observe(x[t]))
					trajGroup = append(trajGroup, g)
					trajRun = append(trajRun, run)
				}
				run++
			}
			starts, err := fpsearch.Starts(traj, opt.Starts, opt.Noise*fpsearch.Spread(traj), opt.Seed+uint64(1000*gi+ji))
			if err != nil {
				return nil, err
			}
			found, err := fpsearch.Find(net, starts, opt.Find)
			if err != nil {
				return nil, fmt.Errorf("fixed points of %s %q: %w", label, g, err)
			}
			nf := Network{Group: g, Segment: jb.seg, Embedding: jb.e, Trajectories: len(runs),
				Outliers: len(found.Outliers), Stats: found.Stats, Points: []Point{}}
			for _, p := range found.Points {
				eigs, err := net.JacobianEigenvalues(p.X)
				if err != nil {
					return nil, err
				}
				fp := Point{X: p.X, Observed: net.Observe(p.X), Q: p.Q, Slow: p.Slow, Count: p.Count,
					Class: p.Class.String(), Unstable: p.NumUnstable, Marginal: p.NumMarginal, Jacobian: eigs}
				if net.LowRank() {
					fp.Radius = net.TrivialEigenvalue() // the N − R eigenvalues left out
				}
				for _, l := range eigs {
					fp.Radius = math.Max(fp.Radius, cmplx.Abs(l))
				}
				nf.Points = append(nf.Points, fp)
			}
			for i, p := range found.Points {
				pooled = append(pooled, fpsearch.Point{X: nf.Points[i].Observed, Slow: p.Slow, Class: p.Class})
			}
			slog.Debug("fixed points", "label", label, "group", g, "segment", jb.seg, "points", len(nf.Points), "converged", found.Stats.Converged)
			res.Networks = append(res.Networks, nf)
		}
		m, err := matchTeacher(ds, g, pooled, opt.MatchRadius, size)
		if err != nil {
			return nil, err
		}
		if m != nil {
			m.Networks = len(jobs)
			res.Teacher = append(res.Teacher, *m)
		}
	}
	res.TrajectoryRun = trajRun
	if err := res.project(trajY, trajGroup); err != nil {
		return nil, err
	}
	return res, nil
}

// project computes the principal axes of the trajectories' predicted activity and places the
// trajectories and the fixed points on the first two.
func (a *Analysis) project(trajY [][]float64, trajGroup []string) error {
	if len(trajY) < 2 {
		return fmt.Errorf("fixed points: %d trajectory states, too few for principal axes", len(trajY))
	}
	M := len(trajY[0])
	k := min(2, M)
	Y := mat.NewDense(len(trajY), M, nil)
	for i, y := range trajY {
		Y.SetRow(i, y)
	}
	scores, axes, explained, err := embed.PCA(Y, k)
	if err != nil {
		return fmt.Errorf("fixed points: principal axes of the predicted activity: %w", err)
	}
	a.Explained = explained
	mean := make([]float64, M)
	for _, y := range trajY {
		for j, v := range y {
			mean[j] += v / float64(len(trajY))
		}
	}
	a.TrajectoryGroup = trajGroup
	for i := range trajY {
		var p [2]float64
		for c := range k {
			p[c] = scores.At(i, c)
		}
		a.TrajectoryPC = append(a.TrajectoryPC, p)
	}
	pc := func(y []float64) [2]float64 {
		var p [2]float64
		for c := range k {
			for j, v := range y {
				p[c] += (v - mean[j]) * axes.At(j, c)
			}
		}
		return p
	}
	for n := range a.Networks {
		for i := range a.Networks[n].Points {
			fp := &a.Networks[n].Points[i]
			fp.PC = pc(fp.Observed)
		}
	}
	for i := range a.Teacher {
		m := &a.Teacher[i]
		m.FixedPC, m.SlowPC = nil, nil
		for _, y := range m.fixedY {
			m.FixedPC = append(m.FixedPC, pc(y))
		}
		for _, y := range m.slowY {
			m.SlowPC = append(m.SlowPC, pc(y))
		}
	}
	return nil
}

// matchTeacher scores pts, the points of a value's networks as predicted rates of the recorded
// neurons, against the dataset's ground-truth fixed (and slow) points of value g, with the
// coverage radius fraction × size, or returns nil when there are none.
func matchTeacher(ds *data.Dataset, g string, pts []fpsearch.Point, fraction, size float64) (*TeacherMatch, error) {
	if _, ok := ds.Extra["teacher_fixed_points_"+g]; !ok {
		return nil, nil
	}
	obs, ok := ds.Extra["teacher_observed"]
	if !ok || len(obs.Data) != ds.M {
		return nil, fmt.Errorf("%s: teacher_observed: want the %d units recorded as the dataset's neurons (present: %v)", ds.Source, ds.M, ok)
	}
	fixed, err := TeacherPoints(ds, "teacher_fixed_points_"+g, obs.Data)
	if err != nil {
		return nil, err
	}
	var slow [][]float64
	if _, ok := ds.Extra["teacher_slow_points_"+g]; ok {
		if slow, err = TeacherPoints(ds, "teacher_slow_points_"+g, obs.Data); err != nil {
			return nil, err
		}
	}
	var truth []fpsearch.Point
	for _, y := range fixed {
		truth = append(truth, fpsearch.Point{X: y})
	}
	var student []fpsearch.Point
	var all [][]float64
	for _, p := range pts {
		all = append(all, p.X)
		if !p.Slow {
			student = append(student, p)
		}
	}
	s, err := fpsearch.Match(student, truth, nil)
	if err != nil {
		return nil, fmt.Errorf("teacher fixed points of %q: %w", g, err)
	}
	cov, err := fpsearch.Cover(all, append(slices.Clip(fixed), slow...), fraction*size)
	if err != nil {
		return nil, fmt.Errorf("teacher fixed points of %q: %w", g, err)
	}
	K := len(fixed)
	m := &TeacherMatch{Group: g, TeacherPoints: K, TeacherSlow: len(slow), Found: len(student), Score: s.Score, MeanDistance: s.MeanDistance,
		Chamfer: s.Chamfer, CountDiff: s.CountDiff, ClassAgreement: s.ClassAgreement, Spread: s.Spread,
		Pairs: s.Pairs, StabilityAgreement: math.NaN(), RadiusFraction: fraction, Radius: cov.Radius, Recall: cov.Recall, Precision: cov.Precision,
		F1: cov.F1, Meaning: teacherMeaning, fixedY: fixed, slowY: slow}
	for _, fr := range CurveFractions {
		c := cov.At(fr * size)
		m.Curve = append(m.Curve, CoverageAt{Fraction: fr, Radius: c.Radius, Recall: c.Recall, Precision: c.Precision, F1: c.F1})
	}
	if st, ok := ds.Extra["teacher_fixed_points_"+g+"_stable"]; ok && len(st.Data) == K && len(s.Pairs) > 0 {
		agree := 0
		for _, p := range s.Pairs {
			if (student[p.Found].Class == fpsearch.Stable) == (st.Data[p.Truth] == 1) {
				agree++
			}
		}
		m.StabilityAgreement = float64(agree) / float64(len(s.Pairs))
	}
	return m, nil
}

// TeacherPoints returns the points of ds.Extra[name] [K, N_teacher] as the rates tanh(x) of the
// teacher's units listed in observed, the recorded neurons.
func TeacherPoints(ds *data.Dataset, name string, observed []float64) ([][]float64, error) {
	tp := ds.Extra[name]
	if len(tp.Shape) != 2 || tp.Shape[0] < 1 {
		return nil, fmt.Errorf("%s: %s has shape %v, want [K ≥ 1, N]", ds.Source, name, tp.Shape)
	}
	K, Nt := tp.Shape[0], tp.Shape[1]
	out := make([][]float64, K)
	for k := range out {
		x := tp.Data[k*Nt : (k+1)*Nt]
		y := make([]float64, len(observed))
		for j, u := range observed {
			unit := int(u)
			if unit < 0 || unit >= Nt || float64(unit) != u {
				return nil, fmt.Errorf("%s: teacher_observed[%d] = %v is not a unit of the %d-unit teacher", ds.Source, j, u, Nt)
			}
			y[j] = math.Tanh(x[unit])
		}
		out[k] = y
	}
	return out, nil
}

// ActivitySize returns the RMS distance of the recorded activity's bins from their mean,
// √(Σ_j Var y_j) over the valid bins of every segment.
func ActivitySize(ds *data.Dataset) float64 {
	var bins [][]float64
	for s := range ds.S {
		y := ds.Segment(s)
		for t := 0; t < len(y); t += ds.M {
			bins = append(bins, y[t:t+ds.M])
		}
	}
	return fpsearch.Spread(bins) * math.Sqrt(float64(ds.M))
}

// Write saves the analysis in dir as fixedpoints.json, fixedpoints.npz (for network n:
// points_<n> [K, N], observed_<n> [K, M], pc_<n> [K, 2]; trajectory_pc [P, 2]) and the plot
// fixedpoints.png / .svg, and returns the figure for a report.
func (a *Analysis) Write(dir string) ([]report.Figure, error) {
	if err := output.WriteJSON(filepath.Join(dir, "fixedpoints.json"), a); err != nil {
		return nil, err
	}
	arrays := []output.Array{}
	var tp [][]float64
	for _, p := range a.TrajectoryPC {
		tp = append(tp, p[:])
	}
	ts, td := output.Flat(tp)
	arrays = append(arrays, output.Array{Name: "trajectory_pc", Shape: ts, Data: td}, output.Array{Name: "trajectory_group", Shape: nil, Data: a.TrajectoryGroup})
	var pts [][2]float64
	var names []string
	for n, nf := range a.Networks {
		var x, y, pc [][]float64
		for _, p := range nf.Points {
			x, y, pc = append(x, p.X), append(y, p.Observed), append(pc, p.PC[:])
			pts = append(pts, p.PC)
			names = append(names, "fixed point: "+p.Class)
		}
		for _, m := range []struct {
			name string
			v    [][]float64
		}{{"points", x}, {"observed", y}, {"pc", pc}} {
			s, d := output.Flat(m.v)
			arrays = append(arrays, output.Array{Name: fmt.Sprintf("%s_%d", m.name, n), Shape: s, Data: d})
		}
	}
	for _, m := range a.Teacher {
		for _, t := range []struct {
			name string
			pc   [][2]float64
		}{{"teacher_fixed_pc_", m.FixedPC}, {"teacher_slow_pc_", m.SlowPC}} {
			var v [][]float64
			for _, p := range t.pc {
				v = append(v, p[:])
			}
			s, d := output.Flat(v)
			arrays = append(arrays, output.Array{Name: t.name + m.Group, Shape: s, Data: d})
		}
	}
	if err := output.WriteNPZ(filepath.Join(dir, "fixedpoints.npz"), arrays...); err != nil {
		return nil, err
	}
	var trajs []report.Trajectory
	for i, q := range a.TrajectoryPC {
		if i == 0 || a.TrajectoryRun[i] != a.TrajectoryRun[i-1] || a.TrajectoryGroup[i] != a.TrajectoryGroup[i-1] {
			trajs = append(trajs, report.Trajectory{Group: a.TrajectoryGroup[i]})
		}
		tr := &trajs[len(trajs)-1]
		tr.Pts = append(tr.Pts, q)
	}
	var marks []report.FixedPointMark
	for _, nf := range a.Networks {
		for _, p := range nf.Points {
			marks = append(marks, report.FixedPointMark{Group: nf.Group, Class: p.Class, XY: p.PC})
		}
	}
	png, err := output.Figure(dir, "fixedpoints", func(path string) error {
		return report.Trajectories(path, "Fixed points and trajectories", fmt.Sprintf("PC 1 (%.0f%%)", report.Percent(a.Explained, 0)),
			fmt.Sprintf("PC 2 (%.0f%%)", report.Percent(a.Explained, 1)), trajs, marks, a.pal)
	})
	if err != nil {
		return nil, err
	}
	figs := []report.Figure{{Caption: fmt.Sprintf("Trajectories of the network of each %s (coloured by value) and the fixed points found, by stability, on the first two principal axes of the predicted activity of the recorded neurons", a.Label), Path: png}}
	if len(a.Teacher) == 0 {
		return figs, nil
	}
	// The teacher's points and the fitted ones, by value, side by side on the same axes.
	var teacher, fitted report.Panel
	teacher.Title, fitted.Title = "Teacher: fixed and slow points", "JEDI: fixed points"
	for _, m := range a.Teacher {
		for _, p := range append(slices.Clip(m.FixedPC), m.SlowPC...) {
			teacher.Pts, teacher.Groups = append(teacher.Pts, p), append(teacher.Groups, m.Group)
		}
	}
	for _, nf := range a.Networks {
		for _, p := range nf.Points {
			fitted.Pts, fitted.Groups = append(fitted.Pts, p.PC), append(fitted.Groups, nf.Group)
		}
	}
	png, err = output.Figure(dir, "fixedpoints_teacher", func(path string) error {
		return report.ScatterPanels(path, fmt.Sprintf("PC 1 (%.0f%%)", report.Percent(a.Explained, 0)),
			fmt.Sprintf("PC 2 (%.0f%%)", report.Percent(a.Explained, 1)), []report.Panel{teacher, fitted}, a.pal)
	})
	if err != nil {
		return nil, err
	}
	return append(figs, report.Figure{Caption: fmt.Sprintf("The teacher's fixed and slow points (left) and the fixed points of the fitted networks (right), by %s, as rates of the recorded neurons on the same principal axes", a.Label), Path: png}), nil
}
