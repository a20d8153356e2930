package vae

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

// randomData returns S segments of T bins × M neurons of Gaussian activity with the given
// lengths (zero past them, as in the dataset contract).
func randomData(T, M int, lengths []int, rng *rand.Rand) *data.Dataset {
	ds := data.New(len(lengths), T, M, 0.01)
	ds.Source = "random.npz"
	for s, L := range lengths {
		ds.Lengths[s] = L
		for i := 0; i < L*M; i++ {
			ds.Activity[s*T*M+i] = 0.7 * rng.NormFloat64()
		}
	}
	return ds
}

// tinyConfig is a small architecture of each kind for exact checks.
func tinyConfig(kind string) Config {
	return Config{Kind: kind, Latent: 2, Hidden: 5, Beta: 0.7, Units: 7, Alpha: 0.3}
}

// perturbed returns initial parameters plus noise, so that biases and e are non-zero and every
// block's gradient is exercised.
func perturbed(m *Model[float64], rng *rand.Rand) []float64 {
	theta := make([]float64, m.NumParams())
	m.Init(theta, rng)
	for i := range theta {
		theta[i] += 0.1 * rng.NormFloat64()
	}
	return theta
}

func stepLoss(t *testing.T, p train.Problem[float64], theta []float64, rows []int, seed uint64, g []float64) float64 {
	t.Helper()
	acc, err := metrics.NewR2Acc(4)
	if err != nil {
		t.Fatal(err)
	}
	if g == nil {
		g = make([]float64, len(theta))
	}
	loss, err := p.Step(theta, nil, rows, seed, acc, g, nil)
	if err != nil {
		t.Fatal(err)
	}
	return loss
}

// tinyProblem is the float64 Problem of a tiny model of kind over the first three segments of
// random data with the given lengths (T = 6, M = 4), with its θ perturbed away from the
// initialisation so that biases and e are non-zero.
func tinyProblem(t *testing.T, kind string, rng *rand.Rand, lengths []int) (train.Problem[float64], []float64) {
	t.Helper()
	ds := randomData(6, 4, lengths, rng)
	m, err := New[float64](tinyConfig(kind), ds.T, ds.M)
	if err != nil {
		t.Fatal(err)
	}
	p, err := m.Problem(ds, []int{0, 1, 2})
	if err != nil {
		t.Fatal(err)
	}
	return p, perturbed(m, rng)
}

// TestGradientFiniteDifference compares Step's gradient with a fourth-order central finite
// difference of Step's loss at the same noise seed, for every entry of θ, on a ragged minibatch
// (the rows in shuffled order, as the engine passes them).
func TestGradientFiniteDifference(t *testing.T) {
	for _, kind := range []string{kindVAE, kindRNN} {
		t.Run(kind, func(t *testing.T) {
			p, theta := tinyProblem(t, kind, rand.New(rand.NewPCG(3, 4)), []int{6, 3, 5, 2})
			rows := []int{2, 0, 1}
			const seed = 77
			grad := make([]float64, len(theta))
			stepLoss(t, p, theta, rows, seed, grad)
			const h = 1e-4
			at := func(i int, d float64) float64 {
				old := theta[i]
				theta[i] = old + d
				defer func() { theta[i] = old }()
				return stepLoss(t, p, theta, rows, seed, nil)
			}
			worst, worstI := 0.0, -1
			for i := range theta {
				num := (8*(at(i, h)-at(i, -h)) - (at(i, 2*h) - at(i, -2*h))) / (12 * h)
				rel := math.Abs(grad[i]-num) / math.Max(1e-8, math.Abs(grad[i])+math.Abs(num))
				if rel > worst {
					worst, worstI = rel, i
				}
			}
			t.Logf("%d parameters, max relative error %.2e (θ[%d])", len(theta), worst, worstI)
			if worst > 1e-6 {
				t.Fatalf("max relative error %.3g at θ[%d] (analytic %g), want < 1e-6", worst, worstI, grad[worstI])
			}
		})
	}
}

