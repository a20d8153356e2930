package model

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
	"gonum.org/v1/gonum/mat"
)

// testNetworks returns a full-rank and a low-rank network with bias and inputs, and the
// low-rank one's explicit W as a full-rank network.
func testNetworks(rng *rand.Rand) (full, low, lowDense *Network) {
	const n, r, in = 7, 2, 2
	randDense := func(rows, cols int, s float64) *mat.Dense {
		a := mat.NewDense(rows, cols, nil)
		for i := range rows {
			for j := range cols {
				a.Set(i, j, s*rng.NormFloat64())
			}
		}
		return a
	}
	b := make([]float64, n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	full = &Network{W: randDense(n, n, 1.5/math.Sqrt(n)), B: b, In: randDense(n, in, 1), Alpha: 0.2}
	low = &Network{U: randDense(n, r, 1), V: randDense(n, r, 1), Scale: 2.5 / n, B: b, Alpha: 0.3}
	lowDense = &Network{W: low.Dense(), B: b, Alpha: 0.3}
	return
}

// TestNetworkJacobianFiniteDifferences checks J(x) against central differences of Step, and
// JVP and VJP against J v and Jᵀ v.
func TestNetworkJacobianFiniteDifferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	full, low, _ := testNetworks(rng)
	for name, net := range map[string]*Network{"full": full, "low": low} {
		if err := net.Validate(); err != nil {
			t.Fatal(err)
		}
		n := net.Dim()
		x, v := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], v[i] = 1.5*rng.NormFloat64(), rng.NormFloat64()
		}
		var J mat.Dense
		net.Jacobian(&J, x)
		fd := finiteDifferenceJacobian(net, x, 1e-6)
		for i := range n {
			for j := range n {
				if math.Abs(J.At(i, j)-fd.At(i, j)) > 1e-8 {
					t.Errorf("%s: J[%d,%d] = %v, finite difference %v", name, i, j, J.At(i, j), fd.At(i, j))
				}
			}
		}
		jv, jtv := make([]float64, n), make([]float64, n)
		net.JVP(jv, x, v)
		net.VJP(jtv, x, v)
		var want, wantT mat.VecDense
		want.MulVec(&J, mat.NewVecDense(n, v))
		wantT.MulVec(J.T(), mat.NewVecDense(n, v))
		for i := range n {
			if math.Abs(jv[i]-want.AtVec(i)) > 1e-12 || math.Abs(jtv[i]-wantT.AtVec(i)) > 1e-12 {
				t.Errorf("%s: JVP[%d] = %v, VJP[%d] = %v; J v = %v, Jᵀ v = %v", name, i, jv[i], i, jtv[i], want.AtVec(i), wantT.AtVec(i))
			}
		}
	}
}

// TestNetworkLowRankEigenvalues checks that the R eigenvalues kept for a low-rank network are
// those of the dense W and J other than the zeros and the N − R copies of 1 − α.
func TestNetworkLowRankEigenvalues(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	_, low, dense := testNetworks(rng)
	x := make([]float64, low.Dim())
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	check := func(what string, got, all []complex128, trivial complex128) {
		t.Helper()
		if len(got) != low.Rank() {
			t.Fatalf("%s: %d eigenvalues, want R = %d", what, len(got), low.Rank())
		}
		var rest []complex128
		for _, l := range all {
			if cmplx.Abs(l-trivial) > 1e-9 {
				rest = append(rest, l)
			}
		}
		if len(rest) != len(got) {
			t.Fatalf("%s: dense spectrum %v has %d non-trivial eigenvalues, want %d", what, all, len(rest), len(got))
		}
		for i := range got {
			if cmplx.Abs(got[i]-rest[i]) > 1e-10 {
				t.Errorf("%s: eigenvalue %d = %v, dense %v", what, i, got[i], rest[i])
			}
		}
	}
	got, err := low.WeightEigenvalues()
	if err != nil {
		t.Fatal(err)
	}
	all, _ := dense.WeightEigenvalues()
	check("W", got, all, 0)
	got, err = low.JacobianEigenvalues(x)
	if err != nil {
		t.Fatal(err)
	}
	all, _ = dense.JacobianEigenvalues(x)
	check("J", got, all, complex(low.TrivialEigenvalue(), 0))
	if _, err := low.JacobianEigenvalues(x[:2]); err == nil {
		t.Error("short state: no error")
	}
}

