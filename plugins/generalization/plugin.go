package generalization

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// New returns the plug-in of the centroid generalization matrix, with its default options.
func New() plugin.Plugin { return &generalizationPlugin{steps: 100, maxGroups: 12} }

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
func (p *generalizationPlugin) Run(c *plugin.Context) (plugin.Result, error) {
	if why := obstacle(c.Fitted, c.Data, c.Label, p.maxGroups); why != "" {
		slog.Info("analyse: centroid generalization skipped", "why", why)
		return nil, nil
	}
	slog.Info("analyse: centroid generalization", "label", c.Label, "steps", p.steps)
	return Analyze(c.Fitted, c.Data, c.Label, p.steps)
}

// Print writes the matrix row by row.
func (g *Matrix) Print(w io.Writer) {
	fmt.Fprintf(w, "centroid generalization by %s: diagonal dominant %v\n", g.Label, g.Dominant)
	for i, row := range g.R2 {
		fmt.Fprintf(w, "  %-12s %.3f\n", g.Groups[i], row)
	}
}

// Section is the generalization matrix's part of a report.
func (g *Matrix) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Centroid generalization",
			Text: fmt.Sprintf("Each %s's centroid embedding (the mean of its training segments' embeddings) drives the RNN on the held-out segments of every %s; only their initial states are inferred (%d Adam steps, θ and the embedding frozen). "+
				"Diagonal dominant means every held-out %s is reconstructed best by its own centroid.", g.Label, g.Label, g.InferSteps, g.Label),
			Figures: figs},
		[]report.Metric{{Name: "centroid generalization diagonal dominant (" + g.Label + ")", Value: fmt.Sprint(g.Dominant)}}
}

// obstacle says why the centroid generalization cannot or should not run, or
// returns "".
func obstacle(f *train.Fitted, ds *data.Dataset, label string, maxGroups int) string {
	if len(f.HeldOut) == 0 {
		return "no held-out segments"
	}
	values, _ := ds.LabelValues(label)
	train, held := map[string]bool{}, map[string]bool{}
	for _, s := range f.Train {
		train[values[s]] = true
	}
	for _, s := range f.HeldOut {
		held[values[s]] = true
	}
	if maxGroups > 0 && len(train) > maxGroups {
		return fmt.Sprintf("%d values of %s, more than %d", len(train), label, maxGroups)
	}
	for v := range train {
		if !held[v] {
			return fmt.Sprintf("%s %q has no held-out segments", label, v)
		}
	}
	for v := range held {
		if !train[v] {
			return fmt.Sprintf("%s %q has no training segments", label, v)
		}
	}
	return ""
}
