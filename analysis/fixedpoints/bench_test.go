package fixedpoints

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/model"
)

// randomRNN returns a *model.Network with W_ij ~ N(0, g²/n), the classic random network that is
// chaotic for g > 1 (in continuous time), and a trajectory of steps states after a burn-in.
func randomRNN(n int, g, alpha float64, steps int, seed uint64) (*model.Network, [][]float64) {
	rng := rand.New(rand.NewPCG(seed, 1))
	w := make([]float64, n*n)
	for i := range w {
		w[i] = g / math.Sqrt(float64(n)) * rng.NormFloat64()
	}
	m := &model.Network{W: mat.NewDense(n, n, w), Alpha: alpha}
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	next := make([]float64, n)
	traj := make([][]float64, 0, steps)
	for t := range 200 + steps {
		m.Step(next, x)
		x, next = next, x
		if t >= 200 {
			traj = append(traj, append([]float64(nil), x...))
		}
	}
	return m, traj
}

// BenchmarkFind256 measures the performance target: fixed points of a 256-unit random rate
// network (gain 1.5, α = 0.2) from 1024 starts sampled on a trajectory with noise 0.1.
// Run with
//
//	go test -run '^$' -bench Find256 -benchtime 1x ./analysis/fixedpoints
func BenchmarkFind256(b *testing.B) {
	m, traj := randomRNN(256, 1.5, 0.2, 2000, 11)
	starts, err := Starts(traj, 1024, 0.1, 12)
	if err != nil {
		b.Fatal(err)
	}
	var res Result
	for b.Loop() {
		res, err = Find(m, starts, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	fixed := 0
	for _, p := range res.Points {
		if !p.Slow {
			fixed++
		}
	}
	b.ReportMetric(float64(fixed), "fixedpoints")
	b.ReportMetric(float64(len(res.Points)-fixed), "slowpoints")
	b.ReportMetric(float64(res.Stats.Converged), "converged")
	b.ReportMetric(float64(res.Stats.Exhausted), "exhausted")
	b.ReportMetric(float64(res.Stats.Evals)/float64(len(starts)), "evals/start")
}
