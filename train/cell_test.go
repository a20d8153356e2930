package train

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/jedi-neuro/jedi/model"
)

// A linear-cell model (a linear dynamical system) fits in float32, its cell is stored in the
// model file, and the model read back predicts what the fitted one does, through the linear
// network: its prediction is the readout of x_t itself, not of tanh(x_t).
func TestLinearCellFitsAndIsStored(t *testing.T) {
	ds := teacherData(t, 20, 20, 5)
	cfg := smallConfig(ds.M)
	cfg.Model.Cell = model.CellLinear
	cfg.Train.Epochs = 4
	dir := t.TempDir()
	f, err := Fit(context.Background(), cfg, ds, FitOptions{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "linear.npz")
	if err := SaveModel(path, f); err != nil {
		t.Fatal(err)
	}
	g, err := LoadModel(path)
	if err != nil {
		t.Fatal(err)
	}
	if g.Config.Model.Cell != model.CellLinear {
		t.Fatalf("cell read back %q, want linear", g.Config.Model.Cell)
	}
	want, err := Evaluate(f, ds, f.Train)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Evaluate(g, ds, g.Train)
	if err != nil {
		t.Fatal(err)
	}
	if math.IsNaN(got.R2) || got.R2 != want.R2 {
		t.Errorf("R² of the model read back %v, fitted %v", got.R2, want.R2)
	}
	net, err := g.Network(g.Embedding(0))
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, net.Dim())
	for i := range x {
		x[i] = 2
	}
	y := net.Observe(x)
	c, b := net.Readout.C, net.Readout.Bias
	for i := range y {
		s := b[i]
		for j := range x {
			s += c.At(i, j) * x[j]
		}
		if math.Abs(y[i]-s) > 1e-12 {
			t.Fatalf("neuron %d: readout %v, C x + c = %v", i, y[i], s)
		}
	}
}
