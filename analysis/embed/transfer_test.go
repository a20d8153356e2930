package embed

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Two sets of segments ("sessions") share the class structure but differ by an offset smaller
// than the class separation: a decoder trained on one set labels the other perfectly; when the
// second set's classes are swapped, it labels none of them right.
func TestTransferDecode(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 40
	X := mat.NewDense(2*n, 2, nil)
	labels := make([]string, 2*n)
	var a, b []int
	for i := range 2 * n {
		c := i % 2
		off := 0.0
		if i >= n {
			off = 0.5
			b = append(b, i)
		} else {
			a = append(a, i)
		}
		X.Set(i, 0, 4*float64(c)+off+0.3*rng.NormFloat64())
		X.Set(i, 1, rng.NormFloat64())
		labels[i] = []string{"x", "y"}[c]
	}
	for _, m := range []Method{KNN, Logistic} {
		res, err := TransferDecode(X, labels, a, b, m)
		if err != nil {
			t.Fatal(err)
		}
		if res.Accuracy != 1 || res.Chance != 0.5 {
			t.Errorf("%v: accuracy %v chance %v, want 1 and 0.5", m, res.Accuracy, res.Chance)
		}
		swapped := append([]string(nil), labels...)
		for _, i := range b {
			swapped[i] = map[string]string{"x": "y", "y": "x"}[labels[i]]
		}
		if res, _ := TransferDecode(X, swapped, a, b, m); res.Accuracy != 0 {
			t.Errorf("%v: swapped classes decoded with accuracy %v, want 0", m, res.Accuracy)
		}
	}
	if _, err := TransferDecode(X, labels, a, nil, KNN); err == nil {
		t.Error("no test rows accepted")
	}
}
