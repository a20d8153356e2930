package embed

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// scaler standardises features with the mean and population standard deviation of a training set.
type scaler struct {
	mean, sd []float64
}

// fitScaler computes each column's mean and standard deviation over the given rows of X. A
// constant column gets sd 1, so it maps to zero instead of dividing by zero.
func fitScaler(X mat.Matrix, rows []int) scaler {
	_, d := X.Dims()
	s := scaler{mean: make([]float64, d), sd: make([]float64, d)}
	n := float64(len(rows))
	for j := 0; j < d; j++ {
		var m float64
		for _, i := range rows {
			m += X.At(i, j)
		}
		m /= n
		var ss float64
		for _, i := range rows {
			v := X.At(i, j) - m
			ss += v * v
		}
		s.mean[j] = m
		s.sd[j] = math.Sqrt(ss / n)
		if s.sd[j] == 0 {
			s.sd[j] = 1
		}
	}
	return s
}

// apply returns the given rows of X standardised, len(rows)×d.
func (s scaler) apply(X mat.Matrix, rows []int) *mat.Dense {
	d := len(s.mean)
	Z := mat.NewDense(len(rows), d, nil)
	for r, i := range rows {
		z := Z.RawRowView(r)
		for j := range z {
			z[j] = (X.At(i, j) - s.mean[j]) / s.sd[j]
		}
	}
	return Z
}
