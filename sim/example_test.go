package sim_test

import (
	"fmt"
	"log"
	"slices"

	"github.com/jedi-neuro/jedi/sim"
)

// A small multi-task dataset: two trials of each of the six input families.
func ExampleMultitask() {
	cfg := sim.DefaultMultitask()
	cfg.TrialsPerTask = 2
	d, err := sim.Multitask(cfg, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d trials × %d bins × %d neurons, %d input channels, dt = %g s\n", d.S, d.T, d.M, d.I, d.Dt)
	tasks, _ := d.LabelValues("task")
	fmt.Println("tasks:", tasks[:6])
	names := make([]string, 0, len(d.Extra))
	for name := range d.Extra {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Println(name, d.Extra[name].Shape)
	}
	// Output:
	// 12 trials × 100 bins × 50 neurons, 12 input channels, dt = 0.01 s
	// tasks: [sine square sawtooth triangle ramp bursts]
	// teacher_J [200 200]
	// teacher_P [200 5]
	// teacher_Q [200 5]
	// teacher_W_ext [200 12]
	// teacher_alpha [1]
	// teacher_b [200]
	// teacher_lyapunov [1]
	// teacher_obs_noise_std [1]
	// teacher_observed [50]
	// teacher_x [12 100 200]
}
