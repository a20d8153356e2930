package kernels

import (
	"fmt"
	"math"
	"testing"
)

// tanhImpls returns the float32 tanh implementations: the portable scalar loop and, where the
// CPU has it, the vector kernel. Each runs through tanh32 with tanh32Block set accordingly.
func tanhImpls() map[string]func(dst, src []float32) {
	impls := map[string]func(dst, src []float32){
		"scalar": func(dst, src []float32) {
			for i, x := range src {
				dst[i] = tanh32Scalar(x)
			}
		},
	}
	if vec := tanh32Block; vec != nil {
		impls["vector"] = func(dst, src []float32) {
			defer func(prev func(dst, src []float32, n int)) { tanh32Block = prev }(tanh32Block)
			tanh32Block = vec
			tanh32(dst, src)
		}
	}
	return impls
}

const tanhMaxErr = 1e-7 // documented bound; the brief allows 2e-7

// TestTanh32Dense compares against math.Tanh on a dense sample of [0.25, 10] (where tanh is
// within a few float32 spacings of 1 and the errors concentrate: every 7th float32 there, 6
// million values), on a strided sample of all other finite values, and on both signs.
func TestTanh32Dense(t *testing.T) {
	stride := uint32(7)
	if testing.Short() {
		stride = 211
	}
	var xs []float32
	for b := math.Float32bits(0.25); b <= math.Float32bits(10); b += stride {
		xs = append(xs, math.Float32frombits(b))
	}
	for b := uint32(0); b < 0x7f800000; b += 4099 {
		xs = append(xs, math.Float32frombits(b))
	}
	n := len(xs)
	for i := range n {
		xs = append(xs, -xs[i])
	}
	want := make([]float64, len(xs))
	for i, x := range xs {
		want[i] = math.Tanh(float64(x))
	}
	for name, impl := range tanhImpls() {
		got := make([]float32, len(xs))
		impl(got, xs)
		worst, at := 0.0, float32(0)
		for i, x := range xs {
			err := math.Abs(float64(got[i]) - want[i])
			if !(err <= tanhMaxErr) {
				t.Fatalf("%s: tanh(%g) = %g, want %g (error %.3g)", name, x, got[i], want[i], err)
			}
			if err > worst {
				worst, at = err, x
			}
		}
		t.Logf("%s: %d inputs, max abs error %.3g at %g", name, len(xs), worst, at)
	}
}

func TestTanh32Special(t *testing.T) {
	inf := float32(math.Inf(1))
	tiny := math.Float32frombits(1)
	cases := []struct{ x, want float32 }{
		{0, 0}, {tiny, tiny}, {-tiny, -tiny}, {1e-30, 1e-30},
		{9.5, 1}, {-9.5, -1}, {20, 1}, {-20, -1}, {math.MaxFloat32, 1}, {-math.MaxFloat32, -1},
		{inf, 1}, {-inf, -1},
	}
	for name, impl := range tanhImpls() {
		src := make([]float32, len(cases))
		for i, c := range cases {
			src[i] = c.x
		}
		negZeroNaN := []float32{float32(math.Copysign(0, -1)), float32(math.NaN())}
		src = append(src, negZeroNaN...)
		got := make([]float32, len(src))
		impl(got, src)
		for i, c := range cases {
			if got[i] != c.want {
				t.Errorf("%s: tanh(%g) = %g, want %g", name, c.x, got[i], c.want)
			}
		}
		if z := got[len(cases)]; z != 0 || !math.Signbit(float64(z)) {
			t.Errorf("%s: tanh(-0) = %g, want -0", name, z)
		}
		if v := got[len(cases)+1]; !math.IsNaN(float64(v)) {
			t.Errorf("%s: tanh(NaN) = %g, want NaN", name, v)
		}
	}
}

// TestTanh32Split checks continuity around the switch between the two formulas.
func TestTanh32Split(t *testing.T) {
	for name, impl := range tanhImpls() {
		x := float32(tanhSplit)
		src := []float32{math.Nextafter32(x, 0), x, math.Nextafter32(x, 1)}
		got := make([]float32, 3)
		impl(got, src)
		if !(got[0] < got[1] || got[0] == got[1]) || !(got[1] <= got[2]) {
			t.Errorf("%s: not monotone across the split: %v -> %v", name, src, got)
		}
	}
}

// TestTanhLengthsAndAlias runs every length through the vector body and its tail, in place and
// not, and checks each element against the element-wise result.
func TestTanhLengthsAndAlias(t *testing.T) {
	for n := range 35 {
		src := make([]float32, n)
		for i := range src {
			src[i] = float32(i)*0.37 - 5
		}
		want := make([]float32, n)
		for i, x := range src {
			want[i] = float32(math.Tanh(float64(x)))
		}
		dst := make([]float32, n+3)
		Tanh(dst, src)
		inPlace := append([]float32(nil), src...)
		Tanh(inPlace, inPlace)
		for i := range src {
			if math.Abs(float64(dst[i]-want[i])) > tanhMaxErr || dst[i] != inPlace[i] {
				t.Fatalf("n=%d: element %d: got %g (in place %g), want %g", n, i, dst[i], inPlace[i], want[i])
			}
		}
		for i := n; i < len(dst); i++ {
			if dst[i] != 0 {
				t.Fatalf("n=%d: wrote past len(src) at %d", n, i)
			}
		}
	}
}

func TestTanh64Exact(t *testing.T) {
	src := []float64{0, -0.5, 1e-300, 3, -20, math.Inf(1), math.NaN()}
	dst := make([]float64, len(src))
	Tanh(dst, src)
	for i, x := range src {
		want := math.Tanh(x)
		if math.Float64bits(dst[i]) != math.Float64bits(want) {
			t.Errorf("tanh(%g) = %g, want math.Tanh's %g", x, dst[i], want)
		}
	}
}

func TestTanhShortDst(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for len(dst) < len(src)")
		}
	}()
	Tanh(make([]float32, 2), make([]float32, 3))
}

func BenchmarkTanh32(b *testing.B) {
	const n = 1 << 16
	src := make([]float32, n)
	for i := range src {
		src[i] = float32(i)/n*16 - 8
	}
	dst := make([]float32, n)
	for name, impl := range tanhImpls() {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				impl(dst, src)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
		})
	}
	b.Run("math.Tanh", func(b *testing.B) {
		for b.Loop() {
			for i, x := range src {
				dst[i] = float32(math.Tanh(float64(x)))
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gelem/s")
	})
}

func ExampleTanh() {
	x := []float32{-20, -1, 0, 0.5, 3}
	Tanh(x, x) // in place
	fmt.Printf("%.6f\n", x)
	// Output: [-1.000000 -0.761594 0.000000 0.462117 0.995055]
}
