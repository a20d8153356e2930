package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"math/cmplx"
	"slices"

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

// Eigenvalues writes a plot of the eigenvalues of sets in the complex
// plane, each set in the colour pal gives its name (nil: the names in
// natural order), with the unit circle |λ| = 1 (the stability boundary of
// a discrete-time map) dashed and the real and imaginary axes drawn
// through the origin. Both axes have the same scale, so that circles look
// round, and the view spans at least the unit disc. Points are
// semi-transparent because eigenvalues of many segments overlap, and the
// sets are drawn interleaved, so that none hides another where they
// overlap.
//
// When the bulk of the eigenvalues (at least 90 %, see bulkWindow) sits in
// a region less than a quarter of the view across (the Jacobian spectra of
// a slow network, near λ = 1), a second panel beside the first zooms on
// it, its window outlined in the first and its title saying what share of
// the eigenvalues it holds when not all: the figure is then PanelWidth
// wider. A few outlying eigenvalues thus do not prevent the zoom.
//
// sets must contain at least one eigenvalue, all finite.
func Eigenvalues(path, title string, sets []EigSet, pal *Palette) error {
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

	var names []string
	for _, s := range sets {
		if len(s.Values) > 0 {
			names = append(names, s.Name)
		}
	}
	pal = pal.extend(names)
	build := func(title string) (*plot.Plot, []legendEntry, error) {
		p := newPlot(title, "Re λ", "Im λ")
		addGrid(p)
		p.Add(originAxes{})
		circle := make(plotter.XYs, 3601)
		for i := range circle {
			t := 2 * math.Pi * float64(i) / float64(len(circle)-1)
			circle[i] = plotter.XY{X: math.Cos(t), Y: math.Sin(t)}
		}
		unit, err := plotter.NewLine(circle)
		if err != nil {
			return nil, nil, fmt.Errorf("report: Eigenvalues: %w", err)
		}
		unit.Color = color.Gray{Y: 90}
		unit.Width = vg.Points(1)
		unit.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		p.Add(unit)
		members := map[string]plotter.XYs{}
		for _, s := range sets {
			for _, v := range s.Values {
				members[s.Name] = append(members[s.Name], plotter.XY{X: real(v), Y: imag(v)})
			}
		}
		order := pal.Order(names)
		sc, thumbs, err := overlay(order, members, func(g string) draw.GlyphStyle {
			return draw.GlyphStyle{Color: withAlpha(pal.Color(g), 0.55), Radius: vg.Points(2.3), Shape: pal.shape(g)}
		})
		if err != nil {
			return nil, nil, fmt.Errorf("report: Eigenvalues: %w", err)
		}
		p.Add(sc)
		var entries []legendEntry
		for _, g := range order {
			entries = append(entries, legendEntry{name: g, thumbs: []plot.Thumbnailer{thumbs[g]}})
		}
		return p, entries, nil
	}
	p, entries, err := build(title)
	if err != nil {
		return err
	}

	// Half-width of the square view: the unit disc or all eigenvalues,
	// whichever is larger, with a 10% border.
	r := 1.1 * math.Max(1, rmax)
	var all []complex128
	for _, s := range sets {
		all = append(all, s.Values...)
	}
	cx, cy, zr, inside := bulkWindow(all, 0.01*r)
	if zr > 0.25*r {
		return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
			drawWithLegend(c, p, entries, func(main draw.Canvas) { equalAspect(p, main, 0, 0, r) })
			return nil
		})
	}
	// Panel letters, as a journal figure has them.
	p.Title.Text = "a   " + title
	zt := "b   zoom"
	if inside < len(all) {
		zt = fmt.Sprintf("b   zoom: %.0f %% of the eigenvalues", math.Floor(100*float64(inside)/float64(len(all))))
	}
	zoom, _, err := build(zt)
	if err != nil {
		return err
	}
	p.Add(window{cx: cx, cy: cy, r: zr})
	return render(path, inches(FigWidth+PanelWidth), inches(FigHeight), func(c draw.Canvas) error {
		c = inset(c)
		l := newLegend(entries)
		main := draw.Crop(c, 0, -(l.Rectangle(c).Size().X + vg.Points(4) + legendGap), 0, 0)
		half := (main.Max.X - main.Min.X) / 2
		left, right := main, main
		left.Max.X = main.Min.X + half
		right.Min.X = left.Max.X + vg.Points(6)
		equalAspect(p, left, 0, 0, r)
		equalAspect(zoom, right, cx, cy, zr)
		p.Draw(left)
		zoom.Draw(right)
		lc := c
		lc.Min.X = main.Max.X + legendGap
		lc.Max.Y = p.DataCanvas(left).Max.Y
		l.Draw(lc)
		return nil
	})
}

