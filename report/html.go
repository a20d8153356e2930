package report

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Report is the content of a self-contained HTML report of one run.
type Report struct {
	// Title heads the page.
	Title string

	// Generated is when the report was made; the zero time leaves it
	// out, so that reports of the same run compare byte for byte.
	Generated time.Time

	// Metrics are the headline numbers (R², accuracy, ...), shown in
	// order in a table at the top.
	Metrics []Metric

	// DataSummary describes the data set (shapes, labels, source),
	// shown as preformatted text.
	DataSummary string

	// Sections hold the figures and tables of each analysis.
	Sections []Section

	// Config is the configuration (YAML) the run used, shown verbatim
	// at the end so that the run can be repeated.
	Config string

	// Provenance says what made the report (version, commit, date, command
	// line, data SHA-256), shown as a table under the title.
	Provenance []Metric
}

// Metric is one named headline number. Value is formatted by type:
// floating-point numbers with four significant digits, integers exactly,
// anything else with fmt's %v.
type Metric struct {
	Name  string
	Value any
}

// Section is one part of a report: a title, prose (paragraphs separated
// by blank lines), then its figures and tables.
type Section struct {
	Title, Text string
	Figures     []Figure
	Tables      []Table
}

// Figure is an image file (PNG, SVG or JPEG, by extension) written by the
// plotting functions of this package or by anything else, with a caption.
// A relative Path is taken relative to the working directory of the
// process, as by os.ReadFile.
type Figure struct {
	Caption, Path string
}

// Table is a table of text cells. Every row must have len(Header) cells
// when Header is not empty.
type Table struct {
	Caption string
	Header  []string
	Rows    [][]string
}

// WriteHTML writes r as one HTML file at path, atomically. The file needs
// nothing else to be read: every figure is embedded as a base64 data URI,
// the style sheet is inline, and there are no scripts and no references to
// other files or the network. Text is escaped by html/template, and the
// markup is also well-formed XML (XHTML syntax), so it can be checked or
// post-processed with XML tools.
//
// It returns an error, and writes nothing, if a figure cannot be read or
// is not a PNG, SVG or JPEG file, or if a table row has the wrong number
// of cells.
func (r *Report) WriteHTML(path string) error {
	page, err := r.page()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := buf.WriteTo(w)
		return err
	})
}

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Parse(reportTemplateText))

// page is the view of a Report that the template renders.
type page struct {
	Title       string
	Generated   string
	Metrics     [][2]pageCell
	DataSummary string
	Sections    []pageSection
	Config      string
	Provenance  [][2]pageCell
}

type pageSection struct {
	ID, Title  string
	Paragraphs []string
	Figures    []pageFigure
	Tables     []pageTable
}

type pageTable struct {
	Caption string
	Header  []string
	Rows    [][]pageCell
}

// pageCell is a table cell; numbers are right-aligned so that their
// digits line up.
type pageCell struct {
	Text string
	Num  bool
}

type pageFigure struct {
	Number  string
	Caption string
	Src     template.HTMLAttr
	Wide    bool
}

// wideAspect is the width/height ratio above which a figure (a grid of
// traces, a large heatmap) takes a whole row of the page instead of half.
const wideAspect = 1.6

// page prepares r for the template: figures read and encoded, metrics
// formatted, text split into paragraphs.
func (r *Report) page() (*page, error) {
	p := &page{
		Title:       r.Title,
		DataSummary: r.DataSummary,
		Config:      r.Config,
	}
	if !r.Generated.IsZero() {
		p.Generated = r.Generated.Format("2006-01-02 15:04:05 MST")
	}
	for _, m := range r.Metrics {
		p.Metrics = append(p.Metrics, [2]pageCell{{Text: m.Name}, cell(formatMetric(m.Value))})
	}
	for _, m := range r.Provenance {
		p.Provenance = append(p.Provenance, [2]pageCell{{Text: m.Name}, {Text: formatMetric(m.Value)}})
	}
	// Figures are numbered by section and lettered within it (Figure 3a, 3b, …), as the
	// panels of a journal figure.
	fig := 0
	for i, s := range r.Sections {
		if len(s.Figures) > 0 {
			fig++
		}
		ps := pageSection{ID: "s" + strconv.Itoa(i+1), Title: s.Title, Paragraphs: paragraphs(s.Text)}
		for j, f := range s.Figures {
			src, aspect, err := srcAttr(f.Path)
			if err != nil {
				return nil, fmt.Errorf("report: section %d (%q) figure %d: %w", i, s.Title, j, err)
			}
			num := strconv.Itoa(fig)
			if len(s.Figures) > 1 {
				num += panelLetter(j)
			}
			ps.Figures = append(ps.Figures, pageFigure{Number: num, Caption: f.Caption, Src: src, Wide: aspect > wideAspect})
		}
		for j, t := range s.Tables {
			pt := pageTable{Caption: t.Caption, Header: t.Header}
			for k, row := range t.Rows {
				if len(t.Header) != 0 && len(row) != len(t.Header) {
					return nil, fmt.Errorf("report: section %d (%q) table %d row %d: %d cells for %d columns",
						i, s.Title, j, k, len(row), len(t.Header))
				}
				cells := make([]pageCell, len(row))
				for c, text := range row {
					cells[c] = cell(text)
				}
				pt.Rows = append(pt.Rows, cells)
			}
			ps.Tables = append(ps.Tables, pt)
		}
		p.Sections = append(p.Sections, ps)
	}
	return p, nil
}

