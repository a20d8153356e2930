package fixedpoints

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/model"
)

// TestAffine: x ↦ Ax + b has the single fixed point (I − A)⁻¹b, with stability given by the
// eigenvalues of A, which are chosen here (A = S diag(λ) S⁻¹).
func TestAffine(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, tc := range []struct {
		name     string
		lambda   []float64
		class    Class
		unstable int
	}{
		{"stable", []float64{0.5, -0.3, 0.8, 0.2}, Stable, 0},
		{"unstable", []float64{1.5, -2, 1.2, 3}, Unstable, 4},
		{"saddle", []float64{0.5, 1.5, -0.2, -2}, Saddle, 2},
	} {
		const n = 4
		S := mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				S.Set(i, j, 0.3*rng.NormFloat64())
			}
			S.Set(i, i, S.At(i, i)+1)
		}
		var Si, A mat.Dense
		if err := Si.Inverse(S); err != nil {
			t.Fatal(err)
		}
		A.Mul(S, mat.NewDiagDense(n, tc.lambda))
		A.Mul(&A, &Si)
		b := []float64{0.3, -0.2, 0.5, 0.1}
		var IA mat.Dense
		IA.Sub(eye(n), &A)
		var want mat.VecDense
		if err := want.SolveVec(&IA, mat.NewVecDense(n, b)); err != nil {
			t.Fatal(err)
		}

		starts := uniformStarts(rng, 40, n, 2)
		res, err := Find(dynsys.Affine{A: &A, B: b}, starts, Options{TolQ: 1e-24})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Points) != 1 || len(res.Outliers) != 0 {
			t.Fatalf("%s: %d points, %d outliers, want 1 and 0", tc.name, len(res.Points), len(res.Outliers))
		}
		p := res.Points[0]
		if d := floats.Distance(p.X, want.RawVector().Data, 2); d > 1e-9 {
			t.Errorf("%s: fixed point %v is %.3g from (I−A)⁻¹b = %v", tc.name, p.X, d, want.RawVector().Data)
		}
		if p.Class != tc.class || p.NumUnstable != tc.unstable || p.NumMarginal != 0 {
			t.Errorf("%s: class %v with %d unstable, %d marginal; want %v with %d", tc.name, p.Class, p.NumUnstable, p.NumMarginal, tc.class, tc.unstable)
		}
		lam := slices.Clone(tc.lambda)
		slices.SortFunc(lam, func(a, b float64) int { return int(math.Copysign(1, math.Abs(b)-math.Abs(a))) })
		for i, l := range p.Eigenvalues {
			if cmplx.Abs(l-complex(lam[i], 0)) > 1e-10 {
				t.Errorf("%s: eigenvalue %d = %v, want %v", tc.name, i, l, lam[i])
			}
		}
		if p.Count != len(starts) || res.Stats.Converged != len(starts) || res.Stats.Failed != 0 {
			t.Errorf("%s: count %d, stats %+v; want every start converged", tc.name, p.Count, res.Stats)
		}
	}
}

func eye(n int) *mat.Dense {
	m := mat.NewDense(n, n, nil)
	for i := range n {
		m.Set(i, i, 1)
	}
	return m
}

