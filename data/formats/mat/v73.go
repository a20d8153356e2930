package mat

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/h5"
)

// readV73 reads a MATLAB v7.3 file, an HDF5 file in MATLAB's layout: every variable is a dataset
// (or, for a struct, a group) of the root whose MATLAB_class attribute names its class. MATLAB
// writes its column-major bytes, so the HDF5 dimensions are MATLAB's reversed; the data is
// transposed back here. char is stored as uint16 code units, logical as uint8, an empty array
// as its dimensions with MATLAB_empty=1, and a 1×1 struct as a group of its fields.
//
// Cell arrays and struct arrays are stored as HDF5 object references into the hidden #refs#
// group, which scigolib/hdf5 cannot follow, as are sparse and complex arrays in this reader:
// such variables are returned with Unsupported set (and no data) rather than failing the file.
func readV73(path string) (*formats.Node, error) {
	f, err := h5.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tree, err := f.Tree()
	if err != nil {
		return nil, err
	}
	root := &formats.Node{Name: path, Class: "mat"}
	for _, c := range tree.Children {
		if c.Name == "#refs#" || c.Name == "#subsystem#" {
			continue
		}
		v, err := v73Node(f, "/"+c.Name, c, 0)
		if err != nil {
			return nil, err
		}
		root.Children = append(root.Children, v)
	}
	return root, nil
}

// v73Node converts the HDF5 object n at path into a MATLAB variable.
func v73Node(f *h5.File, path string, n *formats.Node, depth int) (*formats.Node, error) {
	class := n.AttrText("MATLAB_class")
	out := &formats.Node{Name: n.Name, Class: class}
	unsupported := func(why string) (*formats.Node, error) {
		out.Unsupported = fmt.Sprintf("%s: %s", path, why)
		return out, nil
	}
	if n.Unsupported != "" {
		return unsupported(n.Unsupported)
	}
	if n.Class == "group" {
		if n.Attr("MATLAB_sparse") != nil {
			return unsupported("v7.3 sparse arrays are not supported; save with -v7 to read them")
		}
		if class != "struct" && class != "" {
			return unsupported(fmt.Sprintf("group of MATLAB class %q", class))
		}
		if depth > maxDepth {
			return nil, fmt.Errorf("%s: %s: structs nested deeper than %d", f.Name(), path, maxDepth)
		}
		out.Class, out.Shape = "struct", []int{1, 1}
		for _, c := range n.Children {
			v, err := v73Node(f, path+"/"+c.Name, c, depth+1)
			if err != nil {
				return nil, err
			}
			out.Fields = append(out.Fields, c.Name)
			out.Children = append(out.Children, v)
		}
		return out, nil
	}
	switch {
	case n.Class == "reference" && class == "struct":
		return unsupported("v7.3 struct arrays are stored as object references, which scigolib/hdf5 cannot read; save with -v7")
	case n.Class == "reference":
		return unsupported(fmt.Sprintf("v7.3 %s arrays are stored as object references, which scigolib/hdf5 cannot read; save with -v7", orUnknown(class)))
	case n.Class == "compound":
		return unsupported("v7.3 complex arrays are not supported; save with -v7")
	case class == "":
		return unsupported(fmt.Sprintf("dataset of HDF5 class %s without a MATLAB_class attribute", n.Class))
	}
	d, err := f.Load(path)
	if err != nil {
		return nil, err
	}
	vals, err := d.Float64s()
	if err != nil {
		return unsupported(fmt.Sprintf("MATLAB class %q stored as HDF5 %s", class, n.Class))
	}
	if a := n.Attr("MATLAB_empty"); a != nil && isTrue(a) {
		// An empty array is stored as its MATLAB dimensions.
		out.Shape = make([]int, len(vals))
		for i, v := range vals {
			out.Shape[i] = int(v)
		}
		if class == "char" {
			out.Data = []string{}
		} else {
			out.Data = []float64{}
		}
		return out, nil
	}
	out.Shape = slices.Clone(d.Shape)
	slices.Reverse(out.Shape)
	if len(out.Shape) == 1 {
		out.Shape = append(out.Shape, 1)
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
