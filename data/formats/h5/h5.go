package h5

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/jedi-neuro/jedi/data/formats"
)

// Options bound what a File may cost. The zero value of a field means its default.
type Options struct {
	// MaxBytes is the most bytes the values of one Load (or one attribute, or one reference's
	// target) may occupy once decompressed and decoded. The default is DefaultMaxBytes of the
	// file's size; the environment variable JEDI_HDF5_MAX_BYTES (a number of bytes, or 0 for no
	// limit) overrides the default for real files whose compressed datasets are that large.
	MaxBytes int64
	// MaxObjects bounds the objects (groups, datasets, links) one traversal lists and the members
	// of one group; default 1<<20.
	MaxObjects int
	// MaxDepth bounds group nesting; default 64.
	MaxDepth int
	// MaxLinkHops bounds the soft links followed to resolve one path; default 16.
	MaxLinkHops int
}

// EnvMaxBytes names the environment variable that overrides the default of Options.MaxBytes.
const EnvMaxBytes = "JEDI_HDF5_MAX_BYTES"

// inflateRatio is about the most deflate can expand data (1032:1, plus headroom): values that
// need more bytes than inflateRatio times the file's size cannot be in the file.
const inflateRatio = 1100

// DefaultMaxBytes is the default of Options.MaxBytes for a file of size bytes: what deflate
// could expand the whole file to, at most 4 GiB, and at least 64 MiB (datasets never written
// hold only their fill value, whatever the file's size).
func DefaultMaxBytes(size int64) int64 {
	return min(max(size*inflateRatio, 64<<20), 4<<30)
}

// File is an open HDF5 file.
type File struct {
	name   string // the path given to Open, for error messages
	closer io.Closer
	r      *reader
	sb     superblock
	opt    Options
	// headers caches parsed object headers by address.
	headers map[uint64]*object
	// paths maps object addresses to their first path (in name order), for references; built on
	// first need by index.
	paths  map[uint64]string
	gheaps map[uint64]map[uint32][]byte
}

// Open opens the HDF5 file at path with default Options. Nothing but the superblock is read:
// groups, datasets and values are read when asked for.
func Open(path string) (*File, error) { return OpenOptions(path, Options{}) }

// OpenOptions opens the HDF5 file at path with the given limits. A user block before the
// superblock (MATLAB v7.3 files have 512 bytes) is allowed.
func OpenOptions(path string, opt Options) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, err
	}
	f, err := NewFile(fd, st.Size(), path, opt)
	if err != nil {
		fd.Close()
		return nil, err
	}
	f.closer = fd
	return f, nil
}

// NewFile reads an HDF5 file of size bytes from r; name labels errors. Close does not close r.
func NewFile(r io.ReaderAt, size int64, name string, opt Options) (*File, error) {
	base, err := findSuperblock(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	f := &File{name: name, r: &reader{r: r, base: base, size: uint64(size - base)},
		headers: map[uint64]*object{}, gheaps: map[uint64]map[uint32][]byte{}}
	if f.sb, err = readSuperblock(f.r); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if opt.MaxBytes == 0 {
		opt.MaxBytes = DefaultMaxBytes(size)
		if v := os.Getenv(EnvMaxBytes); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				return nil, fmt.Errorf("%s=%q: want a number of bytes (0 for no limit)", EnvMaxBytes, v)
			}
			opt.MaxBytes = n
		}
		if opt.MaxBytes == 0 {
			opt.MaxBytes = 1 << 62
		}
	}
	if opt.MaxObjects == 0 {
		opt.MaxObjects = 1 << 20
	}
	if opt.MaxDepth == 0 {
		opt.MaxDepth = 64
	}
	if opt.MaxLinkHops == 0 {
		opt.MaxLinkHops = 16
	}
	f.opt = opt
	return f, nil
}

// Close releases the file.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	return f.closer.Close()
}

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.name }

// object returns the parsed object header at addr.
func (f *File) object(addr uint64) (*object, error) {
	if o, ok := f.headers[addr]; ok {
		return o, nil
	}
	o, err := f.r.readObject(addr)
	if err != nil {
		return nil, err
	}
	if len(f.headers) < f.opt.MaxObjects {
		f.headers[addr] = o
	}
	return o, nil
}

// errorf prefixes an error with the file and the object path.
func (f *File) errorf(path string, err error) error {
	var pe *pathError
	if errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &pathError{fmt.Errorf("%s: %s: %w", f.name, path, err)}
}

// pathError is an error already prefixed with the file and object path.
type pathError struct{ err error }

