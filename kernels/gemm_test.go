package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jedi-neuro/jedi/internal/par"
)

// naiveGemm is the float64 triple loop that every implementation is checked against. It also
// returns, per element of C, the sum of the magnitudes of the terms, which scales the
// rounding error any summation order can make.
func naiveGemm[T Float](transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) (want, mag []float64) {
	want = make([]float64, m*n)
	mag = make([]float64, m*n)
	for i := range m {
		for j := range n {
			var s, sa float64
			for p := range k {
				ia, ib := i*lda+p, p*ldb+j
				if transA {
					ia = p*lda + i
				}
				if transB {
					ib = j*ldb + p
				}
				ai, bj := a[ia], b[ib]
				s += float64(ai) * float64(bj)
				sa += math.Abs(float64(ai) * float64(bj))
			}
			v := float64(alpha) * s
			sa *= math.Abs(float64(alpha))
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
				sa += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			want[i*n+j], mag[i*n+j] = v, sa
		}
	}
	return want, mag
}

// gemmFunc is Gemm or one of the internal implementations under test.
type gemmFunc[T Float] func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// implementations returns Gemm itself, every native arch for T, and each of those with tiny cache
// blocks so that small tests run every loop of the driver more than once.
func implementations[T Float]() map[string]gemmFunc[T] {
	impls := map[string]gemmFunc[T]{"Gemm": Gemm[T]}
	var archs []*arch[T]
	if is32[T]() {
		archs = any([]*arch[float32]{genericArch[float32](), arch32, narrow32}).([]*arch[T])
	} else {
		archs = any([]*arch[float64]{genericArch[float64](), arch64, narrow64}).([]*arch[T])
	}
	for _, ar := range archs {
		if ar == nil {
			continue
		}
		tiny := &arch[T]{name: ar.name + "-tiny", mr: ar.mr, nr: ar.nr, mc: 2 * ar.mr, kc: 5, nc: 3 * ar.nr, kernel: ar.kernel}
		for _, ar := range []*arch[T]{ar, tiny} {
			impls[ar.name] = func(transA, transB bool, m, n, k int, alpha T, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int) {
				checkGemm(transA, transB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
				if m > 0 && n > 0 {
					gemmNative(ar, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
				}
			}
		}
	}
	return impls
}

// tolerance is the allowed |error| relative to the sum of term magnitudes: a few units of
// rounding times √k, the growth of a sum of k rounded terms.
func tolerance[T Float](k int) float64 {
	u := 0x1p-53
	if is32[T]() {
		u = 0x1p-24
	}
	return 16 * u * math.Sqrt(float64(k+1))
}

type gemmCase struct {
	m, n, k        int
	transA, transB bool
	pad            int // extra stride beyond the logical row width
	alpha, beta    float64
	nanC           bool // fill C with NaN (only with beta == 0)
}

func (tc gemmCase) String() string {
	return fmt.Sprintf("m=%d,n=%d,k=%d,tA=%v,tB=%v,pad=%d,alpha=%g,beta=%g,nanC=%v",
		tc.m, tc.n, tc.k, tc.transA, tc.transB, tc.pad, tc.alpha, tc.beta, tc.nanC)
}

// gemmCases covers odd and skinny shapes, zero sizes, strides wider than rows, every transpose
// combination and the alpha/beta special cases.
func gemmCases() []gemmCase {
	shapes := [][3]int{
		{1, 1, 1}, {7, 13, 5}, {6, 16, 7}, {12, 32, 9}, {13, 17, 19}, {5, 3, 2},
		{0, 4, 3}, {4, 0, 3}, {4, 3, 0}, {0, 0, 0},
		{33, 1, 20}, {33, 4, 20}, {40, 8, 37}, {1, 50, 9}, {2, 70, 11},
		{9, 7, 300}, {3, 18, 600},
	}
	scalars := [][2]float64{{1, 0}, {0.75, -1.25}, {-2, 1}, {0, 0.5}, {0, 0}}
	var cases []gemmCase
	for si, s := range shapes {
		for t := range 4 {
			for pi, pad := range []int{0, 3} {
				ab := scalars[(si+t+pi)%len(scalars)]
				cases = append(cases, gemmCase{
					m: s[0], n: s[1], k: s[2], transA: t&1 != 0, transB: t&2 != 0, pad: pad,
					alpha: ab[0], beta: ab[1], nanC: ab[1] == 0,
				})
			}
		}
	}
	// Shapes split over goroutines (with the threshold lowered to 2¹⁸), once over m, once over n.
	for t := range 4 {
		cases = append(cases,
			gemmCase{m: 301, n: 45, k: 130, transA: t&1 != 0, transB: t&2 != 0, pad: 1, alpha: 1, beta: 0, nanC: true},
			gemmCase{m: 23, n: 400, k: 150, transA: t&1 != 0, transB: t&2 != 0, pad: 2, alpha: 0.5, beta: 2},
		)
	}
	return cases
}

func randSlice[T Float](rng *rand.Rand, n int) []T {
	x := make([]T, n)
	for i := range x {
		x[i] = T(rng.Float64()*2 - 1)
	}
	return x
}

func testGemm[T Float](t *testing.T) {
	prev, prevWork := par.SetThreads(3), parallelMinWork
	parallelMinWork = 1 << 18
	defer func() { par.SetThreads(prev); parallelMinWork = prevWork }()
	rng := rand.New(rand.NewPCG(1, 2))
	for name, gemm := range implementations[T]() {
		worst := 0.0
		for _, tc := range gemmCases() {
			rowsA, colsA := tc.m, tc.k
			if tc.transA {
				rowsA, colsA = tc.k, tc.m
			}
			rowsB, colsB := tc.k, tc.n
			if tc.transB {
				rowsB, colsB = tc.n, tc.k
			}
			lda, ldb, ldc := max(1, colsA)+tc.pad, max(1, colsB)+tc.pad, max(1, tc.n)+tc.pad
			a := randSlice[T](rng, rowsA*lda)
			b := randSlice[T](rng, rowsB*ldb)
			c := randSlice[T](rng, tc.m*ldc)
			if tc.nanC {
				for i := range c {
					c[i] = T(math.NaN())
				}
			}
			orig := append([]T(nil), c...)
			want, mag := naiveGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), a, lda, b, ldb, T(tc.beta), c, ldc)
			gemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, T(tc.alpha), a, lda, b, ldb, T(tc.beta), c, ldc)
			tol := tolerance[T](tc.k)
			for i := range tc.m {
				for j := range ldc {
					got := float64(c[i*ldc+j])
					if j >= tc.n {
						if math.Float64bits(got) != math.Float64bits(float64(orig[i*ldc+j])) {
							t.Fatalf("%s %v: C[%d,%d] beyond n was modified", name, tc, i, j)
						}
						continue
					}
					err := math.Abs(got - want[i*tc.n+j])
					if !(err <= tol*mag[i*tc.n+j]) {
						t.Fatalf("%s %v: C[%d,%d] = %v, want %v (mag %v)", name, tc, i, j, got, want[i*tc.n+j], mag[i*tc.n+j])
					}
					if mag[i*tc.n+j] > 0 {
						worst = max(worst, err/mag[i*tc.n+j]/tol)
					}
				}
			}
		}
		t.Logf("%s: worst error %.3g of tolerance", name, worst)
	}
}

