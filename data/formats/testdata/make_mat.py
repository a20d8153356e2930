#!/usr/bin/python3
"""Writes the small MAT fixtures of the data/formats/mat tests.

Run from this directory with Debian's Python (apt-get install python3-scipy python3-h5py):

    /usr/bin/python3 make_mat.py

Every value is fixed below and asserted, independently, in mat_test.go.

    v5.mat         uncompressed level 5 file with every class the reader handles
    v5z.mat        the same variables, zlib-compressed (miCOMPRESSED)
    v73.mat        MATLAB v7.3 layout written with h5py: 512-byte user block with MATLAB's text
                   header, column-major data stored with reversed HDF5 dimensions, MATLAB_class
                   attributes, char as uint16, logical as uint8 with MATLAB_int_decode=1, a 1×1
                   struct as a group
    same.mat       the variables of variables() and extra() as scipy.io.savemat writes them (v5)
    same73.mat     the same variables in MATLAB's v7.3 layout (v73_full): cells and struct arrays
                   as HDF5 object references into #refs#, struct field order in MATLAB_fields,
                   empty arrays as their dimensions with MATLAB_empty, sparse as a group of
                   data/ir/jc with MATLAB_sparse, complex as a real/imag compound. The Go test
                   requires both files to read as the same tree.
"""
import h5py
import numpy as np
import scipy.io as sio
import scipy.sparse as sp


def variables():
    a = np.arange(1, 25, dtype=np.float64).reshape(2, 3, 4)  # a(i,j,k) = 12(i-1)+4(j-1)+k
    rec = np.zeros((1, 3), dtype=[("data", object), ("condition", object), ("id", object)])
    for k in range(3):
        rec[0, k]["data"] = np.arange(6, dtype=np.uint8).reshape(2, 3) + 10 * k
        rec[0, k]["condition"] = "reach%d" % (k + 1)
        rec[0, k]["id"] = np.float64(k + 1)
    cell = np.empty((1, 3), dtype=object)
    cell[0, 0] = np.array([[1.5, -2.5]])
    cell[0, 1] = "hi"
    cell[0, 2] = np.array([[7]], dtype=np.int32)
    return {
        "a": a,
        "row": np.array([[0.5, -1.0, 2.25]]),
        "i16": np.array([[-3, 0, 300], [1, 2, -32768]], dtype=np.int16),
        "u64": np.array([[2**53, 5]], dtype=np.uint64),
        "single": np.array([[1.5], [-0.25]], dtype=np.float32),
        "flag": np.array([[True, False, True]]),
        "name": "hello",
        "names": np.array(["ab", "cd"]),
        "unicode": "µ-Ω",
        "sp": sp.csc_matrix(np.array([[0, 2.0, 0], [1.0, 0, 0], [0, 0, 3.5]])),
        "z": np.array([[1 + 2j, -3.5j]]),
        "s": {"alpha": np.float64(2.0), "text": "abc", "inner": {"v": np.array([[1.0, 2.0]])}},
        "D": rec,
        "c": cell,
        "empty": np.zeros((0, 0)),
    }


def extra():
    """Variables that exercise nesting, every integer class and empties; savemat-compatible."""
    inner = np.empty((1, 2), dtype=object)
    inner[0, 0] = "nested"
    inner[0, 1] = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    cs = np.empty((2, 1), dtype=object)  # a column cell of a struct and a cell
    cs[0, 0] = {"k": np.float64(1.0), "tags": inner}
    cs[1, 0] = inner
    sa = np.zeros((2, 2), dtype=[("v", object), ("sub", object)])  # a 2×2 struct array
    for i in range(2):
        for j in range(2):
            sa[i, j]["v"] = np.array([[i + 10 * j]], dtype=np.float64)
            sa[i, j]["sub"] = {"w": np.array([[float(i), float(j)]])}
    ints = {c: (np.arange(-3, 3).reshape(2, 3) if c[0] == "i" else np.arange(6).reshape(2, 3)).astype(c)
            for c in ("int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64")}
    v = {
        "cs": cs,
        "sa": sa,
        "cube": np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 5,
        "lsp": sp.csc_matrix(np.array([[True, False], [False, True], [True, True]])),
        "zc": np.array([[1.5 - 1j], [2j]]),
        "ec": np.empty((0, 0), dtype=object),
        "es": "",
        "ecol": np.zeros((3, 0)),
    }
    v.update(("x" + k, a) for k, a in ints.items())
    return v


