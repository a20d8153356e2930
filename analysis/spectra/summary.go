package spectra

import (
	"fmt"
	"math"
	"math/cmplx"
)

// Summary condenses a spectrum {λ_i}, i = 1…n, into the numbers compared across contexts.
type Summary struct {
	// N is the number of eigenvalues n.
	N int
	// Radius is the spectral radius max_i |λ_i|.
	Radius float64
	// ImagStd is the population standard deviation of the imaginary parts,
	// sqrt(Σ (Im λ_i − m)² / n) with m their mean (0 for the spectrum of a real matrix).
	ImagStd float64
	// MaxAbsImag is max_i |Im λ_i|.
	MaxAbsImag float64
	// NearUnit is the fraction of eigenvalues with ||λ_i| − 1| ≤ tol: mass at the edge of
	// stability of a discrete-time map.
	NearUnit float64
	// Outside is the fraction with |λ_i| > 1, strictly outside the unit circle.
	Outside float64
	// MaxReal is max_i Re λ_i.
	MaxReal float64
}

// Summarize returns the Summary of eigs (n ≥ 1 finite eigenvalues), counting an eigenvalue as near
// the unit circle when its modulus is within tol ≥ 0 of 1.
func Summarize(eigs []complex128, tol float64) (Summary, error) {
	if len(eigs) == 0 {
		return Summary{}, fmt.Errorf("spectra: Summarize: no eigenvalues")
	}
	if !(tol >= 0) || math.IsInf(tol, 1) {
		return Summary{}, fmt.Errorf("spectra: Summarize: tolerance %v must be finite and non-negative", tol)
	}
	s := Summary{N: len(eigs), MaxReal: math.Inf(-1)}
	var meanIm float64
	var near, outside int
	for i, l := range eigs {
		if cmplx.IsNaN(l) || cmplx.IsInf(l) {
			return Summary{}, fmt.Errorf("spectra: Summarize: eigenvalue %d is %v", i, l)
		}
		r := cmplx.Abs(l)
		s.Radius = max(s.Radius, r)
		s.MaxAbsImag = max(s.MaxAbsImag, math.Abs(imag(l)))
		s.MaxReal = max(s.MaxReal, real(l))
		if math.Abs(r-1) <= tol {
			near++
		}
		if r > 1 {
			outside++
		}
		meanIm += imag(l)
	}
	n := float64(len(eigs))
	meanIm /= n
	var ss float64
	for _, l := range eigs {
		d := imag(l) - meanIm
		ss += d * d
	}
	s.ImagStd = math.Sqrt(ss / n)
	s.NearUnit = float64(near) / n
	s.Outside = float64(outside) / n
	return s, nil
}
