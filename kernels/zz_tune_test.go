package kernels

import (
	"fmt"
	"golang.org/x/sys/unix"
	"math"
	"os"
	"runtime"
	"testing"
	"time"
)

func threadCPU() time.Duration {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
	return time.Duration(ts.Nano())
}

// TestTune prints single-thread GFLOP/s per CPU-second (robust to a loaded machine).
func TestTune(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	defer SetThreads(SetThreads(1))
	for _, s := range benchShapes {
		a, lda, bb, ldb, c := operands[float32](s)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		reps := max(3, int(1e9/flops))
		best := time.Duration(1 << 62)
		for range 9 {
			t0 := threadCPU()
			for range reps {
				Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			best = min(best, (threadCPU()-t0)/time.Duration(reps))
		}
		fmt.Printf("%-10s %8.1f us  %6.1f GFLOP/s(cpu)\n", s.name, float64(best)/1e3, flops/float64(best))
	}
}

func TestTuneKernel(t *testing.T) {
	if os.Getenv("TUNE") == "" {
		t.Skip()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	k := 256
	a := make([]float32, 6*k)
	b := make([]float32, 16*k)
	c := make([]float32, 6*16)
	reps := 200000
	best := time.Duration(1 << 62)
	for range 5 {
		t0 := threadCPU()
		for range reps {
			sgemmKernel6x16(k, 1, a, 1, 6, b, 16, 1, c, 16)
		}
		best = min(best, threadCPU()-t0)
	}
	fl := float64(reps) * 2 * 6 * 16 * float64(k)
	fmt.Printf("kernel 6x16 k=%d: %.1f GFLOP/s(cpu) => %.2f GHz at 32 flop/cycle\n", k, fl/float64(best), fl/float64(best)/32)
	a64 := make([]float64, 6*k)
	b64 := make([]float64, 8*k)
	c64 := make([]float64, 6*8)
	best = time.Duration(1 << 62)
	for range 5 {
		t0 := threadCPU()
		for range reps {
			dgemmKernel6x8(k, 1, a64, 1, 6, b64, 8, 1, c64, 8)
		}
		best = min(best, threadCPU()-t0)
	}
	fl = float64(reps) * 2 * 6 * 8 * float64(k)
	fmt.Printf("kernel 6x8 f64: %.1f GFLOP/s(cpu)\n", fl/float64(best))
}

func TestTuneOne(t *testing.T) {
	name := os.Getenv("TUNEONE")
	if name == "" {
		t.Skip()
	}
	defer SetThreads(SetThreads(1))
	for _, s := range benchShapes {
		if s.name != name {
			continue
		}
		a, lda, bb, ldb, c := operands[float32](s)
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		reps := max(3, int(2e10/flops))
		for range reps {
			Gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
		}
	}
}

func TestExhaustiveTanh(t *testing.T) {
	if os.Getenv("EXHAUSTIVE") == "" {
		t.Skip()
	}
	const chunk = 1 << 16
	src := make([]float32, chunk)
	dst := make([]float32, chunk)
	dst2 := make([]float32, chunk)
	worst, worst2 := 0.0, 0.0
	var at, at2 float32
	for base := uint64(0); base < 0x7f800001; base += chunk {
		for i := range src {
			src[i] = math.Float32frombits(uint32(min(base+uint64(i), 0x7f800000)))
		}
		tanh32(dst, src)
		for i, x := range src {
			dst2[i] = tanh32Scalar(x)
		}
		for i, x := range src {
			w := math.Tanh(float64(x))
			if e := math.Abs(float64(dst[i]) - w); e > worst {
				worst, at = e, x
			}
			if e := math.Abs(float64(dst2[i]) - w); e > worst2 {
				worst2, at2 = e, x
			}
		}
	}
	fmt.Printf("all non-negative float32: vector max abs err %.4g at %g; scalar %.4g at %g\n", worst, at, worst2, at2)
}
