//go:build !unix

package runlock

import (
	"errors"
	"fmt"
	"os"
)

// acquire creates path exclusively. Without flock(2) the kernel does not release the lock of a
// dead process: a lock file left by a crash on this host, whose process no longer exists, is
// removed and taken over.
func acquire(path string) (*os.File, error) {
	for range 2 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, err
		}
		h := readHolder(path)
		host, _ := os.Hostname()
		if h.PID == 0 || h.Host != host || alive(h.PID) {
			return nil, &HeldError{Path: path, Holder: h}
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("%s: stale lock of process %d: %w", path, h.PID, err)
		}
	}
	return nil, &HeldError{Path: path, Holder: readHolder(path)}
}

func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}

func release(path string, f *os.File) error {
	f.Close()
	return os.Remove(path)
}
