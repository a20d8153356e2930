package sim

import (
	"math"
	"testing"
)

func mustWaveform(t *testing.T, family string, f, a, phi float64) waveform {
	t.Helper()
	w, err := newWaveform(family, f, a, phi, -2, 2, 1, newRand(3, 200, 0))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestPeriodicFamilies checks period, power and phase of the periodic families: each repeats
// after 1/f, has the mean square of a sine of the same amplitude, A²/2, and is in phase with the
// sine (same sign away from the zero crossings, peak of the triangle at the sine's peak).
func TestPeriodicFamilies(t *testing.T) {
	const f, a, phi = 2.5, 1.7, 0.9
	sine := mustWaveform(t, Sine, f, a, phi)
	for _, fam := range []string{Sine, Square, Sawtooth, Triangle} {
		w := mustWaveform(t, fam, f, a, phi)
		const k = 100000
		ms := 0.0
		for i := range k {
			tt := (float64(i) + 0.5) / k / f
			ms += w.at(tt) * w.at(tt) / k
			if v, p := w.at(tt), w.at(tt+1/f); math.Abs(v-p) > 1e-9 {
				t.Fatalf("%s: w(%v) = %v but w(t + 1/f) = %v", fam, tt, v, p)
			}
		}
		if want := a * a / 2; math.Abs(ms-want) > 1e-3*want {
			t.Errorf("%s: mean square %v, want A²/2 = %v", fam, ms, want)
		}
		if fam == Triangle || fam == Square {
			for _, tt := range []float64{0.05, 0.13, 0.31, 0.77} {
				if s := sine.at(tt); math.Abs(s) > 0.2*a && math.Signbit(s) != math.Signbit(w.at(tt)) {
					t.Errorf("%s at %v has sign of %v, the sine %v", fam, tt, w.at(tt), s)
				}
			}
		}
	}
	peak := (0.25 - phi/(2*math.Pi)) / f // the sine's peak: c(t) = ¼
	tri := mustWaveform(t, Triangle, f, a, phi)
	if got := tri.at(peak); !closeRel(got, a*math.Sqrt(1.5), 1e-12) {
		t.Errorf("triangle at the sine's peak %v, want A√1.5 = %v", got, a*math.Sqrt(1.5))
	}
	// The square wave takes only the values ±A/√2 and the sawtooth rises linearly.
	sq, saw := mustWaveform(t, Square, f, a, phi), mustWaveform(t, Sawtooth, f, a, phi)
	for _, tt := range []float64{-0.3, 0.01, 0.42} {
		if got := math.Abs(sq.at(tt)); !closeRel(got, a/math.Sqrt2, 1e-15) {
			t.Errorf("|square| = %v, want %v", got, a/math.Sqrt2)
		}
	}
	start := (1 - phi/(2*math.Pi)) / f // c = 1: the sawtooth restarts at −A√1.5
	if got := saw.at(start + 0.1/f); !closeRel(got, a*math.Sqrt(1.5)*(-0.8), 1e-9) {
		t.Errorf("sawtooth a tenth of a period after its start %v, want %v", got, -0.8*a*math.Sqrt(1.5))
	}
}

func TestRampAndBursts(t *testing.T) {
	const f, a, phi = 2.0, 1.3, 2.0
	r := mustWaveform(t, Ramp, f, a, phi)
	onset := phi / (2 * math.Pi) * 0.5 // duration 1 s: onset in [0, ½ s)
	for _, c := range []struct{ t, want float64 }{
		{-1, -r.dir * a}, {onset, -r.dir * a}, {onset + 0.5/f, 0}, {onset + 1/f, r.dir * a}, {2, r.dir * a},
	} {
		if got := r.at(c.t); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("ramp at %v: %v, want %v", c.t, got, c.want)
		}
	}
	b := mustWaveform(t, Bursts, f, a, phi)
	// Mid-pulse (c = k + ½, four kernel widths from either edge) the smoothed signal is the
	// pulse's height to within e⁻⁸-sized tails.
	for k := b.first + 2; k < b.first+len(b.heights)-2; k++ {
		tt := (float64(k) + 0.5 - phi/(2*math.Pi)) / f
		h := b.heights[k-b.first]
		if got := b.at(tt); math.Abs(got-a*h) > 1e-3*a {
			t.Errorf("burst %d at its centre: %v, want %v", k, got, a*h)
		}
		if math.Abs(h) < 0.75 || math.Abs(h) > 1.25 {
			t.Errorf("burst height %v outside ±[0.75, 1.25]", h)
		}
	}
	if _, err := newWaveform("chirp", 1, 1, 0, 0, 1, 1, newRand(1, 1, 1)); err == nil {
		t.Error("unknown family accepted")
	}
}

// TestFillLagsChannels checks that channel c carries w(t − c D/(2I)) with t = (k − burn) dt.
func TestFillLagsChannels(t *testing.T) {
	const f, steps, in, burn, dt = 1.5, 40, 3, 10, 0.01
	w := mustWaveform(t, Sawtooth, f, 1, 0.3)
	u := make([]float64, steps*in)
	w.fill(u, steps, in, 0, in, burn, dt)
	for k := range steps {
		for c := range in {
			want := w.at(float64(k-burn)*dt - float64(c)/(2*in*f))
			if u[k*in+c] != want {
				t.Fatalf("bin %d channel %d: %v, want %v", k, c, u[k*in+c], want)
			}
		}
	}
}

// TestFillBlock: a waveform given channels 2 and 3 of 6 drives exactly those, lagged as a
// quadrature pair, and leaves the others at 0.
func TestFillBlock(t *testing.T) {
	const f, steps, in, burn, dt = 2.0, 30, 6, 5, 0.01
	w := mustWaveform(t, Sine, f, 1, 0.3)
	u := make([]float64, steps*in)
	for i := range u {
		u[i] = 9 // fill must overwrite, not accumulate
	}
	w.fill(u, steps, in, 2, 2, burn, dt)
	for k := range steps {
		tk := float64(k-burn) * dt
		for c := range in {
			want := 0.0
			switch c {
			case 2:
				want = w.at(tk)
			case 3:
				want = w.at(tk - 1/(4*f))
			}
			if math.Abs(u[k*in+c]-want) > 1e-12 {
				t.Fatalf("bin %d channel %d: %v, want %v", k, c, u[k*in+c], want)
			}
		}
	}
}
