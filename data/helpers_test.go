package data

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jedi-neuro/jedi/internal/npy"
)

// member is one forged .npz member: a name and its complete .npy bytes.
type member struct {
	name string
	npy  []byte
}

// npyOf encodes data with the project's encoder, for forging files the writer would refuse.
func npyOf(t testing.TB, shape []int, data any) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := npy.Encode(&b, shape, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// rawNPY builds a .npy file by hand from a header dict and element bytes, independently of
// npy.Encode, for dtypes, orders and corruptions the encoder never produces.
func rawNPY(header string, data []byte) []byte {
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(header)+1))
	b = append(b, header...)
	b = append(b, '\n')
	return append(b, data...)
}

// zipOf archives members, stored or deflated.
func zipOf(t testing.TB, deflate bool, members ...member) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	method := zip.Store
	if deflate {
		method = zip.Deflate
	}
	for _, m := range members {
		w, err := z.CreateHeader(&zip.FileHeader{Name: m.name + ".npy", Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.npy)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeTemp writes b to a new file in a test directory and returns its path.
func writeTemp(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantFieldError checks that err is a *FieldError on field at index whose message contains
// text, and that its text starts with the file's name.
func wantFieldError(t *testing.T, err error, file, field string, index []int, text string) *FieldError {
	t.Helper()
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T), want a *FieldError", err, err)
	}
	if fe.File != file || fe.Field != field || !slices.Equal(fe.Index, index) || !strings.Contains(err.Error(), text) {
		t.Fatalf("error %q\n  file %q field %q index %v, want %q %q %v containing %q", err, fe.File, fe.Field, fe.Index, file, field, index, text)
	}
	if want := file + ": "; file != "" && !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error %q does not start with %q", err, want)
	}
	return fe
}

// sameFloats compares float slices element by element, NaN equal to NaN.
func sameFloats(a, b []float64) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d values, want %d", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return fmt.Errorf("[%d] = %v, want %v", i, a[i], b[i])
		}
	}
	return nil
}

// sameDataset reports the first difference between two datasets, Source aside.
func sameDataset(got, want *Dataset) error {
	if got.S != want.S || got.T != want.T || got.M != want.M || got.I != want.I || got.Dt != want.Dt {
		return fmt.Errorf("S T M I dt = %d %d %d %d %v, want %d %d %d %d %v",
			got.S, got.T, got.M, got.I, got.Dt, want.S, want.T, want.M, want.I, want.Dt)
	}
	if err := sameFloats(got.Activity, want.Activity); err != nil {
		return fmt.Errorf("activity%v", err)
	}
	if !slices.Equal(got.Lengths, want.Lengths) {
		return fmt.Errorf("lengths %v, want %v", got.Lengths, want.Lengths)
	}
	if err := sameFloats(got.Inputs, want.Inputs); err != nil {
		return fmt.Errorf("inputs%v", err)
	}
	if (got.Weight == nil) != (want.Weight == nil) {
		return fmt.Errorf("weight set %v, want %v", got.Weight != nil, want.Weight != nil)
	}
	if err := sameFloats(got.Weight, want.Weight); err != nil {
		return fmt.Errorf("weight%v", err)
	}
	if !slices.Equal(got.Observed, want.Observed) {
		return fmt.Errorf("observed %v, want %v", got.Observed, want.Observed)
	}
	if len(got.Labels) != len(want.Labels) {
		return fmt.Errorf("%d labels, want %d", len(got.Labels), len(want.Labels))
	}
	for k, l := range want.Labels {
		if g, ok := got.Labels[k]; !ok || g.Kind != l.Kind || !slices.Equal(g.Values, l.Values) || !slices.Equal(g.Order, l.Order) || (g.Order == nil) != (l.Order == nil) {
			return fmt.Errorf("label %q = %+v, want %+v", k, g, l)
		}
	}
	if len(got.Extra) != len(want.Extra) {
		return fmt.Errorf("%d extras, want %d", len(got.Extra), len(want.Extra))
	}
	for k, e := range want.Extra {
		g, ok := got.Extra[k]
		if !ok || !slices.Equal(g.Shape, e.Shape) {
			return fmt.Errorf("extra %q shape %v, want %v", k, g.Shape, e.Shape)
		}
		if err := sameFloats(g.Data, e.Data); err != nil {
			return fmt.Errorf("extra %q%v", k, err)
		}
	}
	return nil
}
