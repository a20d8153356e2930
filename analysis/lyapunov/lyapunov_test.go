package lyapunov

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/analysis/dynsys"
	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/model"
)

// henon is the Hénon map (x, y) ↦ (1 − a x² + y, b x).
type henon struct{ a, b float64 }

func (h henon) Dim() int { return 2 }

func (h henon) Step(dst, x []float64) {
	dst[0] = 1 - h.a*x[0]*x[0] + x[1]
	dst[1] = h.b * x[0]
}

func (h henon) Jacobian(J *mat.Dense, x []float64) {
	if J.IsEmpty() {
		J.ReuseAs(2, 2)
	}
	J.Set(0, 0, -2*h.a*x[0])
	J.Set(0, 1, 1)
	J.Set(1, 0, h.b)
	J.Set(1, 1, 0)
}

// TestLinear: for x ↦ Ax the exponents are log|λᵢ(A)|, here with A = S blockdiag(…) S⁻¹
// holding real eigenvalues and a complex pair of modulus 0.8.
func TestLinear(t *testing.T) {
	const n = 6
	rng := rand.New(rand.NewPCG(1, 1))
	D := mat.NewDense(n, n, nil)
	for i, l := range []float64{1.2, 0.9, -0.5, 0.3} {
		D.Set(i, i, l)
	}
	r, th := 0.8, 0.7
	D.Set(4, 4, r*math.Cos(th))
	D.Set(4, 5, -r*math.Sin(th))
	D.Set(5, 4, r*math.Sin(th))
	D.Set(5, 5, r*math.Cos(th))
	S := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			S.Set(i, j, 0.3*rng.NormFloat64())
		}
		S.Set(i, i, S.At(i, i)+1)
	}
	var Si, A mat.Dense
	if err := Si.Inverse(S); err != nil {
		t.Fatal(err)
	}
	A.Mul(S, D)
	A.Mul(&A, &Si)
	want := []float64{math.Log(1.2), math.Log(0.9), math.Log(0.8), math.Log(0.8), math.Log(0.5), math.Log(0.3)}
	m := dynsys.Affine{A: &A}
	got, err := Spectrum(m, make([]float64, n), 5000, 0, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 2e-3 {
			t.Errorf("exponent %d = %.5f, want %.5f", i, got[i], want[i])
		}
	}
	top, err := Spectrum(m, make([]float64, n), 5000, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range top {
		if math.Abs(top[i]-want[i]) > 2e-3 {
			t.Errorf("k = 3: exponent %d = %.5f, want %.5f", i, top[i], want[i])
		}
	}
}

// TestHenon: the classic values λ₁ ≈ 0.419, λ₂ ≈ −1.623 for a = 1.4, b = 0.3; and since
// det J = −b everywhere, λ₁ + λ₂ = log b up to round-off.
func TestHenon(t *testing.T) {
	h := henon{1.4, 0.3}
	got, err := Spectrum(h, []float64{0.1, 0.1}, 100000, 1000, 2)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got[0]-0.419) > 0.02 || math.Abs(got[1]+1.623) > 0.02 {
		t.Errorf("Hénon exponents %v, want ≈ [0.419 −1.623]", got)
	}
	if s := got[0] + got[1]; math.Abs(s-math.Log(0.3)) > 1e-10 {
		t.Errorf("λ₁ + λ₂ = %v, want log 0.3 = %v", s, math.Log(0.3))
	}

	// The same orbit handed over as states gives the same numbers as Spectrum started on it
	// without burn-in (the frame then starts from the same random directions).
	x := []float64{0.1, 0.1}
	for range 1000 {
		next := make([]float64, 2)
		h.Step(next, x)
		x = next
	}
	if got, err = Spectrum(h, x, 100000, 0, 2); err != nil {
		t.Fatal(err)
	}
	traj := make([][]float64, 100000)
	for i := range traj {
		traj[i] = x
		next := make([]float64, 2)
		h.Step(next, x)
		x = next
	}
	along, err := SpectrumAlong(h, traj, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(along, got) {
		t.Errorf("SpectrumAlong %v, Spectrum %v", along, got)
	}
}

