package sweep

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/train"
)

// Files and folders of a sweep directory.
const (
	SpecFile     = "sweep.yaml"
	ManifestFile = "manifest.json"
	configsDir   = "configs"
	foldsDir     = "folds"
	runsDir      = "runs"
	stateDir     = "state"
	logsDir      = "logs"
)

// Manifest is the resolved plan of a sweep, manifest.json.
type Manifest struct {
	// Data is the dataset, relative to the sweep directory unless absolute.
	Data string `json:"data"`
	// Keys are the swept settings, in the order of the table's columns.
	Keys []string `json:"keys"`
	// Configs are the distinct configurations; Replicas how each is repeated (seed × fold).
	Configs  []Config  `json:"configs"`
	Replicas []Replica `json:"replicas"`
	// Tasks are Configs × Replicas, task i = config i / len(Replicas), replica i % len(Replicas).
	Tasks []Task `json:"tasks"`
	// Epochs is train.epochs of every task (successive halving needs one budget).
	Epochs int `json:"epochs"`
	// Rungs are the epochs at which successive halving compares configurations, the last
	// being Epochs; Keep[r] is how many configurations run rung r. Without halving, Rungs is
	// [Epochs] and Keep [len(Configs)].
	Rungs []int `json:"rungs"`
	Keep  []int `json:"keep"`
	// DecodeLabel is Spec.DecodeLabel.
	DecodeLabel string    `json:"decode_label,omitempty"`
	Resources   Resources `json:"resources"`
}

// Config is one point of the sweep: the swept keys' values.
type Config struct {
	ID     int            `json:"id"`
	Params map[string]any `json:"params"`
}

// Replica is one repetition of a configuration: a seed and a fold (−1: the seeded split of
// train.heldout_fraction).
type Replica struct {
	Seed uint64 `json:"seed"`
	Fold int    `json:"fold"`
}

// Task is one `jedi fit`.
type Task struct {
	Index  int    `json:"index"`
	Config int    `json:"config"`
	Seed   uint64 `json:"seed"`
	Fold   int    `json:"fold"`
	// ConfigFile, SplitFile (empty without folds) and Run are relative to the sweep directory.
	ConfigFile string `json:"config_file"`
	SplitFile  string `json:"split_file,omitempty"`
	Run        string `json:"run"`
}

// Split is a fold as `jedi fit --split` reads it (the same fields as run.json).
type Split struct {
	Train   []int `json:"train"`
	HeldOut []int `json:"heldout"`
}

