package recipe_test

import (
	"fmt"
	"log"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/recipe"
)

// A trial-averaged tensor of 2 conditions × 3 time bins × 2 neurons, as a MAT reader would return
// it, becomes one segment per condition.
func ExampleFromNode() {
	root := &formats.Node{Class: "mat", Children: []*formats.Node{{
		Name: "rates", Class: "double", Shape: []int{2, 3, 2},
		Data: []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
	}}}
	src, err := recipe.ParseSource("example", []byte(`
file: in-memory
tensor: rates
axes: [condition, time, neuron]
dt_ms: 10
`))
	if err != nil {
		log.Fatal(err)
	}
	d, _, err := recipe.FromNode(root, src)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d segments × %d bins × %d neurons, dt %g s\n", d.S, d.T, d.M, d.Dt)
	for s := range d.S {
		fmt.Println("condition", d.Labels["condition"].Values[s], d.Segment(s))
	}
	// Output:
	// 2 segments × 3 bins × 2 neurons, dt 0.01 s
	// condition 0 [1 2 3 4 5 6]
	// condition 1 [7 8 9 10 11 12]
}