// TestBistable2D: two units with mutual inhibition w and a common bias b,
//
//	x₁ = b − w tanh x₂,  x₂ = b − w tanh x₁  (fixed-point equations).
//
// With h(x) = b − w tanh x decreasing, every fixed point is (x, h(x)) for a root of
// h(h(x)) = x; h∘h is increasing, and for w = 2, b = 0.3 it has three roots: the symmetric point
// (s, s), s = h(s), and the pair (p, q), (q, p). J = (1−α)I + α[[0, −w d₂], [−w d₁, 0]] with
// dᵢ = 1 − tanh²xᵢ has eigenvalues 1 − α ± α w √(d₁d₂), so a point is a saddle with one
// unstable direction iff w √(d₁d₂) > 1 and stable otherwise (for α = 0.5, 1 − α − α w√(d₁d₂)
// > −1 always).
func TestBistable2D(t *testing.T) {
	const w, b, alpha = 2.0, 0.3, 0.5
	h := func(x float64) float64 { return b - w*math.Tanh(x) }
	xs := roots(func(x float64) float64 { return h(h(x)) - x }, -w-b-1, w+b+1, 10000)
	if len(xs) != 3 {
		t.Fatalf("bisection found %d roots of h∘h(x) = x, want 3", len(xs))
	}
	type truth struct {
		x     []float64
		class Class
	}
	var want []truth
	for _, x := range xs {
		p := []float64{x, h(x)}
		d1, d2 := 1-math.Pow(math.Tanh(p[0]), 2), 1-math.Pow(math.Tanh(p[1]), 2)
		c := Stable
		if w*math.Sqrt(d1*d2) > 1 {
			c = Saddle
		}
		want = append(want, truth{p, c})
	}
	// denseOnly makes Find use the dense-Jacobian fallback for ∇q.
	m := denseOnly{&model.Network{W: mat.NewDense(2, 2, []float64{0, -w, -w, 0}), B: []float64{b, b}, Alpha: alpha}}
	rng := rand.New(rand.NewPCG(2, 2))
	res, err := Find(m, uniformStarts(rng, 200, 2, 3), Options{TolQ: 1e-24})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Points) != 3 {
		t.Fatalf("found %d fixed points, want 3: %+v", len(res.Points), res.Points)
	}
	stable, saddle := 0, 0
	for _, tr := range want {
		k := nearest(res.Points, tr.x)
		p := res.Points[k]
		if d := floats.Distance(p.X, tr.x, 2); d > 1e-9 {
			t.Errorf("fixed point near %v found at %v (distance %.3g)", tr.x, p.X, d)
		}
		if p.Class != tr.class {
			t.Errorf("point %v: class %v, want %v", tr.x, p.Class, tr.class)
		}
		switch p.Class {
		case Stable:
			stable++
		case Saddle:
			saddle++
			if p.NumUnstable != 1 {
				t.Errorf("saddle %v has %d unstable dimensions, want 1", p.X, p.NumUnstable)
			}
		}
	}
	if stable != 2 || saddle != 1 {
		t.Errorf("%d stable and %d saddles, want 2 and 1", stable, saddle)
	}
}

func nearest(pts []Point, x []float64) int {
	best, k := math.Inf(1), -1
	for i, p := range pts {
		if d := floats.Distance(p.X, x, 2); d < best {
			best, k = d, i
		}
	}
	return k
}

// flipFlopTruth returns the 27 fixed points of the 3-unit network W = w·I, α arbitrary: every
// coordinate is one of −x*, 0, x* (x* = w tanh x*), and the number of zero coordinates is the
// number of unstable dimensions (J_ii = 1 − α + α w > 1 at 0; < 1 at ±x*).
func flipFlopTruth(w float64) (pts [][]float64, unstable []int) {
	xs := flipFlopRoot(w)
	vals := []float64{-xs, 0, xs}
	for _, a := range vals {
		for _, b := range vals {
			for _, c := range vals {
				p := []float64{a, b, c}
				z := 0
				for _, v := range p {
					if v == 0 {
						z++
					}
				}
				pts = append(pts, p)
				unstable = append(unstable, z)
			}
		}
	}
	return pts, unstable
}

