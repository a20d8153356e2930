package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one curve of a line plot: Y[i] against X[i]. X may be nil, in
// which case Y is plotted against its index 0, 1, …, len(Y)−1 (a step or
// epoch count). YErr, if not nil, holds the half-width of an uncertainty
// interval: Y[i] ± YErr[i] is shaded, or drawn as error bars.
type Series struct {
	Name string
	X, Y []float64
	YErr []float64
}

// LineOptions modify a line plot; the zero value is a linear plot with
// shaded uncertainty bands.
type LineOptions struct {
	// LogY selects a logarithmic y axis (for loss curves). Every Y must
	// then be positive; the lower edge of an uncertainty interval that
	// reaches zero is clipped to half the smallest Y.
	LogY bool

	// ErrorBars draws YErr as capped error bars instead of a shaded band,
	// which reads better when there are few points.
	ErrorBars bool

	// Palette, when not nil, colours each series by its Name (the values of
	// a label) and orders the legend as it does. Otherwise series are
	// coloured in turn, or drawn in black and greys with Neutral.
	Palette *Palette

	// Neutral draws the series in black and greys with distinct dashes, for
	// curves that are not values of a label (training and held-out R²), so
	// that the label colours of a report keep one meaning.
	Neutral bool
}

// neutral are the line styles of LineOptions.Neutral, in turn.
var neutral = []draw.LineStyle{
	{Color: color.Black, Width: vg.Points(1.6)},
	{Color: color.Gray{Y: 120}, Width: vg.Points(1.6), Dashes: []vg.Length{vg.Points(5), vg.Points(3)}},
	{Color: color.Gray{Y: 60}, Width: vg.Points(1.6), Dashes: []vg.Length{vg.Points(1.5), vg.Points(2.5)}},
}

// markerLimit is the largest number of points per series drawn with
// markers; longer series (loss curves) are drawn as plain lines.
const markerLimit = 40

// Lines writes a FigWidth × FigHeight line plot of series, one colour per
// series, with a legend when there is more than one. Series of at most 40
// points also get markers, so that sparse curves (R² against noise level)
// show where they were measured.
//
// Every series needs len(X) = len(Y) (or X = nil) and len(YErr) = len(Y)
// (or YErr = nil), at least one point, finite values and YErr ≥ 0.
func Lines(path, title, xlabel, ylabel string, series []Series, opt LineOptions) error {
	if len(series) == 0 {
		return errors.New("report: Lines: no series")
	}
	ymin := math.Inf(1)
	for k, s := range series {
		if err := checkSeries(k, s, opt.LogY); err != nil {
			return err
		}
		for _, y := range s.Y {
			ymin = math.Min(ymin, y)
		}
	}
	// floor keeps the lower edge of uncertainty intervals positive on a
	// log axis.
	floor := math.Inf(-1)
	if opt.LogY {
		floor = ymin / 2
	}

	p := newPlot(title, xlabel, ylabel)
	addGrid(p)
	var names []string
	for _, s := range series {
		names = append(names, s.Name)
	}
	pal := opt.Palette
	if pal != nil {
		pal = pal.extend(names)
	}
	byName := map[string]legendEntry{}
	var entries []legendEntry
	for k, s := range series {
		xys := make(plotter.XYs, len(s.Y))
		for i, y := range s.Y {
			xys[i] = plotter.XY{X: float64(i), Y: y}
			if s.X != nil {
				xys[i].X = s.X[i]
			}
		}
		var col color.Color = Categorical(k)
		shape := glyphShape(k)
		line := draw.LineStyle{Width: vg.Points(1.6)}
		switch {
		case pal != nil:
			col, shape = pal.Color(s.Name), pal.shape(s.Name)
		case opt.Neutral:
			line = neutral[k%len(neutral)]
			col = line.Color
		}
		line.Color = col
		var thumbs []plot.Thumbnailer
		if s.YErr != nil {
			lo := make([]float64, len(s.Y))
			for i, y := range s.Y {
				lo[i] = math.Max(y-s.YErr[i], floor)
			}
			if opt.ErrorBars {
				bars, err := errorBars(xys, lo, s.YErr)
				if err != nil {
					return fmt.Errorf("report: Lines: series %d: %w", k, err)
				}
				bars.Color = col
				p.Add(bars)
			} else {
				band, err := errorBand(xys, lo, s.YErr)
				if err != nil {
					return fmt.Errorf("report: Lines: series %d: %w", k, err)
				}
				band.Color = withAlpha(color.NRGBAModel.Convert(col).(color.NRGBA), 0.22)
				p.Add(band)
				thumbs = append(thumbs, band)
			}
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("report: Lines: series %d: %w", k, err)
		}
		l.LineStyle = line
		p.Add(l)
		thumbs = append(thumbs, l)
		if len(xys) <= markerLimit {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return fmt.Errorf("report: Lines: series %d: %w", k, err)
			}
			sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.4), Shape: shape}
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		entries = append(entries, legendEntry{name: s.Name, thumbs: thumbs})
		byName[s.Name] = entries[len(entries)-1]
	}
	if pal != nil {
		entries = entries[:0]
		for _, g := range pal.Order(names) {
			entries = append(entries, byName[g])
		}
	}
	if opt.LogY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.TickerFunc(logTicks)
		if p.Y.Min == p.Y.Max {
			p.Y.Min, p.Y.Max = p.Y.Min/2, p.Y.Max*2
		}
	}
	return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
		drawWithLegend(c, p, entries, nil)
		return nil
	})
}