func TestNetworkValidate(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	full, low, _ := testNetworks(rng)
	for name, mutate := range map[string]func(n *Network){
		"no weights":   func(n *Network) { n.W = nil },
		"both":         func(n *Network) { n.U, n.V = low.U, low.V },
		"alpha 0":      func(n *Network) { n.Alpha = 0 },
		"alpha > 1":    func(n *Network) { n.Alpha = 1.5 },
		"short bias":   func(n *Network) { n.B = n.B[:2] },
		"NaN bias":     func(n *Network) { n.B = append([]float64{math.NaN()}, n.B[1:]...) },
		"NaN W":        func(n *Network) { w := mat.DenseCopyOf(n.W); w.Set(1, 2, math.Inf(1)); n.W = w },
		"non-square W": func(n *Network) { n.W = mat.NewDense(7, 6, nil) },
		"input rows":   func(n *Network) { n.In = mat.NewDense(3, 2, nil) },
		"readout":      func(n *Network) { n.Readout = &Readout{M: 2, C: mat.NewDense(2, 3, nil), Bias: []float64{0, 0}} },
	} {
		n := *full
		mutate(&n)
		if err := n.Validate(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if err := full.Validate(); err != nil {
		t.Errorf("valid network: %v", err)
	}
}

// A constant input is the bias B + In u of an autonomous network, written out here by hand; a
// series drives Run bin by bin and Step holds its last row.
func TestNetworkInput(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	full, _, _ := testNetworks(rng)
	n, I := full.Dim(), full.Inputs()
	u := []float64{0.7, -1.3}
	c, err := full.WithInput(slices.Concat(u, u, u))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Input) != I || c.TimeVarying() {
		t.Fatalf("three equal rows kept as %d values, time varying %v: want one row", len(c.Input), c.TimeVarying())
	}
	folded := &Network{W: full.W, B: slices.Clone(full.B), Alpha: full.Alpha}
	for i := range n {
		folded.B[i] += full.In.At(i, 0)*u[0] + full.In.At(i, 1)*u[1]
	}
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	got, want := c.Run(x, 6), folded.Run(x, 6)
	for k := range got {
		for i := range n {
			if math.Abs(got[k][i]-want[k][i]) > 1e-12 {
				t.Fatalf("step %d unit %d: %v with input, %v with the input folded into the bias", k, i, got[k][i], want[k][i])
			}
		}
	}
	if full.Step(x, got[4]); math.Abs(x[0]-want[5][0]) < 1e-9 {
		t.Error("the network without Input ran with the input")
	}

	series := []float64{1, 0, 0, 1, -1, 2}
	d, err := full.WithInput(series)
	if err != nil {
		t.Fatal(err)
	}
	if !d.TimeVarying() {
		t.Error("three different rows not time varying")
	}
	traj := d.Run(got[0], 5)
	xt := slices.Clone(got[0])
	next := make([]float64, n)
	for k := 1; k < 5; k++ {
		row := min(k-1, 2)
		full.StepInput(next, xt, series[row*I:(row+1)*I])
		xt, next = next, xt
		for i := range n {
			if traj[k][i] != xt[i] {
				t.Fatalf("bin %d unit %d: Run %v, StepInput with row %d %v", k, i, traj[k][i], row, xt[i])
			}
		}
	}
	d.Step(next, xt)
	full.StepInput(x, xt, series[4:6])
	if !slices.Equal(next, x) {
		t.Error("Step does not hold the series' last row")
	}

	for _, bad := range [][]float64{{1}, {1, 2, 3}, {math.NaN(), 0}, nil} {
		if _, err := full.WithInput(bad); err == nil {
			t.Errorf("input %v accepted", bad)
		}
	}
	noIn := &Network{W: full.W, Alpha: full.Alpha}
	if _, err := noIn.WithInput(u); err == nil {
		t.Error("input accepted by a network without inputs")
	}
}

// The linear cell (φ = identity) is a linear dynamical system: its Jacobian is (1 − α) I + α W
// at every state, by finite differences of Step, and its eigenvalues are 1 − α + α λ(W) with
// λ(W) from gonum's eigendecomposition of the explicit W, for low and full rank alike.
func TestNetworkLinearCell(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	full, low, _ := testNetworks(rng)
	full.Cell, low.Cell = CellLinear, CellLinear
	for name, net := range map[string]*Network{"full": full, "low": low} {
		if err := net.Validate(); err != nil {
			t.Fatal(err)
		}
		n := net.Dim()
		W := net.Dense()
		var eig mat.Eigen
		if !eig.Factorize(W, mat.EigenNone) {
			t.Fatal("eigendecomposition failed")
		}
		var want []complex128
		for _, l := range eig.Values(nil) {
			if cmplx.Abs(l) > 1e-9 || !net.LowRank() {
				want = append(want, complex(1-net.Alpha, 0)+complex(net.Alpha, 0)*l)
			}
		}
		for trial := range 2 {
			x := make([]float64, n)
			for i := range x {
				x[i] = 3 * rng.NormFloat64()
			}
			got, err := net.JacobianEigenvalues(x)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) {
				t.Fatalf("%s: %d eigenvalues, want %d", name, len(got), len(want))
			}
			for _, w := range want {
				best := math.Inf(1)
				for _, g := range got {
					best = math.Min(best, cmplx.Abs(g-w))
				}
				if best > 1e-9 {
					t.Errorf("%s, state %d: eigenvalue %v of (1 − α) I + α W missing from %v", name, trial, w, got)
				}
			}
			var J mat.Dense
			net.Jacobian(&J, x)
			fd := finiteDifferenceJacobian(net, x, 1e-5)
			for i := range n {
				for j := range n {
					wantJ := net.Alpha * W.At(i, j)
					if i == j {
						wantJ += 1 - net.Alpha
					}
					if math.Abs(J.At(i, j)-wantJ) > 1e-12 || math.Abs(fd.At(i, j)-wantJ) > 1e-7 {
						t.Errorf("%s: J[%d,%d] = %v, finite difference %v, (1 − α) δ + α W = %v", name, i, j, J.At(i, j), fd.At(i, j), wantJ)
					}
				}
			}
		}
	}
	bad := *full
	bad.Cell = "relu"
	if err := bad.Validate(); err == nil {
		t.Error("cell relu accepted")
	}
}

