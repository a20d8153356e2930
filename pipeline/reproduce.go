package pipeline

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jedi-neuro/jedi/configs"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/memorypro"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/embeddings"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/plugins/generalization"
	"github.com/jedi-neuro/jedi/plugins/noise"
	"github.com/jedi-neuro/jedi/plugins/spectra"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// Claim is one claim of the paper (DESIGN.md §2) that Reproduce checks: it simulates the
// teacher, fits JEDI, runs the analyses and compares our numbers with the paper's.
type Claim struct {
	// ID names the claim (multitask, sinusoid, memorypro) and its directory.
	ID, Title string
	// Figure is where the paper shows it.
	Figure string
	// Estimate is about how long the claim takes on 2 cores (full, quick), for the progress.
	// A zero QuickEstimate leaves the claim out of --quick.
	Estimate, QuickEstimate time.Duration
	// Unavailable, when not empty, says why the claim cannot run here (its recording is
	// absent); the page then says it was skipped, and why.
	Unavailable string
	// Run checks the claim, writing its analyses into dir.
	Run func(ctx context.Context, o ReproduceOptions, dir string) (*Outcome, error)
}

// Outcome is what a claim's Run found: its checks, its figures and, for a claim whose checks
// need more columns than the page's check table has, its own Table (shown instead) and
// further tables and a paragraph of text.
type Outcome struct {
	Checks  []Check
	Figures []report.Figure
	Table   *report.Table
	Tables  []report.Table
	Text    string
}

// Check is one number of a claim: ours, the criterion it must meet, and whether it does.
type Check struct {
	Name  string  `json:"name"`
	Paper string  `json:"paper"`
	Value float64 `json:"value"`
	Want  string  `json:"criterion"`
	Pass  bool    `json:"pass"`
}

// ClaimResult is what Reproduce found for one claim.
type ClaimResult struct {
	ID      string  `json:"id"`
	Title   string  `json:"title"`
	Figure  string  `json:"paper_figure"`
	Checks  []Check `json:"checks"`
	Seconds float64 `json:"seconds"`
	// Err says why the claim could not be checked (it then fails); Skipped why it was not
	// run (Claim.Unavailable).
	Err     string `json:"error,omitempty"`
	Skipped string `json:"skipped,omitempty"`
	Outcome `json:"-"`
}

// Verdict is "pass" when the claim ran and every check passed, "partly" when some did,
// "skipped" when it did not run, and "FAIL" otherwise.
func (r *ClaimResult) Verdict() string {
	if r.Skipped != "" {
		return "skipped"
	}
	if r.Err != "" || len(r.Checks) == 0 {
		return "FAIL"
	}
	n := 0
	for _, c := range r.Checks {
		if c.Pass {
			n++
		}
	}
	switch n {
	case len(r.Checks):
		return "pass"
	case 0:
		return "FAIL"
	}
	return "partly"
}

// ReproduceOptions configure Reproduce.
type ReproduceOptions struct {
	// Dir receives one directory per claim (its analyses, JSON, arrays, figures) and index.html.
	Dir  string
	Seed uint64
	// Quick runs small versions, each claim's own (the synthetic ones at 80 epochs with fewer
	// inference steps and noise draws, about two minutes on 2 cores; MemoryPro left out), that
	// show the machinery works; their numbers are not the paper's.
	Quick bool
	// Only, when not empty, names the claims to run.
	Only []string
	// Claims are the claims to choose from (nil: Claims(), the synthetic ones; `jedi
	// reproduce` adds the monkey claim, whose package builds on this one).
	Claims []Claim
}

// Claims returns the paper's claims on synthetic teachers, in the order Reproduce runs them.
func Claims() []Claim {
	return []Claim{
		{ID: "multitask", Title: "Multi-task teacher: the task is in the embeddings", Figure: "Fig. 2",
			Estimate: 2 * time.Minute, QuickEstimate: time.Minute, Run: checks(claimMultitask)},
		{ID: "sinusoid", Title: "Sinusoid teacher: eigenvalues spread along the imaginary axis with frequency", Figure: "Fig. 3",
			Estimate: 90 * time.Second, QuickEstimate: 50 * time.Second, Run: checks(claimSinusoid)},
		{ID: "memorypro", Title: "MemoryPro: phases in the embeddings, fixed points match the teacher's", Figure: "Fig. 5",
			Estimate: 2 * time.Minute, Run: checks(claimMemoryPro)},
	}
}

