package sim

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/model"
)

// Teacher is a discrete-time rate RNN that generates ground-truth activity:
//
//	x_{t+1} = (1−α) x_t + α (J tanh(x_t) + b + W_ext u_t),   α = dt/τ,
//
// with N units, I input channels, J ∈ R^{N×N}, b ∈ R^N and W_ext ∈ R^{N×I}. All matrices are
// dense and row-major. The type is deliberately general (any J, a bias, any number of inputs,
// including none) so that teachers which are not random draws, such as a network trained on
// the MemoryPro task by the project's training engine, fit in it as well.
type Teacher struct {
	// N is the number of units, I the number of input channels (0 for an autonomous network).
	N, I int
	// Dt is the time step in seconds and Alpha = dt/τ the leak per step, 0 < Alpha ≤ 1.
	Dt, Alpha float64
	// J is the N×N recurrent weight matrix.
	J []float64
	// B is the bias, length N.
	B []float64
	// WExt is the N×I input weight matrix (nil when I == 0).
	WExt []float64
	// R is the rank of the planted structure and P, Q its N×R factors, J = g G/√N + ρ P Qᵀ/√N
	// for teachers drawn by NewRandomTeacher. R is 0 and P, Q are nil for other teachers.
	R    int
	P, Q []float64
}

// Validate reports whether the teacher's sizes are consistent and its numbers finite.
func (tc *Teacher) Validate() error {
	if tc.N < 1 || tc.I < 0 || tc.R < 0 {
		return fmt.Errorf("sim: teacher sizes N=%d I=%d R=%d: need N ≥ 1, I ≥ 0, R ≥ 0", tc.N, tc.I, tc.R)
	}
	if !(tc.Alpha > 0 && tc.Alpha <= 1) {
		return fmt.Errorf("sim: teacher alpha %v outside (0, 1]", tc.Alpha)
	}
	if !(tc.Dt > 0) || math.IsInf(tc.Dt, 0) {
		return fmt.Errorf("sim: teacher dt %v is not a positive number", tc.Dt)
	}
	n, i, r := tc.N, tc.I, tc.R
	for _, a := range []struct {
		name string
		v    []float64
		want int
	}{{"J", tc.J, n * n}, {"B", tc.B, n}, {"WExt", tc.WExt, n * i}, {"P", tc.P, n * r}, {"Q", tc.Q, n * r}} {
		if len(a.v) != a.want {
			return fmt.Errorf("sim: teacher %s has %d entries, want %d", a.name, len(a.v), a.want)
		}
		for k, v := range a.v {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("sim: teacher %s[%d] = %v is not finite", a.name, k, v)
			}
		}
	}
	return nil
}

// Step returns the next state F(x, u) = (1−α) x + α (J tanh(x) + b + W_ext u) for a state x
// of length N and an input u of length I (nil when I == 0).
func (tc *Teacher) Step(x, u []float64) ([]float64, error) {
	if len(x) != tc.N || len(u) != tc.I {
		return nil, fmt.Errorf("sim: Step with a state of length %d and %d inputs, want N = %d and I = %d",
			len(x), len(u), tc.N, tc.I)
	}
	next := make([]float64, tc.N)
	tc.Network().StepInput(next, x, u)
	return next, nil
}

// Network returns the teacher as a model.Network, the one implementation of the rate network's
// step, Jacobian and their products; the matrices share the teacher's storage.
func (tc *Teacher) Network() *model.Network {
	net := &model.Network{W: mat.NewDense(tc.N, tc.N, tc.J), B: tc.B, Alpha: tc.Alpha}
	if tc.I > 0 {
		net.In = mat.NewDense(tc.N, tc.I, tc.WExt)
	}
	return net
}

// Run iterates the teacher from x0 (length N) under inputs u (steps×I row-major, nil when
// I == 0) and returns the trajectory, steps×N row-major, whose row k is the state x_k on which
// input u_k acts: row 0 is x0 and row k+1 = F(row k, u_k). The state after the last input is not
// returned, so that states and inputs pair bin by bin.
func (tc *Teacher) Run(x0, u []float64, steps int) ([]float64, error) {
	if steps < 1 {
		return nil, fmt.Errorf("sim: Run with %d steps, need at least 1", steps)
	}
	if len(x0) != tc.N {
		return nil, fmt.Errorf("sim: Run initial state has length %d, want N = %d", len(x0), tc.N)
	}
	if len(u) != steps*tc.I {
		return nil, fmt.Errorf("sim: Run inputs have %d entries, want steps×I = %d×%d", len(u), steps, tc.I)
	}
	traj := make([]float64, steps*tc.N)
	tc.run(traj, x0, u, steps)
	return traj, nil
}

// run is Run without checks, writing into traj (steps×N).
func (tc *Teacher) run(traj, x0, u []float64, steps int) {
	n := tc.N
	net := tc.Network()
	copy(traj[:n], x0)
	for k := 1; k < steps; k++ {
		net.StepInput(traj[k*n:(k+1)*n], traj[(k-1)*n:k*n], u[(k-1)*tc.I:k*tc.I])
	}
}
