package sim

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/jedi-neuro/jedi/data"
)

// The MemoryPro task (DESIGN.md §2, claim 3; the memory-guided "pro" saccade of the multitask
// literature, Yang et al. 2019): fixate, see a direction θ, hold it in memory after it
// disappears, and report it when the fixation cue goes off.
//
// Input channels, in the order of the multitask literature: fixation, the stimulus (sin θ,
// cos θ), then the rule one-hot. MemoryPro is the only rule here, so the rule one-hot is a single
// channel that is 1 throughout (it acts as a second bias); it is kept so that the input layout
// is that of multi-rule networks.
const (
	MemoryProInFixation = iota // 1 until the go cue, 0 after
	MemoryProInSin             // sin θ during the stimulus phase, 0 otherwise
	MemoryProInCos             // cos θ during the stimulus phase, 0 otherwise
	MemoryProInRule            // 1 throughout
	MemoryProInputs            // I, the number of input channels
)

// Output channels of a MemoryPro network.
const (
	MemoryProOutFixation = iota // target FixationTarget before the go cue, 0 after
	MemoryProOutSin             // target sin θ in the response phase, 0 before
	MemoryProOutCos             // target cos θ in the response phase, 0 before
	MemoryProOutputs            // the number of outputs
)

// Phase is one of the four phases of a MemoryPro trial, in trial order.
type Phase int

// The phases of a trial; the go cue is the start of PhaseResponse.
const (
	PhaseFixation Phase = iota
	PhaseStimulus
	PhaseMemory
	PhaseResponse
	numPhases
)

var phaseNames = [numPhases]string{"fixation", "stimulus", "memory", "response"}

// String returns the phase's name, the value of label_phase in MemoryPro datasets.
func (p Phase) String() string {
	if p < 0 || p >= numPhases {
		return "Phase(" + strconv.Itoa(int(p)) + ")"
	}
	return phaseNames[p]
}

// MemoryProPhases returns the phase names in trial order.
func MemoryProPhases() []string { return append([]string(nil), phaseNames[:]...) }

// Trial sets: independent streams of trials drawn from one seed, so that the trials that train a
// network, those that test it and those of a dataset never coincide.
const (
	MemoryProTrainSet uint64 = iota
	MemoryProTestSet
	MemoryProDataSet
)

// Stream tags of this file, beyond those of rng.go.
const (
	streamMemoryProTrial      uint64 = 101 + iota // trial k of set s: index s<<40 | k
	streamMemoryProScoreNoise                     // recurrent noise of Score, index k
	streamMemoryProDataNoise                      // recurrent noise of the dataset's trial k
)

// MemoryProTask is the timing, targets and loss weights of the task. See DefaultMemoryProTask.
type MemoryProTask struct {
	// Dt is the time step and Tau the network's time constant, in seconds (α = Dt/Tau).
	Dt  float64 `yaml:"dt"`
	Tau float64 `yaml:"tau"`
	// Durations[p] is the [min, max] duration of phase p in seconds. A trial's phase p lasts
	// n bins, n uniform on the integers from ⌈min/Dt⌉ to ⌊max/Dt⌋.
	Durations [numPhases][2]float64 `yaml:"durations"`
	// Unscored is the time at the start of the trial whose error has weight 0 (the network
	// settles from x = 0), and Grace the time after the go cue with weight 0 (the network turns
	// from fixating to responding; the input of bin t acts on the state, and the output, of bin
	// t + 1 onwards).
	Unscored float64 `yaml:"unscored"`
	Grace    float64 `yaml:"grace"`
	// ResponseWeight is the weight of the error of the response phase after the grace period;
	// every other scored bin has weight 1.
	ResponseWeight float64 `yaml:"response_weight"`
	// FixationTarget is the fixation output's target before the go cue (0 after).
	FixationTarget float64 `yaml:"fixation_target"`
}

