package prepare

import (
	"math"
	"testing"
)

// crosscheckTrials builds the fixed input of testdata/crosscheck.py: one trial as spike times and
// the same-shaped trial as 1 ms counts, evaluated with the script's formulas.
func crosscheckTrials() (spikes, counts Trial) {
	phi := []float64{0.6180339887498949, 0.41421356237309515, 0.7320508075688772}
	nspikes := []int{40, 80, 15}
	const duration, nfine, goTime = 1.0, 1000, 0.3137
	events := map[string]float64{"go": goTime}
	spikes = Trial{Duration: duration, Events: events}
	counts = Trial{BinWidth: 0.001, Events: events}
	for m := range phi {
		times := make([]float64, nspikes[m])
		for i := range times {
			times[i] = math.Mod(0.5+float64(i)*phi[m], 1) * duration
		}
		spikes.Spikes = append(spikes.Spikes, times)
		row := make([]float64, nfine)
		for k := range row {
			row[k] = float64((k*k+3*m*k)%7 + (k/13)%3)
		}
		counts.Counts = append(counts.Counts, row)
	}
	return spikes, counts
}

// TestCrosscheckScipy compares Prepare with numpy.histogram binning and
// scipy.ndimage.gaussian_filter1d smoothing (normalised convolution at the trial's edges),
// computed by testdata/crosscheck.py on the same input.
func TestCrosscheckScipy(t *testing.T) {
	r := DefaultRecipe()
	r.BinMs, r.SmoothMs = 10, 25
	r.Epochs = []Epoch{
		{Name: "go", Align: "go", FromMs: -100, ToMs: 200},
		{Name: "prep", Align: AlignStart, FromMs: 0, ToMs: 300},
		{Name: "exec", Align: AlignEnd, FromMs: -250, ToMs: 0},
	}
	spikes, counts := crosscheckTrials()
	for _, tc := range []struct {
		name  string
		trial Trial
		want  map[string][][]float64
	}{
		{"spikes", spikes, crosscheckSpike},
		{"counts", counts, crosscheckCount},
	} {
		d, _, err := Prepare([]Trial{tc.trial}, r)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		for s, ep := range d.Labels["epoch"].Values {
			want := tc.want[ep]
			if d.Lengths[s] != len(want[0]) {
				t.Fatalf("%s %s: %d bins, want %d", tc.name, ep, d.Lengths[s], len(want[0]))
			}
			seg := d.Segment(s)
			for m := range want {
				for k, w := range want[m] {
					if got := seg[k*d.M+m]; math.Abs(got-w) > 1e-12*math.Abs(w) {
						t.Errorf("%s %s: neuron %d bin %d: %.17g, scipy %.17g", tc.name, ep, m, k, got, w)
					}
				}
			}
		}
	}
}
