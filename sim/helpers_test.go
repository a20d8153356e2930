package sim

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// corr returns Pearson's correlation of a and b, each flattened.
func corr(a, b []float64) float64 {
	var ma, mb float64
	for i := range a {
		ma += a[i]
		mb += b[i]
	}
	ma /= float64(len(a))
	mb /= float64(len(b))
	var sab, saa, sbb float64
	for i := range a {
		sab += (a[i] - ma) * (b[i] - mb)
		saa += (a[i] - ma) * (a[i] - ma)
		sbb += (b[i] - mb) * (b[i] - mb)
	}
	return sab / math.Sqrt(saa*sbb)
}

func tanhs(v []float64) []float64 {
	o := make([]float64, len(v))
	for i, x := range v {
		o[i] = math.Tanh(x)
	}
	return o
}

// spanFraction returns the fraction of the variance of the states (rows of traj, n columns)
// that lies in the column space of the n×r matrix p, and the mean variance per unit.
func spanFraction(traj []float64, n int, p []float64, r int) (frac, varPerUnit float64) {
	var qr mat.QR
	qr.Factorize(mat.NewDense(n, r, append([]float64(nil), p...)))
	var q mat.Dense
	qr.QTo(&q)
	steps := len(traj) / n
	mean := make([]float64, n)
	for k := range steps {
		for i := range n {
			mean[i] += traj[k*n+i] / float64(steps)
		}
	}
	tot, in := 0.0, 0.0
	d := make([]float64, n)
	for k := range steps {
		for i := range n {
			d[i] = traj[k*n+i] - mean[i]
			tot += d[i] * d[i]
		}
		for c := range r {
			s := 0.0
			for i := range n {
				s += q.At(i, c) * d[i]
			}
			in += s * s
		}
	}
	return in / tot, tot / float64(n*steps)
}
