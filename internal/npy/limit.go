package npy

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
)

// LimitEnv names the environment variable that overrides DefaultMaxArrayBytes, in bytes with
// an optional K, M, G or T suffix (powers of 1024): JEDI_MAX_ARRAY_BYTES=64G.
const LimitEnv = "JEDI_MAX_ARRAY_BYTES"

// One array of an .npz archive, counted as the float64 values it becomes (8 bytes an element,
// whatever its dtype), may take at most maxInflationRatio times the archive's size, at least
// minArrayLimit, and never more than maxArrayLimit, unless LimitEnv says otherwise. A small
// archive of zeros can otherwise declare an array of gigabytes (486 KB of deflated uint8 made
// 1.55 GB of float64) and exhaust memory before anything could be said about it; real
// recordings, even with much NaN padding, stay far below the ratio.
const (
	maxInflationRatio = 256
	minArrayLimit     = 256 << 20
	maxArrayLimit     = 8 << 30
)

var envLimit = sync.OnceValues(func() (uint64, bool) {
	v, ok := os.LookupEnv(LimitEnv)
	if !ok {
		return 0, false
	}
	n, err := parseBytes(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "jedi: %s=%q is not a size in bytes (e.g. 64G); ignoring it\n", LimitEnv, v)
		return 0, false
	}
	return n, true
})

// MaxArrayBytes returns the limit on one array of an archive of archiveSize bytes: LimitEnv's
// value when set, else maxInflationRatio × archiveSize within [minArrayLimit, maxArrayLimit].
func MaxArrayBytes(archiveSize int64) uint64 {
	if n, ok := envLimit(); ok {
		return n
	}
	return min(max(maxInflationRatio*uint64(max(archiveSize, 0)), minArrayLimit), maxArrayLimit)
}

// LimitError is the refusal of an array larger than MaxArrayBytes allows.
type LimitError struct {
	Shape       []int
	Descr       string
	Bytes       uint64 // the array as float64
	Limit       uint64
	ArchiveSize int64
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("shape %v of %s would take %s as float64, over the limit of %s for an archive of %s; if the data really are that large, raise the limit with %s=<bytes> (e.g. 64G)",
		e.Shape, e.Descr, humanBytes(e.Bytes), humanBytes(e.Limit), humanBytes(uint64(e.ArchiveSize)), LimitEnv)
}

// parseBytes reads "123", "512M", "64G" (powers of 1024).
func parseBytes(s string) (uint64, error) {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := uint64(1)
	for i, suf := range []string{"K", "M", "G", "T"} {
		if t, ok := strings.CutSuffix(strings.TrimSuffix(s, "B"), suf); ok {
			s, mult = t, 1<<(10*(i+1))
			break
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || n > ^uint64(0)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}

// humanBytes writes n in the largest binary unit it fills.
func humanBytes(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, u := float64(n), 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	return fmt.Sprintf("%.3g %s", v, units[u])
}
