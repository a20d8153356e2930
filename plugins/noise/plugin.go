package noise

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
)

// New returns the plug-in of R² against Gaussian noise added to the embeddings, with its
// default options.
func New() plugin.Plugin { return &noisePlugin{repeats: 3, seed: 1} }

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
func (p *noisePlugin) Run(c *plugin.Context) (plugin.Result, error) {
	slog.Info("analyse: robustness to embedding noise", "repeats", p.repeats)
	return Analyze(c.Fitted, c.Data, p.scales, p.repeats, p.seed)
}

// Print writes R² per noise scale.
func (n *Curve) Print(w io.Writer) {
	for i, k := range n.Scales {
		fmt.Fprintf(w, "k = %-5g R² %.4f ± %.4f\n", k, n.R2Mean[i], n.R2SD[i])
	}
}

// Section is the noise curve's part of a report.
func (n *Curve) Section(figs []report.Figure) (report.Section, []report.Metric) {
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
