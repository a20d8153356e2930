package embed

import (
	"math"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestCentroids(t *testing.T) {
	X := mat.NewDense(5, 2, []float64{1, 2, 3, 4, 10, 0, 5, 6, 20, 2})
	groups, C, err := Centroids(X, []string{"b", "b", "a", "b", "a"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(groups, []string{"a", "b"}) {
		t.Errorf("groups %v", groups)
	}
	want := mat.NewDense(2, 2, []float64{15, 1, 3, 4})
	if !mat.Equal(C, want) {
		t.Errorf("centroids %v, want %v", mat.Formatted(C), mat.Formatted(want))
	}
	if _, _, err := Centroids(X, []string{"a"}); err == nil {
		t.Error("label count: no error")
	}
}

// A fake score that rewards a centroid close to the held-out segments' mean embedding: the
// matrix matches a direct computation and is diagonally dominant.
func TestGeneralizationMatrix(t *testing.T) {
	groups := []string{"a", "b", "c"}
	C := mat.NewDense(3, 2, []float64{0, 0, 5, 0, 0, 5})
	held := mat.NewDense(6, 2, []float64{5.2, 0.1, 0.3, -0.2, 0.1, 4.6, -0.1, 0.1, 4.9, -0.3, 0.2, 5.3})
	heldLabels := []string{"b", "a", "c", "a", "b", "c"}
	var got [][]int
	score := func(c []float64, segs []int) (float64, error) {
		got = append(got, segs)
		var mx, my float64
		for _, s := range segs {
			mx += held.At(s, 0)
			my += held.At(s, 1)
		}
		n := float64(len(segs))
		return -math.Hypot(c[0]-mx/n, c[1]-my/n), nil
	}
	M, err := GeneralizationMatrix(groups, C, heldLabels, score)
	if err != nil {
		t.Fatal(err)
	}
	segs := map[string][]int{"a": {1, 3}, "b": {0, 4}, "c": {2, 5}}
	for i, gi := range groups {
		for j, gj := range groups {
			if !slices.Equal(got[i*3+j], segs[gj]) {
				t.Errorf("score(%s, %s) got segments %v, want %v", gi, gj, got[i*3+j], segs[gj])
			}
			var mx, my float64
			for _, s := range segs[gj] {
				mx += held.At(s, 0) / 2
				my += held.At(s, 1) / 2
			}
			if want := -math.Hypot(C.At(i, 0)-mx, C.At(i, 1)-my); math.Abs(M.At(i, j)-want) > 1e-15 {
				t.Errorf("M[%s,%s] = %v, want %v", gi, gj, M.At(i, j), want)
			}
		}
	}
	ok, v, err := DiagonalDominant(M)
	if err != nil || !ok || len(v) != 0 {
		t.Errorf("DiagonalDominant = %v, %v, %v; want true", ok, v, err)
	}
	if _, err := GeneralizationMatrix(groups, C, []string{"a", "b", "d"}, score); err == nil {
		t.Error("unknown held-out label: no error")
	}
	if _, err := GeneralizationMatrix(groups, C, []string{"a", "b"}, score); err == nil {
		t.Error("group without held-out segments: no error")
	}
	if _, err := GeneralizationMatrix(groups[:2], C, heldLabels, score); err == nil {
		t.Error("centroid count: no error")
	}
}

func TestDiagonalDominant(t *testing.T) {
	cases := []struct {
		name string
		M    []float64
		want [][2]int
	}{
		{"dominant", []float64{0.9, 0.1, 0.2, 0.8}, nil},
		// Column 1: M[0,1] = 0.95 beats M[1,1] = 0.8. Row dominance is not what is asked:
		// M[1,0] = 0.2 < M[0,0], so column 0 is fine.
		{"column violation", []float64{0.9, 0.95, 0.2, 0.8}, [][2]int{{0, 1}}},
		{"tie", []float64{0.5, 0.1, 0.5, 0.8}, [][2]int{{1, 0}}},
		{"NaN", []float64{math.NaN(), 0.1, 0.2, 0.8}, [][2]int{{1, 0}}},
	}
	for _, c := range cases {
		ok, v, err := DiagonalDominant(mat.NewDense(2, 2, c.M))
		if err != nil || ok != (c.want == nil) || !slices.Equal(v, c.want) {
			t.Errorf("%s: %v, %v, %v; want violations %v", c.name, ok, v, err, c.want)
		}
	}
	if _, _, err := DiagonalDominant(mat.NewDense(2, 3, nil)); err == nil {
		t.Error("non-square: no error")
	}
}
