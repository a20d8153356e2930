package pipeline

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
)

// The standard analysis with its optional parts writes one report holding every section, and
// analysis.json holding every result.
func TestAnalyzeReport(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 36, 20, 10)
	opt := DefaultOptions()
	opt.Folds = 3
	opt.Args = map[string][]string{"generalization": {"--centroid-steps", "10"}}
	a, err := Analyze(tt.F, tt.DS, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	shipped := []string{"generalization", "noise", "fixedpoints", "spectra", "lyapunov"}
	for _, name := range shipped {
		if a.Result(name) == nil {
			t.Fatalf("analysis %s missing: ran %v", name, a.Names)
		}
	}
	if a.R2Train < 1-1e-6 {
		t.Errorf("R² train %v: the toy's data are its own predictions", a.R2Train)
	}
	dir, html := writeReport(t, a)
	for _, s := range []string{"Centroid generalization", "Robustness to embedding noise", "Jacobian spectra", "Fixed points", "Lyapunov exponents"} {
		if !strings.Contains(html, s) {
			t.Errorf("report lacks section %q", s)
		}
	}
	var sum struct {
		Analyses map[string]any `json:"analyses"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "analysis.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	for _, k := range shipped {
		if sum.Analyses[k] == nil {
			t.Errorf("analysis.json lacks analyses.%s", k)
		}
	}

	// One figure per quantity: the spectra plug-in shows W's eigenvalues, so the report does
	// not show them a second time; one example segment per value, in the palette's order.
	if strings.Contains(html, "Spectra of the inferred weights") {
		t.Error("the report shows the eigenvalues of W twice")
	}
	for k := range 3 {
		if _, err := os.Stat(filepath.Join(dir, "figures", fmt.Sprintf("traces_%d.png", k))); err != nil {
			t.Errorf("example segment of value %d: %v", k, err)
		}
	}
	for _, s := range []string{"cluster a (neurons", "cluster b (neurons", "cluster c (neurons", "<td>date</td>", "Figure 1a.", "Figure 1b."} {
		if !strings.Contains(html, s) {
			t.Errorf("report lacks %q", s)
		}
	}

	// Without held-out segments the generalization is skipped, not an error.
	f := *tt.F
	f.HeldOut = nil
	opt.Skip = []string{"noise", "fixedpoints", "spectra", "lyapunov"}
	b2, err := Analyze(&f, tt.DS, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(b2.Names) != 0 {
		t.Error("analyses ran that were switched off or impossible")
	}
}

// With a teacher's fixed points in the data, the standard analysis also pools the fixed points
// of every segment's own network against them, and the report and analysis.json show the match:
// here the teacher's points are the student's own, so every value matches with F1 = 1.
func TestAnalyzeTeacherFixedPoints(t *testing.T) {
	c := toyfit.Config()
	c.Readout = "identity" // the recorded neurons are the first M units, as teacher_observed says
	tt := toyfit.New(t, c, 24, 20, 6)
	segs, err := plugin.TrainingSegments(tt.F, tt.DS)
	if err != nil {
		t.Fatal(err)
	}
	own, err := fixedpoints.Analyze(tt.F, tt.DS, segs, "cluster", fixedpoints.Options{PerSegment: true, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	pts := map[string][]float64{}
	for _, n := range own.Networks {
		for _, p := range n.Points {
			pts[n.Group] = append(pts[n.Group], p.X...)
		}
	}
	obs := make([]float64, c.M)
	for i := range obs {
		obs[i] = float64(i)
	}
	tt.DS.Extra["teacher_observed"] = data.Array{Shape: []int{c.M}, Data: obs}
	for g, x := range pts {
		tt.DS.Extra["teacher_fixed_points_"+g] = data.Array{Shape: []int{len(x) / c.N, c.N}, Data: x}
	}
	if len(pts) == 0 {
		t.Fatal("the toy's segment networks have no fixed points")
	}

	opt := DefaultOptions()
	opt.Label, opt.Folds = "cluster", 3
	opt.Skip = []string{"generalization", "noise"}
	a, err := Analyze(tt.F, tt.DS, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	sf := a.Result("fixedpoints").(*fixedpoints.Result).Segments
	if sf == nil || len(sf.Teacher) != len(pts) {
		t.Fatalf("segment fixed points %v, want a teacher match for each of %d values", sf, len(pts))
	}
	for _, m := range sf.Teacher {
		if m.F1 != 1 || m.Networks < 2 {
			t.Errorf("value %s: F1 %v over %d networks, want 1 over every segment of the value", m.Group, m.F1, m.Networks)
		}
	}
	dir, html := writeReport(t, a)
	if !strings.Contains(html, "pooled by cluster") {
		t.Error("report lacks the table of the segments' networks against the teacher")
	}
	var sum struct {
		Analyses struct {
			FixedPoints struct {
				Match []fixedpoints.TeacherMatch `json:"segment_teacher_match"`
			} `json:"fixedpoints"`
		} `json:"analyses"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, "analysis.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	if m := sum.Analyses.FixedPoints.Match; len(m) != len(pts) {
		t.Errorf("analysis.json holds %d segment teacher matches, want %d", len(m), len(pts))
	}

	// Without a teacher the pooled analysis is not run.
	for g := range pts {
		delete(tt.DS.Extra, "teacher_fixed_points_"+g)
	}
	if a, err = Analyze(tt.F, tt.DS, nil, opt); err != nil {
		t.Fatal(err)
	}
	if a.Result("fixedpoints").(*fixedpoints.Result).Segments != nil {
		t.Error("segment fixed points computed without a teacher")
	}
}

// writeReport writes a's report into a temporary directory and returns the directory and the
// page.
func writeReport(t *testing.T, a *Analysis) (dir, html string) {
	t.Helper()
	dir = t.TempDir()
	path, err := a.WriteReport(dir, "toy", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return dir, string(b)
}

// Data without labels get a report too: every segment in one group.
func TestAnalyzeUnlabelled(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 24, 20, 11)
	ds := *tt.DS
	ds.Labels = nil
	opt := DefaultOptions()
	opt.Folds = 3
	opt.Skip = []string{"generalization", "noise", "lyapunov"}
	a, err := Analyze(tt.F, &ds, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.Label != UnlabelledLabel || len(a.Classification) != 0 {
		t.Errorf("label %q, %d classifications: want %q and none", a.Label, len(a.Classification), UnlabelledLabel)
	}
	if ds.Labels != nil {
		t.Error("Analyze changed the caller's dataset")
	}
	_, html := writeReport(t, a)
	if !strings.Contains(html, ", group all (neurons numbered from 0)") {
		t.Error("report lacks the example segment of the one group")
	}
}
