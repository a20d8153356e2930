package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// traceObserved and tracePredicted are the styles of data and model in
// Traces: data in a light grey, the model on top of it in black or in the
// colour of the segment's label value.
var (
	traceObserved  = draw.LineStyle{Color: color.Gray{Y: 150}, Width: vg.Points(1.3)}
	tracePredicted = draw.LineStyle{Color: color.Black, Width: vg.Points(1.4)}
)

// Traces writes a grid of small panels, panel k showing observed[k] (the
// recorded activity of one neuron, grey) and predicted[k] (the model's
// reconstruction, black, or model when not nil: the colour of the
// segment's label value) against the time points t, titled names[k].
// predicted may be nil to show the data alone. Panels are laid out three
// to a row (√K to a row beyond nine panels), 3 in wide and 2.2 in high,
// under the figure title and a shared legend; only the bottom panel of
// each column is labelled with xlabel.
//
// len(names) = len(observed) ≥ 1, len(predicted) = len(observed) unless
// predicted is nil, every series must have len(t) finite values and t
// must be non-empty and finite.
func Traces(path, title, xlabel string, t []float64, observed, predicted [][]float64, names []string, model color.Color) error {
	predStyle := tracePredicted
	if model != nil {
		predStyle.Color = model
	}
	k := len(observed)
	if k == 0 {
		return errors.New("report: Traces: no panels")
	}
	if len(t) == 0 {
		return errors.New("report: Traces: no time points")
	}
	if len(names) != k {
		return fmt.Errorf("report: Traces: %d names for %d observed series", len(names), k)
	}
	if predicted != nil && len(predicted) != k {
		return fmt.Errorf("report: Traces: %d predicted series for %d observed", len(predicted), k)
	}
	if err := checkFinite("Traces: t", t); err != nil {
		return err
	}
	for i := range k {
		if err := checkTrace("observed", i, observed[i], len(t)); err != nil {
			return err
		}
		if predicted != nil {
			if err := checkTrace("predicted", i, predicted[i], len(t)); err != nil {
				return err
			}
		}
	}

	cols := min(k, 3)
	if k > 9 {
		cols = int(math.Ceil(math.Sqrt(float64(k))))
	}
	rows := (k + cols - 1) / cols
	plots := make([][]*plot.Plot, rows)
	for r := range plots {
		plots[r] = make([]*plot.Plot, cols)
	}
	for i := range k {
		r, c := i/cols, i%cols
		// The bottom panel of a column is the last in it.
		xl := ""
		if i+cols >= k {
			xl = xlabel
		}
		p := newPlot(names[i], xl, "")
		p.Title.TextStyle.Font = font.From(sans, labelSize)
		p.Title.Padding = vg.Points(3)
		addGrid(p)
		if err := addTrace(p, t, observed[i], traceObserved); err != nil {
			return fmt.Errorf("report: Traces: panel %d: %w", i, err)
		}
		if predicted != nil {
			if err := addTrace(p, t, predicted[i], predStyle); err != nil {
				return fmt.Errorf("report: Traces: panel %d: %w", i, err)
			}
		}
		plots[r][c] = p
	}

	w := max(FigWidth, 3*float64(cols))
	h := max(FigHeight, 0.55+2.2*float64(rows))
	return render(path, inches(w), inches(h), func(c draw.Canvas) error {
		c = inset(c)
		header := vg.Points(30)
		drawHeader(draw.Crop(c, 0, 0, c.Size().Y-header, 0), title, predicted != nil, predStyle)
		grid := draw.Crop(c, 0, 0, 0, -header)
		tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Points(10), PadY: vg.Points(8)}
		canvases := plot.Align(plots, tiles, grid)
		for r, row := range plots {
			for c, p := range row {
				if p != nil {
					p.Draw(canvases[r][c])
				}
			}
		}
		return nil
	})
}

// checkTrace validates series i of kind what against n time points.
func checkTrace(what string, i int, y []float64, n int) error {
	if len(y) != n {
		return fmt.Errorf("report: Traces: %s[%d] has %d values for %d time points", what, i, len(y), n)
	}
	return checkFinite(fmt.Sprintf("Traces: %s[%d]", what, i), y)
}

// addTrace adds the line y(t) drawn with sty to p.
func addTrace(p *plot.Plot, t, y []float64, sty draw.LineStyle) error {
	xys := make(plotter.XYs, len(t))
	for i := range t {
		xys[i] = plotter.XY{X: t[i], Y: y[i]}
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return err
	}
	l.LineStyle = sty
	p.Add(l)
	return nil
}

// drawHeader draws the figure title centred at the top of c and, when the
// model is shown, a one-line legend for data and model at the right.
func drawHeader(c draw.Canvas, title string, model bool, modelStyle draw.LineStyle) {
	ts := textStyle(titleSize)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	c.FillText(ts, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y}, title)
	if !model {
		return
	}
	ls := textStyle(legendSize)
	ls.YAlign = draw.YCenter
	y := c.Max.Y - ts.Font.Size/2
	x := c.Max.X
	for _, e := range []struct {
		name string
		sty  draw.LineStyle
	}{{"model", modelStyle}, {"data", traceObserved}} {
		x -= ls.Width(e.name)
		c.FillText(ls, vg.Point{X: x, Y: y}, e.name)
		x -= vg.Points(22)
		c.StrokeLine2(e.sty, x, y, x+vg.Points(18), y)
		x -= vg.Points(12)
	}
}
