#!/usr/bin/python3
"""PyTorch reference for the JEDI training-step benchmark.

Times one full training step (zero_grad, forward, backward, Adam step) of the
benchmark model defined in bench/README.md, so that the Go implementation can
be compared against a competent PyTorch implementation on the same machine.

Several implementations of the recurrence are timed (see VARIANTS); by default
all are timed and the fastest is reported as the reference. The last line
printed on stdout is one JSON object; per-variant timings go to stderr unless
--json is given.
"""

import argparse
import json
import os
import statistics
import sys
import time


SIZES = {
    "small": dict(N=128, R=4, T=100, B=32, M=50),
    "large": dict(N=512, R=8, T=200, B=64, M=150),
    "xl": dict(N=1024, R=16, T=500, B=128, M=300),
}
D = 8          # embedding dimension
HIDDEN = 64    # hypernetwork hidden width
ALPHA = 0.1    # dt / tau
LR = 1e-3

# eager-bmm:   autograd through torch.bmm / torch.baddbmm per time step.
# eager-bcast: autograd through broadcast multiply + sum per time step (CPU
#              bmm loops over the batch for these tiny matrices and is slower).
# jit-bcast:   eager-bcast's loop compiled with torch.jit.script.
# custom:      a torch.autograd.Function with the analytic BPTT backward; the
#              weight gradients are one bmm over all time steps after the loop.
# custom-jit:  custom with both time loops compiled by torch.jit.script.
VARIANTS = ("eager-bmm", "eager-bcast", "jit-bcast", "custom", "custom-jit")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", choices=sorted(SIZES), default="small")
    p.add_argument("--steps", type=int, default=20,
                   help="timed steps (at least 10); the median is reported")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps before timing")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--variant", choices=VARIANTS + ("best",), default="best",
                   help="implementation to time; 'best' times all and reports the fastest")
    p.add_argument("--json", action="store_true",
                   help="print only the final JSON line (no per-variant log on stderr)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--check", action="store_true",
                   help="check loss and gradients of every variant against a naive "
                        "implementation that forms W explicitly, then exit")
    args = p.parse_args(argv)
    if args.steps < 10:
        p.error("--steps must be at least 10")
    if args.threads < 1:
        p.error("--threads must be at least 1")
    if args.warmup < 0:
        p.error("--warmup must not be negative")
    return args


def step_flops(N, R, T, B, M):
    """Floating-point operations of one training step, counting matmuls only.

    A multiply-add is 2 flops. Forward: the hypernetwork (three dense layers),
    the recurrence (Vᵀφ then U·z for T-1 steps) and the readout of all T
    states. Backward of a matmul costs two matmuls of the same size (the
    gradient with respect to each operand), so a step is 3× the forward.
    Elementwise work (tanh, leaky update, loss, Adam) is O(B·T·(N+M)) and
    left out: it is small against the readout and recurrence terms.
    """
    hyper = 2 * B * (D * HIDDEN + HIDDEN * HIDDEN + HIDDEN * 2 * N * R)
    recur = (T - 1) * 2 * (2 * B * N * R)
    readout = 2 * B * T * M * N
    fwd = hyper + recur + readout
    return dict(hyper=hyper, recurrence=recur, readout=readout,
                forward=fwd, step=3 * fwd)


def build(torch, size, seed):
    """Parameters and the fixed random target (B, T, M) of the benchmark model."""
    g = torch.Generator().manual_seed(seed)
    N, R, T, B, M = (size[k] for k in "NRTBM")

    def param(*shape, scale):
        return torch.nn.Parameter(torch.randn(*shape, generator=g) * scale)

    p = dict(
        E=param(B, D, scale=1.0),
        x0=param(B, N, scale=0.5),
        W1=param(HIDDEN, D, scale=D ** -0.5), b1=param(HIDDEN, scale=0.0),
        W2=param(HIDDEN, HIDDEN, scale=HIDDEN ** -0.5), b2=param(HIDDEN, scale=0.0),
        W3=param(2 * N * R, HIDDEN, scale=HIDDEN ** -0.5), b3=param(2 * N * R, scale=0.0),
        b=param(N, scale=0.0),
        C=param(M, N, scale=N ** -0.5), c=param(M, scale=0.0),
    )
    target = torch.randn(B, T, M, generator=g)
    return p, target


