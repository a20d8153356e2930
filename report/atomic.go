package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileAtomic writes the output of write to path so that readers never
// see a partial file: the data go to a temporary file in the same directory,
// which is synced and then renamed over path (rename is atomic within one
// file system). On any error the temporary file is removed and path is left
// untouched.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	// CreateTemp makes the file 0600; figures and reports are meant to be
	// shared like any other output file.
	if err = os.Chmod(tmp, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
