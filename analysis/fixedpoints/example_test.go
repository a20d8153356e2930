package fixedpoints_test

import (
	"fmt"
	"github.com/jedi-neuro/jedi/model"
	"log"
	"math"
	"math/rand/v2"

	"github.com/jedi-neuro/jedi/analysis/fixedpoints"
	"gonum.org/v1/gonum/mat"
)

// A 2-bit flip-flop: two uncoupled bistable units, W = 2I. Each unit has fixed points
// x ∈ {−x*, 0, x*} with x* = 2 tanh x* ≈ 1.915, so the network has 9: four stable corners,
// four saddles and an unstable origin. Starts are sampled from short trajectories.
func Example() {
	m := &model.Network{W: mat.NewDense(2, 2, []float64{2, 0, 0, 2}), Alpha: 0.5}

	// Trajectories from random initial states, every state kept.
	rng := rand.New(rand.NewPCG(1, 2))
	var traj [][]float64
	for range 20 {
		x := []float64{4*rng.Float64() - 2, 4*rng.Float64() - 2}
		for range 10 {
			traj = append(traj, x)
			next := make([]float64, 2)
			m.Step(next, x)
			x = next
		}
	}
	starts, err := fixedpoints.Starts(traj, 200, 0.5, 3)
	if err != nil {
		log.Fatal(err)
	}
	res, err := fixedpoints.Find(m, starts, fixedpoints.Options{TolQ: 1e-20})
	if err != nil {
		log.Fatal(err)
	}
	count := map[fixedpoints.Class]int{}
	for _, p := range res.Points {
		count[p.Class]++
		if p.Class == fixedpoints.Stable {
			fmt.Printf("stable at (%+.4f, %+.4f), |λ|max = %.4f\n", p.X[0], p.X[1], real(p.Eigenvalues[0]))
		}
	}
	fmt.Println(count[fixedpoints.Stable], "stable,", count[fixedpoints.Saddle], "saddles,",
		count[fixedpoints.Unstable], "unstable")
	// Unordered output:
	// stable at (+1.9150, +1.9150), |λ|max = 0.5832
	// stable at (+1.9150, -1.9150), |λ|max = 0.5832
	// stable at (-1.9150, +1.9150), |λ|max = 0.5832
	// stable at (-1.9150, -1.9150), |λ|max = 0.5832
	// 4 stable, 4 saddles, 1 unstable
}

// Scoring found fixed points against known ones.
func ExampleMatch() {
	truth := []fixedpoints.Point{{X: []float64{-1, 0}}, {X: []float64{1, 0}}}
	found := []fixedpoints.Point{{X: []float64{1.02, 0}}, {X: []float64{-0.98, 0}}, {X: []float64{0, 0}}}
	s, err := fixedpoints.Match(found, truth, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range s.Pairs {
		fmt.Printf("found %d ↔ truth %d at distance %.2f\n", p.Found, p.Truth, p.Distance)
	}
	fmt.Printf("count difference %d, spread %.2f, score %.3f\n", s.CountDiff, s.Spread, s.Score)
	// Output:
	// found 0 ↔ truth 1 at distance 0.02
	// found 1 ↔ truth 0 at distance 0.02
	// count difference 1, spread 1.00, score 0.654
}

// Comparing a ring of slow points with a finder's few points on it: the counts differ tenfold,
// but every point of each set has a point of the other nearby.
func ExampleCover() {
	var truth, found [][]float64
	for i := range 60 {
		a := 2 * math.Pi * float64(i) / 60
		truth = append(truth, []float64{math.Cos(a), math.Sin(a)})
	}
	for i := range 6 {
		a := 2*math.Pi*float64(i)/6 + 0.05
		found = append(found, []float64{math.Cos(a), math.Sin(a)})
	}
	for _, r := range []float64{0.1, 0.6} {
		c, err := fixedpoints.Cover(found, truth, r)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("radius %.1f: recall %.2f, precision %.2f, F1 %.2f\n", r, c.Recall, c.Precision, c.F1)
	}
	// Output:
	// radius 0.1: recall 0.20, precision 1.00, F1 0.33
	// radius 0.6: recall 1.00, precision 1.00, F1 1.00
}
