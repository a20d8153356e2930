package embed

import (
	"cmp"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// knnK is the number of neighbours that vote.
const knnK = 5

// knnPredict labels each row of test by a majority vote of its k = min(5, n) nearest rows of train
// (Euclidean distance; y holds train's classes in 0…K−1). A tie in the vote goes to the tied class
// whose nearest member is closest, and distance ties to the lower training index, so the result is
// deterministic.
func knnPredict(train *mat.Dense, y []int, K int, test *mat.Dense) []int {
	n, _ := train.Dims()
	m, _ := test.Dims()
	k := min(knnK, n)
	type neighbour struct {
		d2 float64
		i  int
	}
	nb := make([]neighbour, n)
	votes := make([]int, K)
	pred := make([]int, m)
	for t := 0; t < m; t++ {
		q := test.RawRowView(t)
		for i := 0; i < n; i++ {
			var d2 float64
			for j, v := range train.RawRowView(i) {
				e := v - q[j]
				d2 += e * e
			}
			nb[i] = neighbour{d2, i}
		}
		slices.SortFunc(nb, func(a, b neighbour) int {
			if c := cmp.Compare(a.d2, b.d2); c != 0 {
				return c
			}
			return cmp.Compare(a.i, b.i)
		})
		clear(votes)
		most := 0
		for _, v := range nb[:k] {
			votes[y[v.i]]++
			most = max(most, votes[y[v.i]])
		}
		// The neighbours are in order of distance, so the first one of a class with the most
		// votes is the closest among the tied classes.
		for _, v := range nb[:k] {
			if votes[y[v.i]] == most {
				pred[t] = y[v.i]
				break
			}
		}
	}
	return pred
}
