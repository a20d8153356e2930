package recipe

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v4"

	"github.com/jedi-neuro/jedi/data/prepare"
	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Axis names of a tensor source.
const (
	AxisTime      = "time"
	AxisNeuron    = "neuron"
	AxisCondition = "condition"
)

// Source says where the trials are in a recording file and how to prepare them. Exactly one of
// Trials and Tensor is set.
type Source struct {
	// File is the recording; LoadSource makes a relative path relative to the recipe's directory.
	File string `yaml:"file"`

	// Trials is the path (formats.Lookup syntax) of a struct array with one element per trial.
	Trials string `yaml:"trials,omitempty"`
	// Counts is the field of each trial holding its neurons × bins spike counts.
	Counts string `yaml:"counts,omitempty"`
	// BinMs is the width in milliseconds of the bins of Counts.
	BinMs float64 `yaml:"bin_ms,omitempty"`
	// Labels maps a dataset label name to the trial field holding it (char or a number).
	Labels map[string]string `yaml:"labels,omitempty"`
	// Prepare is how the trials are cut, binned and smoothed (absent: prepare.DefaultRecipe).
	Prepare *prepare.Recipe `yaml:"prepare,omitempty"`

	// Tensor is the path of a 3-D array of rates, one segment per condition.
	Tensor string `yaml:"tensor,omitempty"`
	// Axes names the tensor's dimensions in file order: a permutation of time, neuron, condition.
	Axes []string `yaml:"axes,omitempty"`
	// DtMs is the tensor's time step in milliseconds.
	DtMs float64 `yaml:"dt_ms,omitempty"`
}

// rawSource is Source as written: prepare stays a YAML node so that it is decoded over
// prepare.DefaultRecipe by prepare.ParseRecipe, and its absence can be told apart.
type rawSource struct {
	File    string            `yaml:"file"`
	Trials  string            `yaml:"trials"`
	Counts  string            `yaml:"counts"`
	BinMs   float64           `yaml:"bin_ms"`
	Labels  map[string]string `yaml:"labels"`
	Prepare yaml.Node         `yaml:"prepare"`
	Tensor  string            `yaml:"tensor"`
	Axes    []string          `yaml:"axes"`
	DtMs    float64           `yaml:"dt_ms"`
}

// ParseSource decodes and validates a YAML source recipe, rejecting unknown keys; name is used
// in error messages. A trials source without prepare gets prepare.DefaultRecipe.
func ParseSource(name string, b []byte) (Source, error) {
	var raw rawSource
	if err := strictyaml.Decode(name, b, &raw); err != nil {
		return Source{}, err
	}
	s := Source{File: raw.File, Trials: raw.Trials, Counts: raw.Counts, BinMs: raw.BinMs,
		Labels: raw.Labels, Tensor: raw.Tensor, Axes: raw.Axes, DtMs: raw.DtMs}
	if raw.Prepare.Kind != 0 {
		pb, err := yaml.Marshal(&raw.Prepare)
		if err != nil {
			return Source{}, fmt.Errorf("%s: prepare: %w", name, err)
		}
		r, err := prepare.ParseRecipe(name+": prepare", pb)
		if err != nil {
			return Source{}, err
		}
		s.Prepare = &r
	} else if s.Trials != "" {
		r := prepare.DefaultRecipe()
		s.Prepare = &r
	}
	if err := s.Validate(); err != nil {
		return Source{}, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// LoadSource reads a YAML source recipe and makes its file path relative to the recipe's
// directory absolute.
func LoadSource(path string) (Source, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Source{}, err
	}
	s, err := ParseSource(path, b)
	if err != nil {
		return Source{}, err
	}
	if !filepath.IsAbs(s.File) {
		abs, err := filepath.Abs(filepath.Join(filepath.Dir(path), s.File))
		if err != nil {
			return Source{}, err
		}
		s.File = abs
	}
	return s, nil
}

// Validate checks every field and names the first wrong one.
func (s *Source) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("source: %s: %s", field, fmt.Sprintf(format, args...))
	}
	positive := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	switch {
	case s.File == "":
		return bad("file", "missing")
	case (s.Trials == "") == (s.Tensor == ""):
		return bad("trials/tensor", "give exactly one")
	}
	if s.Tensor != "" {
		switch {
		case s.Counts != "" || s.BinMs != 0 || len(s.Labels) > 0 || s.Prepare != nil:
			return bad("tensor", "counts, bin_ms, labels and prepare apply to trials sources only")
		case !positive(s.DtMs):
			return bad("dt_ms", "%g, want > 0", s.DtMs)
		}
		want := []string{AxisCondition, AxisNeuron, AxisTime}
		got := slices.Sorted(slices.Values(s.Axes))
		if !slices.Equal(got, want) {
			return bad("axes", "%v, want a permutation of [time neuron condition]", s.Axes)
		}
		return nil
	}
	switch {
	case s.Axes != nil || s.DtMs != 0:
		return bad("trials", "axes and dt_ms apply to tensor sources only")
	case s.Counts == "":
		return bad("counts", "missing: the field of each trial holding neurons × bins counts")
	case !positive(s.BinMs):
		return bad("bin_ms", "%g, want > 0", s.BinMs)
	case s.Prepare == nil:
		return bad("prepare", "missing")
	}
	for name, field := range s.Labels {
		if name == "" || field == "" {
			return bad("labels", "%q: %q, want a label name and a field", name, field)
		}
	}
	return s.Prepare.Validate()
}

// YAML returns the source with every field spelled out, for saving beside the prepared data.
func (s *Source) YAML() ([]byte, error) {
	return strictyaml.Encode(s)
}
