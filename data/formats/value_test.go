package formats

import (
	"reflect"
	"strings"
	"testing"
)

// naiveFromColumnMajor reorders by computing both linear indices of every subscript.
func naiveFromColumnMajor(src []float64, shape []int) []float64 {
	dst := make([]float64, len(src))
	sub := make([]int, len(shape))
	for r := range dst {
		rem := r
		for d := len(shape) - 1; d >= 0; d-- {
			sub[d] = rem % shape[d]
			rem /= shape[d]
		}
		c, stride := 0, 1
		for d := range shape {
			c += sub[d] * stride
			stride *= shape[d]
		}
		dst[r] = src[c]
	}
	return dst
}

func TestFromColumnMajor(t *testing.T) {
	for _, shape := range [][]int{{1, 5}, {5, 1}, {2, 3}, {3, 2}, {2, 3, 4}, {4, 1, 3, 2}, {7}} {
		n := product(shape)
		src := make([]float64, n)
		for i := range src {
			src[i] = float64(i)
		}
		if got, want := FromColumnMajor(src, shape), naiveFromColumnMajor(src, shape); !reflect.DeepEqual(got, want) {
			t.Errorf("%v: %v, want %v", shape, got, want)
		}
	}
}

func TestCharRows(t *testing.T) {
	// A 2×3×2 char array, row-major: row i, column j, page k.
	chars := []rune("aAbBcCdDeEfF")
	got := CharRows(chars, []int{2, 3, 2})
	if want := []string{"abc", "ABC", "def", "DEF"}; !reflect.DeepEqual(got, want) {
		t.Errorf("CharRows = %q, want %q", got, want)
	}
	if got := CharRows(nil, []int{1 << 30, 0}); len(got) != 0 {
		t.Errorf("empty char array gave %d strings", len(got))
	}
}

// structArray builds a 2×2 struct array S with fields x and name, element (i,j) holding
// x = 10i+j and name "e<i><j>" (0-based), the way the readers lay out struct arrays.
func structArray() *Node {
	s := &Node{Name: "S", Class: "struct", Shape: []int{2, 2}, Fields: []string{"x", "name"}}
	for i := 0; i < 2; i++ {
		for j := 0; j < 2; j++ {
			s.Children = append(s.Children,
				&Node{Name: "x", Class: "double", Shape: []int{1, 1}, Data: []float64{float64(10*i + j)}},
				&Node{Name: "name", Class: "char", Shape: []int{1, 3}, Data: []string{"e" + string(rune('0'+i)) + string(rune('0'+j))}})
		}
	}
	cell := &Node{Name: "C", Class: "cell", Shape: []int{1, 2}, Children: []*Node{
		{Class: "double", Shape: []int{1, 3}, Data: []float64{1, 2, 3}},
		{Class: "char", Shape: []int{1, 2}, Data: []string{"hi"}},
	}}
	return &Node{Name: "f.mat", Class: "mat", Children: []*Node{s, cell}}
}

func TestLookup(t *testing.T) {
	root := structArray()
	cases := map[string]any{
		"S(1,1).x":  []float64{0},
		"S(2,1).x":  []float64{10},
		"S(1,2).x":  []float64{1},
		"S(2).x":    []float64{10}, // linear index, column-major as in MATLAB
		"S(3).name": []string{"e01"},
		"C{1}":      []float64{1, 2, 3},
		"C{1}(3)":   []float64{3},
		"/C{2}":     []string{"hi"},
	}
	for path, want := range cases {
		n, err := root.Lookup(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if !reflect.DeepEqual(n.Data, want) {
			t.Errorf("%s = %v, want %v", path, n.Data, want)
		}
	}
	names, err := root.Lookup("S.name")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range names.Children {
		got = append(got, c.Data.([]string)[0])
	}
	if want := []string{"e00", "e01", "e10", "e11"}; !reflect.DeepEqual(got, want) {
		t.Errorf("S.name = %v, want %v (row-major)", got, want)
	}
	for path, want := range map[string]string{
		"S(5).x":   "exceeds 4 elements",
		"S(1).y":   `no field "y"`,
		"T":        `no member "T"`,
		"C(1,2,3)": "3 subscripts for 2 dimensions",
		"S{1}":     "{} indexing",
		"S(0).x":   "not a positive integer",
		"S(1).":    "ends with a separator",
	} {
		_, err := root.Lookup(path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", path, err, want)
		}
	}
}

func TestInt64s(t *testing.T) {
	n := &Node{Name: "v", Class: "double", Shape: []int{1, 2}, Data: []float64{3, 1.5}}
	if _, err := n.Int64s(); err == nil || !strings.Contains(err.Error(), "element 1 = 1.5") {
		t.Errorf("error %v", err)
	}
	u := &Node{Name: "u", Class: "unreadable", Unsupported: "soft link"}
	if _, err := u.Float64s(); err == nil || !strings.Contains(err.Error(), "soft link") {
		t.Errorf("error %v, want the reason", err)
	}
}

func TestList(t *testing.T) {
	var b strings.Builder
	if err := structArray().List(&b); err != nil {
		t.Fatal(err)
	}
	want := `S               struct       2×2    fields: x, name
  S(1..4).x     double       1×1    range 0…11
  S(1..4).name  char         1×3    4 distinct: "e00"×1 "e01"×1 "e10"×1 "e11"×1
C               cell         1×2
  C{1..2}       double|char  1×2–3  range 1…3, = "hi"
`
	if got := b.String(); got != want {
		t.Errorf("listing:\n%s\nwant:\n%s", got, want)
	}
}
