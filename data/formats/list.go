package formats

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// List writes a listing of the tree below n in the manner of MATLAB's whos and h5ls -r: one line
// per variable, field, cell or dataset with its path, class, shape and a summary of its values,
// nested fields indented. Elements that play the same role are summarised on one line: the
// field data of every element of a 1×210 struct array D is listed once as
//
//	D(1..210).data   double   61×1018–1526   stored as uint8, range 0…3
//
// with each dimension given as its range over the elements, and text fields with their distinct
// values and counts. HDF5 paths start with "/" and show the attributes of each object.
// (The method is not called Format, which fmt reserves for its Formatter interface.)
func (n *Node) List(w io.Writer) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 2, 2, ' ', 0)
	l := &lister{w: tw}
	switch n.Class {
	case "hdf5", "group":
		if a := attrSummary(n); a != "" {
			l.line(0, "/", "group", "", a)
		}
		l.members(n, "/", 0)
	case "mat", "npz", "npy":
		for _, c := range n.Children {
			l.set(c.Name, []*Node{c}, 0)
		}
	default:
		l.set(n.Name, []*Node{n}, 0)
	}
	if l.err != nil {
		return l.err
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// tabwriter pads empty last columns; drop the trailing blanks.
	for _, line := range strings.SplitAfter(buf.String(), "\n") {
		if _, err := io.WriteString(w, strings.TrimRight(line, " \n")+strings.Repeat("\n", strings.Count(line, "\n"))); err != nil {
			return err
		}
	}
	return nil
}

type lister struct {
	w   io.Writer
	err error
}

func (l *lister) line(depth int, label, class, shape, extra string) {
	if l.err != nil {
		return
	}
	_, l.err = fmt.Fprintf(l.w, "%s%s\t%s\t%s\t%s\n", strings.Repeat("  ", depth), label, class, shape, extra)
}

// members lists the members of an HDF5 group, whose path ends in "/".
func (l *lister) members(g *Node, path string, depth int) {
	for _, c := range g.Children {
		l.set(path+c.Name, []*Node{c}, depth)
	}
}

// set lists nodes that play the same role (one node, or one field of every element of a struct
// array) on one line, then their contents.
func (l *lister) set(label string, nodes []*Node, depth int) {
	l.line(depth, label, classSummary(nodes), shapeSummary(nodes), valueSummary(nodes))
	first := nodes[0]
	switch {
	case len(nodes) == 1 && first.Class == "group":
		l.members(first, label+"/", depth+1)
	case allClass(nodes, "struct", "object"):
		l.fields(label, nodes, depth)
	case len(nodes) == 1 && first.Class == "compound":
		for _, c := range first.Children {
			l.set(label+"."+c.Name, []*Node{c}, depth+1)
		}
	case allClass(nodes, "cell", "vlen"):
		var kids []*Node
		most := 0
		for _, n := range nodes {
			kids = append(kids, n.Children...)
			most = max(most, len(n.Children))
		}
		if len(kids) > 0 {
			l.set(fmt.Sprintf("%s{%s}", label, indexRange(most)), kids, depth+1)
		}
	}
}

// fields lists each field of a set of structs once, over all their elements.
func (l *lister) fields(label string, nodes []*Node, depth int) {
	var names []string
	seen := map[string]bool{}
	most := 0
	for _, n := range nodes {
		for _, f := range n.Fields {
			if !seen[f] {
				seen[f] = true
				names = append(names, f)
			}
		}
		most = max(most, n.NumElements())
	}
	idx := ""
	if most != 1 {
		idx = "(" + indexRange(most) + ")"
	}
	for _, f := range names {
		var kids []*Node
		for _, n := range nodes {
			for e := 0; e < n.NumElements(); e++ {
				if c, err := n.Field(e, f); err == nil {
					kids = append(kids, c)
				}
			}
		}
		if len(kids) > 0 {
			l.set(label+idx+"."+f, kids, depth+1)
		}
	}
}

func indexRange(k int) string {
	if k == 1 {
		return "1"
	}
	return fmt.Sprintf("1..%d", k)
}

func allClass(nodes []*Node, classes ...string) bool {
	for _, n := range nodes {
		if index(classes, n.Class) < 0 {
			return false
		}
	}
	return true
}

// classSummary is the class, or the distinct classes joined by "|".
func classSummary(nodes []*Node) string {
	var cs []string
	for _, n := range nodes {
		if index(cs, n.Class) < 0 {
			cs = append(cs, n.Class)
		}
	}
	return strings.Join(cs, "|")
}

