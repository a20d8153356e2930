package strictyaml

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// KeyProblem is a key of a YAML document that its destination type does not know.
type KeyProblem struct {
	Path  string   // where the key is, e.g. "sources[0].labels.direction"
	Key   string   // the unknown key
	Line  int      // 1-based line of the key
	Valid []string // the keys valid at that place, sorted
}

func (p KeyProblem) Error() string {
	msg := fmt.Sprintf("line %d: %s: unknown key %q", p.Line, p.where(), p.Key)
	if near := Nearest(p.Key, p.Valid); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg + "; valid keys: " + strings.Join(p.Valid, ", ")
}

func (p KeyProblem) where() string {
	if p.Path == "" {
		return "top level"
	}
	return p.Path
}

// Keys walks the YAML document doc (as yaml.Unmarshal gives it) against the type of v and
// returns every unknown key, in document order, and the line of every known key by its path
// (the top level's keys are "name", nested ones "a.b", list items "a[2].b"). Struct fields are
// known by their yaml tags (inline structs merged); maps accept any key and check their
// values; a scalar where a struct is expected is left to the decoder.
func Keys(doc *yaml.Node, v any) (problems []KeyProblem, lines map[string]int) {
	lines = map[string]int{}
	n := doc
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	walk(n, reflect.TypeOf(v), "", &problems, lines)
	return problems, lines
}

func walk(n *yaml.Node, t reflect.Type, path string, out *[]KeyProblem, lines map[string]int) {
	if n == nil {
		return
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeOf(yaml.Node{}) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return
		}
		fields := map[string]reflect.Type{}
		structFields(t, fields)
		valid := make([]string, 0, len(fields))
		for k := range fields {
			valid = append(valid, k)
		}
		slices.Sort(valid)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				*out = append(*out, KeyProblem{Path: path, Key: k.Value, Line: k.Line, Valid: valid})
				continue
			}
			p := join(path, k.Value)
			lines[p] = k.Line
			walk(val, ft, p, out, lines)
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := join(path, n.Content[i].Value)
			lines[p] = n.Content[i].Line
			walk(n.Content[i+1], t.Elem(), p, out, lines)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, item := range n.Content {
			p := path + "[" + strconv.Itoa(i) + "]"
			lines[p] = item.Line
			walk(item, t.Elem(), p, out, lines)
		}
	}
}

// structFields collects the yaml names of t's exported fields, descending into inline structs.
func structFields(t reflect.Type, into map[string]reflect.Type) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			structFields(ft, into)
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		into[name] = f.Type
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Nearest returns the candidate closest to s by edit distance, or "" when none is close enough
// to be a likely misspelling (more than a third of the longer word differs).
func Nearest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if d := distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	if best == "" || bestD > max(1, max(len(s), len(best))/3) {
		return ""
	}
	return best
}

// distance is the optimal-string-alignment distance between a and b, by bytes: insertions,
// deletions, substitutions and transpositions of neighbours each cost 1 ("nmae" is 1 from
// "name").
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
