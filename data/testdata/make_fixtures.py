#!/usr/bin/python3
"""Writes the .npz fixtures of the data package's tests with NumPy, an independent writer of
the format. Activity values follow formulas the Go tests recompute, so that every element,
its order (C or Fortran) and its byte order are checked, not just the shapes.

Run from this directory: /usr/bin/python3 make_fixtures.py
"""
import numpy as np


def activity(S, T, M):
    """act[s, t, m] = 100 s + 10 t + m + 0.25, exactly representable in float32."""
    s, t, m = np.meshgrid(np.arange(S), np.arange(T), np.arange(M), indexing="ij")
    return 100.0 * s + 10.0 * t + m + 0.25


# Float32 activity, ragged with NaN padding and int32 lengths, a 0-d float64 dt, string, int16
# and float64 labels, inputs, a Fortran-ordered extra and a text extra (skipped).
act = activity(3, 4, 2).astype(np.float32)
act[1, 3:, :] = np.nan
act[2, 2:, :] = np.nan
np.savez("numpy_ragged.npz",
         activity=act,
         lengths=np.array([4, 3, 2], dtype=np.int32),
         dt=np.float64(0.02),
         label_task=np.array(["sine", "ramp", "sïne"]),
         label_trial=np.array([10, 11, 12], dtype=np.int16),
         label_theta=np.array([0.5, 1.25, -3.0]),
         inputs=np.arange(3 * 4 * 1, dtype=np.float64).reshape(3, 4, 1),
         teacher_W=np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)),
         note=np.array(["not numeric"]))

# NaN padding without lengths: must be refused with a hint to add lengths.
np.savez("numpy_nan_no_lengths.npz", activity=act, dt=0.02)

# Big-endian float64 activity, bytes labels, no dt (the default, with a warning), compressed.
np.savez_compressed("numpy_bigendian.npz",
                    activity=activity(2, 3, 2).astype(">f8"),
                    label_cond=np.array([b"a", b"bb"]))

# Fortran-ordered 3-D activity, dt as a float32 array of shape [1], uint8 lengths, float32
# and boolean labels, non-ASCII unicode, extras of every kind: a 0-d scalar, a big-endian
# int64 matrix, a Fortran int32 cube, a complex array and an object array (both skipped).
np.savez("numpy_fortran.npz",
         activity=np.asfortranarray(activity(2, 3, 4)),
         dt=np.array([0.05], dtype=np.float32),
         lengths=np.array([3, 2], dtype=np.uint8),
         label_freq=np.array([0.1, 2.5], dtype=np.float32),
         label_correct=np.array([True, False]),
         label_phase=np.array(["préparation", "exécution ✓"]),
         scale=np.float64(2.5),
         J=np.arange(6, dtype=">i8").reshape(2, 3),
         cube=np.asfortranarray(np.arange(24, dtype=np.int32).reshape(2, 3, 4)),
         z=np.array([1 + 2j]),
         meta=np.array([{"a": 1}], dtype=object))
