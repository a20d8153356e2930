package metrics

import (
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// The cross-check case: S=2, T=3, M=2, lengths [3, 2]; the padding bin holds garbage that must
// not be read. The expected values come from numpy/scipy (variance-weighted R² as
// 1 − Σ((Y−Ŷ)²)/Σ((Y−Y.mean(0))²) on the concatenated valid bins, pVar with Y.mean(), and
// bits/spike from scipy.stats.poisson.logpmf with the per-neuron mean count as the null rate).
var (
	xT, xM   = 3, 2
	xLengths = []int{3, 2}
	xY       = []float64{
		1.0, 5.0, 2.5, 4.0, 0.5, 6.5,
		3.0, 5.5, 1.5, 3.0, math.NaN(), math.Inf(1),
	}
	xYhat = []float64{
		1.2, 4.6, 2.0, 4.4, 0.9, 6.0,
		2.6, 5.9, 1.4, 3.5, 99, -1e300,
	}
	xCounts = []float64{
		0, 3, 1, 2, 2, 0,
		4, 1, 0, 2, 7, 7,
	}
	xRate = []float64{
		0.4, 2.5, 1.1, 1.8, 1.5, 0.3,
		3.0, 1.2, 0.2, 2.2, -1, math.NaN(),
	}
)

const (
	xR2     = 0.86206896551724133
	xR2n0   = 0.85581395348837219
	xR2n1   = 0.86575342465753413
	xPVar   = 0.95508771929824554
	xBitsPS = 0.54524607205339348
)

func TestR2NumpyCrossCheck(t *testing.T) {
	r2, err := R2(xYhat, xY, xT, xM, xLengths)
	if err != nil {
		t.Fatal(err)
	}
	if !near(r2, xR2, 1e-14) {
		t.Errorf("R2 = %.17g, numpy %.17g", r2, xR2)
	}
	per, err := R2PerNeuron(xYhat, xY, xT, xM, xLengths)
	if err != nil {
		t.Fatal(err)
	}
	if len(per) != 2 || !near(per[0], xR2n0, 1e-14) || !near(per[1], xR2n1, 1e-14) {
		t.Errorf("R2PerNeuron = %v, numpy [%v %v]", per, xR2n0, xR2n1)
	}
}

func TestPVarNumpyCrossCheck(t *testing.T) {
	p, err := PVar(xYhat, xY, xT, xM, xLengths)
	if err != nil {
		t.Fatal(err)
	}
	if !near(p, xPVar, 1e-14) {
		t.Errorf("PVar = %.17g, numpy %.17g", p, xPVar)
	}
}

func TestBitsPerSpikeScipyCrossCheck(t *testing.T) {
	b, err := BitsPerSpike(xRate, xCounts, xT, xM, xLengths)
	if err != nil {
		t.Fatal(err)
	}
	if !near(b, xBitsPS, 1e-13) {
		t.Errorf("BitsPerSpike = %.17g, scipy %.17g", b, xBitsPS)
	}
}

func TestR2HandCases(t *testing.T) {
	// y = 1,2,3 (mean 2, SST 2), residual only in the last bin (SSE 1): R² = 0.5.
	r2, err := R2([]float64{1, 2, 4}, []float64{1, 2, 3}, 3, 1, nil)
	if err != nil || r2 != 0.5 {
		t.Errorf("R2 = %v, %v; want 0.5", r2, err)
	}
	// Two neurons, the second constant: SST = 2 + 0, SSE = (0+1) + (1+0) = 2, so R² = 0 overall,
	// 0.5 for the first neuron and undefined (NaN) for the second.
	y := []float64{0, 10, 2, 10}
	yhat := []float64{0, 11, 1, 10}
	r2, err = R2(yhat, y, 2, 2, nil)
	if err != nil || r2 != 0 {
		t.Errorf("R2 = %v, %v; want 0", r2, err)
	}
	per, err := R2PerNeuron(yhat, y, 2, 2, nil)
	if err != nil || per[0] != 0.5 || !math.IsNaN(per[1]) {
		t.Errorf("R2PerNeuron = %v, %v; want [0.5 NaN]", per, err)
	}
	// Predicting each neuron's mean gives exactly 0; a perfect prediction gives 1.
	r2, _ = R2([]float64{2, 2, 2}, []float64{1, 2, 3}, 3, 1, nil)
	if r2 != 0 {
		t.Errorf("R2 of the mean = %v, want 0", r2)
	}
	r2, _ = R2([]float64{1, 2, 3}, []float64{1, 2, 3}, 3, 1, nil)
	if r2 != 1 {
		t.Errorf("R2 of a perfect fit = %v, want 1", r2)
	}
	// All constant: undefined.
	r2, err = R2([]float64{1, 2}, []float64{3, 3}, 2, 1, nil)
	if err != nil || !math.IsNaN(r2) {
		t.Errorf("R2 of constant y = %v, %v; want NaN", r2, err)
	}
}

// naiveR2 is the textbook two-pass R² over the valid bins, computed from scratch as the reference.
func naiveR2(yhat, y []float64, T, M int, lengths []int) (total float64, per []float64) {
	mean := make([]float64, M)
	var n float64
	for s, l := range lengths {
		for t := 0; t < l; t++ {
			for m := 0; m < M; m++ {
				mean[m] += y[(s*T+t)*M+m]
			}
			n++
		}
	}
	sse, sst := make([]float64, M), make([]float64, M)
	for s, l := range lengths {
		for t := 0; t < l; t++ {
			for m := 0; m < M; m++ {
				i := (s*T+t)*M + m
				d := y[i] - mean[m]/n
				sst[m] += d * d
				r := y[i] - yhat[i]
				sse[m] += r * r
			}
		}
	}
	var a, b float64
	per = make([]float64, M)
	for m := range per {
		a += sse[m]
		b += sst[m]
		per[m] = 1 - sse[m]/sst[m]
	}
	return 1 - a/b, per
}

// randomPadded returns an S×T×M target, a prediction near it, random lengths in [1, T] and
// garbage in the padding.
func randomPadded(rng *rand.Rand, S, T, M int, offset float64) (yhat, y []float64, lengths []int) {
	y = make([]float64, S*T*M)
	yhat = make([]float64, S*T*M)
	lengths = make([]int, S)
	for s := range lengths {
		lengths[s] = 1 + rng.IntN(T)
		for t := 0; t < T; t++ {
			for m := 0; m < M; m++ {
				i := (s*T+t)*M + m
				if t >= lengths[s] {
					y[i], yhat[i] = math.NaN(), 1e308
					continue
				}
				y[i] = offset + float64(m) + rng.NormFloat64()
				yhat[i] = y[i] + 0.3*rng.NormFloat64()
			}
		}
	}
	return yhat, y, lengths
}

func TestR2AgainstNaiveAndMinibatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const S, T, M = 13, 7, 5
	yhat, y, lengths := randomPadded(rng, S, T, M, 0)
	want, wantPer := naiveR2(yhat, y, T, M, lengths)

	got, err := R2(yhat, y, T, M, lengths)
	if err != nil {
		t.Fatal(err)
	}
	if !near(got, want, 1e-13) {
		t.Errorf("R2 = %.17g, naive %.17g", got, want)
	}

	// Minibatches of 4 segments through AddPadded, and single segments through Add, must agree
	// with the one-shot value.
	a, _ := NewR2Acc(M)
	b, _ := NewR2Acc(M)
	for s0 := 0; s0 < S; s0 += 4 {
		s1 := min(s0+4, S)
		if err := a.AddPadded(yhat[s0*T*M:s1*T*M], y[s0*T*M:s1*T*M], T, lengths[s0:s1]); err != nil {
			t.Fatal(err)
		}
	}
	for s := 0; s < S; s++ {
		v := (s*T + lengths[s]) * M
		if err := b.Add(yhat[s*T*M:v], y[s*T*M:v]); err != nil {
			t.Fatal(err)
		}
	}
	var bins int
	for _, l := range lengths {
		bins += l
	}
	for _, acc := range []*R2Acc{a, b} {
		if acc.Bins() != bins {
			t.Errorf("Bins = %d, want %d", acc.Bins(), bins)
		}
		if !near(acc.Value(), want, 1e-13) {
			t.Errorf("accumulated R2 = %.17g, naive %.17g", acc.Value(), want)
		}
		for m, v := range acc.PerNeuron() {
			if !near(v, wantPer[m], 1e-13) {
				t.Errorf("accumulated R2 neuron %d = %.17g, naive %.17g", m, v, wantPer[m])
			}
		}
	}
	a.Reset()
	if a.Bins() != 0 || !math.IsNaN(a.Value()) {
		t.Errorf("after Reset: Bins %d, Value %v", a.Bins(), a.Value())
	}
}

