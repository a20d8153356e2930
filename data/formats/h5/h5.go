// Package h5 reads HDF5 files (including NWB files and MATLAB v7.3 files) into the generic
// value tree of package formats, using the pure-Go github.com/scigolib/hdf5 library.
//
// What is read: groups, datasets of integers, floats and enums of integers (converted to
// float64), fixed- and variable-length strings, and attributes of those types. Datasets keep
// HDF5's own (row-major) shape and order. Datasets of references, compounds, variable-length
// sequences or arrays are listed with their class and shape but cannot be loaded.
//
// What scigolib cannot read, and this package reports as an error naming the dataset and the
// feature instead of returning wrong data: chunked datasets indexed the HDF5 1.10 way (layout
// message version 4: fixed array, extensible array, version 2 B-tree, single chunk and implicit
// indexes, written with libver="latest"), virtual datasets, and filters other than deflate,
// shuffle, Fletcher-32, LZF and BZIP2. Soft and external links and members scigolib fails to
// load are absent from the tree: the library skips them without a word, so this package cannot
// report them. Any panic inside the library is recovered and returned as an error.
package h5

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/scigolib/hdf5"

	"github.com/jedi-neuro/jedi/data/formats"
)

// Signature is the 8-byte HDF5 format signature.
const Signature = "\x89HDF\r\n\x1a\n"

// inflateRatio bounds the bytes a chunked (possibly deflated) dataset may claim per byte of
// file: deflate cannot expand more than about 1032:1. Larger claims are refused before
// anything is allocated.
const inflateRatio = 1100

// File is an open HDF5 file.
type File struct {
	name string // the path given to Open, for error messages
	h    *hdf5.File
	os   *os.File
	tmp  string // copy without the user block, removed by Close
	g    geometry
	// datasets and groups map every object path ("/a/b") to its scigolib object.
	datasets map[string]*hdf5.Dataset
	groups   map[string]*hdf5.Group
	// missing maps the paths of members scigolib left out to the reason (see audit).
	missing map[string]string
}

// Open opens the HDF5 file at path. A user block before the superblock (MATLAB v7.3 files have
// 512 bytes) is allowed: the file is then read from a temporary copy without it, because
// scigolib only looks for the superblock at offset 0.
func Open(path string) (*File, error) {
	off, err := superblockOffset(path)
	if err != nil {
		return nil, err
	}
	f := &File{name: path, datasets: map[string]*hdf5.Dataset{}, groups: map[string]*hdf5.Group{}, missing: map[string]string{}}
	if err := f.open(off); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// open opens the file whose superblock is at off, through a copy without the user block when
// off > 0, and indexes its objects.
func (f *File) open(off int64) error {
	name := f.name
	if off > 0 {
		var err error
		if f.tmp, err = stripUserBlock(f.name, off); err != nil {
			return err
		}
		name = f.tmp
	}
	var err error
	if f.os, err = os.Open(name); err != nil {
		return err
	}
	st, err := f.os.Stat()
	if err != nil {
		return err
	}
	lengthSize, err := superblockLengthSize(f.os)
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	if err := checkHeaps(f.os, st.Size(), lengthSize); err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	f.h, err = guard(func() (*hdf5.File, error) { return hdf5.Open(name) })
	if err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	sb := f.h.Superblock()
	f.g = geometry{offsetSize: int(sb.OffsetSize), lengthSize: int(sb.LengthSize), fileSize: st.Size()}
	if err := f.index(f.h.Root(), "/", 0); err != nil {
		return fmt.Errorf("%s: %w", f.name, err)
	}
	f.audit("/", sb.RootGroup, 0)
	return nil
}

// superblockOffset finds the HDF5 signature at 0, 512, 1024, 2048, … as the specification
// allows.
func superblockOffset(path string) (int64, error) {
	r, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	st, err := r.Stat()
	if err != nil {
		return 0, err
	}
	sig := make([]byte, 8)
	for off := int64(0); off+8 <= st.Size(); {
		if _, err := r.ReadAt(sig, off); err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		if string(sig) == Signature {
			return off, nil
		}
		if off == 0 {
			off = 512
		} else {
			off *= 2
		}
	}
	return 0, fmt.Errorf("%s: no HDF5 signature at offset 0, 512, 1024, …: not an HDF5 file", path)
}

func stripUserBlock(path string, off int64) (string, error) {
	src, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return "", err
	}
	dst, err := os.CreateTemp("", "jedi-h5-*.h5")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(dst, io.NewSectionReader(src, off, st.Size()-off))
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return "", fmt.Errorf("%s: copying past the %d-byte user block: %w", path, off, err)
	}
	return dst.Name(), nil
}