// checkFlipFlop asserts that found (in the coordinates given by toX) holds exactly the 27
// flip-flop fixed points, located to tol, with the right number of unstable dimensions and
// the class counts want.
func checkFlipFlop(t *testing.T, res Result, toX func([]float64) []float64, tol float64, want map[Class]int) {
	t.Helper()
	truth, unstable := flipFlopTruth(2)
	if len(res.Points) != 27 || len(res.Outliers) != 0 {
		t.Fatalf("found %d points and %d outliers, want 27 and 0", len(res.Points), len(res.Outliers))
	}
	counts := map[Class]int{}
	seen := map[int]bool{}
	for _, p := range res.Points {
		x := toX(p.X)
		k, best := -1, math.Inf(1)
		for i, tr := range truth {
			if d := floats.Distance(x, tr, 2); d < best {
				k, best = i, d
			}
		}
		if best > tol {
			t.Errorf("point %v is %.3g from the nearest true fixed point", x, best)
		}
		if seen[k] {
			t.Errorf("true fixed point %v found twice", truth[k])
		}
		seen[k] = true
		if p.NumUnstable != unstable[k] {
			t.Errorf("point %v: %d unstable dimensions, want %d", truth[k], p.NumUnstable, unstable[k])
		}
		counts[p.Class]++
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("classes %v, want %v", counts, want)
	}
}

// TestFlipFlop3: N = 3, W = 2I: each unit is bistable, giving 3³ = 27 fixed points.
func TestFlipFlop3(t *testing.T) {
	m := &model.Network{W: mat.NewDense(3, 3, []float64{2, 0, 0, 0, 2, 0, 0, 0, 2}), Alpha: 0.5}
	rng := rand.New(rand.NewPCG(3, 3))
	res, err := Find(m, uniformStarts(rng, 600, 3, 3), Options{TolQ: 1e-20})
	if err != nil {
		t.Fatal(err)
	}
	checkFlipFlop(t, res, func(x []float64) []float64 { return x }, 1e-6,
		map[Class]int{Stable: 8, Saddle: 18, Unstable: 1})
	if res.Stats.Converged != res.Stats.Starts {
		t.Errorf("stats %+v: not every start converged", res.Stats)
	}
}

// TestFlipFlopRotated50: the 3-bit flip-flop plus 47 contracting units (W = diag(2,2,2,½,…)),
// seen through a random rotation of R⁵⁰, so every coordinate mixes all units.
func TestFlipFlopRotated50(t *testing.T) {
	const n = 50
	diag := make([]float64, n)
	for i := range diag {
		diag[i] = 0.5
	}
	diag[0], diag[1], diag[2] = 2, 2, 2
	rng := rand.New(rand.NewPCG(4, 4))
	Q := randOrthogonal(rng, n)
	m := rotated{f: &model.Network{W: mat.DenseCopyOf(mat.NewDiagDense(n, diag)), Alpha: 0.5}, q: Q}
	if err := dynsys.Validate(m); err != nil {
		t.Fatal(err)
	}
	// Starts: the flip-flop cube in the first three units, small noise in the rest, rotated.
	starts := uniformStarts(rng, 800, n, 3)
	for _, s := range starts {
		for j := 3; j < n; j++ {
			s[j] *= 0.1
		}
		z := mat.NewVecDense(n, nil)
		z.MulVec(Q.T(), mat.NewVecDense(n, s))
		copy(s, z.RawVector().Data)
	}
	res, err := Find(m, starts, Options{TolQ: 1e-20})
	if err != nil {
		t.Fatal(err)
	}
	toX := func(z []float64) []float64 {
		x := mat.NewVecDense(n, nil)
		x.MulVec(Q, mat.NewVecDense(n, z))
		// Units 3… of every fixed point sit at 0; the flip-flop units are compared by the caller.
		for j := 3; j < n; j++ {
			if math.Abs(x.AtVec(j)) > 1e-6 {
				t.Errorf("unit %d of a fixed point is %.3g, want 0", j, x.AtVec(j))
			}
		}
		return x.RawVector().Data[:3]
	}
	// The contracting units make the origin a saddle (3 unstable of 50 dimensions).
	checkFlipFlop(t, res, toX, 1e-6, map[Class]int{Stable: 8, Saddle: 19})
}

