"""Recompute, with NumPy alone, the train.align anchors a model file gives a dataset's segments.

    python3 examples/sessions/anchors.py RUN/model.npz DATA.npz EMB.npz

EMB.npz is `jedi infer --run RUN --data DATA.npz --out EMB.npz --heldout --steps 0`: with no
optimisation step an aligned model's embeddings are the anchors (docs/sessions.md, "Aligning the
sessions"). This reads the align/ arrays of the model file as documented in train/modelfile.go and
applies the map of train.Alignment to the held-out segments, independently of the Go code, and
prints the largest difference from jedi's anchors.
"""
import json
import sys

import numpy as np


def lag_moments(z, lags=(0, 1, 2, 4, 8)):
    """The mean and lagged covariances of a T × F trajectory (train/align.go lagMoments)."""
    T, _ = z.shape
    mu = z.mean(axis=0)
    c = z - mu
    out = [mu]
    for L in lags:
        if L < T:
            out.append((c[: T - L].T @ c[L:]).ravel() / (T - L))
    return np.concatenate(out)


def anchors(model, data, segments):
    meta = json.loads(bytes(model["align/meta_json"]).decode())
    Tc, F, W = meta["tc"], meta["factors"], meta["windows"]
    mean, scale = model["align/mean"], model["align/scale"]
    fmean, project = model["align/feature_mean"], model["align/project"]
    y = data["activity"]  # S × T × M
    S, _, M = y.shape
    observed = data["observed"].astype(bool) if "observed" in data.files else np.ones((S, M), bool)
    if "label_session" in data.files:
        ses = [str(v) for v in data["label_session"]]
    else:
        ses = ["all"] * S
    out = np.zeros((len(segments), project.shape[1]))
    for i, s in enumerate(segments):
        k = meta["sessions"].index(ses[s])
        ns = model[f"align/neurons/{k}"]
        R = model[f"align/readin/{k}"]
        Ys = (y[s, :Tc, ns].T - mean[ns]) * scale[ns]  # Tc × n_k
        Ys[:, ~observed[s, ns]] = 0
        z = Ys @ R  # Tc × F
        if meta["features"] == "moments":
            f = lag_moments(z)
        else:
            win = np.arange(Tc) * W // Tc
            f = np.stack([z[win == w].mean(axis=0) for w in range(W)]).ravel()
        out[i] = (f - fmean) @ project
    return out


def main():
    model, data, emb = (np.load(p) for p in sys.argv[1:4])
    held = model["heldout"]
    want = anchors(model, data, held)
    got = emb["embeddings"]
    print(f"{len(held)} held-out segments: largest |jedi − NumPy| {np.abs(got - want).max():.3g}, "
          f"anchors up to {np.abs(want).max():.3g}")


if __name__ == "__main__":
    main()
