package contrast

import (
	"bytes"
	"fmt"
	"os"
	"slices"

	"go.yaml.in/yaml/v4"

	"github.com/jedi-neuro/jedi/data"
)

// Options returns the measurement options of the configuration.
func (c *Config) Options() Options {
	return Options{UnitTol: c.UnitTol, LyapSteps: c.LyapSteps, LyapBurn: c.LyapBurn,
		FixedPoints: c.Contrasts, FixedPointStarts: c.FixedPointStarts, Seed: c.Seed}
}

// Config says what to compare. Every field has a documented default (DefaultConfig), and a YAML
// file overrides any subset (unknown keys are errors).
type Config struct {
	// UnitTol, LyapSteps and LyapBurn set the measures (see Options).
	UnitTol   float64 `yaml:"unit_tol" json:"unit_tol"`
	LyapSteps int     `yaml:"lyap_steps" json:"lyap_steps"`
	LyapBurn  int     `yaml:"lyap_burn" json:"lyap_burn"`
	// FixedPointStarts is the number of fixed-point searches per centroid network (0: no
	// fixed points; default 128).
	FixedPointStarts int `yaml:"fixed_point_starts" json:"fixed_point_starts"`
	// Level is the confidence level of the intervals (default 0.95) and Alpha the level of the
	// tests (default 0.05).
	Level float64 `yaml:"level" json:"level"`
	Alpha float64 `yaml:"alpha" json:"alpha"`
	// Bootstrap is the number of bootstrap resamples (default 4000), Permutations the number
	// of label permutations of the permutation tests (default 2000).
	Bootstrap    int `yaml:"bootstrap" json:"bootstrap"`
	Permutations int `yaml:"permutations" json:"permutations"`
	// Seed draws the resamples and permutations.
	Seed uint64 `yaml:"seed" json:"seed"`
	// Contrasts are compared in every run, each with its claims.
	Contrasts []Spec `yaml:"contrasts" json:"contrasts"`
	// Decode, when set, decodes labels from the embeddings of a subset of segments.
	Decode *DecodeSpec `yaml:"decode,omitempty" json:"decode,omitempty"`
}

// Spec is one contrast: the segments with Label = A against those with Label = B, among the
// segments whose labels match Within (all when empty).
type Spec struct {
	Name   string            `yaml:"name" json:"name"`
	Label  string            `yaml:"label" json:"label"`
	A      string            `yaml:"a" json:"a"`
	B      string            `yaml:"b" json:"b"`
	Within map[string]string `yaml:"within,omitempty" json:"within,omitempty"`
	Claims []Claim           `yaml:"claims" json:"claims"`
}

// Claim expects mean(A) − mean(B) of one measure to be positive (Expect "greater"), negative
// ("less") or non-zero ("differ").
type Claim struct {
	Claim   string `yaml:"claim" json:"claim"`
	Measure string `yaml:"measure" json:"measure"`
	Expect  string `yaml:"expect" json:"expect"`
}

// DecodeSpec decodes each of Labels from the embeddings of the segments matching Within, by
// Folds-fold cross-validated logistic regression (analysis/embed).
type DecodeSpec struct {
	Within map[string]string `yaml:"within,omitempty" json:"within,omitempty"`
	Labels []string          `yaml:"labels" json:"labels"`
	Folds  int               `yaml:"folds" json:"folds"`
}

// DefaultConfig returns the defaults, with no contrasts.
func DefaultConfig() Config {
	return Config{UnitTol: 0.05, LyapSteps: 400, LyapBurn: 200, FixedPointStarts: 128, Level: 0.95, Alpha: 0.05, Bootstrap: 4000, Permutations: 2000, Seed: 1}
}

// ReadConfig reads a YAML configuration over the defaults and validates it.
func ReadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return DefaultConfig(), err
	}
	return ParseConfig(path, b)
}

