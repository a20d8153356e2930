#!/usr/bin/python3
"""Writes the HDF5 fixtures of data/formats/h5 and what h5py reads back from them.

Run from this directory with Debian's Python (apt-get install python3-h5py python3-numpy):

    /usr/bin/python3 make_h5.py

types.h5 (libver "earliest": HDF5 1.8 structures, version 1 B-tree chunk index, symbol-table
groups) and types_latest.h5 (libver "latest": every HDF5 1.10 chunk index, dense groups and
attributes, version 2 object headers) hold the same datasets: every integer width in both byte
orders, half/single/double floats, enums and booleans, fixed and variable-length strings,
compounds, variable-length sequences, object and region references, scalar, empty and null
datasets, compact, contiguous and chunked layouts with deflate, shuffle and Fletcher-32, fill
values of partly written datasets, a committed datatype, soft, external and dangling links, a
group linked twice, and attributes of each type.

types.json holds, for every dataset and attribute, what h5py (libhdf5 itself) reads: class,
shape and values, flattened row-major; references as the target's path (h5py's .name) and, for
region references, the selected values. The Go tests compare the reader with it.
"""
import json
import math

import h5py
import numpy as np

STR = h5py.string_dtype()


def ints_and_floats(f, opts):
    for code in ("i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8"):
        info = np.iinfo(code)
        vals = np.array([info.min, -1 if code[0] == "i" else 1, 0, 7, info.max], dtype="<" + code)
        if code in ("i8", "u8"):
            # Keep 64-bit values exact in float64 (2^53) apart from the extremes, which test
            # rounding: int64 min is a power of two, uint64 max rounds to 2^64.
            vals = np.array([info.min, 3, 0, 2**53, info.max], dtype="<" + code)
        for order in "<>":
            f.create_dataset("num/%s%s" % ("le_" if order == "<" else "be_", code), data=vals.astype(order + code), **opts)
    for code in ("f2", "f4", "f8"):
        vals = np.array([0.5, -1.25, 65504 if code == "f2" else 1e30, np.inf, -np.inf, np.nan, 6e-5, 0], dtype=code)
        for order in "<>":
            f.create_dataset("num/%s%s" % ("le_" if order == "<" else "be_", code), data=vals.astype(order + code), **opts)
    f.create_dataset("num/matrix", data=np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.5, **opts)
    f.create_dataset("num/bool", data=np.array([True, False, True, True]), **opts)
    color = h5py.enum_dtype({"RED": 0, "GREEN": 1, "BLUE": 42}, basetype="i2")
    f.create_dataset("num/enum", data=np.array([0, 42, 1, 0], dtype=np.int16), dtype=color, **opts)


