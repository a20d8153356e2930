package model

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// The analytic gradient of a scalar of the encoder's output matches central differences for
// every parameter, with non-trivial standardisations (which the chain rule must pass through).
func TestAmortiserGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := randomAmortiser(t, rng, 5, []int{7, 6})
	phi := make([]float64, a.Features())
	for i := range phi {
		phi[i] = rng.NormFloat64()
	}
	c := make([]float64, a.Out)
	for i := range c {
		c[i] = rng.NormFloat64()
	}
	// loss = Σ c_i y_i + ½ Σ y_i², dloss/dy = c + y.
	loss := func() float64 {
		y := make([]float64, a.Out)
		a.Forward(y, phi, nil)
		var s float64
		for i, v := range y {
			s += c[i]*v + 0.5*v*v
		}
		return s
	}
	var tape Tape
	y := make([]float64, a.Out)
	a.Forward(y, phi, &tape)
	d := make([]float64, a.Out)
	for i := range d {
		d[i] = c[i] + y[i]
	}
	g := make([]float64, a.NumParams())
	a.Backward(g, d, &tape)
	const h = 1e-6
	for i := range a.Params {
		p := a.Params[i]
		a.Params[i] = p + h
		lp := loss()
		a.Params[i] = p - h
		lm := loss()
		a.Params[i] = p
		fd := (lp - lm) / (2 * h)
		if math.Abs(fd-g[i]) > 1e-6*(1+math.Abs(fd)) {
			t.Fatalf("param %d: analytic %.10g, finite difference %.10g", i, g[i], fd)
		}
	}
}

func TestAmortiserFeatures(t *testing.T) {
	a := &Amortiser{Bins: 2, M: 2, Out: 1}
	// 3 bins × 2 neurons: first two bins, then the mean over all three.
	y := []float64{1, 2, 3, 4, 5, 9}
	phi := make([]float64, a.Features())
	if err := a.FeaturesOf(phi, y); err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 2, 3, 4, 3, 5}
	for i := range want {
		if math.Abs(phi[i]-want[i]) > 1e-15 {
			t.Fatalf("φ = %v, want %v", phi, want)
		}
	}
	if err := a.FeaturesOf(phi, y[:2]); err == nil || !strings.Contains(err.Error(), "fewer than the 2") {
		t.Fatalf("one-bin segment: err = %v", err)
	}
	// One bin and the means of 3 windows of 7 bins: bins [0, 2), [2, 4), [4, 7).
	b := &Amortiser{Bins: 1, Windows: 3, M: 1, Out: 1}
	phi = make([]float64, b.Features())
	if err := b.FeaturesOf(phi, []float64{1, 3, 5, 7, 9, 10, 20}); err != nil {
		t.Fatal(err)
	}
	want = []float64{1, 2, 6, 13}
	for i := range want {
		if math.Abs(phi[i]-want[i]) > 1e-15 {
			t.Fatalf("windows: φ = %v, want %v", phi, want)
		}
	}
	if err := b.FeaturesOf(phi, []float64{1, 2}); err == nil || !strings.Contains(err.Error(), "fewer than the 3") {
		t.Fatalf("two bins for three windows: err = %v", err)
	}
}

func TestAmortiserCheck(t *testing.T) {
	a, err := NewAmortiser(2, 1, 3, 4, []int{5}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Check(); err != nil {
		t.Fatal(err)
	}
	a.InStd[2] = 0
	if err := a.Check(); err == nil || !strings.Contains(err.Error(), "in_std[2]") {
		t.Fatalf("zero scale: err = %v", err)
	}
	a.InStd[2] = 1
	a.Params = a.Params[:3]
	if err := a.Check(); err == nil || !strings.Contains(err.Error(), "params has 3") {
		t.Fatalf("short params: err = %v", err)
	}
}

// ForwardBatch gives each row what Forward gives it.
func TestAmortiserForwardBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	a := randomAmortiser(t, rng, 6, []int{7, 5})
	const B = 13
	F := a.Features()
	phi := make([]float64, B*F)
	for i := range phi {
		phi[i] = rng.NormFloat64()
	}
	got := make([]float64, B*a.Out)
	a.ForwardBatch(got, phi, B)
	want := make([]float64, a.Out)
	for b := range B {
		a.Forward(want, phi[b*F:(b+1)*F], nil)
		for i, w := range want {
			if g := got[b*a.Out+i]; math.Abs(g-w) > 1e-12*(1+math.Abs(w)) {
				t.Fatalf("row %d output %d: batch %.15g, row by row %.15g", b, i, g, w)
			}
		}
	}
}

// randomAmortiser returns an encoder of 3 bins and 2 windows of 4 neurons with out outputs and
// the given hidden layers, whose standardisations are random (which the chain rule must pass
// through) and whose parameters are moved off their zero biases.
func randomAmortiser(t *testing.T, rng *rand.Rand, out int, hidden []int) *Amortiser {
	t.Helper()
	a, err := NewAmortiser(3, 2, 4, out, hidden, rng)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.InMean {
		a.InMean[i], a.InStd[i] = rng.NormFloat64(), 0.5+rng.Float64()
	}
	for i := range a.OutMean {
		a.OutMean[i], a.OutStd[i] = rng.NormFloat64(), 0.5+rng.Float64()
	}
	for i := range a.Params {
		a.Params[i] += 0.3 * rng.NormFloat64()
	}
	return a
}
