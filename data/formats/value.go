package formats

import (
	"fmt"
	"math"
)

// Node is one variable, struct field, cell element, dataset or group of a file: the generic
// tree every reader of this package and its sub-packages produces.
//
// Order convention: Shape lists the dimensions as the file's own tools show them (MATLAB's
// size(), h5py's .shape, NumPy's .shape) and Data is always row-major (C order) over Shape:
// element (i0, i1, …, ik) is Data[((i0*Shape[1]+i1)*Shape[2]+…)*Shape[k]+ik]. MATLAB stores
// column-major, so the MATLAB readers transpose: a 61×50×10 MATLAB array has Shape [61 50 10] and
// A(i,j,k) (1-based) is Data[((i-1)*50+(j-1))*10+(k-1)]. The same rule orders the elements of
// struct arrays and cells in Children.
type Node struct {
	// Name is the variable, field, dataset or group name; empty for cell elements.
	Name string
	// Class is the element class: "double", "single", "half", "int8" … "uint64", "logical",
	// "char", "string", "enum", "struct", "cell", "object", "opaque", and for HDF5 "group",
	// "compound" (Fields and one child per member, each holding that member's column), "vlen"
	// (one child per element), "reference" (Data: []string of the targets' paths, "" for a null
	// reference; h5.File.Deref loads a target), "region reference" (Data: "PATH[SELECTION]",
	// see package h5), "link" (a second hard link to a group listed elsewhere: Data names its
	// first path), "unreadable" (see Unsupported); or for a root node the container kind: "mat",
	// "hdf5", "npz", "npy".
	Class string
	// Shape is the array's dimensions (see the order convention above); nil for groups and
	// roots, [] for an HDF5 scalar.
	Shape []int
	// Data holds the values: []float64 for numeric and logical classes (integers converted
	// exactly up to 2^53), []string for "char" (one string per row of a 2-D char array; see
	// CharRows) and "string". Data is nil for containers, and for HDF5 datasets whose values were
	// not loaded (metadata-only trees, see the h5 package).
	Data any
	// Stored names the element type the file keeps the values in when it differs from Class:
	// MATLAB saves a double array of small integers as "uint8" or "int16" to save space. Empty
	// when the storage is the class itself.
	Stored string
	// Imag holds the imaginary parts of a complex array, in the same order as Data; nil if real.
	Imag []float64
	// Sparse is true when the file stored the array as a sparse matrix; Data is then dense.
	Sparse bool
	// Fields are a struct's field names, in file order.
	Fields []string
	// Children: for a struct, one child per (element, field), element-major:
	// the field f of element e (row-major linear index) is Children[e*len(Fields)+f]; for a cell,
	// one child per element; for groups and roots, the members in file order.
	Children []*Node
	// Unsupported, when not empty, says why the reader could not decode this object (a feature
	// of the file it does not handle); Class is then "unreadable" or the class as far as known.
	Unsupported string
	// Attrs are HDF5 attributes (MATLAB_class, neurodata_type, colnames, …), each a leaf Node.
	Attrs []*Node
}

// NumElements returns the product of Shape (1 for a scalar with empty Shape, 0 for a group).
func (n *Node) NumElements() int {
	if n.Shape == nil {
		return 0
	}
	return product(n.Shape)
}

func product(shape []int) int {
	p := 1
	for _, d := range shape {
		p *= d
	}
	return p
}

// IsNumeric reports whether the node holds numbers (numeric classes and logical).
func (n *Node) IsNumeric() bool {
	_, ok := n.Data.([]float64)
	return ok
}

// Float64s returns the numeric values, row-major over Shape.
func (n *Node) Float64s() ([]float64, error) {
	v, ok := n.Data.([]float64)
	if !ok {
		return nil, n.noData("numbers")
	}
	return v, nil
}

// Strings returns the string values: the rows of a char array, or the elements of a string
// dataset.
func (n *Node) Strings() ([]string, error) {
	v, ok := n.Data.([]string)
	if !ok {
		return nil, n.noData("strings")
	}
	return v, nil
}

// Text returns a char row vector or a single string as one Go string; it is an error for a
// node with several rows or strings.
func (n *Node) Text() (string, error) {
	s, err := n.Strings()
	if err != nil {
		return "", err
	}
	switch len(s) {
	case 0:
		return "", nil
	case 1:
		return s[0], nil
	}
	return "", fmt.Errorf("%s: %d strings, want one", n.label(), len(s))
}

