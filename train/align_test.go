package train

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
)

// r2Acc is a fresh R² accumulator over M neurons.
func r2Acc(t *testing.T, M int) *metrics.R2Acc {
	t.Helper()
	acc, err := metrics.NewR2Acc(M)
	if err != nil {
		t.Fatal(err)
	}
	return acc
}

// alignedSessions builds sessions that record different neurons of one 2-D latent trajectory
// per condition: session k's neurons are y = L_c(t) A_k + b_k (+ noise of std sd), with its own
// random loading A_k (2 × sizes[k]) and offsets b_k, its neurons disjoint from the others'.
// Segment s has condition s mod 3 and session (s / 3) mod len(sizes); condition c's latent
// trajectory is a rotation at c+1 cycles per segment, of phase φ_s ~ U[0, jitter) per segment.
func alignedSessions(t *testing.T, sizes []int, S, T int, sd, jitter float64, seed uint64) *data.Dataset {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	M := 0
	first := make([]int, len(sizes))
	for k, n := range sizes {
		first[k] = M
		M += n
	}
	load := make([][]float64, len(sizes))
	off := make([][]float64, len(sizes))
	for k, n := range sizes {
		load[k] = make([]float64, 2*n)
		off[k] = make([]float64, n)
		for i := range load[k] {
			load[k][i] = rng.NormFloat64()
		}
		for i := range off[k] {
			off[k][i] = rng.NormFloat64()
		}
	}
	latent := func(c, tt int, phase float64) (float64, float64) {
		ph := 2*math.Pi*float64(tt*(c+1))/float64(T) + phase
		return math.Sin(ph), (1 + 0.5*float64(c)) * math.Cos(ph)
	}
	ds := data.New(S, T, M, 0.01)
	ds.Observed = make([]bool, S*M)
	cond := make([]string, S)
	ses := make([]string, S)
	for s := range S {
		c, k := s%3, (s/3)%len(sizes)
		cond[s], ses[s] = []string{"x", "y", "z"}[c], []string{"a", "b", "c", "d"}[k]
		phase := jitter * rng.Float64()
		for tt := range T {
			l0, l1 := latent(c, tt, phase)
			for j := range sizes[k] {
				m := first[k] + j
				ds.Activity[(s*T+tt)*M+m] = l0*load[k][j] + l1*load[k][sizes[k]+j] + off[k][j] + sd*rng.NormFloat64()
			}
		}
		for j := range sizes[k] {
			ds.Observed[s*M+first[k]+j] = true
		}
	}
	ds.Labels["cond"] = data.Label{Kind: data.StringLabel, Values: cond}
	ds.Labels[data.SessionLabel] = data.Label{Kind: data.StringLabel, Values: ses}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	return ds
}

func TestAlignAnchorsCoincide(t *testing.T) {
	// Without noise every session sees the same latent trajectories through its own loading:
	// its read-in undoes the loading, and the anchors of one condition coincide whatever the
	// session, up to the ridge (relative 10⁻³).
	// With 1 100 bins the trajectory is averaged into 512 windows of 2 or 3 bins (windows).
	for _, T := range []int{20, 1100} {
		alignCoincide(t, alignedSessions(t, []int{2, 3, 5}, 36, T, 0, 0, 1))
	}

	// With noise, the anchors of held-together sessions still decode the condition of the
	// session left out (nearest centroid of the others' anchors).
	ds := alignedSessions(t, []int{1, 3, 4}, 90, 20, 0.3, 0, 2)
	idx := make([]int, ds.S)
	for i := range idx {
		idx[i] = i
	}
	const D = 3
	_, a, err := fitAlignment(&AlignOptions{Factors: 2, Label: "cond"}, ds, idx, D)
	if err != nil {
		t.Fatal(err)
	}
	for out, acc := range crossDecode(t, ds, a, D) {
		t.Logf("session %s: condition decoded from the other sessions' anchors %.2f", out, acc)
		if acc < 0.9 {
			t.Errorf("session %s: condition decoded across sessions at %.2f, want ≥ 0.9", out, acc)
		}
	}
}

