package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// withVecImpls runs f once with the assembly loops (where the CPU has them) and once with the
// portable Go loops.
func withVecImpls(t *testing.T, f func(t *testing.T)) {
	t.Run("default", f)
	d32, d64, a32, a64 := dot32Fast, dot64Fast, axpy32Fast, axpy64Fast
	dot32Fast, dot64Fast, axpy32Fast, axpy64Fast = nil, nil, nil, nil
	defer func() { dot32Fast, dot64Fast, axpy32Fast, axpy64Fast = d32, d64, a32, a64 }()
	t.Run("generic", f)
}

var vecLengths = []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 257, 1000}

func testDotAxpy[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range vecLengths {
		x := randSlice[T](rng, n)
		y := randSlice[T](rng, n+2)
		var want, mag float64
		for i := range n {
			want += float64(x[i]) * float64(y[i])
			mag += math.Abs(float64(x[i]) * float64(y[i]))
		}
		if got := float64(Dot(x, y)); math.Abs(got-want) > tolerance[T](n)*mag {
			t.Errorf("n=%d: Dot = %v, want %v", n, got, want)
		}
		alpha := T(-1.5)
		orig := append([]T(nil), y...)
		Axpy(alpha, x, y)
		for i := range y {
			w := float64(orig[i])
			if i < n {
				w += float64(alpha) * float64(x[i])
			}
			if math.Abs(float64(y[i])-w) > tolerance[T](1)*(math.Abs(w)+1) {
				t.Fatalf("n=%d: Axpy y[%d] = %v, want %v", n, i, y[i], w)
			}
		}
	}
}

func TestDotAxpy(t *testing.T) {
	withVecImpls(t, func(t *testing.T) {
		testDotAxpy[float32](t)
		testDotAxpy[float64](t)
	})
}

func testGemv[T Float](t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	shapes := [][2]int{{0, 0}, {0, 3}, {3, 0}, {1, 1}, {5, 7}, {33, 17}, {64, 64}, {9, 130}}
	for _, s := range shapes {
		m, n := s[0], s[1]
		for _, trans := range []bool{false, true} {
			for _, ab := range [][2]float64{{1, 0}, {0.5, -2}, {0, 3}} {
				alpha, beta := T(ab[0]), T(ab[1])
				lda := n + 3
				a := randSlice[T](rng, max(0, m*lda))
				lx, ly := n, m
				if trans {
					lx, ly = m, n
				}
				x := randSlice[T](rng, lx)
				y := randSlice[T](rng, ly)
				if beta == 0 {
					for i := range y {
						y[i] = T(math.NaN())
					}
				}
				// The reference is op(A)·x as a GEMM with a single column.
				want, mag := naiveGemm(trans, false, ly, 1, lx, alpha, a, max(1, lda), x, 1, beta, y, 1)
				Gemv(trans, m, n, alpha, a, lda, x, beta, y)
				for i := range y {
					if !(math.Abs(float64(y[i])-want[i]) <= tolerance[T](lx)*mag[i]) {
						t.Fatalf("m=%d n=%d trans=%v alpha=%v beta=%v: y[%d] = %v, want %v", m, n, trans, alpha, beta, i, y[i], want[i])
					}
				}
			}
		}
	}
}

func TestGemv(t *testing.T) {
	withVecImpls(t, func(t *testing.T) {
		testGemv[float32](t)
		testGemv[float64](t)
	})
}

func TestVecPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Dot":  func() { Dot(make([]float32, 3), make([]float32, 2)) },
		"Axpy": func() { Axpy(1, make([]float64, 3), make([]float64, 2)) },
		"Gemv": func() { Gemv(false, 2, 2, 1, make([]float32, 4), 2, make([]float32, 2), 0, make([]float32, 1)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic on short slice", name)
				}
			}()
			f()
		}()
	}
}

func BenchmarkDot32(b *testing.B) {
	for _, n := range []int{64, 256, 4096} {
		x, y := make([]float32, n), make([]float32, n)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var s float32
			for b.Loop() {
				s += Dot(x, y)
			}
			b.ReportMetric(2*float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func BenchmarkGemv32(b *testing.B) {
	const n = 256
	a, x, y := make([]float32, n*n), make([]float32, n), make([]float32, n)
	for _, trans := range []bool{false, true} {
		b.Run(fmt.Sprintf("256x256/trans=%v", trans), func(b *testing.B) {
			for b.Loop() {
				Gemv(trans, n, n, 1, a, n, x, 0, y)
			}
			b.ReportMetric(2*n*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

func ExampleGemv() {
	// y = W·x for a 2×3 W.
	w := []float64{
		1, 2, 3,
		0, 1, 0,
	}
	x := []float64{1, 1, 2}
	y := make([]float64, 2)
	Gemv(false, 2, 3, 1, w, 3, x, 0, y)
	fmt.Println(y)
	// Output: [9 1]
}
