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