// DefaultMemoryProTask returns the task as in the multitask literature: dt = 20 ms,
// τ = 100 ms (α = 0.2); fixation U(300, 700) ms, stimulus U(200, 1600) ms, memory
// U(200, 1600) ms, response U(300, 700) ms (15–35, 10–80, 10–80 and 15–35 bins); the first
// 100 ms unscored; the response weighted ×5; fixation target 0.8. The 100 ms grace period after
// the go cue is that of Yang et al.'s cost mask (their post_ons = go cue + 100 ms).
func DefaultMemoryProTask() MemoryProTask {
	return MemoryProTask{
		Dt: 0.02, Tau: 0.1,
		Durations:      [numPhases][2]float64{{0.3, 0.7}, {0.2, 1.6}, {0.2, 1.6}, {0.3, 0.7}},
		Unscored:       0.1,
		Grace:          0.1,
		ResponseWeight: 5,
		FixationTarget: 0.8,
	}
}

// Alpha returns α = Dt/Tau.
func (t *MemoryProTask) Alpha() float64 { return t.Dt / t.Tau }

// binRange returns the smallest and largest number of bins of phase p.
func (t *MemoryProTask) binRange(p Phase) (lo, hi int) {
	d := t.Durations[p]
	// The tolerance keeps 0.3/0.02 = 14.999… at 15 bins.
	return int(math.Ceil(d[0]/t.Dt - 1e-9)), int(math.Floor(d[1]/t.Dt + 1e-9))
}

// bins returns a duration in bins, rounded to the nearest.
func (t *MemoryProTask) bins(seconds float64) int { return int(math.Round(seconds / t.Dt)) }

// Validate reports whether the task's numbers are usable.
func (t *MemoryProTask) Validate() error {
	if !finite(t.Dt) || !finite(t.Tau) || t.Dt <= 0 || t.Tau < t.Dt {
		return fmt.Errorf("sim: MemoryPro dt = %v, τ = %v: need 0 < dt ≤ τ", t.Dt, t.Tau)
	}
	for p := range numPhases {
		d := t.Durations[p]
		if err := checkRange(p.String()+" duration", d[0], d[1], true); err != nil {
			return err
		}
		if lo, hi := t.binRange(p); lo < 1 || lo > hi {
			return fmt.Errorf("sim: MemoryPro %s duration [%v, %v] s holds no whole number of %v s bins ≥ 1", p, d[0], d[1], t.Dt)
		}
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"unscored time", t.Unscored}, {"grace time", t.Grace}, {"response weight", t.ResponseWeight}, {"fixation target", t.FixationTarget}} {
		if !finite(v.v) || v.v < 0 {
			return fmt.Errorf("sim: MemoryPro %s %v, need a finite value ≥ 0", v.name, v.v)
		}
	}
	return nil
}

// MemoryProTrial is one trial: the direction and the length of each phase.
type MemoryProTrial struct {
	// Theta is the stimulus direction θ ∈ [0, 2π), in radians.
	Theta float64
	// Bins[p] is the number of time bins of phase p.
	Bins [numPhases]int
}

// Len returns the trial's length in bins.
func (tr *MemoryProTrial) Len() int {
	n := 0
	for _, b := range tr.Bins {
		n += b
	}
	return n
}

// Start returns the first bin of phase p; Start(PhaseResponse) is the go cue.
func (tr *MemoryProTrial) Start(p Phase) int {
	n := 0
	for q := range p {
		n += tr.Bins[q]
	}
	return n
}

// Trials draws n trials of trial set set (MemoryProTrainSet, …) with the streams of seed:
// θ ~ U[0, 2π), then the length of each phase (see Durations). Trial k depends only on
// (seed, set, k), so the first trials of a larger draw are the trials of a smaller one.
func (t *MemoryProTask) Trials(n int, seed, set uint64) ([]MemoryProTrial, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("sim: %d MemoryPro trials, need ≥ 1", n)
	}
	trials := make([]MemoryProTrial, n)
	for k := range trials {
		rng := newRand(seed, streamMemoryProTrial, set<<40|uint64(k))
		tr := &trials[k]
		tr.Theta = 2 * math.Pi * rng.Float64()
		for p := range numPhases {
			lo, hi := t.binRange(p)
			tr.Bins[p] = lo + rng.IntN(hi-lo+1)
		}
	}
	return trials, nil
}

