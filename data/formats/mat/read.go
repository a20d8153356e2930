// Package mat reads MATLAB .mat files into the generic value tree of package formats.
//
// Level 5 files (MATLAB v5, v6, v7: the default of MATLAB's save and of scipy.io.savemat) are
// parsed here in pure Go: numeric classes, logical, char (UTF-16, UTF-8 or 8-bit storage), struct
// and struct arrays, cell arrays, objects (read like structs), sparse matrices (expanded to dense,
// up to 2^27 elements) and complex arrays (real part in Data, imaginary part in Imag), with
// zlib-compressed variables (miCOMPRESSED). Function handles and opaque objects (string, table,
// datetime, …) are listed with class "function" / "opaque" and no data.
//
// v7.3 files are HDF5 files with a 512-byte header; ReadMAT detects them and reads them through
// package h5 into exactly the tree the v5 reader gives for the same MATLAB data (classes,
// shapes, values, field and element order): numeric classes, logical, char, complex, empty
// arrays, sparse matrices, structs, struct arrays and cell arrays nested in any way, the last
// two through the object references MATLAB stores in the #refs# group (see readV73).
//
// Arrays are returned with MATLAB's dimensions in Shape and their data transposed to row-major
// order (see formats.Node). A variable stored in a narrower type than its class (MATLAB saves
// a double array of small integers as int16, for instance) keeps its MATLAB class: t below is
// "double" although its bytes are int16.
package mat

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	"github.com/jedi-neuro/jedi/data/formats"
	"github.com/jedi-neuro/jedi/data/formats/h5"
)

const headerLen = 128

// ReadMAT reads every variable of the MAT file at path. The root node has Class "mat" and one
// child per variable, in file order (v5) or name order (v7.3, whose HDF5 groups keep no other).
func ReadMAT(path string) (*formats.Node, error) {
	return ReadMATContext(context.Background(), path)
}

// ReadMATContext is ReadMAT, stopping with ctx's error when ctx is done (v7.3 files are read
// lazily and check ctx between objects; v5 files are decoded from memory).
func ReadMATContext(ctx context.Context, path string) (*formats.Node, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 520)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if IsV73(head[:n]) {
		return readV73(ctx, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(data, path)
}

// IsV73 reports whether the first bytes of a file are those of a MATLAB v7.3 file: MATLAB's
// text header, then an HDF5 signature at offset 512.
func IsV73(head []byte) bool {
	return len(head) >= 520 && bytes.HasPrefix(head, []byte("MATLAB")) && string(head[512:520]) == h5.Signature
}

// IsV5 reports whether the first bytes of a file are a MAT level 5 header: printable text and
// the endian indicator "IM" or "MI" at bytes 126–127.
func IsV5(head []byte) bool {
	if len(head) < headerLen {
		return false
	}
	ind := string(head[126:128])
	return (ind == "IM" || ind == "MI") && bytes.HasPrefix(head, []byte("MATLAB"))
}

// Decode parses a MAT level 5 file held in data; name labels errors (usually the file path).
func Decode(data []byte, name string) (*formats.Node, error) {
	if len(data) < headerLen {
		return nil, fmt.Errorf("%s: %d bytes, too short for a MAT v5 header (%d bytes)", name, len(data), headerLen)
	}
	d := &decoder{file: name}
	switch string(data[126:128]) {
	case "IM":
		d.order = binary.LittleEndian
	case "MI":
		d.order = binary.BigEndian
	default:
		return nil, fmt.Errorf("%s: no MAT v5 endian indicator at offset 126 (found %q): not a level 5 MAT file (v4 files are not supported)", name, data[126:128])
	}
	root := &formats.Node{Name: name, Class: "mat"}
	s := span{b: data, comp: -1}
	for pos := headerLen; pos < len(data); {
		d.variable = ""
		t, err := d.tag(s, pos)
		if err != nil {
			return nil, err
		}
		var v *formats.Node
		switch t.typ {
		case miCOMPRESSED:
			v, err = d.compressed(s, t)
		case miMATRIX:
			v, err = d.matrix(s, t, 0)
		default:
			return nil, d.errf(s, pos, "top-level element of type %s, want miMATRIX or miCOMPRESSED", typeName(t.typ))
		}
		if err != nil {
			return nil, err
		}
		root.Children = append(root.Children, v)
		pos = t.next
	}
	return root, nil
}
