package fixedpoints

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Starts returns n starting states for Find: each is a state drawn uniformly, with replacement,
// from traj (a list of states of equal length n_x, e.g. every time step of every trial stacked),
// plus independent Gaussian noise of standard deviation noise in every coordinate. The same
// seed gives the same starts.
func Starts(traj [][]float64, n int, noise float64, seed uint64) ([][]float64, error) {
	if len(traj) == 0 {
		return nil, errors.New("fixedpoints: Starts: empty trajectory")
	}
	if n < 1 {
		return nil, fmt.Errorf("fixedpoints: Starts: n = %d < 1", n)
	}
	if math.IsNaN(noise) || noise < 0 || math.IsInf(noise, 0) {
		return nil, fmt.Errorf("fixedpoints: Starts: noise = %v, want finite ≥ 0", noise)
	}
	dim := len(traj[0])
	if dim == 0 {
		return nil, errors.New("fixedpoints: Starts: states have length 0")
	}
	for t, x := range traj {
		if len(x) != dim {
			return nil, fmt.Errorf("fixedpoints: Starts: state %d has length %d, state 0 has %d", t, len(x), dim)
		}
		if err := checkFinite(x); err != nil {
			return nil, fmt.Errorf("fixedpoints: Starts: state %d: %w", t, err)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	buf := make([]float64, n*dim)
	out := make([][]float64, n)
	for i := range out {
		x := buf[i*dim : (i+1)*dim : (i+1)*dim]
		src := traj[rng.IntN(len(traj))]
		for j, v := range src {
			x[j] = v + noise*rng.NormFloat64()
		}
		out[i] = x
	}
	return out, nil
}

// Spread returns √(mean_j Var_j) of the states x (each of the same length), the RMS over
// coordinates of their standard deviation: the scale of a set of trajectory states, against
// which the noise added to the starts (Starts) is set.
func Spread(x [][]float64) float64 {
	n := len(x[0])
	mean := make([]float64, n)
	for _, r := range x {
		for j, v := range r {
			mean[j] += v / float64(len(x))
		}
	}
	var ss float64
	for _, r := range x {
		for j, v := range r {
			ss += (v - mean[j]) * (v - mean[j])
		}
	}
	return math.Sqrt(ss / float64(len(x)*n))
}
