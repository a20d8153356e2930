// Package output writes the project's result files: JSON that stays valid when a number is NaN
// or infinite (written as null), NumPy .npz archives, and figures drawn as PNG and SVG, each
// atomically. It is the one JSON writer of analyses, evaluations, comparisons and benchmarks.
package output

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

// WriteJSON writes v to path, indented, atomically, creating path's directory if needed.
// Non-finite numbers (an R² of constant data, an undefined agreement) become null, which JSON
// can represent and NaN it cannot.
func WriteJSON(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := JSON(v)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	out.WriteByte('\n')
	return fsutil.WriteBytesAtomic(path, out.Bytes())
}

// JSON returns v as compact JSON, as encoding/json would write it except that NaN and ±Inf
// become null and <, >, & are not escaped.
func JSON(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeFinite(&b, reflect.ValueOf(v)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// encodeFinite writes v as JSON as encoding/json would (struct fields by their json tags, "-"
// and empty omitempty fields skipped; maps by sorted key), except that NaN and ±Inf are written
// as null.
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
		for i, f := range jsonFields(v) {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := leaf(b, f.name); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := encodeFinite(b, f.v); err != nil {
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

// field is one member of a JSON object: its key and its value.
type field struct {
	name  string
	v     reflect.Value
	depth int
}

// jsonFields returns the members encoding/json writes for the struct v, in its order: exported
// fields by their json tag (or Go name), "-" and empty omitempty fields left out, and the fields
// of an embedded struct without a tag name promoted into v's, where a name at a shallower depth
// hides the deeper ones and two at the same depth hide each other.
func jsonFields(v reflect.Value) []field {
	var all []field
	var walk func(v reflect.Value, depth int)
	walk = func(v reflect.Value, depth int) {
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
			if name == "-" && opts == "" {
				continue
			}
			fv := v.Field(i)
			if sf.Anonymous && name == "" {
				ft := sf.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					if fv.Kind() == reflect.Pointer {
						if fv.IsNil() {
							continue
						}
						fv = fv.Elem()
					}
					walk(fv, depth+1)
					continue
				}
			}
			if !sf.IsExported() {
				continue
			}
			if slices.Contains(strings.Split(opts, ","), "omitempty") && empty(fv) {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			all = append(all, field{name: name, v: fv, depth: depth})
		}
	}
	walk(v, 0)
	shallowest, count := map[string]int{}, map[string]int{}
	for _, f := range all {
		if d, ok := shallowest[f.name]; !ok || f.depth < d {
			shallowest[f.name], count[f.name] = f.depth, 0
		}
		if f.depth == shallowest[f.name] {
			count[f.name]++
		}
	}
	var out []field
	for _, f := range all {
		if f.depth == shallowest[f.name] && count[f.name] == 1 {
			out = append(out, f)
		}
	}
	return out
}

// empty reports whether encoding/json's omitempty leaves v out: false, 0, a nil pointer or
// interface, an empty string, slice, map or array.
func empty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// leaf writes v as encoding/json does, except that <, > and & stay as they are instead of
// \u003c, \u003e and \u0026: the files are read by people and programs, never inlined in
// HTML, and "p < 0.05" should read as written.
func leaf(b *bytes.Buffer, v any) error {
	var j bytes.Buffer
	enc := json.NewEncoder(&j)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	b.Write(bytes.TrimSuffix(j.Bytes(), []byte{'\n'}))
	return nil
}

// Array is one named array of an .npz archive: its shape (nil for 1-D) and its data, a slice
// that npy.Archive.Add accepts.
type Array struct {
	Name  string
	Shape []int
	Data  any
}

// WriteNPZ writes arrays into one .npz archive at path, atomically (numpy.load reads it).
func WriteNPZ(path string, arrays ...Array) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error {
		a := npy.NewArchive(w, npy.Deflate)
		for _, x := range arrays {
			if err := a.Add(x.Name, x.Shape, x.Data); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		return a.Close()
	})
}

// Flat concatenates the rows of a matrix held as a slice of rows, returning it with its shape.
func Flat(x [][]float64) ([]int, []float64) {
	if len(x) == 0 {
		return []int{0, 0}, []float64{}
	}
	out := make([]float64, 0, len(x)*len(x[0]))
	for _, r := range x {
		out = append(out, r...)
	}
	return []int{len(x), len(x[0])}, out
}

// EigArrays returns the real and imaginary parts of eigenvalues as two arrays.
func EigArrays(prefix string, eigs []complex128) []Array {
	re, im := make([]float64, len(eigs)), make([]float64, len(eigs))
	for i, l := range eigs {
		re[i], im[i] = real(l), imag(l)
	}
	return []Array{{Name: prefix + "_real", Data: re}, {Name: prefix + "_imag", Data: im}}
}

// Figure draws a plot twice, as dir/name.png (for the HTML report) and dir/name.svg (vector, for
// papers), and returns the PNG's path.
func Figure(dir, name string, draw func(path string) error) (string, error) {
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
