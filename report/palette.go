package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot/palette"
)

// categorical holds the Okabe–Ito colours (Okabe & Ito 2008), ordered so
// that the first few are the most distinct on white, followed by four
// darker colours of Paul Tol's "muted" scheme. Okabe–Ito yellow comes late
// because it is faint on a white background.
var categorical = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0x00, 0x00, 0x00, 0xff}, // black
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
	{0x33, 0x22, 0x88, 0xff}, // Tol indigo
	{0x88, 0x22, 0x55, 0xff}, // Tol wine
	{0x99, 0x99, 0x33, 0xff}, // Tol olive
	{0x44, 0xAA, 0x99, 0xff}, // Tol teal
}

// Categorical returns the colour of group i (i ≥ 0). The twelve colours
// repeat after i = 11; the plotting functions then change the marker
// shape so that groups stay distinguishable.
func Categorical(i int) color.NRGBA {
	return categorical[i%len(categorical)]
}

// withAlpha returns c with opacity a ∈ [0, 1].
func withAlpha(c color.NRGBA, a float64) color.Color {
	c.A = uint8(math.Round(255 * a))
	return c
}

// viridisAnchors are nine evenly spaced samples of matplotlib's viridis
// map (van der Walt & Smith); Viridis interpolates linearly between them,
// which stays within one or two units of 255 of the full 256-entry table.
var viridisAnchors = []color.NRGBA{
	{0x44, 0x01, 0x54, 0xff},
	{0x47, 0x2D, 0x7B, 0xff},
	{0x3B, 0x52, 0x8B, 0xff},
	{0x2C, 0x72, 0x8E, 0xff},
	{0x21, 0x90, 0x8C, 0xff},
	{0x27, 0xAD, 0x81, 0xff},
	{0x5D, 0xC8, 0x63, 0xff},
	{0xAA, 0xDC, 0x32, 0xff},
	{0xFD, 0xE7, 0x25, 0xff},
}

// viridis is a palette.ColorMap over [min, max].
type viridis struct {
	min, max, alpha float64
}

// Viridis returns the viridis sequential colour map over [min, max]
// (dark purple at min, yellow at max). It requires min < max.
func Viridis(min, max float64) palette.ColorMap {
	return &viridis{min: min, max: max, alpha: 1}
}

// At returns the colour of v; v outside [Min, Max] is an error, as the
// palette.ColorMap contract asks.
func (m *viridis) At(v float64) (color.Color, error) {
	if math.IsNaN(v) {
		return nil, palette.ErrNaN
	}
	if m.max <= m.min {
		return nil, fmt.Errorf("report: empty colour range [%g, %g]", m.min, m.max)
	}
	switch {
	case v < m.min:
		return nil, palette.ErrUnderflow
	case v > m.max:
		return nil, palette.ErrOverflow
	}
	return m.at((v - m.min) / (m.max - m.min)), nil
}

// at returns the colour at the fraction f ∈ [0, 1] of the map.
func (m *viridis) at(f float64) color.Color {
	pos := f * float64(len(viridisAnchors)-1)
	i := int(pos)
	if i >= len(viridisAnchors)-1 {
		i = len(viridisAnchors) - 2
	}
	t := pos - float64(i)
	a, b := viridisAnchors[i], viridisAnchors[i+1]
	lerp := func(x, y uint8) uint8 { return uint8(math.Round((1-t)*float64(x) + t*float64(y))) }
	return color.NRGBA{lerp(a.R, b.R), lerp(a.G, b.G), lerp(a.B, b.B), uint8(math.Round(255 * m.alpha))}
}

func (m *viridis) Max() float64       { return m.max }
func (m *viridis) Min() float64       { return m.min }
func (m *viridis) SetMax(v float64)   { m.max = v }
func (m *viridis) SetMin(v float64)   { m.min = v }
func (m *viridis) Alpha() float64     { return m.alpha }
func (m *viridis) SetAlpha(a float64) { m.alpha = a }
func (m *viridis) Palette(n int) palette.Palette {
	cs := make(colors, n)
	for i := range cs {
		f := 0.0
		if n > 1 {
			f = float64(i) / float64(n-1)
		}
		cs[i] = m.at(f)
	}
	return cs
}

// colors is a palette.Palette.
type colors []color.Color

func (c colors) Colors() []color.Color { return c }
