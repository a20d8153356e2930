package pipeline

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/internal/toyfit"
)

// TestReportOneOrder: with a declared order of the label's values that is not the sorted one,
// every table of the report lists the values in that order, and every figure (its SVG) names
// them in that order in each legend and along each axis.
func TestReportOneOrder(t *testing.T) {
	tt := toyfit.New(t, toyfit.Config(), 36, 20, 10)
	rename := map[string]string{"a": "gamma", "b": "alpha", "c": "beta"}
	order := []string{"gamma", "alpha", "beta"} // sorted would be alpha, beta, gamma
	l := tt.DS.Labels["cluster"]
	for s, v := range l.Values {
		l.Values[s] = rename[v]
	}
	l.Order = order
	tt.DS.Labels["cluster"] = l
	if err := tt.DS.Validate(); err != nil {
		t.Fatal(err)
	}
	opt := DefaultOptions()
	opt.Folds = 3
	opt.Args = map[string][]string{"generalization": {"--centroid-steps", "10"}}
	a, err := Analyze(tt.F, tt.DS, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	dir, page := writeReport(t, a)
	checkOrder(t, page, dir, order)
}

// checkOrder fails the test when a table of page (rows whose first cell is a value) or an SVG
// under dir (text elements that are exactly a value) lists the values of order in another
// order. A figure may name them several times (a legend per panel, two axes), each time in
// order; it must name them at least once if it names one.
func checkOrder(t *testing.T, page, dir string, order []string) {
	t.Helper()
	pos := map[string]int{}
	for i, v := range order {
		pos[v] = i
	}
	// runs splits the values of seq into maximal runs in increasing order and reports whether
	// each run lists every value seq holds: a sequence in another order breaks a run early.
	complete := func(seq []string) bool {
		distinct := map[string]bool{}
		for _, v := range seq {
			distinct[v] = true
		}
		n := 0
		for i, v := range seq {
			if i > 0 && pos[v] <= pos[seq[i-1]] {
				if n != len(distinct) {
					return false
				}
				n = 0
			}
			n++
		}
		return n == len(distinct)
	}
	tables := regexp.MustCompile(`(?s)<table.*?</table>`).FindAllString(page, -1)
	cell := regexp.MustCompile(`(?s)<tr>\s*<t[dh][^>]*>(.*?)</t[dh]>`)
	checked := 0
	for _, tb := range tables {
		var seq []string
		for _, m := range cell.FindAllStringSubmatch(tb, -1) {
			if v := html.UnescapeString(strings.TrimSpace(m[1])); slices.Contains(order, v) {
				seq = append(seq, v)
			}
		}
		if len(seq) == 0 {
			continue
		}
		checked++
		if !complete(seq) {
			t.Errorf("a table lists %v, want the order %v:\n%s", seq, order, tb)
		}
	}
	if checked == 0 {
		t.Error("no table of the report lists the label's values")
	}
	text := regexp.MustCompile(`<text[^>]*>([^<]*)</text>`)
	figures := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(path, ".svg") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var seq []string
		for _, m := range text.FindAllStringSubmatch(string(b), -1) {
			if v := html.UnescapeString(strings.TrimSpace(m[1])); slices.Contains(order, v) {
				seq = append(seq, v)
			}
		}
		if len(seq) == 0 {
			return nil
		}
		figures++
		if !complete(seq) {
			t.Errorf("%s names the values in the sequence %v, want each legend and axis in the order %v", filepath.Base(path), seq, order)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if figures < 4 {
		t.Errorf("%d figures name the label's values, want the embeddings, spectra, Lyapunov and confusion figures at least", figures)
	}
}
