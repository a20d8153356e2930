package sim

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"
)

func TestMemoryProTrialsDeterministic(t *testing.T) {
	task := DefaultMemoryProTask()
	a, err := task.Trials(50, 7, MemoryProTrainSet)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := task.Trials(50, 7, MemoryProTrainSet)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed and set gave different trials")
	}
	prefix, _ := task.Trials(20, 7, MemoryProTrainSet)
	if !reflect.DeepEqual(prefix, a[:20]) {
		t.Error("the first 20 of 50 trials differ from a draw of 20")
	}
	for _, other := range []struct {
		seed, set uint64
	}{{8, MemoryProTrainSet}, {7, MemoryProTestSet}, {7, MemoryProDataSet}} {
		c, _ := task.Trials(50, other.seed, other.set)
		same := 0
		for k := range c {
			if c[k].Theta == a[k].Theta {
				same++
			}
		}
		if same > 0 {
			t.Errorf("seed %d set %d shares %d directions with seed 7 set 0", other.seed, other.set, same)
		}
	}
}

func TestMemoryProPhaseDurations(t *testing.T) {
	task := DefaultMemoryProTask()
	trials, err := task.Trials(3000, 1, MemoryProTrainSet)
	if err != nil {
		t.Fatal(err)
	}
	// Bounds in bins of 20 ms: 300–700 ms, 200–1600 ms, 200–1600 ms, 300–700 ms.
	want := [4][2]int{{15, 35}, {10, 80}, {10, 80}, {15, 35}}
	var lo, hi [4]int
	for p := range lo {
		lo[p], hi[p] = math.MaxInt, 0
	}
	var meanTheta float64
	for _, tr := range trials {
		for p, b := range tr.Bins {
			lo[p], hi[p] = min(lo[p], b), max(hi[p], b)
		}
		if tr.Theta < 0 || tr.Theta >= 2*math.Pi {
			t.Fatalf("θ = %v outside [0, 2π)", tr.Theta)
		}
		meanTheta += tr.Theta / float64(len(trials))
		if tr.Len() != tr.Bins[0]+tr.Bins[1]+tr.Bins[2]+tr.Bins[3] || tr.Start(PhaseResponse) != tr.Len()-tr.Bins[3] {
			t.Fatalf("Len %d, go cue %d for bins %v", tr.Len(), tr.Start(PhaseResponse), tr.Bins)
		}
	}
	for p := range want {
		// 3000 uniform draws out of at most 71 values reach both ends.
		if lo[p] != want[p][0] || hi[p] != want[p][1] {
			t.Errorf("%s phase lasts %d–%d bins, want %d–%d", Phase(p), lo[p], hi[p], want[p][0], want[p][1])
		}
	}
	// The mean of U[0, 2π) has standard error 2π/√(12·3000) ≈ 0.033.
	if math.Abs(meanTheta-math.Pi) > 0.15 {
		t.Errorf("mean θ = %v, want ≈ π", meanTheta)
	}
}

