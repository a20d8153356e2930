package embed

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// checkFinite returns an error naming the first non-finite entry of X.
func checkFinite(name string, X mat.Matrix) error {
	r, c := X.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := X.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("embed: %s[%d,%d] = %v", name, i, j, v)
			}
		}
	}
	return nil
}

// checkLabels checks that there is one label per row of an n-row matrix.
func checkLabels(fn string, n int, labels []string) error {
	if len(labels) != n {
		return fmt.Errorf("embed: %s: %d labels for %d segments", fn, len(labels), n)
	}
	return nil
}