// maxGroupDepth bounds group nesting, against forged files whose groups contain themselves.
const maxGroupDepth = 64

func (f *File) index(g *hdf5.Group, path string, depth int) error {
	if depth > maxGroupDepth {
		return fmt.Errorf("%s: groups nested deeper than %d", path, maxGroupDepth)
	}
	f.groups[path] = g
	for _, c := range g.Children() {
		p := join(path, c.Name())
		switch c := c.(type) {
		case *hdf5.Group:
			if err := f.index(c, p, depth+1); err != nil {
				return err
			}
		case *hdf5.Dataset:
			f.datasets[p] = c
		}
	}
	return nil
}

func join(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// Close releases the file and removes any temporary copy.
func (f *File) Close() error {
	var err error
	if f.h != nil {
		err = f.h.Close()
	}
	if f.os != nil {
		f.os.Close()
	}
	if f.tmp != "" {
		os.Remove(f.tmp)
	}
	return err
}

// guard calls fn and turns a panic inside the HDF5 library into an error.
func guard[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("HDF5 library failure (recovered panic: %v)", r)
		}
	}()
	return fn()
}

// Tree returns the whole file as a tree without dataset values: groups with their members and
// attributes, datasets with class, shape and attributes and nil Data. The root has Class "hdf5".
func (f *File) Tree() (*formats.Node, error) {
	return f.tree(false)
}

// ReadAll returns the whole file as a tree with every dataset's values loaded.
func (f *File) ReadAll() (*formats.Node, error) {
	return f.tree(true)
}

func (f *File) tree(load bool) (*formats.Node, error) {
	root, err := f.group("/", load, 0)
	if err != nil {
		return nil, err
	}
	root.Name, root.Class = f.name, "hdf5"
	return root, nil
}

func (f *File) group(path string, load bool, depth int) (*formats.Node, error) {
	g := f.groups[path]
	n := &formats.Node{Name: g.Name(), Class: "group"}
	var err error
	if n.Attrs, err = f.attrs(g, nil); err != nil {
		return nil, fmt.Errorf("%s: %s: attributes: %w", f.name, path, err)
	}
	for _, c := range g.Children() {
		p := join(path, c.Name())
		var child *formats.Node
		switch {
		case f.groups[p] != nil && depth < maxGroupDepth:
			child, err = f.group(p, load, depth+1)
		case f.datasets[p] != nil && load:
			child, err = f.Load(p)
		case f.datasets[p] != nil:
			child, err = f.Info(p)
		default:
			continue
		}
		if err != nil {
			return nil, err
		}
		n.Children = append(n.Children, child)
	}
	for _, name := range f.missingIn(path) {
		n.Children = append(n.Children, &formats.Node{Name: name, Class: "unreadable",
			Unsupported: f.missing[join(path, name)]})
	}
	// Members in name order, as h5ls lists them, whatever order the group's storage keeps.
	sort.SliceStable(n.Children, func(i, j int) bool { return n.Children[i].Name < n.Children[j].Name })
	return n, nil
}

// Info returns the dataset at path with its class, shape and attributes but no values.
func (f *File) Info(path string) (*formats.Node, error) {
	n, _, err := f.info(path)
	return n, err
}

func (f *File) info(path string) (*formats.Node, info, error) {
	d := f.datasets[path]
	if d == nil {
		if p, why := f.missingUnder(path); why != "" {
			return nil, info{}, fmt.Errorf("%s: %s: unsupported: %s", f.name, p, why)
		}
		return nil, info{}, fmt.Errorf("%s: no dataset %q", f.name, path)
	}
	msgs, _, err := readHeader(f.os, f.g, d.Address())
	var in info
	if err == nil {
		in, err = datasetInfo(msgs, f.g)
	}
	if err != nil {
		return nil, in, fmt.Errorf("%s: %s: %w", f.name, path, err)
	}
	n := &formats.Node{Name: d.Name(), Class: in.t.name(), Shape: in.shape}
	if in.t.class == classEnum && in.t.base != nil && in.t.base.size == 1 {
		// h5py and MATLAB store booleans as an enum over a 1-byte integer.
		n.Class = "logical"
	}
	if n.Attrs, err = f.attrs(nil, d); err != nil {
		return nil, in, fmt.Errorf("%s: %s: attributes: %w", f.name, path, err)
	}
	return n, in, nil
}

