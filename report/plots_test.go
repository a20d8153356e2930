package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// plotCase is one call of a plotting function and the figure size, in
// inches, that it must produce.
type plotCase struct {
	name string
	w, h float64
	draw func(path string) error
}

func plotCases() []plotCase {
	pts := [][2]float64{{0, 0}, {1, 2}, {2, 1}, {-1, 0.5}, {0.5, -1}, {3, 3}}
	groups := []string{"a", "b", "a", "c", "b", "c"}
	eigs := []EigSet{
		{Name: "preparation", Values: []complex128{0.5, complex(0.3, 0.4), complex(0.3, -0.4)}},
		{Name: "execution", Values: []complex128{cmplx.Rect(0.98, 0.3), cmplx.Rect(0.98, -0.3), 1.2}},
	}
	noise := []float64{0, 0.5, 1, 2}
	series := []Series{
		{Name: "JEDI", X: noise, Y: []float64{0.95, 0.9, 0.8, 0.6}, YErr: []float64{0.01, 0.02, 0.05, 0.1}},
		{Name: "VAE", X: noise, Y: []float64{0.9, 0.7, 0.5, 0.2}, YErr: []float64{0.02, 0.05, 0.1, 0.3}},
	}
	loss := make([]float64, 200)
	for i := range loss {
		loss[i] = math.Exp(-float64(i) / 50)
	}
	M := [][]float64{{0.9, 0.2, math.NaN()}, {0.1, 0.8, 0.3}}
	t := []float64{0, 0.1, 0.2, 0.3, 0.4}
	obs := [][]float64{{1, 2, 3, 2, 1}, {0, 1, 0, 1, 0}, {5, 4, 3, 2, 1}, {1, 1, 1, 1, 1}}
	pred := [][]float64{{1.1, 2, 2.9, 2, 1}, {0.2, 0.8, 0.1, 0.9, 0}, {5, 4, 3, 2, 1}, {1, 1, 1, 1, 1}}
	return []plotCase{
		{"scatter", FigWidth, FigHeight, func(p string) error { return Scatter2D(p, "PCA", "PC 1", "PC 2", pts, groups, nil) }},
		{"scatter-panels", 2*PanelWidth + PanelLegendWidth, FigHeight, func(p string) error {
			return ScatterPanels(p, "PC 1", "PC 2", []Panel{{"teacher", pts[:3], groups[:3]}, {"fitted", pts[2:], groups[2:]}}, nil)
		}},
		{"scatter-values", FigWidth, FigHeight, func(p string) error {
			return ScatterValues(p, "PCA", "PC 1", "PC 2", pts, []float64{0, 1, 2, 3, 4, 5}, "angle")
		}},
		{"eigenvalues", FigWidth, FigHeight, func(p string) error { return Eigenvalues(p, "spectra", eigs, nil) }},
		// All near λ = 1: a zoomed panel beside the full view.
		{"eigenvalues-zoom", FigWidth + PanelWidth, FigHeight, func(p string) error {
			return Eigenvalues(p, "Jacobian", []EigSet{{Name: "a", Values: []complex128{0.99, complex(0.995, 0.01), complex(0.995, -0.01)}}, {Name: "b", Values: []complex128{0.97}}}, nil)
		}},
		{"lines-band", FigWidth, FigHeight, func(p string) error { return Lines(p, "noise", "σ", "R²", series, LineOptions{}) }},
		{"lines-bars", FigWidth, FigHeight, func(p string) error {
			return Lines(p, "noise", "σ", "R²", series, LineOptions{ErrorBars: true})
		}},
		{"lines-log", FigWidth, FigHeight, func(p string) error {
			return Lines(p, "loss", "step", "loss", []Series{{Name: "train", Y: loss}}, LineOptions{LogY: true})
		}},
		// 3 annotated columns and 2 rows: 2.6+3·0.5 < 5 and 1.6+2·0.5 < 4.
		{"heatmap", FigWidth, FigHeight, func(p string) error {
			return Heatmap(p, "generalisation", []string{"r1", "r2"}, []string{"c1", "c2", "c3"}, M, HeatmapOptions{Annotate: true})
		}},
		// 10 plain columns of 0.32 in and 12 rows: 2.6+3.2 = 5.8 by 1.6+3.84 = 5.44 in.
		{"heatmap-large", 5.8, 5.44, func(p string) error {
			rows, cols := make([]string, 12), make([]string, 10)
			m := make([][]float64, 12)
			for i := range m {
				rows[i] = "row " + strconv.Itoa(i)
				m[i] = make([]float64, 10)
				for j := range m[i] {
					m[i][j] = float64(i * j)
				}
			}
			for j := range cols {
				cols[j] = "column " + strconv.Itoa(j)
			}
			return Heatmap(p, "big", rows, cols, m, HeatmapOptions{})
		}},
		// R² below the fixed range: the colour bar ends in a triangle.
		{"heatmap-clipped", FigWidth, FigHeight, func(p string) error {
			return Heatmap(p, "generalisation", []string{"r1", "r2"}, []string{"c1", "c2"}, [][]float64{{0.9, -0.67}, {0.2, 0.8}}, HeatmapOptions{Annotate: true, Min: 0, Max: 1})
		}},
		{"bars", FigWidth, FigHeight, func(p string) error {
			return Bars(p, "accuracy", "accuracy", []string{"task", "phase"}, []float64{0.9, 0.6}, []float64{0.05, 0.1}, nil)
		}},
		{"histogram", FigWidth, FigHeight, func(p string) error { return Histogram(p, "R²", "R²", loss, 0) }},
		// 4 panels: 3 columns, 2 rows, 9 × (0.55 + 4.4) in.
		{"traces", 9, 4.95, func(p string) error {
			return Traces(p, "traces", "time", t, obs, pred, []string{"n1", "n2", "n3", "n4"}, nil)
		}},
	}
}

