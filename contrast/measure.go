package contrast

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/jedi-neuro/jedi/analysis/lyapunov"
	"github.com/jedi-neuro/jedi/analysis/spectra"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/train"
)

// The per-segment measures, in the order they are reported. For a set L of eigenvalues (the
// informative ones: for low rank R, the R non-zero eigenvalues of W and the R of the Jacobian
// other than the N − R equal to 1 − α):
//
//	radius   max |λ|
//	near     the fraction with ||λ| − 1| ≤ UnitTol (the edge of stability of a discrete map)
//	imag     max |Im λ| (rotation)
//	real     the fraction of real eigenvalues, |Im λ| ≤ 1e-9 (no rotation: real-axis modes)
//
// w_* are of the segment's W_s, whose eigenvalues are those of the linearisation at the origin
// in units of the leak; j_* of the discrete-time Jacobian J_t = (1 − α) I + α W_s diag(1 −
// tanh² x_t) + … along the segment's trajectory x_0 … x_{T−1} (radius and imag averaged over t,
// near and real pooled over t). ftle is the largest finite-time Lyapunov exponent along that
// trajectory, lyap the largest Lyapunov exponent of the network's own long-run dynamics from the
// trajectory's last state (Options.LyapSteps after LyapBurn), both in 1/s.
var Measures = []string{"w_radius", "w_near", "w_imag", "w_real", "j_radius", "j_near", "j_imag", "j_real", "ftle", "lyap"}

// Options set the measures. The zero value gives the defaults.
type Options struct {
	// UnitTol is the distance to |λ| = 1 counted as near the unit circle (default 0.05).
	UnitTol float64
	// LyapSteps and LyapBurn are the steps averaged and discarded for lyap (defaults 400, 200).
	LyapSteps, LyapBurn int
	// FixedPoints, when FixedPointStarts > 0, are the contrasts whose groups' centroid networks
	// get their fixed points found (FixedPointMeasures), from FixedPointStarts minimisations
	// each, drawn with Seed.
	FixedPoints      []Spec
	FixedPointStarts int
	Seed             uint64
}

func (o Options) withDefaults() Options {
	if o.UnitTol == 0 {
		o.UnitTol = 0.05
	}
	if o.LyapSteps == 0 {
		o.LyapSteps = 400
	}
	if o.LyapBurn == 0 {
		o.LyapBurn = 200
	}
	return o
}

// Segment is one segment of a run, with its labels and measures.
type Segment struct {
	Index     int                `json:"segment"`
	HeldOut   bool               `json:"heldout"`
	Labels    map[string]string  `json:"labels"`
	Values    map[string]float64 `json:"values"`
	Embedding []float64          `json:"-"`
}

// Run is the measures of every segment of one fitted run.
type Run struct {
	Dir string `json:"dir"`
	// R2Train and R2HeldOut are the reconstruction R² of the training segments and of the
	// held-out ones (embedding and initial state inferred with θ frozen).
	R2Train   float64 `json:"r2_train"`
	R2HeldOut float64 `json:"r2_heldout"`
	// Inputs is the number of inputs the model took (0 for JEDI; the one-hot baseline's
	// number of contexts).
	Inputs   int       `json:"inputs"`
	Segments []Segment `json:"segments"`
	// FixedPoints are the fixed-point measures of the contrasts' groups (MeasureFixedPoints).
	FixedPoints []GroupFixedPoints `json:"fixed_points,omitempty"`
}

// Load reads the fitted run in dir and the dataset its run.json names (data, when not empty,
// instead: the same dataset moved elsewhere).
func Load(dir, dataPath string) (*train.Fitted, *data.Dataset, error) {
	f, err := train.LoadRun(dir)
	if err != nil {
		return nil, nil, err
	}
	if dataPath == "" {
		ri, err := train.ReadRunInfo(dir)
		if err != nil {
			return nil, nil, err
		}
		dataPath = ri.Data
		if !filepath.IsAbs(dataPath) {
			dataPath = filepath.Join(dir, dataPath)
		}
	}
	ds, err := data.ReadNPZ(dataPath)
	if err != nil {
		return nil, nil, err
	}
	return f, ds, nil
}

