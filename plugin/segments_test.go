package plugin

import (
	"math"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// The network simulated from a segment's embedding and initial state, read out, must reproduce
// the model's own prediction of the segment, for every readout and initial-state kind and for
// the Poisson link (what the fixed-point analysis projects and matches to a teacher).
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
		{"poisson", "linear", "learned", 2},
		{"poisson, identity", "identity", "learned", 0},
		{"context input", "linear", "learned", 2},
		{"input series", "linear", "learned", 0},
	} {
		t.Run(v.name, func(t *testing.T) {
			c := toyfit.Config()
			c.Readout, c.InitialState, c.Rank = model.ReadoutKind(v.readout), model.InitialState(v.x), v.rank
			if strings.HasPrefix(v.name, "poisson") {
				c.Loss = model.Poisson
			}
			inputs := strings.HasPrefix(v.name, "context") || strings.HasPrefix(v.name, "input")
			if inputs {
				c.I = 3
			}
			tt := toyfit.New(t, c, 12, 25, 1)
			f, ds := tt.F, tt.DS
			if v.name == "input series" {
				// An input that varies in time on top of the one-hot.
				for i := range ds.Inputs {
					ds.Inputs[i] += math.Sin(0.3 * float64(i))
				}
			}
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
			// worst is the largest difference from the pass of the segments' networks, and
			// without the input the largest of the networks with their inputs left out.
			var worst, without float64
			for i := range segs.Idx {
				net, err := segs.Network(f, segs.E[i], i)
				if err != nil {
					t.Fatal(err)
				}
				if inputs != (net.Input != nil) || (v.name == "input series") != net.TimeVarying() {
					t.Fatalf("segment %d: input %v, time varying %v", segs.Idx[i], net.Input != nil, net.TimeVarying())
				}
				bare, err := f.Network(segs.E[i])
				if err != nil {
					t.Fatal(err)
				}
				xb := bare.Run(segs.X0[i], ds.T)
				for tb, x := range net.Run(segs.X0[i], ds.T) {
					y, yb := net.Observe(x), bare.Observe(xb[tb])
					for m, v := range y {
						want := p.Prediction[(i*ds.T+tb)*ds.M+m]
						worst = math.Max(worst, math.Abs(v-want))
						without = math.Max(without, math.Abs(yb[m]-want))
					}
				}
			}
			if worst > 1e-10 {
				t.Errorf("simulated readout differs from train.Predict by up to %g", worst)
			}
			if inputs && without < 1e-2 {
				t.Errorf("the networks without their input differ from train.Predict by only %g: the test cannot tell", without)
			}
		})
	}
}

func TestInitialStatesErrors(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 6, 10, 3)
	if _, err := InitialStates(tt.F, tt.DS, []int{0, 1}, make([]float64, 5)); err == nil {
		t.Error("learned initial states of the wrong length: no error")
	}
	if _, err := tt.F.Network([]float64{1}); err == nil {
		t.Error("embedding of the wrong dimension: no error")
	}
}
