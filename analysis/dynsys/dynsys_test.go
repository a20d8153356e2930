package dynsys

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/model"
)

func randDense(rng *rand.Rand, r, c int, scale float64) *mat.Dense {
	d := make([]float64, r*c)
	for i := range d {
		d[i] = scale * rng.NormFloat64()
	}
	return mat.NewDense(r, c, d)
}

func randVec(rng *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * rng.NormFloat64()
	}
	return v
}

// fdJacobian is the central finite-difference Jacobian of m at x with step h.
func fdJacobian(m Map, x []float64, h float64) *mat.Dense {
	n := m.Dim()
	J := mat.NewDense(n, n, nil)
	xp := make([]float64, n)
	fp := make([]float64, n)
	fm := make([]float64, n)
	for j := 0; j < n; j++ {
		copy(xp, x)
		xp[j] = x[j] + h
		m.Step(fp, xp)
		xp[j] = x[j] - h
		m.Step(fm, xp)
		for i := 0; i < n; i++ {
			J.Set(i, j, (fp[i]-fm[i])/(2*h))
		}
	}
	return J
}

// relErr is max|a − b| / max|b|.
func relErr(a, b mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(a, b)
	return mat.Norm(&d, math.Inf(1)) / mat.Norm(b, math.Inf(1))
}

// testMaps returns one instance of every map type with random parameters.
func testMaps(rng *rand.Rand) map[string]Map {
	const n, k = 9, 3
	return map[string]Map{
		"*model.Network":        &model.Network{W: randDense(rng, n, n, 1.5/3), B: randVec(rng, n, 0.5), Alpha: 0.3},
		"*model.Network/nobias": &model.Network{W: randDense(rng, n, n, 1), Alpha: 1},
		"LowRankRNN":            &model.Network{U: randDense(rng, n, k, 1), V: randDense(rng, n, k, 1), Scale: 1.0 / n, B: randVec(rng, n, 0.3), Alpha: 0.2},
		"Affine":                Affine{A: randDense(rng, n, n, 0.4), B: randVec(rng, n, 1)},
	}
}

func TestJacobianFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for name, m := range testMaps(rng) {
		if err := Validate(m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for trial := 0; trial < 5; trial++ {
			x := randVec(rng, m.Dim(), 1.2)
			// A used, wrongly filled J checks that Jacobian overwrites every entry.
			J := mat.NewDense(m.Dim(), m.Dim(), nil)
			for i := range m.Dim() {
				for j := range m.Dim() {
					J.Set(i, j, 7)
				}
			}
			m.Jacobian(J, x)
			if e := relErr(fdJacobian(m, x, 1e-5), J); e > 1e-7 {
				t.Errorf("%s trial %d: finite-difference relative error %.3g > 1e-7", name, trial, e)
			}
			var empty mat.Dense
			m.Jacobian(&empty, x)
			if !mat.Equal(&empty, J) {
				t.Errorf("%s: Jacobian into an empty matrix differs", name)
			}
		}
	}
}

// denseOnly hides a map's VJP method so that VJP falls back to the dense Jacobian.
type denseOnly struct{ Map }

func TestVJP(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for name, m := range testMaps(rng) {
		n := m.Dim()
		x := randVec(rng, n, 1)
		v := randVec(rng, n, 1)
		var J mat.Dense
		m.Jacobian(&J, x)
		want := make([]float64, n)
		for j := 0; j < n; j++ {
			for i := 0; i < n; i++ {
				want[j] += J.At(i, j) * v[i]
			}
		}
		for _, mm := range []Map{m, denseOnly{m}} {
			got := make([]float64, n)
			VJP(mm, got, x, v)
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-13*(1+math.Abs(want[i])) {
					t.Errorf("%s (%T): VJP[%d] = %v, want %v", name, mm, i, got[i], want[i])
				}
			}
		}
	}
}

func TestRateRNNStepNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 6
	r := &model.Network{W: randDense(rng, n, n, 1), B: randVec(rng, n, 1), Alpha: 0.25}
	x := randVec(rng, n, 2)
	got := make([]float64, n)
	r.Step(got, x)
	for i := 0; i < n; i++ {
		s := r.B[i]
		for j := 0; j < n; j++ {
			s += r.W.At(i, j) * math.Tanh(x[j])
		}
		want := (1-r.Alpha)*x[i] + r.Alpha*s
		if math.Abs(got[i]-want) > 1e-14 {
			t.Errorf("Step[%d] = %v, want %v", i, got[i], want)
		}
	}
}

func TestLowRankMatchesDense(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n, k = 12, 2
	lr := &model.Network{U: randDense(rng, n, k, 1), V: randDense(rng, n, k, 1), Scale: 0.7, B: randVec(rng, n, 1), Alpha: 0.4}
	var W mat.Dense
	W.Mul(lr.U, lr.V.T())
	W.Scale(lr.Scale, &W)
	dense := &model.Network{W: &W, B: lr.B, Alpha: lr.Alpha}
	x := randVec(rng, n, 1)
	a, b := make([]float64, n), make([]float64, n)
	lr.Step(a, x)
	dense.Step(b, x)
	for i := range a {
		if math.Abs(a[i]-b[i]) > 1e-13 {
			t.Errorf("Step[%d]: low rank %v, dense %v", i, a[i], b[i])
		}
	}
	var Ja, Jb mat.Dense
	lr.Jacobian(&Ja, x)
	dense.Jacobian(&Jb, x)
	if !mat.EqualApprox(&Ja, &Jb, 1e-13) {
		t.Error("low-rank and dense Jacobians differ")
	}
}

func TestConcurrentStep(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n, workers = 40, 8
	m := &model.Network{U: randDense(rng, n, 4, 1), V: randDense(rng, n, 4, 1), Scale: 0.1, Alpha: 0.5}
	xs := make([][]float64, workers)
	want := make([][]float64, workers)
	for w := range xs {
		xs[w] = randVec(rng, n, 1)
		want[w] = make([]float64, n)
		m.Step(want[w], xs[w])
	}
	var wg sync.WaitGroup
	bad := make([]bool, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := make([]float64, n)
			for range 200 {
				m.Step(dst, xs[w])
				for i := range dst {
					if dst[i] != want[w][i] {
						bad[w] = true
					}
				}
			}
		}()
	}
	wg.Wait()
	for w, b := range bad {
		if b {
			t.Errorf("worker %d saw a different Step result", w)
		}
	}
}

func TestValidate(t *testing.T) {
	nan := mat.NewDense(2, 2, []float64{1, 0, math.NaN(), 1})
	ok := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	tall := mat.NewDense(3, 2, nil)
	for name, m := range map[string]Map{
		"nil":                  nil,
		"empty *model.Network": &model.Network{Alpha: 1},
		"NaN W":                &model.Network{W: nan, Alpha: 1},
		"non-square W":         &model.Network{W: tall, Alpha: 1},
		"short B":              &model.Network{W: ok, B: []float64{1}, Alpha: 1},
		"Inf B":                &model.Network{W: ok, B: []float64{1, math.Inf(1)}, Alpha: 1},
		"zero alpha":           &model.Network{W: ok},
		"NaN alpha":            &model.Network{W: ok, Alpha: math.NaN()},
		"U/V mismatch":         &model.Network{U: tall, V: ok, Scale: 1, Alpha: 1},
		"NaN scale":            &model.Network{U: tall, V: tall, Scale: math.NaN(), Alpha: 1},
		"NaN A":                Affine{A: nan},
		"non-square A":         Affine{A: tall},
	} {
		if err := Validate(m); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := Validate(&model.Network{W: ok, B: []float64{1, 2}, Alpha: 0.1}); err != nil {
		t.Errorf("valid *model.Network: %v", err)
	}
}
