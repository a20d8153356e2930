// Package pipeline orchestrates the analysis of a fitted JEDI model: the standard analysis of
// a run (Analyze: reconstruction, embeddings, the spectra of the weights and every registered
// analysis plug-in), its HTML report, the export, the demo and the reproduction of the paper's
// claims, so that `jedi demo`, `jedi analyze` and `jedi report` share one implementation. The
// analyses themselves are plug-ins (package plugin) in packages of their own (plugins/...).
package pipeline

import (
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sort"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/analysis/embed"
	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/plugin"
	_ "github.com/jedi-neuro/jedi/plugins" // the shipped analyses
	"github.com/jedi-neuro/jedi/plugins/embeddings"
	"github.com/jedi-neuro/jedi/plugins/spectra"
	"github.com/jedi-neuro/jedi/report"
	"github.com/jedi-neuro/jedi/train"
)

// Options choose what the standard analysis of a run looks at.
type Options struct {
	// Label colours the embeddings, is decoded from them, and groups the spectra; empty picks
	// "task" if the data have it, else the first label in name order.
	Label string
	// InferSteps is the number of steps used to infer held-out embeddings (0: the config's).
	InferSteps int
	// Folds of the cross-validated classification, and Seed of its folds.
	Folds int
	Seed  uint64
	// UnitTol is the distance to |λ| = 1 counted as "near the unit circle" in the summaries of
	// the spectra of W.
	UnitTol float64
	// Skip names registered plug-ins not to run.
	Skip []string
	// Args are command-line arguments for the plug-ins, by name, parsed by their flags as
	// `jedi analyze NAME` parses them (e.g. {"noise": {"--repeats", "1"}}).
	Args map[string][]string
}

// DefaultOptions: 5 folds, seed 1, tolerance 0.05, every plug-in with its defaults. On the
// default multi-task run (6 tasks, 60 held-out trials, rank 4) the plug-ins add about a minute
// on 2 cores.
func DefaultOptions() Options {
	return Options{Folds: 5, Seed: 1, UnitTol: 0.05}
}

// Analysis is the standard analysis of a fitted run.
type Analysis struct {
	Fitted  *train.Fitted
	Data    *data.Dataset
	Label   string
	Labels  []string // the label value of each segment
	History []train.Record

	// R2Train and R2HeldOut are the reconstruction R² (held-out: embeddings inferred).
	R2Train, R2HeldOut float64
	R2PerNeuronHeldOut []float64
	Train              *train.Inferred
	Emb                *plugin.Embeddings
	Map                *embeddings.Map
	PCA                [][2]float64
	PCAExplained       []float64
	Classification     []*embed.Classification
	Spectra            []spectra.GroupSpectrum
	InferSteps         int

	// Names and Results are the plug-ins that ran and what they found, in order (a plug-in
	// that did not apply to the run has no entry).
	Names   []string
	Results []plugin.Result

	// Provenance heads the report (Provenance); nil: made by WriteReport without the
	// command line.
	Provenance []report.Metric
}

// ChooseLabel returns want after checking that ds has it; empty want picks "task" when ds has
// that label, else the first label in name order.
func ChooseLabel(ds *data.Dataset, want string) (string, error) {
	if want != "" {
		_, err := ds.LabelValues(want)
		return want, err
	}
	if _, ok := ds.Labels["task"]; ok {
		return "task", nil
	}
	names := make([]string, 0, len(ds.Labels))
	for k := range ds.Labels {
		names = append(names, k)
	}
	if len(names) == 0 {
		return "", fmt.Errorf("%s: the data have no labels to analyse embeddings by", ds.Source)
	}
	sort.Strings(names)
	return names[0], nil
}

// UnlabelledLabel is the label Unlabelled gives data without labels, and UnlabelledValue its
// one value.
const (
	UnlabelledLabel = "group"
	UnlabelledValue = "all"
)

// Unlabelled returns a shallow copy of ds whose every segment has the value "all" of the label
// "group", so that the analyses that group segments by a label run on data without labels (one
// group; nothing to decode). ds itself is not changed.
func Unlabelled(ds *data.Dataset) *data.Dataset {
	c := *ds
	values := make([]string, ds.S)
	for s := range values {
		values[s] = UnlabelledValue
	}
	c.Labels = map[string]data.Label{UnlabelledLabel: {Kind: data.StringLabel, Values: values}}
	return &c
}

// Analyze evaluates a fitted model on its data, maps and decodes its embeddings, computes the
// spectra of its weights, and runs every registered plug-in (package plugin) that belongs in the report
// (Plugin.Report), in registration order. history may be nil. Data without labels are analysed
// as one group (Unlabelled).
func Analyze(f *train.Fitted, ds *data.Dataset, history []train.Record, opt Options) (*Analysis, error) {
	if len(ds.Labels) == 0 && opt.Label == "" {
		ds = Unlabelled(ds)
	}
	label, err := ChooseLabel(ds, opt.Label)
	if err != nil {
		return nil, err
	}
	labels, _ := ds.LabelValues(label)
	steps := opt.InferSteps
	if steps == 0 {
		steps = f.Config.Train.InferSteps
	}
	a := &Analysis{Fitted: f, Data: ds, Label: label, Labels: labels, History: history, InferSteps: steps}
	slog.Info("analyse: reconstruction of the training segments")
	if a.Train, err = train.Evaluate(f, ds, f.Train); err != nil {
		return nil, err
	}
	a.R2Train, a.R2HeldOut = a.Train.R2, math.NaN()
	ctx := plugin.NewContext(f, ds, label, steps)
	slog.Info("analyse: inferring held-out embeddings", "segments", len(f.HeldOut), "steps", steps)
	if a.Emb, err = ctx.Embeddings(); err != nil {
		return nil, err
	}
	if a.Emb.Inferred != nil {
		a.R2HeldOut, a.R2PerNeuronHeldOut = a.Emb.Inferred.R2, a.Emb.Inferred.R2PerNeuron
	}
	slog.Info("analyse: embeddings")
	if a.Map, err = embeddings.Analyze(ds, a.Emb.E, a.Emb.HeldOut, label, f.Groups != nil, opt.Folds, opt.Seed); err != nil {
		return nil, err
	}
	a.PCA, a.PCAExplained, a.Classification = a.Map.PC, a.Map.Explained, a.Map.Full
	slog.Info("analyse: spectra of the recurrent weights")
	if a.Spectra, err = spectra.Weights(f, a.Emb.E, labels, opt.UnitTol); err != nil {
		return nil, err
	}
	for _, p := range plugin.Plugins() {
		if !p.Report() || slices.Contains(opt.Skip, p.Name()) {
			continue
		}
		fs := pflag.NewFlagSet(p.Name(), pflag.ContinueOnError)
		p.Flags(fs)
		if err := fs.Parse(opt.Args[p.Name()]); err != nil {
			return nil, fmt.Errorf("options of analysis %s: %w", p.Name(), err)
		}
		r, err := ctx.Run(p)
		if err != nil {
			return nil, err
		}
		if r != nil {
			a.Names, a.Results = append(a.Names, p.Name()), append(a.Results, r)
		}
	}
	return a, nil
}

// Result returns what the plug-in named name found, or nil when it did not run or did not
// apply.
func (a *Analysis) Result(name string) plugin.Result {
	if i := slices.Index(a.Names, name); i >= 0 {
		return a.Results[i]
	}
	return nil
}