// shapeSummary gives each dimension, or its range over the nodes ("61×1018–1526").
func shapeSummary(nodes []*Node) string {
	if nodes[0].Shape == nil {
		return ""
	}
	rank := len(nodes[0].Shape)
	for _, n := range nodes {
		if len(n.Shape) != rank || n.Shape == nil {
			return "mixed ranks"
		}
	}
	if rank == 0 {
		return "scalar"
	}
	dims := make([]string, rank)
	for d := range dims {
		lo, hi := math.MaxInt, 0
		for _, n := range nodes {
			lo, hi = min(lo, n.Shape[d]), max(hi, n.Shape[d])
		}
		dims[d] = strconv.Itoa(lo)
		if hi != lo {
			dims[d] += "–" + strconv.Itoa(hi)
		}
	}
	return strings.Join(dims, "×")
}

// valueSummary describes the values: storage, a short preview or range, distinct texts, and
// the attributes of a single HDF5 object.
func valueSummary(nodes []*Node) string {
	var parts []string
	first := nodes[0]
	for _, n := range nodes {
		if n.Unsupported != "" {
			return "UNREADABLE: " + n.Unsupported
		}
	}
	if first.Stored != "" {
		parts = append(parts, "stored as "+first.Stored)
	}
	if first.Sparse {
		parts = append(parts, "sparse")
	}
	if first.Imag != nil {
		parts = append(parts, "complex (real part shown)")
	}
	if len(first.Fields) > 0 && len(nodes) == 1 {
		parts = append(parts, "fields: "+strings.Join(first.Fields, ", "))
	}
	if s := numberSummary(nodes); s != "" {
		parts = append(parts, s)
	}
	if s := textSummary(nodes); s != "" {
		parts = append(parts, s)
	}
	if len(nodes) == 1 {
		if s := attrSummary(first); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// numberSummary shows up to six values of a single small array, otherwise the range (and NaN
// count) over all values of all nodes.
func numberSummary(nodes []*Node) string {
	if len(nodes) == 1 {
		if v, ok := nodes[0].Data.([]float64); ok && len(v) > 0 && len(v) <= 6 {
			return "= " + formatFloats(v)
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	nan, count := 0, 0
	for _, n := range nodes {
		v, ok := n.Data.([]float64)
		if !ok {
			continue
		}
		for _, x := range v {
			count++
			if math.IsNaN(x) {
				nan++
				continue
			}
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if count == 0 {
		return ""
	}
	s := ""
	if nan < count {
		s = "range " + strconv.FormatFloat(lo, 'g', 6, 64) + "…" + strconv.FormatFloat(hi, 'g', 6, 64)
	}
	if nan > 0 {
		s = strings.TrimPrefix(s+fmt.Sprintf(", %d NaN", nan), ", ")
	}
	return s
}

func formatFloats(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.FormatFloat(x, 'g', 6, 64)
	}
	if len(s) == 1 {
		return s[0]
	}
	return "[" + strings.Join(s, " ") + "]"
}

// textSummary quotes the text of one node, or lists the distinct texts of many with counts.
func textSummary(nodes []*Node) string {
	counts := map[string]int{}
	var order []string
	for _, n := range nodes {
		v, ok := n.Data.([]string)
		if !ok {
			continue
		}
		for _, s := range v {
			if counts[s] == 0 {
				order = append(order, s)
			}
			counts[s]++
		}
	}
	if len(order) == 0 {
		return ""
	}
	const show = 8
	total := 0
	for _, c := range counts {
		total += c
	}
	if total == len(order) && total <= 3 {
		q := make([]string, len(order))
		for i, s := range order {
			q[i] = strconv.Quote(clip(s))
		}
		return "= " + strings.Join(q, " ")
	}
	sort.SliceStable(order, func(i, j int) bool { return counts[order[i]] > counts[order[j]] })
	var q []string
	for _, s := range order[:min(show, len(order))] {
		q = append(q, fmt.Sprintf("%q×%d", clip(s), counts[s]))
	}
	more := ""
	if len(order) > show {
		more = ", …"
	}
	return fmt.Sprintf("%d distinct: %s%s", len(order), strings.Join(q, " "), more)
}

func clip(s string) string {
	const most = 40
	if r := []rune(s); len(r) > most {
		return string(r[:most]) + "…"
	}
	return s
}

// attrSummary lists an HDF5 object's attributes as name=value, leaving out object_id.
func attrSummary(n *Node) string {
	var s []string
	for _, a := range n.Attrs {
		if a.Name == "object_id" {
			continue
		}
		v := "?"
		switch d := a.Data.(type) {
		case []string:
			if len(d) == 1 && len(a.Shape) <= 1 {
				v = clip(d[0])
			} else {
				v = "[" + clip(strings.Join(d, " ")) + "]"
			}
		case []float64:
			v = formatFloats(d[:min(len(d), 6)])
		default:
			v = "(" + a.Class + ")"
		}
		s = append(s, "@"+a.Name+"="+v)
	}
	return strings.Join(s, " ")
}