func TestGemmFloat32(t *testing.T) { testGemm[float32](t) }
func TestGemmFloat64(t *testing.T) { testGemm[float64](t) }

// TestGemmNamedType checks that element types defined on float32/float64 go the same way.
func TestGemmNamedType(t *testing.T) {
	type weight float32
	a := []weight{1, 2, 3, 4, 5, 6} // 2×3
	b := []weight{1, 0, 0, 1, 1, 1} // 3×2
	c := make([]weight, 4)
	Gemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, c, 2)
	want := []weight{4, 5, 10, 11}
	for i := range c {
		if c[i] != want[i] {
			t.Fatalf("c = %v, want %v", c, want)
		}
	}
}

func TestGemmPanics(t *testing.T) {
	ok := make([]float32, 12)
	bad := []struct {
		name string
		f    func()
	}{
		{"negative m", func() { Gemm(false, false, -1, 2, 2, 1, ok, 2, ok, 2, 0, ok, 2) }},
		{"short lda", func() { Gemm(false, false, 2, 2, 3, 1, ok, 2, ok, 2, 0, ok, 2) }},
		{"short ldb transposed", func() { Gemm(false, true, 2, 2, 3, 1, ok, 3, ok, 2, 0, ok, 2) }},
		{"short ldc", func() { Gemm(false, false, 2, 3, 2, 1, ok, 2, ok, 3, 0, ok, 2) }},
		{"short a", func() { Gemm(false, false, 5, 2, 3, 1, ok, 3, ok, 2, 0, ok, 2) }},
		{"short c", func() { Gemm(false, false, 2, 2, 2, 1, ok, 2, ok, 2, 0, ok[:3], 2) }},
	}
	for _, tc := range bad {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", tc.name)
				}
			}()
			tc.f()
		}()
	}
}

// Gemm's goroutine limit is the project's one thread setting.
func TestThreadsFollowPar(t *testing.T) {
	defer par.SetThreads(par.SetThreads(5))
	if got := Threads(); got != 5 {
		t.Fatalf("Threads() = %d after par.SetThreads(5)", got)
	}
}

func ExampleGemm() {
	// Y = R·Cᵀ for R (2×3) and a readout C (2×3) stored row-major.
	r := []float32{
		1, 2, 3,
		4, 5, 6,
	}
	c := []float32{
		1, 0, 0,
		0, 1, 1,
	}
	y := make([]float32, 4)
	Gemm(false, true, 2, 2, 3, 1, r, 3, c, 3, 0, y, 2)
	fmt.Println(y)
	// Output: [1 5 4 11]
}
