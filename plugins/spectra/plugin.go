package spectra

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/report"
)

// New returns the plug-in of the eigenvalues of W and of the Jacobian along trajectories and at
// fixed points, with its default options.
func New() plugin.Plugin {
	return &spectraPlugin{opt: Options{UnitTol: 0.05}, fixed: fixedpoints.Options{Seed: 1}.WithDefaults()}
}

// spectraPlugin: eigenvalues of W and of the Jacobian.
type spectraPlugin struct {
	opt     Options
	fixed   fixedpoints.Options
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
	fixedpoints.Flags(fs, &p.fixed)
}
func (p *spectraPlugin) Run(c *plugin.Context) (plugin.Result, error) {
	segs, err := c.Segments(p.heldOut)
	if err != nil {
		return nil, err
	}
	var fps *fixedpoints.Analysis
	if !p.noFixed {
		// The fixed points the fixedpoints plug-in found on the same segments, else a search.
		if r, ok := c.Result("fixedpoints").(*fixedpoints.Result); ok && r.Networks.OfCentroids(segs) {
			fps = r.Networks
		} else {
			slog.Info("finding fixed points", "label", c.Label, "starts", p.fixed.Starts)
			if fps, err = fixedpoints.Analyze(c.Fitted, c.Data, segs, c.Label, p.fixed); err != nil {
				return nil, err
			}
		}
	}
	slog.Info("analyse: Jacobian spectra")
	return Analyze(c.Fitted, c.Data, segs, c.Label, fps, p.opt)
}

// Print writes the summary table and the trends.
func (a *Analysis) Print(w io.Writer) {
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
func (a *Analysis) Section(figs []report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Jacobian spectra",
		Text:    "The discrete-time Jacobian J = (1 − α) I + α W diag(φ'(x)) (φ' = 1 − tanh² x for the rate network, 1 for a linear cell) of each training segment's network along its noiseless trajectory, and at the fixed points of each " + a.Label + "'s centroid network.",
		Figures: figs, Tables: []report.Table{a.Table()}}, nil
}
