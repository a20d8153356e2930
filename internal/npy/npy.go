// Package npy writes NumPy .npy arrays of any shape and .npz archives of them, the format of
// jedi's checkpoints and model files (readable with numpy.load). Reading goes through
// github.com/sbinet/npyio, which understands every header NumPy writes.
package npy

import (
	"archive/zip"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Encode writes one .npy (format 1.0) array: data is []float32, []float64, []int64, []uint8
// or []string (stored as NumPy unicode, <U of the longest string's length), little-endian in C
// order with the given shape (nil shape: a 1-D array).
func Encode(w io.Writer, shape []int, data any) error {
	var descr string
	var n int
	switch d := data.(type) {
	case []string:
		width := 1
		for _, s := range d {
			width = max(width, utf8.RuneCountInString(s))
		}
		descr, n = fmt.Sprintf("<U%d", width), len(d)
		utf32 := make([]uint32, 0, n*width)
		for _, s := range d {
			k := 0
			for _, r := range s {
				utf32 = append(utf32, uint32(r))
				k++
			}
			for ; k < width; k++ {
				utf32 = append(utf32, 0)
			}
		}
		data = utf32
	case []float32:
		descr, n = "<f4", len(d)
	case []float64:
		descr, n = "<f8", len(d)
	case []int64:
		descr, n = "<i8", len(d)
	case []uint8:
		descr, n = "|u1", len(d)
	default:
		return fmt.Errorf("npy: unsupported element type %T", data)
	}
	if shape == nil {
		shape = []int{n}
	}
	size := 1
	dims := make([]string, len(shape))
	for i, s := range shape {
		size *= s
		dims[i] = fmt.Sprint(s)
	}
	if size != n {
		return fmt.Errorf("npy: shape %v holds %d values, data has %d", shape, size, n)
	}
	tuple := strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, tuple)
	// Pad so that magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
	pad := 64 - (10+len(header)+1)%64
	header += strings.Repeat(" ", pad%64) + "\n"
	if _, err := w.Write([]byte("\x93NUMPY\x01\x00")); err != nil {
		return err
	}
	if err := binary.Write(w, binary.LittleEndian, uint16(len(header))); err != nil {
		return err
	}
	if _, err := io.WriteString(w, header); err != nil {
		return err
	}
	return binary.Write(w, binary.LittleEndian, data)
}

// Archive writes named arrays into a .npz (zip) stream.
type Archive struct {
	z *zip.Writer
}

// NewArchive starts an .npz archive on w; Close finishes it.
func NewArchive(w io.Writer) *Archive { return &Archive{z: zip.NewWriter(w)} }

// Add writes array name (stored as name.npy) with the given shape.
func (a *Archive) Add(name string, shape []int, data any) error {
	f, err := a.z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Deflate})
	if err != nil {
		return err
	}
	if err := Encode(f, shape, data); err != nil {
		return fmt.Errorf("npz %s: %w", name, err)
	}
	return nil
}

// Close writes the archive's directory.
func (a *Archive) Close() error { return a.z.Close() }
