package report

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// sampleReport writes two small figures into dir and returns a report
// that uses them, with text that needs escaping everywhere.
func sampleReport(t testing.TB, dir string) *Report {
	t.Helper()
	png := filepath.Join(dir, "bars.png")
	svg := filepath.Join(dir, "spectrum.svg")
	if err := Bars(png, "Accuracy", "accuracy", []string{"task", "phase"}, []float64{0.97, 0.81}, []float64{0.01, 0.04}, nil); err != nil {
		t.Fatal(err)
	}
	if err := Eigenvalues(svg, "Eigenvalues", []EigSet{{Name: "prep", Values: []complex128{0.5, complex(0.9, 0.3), complex(0.9, -0.3)}}}, nil); err != nil {
		t.Fatal(err)
	}
	return &Report{
		Title:     `Fit <script>alert("x")</script> & co`,
		Generated: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Metrics: []Metric{
			{"R² (variance-weighted)", 0.9612345},
			{"segments", 160},
			{"loss", float32(0.5)},
			{"note", "see https://example.org/x"},
		},
		DataSummary: "160 segments × 150 bins × 117 neurons\nlabels: phase <prep|exec>",
		Sections: []Section{
			{
				Title:   "Embeddings & classes",
				Text:    "First paragraph with <b>tags</b>.\n\nSecond paragraph.",
				Figures: []Figure{{Caption: "Accuracy per label", Path: png}},
				Tables: []Table{{
					Caption: "Accuracy",
					Header:  []string{"label", "accuracy"},
					Rows:    [][]string{{"task", "0.97"}, {"phase <x>", "0.81"}},
				}},
			},
			{Title: "Spectra", Figures: []Figure{{Caption: "Eigenvalues of W_s", Path: svg}}},
		},
		Config: "model:\n  units: 64 # <N>\n  rank: 2\nurl: \"http://example.org\"\n",
	}
}

func TestWriteHTML(t *testing.T) {
	dir := t.TempDir()
	r := sampleReport(t, dir)
	out := filepath.Join(dir, "report.html")
	if err := r.WriteHTML(out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)

	// Well-formed: every element closed, every entity known to XML.
	root, _, err := parseXML(b)
	if err != nil {
		t.Fatalf("not well-formed: %v", err)
	}
	if root.Name.Local != "html" {
		t.Errorf("root element %q, want html", root.Name.Local)
	}

	// Nothing is fetched: no scripts, no external style sheets or fonts,
	// and every src and href is a data URI or an in-page anchor.
	for _, bad := range []string{"<script", "<link", "@import", "url(", "<iframe", "<object"} {
		if strings.Contains(doc, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	refs := regexp.MustCompile(`\s(src|href)="([^"]*)"`).FindAllStringSubmatch(doc, -1)
	if len(refs) == 0 {
		t.Fatal("no src or href attributes found: the check below would be vacuous")
	}
	for _, m := range refs {
		if v := m[2]; !strings.HasPrefix(v, "data:image/") && !strings.HasPrefix(v, "#") {
			t.Errorf("%s=%.60q is neither a data URI nor an anchor", m[1], v)
		}
	}

	// Every figure is embedded, byte for byte, in order.
	imgs := regexp.MustCompile(`<img src="data:(image/[a-z+]+);base64,([A-Za-z0-9+/=]+)"`).FindAllStringSubmatch(doc, -1)
	var figs []Figure
	for _, s := range r.Sections {
		figs = append(figs, s.Figures...)
	}
	if len(imgs) != len(figs) {
		t.Fatalf("%d embedded images for %d figures", len(imgs), len(figs))
	}
	for i, f := range figs {
		want, _ := os.ReadFile(f.Path)
		got, err := base64.StdEncoding.DecodeString(imgs[i][2])
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("figure %d (%s): embedded data differ from the file", i, f.Path)
		}
		if mime := map[string]string{".png": "image/png", ".svg": "image/svg+xml"}[filepath.Ext(f.Path)]; imgs[i][1] != mime {
			t.Errorf("figure %d: MIME type %s, want %s", i, imgs[i][1], mime)
		}
	}

	// Text is escaped, and reads back intact through an XML parser.
	if strings.Contains(doc, "<script>alert") || strings.Contains(doc, "<b>tags") || strings.Contains(doc, "<N>") {
		t.Error("unescaped markup from the report's text")
	}
	texts := elementTexts(t, b)
	for _, want := range []string{
		r.Title,
		r.Config,
		r.DataSummary,
		"First paragraph with <b>tags</b>.",
		"Second paragraph.",
		"phase <x>",
		"0.9612", // four significant digits
		"160",
		"0.5",
		"Generated 2026-03-01 12:00:00 UTC",
	} {
		if !texts[strings.TrimSpace(want)] {
			t.Errorf("no element has the text %q", want)
		}
	}
	for _, caption := range []string{"Figure 1. Accuracy per label", "Figure 2. Eigenvalues of W_s"} {
		if !texts[caption] {
			t.Errorf("no caption %q", caption)
		}
	}
	if !strings.Contains(doc, `<td class="num">0.81</td>`) {
		t.Error("numeric table cells are not marked for right alignment")
	}
}

// elementTexts returns the set of the texts of all elements of the XML
// document b, each the concatenation of its character data (so markup
// inside, like <strong>, is flattened) with surrounding space trimmed.
func elementTexts(t *testing.T, b []byte) map[string]bool {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	var stack []*strings.Builder
	texts := make(map[string]bool)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return texts
		}
		if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			stack = append(stack, new(strings.Builder))
		case xml.EndElement:
			s := stack[len(stack)-1].String()
			stack = stack[:len(stack)-1]
			texts[strings.TrimSpace(s)] = true
			if len(stack) > 0 {
				stack[len(stack)-1].WriteString(s)
			}
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Write(tok)
			}
		}
	}
}