func TestPlotsPNG(t *testing.T) {
	dir := t.TempDir()
	for _, c := range plotCases() {
		path := filepath.Join(dir, c.name+".png")
		if err := c.draw(path); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		img := decodePNG(t, path)
		if img == nil {
			continue
		}
		wantW, wantH := int(math.Round(c.w*DPI)), int(math.Round(c.h*DPI))
		if b := img.Bounds(); b.Dx() != wantW || b.Dy() != wantH {
			t.Errorf("%s: %d×%d pixels, want %d×%d (%g×%g in at %d dpi)", c.name, b.Dx(), b.Dy(), wantW, wantH, c.w, c.h, DPI)
		}
		if n := distinctColours(img, 100); n < 20 {
			t.Errorf("%s: only %d distinct colours: blank figure?", c.name, n)
		}
	}
}

func TestPlotsSVG(t *testing.T) {
	dir := t.TempDir()
	for _, c := range plotCases() {
		path := filepath.Join(dir, c.name+".svg")
		if err := c.draw(path); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		root, texts, err := parseXML(b)
		if err != nil {
			t.Errorf("%s: invalid SVG: %v", c.name, err)
			continue
		}
		if root.Name.Local != "svg" {
			t.Errorf("%s: root element %q, want svg", c.name, root.Name.Local)
		}
		want := map[string]float64{"width": c.w * 72, "height": c.h * 72}
		for _, a := range root.Attr {
			if w, ok := want[a.Name.Local]; ok {
				got, err := strconv.ParseFloat(strings.TrimSuffix(a.Value, "pt"), 64)
				if err != nil || math.Abs(got-w) > 0.01 {
					t.Errorf("%s: SVG %s = %q, want %gpt", c.name, a.Name.Local, a.Value, w)
				}
				delete(want, a.Name.Local)
			}
		}
		if len(want) != 0 {
			t.Errorf("%s: SVG lacks %v", c.name, want)
		}
		if len(texts) == 0 {
			t.Errorf("%s: SVG has no text: labels missing", c.name)
		}
	}
}

// TestBarsColour checks that bars without a palette are filled with the neutral grey and
// that a palette gives each bar its value's colour; both fills are opaque and so appear
// exactly.
func TestBarsColour(t *testing.T) {
	dir := t.TempDir()
	count := func(path string, c color.Color) int {
		img := decodePNG(t, path)
		want := color.NRGBAModel.Convert(c)
		n := 0
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Max.X; x++ {
				if color.NRGBAModel.Convert(img.At(x, y)) == want {
					n++
				}
			}
		}
		return n
	}
	plain := filepath.Join(dir, "bars.png")
	if err := Bars(plain, "", "", []string{"x"}, []float64{1}, nil, nil); err != nil {
		t.Fatal(err)
	}
	// One bar 65% of about 4 in wide and 3 in high: tens of thousands of
	// pixels at 150 dpi.
	if n := count(plain, neutralFill); n < 20000 {
		t.Errorf("%d pixels of the neutral grey, want a bar of more than 20000", n)
	}
	if n := count(plain, Categorical(0)); n != 0 {
		t.Errorf("a bar without a palette has %d pixels of the first label colour", n)
	}
	pal := NewPalette([]string{"a", "b"})
	coloured := filepath.Join(dir, "pal.png")
	if err := Bars(coloured, "", "", []string{"b"}, []float64{1}, nil, pal); err != nil {
		t.Fatal(err)
	}
	if n := count(coloured, pal.Color("b")); n < 20000 {
		t.Errorf("%d pixels of value b's colour, want a bar of more than 20000", n)
	}
}

