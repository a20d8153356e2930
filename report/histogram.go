package report

import (
	"errors"
	"image/color"
	"math"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Histogram writes a FigWidth × FigHeight histogram of values (for
// instance the R² of every recorded neuron) with bins equal-width bins
// over [min, max] of the data, and the median marked by a dashed line, in
// grey and black: the values binned are not values of a label, whose
// colours they would otherwise borrow. If
// bins ≤ 0 it is ⌈√n⌉ clamped to [5, 50] for n values.
//
// values must be non-empty and finite.
func Histogram(path, title, xlabel string, values []float64, bins int) error {
	if len(values) == 0 {
		return errors.New("report: Histogram: no values")
	}
	if err := checkFinite("Histogram: values", values); err != nil {
		return err
	}
	if bins <= 0 {
		bins = min(max(int(math.Ceil(math.Sqrt(float64(len(values))))), 5), 50)
	}
	h := &plotter.Histogram{
		Bins:      histBins(values, bins),
		FillColor: neutralFill,
		LineStyle: draw.LineStyle{Color: color.White, Width: vg.Points(0.6)},
	}
	h.Width = h.Bins[0].Max - h.Bins[0].Min

	med := median(values)
	p := newPlot(title, xlabel, "count")
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{Y: 225}
	p.Add(g, h)
	ml := &vline{x: med, style: draw.LineStyle{
		Color:  color.Black,
		Width:  vg.Points(1.6),
		Dashes: []vg.Length{vg.Points(5), vg.Points(3)},
	}}
	p.Add(ml)
	p.Y.Min = 0
	entries := []legendEntry{
		{name: "n = " + strconv.Itoa(len(values)), thumbs: []plot.Thumbnailer{h}},
		{name: "median " + strconv.FormatFloat(med, 'g', 3, 64), thumbs: []plot.Thumbnailer{ml}},
	}
	return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
		drawWithLegend(c, p, entries, nil)
		return nil
	})
}

// histBins counts values in n equal bins over [min, max] of values (a unit
// interval around a constant); a value on an inner edge belongs to the bin
// above it and the maximum to the last bin.
func histBins(values []float64, n int) []plotter.HistogramBin {
	lo, hi := span(values)
	w := (hi - lo) / float64(n)
	bins := make([]plotter.HistogramBin, n)
	for i := range bins {
		bins[i].Min = lo + float64(i)*w
		bins[i].Max = lo + float64(i+1)*w
	}
	bins[n-1].Max = hi
	for _, v := range values {
		i := min(int((v-lo)/w), n-1)
		bins[i].Weight++
	}
	return bins
}

// median returns the median of xs (the mean of the two middle values when
// len(xs) is even); xs is not modified.
func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// vline is a vertical line at x across the whole data area.
type vline struct {
	x     float64
	style draw.LineStyle
}

// Plot implements plot.Plotter.
func (l *vline) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	x := trX(l.x)
	c.StrokeLine2(l.style, x, c.Min.Y, x, c.Max.Y)
}

// Thumbnail implements plot.Thumbnailer.
func (l *vline) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(l.style, c.Min.X, y, c.Max.X, y)
}