// Load returns the dataset at path ("/units/spike_times") with its values: []float64 for
// numbers and enums, []string for strings, row-major over Shape.
func (f *File) Load(path string) (*formats.Node, error) {
	n, in, err := f.info(path)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s: %s", f.name, path, fmt.Sprintf(format, args...))
	}
	if why := in.layout.unsupported(); why != "" {
		return nil, fail("unsupported %s", why)
	}
	if in.shape == nil {
		return n, nil // a null dataspace holds nothing
	}
	numel := 1
	for _, v := range in.shape {
		numel *= v
	}
	if err := f.checkSize(in, numel); err != nil {
		return nil, fail("%v", err)
	}
	d := f.datasets[path]
	switch in.t.class {
	case classFixed, classFloat:
		n.Data, err = guard(d.Read)
	case classEnum:
		n.Data, err = f.readEnum(in, numel)
	case classString:
		n.Data, err = guard(d.ReadStrings)
	case classVarLen:
		if n.Class != "string" {
			return nil, fail("unsupported datatype: variable-length sequence")
		}
		if in.layout.class == layoutChunked {
			return nil, fail("unsupported variable-length strings in chunked storage (scigolib/hdf5 v0.14.0 cannot read them; store the column contiguous)")
		}
		n.Data, err = guard(func() ([]string, error) {
			raw, err := d.ReadVLenBytes()
			if err != nil {
				return nil, err
			}
			s := make([]string, len(raw))
			for i, b := range raw {
				s[i] = string(bytes.TrimRight(b, "\x00"))
			}
			return s, nil
		})
	default:
		return nil, fail("unsupported datatype: %s", in.t.name())
	}
	if err != nil {
		return nil, fail("%v", err)
	}
	if got := dataLen(n.Data); got != numel {
		return nil, fail("read %d values, shape %v has %d", got, in.shape, numel)
	}
	return n, nil
}

func dataLen(v any) int {
	switch v := v.(type) {
	case []float64:
		return len(v)
	case []string:
		return len(v)
	}
	return -1
}

// checkSize refuses datasets whose declared size the file cannot hold, before scigolib
// allocates for them.
func (f *File) checkSize(in info, numel int) error {
	elem := in.t.size
	if in.t.class == classVarLen {
		// Each element is a global heap reference (length, heap address, index), but scigolib
		// allocates the datatype's declared size per element, so both bound the read.
		elem = max(elem, 8+f.g.offsetSize)
	}
	if elem <= 0 {
		return fmt.Errorf("datatype of %d bytes", elem)
	}
	limit := uint64(f.g.fileSize)
	switch in.layout.class {
	case layoutCompact:
		limit = in.layout.size
	case layoutContiguous:
		if in.layout.addr >= uint64(f.g.fileSize) {
			return fmt.Errorf("contiguous data at %d, past the end of the file (%d bytes; was the dataset never written?)", in.layout.addr, f.g.fileSize)
		}
		limit = uint64(f.g.fileSize) - in.layout.addr
	case layoutChunked:
		limit = uint64(f.g.fileSize) * inflateRatio
	}
	if numel > 0 && uint64(elem) > limit/uint64(numel) {
		return fmt.Errorf("shape %v of %d-byte values needs more bytes than the file can hold (%d)", in.shape, elem, limit)
	}
	return nil
}

// readEnum reads an enum over an integer base type, which scigolib does not convert, from
// compact or contiguous storage.
func (f *File) readEnum(in info, numel int) ([]float64, error) {
	if in.t.base == nil || in.t.base.class != classFixed {
		return nil, fmt.Errorf("unsupported enum over a non-integer type")
	}
	var raw []byte
	switch in.layout.class {
	case layoutCompact:
		raw = in.layout.compact
	case layoutContiguous:
		var err error
		if raw, err = f.g.readAt(f.os, in.layout.addr, uint64(numel*in.t.size)); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unsupported enum dataset in chunked storage")
	}
	return decodeInts(raw, *in.t.base, numel)
}

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.name }

// Read returns the whole HDF5 file at path with every dataset's values loaded (see
// File.ReadAll); use Open and File.Load to read only some datasets of a large file.
func Read(path string) (*formats.Node, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadAll()
}

// ReadTree returns the structure of the HDF5 file at path without dataset values (see
// File.Tree).
func ReadTree(path string) (*formats.Node, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Tree()
}
