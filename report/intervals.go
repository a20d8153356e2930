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

// IntervalPanel is one panel of Intervals: estimate Mean[i] with its interval [Lo[i], Hi[i]]
// for each of Names (e.g. a difference between two groups in the real fits and in controls).
type IntervalPanel struct {
	Title        string
	Names        []string
	Mean, Lo, Hi []float64
	// Palette, when not nil, colours Names as values of a label, as every figure of a report
	// does. Otherwise the names are not label values (real fits and their controls) and are
	// drawn in black and greys, each with its own marker, so that the report's label colours
	// keep one meaning.
	Palette *Palette
}

// neutralMarks are the colour and marker of name i of a panel without a palette: the first
// (the real fits) black and filled, the others grey, each its own shape.
var neutralMarks = []struct {
	color color.Color
	shape draw.GlyphDrawer
}{
	{color.Black, draw.CircleGlyph{}},
	{color.Gray{Y: 110}, draw.TriangleGlyph{}},
	{color.Gray{Y: 110}, draw.SquareGlyph{}},
	{color.Gray{Y: 110}, draw.RingGlyph{}},
	{color.Gray{Y: 110}, draw.CrossGlyph{}},
	{color.Gray{Y: 110}, draw.PlusGlyph{}},
}

// mark returns the colour and marker shape of the panel's name i.
func (pn IntervalPanel) mark(i int) (color.Color, draw.GlyphDrawer) {
	if pn.Palette != nil {
		return pn.Palette.Color(pn.Names[i]), pn.Palette.shape(pn.Names[i])
	}
	m := neutralMarks[min(i, len(neutralMarks)-1)]
	if i >= len(neutralMarks) {
		m.shape = glyphShapes[i%len(glyphShapes)]
	}
	return m.color, m.shape
}

// IntervalPanelSize is the width and height, in inches, of one panel of Intervals.
const IntervalPanelSize = 2.6

// Intervals writes a grid of panels, cols per row, each drawing its estimates as points with
// their intervals as capped bars (a name in the same colour and marker in every panel; see
// IntervalPanel.Palette) and a dashed line at 0, so that whether an interval excludes 0 reads
// at a glance. Each panel has its own y axis (the measures differ in scale). The figure is
// cols × IntervalPanelSize wide and rows × IntervalPanelSize high.
//
// Every panel needs as many means, lows and highs as names (≥ 1), finite, with Lo ≤ Mean ≤ Hi.
func Intervals(path string, cols int, panels []IntervalPanel) error {
	if len(panels) == 0 || cols < 1 {
		return errors.New("report: Intervals: no panels or cols < 1")
	}
	plots := make([]*plot.Plot, len(panels))
	for k, pn := range panels {
		n := len(pn.Names)
		if n == 0 || len(pn.Mean) != n || len(pn.Lo) != n || len(pn.Hi) != n {
			return fmt.Errorf("report: Intervals: panel %d (%s): %d names, %d means, %d lows, %d highs", k, pn.Title, n, len(pn.Mean), len(pn.Lo), len(pn.Hi))
		}
		p := newPlot(pn.Title, "", "")
		addGrid(p)
		ymin, ymax := 0.0, 0.0
		for i := range n {
			m, lo, hi := pn.Mean[i], pn.Lo[i], pn.Hi[i]
			if math.IsNaN(m) || math.IsInf(m, 0) || math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) || lo > m || m > hi {
				return fmt.Errorf("report: Intervals: panel %d (%s), %s: %g in [%g, %g], want finite and inside", k, pn.Title, pn.Names[i], m, lo, hi)
			}
			ymin, ymax = math.Min(ymin, lo), math.Max(ymax, hi)
			xy := plotter.XYs{{X: float64(i), Y: m}}
			sc, err := plotter.NewScatter(xy)
			if err != nil {
				return fmt.Errorf("report: Intervals: %w", err)
			}
			c, shape := pn.mark(i)
			sc.GlyphStyle.Color = c
			sc.GlyphStyle.Shape = shape
			sc.GlyphStyle.Radius = vg.Points(3)
			eb, err := errorBars(xy, []float64{lo}, []float64{hi - m})
			if err != nil {
				return fmt.Errorf("report: Intervals: %w", err)
			}
			eb.LineStyle.Color = c
			eb.LineStyle.Width = vg.Points(1.2)
			p.Add(eb, sc)
		}
		zero := plotter.NewFunction(func(float64) float64 { return 0 })
		zero.Color = color.Gray{Y: 90}
		zero.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		zero.Width = vg.Points(0.8)
		p.Add(zero)
		pad := 0.08 * (ymax - ymin)
		if pad == 0 {
			pad = 1
		}
		p.Y.Min, p.Y.Max = ymin-pad, ymax+pad
		p.X.Min, p.X.Max = -0.5, float64(n)-0.5
		p.NominalX(pn.Names...)
		rotateIfCrowded(&p.X, pn.Names, inches(IntervalPanelSize-0.6)/vg.Length(n))
		plots[k] = p
	}
	rows := (len(panels) + cols - 1) / cols
	w, h := inches(float64(cols)*IntervalPanelSize), inches(float64(rows)*IntervalPanelSize)
	return render(path, w, h, func(c draw.Canvas) error {
		c = inset(c)
		tw, th := (c.Max.X-c.Min.X)/vg.Length(cols), (c.Max.Y-c.Min.Y)/vg.Length(rows)
		for k, p := range plots {
			r, col := k/cols, k%cols
			tile := c
			tile.Min.X = c.Min.X + vg.Length(col)*tw
			tile.Max.X = tile.Min.X + tw
			tile.Max.Y = c.Max.Y - vg.Length(r)*th
			tile.Min.Y = tile.Max.Y - th
			p.Draw(tile)
		}
		return nil
	})
}
