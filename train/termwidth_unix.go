//go:build unix

package train

import (
	"os"

	"golang.org/x/sys/unix"
)

// termWidth returns the width in columns of terminal f, or 0 when it is unknown (a pseudo
// terminal that was never given a size, as under script(1), some CI runners and editors),
// where the progress bar would draw nothing.
func termWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
