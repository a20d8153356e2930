package spectra

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RateJacobian returns the N×N Jacobian ∂x_{t+1}/∂x_t of the discrete-time rate RNN
//
//	x_{t+1} = (1 − α) x_t + α (W tanh(x_t) + b + B u_t)
//
// at the state x (length N), for the N×N recurrent weights W:
//
//	J = (1 − α) I + α W diag(1 − tanh²(x)),  J_ij = (1 − α) δ_ij + α W_ij (1 − tanh²(x_j)).
//
// Bias and inputs do not enter. Its eigenvalues decide the local stability of the map: a fixed
// point is stable when all lie inside the unit circle.
func RateJacobian(W mat.Matrix, alpha float64, x []float64) (*mat.Dense, error) {
	r, c := W.Dims()
	if r != c {
		return nil, fmt.Errorf("spectra: RateJacobian: W is %d×%d, not square", r, c)
	}
	if len(x) != r {
		return nil, fmt.Errorf("spectra: RateJacobian: state has %d units, W has %d", len(x), r)
	}
	if math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		return nil, fmt.Errorf("spectra: RateJacobian: α = %v", alpha)
	}
	gain := make([]float64, r)
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("spectra: RateJacobian: x[%d] = %v", j, v)
		}
		th := math.Tanh(v)
		gain[j] = alpha * (1 - th*th)
	}
	J := mat.NewDense(r, r, nil)
	for i := 0; i < r; i++ {
		row := J.RawRowView(i)
		for j := range row {
			row[j] = W.At(i, j) * gain[j]
		}
		row[i] += 1 - alpha
	}
	return J, nil
}
