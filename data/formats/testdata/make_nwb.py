#!/usr/bin/python3
"""Writes the small NWB-layout fixtures of data/formats/nwb and data/formats/h5 tests.

Run from this directory with Debian's Python (apt-get install python3-h5py python3-numpy):

    /usr/bin/python3 make_nwb.py

The files follow the NWB 2 schema for the pieces the Go reader uses: an NWBFile root, a Units
DynamicTable (/units with id, the ragged spike_times column as VectorData + VectorIndex) and a
TimeIntervals table (/intervals/trials) with numeric, string and boolean columns, each table with
its colnames attribute. The values are fixed below and asserted, independently, in the Go tests.

    small.nwb    h5py defaults (libver "earliest"): contiguous datasets, v1 object headers
    chunked.nwb  the numeric columns chunked and gzip+shuffle-compressed (v1 B-tree chunk index);
                 string and boolean columns contiguous
    latest.nwb   libver "latest": the tables' group headers spill into continuation blocks and
                 the chunked columns use extensible array chunk indexes
    features.h5  libver "latest" features for the h5 tests: fixed and extensible array chunk
                 indexes, a soft link, a chunked string column, contiguous, compact, big-endian
                 and 2-D datasets, attributes of each type (make_h5.py covers every type and
                 layout; these files predate it and stay as they are)
"""
import uuid

import h5py
import numpy as np

# Units: per-unit spike times (s); unit ids deliberately not 0..n-1.
SPIKES = [[0.1, 0.5, 1.2], [], [0.3, 2.5, 2.625, 3.0], [1.75]]
UNIT_IDS = [3, 7, 11, 12]
# Trials.
START = [0.0, 1.5, 3.0]
STOP = [1.0, 2.5, 4.0]
GO_CUE = [0.5, 2.0, 3.5]
CONDITION = ["reach1", "reach2", "reach1"]
CORRECT = [True, False, True]
TARGET = [1, 2, 1]

STR = h5py.string_dtype()
# Fixed-seed object ids so that the files are byte-for-byte reproducible apart from HDF5 times.
_rng = np.random.default_rng(20240601)


def oid():
    return str(uuid.UUID(bytes=_rng.bytes(16), version=4))


def typed(obj, ndtype, **attrs):
    obj.attrs["namespace"] = "hdmf-common" if ndtype in ("VectorData", "VectorIndex", "ElementIdentifiers", "DynamicTable") else "core"
    obj.attrs["neurodata_type"] = ndtype
    obj.attrs["object_id"] = oid()
    for k, v in attrs.items():
        obj.attrs[k] = v
    return obj


def table(f, path, ndtype, description, columns, ids, opts):
    """columns: list of (name, values, description, index or None)."""
    g = typed(f.create_group(path), ndtype, description=description,
              colnames=np.array([c[0] for c in columns], dtype=object))
    typed(g.create_dataset("id", data=np.asarray(ids, dtype=np.int64), **opts), "ElementIdentifiers")
    for name, values, desc, index in columns:
        if values and isinstance(values[0], str):
            d = g.create_dataset(name, data=np.array(values, dtype=object), dtype=STR)
        elif values and isinstance(values[0], bool):
            d = g.create_dataset(name, data=np.asarray(values))
        else:
            d = g.create_dataset(name, data=np.asarray(values), **opts)
        typed(d, "VectorData", description=desc)
        if index is not None:
            x = g.create_dataset(name + "_index", data=np.asarray(index, dtype=np.uint32), **opts)
            typed(x, "VectorIndex", description="Index for VectorData '%s'" % name)
            x.attrs["target"] = d.ref
    return g


def write(path, libver="earliest", opts=None):
    opts = opts or {}
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["nwb_version"] = "2.7.0"
        typed(f, "NWBFile")
        f.create_dataset("identifier", data="jedi-fixture", dtype=STR)
        f.create_dataset("session_description", data="synthetic reaching session for reader tests", dtype=STR)
        f.create_dataset("session_start_time", data="2024-06-01T12:00:00+00:00", dtype=STR)
        f.create_dataset("timestamps_reference_time", data="2024-06-01T12:00:00+00:00", dtype=STR)
        f.create_dataset("file_create_date", data=np.array(["2024-06-01T12:00:00+00:00"], dtype=object), dtype=STR)
        for g in ("acquisition", "analysis", "processing", "stimulus/presentation", "stimulus/templates", "general"):
            f.create_group(g)
        flat = [t for s in SPIKES for t in s]
        ends = np.cumsum([len(s) for s in SPIKES])
        table(f, "units", "Units", "sorted units", [
            ("spike_times", flat, "the spike times for each unit in seconds", ends),
        ], UNIT_IDS, opts)
        table(f, "intervals/trials", "TimeIntervals", "experimental trials", [
            ("start_time", START, "Start time of epoch, in seconds", None),
            ("stop_time", STOP, "Stop time of epoch, in seconds", None),
            ("go_cue_time", GO_CUE, "go cue, in seconds", None),
            ("target", TARGET, "reach target number", None),
            ("condition", CONDITION, "reach condition", None),
            ("correct", CORRECT, "whether the reach hit the target", None),
        ], list(range(len(START))), opts)


def features(path):
    with h5py.File(path, "w", libver="latest") as f:
        f.attrs["title"] = "reader features"
        f.create_dataset("plain", data=np.arange(6, dtype=np.float64).reshape(2, 3))
        f.create_dataset("compact", data=np.array([4, 5, 6], dtype=np.int16),
                         dcpl=_compact_dcpl(), shape=(3,), dtype=np.int16)
        f.create_dataset("bigendian", data=np.array([-2, 70000], dtype=">i4"))
        f.create_dataset("fixed", data=np.arange(10, dtype=np.float64), chunks=(4,))
        f.create_dataset("extensible", data=np.arange(10, dtype=np.float64), chunks=(4,), maxshape=(None,))
        f.create_dataset("chunked_strings", data=np.array(["a", "bc"], dtype=object), dtype=STR, chunks=(1,))
        f.create_dataset("fixed_strings", data=np.array([b"xy", b"z"], dtype="S2"))
        f["soft"] = h5py.SoftLink("/plain")
        g = f.create_group("g")
        g.attrs["i16"] = np.array([-1, 2], dtype=np.int16)
        g.attrs["f32"] = np.float32(0.5)
        g.attrs["fixed"] = np.bytes_("abc")
        g.attrs["names"] = np.array(["x", "yz"], dtype=object)


def _compact_dcpl():
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    return dcpl


if __name__ == "__main__":
    write("small.nwb")
    write("chunked.nwb", opts=dict(chunks=True, compression="gzip", shuffle=True))
    write("latest.nwb", libver="latest", opts=dict(chunks=True, maxshape=(None,)))
    features("features.h5")
