package data

import (
	"fmt"
	"math"
	"slices"
)

// Scale bounds outside which Warnings says the activity is far from unit scale: the model's
// initialisation, its tanh readout and the default learning rates assume values of order one.
const (
	scaleHigh = 20
	scaleLow  = 0.01
)

// MinLength is the fewest valid bins a segment needs to be fitted: the recurrent dynamics are
// fitted on steps from one bin to the next.
const MinLength = 2

// Fittable returns an error naming the file, the field and the index of the first segment too
// short to fit (Lengths[s] < MinLength), or nil. Validate accepts such segments, which are
// valid data; a fit cannot use them.
func Fittable(d *Dataset) error {
	for s, L := range d.Lengths {
		if L < MinLength {
			return &FieldError{File: d.Source, Field: "lengths", Index: []int{s},
				Msg: fmt.Sprintf("= %d: a segment needs at least %d bins to be fitted (one step of the dynamics)", L, MinLength)}
		}
	}
	return nil
}

// Warnings returns what about d, valid as it is, suggests a fit will go wrong, each as a
// sentence naming the setting that fixes it:
//   - activity far from unit scale: the 99th percentile of |value| over every valid bin above
//     20 (e.g. raw rates in Hz in the hundreds) or below 0.01;
//   - a bin width Dt (seconds) that looks like milliseconds (≥ 0.5 s) or like seconds given
//     where milliseconds were meant (< 0.1 ms).
func Warnings(d *Dataset) []string {
	var out []string
	var abs []float64
	for s := range d.S {
		for _, x := range d.Segment(s) {
			abs = append(abs, math.Abs(x))
		}
	}
	if len(abs) > 0 {
		slices.Sort(abs)
		p99 := abs[min(len(abs)-1, int(0.99*float64(len(abs))))]
		switch {
		case p99 > scaleHigh:
			out = append(out, fmt.Sprintf("activity is far from unit scale: 99%% of |values| are below %.4g, not below about 1 (raw rates in Hz?). In a recipe set prepare.soft_norm: 5 (each neuron's rate ÷ (its range + 5 Hz)); for spike counts, prepare.units: counts with the config's model.loss: poisson", p99))
		case p99 < scaleLow && p99 > 0:
			out = append(out, fmt.Sprintf("activity is far from unit scale: 99%% of |values| are below %.4g; rescale it (for rates, prepare.units: rates gives Hz)", p99))
		}
	}
	switch {
	case d.Dt >= 0.5:
		out = append(out, fmt.Sprintf("dt is %g s, which looks like milliseconds: the npz contract's dt is in seconds (0.01 for 10 ms bins); recipes take bin_ms in milliseconds", d.Dt))
	case d.Dt > 0 && d.Dt < 1e-4:
		out = append(out, fmt.Sprintf("dt is %g s (%g ms), which looks like a width in seconds given as milliseconds: recipes take bin_ms in milliseconds (10 for 10 ms bins)", d.Dt, d.Dt*1e3))
	}
	return out
}
