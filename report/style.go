package report

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Font sizes, in points, chosen so that a 5 × 4 in figure stays readable
// when a browser scales it to half a laptop screen.
const (
	titleSize  = 13
	labelSize  = 11
	tickSize   = 9.5
	legendSize = 9.5
)

// neutralFill fills bars and histograms whose bars are not values of a label. Colours are
// kept for label values, so that one colour means one thing across a report's figures: a
// blue histogram beside a figure whose blue is one task would read as that task's.
var neutralFill = color.Gray{Y: 150}

// sans is the typeface of every text: a sans-serif reads better than
// gonum's default serif at small sizes.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// textStyle returns a sans-serif text style of the given size in points.
func textStyle(size vg.Length) text.Style {
	return text.Style{
		Color:   color.Black,
		Font:    font.From(sans, size),
		XAlign:  draw.XLeft,
		YAlign:  draw.YBottom,
		Handler: plot.DefaultTextHandler,
	}
}

// newPlot returns a plot with the package's fonts, the given title and axis
// labels, and a light grid behind the data.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, titleSize)
	p.Title.Padding = vg.Points(6)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(sans, labelSize)
		a.Tick.Label.Font = font.From(sans, tickSize)
		a.Label.Padding = vg.Points(3)
	}
	p.X.Tick.Marker = plot.TickerFunc(niceTicks)
	p.Y.Tick.Marker = plot.TickerFunc(niceTicks)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.TextStyle.Font = font.From(sans, legendSize)
	return p
}

// addGrid draws light grey grid lines at the major ticks, behind whatever
// is added afterwards.
func addGrid(p *plot.Plot) {
	g := plotter.NewGrid()
	g.Horizontal.Color = color.Gray{Y: 225}
	g.Vertical.Color = color.Gray{Y: 225}
	p.Add(g)
}

// glyphShapes are the marker shapes used in turn once the categorical
// palette has been used up.
var glyphShapes = []draw.GlyphDrawer{
	draw.CircleGlyph{},
	draw.TriangleGlyph{},
	draw.SquareGlyph{},
	draw.PlusGlyph{},
	draw.CrossGlyph{},
	draw.RingGlyph{},
}

// glyphShape returns the marker shape of group i.
func glyphShape(i int) draw.GlyphDrawer {
	return glyphShapes[(i/len(categorical))%len(glyphShapes)]
}
