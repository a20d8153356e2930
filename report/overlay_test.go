package report

import (
	"image/color"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// A few outlying eigenvalues do not prevent the zoom on the bulk: 95 % of the points within
// 0.05 of 0.9 and 5 % spread over the disc give a window about the cluster, holding at least
// 90 % of the points; with no outliers the window holds them all.
func TestBulkWindow(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var pts []complex128
	for i := range 1000 {
		if i%20 == 0 {
			a := 2 * math.Pi * rng.Float64()
			pts = append(pts, complex(0.9*math.Cos(a), 0.9*math.Sin(a)))
			continue
		}
		pts = append(pts, complex(0.9+0.05*(2*rng.Float64()-1), 0.05*(2*rng.Float64()-1)))
	}
	cx, cy, zr, inside := bulkWindow(pts, 0.011)
	if math.Abs(cx-0.9) > 0.02 || math.Abs(cy) > 0.02 || zr > 0.08 || inside < 900 {
		t.Errorf("window centre (%.3f, %.3f), half-width %.3f, %d of 1000 inside; want about (0.9, 0) and 0.05, ≥ 900", cx, cy, zr, inside)
	}
	// The figure then has its zoom panel: wider than a figure without.
	path := filepath.Join(t.TempDir(), "e.png")
	if err := Eigenvalues(path, "spread", []EigSet{{Name: "a", Values: pts}}, nil); err != nil {
		t.Fatal(err)
	}
	if w, want := decodePNG(t, path).Bounds().Dx(), int(150*(FigWidth+PanelWidth)); math.Abs(float64(w-want)) > 3 {
		t.Errorf("figure %d px wide, want %d (with the zoom panel)", w, want)
	}
	cluster := pts[1:20]
	if _, _, _, inside := bulkWindow(cluster, 1e-3); inside != len(cluster) {
		t.Errorf("%d of %d points of one cluster in its window", inside, len(cluster))
	}
}

// Two groups of eigenvalues over the same region both show: drawn group after group, the
// second would cover the first.
func TestOverlayShowsBothGroups(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	draw := func() []complex128 {
		v := make([]complex128, 600)
		for i := range v {
			v[i] = complex(0.5+0.1*rng.NormFloat64(), 0.1*rng.NormFloat64())
		}
		return v
	}
	path := filepath.Join(t.TempDir(), "e.png")
	pal := NewPalette([]string{"first", "second"})
	if err := Eigenvalues(path, "", []EigSet{{Name: "first", Values: draw()}, {Name: "second", Values: draw()}}, pal); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, path)
	// Pixels nearer one group's colour than the other's, among strongly coloured ones.
	a, b := pal.Color("first"), pal.Color("second")
	dist := func(c color.Color, p color.NRGBA) float64 {
		q := color.NRGBAModel.Convert(c).(color.NRGBA)
		dr, dg, db := float64(q.R)-float64(p.R), float64(q.G)-float64(p.G), float64(q.B)-float64(p.B)
		return dr*dr + dg*dg + db*db
	}
	var na, nb int
	bd := img.Bounds()
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			c := img.At(x, y)
			switch da, db := dist(c, a), dist(c, b); {
			case da < 40*40 && da < db:
				na++
			case db < 40*40 && db < da:
				nb++
			}
		}
	}
	if na < 500 || nb < 500 || float64(min(na, nb)) < 0.3*float64(max(na, nb)) {
		t.Errorf("%d pixels of the first group's colour, %d of the second's: want both visible, in similar amounts", na, nb)
	}
}
