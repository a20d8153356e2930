package pipeline

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/report"
)

// The analyses shipped with jedi, registered in the order the report shows them (fixed points
// before spectra, which take the Jacobians at them).
func init() {
	Register(func() Plugin { return &embeddingsPlugin{folds: 5, seed: 1} })
	Register(func() Plugin { return &generalizationPlugin{steps: 100, maxGroups: 12} })
	Register(func() Plugin { return &noisePlugin{repeats: 3, seed: 1} })
	Register(func() Plugin {
		return &fixedPointsPlugin{opt: FixedPointOptions{Seed: 1}.withDefaults(), teacherSegments: true}
	})
	Register(func() Plugin {
		return &spectraPlugin{opt: SpectraOptions{UnitTol: 0.05}, fixed: FixedPointOptions{Seed: 1}.withDefaults()}
	})
	Register(func() Plugin {
		o, _ := LyapunovOptions{}.withDefaults(1)
		o.K = 0 // min(10, N), set when the run is known
		return &lyapunovPlugin{opt: o}
	})
}

// embeddingsPlugin: the PCA map of the embeddings and the decoding of the label. The report
// shows these numbers in its own sections (Analyze computes them for every run).
type embeddingsPlugin struct {
	folds int
	seed  uint64
}

func (*embeddingsPlugin) Name() string { return "embeddings" }
func (*embeddingsPlugin) Short() string {
	return "PCA map of the embeddings and cross-validated decoding of a label"
}
func (*embeddingsPlugin) InfersHeldOut() {}
func (*embeddingsPlugin) Report() bool   { return false }
func (p *embeddingsPlugin) Flags(fs *pflag.FlagSet) {
	fs.IntVar(&p.folds, "folds", p.folds, "cross-validation folds")
	fs.Uint64Var(&p.seed, "seed", p.seed, "seed of the folds")
}
func (p *embeddingsPlugin) Run(c *Context) (Result, error) {
	emb, err := c.Embeddings()
	if err != nil {
		return nil, err
	}
	return MapEmbeddings(c.Data, emb.E, emb.HeldOut, c.Label, c.Fitted.Groups != nil, p.folds, p.seed)
}

// Print writes the decoding accuracies.
func (em *EmbeddingMap) Print(w io.Writer) {
	for _, c := range em.Classification {
		fmt.Fprintf(w, "%s decoded by %s: %.3f ± %.3f (chance %.3f)\n", em.Label, c.Method, c.Accuracy, c.AccuracySD, c.Chance)
	}
}

// Section is the embedding map's part of a report.
func (em *EmbeddingMap) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Embeddings", Text: "PCA of the embeddings and the cross-validated decoding of " + em.Label + ".", Figures: figs}, nil
}

// generalizationPlugin: the centroid generalization matrix.
type generalizationPlugin struct {
	steps, maxGroups int
}

func (*generalizationPlugin) Name() string { return "generalization" }
func (*generalizationPlugin) Short() string {
	return "Centroid generalization matrix on the held-out segments"
}
func (*generalizationPlugin) Report() bool { return true }
func (p *generalizationPlugin) Flags(fs *pflag.FlagSet) {
	fs.IntVar(&p.steps, "centroid-steps", p.steps, "Adam steps inferring each held-out segment's initial state under each centroid")
	fs.IntVar(&p.maxGroups, "max-groups", p.maxGroups, "skip when the label has more values than this (one inference per pair; 0: no limit)")
}
func (p *generalizationPlugin) Run(c *Context) (Result, error) {
	if why := generalizationObstacle(c.Fitted, c.Data, c.Label, p.maxGroups); why != "" {
		slog.Info("analyse: centroid generalization skipped", "why", why)
		return nil, nil
	}
	slog.Info("analyse: centroid generalization", "label", c.Label, "steps", p.steps)
	return CentroidGeneralization(c.Fitted, c.Data, c.Label, p.steps)
}