// TestStepNoise checks that a step is a function of its noise seed: the same seed repeats the
// loss and gradient bit for bit, another seed draws other latents.
func TestStepNoise(t *testing.T) {
	for _, kind := range []string{kindVAE, kindRNN} {
		p, theta := tinyProblem(t, kind, rand.New(rand.NewPCG(5, 6)), []int{6, 3, 5})
		g1, g2 := make([]float64, len(theta)), make([]float64, len(theta))
		l1 := stepLoss(t, p, theta, []int{0, 1, 2}, 11, g1)
		l2 := stepLoss(t, p, theta, []int{0, 1, 2}, 11, g2)
		l3 := stepLoss(t, p, theta, []int{0, 1, 2}, 12, nil)
		if l1 != l2 {
			t.Errorf("%s: same seed gave losses %v and %v", kind, l1, l2)
		}
		for i := range g1 {
			if g1[i] != g2[i] {
				t.Fatalf("%s: same seed gave gradients differing at θ[%d]", kind, i)
			}
		}
		if l1 == l3 {
			t.Errorf("%s: seeds 11 and 12 gave the same loss %v: no reparameterisation noise", kind, l1)
		}
	}
}

// TestDecodeEncodeMatchesStep checks that Decode(Encode) is Step's evaluation path: with the
// noise off and β = 0, Step's loss is the mean squared error of Decode(Encode(·)) over the
// valid entries and its R² accumulator gives metrics.R2 of that reconstruction. It also
// checks that Decode leaves the padding zero.
func TestDecodeEncodeMatchesStep(t *testing.T) {
	for _, kind := range []string{kindVAE, kindRNN} {
		t.Run(kind, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 8))
			ds := randomData(6, 4, []int{6, 3, 5, 4}, rng)
			c := tinyConfig(kind)
			c.Beta = 0
			m, err := New[float64](c, ds.T, ds.M)
			if err != nil {
				t.Fatal(err)
			}
			idx := []int{3, 1, 2}
			pr, err := m.Problem(ds, idx)
			if err != nil {
				t.Fatal(err)
			}
			p := pr.(*problem[float64])
			p.noise = false
			theta := perturbed(m, rng)
			acc, _ := metrics.NewR2Acc(ds.M)
			loss, err := p.Step(theta, nil, []int{1, 2, 0}, 5, acc, make([]float64, len(theta)), nil)
			if err != nil {
				t.Fatal(err)
			}

			Z, err := m.Encode(theta, ds, idx)
			if err != nil {
				t.Fatal(err)
			}
			if len(Z) != len(idx)*c.Latent {
				t.Fatalf("Encode returned %d values, want %d", len(Z), len(idx)*c.Latent)
			}
			yhat, err := m.Decode(theta, ds, idx, Z)
			if err != nil {
				t.Fatal(err)
			}
			sub := ds.Subset(idx)
			var sse float64
			n := 0
			for s, L := range sub.Lengths {
				for i := 0; i < ds.T*ds.M; i++ {
					v := yhat[s*ds.T*ds.M+i]
					if i >= L*ds.M {
						if v != 0 {
							t.Fatalf("segment %d: padding entry %d is %g, want 0", s, i, v)
						}
						continue
					}
					d := v - sub.Activity[s*ds.T*ds.M+i]
					sse += d * d
					n++
				}
			}
			if mse := sse / float64(n); math.Abs(mse-loss) > 1e-12*math.Max(1, loss) {
				t.Errorf("Step loss %.15g, MSE of Decode(Encode) %.15g", loss, mse)
			}
			r2, err := metrics.R2(yhat, sub.Activity, ds.T, ds.M, sub.Lengths)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(r2-acc.Value()) > 1e-12 {
				t.Errorf("Step R² %.15g, R² of Decode(Encode) %.15g", acc.Value(), r2)
			}
		})
	}
}

