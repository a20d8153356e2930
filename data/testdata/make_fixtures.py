#!/usr/bin/python3
"""Writes the npz fixtures of data's tests with NumPy, an independent writer of the format.

Run from this directory: /usr/bin/python3 make_fixtures.py
"""
import numpy as np

rng = np.random.default_rng(7)

# Float32 activity, ragged with NaN padding and lengths, string/int/float labels, inputs, an extra.
act = rng.standard_normal((3, 4, 2)).astype(np.float32)
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

# NaN padding without lengths: must be refused with a hint.
np.savez("numpy_nan_no_lengths.npz", activity=act, dt=0.02)

# Big-endian float64 activity, bytes labels, no dt.
act64 = np.arange(2 * 3 * 2, dtype=">f8").reshape(2, 3, 2)
np.savez_compressed("numpy_bigendian.npz", activity=act64, label_cond=np.array([b"a", b"bb"]))
