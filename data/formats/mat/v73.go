package mat

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/h5"
)

// maxV73Values bounds the MATLAB values (arrays, cells, struct elements) one v7.3 file may
// yield, against forged files whose references fan out.
const maxV73Values = 1 << 20

// readV73 reads a MATLAB v7.3 file, an HDF5 file in MATLAB's layout, into the same tree the v5
// reader gives for the same MATLAB data:
//
//   - every variable is a dataset or group of the root whose MATLAB_class attribute names its
//     class; variables are listed in name order (HDF5 keeps no other order);
//   - MATLAB writes its column-major bytes, so the HDF5 dimensions are MATLAB's reversed and the
//     values are transposed back; a 1-D dataset is a row vector;
//   - char is stored as uint16 code units, logical as uint8, complex as a compound of real and
//     imag, an empty array as its dimensions with MATLAB_empty=1;
//   - a 1×1 struct is a group of its fields, in the order of its MATLAB_fields attribute;
//   - a struct array is a group whose fields are datasets of object references (shaped like the
//     array) into the hidden #refs# group, one per element; a cell array is a dataset of object
//     references, one per element;
//   - a sparse matrix is a group of data, ir and jc (compressed columns) with MATLAB_sparse
//     holding the number of rows; it is expanded to dense, as the v5 reader does.
//
// Anything else (function handles, objects, strings, tables) is listed with Unsupported set.
func readV73(ctx context.Context, path string) (*formats.Node, error) {
	f, err := h5.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return fromHDF5(ctx, f)
}

// fromHDF5 converts the variables of an open v7.3 file.
func fromHDF5(ctx context.Context, f *h5.File) (*formats.Node, error) {
	path := f.Name()
	tree, err := f.TreeContext(ctx)
	if err != nil {
		return nil, err
	}
	c := &v73{f: f, ctx: ctx, tree: tree, done: map[string]*formats.Node{}, sizes: map[string]int{}, busy: map[string]bool{}}
	root := &formats.Node{Name: path, Class: "mat"}
	for _, n := range tree.Children {
		if n.Name == "#refs#" || n.Name == "#subsystem#" {
			continue
		}
		v, err := c.node("/"+n.Name, n, 0)
		if err != nil {
			return nil, err
		}
		v.Name = n.Name
		root.Children = append(root.Children, v)
	}
	return root, nil
}

// v73 converts the HDF5 objects of a v7.3 file into MATLAB values. A reference target is
// converted once (done) however many elements point to it, and a target met again while it is
// being converted (busy) is a cycle, so forged references can neither loop nor fan out.
type v73 struct {
	f      *h5.File
	ctx    context.Context
	tree   *formats.Node
	done   map[string]*formats.Node
	sizes  map[string]int // values in the tree of each done target
	busy   map[string]bool
	values int
}

func (c *v73) errorf(path, format string, args ...any) error {
	return fmt.Errorf("%s: %s: %s", c.f.Name(), path, fmt.Sprintf(format, args...))
}

// node converts the HDF5 object n (metadata only) at path.
func (c *v73) node(path string, n *formats.Node, depth int) (*formats.Node, error) {
	if err := c.ctx.Err(); err != nil {
		return nil, err
	}
	if depth > maxDepth {
		return nil, c.errorf(path, "cells and structs nested deeper than %d", maxDepth)
	}
	if c.values++; c.values > maxV73Values {
		return nil, c.errorf(path, "more than %d MATLAB values: corrupt or forged references", maxV73Values)
	}
	class := n.AttrText("MATLAB_class")
	out := &formats.Node{Name: n.Name, Class: class}
	unsupported := func(why string) (*formats.Node, error) {
		out.Unsupported = fmt.Sprintf("%s: %s", path, why)
		return out, nil
	}
	if n.Unsupported != "" {
		return unsupported(n.Unsupported)
	}
	if a := n.Attr("MATLAB_empty"); a != nil && isTrue(a) {
		return c.empty(path, n, out)
	}
	switch {
	case n.Class == "group" && n.Attr("MATLAB_sparse") != nil:
		return c.sparse(path, n, out)
	case n.Class == "group" && (class == "struct" || class == ""):
		return c.structure(path, n, out, depth)
	case n.Class == "group":
		return unsupported(fmt.Sprintf("MATLAB class %q stored as a group (objects, function handles and the like are not supported)", class))
	case n.Class == "reference" && class == "cell":
		return c.cell(path, n, out, depth)
	case n.Class == "reference":
		return unsupported(fmt.Sprintf("references with MATLAB class %q", orUnknown(class)))
	case class == "":
		return unsupported(fmt.Sprintf("dataset of HDF5 class %s without a MATLAB_class attribute", n.Class))
	}
	d, err := c.f.LoadContext(c.ctx, path)
	if err != nil {
		return nil, err
	}
	out.Shape = matlabShape(d.Shape)
	if d.Class == "compound" {
		return c.complex(path, d, out)
	}
	vals, err := d.Float64s()
	if err != nil {
		return unsupported(fmt.Sprintf("MATLAB class %q stored as HDF5 %s", class, d.Class))
	}
	vals = formats.FromColumnMajor(vals, out.Shape)
	switch class {
	case "char":
		r := make([]rune, len(vals))
		for i, v := range vals {
			r[i] = rune(v)
			if v >= 0xd800 && v < 0xe000 || !utf8.ValidRune(r[i]) {
				r[i] = utf8.RuneError
			}
		}
		out.Data = formats.CharRows(r, out.Shape)
	case "logical", "double", "single", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64":
		out.Data = vals
		if d.Class != class && class != "logical" {
			out.Stored = d.Class
		}
	default:
		return unsupported(fmt.Sprintf("MATLAB class %q", class))
	}
	return out, nil
}