class V73Writer:
    """Writes Python values in MATLAB's v7.3 layout, as MATLAB's save -v7.3 does."""

    def __init__(self, f):
        self.f = f
        self.refs = f.create_group("#refs#")
        self.n = 0

    def refname(self):
        self.n += 1
        k, s = self.n, ""
        while k:
            k, r = divmod(k - 1, 26)
            s = chr(ord("a") + r) + s
        return s

    def ref(self, value):
        """Stores value in #refs# and returns an object reference to it."""
        name = self.refname()
        return self.put(self.refs, name, value).ref

    @staticmethod
    def cls(d, name):
        d.attrs["MATLAB_class"] = np.bytes_(name)

    def fields_attr(self, obj, names):
        vl = h5py.vlen_dtype(np.dtype("S1"))
        a = np.empty(len(names), dtype=object)
        for i, n in enumerate(names):
            a[i] = np.array([bytes([b]) for b in n.encode()], dtype="S1")
        obj.attrs.create("MATLAB_fields", a, dtype=vl)

    def empty(self, where, name, shape, cls):
        d = where.create_dataset(name, data=np.array(shape, dtype=np.uint64))
        self.cls(d, cls)
        d.attrs["MATLAB_empty"] = np.uint8(1)
        return d

    def put(self, where, name, v):
        if isinstance(v, dict):
            g = where.create_group(name)
            self.cls(g, "struct")
            self.fields_attr(g, list(v))
            for k, x in v.items():
                self.put(g, k, x)
            return g
        if isinstance(v, str):
            if v == "":
                return self.empty(where, name, (0, 0), "char")
            codes = np.array([[ord(ch) for ch in v]], dtype=np.uint16)
            d = where.create_dataset(name, data=codes.T)
            self.cls(d, "char")
            d.attrs["MATLAB_int_decode"] = np.int32(2)
            return d
        if sp.issparse(v):
            v = v.tocsc()
            g = where.create_group(name)
            self.cls(g, "logical" if v.dtype == bool else "double")
            g.attrs["MATLAB_sparse"] = np.uint64(v.shape[0])
            g.create_dataset("data", data=v.data.astype(np.uint8 if v.dtype == bool else np.float64))
            g.create_dataset("ir", data=v.indices.astype(np.uint64))
            g.create_dataset("jc", data=v.indptr.astype(np.uint64))
            return g
        v = np.asarray(v)
        if v.dtype.kind == "U":  # a char matrix, one string per row
            rows = np.array([[ord(ch) for ch in row] for row in v], dtype=np.uint16)
            d = where.create_dataset(name, data=rows.T)
            self.cls(d, "char")
            d.attrs["MATLAB_int_decode"] = np.int32(2)
            return d
        if v.ndim < 2:
            v = v.reshape(1, -1)
        if v.dtype.names:  # a struct array: one reference dataset per field
            g = where.create_group(name)
            self.cls(g, "struct")
            self.fields_attr(g, list(v.dtype.names))
            for fname in v.dtype.names:
                refs = np.empty(v.shape, dtype=object)
                for idx in np.ndindex(v.shape):
                    refs[idx] = self.ref(v[idx][fname])
                g.create_dataset(fname, data=refs.T, dtype=h5py.ref_dtype)
            return g
        if v.dtype == object:  # a cell
            if v.size == 0:
                return self.empty(where, name, v.shape, "cell")
            refs = np.empty(v.shape, dtype=object)
            for idx in np.ndindex(v.shape):
                refs[idx] = self.ref(v[idx])
            d = where.create_dataset(name, data=refs.T, dtype=h5py.ref_dtype)
            self.cls(d, "cell")
            return d
        cls = {"f": "double", "b": "logical"}.get(v.dtype.kind, str(v.dtype))
        if v.dtype == np.float32:
            cls = "single"
        if v.dtype.kind == "c":
            cls = "double"
        if v.size == 0:
            return self.empty(where, name, v.shape, cls)
        if v.dtype.kind == "c":
            ct = np.dtype([("real", "<f8"), ("imag", "<f8")])
            data = np.empty(v.shape, dtype=ct)
            data["real"], data["imag"] = v.real, v.imag
            d = where.create_dataset(name, data=data.T)
        elif v.dtype.kind == "b":
            d = where.create_dataset(name, data=v.astype(np.uint8).T)
            d.attrs["MATLAB_int_decode"] = np.int32(1)
        else:
            d = where.create_dataset(name, data=v.T)
        self.cls(d, cls)
        return d