// Measure computes the measures of every segment of the fitted run f on ds: the training
// segments with their trained context, the held-out ones with the embedding and initial state
// inferred with θ frozen (f.Config.Train.InferSteps steps). A model with inputs (the one-hot
// context baseline) must have inputs constant within each segment; they are part of the
// segment's network (plugin.Segments.Network), as of the model that was fitted.
func Measure(f *train.Fitted, ds *data.Dataset, dir string, opt Options) (*Run, error) {
	opt = opt.withDefaults()
	tr, held, err := train.EvaluateSplit(f, ds, f.Config.Train.InferSteps)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	run := &Run{Dir: dir, R2Train: tr.R2, R2HeldOut: math.NaN(), Inputs: f.Config.Model.I}
	if held != nil {
		run.R2HeldOut = held.R2
	}
	segs, err := plugin.AllSegments(f, ds, held)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	isHeld := map[int]bool{}
	for _, s := range f.HeldOut {
		isHeld[s] = true
	}
	for i, s := range segs.Idx {
		net, err := segs.Network(f, segs.E[i], i)
		if err != nil {
			return nil, fmt.Errorf("%s: segment %d: %w", dir, s, err)
		}
		if net.TimeVarying() {
			return nil, fmt.Errorf("%s: %s: inputs of segment %d change in time; the measures need a constant input per segment", dir, ds.Source, s)
		}
		we, err := net.WeightEigenvalues()
		if err != nil {
			return nil, fmt.Errorf("%s: segment %d: %w", dir, s, err)
		}
		v, err := measure(net, we, segs.X0[i], ds.Lengths[s], ds.Dt, opt)
		if err != nil {
			return nil, fmt.Errorf("%s: segment %d: %w", dir, s, err)
		}
		labels := map[string]string{}
		for name := range ds.Labels {
			vals, err := ds.LabelValues(name)
			if err != nil {
				return nil, err
			}
			labels[name] = vals[s]
		}
		run.Segments = append(run.Segments, Segment{Index: s, HeldOut: isHeld[s], Labels: labels, Values: v, Embedding: segs.E[i]})
	}
	// A model with inputs has one network whose contexts differ only by the input. Its fixed
	// points would now be those of each context's input (plugin.Segments.Network), but the
	// measured contrasts (docs/monkey.md) were made without them, so they stay JEDI's only
	// until they are re-measured.
	if opt.FixedPointStarts > 0 && f.Config.Model.I == 0 {
		if err := measureFixedPoints(run, f, ds, segs, opt.FixedPoints, opt.FixedPointStarts, opt.Seed); err != nil {
			return nil, err
		}
	}
	return run, nil
}

// measure computes the measures of one network, whose W has the informative eigenvalues we,
// run from x0 for T steps.
func measure(net *model.Network, we []complex128, x0 []float64, T int, dt float64, opt Options) (map[string]float64, error) {
	v := map[string]float64{}
	s, err := summarize(we, opt.UnitTol)
	if err != nil {
		return nil, err
	}
	v["w_radius"], v["w_near"], v["w_imag"], v["w_real"] = s.radius, s.near, s.imag, s.real
	traj := net.Run(x0, T)
	var radius, imag, near, real float64
	var count int
	for _, x := range traj {
		eigs, err := net.JacobianEigenvalues(x)
		if err != nil {
			return nil, err
		}
		s, err := summarize(eigs, opt.UnitTol)
		if err != nil {
			return nil, err
		}
		radius += s.radius / float64(T)
		imag += s.imag / float64(T)
		near += s.near * float64(len(eigs))
		real += s.real * float64(len(eigs))
		count += len(eigs)
	}
	v["j_radius"], v["j_imag"], v["j_near"], v["j_real"] = radius, imag, near/float64(count), real/float64(count)
	ftle, err := lyapunov.SpectrumAlong(net, traj, 1)
	if err != nil {
		return nil, err
	}
	v["ftle"] = ftle[0] / dt
	ly, err := lyapunov.Spectrum(net, traj[len(traj)-1], opt.LyapSteps, opt.LyapBurn, 1)
	if err != nil {
		return nil, err
	}
	v["lyap"] = ly[0] / dt
	for k, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("measure %s = %g", k, x)
		}
	}
	return v, nil
}

// summary is the four numbers of one set of eigenvalues (see Measures).
type summary struct{ radius, near, imag, real float64 }

// realTol is the largest |Im λ| of an eigenvalue counted as real. The eigenvalues of a real
// matrix come out exactly real or in conjugate pairs, so any small value separates them.
const realTol = 1e-9

func summarize(eigs []complex128, tol float64) (summary, error) {
	s, err := spectra.Summarize(eigs, tol)
	if err != nil {
		return summary{}, err
	}
	var real int
	for _, l := range eigs {
		if math.Abs(imag(l)) <= realTol {
			real++
		}
	}
	return summary{radius: s.Radius, near: s.NearUnit, imag: s.MaxAbsImag, real: float64(real) / float64(len(eigs))}, nil
}