// PhaseInput returns the constant input u (length MemoryProInputs) of phase p for direction
// theta: fixation 1 before the response phase, (sin θ, cos θ) in the stimulus phase, rule 1.
func PhaseInput(p Phase, theta float64) []float64 {
	u := make([]float64, MemoryProInputs)
	if p != PhaseResponse {
		u[MemoryProInFixation] = 1
	}
	if p == PhaseStimulus {
		u[MemoryProInSin], u[MemoryProInCos] = math.Sin(theta), math.Cos(theta)
	}
	u[MemoryProInRule] = 1
	return u
}

// Inputs returns the trial's inputs, Len()×MemoryProInputs row-major: row t is the input u_t
// that acts on the step from bin t to bin t + 1, PhaseInput of bin t's phase.
func (t *MemoryProTask) Inputs(tr *MemoryProTrial) []float64 {
	u := make([]float64, 0, tr.Len()*MemoryProInputs)
	for p := range numPhases {
		row := PhaseInput(p, tr.Theta)
		for range tr.Bins[p] {
			u = append(u, row...)
		}
	}
	return u
}

// Targets returns the trial's target outputs, Len()×MemoryProOutputs row-major: fixation
// FixationTarget before the go cue and 0 after; (sin θ, cos θ) in the response phase, 0 before.
func (t *MemoryProTask) Targets(tr *MemoryProTrial) []float64 {
	L, goCue := tr.Len(), tr.Start(PhaseResponse)
	y := make([]float64, L*MemoryProOutputs)
	for b := range L {
		row := y[b*MemoryProOutputs : (b+1)*MemoryProOutputs]
		if b < goCue {
			row[MemoryProOutFixation] = t.FixationTarget
		} else {
			row[MemoryProOutSin], row[MemoryProOutCos] = math.Sin(tr.Theta), math.Cos(tr.Theta)
		}
	}
	return y
}

// Weights returns the loss weight of every target, Len()×MemoryProOutputs: 0 in the first
// Unscored seconds and in the Grace seconds after the go cue, ResponseWeight in the rest of the
// response phase, 1 elsewhere; the same for the three outputs.
func (t *MemoryProTask) Weights(tr *MemoryProTrial) []float64 {
	L, goCue := tr.Len(), tr.Start(PhaseResponse)
	unscored, grace := t.bins(t.Unscored), t.bins(t.Grace)
	w := make([]float64, L*MemoryProOutputs)
	for b := range L {
		v := 1.0
		switch {
		case b < unscored || (b >= goCue && b < goCue+grace):
			v = 0
		case b >= goCue:
			v = t.ResponseWeight
		}
		for o := range MemoryProOutputs {
			w[b*MemoryProOutputs+o] = v
		}
	}
	return w
}

// TaskDataset returns the trials as a dataset to train a network on the task: one segment per
// trial, Activity the targets (S×T×MemoryProOutputs), Inputs the inputs, Weight the loss
// weights, Lengths the trial lengths (T the longest), labels theta (radians) and trial (its
// index).
func (t *MemoryProTask) TaskDataset(trials []MemoryProTrial) (*data.Dataset, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	if len(trials) == 0 {
		return nil, fmt.Errorf("sim: MemoryPro task dataset without trials")
	}
	T := 0
	for k := range trials {
		if err := t.checkTrial(&trials[k]); err != nil {
			return nil, fmt.Errorf("%w (trial %d)", err, k)
		}
		T = max(T, trials[k].Len())
	}
	S, M, I := len(trials), MemoryProOutputs, MemoryProInputs
	d := data.New(S, T, M, t.Dt)
	d.I = I
	d.Inputs = make([]float64, S*T*I)
	d.Weight = make([]float64, S*T*M)
	theta, idx := make([]string, S), make([]string, S)
	for k := range trials {
		tr := &trials[k]
		d.Lengths[k] = tr.Len()
		copy(d.Activity[k*T*M:], t.Targets(tr))
		copy(d.Weight[k*T*M:], t.Weights(tr))
		copy(d.Inputs[k*T*I:], t.Inputs(tr))
		theta[k] = strconv.FormatFloat(tr.Theta, 'g', -1, 64)
		idx[k] = strconv.Itoa(k)
	}
	d.Labels["theta"] = data.Label{Kind: data.FloatLabel, Values: theta}
	d.Labels["trial"] = data.Label{Kind: data.IntLabel, Values: idx}
	return d, nil
}

