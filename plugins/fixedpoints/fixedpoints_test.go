package fixedpoints

import (
	"math"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/plugin"
)

// Every point found is a fixed point of the network, checked with a step written out here;
// teacher fixed points equal to the student's own (identity readout: the student's first M
// units are the recorded neurons) match with score 1, and displaced ones score less.
func TestFixedPoints(t *testing.T) {
	c := toyfit.Config()
	c.Readout = "identity"
	tt := toyfit.New(t, c, 24, 30, 6)
	f, ds := tt.F, tt.DS
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Starts: 64, Seed: 3}
	a, err := Analyze(f, ds, segs, "cluster", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Networks) != 3 {
		t.Fatalf("%d networks, want one per cluster", len(a.Networks))
	}
	if a.Teacher != nil {
		t.Errorf("teacher match %v without ground truth", a.Teacher)
	}
	total := 0
	for _, nf := range a.Networks {
		if nf.Segment != -1 {
			t.Errorf("group %s: segment %d, want −1 (the centroid)", nf.Group, nf.Segment)
		}
		net, err := f.Network(nf.Embedding)
		if err != nil {
			t.Fatal(err)
		}
		W, b, alpha := net.Dense(), net.B, net.Alpha
		for _, p := range nf.Points {
			var res float64
			for i, xi := range p.X {
				s := b[i]
				for j, xj := range p.X {
					s += W.At(i, j) * math.Tanh(xj)
				}
				d := alpha * (s - xi)
				res += d * d
			}
			if math.Sqrt(res) > 1e-4 {
				t.Errorf("group %s: ‖F(x*) − x*‖ = %g at a reported fixed point", nf.Group, math.Sqrt(res))
			}
			if len(p.Jacobian) != c.Rank || len(p.Observed) != c.M {
				t.Errorf("point with %d Jacobian eigenvalues and %d observed rates", len(p.Jacobian), len(p.Observed))
			}
			for m, y := range p.Observed {
				if y != math.Tanh(p.X[m]) {
					t.Errorf("observed rate %d = %v, want tanh(x*[%d]) = %v", m, y, m, math.Tanh(p.X[m]))
				}
			}
		}
		total += len(nf.Points)
		for _, p := range nf.Points {
			t.Logf("group %s: %s point, q = %.2g, count %d, Jacobian %.3f", nf.Group, p.Class, p.Q, p.Count, p.Jacobian)
		}
	}
	if total == 0 {
		t.Fatal("no fixed points found at all")
	}

	// Ground truth: the student's own points, as the teacher's in a 12-unit teacher whose first
	// 6 units are recorded.
	obs := make([]float64, c.M)
	for i := range obs {
		obs[i] = float64(i)
	}
	ds.Extra["teacher_observed"] = data.Array{Shape: []int{c.M}, Data: obs}
	for _, nf := range a.Networks {
		var x, stable []float64
		for _, p := range nf.Points {
			x = append(x, p.X...)
			// Flags that disagree with the student's classes on every point.
			flag := 1.0
			if p.Class == "stable" {
				flag = 0
			}
			stable = append(stable, flag)
		}
		ds.Extra["teacher_fixed_points_"+nf.Group] = data.Array{Shape: []int{len(nf.Points), c.N}, Data: x}
		ds.Extra["teacher_fixed_points_"+nf.Group+"_stable"] = data.Array{Shape: []int{len(nf.Points)}, Data: stable}
	}
	b, err := Analyze(f, ds, segs, "cluster", opt)
	if err != nil {
		t.Fatal(err)
	}
	figs, err := b.Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 2 {
		t.Errorf("%d figures with a teacher, want the fixed points and the comparison with the teacher", len(figs))
	}
	withPoints := 0
	for _, nf := range a.Networks {
		if len(nf.Points) > 0 {
			withPoints++
		}
	}
	if len(b.Teacher) != withPoints {
		t.Fatalf("%d teacher matches for %d groups with points", len(b.Teacher), withPoints)
	}
	for _, m := range b.Teacher {
		if m.Score < 1-1e-12 || m.MeanDistance > 1e-12 || m.CountDiff != 0 || m.Networks != 1 {
			t.Errorf("group %s: matching the points themselves: %+v, want score 1 from 1 network", m.Group, m)
		}
		if m.Recall != 1 || m.Precision != 1 || m.F1 != 1 || !(m.Radius > 0) {
			t.Errorf("group %s: coverage of the points themselves: recall %v, precision %v, F1 %v at radius %v; want 1", m.Group, m.Recall, m.Precision, m.F1, m.Radius)
		}
		if m.StabilityAgreement != 0 {
			t.Errorf("group %s: stability agreement %v with flags contradicting every point, want 0", m.Group, m.StabilityAgreement)
		}
	}
	// Displaced teacher points match less, and cover nothing once the displacement of the
	// rates (at least 0.5 · min tanh′ over the points, per neuron) is beyond the radius.
	g := b.Teacher[0]
	tp := ds.Extra["teacher_fixed_points_"+g.Group]
	shifted := slices.Clone(tp.Data)
	for i := range shifted {
		shifted[i] += 0.5
	}
	ds.Extra["teacher_fixed_points_"+g.Group] = data.Array{Shape: tp.Shape, Data: shifted}
	d, err := Analyze(f, ds, segs, "cluster", opt)
	if err != nil {
		t.Fatal(err)
	}
	if m := d.Teacher[0]; !(m.Score < 0.99 && m.MeanDistance > 0.01) {
		t.Errorf("displaced teacher points still match: %+v", m)
	}
	far := Options{Starts: opt.Starts, Seed: opt.Seed, MatchRadius: 1e-3}
	if d, err = Analyze(f, ds, segs, "cluster", far); err != nil {
		t.Fatal(err)
	}
	if m := d.Teacher[0]; m.Recall != 0 || m.F1 != 0 {
		t.Errorf("teacher points displaced far beyond the radius %.4f: recall %v, F1 %v, want 0", m.Radius, m.Recall, m.F1)
	}

	// Slow points of the teacher join the truth of the coverage: one far from every student
	// point halves the recall of a group with one fixed point.
	ds.Extra["teacher_fixed_points_"+g.Group] = tp
	if one := b.Networks[0]; one.Group != g.Group || len(one.Points) != 1 {
		t.Fatalf("group %s has %d points; the test needs the first group to have one", one.Group, len(one.Points))
	}
	slow := slices.Clone(tp.Data)
	for i := range slow {
		slow[i] += 5
	}
	ds.Extra["teacher_slow_points_"+g.Group] = data.Array{Shape: tp.Shape, Data: slow}
	if d, err = Analyze(f, ds, segs, "cluster", opt); err != nil {
		t.Fatal(err)
	}
	if m := d.Teacher[0]; m.Recall != 0.5 || m.Precision != 1 || m.TeacherSlow != 1 || m.Score < 1-1e-12 {
		t.Errorf("a far slow point: recall %v (want 0.5), precision %v (1), %d slow points (1), score %v (1)", m.Recall, m.Precision, m.TeacherSlow, m.Score)
	}
	delete(ds.Extra, "teacher_slow_points_"+g.Group)

	// Per segment: one network per training segment, and the points of a value's networks
	// pooled in its teacher match.
	ps, err := Analyze(f, ds, segs, "cluster", Options{Starts: 16, PerSegment: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Networks) != len(segs.Idx) {
		t.Errorf("per segment: %d networks for %d segments", len(ps.Networks), len(segs.Idx))
	}
	for _, m := range ps.Teacher {
		nets, found := 0, 0
		for _, nf := range ps.Networks {
			if nf.Group == m.Group {
				nets++
				found += len(nf.Points)
			}
		}
		if m.Networks != nets || m.Found != found {
			t.Errorf("group %s: match of %d networks with %d points, want %d and %d", m.Group, m.Networks, m.Found, nets, found)
		}
	}
}

