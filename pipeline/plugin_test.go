package pipeline

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/jedi-neuro/jedi/internal/output"
	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/report"
)

// meanEmbedding is registered for every test of the package, but goes into a report only
// while meanEnabled is set, so that it does not change what the other tests analyse.
func init() { plugin.Register(func() plugin.Plugin { return &meanEmbedding{scale: 1} }) }

var meanEnabled bool

// meanEmbedding is a minimal plug-in: the mean of the training segments' embeddings, scaled by
// its one option.
type meanEmbedding struct{ scale float64 }

type meanResult struct {
	Mean []float64 `json:"mean"`
}

func (*meanEmbedding) Name() string  { return "meanembedding" }
func (*meanEmbedding) Short() string { return "the mean embedding" }
func (*meanEmbedding) Report() bool  { return meanEnabled }
func (p *meanEmbedding) Flags(fs *pflag.FlagSet) {
	fs.Float64Var(&p.scale, "scale", p.scale, "factor")
}
func (p *meanEmbedding) Run(c *plugin.Context) (plugin.Result, error) {
	segs, err := c.Segments(false)
	if err != nil {
		return nil, err
	}
	m := make([]float64, len(segs.E[0]))
	for _, e := range segs.E {
		for j, v := range e {
			m[j] += p.scale * v / float64(len(segs.E))
		}
	}
	return &meanResult{m}, nil
}
func (r *meanResult) Write(dir string) ([]report.Figure, error) {
	return nil, output.WriteJSON(filepath.Join(dir, "meanembedding.json"), r)
}
func (r *meanResult) Section([]report.Figure) (report.Section, []report.Metric) {
	return report.Section{Title: "Mean embedding", Text: fmt.Sprint(r.Mean)}, []report.Metric{{Name: "mean embedding[0]", Value: fmt.Sprint(r.Mean[0])}}
}
func (r *meanResult) Print(w io.Writer) { fmt.Fprintln(w, r.Mean) }

// A registered plug-in is run by Analyze with its options parsed from Options.Args, gets its
// section and metric in the report, its numbers in analysis.json, and its files.
func TestRegisteredPluginReachesTheReport(t *testing.T) {
	meanEnabled = true
	t.Cleanup(func() { meanEnabled = false })
	if !strings.Contains(strings.Join(plugin.Names(), " "), "meanembedding") {
		t.Fatalf("registered names %v", plugin.Names())
	}
	tt := toyfit.New(t, toyfit.Config(), 12, 10, 4)
	opt := DefaultOptions()
	opt.Folds = 3
	opt.Skip = []string{"generalization", "noise", "fixedpoints", "spectra", "lyapunov"}
	opt.Args = map[string][]string{"meanembedding": {"--scale", "2"}}
	a, err := Analyze(tt.F, tt.DS, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Names) != 1 || a.Names[0] != "meanembedding" {
		t.Fatalf("plug-ins run: %v", a.Names)
	}
	segs, _ := plugin.TrainingSegments(tt.F, tt.DS)
	var want float64
	for _, e := range segs.E {
		want += 2 * e[0] / float64(len(segs.E))
	}
	if got := a.Results[0].(*meanResult).Mean[0]; got != want {
		t.Errorf("mean embedding[0] = %v, want %v (the option --scale 2 applied)", got, want)
	}
	dir, html := writeReport(t, a)
	if !strings.Contains(html, "Mean embedding") || !strings.Contains(html, "mean embedding[0]") {
		t.Error("the report lacks the plug-in's section or metric")
	}
	var sum struct {
		Analyses map[string]meanResult `json:"analyses"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "analysis.json"))
	if err := json.Unmarshal(b, &sum); err != nil || len(sum.Analyses["meanembedding"].Mean) == 0 {
		t.Errorf("analysis.json lacks analyses.meanembedding: %v\n%s", err, b)
	}
	if _, err := os.Stat(filepath.Join(dir, "analysis", "meanembedding.json")); err != nil {
		t.Error(err)
	}

	opt.Args = map[string][]string{"meanembedding": {"--scael", "2"}}
	if _, err := Analyze(tt.F, tt.DS, nil, opt); err == nil || !strings.Contains(err.Error(), "meanembedding") {
		t.Errorf("a misspelt option: %v", err)
	}
}
