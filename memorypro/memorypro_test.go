package memorypro

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/floats"

	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// initialMemoryPro returns cfg's model with θ as training starts it (model.Init), random
// biases added so that every term is exercised, and a single embedding.
func initialMemoryPro(t *testing.T, cfg train.Config, seed uint64) *train.Fitted {
	t.Helper()
	m, err := model.New(cfg.Model)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 3))
	theta := make([]float64, m.Layout.Size)
	model.Init(theta, &m.Cfg, &m.Layout, rng)
	for _, b := range []int{m.Layout.Bias, m.Layout.ReadB} {
		for i := range model.View(theta, &m.Layout, b) {
			model.View(theta, &m.Layout, b)[i] = 0.3 * rng.NormFloat64()
		}
	}
	return &train.Fitted{Config: cfg, Theta: theta, Embeddings: []float64{0.7}, Train: []int{0}}
}

// TestMemoryProNetworkMatchesEngine checks the extracted network against the training engine:
// the float64 simulation of sim must reproduce the model's own noiseless predictions.
func TestMemoryProNetworkMatchesEngine(t *testing.T) {
	task := sim.DefaultMemoryProTask()
	cfg := TeacherConfig(task, 16, 1)
	cfg.DType = "float64"
	f := initialMemoryPro(t, cfg, 2)
	net, err := Network(f, task.Dt)
	if err != nil {
		t.Fatal(err)
	}
	if net.Teacher.N != 16 || math.Abs(net.Teacher.Alpha-0.2) > 1e-15 || net.Teacher.Dt != 0.02 {
		t.Fatalf("N, α, dt = %d, %v, %v", net.Teacher.N, net.Teacher.Alpha, net.Teacher.Dt)
	}
	trials, err := task.Trials(3, 1, sim.MemoryProTestSet)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := task.TaskDataset(trials)
	if err != nil {
		t.Fatal(err)
	}
	e := f.Embedding(0)
	pred, err := train.Predict(f, ds, []int{0, 1, 2}, slices.Concat(e, e, e), nil)
	if err != nil {
		t.Fatal(err)
	}
	for k := range trials {
		_, out, err := net.Run(&task, &trials[k], 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := pred.Prediction[k*ds.T*3 : (k*ds.T+trials[k].Len())*3]
		for i, v := range want {
			if math.Abs(out[i]-v) > 1e-9*math.Max(1, math.Abs(v)) {
				t.Fatalf("trial %d, value %d: network %v, engine %v", k, i, out[i], v)
			}
		}
	}
	bad := cfg
	bad.Model.InitialState = "learned"
	if _, err := Network(&train.Fitted{Config: bad, Theta: f.Theta, Embeddings: e}, task.Dt); err == nil {
		t.Error("MemoryProNetwork accepted a model with learned initial states")
	}
}

// TestTrain trains a small teacher briefly and checks that it has learned the task
// far beyond chance, then that a second call reuses the run and a mismatched one is refused.
func TestTrain(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a network (≈ 20 s)")
	}
	task := sim.DefaultMemoryProTask()
	cfg := TeacherConfig(task, 64, 3)
	cfg.Train.Epochs, cfg.Train.BatchSize, cfg.Train.LearningRate = 60, 32, 5e-3
	dir := t.TempDir()
	f, err := Train(context.Background(), task, cfg, 256, 3, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	net, err := Network(f, task.Dt)
	if err != nil {
		t.Fatal(err)
	}
	untrained, err := Network(initialMemoryPro(t, cfg, 3), task.Dt)
	if err != nil {
		t.Fatal(err)
	}
	test, _ := task.Trials(200, 3, sim.MemoryProTestSet)
	after, err := net.Score(&task, test, 0.05, 1)
	if err != nil {
		t.Fatal(err)
	}
	before, err := untrained.Score(&task, test, 0.05, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("median error %.1f° (%.0f%% within 20°), untrained %.1f°", after.MedianDeg, 100*after.Within20, before.MedianDeg)
	if after.MedianDeg > 15 || after.Within20 < 0.8 || before.MedianDeg < 60 {
		t.Errorf("median error %.1f° with %.0f%% within 20° after training (want < 15°, ≥ 80%%), %.1f° before (want ≈ 90°)", after.MedianDeg, 100*after.Within20, before.MedianDeg)
	}

	again, err := Train(context.Background(), task, cfg, 256, 3, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Theta, f.Theta) {
		t.Error("a second call did not reuse the trained teacher")
	}
	if _, err := Train(context.Background(), task, cfg, 128, 3, dir, nil); err == nil {
		t.Error("a run of 256 trials was reused for 128")
	}
}

// linearMemoryPro returns a MemoryPro network with J = 0: in phase p its only fixed point is
// x* = b + W_ext u_p, stable (the Jacobian is (1−α) I).
func linearMemoryPro(n int) *sim.MemoryProNetwork {
	rng := rand.New(rand.NewPCG(4, 4))
	normal := func(k int) []float64 {
		v := make([]float64, k)
		for i := range v {
			v[i] = rng.NormFloat64()
		}
		return v
	}
	tc := &sim.Teacher{N: n, I: sim.MemoryProInputs, Dt: 0.02, Alpha: 0.2, J: make([]float64, n*n),
		B: normal(n), WExt: normal(n * sim.MemoryProInputs)}
	return &sim.MemoryProNetwork{Teacher: tc, C: normal(3 * n), C0: normal(3)}
}

func TestFixedPointsLinear(t *testing.T) {
	net := linearMemoryPro(12)
	cfg := sim.DefaultMemoryPro()
	cfg.Trials, cfg.Observed = 4, 5
	ds, err := sim.MemoryPro(cfg, net, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FixedPoints(ds, FixedPointOptions{Starts: 16, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	tc := net.Teacher
	// x* = b + W_ext u for the input u of phase p and direction θ.
	fixed := func(p int, theta float64) []float64 {
		u := sim.PhaseInput(sim.Phase(p), theta)
		x := slices.Clone(tc.B)
		for i := range x {
			for k, v := range u {
				x[i] += tc.WExt[i*4+k] * v
			}
		}
		return x
	}
	thetas, err := ds.LabelValues("theta")
	if err != nil {
		t.Fatal(err)
	}
	for p, name := range sim.MemoryProPhases() {
		pts, stable := ds.Extra["teacher_fixed_points_"+name], ds.Extra["teacher_fixed_points_"+name+"_stable"]
		// The stimulus phase has a map per trial, each with its own point; the others one.
		var want [][]float64
		var wantTheta []float64
		for s := p; s < ds.S; s += 4 {
			th, _ := strconv.ParseFloat(thetas[s], 64)
			want, wantTheta = append(want, fixed(p, th)), append(wantTheta, th)
			if sim.Phase(p) != sim.PhaseStimulus {
				break
			}
		}
		if !slices.Equal(pts.Shape, []int{len(want), 12}) || slices.ContainsFunc(stable.Data, func(v float64) bool { return v != 1 }) {
			t.Fatalf("%s: points %v, stable %v; want %d stable points", name, pts.Shape, stable.Data, len(want))
		}
		for k, w := range want {
			for i := range 12 {
				if got := pts.Data[k*12+i]; math.Abs(got-w[i]) > 1e-4 {
					t.Errorf("%s: point %d: x*[%d] = %v, want b + W_ext u = %v", name, k, i, got, w[i])
				}
			}
		}
		if sim.Phase(p) == sim.PhaseStimulus {
			th := ds.Extra["teacher_fixed_points_stimulus_theta"].Data
			if !slices.EqualFunc(th, wantTheta, func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }) {
				t.Errorf("stimulus θ %v, want %v", th, wantTheta)
			}
		}
		// A slow point has q = ½ α² ‖x − x*‖² < 10⁻⁴ (the Jacobian is (1−α) I), so it lies
		// within √(2·10⁻⁴)/α = 0.0707 of a fixed point.
		slow := ds.Extra["teacher_slow_points_"+name]
		if len(slow.Shape) != 2 || slow.Shape[0] < len(want) || slow.Shape[1] != 12 {
			t.Fatalf("%s: slow points %v, want at least %d of 12 units", name, slow.Shape, len(want))
		}
		for k := range slow.Shape[0] {
			near := math.Inf(1)
			for _, w := range want {
				near = min(near, floats.Distance(slow.Data[k*12:(k+1)*12], w, 2))
			}
			if near > 0.0708 {
				t.Errorf("%s: slow point %d is %.4f from the nearest fixed point, want ≤ 0.0707", name, k, near)
			}
		}
	}
}

// TestFixedPointsBistable uses J = 2 I, b = 0, W_ext = 0 on 2 units: each unit solves
// x = 2 tanh(x), with roots 0 and ±r (r ≈ 1.915), so the network has 9 fixed points in every
// phase, stable exactly where both units sit at ±r (per-unit slope (1−α) + 2α(1 − tanh² x) is
// above 1 at 0 and below 1 at ±r).
func TestFixedPointsBistable(t *testing.T) {
	tc := &sim.Teacher{N: 2, I: sim.MemoryProInputs, Dt: 0.02, Alpha: 0.2, J: []float64{2, 0, 0, 2},
		B: make([]float64, 2), WExt: make([]float64, 2*sim.MemoryProInputs)}
	net := &sim.MemoryProNetwork{Teacher: tc, C: make([]float64, 6), C0: make([]float64, 3)}
	cfg := sim.DefaultMemoryPro()
	cfg.Trials, cfg.Observed, cfg.RecurrentNoise = 20, 2, 1
	ds, err := sim.MemoryPro(cfg, net, 2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FixedPoints(ds, FixedPointOptions{Starts: 1200, Noise: 1, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	r := 1.9
	for range 50 {
		r = 2 * math.Tanh(r)
	}
	// Every trial starts at x = 0, a fixed point here, so the fixation phase's trajectories
	// never leave it and all its starts coincide: only the unstable origin is found.
	fix, fixStable := ds.Extra["teacher_fixed_points_fixation"], ds.Extra["teacher_fixed_points_fixation_stable"]
	if !slices.Equal(fix.Data, []float64{0, 0}) || !slices.Equal(fixStable.Data, []float64{0}) {
		t.Errorf("fixation: points %v, stable %v; want the unstable origin", fix.Data, fixStable.Data)
	}
	for _, name := range sim.MemoryProPhases()[1:] {
		pts, stable := ds.Extra["teacher_fixed_points_"+name], ds.Extra["teacher_fixed_points_"+name+"_stable"]
		if pts.Shape[0] != 9 {
			t.Errorf("%s: %d fixed points, want 9", name, pts.Shape[0])
			continue
		}
		for k := range 9 {
			x := pts.Data[2*k : 2*k+2]
			outer := 0
			for _, v := range x {
				switch {
				case math.Abs(math.Abs(v)-r) < 1e-4:
					outer++
				case math.Abs(v) > 1e-4:
					t.Errorf("%s: point %v is not in {0, ±%.4f}²", name, x, r)
				}
			}
			if want := outer == 2; (stable.Data[k] == 1) != want {
				t.Errorf("%s: point %v stable = %v, want %v", name, x, stable.Data[k], want)
			}
		}
	}
}