def layouts(f, latest):
    data = np.arange(70, dtype=np.int32).reshape(7, 10)
    f.create_dataset("layout/contiguous", data=data)
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    f.create_dataset("layout/compact", data=data[:2], dcpl=dcpl, shape=(2, 10), dtype=np.int32)
    f.create_dataset("layout/chunked", data=data, chunks=(3, 4))
    f.create_dataset("layout/gzip", data=data, chunks=(3, 4), compression="gzip")
    f.create_dataset("layout/shuffle_gzip", data=data, chunks=(3, 4), compression="gzip", shuffle=True)
    f.create_dataset("layout/fletcher", data=data, chunks=(3, 4), fletcher32=True, shuffle=True, compression="gzip")
    f.create_dataset("layout/single", data=data, chunks=(7, 10))
    f.create_dataset("layout/single_gzip", data=data, chunks=(7, 10), compression="gzip")
    f.create_dataset("layout/fixed_paged", data=np.arange(2000, dtype=np.uint8) % 251, chunks=(1,))
    f.create_dataset("layout/ext", data=data, chunks=(3, 4), maxshape=(None, 10))
    f.create_dataset("layout/ext_dim1", data=data, chunks=(3, 4), maxshape=(7, None))
    f.create_dataset("layout/ext_gzip", data=data, chunks=(3, 4), maxshape=(None, 10), compression="gzip")
    f.create_dataset("layout/ext_many", data=np.arange(1000, dtype=np.uint16), chunks=(1,), maxshape=(None,))
    big = (np.arange(40 * 40, dtype=np.int16) * 7).reshape(40, 40)
    f.create_dataset("layout/btree2", data=big, chunks=(2, 2), maxshape=(None, None))
    f.create_dataset("layout/btree2_gzip", data=big, chunks=(2, 2), maxshape=(None, None), compression="gzip")
    f.create_dataset("layout/fixed_max", data=data, chunks=(3, 4), maxshape=(20, 10))
    # Fill values: a dataset written in part, and one never written.
    d = f.create_dataset("layout/partial", shape=(7, 10), dtype=np.float32, chunks=(3, 4), fillvalue=-7.5)
    d[1:4, 2:5] = 1.5
    f.create_dataset("layout/unwritten", shape=(3, 2), dtype=np.int16, fillvalue=11)
    f.create_dataset("layout/unwritten_chunked", shape=(3, 2), dtype=np.int16, fillvalue=-3, chunks=(2, 2))
    if latest:
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((3, 4))
        dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
        sid = h5py.h5s.create_simple((7, 10))
        dsid = h5py.h5d.create(f.id, b"layout/implicit", h5py.h5t.NATIVE_INT32, sid, dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, data)


def strings(f, opts):
    f.create_dataset("str/fixed", data=np.array([b"ab", b"cde", b""], dtype="S4"), **opts)
    f.create_dataset("str/vlen", data=np.array(["x", "", "héllo wörld", "z" * 300], dtype=object), dtype=STR, **opts)
    f.create_dataset("str/vlen_2d", data=np.array([["a", "bb"], ["ccc", "d"]], dtype=object), dtype=STR, **opts)
    f.create_dataset("str/scalar", data="one string", dtype=STR)
    f.create_dataset("str/fixed_scalar", data=np.bytes_("fixed"))
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(6)
    tid.set_strpad(h5py.h5t.STR_SPACEPAD)
    sid = h5py.h5s.create_simple((2,))
    d = h5py.h5d.create(f.id, b"str/spacepad", tid, sid)
    d.write(h5py.h5s.ALL, h5py.h5s.ALL, np.array([b"ab    ", b"cdef  "], dtype="S6"), mtype=tid)


def compounds(f, opts):
    ct = np.dtype([("id", "<i4"), ("x", "<f8"), ("tag", "S3"), ("name", STR), ("pair", "<i2", (2,))])
    v = np.array([(1, 0.5, b"ab", "first", (1, 2)), (2, -1.5, b"c", "second", (3, 4)), (3, 2.0, b"", "", (5, 6))], dtype=ct)
    f.create_dataset("cmp/table", data=v, **opts)
    seq = h5py.vlen_dtype(np.int32)
    d = f.create_dataset("cmp/ragged", shape=(3,), dtype=seq, **opts)
    d[0] = np.array([1, 2, 3], dtype=np.int32)
    d[1] = np.array([], dtype=np.int32)
    d[2] = np.array([-4], dtype=np.int32)


def special(f):
    f.create_dataset("shape/scalar", data=np.float64(3.25))
    f.create_dataset("shape/empty", shape=(0, 3), dtype=np.float64)
    f.create_dataset("shape/null", data=h5py.Empty("f8"))
    f.create_dataset("shape/opaque", data=np.array([b"\x01\x02", b"\x03\x04"], dtype="V2"))
    f["committed_type"] = np.dtype("<u2")
    f.create_dataset("shape/uses_committed", data=np.array([5, 6], dtype="<u2"), dtype=f["committed_type"])


