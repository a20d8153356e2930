package sim

import (
	"math"
	"slices"
	"testing"
)

// naiveStep is F(x, u) = (1−α) x + α (J tanh(x) + b + W_ext u) written out.
func naiveStep(tc *Teacher, x, u []float64) []float64 {
	next := make([]float64, tc.N)
	for i := range tc.N {
		drive := tc.B[i]
		for j := range tc.N {
			drive += tc.J[i*tc.N+j] * math.Tanh(x[j])
		}
		for k := range tc.I {
			drive += tc.WExt[i*tc.I+k] * u[k]
		}
		next[i] = (1-tc.Alpha)*x[i] + tc.Alpha*drive
	}
	return next
}

func closeRel(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func TestRunMatchesNaive(t *testing.T) {
	cfg := DefaultTeacher(3)
	cfg.N = 37
	tc, err := NewRandomTeacher(cfg, 11)
	if err != nil {
		t.Fatal(err)
	}
	rng := newRand(1, 100, 0)
	for i := range tc.B {
		tc.B[i] = 0.3 * rng.NormFloat64()
	}
	const steps = 25
	x0, u := normals(rng, tc.N), normals(rng, steps*tc.I)
	traj, err := tc.Run(x0, u, steps)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(traj[:tc.N], x0) {
		t.Fatal("row 0 of the trajectory is not x0")
	}
	for k := range steps - 1 {
		want := naiveStep(tc, traj[k*tc.N:(k+1)*tc.N], u[k*tc.I:(k+1)*tc.I])
		for i, w := range want {
			if got := traj[(k+1)*tc.N+i]; !closeRel(got, w, 1e-12) {
				t.Fatalf("step %d unit %d: %v, naive %v", k+1, i, got, w)
			}
		}
	}
	if _, err := tc.Run(x0[:5], u, steps); err == nil {
		t.Error("Run accepted a short initial state")
	}
	if _, err := tc.Run(x0, u[:3], steps); err == nil {
		t.Error("Run accepted too few inputs")
	}
	if _, err := tc.Run(x0, nil, 0); err == nil {
		t.Error("Run accepted 0 steps")
	}
	next, err := tc.Step(x0, u[:tc.I])
	if err != nil || !slices.Equal(next, traj[tc.N:2*tc.N]) {
		t.Errorf("Step gives %v (%v), want row 1 of Run", next[:3], err)
	}
	if _, err := tc.Step(x0, nil); err == nil {
		t.Error("Step accepted a missing input")
	}
}

func TestRandomTeacherStatistics(t *testing.T) {
	cfg := DefaultTeacher(2)
	tc, err := NewRandomTeacher(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.Validate(); err != nil {
		t.Fatal(err)
	}
	n, r := tc.N, tc.R
	if n != 200 || r != 5 || tc.I != 2 || !closeRel(tc.Alpha, 0.1, 1e-15) {
		t.Fatalf("sizes N=%d R=%d I=%d α=%v", n, r, tc.I, tc.Alpha)
	}
	// Removing ρ P Qᵀ/√N must leave the bulk g G/√N: mean 0, std g/√N.
	bulk := make([]float64, n*n)
	for i := range n {
		for j := range n {
			lr := 0.0
			for k := range r {
				lr += tc.P[i*r+k] * tc.Q[j*r+k]
			}
			bulk[i*n+j] = tc.J[i*n+j] - cfg.Structure*lr/math.Sqrt(float64(n))
		}
	}
	mean, std := meanStd(bulk)
	if want := cfg.G / math.Sqrt(float64(n)); math.Abs(std/want-1) > 0.02 || math.Abs(mean) > 4*want/float64(n) {
		t.Errorf("bulk mean %v std %v, want 0 and %v", mean, std, want)
	}
	for name, v := range map[string][]float64{"P": tc.P, "Q": tc.Q, "W_ext": tc.WExt} {
		if m, s := meanStd(v); math.Abs(s-1) > 0.08 || math.Abs(m) > 0.12 {
			t.Errorf("%s mean %v std %v, want 0 and 1", name, m, s)
		}
	}
	if slices.ContainsFunc(tc.B, func(v float64) bool { return v != 0 }) {
		t.Error("random teacher has a nonzero bias")
	}
	same, _ := NewRandomTeacher(cfg, 5)
	other, _ := NewRandomTeacher(cfg, 6)
	if !slices.Equal(same.J, tc.J) || !slices.Equal(same.WExt, tc.WExt) {
		t.Error("same seed, different teacher")
	}
	if slices.Equal(other.J, tc.J) {
		t.Error("different seeds, same J")
	}
}

func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

func TestTeacherConfigErrors(t *testing.T) {
	for name, mutate := range map[string]func(*TeacherConfig){
		"N":        func(c *TeacherConfig) { c.N = 0 },
		"rank":     func(c *TeacherConfig) { c.Rank = c.N + 1 },
		"inputs":   func(c *TeacherConfig) { c.Inputs = -1 },
		"gain":     func(c *TeacherConfig) { c.G = math.NaN() },
		"rho":      func(c *TeacherConfig) { c.Structure = math.Inf(1) },
		"dt":       func(c *TeacherConfig) { c.Dt = 0 },
		"tau<dt":   func(c *TeacherConfig) { c.Tau = c.Dt / 2 },
		"tau=NaN":  func(c *TeacherConfig) { c.Tau = math.NaN() },
		"negative": func(c *TeacherConfig) { c.G = -1 },
	} {
		cfg := DefaultTeacher(1)
		mutate(&cfg)
		if _, err := NewRandomTeacher(cfg, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	tc, _ := NewRandomTeacher(DefaultTeacher(1), 1)
	tc.J[7] = math.NaN()
	if tc.Validate() == nil {
		t.Error("Validate accepted a NaN weight")
	}
	tc.J = tc.J[:10]
	if tc.Validate() == nil {
		t.Error("Validate accepted a short J")
	}
}

// TestLyapunovAnalytic checks LargestLyapunov on two linear cases. With J = c·1 and x = 0 a
// fixed point, every tangent vector grows by 1 − α + αc per step; with J = 0 it shrinks by 1 − α.
func TestLyapunovAnalytic(t *testing.T) {
	const n, c, alpha, dt = 6, 1.5, 0.1, 0.01
	tc := &Teacher{N: n, Dt: dt, Alpha: alpha, J: make([]float64, n*n), B: make([]float64, n)}
	for i := range n {
		tc.J[i*n+i] = c
	}
	got, err := tc.LargestLyapunov(make([]float64, n), nil, 200, 20)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Log(1-alpha+alpha*c) / dt; !closeRel(got, want, 1e-12) {
		t.Errorf("J = %v·1 at 0: λ = %v, want %v", c, got, want)
	}
	clear(tc.J)
	got, _ = tc.LargestLyapunov([]float64{1, -2, 3, 0.5, 0, 1}, nil, 200, 20)
	if want := math.Log(1-alpha) / dt; !closeRel(got, want, 1e-12) {
		t.Errorf("J = 0: λ = %v, want %v", got, want)
	}
	if _, err := tc.LargestLyapunov(make([]float64, n), nil, 10, 10); err == nil {
		t.Error("transient = steps accepted")
	}
}

// TestStructureShapesDynamics checks that the default ρ makes the low-rank part visible: the
// column space of P (R = 5 of N = 200 dimensions) carries far more than its share R/N of the
// variance of the undriven state, and about its share at ρ = 0.
func TestStructureShapesDynamics(t *testing.T) {
	cfg := DefaultTeacher(0)
	tc, _, err := drawTeacher(cfg, 1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	// The same teacher without its structure: J − ρ P Qᵀ/√N.
	flat := *tc
	flat.J = slices.Clone(tc.J)
	n, r := tc.N, tc.R
	for i := range n {
		for j := range n {
			for k := range r {
				flat.J[i*n+j] -= cfg.Structure * tc.P[i*r+k] * tc.Q[j*r+k] / math.Sqrt(float64(n))
			}
		}
	}
	share := float64(tc.R) / float64(tc.N)
	x0 := normals(newRand(1, 100, 1), tc.N)
	for _, c := range []struct {
		name   string
		tc     *Teacher
		lo, hi float64
	}{{"ρ=1/2", tc, 4 * share, 1}, {"ρ=0", &flat, 0, 2 * share}} {
		traj, _ := c.tc.Run(x0, nil, 1800)
		frac, v := spanFraction(traj[300*tc.N:], tc.N, tc.P, tc.R)
		if frac < c.lo || frac > c.hi || v < 0.01 {
			t.Errorf("%s: span(P) carries %.3f of the variance (per-unit variance %.3f), want [%.3f, %.3f]",
				c.name, frac, v, c.lo, c.hi)
		}
	}
}

func TestDrawTeacherGivesUp(t *testing.T) {
	cfg := DefaultTeacher(0)
	cfg.N, cfg.Rank = 8, 1
	if _, _, err := drawTeacher(cfg, 1, 1e3); err == nil {
		t.Error("no error although no teacher can reach λ > 1000/s")
	}
	if _, _, err := drawTeacher(cfg, 1, math.NaN()); err == nil {
		t.Error("NaN threshold accepted")
	}
}
