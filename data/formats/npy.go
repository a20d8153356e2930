package formats

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/internal/npy"
)

// ReadNPY reads a NumPy .npy file into a root node of Class "npy" with one child named after
// the file (without the extension).
func ReadNPY(path string) (*Node, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSuffix(baseName(path), ".npy")
	v, err := decodeNPY(b, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Node{Name: path, Class: "npy", Children: []*Node{v}}, nil
}

// ReadNPZ reads every array of a NumPy .npz archive into a root node of Class "npz", one child
// per member, named without ".npy", in archive order.
func ReadNPZ(path string) (*Node, error) {
	r, err := npy.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return decodeNPZ(r, path)
}

// decodeNPZ decodes every member of r, the archive at path. npy.Reader bounds what a member's
// bytes cost by the archive's size.
func decodeNPZ(r *npy.Reader, path string) (*Node, error) {
	root := &Node{Name: path, Class: "npz"}
	for _, m := range r.Members {
		b, err := m.Read()
		var v *Node
		if err == nil {
			v, err = decodeNPY(b, strings.TrimSuffix(m.Name, ".npy"))
		}
		if err != nil {
			return nil, fmt.Errorf("%s: member %q: %w", path, m.Name, err)
		}
		root.Children = append(root.Children, v)
	}
	return root, nil
}

// decodeNPY decodes one complete .npy file held in b into a node called name: numbers and
// booleans as []float64, text as []string, in C order. npy.Decode checks every size the header
// declares against len(b) before allocating.
func decodeNPY(b []byte, name string) (*Node, error) {
	a, err := npy.Decode(b)
	if err != nil {
		return nil, err
	}
	n := &Node{Name: name, Shape: a.Shape}
	switch a.Kind {
	case npy.Unicode, npy.ByteString:
		n.Class = "string"
		n.Data, err = a.Strings()
	case npy.Bool, npy.Int, npy.Uint, npy.Float:
		n.Class, n.Stored = npyClass(a.Kind, a.ItemSize)
		n.Data, err = a.Floats()
	default:
		return nil, fmt.Errorf("unsupported dtype %q (numbers, booleans and strings are read; complex numbers, objects and structured types are not)", a.Descr)
	}
	if err != nil {
		return nil, err
	}
	return n, nil
}

// npyClass returns the Node class of a real dtype, and the stored type where it is not one of
// Node's classes (half floats, held as "single").
func npyClass(kind npy.Kind, size int) (class, stored string) {
	switch kind {
	case npy.Float:
		switch size {
		case 2:
			return "single", "half"
		case 4:
			return "single", ""
		}
		return "double", ""
	case npy.Bool:
		return "logical", ""
	case npy.Int:
		return "int" + strconv.Itoa(8*size), ""
	}
	return "uint" + strconv.Itoa(8*size), ""
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
