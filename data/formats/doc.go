// Package formats holds the generic value tree that the file readers produce, and reads NumPy
// files into it.
//
// Neuroscience recordings arrive as MATLAB .mat files (package mat: v5 parsed in pure Go, v7.3
// through HDF5), HDF5 and NWB files (packages h5 and nwb) and NumPy .npy/.npz files (this
// package). Every reader returns a *Node tree: variables, struct fields, cell elements, groups
// and datasets, each with its class, shape and values converted to float64 or strings. Lookup
// finds a node by a MATLAB- or HDF5-style path ("D(3).data", "/units/spike_times"), and List
// prints a whos / h5ls -r style listing to write a loading recipe from.
//
// Inspect picks the reader from a file's first bytes, never its extension. It knows .npy and
// .npz by itself; importing package mat registers the MAT and HDF5 readers as well (package
// formats cannot import them, since they build on it). InspectContext stops a long read when
// its context is cancelled. For HDF5 and NWB files Inspect loads the values of datasets up to
// h5.InspectBytes each, so that List can show their ranges, distinct texts and reference
// targets; package h5 reads single datasets, or slices of them, on demand.
//
// Readers treat files as untrusted: every size a file declares is checked against the bytes
// that can back it before anything is allocated, and malformed input yields an error naming the
// file, the variable or dataset, and the offset or feature, never a panic.
package formats
