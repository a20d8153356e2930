package h5

import (
	"bytes"

	"github.com/jedi-neuro/jedi/data/formats"
)

// Files with an HDF5 signature at offset 0, or after a 512-byte user block that is not a MATLAB
// header (MATLAB v7.3 files belong to package mat), are inspected as HDF5 structure.
func init() {
	formats.Register("hdf5", isHDF5, ReadTree)
}

func isHDF5(head []byte) bool {
	if bytes.HasPrefix(head, []byte(Signature)) {
		return true
	}
	return len(head) >= 520 && string(head[512:520]) == Signature && !bytes.HasPrefix(head, []byte("MATLAB"))
}