// checkSeries validates series k of a line plot.
func checkSeries(k int, s Series, logY bool) error {
	if len(s.Y) == 0 {
		return fmt.Errorf("report: Lines: series %d (%q) is empty", k, s.Name)
	}
	if s.X != nil && len(s.X) != len(s.Y) {
		return fmt.Errorf("report: Lines: series %d (%q): len(X) = %d, len(Y) = %d", k, s.Name, len(s.X), len(s.Y))
	}
	if s.YErr != nil && len(s.YErr) != len(s.Y) {
		return fmt.Errorf("report: Lines: series %d (%q): len(YErr) = %d, len(Y) = %d", k, s.Name, len(s.YErr), len(s.Y))
	}
	name := fmt.Sprintf("Lines: series %d (%q)", k, s.Name)
	for _, v := range []struct {
		field string
		xs    []float64
	}{{".X", s.X}, {".Y", s.Y}, {".YErr", s.YErr}} {
		if err := checkFinite(name+v.field, v.xs); err != nil {
			return err
		}
	}
	for i, e := range s.YErr {
		if e < 0 {
			return fmt.Errorf("report: %s.YErr[%d] = %v is negative", name, i, e)
		}
	}
	if logY {
		for i, y := range s.Y {
			if y <= 0 {
				return fmt.Errorf("report: %s.Y[%d] = %v cannot be drawn on a log axis", name, i, y)
			}
		}
	}
	return nil
}

// errorBand returns the polygon between lo[i] and Y[i] + err[i], without an
// outline.
func errorBand(xys plotter.XYs, lo, err []float64) (*plotter.Polygon, error) {
	ring := make(plotter.XYs, 0, 2*len(xys))
	for i, q := range xys {
		ring = append(ring, plotter.XY{X: q.X, Y: q.Y + err[i]})
	}
	for i := len(xys) - 1; i >= 0; i-- {
		ring = append(ring, plotter.XY{X: xys[i].X, Y: lo[i]})
	}
	band, e := plotter.NewPolygon(ring)
	if e != nil {
		return nil, e
	}
	band.LineStyle.Width = 0
	return band, nil
}

// errorBars returns capped bars from lo[i] to Y[i] + err[i].
func errorBars(xys plotter.XYs, lo, err []float64) (*plotter.YErrorBars, error) {
	type xyErr struct {
		plotter.XYs
		plotter.YErrors
	}
	ye := make(plotter.YErrors, len(xys))
	for i, q := range xys {
		ye[i].Low, ye[i].High = q.Y-lo[i], err[i]
	}
	return plotter.NewYErrorBars(xyErr{xys, ye})
}

// logTicks returns ticks for a log axis over [min, max] (min > 0): major
// labelled ticks at the powers of ten, and, when the range spans fewer
// than two decades, also labelled ticks at 2 and 5 times them so that
// every plot shows at least two numbers.
func logTicks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max >= min) {
		return nil
	}
	labelled := map[int]bool{1: true}
	if math.Log10(max/min) < 2 {
		labelled[2], labelled[5] = true, true
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(min)); e <= math.Ceil(math.Log10(max)); e++ {
		base := math.Pow(10, e)
		for m := 1; m < 10; m++ {
			v := float64(m) * base
			if v < min*(1-1e-9) || v > max*(1+1e-9) {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[m] {
				t.Label = logLabel(m, int(e))
			}
			ticks = append(ticks, t)
		}
	}
	return ticks
}

// logLabel formats m·10^e (1 ≤ m ≤ 9) exactly, in positional notation
// when that is short and in exponent notation otherwise.
func logLabel(m, e int) string {
	if e < -4 || e > 4 {
		return strconv.Itoa(m) + "e" + strconv.Itoa(e)
	}
	if e >= 0 {
		return strconv.Itoa(m) + strings.Repeat("0", e)
	}
	return "0." + strings.Repeat("0", -e-1) + strconv.Itoa(m)
}
