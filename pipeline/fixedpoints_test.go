package pipeline

import (
	"math"
	"testing"

	"github.com/jedi-neuro/jedi/data"
)

// Every point found is a fixed point of the network, checked with a step written out here;
// teacher fixed points equal to the student's own (identity readout: the student's first M
// units are the recorded neurons) match with score 1, and displaced ones score less.
func TestFixedPoints(t *testing.T) {
	c := toyConfig()
	c.Readout = "identity"
	tt := newToy(t, c, 24, 30, 6)
	f, ds := tt.f, tt.ds
	segs, err := TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	opt := FixedPointOptions{Starts: 64, Seed: 3}
	a, err := FixedPoints(f, ds, segs, "cluster", opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Networks) != 3 {
		t.Fatalf("%d networks, want one per cluster", len(a.Networks))
	}
	total := 0
	for _, nf := range a.Networks {
		if nf.Segment != -1 || nf.Teacher != nil {
			t.Errorf("group %s: segment %d (want −1, the centroid), teacher %v (want none)", nf.Group, nf.Segment, nf.Teacher)
		}
		net, err := NewNetwork(f, nf.Embedding)
		if err != nil {
			t.Fatal(err)
		}
		W, b, alpha := net.Weights.W, net.Weights.B, net.Weights.Alpha
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
	b, err := FixedPoints(f, ds, segs, "cluster", opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, nf := range b.Networks {
		m := nf.Teacher
		if len(nf.Points) == 0 {
			continue
		}
		if m == nil || m.Score < 1-1e-12 || m.MeanDistance > 1e-12 || m.CountDiff != 0 {
			t.Errorf("group %s: matching the points themselves: %+v, want score 1", nf.Group, m)
		}
		if m != nil && m.StabilityAgreement != 0 {
			t.Errorf("group %s: stability agreement %v with flags contradicting every point, want 0", nf.Group, m.StabilityAgreement)
		}
	}
	g := a.Networks[0]
	if len(g.Points) > 0 {
		shifted := append([]float64(nil), ds.Extra["teacher_fixed_points_"+g.Group].Data...)
		for i := range shifted {
			shifted[i] += 0.5
		}
		ds.Extra["teacher_fixed_points_"+g.Group] = data.Array{Shape: []int{len(g.Points), c.N}, Data: shifted}
		d, err := FixedPoints(f, ds, segs, "cluster", opt)
		if err != nil {
			t.Fatal(err)
		}
		if m := d.Networks[0].Teacher; !(m.Score < 0.99 && m.MeanDistance > 0.01) {
			t.Errorf("displaced teacher points still match: %+v", m)
		}
	}

	// Per segment: one network per training segment.
	ps, err := FixedPoints(f, ds, segs, "cluster", FixedPointOptions{Starts: 16, PerSegment: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps.Networks) != len(segs.Idx) {
		t.Errorf("per segment: %d networks for %d segments", len(ps.Networks), len(segs.Idx))
	}
}

// The fixed points are projected with the same centring and axes as the trajectories: a point
// placed exactly on a trajectory state lands on that state's coordinates.
func TestFixedPointProjection(t *testing.T) {
	ys := [][]float64{{1, 0, 2}, {0, 1, 0}, {2, 2, 1}, {-1, 0.5, 3}, {0.3, -2, 1}}
	a := &FixedPointAnalysis{Networks: []NetworkFixedPoints{{Points: []FixedPoint{{Observed: ys[3]}}}}}
	groups := []string{"a", "a", "b", "b", "b"}
	if err := a.project(ys, groups); err != nil {
		t.Fatal(err)
	}
	got, want := a.Networks[0].Points[0].PC, a.TrajectoryPC[3]
	if math.Abs(got[0]-want[0]) > 1e-12 || math.Abs(got[1]-want[1]) > 1e-12 {
		t.Errorf("point on state 3 projects to %v, the state to %v", got, want)
	}
}