// checks makes a Claim.Run of a claim that gives checks and figures only.
func checks(run func(ctx context.Context, o ReproduceOptions, dir string) ([]Check, []report.Figure, error)) func(context.Context, ReproduceOptions, string) (*Outcome, error) {
	return func(ctx context.Context, o ReproduceOptions, dir string) (*Outcome, error) {
		c, f, err := run(ctx, o, dir)
		return &Outcome{Checks: c, Figures: f}, err
	}
}

// Reproduce runs the claims, logging each with the time it is expected to take and the time
// left, writes DIR/<claim>/ and one page, DIR/index.html (each claim, the paper's figure, our
// numbers, pass or fail, and the figures), and returns the results and the page's path. A
// cancelled ctx stops it between claims.
func Reproduce(ctx context.Context, o ReproduceOptions) ([]*ClaimResult, string, error) {
	if o.Seed == 0 {
		o.Seed = 1
	}
	all := o.Claims
	if all == nil {
		all = Claims()
	}
	var todo, skipped []Claim
	var ids []string
	for _, c := range all {
		ids = append(ids, c.ID)
		if len(o.Only) > 0 && !contains(o.Only, c.ID) {
			continue
		}
		if o.Quick && c.QuickEstimate == 0 {
			slog.Info("reproduce: left out of --quick", "claim", c.ID)
			continue
		}
		if c.Unavailable != "" {
			slog.Warn("reproduce: skipped", "claim", c.ID, "why", c.Unavailable)
			skipped = append(skipped, c)
			continue
		}
		todo = append(todo, c)
	}
	for _, id := range o.Only {
		if !contains(ids, id) {
			return nil, "", fmt.Errorf("reproduce: no claim %q (claims: %s)", id, strings.Join(ids, ", "))
		}
	}
	if len(todo)+len(skipped) == 0 {
		return nil, "", fmt.Errorf("reproduce: no claim to run (claims: %s; --quick leaves out memorypro)", strings.Join(ids, ", "))
	}
	left := time.Duration(0)
	for _, c := range todo {
		left += c.estimate(o.Quick)
	}
	var results []*ClaimResult
	for i, c := range todo {
		if err := ctx.Err(); err != nil {
			return results, "", err
		}
		slog.Info(fmt.Sprintf("reproduce: claim %d of %d", i+1, len(todo)), "claim", c.ID, "expected", c.estimate(o.Quick).String(), "all_left", left.String())
		dir := filepath.Join(o.Dir, c.ID)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return results, "", err
		}
		begin := time.Now()
		out, err := c.Run(ctx, o, dir)
		r := &ClaimResult{ID: c.ID, Title: c.Title, Figure: c.Figure, Seconds: time.Since(begin).Seconds()}
		if out != nil {
			r.Outcome, r.Checks = *out, out.Checks
		}
		if err != nil {
			if ctx.Err() != nil {
				return results, "", ctx.Err()
			}
			r.Err = err.Error()
		}
		slog.Info("reproduce: claim done", "claim", c.ID, "verdict", r.Verdict(), "seconds", fmt.Sprintf("%.0f", r.Seconds))
		results = append(results, r)
		left -= c.estimate(o.Quick)
	}
	for _, c := range skipped {
		results = append(results, &ClaimResult{ID: c.ID, Title: c.Title, Figure: c.Figure, Skipped: c.Unavailable})
	}
	path, err := writeClaimsPage(o, results)
	return results, path, err
}