// A large common offset must not destroy the accuracy of the variance: the R² of data shifted by
// 2^30 equals that of the unshifted data (the shift is exact for these magnitudes). Accumulating
// Σy and Σy² instead would lose every digit here.
func TestR2LargeOffset(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const S, T, M = 20, 9, 3
	const offset = 1 << 30
	yhat, y, lengths := randomPadded(rng, S, T, M, offset)
	shifted := make([]float64, len(y))
	shiftedHat := make([]float64, len(y))
	for i := range y {
		shifted[i] = y[i] - offset
		shiftedHat[i] = yhat[i] - offset
	}
	want, _ := naiveR2(shiftedHat, shifted, T, M, lengths)
	a, _ := NewR2Acc(M)
	for s := 0; s < S; s++ {
		v := (s*T + lengths[s]) * M
		if err := a.Add(yhat[s*T*M:v], y[s*T*M:v]); err != nil {
			t.Fatal(err)
		}
	}
	if !near(a.Value(), want, 1e-12) {
		t.Errorf("R2 with offset 2^30 = %.17g, without %.17g", a.Value(), want)
	}
	p, err := PVar(yhat, y, T, M, lengths)
	if err != nil {
		t.Fatal(err)
	}
	pw, _ := PVar(shiftedHat, shifted, T, M, lengths)
	if !near(p, pw, 1e-9) {
		t.Errorf("PVar with offset = %.17g, without %.17g", p, pw)
	}
}

