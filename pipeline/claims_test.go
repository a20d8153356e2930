package pipeline

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/stat"

	fpsearch "github.com/jedi-neuro/jedi/analysis/fixedpoints"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/memorypro"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/embeddings"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// The tests in this file reproduce the paper's claims (DESIGN.md §2) on the shipped teachers.
// Each fits a model for minutes, so they run only with JEDI_CLAIMS=1 and never with -short:
//
//	JEDI_CLAIMS=1 go test -run Claim -timeout 60m -v ./pipeline/
//
// With JEDI_CLAIMS_OUT=DIR the analyses are also written to DIR/<claim>/ for inspection, and
// with JEDI_CLAIMS_SEED=N the teachers, the data and the fits use seed N instead of 1 (the
// measured numbers quoted below are for seed 1).

func claims(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Getenv("JEDI_CLAIMS") != "1" {
		t.Skip("long: set JEDI_CLAIMS=1 (and leave out -short) to reproduce the paper's claims")
	}
}

// claimSeed returns the seed of the teachers, data and fits: JEDI_CLAIMS_SEED, 1 by default.
func claimSeed(t *testing.T) uint64 {
	t.Helper()
	v := os.Getenv("JEDI_CLAIMS_SEED")
	if v == "" {
		return 1
	}
	seed, err := strconv.ParseUint(v, 10, 64)
	if err != nil || seed == 0 {
		t.Fatalf("JEDI_CLAIMS_SEED=%q: want a positive integer", v)
	}
	return seed
}

