#!/usr/bin/python3
"""Writes the recording fixtures of the data/recipe tests, one per layout a recipe can read.

Run from this directory with Debian's Python (apt-get install python3-h5py python3-numpy
python3-scipy):

    /usr/bin/python3 make_fixtures.py

Every file holds the same small experiment, so that the tests can compare layouts with each
other and with the numbers below: K = 6 trials of M = 3 neurons, 1 ms bins (T = 200), spike
counts drawn with a fixed seed, a condition ("left"/"right"), a numeric target (1..3), and a
go cue at 50 + 10 k ms. The expected binned counts are computed here with numpy and stored in
expected.npz, an independent check of the Go binning.

    structs.mat    v5: struct array D(k).data (neurons × bins), .condition (char), .target,
                   .go (ms), .spk (a cell of each neuron's spike times, ms), .dur (ms); a parallel vector cond_vec; a matrix info (trials × 3: go, target,
                   k); a 1×1 struct S whose field trials is the same struct array
    cells.mat      v5: cell array C{k} = bins × neurons; labels in a parallel cell of chars
    before_after.mat  v5: two variables before, after (trials × neurons × bins, spike counts)
    arrays.h5      plain HDF5: the tensor X below, and trials/counts (K × M × T uint8, chunked,
                   deflate + shuffle)
    tensor.npz     X: rates, neuron × condition × time (3 × 4 × 5), value 100c + 10t + m
    trials.nwb     NWB layout (h5py): /units with ragged spike_times (s, session clock) and a
                   quality column; /intervals/trials with start_time, stop_time,
                   go_cue_time, move_onset_time (one NaN), a string condition and a numeric
                   target column; trial k spans [2k, 2k + 0.2) s; a TimeSeries of rates
                   (100 Hz, starting_time 0) and a behavioural series with timestamps
    continuous.npz X: 300 bins × 2 neurons of 10 ms from 0.5 s (value 1000 m + i), also as Xt
                   (neurons × time) with timestamps t; a trial table (start, stop, go in s); a
                   per-bin label phase (rest, move, rest)
    pool/u*.npz    one file per unit and block: eventtimes (trials × [TS, GO, MO, TE], int ms,
                   one TE missing as int64 min), event_names, spiketimes (3 × spikes: time ms from
                   trial start, trial index from 0, direction), plus toc.npz (files, condition,
                   unit) as in riehle-joe
    multiunit.npz  two units of one spike table (spikes × [time, trial, unit, direction])
    simultaneous/  the same two units recorded together, one file each (u5.npz, u9.npz): the
                   same eventtimes, spiketimes (3 × spikes: time, trial, direction) as pool's
    expected.npz   numpy's binned counts for the struct-array trials and the NWB trials, the
                   pool fixture's condition averages, and the counts with one fractional entry
"""
import os

import h5py
import numpy as np
import scipy.io

rng = np.random.default_rng(7)
K, M, T = 6, 3, 200
COUNTS = rng.poisson(0.05, size=(K, M, T)).astype(np.float64)  # 1 ms bins: ~50 Hz
COND = ["left", "right", "left", "right", "left", "right"]
TARGET = [1.0, 2.0, 3.0, 1.0, 2.0, 3.0]
GO = [50.0 + 10 * k for k in range(K)]


