// Package sweep plans, runs and gathers sweeps: many ordinary `jedi fit` runs over a grid or a
// random draw of configuration settings, several seeds and k-fold cross-validation over
// segments, each task into its own run directory, scored on held-out segments.
//
// A sweep directory holds
//
//	sweep.yaml        the specification it was planned from
//	manifest.json     the resolved plan: swept keys, configurations, tasks, halving rungs
//	configs/NNNN.yaml one resolved configuration per task, ready for `jedi fit --config`
//	folds/fold-K.json the train / held-out segments of fold K (as `jedi fit --split` reads them)
//	runs/NNNN/        task NNNN's run directory, written by `jedi fit`
//	state/NNNN.json   task NNNN's state: running, paused, done or failed, its scores and cost
//	logs/NNNN.log     task NNNN's `jedi fit` and `jedi eval` output
//
// The backends only decide where tasks run: locally (Run), as a Slurm array (package
// sweep/slurm) or as a Kubernetes Indexed Job (package sweep/kube). Every one of them executes
// `jedi sweep task`, which runs one task (RunTask).
package sweep

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Spec is sweep.yaml, what a user writes.
type Spec struct {
	// Data is the dataset (.npz), relative to the spec file (or given by jedi sweep plan --data).
	Data string `yaml:"data"`
	// Config is an optional configuration YAML over the defaults, relative to the spec file.
	Config string `yaml:"config"`
	// Set holds settings fixed for every task, by dotted key (train.epochs: 100).
	Set map[string]any `yaml:"set"`
	// Grid holds the swept settings, by dotted key, each with its list of values; every
	// combination is one configuration. Keys are combined in sorted order, the last fastest.
	Grid map[string][]any `yaml:"grid"`
	// Random draws configurations at random, crossed with the grid when both are given.
	Random *Random `yaml:"random"`
	// Seeds are the seeds each configuration is fitted with (default [1]).
	Seeds []uint64 `yaml:"seeds"`
	// Folds, when given, replaces the seeded held-out split by k-fold cross-validation.
	Folds *Folds `yaml:"folds"`
	// Halving, when given, stops poor configurations early by successive halving.
	Halving *Halving `yaml:"halving"`
	// DecodeLabel, when given, also scores each finished task by how well its embeddings
	// decode this label (`jedi analyze embeddings --label`).
	DecodeLabel string `yaml:"decode_label"`
	// Resources are what one task asks of a scheduler.
	Resources Resources `yaml:"resources"`
	// Slurm and Kubernetes hold what only that backend needs.
	Slurm      Slurm      `yaml:"slurm"`
	Kubernetes Kubernetes `yaml:"kubernetes"`
}

// Random is a random search: N configurations, each key drawn from its distribution.
type Random struct {
	N      int             `yaml:"n"`
	Seed   uint64          `yaml:"seed"`
	Params map[string]Dist `yaml:"params"`
}

// Dist is one key's distribution; exactly one field is set.
type Dist struct {
	// Choice draws one of the values uniformly.
	Choice []any `yaml:"choice"`
	// Uniform is [lo, hi); LogUniform is [lo, hi) uniform in log; Int is lo…hi inclusive.
	Uniform    []float64 `yaml:"uniform"`
	LogUniform []float64 `yaml:"log_uniform"`
	Int        []int     `yaml:"int"`
}

// Folds is k-fold cross-validation over segments: fold k holds out the k-th part, trains on
// the rest. Stratify names a label whose values are spread evenly over the folds.
type Folds struct {
	K        int    `yaml:"k"`
	Stratify string `yaml:"stratify"`
	Seed     uint64 `yaml:"seed"`
}

// Halving is successive halving: every configuration runs MinEpochs epochs, the best 1/Eta
// (by mean held-out R² over its seeds and folds) continue from their checkpoints to
// MinEpochs·Eta, and so on up to train.epochs. The learning-rate schedule stays that of the
// full train.epochs, so that a configuration that runs to the end is exactly the fit it would
// have been without pauses.
type Halving struct {
	Eta       int `yaml:"eta"`
	MinEpochs int `yaml:"min_epochs"`
}

// Resources are one task's needs. CPUs is also the number of threads each fit uses
// (GOMAXPROCS).
type Resources struct {
	CPUs int `yaml:"cpus"`
	// Memory is in Slurm's notation (500M, 2G); Time is a Slurm time limit (HH:MM:SS).
	Memory string `yaml:"memory"`
	Time   string `yaml:"time"`
}

// Slurm holds the sbatch settings of the slurm backend.
type Slurm struct {
	Partition string `yaml:"partition"`
	Account   string `yaml:"account"`
	// Jedi is the jedi executable on the cluster (default: the one planning the sweep).
	Jedi string `yaml:"jedi"`
	// Setup lines run before each task (module load, …).
	Setup []string `yaml:"setup"`
	// Extra are further #SBATCH options, as written after "#SBATCH ".
	Extra []string `yaml:"extra"`
	// MaxParallel caps how many array tasks run at once (the %N of --array), 0 for no cap.
	MaxParallel int `yaml:"max_parallel"`
}

