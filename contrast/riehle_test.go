package contrast

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/jedi-neuro/jedi/data"
	"github.com/jedi-neuro/jedi/data/recipe"
	"github.com/jedi-neuro/jedi/train"
)

// riehleDir is the shared Riehle recordings, relative to this package's directory.
const riehleDir = "../../shared/data/riehle-joe"

// TestRiehleEndToEnd runs the documented pipeline (examples/monkey/riehle.sh) on a tiny
// configuration: the shipped recipe, real and time-shuffled pseudo-populations, the shipped
// fit configuration shrunk to a few epochs, two seeds each, and the shipped contrasts. It checks
// the plumbing (labels, epochs, one measure per segment, every contrast and decoding filled,
// the files written), not the science, which needs the full runs.
func TestRiehleEndToEnd(t *testing.T) {
	if _, err := os.Stat(filepath.Join(riehleDir, "toc.npz")); err != nil {
		t.Skipf("Riehle data not present: %v", err)
	}
	if testing.Short() {
		t.Skip("reads 333 files and fits 6 small models")
	}
	src, err := recipe.LoadRecipe("../examples/monkey/riehle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ds, _, err := recipe.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	src.Prepare.ShuffleSpikes = 3
	shuffled, _, err := recipe.Load(src)
	if err != nil {
		t.Fatal(err)
	}
	oneHot, groups, err := ds.WithOneHotInputs("epoch")
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 {
		t.Fatalf("epochs %v, want preparation and execution", groups)
	}
	for _, l := range []string{"epoch", "direction", "condition"} {
		if _, ok := ds.Labels[l]; !ok {
			t.Fatalf("the prepared data have no label %q", l)
		}
	}
	base, err := train.LoadConfig("../examples/monkey/fit_riehle.yaml", train.Default(ds.M))
	if err != nil {
		t.Fatal(err)
	}
	base.Model.N, base.Model.Hidden, base.Model.Rank = 16, []int{16}, 2
	base.Train.Epochs, base.Train.InferSteps, base.Train.ValInferSteps, base.Train.ValEvery = 8, 20, 10, 4
	base.Model.M = ds.M
	cfg, err := ReadConfig("../examples/monkey/contrast.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Bootstrap, cfg.Permutations, cfg.LyapSteps, cfg.LyapBurn, cfg.FixedPointStarts = 200, 200, 50, 20, 16
	runs := map[string][]*Run{}
	for _, kind := range []struct {
		name string
		ds   *data.Dataset
	}{{Real, ds}, {"shuffled", shuffled}, {"onehot", oneHot}} {
		for seed := range uint64(2) {
			c := base
			c.Seed = seed + 1
			if kind.name == "onehot" {
				c.Model.I, c.Train.TieEmbeddings = 2, train.TieAll
			}
			dir := filepath.Join(t.TempDir(), kind.name)
			f, err := train.Fit(context.Background(), c, kind.ds, train.FitOptions{Dir: dir})
			if err != nil {
				t.Fatalf("%s seed %d: %v", kind.name, c.Seed, err)
			}
			r, err := Measure(f, kind.ds, dir, cfg.Options())
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Segments) != kind.ds.S {
				t.Fatalf("%s: %d segments measured, want %d", kind.name, len(r.Segments), kind.ds.S)
			}
			runs[kind.name] = append(runs[kind.name], r)
		}
	}
	// The one-hot network has one W: its W measures cannot differ between epochs.
	for _, s := range runs["onehot"][0].Segments[1:] {
		if s.Values["w_radius"] != runs["onehot"][0].Segments[0].Values["w_radius"] {
			t.Fatal("the one-hot network's W differs between segments")
		}
	}
	res, err := Compare(runs, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Contrasts) != len(cfg.Contrasts) || len(res.Decoding[Real]) != len(cfg.Decode.Labels) {
		t.Fatalf("%d contrasts and %d decodings, want %d and %d", len(res.Contrasts), len(res.Decoding[Real]), len(cfg.Contrasts), len(cfg.Decode.Labels))
	}
	for _, d := range res.Decoding[Real] {
		if d.Label == "direction" && (d.Classes != 6 || math.Abs(d.Chance-1.0/6) > 0.02) {
			t.Errorf("direction: %d classes, chance %.3f; want 6 balanced classes", d.Classes, d.Chance)
		}
	}
	out := t.TempDir()
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"contrast.json", "contrast.md", "contrast_0.png", "contrast_1.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
}
