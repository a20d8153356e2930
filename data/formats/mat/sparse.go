package mat

import (
	"fmt"
	"math"
)

// maxSparseDense bounds the dense size of a sparse matrix (1 GiB of float64): expanding a
// forged 10^6×10^6 matrix must not exhaust memory.
var maxSparseDense = 1 << 27

// denseFromCSC expands an m×n sparse matrix in compressed-column form — row indices ir
// (0-based), column starts jc (n+1 values, from 0 to the number of non-zeros) — with the values
// of each of vals (the real and, for a complex matrix, imaginary parts) to dense row-major
// arrays. MAT v5 and v7.3 files both store sparse matrices this way.
func denseFromCSC(m, n int, ir, jc []float64, vals ...[]float64) ([][]float64, error) {
	if m < 0 || n < 0 || n > 0 && m > maxSparseDense/n {
		return nil, fmt.Errorf("sparse matrix %d×%d has more than %d elements to expand to dense", m, n, maxSparseDense)
	}
	if len(jc) != n+1 {
		return nil, fmt.Errorf("sparse column starts: %d values for %d columns, want %d", len(jc), n, n+1)
	}
	for j, v := range jc {
		if v != math.Trunc(v) {
			return nil, fmt.Errorf("sparse column start %d is %v, not an integer", j, v)
		}
	}
	if jc[0] != 0 || jc[n] < 0 || jc[n] > float64(len(ir)) {
		return nil, fmt.Errorf("sparse column starts run from %v to %v, want 0 to at most %d", jc[0], jc[n], len(ir))
	}
	nnz := int(jc[n])
	for j := 0; j < n; j++ {
		if jc[j+1] < jc[j] {
			return nil, fmt.Errorf("sparse column starts decrease at column %d", j+1)
		}
	}
	for k := 0; k < nnz; k++ {
		if ir[k] < 0 || ir[k] >= float64(m) || ir[k] != math.Trunc(ir[k]) {
			return nil, fmt.Errorf("sparse row index %v out of range [0, %d)", ir[k], m)
		}
	}
	out := make([][]float64, len(vals))
	for i, v := range vals {
		if len(v) < nnz {
			return nil, fmt.Errorf("sparse values: %d, need %d", len(v), nnz)
		}
		dense := make([]float64, m*n)
		for j := 0; j < n; j++ {
			for k := int(jc[j]); k < int(jc[j+1]); k++ {
				dense[int(ir[k])*n+j] = v[k]
			}
		}
		out[i] = dense
	}
	return out, nil
}