func randomRNN(rng *rand.Rand, n int, g, alpha float64) *model.Network {
	w := make([]float64, n*n)
	for i := range w {
		w[i] = g / math.Sqrt(float64(n)) * rng.NormFloat64()
	}
	return &model.Network{W: mat.NewDense(n, n, w), Alpha: alpha}
}

// TestRateRNNSmallGain: with gain 0.5 and no bias the orbit falls into the stable fixed point
// 0, so the exponents are log|μᵢ| of the eigenvalues μ of J(0) = (1 − α)I + αW.
func TestRateRNNSmallGain(t *testing.T) {
	const n = 20
	rng := rand.New(rand.NewPCG(2, 2))
	m := randomRNN(rng, n, 0.5, 0.5)
	x0 := make([]float64, n)
	for i := range x0 {
		x0[i] = rng.NormFloat64()
	}
	got, err := Spectrum(m, x0, 3000, 200, n)
	if err != nil {
		t.Fatal(err)
	}
	var J mat.Dense
	m.Jacobian(&J, make([]float64, n))
	var eig mat.Eigen
	if !eig.Factorize(&J, mat.EigenNone) {
		t.Fatal("eigen decomposition failed")
	}
	var want []float64
	for _, mu := range eig.Values(nil) {
		want = append(want, math.Log(cmplx.Abs(mu)))
	}
	slices.Sort(want)
	slices.Reverse(want)
	for i := range want {
		if got[i] >= 0 || math.Abs(got[i]-want[i]) > 5e-3 {
			t.Errorf("exponent %d = %.5f, want %.5f (< 0)", i, got[i], want[i])
		}
	}
}

// TestRateRNNLargeGain: with gain 3 and α = 1 (x ↦ W tanh x) the network is chaotic: the
// largest exponent is clearly positive (≈ 0.2 for this size; with α = 0.5 and only 40 units
// some seeds settle on a cycle, with exponent ≈ 0, so α = 1 is used). The sum of all exponents must equal the mean of log|det J| along the same orbit.
func TestRateRNNLargeGain(t *testing.T) {
	const n, steps, burn = 40, 2000, 500
	rng := rand.New(rand.NewPCG(3, 3))
	m := randomRNN(rng, n, 3, 1)
	x0 := make([]float64, n)
	for i := range x0 {
		x0[i] = rng.NormFloat64()
	}
	got, err := Spectrum(m, x0, steps, burn, n)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] < 0.1 {
		t.Errorf("largest exponent %.4f, want clearly positive", got[0])
	}
	var sum float64
	for _, l := range got {
		sum += l
	}
	x := slices.Clone(x0)
	next := make([]float64, n)
	var logDet float64
	var J mat.Dense
	for t := range burn + steps {
		if t >= burn {
			m.Jacobian(&J, x)
			var lu mat.LU
			lu.Factorize(&J)
			ld, _ := lu.LogDet()
			logDet += ld
		}
		m.Step(next, x)
		x, next = next, x
	}
	if want := logDet / steps; math.Abs(sum-want) > 1e-9*math.Abs(want) {
		t.Errorf("Σλ = %v, mean log|det J| = %v", sum, want)
	}
	top, err := Spectrum(m, x0, steps, burn, 1)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(top[0]-got[0]) > 0.02 {
		t.Errorf("k = 1 gives %.4f, k = n gives %.4f", top[0], got[0])
	}
}

