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
// Measured (seed 1; 160 s on 2 cores): held-out R² 0.961, but task decoded at 0.613 (logistic)
// and 0.690 (5-NN), chance 0.167, and the matrix is not diagonal dominant (10 violations; own-
// centroid R² 0.09–0.88): this test FAILS. The noise curve passes (0.961, 0.851 at k = 0.25,
// 0.589 at 0.5, 0.120 at 1). The cause is the teacher rather than the analysis: its trials draw
// a rate f ~ U[1, 4] Hz, amplitude and onset times per trial, so the fitted embeddings are
// organised by frequency more than by waveform family (sine and triangle, whose difference is a
// weak third harmonic, are most confused), and a task's centroid drives an oscillator at the
// average rate, which cannot reconstruct trials at other rates. With the rate fixed at 2.5 Hz
// (FreqMin = FreqMax = 2.5) the same fit decodes the task at 0.927 / 0.967 and the matrix has
// a single violation (bursts explained slightly better by the ramp centroid, 0.77 against 0.73).
// configs/multitask_fullrank.yaml on the default teacher decodes at 0.840 / 0.757, has 4
// violations, and degrades more gracefully (0.969, 0.949 at k = 0.25, 0.719 at k = 1).
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
