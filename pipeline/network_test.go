package pipeline

import (
	"fmt"
	"math"
	"math/cmplx"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/spectra"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// The network simulated from a segment's embedding and initial state, read out, must reproduce
// the model's own prediction of the segment, for every readout and initial-state kind.
func TestNetworkRunMatchesPredict(t *testing.T) {
	for _, v := range []struct {
		name       string
		readout, x string
		rank       int
	}{
		{"low rank, learned x0", "linear", "learned", 2},
		{"full rank, identity readout", "identity", "learned", 0},
		{"encoder", "linear", "encoder", 2},
		{"zero x0", "linear", "zero", 2},
	} {
		t.Run(v.name, func(t *testing.T) {
			c := toyConfig()
			c.Readout, c.InitialState, c.Rank = v.readout, v.x, v.rank
			tt := newToy(t, c, 12, 25, 1)
			f, ds := tt.f, tt.ds
			segs, err := TrainingSegments(f, ds)
			if err != nil {
				t.Fatal(err)
			}
			var E []float64
			for _, e := range segs.E {
				E = append(E, e...)
			}
			var X0 []float64
			if v.x == "learned" {
				X0 = f.X0
			}
			p, err := train.Predict(f, ds, segs.Idx, E, X0)
			if err != nil {
				t.Fatal(err)
			}
			observe, err := Readout(f)
			if err != nil {
				t.Fatal(err)
			}
			var worst float64
			for i := range segs.Idx {
				net, err := NewNetwork(f, segs.E[i])
				if err != nil {
					t.Fatal(err)
				}
				for tb, x := range net.Run(segs.X0[i], ds.T) {
					y := observe(x)
					for m, v := range y {
						worst = math.Max(worst, math.Abs(v-p.Prediction[(i*ds.T+tb)*ds.M+m]))
					}
				}
			}
			if worst > 1e-10 {
				t.Errorf("simulated readout differs from train.Predict by up to %g", worst)
			}
		})
	}
}

// The informative Jacobian eigenvalues of a low-rank network are those of the dense N×N
// Jacobian other than the N − R equal to 1 − α; for full rank they are all of the dense ones.
func TestJacobianEigenvalues(t *testing.T) {
	for _, rank := range []int{2, 0} {
		c := toyConfig()
		c.Rank = rank
		tt := newToy(t, c, 6, 10, 2)
		net, err := NewNetwork(tt.f, tt.E[0])
		if err != nil {
			t.Fatal(err)
		}
		x := net.Run(tt.X0[0], 5)[4]
		got, err := net.JacobianEigenvalues(x)
		if err != nil {
			t.Fatal(err)
		}
		J, err := spectra.RateJacobian(net.Weights.W, c.Alpha, x)
		if err != nil {
			t.Fatal(err)
		}
		dense, err := spectra.Eigenvalues(J)
		if err != nil {
			t.Fatal(err)
		}
		if rank == 0 {
			if len(got) != c.N {
				t.Fatalf("full rank: %d eigenvalues, want %d", len(got), c.N)
			}
			for i := range got {
				if cmplx.Abs(got[i]-dense[i]) > 1e-12 {
					t.Errorf("full rank eigenvalue %d = %v, dense Jacobian %v", i, got[i], dense[i])
				}
			}
			continue
		}
		if len(got) != rank {
			t.Fatalf("rank %d: %d informative eigenvalues", rank, len(got))
		}
		trivial := 0
		for _, l := range dense {
			if cmplx.Abs(l-complex(1-c.Alpha, 0)) < 1e-9 {
				trivial++
			}
		}
		if trivial != c.N-rank {
			t.Errorf("dense Jacobian has %d eigenvalues at 1 − α, want %d", trivial, c.N-rank)
		}
		for _, l := range got {
			best := math.Inf(1)
			for _, d := range dense {
				best = math.Min(best, cmplx.Abs(l-d))
			}
			if best > 1e-10 {
				t.Errorf("informative eigenvalue %v is not an eigenvalue of the dense Jacobian (closest %g)", l, best)
			}
		}
	}
}

// The tangent map equals the dense Jacobian times the vector.
func TestJVP(t *testing.T) {
	for _, rank := range []int{2, 0} {
		c := toyConfig()
		c.Rank = rank
		tt := newToy(t, c, 6, 10, 2)
		net, err := NewNetwork(tt.f, tt.E[1])
		if err != nil {
			t.Fatal(err)
		}
		x, v := net.Run(tt.X0[1], 3)[2], tt.X0[2]
		var J mat.Dense
		net.Map.Jacobian(&J, x)
		want := mat.NewVecDense(c.N, nil)
		want.MulVec(&J, mat.NewVecDense(c.N, v))
		got := make([]float64, c.N)
		net.JVP(got, x, v)
		for i := range got {
			if math.Abs(got[i]-want.AtVec(i)) > 1e-12 {
				t.Errorf("rank %d: J v = %v, dense %v", rank, got, want.RawVector().Data)
				break
			}
		}
	}
}

func TestInitialStatesErrors(t *testing.T) {
	tt := newToy(t, toyConfig(), 6, 10, 3)
	if _, err := InitialStates(tt.f, tt.ds, []int{0, 1}, make([]float64, 5)); err == nil {
		t.Error("learned initial states of the wrong length: no error")
	}
	if _, err := NewNetwork(tt.f, []float64{1}); err == nil {
		t.Error("embedding of the wrong dimension: no error")
	}
}

// A rank-one network with U = V = (1, 1) has W = [[½, ½], [½, ½]]; at x = 0 its Jacobian
// (1 − α) I + α W has the eigenvalues 1 and 1 − α, of which only 1 depends on W.
func ExampleNetwork_JacobianEigenvalues() {
	c := model.Config{N: 2, M: 1, D: 1, Rank: 1, Alpha: 0.1, Readout: "linear", Loss: "gaussian", InitialState: "zero"}
	m, _ := model.New(c)
	theta := make([]float64, m.Layout.Size)
	// A hypernetwork with no hidden layer and zero weights outputs its bias: U then V.
	copy(model.View(theta, &m.Layout, m.Layout.HyperB[0]), []float64{1, 1, 1, 1})
	f := &train.Fitted{Config: train.Config{DType: "float64", Model: c}, Theta: theta}
	net, _ := NewNetwork(f, []float64{0})
	fmt.Println(mat.Formatted(net.Weights.W))
	eigs, _ := net.JacobianEigenvalues([]float64{0, 0})
	fmt.Printf("%.2f\n", eigs)
	// Output:
	// ⎡0.5  0.5⎤
	// ⎣0.5  0.5⎦
	// [(1.00+0.00i)]
}