// TestHistogramNeutral checks that a histogram, whose bars are not label values, borrows no
// label's colour: no pixel is saturated (every one is white, grey or black, up to the
// antialiasing of grey on white).
func TestHistogramNeutral(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist.png")
	if err := Histogram(path, "R²", "R²", []float64{0.1, 0.2, 0.2, 0.3, 0.5, 0.9}, 0); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, path)
	b := img.Bounds()
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			hi := max(c.R, c.G, c.B)
			lo := min(c.R, c.G, c.B)
			if hi-lo > 30 {
				n++
			}
		}
	}
	if n > 0 {
		t.Errorf("%d coloured pixels in a histogram of values that are not a label's", n)
	}
}

func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	nan := math.NaN()
	pts := [][2]float64{{0, 0}, {1, 1}}
	cases := []struct {
		name string
		err  error
	}{
		{"scatter groups", Scatter2D(p("a.png"), "", "", "", pts, []string{"a"}, nil)},
		{"scatter empty", Scatter2D(p("b.png"), "", "", "", nil, nil, nil)},
		{"scatter NaN", Scatter2D(p("c.png"), "", "", "", [][2]float64{{0, nan}}, []string{"a"}, nil)},
		{"scatter format", Scatter2D(p("d.pdf"), "", "", "", pts, []string{"a", "b"}, nil)},
		{"scatter values", ScatterValues(p("e.png"), "", "", "", pts, []float64{1}, "")},
		{"scatter values Inf", ScatterValues(p("f.png"), "", "", "", pts, []float64{1, math.Inf(1)}, "")},
		{"eigen empty", Eigenvalues(p("g.png"), "", []EigSet{{Name: "x"}}, nil)},
		{"eigen NaN", Eigenvalues(p("h.png"), "", []EigSet{{Values: []complex128{complex(nan, 0)}}}, nil)},
		{"lines none", Lines(p("i.png"), "", "", "", nil, LineOptions{})},
		{"lines X", Lines(p("j.png"), "", "", "", []Series{{X: []float64{1}, Y: []float64{1, 2}}}, LineOptions{})},
		{"lines YErr", Lines(p("k.png"), "", "", "", []Series{{Y: []float64{1, 2}, YErr: []float64{1}}}, LineOptions{})},
		{"lines negative YErr", Lines(p("l.png"), "", "", "", []Series{{Y: []float64{1}, YErr: []float64{-1}}}, LineOptions{})},
		{"lines log zero", Lines(p("m.png"), "", "", "", []Series{{Y: []float64{1, 0}}}, LineOptions{LogY: true})},
		{"lines empty", Lines(p("n.png"), "", "", "", []Series{{Name: "e"}}, LineOptions{})},
		{"heatmap rows", Heatmap(p("o.png"), "", []string{"a"}, []string{"x"}, [][]float64{{1}, {2}}, HeatmapOptions{})},
		{"heatmap cols", Heatmap(p("p.png"), "", []string{"a", "b"}, []string{"x"}, [][]float64{{1}, {2, 3}}, HeatmapOptions{})},
		{"heatmap all NaN", Heatmap(p("q.png"), "", []string{"a"}, []string{"x"}, [][]float64{{nan}}, HeatmapOptions{})},
		{"heatmap Inf", Heatmap(p("r.png"), "", []string{"a"}, []string{"x"}, [][]float64{{math.Inf(-1)}}, HeatmapOptions{})},
		{"heatmap empty", Heatmap(p("s.png"), "", nil, nil, nil, HeatmapOptions{})},
		{"bars values", Bars(p("t.png"), "", "", []string{"a", "b"}, []float64{1}, nil, nil)},
		{"bars errs", Bars(p("u.png"), "", "", []string{"a"}, []float64{1}, []float64{1, 2}, nil)},
		{"bars negative err", Bars(p("v.png"), "", "", []string{"a"}, []float64{1}, []float64{-1}, nil)},
		{"hist empty", Histogram(p("w.png"), "", "", nil, 0)},
		{"hist NaN", Histogram(p("x.png"), "", "", []float64{1, nan}, 0)},
		{"traces names", Traces(p("y.png"), "", "", []float64{0, 1}, [][]float64{{1, 2}}, nil, nil, nil)},
		{"traces length", Traces(p("z.png"), "", "", []float64{0, 1}, [][]float64{{1, 2, 3}}, nil, []string{"n"}, nil)},
		{"traces predicted", Traces(p("A.png"), "", "", []float64{0, 1}, [][]float64{{1, 2}}, [][]float64{{1}}, []string{"n"}, nil)},
		{"traces predicted count", Traces(p("B.png"), "", "", []float64{0, 1}, [][]float64{{1, 2}}, [][]float64{}, []string{"n"}, nil)},
		{"traces no time", Traces(p("C.png"), "", "", nil, [][]float64{{}}, nil, []string{"n"}, nil)},
		{"missing directory", Bars(filepath.Join(dir, "no", "such", "dir.png"), "", "", []string{"a"}, []float64{1}, nil, nil)},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	// Nothing, not even a temporary file, may be left behind.
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed calls left %d files, e.g. %s", len(entries), entries[0].Name())
	}
}