func TestDeterministicAcrossWorkers(t *testing.T) {
	m := &model.Network{W: mat.NewDense(3, 3, []float64{2, 0.1, 0, 0, 2, -0.2, 0.3, 0, 2}), Alpha: 0.3}
	starts := uniformStarts(rand.New(rand.NewPCG(5, 5)), 100, 3, 3)
	one, err := Find(m, starts, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	many, err := Find(m, starts, Options{Workers: 7})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(one, many) {
		t.Error("results differ between 1 and 7 workers")
	}
}

// TestSlowPoint: one unit, F(x) = (1−α)x + α(2 tanh x + b) with b = 0.6. The speed
// g(x) = −x + 2 tanh x + b has a local minimum at x = −asinh(1) where g = b − 0.5328 > 0: no
// fixed point there, but a slow point whose Jacobian eigenvalue is exactly 1 (marginal),
// while the only fixed point, at large positive x, is stable.
func TestSlowPoint(t *testing.T) {
	const b, alpha = 0.6, 0.5
	m := &model.Network{W: mat.NewDense(1, 1, []float64{2}), B: []float64{b}, Alpha: alpha}
	g := func(x float64) float64 { return -x + 2*math.Tanh(x) + b }
	fixed := bisect(g, 0, 4)
	slow := -math.Asinh(1)
	res, err := Find(m, uniformStarts(rand.New(rand.NewPCG(6, 6)), 100, 1, 3), Options{TolQ: 1e-20, TolSlow: 1e-2})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Points) != 2 {
		t.Fatalf("found %d points, want 2: %+v", len(res.Points), res.Points)
	}
	fp, sp := res.Points[0], res.Points[1]
	if fp.Slow || math.Abs(fp.X[0]-fixed) > 1e-9 || fp.Class != Stable {
		t.Errorf("fixed point %+v, want stable at %v", fp, fixed)
	}
	wantQ := 0.5 * math.Pow(alpha*g(slow), 2)
	if !sp.Slow || math.Abs(sp.X[0]-slow) > 1e-5 || sp.Class != Marginal || math.Abs(sp.Q-wantQ) > 1e-10 {
		t.Errorf("slow point %+v, want marginal at %v with q = %v", sp, slow, wantQ)
	}
	if res.Stats.Converged+res.Stats.Slow != res.Stats.Starts {
		t.Errorf("stats %+v", res.Stats)
	}
}

