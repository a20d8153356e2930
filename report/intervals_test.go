package report

import (
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
