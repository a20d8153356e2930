package report

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatmapOptions modify a heatmap; the zero value gives a plain heatmap
// whose colour range is the range of the data.
type HeatmapOptions struct {
	// Annotate prints each cell's value in the cell: integers as such
	// (for counts in a confusion matrix), other numbers with two
	// decimals, or three significant digits when they are large.
	Annotate bool

	// XLabel and YLabel name what the columns and the rows are
	// (e.g. "test task", "train task"); ValueLabel labels the colour bar.
	XLabel, YLabel, ValueLabel string

	// If Min < Max the colour scale is fixed to [Min, Max] (e.g. [0, 1]
	// for R² or accuracies, so that figures compare); values outside take
	// the end colours, and the colour bar ends in a triangle on each side
	// where that happened. Otherwise it spans the finite values of the matrix.
	Min, Max float64
}

// Heatmap writes a heatmap of the matrix M (len(rowNames) rows ×
// len(colNames) columns, row 0 at the top, as a matrix is read) on the
// viridis map with a colour bar, for instance a centroid-generalisation
// matrix or a confusion matrix. NaN cells (no value) are drawn light grey.
//
// The figure is at least FigWidth × FigHeight and grows with the number of
// cells, up to 12 × 12 in, so that annotated cells stay legible.
//
// Every row of M must have len(colNames) elements, there must be at least
// one row, one column and one non-NaN value, and no value may be infinite.
func Heatmap(path, title string, rowNames, colNames []string, M [][]float64, opt HeatmapOptions) error {
	rows, cols := len(rowNames), len(colNames)
	if rows == 0 || cols == 0 {
		return errors.New("report: Heatmap: no rows or no columns")
	}
	if len(M) != rows {
		return fmt.Errorf("report: Heatmap: %d rows in M for %d row names", len(M), rows)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	integers := true
	for i, r := range M {
		if len(r) != cols {
			return fmt.Errorf("report: Heatmap: M[%d] has %d elements for %d column names", i, len(r), cols)
		}
		for j, v := range r {
			switch {
			case math.IsNaN(v):
				continue
			case math.IsInf(v, 0):
				return fmt.Errorf("report: Heatmap: M[%d][%d] = %v is infinite", i, j, v)
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
			integers = integers && v == math.Trunc(v) && math.Abs(v) < 1e6
		}
	}
	if lo > hi {
		return errors.New("report: Heatmap: every value is NaN")
	}
	var under, over bool
	if opt.Min < opt.Max {
		under, over = lo < opt.Min, hi > opt.Max
		lo, hi = opt.Min, opt.Max
	} else if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	cm := Viridis(lo, hi)
	pal := cm.Palette(256).Colors()

	p := newPlot(title, opt.XLabel, opt.YLabel)
	p.Add(&cells{m: M, pal: pal, lo: lo, hi: hi})
	p.X.Padding, p.Y.Padding = 0, 0
	xt := make(plot.ConstantTicks, cols)
	for j, n := range colNames {
		xt[j] = plot.Tick{Value: float64(j), Label: n}
	}
	yt := make(plot.ConstantTicks, rows)
	for i, n := range rowNames {
		yt[i] = plot.Tick{Value: float64(rows - 1 - i), Label: n}
	}
	p.X.Tick.Marker, p.Y.Tick.Marker = xt, yt

	// Cells of cell inches while the figure fits in 12 in; the fixed part
	// holds the row names, the colour bar and the title.
	cell := 0.32
	if opt.Annotate {
		cell = 0.5
	}
	w := min(max(FigWidth, 2.6+cell*float64(cols)), 12)
	h := min(max(FigHeight, 1.6+cell*float64(rows)), 12)

	// Turn the column names when they are wider than a cell.
	cellPts := inches((w - 2.6) / float64(cols))
	for _, n := range colNames {
		if p.X.Tick.Label.Width(n) > 0.9*cellPts {
			p.X.Tick.Label.Rotation = math.Pi / 4
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YTop
			break
		}
	}
	if opt.Annotate {
		p.Add(&cellText{cells: cells{m: M, pal: pal, lo: lo, hi: hi}, integers: integers})
	}
	return render(path, inches(w), inches(h), func(c draw.Canvas) error {
		drawWithColorBar(c, p, cm, opt.ValueLabel, under, over)
		return nil
	})
}

// cells draws the matrix m as coloured squares, column j centred at
// x = j and row i at y = rows−1−i so that row 0 is on top. Values are
// mapped linearly from [lo, hi] onto pal, clamped at the ends; NaN cells
// are light grey. Gonum's HeatMap leaves hairline seams between cells in
// anti-aliased output; here each cell overlaps its neighbours slightly.
type cells struct {
	m      [][]float64
	pal    []color.Color
	lo, hi float64
}

// Plot implements plot.Plotter.
func (h *cells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	rows := len(h.m)
	const overlap = 0.4 // points
	for i, r := range h.m {
		y := float64(rows - 1 - i)
		for j, v := range r {
			x := float64(j)
			rect := vg.Rectangle{
				Min: vg.Point{X: trX(x-0.5) - overlap, Y: trY(y-0.5) - overlap},
				Max: vg.Point{X: trX(x+0.5) + overlap, Y: trY(y+0.5) + overlap},
			}
			c.SetColor(h.colour(v))
			c.Fill(rect.Path())
		}
	}
}

// DataRange implements plot.DataRanger.
func (h *cells) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(len(h.m[0])) - 0.5, -0.5, float64(len(h.m)) - 0.5
}

// colour returns the colour of the value v, clamped to the ends of the
// palette; NaN is light grey.
func (h *cells) colour(v float64) color.Color {
	if math.IsNaN(v) {
		return color.Gray{Y: 220}
	}
	f := (v - h.lo) / (h.hi - h.lo)
	k := int(math.Round(f * float64(len(h.pal)-1)))
	return h.pal[min(max(k, 0), len(h.pal)-1)]
}

// cellText prints the value of each cell of a heatmap at its centre, in
// white on dark cells and black on light ones.
type cellText struct {
	cells
	integers bool
}

// Plot implements plot.Plotter.
func (t *cellText) Plot(c draw.Canvas, p *plot.Plot) {
	rows, cols := len(t.m), len(t.m[0])
	labels := make([][]string, rows)
	longest := 1
	for i, r := range t.m {
		labels[i] = make([]string, cols)
		for j, v := range r {
			labels[i][j] = t.format(v)
			longest = max(longest, len(labels[i][j]))
		}
	}
	// Fit the text to the cell: a digit is about 0.55 em wide.
	cw := (c.Max.X - c.Min.X) / vg.Length(cols)
	ch := (c.Max.Y - c.Min.Y) / vg.Length(rows)
	size := min(10, 0.8*cw/(0.55*vg.Length(longest)), 0.6*ch)
	if size < 5 {
		return // Too small to read: the colour alone must do.
	}
	sty := textStyle(size)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	trX, trY := p.Transforms(&c)
	for i, r := range t.m {
		for j, v := range r {
			sty.Color = color.Black
			if !math.IsNaN(v) && luminance(t.colour(v)) < 0.18 {
				sty.Color = color.White
			}
			c.FillText(sty, vg.Point{X: trX(float64(j)), Y: trY(float64(rows - 1 - i))}, labels[i][j])
		}
	}
}

// format returns the annotation of the value v.
func (t *cellText) format(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case t.integers:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case math.Abs(v) >= 100:
		return strconv.FormatFloat(v, 'g', 3, 64)
	default:
		return strconv.FormatFloat(v, 'f', 2, 64)
	}
}

// luminance returns the relative luminance of c in [0, 1] (ITU-R BT.709
// weights on linearised sRGB). White and black text have the same WCAG
// contrast, (1.05)/(L+0.05) = (L+0.05)/0.05, on a background of L ≈ 0.18,
// the threshold used to choose between them.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.04045 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
