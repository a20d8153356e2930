//go:build unix

package sweep

import (
	"os"
	"syscall"
)

// processAlive reports whether process pid exists (signal 0 checks without sending).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}

// maxRSSMiB is the peak resident set of a finished child, in MiB (Linux reports KiB).
func maxRSSMiB(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024
	}
	return 0
}

// interrupt asks a child to stop as Ctrl-C would, so that a fit writes its checkpoint.
func interrupt(p *os.Process) { p.Signal(syscall.SIGTERM) }
