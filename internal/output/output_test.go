package output

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Finite values encode exactly as encoding/json encodes them; NaN and ±Inf become null.
func TestWriteJSON(t *testing.T) {
	type inner struct {
		A float64 `json:"a"`
		B []int
	}
	type Embedded struct {
		E    string `json:"e"`
		Name string `json:"name"` // hidden by outer's name
	}
	type embeddedPtr struct {
		P int `json:"p"`
	}
	type Tagged struct {
		T int `json:"t"`
	}
	type outer struct {
		Embedded
		*embeddedPtr
		Tagged  `json:"tagged"`
		Name    string             `json:"name"`
		Skip    int                `json:"-"`
		In      inner              `json:"in"`
		Ptr     *inner             `json:"ptr"`
		M       map[string]float64 `json:"m"`
		Pairs   [][2]int           `json:"pairs"`
		OmitP   *inner             `json:"omit_p,omitempty"`
		OmitS   []int              `json:"omit_s,omitempty"`
		OmitF   float64            `json:"omit_f,omitempty"`
		KeptS   []int              `json:"kept_s,omitempty"`
		private int
	}
	v := outer{Embedded: Embedded{E: "promoted", Name: "hidden"}, embeddedPtr: &embeddedPtr{P: 4}, Tagged: Tagged{T: 5}, Name: "x\"y", Skip: 3, In: inner{1.5, []int{1, 2}}, M: map[string]float64{"b": 2, "a": 1e-300}, Pairs: [][2]int{{1, 2}}, KeptS: []int{3}}
	path := filepath.Join(t.TempDir(), "v.json")
	if err := WriteJSON(path, v); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	want, _ := json.MarshalIndent(v, "", "  ")
	if !bytes.Equal(bytes.TrimSpace(got), want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}

	// Text is written as it reads, not HTML-escaped, and reads back the same.
	v.Name = `p < 0.05 & d > 0 <b>`
	v.M = map[string]float64{"a<b": 1}
	if err := WriteJSON(path, v); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(path)
	for _, s := range []string{`"name": "p < 0.05 & d > 0 <b>"`, `"a<b": 1`} {
		if !bytes.Contains(got, []byte(s)) {
			t.Errorf("file lacks %s:\n%s", s, got)
		}
	}
	var back0 map[string]any
	if err := json.Unmarshal(got, &back0); err != nil || back0["name"] != v.Name || back0["m"].(map[string]any)["a<b"] != 1.0 {
		t.Errorf("read back %+v, %v", back0, err)
	}
	v.In.A, v.M["b"] = math.NaN(), math.Inf(-1)
	if err := WriteJSON(path, v); err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	got, _ = os.ReadFile(path)
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatal(err)
	}
	if back["in"].(map[string]any)["a"] != nil || back["m"].(map[string]any)["b"] != nil {
		t.Errorf("non-finite values not written as null: %s", got)
	}
}