def make_rollout(torch, variant):
    """A function rollout(x0, U, V, b, alpha, T) -> Φ for the recurrence

        x_{t+1} = (1-α) x_t + α (U (Vᵀ φ(x_t)) / N + b),   φ = tanh,

    with x0 (B, N), U and V (B, N, R), b (N); Φ (T, B, N) stacks φ(x_t) for
    t = 0..T-1, time-major so that the readout is one contiguous matmul.
    φ(x_t) is computed once and used by both the recurrence and the readout.
    """

    def bmm(x0, U, V, b, alpha: float, T: int):
        N = x0.shape[1]
        Ua = U * (alpha / N)                     # (B, N, R)
        Vt = V.transpose(1, 2)                   # (B, R, N)
        ab = (alpha * b).unsqueeze(1)            # (N, 1)
        x = x0.unsqueeze(2)                      # (B, N, 1)
        phis = []
        for _ in range(T - 1):
            p = torch.tanh(x)
            phis.append(p)
            x = torch.baddbmm(torch.add(ab, x, alpha=1.0 - alpha), Ua, torch.bmm(Vt, p))
        phis.append(torch.tanh(x))
        return torch.stack(phis).squeeze(3)

    def bcast(x0, U, V, b, alpha: float, T: int):
        N = x0.shape[1]
        Ut = (U * (alpha / N)).transpose(1, 2).contiguous()   # (B, R, N)
        Vt = V.transpose(1, 2).contiguous()                   # (B, R, N)
        ab = alpha * b
        x = x0
        phis = []
        for _ in range(T - 1):
            p = torch.tanh(x)
            phis.append(p)
            z = (Vt * p.unsqueeze(1)).sum(2)                  # (B, R)
            x = torch.add(ab, x, alpha=1.0 - alpha) + (Ut * z.unsqueeze(2)).sum(1)
        phis.append(torch.tanh(x))
        return torch.stack(phis)

    if variant == "eager-bmm":
        return bmm
    if variant == "eager-bcast":
        return bcast
    if variant == "jit-bcast":
        return torch.jit.script(bcast)
    if variant == "custom":
        return make_custom_rollout(torch)
    if variant == "custom-jit":
        return make_custom_rollout(torch, script=True)
    raise ValueError(f"unknown variant {variant!r}")


def make_custom_rollout(torch, script=False):
    """The rollout as a torch.autograd.Function with an analytic backward.

    Forward stores Φ (T, B, N) and z_t = Vᵀφ_t (T-1, B, R). Backward runs
    BPTT with λ_t = ∂L/∂x_t:

        λ_{T-1} = G_{T-1} ⊙ (1-φ²_{T-1})
        dz_t    = (α/N) Uᵀ λ_{t+1}
        λ_t     = (1-α) λ_{t+1} + (G_t + V dz_t) ⊙ (1-φ_t²)

    and, once after the loop, as batched matmuls over all t:
    ∂L/∂U = (α/N) Σ_t λ_{t+1} z_tᵀ, ∂L/∂V = Σ_t φ_t dz_tᵀ, ∂L/∂b = α Σ λ_{t+1},
    ∂L/∂x0 = λ_0. With script, both time loops are compiled by
    torch.jit.script, which removes the Python interpreter from the loops.
    """

    def forward_loop(x0, Ut, Vt, ab, alpha: float, T: int):
        B, N = x0.shape
        phi = x0.new_empty([T, B, N])
        z = x0.new_empty([T - 1, B, Ut.shape[1]])
        x = x0
        for t in range(T - 1):
            p = torch.tanh(x)
            phi[t] = p
            zt = (Vt * p.unsqueeze(1)).sum(2)
            z[t] = zt
            x = torch.add(ab, x, alpha=1.0 - alpha) + (Ut * zt.unsqueeze(2)).sum(1)
        phi[T - 1] = torch.tanh(x)
        return phi, z

    def backward_loop(G, Ut, Vt, phi, alpha: float):
        T = phi.shape[0]
        dphi = 1.0 - phi * phi                       # φ'(x_t), (T, B, N)
        lam = torch.empty_like(phi)                  # λ_t
        dz = phi.new_empty([T - 1, phi.shape[1], Ut.shape[1]])
        g = G[T - 1] * dphi[T - 1]
        lam[T - 1] = g
        for i in range(T - 1):
            t = T - 2 - i
            dzt = (Ut * g.unsqueeze(1)).sum(2)
            dz[t] = dzt
            gp = G[t] + (Vt * dzt.unsqueeze(2)).sum(1)
            g = torch.addcmul(g * (1.0 - alpha), gp, dphi[t])
            lam[t] = g
        return lam, dz

    if script:
        forward_loop = torch.jit.script(forward_loop)
        backward_loop = torch.jit.script(backward_loop)

    class Rollout(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x0, U, V, b, alpha, T):
            N = x0.shape[1]
            Ut = (U * (alpha / N)).transpose(1, 2).contiguous()   # (B, R, N)
            Vt = V.transpose(1, 2).contiguous()                   # (B, R, N)
            phi, z = forward_loop(x0, Ut, Vt, alpha * b, alpha, T)
            ctx.save_for_backward(Ut, Vt, phi, z)
            ctx.alpha = alpha
            return phi

        @staticmethod
        def backward(ctx, G):
            Ut, Vt, phi, z = ctx.saved_tensors
            alpha = ctx.alpha
            lam, dz = backward_loop(G.contiguous(), Ut, Vt, phi, alpha)
            N = phi.shape[2]
            L = lam[1:].permute(1, 2, 0)                 # (B, N, T-1)
            dU = torch.bmm(L, z.transpose(0, 1)) * (alpha / N)
            dV = torch.bmm(phi[:-1].permute(1, 2, 0), dz.transpose(0, 1))
            db = alpha * lam[1:].sum((0, 1))
            return lam[0], dU, dV, db, None, None

    def rollout(x0, U, V, b, alpha, T):
        return Rollout.apply(x0, U, V, b, alpha, T)

    return rollout


