package report

import (
	"errors"
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// pointRadius is the radius of scatter markers.
const pointRadius = vg.Length(2.6)

// Scatter2D writes a FigWidth × FigHeight scatter plot of the points pts
// (for instance the first two principal components of the segment
// embeddings), coloured by the categorical label groups[i] of point i with
// the colours and the order of pal (nil: the values in natural order), so
// that a value has the same colour in every figure drawn with the same
// palette. The markers are semi-transparent so that dense clusters show
// their density, and the groups' points are drawn interleaved, so that no
// group hides another where they overlap.
//
// len(groups) must equal len(pts), and pts must be non-empty and finite.
func Scatter2D(path, title, xlabel, ylabel string, pts [][2]float64, groups []string, pal *Palette) error {
	if len(pts) == 0 {
		return errors.New("report: Scatter2D: no points")
	}
	if len(groups) != len(pts) {
		return fmt.Errorf("report: Scatter2D: %d groups for %d points", len(groups), len(pts))
	}
	if err := checkPoints("Scatter2D: pts", pts); err != nil {
		return err
	}
	members := make(map[string]plotter.XYs)
	for i, g := range groups {
		members[g] = append(members[g], plotter.XY{X: pts[i][0], Y: pts[i][1]})
	}
	pal = pal.extend(groups)
	order := pal.Order(groups)

	p := newPlot(title, xlabel, ylabel)
	addGrid(p)
	s, thumbs, err := overlay(order, members, func(g string) draw.GlyphStyle {
		return draw.GlyphStyle{Color: withAlpha(pal.Color(g), 0.75), Radius: pointRadius, Shape: pal.shape(g)}
	})
	if err != nil {
		return fmt.Errorf("report: Scatter2D: %w", err)
	}
	p.Add(s)
	var entries []legendEntry
	for _, g := range order {
		entries = append(entries, legendEntry{name: g, thumbs: []plot.Thumbnailer{thumbs[g]}})
	}
	return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
		drawWithLegend(c, p, entries, nil)
		return nil
	})
}

// ScatterValues writes a FigWidth × FigHeight scatter plot of pts coloured
// by the continuous value values[i] of point i (for instance the stimulus
// angle or the driving frequency of each segment) on the viridis map, with
// a colour bar labelled valueLabel.
//
// len(values) must equal len(pts), and both must be non-empty and finite.
func ScatterValues(path, title, xlabel, ylabel string, pts [][2]float64, values []float64, valueLabel string) error {
	if len(pts) == 0 {
		return errors.New("report: ScatterValues: no points")
	}
	if len(values) != len(pts) {
		return fmt.Errorf("report: ScatterValues: %d values for %d points", len(values), len(pts))
	}
	if err := checkPoints("ScatterValues: pts", pts); err != nil {
		return err
	}
	if err := checkFinite("ScatterValues: values", values); err != nil {
		return err
	}
	lo, hi := span(values)
	cm := Viridis(lo, hi)
	xys := make(plotter.XYs, len(pts))
	for i, q := range pts {
		xys[i] = plotter.XY{X: q[0], Y: q[1]}
	}
	s, err := plotter.NewScatter(xys)
	if err != nil {
		return fmt.Errorf("report: ScatterValues: %w", err)
	}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle {
		col, _ := cm.At(values[i]) // values[i] ∈ [lo, hi] by construction.
		return draw.GlyphStyle{Color: col, Radius: pointRadius, Shape: draw.CircleGlyph{}}
	}

	p := newPlot(title, xlabel, ylabel)
	addGrid(p)
	p.Add(s)
	return render(path, inches(FigWidth), inches(FigHeight), func(c draw.Canvas) error {
		drawWithColorBar(c, p, cm, valueLabel, false, false)
		return nil
	})
}
