// Package bench times one training step of the benchmark model, the same model as the
// PyTorch reference torch_ref.py beside it:
//
//	e ∈ R^8 → Linear(8,64) → tanh → Linear(64,64) → tanh → Linear(64, 2NR) → U, V;  W = U Vᵀ / N,
//	x_{t+1} = (1 − α) x_t + α (W tanh(x_t) + b),  α = 0.1,  x_0 learned per segment,
//	y_t = C tanh(x_t) + c,  loss = mean (y − target)²,
//
// one step being forward + backpropagation through time + an Adam update of every parameter.
// The step timed is the training engine's own (train.Stepper): the one `jedi fit` takes,
// including the staging of the minibatch, the R² accumulation, gradient clipping and the
// learning-rate schedule, which the PyTorch reference does not do.
package bench

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/par"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/train"
)

// Size is one benchmark problem.
type Size struct {
	Name                 string
	N, R, T, Batch, M, D int
}

// Sizes are the benchmark problems: small (N=128, R=4, T=100, batch 32, M=50), the size of the
// demo's fit; large (N=512, R=8, T=200, batch 64, M=150); and xl (N=1024, R=16, T=500, batch
// 128, M=300), about 1 GB of activations in float32.
var Sizes = map[string]Size{
	"small": {"small", 128, 4, 100, 32, 50, 8},
	"large": {"large", 512, 8, 200, 64, 150, 8},
	"xl":    {"xl", 1024, 16, 500, 128, 300, 8},
}

// Config returns the benchmark model's architecture for size s.
func (s Size) Config() model.Config {
	return model.Config{N: s.N, M: s.M, D: s.D, Rank: s.R, Hidden: []int{64, 64}, Alpha: 0.1,
		Readout: model.Linear, Loss: model.Gaussian, InitialState: model.Learned}
}

// FLOPs counts the floating-point operations of one step (multiply and add counted
// separately): the dense products of the hypernetwork and the readout, and the O(N·R)
// low-rank products of the recurrence, forward and backward. Elementwise work (tanh, Adam) is
// left out, so the count is a lower bound.
func (s Size) FLOPs() float64 {
	B, T, N, M, R, D := float64(s.Batch), float64(s.T), float64(s.N), float64(s.M), float64(s.R), float64(s.D)
	P := 2 * N * R
	hyper := 2 * B * (D*64 + 64*64 + 64*P) // forward
	readout := 2 * B * T * N * M           // forward
	rec := 2 * B * (T - 1) * 2 * N * R     // z = Vᵀr, U z
	// Backward: two products per dense layer (weights and inputs), the adjoint's two low-rank
	// products per step plus the U and V gradients.
	return 3*hyper + 3*readout + rec + 2*rec
}

// Result is one benchmark measurement.
type Result struct {
	Size      string    `json:"size"`
	MsPerStep float64   `json:"ms_per_step"`
	Steps     int       `json:"steps"`
	GFLOPs    float64   `json:"gflop_per_s"`
	FLOPs     float64   `json:"flop_per_step"`
	DType     string    `json:"dtype"`
	Build     string    `json:"build"`
	SamplesMs []float64 `json:"samples_ms"`
	Threads   int       `json:"threads"`
	// CPUMsPerStep is the process's CPU time (all threads) per timed step, the mean over
	// them: on a machine shared with other work, wall time far above CPU time / threads means
	// the step waited for cores, and CPU time is the steadier measure of its cost.
	CPUMsPerStep float64 `json:"cpu_ms_per_step"`
}

// TrainConfig returns the training configuration of size s: the shipped defaults (train.Default,
// with its gradient clipping) and the benchmark's model, in float32, with Adam at the PyTorch
// reference's constant step size 1e-3.
func (s Size) TrainConfig() train.Config {
	c := train.Default(s.M)
	c.Model = s.Config()
	c.DType = model.Float32
	c.Train.LearningRate, c.Train.Schedule, c.Train.WarmupSteps = 1e-3, train.Constant, 0
	return c
}

// NewStepper builds the benchmark problem of size s: a batch of s.Batch segments of random
// targets (seeded) and the training engine's stepper on it.
func NewStepper(s Size) (*train.Stepper, error) {
	rng := rand.New(rand.NewPCG(1, 2))
	ds := data.New(s.Batch, s.T, s.M, 0.01)
	ds.Source = "bench " + s.Name
	for i := range ds.Activity {
		ds.Activity[i] = rng.NormFloat64()
	}
	return train.NewStepper(s.TrainConfig(), ds)
}

// Run times steps training steps of size s after warmup untimed ones, in float32, and reports
// the median.
func Run(s Size, warmup, steps int) (*Result, error) {
	if steps < 1 {
		return nil, fmt.Errorf("bench: steps = %d, want ≥ 1", steps)
	}
	st, err := NewStepper(s)
	if err != nil {
		return nil, err
	}
	for range warmup {
		if _, err := st.Step(); err != nil {
			return nil, err
		}
	}
	res := &Result{Size: s.Name, Steps: steps, FLOPs: s.FLOPs(), DType: string(s.TrainConfig().DType), Build: build, Threads: par.Threads()}
	c0 := cpuTime()
	for range steps {
		t0 := time.Now()
		if _, err := st.Step(); err != nil {
			return nil, err
		}
		res.SamplesMs = append(res.SamplesMs, float64(time.Since(t0).Nanoseconds())/1e6)
	}
	res.CPUMsPerStep = float64((cpuTime() - c0).Nanoseconds()) / 1e6 / float64(steps)
	sorted := slices.Clone(res.SamplesMs)
	slices.Sort(sorted)
	n := len(sorted)
	res.MsPerStep = sorted[n/2]
	if n%2 == 0 {
		res.MsPerStep = (sorted[n/2-1] + sorted[n/2]) / 2
	}
	res.GFLOPs = res.FLOPs / (res.MsPerStep * 1e6)
	return res, nil
}