// The fixed points are projected with the same centring and axes as the trajectories: a point
// placed exactly on a trajectory state lands on that state's coordinates.
func TestFixedPointProjection(t *testing.T) {
	ys := [][]float64{{1, 0, 2}, {0, 1, 0}, {2, 2, 1}, {-1, 0.5, 3}, {0.3, -2, 1}}
	a := &Analysis{Networks: []Network{{Points: []Point{{Observed: ys[3]}}}},
		Teacher: []TeacherMatch{{fixedY: [][]float64{ys[1]}, slowY: [][]float64{ys[4], ys[0]}}}}
	groups := []string{"a", "a", "b", "b", "b"}
	if err := a.project(ys, groups); err != nil {
		t.Fatal(err)
	}
	same := func(what string, got, want [2]float64) {
		if math.Abs(got[0]-want[0]) > 1e-12 || math.Abs(got[1]-want[1]) > 1e-12 {
			t.Errorf("%s projects to %v, the state to %v", what, got, want)
		}
	}
	same("point on state 3", a.Networks[0].Points[0].PC, a.TrajectoryPC[3])
	m := a.Teacher[0]
	if len(m.FixedPC) != 1 || len(m.SlowPC) != 2 {
		t.Fatalf("teacher: %d fixed and %d slow points projected, want 1 and 2", len(m.FixedPC), len(m.SlowPC))
	}
	same("teacher fixed point on state 1", m.FixedPC[0], a.TrajectoryPC[1])
	same("teacher slow point on state 4", m.SlowPC[0], a.TrajectoryPC[4])
	same("teacher slow point on state 0", m.SlowPC[1], a.TrajectoryPC[0])
}

