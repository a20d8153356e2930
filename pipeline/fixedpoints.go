package pipeline

import (
	"fmt"
	"log/slog"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/analysis/fixedpoints"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// FixedPointOptions configure FixedPoints. The zero value gives the documented defaults.
type FixedPointOptions struct {
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
	Find fixedpoints.Options
}

func (o FixedPointOptions) withDefaults() FixedPointOptions {
	if o.Starts == 0 {
		o.Starts = 256
	}
	if o.Noise == 0 {
		o.Noise = 0.1
	}
	if o.Trajectories == 0 {
		o.Trajectories = 20
	}
	return o
}

// FixedPoint is one fixed (or slow) point of a fitted network.
type FixedPoint struct {
	// X is the state x* (length N), Observed the predicted rates ŷ* = C tanh(x*) + c of the
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

// NetworkFixedPoints are the fixed points of one network.
type NetworkFixedPoints struct {
	// Group is the label value; Segment the dataset segment whose embedding generated the
	// network, or −1 for the centroid of the value's embeddings.
	Group     string    `json:"group"`
	Segment   int       `json:"segment"`
	Embedding []float64 `json:"embedding"`
	// Trajectories is the number of trajectories the starts were sampled from.
	Trajectories int               `json:"trajectories"`
	Points       []FixedPoint      `json:"points"`
	Outliers     int               `json:"outliers"`
	Stats        fixedpoints.Stats `json:"stats"`
	// Teacher compares the points with the dataset's ground truth, when it holds one.
	Teacher *TeacherMatch `json:"teacher_match,omitempty"`
}

// TeacherMatch is fixedpoints.Match of a network's fixed points against the ground-truth
// network's, in the space of the recorded neurons.
type TeacherMatch struct {
	// TeacherPoints and Found count the two sets (slow points excluded).
	TeacherPoints int `json:"teacher_points"`
	Found         int `json:"found_points"`
	// Score, MeanDistance, Chamfer, CountDiff, ClassAgreement and Spread are those of
	// fixedpoints.MatchScore.
	Score          float64 `json:"score"`
	MeanDistance   float64 `json:"mean_distance"`
	Chamfer        float64 `json:"chamfer"`
	CountDiff      int     `json:"count_diff"`
	ClassAgreement float64 `json:"class_agreement"`
	// StabilityAgreement is the fraction of pairs where the student's point is stable exactly
	// when the teacher's is, from teacher_fixed_points_<value>_stable (NaN without it).
	StabilityAgreement float64            `json:"stability_agreement"`
	Spread             float64            `json:"spread"`
	Pairs              []fixedpoints.Pair `json:"pairs"`
	Meaning            string             `json:"meaning"`
}

// teacherMeaning explains the score in the JSON output.
const teacherMeaning = "Both sets are compared as rates of the recorded neurons: the student's ŷ* = C tanh(x*) + c against the teacher's tanh(x*_teacher)[teacher_observed]. " +
	"pairs: the one-to-one assignment of min(F, T) points minimising the total Euclidean distance; mean_distance: its mean; spread: RMS distance of the teacher's points from their centroid; " +
	"score = min(F,T)/max(F,T) / (1 + mean_distance/spread) in [0, 1]: 1 when the counts agree and every pair coincides, halved when the mean distance equals the spread; " +
	"chamfer: symmetric Chamfer distance (also penalises unmatched points); class_agreement: fraction of pairs of equal class where both classes are known (null: the teacher's classes are not stored); " +
	"stability_agreement: fraction of pairs where the student's point is stable exactly when the teacher's is (teacher_fixed_points_<value>_stable; null without it)."

// FixedPointAnalysis is the fixed points of the networks of a fitted model, by label value.
type FixedPointAnalysis struct {
	Label string `json:"label"`
	// Space says what the principal axes are computed on.
	Space     string               `json:"pca_space"`
	Explained []float64            `json:"pca_explained"`
	Networks  []NetworkFixedPoints `json:"networks"`
	// TrajectoryPC and TrajectoryGroup are the projected trajectory states that the starts were
	// sampled from (every 5th state), and their label values, for the figure.
	TrajectoryPC    [][2]float64 `json:"-"`
	TrajectoryGroup []string     `json:"-"`
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
// predicted activity of the recorded neurons, ŷ = C tanh(x) + c, pooled over the trajectories of
// every network: a space common to all networks and to the teacher. When ds.Extra holds
// teacher_fixed_points_<value> [K, N_teacher] and teacher_observed [M] (the teacher's units
// recorded as the dataset's neurons), each network's points are matched against them in that
// space (TeacherMatch).
func FixedPoints(f *train.Fitted, ds *data.Dataset, segs *Segments, label string, opt FixedPointOptions) (*FixedPointAnalysis, error) {
	opt = opt.withDefaults()
	if opt.Starts < 1 || opt.Trajectories < 1 || !(opt.Noise >= 0) || math.IsInf(opt.Noise, 0) {
		return nil, fmt.Errorf("fixed points: starts %d, trajectories %d, noise %v: want ≥ 1, ≥ 1 and finite ≥ 0", opt.Starts, opt.Trajectories, opt.Noise)
	}
	values, err := segs.Labels(ds, label)
	if err != nil {
		return nil, err
	}
	groups, members, err := groupsOf(ds, label, values)
	if err != nil {
		return nil, err
	}
	observe, err := Readout(f)
	if err != nil {
		return nil, err
	}
	res := &FixedPointAnalysis{Label: label, Space: "predicted rates of the recorded neurons, ŷ = C tanh(x) + c, over the trajectories of every network"}
	var trajY [][]float64
	var trajGroup []string
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
			jobs = append(jobs, job{-1, meanRows(segs.E, members[gi]), members[gi]})
		}
		for ji, jb := range jobs {
			net, err := NewNetwork(f, jb.e)
			if err != nil {
				return nil, err
			}
			runs := jb.runs[:min(len(jb.runs), opt.Trajectories)]
			var traj [][]float64
			for _, i := range runs {
				x := net.Run(segs.X0[i], ds.Lengths[segs.Idx[i]])
				traj = append(traj, x...)
				for t := 0; t < len(x); t += 5 {
					trajY = append(trajY, observe(x[t]))
					trajGroup = append(trajGroup, g)
				}
			}
			starts, err := fixedpoints.Starts(traj, opt.Starts, opt.Noise*rmsSpread(traj), opt.Seed+uint64(1000*gi+ji))
			if err != nil {
				return nil, err
			}
			found, err := fixedpoints.Find(net.Map, starts, opt.Find)
			if err != nil {
				return nil, fmt.Errorf("fixed points of %s %q: %w", label, g, err)
			}
			nf := NetworkFixedPoints{Group: g, Segment: jb.seg, Embedding: jb.e, Trajectories: len(runs),
				Outliers: len(found.Outliers), Stats: found.Stats, Points: []FixedPoint{}}
			for _, p := range found.Points {
				eigs, err := net.JacobianEigenvalues(p.X)
				if err != nil {
					return nil, err
				}
				fp := FixedPoint{X: p.X, Observed: observe(p.X), Q: p.Q, Slow: p.Slow, Count: p.Count,
					Class: p.Class.String(), Unstable: p.NumUnstable, Marginal: p.NumMarginal, Jacobian: eigs}
				if net.Weights.U != nil {
					fp.Radius = 1 - net.Weights.Alpha // the N − R eigenvalues left out
				}
				for _, l := range eigs {
					fp.Radius = math.Max(fp.Radius, cmplx.Abs(l))
				}
				nf.Points = append(nf.Points, fp)
			}
			if nf.Teacher, err = matchTeacher(ds, g, found.Points, nf.Points); err != nil {
				return nil, err
			}
			slog.Debug("fixed points", "label", label, "group", g, "segment", jb.seg, "points", len(nf.Points), "converged", found.Stats.Converged)
			res.Networks = append(res.Networks, nf)
		}
	}
	if err := res.project(trajY, trajGroup); err != nil {
		return nil, err
	}
	return res, nil
}

// project computes the principal axes of the trajectories' predicted activity and places the
// trajectories and the fixed points on the first two.
func (a *FixedPointAnalysis) project(trajY [][]float64, trajGroup []string) error {
	if len(trajY) < 2 {
		return fmt.Errorf("fixed points: %d trajectory states, too few for principal axes", len(trajY))
	}
	M := len(trajY[0])
	k := min(2, M)
	Y := rows(trajY)
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
	for n := range a.Networks {
		for i := range a.Networks[n].Points {
			fp := &a.Networks[n].Points[i]
			for c := range k {
				var s float64
				for j, v := range fp.Observed {
					s += (v - mean[j]) * axes.At(j, c)
				}
				fp.PC[c] = s
			}
		}
	}
	return nil
}

// matchTeacher scores found (the fixed points, and their rows in pts with the predicted rates)
// against the dataset's ground-truth fixed points of value g, or returns nil when there are none.
func matchTeacher(ds *data.Dataset, g string, found []fixedpoints.Point, pts []FixedPoint) (*TeacherMatch, error) {
	tp, ok := ds.Extra["teacher_fixed_points_"+g]
	if !ok {
		return nil, nil
	}
	obs, ok := ds.Extra["teacher_observed"]
	if !ok || len(tp.Shape) != 2 {
		return nil, fmt.Errorf("%s: teacher_fixed_points_%s has shape %v and teacher_observed is %v: want [K, N] and the [M] observed units", ds.Source, g, tp.Shape, ok)
	}
	K, Nt := tp.Shape[0], tp.Shape[1]
	if len(obs.Data) != ds.M {
		return nil, fmt.Errorf("%s: teacher_observed lists %d units for %d neurons", ds.Source, len(obs.Data), ds.M)
	}
	var truth []fixedpoints.Point
	for k := range K {
		x := tp.Data[k*Nt : (k+1)*Nt]
		y := make([]float64, ds.M)
		for j, u := range obs.Data {
			unit := int(u)
			if unit < 0 || unit >= Nt || float64(unit) != u {
				return nil, fmt.Errorf("%s: teacher_observed[%d] = %v is not a unit of the %d-unit teacher", ds.Source, j, u, Nt)
			}
			y[j] = math.Tanh(x[unit])
		}
		truth = append(truth, fixedpoints.Point{X: y})
	}
	var student []fixedpoints.Point
	for i, p := range found {
		if !p.Slow {
			student = append(student, fixedpoints.Point{X: pts[i].Observed, Class: p.Class})
		}
	}
	s, err := fixedpoints.Match(student, truth, nil)
	if err != nil {
		return nil, fmt.Errorf("teacher fixed points of %q: %w", g, err)
	}
	m := &TeacherMatch{TeacherPoints: K, Found: len(student), Score: s.Score, MeanDistance: s.MeanDistance,
		Chamfer: s.Chamfer, CountDiff: s.CountDiff, ClassAgreement: s.ClassAgreement, Spread: s.Spread,
		Pairs: s.Pairs, StabilityAgreement: math.NaN(), Meaning: teacherMeaning}
	if st, ok := ds.Extra["teacher_fixed_points_"+g+"_stable"]; ok && len(st.Data) == K && len(s.Pairs) > 0 {
		agree := 0
		for _, p := range s.Pairs {
			if (student[p.Found].Class == fixedpoints.Stable) == (st.Data[p.Truth] == 1) {
				agree++
			}
		}
		m.StabilityAgreement = float64(agree) / float64(len(s.Pairs))
	}
	return m, nil
}

// Write saves the analysis in dir as fixedpoints.json, fixedpoints.npz (for network n:
// points_<n> [K, N], observed_<n> [K, M], pc_<n> [K, 2]; trajectory_pc [P, 2]) and the plot
// fixedpoints.png / .svg, and returns the figure for a report.
func (a *FixedPointAnalysis) Write(dir string) ([]report.Figure, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := writeJSON(filepath.Join(dir, "fixedpoints.json"), a); err != nil {
		return nil, err
	}
	arrays := []array{}
	var tp [][]float64
	for _, p := range a.TrajectoryPC {
		tp = append(tp, p[:])
	}
	ts, td := flat(tp)
	arrays = append(arrays, array{"trajectory_pc", ts, td}, array{"trajectory_group", nil, a.TrajectoryGroup})
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
			s, d := flat(m.v)
			arrays = append(arrays, array{fmt.Sprintf("%s_%d", m.name, n), s, d})
		}
	}
	if err := writeNPZ(filepath.Join(dir, "fixedpoints.npz"), arrays...); err != nil {
		return nil, err
	}
	allPts := append(append([][2]float64(nil), a.TrajectoryPC...), pts...)
	allNames := append(append([]string(nil), a.TrajectoryGroup...), names...)
	png, err := figure(dir, "fixedpoints", func(path string) error {
		return report.Scatter2D(path, "Fixed points and trajectories", fmt.Sprintf("PC 1 (%.0f%%)", 100*at(a.Explained, 0)),
			fmt.Sprintf("PC 2 (%.0f%%)", 100*at(a.Explained, 1)), allPts, allNames)
	})
	if err != nil {
		return nil, err
	}
	return []report.Figure{{Caption: fmt.Sprintf("Trajectories of the network of each %s (coloured by value) and the fixed points found, by stability, on the first two principal axes of the predicted activity of the recorded neurons", a.Label), Path: png}}, nil
}

// meanRows returns the mean of the rows x[i], i ∈ idx.
func meanRows(x [][]float64, idx []int) []float64 {
	m := make([]float64, len(x[idx[0]]))
	for _, i := range idx {
		for j, v := range x[i] {
			m[j] += v
		}
	}
	for j := range m {
		m[j] /= float64(len(idx))
	}
	return m
}

// rmsSpread returns √(mean_j Var_j), the RMS over coordinates of the states' standard deviation.
func rmsSpread(x [][]float64) float64 {
	n := len(x[0])
	mean := make([]float64, n)
	for _, r := range x {
		for j, v := range r {
			mean[j] += v / float64(len(x))
		}
	}
	var ss float64
	for _, r := range x {
		for j, v := range r {
			ss += (v - mean[j]) * (v - mean[j])
		}
	}
	return math.Sqrt(ss / float64(len(x)*n))
}
