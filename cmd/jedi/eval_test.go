package main

import (
	"math"
	"testing"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

// scores gathers the reconstructed segments' data in the order of the reconstruction, with their
// lengths: a perfect prediction has pVar 1, and bits per spike equals metrics.BitsPerSpike of the
// gathered counts.
func TestEvalScores(t *testing.T) {
	ds := data.New(3, 4, 2, 0.01)
	for i := range ds.Activity {
		ds.Activity[i] = float64((i * 7) % 5)
	}
	ds.Lengths = []int{4, 3, 2}
	idx := []int{2, 0}
	pred := make([]float64, 2*4*2)
	copy(pred[:8], ds.Activity[16:24])
	copy(pred[8:], ds.Activity[0:8])
	inf := &train.Inferred{Segments: idx, Prediction: pred}
	pv, bps, err := scores(inf, ds, false)
	if err != nil || pv != 1 || bps != nil {
		t.Fatalf("perfect Gaussian prediction: pVar %v, bits/spike %v, %v", pv, bps, err)
	}
	for i := range pred {
		pred[i] = 0.5*pred[i] + 1
	}
	pv, bps, err = scores(inf, ds, true)
	if err != nil || bps == nil {
		t.Fatalf("Poisson: %v, %v", bps, err)
	}
	y := append(append([]float64(nil), ds.Activity[16:24]...), ds.Activity[0:8]...)
	want, _ := metrics.BitsPerSpike(pred, y, 4, 2, []int{2, 4})
	wantPV, _ := metrics.PVar(pred, y, 4, 2, []int{2, 4})
	if math.Abs(*bps-want) > 1e-15 || math.Abs(pv-wantPV) > 1e-15 {
		t.Errorf("bits/spike %v, pVar %v; want %v, %v", *bps, pv, want, wantPV)
	}
}
