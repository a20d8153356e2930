// Package plugin is the interface between the analyses of a fitted run and what runs them:
// the Plugin and Result interfaces, their registry, and the Context a plug-in runs on (the
// fitted model, its data, the segments with their embeddings and initial states). The shipped
// analyses live in packages of their own under plugins/; `jedi analyze`, `jedi report` and the
// demo (package pipeline) run whatever is registered.
package plugin

import (
	"fmt"
	"io"
	"slices"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// Plugin is one analysis of a fitted run. Every plug-in is registered once (Register); `jedi
// analyze NAME` is then a sub-command with the plug-in's flags, and `jedi report` and the demo
// (Analyze) run every registered plug-in whose Report method says so, in registration order. A
// new analysis is thus its own package, which implements Plugin and Result and calls Register
// from an init function, plus one line that imports it (a blank import in cmd/jedi/main.go;
// see docs/extending.md).
type Plugin interface {
	// Name is the verb of `jedi analyze`, the stem of the files the result writes and the key of
	// its numbers in analysis.json.
	Name() string
	// Short is the one-line description shown by `jedi analyze --help`.
	Short() string
	// Flags binds the plug-in's options to fs. The values they hold before parsing are the
	// defaults, which `jedi report` and the demo use.
	Flags(fs *pflag.FlagSet)
	// Report says whether `jedi report` and the demo run the plug-in.
	Report() bool
	// Run computes the analysis. A nil Result with a nil error means that the analysis does
	// not apply to this run (e.g. no held-out segments); Run logs why.
	Run(c *Context) (Result, error)
}

// HeldOutInference is implemented by the plug-ins that may infer the held-out segments'
// embeddings (Context.Embeddings, Context.Segments with heldOut); `jedi analyze` gives them a
// --steps flag for Context.InferSteps.
type HeldOutInference interface {
	Plugin
	InfersHeldOut()
}

// Result is what a plug-in computed.
type Result interface {
	// Write saves the numbers (NAME.json with a "meaning" field where needed, NAME.npz) and
	// the figures (PNG and SVG) in dir and returns the figures.
	Write(dir string) ([]report.Figure, error)
	// Section is the result's part of the HTML report, given the figures Write returned, and
	// its headline numbers for the report's table of metrics.
	Section(figs []report.Figure) (report.Section, []report.Metric)
	// Print writes the summary lines `jedi analyze` prints.
	Print(w io.Writer)
}

// registry holds the constructors of the registered plug-ins, in registration order. Each call
// of Plugins makes fresh plug-ins, so that options bound to one command's flags do not leak
// into another's.
var registry []func() Plugin

// Register adds a plug-in. It panics when the name is empty or already taken: registration
// happens in init functions, where a clash is a programming error.
func Register(newPlugin func() Plugin) {
	name := newPlugin().Name()
	if name == "" {
		panic("plugin: Register: a plug-in without a name")
	}
	for _, p := range Plugins() {
		if p.Name() == name {
			panic(fmt.Sprintf("plugin: Register: plug-in %q registered twice", name))
		}
	}
	registry = append(registry, newPlugin)
}

// Plugins returns a fresh instance of every registered plug-in, in registration order.
func Plugins() []Plugin {
	out := make([]Plugin, len(registry))
	for i, f := range registry {
		out[i] = f()
	}
	return out
}

// Context is what a plug-in runs on: a fitted run, its data, the label its segments are
// grouped by, and what earlier plug-ins computed. Segments and embeddings are computed once and
// shared.
type Context struct {
	Fitted *train.Fitted
	Data   *data.Dataset
	// Label groups the segments (ChooseLabel).
	Label string
	// InferSteps is the number of Adam steps of any inference of held-out segments.
	InferSteps int

	emb     *Embeddings
	segs    map[bool]*Segments
	results map[string]Result
}

// NewContext returns the context of run f on ds grouped by label.
func NewContext(f *train.Fitted, ds *data.Dataset, label string, inferSteps int) *Context {
	return &Context{Fitted: f, Data: ds, Label: label, InferSteps: inferSteps, segs: map[bool]*Segments{}, results: map[string]Result{}}
}

// Embeddings returns every segment's embedding, the held-out ones inferred (SegmentEmbeddings).
func (c *Context) Embeddings() (*Embeddings, error) {
	if c.emb == nil {
		e, err := SegmentEmbeddings(c.Fitted, c.Data, c.InferSteps)
		if err != nil {
			return nil, err
		}
		c.emb = e
	}
	return c.emb, nil
}

// Segments returns the training segments with their embeddings and initial states, and with
// heldOut also the held-out ones with theirs inferred.
func (c *Context) Segments(heldOut bool) (*Segments, error) {
	heldOut = heldOut && len(c.Fitted.HeldOut) > 0
	if s, ok := c.segs[heldOut]; ok {
		return s, nil
	}
	var s *Segments
	var err error
	if heldOut {
		var inf *train.Inferred
		if inf, err = train.Infer(c.Fitted, c.Data, c.Fitted.HeldOut, c.InferSteps); err == nil {
			s, err = AllSegments(c.Fitted, c.Data, inf)
		}
	} else {
		s, err = TrainingSegments(c.Fitted, c.Data)
	}
	if err != nil {
		return nil, err
	}
	c.segs[heldOut] = s
	return s, nil
}

// Result returns what the plug-in named name computed earlier in this context, or nil.
func (c *Context) Result(name string) Result { return c.results[name] }

// Run runs plug-in p, keeping its result for the plug-ins after it.
func (c *Context) Run(p Plugin) (Result, error) {
	r, err := p.Run(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.Name(), err)
	}
	if r != nil {
		c.results[p.Name()] = r
	}
	return r, nil
}

// Names returns the names of the registered plug-ins.
func Names() []string {
	var out []string
	for _, p := range Plugins() {
		out = append(out, p.Name())
	}
	return slices.Clip(out)
}