def mat_fixtures():
    D = np.zeros((1, K), dtype=[("data", object), ("condition", object), ("target", object), ("go", object),
                                ("spk", object), ("dur", object)])
    for k in range(K):
        # spk{m}: neuron m's spike times in ms from the trial's start, one per count, at the
        # middle of its 1 ms bin; dur: the trial's length in ms.
        spk = np.empty((1, M), dtype=object)
        for m in range(M):
            spk[0, m] = np.repeat(np.arange(T) + 0.5, COUNTS[k, m].astype(int)).reshape(1, -1)
        D[0, k] = (COUNTS[k], COND[k], TARGET[k], GO[k], spk, float(T))
    info = np.array([[GO[k], TARGET[k], k] for k in range(K)])
    S = {"trials": D, "note": "a 1x1 struct holding the trial array"}
    scipy.io.savemat("structs.mat", {"D": D, "cond_vec": np.array(TARGET)[None, :], "info": info, "S": S},
                     do_compression=False, oned_as="row")
    C = np.empty((1, K), dtype=object)
    L = np.empty((K, 1), dtype=object)
    for k in range(K):
        C[0, k] = COUNTS[k].T.copy()  # bins × neurons
        L[k, 0] = COND[k]
    scipy.io.savemat("cells.mat", {"C": C, "labels": L}, do_compression=True)
    scipy.io.savemat("before_after.mat", {"before": COUNTS[:3], "after": COUNTS[3:]})


def tensor_fixture():
    X = np.zeros((3, 4, 5))
    for m in range(3):
        for c in range(4):
            for t in range(5):
                X[m, c, t] = 100 * c + 10 * t + m
    np.savez("tensor.npz", X=X)
    # The same tensor and the struct array's counts as plain HDF5 datasets (trials × neurons ×
    # bins), the second chunked and compressed.
    with h5py.File("arrays.h5", "w") as f:
        f.create_dataset("X", data=X)
        f.create_dataset("trials/counts", data=COUNTS.astype(np.uint8), chunks=(1, M, T), compression="gzip", shuffle=True)


def nwb_fixture():
    spikes = [[] for _ in range(M)]
    for k in range(K):
        for m in range(M):
            for t in range(T):
                # counts spikes at distinct times inside ms bin t of trial k, session clock (s)
                n = int(COUNTS[k, m, t])
                for j in range(n):
                    spikes[m].append(2.0 * k + (t + (j + 1) / (n + 1)) / 1000.0)
    with h5py.File("trials.nwb", "w") as f:
        f.attrs["neurodata_type"] = "NWBFile"
        f.attrs["nwb_version"] = "2.4.0"
        f.attrs["namespace"] = "core"
        u = f.create_group("units")
        u.attrs["colnames"] = np.array(["spike_times", "quality"], dtype=h5py.string_dtype())
        u.attrs["neurodata_type"] = "Units"
        u.create_dataset("id", data=np.array([10, 20, 30], dtype=np.int64))
        flat = np.concatenate([np.array(s) for s in spikes])
        u.create_dataset("spike_times", data=flat)
        u.create_dataset("spike_times_index", data=np.cumsum([len(s) for s in spikes]).astype(np.uint64))
        u.create_dataset("quality", data=np.array(["good", "good", "mua"], dtype=object), dtype=h5py.string_dtype())
        tr = f.create_group("intervals/trials")
        tr.attrs["colnames"] = np.array(["start_time", "stop_time", "go_cue_time", "move_onset_time", "condition", "target"], dtype=h5py.string_dtype())
        tr.attrs["neurodata_type"] = "TimeIntervals"
        tr.create_dataset("id", data=np.arange(K, dtype=np.int64))
        tr.create_dataset("start_time", data=2.0 * np.arange(K))
        tr.create_dataset("stop_time", data=2.0 * np.arange(K) + T / 1000.0)
        tr.create_dataset("go_cue_time", data=2.0 * np.arange(K) + np.array(GO) / 1000.0)
        mo = 2.0 * np.arange(K) + np.array(GO) / 1000.0 + 0.05
        mo[3] = np.nan
        tr.create_dataset("move_onset_time", data=mo)
        tr.create_dataset("condition", data=np.array(COND, dtype=object), dtype=h5py.string_dtype())
        tr.create_dataset("target", data=np.array(TARGET))
        # A TimeSeries of rates at 100 Hz from 0 s (value 1000 m + i at bin i) and a behavioural
        # series with timestamps (hand position x, y at 50 Hz from 0.01 s).
        ts = f.create_group("processing/ecephys/rates")
        ts.attrs["neurodata_type"] = "TimeSeries"
        ts.create_dataset("data", data=np.array([[1000.0 * m + i for m in range(2)] for i in range(1200)]))
        st = ts.create_dataset("starting_time", data=0.0)
        st.attrs["rate"] = 100.0
        st.attrs["unit"] = "seconds"
        hand = f.create_group("processing/behavior/hand")
        hand.attrs["neurodata_type"] = "SpatialSeries"
        hand.create_dataset("data", data=np.array([[np.sin(i / 10.0), np.cos(i / 10.0)] for i in range(600)]))
        hand.create_dataset("timestamps", data=0.01 + 0.02 * np.arange(600))


