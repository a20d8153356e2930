package npy

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
)

// zipOf writes one member name holding b, deflated.
func zipOf(t *testing.T, name string, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, err := z.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSmallArchiveOfAHugeArrayRefused reads a deflated array of 40 million zero bytes, a
// 40 KB archive that would become 320 MB of float64: it is refused by the limit before its
// buffer is allocated, naming the shape and the way to raise the limit.
func TestSmallArchiveOfAHugeArrayRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("deflates 40 MB")
	}
	var npy bytes.Buffer
	n := 40_000_000
	if err := Encode(&npy, []int{n}, make([]uint8, n)); err != nil {
		t.Fatal(err)
	}
	b := zipOf(t, "big.npy", npy.Bytes())
	r, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Array("big")
	if err == nil || !strings.Contains(err.Error(), "[40000000]") || !strings.Contains(err.Error(), LimitEnv) {
		t.Fatalf("%d-byte archive of a [%d] uint8 array: %v, want a refusal naming the shape and %s", len(b), n, err, LimitEnv)
	}
}

// TestMemberLongerThanItsShapeRefused writes a member whose .npy header declares 2 float64
// values followed by 3.
func TestMemberLongerThanItsShapeRefused(t *testing.T) {
	var npy bytes.Buffer
	if err := Encode(&npy, []int{2}, []float64{1, 2}); err != nil {
		t.Fatal(err)
	}
	npy.Write(make([]byte, 8))
	b := zipOf(t, "x.npy", npy.Bytes())
	r, err := NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Array("x"); err == nil || !strings.Contains(err.Error(), "makes") {
		t.Fatalf("member with 8 bytes past its shape: %v, want a size mismatch", err)
	}
}

func TestMaxArrayBytes(t *testing.T) {
	for _, c := range []struct {
		size int64
		want uint64
	}{{1000, minArrayLimit}, {10 << 20, 2560 << 20}, {1 << 40, maxArrayLimit}} {
		if got := MaxArrayBytes(c.size); got != c.want {
			t.Errorf("MaxArrayBytes(%d) = %d, want %d", c.size, got, c.want)
		}
	}
	for in, want := range map[string]uint64{"123": 123, "64G": 64 << 30, "512m": 512 << 20, "2TB": 2 << 40} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-5", "1.5G", "lots"} {
		if _, err := parseBytes(in); err == nil {
			t.Errorf("parseBytes(%q) accepted", in)
		}
	}
}
