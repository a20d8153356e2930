package recipe

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/h5"
)

// file is an open recording: its tree, and for HDF5 files (NWB included) the open file from
// which dataset values are loaded when a recipe asks for them, so that a large file is never
// read whole.
type file struct {
	path string
	root *formats.Node
	h    *h5.File
}

// openFile reads path's structure: HDF5 (not MATLAB v7.3) through package h5, anything else
// through formats.Inspect (MATLAB, NumPy), whose readers must be registered by the importer.
func openFile(path string) (*file, error) {
	if isPlainHDF5(path) {
		h, err := h5.Open(path)
		if err != nil {
			return nil, err
		}
		root, err := h.Tree()
		if err != nil {
			h.Close()
			return nil, err
		}
		return &file{path: path, root: root, h: h}, nil
	}
	root, err := formats.Inspect(path)
	if err != nil {
		return nil, err
	}
	return &file{path: path, root: root}, nil
}

func (f *file) Close() error {
	if f.h != nil {
		return f.h.Close()
	}
	return nil
}

// isPlainHDF5 reports whether path starts with the HDF5 signature (at 0, or after a user
// block that is not a MATLAB header).
func isPlainHDF5(path string) bool {
	fh, err := os.Open(path)
	if err != nil {
		return false
	}
	defer fh.Close()
	head := make([]byte, 520)
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
	if bytes.HasPrefix(head, []byte(h5.Signature)) {
		return true
	}
	return len(head) >= 520 && string(head[512:520]) == h5.Signature && !bytes.HasPrefix(head, []byte("MATLAB"))
}

// get returns the node at path with its values: from the tree, loading an HDF5 dataset's
// values on first use.
func (f *file) get(path string) (*formats.Node, error) {
	n, err := f.root.Lookup(path)
	if err != nil {
		return nil, err
	}
	if f.h == nil || n.Data != nil || n.Class == "group" || len(n.Children) > 0 {
		return n, nil
	}
	full := "/" + strings.TrimPrefix(strings.ReplaceAll(path, ".", "/"), "/")
	if !strings.Contains(path, ".") {
		full = "/" + strings.TrimPrefix(path, "/")
	}
	v, err := f.h.Load(full)
	if err != nil {
		return nil, err
	}
	// Keep the loaded values in the tree, so that a column read for several labels is read once.
	n.Data = v.Data
	if n.Shape == nil {
		n.Shape = v.Shape
	}
	return n, nil
}

// floats returns the numbers at path.
func (f *file) floats(path string) ([]float64, *formats.Node, error) {
	n, err := f.get(path)
	if err != nil {
		return nil, nil, err
	}
	v, err := n.Float64s()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := sized(v, n, path); err != nil {
		return nil, nil, err
	}
	return v, n, nil
}
