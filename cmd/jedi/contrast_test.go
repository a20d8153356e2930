package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// A glob over run directories leaves out the fits' logs beside them.
func TestExpandRuns(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"real-s1", "real-s2"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, d+".log"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := expand([]string{filepath.Join(dir, "real-s*") + "," + filepath.Join(dir, "real-s1")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "real-s1"), filepath.Join(dir, "real-s2")}
	if !slices.Equal(got, want) {
		t.Errorf("expand: %v, want %v", got, want)
	}
	if _, err := expand([]string{filepath.Join(dir, "*.log")}); err == nil {
		t.Error("a pattern matching only files accepted")
	}
}
