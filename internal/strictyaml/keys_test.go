package strictyaml

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

type leaf struct {
	Rate float64 `yaml:"rate"`
}

type Base struct {
	Name string `yaml:"name"`
}

type tree struct {
	Base   `yaml:",inline"`
	Leaves []leaf           `yaml:"leaves"`
	ByName map[string]*leaf `yaml:"by_name"`
}

func TestKeys(t *testing.T) {
	var doc yaml.Node
	src := "name: x\nnmae: y\nleaves:\n  - {rate: 1}\n  - {rat: 2}\nby_name:\n  a: {rate: 1, bogus: 2}\n"
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	probs, lines := Keys(&doc, &tree{})
	if len(probs) != 3 {
		t.Fatalf("problems %v", probs)
	}
	want := []string{
		`line 2: top level: unknown key "nmae" (did you mean "name"?); valid keys: by_name, leaves, name`,
		`line 5: leaves[1]: unknown key "rat" (did you mean "rate"?); valid keys: rate`,
		`line 7: by_name.a: unknown key "bogus"; valid keys: rate`,
	}
	for i, w := range want {
		if probs[i].Error() != w {
			t.Errorf("problem %d: %q, want %q", i, probs[i].Error(), w)
		}
	}
	if lines["leaves[1]"] != 5 || lines["by_name.a"] != 7 || lines["name"] != 1 {
		t.Errorf("lines %v", lines)
	}
}

func TestNearest(t *testing.T) {
	for _, c := range []struct{ s, want string }{
		{"smoth_ms", "smooth_ms"}, {"BIN_MS", "bin_ms"}, {"xyz", ""}, {"epoch", "epochs"},
	} {
		if got := Nearest(c.s, []string{"smooth_ms", "bin_ms", "epochs"}); got != c.want {
			t.Errorf("Nearest(%q) = %q, want %q", c.s, got, c.want)
		}
	}
	if !strings.Contains(KeyProblem{Key: "q", Line: 1, Valid: []string{"a"}}.Error(), "top level") {
		t.Error("top-level problem not named")
	}
}
