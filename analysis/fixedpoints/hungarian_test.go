package fixedpoints

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteAssign returns the minimum total cost over every injection of rows into columns
// (r ≤ c), by enumerating them.
func bruteAssign(cost [][]float64) float64 {
	r, c := len(cost), len(cost[0])
	used := make([]bool, c)
	best := math.Inf(1)
	var rec func(i int, sum float64)
	rec = func(i int, sum float64) {
		if i == r {
			best = min(best, sum)
			return
		}
		for j := 0; j < c; j++ {
			if !used[j] {
				used[j] = true
				rec(i+1, sum+cost[i][j])
				used[j] = false
			}
		}
	}
	rec(0, 0)
	return best
}

func TestAssignBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 21))
	for trial := range 400 {
		r := 1 + rng.IntN(6)
		c := r + rng.IntN(3)
		cost := make([][]float64, r)
		for i := range cost {
			cost[i] = make([]float64, c)
			for j := range cost[i] {
				if trial%3 == 0 {
					// Small integers make ties, where greedy shortcuts go wrong.
					cost[i][j] = float64(rng.IntN(4))
				} else {
					cost[i][j] = rng.Float64()*10 - 3
				}
			}
		}
		col := assign(cost)
		seen := make(map[int]bool)
		var sum float64
		for i, j := range col {
			if j < 0 || j >= c || seen[j] {
				t.Fatalf("trial %d: assignment %v is not an injection into %d columns", trial, col, c)
			}
			seen[j] = true
			sum += cost[i][j]
		}
		if want := bruteAssign(cost); math.Abs(sum-want) > 1e-12 {
			t.Errorf("trial %d (%d×%d): total %v, brute force %v", trial, r, c, sum, want)
		}
	}
	if assign(nil) != nil {
		t.Error("empty cost matrix")
	}
}