// Plan resolves the spec at specPath into the sweep directory out: the manifest, one
// configuration per task and the folds. dataPath, when not empty, replaces the spec's data
// (as a path from the working directory). It refuses a directory that already holds a sweep.
func Plan(specPath, out, dataPath string) (*Manifest, error) {
	spec, err := LoadSpec(specPath, dataPath != "")
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(out, ManifestFile)); err == nil {
		return nil, fmt.Errorf("%s already holds a sweep; plan into another directory", out)
	}
	if dataPath == "" {
		dataPath = resolve(specPath, spec.Data)
	}
	ds, err := data.ReadNPZ(dataPath)
	if err != nil {
		return nil, err
	}
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	base := train.Default(ds.M)
	if spec.Config != "" {
		if base, err = train.LoadConfig(resolve(specPath, spec.Config), base); err != nil {
			return nil, err
		}
	}
	if len(spec.Set) > 0 {
		if base, err = override(base, sortedKeys(spec.Set), spec.Set); err != nil {
			return nil, fmt.Errorf("%s: set: %w", specPath, err)
		}
	}
	m := &Manifest{DecodeLabel: spec.DecodeLabel, Resources: spec.Resources}
	m.Keys, m.Configs, err = expand(spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", specPath, err)
	}
	seeds := spec.Seeds
	if len(seeds) == 0 {
		seeds = []uint64{1}
	}
	var folds []Split
	if spec.Folds != nil {
		if folds, err = makeFolds(ds, spec.Folds); err != nil {
			return nil, fmt.Errorf("%s: folds: %w", specPath, err)
		}
	}
	for _, s := range seeds {
		if folds == nil {
			m.Replicas = append(m.Replicas, Replica{Seed: s, Fold: -1})
		}
		for k := range folds {
			m.Replicas = append(m.Replicas, Replica{Seed: s, Fold: k})
		}
	}
	if spec.DecodeLabel != "" {
		if _, err := ds.LabelValues(spec.DecodeLabel); err != nil {
			return nil, fmt.Errorf("%s: decode_label: %w", specPath, err)
		}
	}

	// Every task's configuration is resolved and checked before anything is written.
	cfgs := make([][]byte, 0, len(m.Configs)*len(m.Replicas))
	var valEvery []int // per task, when halving
	for _, c := range m.Configs {
		cfg, err := override(base, m.Keys, c.Params)
		if err != nil {
			return nil, fmt.Errorf("%s: configuration %d: %w", specPath, c.ID, err)
		}
		for r, rep := range m.Replicas {
			cfg.Seed = rep.Seed
			cfg.Model.M = ds.M
			if err := cfg.Validate(); err != nil {
				return nil, fmt.Errorf("%s: configuration %d (%s): %w", specPath, c.ID, c.describe(m.Keys), err)
			}
			if c.ID == 0 && r == 0 {
				m.Epochs = cfg.Train.Epochs
			} else if cfg.Train.Epochs != m.Epochs && spec.Halving != nil {
				return nil, fmt.Errorf("%s: halving: configuration %d has train.epochs %d, configuration 0 %d; halving needs one budget", specPath, c.ID, cfg.Train.Epochs, m.Epochs)
			}
			if spec.Halving != nil {
				valEvery = append(valEvery, cfg.Train.ValEvery)
			}
			y, err := cfg.YAML()
			if err != nil {
				return nil, err
			}
			i := len(cfgs)
			t := Task{Index: i, Config: c.ID, Seed: rep.Seed, Fold: rep.Fold,
				ConfigFile: filepath.Join(configsDir, taskName(i)+".yaml"), Run: filepath.Join(runsDir, taskName(i))}
			if rep.Fold >= 0 {
				t.SplitFile = filepath.Join(foldsDir, fmt.Sprintf("fold-%d.json", rep.Fold))
			}
			m.Tasks = append(m.Tasks, t)
			cfgs = append(cfgs, y)
		}
	}
	m.Rungs, m.Keep = []int{m.Epochs}, []int{len(m.Configs)}
	if h := spec.Halving; h != nil {
		if m.Rungs, m.Keep, err = rungs(h, m.Epochs, len(m.Configs)); err != nil {
			return nil, fmt.Errorf("%s: halving: %w", specPath, err)
		}
		// Halving ranks by the validations up to each rung: one must fall on it.
		for i, ve := range valEvery {
			for _, r := range m.Rungs {
				if ve == 0 || r%ve != 0 && r != m.Epochs {
					return nil, fmt.Errorf("%s: halving: rung at epoch %d is not a multiple of train.val_every (%d) of configuration %d: no validation there to rank by", specPath, r, ve, m.Tasks[i].Config)
				}
			}
		}
	}
	if m.Data, err = relTo(out, dataPath); err != nil {
		return nil, err
	}

	for _, d := range []string{configsDir, foldsDir, runsDir, stateDir, logsDir} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return nil, err
		}
	}
	for i, y := range cfgs {
		if err := fsutil.WriteBytesAtomic(filepath.Join(out, m.Tasks[i].ConfigFile), y); err != nil {
			return nil, err
		}
	}
	for k, f := range folds {
		if err := writeJSON(filepath.Join(out, foldsDir, fmt.Sprintf("fold-%d.json", k)), f); err != nil {
			return nil, err
		}
	}
	specBytes, err := os.ReadFile(specPath)
	if err != nil {
		return nil, err
	}
	if err := fsutil.WriteBytesAtomic(filepath.Join(out, SpecFile), specBytes); err != nil {
		return nil, err
	}
	// The manifest last: its presence says the sweep directory is complete.
	if err := writeJSON(filepath.Join(out, ManifestFile), m); err != nil {
		return nil, err
	}
	return m, nil
}

// expand lists the configurations: the grid's combinations (keys sorted, the last varying
// fastest), each crossed with the random draws.
func expand(s *Spec) (keys []string, cfgs []Config, err error) {
	gridKeys := sortedKeys(s.Grid)
	keys = append(slices.Clone(gridKeys), randomKeys(s.Random)...)
	points := []map[string]any{{}}
	for _, k := range gridKeys {
		var next []map[string]any
		for _, p := range points {
			for _, v := range s.Grid[k] {
				q := make(map[string]any, len(p)+1)
				for pk, pv := range p {
					q[pk] = pv
				}
				q[k] = v
				next = append(next, q)
			}
		}
		points = next
	}
	if r := s.Random; r != nil {
		rng := rand.New(rand.NewPCG(r.Seed, 0x7377656570)) // "sweep"
		draws := make([]map[string]any, r.N)
		for i := range draws {
			draws[i] = make(map[string]any, len(r.Params))
			for _, k := range randomKeys(r) {
				draws[i][k] = r.Params[k].draw(rng)
			}
		}
		var next []map[string]any
		for _, p := range points {
			for _, d := range draws {
				q := make(map[string]any, len(p)+len(d))
				for k, v := range p {
					q[k] = v
				}
				for k, v := range d {
					q[k] = v
				}
				next = append(next, q)
			}
		}
		points = next
	}
	for i, p := range points {
		cfgs = append(cfgs, Config{ID: i, Params: p})
	}
	return keys, cfgs, nil
}

