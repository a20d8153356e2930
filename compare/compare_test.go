package compare

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/train"
)

// rotations is a toy problem with two contexts: every segment is a rotation in a plane, read
// out by six neurons through a fixed mixing, at 1.5 Hz (label "slow") or 3 Hz ("fast"), from a
// random phase.
func rotations(S int) *data.Dataset {
	const T, M, dt = 40, 6, 0.02
	rng := rand.New(rand.NewPCG(7, 7))
	P := make([]float64, M*2)
	for i := range P {
		P[i] = rng.NormFloat64()
	}
	ds := data.New(S, T, M, dt)
	labels := make([]string, S)
	for s := range S {
		f := 1.5
		labels[s] = "slow"
		if s%2 == 1 {
			f, labels[s] = 3, "fast"
		}
		phase := rng.Float64() * 2 * math.Pi
		for t := range T {
			a := 2*math.Pi*f*float64(t)*dt + phase
			c, sn := math.Cos(a), math.Sin(a)
			for m := range M {
				ds.Activity[(s*T+t)*M+m] = math.Tanh(0.7 * (P[2*m]*c + P[2*m+1]*sn))
			}
		}
	}
	ds.Labels["ctx"] = data.Label{Kind: data.StringLabel, Values: labels}
	return ds
}

func toyConfig() Config {
	c := Default()
	c.Data = DataSpec{Path: "in-memory"}
	c.Label = "ctx"
	c.Ranks = []int{2}
	c.JEDI = train.Default(6)
	c.JEDI.Model.N, c.JEDI.Model.D, c.JEDI.Model.Hidden = 24, 2, []int{16}
	c.JEDI.Model.Alpha = 0.2
	c.JEDI.Train.Epochs = 300
	c.JEDI.Train.BatchSize = 8
	c.JEDI.Train.LearningRate = 1e-2
	c.JEDI.Train.WarmupSteps = 10
	c.JEDI.Train.ValEvery = 50
	c.JEDI.Train.ValInferSteps = 50
	c.JEDI.Train.InferSteps = 150
	c.VAE.Latent, c.VAE.Hidden = 2, 32
	c.RNNVAE.Latent, c.RNNVAE.Hidden, c.RNNVAE.Units = 2, 32, 24
	c.NoiseScales = []float64{0, 1}
	c.NoiseRepeats = 2
	return c
}

