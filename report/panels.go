package report

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Panel is one panel of ScatterPanels: the points Pts, coloured by the categorical label
// Groups[i] of point i, under the title Title.
type Panel struct {
	Title  string
	Pts    [][2]float64
	Groups []string
}

// PanelWidth is the width, in inches, of one panel of ScatterPanels; PanelLegendWidth the room
// left for its shared legend.
const (
	PanelWidth       = 3.6
	PanelLegendWidth = 1.6
)

// ScatterPanels writes scatter plots side by side that share their axes, their colours and one
// legend, so that the panels compare at a glance (for instance a teacher's fixed points and a
// fitted model's, on the same principal axes). A group has the colour and marker pal gives it
// (nil: the groups in natural order) in every panel, and the legend lists them in pal's order. The
// figure is len(panels) × PanelWidth + PanelLegendWidth by FigHeight inches. ylabel is drawn on
// the first panel only.
//
// Every panel must have as many groups as points, and the points must be finite; a panel may
// be empty, but not all of them.
func ScatterPanels(path, xlabel, ylabel string, panels []Panel, pal *Palette) error {
	plots, entries, err := panelPlots(xlabel, ylabel, panels, pal)
	if err != nil {
		return err
	}
	w := inches(float64(len(panels))*PanelWidth + PanelLegendWidth)
	return render(path, w, inches(FigHeight), func(c draw.Canvas) error {
		c = inset(c)
		l := newLegend(entries)
		main := draw.Crop(c, 0, -(l.Rectangle(c).Size().X + vg.Points(4) + legendGap), 0, 0)
		step := (main.Max.X - main.Min.X) / vg.Length(len(plots))
		var top vg.Length
		for k, p := range plots {
			tile := main
			tile.Min.X = main.Min.X + vg.Length(k)*step
			tile.Max.X = tile.Min.X + step
			p.Draw(tile)
			top = p.DataCanvas(tile).Max.Y
		}
		lc := c
		lc.Min.X = main.Max.X + legendGap
		lc.Max.Y = top
		l.Draw(lc)
		return nil
	})
}

// panelPlots builds the plots of ScatterPanels, with the axis ranges of all the points and one
// colour and marker per group, and the legend entries of the groups.
func panelPlots(xlabel, ylabel string, panels []Panel, pal *Palette) ([]*plot.Plot, []legendEntry, error) {
	if len(panels) == 0 {
		return nil, nil, errors.New("report: ScatterPanels: no panels")
	}
	var all []string
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for k, pn := range panels {
		if len(pn.Groups) != len(pn.Pts) {
			return nil, nil, fmt.Errorf("report: ScatterPanels: panel %d has %d groups for %d points", k, len(pn.Groups), len(pn.Pts))
		}
		if err := checkPoints(fmt.Sprintf("ScatterPanels: panel %d", k), pn.Pts); err != nil {
			return nil, nil, err
		}
		all = append(all, pn.Groups...)
		for i := range pn.Groups {
			q := pn.Pts[i]
			xmin, xmax, ymin, ymax = min(xmin, q[0]), max(xmax, q[0]), min(ymin, q[1]), max(ymax, q[1])
		}
	}
	if len(all) == 0 {
		return nil, nil, errors.New("report: ScatterPanels: no points")
	}
	pal = pal.extend(all)
	order := pal.Order(all)
	style := func(g string) draw.GlyphStyle {
		return draw.GlyphStyle{Color: withAlpha(pal.Color(g), 0.75), Radius: pointRadius, Shape: pal.shape(g)}
	}
	var plots []*plot.Plot
	for k, pn := range panels {
		yl := ylabel
		if k > 0 {
			yl = ""
		}
		p := newPlot(pn.Title, xlabel, yl)
		addGrid(p)
		members := map[string]plotter.XYs{}
		for i, g := range pn.Groups {
			members[g] = append(members[g], plotter.XY{X: pn.Pts[i][0], Y: pn.Pts[i][1]})
		}
		s, _, err := overlay(pal.Order(pn.Groups), members, style)
		if err != nil {
			return nil, nil, fmt.Errorf("report: ScatterPanels: panel %d: %w", k, err)
		}
		p.Add(s)
		// Every panel spans all the points with a 5% margin; a degenerate range (all points
		// equal in a coordinate) is widened by 1 so that the axis can be drawn.
		padX, padY := 0.05*(xmax-xmin), 0.05*(ymax-ymin)
		if padX == 0 {
			padX = 1
		}
		if padY == 0 {
			padY = 1
		}
		p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = xmin-padX, xmax+padX, ymin-padY, ymax+padY
		plots = append(plots, p)
	}
	var entries []legendEntry
	for _, g := range order {
		s, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			return nil, nil, err
		}
		s.GlyphStyle = style(g)
		entries = append(entries, legendEntry{name: g, thumbs: []plot.Thumbnailer{s}})
	}
	return plots, entries, nil
}
