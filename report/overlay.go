package report

import (
	"math/rand/v2"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

// overlay returns one scatter of the points of several groups (members[g] for each g of
// groups) whose points are drawn in a shuffled order that interleaves the groups, and a legend
// thumbnail per group. Drawn group after group, the last group would cover the others wherever
// they overlap (preparation over execution on the real axis of a spectrum); interleaved, every
// group shows where it has points, in proportion to how many it has there. The shuffle is
// seeded, so the same points give the same figure. style gives a group's marker.
func overlay(groups []string, members map[string]plotter.XYs, style func(g string) draw.GlyphStyle) (*plotter.Scatter, map[string]plot.Thumbnailer, error) {
	var xys plotter.XYs
	var of []int
	thumbs := map[string]plot.Thumbnailer{}
	styles := make([]draw.GlyphStyle, len(groups))
	for k, g := range groups {
		xys = append(xys, members[g]...)
		for range members[g] {
			of = append(of, k)
		}
		styles[k] = style(g)
		t, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			return nil, nil, err
		}
		t.GlyphStyle = styles[k]
		thumbs[g] = t
	}
	perm := interleaved(len(xys))
	shuffled, group := make(plotter.XYs, len(xys)), make([]int, len(xys))
	for i, j := range perm {
		shuffled[i], group[i] = xys[j], of[j]
	}
	s, err := plotter.NewScatter(shuffled)
	if err != nil {
		return nil, nil, err
	}
	s.GlyphStyleFunc = func(i int) draw.GlyphStyle { return styles[group[i]] }
	return s, thumbs, nil
}

// interleaved returns a seeded permutation of 0…n−1: the order in which a figure draws n
// items of several groups (points, trajectories), so that no group is drawn over all others.
func interleaved(n int) []int {
	return rand.New(rand.NewPCG(0x6f7665726c6179, uint64(n))).Perm(n)
}