// matlabShape reverses HDF5 dimensions into MATLAB's, which have at least two.
func matlabShape(dims []int) []int {
	s := slices.Clone(dims)
	slices.Reverse(s)
	for len(s) < 2 {
		s = append(s, 1)
	}
	return s
}

// empty reads an empty array, stored as its MATLAB dimensions.
func (c *v73) empty(path string, n, out *formats.Node) (*formats.Node, error) {
	d, err := c.f.LoadContext(c.ctx, path)
	if err != nil {
		return nil, err
	}
	dims, err := d.Int64s()
	if err != nil {
		return nil, c.errorf(path, "MATLAB_empty dimensions: %v", err)
	}
	out.Shape = make([]int, len(dims))
	zero := false
	for i, v := range dims {
		if v < 0 || v > 1<<31 {
			return nil, c.errorf(path, "MATLAB_empty dimension %d is %d", i, v)
		}
		out.Shape[i] = int(v)
		zero = zero || v == 0
	}
	if !zero {
		return nil, c.errorf(path, "MATLAB_empty array of dimensions %v holds elements", dims)
	}
	switch out.Class {
	case "char":
		out.Data = []string{}
	case "cell":
	case "struct":
		out.Fields = c.fieldNames(n)
	default:
		out.Data = []float64{}
	}
	return out, nil
}

// complex reads a complex array, a compound of real and imaginary parts.
func (c *v73) complex(path string, d, out *formats.Node) (*formats.Node, error) {
	re, err1 := d.Member("real")
	im, err2 := d.Member("imag")
	if err1 != nil || err2 != nil {
		return nil, c.errorf(path, "compound with fields %v, want real and imag", d.Fields)
	}
	rv, err1 := re.Float64s()
	iv, err2 := im.Float64s()
	if err1 != nil || err2 != nil {
		return nil, c.errorf(path, "complex parts are not numbers")
	}
	out.Data = formats.FromColumnMajor(rv, out.Shape)
	out.Imag = formats.FromColumnMajor(iv, out.Shape)
	if re.Class != out.Class {
		out.Stored = re.Class
	}
	return out, nil
}

// sparse reads a sparse matrix: data, ir and jc, and the number of rows in MATLAB_sparse.
func (c *v73) sparse(path string, n, out *formats.Node) (*formats.Node, error) {
	rows, err := n.Attr("MATLAB_sparse").Int64s()
	if err != nil || len(rows) != 1 || rows[0] < 0 || rows[0] > 1<<31 {
		return nil, c.errorf(path, "MATLAB_sparse attribute %v, want the number of rows", rows)
	}
	load := func(name string) (*formats.Node, []float64, error) {
		d, err := c.f.LoadContext(c.ctx, path+"/"+name)
		if err != nil {
			return nil, nil, err
		}
		if d.Class == "compound" {
			return d, nil, nil
		}
		v, err := d.Float64s()
		if err != nil {
			return nil, nil, c.errorf(path+"/"+name, "%v", err)
		}
		return d, v, nil
	}
	_, jc, err := load("jc")
	if err != nil {
		return nil, err
	}
	ir, data := []float64{}, []float64{}
	var imag []float64
	if len(jc) > 0 && jc[len(jc)-1] > 0 {
		// A matrix without non-zeros has no data or ir datasets.
		if _, ir, err = load("ir"); err != nil {
			return nil, err
		}
		d, v, err := load("data")
		if err != nil {
			return nil, err
		}
		if d.Class == "compound" {
			re, err1 := d.Member("real")
			im, err2 := d.Member("imag")
			if err1 != nil || err2 != nil {
				return nil, c.errorf(path+"/data", "compound with fields %v, want real and imag", d.Fields)
			}
			v, _ = re.Float64s()
			imag, _ = im.Float64s()
		}
		data = v
	}
	if len(jc) == 0 {
		return nil, c.errorf(path+"/jc", "no column starts")
	}
	vals := [][]float64{data}
	if imag != nil {
		vals = append(vals, imag)
	}
	dense, err := denseFromCSC(int(rows[0]), len(jc)-1, ir, jc, vals...)
	if err != nil {
		return nil, c.errorf(path, "%v", err)
	}
	out.Shape = []int{int(rows[0]), len(jc) - 1}
	out.Sparse = true
	out.Data = dense[0]
	if imag != nil {
		out.Imag = dense[1]
	}
	return out, nil
}