func TestPVarHandCase(t *testing.T) {
	// Two neurons, y = (-1, 1) and (9, 11), with means 0 and 10: the grand mean is 5 and
	// SST = 36+16+16+36 = 104. Predicting each neuron's mean leaves SSE = 4: pVar = 1 − 4/104,
	// while R² is 0.
	y := []float64{-1, 9, 1, 11}
	yhat := []float64{0, 10, 0, 10}
	p, err := PVar(yhat, y, 2, 2, nil)
	if err != nil || !near(p, 25.0/26, 1e-15) {
		t.Errorf("PVar = %v, %v; want 25/26", p, err)
	}
	r2, _ := R2(yhat, y, 2, 2, nil)
	if r2 != 0 {
		t.Errorf("R2 = %v, want 0", r2)
	}
}

func TestBitsPerSpikeHandCases(t *testing.T) {
	// counts 0, 2 with rates 0.5, 1.5; the null rate is 1. log L = 2 ln 1.5 − 2 against −2, over
	// 2 spikes: log2(1.5) bits per spike.
	b, err := BitsPerSpike([]float64{0.5, 1.5}, []float64{0, 2}, 2, 1, nil)
	if err != nil || !near(b, math.Log2(1.5), 1e-15) {
		t.Errorf("BitsPerSpike = %v, %v; want log2(1.5) = %v", b, err, math.Log2(1.5))
	}
	// The null model itself scores exactly 0.
	b, _ = BitsPerSpike([]float64{1, 3, 1, 3}, []float64{0, 3, 2, 3}, 2, 2, nil)
	if math.Abs(b) > 1e-15 {
		t.Errorf("BitsPerSpike of the mean rates = %v, want 0", b)
	}
	// A zero rate where a spike occurred is floored at 1e-9: finite and very negative.
	b, err = BitsPerSpike([]float64{0, 2}, []float64{1, 1}, 2, 1, nil)
	want := (math.Log(1e-9) + math.Log(2) - 2 - (-2)) / (2 * math.Ln2)
	if err != nil || !near(b, want, 1e-14) {
		t.Errorf("BitsPerSpike with a zero rate = %v, %v; want %v", b, err, want)
	}
}

