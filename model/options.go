package model

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// The model's choices among named alternatives are typed: each type lists its valid values in
// one place (Values), and decoding YAML checks the value there, so that a misspelt choice is an
// error that says what would have been accepted. Adding an alternative is one constant here and
// its case where the choice acts.

// Loss is the likelihood the readout is fitted under.
type Loss string

const (
	// Gaussian is the mean squared error of ŷ against y.
	Gaussian Loss = "gaussian"
	// Poisson is the Poisson negative log-likelihood of counts y at the rate softplus(ŷ).
	Poisson Loss = "poisson"
)

// Values lists the valid losses.
func (Loss) Values() []Loss { return []Loss{Gaussian, Poisson} }

// ReadoutKind is the form of the readout.
type ReadoutKind string

const (
	// Linear is ŷ = C tanh(x) + c with C and c learned.
	Linear ReadoutKind = "linear"
	// Identity is ŷ = tanh(x)[:M], the data-constrained RNN whose first M units are the
	// recorded neurons.
	Identity ReadoutKind = "identity"
)

// Values lists the valid readouts.
func (ReadoutKind) Values() []ReadoutKind { return []ReadoutKind{Linear, Identity} }

// InitialState is how a segment's x_0 is obtained.
type InitialState string

const (
	// Learned gives every segment its own x_0, a free parameter.
	Learned InitialState = "learned"
	// Encoder computes x_0 = A vec(y_{0..K−1}) + a from the first K bins, a shared map usable
	// on unseen segments.
	Encoder InitialState = "encoder"
	// Zero starts every segment at x_0 = 0, as a task-trained network starts every trial.
	Zero InitialState = "zero"
)

// Values lists the valid initial states.
func (InitialState) Values() []InitialState { return []InitialState{Learned, Encoder, Zero} }

// option is a named choice with a closed set of values.
type option[T ~string] interface {
	~string
	Values() []T
}

// CheckOption returns an error naming field and the valid values unless v is one of them.
func CheckOption[T option[T]](field string, v T) error {
	valid := v.Values()
	if slices.Contains(valid, v) {
		return nil
	}
	names := make([]string, len(valid))
	for i, s := range valid {
		names[i] = string(s)
	}
	return fmt.Errorf("%s: %q, want one of %s", field, string(v), strings.Join(names, ", "))
}

// decodeOption decodes a YAML scalar into *dst and checks it, naming the line on error.
func decodeOption[T option[T]](node *yaml.Node, dst *T, field string) error {
	var s string
	if err := node.Decode(&s); err != nil {
		return err
	}
	if err := CheckOption(field, T(s)); err != nil {
		return fmt.Errorf("line %d: %w", node.Line, err)
	}
	*dst = T(s)
	return nil
}

// UnmarshalYAML decodes and checks a loss name.
func (l *Loss) UnmarshalYAML(n *yaml.Node) error { return decodeOption(n, l, "loss") }

// UnmarshalYAML decodes and checks a readout name.
func (r *ReadoutKind) UnmarshalYAML(n *yaml.Node) error { return decodeOption(n, r, "readout") }

// UnmarshalYAML decodes and checks an initial-state name.
func (s *InitialState) UnmarshalYAML(n *yaml.Node) error {
	return decodeOption(n, s, "initial_state")
}