// fieldNames returns a struct's field names from MATLAB_fields (variable-length sequences of
// characters), or nil when it is absent.
func (c *v73) fieldNames(n *formats.Node) []string {
	a := n.Attr("MATLAB_fields")
	if a == nil {
		return nil
	}
	var names []string
	for _, k := range a.Children {
		chars, err := k.Strings()
		if err != nil {
			return nil
		}
		names = append(names, strings.Join(chars, ""))
	}
	if names == nil {
		if s, err := a.Strings(); err == nil {
			names = s
		}
	}
	return names
}

// structure reads a 1×1 struct (a group of its fields) or a struct array (a group whose fields
// are reference datasets without a MATLAB_class, shaped like the array).
func (c *v73) structure(path string, n, out *formats.Node, depth int) (*formats.Node, error) {
	out.Class = "struct"
	names := c.fieldNames(n)
	if names == nil {
		for _, k := range n.Children {
			names = append(names, k.Name)
		}
	}
	members := make([]*formats.Node, len(names))
	array := len(names) > 0
	for i, name := range names {
		m, err := n.Member(name)
		if err != nil {
			return nil, c.errorf(path, "field %q named in MATLAB_fields is missing", name)
		}
		members[i] = m
		if m.Class != "reference" || m.AttrText("MATLAB_class") != "" {
			array = false
		}
	}
	out.Fields = names
	if !array {
		out.Shape = []int{1, 1}
		for i, m := range members {
			v, err := c.node(path+"/"+names[i], m, depth+1)
			if err != nil {
				return nil, err
			}
			v.Name = names[i]
			out.Children = append(out.Children, v)
		}
		return out, nil
	}
	// A struct array: every field holds one reference per element, column-major.
	var elems [][]*formats.Node
	for i, m := range members {
		refs, shape, err := c.refs(path+"/"+names[i], m)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			out.Shape = shape
			elems = make([][]*formats.Node, len(refs))
		} else if !slices.Equal(shape, out.Shape) {
			return nil, c.errorf(path+"/"+names[i], "field of shape %v in a struct array of shape %v", shape, out.Shape)
		}
		for e, r := range refs {
			v, err := c.deref(path+"/"+names[i], r, depth)
			if err != nil {
				return nil, err
			}
			v = named(v, names[i])
			elems[e] = append(elems[e], v)
		}
	}
	for _, e := range elems {
		out.Children = append(out.Children, e...)
	}
	return out, nil
}

// named returns v with the given name, copying it when it is shared (a reference target met
// before under another name).
func named(v *formats.Node, name string) *formats.Node {
	if v.Name == name {
		return v
	}
	cp := *v
	cp.Name = name
	return &cp
}

// cell reads a cell array: one reference per element.
func (c *v73) cell(path string, n, out *formats.Node, depth int) (*formats.Node, error) {
	refs, shape, err := c.refs(path, n)
	if err != nil {
		return nil, err
	}
	out.Class, out.Shape = "cell", shape
	out.Children = make([]*formats.Node, len(refs))
	for i, r := range refs {
		v, err := c.deref(path, r, depth)
		if err != nil {
			return nil, err
		}
		out.Children[i] = named(v, "")
	}
	return out, nil
}

// refs loads a reference dataset and returns its targets in row-major order over the MATLAB
// shape, and that shape.
func (c *v73) refs(path string, n *formats.Node) ([]string, []int, error) {
	d, err := c.f.LoadContext(c.ctx, path)
	if err != nil {
		return nil, nil, err
	}
	refs, err := d.Strings()
	if err != nil {
		return nil, nil, c.errorf(path, "%v", err)
	}
	shape := matlabShape(d.Shape)
	return formats.FromColumnMajor(refs, shape), shape, nil
}

// deref converts the target of one reference, once.
func (c *v73) deref(from, ref string, depth int) (*formats.Node, error) {
	if ref == "" {
		return nil, c.errorf(from, "null reference")
	}
	if v, ok := c.done[ref]; ok {
		// A shared target is converted once but counts every time: whoever walks the tree
		// visits it each time, so forged references cannot make a small file a huge tree.
		if c.values += c.sizes[ref]; c.values > maxV73Values {
			return nil, c.errorf(from, "more than %d MATLAB values: corrupt or forged references", maxV73Values)
		}
		return v, nil
	}
	if c.busy[ref] {
		return nil, c.errorf(from, "reference cycle through %s", ref)
	}
	c.busy[ref] = true
	defer delete(c.busy, ref)
	t, err := c.tree.Lookup(ref)
	if err != nil {
		var n *formats.Node
		n, err = c.f.InfoContext(c.ctx, ref)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil, err
			}
			return nil, c.errorf(from, "reference to %s: %v", ref, err)
		}
		t = n
	}
	before := c.values
	v, err := c.node(ref, t, depth+1)
	if err != nil {
		return nil, err
	}
	c.done[ref] = v
	c.sizes[ref] = c.values - before
	return v, nil
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown-class"
	}
	return s
}

func isTrue(a *formats.Node) bool {
	v, err := a.Float64s()
	return err == nil && len(v) > 0 && v[0] != 0
}
