package dynsys

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// checkFinite returns an error naming the first NaN or ±Inf entry of the r×c matrix a.
func checkFinite(what, name string, a *mat.Dense) error {
	r, _ := a.Dims()
	for i := 0; i < r; i++ {
		for j, v := range a.RawRowView(i) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("dynsys: %s: %s[%d,%d] = %v", what, name, i, j, v)
			}
		}
	}
	return nil
}

// checkBias returns an error unless b is nil or a finite vector of length n.
func checkBias(what string, b []float64, n int) error {
	if b == nil {
		return nil
	}
	if len(b) != n {
		return fmt.Errorf("dynsys: %s: B has length %d, want %d", what, len(b), n)
	}
	for i, v := range b {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("dynsys: %s: B[%d] = %v", what, i, v)
		}
	}
	return nil
}