// Int64s returns the numeric values as integers; it is an error if a value is not an integer.
func (n *Node) Int64s() ([]int64, error) {
	v, err := n.Float64s()
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(v))
	for i, x := range v {
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("%s: element %d = %v is not an integer", n.label(), i, x)
		}
		out[i] = int64(x)
	}
	return out, nil
}

// Field returns field name of struct element e (0-based, row-major over Shape).
func (n *Node) Field(e int, name string) (*Node, error) {
	if n.Class != "struct" && n.Class != "object" {
		return nil, fmt.Errorf("%s: class %s has no fields", n.label(), n.Class)
	}
	f := index(n.Fields, name)
	if f < 0 {
		return nil, fmt.Errorf("%s: no field %q (fields: %v)", n.label(), name, n.Fields)
	}
	if e < 0 || e >= n.NumElements() {
		return nil, fmt.Errorf("%s: element %d out of range [0, %d)", n.label(), e, n.NumElements())
	}
	return n.Children[e*len(n.Fields)+f], nil
}

// Member returns the child called name of a group or root, or the field name of a 1×1 struct.
func (n *Node) Member(name string) (*Node, error) {
	if (n.Class == "struct" || n.Class == "object") && n.NumElements() == 1 {
		return n.Field(0, name)
	}
	for _, c := range n.Children {
		if c.Name == name {
			return c, nil
		}
	}
	names := make([]string, len(n.Children))
	for i, c := range n.Children {
		names[i] = c.Name
	}
	return nil, fmt.Errorf("%s: no member %q (members: %v)", n.label(), name, names)
}

// Attr returns the attribute called name, or nil.
func (n *Node) Attr(name string) *Node {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// AttrText returns the attribute name as a single string, or "" when it is absent or not text.
func (n *Node) AttrText(name string) string {
	a := n.Attr(name)
	if a == nil {
		return ""
	}
	s, err := a.Text()
	if err != nil {
		return ""
	}
	return s
}

// noData explains why a node holds no values of the wanted kind.
func (n *Node) noData(what string) error {
	switch {
	case n.Unsupported != "":
		return fmt.Errorf("%s: unsupported: %s", n.label(), n.Unsupported)
	case n.Data == nil && n.Shape != nil && n.Class != "struct" && n.Class != "cell":
		return fmt.Errorf("%s: class %s: values not loaded", n.label(), n.Class)
	}
	return fmt.Errorf("%s: class %s holds no %s", n.label(), n.Class, what)
}

func (n *Node) label() string {
	if n.Name == "" {
		return "(unnamed " + n.Class + ")"
	}
	return n.Name
}

func index(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// CharRows splits the characters of a char array, given in row-major order over shape, into
// strings: for a 2-D r×c array one string per row; for higher ranks one string of length
// shape[1] for every combination of the other indices, in row-major order of (i0, i2, i3, …).
// This is what MATLAB shows for A(i,:,k). An empty char array (a zero dimension) has no strings,
// whatever its other dimensions: a forged 10^9×0 array must not cost 10^9 strings.
func CharRows(chars []rune, shape []int) []string {
	if len(shape) < 2 {
		return []string{string(chars)}
	}
	if len(chars) == 0 {
		return []string{}
	}
	rows, cols := shape[0], shape[1]
	rest := product(shape[2:])
	out := make([]string, 0, rows*rest)
	row := make([]rune, cols)
	for i := 0; i < rows; i++ {
		for k := 0; k < rest; k++ {
			for j := 0; j < cols; j++ {
				row[j] = chars[(i*cols+j)*rest+k]
			}
			out = append(out, string(row))
		}
	}
	return out
}

// FromColumnMajor returns the elements of src, stored column-major (first index fastest, as
// MATLAB and Fortran store arrays) over shape, in row-major order (last index fastest).
// len(src) must equal the product of shape.
func FromColumnMajor[T any](src []T, shape []int) []T {
	dst := make([]T, len(src))
	if len(shape) < 2 || len(src) == 0 {
		copy(dst, src)
		return dst
	}
	// strides[d] is the column-major stride of dimension d.
	strides := make([]int, len(shape))
	s := 1
	for d := range shape {
		strides[d] = s
		s *= shape[d]
	}
	sub := make([]int, len(shape))
	c := 0 // column-major offset of sub
	last := len(shape) - 1
	for r := range dst {
		dst[r] = src[c]
		for d := last; d >= 0; d-- {
			sub[d]++
			c += strides[d]
			if sub[d] < shape[d] {
				break
			}
			c -= sub[d] * strides[d]
			sub[d] = 0
		}
	}
	return dst
}