// checkTrial reports whether a trial's direction is finite and its phases non-empty.
func (t *MemoryProTask) checkTrial(tr *MemoryProTrial) error {
	if !finite(tr.Theta) {
		return fmt.Errorf("sim: MemoryPro trial direction %v is not finite", tr.Theta)
	}
	for p, b := range tr.Bins {
		if b < 1 {
			return fmt.Errorf("sim: MemoryPro trial %s phase has %d bins, need ≥ 1", Phase(p), b)
		}
	}
	return nil
}

// ResponseAngle returns the direction a network reports in a trial, atan2 of the mean of its
// (sin, cos) outputs over the response phase; outputs is Len()×MemoryProOutputs.
func ResponseAngle(tr *MemoryProTrial, outputs []float64) float64 {
	var s, c float64
	for b := tr.Start(PhaseResponse); b < tr.Len(); b++ {
		s += outputs[b*MemoryProOutputs+MemoryProOutSin]
		c += outputs[b*MemoryProOutputs+MemoryProOutCos]
	}
	return math.Atan2(s, c)
}

// AngleError returns the absolute difference of two angles on the circle, in [0, π].
func AngleError(a, b float64) float64 {
	d := a - b
	return math.Abs(math.Atan2(math.Sin(d), math.Cos(d)))
}

// MemoryProNetwork is a rate network that performs the task: the Teacher
//
//	x_{t+1} = (1−α) x_t + α (J tanh(x_t) + b + W_ext u_t) + σ √α ξ_t,   x_0 = 0,
//
// with I = MemoryProInputs inputs, and the linear readout z_t = C tanh(x_t) + c of the
// MemoryProOutputs outputs. The noise term is the training engine's (model.Config.NoiseStd).
type MemoryProNetwork struct {
	Teacher *Teacher
	// C is the MemoryProOutputs×N readout matrix, C0 its bias c.
	C, C0 []float64
}

// Validate reports whether the network's sizes are consistent and its numbers finite.
func (n *MemoryProNetwork) Validate() error {
	if n.Teacher == nil {
		return fmt.Errorf("sim: MemoryPro network without a teacher")
	}
	if err := n.Teacher.Validate(); err != nil {
		return err
	}
	if n.Teacher.I != MemoryProInputs {
		return fmt.Errorf("sim: MemoryPro network has %d inputs, want %d", n.Teacher.I, MemoryProInputs)
	}
	if len(n.C) != MemoryProOutputs*n.Teacher.N || len(n.C0) != MemoryProOutputs {
		return fmt.Errorf("sim: MemoryPro readout has %d and %d values, want %d×%d and %d",
			len(n.C), len(n.C0), MemoryProOutputs, n.Teacher.N, MemoryProOutputs)
	}
	for _, v := range [][]float64{n.C, n.C0} {
		for k, x := range v {
			if !finite(x) {
				return fmt.Errorf("sim: MemoryPro readout value %d is %v", k, x)
			}
		}
	}
	return nil
}

// run simulates trial tr from x_0 = 0 with inputs u (Len()×I) and recurrent noise of standard
// deviation noise·√α per step drawn from rng (none when noise is 0), writing the states x_t into
// states (Len()×N) and the outputs z_t into out (Len()×MemoryProOutputs).
func (n *MemoryProNetwork) run(u []float64, L int, noise float64, rng *rand.Rand, states, out []float64) {
	tc := n.Teacher
	net := tc.Network()
	N, I := tc.N, tc.I
	phi := make([]float64, N)
	clear(states[:N])
	sd := noise * math.Sqrt(tc.Alpha)
	for b := range L {
		x := states[b*N : (b+1)*N]
		if b > 0 {
			net.StepInput(x, states[(b-1)*N:b*N], u[(b-1)*I:b*I])
			if sd > 0 {
				for i := range x {
					x[i] += sd * rng.NormFloat64()
				}
			}
		}
		for i, v := range x {
			phi[i] = math.Tanh(v)
		}
		for o := range MemoryProOutputs {
			out[b*MemoryProOutputs+o] = floats.Dot(n.C[o*N:(o+1)*N], phi) + n.C0[o]
		}
	}
}