def continuous_fixtures():
    # 10 ms bins from t = 0.5 s; value 1000 m + i at bin i, neuron m (rates, any real number).
    T, Mc = 300, 2
    X = np.array([[1000.0 * m + i for m in range(Mc)] for i in range(T)])
    # Trial table: start, stop, go (s); the third trial ends past the data.
    trials = np.array([[0.6, 1.0, 0.8], [1.5, 2.05, 1.7], [3.6, 4.0, 3.8]])
    phase = np.array(["rest"] * 100 + ["move"] * 50 + ["rest"] * 150)
    np.savez("continuous.npz", X=X, Xt=X.T.copy(), trials=trials, phase=phase,
             t=0.5 + 0.01 * np.arange(T))
    return X


def pool_fixtures():
    os.makedirs("pool", exist_ok=True)
    files, cond, unit = [], [], []
    prng = np.random.default_rng(11)
    for u in range(3):  # three units
        for block in (1, 2):  # each recorded in two condition blocks, as riehle-joe's sessions
            name = "u%d_b%d.npz" % (u, block)
            n = 8 + u
            ev = np.zeros((n, 4), dtype=np.int64)
            ev[:, 1] = 300  # GO
            ev[:, 2] = 300 + 150 + prng.integers(0, 50, n)  # MO
            ev[:, 3] = 900  # TE
            if u == 1 and block == 2:
                ev[0, 3] = np.iinfo(np.int64).min  # TE missing: the trial has no end
            direction = 1 + (np.arange(n) % 2)
            rows = []
            for k in range(n):
                rate = 20 + 10 * u + 15 * direction[k] + 5 * block  # Hz
                ts = np.sort(prng.uniform(0, 900, prng.poisson(rate * 0.9)))
                if u == 2 and k == 1:
                    ts = ts[:0]  # a trial without spikes: one NaN row keeps its direction
                if len(ts) == 0:
                    rows.append([np.nan, k, direction[k]])
                for t in ts:
                    rows.append([np.floor(t), k, direction[k]])
            np.savez(os.path.join("pool", name), eventtimes=ev, event_names=np.array(["TS", "GO", "MO", "TE"]),
                     spiketimes=np.array(rows).T, column_names=np.array(["spiketime", "trial", "direction"]))
            files.append(name)
            cond.append(block)
            unit.append(100 + u)
    # Two units in one spike table (a unit field): unit 5 is u2_b1's spikes, unit 9 those
    # before 450 ms; fields time, trial, unit, direction.
    z = np.load(os.path.join("pool", "u2_b1.npz"))
    sp = z["spiketimes"]
    early = sp[:, ~(sp[0] >= 450)]
    both = np.concatenate([np.vstack([sp[:2], np.full(sp.shape[1], 5.0), sp[2:]]),
                           np.vstack([early[:2], np.full(early.shape[1], 9.0), early[2:]])], axis=1)
    np.savez("multiunit.npz", eventtimes=z["eventtimes"], event_names=z["event_names"], spiketimes=both.T.copy())
    files.append("absent.npz")  # a row for a file not here (the other monkey's)
    cond.append(3)
    unit.append(999)
    np.savez(os.path.join("pool", "toc.npz"), files=np.array(files), condition=np.array(cond), unit=np.array(unit))