// sinusoids returns S segments of M neurons, y_{t,m} = a_m sin(ω_s t + φ_s + ψ_m): a
// two-dimensional latent (frequency, phase) per segment, shared amplitudes and phase offsets
// per neuron. Lengths vary between T−6 and T.
func sinusoids(S, T, M int, seed uint64) *data.Dataset {
	rng := rand.New(rand.NewPCG(seed, 9))
	amp, off := make([]float64, M), make([]float64, M)
	for m := range amp {
		amp[m], off[m] = 0.5+0.5*rng.Float64(), 2*math.Pi*rng.Float64()
	}
	ds := data.New(S, T, M, 0.01)
	for s := 0; s < S; s++ {
		L := T - rng.IntN(7)
		ds.Lengths[s] = L
		w, phi := 0.2+0.3*rng.Float64(), 2*math.Pi*rng.Float64()
		for t := 0; t < L; t++ {
			for m := 0; m < M; m++ {
				ds.Activity[(s*T+t)*M+m] = amp[m] * math.Sin(w*float64(t)+phi+off[m])
			}
		}
	}
	return ds
}

// heldOutR2 is the R² of Decode(Encode) on segments idx.
func heldOutR2(t *testing.T, m *Model[float32], theta []float32, ds *data.Dataset, idx []int) float64 {
	t.Helper()
	Z, err := m.Encode(theta, ds, idx)
	if err != nil {
		t.Fatal(err)
	}
	yhat, err := m.Decode(theta, ds, idx, Z)
	if err != nil {
		t.Fatal(err)
	}
	sub := ds.Subset(idx)
	r2, err := metrics.R2(yhat, sub.Activity, ds.T, ds.M, sub.Lengths)
	if err != nil {
		t.Fatal(err)
	}
	return r2
}

