package spectra

import (
	"math"
	"math/cmplx"
	"slices"
	"testing"

	eig "github.com/jedi-neuro/jedi/analysis/spectra"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
)

func TestSpectra(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 24, 20, 7)
	f, ds := tt.F, tt.DS
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	fps, err := fixedpoints.Analyze(f, ds, segs, "cluster", fixedpoints.Options{Starts: 32})
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(f, ds, segs, "cluster", fps, Options{Stride: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !a.LowRank || a.Rank != 2 || a.TrivialJacobian != 0.8 || a.UnitTol != 0.05 {
		t.Errorf("low rank %v, rank %d, trivial %v, tol %v", a.LowRank, a.Rank, a.TrivialJacobian, a.UnitTol)
	}
	if len(a.Weights) != 3 || len(a.Trajectory) != 3 || len(a.FixedPoints) != 3 {
		t.Fatalf("%d, %d, %d groups", len(a.Weights), len(a.Trajectory), len(a.FixedPoints))
	}
	labels, _ := segs.Labels(ds, "cluster")
	for g, st := range a.Trajectory {
		// Independently: every 3rd state of every member's trajectory, R eigenvalues each, the
		// trajectory recomputed by the explicit update and its Jacobian's eigenvalues by
		// the explicit J = (1 − α) I + α W diag(1 − tanh² x), keeping those away from 1 − α.
		var want []complex128
		members := 0
		for i, l := range labels {
			if l != st.Group {
				continue
			}
			members++
			net, _ := f.Network(segs.E[i])
			W, b := net.Dense(), net.B
			x := slices.Clone(segs.X0[i])
			for step := range ds.Lengths[segs.Idx[i]] {
				if step%3 == 0 {
					eigs, _ := model.Eigenvalues(toyfit.DenseJacobian(W, 0.2, x))
					for _, l := range eigs {
						if cmplx.Abs(l-0.8) > 1e-9 {
							want = append(want, l)
						}
					}
				}
				next := make([]float64, len(x))
				for r := range x {
					s := b[r]
					for c, xc := range x {
						s += W.At(r, c) * math.Tanh(xc)
					}
					next[r] = 0.8*x[r] + 0.2*s
				}
				x = next
			}
		}
		if st.Matrices != members*7 || st.Count != 2*st.Matrices || len(want) != st.Count {
			t.Errorf("group %d: %d matrices, %d eigenvalues; want %d × 7 states, %d eigenvalues", g, st.Matrices, st.Count, members, len(want))
			continue
		}
		ref, _ := eig.Summarize(want, 0.05)
		if math.Abs(ref.Radius-st.Radius) > 1e-9 || math.Abs(ref.ImagStd-st.ImagStd) > 1e-9 || ref.NearUnit != st.NearUnit {
			t.Errorf("group %s: summary %+v, recomputed %+v", st.Group, st, ref)
		}
	}
	ws, _ := Weights(f, segs.Matrix(), labels, 0.05)
	for _, w := range ws {
		i := slices.IndexFunc(a.Weights, func(s SpectrumStats) bool { return s.Group == w.Group })
		if i < 0 || a.Weights[i].Radius != w.Summary.Radius || len(a.Weights[i].Eigs) != len(w.Eigs) {
			t.Errorf("weight spectrum of %s differs from Weights", w.Group)
		}
	}
	if a.Trends != nil {
		t.Errorf("trends for a text label: %v", a.Trends)
	}
	if _, err := Analyze(f, ds, segs, "cluster", nil, Options{Stride: -1}); err == nil {
		t.Error("negative stride: no error")
	}
}

// For a numeric label the trends are Spearman correlations over the values in numeric order.
func TestTrends(t *testing.T) {
	ds := data.New(4, 1, 1, 0.01)
	ds.Labels["f"] = data.Label{Kind: data.FloatLabel, Values: []string{"1", "2", "10", "5"}}
	a := &Analysis{Weights: []SpectrumStats{
		{Group: "1", ImagStd: 0.1, Radius: 4}, {Group: "2", ImagStd: 0.2, Radius: 3},
		{Group: "5", ImagStd: 0.5, Radius: 2}, {Group: "10", ImagStd: 0.4, Radius: 1}}}
	tr, err := trends(ds, "f", a)
	if err != nil {
		t.Fatal(err)
	}
	a.Trends = tr
	// Ranks of the values 1, 2, 5, 10 against imag std 0.1, 0.2, 0.5, 0.4: ρ = 1 − 6·2/(4·15) = 0.8.
	if got := a.Trend("weights", "imag_std"); math.Abs(got-0.8) > 1e-12 {
		t.Errorf("ρ(imag std) = %v, want 0.8", got)
	}
	if got := a.Trend("weights", "spectral_radius"); math.Abs(got+1) > 1e-12 {
		t.Errorf("ρ(radius) = %v, want −1", got)
	}
	if got := a.Trend("trajectory_jacobian", "imag_std"); !math.IsNaN(got) {
		t.Errorf("trend of a spectrum not computed = %v, want NaN", got)
	}
}
