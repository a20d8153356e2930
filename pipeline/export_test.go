package pipeline

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/jedi-neuro/jedi/internal/npy"
	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// The export holds what a Python user needs to recompute the model: the latent trajectory
// follows x_{t+1} = (1 − α) x_t + α (U Vᵀ/N φ(x_t) + b + B u_t) from x0, the prediction is
// C φ(x_t) + c, and both agree with the training engine's own evaluation (a separate,
// batched implementation) on the training and the held-out segments: for the rate network
// without inputs and for a linear cell with the context as input.
func TestExport(t *testing.T) {
	t.Run("tanh", func(t *testing.T) { testExport(t, toyfit.Config()) })
	c := toyfit.Config()
	c.Cell, c.I = model.CellLinear, 3
	t.Run("linear, inputs", func(t *testing.T) { testExport(t, c) })
}

func testExport(t *testing.T, mc model.Config) {
	tt := toyfit.New(t, mc, 16, 12, 12)
	f, ds := tt.F, tt.DS
	cl := ds.Labels["cluster"]
	cl.Order = []string{"c", "a", "b"}
	ds.Labels["cluster"] = cl
	x, err := NewExport(f, ds, 5)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "export.npz")
	if err := x.WriteNPZ(path); err != nil {
		t.Fatal(err)
	}
	r, err := npy.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	get := func(name string) *npy.Array {
		a, err := r.Array(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return a
	}
	floats := func(name string, shape ...int) []float64 {
		a := get(name)
		if len(a.Shape) != len(shape) {
			t.Fatalf("%s: shape %v, want %v", name, a.Shape, shape)
		}
		for i := range shape {
			if a.Shape[i] != shape[i] {
				t.Fatalf("%s: shape %v, want %v", name, a.Shape, shape)
			}
		}
		v, err := a.Floats()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return v
	}
	c := f.Config.Model
	S, T, M, N, R := ds.S, ds.T, ds.M, c.N, c.Rank
	U, V := floats("U", S, N, R), floats("V", S, N, R)
	b, x0 := floats("b", S, N), floats("x0", S, N)
	lat, pred := floats("latent", S, T, N), floats("prediction", S, T, M)
	C, cb := floats("readout_C", M, N), floats("readout_bias", M)
	alpha := floats("alpha")[0]
	cell, err := get("cell").Strings()
	if err != nil || len(cell) != 1 || cell[0] != string(mc.Cell) && !(mc.Cell == "" && cell[0] == "tanh") {
		t.Fatalf("cell %q, %v; want that of %q", cell, err, mc.Cell)
	}
	phi := model.Cell(cell[0]).Phi
	var B, u []float64
	if mc.I > 0 {
		B, u = floats("input_weights", N, mc.I), floats("inputs", S, T, mc.I)
	}
	scale := floats("w_scale")[0]
	floats("embedding", S, c.D)
	if scale != 1/float64(N) {
		t.Errorf("w_scale %v, want 1/N", scale)
	}
	// The recurrence, from the exported arrays alone.
	worst := 0.0
	for s := range S {
		xt := append([]float64(nil), x0[s*N:(s+1)*N]...)
		for tt := range ds.Lengths[s] {
			for i := range N {
				worst = math.Max(worst, math.Abs(lat[(s*T+tt)*N+i]-xt[i]))
			}
			for m := range M {
				y := cb[m]
				for j := range N {
					y += C[m*N+j] * phi(xt[j])
				}
				worst = math.Max(worst, math.Abs(pred[(s*T+tt)*M+m]-y))
			}
			next := make([]float64, N)
			for i := range N {
				var w float64
				for j := range N {
					var uv float64
					for k := range R {
						uv += U[(s*N+i)*R+k] * V[(s*N+j)*R+k]
					}
					w += scale * uv * phi(xt[j])
				}
				for k := range mc.I {
					w += B[i*mc.I+k] * u[(s*T+tt)*mc.I+k]
				}
				next[i] = (1-alpha)*xt[i] + alpha*(w+b[s*N+i])
			}
			xt = next
		}
		for tt := ds.Lengths[s]; tt < T; tt++ {
			if !math.IsNaN(pred[(s*T+tt)*M]) {
				t.Fatalf("segment %d bin %d past its length is %v, want NaN", s, tt, pred[(s*T+tt)*M])
			}
		}
	}
	if worst > 1e-9 {
		t.Errorf("recurrence from the exported arrays differs by %g", worst)
	}
	// The training engine's predictions.
	tr, err := train.Evaluate(f, ds, f.Train)
	if err != nil {
		t.Fatal(err)
	}
	held, err := train.Infer(f, ds, f.HeldOut, 5)
	if err != nil {
		t.Fatal(err)
	}
	worst = 0
	for _, inf := range []*train.Inferred{tr, held} {
		for i, s := range inf.Segments {
			for tt := range ds.Lengths[s] {
				for m := range M {
					worst = math.Max(worst, math.Abs(pred[(s*T+tt)*M+m]-inf.Prediction[(i*T+tt)*M+m]))
				}
			}
		}
	}
	if worst > 1e-9 {
		t.Errorf("exported prediction differs from the training engine's by %g", worst)
	}
	held2 := get("heldout")
	hb, err := held2.Floats()
	if err != nil {
		t.Fatal(err)
	}
	for s := range S {
		if (hb[s] == 1) != x.HeldOut[s] || x.HeldOut[s] != (s%4 == 3) {
			t.Errorf("heldout[%d] = %v", s, hb[s])
		}
	}
	cfg := get("config")
	if s, err := cfg.Strings(); err != nil || len(s) != 1 || s[0] != x.Config || len(s[0]) < 100 {
		t.Errorf("config: %q, %v", s, err)
	}
	if l, err := get("label_cluster").Strings(); err != nil || len(l) != S || l[1] != "b" {
		t.Errorf("label_cluster: %q, %v", l, err)
	}
	if o, err := get("order_cluster").Strings(); err != nil || !slices.Equal(o, []string{"c", "a", "b"}) {
		t.Errorf("order_cluster: %q, %v; want the data's order [c a b]", o, err)
	}
}
