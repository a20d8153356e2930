package prepare_test

import (
	"fmt"
	"log"

	"github.com/jedi-neuro/jedi/data/prepare"
)

// Two trials of two neurons, cut into a preparation epoch (the first 200 ms) and a movement
// epoch (−100 … +200 ms around movement onset), as spike counts per 50 ms bin for a Poisson fit.
func ExamplePrepare() {
	trials := []prepare.Trial{
		{
			Spikes: [][]float64{
				{0.01, 0.02, 0.12, 0.61, 0.62, 0.63, 0.64}, // fires around movement onset
				{0.03, 0.07, 0.21, 0.33},
			},
			Duration: 1.0,
			Events:   map[string]float64{"move_onset": 0.6},
			Labels:   map[string]string{"condition": "left"},
		},
		{
			Spikes: [][]float64{
				{0.05, 0.71, 0.72},
				{0.11, 0.12, 0.13, 0.14, 0.52},
			},
			Duration: 0.9,
			Events:   map[string]float64{"move_onset": 0.7},
			Labels:   map[string]string{"condition": "right"},
		},
	}
	r := prepare.DefaultRecipe()
	r.BinMs, r.SmoothMs, r.Units = 50, 0, prepare.Counts
	r.Epochs = []prepare.Epoch{
		{Name: "preparation", Align: prepare.AlignStart, FromMs: 0, ToMs: 200},
		{Name: "movement", Align: "move_onset", FromMs: -100, ToMs: 200},
	}
	d, rep, err := prepare.Prepare(trials, r)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(rep)
	fmt.Printf("%d segments × %d bins × %d neurons, dt %g s\n", d.S, d.T, d.M, d.Dt)
	for s := range d.S {
		fmt.Printf("trial %s %-11s %-5s", d.Labels["trial"].Values[s], d.Labels["epoch"].Values[s],
			d.Labels["condition"].Values[s])
		seg := d.Segment(s) // Lengths[s] bins × M neurons
		for t := range d.Lengths[s] {
			fmt.Print(" ", seg[t*d.M:(t+1)*d.M])
		}
		fmt.Println()
	}
	// Output:
	// 2 trials → 4 segments; 2 of 2 units kept
	// 4 segments × 6 bins × 2 neurons, dt 0.05 s
	// trial 0 preparation left  [2 1] [0 1] [1 0] [0 0]
	// trial 0 movement    left  [0 0] [0 0] [4 0] [0 0] [0 0] [0 0]
	// trial 1 preparation right [0 0] [1 0] [0 4] [0 0]
	// trial 1 movement    right [0 0] [0 0] [2 0] [0 0] [0 0] [0 0]
}

// A recipe for reaching data with a movement-onset marker: preparation is the first 400 ms of
// each trial, execution −100 … +400 ms around movement onset; trials without the marker are
// skipped and reported.
func ExampleParseRecipe() {
	r, err := prepare.ParseRecipe("reach.yaml", []byte(`
bin_ms: 20
smooth_ms: 30
epochs:
  - {name: preparation, align: start, from_ms: 0, to_ms: 400}
  - {name: execution, align: move_onset, from_ms: -100, to_ms: 400}
min_rate_hz: 1
soft_norm: 5
labels: [condition]
skip_incomplete: true
`))
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range r.Epochs {
		n := (e.ToMs - e.FromMs) / r.BinMs
		fmt.Printf("%s: %g bins of %g ms from %s%+g ms\n", e.Name, n, r.BinMs, e.Align, e.FromMs)
	}
	fmt.Println("units:", r.Units) // not in the file: the default
	// Output:
	// preparation: 20 bins of 20 ms from start+0 ms
	// execution: 25 bins of 20 ms from move_onset-100 ms
	// units: rates
}
