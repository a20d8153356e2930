// Package runlock makes one process at a time the writer of a directory, such as a fit's run
// directory: two fits into the same directory would otherwise interleave their configuration,
// split, checkpoints and model into a run that never existed.
//
// The lock is the file LockFile in the directory. It records its holder (process ID, host,
// start time and command line) so that a refusal can say who holds it. On Unix the lock itself
// is an advisory flock(2) on that file, which the kernel drops when the holder exits in any way,
// kill -9 and crashes included: a lock file left behind by a dead process is taken over by the
// next writer without anyone deleting it.
package runlock

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockFile is the name of the lock file inside a locked directory.
const LockFile = "run.lock"

// Holder is who holds a lock, as recorded in the lock file.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
	Command string    `json:"command"`
}

// HeldError is returned by Acquire when another process holds the lock.
type HeldError struct {
	Path   string
	Holder Holder // zero when the holder had not yet recorded itself
}

func (e *HeldError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("%s: another process is writing this directory; wait for it to finish or choose another directory", e.Path)
	}
	return fmt.Sprintf("%s: held by process %d on host %s since %s (%s); wait for it to finish, stop it, or choose another directory",
		e.Path, h.PID, h.Host, h.Since.Format(time.RFC3339), h.Command)
}

// Lock is a held lock; Release gives it up.
type Lock struct {
	path string
	f    *os.File
}

// Acquire takes the lock of directory dir, which must exist, without waiting: it returns a
// *HeldError naming the holder when another process (or another Acquire in this one) holds it.
func Acquire(dir string) (*Lock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := acquire(path)
	if err != nil {
		return nil, err
	}
	host, _ := os.Hostname()
	h := Holder{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second),
		Command: strings.Join(os.Args, " ")}
	b, _ := json.Marshal(h)
	if err := writeHolder(f, append(b, '\n')); err != nil {
		release(path, f)
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &Lock{path: path, f: f}, nil
}

// writeHolder replaces the lock file's contents by b.
func writeHolder(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

// readHolder reads the holder recorded in the lock file at path (zero if none can be read:
// the holder may be writing it at this moment).
func readHolder(path string) Holder {
	var h Holder
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, &h)
	}
	return h
}

// Release gives the lock up and removes the lock file. Releasing twice is harmless.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := release(l.path, l.f)
	l.f = nil
	return err
}
