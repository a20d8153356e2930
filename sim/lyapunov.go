package sim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// LargestLyapunov estimates the largest Lyapunov exponent, in 1/s, of the teacher's trajectory
// from x0 under inputs u (steps×I, nil when I == 0). A tangent vector δ, started along
// (1, …, 1)/√N, is carried by the Jacobian of the step,
//
//	δ_{k+1} = (1−α) δ_k + α J (tanh′(x_k) ⊙ δ_k),
//
// and renormalised every step; the exponent is the mean of log ‖δ_{k+1}‖ over the steps after
// the first transient ones, divided by dt. Without input a positive value means chaos; with input
// it is the conditional exponent, negative when the drive entrains the network (trajectories
// from different initial states converge).
func (tc *Teacher) LargestLyapunov(x0, u []float64, steps, transient int) (float64, error) {
	if transient < 0 || transient >= steps {
		return 0, fmt.Errorf("sim: Lyapunov transient %d must lie in [0, steps = %d)", transient, steps)
	}
	if len(x0) != tc.N || len(u) != steps*tc.I {
		return 0, fmt.Errorf("sim: Lyapunov state length %d and %d inputs, want N = %d and steps×I = %d",
			len(x0), len(u), tc.N, steps*tc.I)
	}
	n := tc.N
	x, next := append([]float64(nil), x0...), make([]float64, n)
	net := tc.Network()
	d, dn := make([]float64, n), make([]float64, n)
	for i := range d {
		d[i] = 1 / math.Sqrt(float64(n))
	}
	sum := 0.0
	for k := range steps {
		net.JVP(dn, x, d)
		norm := floats.Norm(dn, 2)
		if norm == 0 {
			return math.Inf(-1), nil
		}
		if k >= transient {
			sum += math.Log(norm)
		}
		for i := range d {
			d[i] = dn[i] / norm
		}
		net.StepInput(next, x, u[k*tc.I:(k+1)*tc.I])
		x, next = next, x
	}
	return sum / float64(steps-transient) / tc.Dt, nil
}