// claimFit fits cfg, with the claims' seed, to ds in a temporary run directory.
func claimFit(t *testing.T, cfg train.Config, ds *data.Dataset) *train.Fitted {
	t.Helper()
	cfg.Seed = claimSeed(t)
	f, err := train.Fit(context.Background(), cfg, ds, train.FitOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// claimOut returns the directory to write claim's analyses to, or "" when not asked.
func claimOut(claim string) string {
	if d := os.Getenv("JEDI_CLAIMS_OUT"); d != "" {
		return filepath.Join(d, claim)
	}
	return ""
}

// Claim 1, multi-task teacher with the default configuration: the task is decoded from the
// embeddings with accuracy ≥ 0.98; the centroid generalization matrix is diagonal dominant;
// R² falls gracefully as noise is added to the embeddings (each level at most 0.02 above the
// one before, and no more than 0.15 lost at k = 0.25).
//
// Measured (seed 1; 91 s on 2 cores): held-out R² 0.958; task decoded at 0.997 by logistic
// regression and by 5-NN (chance 0.167, one sine trial confused); the matrix is diagonal
// dominant, every task's own centroid reconstructing its held-out trials at 0.72–0.83 while the
// others' centroids score below 0.24; the noise curve falls smoothly, 0.957, 0.893 at k = 0.25,
// 0.715 at 0.5, 0.299 at 1. This holds for the default teacher since its tasks drive their own
// input channels at 2–3 Hz (sim.DefaultMultitask). With the earlier teacher — one shared pair of
// channels, f ~ U[1, 4] Hz — the same fit decoded the task at only 0.613 / 0.690 and the matrix
// had 10 violations: the leak and the saturation left little of the task in the activity (a
// decoder of the activity's spectra scored 0.52), and a centroid drove the average rate.
func TestClaimMultitask(t *testing.T) {
	claims(t)
	checkClaim(t, "multitask")
}

// Claim 2, sinusoid teacher with configs/sinusoid.yaml: the spread of the imaginary parts of
// the fitted weights' eigenvalues grows with the driving frequency, Spearman ρ ≥ 0.9 over
// 1–10 Hz (label frequency).
//
// Measured (seed 1; 60 s on 2 cores): ρ = 1.000 (std Im λ(W) 1.00 at 1 Hz rising steadily to
// 4.81 at 10 Hz); the Jacobian along the trajectories shows it too (std Im λ 0.055 → 0.365,
// ρ = 1.000).
func TestClaimSinusoid(t *testing.T) {
	claims(t)
	checkClaim(t, "sinusoid")
}

// checkClaim runs claim id as `jedi reproduce` does (into JEDI_CLAIMS_OUT/<id> when set) and
// fails on every check that does not pass.
func checkClaim(t *testing.T, id string) {
	t.Helper()
	dir := claimOut(id)
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range Claims() {
		if c.ID != id {
			continue
		}
		out, err := c.Run(context.Background(), ReproduceOptions{Seed: claimSeed(t)}, dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, ch := range out.Checks {
			t.Logf("%s: %.4f (criterion %s, paper: %s)", ch.Name, ch.Value, ch.Want, ch.Paper)
			if !ch.Pass {
				t.Errorf("%s = %.4f, claim %s", ch.Name, ch.Value, ch.Want)
			}
		}
		return
	}
	t.Fatalf("no claim %q", id)
}

// Claim 3, MemoryPro: a JEDI fit with one embedding per trial phase (configs/memorypro.yaml, the
// defaults with α = dt/τ = 0.2 and 150 epochs) separates the four phases in its embeddings (cross-validated
// decoding ≥ 0.95 by the better of logistic regression and 5-NN), and the fixed points of each
// phase's networks — the network of every trial phase, as fitted, pooled by phase — match the
// teacher's fixed and slow points of that phase: fixedpoints.TeacherMatch.F1 ≥ 0.8, the harmonic mean of
// the fraction of the teacher's points with a fitted point within 0.2 × the size of the
// activity (recall) and the fraction of fitted points within that radius of a teacher point
// (precision), in the space of the recorded neurons. The teacher's points of a phase are its
// fixed points (q < 10⁻¹⁰) and its slow points (q < 10⁻⁴), which sample the memory ring that
// the fixed points alone cut into 6; the stimulus phase has a map per trial's θ.
//
// The claim holds for the fixation, stimulus and memory phases and not for the response: the
// teacher's response-phase fixed and slow points lie beyond the data. Its noise-free response
// trajectories end within the radius of them in fewer than half the trials, so the recordings
// never show where the response dynamics settle; the test asserts that instead, and
// TestClaimMemoryProLongResponse shows the match improving when the data show more of it.
//
// The fixed point of each trial's own network sits where the teacher holds that trial: for the
// stimulus and memory phases, the median distance from a segment's fitted fixed point to the
// teacher's state at the end of the same segment is below a quarter of the median distance to
// the other trials' end states. The centroid of a phase's embeddings, which averages the
// remembered directions away, has one fixed point in the memory phase instead of a ring.
//
// Measured (about 100 s on 2 cores each, teacher training included; seeds 1, 2, 3): phases
// decoded at 1.000, 0.996, 1.000 by 5-NN (0.979, 0.975, 0.979 by logistic regression); F1
// fixation 1.00, 1.00, 0.99; stimulus 0.93, 0.97, 0.93; memory 1.00, 0.97, 0.99; response 0.28,
// 0.21, 0.20, whose teacher trajectories end within the radius in 20%, 15%, 11% of the trials
// (memory 85%, 83%, 82%). A trial's memory fixed point is 0.19–0.23 from the teacher's end
// state of that trial against 2.9–3.7 from the other trials'; the memory centroid network's
// single point covers nothing (F1 0).
func TestClaimMemoryPro(t *testing.T) {
	claims(t)
	res, err := memorypro.Run(context.Background(), memorypro.DefaultOptions(t.TempDir(), claimSeed(t)))
	if err != nil {
		t.Fatal(err)
	}
	ds := res.Dataset
	t.Logf("teacher: median angle error %.2f°, %d segments", res.Score.MedianDeg, ds.S)
	f := memoryProFit(t, ds)
	emb, err := plugin.SegmentEmbeddings(f, ds, f.Config.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("R² held-out %.4f", emb.Inferred.R2)
	em, err := embeddings.Analyze(ds, emb.E, emb.HeldOut, "phase", false, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	best := 0.0
	for _, c := range em.Classification {
		t.Logf("phase decoded by %s: %.3f ± %.3f (chance %.3f)", c.Method, c.Accuracy, c.AccuracySD, c.Chance)
		best = max(best, c.Accuracy)
	}
	if best < 0.95 {
		t.Errorf("phase classification %.3f, claim ≥ 0.95", best)
	}
	ends := teacherEnds(t, ds)
	fps, visited := memoryProFixedPoints(t, f, ds, ends)
	for _, m := range fps.Teacher {
		if m.Group == "response" {
			if visited[m.Group] >= 0.5 {
				t.Errorf("response: the teacher's trajectories reach its fixed or slow points in %.0f%% of the trials; the fitted points should then match (F1 %.3f)", 100*visited[m.Group], m.F1)
			}
			continue
		}
		if m.F1 < 0.8 {
			t.Errorf("phase %s: fixed-point coverage F1 %.3f, claim ≥ 0.8", m.Group, m.F1)
		}
	}
	paired := pairedFixedPoints(t, fps, ends)
	for _, ph := range []string{"stimulus", "memory"} {
		if p := paired[ph]; !(p[0] < p[1]/4) {
			t.Errorf("phase %s: a trial's fixed point is a median %.3f from the teacher's end state of that trial and %.3f from other trials', want under a quarter", ph, p[0], p[1])
		}
	}
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	cent, err := fixedpoints.Analyze(f, ds, segs, "phase", fixedpoints.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range cent.Teacher {
		t.Logf("centroid network of %-9s %d points: recall %.3f, precision %.3f, F1 %.3f", m.Group, m.Found, m.Recall, m.Precision, m.F1)
	}
	if out := claimOut("memorypro"); out != "" {
		for _, w := range []interface {
			Write(string) ([]report.Figure, error)
		}{em, fps} {
			if _, err := w.Write(out); err != nil {
				t.Error(err)
			}
		}
	}
}

// The response phase of TestClaimMemoryPro with data that show more of where the response
// dynamics settle: the same teacher (trained on DESIGN.md's timings) generates a second dataset
// whose response phase is lengthened from U(300, 700) ms to U(1, 2) s, and JEDI is fitted to
// both. With the longer phase more of the teacher's noise-free response trajectories end within
// the match radius of its fixed or slow points, and the fitted response points match them
// better: F1 at least 0.1 higher, and every teacher point covered (recall ≥ 0.95).
//
// Measured (about 3 min on 2 cores each; seeds 1, 2, 3): trajectories reaching the teacher's
// points 20% → 49%, 15% → 28%, 11% → 46%; response F1 0.28 → 0.65, 0.21 → 0.40, 0.20 → 0.64;
// recall with the longer phase 1.00 for every seed.
func TestClaimMemoryProLongResponse(t *testing.T) {
	claims(t)
	opt := memorypro.DefaultOptions(t.TempDir(), claimSeed(t))
	res, err := memorypro.Run(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	long := opt.Data
	long.Task.Durations[sim.PhaseResponse] = [2]float64{1, 2}
	ds, err := sim.MemoryPro(long, res.Network, opt.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := memorypro.FixedPoints(ds, memorypro.FixedPointOptions{Seed: opt.Seed}); err != nil {
		t.Fatal(err)
	}
	short, shortVisited := responseMatch(t, res.Dataset)
	m, visited := responseMatch(t, ds)
	t.Logf("response 0.3–0.7 s → 1–2 s: trajectories reaching the teacher's points %.0f%% → %.0f%%; recall %.3f → %.3f, precision %.3f → %.3f, F1 %.3f → %.3f",
		100*shortVisited, 100*visited, short.Recall, m.Recall, short.Precision, m.Precision, short.F1, m.F1)
	if !(visited > shortVisited) || m.F1 < short.F1+0.1 || m.Recall < 0.95 {
		t.Errorf("a longer response phase should bring more trajectories to the teacher's points (%.0f%% → %.0f%%), raise F1 by ≥ 0.1 (%.3f → %.3f) and cover every teacher point (recall %.3f, want ≥ 0.95)",
			100*shortVisited, 100*visited, short.F1, m.F1, m.Recall)
	}
}

// responseMatch fits a MemoryPro dataset and returns the response phase's teacher match and
// the fraction of its trials whose teacher trajectory ends near the teacher's points.
func responseMatch(t *testing.T, ds *data.Dataset) (fixedpoints.TeacherMatch, float64) {
	t.Helper()
	fps, visited := memoryProFixedPoints(t, memoryProFit(t, ds), ds, teacherEnds(t, ds))
	for _, m := range fps.Teacher {
		if m.Group == "response" {
			return m, visited[m.Group]
		}
	}
	t.Fatal("no teacher match for the response phase")
	return fixedpoints.TeacherMatch{}, 0
}

// memoryProFit fits configs/memorypro.yaml to a MemoryPro dataset.
func memoryProFit(t *testing.T, ds *data.Dataset) *train.Fitted {
	t.Helper()
	cfg, err := train.LoadConfig(filepath.Join("..", "configs", "memorypro.yaml"), train.Default(ds.M))
	if err != nil {
		t.Fatal(err)
	}
	return claimFit(t, cfg, ds)
}

// memoryProFixedPoints finds the fixed points of every training segment's network, pools them
// by phase against the teacher's and logs the match; it also returns, per phase, the fraction
// of trials whose teacher trajectory ends near the teacher's points (teacherVisits of ends,
// the teacher's end states from teacherEnds).
func memoryProFixedPoints(t *testing.T, f *train.Fitted, ds *data.Dataset, ends [][]float64) (*fixedpoints.Analysis, map[string]float64) {
	t.Helper()
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	fps, err := fixedpoints.Analyze(f, ds, segs, "phase", fixedpoints.Options{PerSegment: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fps.Teacher) != len(sim.MemoryProPhases()) {
		t.Fatalf("%d teacher matches, want one per phase", len(fps.Teacher))
	}
	visited := teacherVisits(t, ds, ends)
	for _, m := range fps.Teacher {
		curve := ""
		for _, c := range m.Curve {
			curve += fmt.Sprintf(" %.2f: %.2f/%.2f/%.2f", c.Fraction, c.Recall, c.Precision, c.F1)
		}
		t.Logf("phase %-9s %d networks, %d points; teacher %d fixed + %d slow: recall %.3f, precision %.3f, F1 %.3f within %.3f; recall/precision/F1 by radius (× size):%s",
			m.Group, m.Networks, m.Found, m.TeacherPoints, m.TeacherSlow, m.Recall, m.Precision, m.F1, m.Radius, curve)
		t.Logf("phase %-9s teacher's noise-free trajectories end within %.3f of its fixed or slow points in %.0f%% of the trials",
			m.Group, m.Radius, 100*visited[m.Group])
	}
	return fps, visited
}

// teacherEnds returns, for every segment, the rates of the recorded units at the last bin of the
// teacher's noise-free run through the segment from its recorded initial state, under the
// segment's inputs.
func teacherEnds(t *testing.T, ds *data.Dataset) [][]float64 {
	t.Helper()
	tc, err := sim.TeacherFromDataset(ds)
	if err != nil {
		t.Fatal(err)
	}
	x0, obs := ds.Extra["teacher_x0"].Data, ds.Extra["teacher_observed"].Data
	ends := make([][]float64, ds.S)
	for s := range ds.S {
		L := ds.Lengths[s]
		traj, err := tc.Run(x0[s*tc.N:(s+1)*tc.N], ds.SegmentInputs(s), L)
		if err != nil {
			t.Fatal(err)
		}
		last := traj[(L-1)*tc.N:]
		ends[s] = make([]float64, len(obs))
		for j, u := range obs {
			ends[s][j] = math.Tanh(last[int(u)])
		}
	}
	return ends
}

// teacherVisits returns, per phase, the fraction of segments whose teacher end state (ends, from
// teacherEnds) lies within the default match radius of one of the teacher's fixed or slow points
// of the phase.
func teacherVisits(t *testing.T, ds *data.Dataset, ends [][]float64) map[string]float64 {
	t.Helper()
	phases, err := ds.LabelValues("phase")
	if err != nil {
		t.Fatal(err)
	}
	obs := ds.Extra["teacher_observed"].Data
	r := fixedpoints.Options{}.WithDefaults().MatchRadius * fixedpoints.ActivitySize(ds)
	out := map[string]float64{}
	for _, ph := range sim.MemoryProPhases() {
		var truth, mine [][]float64
		for _, name := range []string{"teacher_fixed_points_", "teacher_slow_points_"} {
			pts, err := fixedpoints.TeacherPoints(ds, name+ph, obs)
			if err != nil {
				t.Fatal(err)
			}
			truth = append(truth, pts...)
		}
		for s, p := range phases {
			if p == ph {
				mine = append(mine, ends[s])
			}
		}
		c, err := fpsearch.Cover(mine, truth, r)
		if err != nil {
			t.Fatal(err)
		}
		out[ph] = c.Precision
	}
	return out
}

// pairedFixedPoints returns, per phase, the median distance from the fixed point of a segment's
// own network to the teacher's end state of that segment, and the median distance to the end
// states of the phase's other segments (networks with one fixed point only).
func pairedFixedPoints(t *testing.T, fps *fixedpoints.Analysis, ends [][]float64) map[string][2]float64 {
	t.Helper()
	own, other := map[string][]float64{}, map[string][]float64{}
	for _, n := range fps.Networks {
		if len(n.Points) != 1 {
			continue
		}
		y := n.Points[0].Observed
		own[n.Group] = append(own[n.Group], floats.Distance(y, ends[n.Segment], 2))
		for _, m := range fps.Networks {
			if m.Group == n.Group && m.Segment != n.Segment {
				other[n.Group] = append(other[n.Group], floats.Distance(y, ends[m.Segment], 2))
			}
		}
	}
	out := map[string][2]float64{}
	for g := range own {
		slices.Sort(own[g])
		slices.Sort(other[g])
		out[g] = [2]float64{stat.Quantile(0.5, stat.Empirical, own[g], nil), stat.Quantile(0.5, stat.Empirical, other[g], nil)}
		t.Logf("phase %-9s a trial's fixed point is a median %.3f from the teacher's end state of that trial, %.3f from the other trials' (%d networks with one point)",
			g, out[g][0], out[g][1], len(own[g]))
	}
	return out
}
