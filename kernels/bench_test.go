package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/jedi-neuro/jedi/internal/par"
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/blas64"
)

// benchShape is one product at the model's sizes: op(A) m×k, op(B) k×n.
type benchShape struct {
	name           string
	m, n, k        int
	transA, transB bool
}

var benchShapes = []benchShape{
	{"Yhat_RCt", 12800, 150, 512, false, true},
	{"dR_dYC", 12800, 512, 150, false, false},
	{"dC_dYtR", 150, 512, 12800, true, false},
	{"small_tB", 3200, 50, 128, false, true},
	{"small_tA", 50, 128, 3200, true, false},
	{"small_NN", 3200, 128, 50, false, false},
	{"seg_tA", 512, 8, 200, true, false},
	{"seg_wide", 32, 8192, 64, false, false},
}

// operands returns row-major A, B, C with minimal strides for s.
func operands[T Float](s benchShape) (a []T, lda int, b []T, ldb int, c []T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lda, ldb = s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	return randSlice[T](rng, s.m*s.k), lda, randSlice[T](rng, s.k*s.n), ldb, randSlice[T](rng, s.m*s.n)
}

func reportGFLOPS(b *testing.B, s benchShape) {
	b.ReportMetric(2*float64(s.m)*float64(s.n)*float64(s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

func trans(t bool) blas.Transpose {
	if t {
		return blas.Trans
	}
	return blas.NoTrans
}

// BenchmarkGemm32 times Gemm[float32] and gonum's blas32.Gemm on the same data.
func BenchmarkGemm32(b *testing.B) {
	for _, s := range benchShapes {
		a, lda, bb, ldb, c := operands[float32](s)
		b.Run(s.name+"/kernels", func(b *testing.B) {
			for b.Loop() {
				Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			reportGFLOPS(b, s)
		})
		b.Run(s.name+"/kernels-1thread", func(b *testing.B) {
			defer par.SetThreads(par.SetThreads(1))
			for b.Loop() {
				Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			reportGFLOPS(b, s)
		})
		b.Run(s.name+"/gonum", func(b *testing.B) {
			ga := blas32.General{Rows: s.m, Cols: s.k, Stride: lda, Data: a}
			if s.transA {
				ga.Rows, ga.Cols = s.k, s.m
			}
			gb := blas32.General{Rows: s.k, Cols: s.n, Stride: ldb, Data: bb}
			if s.transB {
				gb.Rows, gb.Cols = s.n, s.k
			}
			gc := blas32.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c}
			for b.Loop() {
				blas32.Gemm(trans(s.transA), trans(s.transB), 1, ga, gb, 0, gc)
			}
			reportGFLOPS(b, s)
		})
	}
}

// BenchmarkGemm64 times Gemm[float64] and gonum's blas64.Gemm on the first three shapes.
func BenchmarkGemm64(b *testing.B) {
	for _, s := range benchShapes[:3] {
		a, lda, bb, ldb, c := operands[float64](s)
		b.Run(s.name+"/kernels", func(b *testing.B) {
			for b.Loop() {
				Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			reportGFLOPS(b, s)
		})
		b.Run(s.name+"/gonum", func(b *testing.B) {
			ga := blas64.General{Rows: s.m, Cols: s.k, Stride: lda, Data: a}
			if s.transA {
				ga.Rows, ga.Cols = s.k, s.m
			}
			gb := blas64.General{Rows: s.k, Cols: s.n, Stride: ldb, Data: bb}
			if s.transB {
				gb.Rows, gb.Cols = s.n, s.k
			}
			gc := blas64.General{Rows: s.m, Cols: s.n, Stride: s.n, Data: c}
			for b.Loop() {
				blas64.Gemm(trans(s.transA), trans(s.transB), 1, ga, gb, 0, gc)
			}
			reportGFLOPS(b, s)
		})
	}
}

// BenchmarkGemmImpl times each native implementation single-threaded on the main shapes.
func BenchmarkGemmImpl(b *testing.B) {
	for _, ar := range []*arch[float32]{genericArch[float32](), arch32} {
		for _, s := range benchShapes {
			a, lda, bb, ldb, c := operands[float32](s)
			b.Run(fmt.Sprintf("%s/%s", s.name, ar.name), func(b *testing.B) {
				defer par.SetThreads(par.SetThreads(1))
				for b.Loop() {
					gemmNative(ar, s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
				}
				reportGFLOPS(b, s)
			})
		}
	}
}