def make_step(torch, variant, size, params, target, lr=LR):
    """One training step: zero_grad, forward, loss, backward, Adam step.

    target is (B, T, M); it is stored time-major once here, outside the timed
    step, to match Φ's layout (the mean over all elements does not change).
    """
    N, R, T = size["N"], size["R"], size["T"]
    rollout = make_rollout(torch, variant)
    opt = torch.optim.Adam(params.values(), lr=lr)
    p = params
    F = torch.nn.functional
    target_tm = target.transpose(0, 1).contiguous()             # (T, B, M)

    def step():
        opt.zero_grad(set_to_none=True)
        h = torch.tanh(F.linear(p["E"], p["W1"], p["b1"]))
        h = torch.tanh(F.linear(h, p["W2"], p["b2"]))
        out = F.linear(h, p["W3"], p["b3"])                       # (B, 2NR)
        U = out[:, :N * R].reshape(-1, N, R)                      # (B, N, R)
        V = out[:, N * R:].reshape(-1, N, R)
        phi = rollout(p["x0"], U, V, p["b"], ALPHA, T)            # (T, B, N)
        y = F.linear(phi, p["C"], p["c"])                         # (T, B, M)
        loss = F.mse_loss(y, target_tm)
        loss.backward()
        opt.step()
        return loss

    return step


def naive_loss(torch, size, p, target):
    """Loss of the benchmark model computed the slow, obvious way: W_s = U Vᵀ/N
    formed per segment, one matrix-vector product per segment and time step."""
    N, R, T = size["N"], size["R"], size["T"]
    h = torch.tanh(p["E"] @ p["W1"].T + p["b1"])
    h = torch.tanh(h @ p["W2"].T + p["b2"])
    out = h @ p["W3"].T + p["b3"]
    total = 0.0
    for s in range(out.shape[0]):
        U = out[s, :N * R].reshape(N, R)
        V = out[s, N * R:].reshape(N, R)
        W = U @ V.T / N
        x = p["x0"][s]
        for t in range(T):
            y = p["C"] @ torch.tanh(x) + p["c"]
            total = total + ((y - target[s, t]) ** 2).sum()
            x = (1 - ALPHA) * x + ALPHA * (W @ torch.tanh(x) + p["b"])
    return total / target.numel()


