package npy

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// archive writes x [2, 2] float64 and s ["ab", "c"] with the given method.
func archive(t testing.TB, method Method) []byte {
	var buf bytes.Buffer
	a := NewArchive(&buf, method)
	if err := a.Add("x", []int{2, 2}, []float64{1, 2, 3, 4}); err != nil {
		t.Fatal(err)
	}
	if err := a.Add("s", nil, []string{"ab", "c"}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestArchive writes stored and deflated archives and reads them back by name; stored ones are
// byte-identical from one write to the next, and a file opened by path is read the same.
func TestArchive(t *testing.T) {
	if !bytes.Equal(archive(t, Store), archive(t, Store)) {
		t.Error("two stored archives of the same arrays differ")
	}
	for _, method := range []Method{Store, Deflate} {
		b := archive(t, method)
		path := filepath.Join(t.TempDir(), "a.npz")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if len(r.Members) != 2 || r.Members[0].Name != "x.npy" || r.Members[1].Name != "s.npy" {
			t.Fatalf("members %+v", r.Members)
		}
		x, err := r.Array("x")
		if err != nil {
			t.Fatal(err)
		}
		v, err := x.Floats()
		if err != nil || !slices.Equal(x.Shape, []int{2, 2}) || !slices.Equal(v, []float64{1, 2, 3, 4}) {
			t.Errorf("x: shape %v values %v, %v", x.Shape, v, err)
		}
		s, err := r.Array("s.npy") // the stored name works too
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.Strings(); err != nil || !slices.Equal(got, []string{"ab", "c"}) {
			t.Errorf("s: %q, %v", got, err)
		}
		if _, err := r.Array("y"); err == nil || err.Error() != `missing array "y"` {
			t.Errorf("missing array: %v", err)
		}
	}
	path := filepath.Join(t.TempDir(), "text.npz")
	if err := os.WriteFile(path, []byte("not a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path); !errors.Is(err, zip.ErrFormat) || !strings.HasPrefix(err.Error(), path+": ") {
		t.Errorf("Open of a text file: %v, want zip.ErrFormat naming the path", err)
	}
}

// TestReadForgedSizes checks that the sizes a zip directory declares are not trusted: a member
// claiming more than deflate can produce, or more compressed bytes than the archive holds, is
// refused before anything is allocated, and one whose bytes run past its claim is refused by
// archive/zip.
func TestReadForgedSizes(t *testing.T) {
	for _, c := range []struct {
		name                     string
		compressed, uncompressed uint64
		text                     string
	}{
		{"bomb", 16, 1 << 40, "member declares 1099511627776 bytes from 16 compressed, more than deflate can produce"},
		{"compressed past the archive", 1 << 40, 16, "member declares 1099511627776 compressed bytes, more than the file's"},
		{"longer than declared", 16, 8, "zip: not a valid zip file"},
	} {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		// CreateRaw writes the sizes it is given, as a forger would.
		w, err := z.CreateRaw(&zip.FileHeader{Name: "x.npy", Method: zip.Store, CompressedSize64: c.compressed, UncompressedSize64: c.uncompressed})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(make([]byte, 16))
		if err := z.Close(); err != nil {
			t.Fatal(err)
		}
		r, err := NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.Array("x"); err == nil || !strings.Contains(err.Error(), c.text) || !strings.HasPrefix(err.Error(), `array "x": `) {
			t.Errorf("%s: %v, want an error naming the array and containing %q", c.name, err, c.text)
		}
	}
}
