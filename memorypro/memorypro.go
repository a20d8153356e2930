// Package memorypro is the MemoryPro experiment's ground truth (DESIGN.md §2, claim 3; §4): a
// rate network is trained on the MemoryPro task (sim.MemoryProTask) by the project's own
// training engine, and the trained network is the teacher whose trials, cut into phases, make
// the JEDI dataset, with its weights and fixed points as ground truth.
package memorypro

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/jedi-neuro/jedi/analysis/fixedpoints"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/model"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// TeacherConfig returns the training configuration of a MemoryPro network of units
// units: full-rank W, I = sim.MemoryProInputs inputs through a learned W_ext, a linear readout of
// the sim.MemoryProOutputs outputs, x_0 = 0, α = task.Alpha(), recurrent noise σ = 0.05, the
// Gaussian loss weighted by the task's weights. One embedding is shared by every trial
// (train.TieAll) and the hypernetwork has no hidden layer, so W = (A e + β)/√N is a single
// learned matrix: the engine trains one ordinary RNN. Training: Adam, batch 64, learning rate
// 2·10⁻³ with a cosine schedule after 20 warm-up steps, gradient norm clipped at 1, no held-out
// trials (the competence is measured on fresh trials instead), 20 epochs. With N = 256 and the
// default 1024 trials (320 steps, ≈ 90 s on 2 cores) the teacher of seed 1 reports the
// direction of 500 fresh trials with a median error of 2.0° and all within 20°; 12 epochs gave
// 2.6°, 40 epochs 1.5°.
func TeacherConfig(task sim.MemoryProTask, units int, seed uint64) train.Config {
	cfg := train.Default(sim.MemoryProOutputs)
	cfg.Seed = seed
	cfg.Model = model.Config{
		N: units, M: sim.MemoryProOutputs, I: sim.MemoryProInputs, D: 1, Rank: 0, Hidden: []int{},
		Alpha: task.Alpha(), NoiseStd: 0.05, Readout: "linear", Loss: "gaussian",
		InitialState: "zero", EncoderBins: 1,
	}
	o := &cfg.Train
	o.Epochs, o.BatchSize, o.LearningRate, o.LocalLRScale = 20, 64, 2e-3, 1
	o.Schedule, o.WarmupSteps, o.MinLRRatio, o.ClipNorm = "cosine", 20, 0.05, 1
	o.HeldOut, o.ValEvery, o.Patience = 0, 0, 0
	o.TieEmbeddings, o.CheckpointEvery = train.TieAll, 5
	return cfg
}