// Print writes the matrix row by row.
func (g *Generalization) Print(w io.Writer) {
	fmt.Fprintf(w, "centroid generalization by %s: diagonal dominant %v\n", g.Label, g.Dominant)
	for i, row := range g.R2 {
		fmt.Fprintf(w, "  %-12s %.3f\n", g.Groups[i], row)
	}
}

// Section is the generalization matrix's part of a report.
func (g *Generalization) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Centroid generalization",
			Text: fmt.Sprintf("Each %s's centroid embedding (the mean of its training segments' embeddings) drives the RNN on the held-out segments of every %s; only their initial states are inferred (%d Adam steps, θ and the embedding frozen). "+
				"Diagonal dominant means every held-out %s is reconstructed best by its own centroid.", g.Label, g.Label, g.InferSteps, g.Label),
			Figures: figs},
		[]report.Metric{{Name: "centroid generalization diagonal dominant (" + g.Label + ")", Value: fmt.Sprint(g.Dominant)}}
}

// noisePlugin: R² against noise added to the embeddings.
type noisePlugin struct {
	repeats int
	seed    uint64
	scales  []float64
}

func (*noisePlugin) Name() string  { return "noise" }
func (*noisePlugin) Short() string { return "R² against Gaussian noise added to the embeddings" }
func (*noisePlugin) Report() bool  { return true }
func (p *noisePlugin) Flags(fs *pflag.FlagSet) {
	fs.IntVar(&p.repeats, "repeats", p.repeats, "noise draws per scale")
	fs.Uint64Var(&p.seed, "seed", p.seed, "seed of the noise")
	fs.Float64SliceVar(&p.scales, "scales", embed.DefaultNoiseScales(), "noise scales k")
}
func (p *noisePlugin) Run(c *Context) (Result, error) {
	slog.Info("analyse: robustness to embedding noise", "repeats", p.repeats)
	return EmbeddingNoise(c.Fitted, c.Data, p.scales, p.repeats, p.seed)
}

// Print writes R² per noise scale.
func (n *NoiseRobustness) Print(w io.Writer) {
	for i, k := range n.Scales {
		fmt.Fprintf(w, "k = %-5g R² %.4f ± %.4f\n", k, n.R2Mean[i], n.R2SD[i])
	}
}

// Section is the noise curve's part of a report.
func (n *NoiseRobustness) Section(figs []report.Figure) (report.Section, []report.Metric) {
	var ms []report.Metric
	for i, k := range n.Scales {
		if k == 0.5 || k == 1 {
			ms = append(ms, report.Metric{Name: fmt.Sprintf("R² with embedding noise k = %g", k), Value: fmt.Sprintf("%.4f ± %.4f", n.R2Mean[i], n.R2SD[i])})
		}
	}
	return report.Section{Title: "Robustness to embedding noise",
		Text:    "Gaussian noise of k standard deviations of each embedding dimension is added to the trained embeddings of the training segments, which are then predicted from their trained initial states.",
		Figures: figs}, ms
}

// fixedPointFlags binds the options of the fixed-point search that fixedpoints and spectra share.
func fixedPointFlags(fs *pflag.FlagSet, o *FixedPointOptions) {
	fs.IntVar(&o.Starts, "starts", o.Starts, "fixed-point searches per network")
	fs.Float64Var(&o.Noise, "start-noise", o.Noise, "noise added to the starts, relative to the RMS spread of the trajectories")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "seed of the starts")
}

// fixedPointsPlugin: the fixed points of each label value's network.
type fixedPointsPlugin struct {
	opt             FixedPointOptions
	heldOut         bool
	teacherSegments bool
}