func (c Claim) estimate(quick bool) time.Duration {
	if quick {
		return c.QuickEstimate
	}
	return c.Estimate
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// writeClaimsPage writes DIR/index.html and DIR/claims.json.
func writeClaimsPage(o ReproduceOptions, results []*ClaimResult) (string, error) {
	title := "JEDI: the paper's claims, reproduced"
	if o.Quick {
		title += " (quick: small versions, not the paper's numbers)"
	}
	r := &report.Report{Title: title, Provenance: Provenance(nil, os.Args)}
	r.Provenance = append(r.Provenance, report.Metric{Name: "seed", Value: fmt.Sprint(o.Seed)})
	for _, res := range results {
		v := res.Verdict()
		if res.Skipped == "" {
			v += fmt.Sprintf(" (%.0f s)", res.Seconds)
		}
		r.Metrics = append(r.Metrics, report.Metric{Name: "paper " + res.Figure + ": " + res.Title, Value: v})
		sec := report.Section{Title: res.Title + " (the paper's " + res.Figure + ")", Figures: res.Figures, Text: res.Text}
		switch {
		case res.Skipped != "":
			sec.Text = "Skipped: " + res.Skipped
		case res.Err != "":
			sec.Text = "Could not be checked: " + res.Err
		}
		tbl := report.Table{Header: []string{"check", "paper", "ours", "criterion", "pass"}}
		for _, c := range res.Checks {
			p := "yes"
			if !c.Pass {
				p = "NO"
			}
			tbl.Rows = append(tbl.Rows, []string{c.Name, c.Paper, fmt.Sprintf("%.3f", c.Value), c.Want, p})
		}
		if res.Table != nil {
			tbl = *res.Table
		}
		if len(tbl.Rows) > 0 {
			sec.Tables = []report.Table{tbl}
		}
		sec.Tables = append(sec.Tables, res.Tables...)
		r.Sections = append(r.Sections, sec)
	}
	if err := output.WriteJSON(filepath.Join(o.Dir, "claims.json"), results); err != nil {
		return "", err
	}
	path := filepath.Join(o.Dir, "index.html")
	return path, r.WriteHTML(path)
}

// fitClaim fits cfg with seed to ds in dir/run.
func fitClaim(ctx context.Context, cfg train.Config, ds *data.Dataset, seed uint64, dir string) (*train.Fitted, error) {
	cfg.Seed = seed
	run := filepath.Join(dir, "run")
	// A rerun starts afresh: the claims are measured on a fit of their own.
	if err := os.RemoveAll(run); err != nil {
		return nil, err
	}
	return train.Fit(ctx, cfg, ds, train.FitOptions{Dir: run})
}

// writeAll writes the results' files into dir and returns their figures.
func writeAll(dir string, rs ...interface {
	Write(dir string) ([]report.Figure, error)
}) ([]report.Figure, error) {
	var figs []report.Figure
	for _, r := range rs {
		f, err := r.Write(dir)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f...)
	}
	return figs, nil
}

// claimMultitask: on the multi-task teacher with the default configuration, the task is decoded
// from the embeddings with accuracy ≥ 0.98; the centroid generalization matrix is diagonal
// dominant; R² falls gracefully as noise is added to the embeddings (each level at most 0.02
// above the one before, and no more than 0.15 lost at k = 0.25).
func claimMultitask(ctx context.Context, o ReproduceOptions, dir string) ([]Check, []report.Figure, error) {
	mc := sim.DefaultMultitask()
	cfg := train.Default(0)
	repeats := 5
	if o.Quick {
		cfg.Train.Epochs, cfg.Train.ValEvery, cfg.Train.InferSteps = 80, 0, 50
		repeats = 2
	}
	ds, err := sim.Multitask(mc, o.Seed)
	if err != nil {
		return nil, nil, err
	}
	cfg.Model.M = ds.M
	f, err := fitClaim(ctx, cfg, ds, o.Seed, dir)
	if err != nil {
		return nil, nil, err
	}
	emb, err := plugin.SegmentEmbeddings(f, ds, cfg.Train.InferSteps)
	if err != nil {
		return nil, nil, err
	}
	em, err := embeddings.Analyze(ds, emb.E, emb.HeldOut, "task", false, 5, 1)
	if err != nil {
		return nil, nil, err
	}
	g, err := generalization.Analyze(f, ds, "task", cfg.Train.InferSteps)
	if err != nil {
		return nil, nil, err
	}
	n, err := noise.Analyze(f, ds, nil, repeats, 1)
	if err != nil {
		return nil, nil, err
	}
	var checks []Check
	if emb.Inferred != nil {
		checks = append(checks, Check{Name: "R² held-out", Paper: "> 0.94", Value: emb.Inferred.R2, Want: "> 0.94", Pass: emb.Inferred.R2 > 0.94})
	}
	if len(em.Classification) > 0 {
		acc := em.Classification[0].Accuracy
		checks = append(checks, Check{Name: "task decoded from the embeddings (logistic, 5-fold)", Paper: "near perfect", Value: acc, Want: "≥ 0.98", Pass: acc >= 0.98})
	}
	checks = append(checks, Check{Name: "centroid generalization: diagonal-dominance violations", Paper: "diagonal dominant", Value: float64(len(g.Violations)), Want: "0", Pass: g.Dominant})
	rise := math.Inf(-1)
	for i := 1; i < len(n.Scales); i++ {
		rise = math.Max(rise, n.R2Mean[i]-n.R2Mean[i-1])
	}
	checks = append(checks, Check{Name: "noise curve: largest rise of R² between noise levels", Paper: "graceful decline", Value: rise, Want: "≤ 0.02", Pass: rise <= 0.02})
	drop := n.R2Mean[0] - n.R2Mean[1]
	checks = append(checks, Check{Name: fmt.Sprintf("noise curve: R² lost at k = %g", n.Scales[1]), Paper: "no cliff", Value: drop, Want: "≤ 0.15 at k = 0.25", Pass: n.Scales[1] == 0.25 && drop <= 0.15})
	figs, err := writeAll(dir, em, g, n)
	return checks, figs, err
}

