// Package npy reads and writes NumPy .npy arrays and .npz archives of them: the format of
// jedi's datasets, checkpoints and model files, and of files from other tools. It is the
// project's only codec for the format. It does not use github.com/sbinet/npyio because npyio
// v0.9.0 panics on malformed headers, allocates whatever header length a file declares (a
// forged 14-byte file costs it over a gigabyte), and sizes its unicode dtype by bytes rather
// than characters; a reader of files from other tools must turn every corruption into an
// error, at a cost bounded by the file's size.
package npy

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Encode writes data as one .npy array of the given shape, little-endian, in C order: []float32
// ('<f4'), []float64 ('<f8'), []int64 ('<i8'), []uint64 ('<u8'), []uint8 ('|u1'), []bool ('|b1') or []string
// (NumPy unicode '<U' as wide as the longest string in characters, at least 1; every string
// must be valid UTF-8). A nil shape is 1-D, [len(data)]; []int{} is 0-d (one element). The
// header is format version 1.0, or 2.0 when it outgrows version 1's 65535 bytes, padded so that
// the elements start on a 64-byte boundary as NumPy writes them.
func Encode(w io.Writer, shape []int, data any) error {
	var descr string
	var n, size int
	var put func(buf []byte, i int) []byte
	le := binary.LittleEndian
	switch d := data.(type) {
	case []float32:
		descr, n, size = "<f4", len(d), 4
		put = func(buf []byte, i int) []byte { return le.AppendUint32(buf, math.Float32bits(d[i])) }
	case []float64:
		descr, n, size = "<f8", len(d), 8
		put = func(buf []byte, i int) []byte { return le.AppendUint64(buf, math.Float64bits(d[i])) }
	case []int64:
		descr, n, size = "<i8", len(d), 8
		put = func(buf []byte, i int) []byte { return le.AppendUint64(buf, uint64(d[i])) }
	case []uint64:
		descr, n, size = "<u8", len(d), 8
		put = func(buf []byte, i int) []byte { return le.AppendUint64(buf, d[i]) }
	case []uint8:
		descr, n, size = "|u1", len(d), 1
		put = func(buf []byte, i int) []byte { return append(buf, d[i]) }
	case []bool:
		descr, n, size = "|b1", len(d), 1
		put = func(buf []byte, i int) []byte {
			if d[i] {
				return append(buf, 1)
			}
			return append(buf, 0)
		}
	case []string:
		width := 1 // NumPy's narrowest unicode dtype; '<U0' arrays confuse some readers
		for i, s := range d {
			if !utf8.ValidString(s) {
				return fmt.Errorf("element %d is not valid UTF-8", i)
			}
			width = max(width, utf8.RuneCountInString(s))
		}
		descr, n, size = "<U"+strconv.Itoa(width), len(d), 4*width
		put = func(buf []byte, i int) []byte {
			k := 0
			for _, r := range d[i] {
				buf = le.AppendUint32(buf, uint32(r))
				k++
			}
			for ; k < width; k++ {
				buf = le.AppendUint32(buf, 0)
			}
			return buf
		}
	default:
		return fmt.Errorf("cannot encode %T as .npy", data)
	}
	if shape == nil {
		shape = []int{n}
	}
	if c := Size(shape); c != n {
		return fmt.Errorf("shape %v holds %d elements, data has %d", shape, c, n)
	}
	if _, err := w.Write(header(descr, shape)); err != nil {
		return err
	}
	// Write in chunks: a whole copy of a large array would double the memory it takes.
	const chunk = 1 << 16
	buf := make([]byte, 0, chunk+size)
	for i := range n {
		buf = put(buf, i)
		if len(buf) >= chunk || i == n-1 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	return nil
}

// header returns the magic, version and header dict of an array, the dict padded with spaces
// and a newline so that the data starts on a 64-byte boundary; version 2.0 only when the
// header needs it.
func header(descr string, shape []int) []byte {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	tuple := "(" + strings.Join(dims, ", ") + ")"
	if len(shape) == 1 {
		tuple = "(" + dims[0] + ",)"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, tuple)
	pre := 10 // magic, version, uint16 length
	if len(dict)+1+64 > math.MaxUint16 {
		pre = 12 // uint32 length
	}
	dict += strings.Repeat(" ", (64-(pre+len(dict)+1)%64)%64) + "\n"
	b := []byte("\x93NUMPY")
	if pre == 10 {
		b = append(b, 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = append(b, 2, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	return append(b, dict...)
}

// Size returns the number of elements of an array of the given shape, the product of the
// dimensions (1 for the 0-d shape []): 0 if a dimension is 0, else -1 if a dimension is
// negative or the product overflows an int.
func Size(shape []int) int {
	if slices.ContainsFunc(shape, func(d int) bool { return d < 0 }) {
		return -1
	}
	if slices.Contains(shape, 0) {
		return 0
	}
	n := 1
	for _, d := range shape {
		if n > math.MaxInt/d {
			return -1
		}
		n *= d
	}
	return n
}

// Method is how an Archive holds its members.
type Method uint16

const (
	// Store keeps the members uncompressed, as numpy.savez does: equal arrays give identical
	// archives, and reading costs no inflation.
	Store = Method(zip.Store)
	// Deflate compresses the members, as numpy.savez_compressed does.
	Deflate = Method(zip.Deflate)
)

// Archive writes named arrays into an .npz (zip) stream that numpy.load reads. The members
// carry no modification time, so equal arrays added in the same order give identical bytes.
type Archive struct {
	z      *zip.Writer
	method Method
}

// NewArchive starts an .npz archive on w whose members are held by method; Close finishes it.
func NewArchive(w io.Writer, method Method) *Archive {
	return &Archive{z: zip.NewWriter(w), method: method}
}

// Add writes array name (member name.npy) with the given shape, as Encode does. Its error, from
// Encode or the writer, names the array and wraps the cause.
func (a *Archive) Add(name string, shape []int, data any) error {
	f, err := a.z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: uint16(a.method)})
	if err == nil {
		err = Encode(f, shape, data)
	}
	if err != nil {
		return fmt.Errorf("array %q: %w", name, err)
	}
	return nil
}

// Close writes the archive's directory; it does not close the underlying writer.
func (a *Archive) Close() error { return a.z.Close() }