func (*fixedPointsPlugin) Name() string { return "fixedpoints" }
func (*fixedPointsPlugin) Short() string {
	return "Fixed points of each label value's network, classified and projected"
}
func (*fixedPointsPlugin) InfersHeldOut() {}
func (*fixedPointsPlugin) Report() bool   { return true }
func (p *fixedPointsPlugin) Flags(fs *pflag.FlagSet) {
	fs.BoolVar(&p.heldOut, "heldout", p.heldOut, "also use the held-out segments (embeddings inferred)")
	fs.BoolVar(&p.opt.PerSegment, "per-segment", p.opt.PerSegment, "analyse every segment's network instead of each value's centroid")
	fs.BoolVar(&p.teacherSegments, "teacher-segments", p.teacherSegments, "when the data hold a teacher's fixed points and every segment has its own embedding, also match every segment's network's points, pooled by value, against the teacher's (into OUT/segments)")
	fs.IntVar(&p.opt.Trajectories, "trajectories", p.opt.Trajectories, "trajectories per network to sample starts from")
	fs.Float64Var(&p.opt.MatchRadius, "match-radius", p.opt.MatchRadius, "radius of the coverage match with the teacher's points, as a fraction of the RMS distance of the activity from its mean")
	fixedPointFlags(fs, &p.opt)
}
func (p *fixedPointsPlugin) Run(c *Context) (Result, error) {
	segs, err := c.Segments(p.heldOut)
	if err != nil {
		return nil, err
	}
	slog.Info("analyse: fixed points", "label", c.Label, "per_segment", p.opt.PerSegment)
	res := &FixedPointResult{}
	if res.Networks, err = FixedPoints(c.Fitted, c.Data, segs, c.Label, p.opt); err != nil {
		return nil, err
	}
	labels, err := segs.Labels(c.Data, c.Label)
	if err != nil {
		return nil, err
	}
	if p.teacherSegments && !p.opt.PerSegment && c.Fitted.Groups == nil && hasTeacherFixedPoints(c.Data, labels) {
		slog.Info("analyse: fixed points of every segment's network, against the teacher's", "label", c.Label, "networks", len(segs.Idx))
		o := p.opt
		o.PerSegment = true
		if res.Segments, err = FixedPoints(c.Fitted, c.Data, segs, c.Label, o); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// FixedPointResult is the fixedpoints plug-in's result: the points of each label value's
// network (the centroid's, or every segment's with --per-segment) and, when the data hold a
// teacher's points and each segment has its own embedding, those of every segment's network
// pooled by value against the teacher's (in the subdirectory segments/).
type FixedPointResult struct {
	Networks *FixedPointAnalysis
	Segments *FixedPointAnalysis
}

// Write writes the analyses (Segments into dir/segments).
func (r *FixedPointResult) Write(dir string) ([]report.Figure, error) {
	figs, err := r.Networks.Write(dir)
	if err != nil || r.Segments == nil {
		return figs, err
	}
	sf, err := r.Segments.Write(filepath.Join(dir, "segments"))
	if err != nil {
		return nil, err
	}
	if len(r.Segments.Teacher) > 0 && len(sf) > 1 {
		// With a teacher, the second figure compares the pooled points with its points.
		figs = append(figs, sf[1])
	}
	return figs, nil
}

// Print writes the points found per network and the teacher matches.
func (r *FixedPointResult) Print(w io.Writer) {
	for _, a := range []*FixedPointAnalysis{r.Networks, r.Segments} {
		if a == nil {
			continue
		}
		for _, n := range a.Networks {
			counts := map[string]int{}
			for _, p := range n.Points {
				counts[p.Class]++
			}
			line := fmt.Sprintf("%-12s %d fixed points %v", n.Group, len(n.Points), counts)
			if n.Segment >= 0 {
				line = fmt.Sprintf("segment %-5d ", n.Segment) + line
			}
			fmt.Fprintln(w, line)
		}
		for _, m := range a.Teacher {
			fmt.Fprintf(w, "%-12s teacher match of %d network(s): recall %.2f, precision %.2f, F1 %.2f within %.3f of the teacher's %d fixed and %d slow points; one-to-one score %.3f (%d found, mean distance %.3f)\n",
				m.Group, m.Networks, m.Recall, m.Precision, m.F1, m.Radius, m.TeacherPoints, m.TeacherSlow, m.Score, m.Found, m.MeanDistance)
		}
	}
}

// Section is the fixed points' part of a report.
func (r *FixedPointResult) Section(figs []report.Figure) (report.Section, []report.Metric) {
	fp := r.Networks
	label := fp.Label
	sec := report.Section{Title: "Fixed points",
		Text:    "The fixed points of each " + label + "'s centroid network, found by minimising ½‖F(x) − x‖² from states on its trajectories plus noise, classified by their Jacobian's eigenvalues, and drawn on the principal axes of the predicted activity of the recorded neurons.",
		Figures: figs}
	tbl := report.Table{Caption: "Fixed points per " + label, Header: []string{label, "fixed points", "stable", "saddle", "other", "teacher match"}}
	for _, n := range fp.Networks {
		var stable, saddle int
		for _, p := range n.Points {
			switch p.Class {
			case "stable":
				stable++
			case "saddle":
				saddle++
			}
		}
		match := "—"
		for _, m := range fp.Teacher {
			if m.Group == n.Group {
				match = fmt.Sprintf("F1 %.2f, score %.3f", m.F1, m.Score)
			}
		}
		tbl.Rows = append(tbl.Rows, []string{n.Group, fmt.Sprint(len(n.Points)), fmt.Sprint(stable), fmt.Sprint(saddle), fmt.Sprint(len(n.Points) - stable - saddle), match})
	}
	sec.Tables = append(sec.Tables, tbl)
	if sf := r.Segments; sf != nil && len(sf.Teacher) > 0 {
		tbl := report.Table{Caption: fmt.Sprintf("The fixed points of every training segment's own network, pooled by %s, against the teacher's fixed and slow points: "+
			"recall, the share of the teacher's points with a fitted point within the radius; precision, the share of fitted points within it of a teacher point; "+
			"the radius is a fraction of the RMS distance of the recorded activity from its mean", label),
			Header: []string{label, "networks", "fixed points found", "teacher fixed + slow points", "radius", "recall", "precision", "F1"}}
		for _, m := range sf.Teacher {
			tbl.Rows = append(tbl.Rows, []string{m.Group, fmt.Sprint(m.Networks), fmt.Sprint(m.Found), fmt.Sprintf("%d + %d", m.TeacherPoints, m.TeacherSlow),
				fmt.Sprintf("%.3f (%.2g × size)", m.Radius, m.RadiusFraction), fmt.Sprintf("%.2f", m.Recall), fmt.Sprintf("%.2f", m.Precision), fmt.Sprintf("%.2f", m.F1)})
		}
		sec.Tables = append(sec.Tables, tbl)
	}
	return sec, nil
}

// spectraPlugin: eigenvalues of W and of the Jacobian.
type spectraPlugin struct {
	opt     SpectraOptions
	fixed   FixedPointOptions
	heldOut bool
	noFixed bool
}

func (*spectraPlugin) Name() string { return "spectra" }
func (*spectraPlugin) Short() string {
	return "Eigenvalues of W and of the Jacobian along trajectories and at fixed points"
}
func (*spectraPlugin) InfersHeldOut() {}
func (*spectraPlugin) Report() bool   { return true }
func (p *spectraPlugin) Flags(fs *pflag.FlagSet) {
	fs.BoolVar(&p.heldOut, "heldout", p.heldOut, "also use the held-out segments (embeddings inferred)")
	fs.Float64Var(&p.opt.UnitTol, "tol", p.opt.UnitTol, "distance to |λ| = 1 counted as near the unit circle")
	fs.IntVar(&p.opt.Stride, "stride", p.opt.Stride, "Jacobian at every stride-th state (default 1 low rank, 10 full rank)")
	fs.IntVar(&p.opt.MaxSegments, "max-segments", p.opt.MaxSegments, "segments per label value for the trajectory Jacobians (default all low rank, 5 full rank)")
	fs.BoolVar(&p.noFixed, "no-fixed-points", p.noFixed, "skip the Jacobians at fixed points")
	fixedPointFlags(fs, &p.fixed)
}
func (p *spectraPlugin) Run(c *Context) (Result, error) {
	segs, err := c.Segments(p.heldOut)
	if err != nil {
		return nil, err
	}
	var fps *FixedPointAnalysis
	if !p.noFixed {
		// The fixed points the fixedpoints plug-in found on the same segments, else a search.
		if r, ok := c.Result("fixedpoints").(*FixedPointResult); ok && r.Networks.segs == segs && !r.Networks.perSegment {
			fps = r.Networks
		} else {
			slog.Info("finding fixed points", "label", c.Label, "starts", p.fixed.Starts)
			if fps, err = FixedPoints(c.Fitted, c.Data, segs, c.Label, p.fixed); err != nil {
				return nil, err
			}
		}
	}
	slog.Info("analyse: Jacobian spectra")
	return Spectra(c.Fitted, c.Data, segs, c.Label, fps, p.opt)
}

// Print writes the summary table and the trends.
func (a *SpectralAnalysis) Print(w io.Writer) {
	t := a.Table()
	fmt.Fprintf(w, "%-12s %-15s %8s %9s %11s %11s %8s\n", t.Header[0], t.Header[1], t.Header[2], t.Header[3], t.Header[4], t.Header[5], t.Header[6])
	for _, row := range t.Rows {
		fmt.Fprintf(w, "%-12s %-15s %8s %9s %11s %11s %8s\n", row[0], row[1], row[2], row[3], row[4], row[5], row[6])
	}
	for _, tr := range a.Trends {
		fmt.Fprintf(w, "Spearman ρ(%s, %s of %s) = %.3f\n", a.Label, tr.Statistic, tr.Spectrum, tr.Rho)
	}
}

// Section is the spectra's part of a report.
func (a *SpectralAnalysis) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Jacobian spectra",
		Text:    "The discrete-time Jacobian J = (1 − α) I + α W diag(1 − tanh² x) of each training segment's network along its noiseless trajectory, and at the fixed points of each " + a.Label + "'s centroid network.",
		Figures: figs, Tables: []report.Table{a.Table()}}, nil
}

