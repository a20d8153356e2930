// Package monkey is the study of docs/monkey.md: preparation against execution in monkey motor
// cortex on the Riehle recordings, from the recordings to a verdict per claim of the paper
// (the paper's Fig. 6). It embeds the files beside it — the recipe (riehle.yaml), the fit
// configuration (fit_riehle.yaml) and the contrasts (contrast.yaml) — so that `jedi reproduce`
// runs exactly what a user reads and copies.
//
// Run does, in order:
//
//  1. data: one pseudo-population per resample (recipe seed r), and per fit seed s a
//     time-shuffled one (spikes moved uniformly within their trial, seed s) and one with the
//     epoch as a one-hot input (pseudo-population s);
//  2. the rank, by held-out R² among Options.Ranks, on the first resample and seed: the
//     simplest rank within one standard error of the best (oneSE);
//  3. the fits: the chosen rank with every seed on every resample (the real runs), and one fit
//     per seed of each control (time-shuffled spikes; one network told the epoch by a one-hot
//     input, with one tied embedding);
//  4. contrast.Measure of every run and contrast.Compare of the groups, with its verdicts;
//  5. the eigenvalues and Lyapunov exponents of the first real run, by epoch.
//
// A fit already in Options.Dir with the same configuration, seed and data is kept, so an
// interrupted study continues where it stopped.
package monkey

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"time"

	"github.com/jedi-neuro/jedi/contrast"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/recipe"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/plugins/lyapunov"
	"github.com/jedi-neuro/jedi/plugins/spectra"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

//go:embed riehle.yaml fit_riehle.yaml contrast.yaml
var files embed.FS

// DataDir is where the recordings of monkey joe are looked for by default, relative to the
// repository root (the shared data beside the clone).
const DataDir = "../shared/data/riehle-joe"

// Options configure Run.
type Options struct {
	// Data is the directory of one monkey's recordings: the recipe's <unit>_<block>.npz files
	// and toc.npz.
	Data string
	// Dir receives data/, fits/, contrast/ and spectra/.
	Dir string
	// Seeds are the fit seeds, Resamples the pseudo-population draws, Ranks the candidate
	// ranks (0: full rank), chosen among by held-out R² on the first resample and seed, the
	// simplest within one standard error of the best (one rank: no choice).
	Seeds, Resamples []uint64
	Ranks            []int
	// Epochs, when > 0, replaces the fit configuration's number of epochs.
	Epochs int
	// Contrast is the comparison: the shipped contrast.yaml, with fewer resamples for a
	// quick study.
	Contrast contrast.Config
	// FixedPointStarts and LyapunovSteps set the spectra and Lyapunov exponents of the first
	// real run (0: the pipeline's defaults).
	FixedPointStarts, LyapunovSteps int
	// Quick marks a reduced study (QuickOptions), for the page's caveats.
	Quick bool
}

// DefaultOptions returns the study of docs/monkey.md: 5 seeds on 2 pseudo-populations (10 real
// runs, so that a sign-flip test over runs reaches p = 0.002), 5 runs of each control, ranks
// 2, 4, 8 and full, the shipped configurations unchanged.
func DefaultOptions(dataDir, dir string) (Options, error) {
	c, err := ContrastConfig()
	if err != nil {
		return Options{}, err
	}
	return Options{Data: dataDir, Dir: dir, Seeds: []uint64{1, 2, 3, 4, 5}, Resamples: []uint64{1, 2},
		Ranks: []int{2, 4, 8, 0}, Contrast: c}, nil
}

// QuickOptions returns a study small enough for a test: 2 seeds on one pseudo-population (2
// real runs), 2 runs of each control, the shipped rank 4 without a choice, 60 epochs, fewer
// resamples, permutations and fixed-point starts. It runs every step, so it shows that the
// machinery works on the recordings and which way the differences lean; it cannot give a
// verdict: with 2 runs no sign-flip test over runs goes below p = 0.5, so every claim is "not".
func QuickOptions(dataDir, dir string) (Options, error) {
	o, err := DefaultOptions(dataDir, dir)
	if err != nil {
		return Options{}, err
	}
	o.Seeds, o.Resamples, o.Ranks, o.Epochs, o.Quick = []uint64{1, 2}, []uint64{1}, []int{4}, 60, true
	o.Contrast.Bootstrap, o.Contrast.Permutations, o.Contrast.FixedPointStarts = 500, 200, 32
	o.Contrast.LyapSteps, o.Contrast.LyapBurn = 200, 100
	o.FixedPointStarts, o.LyapunovSteps = 64, 500
	return o, nil
}