// panelLetter returns the letter of panel j: a, b, …, z, aa, ab, ….
func panelLetter(j int) string {
	if j < 26 {
		return string(rune('a' + j))
	}
	return panelLetter(j/26-1) + panelLetter(j%26)
}

// srcAttr reads the image at path and returns the attribute
// src="data:<type>;base64,<data>" that embeds it, and the image's
// width/height ratio (0 when unknown). The content must match the
// extension, so that a mislabelled or truncated file is caught here rather
// than shown as a broken image.
func srcAttr(path string) (src template.HTMLAttr, aspect float64, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", 0, err
	}
	var mime string
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		mime = "image/png"
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			return "", 0, fmt.Errorf("%s is not a PNG file", path)
		}
		aspect = pngAspect(b)
	case ".jpg", ".jpeg":
		mime = "image/jpeg"
		if !bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}) {
			return "", 0, fmt.Errorf("%s is not a JPEG file", path)
		}
	case ".svg":
		mime = "image/svg+xml"
		if !bytes.Contains(b, []byte("<svg")) || !bytes.Contains(b, []byte("</svg>")) {
			return "", 0, fmt.Errorf("%s is not a complete SVG file", path)
		}
		aspect = svgAspect(b)
	default:
		return "", 0, fmt.Errorf("%s: unsupported image type %q (want .png, .svg or .jpg)", path, ext)
	}
	// The attribute is built here from a fixed MIME type and base64 text,
	// neither of which can contain a quote or markup, so it is safe to
	// insert verbatim; as a template.URL it would be escaped, each '+'
	// of the base64 text becoming "&#43;" and the page 6% larger.
	return template.HTMLAttr(`src="data:` + mime + ";base64," + base64.StdEncoding.EncodeToString(b) + `"`), aspect, nil
}

// pngAspect returns the width/height ratio from the IHDR chunk, which
// the PNG format requires first: width and height are big-endian 32-bit
// integers at bytes 16 and 20.
func pngAspect(b []byte) float64 {
	if len(b) < 24 || string(b[12:16]) != "IHDR" {
		return 0
	}
	w, h := binary.BigEndian.Uint32(b[16:20]), binary.BigEndian.Uint32(b[20:24])
	if h == 0 {
		return 0
	}
	return float64(w) / float64(h)
}

// svgSize matches the width and height attributes of an SVG root element
// in any unit, as long as both use the same one.
var svgSize = regexp.MustCompile(`<svg[^>]*?\swidth="([0-9.]+)[a-z]*"[^>]*?\sheight="([0-9.]+)[a-z]*"`)

// svgAspect returns the width/height ratio of an SVG image, 0 if its
// root element does not state both.
func svgAspect(b []byte) float64 {
	m := svgSize.FindSubmatch(b)
	if m == nil {
		return 0
	}
	w, err1 := strconv.ParseFloat(string(m[1]), 64)
	h, err2 := strconv.ParseFloat(string(m[2]), 64)
	if err1 != nil || err2 != nil || h == 0 {
		return 0
	}
	return w / h
}

// cell returns a table cell holding text, marked as a number when it
// parses as one.
func cell(text string) pageCell {
	_, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	return pageCell{Text: text, Num: err == nil}
}

// formatMetric formats a metric value: floats with four significant
// digits, integers exactly, anything else with %v.
func formatMetric(v any) string {
	switch x := v.(type) {
	case float64:
		return formatFloat(x)
	case float32:
		return formatFloat(float64(x))
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprintf("%d", x)
	default:
		return fmt.Sprintf("%v", x)
	}
}

func formatFloat(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', 4, 64)
}

// paragraphs splits text at blank lines into trimmed, non-empty paragraphs.
func paragraphs(text string) []string {
	var ps []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			ps = append(ps, p)
		}
	}
	return ps
}
