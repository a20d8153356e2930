package spectra_test

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/spectra"
	"github.com/jedi-neuro/jedi/model"
)

// The Jacobian of the rate RNN at the origin is (1 − α)I + αW; its spectrum, summarised.
func ExampleSummarize() {
	W := mat.NewDense(2, 2, []float64{0, -2, 2, 0}) // a rotation generator: eigenvalues ±2i
	net := &model.Network{W: W, Alpha: 0.1}
	eigs, _ := net.JacobianEigenvalues([]float64{0, 0})
	s, _ := spectra.Summarize(eigs, 0.05)
	fmt.Printf("eigenvalues %.2f\n", eigs)
	fmt.Printf("radius %.4f, max |Im| %.2f, near |λ|=1 %.0f%%\n", s.Radius, s.MaxAbsImag, 100*s.NearUnit)
	// Output:
	// eigenvalues [(0.90+0.20i) (0.90-0.20i)]
	// radius 0.9220, max |Im| 0.20, near |λ|=1 0%
}
