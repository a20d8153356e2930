package npy

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
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

// Read returns the member's uncompressed bytes (the .npy file, for Decode). No size it declares
// is trusted before it is checked: its zip header against the archive's size (at most the
// archive compressed, inflating at most maxInflation-fold), then its .npy header, read first,
// against the zip header (the member may hold no more than the header and the elements its
// shape declares) and against MaxArrayBytes (the elements, as the float64 values they become, must
// fit the limit for the archive's size). Only then is its buffer allocated; archive/zip checks the size and the CRC as it reads.
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
	head, off, err := readHead(rc, declared)
	if err != nil {
		return nil, err
	}
	if off > 0 {
		if err := checkDeclared(head, off, declared, m.archiveSize); err != nil {
			return nil, err
		}
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(declared, maxPrealloc)))
	buf.Write(head)
	// archive/zip fails the read if the bytes run past or stop short of the declared size.
	if _, err := io.Copy(buf, rc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// maxHeader bounds the .npy header read before the member's size is checked. NumPy writes
// headers of a few hundred bytes; version 1 cannot exceed 64 KiB.
const maxHeader = 1 << 20

// readHead reads the magic, version, header length and header of the .npy member r, at most
// declared bytes in all, and returns them with the offset of the header dict in them; off is 0
// when the member does not start as a .npy file or is shorter than its header (Decode then says
// what is wrong).
func readHead(r io.Reader, declared uint64) (head []byte, off int, err error) {
	pre := make([]byte, min(12, declared))
	if _, err := io.ReadFull(r, pre); err != nil {
		return nil, 0, err
	}
	hlen := 0
	if len(pre) >= 10 && string(pre[:6]) == "\x93NUMPY" {
		switch pre[6] {
		case 1:
			hlen, off = int(binary.LittleEndian.Uint16(pre[8:])), 10
		case 2, 3:
			if len(pre) == 12 {
				hlen, off = int(min(binary.LittleEndian.Uint32(pre[8:]), maxHeader)), 12
			}
		}
	}
	n := uint64(off + hlen)
	if off == 0 || n > declared {
		return pre, 0, nil
	}
	if n <= uint64(len(pre)) {
		return pre[:n], off, nil
	}
	head = make([]byte, n)
	copy(head, pre)
	if _, err := io.ReadFull(r, head[len(pre):]); err != nil {
		return nil, 0, err
	}
	return head, off, nil
}

// checkDeclared compares the member's declared size with what its .npy header (the dict at
// head[off:]) needs.
func checkDeclared(head []byte, off int, declared uint64, archiveSize int64) error {
	a, err := parseHeader(string(head[off:]))
	if err != nil {
		return nil // Decode says what is wrong with the header, reading no more than declared
	}
	n := Size(a.Shape)
	if n < 0 {
		return fmt.Errorf("shape %v has more elements than an int holds", a.Shape)
	}
	if limit := MaxArrayBytes(archiveSize); uint64(n) > limit/8 {
		return &LimitError{Shape: a.Shape, Descr: a.Descr, Bytes: uint64(n) * 8, Limit: limit, ArchiveSize: archiveSize}
	}
	if a.Kind == Unsupported {
		return nil
	}
	// A shorter member is Decode's to report (truncated); a longer one would make the reader
	// inflate what no shape declares.
	if need := uint64(len(head)) + uint64(n)*uint64(a.ItemSize); declared > need {
		return fmt.Errorf("member declares %d bytes, but its .npy header (shape %v of %s) makes %d", declared, a.Shape, a.Descr, need)
	}
	return nil
}
