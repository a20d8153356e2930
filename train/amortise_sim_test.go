package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/model"
)

// randomFitted returns an untrained model over the first n segments of ds (random θ,
// embeddings and initial states): the simulator's statistics do not depend on a fit.
func randomFitted(t *testing.T, ds *data.Dataset, n int, loss model.Loss) *Fitted {
	t.Helper()
	cfg := smallConfig(ds.M)
	cfg.Model.Loss = loss
	m, err := model.New(cfg.Model)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	f := &Fitted{Config: cfg, Theta: make([]float64, m.Layout.Size), Train: seq(0, n)}
	model.Init(f.Theta, &m.Cfg, &m.Layout, rng)
	for range n * cfg.Model.D {
		f.Embeddings = append(f.Embeddings, rng.NormFloat64())
	}
	for range n * cfg.Model.N {
		f.X0 = append(f.X0, 0.5*rng.NormFloat64())
	}
	return f
}

// With spread 0 a simulated segment is the model's prediction for the fitted values of the
// training segment it was drawn for, plus Gaussian noise with each neuron's residual standard
// deviation (checked against Predict, not the simulator's own forward pass); with spread h the
// drawn values scatter around the fitted ones with h² times their sample covariance.
func TestSimulatorGaussian(t *testing.T) {
	ds := teacherData(t, 30, 20, 5)
	n := 24
	f := randomFitted(t, ds, n, model.Gaussian)
	c := &f.Config.Model
	D, N, M, P := c.D, c.N, c.M, c.D+c.N
	z := fittedValues(f, ds, P)
	rng := rand.New(rand.NewPCG(1, 2))

	// The residual scale, computed here from Predict.
	pred, err := Predict(f, ds, f.Train, f.Embeddings, f.X0)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, M)
	count := 0
	for k, s := range f.Train {
		y := ds.Segment(s)
		for i, v := range y {
			d := v - pred.Prediction[k*ds.T*M+i]
			want[i%M] += d * d
		}
		count += len(y) / M
	}
	sim, err := newSimulator[float64](f, ds, z, 0, 0, rng)
	if err != nil {
		t.Fatal(err)
	}
	for j := range want {
		want[j] = math.Sqrt(want[j] / float64(count))
		if math.Abs(sim.sigma[j]-want[j]) > 1e-9*want[j] {
			t.Fatalf("neuron %d: residual std %.12g, want %.12g", j, sim.sigma[j], want[j])
		}
	}

	// Standardised noise of spread-0 draws: mean 0 and variance 1.
	var sum, sum2, cnt float64
	target := make([]float64, 8*P)
	for range 20 {
		rows := rng.Perm(n)[:8]
		err := sim.draw(rows, target, func(b int, y []float64) error {
			i := rows[b]
			for q, v := range target[b*P : (b+1)*P] {
				if v != z[i*P+q] {
					t.Fatalf("spread 0: drawn value %d of row %d is %g, fitted %g", q, i, v, z[i*P+q])
				}
			}
			p := pred.Prediction[i*ds.T*M:]
			for q, v := range y {
				r := (v - p[q]) / sim.sigma[q%M]
				sum, sum2, cnt = sum+r, sum2+r*r, cnt+1
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	m, v := sum/cnt, sum2/cnt-(sum/cnt)*(sum/cnt)
	t.Logf("standardised noise over %g values: mean %.4f, variance %.4f", cnt, m, v)
	if math.Abs(m) > 4/math.Sqrt(cnt) || math.Abs(v-1) > 0.05 {
		t.Errorf("standardised noise: mean %.4f, variance %.4f, want 0 and 1", m, v)
	}

	// Spread h: Var(z − z_i) = h² Var(z_i) in each coordinate (embedding and x₀ alike).
	const h = 0.7
	sim.spread = h
	mu := mean(z, P)
	varZ := make([]float64, P)
	for i := range n {
		for q := range P {
			d := z[i*P+q] - mu[q]
			varZ[q] += d * d / float64(n-1)
		}
	}
	varDraw := make([]float64, P)
	draws := 0
	for range 250 {
		rows := rng.Perm(n)[:8]
		if err := sim.draw(rows, target, func(int, []float64) error { return nil }); err != nil {
			t.Fatal(err)
		}
		for b, i := range rows {
			for q := range P {
				d := target[b*P+q] - z[i*P+q]
				varDraw[q] += d * d
			}
		}
		draws += len(rows)
	}
	for _, q := range []int{0, D - 1, D, D + N - 1} {
		got, want := varDraw[q]/float64(draws), h*h*varZ[q]
		// 2000 draws: the variance estimate's relative standard error is √(2/2000) ≈ 0.03.
		if math.Abs(got/want-1) > 0.15 {
			t.Errorf("coordinate %d: variance of the drawn offset %.4g, want h²·var = %.4g", q, got, want)
		}
	}
}

// With the Poisson loss simulated activity is counts whose mean and variance are the rate.
func TestSimulatorPoisson(t *testing.T) {
	ds := teacherData(t, 12, 20, 6)
	f := randomFitted(t, ds, 12, model.Poisson)
	P := f.Config.Model.D + f.Config.Model.N
	z := fittedValues(f, ds, P)
	pred, err := Predict(f, ds, f.Train, f.Embeddings, f.X0)
	if err != nil {
		t.Fatal(err)
	}
	sim, err := newSimulator[float64](f, ds, z, 0, 0, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	M := ds.M
	var sumD, sumRate, sumVarD, cnt float64
	target := make([]float64, 12*P)
	for range 200 {
		rows := seq(0, 12)
		err := sim.draw(rows, target, func(b int, y []float64) error {
			p := pred.Prediction[rows[b]*ds.T*M:]
			for q, v := range y {
				if v != math.Round(v) || v < 0 {
					t.Fatalf("count %g", v)
				}
				d := v - p[q]
				sumD, sumVarD, sumRate, cnt = sumD+d, sumVarD+d*d, sumRate+p[q], cnt+1
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	rate := sumRate / cnt
	t.Logf("mean rate %.4f: mean count − rate %.4f, mean squared deviation %.4f", rate, sumD/cnt, sumVarD/cnt)
	if math.Abs(sumD/cnt) > 4*math.Sqrt(rate/cnt) || math.Abs(sumVarD/cnt/rate-1) > 0.05 {
		t.Errorf("counts: mean deviation %.4f (want 0), variance %.4f (want the mean rate %.4f)", sumD/cnt, sumVarD/cnt, rate)
	}
}

// The regression loss's analytic gradient matches central differences, with the embedding and
// initial-state outputs weighted apart.
func TestRegressionGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const D, N = 2, 5
	a, err := model.NewAmortiser(2, 2, 3, D+N, []int{6}, rng)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.OutStd {
		a.OutMean[i], a.OutStd[i] = rng.NormFloat64(), 0.5+rng.Float64()
	}
	F, rows := a.Features(), []int{0, 2, 3}
	phi := make([]float64, 4*F)
	target := make([]float64, 4*a.Out)
	for i := range phi {
		phi[i] = rng.NormFloat64()
	}
	for i := range target {
		target[i] = rng.NormFloat64()
	}
	r := newRegression(a, D, len(rows))
	r.gradient(phi, target, rows, 0, rng)
	g := append([]float64(nil), r.grad...)
	loss := func() float64 {
		var s float64
		out := make([]float64, a.Out)
		for _, i := range rows {
			a.Forward(out, phi[i*F:(i+1)*F], nil)
			var se, sx float64
			for j, v := range out {
				e := (v - target[i*a.Out+j]) / a.OutStd[j]
				if j < D {
					se += e * e
				} else {
					sx += e * e
				}
			}
			s += (se/D + sx/N) / 2
		}
		return s / float64(len(rows))
	}
	if l := r.gradient(phi, target, rows, 0, rng); math.Abs(l-loss()) > 1e-12*loss() {
		t.Fatalf("loss %.15g, want %.15g", l, loss())
	}
	const h = 1e-6
	for i := range a.Params {
		fd := centralDifference(&a.Params[i], h, loss)
		if math.Abs(fd-g[i]) > 1e-6*(1+math.Abs(fd)) {
			t.Fatalf("param %d: analytic %.10g, finite difference %.10g", i, g[i], fd)
		}
	}
}

// In a multi-session dataset a simulated segment leaves the neurons its training segment did
// not record at 0, as the data hold them, and their residuals do not enter the noise scale.
func TestSimulatorObserved(t *testing.T) {
	ds := teacherData(t, 12, 20, 7)
	M := ds.M
	missOddNeuronOne(ds)
	f := randomFitted(t, ds, 12, model.Gaussian)
	P := f.Config.Model.D + f.Config.Model.N
	sim, err := newSimulator[float64](f, ds, fittedValues(f, ds, P), 0, 0, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	pred, err := Predict(f, ds, f.Train, f.Embeddings, f.X0)
	if err != nil {
		t.Fatal(err)
	}
	var ss float64
	var n int
	for s := 0; s < ds.S; s += 2 {
		for tt := range ds.T {
			d := ds.Activity[(s*ds.T+tt)*M+1] - pred.Prediction[(s*ds.T+tt)*M+1]
			ss, n = ss+d*d, n+1
		}
	}
	if want := math.Sqrt(ss / float64(n)); math.Abs(sim.sigma[1]-want) > 1e-9*want {
		t.Errorf("neuron 1: residual std %.12g, want %.12g over the segments that recorded it", sim.sigma[1], want)
	}
	rows := seq(0, 12)
	err = sim.draw(rows, make([]float64, 12*P), func(b int, y []float64) error {
		for q, v := range y {
			if miss := b%2 == 1 && q%M == 1; miss != (v == 0) {
				t.Fatalf("segment %d, entry %d: %g (recorded: %v)", b, q, v, !miss)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A misspelt train.amortise.data is refused naming the line and the valid sources.
func TestAmortiseDataOption(t *testing.T) {
	_, err := ParseConfig("cfg.yaml", []byte("train:\n  amortise:\n    bins: 3\n    data: replay\n"), Default(4))
	if err == nil || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "amortise.data") ||
		!strings.Contains(err.Error(), "fitted, simulated") {
		t.Fatalf("err = %v, want the line, the field and the valid values", err)
	}
	c, err := ParseConfig("cfg.yaml", []byte("train:\n  amortise:\n    data: fitted\n"), Default(4))
	if err != nil || c.Train.Amortise.Data != AmortiseFitted {
		t.Fatalf("data: fitted read as %q, err %v", c.Train.Amortise.Data, err)
	}
}

// train.amortise.schedule: cosine decays the encoder's step size from learning_rate to 5 % of it
// over each stage, monotonically; constant keeps it; a misspelt name is refused.
func TestAmortiseSchedule(t *testing.T) {
	o := defaultAmortise()
	o.LearningRate = 2e-3
	if o.Schedule != Cosine {
		t.Fatalf("default schedule %q, want cosine", o.Schedule)
	}
	const total = 1000
	if got := o.lr(0, total); got != 2e-3 {
		t.Errorf("cosine lr(0) = %g, want 2e-3", got)
	}
	if got, want := o.lr(total/2, total), 2e-3*(0.05+0.95*0.5); math.Abs(got-want) > 1e-12 {
		t.Errorf("cosine lr(half) = %g, want %g", got, want)
	}
	if got := o.lr(total, total); math.Abs(got-1e-4) > 1e-12 {
		t.Errorf("cosine lr(end) = %g, want 1e-4", got)
	}
	for s := 1; s < total; s++ {
		if o.lr(s, total) > o.lr(s-1, total) {
			t.Fatalf("cosine lr rises at step %d", s)
		}
	}
	o.Schedule = Constant
	if got := o.lr(total-1, total); got != 2e-3 {
		t.Errorf("constant lr = %g, want 2e-3", got)
	}
	_, err := ParseConfig("cfg.yaml", []byte("train:\n  amortise:\n    bins: 3\n    schedule: step\n"), Default(4))
	if err == nil || !strings.Contains(err.Error(), "line 4") || !strings.Contains(err.Error(), "constant, cosine") {
		t.Fatalf("schedule: step: err = %v, want the line and the valid values", err)
	}
	// One neighbour would be a kernel of zero covariance: refused, naming the field.
	c := Default(4)
	c.Train.Amortise.Bins, c.Train.Amortise.Neighbours = 3, 1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "amortise.neighbours") {
		t.Errorf("neighbours 1: err = %v", err)
	}
}

// With k neighbours the offset of a value drawn for training row i has h² times the sample
// covariance of the k fitted values whose standardised embeddings are nearest row i's (found
// here by brute force), in each coordinate, and no spread beyond them.
func TestSimulatorNeighbours(t *testing.T) {
	ds := teacherData(t, 30, 20, 5)
	n := 24
	f := randomFitted(t, ds, n, model.Gaussian)
	c := &f.Config.Model
	D, N, P := c.D, c.N, c.D+c.N
	z := fittedValues(f, ds, P)
	const k, h, row = 5, 0.8, 7
	sim, err := newSimulator[float64](f, ds, z, h, k, rand.New(rand.NewPCG(9, 9)))
	if err != nil {
		t.Fatal(err)
	}
	// The k nearest rows by standardised embedding distance, brute force.
	mu := mean(f.Embeddings, D)
	sd := make([]float64, D)
	for i := range n {
		for q := range D {
			d := f.Embeddings[i*D+q] - mu[q]
			sd[q] += d * d / float64(n)
		}
	}
	dist := func(i int) float64 {
		var s float64
		for q := range D {
			d := (f.Embeddings[i*D+q] - f.Embeddings[row*D+q]) / math.Sqrt(sd[q])
			s += d * d
		}
		return s
	}
	var near []int
	for range k {
		best := -1
		for i := range n {
			if !slices.Contains(near, i) && (best < 0 || dist(i) < dist(best)) {
				best = i
			}
		}
		near = append(near, best)
	}
	if got := nearest(z, P, D, row, k); !slices.Equal(got, near) {
		t.Fatalf("nearest(%d) = %v, want %v", row, got, near)
	}
	nm := mean(func() []float64 {
		var v []float64
		for _, i := range near {
			v = append(v, z[i*P:(i+1)*P]...)
		}
		return v
	}(), P)
	rows := make([]int, 8)
	for i := range rows {
		rows[i] = row
	}
	target := make([]float64, len(rows)*P)
	varDraw := make([]float64, P)
	draws := 0
	for range 300 {
		if err := sim.draw(rows, target, func(int, []float64) error { return nil }); err != nil {
			t.Fatal(err)
		}
		for b := range rows {
			for q := range P {
				d := target[b*P+q] - z[row*P+q]
				varDraw[q] += d * d
			}
		}
		draws += len(rows)
	}
	for _, q := range []int{0, D - 1, D, D + N - 1} {
		var want float64
		for _, i := range near {
			d := z[i*P+q] - nm[q]
			want += h * h * d * d / (k - 1)
		}
		got := varDraw[q] / float64(draws)
		// 2400 draws: relative standard error √(2/2400) ≈ 0.03.
		if math.Abs(got/want-1) > 0.15 {
			t.Errorf("coordinate %d: variance of the drawn offset %.4g, want h²·(neighbours' variance) = %.4g", q, got, want)
		}
	}
}
