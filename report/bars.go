package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Bars writes a FigWidth × FigHeight bar chart with one bar of height
// values[i] per name, for instance the classification accuracy of each
// label or the R² of each model. errs, if not nil, holds the half-width of
// an uncertainty interval drawn as an error bar on each bar. With pal, the
// names are values of a label and each bar takes its value's colour;
// without, every bar is the same neutral grey (colours are kept for label values). A marker at each bar's value and
// a line at zero keep values near zero visible, where a bar has no height.
//
// len(values) and len(errs) (when not nil) must equal len(names) ≥ 1; the
// values must be finite and errs finite and non-negative.
func Bars(path, title, ylabel string, names []string, values, errs []float64, pal *Palette) error {
	n := len(names)
	if n == 0 {
		return errors.New("report: Bars: no bars")
	}
	if len(values) != n {
		return fmt.Errorf("report: Bars: %d values for %d names", len(values), n)
	}
	if errs != nil && len(errs) != n {
		return fmt.Errorf("report: Bars: %d errors for %d names", len(errs), n)
	}
	if err := checkFinite("Bars: values", values); err != nil {
		return err
	}
	if err := checkFinite("Bars: errs", errs); err != nil {
		return err
	}
	for i, e := range errs {
		if e < 0 {
			return fmt.Errorf("report: Bars: errs[%d] = %v is negative", i, e)
		}
	}

	p := newPlot(title, "", ylabel)
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{Y: 225}
	p.Add(g)

	// Bars fill about 65% of their slot of the data width, which is the
	// figure less roughly an inch of axis and margins.
	width := 0.65 * inches(FigWidth-1) / vg.Length(n)
	// One bar chart per bar, offset to its slot, so that each may take its
	// own colour.
	for i, v := range values {
		vals := make(plotter.Values, n)
		vals[i] = v
		bc, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return fmt.Errorf("report: Bars: %w", err)
		}
		bc.Color = neutralFill
		if pal != nil {
			bc.Color = pal.Color(names[i])
		}
		bc.LineStyle.Width = 0
		p.Add(bc)
	}
	zero, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: 0}, {X: float64(n) - 0.5, Y: 0}})
	if err != nil {
		return fmt.Errorf("report: Bars: %w", err)
	}
	zero.Color, zero.Width = color.Gray{Y: 40}, vg.Points(0.8)
	p.Add(zero)
	tops := make(plotter.XYs, n)
	for i, v := range values {
		tops[i] = plotter.XY{X: float64(i), Y: v}
	}
	mk, err := plotter.NewScatter(tops)
	if err != nil {
		return fmt.Errorf("report: Bars: %w", err)
	}
	mk.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}
	p.Add(mk)
	if errs != nil {
		xys := make(plotter.XYs, n)
		for i, v := range values {
			xys[i] = plotter.XY{X: float64(i), Y: v}
		}
		eb, err := errorBars(xys, subtract(values, errs), errs)
		if err != nil {
			return fmt.Errorf("report: Bars: %w", err)
		}
		eb.Width = vg.Points(1.2)
		p.Add(eb)
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.5, float64(n)-0.5
	rotateIfCrowded(&p.X, names, inches(FigWidth-1)/vg.Length(n))
	return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
		p.Draw(inset(c))
		return nil
	})
}

// subtract returns a − b element-wise.
func subtract(a, b []float64) []float64 {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return d
}

// rotateIfCrowded turns the tick labels of a by 45° when one of names is
// wider than 90% of slot, the room each label has.
func rotateIfCrowded(a *plot.Axis, names []string, slot vg.Length) {
	for _, n := range names {
		if a.Tick.Label.Width(n) > 0.9*slot {
			a.Tick.Label.Rotation = math.Pi / 4
			a.Tick.Label.XAlign = draw.XRight
			a.Tick.Label.YAlign = draw.YTop
			return
		}
	}
}
