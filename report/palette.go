package report

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/vg/draw"
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

// Palette gives every value of a label one colour and one marker shape, the same in every
// figure that takes it, so that a reader comparing figures of a report can trust that one
// colour is one thing. Values are ordered as given to NewPalette; legends list them in that
// order, which is also the order of the report's tables. A value the palette was not given
// takes the next free colour after all the known ones, in natural order (Order).
//
// The nil *Palette is valid: it orders the values a figure shows in natural order, so that
// figures showing the same values agree even without a shared palette.
type Palette struct {
	values []string
	index  map[string]int
}

// NewPalette returns the palette of values, in that order (for a run: the label's values as
// data.Dataset.GroupIndex orders them, the data's declared order or sorted). Repeated values keep their first position.
func NewPalette(values []string) *Palette {
	p := &Palette{index: make(map[string]int, len(values))}
	for _, v := range values {
		if _, ok := p.index[v]; !ok {
			p.index[v] = len(p.values)
			p.values = append(p.values, v)
		}
	}
	return p
}

// Values returns the palette's values in order.
func (p *Palette) Values() []string {
	if p == nil {
		return nil
	}
	return append([]string(nil), p.values...)
}

// extend returns a palette holding p's values followed by those of vs it lacks, in natural
// order. It is what a figure colours with: a nil p becomes the natural order of vs.
func (p *Palette) extend(vs []string) *Palette {
	var extra []string
	seen := map[string]bool{}
	for _, v := range vs {
		if seen[v] {
			continue
		}
		seen[v] = true
		if !p.has(v) {
			extra = append(extra, v)
		}
	}
	if len(extra) == 0 && p != nil {
		return p
	}
	slices.SortStableFunc(extra, naturalCompare)
	return NewPalette(append(p.Values(), extra...))
}

// has reports whether v is one of p's values.
func (p *Palette) has(v string) bool {
	if p == nil {
		return false
	}
	_, ok := p.index[v]
	return ok
}

// Order returns the distinct values of vs in the palette's order.
func (p *Palette) Order(vs []string) []string {
	q := p.extend(vs)
	seen := map[string]bool{}
	for _, v := range vs {
		seen[v] = true
	}
	var out []string
	for _, v := range q.values {
		if seen[v] {
			out = append(out, v)
		}
	}
	return out
}

// Color returns the colour of value v (Categorical of its position; an unknown value is
// placed after the known ones).
func (p *Palette) Color(v string) color.NRGBA {
	return Categorical(p.extend([]string{v}).index[v])
}

// shape returns the marker shape of value v.
func (p *Palette) shape(v string) draw.GlyphDrawer {
	return glyphShape(p.extend([]string{v}).index[v])
}

// naturalCompare orders label values: numbers numerically and before text, text by its bytes,
// so that "2" comes before "10" and "1e-3" before "0.5".
func naturalCompare(a, b string) int {
	x, errA := strconv.ParseFloat(a, 64)
	y, errB := strconv.ParseFloat(b, 64)
	switch {
	case errA == nil && errB == nil:
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	case errA == nil:
		return -1
	case errB == nil:
		return 1
	}
	return strings.Compare(a, b)
}
