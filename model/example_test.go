package model_test

import (
	"fmt"

	"github.com/jedi-neuro/jedi/model"
	"gonum.org/v1/gonum/mat"
)

// A two-unit rate network: one step of the map and its Jacobian at the origin, where
// tanh'(0) = 1 so that J = (1 − α) I + α W.
func ExampleNetwork() {
	m := &model.Network{
		W:     mat.NewDense(2, 2, []float64{2, 0, 0, 0.5}),
		B:     []float64{0.1, 0},
		Alpha: 0.5,
	}
	x := []float64{0, 1}
	next := make([]float64, 2)
	m.Step(next, x)
	fmt.Printf("F(x) = [%.4f %.4f]\n", next[0], next[1])

	var J mat.Dense
	m.Jacobian(&J, []float64{0, 0})
	fmt.Printf("J(0) =\n%v\n", mat.Formatted(&J))
	// Output:
	// F(x) = [0.0500 0.6904]
	// J(0) =
	// ⎡ 1.5     0⎤
	// ⎣   0  0.75⎦
}
