package generalization

import (
	"math"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/train"
)

// Each cluster's held-out segments come from embeddings near its centre, so its own centroid
// explains them best. Every entry is recomputed independently: the centroid as the mean of the
// true embeddings of the cluster's training segments, scored by train.InferInitial.
func TestCentroidGeneralization(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 48, 30, 4)
	f, ds := tt.F, tt.DS
	const steps = 20
	g, err := Analyze(f, ds, "cluster", steps)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Groups, []string{"a", "b", "c"}) {
		t.Fatalf("groups %v", g.Groups)
	}
	if !slices.Equal(g.TrainCount, []int{12, 12, 12}) || !slices.Equal(g.HeldOutCount, []int{4, 4, 4}) {
		t.Errorf("segments per group: train %v, held-out %v; want 12 and 4 each", g.TrainCount, g.HeldOutCount)
	}
	t.Logf("R² matrix %.3f", g.R2)
	if !g.Dominant || len(g.Violations) != 0 {
		t.Errorf("not diagonal dominant: %v", g.Violations)
	}
	labels := ds.Labels["cluster"].Values
	for i, row := range g.Groups {
		centroid := make([]float64, 2)
		n := 0
		for _, s := range f.Train {
			if labels[s] == row {
				centroid[0] += tt.E[s][0]
				centroid[1] += tt.E[s][1]
				n++
			}
		}
		centroid[0] /= float64(n)
		centroid[1] /= float64(n)
		if math.Abs(centroid[0]-g.Centroids[i][0]) > 1e-12 || math.Abs(centroid[1]-g.Centroids[i][1]) > 1e-12 {
			t.Errorf("centroid of %s = %v, want %v", row, g.Centroids[i], centroid)
		}
		for j, col := range g.Groups {
			var idx []int
			var E []float64
			for _, s := range f.HeldOut {
				if labels[s] == col {
					idx = append(idx, s)
					E = append(E, centroid...)
				}
			}
			inf, err := train.InferInitial(f, ds, idx, E, steps)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(inf.R2-g.R2[i][j]) > 1e-9 {
				t.Errorf("R2[%s][%s] = %.6f, direct computation %.6f", row, col, g.R2[i][j], inf.R2)
			}
		}
	}
	if _, err := Analyze(f, ds, "nonesuch", steps); err == nil {
		t.Error("unknown label: no error")
	}
	noHeld := *f
	noHeld.HeldOut = nil
	if _, err := Analyze(&noHeld, ds, "cluster", steps); err == nil {
		t.Error("no held-out segments: no error")
	}
}
