package npy

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadArchive feeds arbitrary bytes to the .npz reader: it must return an error or arrays
// whose sizes match their shapes, never panic, hang or allocate beyond the declared sizes.
// Seeds: the NumPy-written fixtures of package data.
func FuzzReadArchive(f *testing.F) {
	files, _ := filepath.Glob("../../data/testdata/*.npz")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	var buf bytes.Buffer
	a := NewArchive(&buf)
	a.Add("x", []int{2, 2}, []float32{1, 2, 3, 4})
	a.Add("s", nil, []string{"ab", "c"})
	a.Close()
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		_, arrays, err := ReadArchive(bytes.NewReader(b), int64(len(b)), 1<<24)
		if err != nil {
			return
		}
		for name, a := range arrays {
			n := a.Len()
			switch a.Kind {
			case String:
				if len(a.Strings) != n {
					t.Fatalf("%s: %d strings for shape %v", name, len(a.Strings), a.Shape)
				}
			default:
				if len(a.Floats) != n {
					t.Fatalf("%s: %d values for shape %v", name, len(a.Floats), a.Shape)
				}
			}
		}
	})
}