// Run simulates trial tr and returns the states x_t (Len()×N) and the outputs z_t
// (Len()×MemoryProOutputs); rng draws the recurrent noise (it may be nil when noise is 0).
func (n *MemoryProNetwork) Run(task *MemoryProTask, tr *MemoryProTrial, noise float64, rng *rand.Rand) (states, outputs []float64, err error) {
	if err := n.Validate(); err != nil {
		return nil, nil, err
	}
	if err := task.checkTrial(tr); err != nil {
		return nil, nil, err
	}
	if !finite(noise) || noise < 0 || (noise > 0 && rng == nil) {
		return nil, nil, fmt.Errorf("sim: MemoryPro recurrent noise %v needs a finite value ≥ 0 (and a generator when > 0)", noise)
	}
	L := tr.Len()
	states, outputs = make([]float64, L*n.Teacher.N), make([]float64, L*MemoryProOutputs)
	n.run(task.Inputs(tr), L, noise, rng, states, outputs)
	return states, outputs, nil
}

// MemoryProScore is how well a network performs the task on a set of trials.
type MemoryProScore struct {
	// Errors[k] is AngleError(ResponseAngle, θ) of trial k, in radians.
	Errors []float64
	// MedianDeg and MeanDeg summarise Errors in degrees; Within20 is the fraction of trials
	// with an error below 20°.
	MedianDeg, MeanDeg, Within20 float64
	// FixationRMSE is the root-mean-square error of the fixation output before the go cue,
	// scored bins only.
	FixationRMSE float64
}

// Score runs the trials through the network with recurrent noise noise (the trial k's noise
// from the stream of (seed, k)) and scores the reported directions. Trials run in parallel; the
// result does not depend on GOMAXPROCS.
func (n *MemoryProNetwork) Score(task *MemoryProTask, trials []MemoryProTrial, noise float64, seed uint64) (*MemoryProScore, error) {
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if err := task.Validate(); err != nil {
		return nil, err
	}
	if len(trials) == 0 || !finite(noise) || noise < 0 {
		return nil, fmt.Errorf("sim: MemoryPro score of %d trials with noise %v: need ≥ 1 trial and a finite noise ≥ 0", len(trials), noise)
	}
	for k := range trials {
		if err := task.checkTrial(&trials[k]); err != nil {
			return nil, fmt.Errorf("%w (trial %d)", err, k)
		}
	}
	sc := &MemoryProScore{Errors: make([]float64, len(trials))}
	fixSS, fixN := make([]float64, len(trials)), make([]float64, len(trials))
	unscored := task.bins(task.Unscored)
	forEach(len(trials), func(k int) {
		tr := &trials[k]
		L := tr.Len()
		states, out := make([]float64, L*n.Teacher.N), make([]float64, L*MemoryProOutputs)
		n.run(task.Inputs(tr), L, noise, newRand(seed, streamMemoryProScoreNoise, uint64(k)), states, out)
		sc.Errors[k] = AngleError(ResponseAngle(tr, out), tr.Theta)
		for b := unscored; b < tr.Start(PhaseResponse); b++ {
			d := out[b*MemoryProOutputs+MemoryProOutFixation] - task.FixationTarget
			fixSS[k] += d * d
			fixN[k]++
		}
	})
	deg := make([]float64, len(trials))
	within := 0
	for k, e := range sc.Errors {
		deg[k] = e * 180 / math.Pi
		sc.MeanDeg += deg[k] / float64(len(trials))
		if deg[k] < 20 {
			within++
		}
	}
	slices.Sort(deg)
	m := len(deg) / 2
	sc.MedianDeg = deg[m]
	if len(deg)%2 == 0 {
		sc.MedianDeg = (deg[m-1] + deg[m]) / 2
	}
	sc.Within20 = float64(within) / float64(len(trials))
	sc.FixationRMSE = math.Sqrt(floats.Sum(fixSS) / max(floats.Sum(fixN), 1))
	return sc, nil
}

// forEach calls f(k) for k = 0 … n−1 on GOMAXPROCS goroutines.
func forEach(n int, f func(k int)) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				f(k)
			}
		}()
	}
	for k := range n {
		jobs <- k
	}
	close(jobs)
	wg.Wait()
}

