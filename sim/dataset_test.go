package sim

import (
	"math"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/jedi-neuro/jedi/data"
)

// smallMultitask is the default configuration with 3 trials per task (18 trials).
func smallMultitask() MultitaskConfig {
	cfg := DefaultMultitask()
	cfg.TrialsPerTask = 3
	return cfg
}

// smallSinusoid is the default configuration with 2 trials per frequency (20 trials).
func smallSinusoid() SinusoidConfig {
	cfg := DefaultSinusoid()
	cfg.TrialsPerFrequency = 2
	return cfg
}

func floatLabel(t *testing.T, d *data.Dataset, name string) []float64 {
	t.Helper()
	vals, err := d.LabelValues(name)
	if err != nil {
		t.Fatal(err)
	}
	if d.Labels[name].Kind != data.FloatLabel {
		t.Fatalf("label %s has kind %v, want FloatLabel", name, d.Labels[name].Kind)
	}
	out := make([]float64, len(vals))
	for i, v := range vals {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("label %s[%d] = %q: %v", name, i, v, err)
		}
		out[i] = f
	}
	return out
}

// checkLayout checks sizes, lengths and the shapes of the ground truth common to both datasets.
func checkLayout(t *testing.T, d *data.Dataset, s, tt, m, n, r, in int) {
	t.Helper()
	if d.S != s || d.T != tt || d.M != m || d.I != in || d.Dt != 0.01 {
		t.Fatalf("S,T,M,I,dt = %d,%d,%d,%d,%v, want %d,%d,%d,%d,0.01", d.S, d.T, d.M, d.I, d.Dt, s, tt, m, in)
	}
	if len(d.Activity) != s*tt*m || len(d.Inputs) != s*tt*in || len(d.Lengths) != s {
		t.Fatalf("len(Activity), len(Inputs), len(Lengths) = %d, %d, %d", len(d.Activity), len(d.Inputs), len(d.Lengths))
	}
	for i, l := range d.Lengths {
		if l != tt {
			t.Fatalf("Lengths[%d] = %d, want %d", i, l, tt)
		}
	}
	shapes := map[string][]int{
		"teacher_J": {n, n}, "teacher_b": {n}, "teacher_P": {n, r}, "teacher_Q": {n, r},
		"teacher_W_ext": {n, in}, "teacher_alpha": {1}, "teacher_observed": {m},
		"teacher_x": {s, tt, n}, "teacher_obs_noise_std": {1}, "teacher_lyapunov": {1},
	}
	for name, shape := range shapes {
		a, ok := d.Extra[name]
		if !ok {
			t.Errorf("no %s", name)
			continue
		}
		size := 1
		for _, k := range shape {
			size *= k
		}
		if !slices.Equal(a.Shape, shape) || len(a.Data) != size {
			t.Errorf("%s has shape %v and %d values, want %v", name, a.Shape, len(a.Data), shape)
		}
	}
	if len(d.Extra) != len(shapes) {
		t.Errorf("%d extra arrays, want %d", len(d.Extra), len(shapes))
	}
	obs := d.Extra["teacher_observed"].Data
	for i, v := range obs {
		if v != math.Trunc(v) || v < 0 || v >= float64(n) || (i > 0 && v <= obs[i-1]) {
			t.Fatalf("teacher_observed = %v: want ascending distinct unit indices", obs)
		}
	}
	if l := d.Extra["teacher_lyapunov"].Data[0]; !(l > 0.1) {
		t.Errorf("teacher's undriven Lyapunov exponent %v, want > 0.1/s", l)
	}
}