// TestConstantData checks degenerate but valid input: one point, constant
// values, a single heatmap cell, a constant histogram.
func TestConstantData(t *testing.T) {
	dir := t.TempDir()
	for name, err := range map[string]error{
		"scatter one":   Scatter2D(filepath.Join(dir, "a.png"), "", "", "", [][2]float64{{1, 1}}, []string{"a"}, nil),
		"values equal":  ScatterValues(filepath.Join(dir, "b.png"), "", "", "", [][2]float64{{1, 1}, {2, 2}}, []float64{3, 3}, "v"),
		"lines one":     Lines(filepath.Join(dir, "c.png"), "", "", "", []Series{{Y: []float64{2}}}, LineOptions{LogY: true}),
		"heatmap cell":  Heatmap(filepath.Join(dir, "d.png"), "", []string{"a"}, []string{"b"}, [][]float64{{7}}, HeatmapOptions{Annotate: true}),
		"hist constant": Histogram(filepath.Join(dir, "e.png"), "", "", []float64{1, 1, 1}, 3),
		"eigen zero":    Eigenvalues(filepath.Join(dir, "f.svg"), "", []EigSet{{Name: "0", Values: []complex128{0}}}, nil),
	} {
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func decodePNG(t *testing.T, path string) image.Image {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return nil
	}
	return img
}

// distinctColours counts the distinct colours of img, stopping at limit.
func distinctColours(img image.Image, limit int) int {
	seen := make(map[color.RGBA64]bool)
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[color.RGBA64{uint16(r), uint16(g), uint16(bl), uint16(a)}] = true
			if len(seen) >= limit {
				return limit
			}
		}
	}
	return len(seen)
}

// parseXML checks that b is well-formed XML and returns its root element
// and its non-blank character data.
func parseXML(b []byte) (root xml.StartElement, texts []string, err error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) && depth == 0 && root.Name.Local != "" {
				return root, texts, nil
			}
			return root, texts, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				if root.Name.Local != "" {
					return root, texts, errors.New("second root element")
				}
				root = tok.Copy()
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if s := strings.TrimSpace(string(tok)); s != "" {
				texts = append(texts, s)
			}
		}
	}
}

// TestHeatmapOrientation checks that row 0 of the matrix is drawn on top
// and that values take the ends of the colour map: with M = [[0], [1]] on
// a fixed [0, 1] scale, the dark end of viridis must lie above the bright
// end.
func TestHeatmapOrientation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.png")
	M := [][]float64{{0}, {1}}
	if err := Heatmap(path, "", []string{"top", "bottom"}, []string{"x"}, M, HeatmapOptions{Min: 0, Max: 1}); err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, path)
	b := img.Bounds()
	meanY := func(want color.NRGBA) (float64, int) {
		sum, n := 0, 0
		// The left 70% holds the matrix; the colour bar, right of it,
		// has both colours too.
		for y := b.Min.Y; y < b.Max.Y; y++ {
			for x := b.Min.X; x < b.Min.X+7*b.Dx()/10; x++ {
				if color.NRGBAModel.Convert(img.At(x, y)) == want {
					sum += y
					n++
				}
			}
		}
		return float64(sum) / float64(max(n, 1)), n
	}
	dark, nd := meanY(viridisAnchors[0])
	bright, nb := meanY(viridisAnchors[len(viridisAnchors)-1])
	if nd < 10000 || nb < 10000 {
		t.Fatalf("found %d dark and %d bright pixels, want two large cells", nd, nb)
	}
	if dark >= bright {
		t.Errorf("row 0 (dark, mean y %g px) is not above row 1 (bright, mean y %g px)", dark, bright)
	}
}