func TestMemoryProLayout(t *testing.T) {
	task := DefaultMemoryProTask()
	tr := MemoryProTrial{Theta: 2, Bins: [4]int{15, 10, 12, 20}}
	L := 57
	u, y, w := task.Inputs(&tr), task.Targets(&tr), task.Weights(&tr)
	if len(u) != L*4 || len(y) != L*3 || len(w) != L*3 {
		t.Fatalf("lengths %d, %d, %d, want %d, %d, %d", len(u), len(y), len(w), 4*L, 3*L, 3*L)
	}
	s, c := math.Sin(2), math.Cos(2)
	for b := range L {
		// Written out bin by bin: fixation input until the go cue at bin 37, the stimulus in
		// bins 15–24, the rule always; the first 5 bins (100 ms) and 5 bins after the go cue
		// unscored, the rest of the response ×5.
		wantU := []float64{1, 0, 0, 1}
		wantY := []float64{0.8, 0, 0}
		wantW := 1.0
		if b >= 15 && b < 25 {
			wantU[1], wantU[2] = s, c
		}
		if b >= 37 {
			wantU[0] = 0
			wantY = []float64{0, s, c}
			wantW = 5
		}
		if b < 5 || (b >= 37 && b < 42) {
			wantW = 0
		}
		if !slices.Equal(u[b*4:(b+1)*4], wantU) || !slices.Equal(y[b*3:(b+1)*3], wantY) ||
			!slices.Equal(w[b*3:(b+1)*3], []float64{wantW, wantW, wantW}) {
			t.Fatalf("bin %d: input %v target %v weight %v, want %v %v %v", b, u[b*4:(b+1)*4], y[b*3:(b+1)*3], w[b*3:(b+1)*3], wantU, wantY, wantW)
		}
	}
	for p := range numPhases {
		if got := PhaseInput(p, 2); !slices.Equal(got, u[tr.Start(p)*4:(tr.Start(p)+1)*4]) {
			t.Errorf("PhaseInput(%s) = %v, the trial's input %v", p, got, u[tr.Start(p)*4:(tr.Start(p)+1)*4])
		}
	}
}

func TestMemoryProTaskDataset(t *testing.T) {
	task := DefaultMemoryProTask()
	trials, _ := task.Trials(6, 3, MemoryProTrainSet)
	d, err := task.TaskDataset(trials)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	T := 0
	for _, tr := range trials {
		T = max(T, tr.Len())
	}
	if d.S != 6 || d.T != T || d.M != 3 || d.I != 4 || d.Dt != 0.02 || len(d.Weight) != 6*T*3 {
		t.Fatalf("S, T, M, I, dt = %d, %d, %d, %d, %v; want 6, %d, 3, 4, 0.02", d.S, d.T, d.M, d.I, d.Dt, T)
	}
	thetas := floatLabel(t, d, "theta")
	for k := range trials {
		tr := &trials[k]
		if d.Lengths[k] != tr.Len() || thetas[k] != tr.Theta || d.Labels["trial"].Values[k] != strconv.Itoa(k) {
			t.Errorf("trial %d: length %d, θ %v, label %q", k, d.Lengths[k], thetas[k], d.Labels["trial"].Values[k])
		}
		if !slices.Equal(d.Segment(k), task.Targets(tr)) || !slices.Equal(d.SegmentWeight(k), task.Weights(tr)) ||
			!slices.Equal(d.SegmentInputs(k), task.Inputs(tr)) {
			t.Errorf("trial %d: activity, weights or inputs differ from the task's", k)
		}
	}
	if _, err := task.TaskDataset(nil); err == nil {
		t.Error("TaskDataset accepted no trials")
	}
	if _, err := task.TaskDataset([]MemoryProTrial{{Theta: 1, Bins: [4]int{3, 0, 2, 2}}}); err == nil {
		t.Error("TaskDataset accepted an empty phase")
	}
}

func TestMemoryProTaskValidate(t *testing.T) {
	for name, mod := range map[string]func(*MemoryProTask){
		"dt 0":          func(k *MemoryProTask) { k.Dt = 0 },
		"tau < dt":      func(k *MemoryProTask) { k.Tau = 0.01 },
		"reversed":      func(k *MemoryProTask) { k.Durations[1] = [2]float64{1.6, 0.2} },
		"no whole bin":  func(k *MemoryProTask) { k.Durations[0] = [2]float64{0.301, 0.319} },
		"under one bin": func(k *MemoryProTask) { k.Durations[2] = [2]float64{0.001, 0.01} },
		"NaN weight":    func(k *MemoryProTask) { k.ResponseWeight = math.NaN() },
		"neg grace":     func(k *MemoryProTask) { k.Grace = -0.1 },
	} {
		task := DefaultMemoryProTask()
		mod(&task)
		if err := task.Validate(); err == nil {
			t.Errorf("%s: Validate accepted it", name)
		}
		if _, err := task.Trials(3, 1, 0); err == nil {
			t.Errorf("%s: Trials accepted it", name)
		}
	}
	task := DefaultMemoryProTask()
	if _, err := task.Trials(0, 1, 0); err == nil {
		t.Error("Trials accepted 0 trials")
	}
}