func TestMultitaskLayoutAndLabels(t *testing.T) {
	cfg := smallMultitask()
	d, err := Multitask(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	k := len(Families())
	checkLayout(t, d, k*cfg.TrialsPerTask, 100, 50, 200, 5, 12)
	tasks, err := d.LabelValues("task")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for s, task := range tasks {
		if task != Families()[s%k] {
			t.Errorf("trial %d has task %q, want %q", s, task, Families()[s%k])
		}
		count[task]++
	}
	for _, fam := range Families() {
		if count[fam] != cfg.TrialsPerTask {
			t.Errorf("%d trials of %s, want %d", count[fam], fam, cfg.TrialsPerTask)
		}
	}
	// Figures and tables show the tasks in the configuration's order, not sorted.
	if order, _, _ := d.GroupIndex("task"); !slices.Equal(order, Families()) {
		t.Errorf("tasks in order %v, want %v", order, Families())
	}
	freq, ampl := floatLabel(t, d, "frequency"), floatLabel(t, d, "amplitude")
	for s := range tasks {
		if freq[s] < cfg.FreqMin || freq[s] > cfg.FreqMax || ampl[s] < cfg.AmpMin || ampl[s] > cfg.AmpMax {
			t.Errorf("trial %d: f = %v, A = %v outside the configured ranges", s, freq[s], ampl[s])
		}
	}
	// The inputs carry the labels, on the task's own pair of channels (task k drives channels 2k
	// and 2k+1, the others stay 0): a square wave is ±A√(1+(2πfτ)²)/√2 (leak compensation) and
	// a ramp starts at ∓A, on both; a sine reaches its compensated amplitude.
	tau := cfg.Teacher.Tau
	width := d.I / k
	for s, task := range tasks {
		u := d.Inputs[s*d.T*d.I : (s+1)*d.T*d.I]
		ch0 := (s % k) * width
		var own []float64 // the task's channels, bin by bin
		for b := range d.T {
			for c := range d.I {
				v := u[b*d.I+c]
				if c >= ch0 && c < ch0+width {
					own = append(own, v)
				} else if v != 0 {
					t.Fatalf("%s trial %d drives channel %d (%v), not one of its own %d–%d", task, s, c, v, ch0, ch0+width-1)
				}
			}
		}
		comp := math.Hypot(1, 2*math.Pi*freq[s]*tau)
		switch task {
		case Square:
			for _, v := range own {
				if !closeRel(math.Abs(v), ampl[s]*comp/math.Sqrt2, 1e-12) {
					t.Fatalf("square trial %d: |u| = %v, want %v", s, math.Abs(v), ampl[s]*comp/math.Sqrt2)
				}
			}
		case Ramp:
			for c := range width {
				if !closeRel(math.Abs(own[c]), ampl[s], 1e-12) {
					t.Errorf("ramp trial %d channel %d starts at %v, want ±%v", s, ch0+c, own[c], ampl[s])
				}
			}
		case Sine:
			peak := 0.0
			for _, v := range own {
				peak = max(peak, math.Abs(v))
			}
			// Sampling every 10 ms at f ≤ 4 Hz misses the peak by at most 1 − cos(π f dt) < 1%.
			if want := ampl[s] * comp; peak > want*(1+1e-12) || peak < 0.99*want {
				t.Errorf("sine trial %d peaks at %v, want %v", s, peak, want)
			}
		}
	}
	checkDynamics(t, d)
}

// checkDynamics checks the ground truth against itself: every recorded state follows from the
// previous one and the recorded input by the teacher's equation, written out here, and the
// activity is tanh of the observed units' states plus noise of the recorded σ.
func checkDynamics(t *testing.T, d *data.Dataset) {
	t.Helper()
	j, w := d.Extra["teacher_J"], d.Extra["teacher_W_ext"]
	alpha, xs := d.Extra["teacher_alpha"].Data[0], d.Extra["teacher_x"].Data
	n, in := j.Shape[0], w.Shape[1]
	for s := range d.S {
		for b := range d.T - 1 {
			x, next := xs[(s*d.T+b)*n:], xs[(s*d.T+b+1)*n:]
			u := d.Inputs[(s*d.T+b)*in:]
			for i := range n {
				drive := 0.0
				for k := range n {
					drive += j.Data[i*n+k] * math.Tanh(x[k])
				}
				for c := range in {
					drive += w.Data[i*in+c] * u[c]
				}
				if want := (1-alpha)*x[i] + alpha*drive; !closeRel(next[i], want, 1e-11) {
					t.Fatalf("trial %d bin %d unit %d: x = %v, teacher equation gives %v", s, b+1, i, next[i], want)
				}
			}
		}
	}
	obs := d.Extra["teacher_observed"].Data
	sigma := d.Extra["teacher_obs_noise_std"].Data[0]
	var sum, sq float64
	for s := range d.S {
		for b := range d.T {
			for m, unit := range obs {
				e := d.Activity[(s*d.T+b)*d.M+m] - math.Tanh(xs[(s*d.T+b)*n+int(unit)])
				sum += e
				sq += e * e
			}
		}
	}
	count := float64(d.S * d.T * d.M)
	if mean, std := sum/count, math.Sqrt(sq/count); math.Abs(std/sigma-1) > 0.03 || math.Abs(mean) > 5*sigma/math.Sqrt(count) {
		t.Errorf("activity − tanh(x) has mean %v and std %v, want 0 and σ = %v", mean, std, sigma)
	}
}

// TestNoiseFraction checks that the observation-noise variance is NoiseFraction of the observed
// signal variance, computed here from teacher_x, and that the noiseless truth then scores the
// documented R² ceiling 1/(1 + NoiseFraction) against the noisy activity.
func TestNoiseFraction(t *testing.T) {
	for _, frac := range []float64{0.02, 0.1} {
		cfg := smallMultitask()
		cfg.NoiseFraction = frac
		d, err := Multitask(cfg, 4)
		if err != nil {
			t.Fatal(err)
		}
		n := d.Extra["teacher_J"].Shape[0]
		obs, xs := d.Extra["teacher_observed"].Data, d.Extra["teacher_x"].Data
		clean := make([]float64, len(d.Activity))
		for r := range d.S * d.T {
			for m, unit := range obs {
				clean[r*d.M+m] = math.Tanh(xs[r*n+int(unit)])
			}
		}
		signal, noise, sst := 0.0, 0.0, 0.0
		for m := range d.M {
			var mc, my float64
			rows := float64(d.S * d.T)
			for r := range d.S * d.T {
				mc += clean[r*d.M+m] / rows
				my += d.Activity[r*d.M+m] / rows
			}
			for r := range d.S * d.T {
				c, y := clean[r*d.M+m], d.Activity[r*d.M+m]
				signal += (c - mc) * (c - mc)
				noise += (y - c) * (y - c)
				sst += (y - my) * (y - my)
			}
		}
		if got := noise / signal; math.Abs(got/frac-1) > 0.03 {
			t.Errorf("noise/signal variance %v, want %v", got, frac)
		}
		if r2, want := 1-noise/sst, 1/(1+frac); math.Abs(r2-want) > 0.003 {
			t.Errorf("R² of the noiseless truth %v, want about %v", r2, want)
		}
	}
}

// entrainment reruns trials from fresh initial states, with their input and without, and
// returns the correlations of tanh(x) over the recorded bins with the dataset's states.
func entrainment(t *testing.T, d *data.Dataset, trials []trial, burn int) (driven, undriven []float64) {
	t.Helper()
	tc, err := TeacherFromDataset(d)
	if err != nil {
		t.Fatal(err)
	}
	n, steps := tc.N, burn+d.T
	xs := d.Extra["teacher_x"].Data
	u, zero := make([]float64, steps*tc.I), make([]float64, steps*tc.I)
	for s, tr := range trials {
		x0 := normals(newRand(99, 300, uint64(s)), n)
		tr.fill(u, steps, tc.I, burn, tc.Dt)
		rec := tanhs(xs[s*d.T*n : (s+1)*d.T*n])
		a, _ := tc.Run(x0, u, steps)
		b, _ := tc.Run(x0, zero, steps)
		c, _ := tc.Run(tr.x0, zero, steps)
		driven = append(driven, corr(rec, tanhs(a[burn*n:])))
		undriven = append(undriven, corr(tanhs(c[burn*n:]), tanhs(b[burn*n:])))
	}
	return driven, undriven
}

// TestMultitaskEntrainment checks that the drive sets the response: the same trial from an
// independent initial state correlates above 0.95 with the recorded one, while the same two
// initial states without input decorrelate (the teacher is chaotic).
func TestMultitaskEntrainment(t *testing.T) {
	cfg := smallMultitask()
	d, err := Multitask(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	trials, err := multitaskTrials(&cfg, 200, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkEntrainment(t, d, trials, cfg.BurnIn)
}

func checkEntrainment(t *testing.T, d *data.Dataset, trials []trial, burn int) {
	t.Helper()
	driven, undriven := entrainment(t, d, trials, burn)
	tasks, _ := d.LabelValues("task")
	meanUndriven := 0.0
	for s, c := range driven {
		if c < 0.95 {
			t.Errorf("trial %d (%s): correlation %.3f between runs from two initial states, want > 0.95", s, tasks[s], c)
		}
		meanUndriven += math.Abs(undriven[s]) / float64(len(undriven))
	}
	if meanUndriven > 0.5 {
		t.Errorf("undriven runs from the same two states correlate by %.3f on average: no chaos to suppress", meanUndriven)
	}
}

func TestMultitaskDeterminism(t *testing.T) {
	cfg := smallMultitask()
	cfg.TrialsPerTask = 1
	a, err := Multitask(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b, _ := Multitask(cfg, 7)
	runtime.GOMAXPROCS(5)
	c, _ := Multitask(cfg, 7)
	other, _ := Multitask(cfg, 8)
	for _, x := range []*data.Dataset{b, c} {
		if !bitsEqual(a.Activity, x.Activity) || !bitsEqual(a.Inputs, x.Inputs) ||
			!bitsEqual(a.Extra["teacher_x"].Data, x.Extra["teacher_x"].Data) ||
			!slices.Equal(a.Labels["frequency"].Values, x.Labels["frequency"].Values) {
			t.Fatal("same seed, different datasets")
		}
	}
	if bitsEqual(a.Activity, other.Activity) || bitsEqual(a.Extra["teacher_J"].Data, other.Extra["teacher_J"].Data) {
		t.Error("different seeds, same data")
	}
}

func bitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

func TestMultitaskConfigErrors(t *testing.T) {
	for name, mutate := range map[string]func(*MultitaskConfig){
		"no inputs":      func(c *MultitaskConfig) { c.Teacher.Inputs = 0 },
		"teacher":        func(c *MultitaskConfig) { c.Teacher.N = 0 },
		"observed":       func(c *MultitaskConfig) { c.Observed = 201 },
		"no tasks":       func(c *MultitaskConfig) { c.Tasks = nil },
		"unknown task":   func(c *MultitaskConfig) { c.Tasks = []string{Sine, "chirp"} },
		"duplicate task": func(c *MultitaskConfig) { c.Tasks = []string{Sine, Ramp, Sine} },
		"trials":         func(c *MultitaskConfig) { c.TrialsPerTask = 0 },
		"freq order":     func(c *MultitaskConfig) { c.FreqMin, c.FreqMax = 4, 1 },
		"freq zero":      func(c *MultitaskConfig) { c.FreqMin = 0 },
		"amp NaN":        func(c *MultitaskConfig) { c.AmpMax = math.NaN() },
		"bins":           func(c *MultitaskConfig) { c.T = 0 },
		"burn-in":        func(c *MultitaskConfig) { c.BurnIn = -1 },
		"noise":          func(c *MultitaskConfig) { c.NoiseFraction = -0.1 },
		"init":           func(c *MultitaskConfig) { c.InitStd = math.Inf(1) },
		"lyapunov":       func(c *MultitaskConfig) { c.MinLyapunov = math.NaN() },
	} {
		cfg := DefaultMultitask()
		mutate(&cfg)
		if _, err := Multitask(cfg, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestSinusoidLayoutAndLabels(t *testing.T) {
	cfg := smallSinusoid()
	d, err := Sinusoid(cfg, 3)
	if err != nil {
		t.Fatal(err)
	}
	checkLayout(t, d, 10*cfg.TrialsPerFrequency, 150, 50, 200, 5, 1)
	tasks, _ := d.LabelValues("task")
	freq, ampl := floatLabel(t, d, "frequency"), floatLabel(t, d, "amplitude")
	count := map[string]int{}
	for s, task := range tasks {
		f := float64(s%10 + 1)
		if want := "sin" + strconv.Itoa(s%10+1) + "Hz"; task != want || freq[s] != f {
			t.Errorf("trial %d: task %q, frequency %v, want %q and %v", s, task, freq[s], want, f)
		}
		count[task]++
		if ampl[s] < cfg.AmpMin || ampl[s] > cfg.AmpMax {
			t.Errorf("trial %d: A = %v outside [%v, %v]", s, ampl[s], cfg.AmpMin, cfg.AmpMax)
		}
		// u_t = A√(1+(2πfτ)²) sin(2π f t + φ): fit its amplitude by least squares on sin and cos.
		var ss, sc, cc, ys, yc float64
		for b := range d.T {
			sn, cs := math.Sincos(2 * math.Pi * f * float64(b) * d.Dt)
			y := d.Inputs[s*d.T+b]
			ss, sc, cc, ys, yc = ss+sn*sn, sc+sn*cs, cc+cs*cs, ys+y*sn, yc+y*cs
		}
		det := ss*cc - sc*sc
		p, q := (ys*cc-yc*sc)/det, (yc*ss-ys*sc)/det
		if want := ampl[s] * math.Hypot(1, 2*math.Pi*f*cfg.Teacher.Tau); !closeRel(math.Hypot(p, q), want, 1e-9) {
			t.Errorf("trial %d: input amplitude %v at %v Hz, want %v", s, math.Hypot(p, q), f, want)
		}
	}
	for task, c := range count {
		if c != cfg.TrialsPerFrequency {
			t.Errorf("%d trials of %s, want %d", c, task, cfg.TrialsPerFrequency)
		}
	}
	if len(count) != 10 {
		t.Errorf("%d distinct tasks, want 10", len(count))
	}
	checkDynamics(t, d)
}

// TestSinusoidTeacherChaotic checks the undriven chaos of the sinusoid teacher independently of
// the Lyapunov estimate that selected it: two undriven trajectories 10⁻⁸ apart separate more
// than a thousandfold within 30 s, whereas for the same network scaled to gain ½ they converge.
func TestSinusoidTeacherChaotic(t *testing.T) {
	d, err := Sinusoid(smallSinusoid(), 3)
	if err != nil {
		t.Fatal(err)
	}
	tc, err := TeacherFromDataset(d)
	if err != nil {
		t.Fatal(err)
	}
	const steps = 3000
	x0 := normals(newRand(5, 400, 0), tc.N)
	separation := func(tc *Teacher) float64 {
		y0 := slices.Clone(x0)
		y0[0] += 1e-8
		a, _ := tc.Run(x0, make([]float64, steps*tc.I), steps)
		b, _ := tc.Run(y0, make([]float64, steps*tc.I), steps)
		dist := 0.0
		for i := range tc.N {
			e := a[(steps-1)*tc.N+i] - b[(steps-1)*tc.N+i]
			dist += e * e
		}
		return math.Sqrt(dist)
	}
	if sep := separation(tc); !(sep > 1e-5) {
		t.Errorf("undriven trajectories 1e-8 apart are %v apart after %d steps, want > 1e-5 (chaos)", sep, steps)
	}
	calm := *tc
	calm.J = slices.Clone(tc.J)
	for i := range calm.J {
		calm.J[i] *= 0.5 / 1.8
	}
	if sep := separation(&calm); !(sep < 1e-8) {
		t.Errorf("the damped network separates to %v, want contraction below 1e-8", sep)
	}
}

func TestSinusoidEntrainment(t *testing.T) {
	cfg := smallSinusoid()
	d, err := Sinusoid(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkEntrainment(t, d, sinusoidTrials(&cfg, 200, 5), cfg.BurnIn)
}

func TestSinusoidDeterminismAndErrors(t *testing.T) {
	cfg := smallSinusoid()
	cfg.TrialsPerFrequency = 1
	a, err := Sinusoid(cfg, 9)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Sinusoid(cfg, 9)
	c, _ := Sinusoid(cfg, 10)
	if !bitsEqual(a.Activity, b.Activity) || bitsEqual(a.Activity, c.Activity) {
		t.Error("sinusoid datasets do not follow the seed")
	}
	for name, mutate := range map[string]func(*SinusoidConfig){
		"two inputs":     func(c *SinusoidConfig) { c.Teacher.Inputs = 2 },
		"no frequencies": func(c *SinusoidConfig) { c.Frequencies = nil },
		"bad frequency":  func(c *SinusoidConfig) { c.Frequencies = []float64{1, -2} },
		"trials":         func(c *SinusoidConfig) { c.TrialsPerFrequency = 0 },
		"amp order":      func(c *SinusoidConfig) { c.AmpMin, c.AmpMax = 5, 4 },
		"bins":           func(c *SinusoidConfig) { c.T = 0 },
		"observed":       func(c *SinusoidConfig) { c.Observed = 0 },
	} {
		cfg := DefaultSinusoid()
		mutate(&cfg)
		if _, err := Sinusoid(cfg, 1); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestTeacherFromDatasetErrors(t *testing.T) {
	d := data.New(1, 1, 1, 0.01)
	if _, err := TeacherFromDataset(d); err == nil {
		t.Error("dataset without ground truth accepted")
	}
	d.Extra["teacher_J"] = data.Array{Shape: []int{2, 2}, Data: []float64{1, 0, 0, 1}}
	d.Extra["teacher_alpha"] = data.Array{Shape: []int{1}, Data: []float64{0.1}}
	if _, err := TeacherFromDataset(d); err != nil {
		t.Errorf("minimal ground truth: %v", err)
	}
	d.Extra["teacher_P"] = data.Array{Shape: []int{2, 1}, Data: []float64{1, 2}}
	if _, err := TeacherFromDataset(d); err == nil {
		t.Error("teacher_P without teacher_Q accepted")
	}
}