// ContrastConfig returns the shipped contrasts (contrast.yaml).
func ContrastConfig() (contrast.Config, error) {
	b, err := files.ReadFile("contrast.yaml")
	if err != nil {
		return contrast.Config{}, err
	}
	return contrast.ParseConfig("examples/monkey/contrast.yaml", b)
}

// Available returns nil when dir holds the recordings (its toc.npz), and otherwise an error
// that says what is missing and where to find the data.
func Available(dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "toc.npz")); err != nil {
		return fmt.Errorf("no Riehle recordings in %s (its toc.npz is missing): the CC0 data of Riehle et al. 2018 (psychoinformatics-de/joe_and_lili), one directory per monkey, given with --riehle DIR; see docs/monkey.md", dir)
	}
	return nil
}

// Candidate is one rank of the selection: its held-out R² and the standard error of its
// difference to the best candidate's (0 for the best; see oneSE).
type Candidate struct {
	Rank      int     `json:"rank"`
	R2HeldOut float64 `json:"r2_heldout"`
	SE        float64 `json:"se_to_best"`
}

// Result is what Run found.
type Result struct {
	// Selection is the held-out R² of every candidate rank, from the simplest to the most
	// complex; Rank the one chosen: the simplest within one standard error of the best.
	Selection []Candidate `json:"selection"`
	Rank      int         `json:"rank"`
	// Contrast holds every measure, contrast, verdict and decoding (also in Dir/contrast).
	Contrast *contrast.Result `json:"-"`
	// Figures are the contrasts' figures and the first real run's eigenvalues and Lyapunov
	// exponents by epoch.
	Figures []report.Figure `json:"-"`
}