// smallMemoryProNetwork returns a random network of n units with the MemoryPro inputs and a
// random readout (not trained: for checking the plumbing).
func smallMemoryProNetwork(t *testing.T, n int) *MemoryProNetwork {
	t.Helper()
	cfg := TeacherConfig{N: n, Rank: 0, G: 1.2, Inputs: MemoryProInputs, Dt: 0.02, Tau: 0.1}
	tc, err := NewRandomTeacher(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	rng := newRand(5, 99, 0)
	for i := range tc.B {
		tc.B[i] = 0.2 * rng.NormFloat64()
	}
	c := normals(rng, MemoryProOutputs*n)
	for i := range c {
		c[i] /= math.Sqrt(float64(n))
	}
	return &MemoryProNetwork{Teacher: tc, C: c, C0: normals(rng, MemoryProOutputs)}
}

// naiveMemoryPro runs tr through net without noise with naiveStep and returns the states and
// the outputs C tanh(x) + c, both per bin.
func naiveMemoryPro(net *MemoryProNetwork, task *MemoryProTask, tr *MemoryProTrial) (xs, ys [][]float64) {
	u := task.Inputs(tr)
	n := net.Teacher.N
	x := make([]float64, n)
	for b := range tr.Len() {
		if b > 0 {
			x = naiveStep(net.Teacher, x, u[(b-1)*4:b*4])
		}
		y := make([]float64, 3)
		for o := range y {
			y[o] = net.C0[o]
			for j := range n {
				y[o] += net.C[o*n+j] * math.Tanh(x[j])
			}
		}
		xs, ys = append(xs, x), append(ys, y)
	}
	return xs, ys
}

func TestMemoryProRunMatchesNaive(t *testing.T) {
	net := smallMemoryProNetwork(t, 23)
	task := DefaultMemoryProTask()
	tr := MemoryProTrial{Theta: 4, Bins: [4]int{6, 5, 7, 4}}
	states, out, err := net.Run(&task, &tr, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	xs, ys := naiveMemoryPro(net, &task, &tr)
	for b := range tr.Len() {
		for i, v := range xs[b] {
			if !closeRel(states[b*23+i], v, 1e-12) {
				t.Fatalf("bin %d unit %d: state %v, naive %v", b, i, states[b*23+i], v)
			}
		}
		for o, v := range ys[b] {
			if !closeRel(out[b*3+o], v, 1e-12) {
				t.Fatalf("bin %d output %d: %v, naive %v", b, o, out[b*3+o], v)
			}
		}
	}
	if _, _, err := net.Run(&task, &tr, 0.1, nil); err == nil {
		t.Error("Run accepted noise without a generator")
	}
	bad := *net
	bad.C0 = bad.C0[:2]
	if _, _, err := bad.Run(&task, &tr, 0, nil); err == nil {
		t.Error("Run accepted a short readout bias")
	}
}

// TestMemoryProNoise checks the recurrent noise against the stationary variance of the leaky
// integrator it drives when J, b and W_ext are 0: x_{t+1} = (1−α) x_t + σ√α ξ_t has variance
// σ²α / (1 − (1−α)²) = σ² / (2 − α).
func TestMemoryProNoise(t *testing.T) {
	net := smallMemoryProNetwork(t, 50)
	clear(net.Teacher.J)
	clear(net.Teacher.B)
	clear(net.Teacher.WExt)
	task := DefaultMemoryProTask()
	tr := MemoryProTrial{Theta: 1, Bins: [4]int{35, 80, 80, 35}}
	const sigma = 0.5
	states, _, err := net.Run(&task, &tr, sigma, newRand(1, 98, 0))
	if err != nil {
		t.Fatal(err)
	}
	var ss float64
	var n int
	for b := 30; b < tr.Len(); b++ { // after 30 steps (1−α)^60 ≈ 1.5e-6 of the start remains
		for _, v := range states[b*50 : (b+1)*50] {
			ss += v * v
			n++
		}
	}
	want := sigma * sigma / (2 - 0.2)
	// 200 bins × 50 units, correlated over ≈ 1/α bins: ≈ 1000 effective samples, 5% error.
	if got := ss / float64(n); math.Abs(got/want-1) > 0.15 {
		t.Errorf("state variance %v, want σ²/(2−α) = %v", got, want)
	}
}

func TestMemoryProScore(t *testing.T) {
	// A network whose outputs are constant: its reported direction is φ on every trial.
	net := smallMemoryProNetwork(t, 10)
	clear(net.C)
	const phi = 1.0
	net.C0 = []float64{0.8, math.Sin(phi), math.Cos(phi)}
	task := DefaultMemoryProTask()
	trials, _ := task.Trials(401, 2, MemoryProTestSet)
	sc, err := net.Score(&task, trials, 0.05, 3)
	if err != nil {
		t.Fatal(err)
	}
	deg := make([]float64, len(trials))
	within := 0
	for k, tr := range trials {
		want := AngleError(phi, tr.Theta)
		if math.Abs(sc.Errors[k]-want) > 1e-12 {
			t.Fatalf("trial %d: error %v, want %v", k, sc.Errors[k], want)
		}
		deg[k] = want * 180 / math.Pi
		if deg[k] < 20 {
			within++
		}
	}
	slices.Sort(deg)
	if math.Abs(sc.MedianDeg-deg[200]) > 1e-9 || math.Abs(sc.Within20-float64(within)/401) > 1e-12 {
		t.Errorf("median %v, within 20° %v; want %v, %v", sc.MedianDeg, sc.Within20, deg[200], float64(within)/401)
	}
	// Uniform directions against a fixed report: errors uniform on [0°, 180°].
	if sc.MedianDeg < 75 || sc.MedianDeg > 105 || sc.FixationRMSE > 1e-12 {
		t.Errorf("median %v° (want ≈ 90°), fixation RMSE %v (want 0)", sc.MedianDeg, sc.FixationRMSE)
	}
	if _, err := net.Score(&task, nil, 0, 1); err == nil {
		t.Error("Score accepted no trials")
	}
}

func TestAngleError(t *testing.T) {
	for _, c := range []struct{ a, b, want float64 }{
		{0, 0, 0}, {0.1, 2*math.Pi - 0.1, 0.2}, {3, -3, 2*math.Pi - 6}, {0, math.Pi, math.Pi}, {5, 1, 4},
	} {
		want := c.want
		if want > math.Pi {
			want = 2*math.Pi - want
		}
		if got := AngleError(c.a, c.b); math.Abs(got-want) > 1e-12 {
			t.Errorf("AngleError(%v, %v) = %v, want %v", c.a, c.b, got, want)
		}
	}
	tr := MemoryProTrial{Bins: [4]int{1, 1, 1, 2}}
	out := []float64{9, 9, 9, 9, 9, 9, 9, 9, 9, 0, 1, 0, 0, 0, -1} // response: (1, 0), (0, −1)
	if got := ResponseAngle(&tr, out); math.Abs(got-math.Atan2(1, -1)) > 1e-12 {
		t.Errorf("ResponseAngle = %v, want atan2(1, −1)", got)
	}
}

func TestMemoryProDataset(t *testing.T) {
	net := smallMemoryProNetwork(t, 20)
	cfg := DefaultMemoryPro()
	cfg.Trials, cfg.Observed, cfg.RecurrentNoise, cfg.NoiseFraction = 5, 8, 0, 0
	d, err := MemoryPro(cfg, net, 4)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	trials, _ := cfg.Task.Trials(5, 4, MemoryProDataSet)
	T := 0
	for _, tr := range trials {
		T = max(T, slices.Max(tr.Bins[:]))
	}
	if d.S != 20 || d.T != T || d.M != 8 || d.I != 4 || d.Dt != 0.02 {
		t.Fatalf("S, T, M, I, dt = %d, %d, %d, %d, %v; want 20, %d, 8, 4, 0.02", d.S, d.T, d.M, d.I, d.Dt, T)
	}
	obs := d.Extra["teacher_observed"].Data
	x0 := d.Extra["teacher_x0"].Data
	outs := d.Extra["teacher_output"].Data
	thetas := floatLabel(t, d, "theta")
	phases, trialIdx := d.Labels["phase"].Values, d.Labels["trial"].Values
	for k := range trials {
		tr := &trials[k]
		xs, ys := naiveMemoryPro(net, &cfg.Task, tr)
		u := cfg.Task.Inputs(tr)
		total := 0
		for p := range numPhases {
			s := 4*k + int(p)
			if phases[s] != p.String() || thetas[s] != tr.Theta || trialIdx[s] != strconv.Itoa(k) {
				t.Fatalf("segment %d: labels %q, %v, %q; want %s, %v, %d", s, phases[s], thetas[s], trialIdx[s], p, tr.Theta, k)
			}
			if d.Lengths[s] != tr.Bins[p] {
				t.Fatalf("segment %d has %d bins, phase %s of trial %d has %d", s, d.Lengths[s], p, k, tr.Bins[p])
			}
			total += d.Lengths[s]
			start := tr.Start(p)
			for i, v := range xs[start] {
				if !closeRel(x0[s*20+i], v, 1e-12) {
					t.Fatalf("segment %d: teacher_x0[%d] = %v, state at bin %d is %v", s, i, x0[s*20+i], start, v)
				}
			}
			for b := range d.Lengths[s] {
				for j, unit := range obs {
					if got, want := d.Activity[(s*d.T+b)*8+j], math.Tanh(xs[start+b][int(unit)]); !closeRel(got, want, 1e-12) {
						t.Fatalf("segment %d bin %d neuron %d: %v, want tanh x = %v", s, b, j, got, want)
					}
				}
				if !slices.Equal(d.Inputs[(s*d.T+b)*4:(s*d.T+b+1)*4], u[(start+b)*4:(start+b+1)*4]) {
					t.Fatalf("segment %d bin %d: inputs differ from the trial's", s, b)
				}
				for o := range 3 {
					if !closeRel(outs[(s*d.T+b)*3+o], ys[start+b][o], 1e-12) {
						t.Fatalf("segment %d bin %d: output %d differs", s, b, o)
					}
				}
			}
		}
		if total != tr.Len() {
			t.Errorf("trial %d: segments hold %d bins, the trial %d", k, total, tr.Len())
		}
	}
	wantPhaseInput := []float64{1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0, 0, 1}
	if pi := d.Extra["phase_input"]; !slices.Equal(pi.Shape, []int{4, 4}) || !slices.Equal(pi.Data, wantPhaseInput) {
		t.Errorf("phase_input %v %v, want [4 4] %v", pi.Shape, pi.Data, wantPhaseInput)
	}
	for name, shape := range map[string][]int{
		"teacher_J": {20, 20}, "teacher_b": {20}, "teacher_W_ext": {20, 4}, "teacher_alpha": {1},
		"teacher_readout": {3, 20}, "teacher_readout_bias": {3}, "teacher_observed": {8}, "teacher_x0": {20, 20},
		"teacher_output": {20, T, 3}, "teacher_response_error": {5}, "teacher_noise_std": {1},
		"teacher_obs_noise_std": {1}, "phase_input": {4, 4},
	} {
		if a, ok := d.Extra[name]; !ok || !slices.Equal(a.Shape, shape) {
			t.Errorf("%s: shape %v, want %v", name, a.Shape, shape)
		}
	}
	if len(d.Extra) != 13 {
		t.Errorf("%d ground-truth arrays, want 13", len(d.Extra))
	}
	back, err := TeacherFromDataset(d)
	if err != nil || !slices.Equal(back.J, net.Teacher.J) || !slices.Equal(back.WExt, net.Teacher.WExt) {
		t.Errorf("TeacherFromDataset: %v", err)
	}
}

func TestMemoryProDatasetNoiseAndDeterminism(t *testing.T) {
	net := smallMemoryProNetwork(t, 20)
	cfg := DefaultMemoryPro()
	cfg.Trials, cfg.Observed = 6, 10
	a, err := MemoryPro(cfg, net, 9)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := MemoryPro(cfg, net, 9)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave different datasets")
	}
	c, _ := MemoryPro(cfg, net, 10)
	if slices.Equal(a.Activity, c.Activity) {
		t.Error("seeds 9 and 10 gave the same activity")
	}
	// The observation noise has NoiseFraction of the signal variance.
	var valid []float64
	for s := range a.S {
		valid = append(valid, a.Segment(s)...)
	}
	sigma := a.Extra["teacher_obs_noise_std"].Data[0]
	if v := meanVariance(valid, a.M); math.Abs(sigma*sigma/(v-sigma*sigma)-0.02) > 0.01 {
		t.Errorf("noise variance %v against signal variance %v, want a ratio of 0.02", sigma*sigma, v-sigma*sigma)
	}
	for s := range a.S {
		for _, v := range a.Activity[(s*a.T+a.Lengths[s])*a.M : (s+1)*a.T*a.M] {
			if v != 0 {
				t.Fatalf("segment %d: padding holds %v", s, v)
			}
		}
	}

	bad := cfg
	bad.Task.Tau = 0.2
	if _, err := MemoryPro(bad, net, 1); err == nil {
		t.Error("MemoryPro accepted a task whose α differs from the network's")
	}
	bad = cfg
	bad.Observed = 21
	if _, err := MemoryPro(bad, net, 1); err == nil {
		t.Error("MemoryPro accepted more observed units than the network has")
	}
	bad = cfg
	bad.RecurrentNoise = -1
	if _, err := MemoryPro(bad, net, 1); err == nil {
		t.Error("MemoryPro accepted a negative noise")
	}
}

// A MemoryPro trial: its phases in 20 ms bins, and the input, target and loss weight at the
// first bin of each phase and 6 bins into the response (after the grace period).
func ExampleMemoryProTask_Trials() {
	task := DefaultMemoryProTask()
	trials, err := task.Trials(1, 1, MemoryProTrainSet)
	if err != nil {
		fmt.Println(err)
		return
	}
	tr := &trials[0]
	u, y, w := task.Inputs(tr), task.Targets(tr), task.Weights(tr)
	fmt.Printf("θ = %.3f rad, bins %v, %d in all\n", tr.Theta, tr.Bins, tr.Len())
	show := func(name string, b int) {
		fmt.Printf("%-10s bin %3d  u = %5.2f  target = %5.2f  weight %g\n", name, b, u[b*4:(b+1)*4], y[b*3:(b+1)*3], w[b*3])
	}
	for p := range PhaseResponse + 1 {
		show(p.String(), tr.Start(p))
	}
	show("response", tr.Start(PhaseResponse)+6)
	// Output:
	// θ = 3.447 rad, bins [19 79 68 33], 199 in all
	// fixation   bin   0  u = [ 1.00  0.00  0.00  1.00]  target = [ 0.80  0.00  0.00]  weight 0
	// stimulus   bin  19  u = [ 1.00 -0.30 -0.95  1.00]  target = [ 0.80  0.00  0.00]  weight 1
	// memory     bin  98  u = [ 1.00  0.00  0.00  1.00]  target = [ 0.80  0.00  0.00]  weight 1
	// response   bin 166  u = [ 0.00  0.00  0.00  1.00]  target = [ 0.00 -0.30 -0.95]  weight 0
	// response   bin 172  u = [ 0.00  0.00  0.00  1.00]  target = [ 0.00 -0.30 -0.95]  weight 5
}
