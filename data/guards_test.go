package data

import (
	"strings"
	"testing"
)

func TestWarnings(t *testing.T) {
	d := New(2, 10, 3, 0.01)
	for i := range d.Activity {
		d.Activity[i] = float64(i%7) / 7
	}
	if w := Warnings(d); len(w) != 0 {
		t.Errorf("unit-scale data, 10 ms bins: %v", w)
	}
	for i := range d.Activity {
		d.Activity[i] = 150 * float64(i%7)
	}
	if w := Warnings(d); len(w) != 1 || !strings.Contains(w[0], "prepare.soft_norm: 5") {
		t.Errorf("rates in the hundreds: %v", w)
	}
	d.Dt = 10
	if w := Warnings(d); len(w) != 2 || !strings.Contains(w[1], "looks like milliseconds") {
		t.Errorf("dt 10: %v", w)
	}
	d.Dt = 1e-5
	if w := Warnings(d); len(w) != 2 || !strings.Contains(w[1], "bin_ms in milliseconds") {
		t.Errorf("dt 1e-5: %v", w)
	}
	// Padding is not looked at.
	d = New(1, 4, 1, 0.02)
	d.Activity = []float64{0.5, 0.5, 1e6, 1e6}
	d.Lengths[0] = 2
	if w := Warnings(d); len(w) != 0 {
		t.Errorf("padding counted: %v", w)
	}
}

func TestFittable(t *testing.T) {
	d := New(3, 4, 2, 0.01)
	if err := Fittable(d); err != nil {
		t.Fatal(err)
	}
	d.Lengths[1] = 1
	d.Source = "d.npz"
	err := Fittable(d)
	if err == nil || err.Error() != "d.npz: lengths[1] = 1: a segment needs at least 2 bins to be fitted (one step of the dynamics)" {
		t.Errorf("one-bin segment: %v", err)
	}
}
