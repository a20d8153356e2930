package kernels

import "math"

// Tanh sets dst[i] = tanh(src[i]) for i < len(src). dst may be src itself (but must not overlap it
// otherwise) and must be at least as long; Tanh panics if it is shorter.
//
// float64 uses math.Tanh, exactly. float32 uses a fast approximation, vectorised with AVX2 where
// available: x itself for |x| < 4e-4, Eigen's 13/6 rational function for |x| < 0.5, and
// 1 − 2/(e^{2|x|}+1) above, with |x| clamped to 9.5. Its absolute error is below 1e-7 for every
// input (float32 spacing just below 1 is 6e-8); tanh(±Inf) = ±1, tanh(±0) = ±0, NaN gives NaN.
// Eigen's rational alone, evaluated in float32, errs by up to 3e-7 near |x| = 5.
func Tanh[T Float](dst, src []T) {
	if len(dst) < len(src) {
		panic("kernels: Tanh destination shorter than source")
	}
	dst = dst[:len(src)]
	if is32[T]() {
		tanh32(as32(dst), as32(src))
		return
	}
	d := as64(dst)
	for i, x := range as64(src) {
		d[i] = math.Tanh(x)
	}
}

// tanh32Block, when set, is a vector kernel computing n elements, n a multiple of 8.
var tanh32Block func(dst, src []float32, n int)

func tanh32(dst, src []float32) {
	if tanh32Block == nil {
		for i, x := range src {
			dst[i] = tanh32Scalar(x)
		}
		return
	}
	n := len(src) &^ 7
	tanh32Block(dst, src, n)
	if n < len(src) {
		// The tail goes through the same vector code so every element gets the same rounding.
		var buf [8]float32
		copy(buf[:], src[n:])
		tanh32Block(buf[:], buf[:], 8)
		copy(dst[n:], buf[:])
	}
}

// Coefficients of tanh32Scalar, identical to those in tanh_amd64.s.
const (
	tanhClamp = 9.5  // tanh rounds to ±1 in float32 beyond ≈ 9.01
	tanhSplit = 0.5  // rational below, exponential form above
	tanhTiny  = 4e-4 // below it tanh(x) = x to float32 precision (x²/3 < 2⁻²⁴)

	// Eigen's 13/6 rational: tanh(x) ≈ x·P(x²)/Q(x²).
	tanhA13 = -2.76076847742355e-16
	tanhA11 = 2.00018790482477e-13
	tanhA9  = -8.60467152213735e-11
	tanhA7  = 5.12229709037114e-08
	tanhA5  = 1.48572235717979e-05
	tanhA3  = 6.37261928875436e-04
	tanhA1  = 4.89352455891786e-03
	tanhB6  = 1.19825839466702e-06
	tanhB4  = 1.18534705686654e-04
	tanhB2  = 2.26843463243900e-03
	tanhB0  = 4.89352518554385e-03

	// Cephes expf: e^y = 2^n·e^r, r = y − n·ln2 in two parts, e^r ≈ 1 + r + r²·E(r).
	expLog2e = 1.44269504088896341
	expLn2Hi = 0.693359375
	expLn2Lo = -2.12194440e-4
	expE0    = 1.9875691500e-4
	expE1    = 1.3981999507e-3
	expE2    = 8.3334519073e-3
	expE3    = 4.1665795894e-2
	expE4    = 1.6666665459e-1
	expE5    = 5.0000001201e-1
)

// tanh32Scalar is the portable form of the vector kernel in tanh_amd64.s (same method and
// coefficients; without fused multiply-adds the last bit may differ).
func tanh32Scalar(x float32) float32 {
	if x != x {
		return x
	}
	a := min(float32(math.Abs(float64(x))), tanhClamp)
	var t float32
	switch {
	case a < tanhTiny:
		t = a
	case a < tanhSplit:
		a2 := a * a
		p := float32(tanhA13)
		p = p*a2 + tanhA11
		p = p*a2 + tanhA9
		p = p*a2 + tanhA7
		p = p*a2 + tanhA5
		p = p*a2 + tanhA3
		p = p*a2 + tanhA1
		q := float32(tanhB6)
		q = q*a2 + tanhB4
		q = q*a2 + tanhB2
		q = q*a2 + tanhB0
		t = a * p / q
	default:
		y := 2 * a
		n := float32(math.RoundToEven(float64(y * expLog2e)))
		r := y - n*expLn2Hi
		r -= n * expLn2Lo
		e := float32(expE0)
		e = e*r + expE1
		e = e*r + expE2
		e = e*r + expE3
		e = e*r + expE4
		e = e*r + expE5
		e = e*r*r + r + 1
		e = math.Float32frombits(math.Float32bits(e) + uint32(int32(n))<<23)
		t = 1 - 2/(e+1)
	}
	return float32(math.Copysign(float64(t), float64(x)))
}