func (e *pathError) Error() string { return e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// resolve follows path from the root group through hard and soft links and returns the
// object's header address and its canonical path.
func (f *File) resolve(ctx context.Context, path string) (uint64, string, error) {
	hops := 0
	return f.resolveFrom(ctx, f.sb.root, "/", path, &hops)
}

func (f *File) resolveFrom(ctx context.Context, addr uint64, at, path string, hops *int) (uint64, string, error) {
	if strings.HasPrefix(path, "/") {
		addr, at = f.sb.root, "/"
	}
	for _, name := range strings.Split(path, "/") {
		if name == "" || name == "." {
			continue
		}
		if err := ctx.Err(); err != nil {
			return 0, "", err
		}
		o, err := f.object(addr)
		if err != nil {
			return 0, "", f.errorf(at, err)
		}
		if o.kind() != "group" {
			return 0, "", f.errorf(at, fmt.Errorf("is a %s, not a group: no member %q", o.kind(), name))
		}
		ls, err := f.links(ctx, o)
		if err != nil {
			return 0, "", f.errorf(at, err)
		}
		var l *link
		for i := range ls {
			if ls[i].name == name {
				l = &ls[i]
				break
			}
		}
		next := join(at, name)
		if l == nil {
			names := make([]string, 0, min(len(ls), 20))
			for _, x := range ls[:min(len(ls), 20)] {
				names = append(names, x.name)
			}
			return 0, "", f.errorf(next, fmt.Errorf("no such object (members of %s: %s)", at, strings.Join(names, ", ")))
		}
		switch l.kind {
		case linkHard:
			addr, at = l.addr, next
		case linkSoft:
			*hops++
			if *hops > f.opt.MaxLinkHops {
				return 0, "", f.errorf(next, fmt.Errorf("more than %d soft links followed (a cycle?)", f.opt.MaxLinkHops))
			}
			a, p, err := f.resolveFrom(ctx, addr, at, l.target, hops)
			if err != nil {
				return 0, "", f.errorf(next, fmt.Errorf("soft link to %q: %w", l.target, err))
			}
			addr, at = a, p
		case linkExternal:
			return 0, "", f.errorf(next, fmt.Errorf("external link to %s, which this reader does not follow", l.target))
		}
	}
	return addr, at, nil
}

func join(dir, name string) string {
	if strings.HasSuffix(dir, "/") {
		return dir + name
	}
	return dir + "/" + name
}

// Tree returns the whole file as a tree without dataset values: groups with their members and
// attributes, datasets with class, shape and attributes and nil Data. The root has Class "hdf5".
func (f *File) Tree() (*formats.Node, error) { return f.TreeContext(context.Background()) }

// TreeContext is Tree, stopping with ctx's error when ctx is done.
func (f *File) TreeContext(ctx context.Context) (*formats.Node, error) {
	return f.walkRoot(ctx, 0)
}

// ReadAll returns the whole file as a tree with every dataset's values loaded.
func (f *File) ReadAll() (*formats.Node, error) { return f.ReadAllContext(context.Background()) }

// ReadAllContext is ReadAll, stopping with ctx's error when ctx is done.
func (f *File) ReadAllContext(ctx context.Context) (*formats.Node, error) {
	return f.walkRoot(ctx, -1)
}

// TreeValues returns the tree with the values of the datasets whose values take at most
// maxBytes each, until 64 times maxBytes are loaded in all; other datasets have nil Data.
// `jedi inspect` uses it to show value ranges and reference targets without reading a large
// recording whole.
func (f *File) TreeValues(ctx context.Context, maxBytes int64) (*formats.Node, error) {
	maxBytes = max(maxBytes, 1)
	return f.walk(ctx, maxBytes, min(f.opt.MaxBytes, 64*maxBytes))
}

// walkRoot lists the file. load < 0 loads every dataset, 0 none, otherwise those of at most
// load bytes.
func (f *File) walkRoot(ctx context.Context, load int64) (*formats.Node, error) {
	return f.walk(ctx, load, f.opt.MaxBytes)
}

func (f *File) walk(ctx context.Context, load, budget int64) (*formats.Node, error) {
	w := &walker{f: f, ctx: ctx, load: load, seen: map[uint64]string{}, budget: budget}
	root, err := w.object(f.sb.root, "/", "/", 0)
	if err != nil {
		return nil, err
	}
	root.Name, root.Class = f.name, "hdf5"
	return root, nil
}

// walker lists a subtree: every group is expanded at most once (a second hard link to a group
// becomes a "link" node naming the first path), nesting and the number of nodes are bounded,
// and so are the bytes loaded, so a forged file whose groups point at each other cannot fan
// out.
type walker struct {
	f     *File
	ctx   context.Context
	load  int64
	seen  map[uint64]string
	nodes int
	// budget is what is left of the bytes the walk may load.
	budget int64
}

func (w *walker) object(addr uint64, name, path string, depth int) (*formats.Node, error) {
	f := w.f
	if err := w.ctx.Err(); err != nil {
		return nil, err
	}
	if w.nodes++; w.nodes > f.opt.MaxObjects {
		return nil, f.errorf(path, fmt.Errorf("more than %d objects: corrupt file, or raise Options.MaxObjects", f.opt.MaxObjects))
	}
	if depth > f.opt.MaxDepth {
		return nil, f.errorf(path, fmt.Errorf("groups nested deeper than %d", f.opt.MaxDepth))
	}
	o, err := f.object(addr)
	if err != nil {
		return nil, f.errorf(path, err)
	}
	if first, ok := w.seen[addr]; ok && o.kind() == "group" {
		return &formats.Node{Name: name, Class: "link", Shape: []int{}, Data: []string{first}}, nil
	}
	w.seen[addr] = path
	switch o.kind() {
	case "dataset":
		var n *formats.Node
		ds, err := f.dataset(o, path)
		if err == nil {
			n, err = f.datasetNode(w.ctx, ds, path)
		}
		switch {
		case err != nil || n.Unsupported != "" || w.load == 0:
			// Nothing to load: opaque and time datasets keep their Unsupported note.
		case (w.load < 0 || ds.bytes() <= w.load) && ds.bytes() <= w.budget:
			// The walk as a whole stays within the byte limit, however many links lead to the
			// same large dataset.
			w.budget -= ds.bytes()
			err = f.loadInto(w.ctx, ds, path, n, nil, nil)
		case w.load < 0:
			err = fmt.Errorf("loading every dataset needs more than the limit of %d bytes (set %s to raise it)", f.opt.MaxBytes, EnvMaxBytes)
		}
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil, err
			}
			if w.load < 0 {
				return nil, err
			}
			// One unreadable dataset should not hide the rest of the file from a listing.
			n = &formats.Node{Class: "unreadable", Unsupported: err.Error()}
		}
		n.Name = name
		return n, nil
	case "datatype":
		return &formats.Node{Name: name, Class: "datatype"}, nil
	}
	n := &formats.Node{Name: name, Class: "group"}
	attrs, err := f.attrs(w.ctx, o, path)
	var ls []link
	if err == nil {
		ls, err = f.links(w.ctx, o)
	}
	if err != nil {
		if depth == 0 || w.load < 0 || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, f.errorf(path, err)
		}
		// A damaged group is listed as such, with the rest of the file.
		return &formats.Node{Name: name, Class: "unreadable", Unsupported: f.errorf(path, err).Error()}, nil
	}
	n.Attrs = attrs
	for _, l := range ls {
		p := join(path, l.name)
		var c *formats.Node
		switch l.kind {
		case linkHard:
			c, err = w.object(l.addr, l.name, p, depth+1)
		case linkSoft:
			var a uint64
			hops := 0
			a, _, err = f.resolveFrom(w.ctx, addr, path, l.target, &hops)
			if err == nil {
				c, err = w.object(a, l.name, p, depth+1)
			} else if !errors.Is(err, context.Canceled) {
				c, err = &formats.Node{Name: l.name, Class: "unreadable", Unsupported: fmt.Sprintf("soft link to %q: %v", l.target, err)}, nil
			}
		case linkExternal:
			c = &formats.Node{Name: l.name, Class: "unreadable", Unsupported: fmt.Sprintf("external link to %s, which this reader does not follow", l.target)}
		}
		if err != nil {
			return nil, err
		}
		n.Children = append(n.Children, c)
	}
	return n, nil
}

