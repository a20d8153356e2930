package pipeline

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/embeddings"
	"github.com/jedi-neuro/jedi/report"
)

// Summary is the machine-readable result of the standard analysis, written as analysis.json.
type Summary struct {
	Label          string                      `json:"label"`
	R2Train        float64                     `json:"r2_train"`
	R2HeldOut      *float64                    `json:"r2_heldout"`
	InferSteps     int                         `json:"infer_steps"`
	PCAExplained   []float64                   `json:"pca_explained"`
	Classification []embeddings.Classification `json:"classification"`
	Spectra        []SpectrumSummary           `json:"spectra"`
	// Analyses holds what every registered plug-in that ran found, by its name (their own
	// files in analysis/ hold the arrays).
	Analyses map[string]plugin.Result `json:"analyses,omitempty"`
}

// SpectrumSummary summarises one label value's pooled eigenvalues.
type SpectrumSummary struct {
	Group      string  `json:"group"`
	Radius     float64 `json:"spectral_radius"`
	ImagStd    float64 `json:"imag_std"`
	MaxAbsImag float64 `json:"max_abs_imag"`
	NearUnit   float64 `json:"fraction_near_unit_circle"`
}

// Summarize extracts the JSON summary of an analysis.
func (a *Analysis) Summarize() Summary {
	s := Summary{Label: a.Label, R2Train: a.R2Train, InferSteps: a.InferSteps, PCAExplained: a.PCAExplained}
	if !math.IsNaN(a.R2HeldOut) {
		v := a.R2HeldOut
		s.R2HeldOut = &v
	}
	if a.Map != nil && len(a.Map.Classification) > 0 {
		s.Classification = a.Map.Classification
	}
	for _, g := range a.Spectra {
		s.Spectra = append(s.Spectra, SpectrumSummary{g.Group, g.Summary.Radius, g.Summary.ImagStd, g.Summary.MaxAbsImag, g.Summary.NearUnit})
	}
	for i, r := range a.Results {
		if s.Analyses == nil {
			s.Analyses = map[string]plugin.Result{}
		}
		s.Analyses[a.Names[i]] = r
	}
	return s
}

