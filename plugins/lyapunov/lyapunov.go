// Package lyapunov is the analysis plug-in "lyapunov": the largest Lyapunov exponents of each
// label value's centroid network by the QR method (analysis/lyapunov), through the network's
// Jacobian–vector product.
package lyapunov

import (
	"fmt"
	"path/filepath"

	"gonum.org/v1/gonum/stat"

	lyap "github.com/jedi-neuro/jedi/analysis/lyapunov"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// Options configure Lyapunov. The zero value gives the documented defaults.
type Options struct {
	// K is the number of exponents, the largest K (default min(10, N)).
	K int
	// Steps is the number of QR steps averaged, after Transient steps that align the tangent
	// basis (defaults 2000 and 500).
	Steps, Transient int
	// Starts is the number of start states per label value (default 3): the last states of the
	// trajectories from the initial states of the value's first Starts segments.
	Starts int
}

func (o Options) withDefaults(n int) (Options, error) {
	if o.K == 0 {
		o.K = min(10, n)
	}
	if o.Steps == 0 {
		o.Steps = 2000
	}
	if o.Transient == 0 {
		o.Transient = 500
	}
	if o.Starts == 0 {
		o.Starts = 3
	}
	if o.K < 1 || o.K > n || o.Steps < 1 || o.Transient < 0 || o.Starts < 1 {
		return o, fmt.Errorf("lyapunov: K = %d (want 1..%d), steps %d, transient %d, starts %d", o.K, n, o.Steps, o.Transient, o.Starts)
	}
	return o, nil
}

// Group is the Lyapunov spectrum of the network of one label value.
type Group struct {
	Group     string    `json:"group"`
	Embedding []float64 `json:"embedding"`
	// Exponents are the K largest exponents in 1/s (per step / dt), the mean over Starts start
	// states, and SD their standard deviation across the starts; PerStep are the means per step.
	Exponents []float64 `json:"exponents_per_second"`
	SD        []float64 `json:"sd_per_second"`
	PerStep   []float64 `json:"exponents_per_step"`
	Starts    int       `json:"starts"`
}

// Analysis is the Lyapunov spectra of a fitted model's networks, by label value.
type Analysis struct {
	Label     string `json:"label"`
	pal       *report.Palette
	Dt        float64 `json:"dt"`
	K         int     `json:"k"`
	Steps     int     `json:"steps"`
	Transient int     `json:"transient"`
	Groups    []Group `json:"groups"`
	Meaning   string  `json:"meaning"`
}

// Lyapunov estimates the K largest Lyapunov exponents of the autonomous network of each value
// of label's centroid embedding (the mean of segs' embeddings with that value), by the QR
// method: from a state x on one of the network's trajectories, an orthonormal N×K basis Q is
// carried by the Jacobian, J(x_t) Q = Q' R with Q' orthonormal, and
//
//	λ_i = (1/T) Σ_t log |R_ii|   (per step; divided by dt = ds.Dt for 1/s),
//
// over T = opt.Steps steps after opt.Transient unrecorded ones. A positive λ_1 is chaos; all
// negative, a stable fixed point; λ_1 ≈ 0, a limit cycle or a marginal direction.
func Analyze(f *train.Fitted, ds *data.Dataset, segs *plugin.Segments, label string, opt Options) (*Analysis, error) {
	opt, err := opt.withDefaults(f.Config.Model.N)
	if err != nil {
		return nil, err
	}
	groups, members, err := segs.Groups(ds, label)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Label: label, pal: plugin.Palette(ds, label), Dt: ds.Dt, K: opt.K, Steps: opt.Steps, Transient: opt.Transient,
		Meaning: "exponents_per_second[i]: the i-th largest Lyapunov exponent of the autonomous network of the centroid embedding, by the QR method, mean over start states on its trajectories (per step divided by dt)"}
	for gi, g := range groups {
		e := segs.Centroid(members[gi])
		net, err := segs.Network(f, e, members[gi]...)
		if err != nil {
			return nil, fmt.Errorf("lyapunov exponents of %s %q: %w", label, g, err)
		}
		if net.TimeVarying() {
			return nil, fmt.Errorf("lyapunov exponents of %s %q: the input of segment %d varies in time; the exponents here are those of an autonomous network", label, g, segs.Idx[members[gi][0]])
		}
		starts := members[gi][:min(opt.Starts, len(members[gi]))]
		per := make([][]float64, opt.K)
		for _, i := range starts {
			traj := net.Run(segs.X0[i], ds.Lengths[segs.Idx[i]])
			l, err := lyap.Spectrum(net, traj[len(traj)-1], opt.Steps, opt.Transient, opt.K)
			if err != nil {
				return nil, fmt.Errorf("lyapunov exponents of %s %q: %w", label, g, err)
			}
			for k, v := range l {
				per[k] = append(per[k], v)
			}
		}
		gl := Group{Group: g, Embedding: e, Starts: len(starts)}
		for k := range per {
			m := stat.Mean(per[k], nil)
			sd := 0.0
			if len(per[k]) > 1 {
				sd = stat.StdDev(per[k], nil)
			}
			gl.PerStep = append(gl.PerStep, m)
			gl.Exponents = append(gl.Exponents, m/ds.Dt)
			gl.SD = append(gl.SD, sd/ds.Dt)
		}
		a.Groups = append(a.Groups, gl)
	}
	return a, nil
}

