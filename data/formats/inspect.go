package formats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

var errUnknownFormat = errors.New("unknown file format")

// A format is a reader that Inspect picks by the first bytes of a file.
type format struct {
	name  string
	match func(head []byte) bool
	read  func(ctx context.Context, path string) (*Node, error)
}

var (
	formatsMu sync.Mutex
	known     = []format{
		{"npy", func(h []byte) bool { return bytes.HasPrefix(h, []byte("\x93NUMPY")) }, ignoreContext(ReadNPY)},
		{"npz", func(h []byte) bool { return bytes.HasPrefix(h, []byte("PK\x03\x04")) }, ignoreContext(ReadNPZ)},
	}
)

// HeadSize is how many leading bytes of a file Inspect hands to the matchers: enough for a MAT
// v7.3 file's HDF5 signature at offset 512.
const HeadSize = 1024

// Register makes a reader known to Inspect, in the manner of image.RegisterFormat: files whose
// first HeadSize bytes (fewer for short files) satisfy match are read by read. The MAT and HDF5
// readers register themselves when their packages are imported:
//
//	import _ "github.com/jedi-neuro/jedi/data/formats/mat" // MAT v5 and v7.3, and HDF5 (NWB)
//
// NumPy .npy and .npz files are always known.
func Register(name string, match func(head []byte) bool, read func(path string) (*Node, error)) {
	RegisterContext(name, match, ignoreContext(read))
}

// RegisterContext is Register for a reader that stops with ctx's error when ctx is done, as
// InspectContext asks of long reads.
func RegisterContext(name string, match func(head []byte) bool, read func(ctx context.Context, path string) (*Node, error)) {
	formatsMu.Lock()
	defer formatsMu.Unlock()
	known = append(known, format{name, match, read})
}

func ignoreContext(read func(path string) (*Node, error)) func(context.Context, string) (*Node, error) {
	return func(_ context.Context, path string) (*Node, error) { return read(path) }
}

// Inspect reads the file at path with the reader its magic bytes call for, whatever its
// extension: a MAT file (v5 or v7.3), an HDF5 or NWB file (structure, attributes, and the values
// of datasets small enough to summarise: larger ones have nil Data, so that inspecting a large
// recording is quick), a .npy or a .npz file. List prints the result.
func Inspect(path string) (*Node, error) { return InspectContext(context.Background(), path) }

// InspectContext is Inspect, stopping with ctx's error when ctx is done (readers registered
// with Register finish their read first).
func InspectContext(ctx context.Context, path string) (*Node, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, HeadSize)
	n, err := io.ReadFull(f, head)
	f.Close()
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	head = head[:n]
	formatsMu.Lock()
	list := append([]format(nil), known...)
	formatsMu.Unlock()
	names := make([]string, len(list))
	for i, fm := range list {
		if fm.match(head) {
			return fm.read(ctx, path)
		}
		names[i] = fm.name
	}
	return nil, fmt.Errorf("%s: %w: the first bytes %q match none of %v (the MAT and HDF5 readers are known only where package data/formats/mat is imported)", path, errUnknownFormat, head[:min(len(head), 16)], names)
}
