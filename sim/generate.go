package sim

import (
	"fmt"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/jedi-neuro/jedi/data"
)

// Chaos check of a drawn teacher: the largest Lyapunov exponent of its undriven dynamics over
// chaosSteps steps, the first chaosTransient of them discarded, from a standard normal state.
// maxDraws bounds the redraws.
const (
	chaosSteps     = 3000
	chaosTransient = 500
	maxDraws       = 50
)

// drawTeacher draws teachers from cfg with the streams (seed, attempt) until the undriven
// largest Lyapunov exponent exceeds minLyap (the first draw is kept when minLyap ≤ 0), and
// returns the teacher and its exponent in 1/s. The package documentation says why draws can
// fail.
func drawTeacher(cfg TeacherConfig, seed uint64, minLyap float64) (*Teacher, float64, error) {
	if err := cfg.validate(); err != nil {
		return nil, 0, err
	}
	if !finite(minLyap) {
		return nil, 0, fmt.Errorf("sim: minimum Lyapunov exponent %v is not finite", minLyap)
	}
	best := math.Inf(-1)
	for attempt := range uint64(maxDraws) {
		rng := newRand(seed, streamTeacher, attempt)
		tc := newRandomTeacher(cfg, rng)
		x0 := normals(rng, tc.N)
		lyap, err := tc.LargestLyapunov(x0, make([]float64, chaosSteps*tc.I), chaosSteps, chaosTransient)
		if err != nil {
			return nil, 0, err
		}
		if minLyap <= 0 || lyap > minLyap {
			return tc, lyap, nil
		}
		best = max(best, lyap)
	}
	return nil, 0, fmt.Errorf("sim: no teacher in %d draws has an undriven Lyapunov exponent above %v/s (best %.3g/s)",
		maxDraws, minLyap, best)
}

// trial is one segment to simulate: its input waveform, initial state and labels.
type trial struct {
	w          waveform
	x0         []float64
	task       string
	freq, ampl float64
	// ch0 and width are the input channels the waveform drives; width 0 means all of them.
	ch0, width int
}

// fill writes the trial's input of steps bins over in channels into u (see waveform.fill).
func (tr *trial) fill(u []float64, steps, in, burn int, dt float64) {
	width := tr.width
	if width == 0 {
		width = in
	}
	tr.w.fill(u, steps, in, tr.ch0, width, burn, dt)
}

// recording says how trials are simulated and observed.
type recording struct {
	t, burn       int     // recorded bins, discarded burn-in steps
	observed      []int   // indices of the M observed units, ascending
	noiseFraction float64 // observation-noise variance / mean observed signal variance
	seed          uint64
}

// observedUnits draws M distinct unit indices out of N with the stream of seed, ascending.
func observedUnits(n, m int, seed uint64) ([]int, error) {
	if m < 1 || m > n {
		return nil, fmt.Errorf("sim: %d observed units out of N = %d, need 1 ≤ M ≤ N", m, n)
	}
	obs := newRand(seed, streamObserved, 0).Perm(n)[:m]
	slices.Sort(obs)
	return obs, nil
}

// simulate runs every trial through the teacher and assembles the dataset: activity
// tanh(x_t) of the observed units plus Gaussian noise, the inputs of the recorded bins, labels
// task/frequency/amplitude and the ground truth listed at Multitask. Trials run in parallel; each
// writes only its own slots and draws its noise from its own stream, so the result does not
// depend on GOMAXPROCS.
func simulate(tc *Teacher, lyap float64, trials []trial, rec recording) *data.Dataset {
	n, in, t, burn := tc.N, tc.I, rec.t, rec.burn
	steps := burn + t
	s, m := len(trials), len(rec.observed)
	d := data.New(s, t, m, tc.Dt)
	d.I = in
	d.Inputs = make([]float64, s*t*in)
	xs := make([]float64, s*t*n)

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), s) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := make([]float64, steps*in)
			traj := make([]float64, steps*n)
			for k := range jobs {
				tr := &trials[k]
				tr.fill(u, steps, in, burn, tc.Dt)
				tc.run(traj, tr.x0, u, steps)
				copy(xs[k*t*n:(k+1)*t*n], traj[burn*n:])
				copy(d.Inputs[k*t*in:(k+1)*t*in], u[burn*in:])
				for b := range t {
					row := traj[(burn+b)*n:]
					for j, unit := range rec.observed {
						d.Activity[(k*t+b)*m+j] = math.Tanh(row[unit])
					}
				}
			}
		}()
	}
	for k := range trials {
		jobs <- k
	}
	close(jobs)
	wg.Wait()

	sigma := math.Sqrt(rec.noiseFraction * meanVariance(d.Activity, m))
	for k := range trials {
		rng := newRand(rec.seed, streamNoise, uint64(k))
		seg := d.Activity[k*t*m : (k+1)*t*m]
		for i := range seg {
			seg[i] += sigma * rng.NormFloat64()
		}
	}

	task, freq, ampl := make([]string, s), make([]string, s), make([]string, s)
	var tasks []string // in the configuration's order, which the trials follow
	for k, tr := range trials {
		task[k] = tr.task
		freq[k] = strconv.FormatFloat(tr.freq, 'g', -1, 64)
		ampl[k] = strconv.FormatFloat(tr.ampl, 'g', -1, 64)
		if !slices.Contains(tasks, tr.task) {
			tasks = append(tasks, tr.task)
		}
	}
	// Figures and tables show the tasks in the order the configuration lists them.
	d.Labels["task"] = data.Label{Kind: data.StringLabel, Values: task, Order: tasks}
	d.Labels["frequency"] = data.Label{Kind: data.FloatLabel, Values: freq}
	d.Labels["amplitude"] = data.Label{Kind: data.FloatLabel, Values: ampl}
	maps.Copy(d.Extra, tc.GroundTruth())
	d.Extra["teacher_observed"] = data.Array{Shape: []int{m}, Data: intsToFloats(rec.observed)}
	d.Extra["teacher_x"] = data.Array{Shape: []int{s, t, n}, Data: xs}
	d.Extra["teacher_obs_noise_std"] = data.Array{Shape: []int{1}, Data: []float64{sigma}}
	d.Extra["teacher_lyapunov"] = data.Array{Shape: []int{1}, Data: []float64{lyap}}
	return d
}

// meanVariance returns (1/M) Σ_m Var_m of rows×M data y, the variance of each column over all
// rows (population variance), averaged over columns.
func meanVariance(y []float64, m int) float64 {
	rows := len(y) / m
	mean := make([]float64, m)
	for r := range rows {
		for j, v := range y[r*m : (r+1)*m] {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(rows)
	}
	ss := 0.0
	for r := range rows {
		for j, v := range y[r*m : (r+1)*m] {
			ss += (v - mean[j]) * (v - mean[j])
		}
	}
	return ss / float64(rows*m)
}

func intsToFloats(v []int) []float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return f
}