def check(torch, size, seed):
    """Compare each variant's loss and gradients with naive_loss in float64.

    Returns the worst relative error over all variants and parameters."""
    torch.set_default_dtype(torch.float64)
    ref_p, target = build(torch, size, seed)
    ref_p = {k: torch.nn.Parameter(v.detach().double()) for k, v in ref_p.items()}
    target = target.double()
    ref = naive_loss(torch, size, ref_p, target)
    ref.backward()
    worst = 0.0
    for v in VARIANTS:
        p = {k: torch.nn.Parameter(t.detach().clone()) for k, t in ref_p.items()}
        # A learning rate of zero leaves the parameters alone, so the
        # gradients left after step() belong to the point the loss was taken at.
        step = make_step(torch, v, size, p, target, lr=0.0)
        loss = step()
        errs = {"loss": abs(float(loss) - float(ref)) / abs(float(ref))}
        for k in p:
            errs[k] = float((p[k].grad - ref_p[k].grad).norm() / ref_p[k].grad.norm())
        name, err = max(errs.items(), key=lambda kv: kv[1])
        print(f"check {v}: worst relative error {err:.2e} ({name})", file=sys.stderr)
        worst = max(worst, err)
    torch.set_default_dtype(torch.float32)
    return worst


def time_variants(torch, variants, size, steps, warmup, seed):
    """Time one training step of each variant, interleaved.

    The variants take turns step by step, so that a change in the load of a
    shared machine falls on all of them alike. Returns, per variant, the wall
    and CPU (process) times of each timed step in seconds and the last
    warm-up loss.
    """
    steps_by_variant = {}
    loss = {}
    for v in variants:
        params, target = build(torch, size, seed)
        steps_by_variant[v] = make_step(torch, v, size, params, target)
        loss[v] = float("nan")
        for _ in range(warmup):
            loss[v] = float(steps_by_variant[v]())
    wall = {v: [] for v in variants}
    cpu = {v: [] for v in variants}
    for _ in range(steps):
        for v in variants:
            w0, c0 = time.perf_counter(), time.process_time()
            steps_by_variant[v]()
            cpu[v].append(time.process_time() - c0)
            wall[v].append(time.perf_counter() - w0)
    return wall, cpu, loss


def main(argv):
    args = parse_args(argv)
    # Torch's BLAS here is Debian's OpenBLAS, whose pool is sized by its own
    # variable rather than by torch.set_num_threads; use the same count unless
    # the caller set it. GNU OpenMP's default is to spin-wait at barriers, which
    # on a machine with more runnable threads than cores (a shared 2-core box)
    # makes steps 5-10x slower; passive waiting costs nothing when cores are free.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    torch.set_num_threads(args.threads)
    torch.set_default_dtype(torch.float32)
    size = SIZES[args.size]
    if args.check:
        worst = check(torch, dict(size, T=min(size["T"], 20), B=min(size["B"], 4)), args.seed)
        if worst > 1e-9:
            sys.exit(f"check failed: relative error {worst:.2e} > 1e-9")
        return
    variants = VARIANTS if args.variant == "best" else (args.variant,)

    wall, cpu, loss = time_variants(torch, variants, size, args.steps, args.warmup, args.seed)
    med = {v: statistics.median(wall[v]) * 1e3 for v in variants}
    if not args.json:
        for v in variants:
            print(f"{args.size} {v}: median {med[v]:.3f} ms/step (min {min(wall[v]) * 1e3:.3f}, "
                  f"max {max(wall[v]) * 1e3:.3f}, median CPU {statistics.median(cpu[v]) * 1e3:.3f}; "
                  f"warm-up loss {loss[v]:.4f})", file=sys.stderr)

    best = min(med, key=med.get)
    flops = step_flops(**size)
    print(json.dumps({
        "impl": "pytorch",
        "size": args.size,
        "ms_per_step": round(med[best], 4),
        "threads": args.threads,
        "openblas_threads": int(os.environ["OPENBLAS_NUM_THREADS"]),
        "omp_wait_policy": os.environ["OMP_WAIT_POLICY"],
        "torch": torch.__version__,
        "steps": args.steps,
        "variant": best,
        "min_ms_per_step": round(min(wall[best]) * 1e3, 4),
        "cpu_ms_per_step": round(statistics.median(cpu[best]) * 1e3, 4),
        "variants_ms": {k: round(v, 4) for k, v in med.items()},
        "gflop_per_step": round(flops["step"] / 1e9, 6),
    }))


if __name__ == "__main__":
    main(sys.argv[1:])
