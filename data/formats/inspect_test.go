package formats_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
	_ "github.com/jedi-neuro/jedi/data/formats/mat" // registers the MAT and HDF5 readers
)

// TestInspectByMagic checks that Inspect chooses the reader by content, not by extension.
func TestInspectByMagic(t *testing.T) {
	dir := t.TempDir()
	cases := []struct{ fixture, disguise, class string }{
		{"one.npy", "data.mat", "npy"},
		{"arrays.npz", "data.h5", "npz"},
		{"v5z.mat", "data.npz", "mat"},
		{"v73.mat", "data.bin", "mat"},
		{"small.nwb", "data.mat", "hdf5"},
	}
	for _, c := range cases {
		b, err := os.ReadFile(fixture.Testdata(c.fixture))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, c.disguise)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		n, err := formats.Inspect(p)
		if err != nil {
			t.Errorf("%s as %s: %v", c.fixture, c.disguise, err)
			continue
		}
		if n.Class != c.class {
			t.Errorf("%s as %s: class %s, want %s", c.fixture, c.disguise, n.Class, c.class)
		}
	}
	_, err := formats.Inspect(fixture.Testdata("make_mat.py"))
	if err == nil || !strings.Contains(err.Error(), "unknown file format") {
		t.Errorf("a Python script: error %v", err)
	}
}

// TestInspectReal lists the real recordings, when present, and checks the summary lines a
// user writes a recipe from.
func TestInspectReal(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the real recordings")
	}
	want := map[string][]string{
		fixture.RealMAT[0]: {"dataTensor  double  61×50×10", "t           double  61×1      stored as int16, range -50…550"},
		fixture.RealMAT[1]: {"  D(1..210).data         double  61×400  stored as uint8", `"reach7"×30`},
		fixture.RealMAT[2]: {"  D(1..112).data         double  61×1018–1526  stored as uint8", `2 distinct: "reach1"×56 "reach2"×56`},
		fixture.RealMAT[3]: {"D(1..2).condition", `= "reach1" "reach2"`},
	}
	for rel, lines := range want {
		n, err := formats.Inspect(fixture.SharedData(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		if err := n.List(&b); err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			if !strings.Contains(b.String(), l) {
				t.Errorf("%s: listing lacks %q:\n%s", rel, l, b.String())
			}
		}
	}
}

// Example lists a MAT file the way `jedi inspect` does.
func Example() {
	n, err := formats.Inspect(fixture.Testdata("v5z.mat"))
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := n.Lookup("D(2).condition")
	if err != nil {
		fmt.Println(err)
		return
	}
	cond, _ := d.Text()
	fmt.Println("D(2).condition =", cond)
	s, _ := n.Lookup("s")
	s.List(os.Stdout)
	// Output:
	// D(2).condition = reach2
	// s              struct  1×1  fields: alpha, text, inner
	//   s.alpha      double  1×1  = 2
	//   s.text       char    1×3  = "abc"
	//   s.inner      struct  1×1  fields: v
	//     s.inner.v  double  1×2  = [1 2]
}
