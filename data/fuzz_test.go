package data

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadNPZ feeds arbitrary bytes to the .npz reader. It must never panic; every failure
// must be a *FieldError; and whatever it accepts must be valid and survive a write and a
// second read unchanged.
func FuzzReadNPZ(f *testing.F) {
	fixtures, _ := filepath.Glob("testdata/*.npz")
	for _, p := range fixtures {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	var buf bytes.Buffer
	if err := writeNPZ(&buf, sample()); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(zipOf(f, true, member{"activity", rawNPY("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 1, 2), }", make([]byte, 16))},
		member{"label_x", rawNPY("{'descr': '<U2', 'fortran_order': False, 'shape': (2,), }", make([]byte, 16))}))

	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.Cleanup(func() { slog.SetDefault(old) })

	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := readNPZ(bytes.NewReader(b), int64(len(b)), "fuzz.npz")
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.File != "fuzz.npz" {
				t.Fatalf("error %v (%T) is not a *FieldError naming the file", err, err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid dataset: %v", err)
		}
		var out bytes.Buffer
		if err := writeNPZ(&out, d); err != nil {
			t.Fatalf("cannot write what was read: %v", err)
		}
		again, err := readNPZ(bytes.NewReader(out.Bytes()), int64(out.Len()), "again.npz")
		if err != nil {
			t.Fatalf("cannot read what was written: %v", err)
		}
		if err := sameDataset(again, d); err != nil {
			t.Fatalf("round trip changed the dataset: %v", err)
		}
	})
}
