package lyapunov

import (
	"cmp"
	"math"
	"math/cmplx"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
)

// The exponents of an affine map x ↦ A x + b are log |λ_i(A)|; A is upper triangular and not
// normal, so the tangent basis must really be re-orthonormalised to find them.
func TestLyapunov(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 24, 20, 8)
	segs, err := plugin.TrainingSegments(tt.F, tt.DS)
	if err != nil {
		t.Fatal(err)
	}
	fps, err := fixedpoints.Analyze(tt.F, tt.DS, segs, "cluster", fixedpoints.Options{Starts: 32})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(tt.F, tt.DS, segs, "cluster", Options{K: 4, Steps: 400, Transient: 100, Starts: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Groups) != 3 {
		t.Fatalf("%d groups", len(a.Groups))
	}
	for _, g := range a.Groups {
		if len(g.Exponents) != 4 || g.Starts != 2 {
			t.Fatalf("group %s: %d exponents from %d starts", g.Group, len(g.Exponents), g.Starts)
		}
		for k := range g.Exponents {
			if math.Abs(g.Exponents[k]-g.PerStep[k]/tt.DS.Dt) > 1e-9 {
				t.Errorf("per second %v is not per step %v / dt", g.Exponents[k], g.PerStep[k])
			}
		}
		// The toy networks settle on a stable fixed point (TestFixedPoints), where the exponents
		// are the log-moduli of the eigenvalues of the Jacobian there, largest first.
		fp := fps.Networks[slices.IndexFunc(fps.Networks, func(n fixedpoints.Network) bool { return n.Group == g.Group })]
		if len(fp.Points) != 1 {
			t.Fatalf("group %s: %d fixed points, the test expects one", g.Group, len(fp.Points))
		}
		net, _ := tt.F.Network(fp.Embedding)
		var J mat.Dense
		net.Jacobian(&J, fp.Points[0].X)
		eigs, _ := model.Eigenvalues(&J)
		for k := range g.PerStep {
			if want := math.Log(cmplx.Abs(eigs[k])); math.Abs(g.PerStep[k]-want) > 1e-3 {
				t.Errorf("group %s: exponents per step %.5f, log-moduli of the Jacobian's eigenvalues %.5f", g.Group, g.PerStep, want)
				break
			}
		}
	}
	if _, err := Analyze(tt.F, tt.DS, segs, "cluster", Options{K: 99}); err == nil {
		t.Error("more exponents than units: no error")
	}
}

// For the linear cell with the context as input, every value's network is the linear map
// x ↦ ((1 − α) I + α W) x + α (b + B u): its exponents are the log-moduli of the eigenvalues of
// (1 − α) I + α W, here from gonum's eigendecomposition of the explicit W (none of the
// hypernetwork's low-rank shortcuts), whatever the state and whatever the input.
func TestLyapunovLinearCell(t *testing.T) {
	c := toyfit.Config()
	c.Cell, c.I = model.CellLinear, 3
	tt := toyfit.New(t, c, 24, 20, 8)
	segs, err := plugin.TrainingSegments(tt.F, tt.DS)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(tt.F, tt.DS, segs, "cluster", Options{K: 4, Steps: 4000, Transient: 200, Starts: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range a.Groups {
		net, err := tt.F.Network(g.Embedding)
		if err != nil {
			t.Fatal(err)
		}
		N := net.Dim()
		J := mat.NewDense(N, N, nil)
		J.Scale(net.Alpha, net.Dense())
		for i := range N {
			J.Set(i, i, J.At(i, i)+1-net.Alpha)
		}
		var eig mat.Eigen
		if !eig.Factorize(J, mat.EigenNone) {
			t.Fatal("eigendecomposition failed")
		}
		var want []float64
		for _, l := range eig.Values(nil) {
			want = append(want, math.Log(cmplx.Abs(l)))
		}
		slices.SortFunc(want, func(x, y float64) int { return cmp.Compare(y, x) })
		for k := range g.PerStep {
			if math.Abs(g.PerStep[k]-want[k]) > 2e-4 { // the QR estimate converges as 1/Steps
				t.Errorf("group %s: exponents per step %.6f, log-moduli of the eigenvalues of (1 − α) I + α W %.6f", g.Group, g.PerStep, want[:len(g.PerStep)])
				break
			}
		}
	}
}
