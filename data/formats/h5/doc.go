// Package h5 reads HDF5 files (including NWB files and MATLAB v7.3 files) into the generic
// value tree of package formats. It is a pure-Go reader of the HDF5 file format written for
// this project: the library it replaces, scigolib/hdf5 v0.14.0, could not read references, the
// chunk indexes HDF5 1.10 writes (libver="latest"), chunked variable-length strings or enums,
// or continued version 2 object headers, and it allocated whatever sizes a file declared. A
// reader of our own parses every structure with bounds checks against the file's real size,
// so the limits below hold for any input, and reads lazily, so a large recording costs only
// what is asked of it.
//
// # What is read
//
// Superblocks 0 to 3 (with a user block before them, as in MATLAB v7.3 files); version 1 and
// version 2 object headers with continuation blocks; groups kept as symbol tables (HDF5 1.6),
// as link messages (compact) or in a fractal heap with a version 2 B-tree index (dense); hard
// and soft links (followed) and external links (reported, not followed); attributes in the
// header or in dense storage (fractal heap objects managed, tiny or "huge", unfiltered);
// committed (shared) datatypes.
//
// Datasets in compact, contiguous and chunked layouts, with every chunk index: version 1
// B-tree, and the HDF5 1.10 layout version 4 indexes single chunk, implicit, fixed array
// (paged or not), extensible array (index, secondary and paged data blocks) and version 2
// B-tree (filtered and not). Filters deflate, shuffle and Fletcher-32 (the checksum is
// verified); any other filter is refused with an error naming its id and name. Chunks never
// written and datasets never written hold the fill value. Virtual datasets and data in
// external files are refused.
//
// Values become formats.Node data, row-major over Shape (HDF5's own order, as h5py shows it):
//
//	integers of 1 to 8 bytes, either byte order   []float64 (exact up to 2^53), Class "int8" … "uint64"
//	floats of 2, 4, 8 bytes (any IEEE layout)      []float64, Class "half", "single", "double"
//	enums                                           []float64 of the values, Class "enum";
//	                                                h5py's and MATLAB's booleans (FALSE/TRUE over
//	                                                1 byte): Class "logical"
//	fixed- and variable-length strings              []string, Class "string"
//	array datatypes                                 the base class, the array's dimensions
//	                                                appended to Shape
//	compound                                        Class "compound", Fields the member names, and
//	                                                Children one node per member, each with the
//	                                                dataset's Shape (plus the member's array
//	                                                dimensions) holding that member's column
//	variable-length sequences                       Class "vlen", Children one 1-D node per element
//	object references                               Class "reference", []string of target paths
//	dataset region references                       Class "region reference", []string "PATH[SEL]"
//	opaque, time                                    Data nil, Unsupported says why
//
// # References
//
// An object reference is given as the path of its target: the first path, in name order, by
// which the target can be reached ("/#refs#/b" in a MATLAB file); an object no group links to
// is named "@ADDRESS"; a null reference is "". A region reference adds the selection in
// brackets: "[(i,j),(k,l)]" for points, "[a:b,c:d;e:f,g:h]" for hyperslab blocks (start:end per
// dimension, end exclusive, blocks separated by ";"), nothing for the whole dataset. File.Deref
// loads what a reference points to: a dataset with its values, a group with every dataset below
// it, or for a region the selected elements as a 1-D node in row-major order.
//
// # Lazy access
//
// Open reads only the superblock. File.Tree lists every group and dataset without values;
// File.Load (or LoadSlice, for a hyperslab) reads one dataset, touching only the chunks or
// bytes it needs; File.TreeValues loads the small datasets only (jedi inspect); File.ReadAll
// loads everything. Every method has a variant taking a context.Context, checked between
// objects, chunks and 16 MiB pieces of contiguous data, so a long read stops promptly when the
// context is cancelled (jedi inspect cancels it on SIGINT and SIGTERM).
//
// # Limits
//
// Files are untrusted. Every structure is read within the file's bounds before anything is
// allocated for it; every B-tree node, heap block and header continuation is visited once (a
// structure that points back at itself is an error, not a loop); a listing expands each group
// once (a second hard link to a group is a node of Class "link" whose Data names the first
// path), so its size is bounded by the file's size. Options bound the rest:
//
//   - MaxBytes: the bytes the values of one Load, attribute or listing may take once
//     decompressed and decoded. A chunk must inflate to exactly its declared size, never more.
//     The default, DefaultMaxBytes, is 1100 times the file's size (deflate cannot expand more),
//     at least 64 MiB and at most 4 GiB; set the environment variable JEDI_HDF5_MAX_BYTES to a
//     number of bytes (0: no limit) for larger compressed datasets.
//   - MaxObjects (2^20), MaxDepth (64) and MaxLinkHops (16): objects in one listing or group,
//     group nesting, and soft links followed for one path.
//
// Every error names the file, the object's path and, for malformed structures, the offset in
// the file: "rec.nwb: /units/spike_times: chunk [3] at offset 81234: deflate: …".
package h5
