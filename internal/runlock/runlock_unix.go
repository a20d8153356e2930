//go:build unix

package runlock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// acquire opens and flocks path. The previous holder may remove the file between our open and
// our flock, leaving us a lock on a file no one else can find; acquire then starts over.
func acquire(path string) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, err
		}
		err = flock(f, syscall.LOCK_EX|syscall.LOCK_NB)
		if errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, &HeldError{Path: path, Holder: readHolder(path)}
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: cannot lock (does the file system support flock?): %w", path, err)
		}
		mine, err1 := f.Stat()
		now, err2 := os.Stat(path)
		if err1 == nil && err2 == nil && os.SameFile(mine, now) {
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("%s: the lock file keeps being replaced; is another program removing it?", path)
}

func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// release removes the lock file while still holding the lock, so that no one can take a lock
// on it in between, then unlocks it by closing it.
func release(path string, f *os.File) error {
	err := os.Remove(path)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