// alignCoincide checks that the anchors of ds's segments of one condition coincide.
func alignCoincide(t *testing.T, ds *data.Dataset) {
	t.Helper()
	idx := make([]int, ds.S)
	for i := range idx {
		idx[i] = i
	}
	const D = 3
	_, a, err := fitAlignment(&AlignOptions{Factors: 2, Label: "cond"}, ds, idx, D)
	if err != nil {
		t.Fatal(err)
	}
	cond, _ := ds.LabelValues("cond")
	// The spread of the condition centroids, against the largest distance between two
	// anchors of the same condition.
	var spread, within float64
	for i := range ds.S {
		for j := range ds.S {
			var d2 float64
			for k := range D {
				d := a[i*D+k] - a[j*D+k]
				d2 += d * d
			}
			if cond[i] == cond[j] {
				within = math.Max(within, math.Sqrt(d2))
			} else {
				spread = math.Max(spread, math.Sqrt(d2))
			}
		}
	}
	t.Logf("largest distance within a condition %.3g, between conditions %.3g", within, spread)
	if spread < 0.5 || within > 1e-2*spread {
		t.Errorf("anchors of one condition from different sessions are %.3g apart, conditions %.3g: not aligned", within, spread)
	}
	// The first anchor dimension has unit standard deviation.
	var m1, m2 float64
	for i := range ds.S {
		m1 += a[i*D]
		m2 += a[i*D] * a[i*D]
	}
	m1 /= float64(ds.S)
	if sd := math.Sqrt(m2/float64(ds.S) - m1*m1); math.Abs(sd-1) > 1e-9 {
		t.Errorf("first anchor dimension has standard deviation %g, want 1", sd)
	}

}

// crossDecode decodes label "cond" of each session's segments from their anchors a (D per
// segment, every segment of ds) by the nearest centroid of the other sessions' anchors, and
// returns the accuracy per session.
func crossDecode(t *testing.T, ds *data.Dataset, a []float64, D int) map[string]float64 {
	t.Helper()
	cond, _ := ds.LabelValues("cond")
	ses, _ := ds.LabelValues(data.SessionLabel)
	res := map[string]float64{}
	for _, out := range ses {
		if _, ok := res[out]; ok {
			continue
		}
		cent := map[string][]float64{}
		n := map[string]float64{}
		for i := range ds.S {
			if ses[i] == out {
				continue
			}
			if cent[cond[i]] == nil {
				cent[cond[i]] = make([]float64, D)
			}
			for k := range D {
				cent[cond[i]][k] += a[i*D+k]
			}
			n[cond[i]]++
		}
		var right, total float64
		for i := range ds.S {
			if ses[i] != out {
				continue
			}
			best, bd := "", math.Inf(1)
			for c, v := range cent {
				var d2 float64
				for k := range D {
					d := a[i*D+k] - v[k]/n[c]
					d2 += d * d
				}
				if d2 < bd {
					best, bd = c, d2
				}
			}
			total++
			if best == cond[i] {
				right++
			}
		}
		res[out] = right / total
	}
	return res
}

func TestAlignMoments(t *testing.T) {
	// Segments whose latent rotation starts at a random phase: the moments do not see the
	// phase, the trajectory does. Both fit their read-ins on the condition averages, which the
	// jitter (up to three quarters of a cycle) blurs but does not erase.
	ds := alignedSessions(t, []int{2, 3, 4}, 90, 40, 0.2, 1.5*math.Pi, 3)
	idx := make([]int, ds.S)
	for i := range idx {
		idx[i] = i
	}
	const D = 4
	worst := map[AlignFeatures]float64{}
	for _, f := range []AlignFeatures{AlignTrajectory, AlignMoments} {
		_, a, err := fitAlignment(&AlignOptions{Factors: 2, Label: "cond", Features: f}, ds, idx, D)
		if err != nil {
			t.Fatal(err)
		}
		worst[f] = 1
		for out, acc := range crossDecode(t, ds, a, D) {
			t.Logf("%s: session %s: condition decoded from the other sessions' anchors %.2f", f, out, acc)
			worst[f] = math.Min(worst[f], acc)
		}
	}
	if worst[AlignMoments] < 0.9 || worst[AlignMoments] <= worst[AlignTrajectory] {
		t.Errorf("condition decoded across sessions at worst %.2f from the moments, %.2f from the trajectories; want ≥ 0.9 and above",
			worst[AlignMoments], worst[AlignTrajectory])
	}
}

