//go:build !unix

package train

import "os"

// termWidth cannot ask the terminal here; it assumes the usual 80 columns.
func termWidth(*os.File) int { return 80 }