// lyapunovPlugin: Lyapunov exponents of each label value's network.
type lyapunovPlugin struct {
	opt     LyapunovOptions
	heldOut bool
}

func (*lyapunovPlugin) Name() string { return "lyapunov" }
func (*lyapunovPlugin) Short() string {
	return "Largest Lyapunov exponents of each label value's network (QR method)"
}
func (*lyapunovPlugin) InfersHeldOut() {}
func (*lyapunovPlugin) Report() bool   { return true }
func (p *lyapunovPlugin) Flags(fs *pflag.FlagSet) {
	fs.BoolVar(&p.heldOut, "heldout", p.heldOut, "also use the held-out segments (embeddings inferred)")
	fs.IntVar(&p.opt.K, "k", p.opt.K, "number of exponents (default min(10, N))")
	fs.IntVar(&p.opt.Steps, "qr-steps", p.opt.Steps, "QR steps averaged")
	fs.IntVar(&p.opt.Transient, "transient", p.opt.Transient, "steps before averaging")
	fs.IntVar(&p.opt.Starts, "starts", p.opt.Starts, "start states per label value")
}
func (p *lyapunovPlugin) Run(c *Context) (Result, error) {
	segs, err := c.Segments(p.heldOut)
	if err != nil {
		return nil, err
	}
	slog.Info("analyse: Lyapunov exponents")
	return Lyapunov(c.Fitted, c.Data, segs, c.Label, p.opt)
}

// Print writes the exponents per label value.
func (a *LyapunovAnalysis) Print(w io.Writer) {
	for _, g := range a.Groups {
		fmt.Fprintf(w, "%-12s λ (1/s) %.3f\n", g.Group, g.Exponents)
	}
}

// Section is the Lyapunov exponents' part of a report.
func (a *LyapunovAnalysis) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Lyapunov exponents",
		Text:    "The largest Lyapunov exponents of each " + a.Label + "'s centroid network (QR method).",
		Figures: figs}, nil
}
