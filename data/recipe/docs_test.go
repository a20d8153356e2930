package recipe

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsRecipes runs every recipe of docs/recipes.md: each block marked with the file it
// shows must equal that file, and the file must prepare a valid dataset (recipes on
// ../shared/data are skipped when it is absent).
func TestDocsRecipes(t *testing.T) {
	doc, err := os.ReadFile("../../docs/recipes.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(doc), "<!-- ")
	n := 0
	for _, b := range blocks[1:] {
		name, rest, ok := strings.Cut(b, " -->\n```yaml\n")
		if !ok {
			continue
		}
		body, _, ok := strings.Cut(rest, "\n```")
		if !ok {
			t.Fatalf("%s: unterminated block", name)
		}
		n++
		t.Run(filepath.Base(name), func(t *testing.T) {
			path := filepath.Join("../..", name)
			file, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimRight(string(file), "\n") != body {
				t.Fatalf("docs/recipes.md shows another %s than the file", name)
			}
			r, err := LoadRecipe(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range r.Sources {
				probe := s.File
				if hasMeta(probe) {
					probe = filepath.Dir(probe)
				}
				if _, err := os.Stat(probe); errors.Is(err, os.ErrNotExist) && strings.Contains(probe, "shared/data") {
					t.Skipf("real data absent: %s", probe)
				}
			}
			d, rep, err := Load(r)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Validate(); err != nil {
				t.Fatal(err)
			}
			if d.S < 2 || rep.Segments != d.S {
				t.Errorf("%d segments, report %d", d.S, rep.Segments)
			}
		})
	}
	if n < 8 {
		t.Errorf("%d marked recipes in docs/recipes.md, want one per layout (8)", n)
	}
}
