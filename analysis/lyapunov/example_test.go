package lyapunov_test

import (
	"fmt"
	"log"
	"math"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"github.com/jedi-neuro/jedi/analysis/lyapunov"
	"gonum.org/v1/gonum/mat"
)

// The exponents of a linear map are the logs of its eigenvalues' moduli.
func ExampleSpectrum() {
	m := dynsys.Affine{A: mat.NewDense(2, 2, []float64{
		0.9, 1,
		0, 0.5,
	})}
	// The orbit decays to 0; the Jacobian of a linear map does not depend on it.
	exps, err := lyapunov.Spectrum(m, []float64{1, 1}, 20000, 0, 2)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("λ = [%.3f %.3f] per step; log 0.9 = %.3f, log 0.5 = %.3f\n",
		exps[0], exps[1], math.Log(0.9), math.Log(0.5))
	// Output:
	// λ = [-0.105 -0.693] per step; log 0.9 = -0.105, log 0.5 = -0.693
}