// Info returns the dataset at path with its class, shape and attributes but no values.
func (f *File) Info(path string) (*formats.Node, error) {
	return f.InfoContext(context.Background(), path)
}

// InfoContext is Info with a context.
func (f *File) InfoContext(ctx context.Context, path string) (*formats.Node, error) {
	ds, p, err := f.lookupDataset(ctx, path)
	if err != nil {
		return nil, err
	}
	return f.datasetNode(ctx, ds, p)
}

func (f *File) lookupDataset(ctx context.Context, path string) (*dataset, string, error) {
	addr, p, err := f.resolve(ctx, path)
	if err != nil {
		return nil, "", err
	}
	o, err := f.object(addr)
	if err != nil {
		return nil, "", f.errorf(p, err)
	}
	if k := o.kind(); k != "dataset" {
		return nil, "", f.errorf(p, fmt.Errorf("is a %s, not a dataset", k))
	}
	ds, err := f.dataset(o, p)
	if err != nil {
		return nil, "", err
	}
	return ds, p, nil
}

// Load returns the dataset at path ("/units/spike_times") with its values (see the package
// documentation for what each datatype becomes), row-major over Shape.
func (f *File) Load(path string) (*formats.Node, error) {
	return f.LoadContext(context.Background(), path)
}

// LoadContext is Load, stopping with ctx's error when ctx is done.
func (f *File) LoadContext(ctx context.Context, path string) (*formats.Node, error) {
	return f.LoadSlice(ctx, path, nil, nil)
}

// LoadSlice returns the hyperslab of the dataset at path that starts at start and spans count
// elements along each dimension (row-major, Shape = count); nil start and count mean the whole
// dataset. Only the chunks (or, for contiguous data, the bytes) the slice touches are read, so
// one column of a large recording costs that column.
func (f *File) LoadSlice(ctx context.Context, path string, start, count []int) (*formats.Node, error) {
	ds, p, err := f.lookupDataset(ctx, path)
	if err != nil {
		return nil, err
	}
	n, err := f.datasetNode(ctx, ds, p)
	if err != nil {
		return nil, err
	}
	if err := f.loadInto(ctx, ds, p, n, start, count); err != nil {
		return nil, err
	}
	return n, nil
}

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
	return ReadTreeContext(context.Background(), path)
}

// ReadTreeContext is ReadTree with a context.
func ReadTreeContext(ctx context.Context, path string) (*formats.Node, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.TreeContext(ctx)
}