// The fixed points of a model with inputs (the context-as-input baseline) are those of the
// network the fitted model runs, its cluster's one-hot in the drive (written out here as
// b + In u), not those of the network with the input left out; an input that varies in time
// is refused.
func TestFixedPointsWithInput(t *testing.T) {
	c := toyfit.Config()
	c.I = 3
	tt := toyfit.New(t, c, 24, 30, 6)
	f, ds := tt.F, tt.DS
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(f, ds, segs, "cluster", Options{Starts: 32, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	values, _ := ds.LabelValues("cluster")
	points := 0
	for _, nf := range a.Networks {
		net, err := f.Network(nf.Embedding)
		if err != nil {
			t.Fatal(err)
		}
		s := slices.Index(values, nf.Group)
		u := ds.SegmentInputs(s)[:c.I]
		W, alpha := net.Dense(), net.Alpha
		for _, p := range nf.Points {
			var with, without float64
			for i, xi := range p.X {
				drive := net.B[i]
				for j, xj := range p.X {
					drive += W.At(i, j) * math.Tanh(xj)
				}
				in := 0.0
				for k, uk := range u {
					in += net.In.At(i, k) * uk
				}
				with += math.Pow(alpha*(drive+in-xi), 2)
				without += math.Pow(alpha*(drive-xi), 2)
			}
			if math.Sqrt(with) > 1e-4 || math.Sqrt(without) < 1e-3 {
				t.Errorf("group %s: ‖F(x*, u) − x*‖ = %g, without the input %g", nf.Group, math.Sqrt(with), math.Sqrt(without))
			}
			points++
		}
	}
	if points == 0 {
		t.Fatal("no fixed points found")
	}
	for i := range ds.Inputs {
		ds.Inputs[i] += 0.1 * float64(i%7)
	}
	if segs, err = plugin.TrainingSegments(f, ds); err != nil {
		t.Fatal(err)
	}
	if _, err := Analyze(f, ds, segs, "cluster", Options{Starts: 8, Seed: 3}); err == nil {
		t.Error("fixed points of a network driven by an input that varies in time: no error")
	}
}
