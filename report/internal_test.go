package report

import (
	"errors"
	"image/color"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

func TestNiceTicks(t *testing.T) {
	for _, c := range []struct {
		min, max float64
		want     []string
	}{
		{0, 28, []string{"0", "10", "20"}},
		{0, 1, []string{"0", "0.2", "0.4", "0.6", "0.8", "1.0"}},
		{-3.7, 4.1, []string{"-2", "0", "2", "4"}},
		{0, 2000, []string{"0", "500", "1000", "1500", "2000"}},
		{0.3, 0.95, []string{"0.4", "0.6", "0.8"}},
		{0, 12.5, []string{"0", "2.5", "5.0", "7.5", "10.0", "12.5"}},
		{-1e6, 1e6, []string{"-1e+06", "-5e+05", "0", "5e+05", "1e+06"}},
		{1, 1, nil},
	} {
		var got []string
		for _, tk := range niceTicks(c.min, c.max) {
			if tk.Value < c.min-1e-12 || tk.Value > c.max+1e-12 {
				t.Errorf("[%g, %g]: tick %g outside the range", c.min, c.max, tk.Value)
			}
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("[%g, %g]: labels %q, want %q", c.min, c.max, got, c.want)
		}
	}
}

func TestLogTicks(t *testing.T) {
	for _, c := range []struct {
		min, max float64
		want     []string
	}{
		{0.012, 3, []string{"0.1", "1"}},
		{0.2, 0.6, []string{"0.2", "0.5"}},
		{3, 40, []string{"5", "10", "20"}},
		{1e-7, 1e-5, []string{"1e-7", "1e-6", "1e-5"}},
	} {
		var got []string
		for _, tk := range logTicks(c.min, c.max) {
			if tk.Label != "" {
				got = append(got, tk.Label)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("[%g, %g]: labels %q, want %q", c.min, c.max, got, c.want)
		}
	}
	if ts := logTicks(0, 1); ts != nil {
		t.Errorf("logTicks(0, 1) = %v, want none", ts)
	}
}

func TestViridis(t *testing.T) {
	cm := Viridis(-2, 6)
	for v, want := range map[float64]color.NRGBA{-2: viridisAnchors[0], 6: viridisAnchors[8], 2: viridisAnchors[4]} {
		got, err := cm.At(v)
		if err != nil {
			t.Fatal(err)
		}
		if color.NRGBAModel.Convert(got) != want {
			t.Errorf("At(%g) = %v, want %v", v, got, want)
		}
	}
	for _, v := range []float64{-2.1, 6.1, math.NaN()} {
		if _, err := cm.At(v); err == nil {
			t.Errorf("At(%g): no error", v)
		}
	}
	// Viridis is designed so that lightness rises monotonically, which is
	// what makes it readable in greyscale and by colour-blind readers.
	prev := -1.0
	for _, c := range cm.Palette(64).Colors() {
		l := luminance(c)
		if l <= prev {
			t.Fatalf("luminance not increasing: %g after %g", l, prev)
		}
		prev = l
	}
}

func TestLuminance(t *testing.T) {
	for c, want := range map[color.Color]float64{color.White: 1, color.Black: 0, color.NRGBA{0, 255, 0, 255}: 0.7152} {
		if got := luminance(c); math.Abs(got-want) > 1e-9 {
			t.Errorf("luminance(%v) = %g, want %g", c, got, want)
		}
	}
}

func TestCategorical(t *testing.T) {
	seen := make(map[color.NRGBA]bool)
	for i := range len(categorical) {
		seen[Categorical(i)] = true
	}
	if len(seen) != 12 {
		t.Errorf("%d distinct colours among the first 12 groups, want 12", len(seen))
	}
	if Categorical(12) != Categorical(0) || glyphShape(12) == glyphShape(0) {
		t.Error("group 12 must reuse colour 0 with another marker shape")
	}
}

func TestHistBins(t *testing.T) {
	values := []float64{0, 0.1, 0.25, 0.5, 0.74, 0.75, 0.99, 1}
	bins := histBins(values, 4)
	// Naive count with half-open bins [k/4, (k+1)/4) and 1 in the last.
	want := make([]float64, 4)
	for _, v := range values {
		k := 0
		for k < 3 && v >= float64(k+1)/4 {
			k++
		}
		want[k]++
	}
	for k, b := range bins {
		if b.Weight != want[k] || math.Abs(b.Min-float64(k)/4) > 1e-12 || math.Abs(b.Max-float64(k+1)/4) > 1e-12 {
			t.Errorf("bin %d = %+v, want [%g, %g) with %g", k, b, float64(k)/4, float64(k+1)/4, want[k])
		}
	}
	if got := histBins([]float64{2, 2}, 2); got[0].Min != 1.5 || got[1].Max != 2.5 || got[0].Weight+got[1].Weight != 2 {
		t.Errorf("constant data: %+v", got)
	}
}

func TestMedian(t *testing.T) {
	xs := []float64{5, 1, 4, 2}
	if m := median(xs); m != 3 {
		t.Errorf("median = %g, want 3", m)
	}
	if m := median([]float64{3, 9, 1}); m != 3 {
		t.Errorf("median = %g, want 3", m)
	}
	if !slices.Equal(xs, []float64{5, 1, 4, 2}) {
		t.Error("median modified its input")
	}
}

// TestEqualAspect checks that after equalAspect one unit of Re λ and one
// of Im λ have the same length on the canvas, for wide and tall canvases.
func TestEqualAspect(t *testing.T) {
	for _, size := range [][2]float64{{5, 4}, {3, 6}, {4, 4}} {
		img := vgimg.NewWith(vgimg.UseWH(inches(size[0]), inches(size[1])), vgimg.UseDPI(DPI))
		c := draw.New(img)
		p := newPlot("title", "Re λ", "Im λ")
		equalAspect(p, c, 0, 0, 1.3)
		d := p.DataCanvas(c).Size()
		ux := float64(d.X) / (p.X.Max - p.X.Min)
		uy := float64(d.Y) / (p.Y.Max - p.Y.Min)
		if math.Abs(ux-uy) > 1e-3*ux {
			t.Errorf("%v in: %g pt per unit on x, %g on y", size, ux, uy)
		}
		if math.Min(p.X.Max, p.Y.Max) < 1.3-1e-12 || p.X.Min != -p.X.Max || p.Y.Min != -p.Y.Max {
			t.Errorf("%v in: view [%g, %g]×[%g, %g] does not hold [−1.3, 1.3]²", size, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := writeFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want it to wrap %v", err, boom)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("failed write changed the file to %q", b)
	}
	if err := writeFileAtomic(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "new")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("file holds %q, want %q", b, "new")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files in the directory, want 1: temporary files left behind", len(entries))
	}
}

// The panels of ScatterPanels share their axis ranges, and a group keeps its colour and marker
// from panel to panel, whatever order it appears in.
func TestPanelPlots(t *testing.T) {
	panels := []Panel{
		{Title: "teacher", Pts: [][2]float64{{0, 0}, {1, 1}}, Groups: []string{"a", "b"}},
		{Title: "fitted", Pts: [][2]float64{{5, -2}, {2, 3}, {1, 0}}, Groups: []string{"b", "c", "a"}},
	}
	plots, entries, err := panelPlots("x", "y", panels, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plots) != 2 || len(entries) != 3 {
		t.Fatalf("%d plots and %d legend entries, want 2 and 3", len(plots), len(entries))
	}
	for _, p := range plots {
		if p.X.Min != plots[0].X.Min || p.X.Max != plots[0].X.Max || p.Y.Min != plots[0].Y.Min || p.Y.Max != plots[0].Y.Max {
			t.Errorf("panel %q spans x [%g, %g], y [%g, %g]; the first [%g, %g], [%g, %g]", p.Title.Text,
				p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, plots[0].X.Min, plots[0].X.Max, plots[0].Y.Min, plots[0].Y.Max)
		}
		if !(p.X.Min < 0 && p.X.Max > 5 && p.Y.Min < -2 && p.Y.Max > 3) {
			t.Errorf("panel %q spans x [%g, %g], y [%g, %g]: not every point", p.Title.Text, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
		}
	}
	if plots[1].Y.Label.Text != "" || plots[0].Y.Label.Text != "y" {
		t.Errorf("y labels %q, %q: want it on the first panel only", plots[0].Y.Label.Text, plots[1].Y.Label.Text)
	}
	// One legend entry per group, in order of first appearance, each with its own colour.
	colours := map[color.Color]bool{}
	for k, e := range entries {
		if want := []string{"a", "b", "c"}[k]; e.name != want {
			t.Errorf("legend entry %d is %q, want %q", k, e.name, want)
		}
		colours[e.thumbs[0].(*plotter.Scatter).GlyphStyle.Color] = true
	}
	if len(colours) != 3 {
		t.Errorf("%d colours for 3 groups", len(colours))
	}

	// An empty panel is drawn with the others' axes.
	if plots, _, err := panelPlots("x", "y", []Panel{panels[0], {Title: "none yet"}}, nil); err != nil || plots[1].X.Max != plots[0].X.Max {
		t.Errorf("an empty panel: %v, or axes not shared", err)
	}
	if err := ScatterPanels(filepath.Join(t.TempDir(), "p.png"), "x", "y", []Panel{panels[0], {Title: "none yet"}}, nil); err != nil {
		t.Errorf("drawing an empty panel: %v", err)
	}

	for name, bad := range map[string][]Panel{
		"no panels":   nil,
		"no points":   {{Title: "empty"}},
		"groups":      {{Pts: [][2]float64{{0, 0}}, Groups: nil}},
		"not finite":  {{Pts: [][2]float64{{math.NaN(), 0}}, Groups: []string{"a"}}},
		"second NaN":  {panels[0], {Pts: [][2]float64{{0, math.Inf(1)}}, Groups: []string{"a"}}},
		"second size": {panels[0], {Pts: [][2]float64{{0, 0}}, Groups: []string{"a", "b"}}},
	} {
		if _, _, err := panelPlots("x", "y", bad, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