// WriteReport writes the analysis into dir: figures/ (PNG), analysis.json and report.html, a
// single self-contained page. configYAML is shown verbatim in the report.
func (a *Analysis) WriteReport(dir, title, configYAML string) (string, error) {
	figs := filepath.Join(dir, "figures")
	if err := os.MkdirAll(figs, 0o755); err != nil {
		return "", err
	}
	fd := figDir(figs)
	r := &report.Report{Title: title, Config: configYAML, DataSummary: dataSummary(a), Provenance: a.Provenance}
	if r.Provenance == nil {
		r.Provenance = Provenance(a.Data, nil)
	}
	pal := plugin.Palette(a.Data, a.Label)
	f := a.Fitted
	r.Metrics = []report.Metric{
		{Name: "R² training segments", Value: fmt.Sprintf("%.4f", a.R2Train)},
		{Name: "R² held-out segments (embeddings inferred, θ frozen)", Value: fmtNaN(a.R2HeldOut)},
		{Name: "segments train / held-out", Value: fmt.Sprintf("%d / %d", len(f.Train), len(f.HeldOut))},
		{Name: "epochs / steps", Value: fmt.Sprintf("%d / %d", f.Epochs, f.Steps)},
		{Name: "model", Value: f.Config.Model.String()},
	}
	for _, c := range a.Classification {
		r.Metrics = append(r.Metrics, report.Metric{Name: fmt.Sprintf("%s decoded from embeddings (%s, %d-fold)", a.Label, c.Method, len(c.FoldAccuracy)),
			Value: fmt.Sprintf("%.3f ± %.3f (chance %.3f)", c.Accuracy, c.AccuracySD, c.Chance)})
	}

	// Training.
	if len(a.History) > 0 {
		var ep, loss, r2, held, heldEp []float64
		for _, h := range a.History {
			ep = append(ep, float64(h.Epoch))
			loss = append(loss, h.Loss)
			r2 = append(r2, h.TrainR2)
			if !math.IsNaN(h.HeldOutR2) {
				heldEp = append(heldEp, float64(h.Epoch))
				held = append(held, h.HeldOutR2)
			}
		}
		sec := report.Section{Title: "Training", Text: "Loss per epoch (log scale) and R² of the minibatch predictions; the held-out R² is measured at each validation with embeddings inferred for the held-out segments."}
		if _, err := fd.draw("loss", func(p string) error {
			return report.Lines(p, "Training loss", "epoch", "loss", []report.Series{{Name: "loss", X: ep, Y: loss}}, report.LineOptions{LogY: true, Neutral: true})
		}); err != nil {
			return "", err
		}
		series := []report.Series{{Name: "train (minibatch)", X: ep, Y: r2}}
		if len(held) > 0 {
			series = append(series, report.Series{Name: "held-out", X: heldEp, Y: held})
		}
		if _, err := fd.draw("r2", func(p string) error {
			return report.Lines(p, "Reconstruction R²", "epoch", "R²", series, report.LineOptions{Neutral: true})
		}); err != nil {
			return "", err
		}
		sec.Figures = []report.Figure{{Caption: "Training loss", Path: fd.path("loss")}, {Caption: "R² during training", Path: fd.path("r2")}}
		r.Sections = append(r.Sections, sec)
	}

	// Reconstruction.
	if sec, err := a.reconstructionSection(fd, pal); err != nil {
		return "", err
	} else {
		r.Sections = append(r.Sections, sec)
	}

	// Embeddings.
	groups := make([]string, len(a.Labels))
	for s, v := range a.Labels {
		groups[s] = v
	}
	ttl := fmt.Sprintf("Embeddings, PCA (%.0f%% + %.0f%% of variance)", report.Percent(a.PCAExplained, 0), report.Percent(a.PCAExplained, 1))
	if _, err := fd.draw("embeddings_pca", func(p string) error { return report.Scatter2D(p, ttl, "PC 1", "PC 2", a.PCA, groups, pal) }); err != nil {
		return "", err
	}
	embSec := report.Section{Title: "Context embeddings",
		Text:    fmt.Sprintf("One embedding per segment (held-out segments: inferred with the network frozen), projected on its first two principal components and coloured by %s.", a.Label),
		Figures: []report.Figure{{Caption: "Embeddings coloured by " + a.Label, Path: fd.path("embeddings_pca")}}}
	if len(a.Classification) > 0 {
		c := a.Classification[0]
		if _, err := fd.draw("confusion", func(p string) error {
			classes, frac := embeddings.ConfusionFractions(c, pal)
			return report.Heatmap(p, "Decoding "+a.Label+" from embeddings ("+c.Method.String()+")", classes, classes, frac,
				report.HeatmapOptions{Annotate: true, XLabel: "predicted", YLabel: "true", ValueLabel: "fraction", Min: 0, Max: 1})
		}); err != nil {
			return "", err
		}
		embSec.Figures = append(embSec.Figures, report.Figure{Caption: "Cross-validated confusion matrix", Path: fd.path("confusion")})
	}
	r.Sections = append(r.Sections, embSec)

	// Spectra of W: here only when the spectra plug-in did not run, which shows them (of the
	// training segments) with the Jacobians' in one table, so that the report holds one figure
	// and one number per quantity.
	if a.Result("spectra") == nil {
		sec, err := a.weightSpectraSection(fd, pal)
		if err != nil {
			return "", err
		}
		r.Sections = append(r.Sections, sec)
	}

	extra, err := a.extraSections(filepath.Join(dir, "analysis"), r)
	if err != nil {
		return "", err
	}
	r.Sections = append(r.Sections, extra...)
	if err := output.WriteJSON(filepath.Join(dir, "analysis.json"), a.Summarize()); err != nil {
		return "", err
	}
	path := filepath.Join(dir, "report.html")
	return path, r.WriteHTML(path)
}

// weightSpectraSection plots the eigenvalues of every segment's W_s, pooled by label value.
func (a *Analysis) weightSpectraSection(fd figDir, pal *report.Palette) (report.Section, error) {
	var sets []report.EigSet
	tbl := report.Table{Caption: "Eigenvalues of W_s pooled per " + a.Label,
		Header: []string{a.Label, "spectral radius", "std Im λ", "max |Im λ|", "fraction near |λ|=1"}}
	for _, g := range a.Spectra {
		sets = append(sets, report.EigSet{Name: g.Group, Values: g.Eigs})
		s := g.Summary
		tbl.Rows = append(tbl.Rows, []string{g.Group, fmt.Sprintf("%.3f", s.Radius), fmt.Sprintf("%.3f", s.ImagStd), fmt.Sprintf("%.3f", s.MaxAbsImag), fmt.Sprintf("%.3f", s.NearUnit)})
	}
	if _, err := fd.draw("eigenvalues", func(p string) error { return report.Eigenvalues(p, "Eigenvalues of the inferred W", sets, pal) }); err != nil {
		return report.Section{}, err
	}
	return report.Section{Title: "Spectra of the inferred weights",
		Text:    "Eigenvalues of each segment's recurrent matrix W_s = h_θ(e_s) (held-out segments: embeddings inferred; for low rank, the R eigenvalues that can be non-zero), with the unit circle.",
		Figures: []report.Figure{{Caption: "Eigenvalues by " + a.Label, Path: fd.path("eigenvalues")}},
		Tables:  []report.Table{tbl}}, nil
}