func TestErrors(t *testing.T) {
	m := dynsys.Affine{A: mat.NewDense(2, 2, []float64{1, 0, 0, 1})}
	x := []float64{0, 0}
	for name, f := range map[string]func() error{
		"nil map":   func() error { _, err := Spectrum(nil, x, 10, 0, 1); return err },
		"k = 0":     func() error { _, err := Spectrum(m, x, 10, 0, 0); return err },
		"k > n":     func() error { _, err := Spectrum(m, x, 10, 0, 3); return err },
		"steps = 0": func() error { _, err := Spectrum(m, x, 0, 0, 1); return err },
		"burn < 0":  func() error { _, err := Spectrum(m, x, 1, -1, 1); return err },
		"short x0":  func() error { _, err := Spectrum(m, []float64{0}, 1, 0, 1); return err },
		"NaN x0":    func() error { _, err := Spectrum(m, []float64{0, math.NaN()}, 1, 0, 1); return err },
		"diverges": func() error {
			_, err := Spectrum(dynsys.Affine{A: mat.NewDense(1, 1, []float64{1e200})}, []float64{1}, 10, 0, 1)
			return err
		},
		"empty traj":  func() error { _, err := SpectrumAlong(m, nil, 1); return err },
		"ragged traj": func() error { _, err := SpectrumAlong(m, [][]float64{{0, 0}, {0}}, 1); return err },
		"Inf traj":    func() error { _, err := SpectrumAlong(m, [][]float64{{math.Inf(1), 0}}, 1); return err },
	} {
		if f() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestBurnAlignsFrame: the burn-in must also turn the tangent frame towards the leading
// directions. For a linear map with close eigenvalues (1 and 0.95, and a non-normal coupling)
// a short average from a random frame is biased; after the burn-in it is exact to rounding.
func TestBurnAlignsFrame(t *testing.T) {
	A := mat.NewDense(3, 3, []float64{
		1, 2, 0.5,
		0, 0.95, 1,
		0, 0, 0.5,
	})
	want := []float64{0, math.Log(0.95), math.Log(0.5)}
	m := dynsys.Affine{A: A}
	aligned, err := Spectrum(m, []float64{0, 0, 0}, 20, 3000, 3)
	if err != nil {
		t.Fatal(err)
	}
	cold, err := Spectrum(m, []float64{0, 0, 0}, 20, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	var errAligned, errCold float64
	for i := range want {
		errAligned = math.Max(errAligned, math.Abs(aligned[i]-want[i]))
		errCold = math.Max(errCold, math.Abs(cold[i]-want[i]))
	}
	if errAligned > 1e-6 {
		t.Errorf("after burn-in: exponents %v, want %v", aligned, want)
	}
	// The test must be able to tell: from the random frame, 20 steps are visibly off.
	if errCold < 1e-2 {
		t.Errorf("without burn-in the error is only %g: the map does not test the alignment", errCold)
	}
}

// jacobianOnly hides a map's JVP, so that Spectrum builds the dense Jacobian.
type jacobianOnly struct{ dynsys.Map }

// TestJVPPathMatchesJacobian: a low-rank network carries the frame through its O(N·R) JVP; the
// exponents must equal those from the dense N×N Jacobian.
func TestJVPPathMatchesJacobian(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, r = 40, 3
	U, V := mat.NewDense(n, r, nil), mat.NewDense(n, r, nil)
	for i := range n {
		for j := range r {
			U.Set(i, j, 2*rng.NormFloat64())
			V.Set(i, j, 2*rng.NormFloat64())
		}
	}
	net := &model.Network{U: U, V: V, Scale: 1.0 / n, Alpha: 0.5}
	x0 := make([]float64, n)
	for i := range x0 {
		x0[i] = rng.NormFloat64()
	}
	fast, err := Spectrum(net, x0, 300, 50, 5)
	if err != nil {
		t.Fatal(err)
	}
	dense, err := Spectrum(jacobianOnly{net}, x0, 300, 50, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fast {
		if math.Abs(fast[i]-dense[i]) > 1e-9 {
			t.Errorf("exponent %d: %v through the JVP, %v through the Jacobian", i, fast[i], dense[i])
		}
	}
}

// BenchmarkLowRank times 100 QR steps of k = 10 exponents of a rank-4 network of 256 units,
// through its JVP and through the dense Jacobian:
// go test -bench LowRank -run '^$' ./analysis/lyapunov/
func BenchmarkLowRank(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n, r = 256, 4
	U, V := mat.NewDense(n, r, nil), mat.NewDense(n, r, nil)
	for i := range n {
		for j := range r {
			U.Set(i, j, 2*rng.NormFloat64())
			V.Set(i, j, 2*rng.NormFloat64())
		}
	}
	net := &model.Network{U: U, V: V, Scale: 1.0 / n, Alpha: 0.2}
	x0 := make([]float64, n)
	for i := range x0 {
		x0[i] = rng.NormFloat64()
	}
	for name, m := range map[string]dynsys.Map{"jvp": net, "jacobian": jacobianOnly{net}} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Spectrum(m, x0, 100, 0, 10); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
