package lyapunov

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
)

// New returns the plug-in of the largest Lyapunov exponents of each label value's network, with
// its default options.
func New() plugin.Plugin {
	o, _ := Options{}.withDefaults(1)
	o.K = 0 // min(10, N), set when the run is known
	return &lyapunovPlugin{opt: o}
}

// lyapunovPlugin: Lyapunov exponents of each label value's network.
type lyapunovPlugin struct {
	opt     Options
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
func (p *lyapunovPlugin) Run(c *plugin.Context) (plugin.Result, error) {
	segs, err := c.Segments(p.heldOut)
	if err != nil {
		return nil, err
	}
	slog.Info("analyse: Lyapunov exponents")
	return Analyze(c.Fitted, c.Data, segs, c.Label, p.opt)
}

// Print writes the exponents per label value.
func (a *Analysis) Print(w io.Writer) {
	for _, g := range a.Groups {
		fmt.Fprintf(w, "%-12s λ (1/s) %.3f\n", g.Group, g.Exponents)
	}
}

// Section is the Lyapunov exponents' part of a report.
func (a *Analysis) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Lyapunov exponents",
		Text:    "The largest Lyapunov exponents of each " + a.Label + "'s centroid network (QR method).",
		Figures: figs}, nil
}
