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
	} {
		t.Run(v.name, func(t *testing.T) {
			c := toyfit.Config()
			c.Readout, c.InitialState, c.Rank = model.ReadoutKind(v.readout), model.InitialState(v.x), v.rank
			if strings.HasPrefix(v.name, "poisson") {
				c.Loss = model.Poisson
			}
			tt := toyfit.New(t, c, 12, 25, 1)
			f, ds := tt.F, tt.DS
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
			var worst float64
			for i := range segs.Idx {
				net, err := f.Network(segs.E[i])
				if err != nil {
					t.Fatal(err)
				}
				for tb, x := range net.Run(segs.X0[i], ds.T) {
					y := net.Observe(x)
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

func TestInitialStatesErrors(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 6, 10, 3)
	if _, err := InitialStates(tt.F, tt.DS, []int{0, 1}, make([]float64, 5)); err == nil {
		t.Error("learned initial states of the wrong length: no error")
	}
	if _, err := tt.F.Network([]float64{1}); err == nil {
		t.Error("embedding of the wrong dimension: no error")
	}
}