def simultaneous_fixtures():
    # multiunit.npz's two units, one file per unit as riehle-joe's units of one session: the
    # same trials (eventtimes), each file's spike table time, trial, direction, and a NaN-time
    # row for a trial in which its unit did not fire (it keeps the trial's direction).
    os.makedirs("simultaneous", exist_ok=True)
    z = np.load("multiunit.npz")
    sp = z["spiketimes"].T  # fields × spikes: time, trial, unit, direction
    n = z["eventtimes"].shape[0]
    direction = {int(k): d for k, d in zip(sp[1], sp[3])}
    for u in (5, 9):
        mine = sp[:, sp[2] == u]
        rows = [mine[[0, 1, 3]]]
        for k in range(n):
            if not np.any(mine[1] == k):
                rows.append(np.array([[np.nan], [k], [direction[k]]]))
        np.savez(os.path.join("simultaneous", "u%d.npz" % u), eventtimes=z["eventtimes"],
                 event_names=z["event_names"], spiketimes=np.concatenate(rows, axis=1))


def expected():
    # Struct-array trials: 20 ms bins of the 1 ms counts (sums of 20 consecutive bins).
    binned = COUNTS.reshape(K, M, T // 20, 20).sum(axis=3)
    # NWB trials: spikes binned by numpy.histogram over [start, start + 0.2] in 20 ms bins.
    with h5py.File("trials.nwb", "r") as f:
        st, idx = f["units/spike_times"][:], f["units/spike_times_index"][:]
        units = np.split(st, idx[:-1])
        start = f["intervals/trials/start_time"][:]
    nwb = np.zeros((K, M, 10))
    for k in range(K):
        for m in range(M):
            nwb[k, m], _ = np.histogram(units[m], bins=start[k] + np.arange(11) * 0.02)
    # The pool fixture's condition averages, numpy's way: per unit (100, 101, 102), block
    # (condition 1, 2), direction (1, 2) and epoch (prep: GO − 200 … + 100 ms, move: MO − 100 …
    # + 200 ms, 50 ms bins), the mean spike count per bin over the trials with every event
    # (TE not missing). Shape: unit × condition × direction × epoch × 6 bins.
    pool_avg = np.zeros((3, 2, 2, 2, 6))
    for u in range(3):
        for block in (1, 2):
            z = np.load(os.path.join("pool", "u%d_b%d.npz" % (u, block)))
            ev, sp = z["eventtimes"], z["spiketimes"]
            for d in (1, 2):
                for e, (col, lo) in enumerate(((1, -200), (2, -100))):
                    rows = []
                    for k in range(ev.shape[0]):
                        if ev[k, 3] == np.iinfo(np.int64).min:
                            continue
                        dk = sp[2, sp[1] == k]
                        if len(dk) == 0 or dk[0] != d:
                            continue
                        t = sp[0, (sp[1] == k) & ~np.isnan(sp[0])]
                        # Bins closed on the left, open on the right, the last one too (a
                        # window's end is not the trial's end; numpy.histogram would close it).
                        b = np.floor((t - (ev[k, col] + lo)) / 50).astype(int)
                        rows.append(np.bincount(b[(b >= 0) & (b < 6)], minlength=6))
                    pool_avg[u, block - 1, d - 1, e] = np.mean(rows, axis=0)
    frac = COUNTS.copy()
    frac[2, 1, 17] = 0.5  # not a count: trial 3, neuron 2, bin 18 in 1-based words
    np.savez("expected.npz", struct_binned=binned, nwb_binned=nwb, counts=COUNTS, fractional=frac,
             pool_average=pool_avg)


if __name__ == "__main__":
    mat_fixtures()
    tensor_fixture()
    continuous_fixtures()
    nwb_fixture()
    pool_fixtures()
    simultaneous_fixtures()
    expected()