// Train trains a MemoryPro network with cfg on trials sim.MemoryProTrainSet of seed
// (trials of them), writing the run directory dir (config, checkpoints, history, model). A
// directory that already holds the finished run of the same configuration and number of trials
// is reused; one that holds an interrupted run of it is resumed.
func Train(ctx context.Context, task sim.MemoryProTask, cfg train.Config, trials int, seed uint64, dir string, rep train.Reporter) (*train.Fitted, error) {
	if cfg.Model.I != sim.MemoryProInputs || cfg.Model.M != sim.MemoryProOutputs || !(cfg.Model.Alpha == task.Alpha()) {
		return nil, fmt.Errorf("memorypro: the teacher configuration has I = %d, M = %d, α = %g; the task needs %d, %d, %g",
			cfg.Model.I, cfg.Model.M, cfg.Model.Alpha, sim.MemoryProInputs, sim.MemoryProOutputs, task.Alpha())
	}
	tr, err := task.Trials(trials, seed, sim.MemoryProTrainSet)
	if err != nil {
		return nil, err
	}
	ds, err := task.TaskDataset(tr)
	if err != nil {
		return nil, err
	}
	resume := false
	if saved, err := train.LoadSaved(filepath.Join(dir, train.ConfigFile)); err == nil {
		want, _ := cfg.YAML()
		got, _ := saved.YAML()
		ri, err := train.ReadRunInfo(dir)
		if string(want) != string(got) || err != nil || len(ri.Train) != trials {
			return nil, fmt.Errorf("memorypro: %s holds a teacher run of another configuration or number of trials; remove it or choose another output", dir)
		}
		if fsutil.Exists(filepath.Join(dir, train.ModelFile)) {
			slog.Info("memorypro: reusing the trained teacher", "dir", dir)
			return train.LoadRun(dir)
		}
		if resume = fsutil.Exists(filepath.Join(dir, train.CheckpointFile)); resume {
			slog.Info("memorypro: resuming the interrupted teacher training", "dir", dir)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	f, err := train.Fit(ctx, cfg, ds, train.FitOptions{Dir: dir, Resume: resume, Reporter: rep})
	if errors.Is(err, train.ErrInterrupted) {
		return nil, fmt.Errorf("%w (run the same command again to resume)", err)
	}
	return f, err
}

// Network returns the network a fitted MemoryPro run learned (the network of its
// first embedding), in float64: J = W, b, W_ext = the input.weight block, C and c the readout,
// α from the configuration and dt as given.
func Network(f *train.Fitted, dt float64) (*sim.MemoryProNetwork, error) {
	m, err := f.Model()
	if err != nil {
		return nil, err
	}
	c := &m.Cfg
	if c.I != sim.MemoryProInputs || c.M != sim.MemoryProOutputs || c.Readout != model.Linear || c.InitialState != model.Zero {
		return nil, fmt.Errorf("memorypro: a fitted model with I = %d, M = %d, %s readout, %s initial state is not a MemoryPro network (want %d, %d, linear, zero)",
			c.I, c.M, c.Readout, c.InitialState, sim.MemoryProInputs, sim.MemoryProOutputs)
	}
	w, err := m.Network(f.Theta, f.Embedding(0))
	if err != nil {
		return nil, err
	}
	tc := &sim.Teacher{N: c.N, I: c.I, Dt: dt, Alpha: c.Alpha, J: mat.DenseCopyOf(w.Dense()).RawMatrix().Data, B: w.B,
		WExt: w.In.RawMatrix().Data}
	net := &sim.MemoryProNetwork{Teacher: tc, C: w.Readout.C.RawMatrix().Data, C0: w.Readout.Bias}
	return net, net.Validate()
}

// FixedPointOptions configure FixedPoints. The zero value gives the defaults.
type FixedPointOptions struct {
	// Starts is the number of minimisations per phase (default 256), shared among the phase's
	// maps but at least 4 per map; Trajectories the largest number of segments whose
	// trajectories the starts of a map are drawn from (default 50); Noise the start noise
	// relative to the RMS spread of those states (default 0.1).
	Starts, Trajectories int
	Noise                float64
	// Seed drives the starts (in MemoryPro, 0 means Options.Seed).
	Seed uint64
	// Find configures the minimisation: zero fields take the fixedpoints defaults, except
	// TolUnique, 0.1 by default. A trained MemoryPro network holds its memory on a ring of
	// slow dynamics (Jacobian eigenvalues within 0.003 of 1), along which a minimum with
	// q < TolQ = 10⁻¹⁰ is located only to ≈ √(2 TolQ)/σ_min(J − I) ≈ 5·10⁻³: with the default
	// 10⁻³ every fixed point came out as a cloud of near-copies (48 memory-phase points whose
	// nearest neighbours were 0.001–0.006 apart), while the distinct points lie more than 3
	// apart (the memory phase of the default teacher keeps 6 points for any tolerance from 0.1
	// to 3, the response phase 3).
	Find fixedpoints.Options
	// SlowQ is the speed below which a state is a slow point: the same starts are minimised a
	// second time, stopping as soon as q = ½‖F(x) − x‖² < SlowQ (default 10⁻⁴, a step of less
	// than 0.014 in a network whose states move by about 1.5 per step when they change
	// phase). On the memory ring, where the minimisation to 10⁻¹⁰ slides every start to one
	// of the ring's few isolated fixed points, this samples the ring itself.
	SlowQ float64
}

func (o FixedPointOptions) withDefaults() FixedPointOptions {
	if o.Find.TolUnique == 0 {
		o.Find.TolUnique = 0.1
	}
	if o.Starts == 0 {
		o.Starts = 256
	}
	if o.Trajectories == 0 {
		o.Trajectories = 50
	}
	if o.Noise == 0 {
		o.Noise = 0.1
	}
	if o.SlowQ == 0 {
		o.SlowQ = 1e-4
	}
	return o
}

// FixedPoints finds the fixed and slow points of the teacher of a MemoryPro dataset
// (made by sim.MemoryPro) in every phase and stores them in ds.Extra as
//
//	teacher_fixed_points_<phase> [K, N]         fixed points x* (q < Find.TolQ)
//	teacher_fixed_points_<phase>_stable [K]     1 where x* is stable (every |λ(J)| < 1), else 0
//	teacher_fixed_points_stimulus_theta [K]     the θ of the stimulus input of each stimulus point
//	teacher_slow_points_<phase> [K', N]         slow points (q < SlowQ), fixed points among them
//
// In phase p the teacher receives the constant input u_p = sim.PhaseInput(p, θ), so it is the
// autonomous map F_p(x) = (1−α) x + α (J tanh(x) + b + W_ext u_p), a model.Network with bias
// b + W_ext u_p, u_p read from the segments' inputs. Only the stimulus input depends on θ, so
// the stimulus phase has a map per trial, each searched from its own segment's trajectory:
// together their points trace how the stimulus attractor moves with θ, at the θ of every trial
// of the data. Each map is run without noise from the teacher's state at the start of its
// segments (up to opt.Trajectories) for the segments' lengths (as fixedpoints.Analyze runs a fitted
// network), and states drawn from these trajectories, plus noise, start the
// minimisations of q(x) = ½‖F_p(x) − x‖². Points of a phase closer than Find.TolUnique are
// merged. It returns the fixed points found per phase.
func FixedPoints(ds *data.Dataset, opt FixedPointOptions) (map[string]fixedpoints.Result, error) {
	opt = opt.withDefaults()
	if opt.Starts < 1 || opt.Trajectories < 1 || !(opt.Noise >= 0) || !(opt.SlowQ > 0) {
		return nil, fmt.Errorf("memorypro fixed points: starts %d, trajectories %d, noise %v, slow q %v: want ≥ 1, ≥ 1, ≥ 0, > 0",
			opt.Starts, opt.Trajectories, opt.Noise, opt.SlowQ)
	}
	tc, err := sim.TeacherFromDataset(ds)
	if err != nil {
		return nil, err
	}
	N := tc.N
	x0, ok := ds.Extra["teacher_x0"]
	if !ok || len(x0.Data) != ds.S*N || tc.I != sim.MemoryProInputs {
		return nil, fmt.Errorf("%s: not a MemoryPro dataset (need teacher_x0 [S, %d] and a teacher with %d inputs)", ds.Source, N, sim.MemoryProInputs)
	}
	phases, err := ds.LabelValues("phase")
	if err != nil {
		return nil, err
	}
	slowOpt := opt.Find
	slowOpt.TolQ, slowOpt.TolSlow = opt.SlowQ, 0
	J := mat.NewDense(N, N, tc.J)
	results := map[string]fixedpoints.Result{}
	var stimTheta []float64
	for pi, name := range sim.MemoryProPhases() {
		// One map per distinct input: groups[k] are the segments (up to opt.Trajectories)
		// whose trajectories seed the map of input inputs[k].
		var groups [][]int
		var inputs [][]float64
		for s := range ds.S {
			if phases[s] != name {
				continue
			}
			u, err := constantInput(ds, s)
			if err != nil {
				return nil, err
			}
			k := slices.IndexFunc(inputs, func(v []float64) bool { return slices.Equal(v, u) })
			if k < 0 {
				k, groups, inputs = len(groups), append(groups, nil), append(inputs, u)
			}
			if len(groups[k]) < opt.Trajectories {
				groups[k] = append(groups[k], s)
			}
		}
		if len(groups) == 0 {
			return nil, fmt.Errorf("%s: no segment of phase %q", ds.Source, name)
		}
		var res fixedpoints.Result
		var pts, stable, slow []float64
		for k, g := range groups {
			bias, u := slices.Clone(tc.B), inputs[k]
			for i := range N {
				bias[i] += floats.Dot(tc.WExt[i*tc.I:(i+1)*tc.I], u)
			}
			fm := &model.Network{W: J, B: bias, Alpha: tc.Alpha}
			var traj [][]float64
			for _, s := range g {
				x := slices.Clone(x0.Data[s*N : (s+1)*N])
				for range ds.Lengths[s] {
					traj = append(traj, x)
					next := make([]float64, N)
					fm.Step(next, x)
					x = next
				}
			}
			n := max(4, (opt.Starts+len(groups)-1)/len(groups))
			starts, err := fixedpoints.Starts(traj, n, opt.Noise*fixedpoints.Spread(traj), opt.Seed+uint64(1000*pi+k))
			if err != nil {
				return nil, err
			}
			found, err := fixedpoints.Find(fm, starts, opt.Find)
			if err != nil {
				return nil, fmt.Errorf("teacher fixed points of the %s phase: %w", name, err)
			}
			slowPts, err := fixedpoints.Find(fm, starts, slowOpt)
			if err != nil {
				return nil, fmt.Errorf("teacher slow points of the %s phase: %w", name, err)
			}
			for _, p := range found.Points {
				if p.Slow || !farFrom(pts, p.X, opt.Find.TolUnique) {
					continue
				}
				res.Points = append(res.Points, p)
				pts = append(pts, p.X...)
				st := 0.0
				if p.Class == fixedpoints.Stable {
					st = 1
				}
				stable = append(stable, st)
				if sim.Phase(pi) == sim.PhaseStimulus {
					th := math.Atan2(u[sim.MemoryProInSin], u[sim.MemoryProInCos])
					stimTheta = append(stimTheta, math.Mod(th+2*math.Pi, 2*math.Pi))
				}
			}
			for _, p := range slowPts.Points {
				if farFrom(slow, p.X, opt.Find.TolUnique) {
					slow = append(slow, p.X...)
				}
			}
			res.Outliers = append(res.Outliers, found.Outliers...)
			res.Stats = res.Stats.Plus(found.Stats)
		}
		ds.Extra["teacher_fixed_points_"+name] = data.Array{Shape: []int{len(stable), N}, Data: pts}
		ds.Extra["teacher_fixed_points_"+name+"_stable"] = data.Array{Shape: []int{len(stable)}, Data: stable}
		ds.Extra["teacher_slow_points_"+name] = data.Array{Shape: []int{len(slow) / N, N}, Data: slow}
		results[name] = res
	}
	ds.Extra["teacher_fixed_points_stimulus_theta"] = data.Array{Shape: []int{len(stimTheta)}, Data: stimTheta}
	return results, nil
}

// constantInput returns the input of segment s of a MemoryPro dataset, the same in every bin of
// a phase, or an error when the bins differ.
func constantInput(ds *data.Dataset, s int) ([]float64, error) {
	in := ds.SegmentInputs(s)
	if len(in) == 0 {
		return nil, fmt.Errorf("%s: segment %d has no inputs: not a MemoryPro dataset", ds.Source, s)
	}
	u := in[:ds.I]
	for t := ds.I; t < len(in); t += ds.I {
		if !slices.Equal(in[t:t+ds.I], u) {
			return nil, fmt.Errorf("%s: inputs of segment %d change at bin %d: a MemoryPro phase has a constant input", ds.Source, s, t/ds.I)
		}
	}
	return slices.Clone(u), nil
}

// farFrom reports whether x is farther than tol from every point of pts, the rows of length
// len(x) of a flat slice.
func farFrom(pts, x []float64, tol float64) bool {
	n := len(x)
	for i := 0; i+n <= len(pts); i += n {
		if floats.Distance(pts[i:i+n], x, 2) <= tol {
			return false
		}
	}
	return true
}

// Options configure Run. See DefaultOptions.
type Options struct {
	// Data configures the dataset, and its Task the task the teacher is trained on.
	Data sim.MemoryProConfig
	// Units is the number N of the teacher's units.
	Units int
	// TrainTrials is the number of trials the teacher is trained on, TestTrials the number of
	// fresh trials its competence is measured on.
	TrainTrials, TestTrials int
	// Teacher is the training configuration; nil uses TeacherConfig(Data.Task,
	// Units, Seed).
	Teacher *train.Config
	// Dir is the teacher's run directory.
	Dir string
	// Seed drives the trials, the training and the dataset.
	Seed        uint64
	FixedPoints FixedPointOptions
	Reporter    train.Reporter
}

// DefaultOptions returns the defaults: sim.DefaultMemoryPro data, N = 256 units,
// 1024 training trials and 500 test trials.
func DefaultOptions(dir string, seed uint64) Options {
	return Options{Data: sim.DefaultMemoryPro(), Units: 256, TrainTrials: 1024, TestTrials: 500,
		Dir: dir, Seed: seed}
}

// Result is the MemoryPro ground truth: the dataset, the teacher and its competence.
type Result struct {
	Dataset *data.Dataset
	Fitted  *train.Fitted
	Network *sim.MemoryProNetwork
	// Score is the teacher's competence on TestTrials fresh trials, run with the dataset's
	// recurrent noise.
	Score *sim.MemoryProScore
	// FixedPoints are the teacher's fixed points per phase.
	FixedPoints map[string]fixedpoints.Result
	// TrainSeconds and TotalSeconds are the wall-clock times of the training and of the whole.
	TrainSeconds, TotalSeconds float64
}

// Run trains (or reuses) the teacher, measures its competence, generates the dataset and
// adds the teacher's fixed points to it.
func Run(ctx context.Context, opt Options) (*Result, error) {
	begin := time.Now()
	task := opt.Data.Task
	cfg := TeacherConfig(task, opt.Units, opt.Seed)
	if opt.Teacher != nil {
		cfg = *opt.Teacher
	}
	f, err := Train(ctx, task, cfg, opt.TrainTrials, opt.Seed, opt.Dir, opt.Reporter)
	if err != nil {
		return nil, err
	}
	res := &Result{Fitted: f, TrainSeconds: time.Since(begin).Seconds()}
	if res.Network, err = Network(f, task.Dt); err != nil {
		return nil, err
	}
	test, err := task.Trials(opt.TestTrials, opt.Seed, sim.MemoryProTestSet)
	if err != nil {
		return nil, err
	}
	if res.Score, err = res.Network.Score(&task, test, opt.Data.RecurrentNoise, opt.Seed); err != nil {
		return nil, err
	}
	if res.Dataset, err = sim.MemoryPro(opt.Data, res.Network, opt.Seed); err != nil {
		return nil, err
	}
	fp := opt.FixedPoints
	if fp.Seed == 0 {
		fp.Seed = opt.Seed
	}
	if res.FixedPoints, err = FixedPoints(res.Dataset, fp); err != nil {
		return nil, err
	}
	res.TotalSeconds = time.Since(begin).Seconds()
	return res, nil
}
