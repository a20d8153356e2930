package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func testAdjoint[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	decay, alpha := T(0.9), T(0.1)
	for _, n := range vecLengths {
		next, r, g, d := randSlice[T](rng, n), randSlice[T](rng, n+1), randSlice[T](rng, n), randSlice[T](rng, n+3)
		for i := range r {
			r[i] = T(math.Tanh(float64(r[i])))
		}
		cur := randSlice[T](rng, n)
		Adjoint(cur, next, r, g, d, decay, alpha)
		for i := range n {
			ri := float64(r[i])
			want := float64(decay)*float64(next[i]) + (1-ri*ri)*(float64(alpha)*float64(g[i])+float64(d[i]))
			mag := math.Abs(float64(decay)*float64(next[i])) + math.Abs(float64(alpha)*float64(g[i])) + math.Abs(float64(d[i]))
			if math.Abs(float64(cur[i])-want) > 4*tolerance[T](1)*(mag+1e-30) {
				t.Fatalf("n=%d: cur[%d] = %v, want %v", n, i, cur[i], want)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Adjoint accepted a short slice")
		}
	}()
	Adjoint(make([]T, 4), make([]T, 4), make([]T, 3), make([]T, 4), make([]T, 4), decay, alpha)
}

// TestAdjoint checks the adjoint step against float64 arithmetic, with the assembly loop
// (where the CPU has it) and with the portable one.
func TestAdjoint(t *testing.T) {
	t.Run("default", func(t *testing.T) {
		testAdjoint[float32](t)
		testAdjoint[float64](t)
	})
	a := adjoint32Block
	adjoint32Block = nil
	defer func() { adjoint32Block = a }()
	t.Run("generic", func(t *testing.T) { testAdjoint[float32](t) })
}