// claimSinusoid: on the sinusoid teacher with configs/sinusoid.yaml, the spread of the
// imaginary parts of the fitted weights' eigenvalues grows with the driving frequency, Spearman
// ρ ≥ 0.9 over 1–10 Hz.
func claimSinusoid(ctx context.Context, o ReproduceOptions, dir string) ([]Check, []report.Figure, error) {
	ds, err := sim.Sinusoid(sim.DefaultSinusoid(), o.Seed)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := configs.Load("sinusoid.yaml", train.Default(ds.M))
	if err != nil {
		return nil, nil, err
	}
	if o.Quick {
		cfg.Train.Epochs, cfg.Train.ValEvery = 80, 0
	}
	f, err := fitClaim(ctx, cfg, ds, o.Seed, dir)
	if err != nil {
		return nil, nil, err
	}
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		return nil, nil, err
	}
	sp, err := spectra.Analyze(f, ds, segs, "frequency", nil, spectra.Options{})
	if err != nil {
		return nil, nil, err
	}
	rho := sp.Trend("weights", "imag_std")
	checks := []Check{{Name: "Spearman ρ(frequency, std Im λ(W_s))", Paper: "spread grows with frequency", Value: rho, Want: "≥ 0.9", Pass: rho >= 0.9}}
	figs, err := writeAll(dir, sp)
	return checks, figs, err
}

// claimMemoryPro: a JEDI fit with one embedding per trial phase (configs/memorypro.yaml)
// separates the four phases in its embeddings (decoding ≥ 0.95 by the better of logistic
// regression and 5-NN), and the fixed points of every trial phase's network, pooled by phase,
// match the teacher's fixed and slow points (F1 ≥ 0.8) for the fixation, stimulus and memory
// phases; the response phase is reported, not checked, since the data never reach its points
// (pipeline/claims_test.go, TestClaimMemoryPro, says why and checks more).
func claimMemoryPro(ctx context.Context, o ReproduceOptions, dir string) ([]Check, []report.Figure, error) {
	res, err := memorypro.Run(ctx, memorypro.DefaultOptions(filepath.Join(dir, "teacher"), o.Seed))
	if err != nil {
		return nil, nil, err
	}
	ds := res.Dataset
	cfg, err := configs.Load("memorypro.yaml", train.Default(ds.M))
	if err != nil {
		return nil, nil, err
	}
	f, err := fitClaim(ctx, cfg, ds, o.Seed, dir)
	if err != nil {
		return nil, nil, err
	}
	emb, err := plugin.SegmentEmbeddings(f, ds, f.Config.Train.InferSteps)
	if err != nil {
		return nil, nil, err
	}
	em, err := embeddings.Analyze(ds, emb.E, emb.HeldOut, "phase", false, 5, 1)
	if err != nil {
		return nil, nil, err
	}
	best := 0.0
	for _, c := range em.Classification {
		best = max(best, c.Accuracy)
	}
	checks := []Check{{Name: "phase decoded from the embeddings (better of logistic and 5-NN)", Paper: "embeddings order by phase", Value: best, Want: "≥ 0.95", Pass: best >= 0.95}}
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		return nil, nil, err
	}
	fps, err := fixedpoints.Analyze(f, ds, segs, "phase", fixedpoints.Options{PerSegment: true})
	if err != nil {
		return nil, nil, err
	}
	for _, m := range fps.Teacher {
		c := Check{Name: "fixed points of the " + m.Group + " phase's networks against the teacher's: F1", Paper: "match the teacher's fixed points", Value: m.F1, Want: "≥ 0.8", Pass: m.F1 >= 0.8}
		if m.Group == "response" {
			c.Want, c.Pass = "reported only: the data do not reach the teacher's response points", true
		}
		checks = append(checks, c)
	}
	figs, err := writeAll(dir, em, fps)
	return checks, figs, err
}
