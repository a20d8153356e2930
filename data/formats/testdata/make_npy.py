#!/usr/bin/python3
"""Writes the NumPy fixtures of the data/formats tests (run from this directory with Debian's
Python and python3-numpy: /usr/bin/python3 make_npy.py). The values are asserted in npy_test.go.

    arrays.npz  compressed archive: float64 2×3, int16, bool, unicode labels, a Fortran-order
                float32 2×2 and a big-endian int32 array
    one.npy     a single uint8 2×2 array
"""
import numpy as np

np.savez_compressed(
    "arrays.npz",
    x=np.arange(6, dtype=np.float64).reshape(2, 3) / 4,
    i16=np.array([-7, 0, 300], dtype=np.int16),
    ok=np.array([True, False]),
    labels=np.array(["reach1", "µ"]),
    fortran=np.asfortranarray(np.array([[1, 2], [3, 4]], dtype=np.float32)),
    big=np.array([-1, 65536], dtype=">i4"),
)
np.save("one.npy", np.array([[1, 2], [3, 255]], dtype=np.uint8))
