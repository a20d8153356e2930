package npy

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
)

// maxInflation bounds how much larger than its compressed bytes an .npz member may claim to be:
// deflate cannot expand more than about 1032:1, so a larger claim is a forged header that would
// otherwise make the reader allocate without limit.
const maxInflation = 1100

// maxPrealloc bounds the buffer allocated for a member before its bytes are read.
const maxPrealloc = 64 << 20

// Reader reads the arrays of an .npz archive: a zip of .npy members, stored or deflated, as
// numpy.savez and numpy.savez_compressed write. It trusts none of the sizes the archive
// declares: a member's bytes cost at most what the archive's size can inflate to.
type Reader struct {
	// Members are the archive's entries in archive order, directories and members that are not
	// .npy arrays included: the caller decides what to skip.
	Members []Member
	file    io.Closer // the file Open opened, or nil
}

// Member is one entry of an .npz archive.
type Member struct {
	Name        string // as stored, e.g. "activity.npy"
	f           *zip.File
	archiveSize int64
}

// NewReader reads the directory of the .npz archive held in the size bytes of r. Its error is
// archive/zip's (zip.ErrFormat for what is not a zip archive).
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	rd := &Reader{Members: make([]Member, len(z.File))}
	for i, f := range z.File {
		rd.Members[i] = Member{Name: f.Name, f: f, archiveSize: size}
	}
	return rd, nil
}

// Open opens the .npz archive at path; Close releases it. Its errors name the path.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := NewReader(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.file = f
	return r, nil
}

// Close closes the file Open opened; it does nothing for a Reader from NewReader.
func (r *Reader) Close() error {
	if r.file == nil {
		return nil
	}
	return r.file.Close()
}

// Array reads and decodes the array called name: member name.npy, or name as stored. Its
// errors name the array.
func (r *Reader) Array(name string) (*Array, error) {
	i := slices.IndexFunc(r.Members, func(m Member) bool { return m.Name == name+".npy" })
	if i < 0 {
		i = slices.IndexFunc(r.Members, func(m Member) bool { return m.Name == name })
	}
	if i < 0 {
		return nil, fmt.Errorf("missing array %q", name)
	}
	b, err := r.Members[i].Read()
	var a *Array
	if err == nil {
		a, err = Decode(b)
	}
	if err != nil {
		return nil, fmt.Errorf("array %q: %w", name, err)
	}
	return a, nil
}

// Read returns the member's uncompressed bytes (the .npy file, for Decode). The sizes its zip
// header declares are checked against the archive's before anything is allocated: at most the
// archive's size compressed, inflating at most maxInflation-fold; archive/zip then checks the
// size and the CRC as it reads.
func (m Member) Read() ([]byte, error) {
	if m.f.CompressedSize64 > uint64(m.archiveSize) {
		return nil, fmt.Errorf("member declares %d compressed bytes, more than the file's %d", m.f.CompressedSize64, m.archiveSize)
	}
	declared := m.f.UncompressedSize64
	if declared > m.f.CompressedSize64*maxInflation+1024 {
		return nil, fmt.Errorf("member declares %d bytes from %d compressed, more than deflate can produce", declared, m.f.CompressedSize64)
	}
	rc, err := m.f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	// Preallocate what the header declares, up to a bound: a forged header could declare far
	// more than the member holds, and the buffer grows as real bytes arrive anyway.
	buf := bytes.NewBuffer(make([]byte, 0, min(declared, maxPrealloc)))
	// archive/zip fails the read if the bytes run past or stop short of the declared size.
	if _, err := io.Copy(buf, rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
