package report

import (
	"errors"
	"fmt"
	"image/color"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Trajectory is one trajectory of a network projected on two axes, Pts in time order, drawn
// in the colour of its label value Group.
type Trajectory struct {
	Group string
	Pts   [][2]float64
}

// FixedPointMark is one fixed point at XY of the network of label value Group, of stability
// Class ("stable", "saddle", "unstable", "marginal" or anything else).
type FixedPointMark struct {
	Group, Class string
	XY           [2]float64
}

// classShapes are the marker shapes of the fixed-point classes; other classes are crosses.
var classShapes = map[string]draw.GlyphDrawer{
	"stable":   draw.CircleGlyph{},
	"saddle":   draw.TriangleGlyph{},
	"unstable": draw.SquareGlyph{},
	"marginal": draw.RingGlyph{},
}

// classOrder is the order of the classes in the legend.
var classOrder = []string{"stable", "saddle", "unstable", "marginal"}

// fixedPointRadius is the radius of a fixed-point marker: large enough to stand out of the
// trajectories it sits on.
const fixedPointRadius = vg.Length(5)

// Trajectories writes a FigWidth × FigHeight phase portrait: each trajectory a line in the
// colour pal gives its value (nil: the values in natural order), drawn in an interleaved
// order (so that no value's lines cover another's everywhere), and each fixed point a large
// marker of the same colour, outlined in black, whose shape is its stability class (stable
// ●, saddle ▲, unstable ■, marginal ○, other ×). The legend lists the values in pal's order,
// then the classes shown.
//
// There must be at least one point, all finite.
func Trajectories(path, title, xlabel, ylabel string, trajs []Trajectory, points []FixedPointMark, pal *Palette) error {
	var groups []string
	n := 0
	for k, tr := range trajs {
		if err := checkPoints(fmt.Sprintf("Trajectories: trajs[%d]", k), tr.Pts); err != nil {
			return err
		}
		groups = append(groups, tr.Group)
		n += len(tr.Pts)
	}
	fps := make([][2]float64, len(points))
	for i, fp := range points {
		fps[i] = fp.XY
		groups = append(groups, fp.Group)
	}
	if err := checkPoints("Trajectories: points", fps); err != nil {
		return err
	}
	if n+len(points) == 0 {
		return errors.New("report: Trajectories: no points")
	}
	pal = pal.extend(groups)
	p := newPlot(title, xlabel, ylabel)
	addGrid(p)
	lines := map[string]plot.Thumbnailer{}
	// Interleaved, so that one value's trajectories do not hide all of another's.
	for _, k := range interleaved(len(trajs)) {
		tr := trajs[k]
		if len(tr.Pts) == 0 {
			continue
		}
		xys := make(plotter.XYs, len(tr.Pts))
		for i, q := range tr.Pts {
			xys[i] = plotter.XY{X: q[0], Y: q[1]}
		}
		if len(xys) == 1 {
			xys = append(xys, xys[0])
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return fmt.Errorf("report: Trajectories: trajs[%d]: %w", k, err)
		}
		l.Color = withAlpha(pal.Color(tr.Group), 0.7)
		l.Width = vg.Points(1.1)
		p.Add(l)
		lines[tr.Group] = l
	}
	var classes []string
	for _, fp := range points {
		shape, ok := classShapes[fp.Class]
		if !ok {
			shape = draw.CrossGlyph{}
		}
		if !slices.Contains(classes, fp.Class) {
			classes = append(classes, fp.Class)
		}
		xys := plotter.XYs{{X: fp.XY[0], Y: fp.XY[1]}}
		outline, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		fill, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		outline.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: fixedPointRadius + vg.Points(1.3), Shape: shape}
		fill.GlyphStyle = draw.GlyphStyle{Color: pal.Color(fp.Group), Radius: fixedPointRadius, Shape: shape}
		if _, open := shape.(draw.RingGlyph); open {
			// A ring has no inside to fill: the coloured ring is drawn over a thicker black one.
			outline.GlyphStyle.Radius = fixedPointRadius
		}
		p.Add(outline, fill)
		if _, ok := lines[fp.Group]; !ok {
			lines[fp.Group] = fill
		}
	}
	var entries []legendEntry
	for _, g := range pal.Order(groups) {
		entries = append(entries, legendEntry{name: g, thumbs: []plot.Thumbnailer{lines[g]}})
	}
	slices.SortStableFunc(classes, func(a, b string) int { return rank(a) - rank(b) })
	for _, c := range classes {
		shape, ok := classShapes[c]
		if !ok {
			shape = draw.CrossGlyph{}
		}
		s, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: color.Gray{Y: 90}, Radius: vg.Points(3.5), Shape: shape}
		entries = append(entries, legendEntry{name: c + " fixed point", thumbs: []plot.Thumbnailer{s}})
	}
	return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
		drawWithLegend(c, p, entries, nil)
		return nil
	})
}

// rank is the position of class c in the legend (unknown classes last).
func rank(c string) int {
	if i := slices.Index(classOrder, c); i >= 0 {
		return i
	}
	return len(classOrder)
}
