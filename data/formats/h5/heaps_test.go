package h5

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/data/formats/internal/fixture"
)

// TestForgedHeapSizes forges the size field of the first local heap and of the global heap
// collection of an NWB fixture: scigolib would allocate the declared terabyte and crash the
// process; Open must instead refuse the file, naming the heap and its offset, without
// allocating more than the file's size.
func TestForgedHeapSizes(t *testing.T) {
	orig, err := os.ReadFile(fixture.Testdata("small.nwb"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ sig, what string }{
		{"HEAP\x00\x00\x00\x00", "local heap at offset"},
		{"GCOL\x01\x00\x00\x00", "global heap collection at offset"},
	} {
		b := bytes.Clone(orig)
		i := bytes.Index(b, []byte(tc.sig))
		if i < 0 {
			t.Fatalf("no %q in the fixture", tc.sig[:4])
		}
		binary.LittleEndian.PutUint64(b[i+8:], 1<<40)
		path := filepath.Join(t.TempDir(), "forged.nwb")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Read(path)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), tc.what) || !strings.Contains(err.Error(), "1099511627776 bytes") {
			t.Errorf("%s forged: err %v, want one naming the %s and the declared size", tc.sig[:4], err, tc.what)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
			t.Errorf("%s forged: %d bytes allocated", tc.sig[:4], alloc)
		}
	}
}

// TestHeapScanIgnoresLookalikes: data that merely spells a signature (wrong version or reserved
// bytes) is not a heap, and a header split across two scan chunks is still found.
func TestHeapScanIgnoresLookalikes(t *testing.T) {
	size := int64(2*scanChunk + 100)
	b := make([]byte, size)
	copy(b[100:], "HEAP\x07\x00\x00\x00")
	binary.LittleEndian.PutUint64(b[108:], 1<<40)
	copy(b[200:], "GCOL\x01\x00\x01\x00")
	binary.LittleEndian.PutUint64(b[208:], 1<<40)
	if err := checkHeaps(bytes.NewReader(b), size, 8); err != nil {
		t.Fatalf("look-alikes rejected: %v", err)
	}
	at := scanChunk - 6 // the signature straddles the first chunk boundary
	copy(b[at:], "GCOL\x01\x00\x00\x00")
	binary.LittleEndian.PutUint64(b[at+8:], uint64(size))
	err := checkHeaps(bytes.NewReader(b), size, 8)
	if err == nil || !strings.Contains(err.Error(), "offset 1048570") {
		t.Fatalf("straddling header: err %v", err)
	}
	binary.LittleEndian.PutUint64(b[at+8:], uint64(size-int64(at)))
	if err := checkHeaps(bytes.NewReader(b), size, 8); err != nil {
		t.Fatalf("a collection that ends exactly at the end of the file: %v", err)
	}
}
