package prepare

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseRecipe(t *testing.T) {
	src := `
bin_ms: 20
smooth_ms: 30
epochs:
  - {name: preparation, align: start, from_ms: 0, to_ms: 400}
  - {name: execution, align: move_onset, from_ms: -100, to_ms: 400}
soft_norm: 5
labels: [condition]
skip_incomplete: true
`
	r, err := ParseRecipe("r.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := Recipe{BinMs: 20, SmoothMs: 30, Units: Rates, SoftNorm: 5, Labels: []string{"condition"},
		SkipIncomplete: true,
		Epochs: []Epoch{
			{Name: "preparation", Align: "start", FromMs: 0, ToMs: 400},
			{Name: "execution", Align: "move_onset", FromMs: -100, ToMs: 400},
		}}
	if !reflect.DeepEqual(r, want) {
		t.Errorf("parsed %+v\nwant   %+v", r, want)
	}
	// The YAML written beside the output reads back as the same recipe.
	y, err := r.YAML()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseRecipe("saved", y)
	if err != nil {
		t.Fatalf("%v\n%s", err, y)
	}
	if !reflect.DeepEqual(back, r) {
		t.Errorf("round trip %+v\nwant       %+v\n%s", back, r, y)
	}
	// An empty document is the default recipe.
	def, err := ParseRecipe("empty", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(def, DefaultRecipe()) {
		t.Errorf("empty document gives %+v, want the default", def)
	}
}

func TestRecipeErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"bin_mss: 10", `line 1: top level: unknown key "bin_mss" (did you mean "bin_ms"?)`},
		{"epochs: [{name: a, align: start, to_ms: 100, from: 0}]", `line 1: epochs[0]: unknown key "from"`},
		{"bin_ms: 0", "bin_ms: 0, want > 0"},
		{"smooth_ms: -1", "smooth_ms: -1"},
		{"units: hz", `units: "hz", want rates or counts`},
		{"units: counts\nsoft_norm: 5", "soft-normalised values are not counts"},
		{"epochs: []", "epochs: none"},
		{"epochs: [{name: a, align: start, to_ms: 105}]", "epochs[0] (a): window 105 ms, want a positive multiple of bin_ms 10"},
		{"epochs: [{name: a, align: go, from_ms: 100, to_ms: 0}]", "epochs[0] (a): window -100 ms"},
		{"epochs: [{name: a, align: start, to_ms: 100}, {name: a, align: end, from_ms: -100}]", `epochs[1]: name "a" used twice`},
		{"epochs: [{align: start, to_ms: 100}]", "epochs[0]: no name"},
		{"epochs: [{name: a, to_ms: 100}]", "epochs[0] (a): no align"},
		{"labels: [epoch]", `labels[0]: "epoch" is added by prepare itself`},
		{"labels: [c, c]", `labels[1]: "c" listed twice`},
		{"order: {epoch: [a]}", "order.epoch: the epochs' order is the order in which epochs lists them"},
		{"order: {trial: [1, 0]}", `order.trial: "trial" is numbered by prepare itself`},
		{"labels: [c]\norder: {d: [x, y]}", `order.d: "d" is not a carried label (labels: [c])`},
		{"order: {c: []}", "order.c: empty"},
		{"order: {c: [hard, easy, hard]}", `order.c[2]: "hard" listed twice (also at 0)`},
	} {
		_, err := ParseRecipe("r.yaml", []byte(tc.src))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want one containing %q", tc.src, err, tc.want)
		}
	}
	// A variable-length window need not be a whole number of bins.
	if _, err := ParseRecipe("r.yaml", []byte("epochs: [{name: a, align: go, to_align: end, to_ms: 5}]")); err != nil {
		t.Errorf("variable window: %v", err)
	}
}
