package report

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// margin is the blank border around every figure, so that no text touches
// the edge of the image.
const margin = 0.08 * vg.Inch

// maxLegendName is the longest legend entry, in characters, before it is
// shortened: a legend beside the axes must leave them most of the width.
const maxLegendName = 22

// inset returns c less the figure margin on every side.
func inset(c draw.Canvas) draw.Canvas {
	return draw.Crop(c, margin, -margin, margin, -margin)
}

// shorten truncates s to maxLegendName characters, marking the cut.
func shorten(s string) string {
	r := []rune(s)
	if len(r) <= maxLegendName {
		return s
	}
	return string(r[:maxLegendName-3]) + "..."
}

// legendEntry is one line of a legend drawn beside the axes.
type legendEntry struct {
	name   string
	thumbs []plot.Thumbnailer
}

// drawWithLegend draws p with its legend in a column to the right of the
// axes, top-aligned with the data area, so that the legend never hides
// data. With fewer than two entries no legend is drawn: a single series is
// named by the title or the axis labels. If fit is not nil it is called
// with the canvas left for the plot just before p is drawn, so that it can
// adjust the axes to the final size.
func drawWithLegend(c draw.Canvas, p *plot.Plot, entries []legendEntry, fit func(draw.Canvas)) {
	c = inset(c)
	if len(entries) < 2 {
		if fit != nil {
			fit(c)
		}
		p.Draw(c)
		return
	}
	l := newLegend(entries)
	main := draw.Crop(c, 0, -(l.Rectangle(c).Size().X + vg.Points(4) + legendGap), 0, 0)
	if fit != nil {
		fit(main)
	}
	p.Draw(main)
	data := p.DataCanvas(main)
	lc := c
	lc.Min.X = main.Max.X + legendGap
	lc.Max.Y = data.Max.Y
	l.Draw(lc)
}

// legendGap separates the axes from a legend drawn beside them.
const legendGap = vg.Length(8) // points

// newLegend returns the legend of entries, in the package's style, for a column beside the
// axes: top-left aligned in the canvas it is drawn on.
func newLegend(entries []legendEntry) *plot.Legend {
	l := plot.NewLegend()
	l.TextStyle = textStyle(legendSize)
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(14)
	for _, e := range entries {
		l.Add(shorten(e.name), e.thumbs...)
	}
	return &l
}

// colorBarWidth is the width of the coloured strip of a colour bar.
const colorBarWidth vg.Length = 11 // points

// drawWithColorBar draws p with a vertical colour bar for cm, labelled
// label, to the right of the axes and spanning the height of the data area.
//
// under and over say that some values lie below or above the map's range
// and were drawn in its end colours: the bar then ends in a triangle on
// that side, as matplotlib's "extend", so that clipping shows.
func drawWithColorBar(c draw.Canvas, p *plot.Plot, cm palette.ColorMap, label string, under, over bool) {
	c = inset(c)
	cb := newPlot("", "", label)
	cb.Add(&colorStrip{cm: cm, under: under, over: over})
	cb.HideX()
	cb.X.Padding, cb.Y.Padding = 0, 0
	// The colour bar's own axis (ticks and label) sits left of the strip;
	// measure it so that the strip keeps its width whatever the tick labels.
	axis := cb.DataCanvas(c).Min.X - c.Min.X
	gap := vg.Points(10)
	main := draw.Crop(c, 0, -(gap + axis + colorBarWidth), 0, 0)
	p.Draw(main)
	data := p.DataCanvas(main)
	bc := c
	bc.Min.X = main.Max.X + gap
	bc.Min.Y, bc.Max.Y = data.Min.Y, data.Max.Y
	cb.Draw(bc)
}

// colorStrip is a vertical colour bar drawn as vector rectangles. Gonum's
// plotter.ColorBar draws a 1-pixel-wide image, which SVG viewers scale
// keeping its aspect ratio, leaving a hairline instead of a bar.
type colorStrip struct {
	cm          palette.ColorMap
	under, over bool
}

// colorStripSteps is the number of bands of a colour strip, enough for
// the bands to be invisible.
const colorStripSteps = 128

// Plot implements plot.Plotter.
func (s *colorStrip) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	lo, hi := s.cm.Min(), s.cm.Max()
	step := (hi - lo) / colorStripSteps
	for i := range colorStripSteps {
		v0 := lo + float64(i)*step
		col, err := s.cm.At(v0 + step/2)
		if err != nil {
			continue // Cannot happen: v0 + step/2 lies inside [lo, hi].
		}
		// Each band overlaps the next by half a point so that
		// anti-aliasing leaves no light seams between them.
		y0, y1 := trY(v0), trY(v0+step)+0.5
		if i == colorStripSteps-1 {
			y1 = trY(hi)
		}
		r := vg.Rectangle{Min: vg.Point{X: c.Min.X, Y: y0}, Max: vg.Point{X: c.Max.X, Y: y1}}
		c.SetColor(col)
		c.Fill(r.Path())
	}
	// The triangles of clipped ends, outside the strip, in the end colours.
	w := c.Max.X - c.Min.X
	for _, end := range []struct {
		on   bool
		v, y vg.Length
	}{{s.under, -1, trY(lo)}, {s.over, 1, trY(hi)}} {
		if !end.on {
			continue
		}
		v := lo
		if end.v > 0 {
			v = hi
		}
		col, err := s.cm.At(v)
		if err != nil {
			continue
		}
		var tri vg.Path
		tri.Move(vg.Point{X: c.Min.X, Y: end.y})
		tri.Line(vg.Point{X: c.Max.X, Y: end.y})
		tri.Line(vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: end.y + end.v*w})
		tri.Close()
		c.SetColor(col)
		c.Fill(tri)
	}
}

// DataRange implements plot.DataRanger.
func (s *colorStrip) DataRange() (xmin, xmax, ymin, ymax float64) {
	return 0, 1, s.cm.Min(), s.cm.Max()
}
