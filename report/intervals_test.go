package report

import (
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestIntervals(t *testing.T) {
	dir := t.TempDir()
	pn := IntervalPanel{Title: "j_radius", Names: []string{"real", "permuted", "shuffled"},
		Mean: []float64{0.2, 0, -0.01}, Lo: []float64{0.15, -0.02, -0.05}, Hi: []float64{0.25, 0.03, 0.02}}
	for _, ext := range []string{".png", ".svg"} {
		p := filepath.Join(dir, "iv"+ext)
		if err := Intervals(p, 2, []IntervalPanel{pn, pn, pn}); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(p); err != nil || st.Size() < 1000 {
			t.Fatalf("%s: %v, %v", p, st, err)
		}
	}
	bad := pn
	bad.Mean = []float64{0.3, 0, -0.01} // above its interval
	if err := Intervals(filepath.Join(dir, "bad.png"), 2, []IntervalPanel{bad}); err == nil {
		t.Error("a mean outside its interval accepted")
	}
	bad = pn
	bad.Lo = []float64{math.NaN(), 0, 0}
	if err := Intervals(filepath.Join(dir, "bad.png"), 2, []IntervalPanel{bad}); err == nil {
		t.Error("NaN accepted")
	}
	if err := Intervals(filepath.Join(dir, "bad.png"), 2, nil); err == nil {
		t.Error("no panels accepted")
	}
}

// Names that are not label values (real fits, controls) never take a label colour: black for
// the first, greys after, each with its own marker; with a palette, label values keep theirs.
func TestIntervalsMarks(t *testing.T) {
	pn := IntervalPanel{Names: []string{"real", "permuted", "onehot", "shuffled"}}
	shapes := map[any]bool{}
	for i := range pn.Names {
		c, shape := pn.mark(i)
		r, g, b, _ := c.RGBA()
		if r != g || g != b {
			t.Errorf("%s: colour %v is not black or grey", pn.Names[i], c)
		}
		if (i == 0) != (r == 0) {
			t.Errorf("%s: colour %v; want black only for the first name", pn.Names[i], c)
		}
		shapes[shape] = true
	}
	if len(shapes) != len(pn.Names) {
		t.Errorf("%d marker shapes for %d names", len(shapes), len(pn.Names))
	}
	pal := NewPalette([]string{"preparation", "execution"})
	pn = IntervalPanel{Names: []string{"execution", "preparation"}, Palette: pal}
	for i, v := range pn.Names {
		if c, _ := pn.mark(i); c != color.Color(pal.Color(v)) {
			t.Errorf("%s: colour %v, want the palette's %v", v, c, pal.Color(v))
		}
	}
}