// draw returns one value of the distribution; floats are rounded to 4 significant digits so
// that tables and file names stay readable.
func (d Dist) draw(rng *rand.Rand) any {
	switch {
	case d.Choice != nil:
		return d.Choice[rng.IntN(len(d.Choice))]
	case d.Uniform != nil:
		return round4(d.Uniform[0] + rng.Float64()*(d.Uniform[1]-d.Uniform[0]))
	case d.LogUniform != nil:
		lo, hi := math.Log(d.LogUniform[0]), math.Log(d.LogUniform[1])
		return round4(math.Exp(lo + rng.Float64()*(hi-lo)))
	default:
		return d.Int[0] + rng.IntN(d.Int[1]-d.Int[0]+1)
	}
}

func round4(x float64) float64 {
	if x == 0 {
		return 0
	}
	e := math.Pow(10, 3-math.Floor(math.Log10(math.Abs(x))))
	return math.Round(x*e) / e
}

// makeFolds splits the segments into f.K folds, stratified by f.Stratify when given.
func makeFolds(ds *data.Dataset, f *Folds) ([]Split, error) {
	labels := make([]string, ds.S)
	if f.Stratify != "" {
		v, err := ds.LabelValues(f.Stratify)
		if err != nil {
			return nil, err
		}
		labels = v
	}
	if f.K > ds.S {
		return nil, fmt.Errorf("k = %d folds for %d segments", f.K, ds.S)
	}
	test, err := embed.StratifiedFolds(labels, f.K, f.Seed)
	if err != nil {
		return nil, err
	}
	out := make([]Split, f.K)
	for k, held := range test {
		in := make([]bool, ds.S)
		for _, s := range held {
			in[s] = true
		}
		sp := Split{HeldOut: held, Train: make([]int, 0, ds.S-len(held))}
		for s := range ds.S {
			if !in[s] {
				sp.Train = append(sp.Train, s)
			}
		}
		out[k] = sp
	}
	return out, nil
}

// rungs returns the successive-halving schedule: epochs min·η^r below epochs, then epochs; and
// how many of n configurations run each rung (n, ⌊n/η⌋, …, at least one).
func rungs(h *Halving, epochs, n int) (at, keep []int, err error) {
	if h.MinEpochs >= epochs {
		return nil, nil, fmt.Errorf("min_epochs %d ≥ train.epochs %d: nothing to halve", h.MinEpochs, epochs)
	}
	for e := h.MinEpochs; e < epochs; e *= h.Eta {
		at = append(at, e)
	}
	at = append(at, epochs)
	keep = make([]int, len(at))
	keep[0] = n
	for r := 1; r < len(at); r++ {
		keep[r] = max(1, keep[r-1]/h.Eta)
	}
	return at, keep, nil
}

func (c Config) describe(keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + FormatValue(c.Params[k])
	}
	return strings.Join(parts, " ")
}

// FormatValue writes a setting's value as the table shows it: numbers plainly, lists as JSON.
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return fmt.Sprintf("%g", x)
	case []any, map[string]any:
		b, err := json.Marshal(x)
		if err != nil {
			return fmt.Sprint(x)
		}
		return string(b)
	}
	return fmt.Sprint(v)
}

func taskName(i int) string { return fmt.Sprintf("%04d", i) }

// relTo writes path relative to dir when both are on one tree, so that a sweep directory can
// be moved with its data (to a cluster, a volume); absolute otherwise.
func relTo(dir, path string) (string, error) {
	ad, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	ap, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	if r, err := filepath.Rel(ad, ap); err == nil {
		return r, nil
	}
	return ap, nil
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteBytesAtomic(path, append(b, '\n'))
}

// ReadManifest reads the manifest of sweep directory dir.
func ReadManifest(dir string) (*Manifest, error) {
	path := filepath.Join(dir, ManifestFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: not a planned sweep (%w)", dir, err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(m.Replicas) == 0 || len(m.Tasks) != len(m.Configs)*len(m.Replicas) || len(m.Rungs) == 0 || len(m.Rungs) != len(m.Keep) {
		return nil, fmt.Errorf("%s: inconsistent manifest (%d configurations × %d replicas, %d tasks, %d rungs)", path, len(m.Configs), len(m.Replicas), len(m.Tasks), len(m.Rungs))
	}
	for i, t := range m.Tasks {
		if t.Index != i || t.Config != i/len(m.Replicas) {
			return nil, fmt.Errorf("%s: tasks[%d]: index %d, configuration %d out of order", path, i, t.Index, t.Config)
		}
	}
	return &m, nil
}

// DataPath is the dataset's path as seen from the working directory.
func (m *Manifest) DataPath(dir string) string {
	if filepath.IsAbs(m.Data) {
		return m.Data
	}
	return filepath.Join(dir, m.Data)
}
