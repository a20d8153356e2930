//go:build !unix

package sweep

import "os"

// processAlive cannot tell here: a task recorded as running is taken as running.
func processAlive(pid int) bool { return true }

// maxRSSMiB is not reported on this system.
func maxRSSMiB(ps *os.ProcessState) float64 { return 0 }

// interrupt asks a child to stop as Ctrl-C would, so that a fit writes its checkpoint.
func interrupt(p *os.Process) { p.Signal(os.Interrupt) }