func TestAlignAnchorsRefuse(t *testing.T) {
	ds := alignedSessions(t, []int{2, 3}, 12, 10, 0.1, 0, 3)
	// Session "b" holds no training segment of condition "z" (segments 3–5 and 9–11 are b's;
	// 5 and 11 are its z).
	idx := []int{0, 1, 2, 3, 4, 6, 7, 8, 9, 10}
	_, _, err := fitAlignment(&AlignOptions{Factors: 2, Label: "cond"}, ds, idx, 2)
	if err == nil || !strings.Contains(err.Error(), `session "b"`) || !strings.Contains(err.Error(), `"z"`) {
		t.Errorf("a session missing a condition: error %v, want one naming the session and the value", err)
	}
	if _, _, err := fitAlignment(&AlignOptions{Factors: 2, Label: "nope"}, ds, []int{0, 1, 2}, 2); err == nil || !strings.Contains(err.Error(), "align.label") {
		t.Errorf("an unknown label: error %v, want one naming train.align.label", err)
	}
	// Without a label, sessions are aligned on their mean time course.
	if _, _, err := fitAlignment(&AlignOptions{Factors: 2}, ds, idx, 2); err != nil {
		t.Errorf("no label: %v", err)
	}

	for _, c := range []struct {
		o    AlignOptions
		tie  string
		want string
	}{
		{AlignOptions{Factors: -1}, "", "align.factors"},
		{AlignOptions{Factors: 2, Features: "bins"}, "", "align.features"},
		{AlignOptions{Factors: 2, Weight: -1}, "", "align.weight"},
		{AlignOptions{Factors: 2, Weight: math.NaN()}, "", "align.weight"},
		{AlignOptions{Weight: 1}, "", "align.factors"},
		{AlignOptions{Label: "cond"}, "", "align.factors"},
		{AlignOptions{Factors: 2, Features: AlignMoments}, "cond", "tie_embeddings"},
	} {
		cfg := smallConfig(5)
		cfg.Train.Align, cfg.Train.TieEmbeddings = c.o, c.tie
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v, tie %q: error %v, want one naming %s", c.o, c.tie, err, c.want)
		}
	}
}

func TestAlignPenaltyGradient(t *testing.T) {
	// The trainer's minibatch loss with the alignment penalty, against central finite
	// differences in every embedding entry of the batch (float64, no process noise).
	ds := alignedSessions(t, []int{2, 3}, 12, 10, 0.1, 0, 4)
	cfg := smallConfig(ds.M)
	cfg.DType = "float64"
	cfg.Train.HeldOut = 0
	cfg.Train.Align = AlignOptions{Factors: 2, Label: "cond", Weight: 0.7, Features: AlignTrajectory}
	tr, err := newTrainer[float64](cfg, ds, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr.init()
	theta, local := tr.st.theta, tr.st.local
	for i, a := range tr.anchors {
		if local[i] != a {
			t.Fatalf("embedding entry %d starts at %g, want its anchor %g", i, local[i], a)
		}
	}
	// Move the embeddings off their anchors, where the penalty's gradient is 0.
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range tr.ll.G * tr.ll.D {
		local[i] += 0.3 * rng.NormFloat64()
	}
	rows := []int{1, 4, 7, 10}
	gTheta := make([]float64, len(theta))
	gLocal := make([]float64, len(local))
	if _, err := tr.Step(theta, local, rows, 1, r2Acc(t, ds.M), gTheta, gLocal); err != nil {
		t.Fatal(err)
	}
	// The penalty's share of the gradient, to make sure the check sees it.
	pen := make([]float64, len(local))
	alignPenalty(cfg.Train.Align.Weight, len(rows), tr.ll.D, local, rows, rows, tr.anchors, pen)
	var penNorm float64
	for _, v := range pen {
		penNorm = math.Max(penNorm, math.Abs(v))
	}
	if penNorm < 1e-2 {
		t.Fatalf("the penalty's gradient is %g at most: the check would not see it", penNorm)
	}
	loss := func() float64 {
		l, err := tr.Step(theta, local, rows, 1, r2Acc(t, ds.M), make([]float64, len(theta)), make([]float64, len(local)))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	const h = 1e-6
	for _, r := range rows {
		for k := range tr.ll.D {
			i := r*tr.ll.D + k
			fd := centralDifference(&local[i], h, loss)
			if math.Abs(fd-gLocal[i]) > 1e-6*math.Max(1, math.Abs(fd)) {
				t.Errorf("∂L/∂e[%d][%d]: analytic %.9g, finite differences %.9g", r, k, gLocal[i], fd)
			}
		}
	}
}

func TestLagMoments(t *testing.T) {
	// F = 1, z = 1, −1, 1, −1 and 3, 3, 3, 3: means 0 and 3; lagged covariances at lags 0, 1,
	// 2 (the lags below T_c = 4) of 1, −1, 1 and 0.
	traj := mat.NewDense(2, 4, []float64{1, -1, 1, -1, 3, 3, 3, 3})
	got := lagMoments(traj, 4, 1)
	want := mat.NewDense(2, 4, []float64{0, 1, -1, 1, 3, 0, 0, 0})
	if !mat.EqualApprox(got, want, 1e-15) {
		t.Errorf("moments\n%v\nwant\n%v", mat.Formatted(got), mat.Formatted(want))
	}
}

func TestAlignWindows(t *testing.T) {
	// The trajectory itself while T_c·F ≤ alignColumns; fewer, longer windows beyond.
	for _, c := range []struct{ Tc, F, want int }{{100, 8, 100}, {1100, 2, 512}, {10, 2000, 1}} {
		if got := windows(c.Tc, c.F); got != c.want {
			t.Errorf("windows(%d, %d) = %d, want %d", c.Tc, c.F, got, c.want)
		}
	}
}