// Write saves the spectra in dir as lyapunov.json, lyapunov.npz (exponents [G, K] in 1/s, sd
// [G, K], groups [G]) and the plots lyapunov.png / .svg (largest exponent per value, bars) and
// lyapunov_spectrum.png / .svg (all K per value), and returns the figures for a report.
func (a *Analysis) Write(dir string) ([]report.Figure, error) {
	if err := output.WriteJSON(filepath.Join(dir, "lyapunov.json"), a); err != nil {
		return nil, err
	}
	var ex, sd [][]float64
	var names []string
	var top, topSD []float64
	var series []report.Series
	idx := make([]float64, a.K)
	for i := range idx {
		idx[i] = float64(i + 1)
	}
	for _, g := range a.Groups {
		ex, sd, names = append(ex, g.Exponents), append(sd, g.SD), append(names, g.Group)
		top, topSD = append(top, g.Exponents[0]), append(topSD, g.SD[0])
		series = append(series, report.Series{Name: g.Group, X: idx, Y: g.Exponents, YErr: g.SD})
	}
	es, ed := output.Flat(ex)
	ss, sdd := output.Flat(sd)
	if err := output.WriteNPZ(filepath.Join(dir, "lyapunov.npz"), output.Array{Name: "exponents", Shape: es, Data: ed}, output.Array{Name: "sd", Shape: ss, Data: sdd}, output.Array{Name: "groups", Shape: nil, Data: names}); err != nil {
		return nil, err
	}
	bars, err := output.Figure(dir, "lyapunov", func(path string) error {
		return report.Bars(path, "Largest Lyapunov exponent per "+a.Label, "λ₁ (1/s)", names, top, topSD, a.pal)
	})
	if err != nil {
		return nil, err
	}
	lines, err := output.Figure(dir, "lyapunov_spectrum", func(path string) error {
		return report.Lines(path, "Lyapunov spectra", "exponent index", "λ (1/s)", series, report.LineOptions{ErrorBars: true, Palette: a.pal})
	})
	if err != nil {
		return nil, err
	}
	return []report.Figure{
		{Caption: fmt.Sprintf("Largest Lyapunov exponent of the centroid network of each %s (QR method, mean ± sd over start states)", a.Label), Path: bars},
		{Caption: fmt.Sprintf("The %d largest Lyapunov exponents of each %s's network", a.K, a.Label), Path: lines},
	}, nil
}
