package model

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/kernels"
)

// splitGemm computes what one Gemm computes, for every transpose, with slabs that do not divide
// the dimension, and the same bits on 1 and 3 goroutines.
func TestSplitGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rnd := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.Float64()*2 - 1
		}
		return x
	}
	const m, n, k, slab = 13, 11, 7, 4
	for _, byRows := range []bool{false, true} {
		for _, tA := range []bool{false, true} {
			for _, tB := range []bool{false, true} {
				lda, ldb := k, n
				if tA {
					lda = m
				}
				if tB {
					ldb = k
				}
				a, b, c0 := rnd(m*k), rnd(k*n), rnd(m*n)
				want := slices.Clone(c0)
				kernels.Gemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, want, n)
				var got [][]float64
				for _, nw := range []int{1, 3} {
					c := slices.Clone(c0)
					splitGemm(nw, byRows, slab, tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, c, n)
					for i := range c {
						if math.Abs(c[i]-want[i]) > 1e-13 {
							t.Fatalf("byRows %v, transA %v, transB %v, %d goroutines: C[%d] = %g, Gemm %g", byRows, tA, tB, nw, i, c[i], want[i])
						}
					}
					got = append(got, c)
				}
				if !slices.Equal(got[0], got[1]) {
					t.Errorf("byRows %v, transA %v, transB %v: 1 and 3 goroutines differ", byRows, tA, tB)
				}
			}
		}
	}
}

// sumRows adds the rows in order, whatever the number of goroutines.
func TestSumRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const k, n = 5, 2*sumChunk + 3
	parts := make([]float32, k*n)
	for i := range parts {
		parts[i] = float32(rng.NormFloat64())
	}
	want := make([]float32, n)
	for j := range want {
		want[j] = 1
		for r := range k {
			want[j] += parts[r*n+j]
		}
	}
	for _, nw := range []int{1, 3} {
		dst := slices.Repeat([]float32{1}, n)
		sumRows(nw, dst, parts, k)
		if !slices.Equal(dst, want) {
			t.Errorf("%d goroutines: sums differ from the ordered sum", nw)
		}
	}
}
