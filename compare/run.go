package compare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/jedi-neuro/jedi/analysis/metrics"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/sim"
	"github.com/jedi-neuro/jedi/train"
)

// Files of a comparison directory; each model's run lives in models/<row name>/.
const (
	ConfigFile = "compare.yaml" // the resolved configuration
	TableFile  = "table"        // table.md, table.csv, table.json
	rowFile    = "row.json"     // a finished model's row, so that a rerun skips it
)

// Options for Run beyond the configuration.
type Options struct {
	// Dir receives the configuration, the table, the plots and every model's run.
	Dir string
	// Reporter, if not nil, returns the progress reporter of one model's fit.
	Reporter func(name string) train.Reporter
	// Logger receives a line per model (nil: slog.Default()).
	Logger *slog.Logger
}

// LoadData returns the dataset the configuration names, generating a built-in teacher's.
func LoadData(spec DataSpec) (*data.Dataset, error) {
	var ds *data.Dataset
	var err error
	switch spec.Simulate {
	case "multitask":
		ds, err = sim.Multitask(sim.DefaultMultitask(), spec.Seed)
	case "sinusoid":
		ds, err = sim.Sinusoid(sim.DefaultSinusoid(), spec.Seed)
	case "":
		ds, err = data.ReadNPZ(spec.Path)
	default:
		err = fmt.Errorf("data.simulate: %q, want multitask or sinusoid", spec.Simulate)
	}
	if err != nil {
		return nil, err
	}
	return ds, ds.Validate()
}

// env is what every model's fit shares: the data, the split and the directory.
type env struct {
	cfg       *Config
	ds        *data.Dataset
	trainIdx  []int
	heldIdx   []int
	dir       string
	reporter  func(name string) train.Reporter
	log       *slog.Logger
	groups    []string // values of cfg.Label, sorted
	groupOf   []int    // groupOf[s] indexes groups
	noiseSeed uint64
}

// Run fits every model of cfg on ds with one split (drawn from cfg.JEDI's seed and held-out
// fraction) and returns the table, which it also writes to opt.Dir with its plots. A model
// whose row is already in opt.Dir is not refitted, and an interrupted JEDI-type fit resumes
// from its checkpoint, so an interrupted comparison continues where it stopped.
func Run(ctx context.Context, cfg Config, ds *data.Dataset, opt Options) (*Table, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.JEDI.Model.M = ds.M
	if err := cfg.JEDI.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	y, err := cfg.YAML()
	if err != nil {
		return nil, err
	}
	if err := checkSameConfig(filepath.Join(opt.Dir, ConfigFile), y); err != nil {
		return nil, err
	}
	if err := fsutil.WriteBytesAtomic(filepath.Join(opt.Dir, ConfigFile), y); err != nil {
		return nil, err
	}
	e := &env{cfg: &cfg, ds: ds, dir: opt.Dir, reporter: opt.Reporter, log: opt.Logger, noiseSeed: cfg.JEDI.Seed}
	if e.log == nil {
		e.log = slog.Default()
	}
	e.trainIdx, e.heldIdx = train.Split(&cfg.JEDI, ds.S)
	if cfg.Label != "" {
		if e.groups, e.groupOf, err = ds.GroupIndex(cfg.Label); err != nil {
			return nil, fmt.Errorf("label: %w", err)
		}
	}
	t := &Table{Dataset: ds.Summary(), Source: ds.Source, Label: cfg.Label, Train: len(e.trainIdx),
		HeldOut: len(e.heldIdx), NoiseScales: cfg.NoiseScales, Seed: cfg.JEDI.Seed, Epochs: cfg.JEDI.Train.Epochs}
	for _, spec := range e.specs() {
		row, err := e.cached(ctx, spec)
		if err != nil {
			return nil, err
		}
		t.Rows = append(t.Rows, *row)
	}
	return t, t.Write(opt.Dir)
}

// checkSameConfig refuses to continue a comparison directory written with another
// configuration: its finished rows would silently mix two settings.
func checkSameConfig(path string, want []byte) error {
	got, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if string(got) != string(want) {
		return fmt.Errorf("%s: this directory holds a comparison with another configuration; choose another --out", path)
	}
	return nil
}

// spec is one row of the table to produce.
type spec struct {
	name, kind string
	rank       int // jedi_low_rank only
	fit        func(ctx context.Context, e *env, s spec) (*Row, error)
}

// specs lists the rows of the configuration, in table order.
func (e *env) specs() []spec {
	var out []spec
	for _, k := range Kinds() {
		if !slices.Contains(e.cfg.Models, k) {
			continue
		}
		switch k {
		case Single:
			out = append(out, spec{name: Single, kind: k, fit: fitSingle})
		case PerLabel:
			out = append(out, spec{name: PerLabel, kind: k, fit: fitPerLabel})
		case ContextInput:
			out = append(out, spec{name: ContextInput, kind: k, fit: fitContextInput})
		case JEDIFull:
			out = append(out, spec{name: JEDIFull, kind: k, fit: fitJEDI})
		case JEDILowRank:
			for _, r := range e.cfg.Ranks {
				out = append(out, spec{name: fmt.Sprintf("jedi_rank%d", r), kind: k, rank: r, fit: fitJEDI})
			}
		case VAE, RNNVAE:
			out = append(out, spec{name: k, kind: k, fit: fitVAE})
		}
	}
	return out
}

// cached returns the row of s, from its directory when a previous run finished it.
func (e *env) cached(ctx context.Context, s spec) (*Row, error) {
	path := filepath.Join(e.modelDir(s.name), rowFile)
	if b, err := os.ReadFile(path); err == nil {
		var r Row
		if err := json.Unmarshal(b, &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		e.log.Info("compare: already done", "model", s.name, "r2_heldout", r.R2HeldOut)
		return &r, nil
	}
	e.log.Info("compare: fitting", "model", s.name)
	row, err := s.fit(ctx, e, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.name, err)
	}
	row.Name, row.Kind = s.name, s.kind
	if err := output.WriteJSON(path, row); err != nil {
		return nil, err
	}
	e.log.Info("compare: done", "model", s.name, "r2_train", row.R2Train, "r2_heldout", row.R2HeldOut,
		"fit_seconds", fmt.Sprintf("%.1f", row.FitSeconds), "params", row.Params)
	return row, nil
}

func (e *env) modelDir(name string) string { return filepath.Join(e.dir, "models", name) }

func (e *env) report(name string) train.Reporter {
	if e.reporter == nil {
		return nil
	}
	return e.reporter(name)
}

// pooledR2 is the R² of predictions pred (len(idx)×T×M, padded layout) of segments idx.
func pooledR2(ds *data.Dataset, idx []int, pred []float64) (float64, error) {
	if len(idx) == 0 {
		return 0, fmt.Errorf("no segments to score")
	}
	sub := ds.Subset(idx)
	return metrics.R2(pred, sub.Activity, ds.T, ds.M, sub.Lengths)
}

// timed runs f and returns its wall time in seconds.
func timed(f func() error) (float64, error) {
	start := time.Now()
	err := f()
	return time.Since(start).Seconds(), err
}
