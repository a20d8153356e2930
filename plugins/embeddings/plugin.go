package embeddings

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
)

// New returns the plug-in of the PCA map of the embeddings and the cross-validated decoding of
// the label, with its default options.
func New() plugin.Plugin { return &embeddingsPlugin{folds: 5, seed: 1} }

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
func (p *embeddingsPlugin) Run(c *plugin.Context) (plugin.Result, error) {
	emb, err := c.Embeddings()
	if err != nil {
		return nil, err
	}
	return Analyze(c.Data, emb.E, emb.HeldOut, c.Label, c.Fitted.Groups != nil, p.folds, p.seed)
}

// Print writes the decoding accuracies.
func (em *Map) Print(w io.Writer) {
	for _, c := range em.Classification {
		fmt.Fprintf(w, "%s decoded by %s: %.3f ± %.3f (chance %.3f)\n", em.Label, c.Method, c.Accuracy, c.AccuracySD, c.Chance)
	}
}

// Section is the embedding map's part of a report.
func (em *Map) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Embeddings", Text: "PCA of the embeddings and the cross-validated decoding of " + em.Label + ".", Figures: figs}, nil
}
