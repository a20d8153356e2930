package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"github.com/jedi-neuro/jedi/internal/fsutil"
	"github.com/jedi-neuro/jedi/internal/npy"
)

// writeJSON writes v to path, indented, atomically, creating path's directory if needed.
// Non-finite numbers (an R² of constant data, an undefined agreement) become null, which JSON
// can represent and NaN it cannot.
func writeJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var b bytes.Buffer
	if err := encodeFinite(&b, reflect.ValueOf(v)); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b.Bytes(), "", "  "); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out.WriteByte('\n')
	return fsutil.WriteBytesAtomic(path, out.Bytes())
}

// encodeFinite writes v as JSON as encoding/json would (struct fields by their json tags,
// "-" skipped; maps by sorted key), except that NaN and ±Inf are written as null.
func encodeFinite(b *bytes.Buffer, v reflect.Value) error {
	switch v.Kind() {
	case reflect.Invalid:
		b.WriteString("null")
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			b.WriteString("null")
			return nil
		}
		return encodeFinite(b, v.Elem())
	case reflect.Float32, reflect.Float64:
		if f := v.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
			return nil
		}
		return leaf(b, v.Interface())
	case reflect.Struct:
		b.WriteByte('{')
		first := true
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			if err := leaf(b, name); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := encodeFinite(b, v.Field(i)); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString("null")
			return nil
		}
		b.WriteByte('[')
		for i := range v.Len() {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := encodeFinite(b, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case reflect.Map:
		if v.Type().Key().Kind() != reflect.String {
			return leaf(b, v.Interface())
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, c reflect.Value) int { return strings.Compare(a.String(), c.String()) })
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := leaf(b, k.String()); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := encodeFinite(b, v.MapIndex(k)); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return leaf(b, v.Interface())
	}
	return nil
}

func leaf(b *bytes.Buffer, v any) error {
	j, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b.Write(j)
	return nil
}

// array is one named array of an .npz archive.
type array struct {
	name  string
	shape []int
	data  any
}

// writeNPZ writes arrays into one .npz archive at path, atomically (numpy.load reads it).
func writeNPZ(path string, arrays ...array) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		a := npy.NewArchive(w, npy.Deflate)
		for _, x := range arrays {
			if err := a.Add(x.name, x.shape, x.data); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return a.Close()
	})
}

// flat concatenates the rows of a matrix held as a slice of rows, returning it with its shape.
func flat(x [][]float64) ([]int, []float64) {
	if len(x) == 0 {
		return []int{0, 0}, []float64{}
	}
	out := make([]float64, 0, len(x)*len(x[0]))
	for _, r := range x {
		out = append(out, r...)
	}
	return []int{len(x), len(x[0])}, out
}

// eigArrays returns the real and imaginary parts of eigenvalues as two arrays.
func eigArrays(prefix string, eigs []complex128) []array {
	re, im := make([]float64, len(eigs)), make([]float64, len(eigs))
	for i, l := range eigs {
		re[i], im[i] = real(l), imag(l)
	}
	return []array{{prefix + "_real", nil, re}, {prefix + "_imag", nil, im}}
}

// figure draws a plot twice, as dir/name.png (for the HTML report) and dir/name.svg (vector, for
// papers), and returns the PNG's path.
func figure(dir, name string, draw func(path string) error) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	png := filepath.Join(dir, name+".png")
	if err := draw(png); err != nil {
		return "", err
	}
	if err := draw(filepath.Join(dir, name+".svg")); err != nil {
		return "", err
	}
	return png, nil
}
