package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// TeacherConfig describes a random low-rank-plus-bulk teacher,
//
//	J = g G/√N + ρ P Qᵀ/√N,   G_ij, P_ir, Q_ir, (W_ext)_ik ~ N(0, 1) i.i.d.,   b = 0.
//
// The structure is ρ√N times the usual low-rank term P Qᵀ/N, so that the structured input a
// unit receives, Σ_r P_ir (Q_rᵀ tanh x)/√N, is of the same order as the bulk input
// g (G tanh x)_i/√N whatever N is. With P Qᵀ/N and independent P, Q that input would be
// O(1/√N) and the structure would vanish into the bulk. The package documentation says how the
// default ρ = ½ was chosen.
type TeacherConfig struct {
	// N is the number of units (default 200).
	N int `yaml:"units"`
	// Rank is the rank R of the planted structure (default 5).
	Rank int `yaml:"rank"`
	// G is the gain g of the random bulk (default 1.8: chaotic when undriven).
	G float64 `yaml:"gain"`
	// Structure is ρ, the scale of the low-rank part (default 0.5).
	Structure float64 `yaml:"structure"`
	// Inputs is the number I of input channels.
	Inputs int `yaml:"inputs"`
	// Dt and Tau are the time step and the time constant in seconds (defaults 0.01 and 0.1).
	Dt  float64 `yaml:"dt"`
	Tau float64 `yaml:"tau"`
}

// DefaultTeacher returns the teacher of the paper's synthetic experiments, N = 200, rank 5,
// g = 1.8, with ρ = ½, dt = 10 ms and τ = 100 ms, and the given number of input channels.
func DefaultTeacher(inputs int) TeacherConfig {
	return TeacherConfig{N: 200, Rank: 5, G: 1.8, Structure: 0.5, Inputs: inputs, Dt: 0.01, Tau: 0.1}
}

func (c TeacherConfig) validate() error {
	switch {
	case c.N < 1:
		return fmt.Errorf("sim: teacher N = %d, need N ≥ 1", c.N)
	case c.Rank < 0 || c.Rank > c.N:
		return fmt.Errorf("sim: teacher rank %d outside [0, N = %d]", c.Rank, c.N)
	case c.Inputs < 0:
		return fmt.Errorf("sim: teacher has %d input channels, need ≥ 0", c.Inputs)
	case !finite(c.G) || c.G < 0:
		return fmt.Errorf("sim: teacher gain g = %v, need a finite g ≥ 0", c.G)
	case !finite(c.Structure):
		return fmt.Errorf("sim: teacher structure scale ρ = %v is not finite", c.Structure)
	case !finite(c.Dt) || !finite(c.Tau) || c.Dt <= 0 || c.Tau < c.Dt:
		return fmt.Errorf("sim: teacher dt = %v, τ = %v: need 0 < dt ≤ τ", c.Dt, c.Tau)
	}
	return nil
}

// NewRandomTeacher draws a teacher from cfg with the PCG stream of seed. The same cfg and seed
// always give the same teacher.
func NewRandomTeacher(cfg TeacherConfig, seed uint64) (*Teacher, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return newRandomTeacher(cfg, newRand(seed, streamTeacher, 0)), nil
}

// newRandomTeacher draws G, P, Q and W_ext, in that order, from rng.
func newRandomTeacher(cfg TeacherConfig, rng *rand.Rand) *Teacher {
	n, r, in := cfg.N, cfg.Rank, cfg.Inputs
	tc := &Teacher{N: n, I: in, R: r, Dt: cfg.Dt, Alpha: cfg.Dt / cfg.Tau,
		J: make([]float64, n*n), B: make([]float64, n)}
	bulk := cfg.G / math.Sqrt(float64(n))
	for k := range tc.J {
		tc.J[k] = bulk * rng.NormFloat64()
	}
	tc.P, tc.Q = normals(rng, n*r), normals(rng, n*r)
	if in > 0 {
		tc.WExt = normals(rng, n*in)
	}
	lr := cfg.Structure / math.Sqrt(float64(n))
	for i := range n {
		for j := range n {
			s := 0.0
			for k := range r {
				s += tc.P[i*r+k] * tc.Q[j*r+k]
			}
			tc.J[i*n+j] += lr * s
		}
	}
	return tc
}

func normals(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for k := range v {
		v[k] = rng.NormFloat64()
	}
	return v
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
