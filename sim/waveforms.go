package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Input families of the multitask dataset. Each trial draws a rate f (Hz), an amplitude A and a
// phase φ ∈ [0, 2π); its time scale is D = 1/f, and c(t) = f t + φ/2π counts cycles at time t
// (t = 0 at the first recorded bin; the burn-in runs on the same waveform at t < 0). The four
// periodic families share the mean square A²/2 of a sine of amplitude A, so that A is the same
// drive in each. (A is the amplitude applied; Multitask may scale it, see LeakCompensation.)
const (
	// Sine is A sin(2π c).
	Sine = "sine"
	// Square is ±A/√2: +A/√2 while frac(c) < ½, in phase with Sine.
	Square = "square"
	// Sawtooth is A √(3/2) (2 frac(c) − 1), a rise over each period and a jump down.
	Sawtooth = "sawtooth"
	// Triangle is A √(3/2) (1 − 4 |frac(c + ¼) − ½|), in phase with Sine.
	Triangle = "triangle"
	// Ramp is a step smoothed into a linear ramp: ∓A until the onset t₀, ±A after t₀ + D, linear
	// in between, with the direction drawn per trial and t₀ = (φ/2π)·(half the trial length), so
	// that every trial shows the transition and the state it settles to.
	Ramp = "ramp"
	// Bursts are the noise bursts, smoothed random pulses: back-to-back pulses of duration D,
	// pulse k covering cycles [k, k+1) of c, with heights A ε_k, ε_k uniform on ±[¾, 5/4]
	// independently, smoothed by a Gaussian kernel of width BurstWidth·D. Unlike Square the sign
	// does not alternate and the level varies. The heights stay away from zero because a silent
	// stretch of input would let the teacher's chaos return.
	Bursts = "bursts"
)

// BurstWidth is the standard deviation of the Gaussian kernel that smooths Bursts, as a fraction
// of the pulse duration D.
const BurstWidth = 0.125

// Families lists the multitask input families in their default order.
func Families() []string { return []string{Sine, Square, Sawtooth, Triangle, Ramp, Bursts} }

// waveform is one trial's scalar input signal w(t).
type waveform struct {
	family    string
	f, a, phi float64
	// dir is ±1, the direction of a Ramp.
	dir float64
	// onset is a Ramp's t₀ in seconds.
	onset float64
	// heights are the pulse heights of Bursts, the first one of pulse number first.
	heights []float64
	first   int
}

// newWaveform draws the family-specific parts of a trial's waveform (ramp direction, burst
// pulses) from rng. The signal is needed on [t0, t1] seconds; duration is the recorded length,
// which sets a Ramp's onset range.
func newWaveform(family string, f, a, phi, t0, t1, duration float64, rng *rand.Rand) (waveform, error) {
	w := waveform{family: family, f: f, a: a, phi: phi}
	switch family {
	case Sine, Square, Sawtooth, Triangle:
	case Ramp:
		w.dir = 1
		if rng.IntN(2) == 0 {
			w.dir = -1
		}
		w.onset = phi / (2 * math.Pi) * duration / 2
	case Bursts:
		// Pulse k covers cycles [k, k+1); smoothing reaches 6 kernel widths beyond [t0, t1].
		cyc := func(t float64) float64 { return f*t + phi/(2*math.Pi) }
		first := int(math.Floor(cyc(t0)-6*BurstWidth)) - 1
		last := int(math.Ceil(cyc(t1) + 6*BurstWidth))
		w.first = first
		for range last - first + 1 {
			h := 0.75 + 0.5*rng.Float64()
			if rng.IntN(2) == 0 {
				h = -h
			}
			w.heights = append(w.heights, h)
		}
	default:
		return waveform{}, fmt.Errorf("sim: unknown input family %q (known: %v)", family, Families())
	}
	return w, nil
}

// at returns w(t).
func (w *waveform) at(t float64) float64 {
	c := w.f*t + w.phi/(2*math.Pi)
	frac := c - math.Floor(c)
	switch w.family {
	case Sine:
		return w.a * math.Sin(2*math.Pi*c)
	case Square:
		if frac < 0.5 {
			return w.a / math.Sqrt2
		}
		return -w.a / math.Sqrt2
	case Sawtooth:
		return w.a * math.Sqrt(1.5) * (2*frac - 1)
	case Triangle:
		q := c + 0.25
		return w.a * math.Sqrt(1.5) * (1 - 4*math.Abs(q-math.Floor(q)-0.5))
	case Ramp:
		s := min(max((t-w.onset)*w.f, 0), 1)
		return w.a * w.dir * (2*s - 1)
	case Bursts:
		// Boundary k sits at cycle k; the smoothed signal is h_first plus a Φ-weighted jump at
		// every boundary, and jumps more than 6w away are complete or not yet begun.
		v := w.heights[0]
		for k := 1; k < len(w.heights); k++ {
			z := (c - float64(w.first+k)) / BurstWidth
			if z < -6 {
				break
			}
			v += (w.heights[k] - w.heights[k-1]) * 0.5 * math.Erfc(-z/math.Sqrt2)
		}
		return w.a * v
	}
	return 0
}

// fill writes the input of steps bins into u (steps×inputs): the waveform drives the width
// channels from ch0 on, and every other channel is 0. Channel ch0 + c at bin k is
// w(t_k − c D/(2·width)) with t_k = (k − burn) dt and D = 1/f, so that the channels carry the
// same waveform lagged evenly over half its time scale (a quadrature pair when width = 2), and
// the drive W_ext u_t moves through a width-dimensional subspace rather than along one line.
func (w *waveform) fill(u []float64, steps, inputs, ch0, width, burn int, dt float64) {
	clear(u[:steps*inputs])
	for k := range steps {
		t := float64(k-burn) * dt
		for c := range width {
			u[k*inputs+ch0+c] = w.at(t - float64(c)/(2*float64(width)*w.f))
		}
	}
}
