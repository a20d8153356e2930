package embed

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// DefaultNoiseScales returns the noise scales k = 0, 0.25, 0.5, …, 2 of the robustness protocol.
func DefaultNoiseScales() []float64 {
	k := make([]float64, 9)
	for i := range k {
		k[i] = 0.25 * float64(i)
	}
	return k
}

// NoiseCurve measures how a score degrades as Gaussian noise is added to the embeddings X (S×d).
// For each scale k in scales (finite, ≥ 0) and each of repeats ≥ 1 draws, it calls score on
//
//	X̃_sj = X_sj + k · σ_j · ξ_sj,  ξ_sj ~ N(0, 1),
//
// where σ_j is the sample standard deviation (divisor S−1, S ≥ 2) of column j of X, and returns the
// mean and sample standard deviation (divisor repeats−1; 0 when repeats = 1) of the scores at each
// scale. The caller's score typically runs the model driven by the noisy embeddings and returns
// its R².
//
// Draw r uses the same ξ at every scale (common random numbers), so the curve's changes from one
// scale to the next come from k alone; the draws are a deterministic function of seed. At k = 0
// the noisy matrix equals X, so score is called once there, assumed deterministic, with sd 0.
// score receives a new matrix each call and may keep or modify it.
func NoiseCurve(X mat.Matrix, scales []float64, seed uint64, repeats int,
	score func(noisy *mat.Dense) (float64, error)) (mean, sd []float64, err error) {
	S, d := X.Dims()
	if S < 2 {
		return nil, nil, fmt.Errorf("embed: NoiseCurve needs at least 2 segments to estimate each dimension's spread, got %d", S)
	}
	if repeats < 1 {
		return nil, nil, fmt.Errorf("embed: NoiseCurve: repeats = %d, need at least 1", repeats)
	}
	for i, k := range scales {
		if !(k >= 0) || math.IsInf(k, 1) {
			return nil, nil, fmt.Errorf("embed: NoiseCurve: scale %d is %v, need finite and ≥ 0", i, k)
		}
	}
	if err := checkFinite("X", X); err != nil {
		return nil, nil, err
	}
	sigma := make([]float64, d)
	for j := range sigma {
		sigma[j] = stat.StdDev(mat.Col(nil, j, X), nil)
	}
	rng := rand.New(rand.NewPCG(seed, 0xbb67ae8584caa73b))
	xi := make([]*mat.Dense, repeats)
	for r := range xi {
		xi[r] = mat.NewDense(S, d, nil)
		raw := xi[r].RawMatrix().Data
		for i := range raw {
			raw[i] = rng.NormFloat64()
		}
	}

	mean = make([]float64, len(scales))
	sd = make([]float64, len(scales))
	vals := make([]float64, repeats)
	for i, k := range scales {
		if k == 0 {
			v, err := score(mat.DenseCopyOf(X))
			if err != nil {
				return nil, nil, fmt.Errorf("embed: NoiseCurve: score at scale 0: %w", err)
			}
			mean[i] = v
			continue
		}
		for r := range vals {
			noisy := mat.DenseCopyOf(X)
			for s := 0; s < S; s++ {
				row, e := noisy.RawRowView(s), xi[r].RawRowView(s)
				for j := range row {
					row[j] += k * sigma[j] * e[j]
				}
			}
			if vals[r], err = score(noisy); err != nil {
				return nil, nil, fmt.Errorf("embed: NoiseCurve: score at scale %v, repeat %d: %w", k, r, err)
			}
		}
		if repeats == 1 {
			mean[i] = vals[0]
			continue
		}
		mean[i], sd[i] = stat.MeanStdDev(vals, nil)
	}
	return mean, sd, nil
}
