package metrics_test

import (
	"fmt"

	"github.com/jedi-neuro/jedi/analysis/metrics"
)

// Accumulate R² over minibatches of a training loop, then read the value once.
func ExampleR2Acc() {
	const M = 2 // neurons
	acc, _ := metrics.NewR2Acc(M)
	// Two segments, each bins × neurons, row-major.
	y1, yhat1 := []float64{0, 1, 2, 3}, []float64{0, 1, 2, 2}
	y2, yhat2 := []float64{4, 5}, []float64{4, 5}
	_ = acc.Add(yhat1, y1)
	_ = acc.Add(yhat2, y2)
	fmt.Printf("R² = %.4f over %d bins\n", acc.Value(), acc.Bins())
	fmt.Printf("per neuron: %.4f\n", acc.PerNeuron())
	// Output:
	// R² = 0.9375 over 3 bins
	// per neuron: [1.0000 0.8750]
}