HEADER = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Jun  1 12:00:00 2024 HDF5 schema 1.00 ."


def v73_full(path, values):
    with h5py.File(path, "w", userblock_size=512, libver="earliest") as f:
        w = V73Writer(f)
        for name, v in values.items():
            w.put(f, name, v)
    with open(path, "r+b") as fh:
        fh.write(HEADER.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02IM")


def forged73(path):
    """A v7.3 file whose references form a cycle (cyc) and a chain of 40 cells of two
    references each to the next (fan): 2^40 elements if expanded, from a few kilobytes."""
    with h5py.File(path, "w", userblock_size=512, libver="earliest") as f:
        refs = f.create_group("#refs#")
        d = refs.create_dataset("a", shape=(1, 1), dtype=h5py.ref_dtype)
        d.attrs["MATLAB_class"] = np.bytes_("cell")
        d[0, 0] = d.ref
        c = f.create_dataset("cyc", shape=(1, 1), dtype=h5py.ref_dtype)
        c.attrs["MATLAB_class"] = np.bytes_("cell")
        c[0, 0] = d.ref
        last = refs.create_dataset("leaf", data=np.array([[1.0]]))
        last.attrs["MATLAB_class"] = np.bytes_("double")
        for k in range(40):
            n = refs.create_dataset("n%02d" % k, shape=(2, 1), dtype=h5py.ref_dtype)
            n.attrs["MATLAB_class"] = np.bytes_("cell")
            n[0, 0] = last.ref
            n[1, 0] = last.ref
            last = n
        fan = f.create_dataset("fan", shape=(1, 1), dtype=h5py.ref_dtype)
        fan.attrs["MATLAB_class"] = np.bytes_("cell")
        fan[0, 0] = last.ref
    with open(path, "r+b") as fh:
        fh.write(HEADER.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02IM")


def v73(path):
    """Writes MATLAB's v7.3 layout for a few variables."""
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Sat Jun  1 12:00:00 2024 HDF5 schema 1.00 ."
    with h5py.File(path, "w", userblock_size=512, libver="earliest") as f:
        def put(name, arr, cls, where=f):
            arr = np.asarray(arr)
            # MATLAB writes its column-major bytes; read row-major, that is the transpose.
            d = where.create_dataset(name, data=arr.T)
            d.attrs["MATLAB_class"] = np.bytes_(cls)
            return d

        put("m", np.arange(1, 7, dtype=np.float64).reshape(2, 3), "double")
        put("t", np.array([[-50], [0], [50]], dtype=np.int16), "int16")
        put("txt", np.array([[ord(ch) for ch in "reach1"]], dtype=np.uint16), "char")
        put("ok", np.array([[1, 0, 1]], dtype=np.uint8), "logical").attrs["MATLAB_int_decode"] = np.int32(1)
        g = f.create_group("st")
        g.attrs["MATLAB_class"] = np.bytes_("struct")
        put("x", np.array([[3.0]]), "double", g)
        put("label", np.array([[ord(ch) for ch in "ab"]], dtype=np.uint16), "char", g)
        e = f.create_dataset("e", data=np.array([0, 0], dtype=np.uint64))
        e.attrs["MATLAB_class"] = np.bytes_("double")
        e.attrs["MATLAB_empty"] = np.uint8(1)
    with open(path, "r+b") as fh:
        fh.write(header.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02IM")


if __name__ == "__main__":
    sio.savemat("v5.mat", variables(), do_compression=False, oned_as="row")
    sio.savemat("v5z.mat", variables(), do_compression=True, oned_as="row")
    v73("v73.mat")
    same = variables()
    same.update(extra())
    sio.savemat("same.mat", same, do_compression=True, oned_as="row")
    v73_full("same73.mat", same)
    forged73("forged73.mat")
