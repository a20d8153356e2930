// Package fsutil writes files atomically: a reader of the path sees either the old contents or
// the complete new ones, never a partial file, even if the writer crashes or the disk fills.
package fsutil

import (
	"bufio"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// newFileMode is the permission of a file created where none existed. Temporary files are
// created 0600, which would make every checkpoint and dataset private to its writer.
const newFileMode fs.FileMode = 0o644

// WriteFileAtomic writes the file at path with the bytes write produces: they go to a temporary
// file in the same directory (so the final rename never crosses file systems), which is flushed,
// fsynced and renamed over path. If write or any step fails, the temporary file is removed and
// whatever was at path is left untouched; a panic in write also removes it before propagating.
// A file that already exists keeps its permission bits; a new one gets 0644.
func WriteFileAtomic(path string, write func(w io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	mode := newFileMode
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	f, err := os.CreateTemp(dir, tempPattern(base))
	if err != nil {
		return err
	}
	tmp := f.Name()
	pending.add(tmp)
	defer pending.remove(tmp)
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(tmp)
		}
	}()

	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Chmod(mode); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	done = true
	syncDir(dir)
	return nil
}

// WriteBytesAtomic writes b to path atomically, as WriteFileAtomic does.
func WriteBytesAtomic(path string, b []byte) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		n, err := w.Write(b)
		if err == nil && n < len(b) {
			err = io.ErrShortWrite
		}
		return err
	})
}

// syncDir fsyncs the directory so that the rename itself survives a crash. It is best effort:
// some platforms and file systems cannot open or sync a directory, and by now the new file is
// complete and in place either way.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	d.Sync()
	d.Close()
}

// Exists reports whether path can be stat'ed (a file or directory is there).
func Exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// tempPattern is the name of WriteFileAtomic's temporary file for a file named base.
func tempPattern(base string) string { return "." + base + ".tmp-*" }

// RemoveTemps removes the temporary files that WriteFileAtomic leaves in dir when its process
// is killed before it can clean up, and returns their paths. Only call it when no other
// process can be writing into dir (e.g. under a runlock).
func RemoveTemps(dir string) ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, tempPattern("*")))
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, p := range paths {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return removed, err
		}
		removed = append(removed, p)
	}
	return removed, nil
}

// pending holds the temporary files being written now, for RemovePending.
var pending = tempSet{paths: map[string]bool{}}

type tempSet struct {
	mu    sync.Mutex
	paths map[string]bool
}

func (t *tempSet) add(p string) {
	t.mu.Lock()
	t.paths[p] = true
	t.mu.Unlock()
}

func (t *tempSet) remove(p string) {
	t.mu.Lock()
	delete(t.paths, p)
	t.mu.Unlock()
}

// RemovePending removes the temporary files of the WriteFileAtomic calls in progress, whose
// targets stay as they were. A program that exits at once on a signal calls it first, so that
// it leaves nothing behind.
func RemovePending() {
	pending.mu.Lock()
	defer pending.mu.Unlock()
	for p := range pending.paths {
		os.Remove(p)
	}
}
