package model

import (
	"math"

	"go.yaml.in/yaml/v4"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Cell is the network's nonlinearity φ, r_t = φ(x_t), in
//
//	x_{t+1} = (1 − α) x_t + α (W φ(x_t) + b + B u_t),   ŷ_t = C φ(x_t) + c.
//
// The empty value is CellTanh, so that configurations written before the option existed keep
// their meaning.
type Cell string

const (
	// CellTanh is φ = tanh, the rate network of JEDI (the default).
	CellTanh Cell = "tanh"
	// CellLinear is φ = identity: a linear dynamical system, the standard LDS baseline, whose
	// Jacobian (1 − α) I + α W is the same at every state, with eigenvalues 1 − α + α λ(W).
	CellLinear Cell = "linear"
)

// Values lists the valid cells.
func (Cell) Values() []Cell { return []Cell{CellTanh, CellLinear} }

// UnmarshalYAML decodes and checks a cell name; an empty one is tanh.
func (c *Cell) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == "" {
		*c = CellTanh
		return nil
	}
	return strictyaml.DecodeOption(n, c, "cell")
}

// MarshalYAML writes the cell's name, tanh for the empty value, so that a configuration written
// out says which cell it ran.
func (c Cell) MarshalYAML() (any, error) {
	if c == "" {
		return string(CellTanh), nil
	}
	return string(c), nil
}

// Phi returns φ(x).
func (c Cell) Phi(x float64) float64 {
	if c == CellLinear {
		return x
	}
	return math.Tanh(x)
}

// Slope returns φ'(x) from r = φ(x): 1 − r² for tanh, 1 for the linear cell.
func (c Cell) Slope(r float64) float64 {
	if c == CellLinear {
		return 1
	}
	return 1 - r*r
}
