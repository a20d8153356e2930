package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/sbinet/npyio/npz"

	"github.com/jedi-neuro/jedi/internal/toyfit"
	"github.com/jedi-neuro/jedi/plugin"
	"github.com/jedi-neuro/jedi/plugins/embeddings"
	"github.com/jedi-neuro/jedi/plugins/fixedpoints"
	"github.com/jedi-neuro/jedi/plugins/generalization"
	"github.com/jedi-neuro/jedi/plugins/lyapunov"
	"github.com/jedi-neuro/jedi/plugins/noise"
	"github.com/jedi-neuro/jedi/plugins/spectra"
	"github.com/jedi-neuro/jedi/report"
)

// Every analysis writes its JSON, its arrays (readable as .npz) and its figures in PNG and SVG.
func TestWriteAnalyses(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 24, 20, 9)
	f, ds := tt.F, tt.DS
	segs, err := plugin.TrainingSegments(f, ds)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	emb, err := plugin.SegmentEmbeddings(f, ds, 5)
	if err != nil {
		t.Fatal(err)
	}
	em, err := embeddings.Analyze(ds, emb.E, emb.HeldOut, "cluster", false, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	gen, err := generalization.Analyze(f, ds, "cluster", 5)
	if err != nil {
		t.Fatal(err)
	}
	nc, err := noise.Analyze(f, ds, []float64{0, 1}, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	fps, err := fixedpoints.Analyze(f, ds, segs, "cluster", fixedpoints.Options{Starts: 16})
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spectra.Analyze(f, ds, segs, "cluster", fps, spectra.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ly, err := lyapunov.Analyze(f, ds, segs, "cluster", lyapunov.Options{K: 3, Steps: 50, Transient: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		w    interface {
			Write(string) ([]report.Figure, error)
		}
		arrays []string
		figs   int
	}{
		{"embeddings", em, []string{"pc", "values", "heldout"}, 2},
		{"generalization", gen, []string{"r2", "centroids", "groups"}, 1},
		{"noise", nc, []string{"scales", "r2_mean", "r2_sd"}, 1},
		{"fixedpoints", fps, []string{"trajectory_pc", "points_0", "observed_2"}, 1},
		{"spectra", sp, []string{"groups", "weights_0_real", "trajectory_2_imag", "fixedpoints_1_real"}, 3},
		{"lyapunov", ly, []string{"exponents", "sd", "groups"}, 2},
	} {
		figs, err := c.w.Write(dir)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(figs) != c.figs {
			t.Errorf("%s: %d figures, want %d", c.name, len(figs), c.figs)
		}
		for _, fg := range figs {
			svg := fg.Path[:len(fg.Path)-len(".png")] + ".svg"
			for _, p := range []string{fg.Path, svg} {
				if st, err := os.Stat(p); err != nil || st.Size() == 0 {
					t.Errorf("%s: figure %s missing or empty", c.name, p)
				}
			}
		}
		var js map[string]any
		b, err := os.ReadFile(filepath.Join(dir, c.name+".json"))
		if err != nil || json.Unmarshal(b, &js) != nil {
			t.Errorf("%s: no valid JSON: %v", c.name, err)
		}
		r, err := npz.Open(filepath.Join(dir, c.name+".npz"))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		keys := map[string]bool{}
		for _, k := range r.Keys() {
			keys[k] = true
		}
		for _, k := range c.arrays {
			if !keys[k+".npy"] && !keys[k] {
				t.Errorf("%s.npz lacks %s (has %v)", c.name, k, r.Keys())
			}
		}
		r.Close()
	}
}