// TestRunLearnsToy runs every kind on the toy problem: each must learn it (training and
// held-out R² well above what an untrained model gives), the embedding-noise curves must fall
// from the training R², and a second run in the same directory must reuse every finished row.
func TestRunLearnsToy(t *testing.T) {
	ds := rotations(48)
	dir := t.TempDir()
	cfg := toyConfig()
	tab, err := Run(context.Background(), cfg, ds, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"single", "per_label", "context_input", "jedi_full", "jedi_rank2", "vae", "rnn_vae"}
	if len(tab.Rows) != len(want) {
		t.Fatalf("%d rows, want %d", len(tab.Rows), len(want))
	}
	byName := map[string]Row{}
	for i, r := range tab.Rows {
		if r.Name != want[i] {
			t.Errorf("row %d is %s, want %s", i, r.Name, want[i])
		}
		byName[r.Name] = r
		t.Logf("%-14s train %.3f held-out %.3f noise %v  %.1f s  %d params (%d effective)", r.Name, r.R2Train, r.R2HeldOut, r.NoiseR2, r.FitSeconds, r.Params, r.EffectiveParams)
		if r.Params <= 0 || r.EffectiveParams <= 0 || r.FitSeconds <= 0 {
			t.Errorf("%s: params %d/%d, fit %g s", r.Name, r.Params, r.EffectiveParams, r.FitSeconds)
		}
	}
	// Untrained, these models score R² ≤ 0 here; a single RNN with a free initial state can
	// already produce both speeds, so the toy asks each model to learn, not to rank them.
	thresholds := map[string][2]float64{ // train, held-out
		"single": {0.95, 0.95}, "per_label": {0.95, 0.95}, "context_input": {0.95, 0.95},
		"jedi_full": {0.95, 0.95}, "jedi_rank2": {0.95, 0.95}, "vae": {0.9, 0.85}, "rnn_vae": {0.9, 0.85},
	}
	for name, th := range thresholds {
		r := byName[name]
		if r.R2Train < th[0] || r.R2HeldOut < th[1] {
			t.Errorf("%s: R² train %.3f held-out %.3f, want ≥ %.2f, %.2f", name, r.R2Train, r.R2HeldOut, th[0], th[1])
		}
	}
	for _, v := range []string{"slow", "fast"} {
		if _, err := os.Stat(filepath.Join(dir, "models", "per_label", v, train.ModelFile)); err != nil {
			t.Errorf("per-label RNN of %s: %v", v, err)
		}
	}
	for _, name := range []string{"jedi_full", "jedi_rank2", "vae", "rnn_vae"} {
		n := byName[name].NoiseR2
		if len(n) != 2 || math.Abs(n[0]-byName[name].R2Train) > 1e-6 || !(n[1] < n[0]) {
			t.Errorf("%s: noise curve %v, want [R² train, lower]", name, n)
		}
	}
	if byName["single"].NoiseR2 != nil {
		t.Errorf("single RNN has a noise curve")
	}
	// The tied hypernetwork emits N² weights from 1 embedding: the effective count must drop.
	if s := byName["single"]; s.EffectiveParams >= s.Params {
		t.Errorf("single: effective params %d not below trained %d", s.EffectiveParams, s.Params)
	}
	for _, f := range []string{"table.md", "table.csv", "table.json", "r2.png", "r2.svg", "noise.svg", ConfigFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "table.md"))
	if !strings.Contains(string(md), "| jedi_rank2 |") {
		t.Errorf("table.md lacks the jedi_rank2 row:\n%s", md)
	}

	// Rerun: every row comes from its row.json, bit for bit.
	again, err := Run(context.Background(), cfg, ds, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(tab)
	b, _ := json.Marshal(again)
	if string(a) != string(b) {
		t.Errorf("rerun changed the table")
	}
	cfg.Ranks = []int{3}
	if _, err := Run(context.Background(), cfg, ds, Options{Dir: dir}); err == nil || !strings.Contains(err.Error(), "another configuration") {
		t.Errorf("a changed configuration in the same directory: err %v", err)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{"models: [single, bogus]", "models[1]"},
		{"models: [single, single]", "listed twice"},
		{"ranks: [0]", "ranks[0]"},
		{"label: \"\"\nmodels: [per_label]", "label"},
		{"data: {path: x.npz, simulate: multitask}", "data"},
		{"data: {simulate: lorenz}", "data.simulate"},
		{"noise_scales: [-1]", "noise_scales[0]"},
		{"unknown_key: 1", "unknown_key"},
	} {
		_, err := Parse("c.yaml", []byte(tc.yaml), Default())
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "c.yaml") {
			t.Errorf("%q: err %v, want one naming c.yaml and %q", tc.yaml, err, tc.want)
		}
	}
	c, err := Parse("c.yaml", []byte("models: [vae]\nranks: [3]\njedi: {train: {epochs: 7}}"), Default())
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Models) != 1 || c.JEDI.Train.Epochs != 7 || c.JEDI.Train.BatchSize != 32 || c.Ranks[0] != 3 {
		t.Errorf("parsed %+v", c)
	}
}

// TestShippedConfigs: the comparison configurations in configs/ load, and differ from the
// defaults only where they say so.
func TestShippedConfigs(t *testing.T) {
	for name, label := range map[string]string{"compare_multitask.yaml": "task", "compare_sinusoid.yaml": "frequency"} {
		c, err := Load(filepath.Join("..", "configs", name))
		if err != nil {
			t.Fatal(err)
		}
		if c.Label != label || len(c.Models) != len(Kinds()) || c.JEDI.Train.Epochs != 200 || c.JEDI.Train.ValEvery != 50 {
			t.Errorf("%s: label %q, %d models, %d epochs, val_every %d", name, c.Label, len(c.Models), c.JEDI.Train.Epochs, c.JEDI.Train.ValEvery)
		}
		if c.VAE != Default().VAE || c.RNNVAE != Default().RNNVAE {
			t.Errorf("%s: VAE settings %+v %+v differ from the defaults", name, c.VAE, c.RNNVAE)
		}
	}
}