// Kubernetes holds the Indexed Job settings of the kubernetes backend.
type Kubernetes struct {
	Name      string `yaml:"name"`
	Namespace string `yaml:"namespace"`
	// Image holds the jedi executable (as "jedi" on its PATH unless Jedi says otherwise).
	Image string `yaml:"image"`
	Jedi  string `yaml:"jedi"`
	// Claim is the PersistentVolumeClaim holding the sweep directory and the data, mounted
	// at MountPath; SweepPath is the sweep directory's path inside the pod.
	Claim     string `yaml:"claim"`
	MountPath string `yaml:"mount_path"`
	SweepPath string `yaml:"sweep_path"`
	// Parallelism is how many pods run at once (default: all).
	Parallelism int `yaml:"parallelism"`
	// BackoffLimitPerIndex is how often a failed index is retried.
	BackoffLimitPerIndex int `yaml:"backoff_limit_per_index"`
}

// LoadSpec reads and checks sweep.yaml; unknown keys are errors. noData allows a spec without
// data, given elsewhere.
func LoadSpec(path string, noData bool) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Spec
	if err := strictyaml.Decode(path, b, &s); err != nil {
		return nil, err
	}
	if err := s.validate(path, noData); err != nil {
		return nil, err
	}
	return &s, nil
}

// validate checks what can be checked without the data, naming the file and the field.
func (s *Spec) validate(name string, noData bool) error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%s: %s: %s", name, field, fmt.Sprintf(format, args...))
	}
	if s.Data == "" && !noData {
		return bad("data", "missing: the dataset to fit")
	}
	for _, k := range sortedKeys(s.Grid) {
		if len(s.Grid[k]) == 0 {
			return bad("grid."+k, "no values")
		}
		if _, ok := s.Set[k]; ok {
			return bad("grid."+k, "also in set")
		}
	}
	if r := s.Random; r != nil {
		if r.N < 1 {
			return bad("random.n", "%d, want ≥ 1", r.N)
		}
		if len(r.Params) == 0 {
			return bad("random.params", "none")
		}
		for _, k := range sortedKeys(r.Params) {
			if _, ok := s.Grid[k]; ok {
				return bad("random.params."+k, "also in grid")
			}
			if _, ok := s.Set[k]; ok {
				return bad("random.params."+k, "also in set")
			}
			if err := r.Params[k].check(); err != nil {
				return bad("random.params."+k, "%v", err)
			}
		}
	}
	for i, seed := range s.Seeds {
		if slices.Contains(s.Seeds[:i], seed) {
			return bad(fmt.Sprintf("seeds[%d]", i), "%d repeated", seed)
		}
	}
	for _, k := range append(append(sortedKeys(s.Set), sortedKeys(s.Grid)...), randomKeys(s.Random)...) {
		if k == "seed" {
			return bad(k, "set seeds with the seeds list")
		}
	}
	if f := s.Folds; f != nil && f.K < 2 {
		return bad("folds.k", "%d, want ≥ 2", f.K)
	}
	if h := s.Halving; h != nil {
		if h.Eta < 2 {
			return bad("halving.eta", "%d, want ≥ 2", h.Eta)
		}
		if h.MinEpochs < 1 {
			return bad("halving.min_epochs", "%d, want ≥ 1", h.MinEpochs)
		}
	}
	if s.Resources.CPUs < 0 {
		return bad("resources.cpus", "%d, want ≥ 1", s.Resources.CPUs)
	}
	if s.Resources.CPUs == 0 {
		s.Resources.CPUs = 1
	}
	if s.Slurm.MaxParallel < 0 {
		return bad("slurm.max_parallel", "%d, want ≥ 0", s.Slurm.MaxParallel)
	}
	return nil
}

func (d Dist) check() error {
	n := 0
	for _, set := range []bool{d.Choice != nil, d.Uniform != nil, d.LogUniform != nil, d.Int != nil} {
		if set {
			n++
		}
	}
	switch {
	case n != 1:
		return fmt.Errorf("give exactly one of choice, uniform, log_uniform, int")
	case d.Choice != nil && len(d.Choice) == 0:
		return fmt.Errorf("choice: no values")
	case d.Uniform != nil && (len(d.Uniform) != 2 || !(d.Uniform[0] < d.Uniform[1])):
		return fmt.Errorf("uniform: %v, want [lo, hi] with lo < hi", d.Uniform)
	case d.LogUniform != nil && (len(d.LogUniform) != 2 || !(d.LogUniform[0] > 0 && d.LogUniform[0] < d.LogUniform[1])):
		return fmt.Errorf("log_uniform: %v, want [lo, hi] with 0 < lo < hi", d.LogUniform)
	case d.Int != nil && (len(d.Int) != 2 || d.Int[0] > d.Int[1]):
		return fmt.Errorf("int: %v, want [lo, hi] with lo ≤ hi", d.Int)
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func randomKeys(r *Random) []string {
	if r == nil {
		return nil
	}
	return sortedKeys(r.Params)
}

// resolve returns path relative to the directory of the file base, unless it is absolute.
func resolve(base, path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(filepath.Dir(base), path)
}

// dotted reports whether k looks like a configuration key path (section.key or key).
func dotted(k string) bool {
	return k != "" && !strings.HasPrefix(k, ".") && !strings.HasSuffix(k, ".") && !strings.Contains(k, "..")
}