// MemoryProConfig describes the JEDI dataset of a trained MemoryPro network. See
// DefaultMemoryPro for the default of every field.
type MemoryProConfig struct {
	Task MemoryProTask `yaml:"task"`
	// Trials is the number of trials; each gives one segment per phase.
	Trials int `yaml:"trials"`
	// Observed is M, the number of observed units, a fixed random subset of the N.
	Observed int `yaml:"observed"`
	// RecurrentNoise is σ of the process noise σ√α ξ_t the network runs with (as in training).
	RecurrentNoise float64 `yaml:"recurrent_noise"`
	// NoiseFraction is the variance of the Gaussian observation noise relative to the observed
	// signal variance (see MultitaskConfig).
	NoiseFraction float64 `yaml:"noise_fraction"`
}

// DefaultMemoryPro returns the default dataset configuration: the default task, 200 trials
// (800 segments), M = 64 observed units, recurrent noise 0.05 and observation noise of 2% of
// the signal variance. A quarter of a 256-unit network suffices to see its low-dimensional task
// dynamics, and keeps the padded activity (800 × 80 bins × M) at 33 MB.
func DefaultMemoryPro() MemoryProConfig {
	return MemoryProConfig{Task: DefaultMemoryProTask(), Trials: 200, Observed: 64,
		RecurrentNoise: 0.05, NoiseFraction: 0.02}
}