// A configuration written with the empty cell says tanh, and reads back as tanh; an unknown cell
// is refused with the valid ones listed.
func TestCellYAML(t *testing.T) {
	c := Default(3)
	c.Cell = ""
	b, err := yaml.Marshal(&c)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "cell: tanh") {
		t.Errorf("empty cell written as\n%s", b)
	}
	var back Config
	if err := yaml.Unmarshal([]byte(strings.Replace(string(b), "cell: tanh", `cell: ""`, 1)), &back); err != nil || back.Cell != CellTanh {
		t.Errorf(`cell: "" read as %q, %v`, back.Cell, err)
	}
	err = yaml.Unmarshal([]byte(strings.Replace(string(b), "cell: tanh", "cell: relu", 1)), &back)
	if err == nil || !strings.Contains(err.Error(), "tanh, linear") {
		t.Errorf("cell: relu: %v", err)
	}
}

// finiteDifferenceJacobian returns the central difference (F(x + h e_j) − F(x − h e_j)) / 2h of
// the network's step in every direction e_j, column j of an n×n matrix.
func finiteDifferenceJacobian(net *Network, x []float64, h float64) *mat.Dense {
	n := len(x)
	fd := mat.NewDense(n, n, nil)
	fp, fm := make([]float64, n), make([]float64, n)
	for j := range n {
		xp, xm := slices.Clone(x), slices.Clone(x)
		xp[j] += h
		xm[j] -= h
		net.Step(fp, xp)
		net.Step(fm, xm)
		for i := range n {
			fd.Set(i, j, (fp[i]-fm[i])/(2*h))
		}
	}
	return fd
}