// TestLearnsSinusoids trains each kind with train.Optimize (float32) on sinusoids of random
// frequency and phase and requires the held-out reconstruction R² (Decode(Encode)) to pass a
// threshold set below the measured values (0.977–0.986 over five data and initialisation seeds
// for either kind), and to beat the untrained model's (about −0.05) by at least 0.5.
func TestLearnsSinusoids(t *testing.T) {
	cases := []struct {
		cfg    Config
		epochs int
		lr     float64
		min    float64
	}{
		{Config{Kind: kindVAE, Latent: 4, Hidden: 64, Beta: 1}, 300, 3e-3, 0.9},
		{Config{Kind: kindRNN, Latent: 4, Hidden: 64, Beta: 1, Units: 48, Alpha: 0.3}, 300, 1e-2, 0.9},
	}
	ds := sinusoids(96, 30, 8, 1)
	trainIdx, heldIdx := positions(0, 80), positions(80, 96)
	for _, tc := range cases {
		t.Run(tc.cfg.Kind, func(t *testing.T) {
			m, err := New[float32](tc.cfg, ds.T, ds.M)
			if err != nil {
				t.Fatal(err)
			}
			theta := make([]float32, m.NumParams())
			m.Init(theta, rand.New(rand.NewPCG(1, 2)))
			before := heldOutR2(t, m, theta, ds, heldIdx)
			p, err := m.Problem(ds, trainIdx)
			if err != nil {
				t.Fatal(err)
			}
			o := train.Default(ds.M).Train
			o.Epochs, o.BatchSize, o.LearningRate, o.WarmupSteps, o.ValEvery = tc.epochs, 16, tc.lr, 20, 0
			start := time.Now()
			res, err := train.Optimize(context.Background(), o, 1, len(trainIdx), ds.M, p, theta, nil, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			after := heldOutR2(t, m, res.Theta, ds, heldIdx)
			last := res.History[len(res.History)-1]
			t.Logf("%d parameters, %d epochs in %.1fs: train R² %.3f, held-out R² %.3f → %.3f",
				m.NumParams(), tc.epochs, time.Since(start).Seconds(), last.TrainR2, before, after)
			if !(after >= tc.min) || !(after-before >= 0.5) {
				t.Errorf("held-out R² %.3f (untrained %.3f), want ≥ %.2f and ≥ untrained + 0.5", after, before, tc.min)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for _, kind := range []string{kindVAE, kindRNN} {
		c := DefaultConfig(kind)
		if err := c.Validate(); err != nil {
			t.Errorf("DefaultConfig(%q): %v", kind, err)
		}
	}
	cases := []struct {
		field string
		edit  func(c *Config)
	}{
		{"kind", func(c *Config) { c.Kind = "lstm" }},
		{"latent", func(c *Config) { c.Latent = 0 }},
		{"hidden", func(c *Config) { c.Hidden = -1 }},
		{"beta", func(c *Config) { c.Beta = -0.5 }},
		{"beta", func(c *Config) { c.Beta = math.NaN() }},
		{"units", func(c *Config) { c.Units = 0 }},
		{"alpha", func(c *Config) { c.Alpha = 0 }},
		{"alpha", func(c *Config) { c.Alpha = 1.5 }},
	}
	for _, tc := range cases {
		c := DefaultConfig(kindRNN)
		tc.edit(&c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.field+":") {
			t.Errorf("%+v: error %v, want one naming %s", c, err, tc.field)
		}
		if _, err := New[float32](c, 5, 3); err == nil {
			t.Errorf("New accepted %+v", c)
		}
	}
	// The static VAE has no generator, so its units and alpha are not checked.
	c := DefaultConfig(kindVAE)
	c.Units, c.Alpha = 0, 0
	if err := c.Validate(); err != nil {
		t.Errorf("vae with units = alpha = 0: %v", err)
	}
}

// TestShapeErrors checks that data of another shape, bad indices, latents and θ are rejected
// with errors naming the dataset and the field.
func TestShapeErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := New[float32](DefaultConfig(kindRNN), 6, 4)
	if err != nil {
		t.Fatal(err)
	}
	theta := make([]float32, m.NumParams())
	m.Init(theta, rng)
	good := randomData(6, 4, []int{6, 2}, rng)
	for _, tc := range []struct {
		ds   *data.Dataset
		want string
	}{
		{randomData(7, 4, []int{6}, rng), "random.npz: T = 7"},
		{randomData(6, 5, []int{6}, rng), "random.npz: M = 5"},
	} {
		if _, err := m.Problem(tc.ds, []int{0}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Problem: error %v, want %q", err, tc.want)
		}
		if _, err := m.Encode(theta, tc.ds, []int{0}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Encode: error %v, want %q", err, tc.want)
		}
	}
	if _, err := m.Encode(theta, good, []int{2}); err == nil || !strings.Contains(err.Error(), "idx[0]") {
		t.Errorf("Encode of segment 2 of 2: error %v", err)
	}
	if _, err := m.Encode(theta[1:], good, []int{0}); err == nil {
		t.Error("Encode accepted a short θ")
	}
	if _, err := m.Decode(theta, good, []int{0, 1}, make([]float64, 3)); err == nil {
		t.Error("Decode accepted 3 latent values for 2 segments")
	}
	p, err := m.Problem(good, []int{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := metrics.NewR2Acc(4)
	if _, err := p.Step(theta, nil, []int{2}, 0, acc, make([]float32, len(theta)), nil); err == nil {
		t.Error("Step accepted row 2 of 2 training segments")
	}
}

// TestEffectiveParams: the RNN-VAE's generator W = (A e + β)/√N has N² + 1 redundant values.
func TestEffectiveParams(t *testing.T) {
	for _, kind := range []string{"vae", "rnn_vae"} {
		c := DefaultConfig(kind)
		c.Latent, c.Hidden, c.Units = 3, 5, 7
		m, err := New[float64](c, 6, 4)
		if err != nil {
			t.Fatal(err)
		}
		enc := 5*6*4 + 5 + 2*3*5 + 2*3
		want := enc + 5*3 + 5 + 6*4*5 + 6*4 // static decoder
		if kind == "rnn_vae" {
			// x0 map, then W (N²) and the bias b (N), the readout C, c.
			want = enc + 7*3 + 7 + 7*7 + 7 + 4*7 + 4
		}
		if m.EffectiveParams() != want {
			t.Errorf("%s: %d effective parameters of %d, want %d", kind, m.EffectiveParams(), m.NumParams(), want)
		}
	}
}