def links_and_refs(f):
    g = f.create_group("links/target")
    g.create_dataset("values", data=np.array([1.0, 2.0, 3.0]))
    f["links/soft"] = h5py.SoftLink("/links/target/values")
    f["links/soft_group"] = h5py.SoftLink("/links/target")
    f["links/dangling"] = h5py.SoftLink("/nowhere")
    f["links/external"] = h5py.ExternalLink("other.h5", "/data")
    f["links/again"] = g  # a second hard link to the same group
    refs = f.create_dataset("refs/objects", shape=(3,), dtype=h5py.ref_dtype)
    refs[0] = f["num/matrix"].ref
    refs[1] = g.ref
    refs[2] = f["str/vlen"].ref
    m = f["num/matrix"]
    regs = f.create_dataset("refs/regions", shape=(2,), dtype=h5py.regionref_dtype)
    regs[0] = m.regionref[0:1, 1:3, 0:2]
    regs[1] = m.regionref[1, :, 3]
    f["refs"].attrs["target"] = f["num/matrix"].ref


def attributes(obj, latest):
    a = obj.attrs
    a["i16"] = np.array([-1, 2], dtype=np.int16)
    a["be_u32"] = np.array([7, 4000000000], dtype=">u4")
    a["f32"] = np.float32(0.5)
    a["f16"] = np.array([1.5, -2], dtype=np.float16)
    a["fixed"] = np.bytes_("abc")
    a["names"] = np.array(["x", "yz"], dtype=object)
    a["text"] = "a variable-length string"
    a["flag"] = np.bool_(True)
    a["pair"] = np.array([(1, 2.5)], dtype=[("n", "<i4"), ("v", "<f8")])
    a["matrix"] = np.arange(6, dtype=np.int64).reshape(2, 3)
    a["empty"] = h5py.Empty("i4")
    for k in range(10):  # enough to move the latest file's attributes into dense storage
        a["extra%02d" % k] = k
    if latest and obj.name == "/attrs":
        # Larger than the fractal heap's managed objects (64 KiB): a "huge" object in dense
        # storage (the HDF5 1.8 format cannot hold an attribute this large at all).
        a["large"] = np.arange(8500, dtype=np.float64)


def many_members(f):
    g = f.create_group("many")
    for k in range(40):  # several symbol table nodes (earliest), dense storage (latest)
        g.create_dataset("d%02d" % k, data=np.array([k], dtype=np.int8))


def write(path, libver):
    latest = libver == "latest"
    with h5py.File(path, "w", libver=libver) as f:
        ints_and_floats(f, {})
        f.create_group("chunked")
        ints_and_floats(f["chunked"], dict(chunks=True, compression="gzip", shuffle=True))
        layouts(f, latest)
        strings(f, {})
        strings(f["chunked"], dict(chunks=True))
        compounds(f, {})
        compounds(f["chunked"], dict(chunks=True))
        special(f)
        links_and_refs(f)
        attributes(f["num/matrix"], latest)
        attributes(f.create_group("attrs"), latest)
        many_members(f)


CLASS = {"i": "int", "u": "uint"}


def klass(dt):
    if h5py.check_string_dtype(dt) is not None or dt.kind == "S":
        return "string"
    if h5py.check_enum_dtype(dt) is not None:
        return "enum"
    if dt.kind == "b":
        return "logical"
    if dt.kind in "iu":
        return "%s%d" % (CLASS[dt.kind], 8 * dt.itemsize)
    if dt.kind == "f":
        return {2: "half", 4: "single", 8: "double"}[dt.itemsize]
    if dt.names:
        return "compound"
    if h5py.check_ref_dtype(dt) is h5py.Reference:
        return "reference"
    if h5py.check_ref_dtype(dt) is h5py.RegionReference:
        return "region reference"
    if h5py.check_vlen_dtype(dt) is not None:
        return "vlen"
    if dt.kind == "V":
        return "opaque"
    raise ValueError(dt)


