package train

import (
	"go.yaml.in/yaml/v4"

	"github.com/jedi-neuro/jedi/internal/strictyaml"
)

// Schedule is the learning-rate schedule (see Options.Schedule and lr).
type Schedule string

const (
	// Constant keeps the learning rate fixed.
	Constant Schedule = "constant"
	// Cosine warms up linearly, then decays along a half cosine to MinLRRatio × the peak.
	Cosine Schedule = "cosine"
)

// Values lists the valid schedules.
func (Schedule) Values() []Schedule { return []Schedule{Constant, Cosine} }

// UnmarshalYAML decodes and checks a schedule name.
func (s *Schedule) UnmarshalYAML(n *yaml.Node) error {
	return strictyaml.DecodeOption(n, s, "schedule")
}