// ParseConfig reads the YAML configuration b (named name in errors) over the defaults and
// validates it.
func ParseConfig(name string, b []byte) (Config, error) {
	c := DefaultConfig()
	path := name
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	if err := c.Validate(); err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Validate checks every field and names the first wrong one.
func (c *Config) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("contrast: %s: %s", field, fmt.Sprintf(format, args...))
	}
	switch {
	case !(c.UnitTol > 0):
		return bad("unit_tol", "%g, want > 0", c.UnitTol)
	case c.FixedPointStarts < 0:
		return bad("fixed_point_starts", "%d, want ≥ 0", c.FixedPointStarts)
	case c.LyapSteps < 1 || c.LyapBurn < 0:
		return bad("lyap_steps", "%d and lyap_burn %d, want ≥ 1 and ≥ 0", c.LyapSteps, c.LyapBurn)
	case !(c.Level > 0 && c.Level < 1):
		return bad("level", "%g, want in (0, 1)", c.Level)
	case !(c.Alpha > 0 && c.Alpha < 1):
		return bad("alpha", "%g, want in (0, 1)", c.Alpha)
	case c.Bootstrap < 100:
		return bad("bootstrap", "%d, want ≥ 100", c.Bootstrap)
	case c.Permutations < 100:
		return bad("permutations", "%d, want ≥ 100", c.Permutations)
	case len(c.Contrasts) == 0:
		return bad("contrasts", "none; want at least one")
	}
	for i, s := range c.Contrasts {
		f := fmt.Sprintf("contrasts[%d]", i)
		switch {
		case s.Name == "":
			return bad(f, "no name")
		case s.Label == "" || s.A == "" || s.B == "" || s.A == s.B:
			return bad(f+" ("+s.Name+")", "label %q, a %q, b %q: want a label and two different values", s.Label, s.A, s.B)
		}
		for j, cl := range s.Claims {
			g := fmt.Sprintf("%s.claims[%d]", f, j)
			if !slices.Contains(Measures, cl.Measure) {
				return bad(g, "measure %q, want one of %v", cl.Measure, Measures)
			}
			if cl.Expect != Greater && cl.Expect != Less && cl.Expect != Differ {
				return bad(g, "expect %q, want greater, less or differ", cl.Expect)
			}
		}
	}
	if d := c.Decode; d != nil {
		if len(d.Labels) == 0 {
			return bad("decode.labels", "none")
		}
		if d.Folds < 2 {
			return bad("decode.folds", "%d, want ≥ 2", d.Folds)
		}
	}
	return nil
}

// What a claim expects of mean(A) − mean(B).
const (
	Greater = "greater"
	Less    = "less"
	Differ  = "differ"
)

// OrderNotes returns a note for every contrast whose value a comes after b in ds's order of
// its label (data.Dataset.GroupIndex: the order the data declare, which every figure and legend
// of a run follows): the contrast's tables, which list a before b, then read against the
// figures. Listing a and b in the data's order, or declaring the data's order (a recipe's
// epochs, its order:), avoids it. A contrast whose label or values ds lacks gets no note.
func (c *Config) OrderNotes(ds *data.Dataset) []string {
	var notes []string
	for i, s := range c.Contrasts {
		groups, _, err := ds.GroupIndex(s.Label)
		if err != nil {
			continue
		}
		a, b := slices.Index(groups, s.A), slices.Index(groups, s.B)
		if a >= 0 && b >= 0 && a > b {
			notes = append(notes, fmt.Sprintf("contrasts[%d] (%s): a = %q comes after b = %q in the data's order of %s (%v): its tables list %q first, the figures and legends of the runs %q",
				i, s.Name, s.A, s.B, s.Label, groups, s.A, s.B))
		}
	}
	return notes
}

// matches reports whether a segment's labels match every entry of within.
func matches(labels, within map[string]string) bool {
	for k, v := range within {
		if labels[k] != v {
			return false
		}
	}
	return true
}