def jsonable(f, v, dt):
    """Flattens h5py's values for JSON: numbers (non-finite as strings), strings, paths."""
    out = []
    for x in np.asarray(v, dtype=object).reshape(-1) if np.ndim(v) else [v]:
        if isinstance(x, bytes):
            out.append(x.decode("utf-8", "replace"))
        elif isinstance(x, str):
            out.append(x)
        elif isinstance(x, h5py.RegionReference):
            out.append({"path": f[x].name, "values": jsonable(f, f[x][x], f[x].dtype)})
        elif isinstance(x, h5py.Reference):
            out.append(f[x].name if x else "")
        else:
            x = float(x)
            out.append(x if math.isfinite(x) else str(x))
    return out


def describe(f, obj, dt, shape, value):
    d = {"class": klass(dt), "shape": list(shape) if shape is not None else None}
    if dt.names:
        d["fields"] = {}
        for name in dt.names:
            sub = dt.fields[name][0]
            base = sub.base if sub.subdtype else sub
            col = value[name] if value is not None else None
            d["fields"][name] = describe(f, obj, base, np.shape(col) if col is not None else None, col)
    elif h5py.check_vlen_dtype(dt) is not None and h5py.check_string_dtype(dt) is None:
        d["sequences"] = [jsonable(f, s, s.dtype) for s in np.asarray(value, dtype=object).reshape(-1)]
    elif value is not None and dt.kind != "V":
        d["values"] = jsonable(f, value, dt)
    return d


def expected(path):
    out = {"datasets": {}, "attributes": {}}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                if obj.shape is None:
                    out["datasets"]["/" + name] = {"class": klass(obj.dtype), "shape": None}
                else:
                    v = obj[()]
                    if h5py.check_string_dtype(obj.dtype) is not None and h5py.check_string_dtype(obj.dtype).encoding == "utf-8" and obj.dtype.kind == "O":
                        v = obj.asstr()[()]
                    out["datasets"]["/" + name] = describe(f, obj, obj.dtype, obj.shape, v)
            for k in obj.attrs:
                a = obj.attrs.get_id(k)
                v = obj.attrs[k]
                key = "/" + name + "@" + k
                if isinstance(v, h5py.Empty):
                    out["attributes"][key] = {"class": klass(a.dtype), "shape": None}
                    continue
                out["attributes"][key] = describe(f, obj, a.dtype, a.shape, v)
        f.visititems(visit)
    return out


# Real recordings cross-checked when ../shared/data is beside the repository (never committed;
# only h5py's summary of them is): path relative to ../shared/data.
REAL = ["nlb-mc_maze_small/sub-Jenkins_ses-small_desc-test_ecephys.nwb"]


def summary(path):
    """Per dataset: class, shape, the NaN-ignoring sum and NaN count of numbers, the first
    three strings (references as target paths)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if not isinstance(obj, h5py.Dataset) or obj.shape is None:
                return
            dt = obj.dtype
            d = {"class": klass(dt), "shape": list(obj.shape)}
            if dt.names or (h5py.check_vlen_dtype(dt) is not None and h5py.check_string_dtype(dt) is None):
                out["/" + name] = d
                return
            v = obj[()]
            if dt.kind in "iufb" and h5py.check_enum_dtype(dt) is None or dt.kind == "b":
                a = np.asarray(v, dtype=np.float64)
                d["sum"] = float(np.nansum(a))
                d["nan"] = int(np.isnan(a).sum())
            else:
                d["first"] = [x[:80] if isinstance(x, str) else x for x in jsonable(f, np.asarray(v).reshape(-1)[:3] if np.ndim(v) else v, dt)]
            out["/" + name] = d
        f.visititems(visit)
    return out


def real():
    import os
    got = {}
    for rel in REAL:
        p = os.path.join("..", "..", "..", "..", "shared", "data", rel)
        if os.path.exists(p):
            got[rel] = summary(p)
    with open("real_h5.json", "w") as fp:
        json.dump(got, fp, indent=0, sort_keys=True)


if __name__ == "__main__":
    real()
    write("types.h5", "earliest")
    write("types_latest.h5", "latest")
    with open("types.json", "w") as fp:
        json.dump({"types.h5": expected("types.h5"), "types_latest.h5": expected("types_latest.h5")}, fp, indent=0, sort_keys=True)