// Run runs the study (see the package comment), logging each step with the fits left.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := Available(o.Data); err != nil {
		return nil, err
	}
	if len(o.Seeds) == 0 || len(o.Resamples) == 0 || len(o.Ranks) == 0 {
		return nil, errors.New("monkey: no seeds, resamples or ranks")
	}
	if len(o.Seeds)*len(o.Resamples) < 2 || len(o.Seeds) < 2 {
		return nil, errors.New("monkey: contrast needs ≥ 2 real runs and ≥ 2 runs of each control: give ≥ 2 seeds")
	}
	for _, d := range []string{"data", "fits"} {
		if err := os.MkdirAll(filepath.Join(o.Dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	s := &study{o: o, ctx: ctx, total: len(o.Ranks) + len(o.Seeds)*len(o.Resamples) - 1 + 2*len(o.Seeds), begin: time.Now()}

	// 1. Data.
	real := map[uint64]*data.Dataset{}
	for _, r := range o.Resamples {
		ds, err := s.prepare(fmt.Sprintf("real-%d", r), r, 0, false)
		if err != nil {
			return nil, err
		}
		real[r] = ds
	}
	shuffled, onehot := map[uint64]*data.Dataset{}, map[uint64]*data.Dataset{}
	for _, sd := range o.Seeds {
		var err error
		if shuffled[sd], err = s.prepare(fmt.Sprintf("shuffled-%d", sd), sd, sd, false); err != nil {
			return nil, err
		}
		if onehot[sd], err = s.prepare(fmt.Sprintf("onehot-%d", sd), sd, 0, true); err != nil {
			return nil, err
		}
	}
	slog.Info("monkey: data prepared", "dir", filepath.Join(o.Dir, "data"), "seconds", fmt.Sprintf("%.0f", time.Since(s.begin).Seconds()))

	// 2. The rank, by held-out R² on the first pseudo-population and seed, with the
	// one-standard-error rule (oneSE).
	r0, s0 := o.Resamples[0], o.Seeds[0]
	res := &Result{}
	ranks := byComplexity(o.Ranks)
	cands := make([]*fitted, len(ranks))
	preds := make([][]float64, len(ranks))
	var held0 []int
	for i, rank := range ranks {
		f, err := s.fit(fmt.Sprintf("select-rank%d", rank), real[r0], rank, false, s0)
		if err != nil {
			return nil, err
		}
		_, held, err := train.EvaluateSplit(f.f, f.ds, f.f.Config.Train.InferSteps)
		if err != nil {
			return nil, err
		}
		if held == nil {
			return nil, fmt.Errorf("monkey: %s: no held-out segments to choose the rank by", f.dir)
		}
		if i == 0 {
			held0 = held.Segments
		} else if !slices.Equal(held.Segments, held0) {
			return nil, fmt.Errorf("monkey: %s: held-out segments differ from those of rank %s: the ranks cannot be compared", f.dir, rankName(ranks[0]))
		}
		cands[i], preds[i] = f, held.Prediction
		slog.Info("monkey: rank", "rank", rankName(rank), "r2_heldout", fmt.Sprintf("%.4f", held.R2))
	}
	pick, r2, se, err := oneSE(real[r0], held0, preds, selectionDraws, s0)
	if err != nil {
		return nil, err
	}
	for i, rank := range ranks {
		res.Selection = append(res.Selection, Candidate{Rank: rank, R2HeldOut: r2[i], SE: se[i]})
	}
	chosen := cands[pick]
	res.Rank = ranks[pick]
	if len(ranks) > 1 {
		slog.Info("monkey: chosen rank (the simplest within one standard error of the best)", "rank", rankName(res.Rank))
	}

	// 3. The fits; the selection's fit of the chosen rank is the first real run.
	runs := map[string][]*fitted{}
	for _, r := range o.Resamples {
		for _, sd := range o.Seeds {
			f := chosen
			if r != r0 || sd != s0 {
				var err error
				if f, err = s.fit(fmt.Sprintf("real-r%d-s%d", r, sd), real[r], res.Rank, false, sd); err != nil {
					return nil, err
				}
			}
			runs[contrast.Real] = append(runs[contrast.Real], f)
		}
	}
	for _, sd := range o.Seeds {
		f, err := s.fit(fmt.Sprintf("shuffled-s%d", sd), shuffled[sd], res.Rank, false, sd)
		if err != nil {
			return nil, err
		}
		runs["shuffled"] = append(runs["shuffled"], f)
		if f, err = s.fit(fmt.Sprintf("onehot-s%d", sd), onehot[sd], res.Rank, true, sd); err != nil {
			return nil, err
		}
		runs["onehot"] = append(runs["onehot"], f)
	}

	// 4. Measures, contrasts, verdicts.
	measured := map[string][]*contrast.Run{}
	opt := o.Contrast.Options()
	for _, kind := range []string{contrast.Real, "shuffled", "onehot"} {
		for i, f := range runs[kind] {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			m, err := contrast.Measure(f.f, f.ds, f.dir, opt)
			if err != nil {
				return nil, err
			}
			measured[kind] = append(measured[kind], m)
			slog.Info("monkey: measured", "kind", kind, "run", fmt.Sprintf("%d of %d", i+1, len(runs[kind])), "r2_heldout", fmt.Sprintf("%.3f", m.R2HeldOut))
		}
	}
	c, err := contrast.Compare(measured, o.Contrast)
	if err != nil {
		return nil, err
	}
	res.Contrast = c
	if res.Figures, err = c.Write(filepath.Join(o.Dir, "contrast")); err != nil {
		return nil, err
	}

	// 5. One run's eigenvalues and Lyapunov exponents by epoch.
	figs, err := s.spectra(chosen)
	if err != nil {
		return nil, err
	}
	res.Figures = append(res.Figures, figs...)
	slog.Info("monkey: done", "dir", o.Dir, "seconds", fmt.Sprintf("%.0f", time.Since(s.begin).Seconds()))
	return res, nil
}

func rankName(r int) string {
	if r == 0 {
		return "full"
	}
	return fmt.Sprint(r)
}

// study carries a Run's options and its progress.
type study struct {
	o           Options
	ctx         context.Context
	total, done int
	fitsRun     int
	begin       time.Time
	fitTime     time.Duration
}

// fitted is one fit with its data and directory.
type fitted struct {
	f   *train.Fitted
	ds  *data.Dataset
	dir string
}

// prepare makes dataset name from the shipped recipe: pseudo-population seed, spikes
// time-shuffled with seed shuffle (0: not), the epoch as a one-hot input. It writes it to
// Dir/data/name.npz (with the report of what was dropped beside it) and reads it back, so that
// the fits record the file they were made from.
func (s *study) prepare(name string, seed, shuffle uint64, onehot bool) (*data.Dataset, error) {
	b, err := files.ReadFile("riehle.yaml")
	if err != nil {
		return nil, err
	}
	r, err := recipe.Parse("examples/monkey/riehle.yaml", b)
	if err != nil {
		return nil, err
	}
	if err := r.SetFile(s.o.Data); err != nil {
		return nil, err
	}
	r.Pool.Seed = seed
	r.Prepare.ShuffleSpikes = shuffle
	ds, rep, err := recipe.Load(r)
	if err != nil {
		return nil, fmt.Errorf("monkey: %s: %w", name, err)
	}
	if onehot {
		if ds, _, err = ds.WithOneHotInputs("epoch"); err != nil {
			return nil, fmt.Errorf("monkey: %s: %w", name, err)
		}
	}
	path := filepath.Join(s.o.Dir, "data", name+".npz")
	if err := data.WriteNPZ(path, ds); err != nil {
		return nil, err
	}
	if err := fsutil.WriteFileAtomic(path+".report.txt", func(w io.Writer) error {
		_, err := io.WriteString(w, rep.String())
		return err
	}); err != nil {
		return nil, err
	}
	return data.ReadNPZ(path)
}

// fit fits the shipped configuration with rank (0: full), as the one-hot baseline (inputs, one
// tied embedding) when onehot, and seed to ds in Dir/fits/name, unless a finished fit of the
// same configuration and data is there already.
func (s *study) fit(name string, ds *data.Dataset, rank int, onehot bool, seed uint64) (*fitted, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, err
	}
	b, err := files.ReadFile("fit_riehle.yaml")
	if err != nil {
		return nil, err
	}
	cfg, err := train.ParseConfig("examples/monkey/fit_riehle.yaml", b, train.Default(ds.M))
	if err != nil {
		return nil, err
	}
	cfg.Model.M, cfg.Model.Rank, cfg.Seed = ds.M, rank, seed
	if s.o.Epochs > 0 {
		cfg.Train.Epochs = s.o.Epochs
	}
	if onehot {
		cfg.Model.I, cfg.Train.TieEmbeddings = ds.I, train.TieAll
	}
	dir := filepath.Join(s.o.Dir, "fits", name)
	s.done++
	if f := s.finished(dir, cfg, ds); f != nil {
		slog.Info("monkey: fit kept", "fit", fmt.Sprintf("%d of %d", s.done, s.total), "dir", dir)
		return &fitted{f, ds, dir}, nil
	}
	left := "unknown"
	if s.fitTime > 0 {
		left = (s.fitTime / time.Duration(s.fitsRun) * time.Duration(s.total-s.done+1)).Round(time.Second).String()
	}
	slog.Info("monkey: fit", "fit", fmt.Sprintf("%d of %d", s.done, s.total), "dir", dir, "rank", rankName(rank), "seed", seed, "fits_left_about", left)
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	begin := time.Now()
	f, err := train.Fit(s.ctx, cfg, ds, train.FitOptions{Dir: dir})
	if err != nil {
		return nil, fmt.Errorf("monkey: fit %s: %w", dir, err)
	}
	s.fitTime += time.Since(begin)
	s.fitsRun++
	return &fitted{f, ds, dir}, nil
}

// finished returns the fit in dir when it is finished and was made with cfg from ds's file,
// else nil.
func (s *study) finished(dir string, cfg train.Config, ds *data.Dataset) *train.Fitted {
	if _, err := os.Stat(filepath.Join(dir, train.ModelFile)); err != nil {
		return nil
	}
	ri, err := train.ReadRunInfo(dir)
	if err != nil || ri.DataSHA256 == "" {
		return nil
	}
	if sum, err := fsutil.FileSHA256(ds.Source); err != nil || sum != ri.DataSHA256 {
		return nil
	}
	f, err := train.LoadRun(dir)
	if err != nil || !reflect.DeepEqual(f.Config, cfg) {
		return nil
	}
	return f
}

// spectra writes the eigenvalues of W_s, of the Jacobian along the trajectories and at the
// fixed points, and the Lyapunov exponents, by epoch, of fit f into Dir/spectra.
func (s *study) spectra(f *fitted) ([]report.Figure, error) {
	dir := filepath.Join(s.o.Dir, "spectra")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	segs, err := plugin.TrainingSegments(f.f, f.ds)
	if err != nil {
		return nil, err
	}
	fps, err := fixedpoints.Analyze(f.f, f.ds, segs, "epoch", fixedpoints.Options{Starts: s.o.FixedPointStarts, Seed: 1})
	if err != nil {
		return nil, err
	}
	sp, err := spectra.Analyze(f.f, f.ds, segs, "epoch", fps, spectra.Options{UnitTol: s.o.Contrast.UnitTol})
	if err != nil {
		return nil, err
	}
	ly, err := lyapunov.Analyze(f.f, f.ds, segs, "epoch", lyapunov.Options{Steps: s.o.LyapunovSteps})
	if err != nil {
		return nil, err
	}
	var figs []report.Figure
	for _, a := range []interface {
		Write(dir string) ([]report.Figure, error)
	}{sp, ly} {
		fs, err := a.Write(dir)
		if err != nil {
			return nil, err
		}
		figs = append(figs, fs...)
	}
	for i := range figs {
		figs[i].Caption = "One real run (" + f.dir + "): " + figs[i].Caption
	}
	return figs, nil
}
