package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddMasked checks the masked accumulation against R² computed directly, two-pass, from each
// neuron's observed values only, and that a state saved half-way and restored continues to the
// same figures.
func TestAddMasked(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const M, segs = 4, 9
	type seg struct {
		yhat, y []float64
		obs     []bool
	}
	var all []seg
	vals := make([][][2]float64, M) // per neuron: (y, yhat) pairs observed
	for s := range segs {
		L := 1 + rng.IntN(5)
		sg := seg{yhat: make([]float64, L*M), y: make([]float64, L*M), obs: make([]bool, M)}
		for m := range M {
			sg.obs[m] = rng.IntN(3) > 0 || m == s%M
		}
		if s == 0 {
			sg.obs = []bool{false, true, false, false} // neuron 0's shift set later
		}
		for i := range sg.y {
			m := i % M
			sg.y[i] = 1e6*float64(m) + rng.NormFloat64()*float64(m+1)
			sg.yhat[i] = sg.y[i] + 0.5*rng.NormFloat64()
			if !sg.obs[m] {
				sg.y[i], sg.yhat[i] = 1e300, math.NaN() // never read
				continue
			}
			vals[m] = append(vals[m], [2]float64{sg.y[i], sg.yhat[i]})
		}
		all = append(all, sg)
	}
	var sse, sst float64
	per := make([]float64, M)
	for m, v := range vals {
		var mean float64
		for _, p := range v {
			mean += p[0]
		}
		mean /= float64(len(v))
		var e, q float64
		for _, p := range v {
			e += (p[0] - p[1]) * (p[0] - p[1])
			q += (p[0] - mean) * (p[0] - mean)
		}
		sse += e
		sst += q
		per[m] = 1 - e/q
	}
	want := 1 - sse/sst

	a, _ := NewR2Acc(M)
	for i, sg := range all {
		if i == segs/2 {
			st := a.State()
			if st.Counts == nil {
				t.Fatal("masked state without counts")
			}
			b, _ := NewR2Acc(M)
			if err := b.Restore(st); err != nil {
				t.Fatal(err)
			}
			a = b
		}
		if err := a.AddMasked(sg.yhat, sg.y, sg.obs); err != nil {
			t.Fatal(err)
		}
	}
	if got := a.Value(); math.Abs(got-want) > 1e-9 {
		t.Errorf("R² = %.12f, want %.12f", got, want)
	}
	for m, r := range a.PerNeuron() {
		if math.Abs(r-per[m]) > 1e-9 {
			t.Errorf("neuron %d: R² = %.12f, want %.12f", m, r, per[m])
		}
	}
	if err := a.AddMasked([]float64{1, math.NaN(), 1, 1}, []float64{1, 2, 3, 4}, []bool{true, true, false, false}); err == nil {
		t.Error("NaN prediction of an observed neuron accepted")
	}
	if err := a.AddMasked(make([]float64, 4), make([]float64, 4), []bool{true}); err == nil {
		t.Error("short mask accepted")
	}
}

// TestAddMaskedUnobservedNeuron: a neuron no segment observed has R² NaN and weighs nothing.
func TestAddMaskedUnobservedNeuron(t *testing.T) {
	a, _ := NewR2Acc(2)
	if err := a.AddMasked([]float64{1, 9, 2, 9, 4, 9}, []float64{1, 0, 3, 0, 4, 0}, []bool{true, false}); err != nil {
		t.Fatal(err)
	}
	b, _ := NewR2Acc(1)
	b.Add([]float64{1, 2, 4}, []float64{1, 3, 4})
	if a.Value() != b.Value() || !math.IsNaN(a.PerNeuron()[1]) {
		t.Fatalf("R² %v per neuron %v, want %v and NaN", a.Value(), a.PerNeuron(), b.Value())
	}
}
