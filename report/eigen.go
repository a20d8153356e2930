package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"math/cmplx"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// EigSet is a named set of eigenvalues, for instance those of the
// recurrent weights W_s of every segment with one label value.
type EigSet struct {
	Name   string
	Values []complex128
}

// Eigenvalues writes a FigWidth × FigHeight plot of the eigenvalues of
// sets in the complex plane, one colour per set, with the unit circle
// |λ| = 1 (the stability boundary of a discrete-time map) dashed and the
// real and imaginary axes drawn through the origin. Both axes have the same
// scale, so that circles look round, and the view spans at least the unit
// disc. Points are semi-transparent because eigenvalues of many segments
// overlap.
//
// sets must contain at least one eigenvalue, all finite.
func Eigenvalues(path, title string, sets []EigSet) error {
	var rmax float64
	n := 0
	for k, s := range sets {
		for i, v := range s.Values {
			if cmplx.IsNaN(v) || cmplx.IsInf(v) {
				return fmt.Errorf("report: Eigenvalues: sets[%d] (%q).Values[%d] = %v is not finite", k, s.Name, i, v)
			}
			rmax = math.Max(rmax, math.Max(math.Abs(real(v)), math.Abs(imag(v))))
		}
		n += len(s.Values)
	}
	if n == 0 {
		return errors.New("report: Eigenvalues: no eigenvalues")
	}

	p := newPlot(title, "Re λ", "Im λ")
	addGrid(p)
	p.Add(originAxes{})
	circle := make(plotter.XYs, 361)
	for i := range circle {
		t := 2 * math.Pi * float64(i) / float64(len(circle)-1)
		circle[i] = plotter.XY{X: math.Cos(t), Y: math.Sin(t)}
	}
	unit, err := plotter.NewLine(circle)
	if err != nil {
		return fmt.Errorf("report: Eigenvalues: %w", err)
	}
	unit.Color = color.Gray{Y: 90}
	unit.Width = vg.Points(1)
	unit.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(unit)

	var entries []legendEntry
	for k, s := range sets {
		if len(s.Values) == 0 {
			continue
		}
		xys := make(plotter.XYs, len(s.Values))
		for i, v := range s.Values {
			xys[i] = plotter.XY{X: real(v), Y: imag(v)}
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return fmt.Errorf("report: Eigenvalues: sets[%d]: %w", k, err)
		}
		sc.GlyphStyle = draw.GlyphStyle{
			Color:  withAlpha(Categorical(k), 0.55),
			Radius: vg.Points(2.3),
			Shape:  glyphShape(k),
		}
		p.Add(sc)
		entries = append(entries, legendEntry{name: s.Name, thumbs: []plot.Thumbnailer{sc}})
	}

	// Half-width of the square view: the unit disc or all eigenvalues,
	// whichever is larger, with a 10% border.
	r := 1.1 * math.Max(1, rmax)
	return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
		drawWithLegend(c, p, entries, func(main draw.Canvas) { equalAspect(p, main, r) })
		return nil
	})
}

// equalAspect sets the axis ranges of p to at least [−r, r] each, widening
// the longer side of the data area drawn on c so that one unit has the
// same length on both axes. The data area depends on the width of the
// tick labels, which depends on the ranges, so the fit is repeated until
// it settles (two passes suffice in practice).
func equalAspect(p *plot.Plot, c draw.Canvas, r float64) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -r, r, -r, r
	for range 3 {
		d := p.DataCanvas(c).Size()
		if d.X <= 0 || d.Y <= 0 {
			return
		}
		w := r * math.Max(1, float64(d.X/d.Y))
		h := r * math.Max(1, float64(d.Y/d.X))
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = -w, w, -h, h
	}
}

// originAxes draws the lines Re λ = 0 and Im λ = 0 across the data area.
type originAxes struct{}

// Plot implements plot.Plotter.
func (originAxes) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: color.Gray{Y: 170}, Width: vg.Points(0.7)}
	if x := trX(0); c.Min.X <= x && x <= c.Max.X {
		c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
	}
	if y := trY(0); c.Min.Y <= y && y <= c.Max.Y {
		c.StrokeLine2(sty, c.Min.X, y, c.Max.X, y)
	}
}
