package h5

import (
	"bytes"
	"context"

	"github.com/jedi-neuro/jedi/data/formats"
)

// Files with an HDF5 signature at offset 0, or after a 512-byte user block that is not a MATLAB
// header (MATLAB v7.3 files belong to package mat), are inspected as HDF5 structure with the
// values of datasets up to InspectBytes.
func init() {
	formats.RegisterContext("hdf5", isHDF5, inspect)
}

// InspectBytes is the most bytes of one dataset formats.Inspect loads to summarise its values
// (range, distinct strings, reference targets); larger datasets are listed without values.
const InspectBytes = 4 << 20

func inspect(ctx context.Context, path string) (*formats.Node, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.TreeValues(ctx, InspectBytes)
}

func isHDF5(head []byte) bool {
	if bytes.HasPrefix(head, []byte(Signature)) {
		return true
	}
	return len(head) >= 520 && string(head[512:520]) == Signature && !bytes.HasPrefix(head, []byte("MATLAB"))
}