// maxExamples is the most label values the reconstruction section shows an example segment of.
const maxExamples = 8

// reconstructionSection plots observed against predicted activity of one held-out segment (or
// training one) per label value, the model in the value's colour, and the distribution of
// per-neuron R².
func (a *Analysis) reconstructionSection(fd figDir, pal *report.Palette) (report.Section, error) {
	sec := report.Section{Title: "Reconstruction"}
	ds, M := a.Data, a.Data.M
	inf, kind := a.Emb.Inferred, "held-out"
	if inf == nil {
		inf, kind = a.Train, "training"
	}
	// The first segment of each value, in the palette's (the tables') order.
	first := map[string]int{}
	var values []string
	for i, s := range inf.Segments {
		v := a.Labels[s]
		if _, ok := first[v]; !ok {
			first[v] = i
			values = append(values, v)
		}
	}
	values = pal.Order(values)
	if len(values) > maxExamples {
		sec.Text = fmt.Sprintf("One example segment of each of the first %d of the %d values of %s.", maxExamples, len(values), a.Label)
		values = values[:maxExamples]
	}
	show := min(3, M)
	for k, v := range values {
		i := first[v]
		s := inf.Segments[i]
		L := ds.Lengths[s]
		t := make([]float64, L)
		for j := range t {
			t[j] = float64(j) * ds.Dt
		}
		var obs, pred [][]float64
		var names []string
		// Neurons the segment recorded (a multi-session dataset's others are not data).
		var rec []int
		for m := range M {
			if ds.IsObserved(s, m) {
				rec = append(rec, m)
			}
		}
		for n := range min(show, len(rec)) {
			m := rec[n*len(rec)/min(show, len(rec))]
			o, p := make([]float64, L), make([]float64, L)
			for j := range L {
				o[j] = ds.Activity[(s*ds.T+j)*M+m]
				p[j] = inf.Prediction[(i*ds.T+j)*M+m]
			}
			obs, pred = append(obs, o), append(pred, p)
			names = append(names, fmt.Sprintf("neuron %d", m))
		}
		name := fmt.Sprintf("traces_%d", k)
		title := fmt.Sprintf("%s %s: segment %d (%s)", a.Label, v, s, kind)
		png, err := fd.draw(name, func(p string) error { return report.Traces(p, title, "time (s)", t, obs, pred, names, pal.Color(v)) })
		if err != nil {
			return sec, err
		}
		sec.Figures = append(sec.Figures, report.Figure{Caption: fmt.Sprintf("Observed (grey) and reconstructed (coloured) activity of %s segment %d, %s %s (neurons numbered from 0)", kind, s, a.Label, v), Path: png})
	}
	var finite []float64
	for _, v := range inf.R2PerNeuron {
		if !math.IsNaN(v) {
			finite = append(finite, v)
		}
	}
	if len(finite) > 0 {
		if _, err := fd.draw("r2_neurons", func(p string) error {
			return report.Histogram(p, "Per-neuron R² ("+kind+" segments)", "R²", finite, 20)
		}); err != nil {
			return sec, err
		}
		sec.Figures = append(sec.Figures, report.Figure{Caption: "Distribution of per-neuron R² over " + kind + " segments", Path: fd.path("r2_neurons")})
	}
	return sec, nil
}

func dataSummary(a *Analysis) string {
	ds := a.Data
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d segments × up to %d bins (dt %g s) × %d neurons", ds.Source, ds.S, ds.T, ds.Dt, ds.M)
	if ds.I > 0 {
		fmt.Fprintf(&b, "; %d input channels (not seen by JEDI)", ds.I)
	}
	groups, _, _ := ds.GroupIndex(a.Label)
	fmt.Fprintf(&b, "; %d values of label %q", len(groups), a.Label)
	return b.String()
}

func fmtNaN(v float64) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.4f", v)
}

// extraSections writes the plug-ins' results into dir (their JSON, arrays and figures, as
// `jedi analyze` does) and returns their report sections, adding their headline numbers to r.
func (a *Analysis) extraSections(dir string, r *report.Report) ([]report.Section, error) {
	var secs []report.Section
	for i, res := range a.Results {
		figs, err := res.Write(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a.Names[i], err)
		}
		sec, metrics := res.Section(figs)
		r.Metrics = append(r.Metrics, metrics...)
		secs = append(secs, sec)
	}
	return secs, nil
}

// figDir is the directory of a report's own figures.
type figDir string

// path returns the path of the PNG of figure name.
func (d figDir) path(name string) string { return filepath.Join(string(d), name+".png") }

// draw writes figure name as a PNG (for the page) and an SVG (for papers) with plot.
func (d figDir) draw(name string, plot func(path string) error) (string, error) {
	return output.Figure(string(d), name, plot)
}