// window outlines the square of half-width r around (cx, cy): the region
// the zoomed panel of Eigenvalues shows.
type window struct{ cx, cy, r float64 }

// Plot implements plot.Plotter.
func (w window) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, x1, y0, y1 := trX(w.cx-w.r), trX(w.cx+w.r), trY(w.cy-w.r), trY(w.cy+w.r)
	// A window smaller than a few points is drawn as that, around its centre.
	const minSide = vg.Length(5)
	if x1-x0 < minSide {
		m := (x0 + x1) / 2
		x0, x1 = m-minSide/2, m+minSide/2
	}
	if y1-y0 < minSide {
		m := (y0 + y1) / 2
		y0, y1 = m-minSide/2, m+minSide/2
	}
	sty := draw.LineStyle{Color: color.Black, Width: vg.Points(0.8)}
	c.StrokeLines(sty, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
}

// equalAspect sets the axis ranges of p to at least [cx − r, cx + r] ×
// [cy − r, cy + r], widening the longer side of the data area drawn on c
// so that one unit has the same length on both axes. The data area depends
// on the width of the tick labels, which depends on the ranges, so the fit
// is repeated until it settles (two passes suffice in practice).
func equalAspect(p *plot.Plot, c draw.Canvas, cx, cy, r float64) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = cx-r, cx+r, cy-r, cy+r
	for range 3 {
		d := p.DataCanvas(c).Size()
		if d.X <= 0 || d.Y <= 0 {
			return
		}
		w := r * math.Max(1, float64(d.X/d.Y))
		h := r * math.Max(1, float64(d.Y/d.X))
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = cx-w, cx+w, cy-h, cy+h
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

// bulkWindow returns the square window, centre (cx, cy) and half-width zr ≥ minR, of the
// bulk of the points, and how many points lie in it. The window is the box between the q and
// 1 − q quantiles of the real and of the imaginary parts, made square and given a 15 %
// border, for the largest q of 5 %, 4 %, …, 1 %, 0 whose window holds at least 90 % of the
// points (q = 0 is the bounding square of all of them).
func bulkWindow(pts []complex128, minR float64) (cx, cy, zr float64, inside int) {
	re, im := make([]float64, len(pts)), make([]float64, len(pts))
	for i, v := range pts {
		re[i], im[i] = real(v), imag(v)
	}
	slices.Sort(re)
	slices.Sort(im)
	n := len(pts)
	for _, q := range []float64{0.05, 0.04, 0.03, 0.02, 0.01, 0} {
		lo, hi := int(q*float64(n-1)), int(math.Ceil((1-q)*float64(n-1)))
		cx, cy = (re[lo]+re[hi])/2, (im[lo]+im[hi])/2
		zr = math.Max(1.15*math.Max(re[hi]-re[lo], im[hi]-im[lo])/2, minR)
		inside = 0
		for _, v := range pts {
			if math.Abs(real(v)-cx) <= zr && math.Abs(imag(v)-cy) <= zr {
				inside++
			}
		}
		if 10*inside >= 9*n {
			break
		}
	}
	return cx, cy, zr, inside
}