// MemoryPro generates the JEDI dataset of the trained network net with the streams of seed:
// cfg.Trials trials of MemoryProDataSet, each run once from x_0 = 0 with recurrent noise and cut
// at its phase boundaries into four segments, segment 4k + p being phase p of trial k (ragged:
// Lengths are the phase lengths). Activity is tanh(x_t) of the observed units plus Gaussian
// observation noise; Inputs are the inputs the network received in the segment. Labels: phase
// (MemoryProPhases), theta (the trial's θ, radians), trial (k).
//
// Ground truth in Extra (N units, I = MemoryProInputs, S = 4·Trials segments):
//
//	teacher_J [N,N], teacher_b [N], teacher_W_ext [N,I], teacher_alpha [1]  (Teacher.GroundTruth)
//	teacher_readout [3,N], teacher_readout_bias [3]  (C and c)
//	teacher_observed [M]        observed unit indices, ascending
//	teacher_x0 [S,N]            the latent state at each segment's first bin
//	teacher_output [S,T,3]      the network's outputs z_t (padding 0)
//	teacher_response_error [Trials]   AngleError of each trial, radians
//	teacher_noise_std [1]       σ of the recurrent noise; teacher_obs_noise_std [1], of ε
//	phase_input [4,I]           PhaseInput of each phase with θ = 0 and the stimulus's
//	                            (sin θ, cos θ) set to 0: the part of the input that is the same
//	                            in every trial; the stimulus part varies with θ (see Inputs).
//
// The teacher's fixed points need the fixed-point finder (analysis), which sim does not
// import; the pipeline package adds them. The same arguments give bit-identical datasets
// whatever GOMAXPROCS is.
func MemoryPro(cfg MemoryProConfig, net *MemoryProNetwork, seed uint64) (*data.Dataset, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	task := &cfg.Task
	if math.Abs(task.Alpha()-net.Teacher.Alpha) > 1e-12 || math.Abs(task.Dt-net.Teacher.Dt) > 1e-12 {
		return nil, fmt.Errorf("sim: MemoryPro task has dt = %v, α = %v, the network dt = %v, α = %v",
			task.Dt, task.Alpha(), net.Teacher.Dt, net.Teacher.Alpha)
	}
	if !finite(cfg.RecurrentNoise) || cfg.RecurrentNoise < 0 {
		return nil, fmt.Errorf("sim: MemoryPro recurrent noise %v, need a finite value ≥ 0", cfg.RecurrentNoise)
	}
	if !finite(cfg.NoiseFraction) || cfg.NoiseFraction < 0 {
		return nil, fmt.Errorf("sim: MemoryPro noise fraction %v, need a finite value ≥ 0", cfg.NoiseFraction)
	}
	trials, err := task.Trials(cfg.Trials, seed, MemoryProDataSet)
	if err != nil {
		return nil, err
	}
	N := net.Teacher.N
	obs, err := observedUnits(N, cfg.Observed, seed)
	if err != nil {
		return nil, err
	}
	T := 0
	for k := range trials {
		T = max(T, slices.Max(trials[k].Bins[:]))
	}
	S, M, I := int(numPhases)*len(trials), len(obs), MemoryProInputs
	d := data.New(S, T, M, task.Dt)
	d.I = I
	d.Inputs = make([]float64, S*T*I)
	x0 := make([]float64, S*N)
	outputs := make([]float64, S*T*MemoryProOutputs)
	respErr := make([]float64, len(trials))
	forEach(len(trials), func(k int) {
		tr := &trials[k]
		L := tr.Len()
		u := task.Inputs(tr)
		states, out := make([]float64, L*N), make([]float64, L*MemoryProOutputs)
		net.run(u, L, cfg.RecurrentNoise, newRand(seed, streamMemoryProDataNoise, uint64(k)), states, out)
		respErr[k] = AngleError(ResponseAngle(tr, out), tr.Theta)
		for p := range numPhases {
			s, start, n := int(numPhases)*k+int(p), tr.Start(p), tr.Bins[p]
			d.Lengths[s] = n
			copy(x0[s*N:(s+1)*N], states[start*N:])
			copy(d.Inputs[s*T*I:], u[start*I:(start+n)*I])
			copy(outputs[s*T*MemoryProOutputs:], out[start*MemoryProOutputs:(start+n)*MemoryProOutputs])
			for b := range n {
				row := states[(start+b)*N:]
				for j, unit := range obs {
					d.Activity[(s*T+b)*M+j] = math.Tanh(row[unit])
				}
			}
		}
	})

	var valid []float64
	for s := range S {
		valid = append(valid, d.Segment(s)...)
	}
	sigma := math.Sqrt(cfg.NoiseFraction * meanVariance(valid, M))
	for s := range S {
		rng := newRand(seed, streamNoise, uint64(s))
		seg := d.Segment(s)
		for i := range seg {
			seg[i] += sigma * rng.NormFloat64()
		}
	}

	phase, theta, trial := make([]string, S), make([]string, S), make([]string, S)
	for s := range S {
		k := s / int(numPhases)
		phase[s] = Phase(s % int(numPhases)).String()
		theta[s] = strconv.FormatFloat(trials[k].Theta, 'g', -1, 64)
		trial[s] = strconv.Itoa(k)
	}
	// Figures and tables show the phases in the order a trial runs through them.
	d.Labels["phase"] = data.Label{Kind: data.StringLabel, Values: phase, Order: MemoryProPhases()}
	d.Labels["theta"] = data.Label{Kind: data.FloatLabel, Values: theta}
	d.Labels["trial"] = data.Label{Kind: data.IntLabel, Values: trial}

	maps.Copy(d.Extra, net.Teacher.GroundTruth())
	arr := func(v []float64, shape ...int) data.Array {
		return data.Array{Shape: shape, Data: append([]float64(nil), v...)}
	}
	phaseIn := make([]float64, 0, int(numPhases)*I)
	for p := range numPhases {
		u := PhaseInput(p, 0)
		u[MemoryProInSin], u[MemoryProInCos] = 0, 0
		phaseIn = append(phaseIn, u...)
	}
	d.Extra["teacher_readout"] = arr(net.C, MemoryProOutputs, N)
	d.Extra["teacher_readout_bias"] = arr(net.C0, MemoryProOutputs)
	d.Extra["teacher_observed"] = data.Array{Shape: []int{M}, Data: intsToFloats(obs)}
	d.Extra["teacher_x0"] = data.Array{Shape: []int{S, N}, Data: x0}
	d.Extra["teacher_output"] = data.Array{Shape: []int{S, T, MemoryProOutputs}, Data: outputs}
	d.Extra["teacher_response_error"] = data.Array{Shape: []int{len(trials)}, Data: respErr}
	d.Extra["teacher_noise_std"] = arr([]float64{cfg.RecurrentNoise}, 1)
	d.Extra["teacher_obs_noise_std"] = arr([]float64{sigma}, 1)
	d.Extra["phase_input"] = data.Array{Shape: []int{int(numPhases), I}, Data: phaseIn}
	return d, nil
}
