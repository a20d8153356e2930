package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The standard analysis with its optional parts writes one report holding every section, and
// analysis.json holding every result.
func TestAnalyzeReport(t *testing.T) {
	tt := newToy(t, toyConfig(), 36, 20, 10)
	opt := DefaultOptions()
	opt.GeneralizationSteps, opt.Folds = 10, 3
	a, err := Analyze(tt.f, tt.ds, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if a.Generalization == nil || a.Noise == nil || a.Dynamics == nil || a.FixedPoints == nil || a.Lyapunov == nil {
		t.Fatalf("optional analyses missing: %v %v %v %v %v", a.Generalization != nil, a.Noise != nil, a.Dynamics != nil, a.FixedPoints != nil, a.Lyapunov != nil)
	}
	if a.R2Train < 1-1e-6 {
		t.Errorf("R² train %v: the toy's data are its own predictions", a.R2Train)
	}
	dir := t.TempDir()
	path, err := a.WriteReport(dir, "toy", "")
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Centroid generalization", "Robustness to embedding noise", "Dynamics: Jacobian spectra"} {
		if !strings.Contains(string(html), s) {
			t.Errorf("report lacks section %q", s)
		}
	}
	var sum map[string]any
	b, _ := os.ReadFile(filepath.Join(dir, "analysis.json"))
	if err := json.Unmarshal(b, &sum); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"generalization", "noise", "dynamics", "fixed_points", "lyapunov"} {
		if sum[k] == nil {
			t.Errorf("analysis.json lacks %s", k)
		}
	}

	// Without held-out segments the generalization is skipped, not an error.
	f := *tt.f
	f.HeldOut = nil
	opt.NoiseRepeats, opt.Dynamics = 0, false
	b2, err := Analyze(&f, tt.ds, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	if b2.Generalization != nil || b2.Noise != nil || b2.Dynamics != nil {
		t.Error("analyses ran that were switched off or impossible")
	}
}