func TestBadInput(t *testing.T) {
	y := []float64{1, 2, 3, 4}
	cases := []struct {
		name string
		err  error
	}{
		{"length mismatch", func() error { _, err := R2(y[:3], y, 2, 2, nil); return err }()},
		{"not S×T×M", func() error { _, err := R2(y[:3], y[:3], 2, 2, nil); return err }()},
		{"zero T", func() error { _, err := R2(y, y, 0, 2, nil); return err }()},
		{"lengths count", func() error { _, err := R2(y, y, 2, 2, []int{2, 2}); return err }()},
		{"length > T", func() error { _, err := PVar(y, y, 2, 2, []int{3}); return err }()},
		{"NaN in y", func() error { _, err := R2(y, []float64{1, math.NaN(), 3, 4}, 2, 2, nil); return err }()},
		{"Inf in yhat", func() error { _, err := PVar([]float64{1, 2, math.Inf(-1), 4}, y, 2, 2, nil); return err }()},
		{"negative count", func() error { _, err := BitsPerSpike(y, []float64{1, -1, 3, 4}, 2, 2, nil); return err }()},
		{"negative rate", func() error { _, err := BitsPerSpike([]float64{1, -1, 3, 4}, y, 2, 2, nil); return err }()},
		{"no spikes", func() error { _, err := BitsPerSpike(y, make([]float64, 4), 2, 2, nil); return err }()},
		{"zero neurons", func() error { _, err := NewR2Acc(0); return err }()},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	a, _ := NewR2Acc(2)
	if err := a.Add([]float64{1, 2, 3}, []float64{1, 2, 3}); err == nil {
		t.Error("Add of a partial bin: no error")
	}
	if err := a.Add([]float64{1, 2}, []float64{1, math.NaN()}); err == nil {
		t.Error("Add of NaN: no error")
	}
	if a.Bins() != 0 {
		t.Errorf("failed Adds changed the accumulator: Bins = %d", a.Bins())
	}
}

// Segments accumulated apart, one accumulator each, and merged in order give the R² of all of
// them, also with a large offset (each part's shift is its own first bin), also when merged
// into an accumulator that already holds bins, and merging an empty one changes nothing.
func TestR2AccMerge(t *testing.T) {
	for _, offset := range []float64{0, 1 << 30} {
		rng := rand.New(rand.NewPCG(5, 6))
		const S, T, M = 11, 8, 4
		yhat, y, lengths := randomPadded(rng, S, T, M, offset)
		shifted := make([]float64, len(y))
		shiftedHat := make([]float64, len(y))
		for i := range y {
			shifted[i] = y[i] - offset
			shiftedHat[i] = yhat[i] - offset
		}
		want, wantPer := naiveR2(shiftedHat, shifted, T, M, lengths)
		a, _ := NewR2Acc(M)
		// The first 3 segments go in directly, the others through parts.
		for s := 0; s < S; s++ {
			v := (s*T + lengths[s]) * M
			if s < 3 {
				if err := a.Add(yhat[s*T*M:v], y[s*T*M:v]); err != nil {
					t.Fatal(err)
				}
				continue
			}
			part, _ := NewR2Acc(M)
			if err := part.Add(yhat[s*T*M:v], y[s*T*M:v]); err != nil {
				t.Fatal(err)
			}
			if err := a.Merge(part); err != nil {
				t.Fatal(err)
			}
		}
		empty, _ := NewR2Acc(M)
		if err := a.Merge(empty); err != nil {
			t.Fatal(err)
		}
		tol := 1e-13
		if offset != 0 {
			tol = 1e-12
		}
		if !near(a.Value(), want, tol) {
			t.Errorf("offset %g: merged R2 = %.17g, naive %.17g", offset, a.Value(), want)
		}
		for m, v := range a.PerNeuron() {
			if !near(v, wantPer[m], tol) {
				t.Errorf("offset %g: merged R2 neuron %d = %.17g, naive %.17g", offset, m, v, wantPer[m])
			}
		}
		// Merging into an empty accumulator copies the part.
		b, _ := NewR2Acc(M)
		if err := b.Merge(a); err != nil {
			t.Fatal(err)
		}
		if b.Bins() != a.Bins() || !near(b.Value(), a.Value(), 1e-15) {
			t.Errorf("offset %g: merged into empty: %d bins, R2 %.17g; want %d, %.17g", offset, b.Bins(), b.Value(), a.Bins(), a.Value())
		}
	}
	a, _ := NewR2Acc(3)
	b, _ := NewR2Acc(4)
	if err := a.Merge(b); err == nil {
		t.Error("merging accumulators of 3 and 4 neurons: no error")
	}
}

// Segments that observe only some neurons, accumulated apart and merged, give what one
// accumulator given them all gives, neuron by neuron; a neuron no part observed stays NaN.
func TestR2AccMergeMasked(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const S, T, M = 9, 6, 5
	yhat, y, lengths := randomPadded(rng, S, T, M, 100)
	direct, _ := NewR2Acc(M)
	merged, _ := NewR2Acc(M)
	for s := 0; s < S; s++ {
		observed := make([]bool, M)
		for m := range M - 1 { // the last neuron is never observed
			observed[m] = rng.IntN(3) > 0
		}
		v := (s*T + lengths[s]) * M
		if err := direct.AddMasked(yhat[s*T*M:v], y[s*T*M:v], observed); err != nil {
			t.Fatal(err)
		}
		part, _ := NewR2Acc(M)
		if err := part.AddMasked(yhat[s*T*M:v], y[s*T*M:v], observed); err != nil {
			t.Fatal(err)
		}
		if err := merged.Merge(part); err != nil {
			t.Fatal(err)
		}
	}
	if merged.Bins() != direct.Bins() || !near(merged.Value(), direct.Value(), 1e-12) {
		t.Errorf("merged: %d bins, R2 %.17g; direct: %d, %.17g", merged.Bins(), merged.Value(), direct.Bins(), direct.Value())
	}
	want := direct.PerNeuron()
	for m, v := range merged.PerNeuron() {
		if math.IsNaN(want[m]) != math.IsNaN(v) || !math.IsNaN(v) && !near(v, want[m], 1e-12) {
			t.Errorf("neuron %d: merged R2 %.17g, direct %.17g", m, v, want[m])
		}
	}
	if !math.IsNaN(merged.PerNeuron()[M-1]) {
		t.Error("a neuron no segment observed has an R²")
	}
}
