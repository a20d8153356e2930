package embed

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// correlatedData returns n×p data with decreasing variance along random orthogonal axes and an
// offset, so that centring matters.
func correlatedData(rng *rand.Rand, n, p int) *mat.Dense {
	Z := mat.NewDense(n, p, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			Z.Set(i, j, float64(p-j)*rng.NormFloat64())
		}
	}
	A := mat.NewDense(p, p, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < p; j++ {
			A.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(A)
	var Q mat.Dense
	qr.QTo(&Q)
	X := mat.NewDense(n, p, nil)
	X.Mul(Z, Q.T())
	for i := 0; i < n; i++ {
		for j := 0; j < p; j++ {
			X.Set(i, j, X.At(i, j)+float64(10*j+3))
		}
	}
	return X
}

// The reference is the eigendecomposition of the sample covariance, computed independently of
// the SVD used by PCA.
func TestPCAAgainstCovarianceEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const n, p, k = 60, 5, 3
	X := correlatedData(rng, n, p)
	scores, comps, explained, err := PCA(X, k)
	if err != nil {
		t.Fatal(err)
	}

	Xc := mat.DenseCopyOf(X)
	for j := 0; j < p; j++ {
		var m float64
		for i := 0; i < n; i++ {
			m += X.At(i, j)
		}
		m /= n
		for i := 0; i < n; i++ {
			Xc.Set(i, j, X.At(i, j)-m)
		}
	}
	var cov mat.SymDense
	cov.SymOuterK(1.0/(n-1), Xc.T())
	var es mat.EigenSym
	if !es.Factorize(&cov, true) {
		t.Fatal("EigenSym failed")
	}
	vals := es.Values(nil) // ascending
	var vecs mat.Dense
	es.VectorsTo(&vecs)
	var total float64
	for _, v := range vals {
		total += v
	}
	for c := 0; c < k; c++ {
		ref := mat.Col(nil, p-1-c, &vecs)
		got := mat.Col(nil, c, comps)
		// Same axis up to sign.
		var dot float64
		for i := range ref {
			dot += ref[i] * got[i]
		}
		if math.Abs(math.Abs(dot)-1) > 1e-10 {
			t.Errorf("component %d: |⟨v, v_ref⟩| = %v, want 1", c, math.Abs(dot))
		}
		if want := vals[p-1-c] / total; math.Abs(explained[c]-want) > 1e-12 {
			t.Errorf("explained[%d] = %v, covariance eigenvalue ratio %v", c, explained[c], want)
		}
		// Sign convention: the largest-magnitude loading is positive.
		best := 0
		for i := range got {
			if math.Abs(got[i]) > math.Abs(got[best]) {
				best = i
			}
		}
		if got[best] <= 0 {
			t.Errorf("component %d: largest loading %v is not positive", c, got[best])
		}
	}
	var want mat.Dense
	want.Mul(Xc, comps)
	if !mat.EqualApprox(scores, &want, 1e-10) {
		t.Error("scores are not the centred data projected on the components")
	}
	// Scores are uncorrelated with variances equal to the covariance eigenvalues.
	for a := 0; a < k; a++ {
		for b := 0; b < k; b++ {
			var s float64
			for i := 0; i < n; i++ {
				s += scores.At(i, a) * scores.At(i, b)
			}
			s /= n - 1
			ref := 0.0
			if a == b {
				ref = vals[p-1-a]
			}
			if math.Abs(s-ref) > 1e-9 {
				t.Errorf("score covariance [%d,%d] = %v, want %v", a, b, s, ref)
			}
		}
	}
}

// Negating the data leaves the axes (after the sign convention) unchanged and negates the scores.
func TestPCASignDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	X := correlatedData(rng, 30, 4)
	var negX mat.Dense
	negX.Scale(-1, X)
	s1, c1, e1, err := PCA(X, 4)
	if err != nil {
		t.Fatal(err)
	}
	s2, c2, e2, err := PCA(&negX, 4)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.EqualApprox(c1, c2, 1e-12) {
		t.Error("components of −X differ from those of X")
	}
	var negS mat.Dense
	negS.Scale(-1, s2)
	if !mat.EqualApprox(s1, &negS, 1e-10) {
		t.Error("scores of −X are not the negated scores of X")
	}
	var sum float64
	for i := range e1 {
		sum += e1[i]
		if math.Abs(e1[i]-e2[i]) > 1e-14 {
			t.Errorf("explained differ: %v, %v", e1, e2)
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("all components explain %v of the variance, want 1", sum)
	}
}

func TestPCABadInput(t *testing.T) {
	X := mat.NewDense(3, 2, []float64{1, 2, 3, 4, 5, 6})
	if _, _, _, err := PCA(X, 0); err == nil {
		t.Error("k = 0: no error")
	}
	if _, _, _, err := PCA(X, 3); err == nil {
		t.Error("k > p: no error")
	}
	if _, _, _, err := PCA(mat.NewDense(1, 2, []float64{1, 2}), 1); err == nil {
		t.Error("one row: no error")
	}
	if _, _, _, err := PCA(mat.NewDense(2, 2, []float64{1, 2, 1, 2}), 1); err == nil {
		t.Error("zero variance: no error")
	}
	if _, _, _, err := PCA(mat.NewDense(2, 2, []float64{1, math.NaN(), 1, 2}), 1); err == nil {
		t.Error("NaN: no error")
	}
}
