package fixedpoints

import "math"

// assign solves the rectangular assignment problem for the r×c cost matrix cost (row-major
// rows, r ≤ c): it returns col, with col[i] the column matched to row i, all distinct, that
// minimises Σᵢ cost[i][col[i]].
//
// This is the Hungarian method with row and column potentials u, v (Kuhn–Munkres in the
// shortest-augmenting-path form of Jonker & Volgenant): each row is added by a Dijkstra-like
// search over reduced costs cost[i][j] − u[i] − v[j] ≥ 0, so the whole costs O(r² c).
func assign(cost [][]float64) []int {
	r := len(cost)
	if r == 0 {
		return nil
	}
	c := len(cost[0])
	// 1-based arrays; index 0 is the virtual column/row the augmenting path starts from.
	u := make([]float64, r+1)
	v := make([]float64, c+1)
	p := make([]int, c+1) // p[j]: row matched to column j (0 = free)
	way := make([]int, c+1)
	minv := make([]float64, c+1)
	used := make([]bool, c+1)
	for i := 1; i <= r; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = math.Inf(1)
			used[j] = false
		}
		for p[j0] != 0 {
			used[j0] = true
			i0, delta, j1 := p[j0], math.Inf(1), 0
			for j := 1; j <= c; j++ {
				if used[j] {
					continue
				}
				if cur := cost[i0-1][j-1] - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= c; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
		}
		// Flip the augmenting path back to the start.
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	col := make([]int, r)
	for j := 1; j <= c; j++ {
		if p[j] != 0 {
			col[p[j]-1] = j - 1
		}
	}
	return col
}
