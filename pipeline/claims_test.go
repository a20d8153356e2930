package pipeline

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// The tests in this file reproduce the paper's claims (DESIGN.md §2) on the shipped teachers.
// Each fits a model for minutes, so they run only with JEDI_CLAIMS=1 and never with -short:
//
//	JEDI_CLAIMS=1 go test -run Claim -timeout 60m -v ./pipeline/
//
// With JEDI_CLAIMS_OUT=DIR the analyses are also written to DIR/<claim>/ for inspection.

func claims(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Getenv("JEDI_CLAIMS") != "1" {
		t.Skip("long: set JEDI_CLAIMS=1 (and leave out -short) to reproduce the paper's claims")
	}
}

// claimFit fits cfg to ds in a temporary run directory.
func claimFit(t *testing.T, cfg train.Config, ds *data.Dataset) *train.Fitted {
	t.Helper()
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
	ds, err := sim.Multitask(sim.DefaultMultitask(), 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := train.Default(ds.M)
	f := claimFit(t, cfg, ds)
	out := claimOut("multitask")

	emb, err := SegmentEmbeddings(f, ds, cfg.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	if emb.Inferred != nil {
		t.Logf("R² held-out %.4f", emb.Inferred.R2)
	}
	em, err := MapEmbeddings(ds, emb.E, emb.HeldOut, "task", false, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range em.Classification {
		t.Logf("task decoded by %s: %.3f ± %.3f (chance %.3f)", c.Method, c.Accuracy, c.AccuracySD, c.Chance)
	}
	if acc := em.Classification[0].Accuracy; acc < 0.98 {
		t.Errorf("task classification (logistic) %.3f, claim ≥ 0.98", acc)
	}

	g, err := CentroidGeneralization(f, ds, "task", cfg.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range g.R2 {
		t.Logf("generalization %-9s %.3f", g.Groups[i], row)
	}
	if !g.Dominant {
		t.Errorf("centroid generalization not diagonal dominant: (row, column) violations %v", g.Violations)
	}

	n, err := EmbeddingNoise(f, ds, nil, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("noise k %v: R² %.3f", n.Scales, n.R2Mean)
	for i := 1; i < len(n.Scales); i++ {
		if n.R2Mean[i] > n.R2Mean[i-1]+0.02 {
			t.Errorf("R² rises from %.3f to %.3f between k = %g and %g", n.R2Mean[i-1], n.R2Mean[i], n.Scales[i-1], n.Scales[i])
		}
	}
	if drop := n.R2Mean[0] - n.R2Mean[1]; n.Scales[1] != 0.25 || drop > 0.15 {
		t.Errorf("R² drops by %.3f at k = %g, claim: no cliff (≤ 0.15 at k = 0.25)", drop, n.Scales[1])
	}
	if out != "" {
		for _, w := range []interface {
			Write(string) ([]report.Figure, error)
		}{em, g, n} {
			if _, err := w.Write(out); err != nil {
				t.Error(err)
			}
		}
	}
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
	ds, err := sim.Sinusoid(sim.DefaultSinusoid(), 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := train.LoadConfig(filepath.Join("..", "configs", "sinusoid.yaml"), train.Default(ds.M))
	if err != nil {
		t.Fatal(err)
	}
	f := claimFit(t, cfg, ds)
	tr, err := train.Evaluate(f, ds, f.Train)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("R² train %.4f", tr.R2)
	segs, err := TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Spectra(f, ds, segs, "frequency", nil, SpectraOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range sp.Weights {
		t.Logf("%4s Hz: W std Im λ %.3f, max |Im λ| %.3f, radius %.3f; J along trajectories std Im λ %.4f",
			w.Group, w.ImagStd, w.MaxAbsImag, w.Radius, sp.Trajectory[i].ImagStd)
	}
	for _, tr := range sp.Trends {
		t.Logf("Spearman ρ(frequency, %s of %s) = %.3f", tr.Statistic, tr.Spectrum, tr.Rho)
	}
	if rho := sp.Trend("weights", "imag_std"); !(rho >= 0.9) || math.IsNaN(rho) {
		t.Errorf("Spearman ρ(frequency, std Im λ(W)) = %.3f, claim ≥ 0.9", rho)
	}
	if out := claimOut("sinusoid"); out != "" {
		if _, err := sp.Write(out); err != nil {
			t.Error(err)
		}
	}
}

// Claim 3, MemoryPro: a JEDI fit with one embedding per trial phase (the default configuration,
// 150 epochs) separates the four phases in its embeddings (cross-validated decoding ≥ 0.95 by
// the better of logistic regression and 5-NN), and each phase's network — the centroid of the
// phase's embeddings — has fixed points that match the teacher's of that phase: a match score
// (fixedpoints.MatchScore: the count ratio times 1/(1 + mean matched distance / spread of the
// teacher's points), in the space of the recorded neurons) of at least 0.5.
//
// Measured (seed 1; 93 s on 2 cores, teacher training included): phases decoded at 0.996 by
// 5-NN and 0.894 by logistic regression (chance 0.25) — that part holds; fixed-point match
// fixation 0.886 (1 point each), stimulus 0.569 (1 each), but memory 0.085 (1 point found
// against the teacher's 6 on its ring) and response 0.155 (1 against 3): this test FAILS.
// With one embedding per trial phase, JEDI keeps the remembered direction in the embedding,
// so the centroid of a phase's embeddings drives a network with one fixed point where the
// teacher has a ring. Tying the embeddings by phase (train.tie_embeddings: phase, held-out
// R² 0.972) makes the memory network grow its own ring — 27 slow points, matched ones 1.0
// from the teacher's (spread 2.4), stability agreeing 0.67 — but the count ratio of the score
// (6/27) keeps it at 0.157 (response 0.353, 3 points against 3): the score, which compares
// isolated points, does not suit continuous attractors, which both finders cut into
// arbitrary numbers of points.
func TestClaimMemoryPro(t *testing.T) {
	claims(t)
	res, err := MemoryPro(context.Background(), DefaultMemoryProOptions(t.TempDir(), 1))
	if err != nil {
		t.Fatal(err)
	}
	ds := res.Dataset
	t.Logf("teacher: median angle error %.2f°, %d segments", res.Score.MedianDeg, ds.S)
	cfg := train.Default(ds.M)
	cfg.Train.Epochs = 150
	f := claimFit(t, cfg, ds)
	emb, err := SegmentEmbeddings(f, ds, cfg.Train.InferSteps)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("R² held-out %.4f", emb.Inferred.R2)
	em, err := MapEmbeddings(ds, emb.E, emb.HeldOut, "phase", false, 5, 1)
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
	segs, err := TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	fps, err := FixedPoints(f, ds, segs, "phase", FixedPointOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range fps.Networks {
		m := n.Teacher
		if m == nil {
			t.Errorf("phase %s: no teacher fixed points to match", n.Group)
			continue
		}
		t.Logf("phase %-9s found %d (teacher %d): score %.3f, mean distance %.3f (spread %.3f), stability agreement %.2f",
			n.Group, m.Found, m.TeacherPoints, m.Score, m.MeanDistance, m.Spread, m.StabilityAgreement)
		if m.Score < 0.5 {
			t.Errorf("phase %s: fixed-point match %.3f, claim ≥ 0.5", n.Group, m.Score)
		}
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
