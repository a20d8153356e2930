package embed

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// PCA returns the first k principal components of the rows of X (n×p, n ≥ 2 observations of p
// variables, 1 ≤ k ≤ min(n, p)).
//
// With X_c = X − 1 x̄ᵀ the column-centred data and X_c = U Σ Vᵀ its thin singular value
// decomposition (σ_1 ≥ σ_2 ≥ …):
//   - components is p×k, the first k columns of V (unit principal axes);
//   - scores is n×k, X_c V_k = U_k Σ_k, the coordinates of each row on those axes;
//   - explained has length k, σ_i² / Σ_j σ_j², each component's fraction of the total variance.
//
// The sign of each axis is fixed so that its entry of largest magnitude is positive (the first
// such entry on ties), so results do not depend on the SVD routine's sign choice. It is an error
// for X to have zero variance.
func PCA(X mat.Matrix, k int) (scores, components *mat.Dense, explained []float64, err error) {
	n, p := X.Dims()
	if n < 2 {
		return nil, nil, nil, fmt.Errorf("embed: PCA needs at least 2 rows, got %d", n)
	}
	if k < 1 || k > min(n, p) {
		return nil, nil, nil, fmt.Errorf("embed: PCA: k = %d outside [1, min(n, p) = %d]", k, min(n, p))
	}
	if err := checkFinite("X", X); err != nil {
		return nil, nil, nil, err
	}
	Xc := mat.DenseCopyOf(X)
	for j := 0; j < p; j++ {
		col := mat.Col(nil, j, Xc)
		var mean float64
		for _, v := range col {
			mean += v
		}
		mean /= float64(n)
		for i := 0; i < n; i++ {
			Xc.Set(i, j, col[i]-mean)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(Xc, mat.SVDThinV) {
		return nil, nil, nil, fmt.Errorf("embed: PCA: the SVD of the %d×%d data did not converge", n, p)
	}
	sv := svd.Values(nil)
	var total float64
	for _, s := range sv {
		total += s * s
	}
	if total == 0 {
		return nil, nil, nil, fmt.Errorf("embed: PCA: the data have zero variance")
	}
	var V mat.Dense
	svd.VTo(&V)
	components = mat.DenseCopyOf(V.Slice(0, p, 0, k))
	for c := 0; c < k; c++ {
		best := 0
		for i := 1; i < p; i++ {
			if math.Abs(components.At(i, c)) > math.Abs(components.At(best, c)) {
				best = i
			}
		}
		if components.At(best, c) < 0 {
			for i := 0; i < p; i++ {
				components.Set(i, c, -components.At(i, c))
			}
		}
	}
	scores = mat.NewDense(n, k, nil)
	scores.Mul(Xc, components)
	explained = make([]float64, k)
	for i := range explained {
		explained[i] = sv[i] * sv[i] / total
	}
	return scores, components, explained, nil
}
