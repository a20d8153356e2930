package model

import (
	"go.yaml.in/yaml/v4"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
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

// UnmarshalYAML decodes and checks a loss name.
func (l *Loss) UnmarshalYAML(n *yaml.Node) error { return strictyaml.DecodeOption(n, l, "loss") }

// UnmarshalYAML decodes and checks a readout name.
func (r *ReadoutKind) UnmarshalYAML(n *yaml.Node) error {
	return strictyaml.DecodeOption(n, r, "readout")
}

// UnmarshalYAML decodes and checks an initial-state name.
func (s *InitialState) UnmarshalYAML(n *yaml.Node) error {
	return strictyaml.DecodeOption(n, s, "initial_state")
}

// DType is the element type the model is trained and evaluated in.
type DType string

const (
	// Float32 is fast: the default.
	Float32 DType = "float32"
	// Float64 is for gradient checks and for problems that need the precision.
	Float64 DType = "float64"
)

// Values lists the valid element types.
func (DType) Values() []DType { return []DType{Float32, Float64} }

// UnmarshalYAML decodes and checks an element-type name.
func (d *DType) UnmarshalYAML(n *yaml.Node) error { return strictyaml.DecodeOption(n, d, "dtype") }
