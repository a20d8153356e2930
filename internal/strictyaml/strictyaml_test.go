package strictyaml

import (
	"strings"
	"testing"
)

type inner struct {
	Rate float64 `yaml:"rate"`
}

type doc struct {
	Name  string `yaml:"name"`
	List  []int  `yaml:"list"`
	Inner inner  `yaml:"inner"`
}

func TestDecode(t *testing.T) {
	v := doc{Name: "default", List: []int{1, 2, 3}, Inner: inner{Rate: 0.5}}
	if err := Decode("a.yaml", []byte("list: [7]\ninner: {}\n"), &v); err != nil {
		t.Fatal(err)
	}
	if v.Name != "default" || len(v.List) != 1 || v.List[0] != 7 || v.Inner.Rate != 0.5 {
		t.Errorf("decoded %+v: absent keys must keep their values, a given list replaces", v)
	}
	if err := Decode("empty.yaml", nil, &v); err != nil || v.Name != "default" {
		t.Errorf("empty document: %v, %+v", err, v)
	}
	err := Decode("b.yaml", []byte("inner:\n  rat: 3\n"), &v)
	if err == nil || !strings.HasPrefix(err.Error(), "b.yaml: ") || !strings.Contains(err.Error(), "rat") {
		t.Errorf("unknown nested key: %v", err)
	}
	out, err := Encode(&v)
	if err != nil || string(out) != "name: default\nlist:\n  - 7\ninner:\n  rate: 0.5\n" {
		t.Errorf("encoded %q, %v", out, err)
	}
}

// Decode reports every unknown key at once, each with its line and the nearest valid key,
// whatever the destination (configurations, compare and sweep specifications).
func TestDecodeEveryUnknownKey(t *testing.T) {
	type inner struct {
		Units int `yaml:"units"`
	}
	type cfg struct {
		Model inner   `yaml:"model"`
		Rate  float64 `yaml:"learning_rate"`
	}
	c := cfg{Model: inner{Units: 8}}
	err := Decode("c.yaml", []byte("model:\n  unitz: 4\nlearning_rat: 0.1\n"), &c)
	if err == nil {
		t.Fatal("unknown keys accepted")
	}
	for _, want := range []string{`c.yaml: line 2: model: unknown key "unitz" (did you mean "units"?)`, `c.yaml: line 3: top level: unknown key "learning_rat" (did you mean "learning_rate"?)`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if c.Model.Units != 8 {
		t.Error("a rejected document changed the defaults")
	}
}
