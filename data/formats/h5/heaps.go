package h5

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
)

// scigolib/hdf5 v0.14.0 allocates a local heap's data segment and a global heap collection at
// the sizes their headers declare before reading them, so a forged size field makes it allocate
// up to terabytes and crash the process (a fatal out-of-memory error, which no recover catches).
// Heaps are reached while it opens the file (the local heaps of groups) and while it reads
// attributes and variable-length data (global heaps), from addresses this package never sees,
// so checkHeaps scans the whole file for the two signatures before scigolib opens it:
//
//	local heap (HDF5 spec III.D):  "HEAP", version 0, 3 reserved zero bytes, data segment size
//	                               (length-size bytes), free-list offset, data segment address;
//	global heap collection (III.E): "GCOL", version 1, 3 reserved zero bytes, collection size
//	                               (length-size bytes) counting the header itself.
//
// A declared size that the file cannot hold is an error naming the structure and its offset.
// The version and reserved bytes make a false match in ordinary data (text that happens to
// read "HEAP" followed by four zero bytes) very unlikely. The scan reads the file once,
// sequentially, in chunks.

// scanChunk is the read size of the scan; a signature split between two reads is found by
// overlapping the reads by the longest header, 8 + 8 bytes.
const scanChunk = 1 << 20

// checkHeaps scans r (size bytes; lengths of lengthSize bytes) for heap headers whose declared
// size exceeds what the file holds.
func checkHeaps(r io.ReaderAt, size int64, lengthSize int) error {
	if lengthSize != 2 && lengthSize != 4 && lengthSize != 8 {
		return fmt.Errorf("superblock: length size %d, want 2, 4 or 8", lengthSize)
	}
	head := 8 + lengthSize
	buf := make([]byte, scanChunk+head)
	for base := int64(0); base < size; base += scanChunk {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-base)], base)
		if err != nil && err != io.EOF {
			return err
		}
		b := buf[:n]
		for _, sig := range []string{"HEAP", "GCOL"} {
			for i := 0; ; i++ {
				k := bytes.Index(b[i:], []byte(sig))
				if k < 0 || i+k >= scanChunk {
					break
				}
				i += k
				if i+head > len(b) {
					break
				}
				if err := checkHeap(sig, b[i:i+head], base+int64(i), size, lengthSize); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// checkHeap checks one candidate heap header h (signature, version, reserved, size) at offset
// at of a file of size bytes.
func checkHeap(sig string, h []byte, at, size int64, lengthSize int) error {
	version := map[string]byte{"HEAP": 0, "GCOL": 1}[sig]
	if h[4] != version || h[5] != 0 || h[6] != 0 || h[7] != 0 {
		return nil // not a heap header: the bytes only spell the signature
	}
	var declared uint64
	switch lengthSize {
	case 2:
		declared = uint64(binary.LittleEndian.Uint16(h[8:]))
	case 4:
		declared = uint64(binary.LittleEndian.Uint32(h[8:]))
	default:
		declared = binary.LittleEndian.Uint64(h[8:])
	}
	what, limit := "local heap", uint64(size)
	if sig == "GCOL" {
		what, limit = "global heap collection", uint64(size-at)
	}
	if declared > limit {
		return fmt.Errorf("%s at offset %d declares %d bytes, more than the file holds (%d bytes): corrupt or forged file", what, at, declared, size)
	}
	return nil
}

// superblockLengthSize reads the "size of lengths" of the superblock at the start of r: byte 14
// in superblock versions 0 and 1, byte 10 in versions 2 and 3 (HDF5 spec II.A).
func superblockLengthSize(r io.ReaderAt) (int, error) {
	b := make([]byte, 16)
	if _, err := r.ReadAt(b, 0); err != nil {
		return 0, fmt.Errorf("superblock: %w", err)
	}
	switch v := b[8]; v {
	case 0, 1:
		return int(b[14]), nil
	case 2, 3:
		return int(b[10]), nil
	default:
		return 0, fmt.Errorf("superblock version %d, want 0 to 3", v)
	}
}
