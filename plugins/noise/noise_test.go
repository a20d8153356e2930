package noise

import (
	"math"
	"testing"

	"github.com/jedi-neuro/jedi/internal/toyfit"
)

// At k = 0 the curve is the training R² (1: the toy's data are its own predictions); noise
// lowers it on average, more as k grows, with a spread across draws.
func TestEmbeddingNoise(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 30, 25, 5)
	n, err := Analyze(tt.F, tt.DS, []float64{0, 0.5, 2}, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("R² %.4f ± %.4f", n.R2Mean, n.R2SD)
	if math.Abs(n.R2Mean[0]-1) > 1e-9 || n.R2SD[0] != 0 {
		t.Errorf("k = 0: R² %v ± %v, want exactly 1 ± 0", n.R2Mean[0], n.R2SD[0])
	}
	if !(n.R2Mean[1] < n.R2Mean[0] && n.R2Mean[2] < n.R2Mean[1]) {
		t.Errorf("R² does not fall with the noise: %v", n.R2Mean)
	}
	if !(n.R2SD[1] > 0 && n.R2SD[2] > 0) {
		t.Errorf("no spread across draws: %v", n.R2SD)
	}
	if len(n.EmbeddingSD) != 2 || n.Segments != len(tt.F.Train) {
		t.Errorf("embedding sd %v, %d segments", n.EmbeddingSD, n.Segments)
	}
	// The same seed gives the same curve.
	m, err := Analyze(tt.F, tt.DS, []float64{0, 0.5, 2}, 4, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.R2Mean {
		if m.R2Mean[i] != n.R2Mean[i] {
			t.Errorf("repeat with the same seed: R² %v, first run %v", m.R2Mean, n.R2Mean)
			break
		}
	}
	if _, err := Analyze(tt.F, tt.DS, []float64{-1}, 2, 1); err == nil {
		t.Error("negative noise scale: no error")
	}
}