func TestWriteHTMLErrors(t *testing.T) {
	dir := t.TempDir()
	notPNG := filepath.Join(dir, "fake.png")
	if err := os.WriteFile(notPNG, []byte("<svg></svg>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Report{
		"missing figure": {Sections: []Section{{Figures: []Figure{{Path: filepath.Join(dir, "none.png")}}}}},
		"wrong content":  {Sections: []Section{{Figures: []Figure{{Path: notPNG}}}}},
		"unknown type":   {Sections: []Section{{Figures: []Figure{{Path: filepath.Join(dir, "fake.gif")}}}}},
		"ragged table":   {Sections: []Section{{Tables: []Table{{Header: []string{"a", "b"}, Rows: [][]string{{"1"}}}}}}},
	} {
		out := filepath.Join(dir, "out.html")
		if err := r.WriteHTML(out); err == nil {
			t.Errorf("%s: no error", name)
		}
		if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: a report was written despite the error", name)
		}
	}
}

// TestWriteHTMLReproducible checks that the same report gives the same
// bytes when Generated is left zero.
func TestWriteHTMLReproducible(t *testing.T) {
	dir := t.TempDir()
	r := sampleReport(t, dir)
	r.Generated = time.Time{}
	var docs [2][]byte
	for i := range docs {
		out := filepath.Join(dir, "r.html")
		if err := r.WriteHTML(out); err != nil {
			t.Fatal(err)
		}
		docs[i], _ = os.ReadFile(out)
	}
	if !bytes.Equal(docs[0], docs[1]) {
		t.Error("two writes of the same report differ")
	}
	if bytes.Contains(docs[0], []byte("Generated")) {
		t.Error("zero Generated time is shown")
	}
}

// TestFigureAspect checks the width/height ratios read from PNG and SVG
// headers, which decide whether a figure takes a whole row.
func TestFigureAspect(t *testing.T) {
	dir := t.TempDir()
	tt := []float64{0, 1}
	obs := [][]float64{{0, 1}, {1, 0}, {1, 1}}
	names := []string{"a", "b", "c"}
	for _, ext := range []string{".png", ".svg"} {
		wide := filepath.Join(dir, "traces"+ext)
		if err := Traces(wide, "", "", tt, obs, nil, names, nil); err != nil {
			t.Fatal(err)
		}
		narrow := filepath.Join(dir, "bars"+ext)
		if err := Bars(narrow, "", "", []string{"a"}, []float64{1}, nil, nil); err != nil {
			t.Fatal(err)
		}
		r := &Report{Sections: []Section{{Figures: []Figure{{Path: wide}, {Path: narrow}}}}}
		p, err := r.page()
		if err != nil {
			t.Fatal(err)
		}
		// One row of 3 panels is 9 × 4 in; the bar chart 5 × 4 in.
		for i, want := range []float64{9.0 / 4, 5.0 / 4} {
			_, aspect, err := srcAttr(r.Sections[0].Figures[i].Path)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(aspect-want) > 0.01 {
				t.Errorf("%s figure %d: aspect %g, want %g", ext, i, aspect, want)
			}
			if got := p.Sections[0].Figures[i].Wide; got != (want > wideAspect) {
				t.Errorf("%s figure %d: Wide = %v", ext, i, got)
			}
		}
	}
}
