package prepare

import (
	"math"
	"slices"
	"testing"
)

// A neuron that fires only in the first 100 ms of a 1 s trial: after the shuffle it keeps its
// count on every trial, its spikes stay inside the trial and spread uniformly over it.
func TestShuffleTimesSpikes(t *testing.T) {
	const trials, perTrial = 40, 50
	in := make([]Trial, trials)
	for i := range in {
		sp := make([]float64, perTrial)
		for k := range sp {
			sp[k] = 2 + 0.1*float64(k)/perTrial
		}
		in[i] = Trial{Spikes: [][]float64{sp, {2.5}}, Start: 2, Duration: 1}
	}
	out, err := shuffleTimes(in, 7, "rec")
	if err != nil {
		t.Fatal(err)
	}
	var sum, sumSq float64
	var early, n int
	for i, tr := range out {
		if len(tr.Spikes[0]) != perTrial || len(tr.Spikes[1]) != 1 {
			t.Fatalf("trial %d: counts %d, %d, want %d, 1", i, len(tr.Spikes[0]), len(tr.Spikes[1]), perTrial)
		}
		if in[i].Spikes[0][perTrial-1] != 2+0.1*float64(perTrial-1)/perTrial {
			t.Fatalf("trial %d: the input was modified", i)
		}
		for _, s := range tr.Spikes[0] {
			if s < 2 || s >= 3 {
				t.Fatalf("trial %d: spike at %g outside [2, 3)", i, s)
			}
			u := s - 2
			sum, sumSq, n = sum+u, sumSq+u*u, n+1
			if u < 0.1 {
				early++
			}
		}
	}
	// Uniform on [0, 1): mean 1/2 and variance 1/12; n = 2000 draws give standard errors of
	// 0.0065 and 0.0019, so 5 standard errors fail on any real concentration.
	mean, variance := sum/float64(n), sumSq/float64(n)-(sum/float64(n))*(sum/float64(n))
	if math.Abs(mean-0.5) > 0.033 || math.Abs(variance-1.0/12) > 0.01 {
		t.Errorf("shuffled times: mean %.4f variance %.4f, want 0.5 and 0.0833 (uniform)", mean, variance)
	}
	if frac := float64(early) / float64(n); math.Abs(frac-0.1) > 0.035 {
		t.Errorf("fraction in the first 100 ms %.3f, want 0.1", frac)
	}
	again, _ := shuffleTimes(in, 7, "rec")
	other, _ := shuffleTimes(in, 7, "other")
	if !slices.Equal(again[3].Spikes[0], out[3].Spikes[0]) {
		t.Error("the same seed and stream gave different draws")
	}
	if slices.Equal(other[3].Spikes[0], out[3].Spikes[0]) {
		t.Error("two streams gave the same draws")
	}
}

func TestShuffleTimesCounts(t *testing.T) {
	c := []float64{5, 0, 0, 1, 0, 2, 0, 0}
	in := []Trial{{Counts: [][]float64{c}, BinWidth: 0.001}}
	out, err := shuffleTimes(in, 3, "")
	if err != nil {
		t.Fatal(err)
	}
	got := slices.Clone(out[0].Counts[0])
	slices.Sort(got)
	want := slices.Clone(c)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("shuffled counts %v are not a permutation of %v", out[0].Counts[0], c)
	}
	if _, err := shuffleTimes([]Trial{{Counts: [][]float64{c}, BinWidth: 0.001, Continuous: true}}, 3, ""); err == nil {
		t.Error("continuous values shuffled without an error")
	}
}

// Through Prepare: a unit that fires only late in the trial has the same expected rate in an
// early and a late window once shuffled.
func TestPrepareShuffleSpikes(t *testing.T) {
	var trials []Trial
	for range 60 {
		sp := make([]float64, 40)
		for k := range sp {
			sp[k] = 0.6 + 0.4*float64(k)/40
		}
		trials = append(trials, Trial{Spikes: [][]float64{sp}, Duration: 1})
	}
	r := DefaultRecipe()
	r.BinMs, r.SmoothMs = 100, 0
	r.Epochs = []Epoch{{Name: "early", Align: AlignStart, FromMs: 0, ToMs: 400}, {Name: "late", Align: AlignStart, FromMs: 600, ToMs: 1000}}
	mean := func(shuffle uint64) (early, late float64) {
		r.ShuffleSpikes = shuffle
		ds, _, err := Prepare(trials, r)
		if err != nil {
			t.Fatal(err)
		}
		for s := range ds.S {
			var sum float64
			for b := range ds.Lengths[s] {
				sum += ds.Activity[s*ds.T+b]
			}
			if ds.Labels["epoch"].Values[s] == "early" {
				early += sum / float64(ds.Lengths[s]) / float64(ds.S/2)
			} else {
				late += sum / float64(ds.Lengths[s]) / float64(ds.S/2)
			}
		}
		return early, late
	}
	if e, l := mean(0); e != 0 || math.Abs(l-100) > 1e-9 {
		t.Fatalf("unshuffled rates early %g, late %g Hz, want 0 and 100", e, l)
	}
	// Shuffled: 40 spikes per second on average everywhere; 60 trials × 4 bins per epoch
	// give a standard error of √(40·0.4·60)/(0.4·60) ≈ 1.3 Hz.
	e, l := mean(11)
	if math.Abs(e-40) > 6 || math.Abs(l-40) > 6 {
		t.Errorf("shuffled rates early %.1f, late %.1f Hz, want 40 and 40", e, l)
	}
}