// TestOutliers: starts clustered near the origin, the only fixed point of x ↦ x/2 + b far away.
func TestOutliers(t *testing.T) {
	m := dynsys.Affine{A: mat.NewDense(2, 2, []float64{0.5, 0, 0, 0.5}), B: []float64{50, 0}}
	starts := uniformStarts(rand.New(rand.NewPCG(7, 7)), 20, 2, 1)
	res, err := Find(m, starts, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Points) != 0 || len(res.Outliers) != 1 || res.Outliers[0].Class != Unknown {
		t.Errorf("default scale: %d points, %d outliers; want the fixed point (100, 0) as an outlier", len(res.Points), len(res.Outliers))
	}
	res, err = Find(m, starts, Options{OutlierScale: math.Inf(1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Points) != 1 || math.Abs(res.Points[0].X[0]-100) > 1e-3 || res.Points[0].Class != Stable {
		t.Errorf("no outlier removal: %+v", res.Points)
	}
}

func TestFindErrors(t *testing.T) {
	m := dynsys.Affine{A: eye(2)}
	good := [][]float64{{0, 0}}
	for name, tc := range map[string]struct {
		m      dynsys.Map
		starts [][]float64
		opt    Options
	}{
		"nil map":       {nil, good, Options{}},
		"bad map":       {&model.Network{W: eye(2)}, good, Options{}},
		"no starts":     {m, nil, Options{}},
		"short start":   {m, [][]float64{{0}}, Options{}},
		"NaN start":     {m, [][]float64{{0, math.NaN()}}, Options{}},
		"negative TolQ": {m, good, Options{TolQ: -1}},
		"TolSlow<TolQ":  {m, good, Options{TolQ: 1e-8, TolSlow: 1e-9}},
		"NaN outlier":   {m, good, Options{OutlierScale: math.NaN()}},
		"negative iter": {m, good, Options{MaxIter: -1}},
	} {
		if _, err := Find(tc.m, tc.starts, tc.opt); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		eigs               []complex128
		class              Class
		unstable, marginal int
	}{
		{[]complex128{0.5, complex(0.3, 0.4), complex(0.3, -0.4)}, Stable, 0, 0},
		{[]complex128{2, complex(0, 1.5), complex(0, -1.5)}, Unstable, 3, 0},
		{[]complex128{2, 0.5, -0.1}, Saddle, 1, 0},
		{[]complex128{complex(0.6, 0.8), complex(0.6, -0.8), 0.2}, Marginal, 0, 2},
		{[]complex128{1.5, 1, 0.2}, Saddle, 1, 1},
		{nil, Unknown, 0, 0},
	} {
		c, u, m := Classify(tc.eigs, 1e-9)
		if c != tc.class || u != tc.unstable || m != tc.marginal {
			t.Errorf("Classify(%v) = %v, %d, %d; want %v, %d, %d", tc.eigs, c, u, m, tc.class, tc.unstable, tc.marginal)
		}
	}
	if Saddle.String() != "saddle" || Class(42).String() != "Class(42)" {
		t.Error("Class.String")
	}
}

func TestCharacterize(t *testing.T) {
	m := &model.Network{W: mat.NewDense(1, 1, []float64{2}), Alpha: 0.5}
	p, err := Characterize(m, []float64{0}, 1e-9)
	if err != nil {
		t.Fatal(err)
	}
	// At 0: F(0) = 0 and J = 1 − α + α·2 = 1.5.
	if p.Q != 0 || p.Class != Unstable || len(p.Eigenvalues) != 1 || p.Eigenvalues[0] != 1.5 {
		t.Errorf("Characterize(0) = %+v", p)
	}
	if _, err := Characterize(m, []float64{0, 1}, 0); err == nil {
		t.Error("wrong length: no error")
	}
	if _, err := Characterize(m, []float64{math.Inf(1)}, 0); err == nil {
		t.Error("Inf state: no error")
	}
}

// TestLowRankMatchesDense: a rank-2 network found through its factors (O(NR) steps) and
// through its dense weights gives the same fixed points.
func TestLowRankMatchesDense(t *testing.T) {
	const n, r = 30, 2
	rng := rand.New(rand.NewPCG(8, 8))
	U, V := mat.NewDense(n, r, nil), mat.NewDense(n, r, nil)
	for i := range n {
		for k := range r {
			U.Set(i, k, rng.NormFloat64())
			V.Set(i, k, U.At(i, k)+0.5*rng.NormFloat64())
		}
	}
	lr := &model.Network{U: U, V: V, Scale: 2.5 / n, Alpha: 0.3}
	var W mat.Dense
	W.Mul(U, V.T())
	W.Scale(lr.Scale, &W)
	dense := &model.Network{W: &W, Alpha: lr.Alpha}
	starts := uniformStarts(rng, 200, n, 2)
	opt := Options{TolQ: 1e-22}
	a, err := Find(lr, starts, opt)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Find(dense, starts, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Points) < 3 || len(a.Points) != len(b.Points) {
		t.Fatalf("low rank: %d points, dense: %d", len(a.Points), len(b.Points))
	}
	for _, p := range a.Points {
		if d := floats.Distance(p.X, b.Points[nearest(b.Points, p.X)].X, 2); d > 1e-8 || p.Class == Unknown {
			t.Errorf("low-rank point (%v) is %.3g from the nearest dense one", p.Class, d)
		}
	}
}
