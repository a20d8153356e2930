// Package plugins registers the analyses shipped with jedi (package plugin), in the order the
// report shows them: fixed points before the spectra, which take the Jacobians at them. Each
// analysis is a package of its own below this one; a new one is its package plus one line
// here (or its own Register call in an init function, imported for its side effect).
package plugins

import (
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/embeddings"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/plugins/generalization"
	"github.com/jedi-neuro/jedi/plugins/lyapunov"
	"github.com/jedi-neuro/jedi/plugins/noise"
	"github.com/jedi-neuro/jedi/plugins/sessions"
	"github.com/jedi-neuro/jedi/plugins/spectra"
)

func init() {
	plugin.Register(embeddings.New)
	plugin.Register(generalization.New)
	plugin.Register(noise.New)
	plugin.Register(fixedpoints.New)
	plugin.Register(spectra.New)
	plugin.Register(lyapunov.New)
	plugin.Register(sessions.New)
}
