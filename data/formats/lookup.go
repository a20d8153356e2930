package formats

import (
	"fmt"
	"strconv"
	"strings"
)

// Lookup finds a node below n by a MATLAB- or HDF5-style path:
//
//	"dataTensor"            a variable of a MAT file
//	"D(3).data"             field data of the third element of struct array D
//	"D(1,3).condition"      the same with subscripts
//	"C{2}"                  the second element of cell C
//	"D.condition"           field condition of every element of D: for a 1×1 struct the field
//	                        itself, otherwise a "cell" node shaped like D whose children are the
//	                        elements' fields (MATLAB's {D.condition})
//	"/units/spike_times"    an HDF5 dataset (a leading "/" is optional; "/" and "." both separate)
//
// Indices are 1-based as in MATLAB. A single index is MATLAB's linear index (column-major); for
// row and column vectors that is simply the k-th element. Indexing a numeric or char array
// returns a 1×1 node holding that element.
func (n *Node) Lookup(path string) (*Node, error) {
	cur := n
	rest := strings.TrimPrefix(path, "/")
	if rest == "" {
		return n, nil
	}
	for rest != "" {
		end := strings.IndexAny(rest, "./")
		seg := rest
		if end >= 0 {
			seg, rest = rest[:end], rest[end+1:]
			if rest == "" {
				return nil, fmt.Errorf("lookup %q: path ends with a separator", path)
			}
		} else {
			rest = ""
		}
		next, err := cur.step(seg)
		if err != nil {
			return nil, fmt.Errorf("lookup %q: %w", path, err)
		}
		cur = next
	}
	return cur, nil
}

// step resolves one path segment: a name, optionally followed by (…) or {…} index groups
// ("C{2}(3)").
func (n *Node) step(seg string) (*Node, error) {
	name, rest := seg, ""
	if i := strings.IndexAny(seg, "({"); i >= 0 {
		name, rest = seg[:i], seg[i:]
	}
	cur := n
	if name != "" {
		var err error
		if cur, err = cur.named(name); err != nil {
			return nil, err
		}
	}
	for rest != "" {
		closer := map[byte]byte{'(': ')', '{': '}'}[rest[0]]
		end := strings.IndexByte(rest, closer)
		if closer == 0 || end < 0 {
			return nil, fmt.Errorf("segment %q: unbalanced brackets", seg)
		}
		subs, err := parseSubscripts(rest[1:end])
		if err != nil {
			return nil, fmt.Errorf("segment %q: %w", seg, err)
		}
		if cur, err = cur.element(subs, rest[0] == '{'); err != nil {
			return nil, err
		}
		rest = rest[end+1:]
	}
	return cur, nil
}

// named resolves a member or field name.
func (n *Node) named(name string) (*Node, error) {
	if (n.Class == "struct" || n.Class == "object") && n.NumElements() != 1 {
		f := index(n.Fields, name)
		if f < 0 {
			return nil, fmt.Errorf("%s: no field %q (fields: %v)", n.label(), name, n.Fields)
		}
		list := &Node{Name: n.Name + "." + name, Class: "cell", Shape: append([]int(nil), n.Shape...)}
		for e := 0; e < n.NumElements(); e++ {
			list.Children = append(list.Children, n.Children[e*len(n.Fields)+f])
		}
		return list, nil
	}
	return n.Member(name)
}

func parseSubscripts(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	subs := make([]int, len(parts))
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("index %q is not a positive integer", p)
		}
		subs[i] = v
	}
	return subs, nil
}

// element returns the element of n at 1-based subscripts subs.
func (n *Node) element(subs []int, brace bool) (*Node, error) {
	if n.Shape == nil {
		return nil, fmt.Errorf("%s: class %s cannot be indexed", n.label(), n.Class)
	}
	if brace && n.Class != "cell" {
		return nil, fmt.Errorf("%s: {} indexing of class %s, want cell", n.label(), n.Class)
	}
	r, err := rowMajorIndex(n.Shape, subs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.label(), err)
	}
	name := fmt.Sprintf("%s(%s)", n.Name, joinInts(subs))
	switch {
	case n.Class == "cell":
		return n.Children[r], nil
	case n.Class == "struct" || n.Class == "object":
		k := len(n.Fields)
		return &Node{Name: name, Class: n.Class, Shape: []int{1, 1}, Fields: n.Fields,
			Children: n.Children[r*k : (r+1)*k]}, nil
	}
	switch d := n.Data.(type) {
	case []float64:
		e := &Node{Name: name, Class: n.Class, Shape: []int{1, 1}, Data: []float64{d[r]}}
		if n.Imag != nil {
			e.Imag = []float64{n.Imag[r]}
		}
		return e, nil
	case []string:
		if n.Class == "char" {
			return nil, fmt.Errorf("%s: indexing into char arrays is not supported; use Strings", n.label())
		}
		return &Node{Name: name, Class: n.Class, Shape: []int{1}, Data: []string{d[r]}}, nil
	}
	return nil, fmt.Errorf("%s: class %s has no loaded elements to index", n.label(), n.Class)
}

// rowMajorIndex converts 1-based subscripts (or one MATLAB linear, column-major index) into a
// 0-based row-major linear index over shape.
func rowMajorIndex(shape, subs []int) (int, error) {
	total := product(shape)
	if len(subs) == 1 {
		lin := subs[0] - 1
		if lin >= total {
			return 0, fmt.Errorf("index %d exceeds %d elements", subs[0], total)
		}
		// Column-major decomposition: the first dimension varies fastest.
		subs = make([]int, len(shape))
		for d := range shape {
			subs[d] = lin%shape[d] + 1
			lin /= shape[d]
		}
	}
	if len(subs) != len(shape) {
		return 0, fmt.Errorf("%d subscripts for %d dimensions", len(subs), len(shape))
	}
	r := 0
	for d, s := range subs {
		if s > shape[d] {
			return 0, fmt.Errorf("subscript %d is %d, dimension has %d", d+1, s, shape[d])
		}
		r = r*shape[d] + s - 1
	}
	return r, nil
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}
