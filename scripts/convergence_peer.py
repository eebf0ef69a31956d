#!/usr/bin/env python3
"""A vectorised NumPy peer of `rbm-study convergence` on the smooth system (a benchmark, not a test;
see scripts/bench-peers.sh, which times both and checks that their error tables agree).

What it computes: the same study as `rbm-study convergence --system smooth` (its defaults unless an
option says otherwise), with NumPy's own random numbers (so equal in law, not bit for bit):

  dynamics   dXᵢ = −Xᵢ dt + (1/(N−1)) Σ_{j≠i} K(Xᵢ − Xⱼ) dt + σ dBᵢ,  K(z) = 0.25·z/√(1 + ‖z‖²),
             X(0) i.i.d. N(0, I_d); defaults N = 64, d = 2, σ = 0.5, T = 2, 100 trajectories.
  reference  Euler–Maruyama at h = min τ / r (r = --reference-refinement, default 8) with the exact
             O(N²) drift, driven by the fine Brownian increments ΔW ~ N(0, h·I).
  full EM    Euler–Maruyama at every τ (default 2⁻³ … 2⁻⁸) with the exact drift, driven by the
             fine increments summed into steps of τ (the same Brownian path as the reference).
  RBM        the same scheme with the Random Batch drift at every (p, τ) (default p = 2, 4, 8): a fresh
             uniform permutation per step and trajectory cut into batches of p (remainder rule: a
             leftover r ≥ 2 forms a smaller batch, r = 1 joins the last batch), weight 1/(s − 1)
             in a batch of s; the same path and X(0) as full EM.
  errors     at T and at the checkpoints t = j·T/K (K the largest ≤ 4 that every τ allows): strong
             (RBM − reference), batch (RBM − full EM) and time (full EM − reference) errors as RMS
             over particles and trajectories, √(mean over trajectories of (1/N) Σᵢ ‖aᵢ − bᵢ‖²), with
             the delta-method SE; the weak error of f(X) = (1/N) Σᵢ ‖Xᵢ(T)‖², RBM minus reference,
             as mean ± SE over trajectories.
  work       per trajectory T/h + Σ_τ T/τ exact drift evaluations and |P|·Σ_τ T/τ random-batch ones,
             as rbm-study (printed at the end). The order fits, verdicts and bootstrap intervals that
             rbm-study adds on top of these errors are not computed here.

How: arrays of shape [trajectories, N, d]; each drift evaluation handles every trajectory at once
(pairwise differences per coordinate, one square root per pair, Σⱼ sᵢⱼ(xᵢ − xⱼ) as a row sum minus a
batched matrix product); a Python loop runs over time steps only. The fine Brownian path is drawn
in blocks of one coarsest step and summed into each level's increments as it goes.

Run:  python3 scripts/convergence_peer.py [--trajectories M] [--particles N] [--dim d] [--noise σ]
          [--horizon T] [--dt τ₁,τ₂,…] [--batch-sizes p₁,p₂,…] [--reference-refinement r]
          [--checkpoints K] [--seed S] [--format table|json]
Needs NumPy only. Prints the error table (or one JSON document) on stdout.
"""
import argparse
import json
import math
import sys
import time

import numpy as np

KERNEL_STRENGTH = 0.25  # K(z) = 0.25·z/√(1+‖z‖²)
CONFINEMENT = 1.0  # V(x) = ½‖x‖²


def weighted_pair_sums(x, weight):
    """Σ_{j} w·K(xᵢ − xⱼ) within each group of rows: x has shape [..., s, d]; same shape back.

    Differences per coordinate (no [..., s, s, d] temporary), one square root per pair; the
    j = i term is zero. Σⱼ cᵢⱼ(xᵢ − xⱼ) = xᵢ Σⱼ cᵢⱼ − (C x)ᵢ with cᵢⱼ = w·0.25/√(1 + ‖xᵢ − xⱼ‖²)."""
    squared = np.zeros(x.shape[:-1] + (x.shape[-2],))
    for c in range(x.shape[-1]):
        z = x[..., :, None, c] - x[..., None, :, c]
        z *= z
        squared += z
    squared += 1.0
    np.sqrt(squared, out=squared)
    coefficients = np.divide(weight * KERNEL_STRENGTH, squared, out=squared)
    return coefficients.sum(axis=-1)[..., None] * x - coefficients @ x


def exact_drift(x):
    """−∇V(xᵢ) + (1/(N−1)) Σ_{j≠i} K(xᵢ − xⱼ) for every trajectory: O(M·N²·d)."""
    n = x.shape[1]
    return weighted_pair_sums(x, 1.0 / (n - 1)) - CONFINEMENT * x


def batch_groups(n, p):
    """The batches of a permutation of n entries as (start, count, size) runs of equal-size batches."""
    full, remainder = divmod(n, p)
    if remainder == 0:
        return [(0, full, p)]
    if remainder == 1:
        groups = [(0, full - 1, p)] if full > 1 else []
        return groups + [((full - 1) * p, 1, p + 1)]
    return [(0, full, p), (full * p, 1, remainder)]


def random_batch_drift(x, groups, rng):
    """−∇V(xᵢ) + (1/(s−1)) Σ_{j∈C, j≠i} K(xᵢ − xⱼ), C the batch of i in a fresh uniform permutation
    per trajectory: O(M·N·p·d)."""
    m, n, d = x.shape
    permutation = rng.random((m, n)).argsort(axis=1)
    rows = np.arange(m)[:, None]
    gathered = x[rows, permutation]
    sums = np.empty_like(gathered)
    for start, count, size in groups:
        block = gathered[:, start:start + count * size].reshape(m, count, size, d)
        sums[:, start:start + count * size] = weighted_pair_sums(block, 1.0 / (size - 1)).reshape(m, count * size, d)
    drift = np.empty_like(x)
    drift[rows, permutation] = sums
    return drift - CONFINEMENT * x


def mean_squared_distance(a, b):
    """(1/N) Σᵢ ‖aᵢ − bᵢ‖² per trajectory."""
    return ((a - b) ** 2).sum(axis=(1, 2)) / a.shape[1]


def second_moment(x):
    return (x * x).sum(axis=(1, 2)) / x.shape[1]


def mean_estimate(samples):
    samples = np.asarray(samples)
    return float(samples.mean()), float(samples.std(ddof=1) / math.sqrt(samples.size))


def rms_estimate(mean_squares):
    """√(mean) with the delta-method SE, as rbm-study reports RMS errors."""
    mean, se = mean_estimate(mean_squares)
    root = math.sqrt(mean)
    return root, (se / (2 * root) if root > 0 else math.sqrt(se))


def integrate(x0, increments, dt, noise, checkpoint_every, drift):
    """Euler–Maruyama X ← X + τ·b(X) + σ·ΔW over all steps; returns the states at the checkpoints."""
    x = x0.copy()
    states = []
    for step in range(increments.shape[0]):
        x += dt * drift(x)
        x += noise * increments[step]
        if (step + 1) % checkpoint_every == 0:
            states.append(x.copy())
    return states


def fail(option, message):
    print(f"convergence_peer: {option}: {message}", file=sys.stderr)
    sys.exit(2)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--particles", type=int, default=64)
    parser.add_argument("--dim", type=int, default=2)
    parser.add_argument("--noise", type=float, default=0.5)
    parser.add_argument("--horizon", type=float, default=2.0)
    parser.add_argument("--dt", default="0.125,0.0625,0.03125,0.015625,0.0078125,0.00390625")
    parser.add_argument("--batch-sizes", default="2,4,8")
    parser.add_argument("--trajectories", type=int, default=100)
    parser.add_argument("--reference-refinement", type=int, default=8)
    parser.add_argument("--checkpoints", type=int)
    parser.add_argument("--seed", type=int, default=20251123)
    parser.add_argument("--format", choices=["table", "json"], default="table")
    a = parser.parse_args()
    a.dt = [float(s) for s in a.dt.split(",")]
    a.batch_sizes = [int(s) for s in a.batch_sizes.split(",")]
    if a.particles < 3:
        fail("--particles", "an integer ≥ 3")
    if a.dim < 1:
        fail("--dim", "an integer ≥ 1")
    if not (a.noise > 0 and math.isfinite(a.noise)):
        fail("--noise", "a finite number > 0 (rbm-study's σ = 0 reference is an adaptive ODE solver, not done here)")
    if not (a.horizon > 0 and math.isfinite(a.horizon)):
        fail("--horizon", "a finite number > 0")
    if a.trajectories < 2:
        fail("--trajectories", "an integer ≥ 2")
    if a.reference_refinement < 4:
        fail("--reference-refinement", "an integer ≥ 4")
    if any(not 2 <= p <= a.particles for p in a.batch_sizes):
        fail("--batch-sizes", f"each an integer in [2, {a.particles}]")
    if len(set(a.dt)) < 2:
        fail("--dt", "at least 2 distinct time steps")
    a.dt = sorted(set(a.dt), reverse=True)
    h = min(a.dt) / a.reference_refinement
    for value in a.dt + [a.horizon]:
        if not 0 < value <= a.horizon or abs(value / h - round(value / h)) > 1e-9 * value / h \
                or round(a.horizon / h) % round(value / h):
            fail("--dt", f"each τ in (0, T] dividing T, a multiple of the reference step {h:g}")
    steps = [round(a.horizon / dt) for dt in a.dt]
    if a.checkpoints is None:
        a.checkpoints = next(k for k in range(4, 0, -1) if all(s % k == 0 for s in steps))
    elif a.checkpoints < 1 or any(s % a.checkpoints for s in steps):
        fail("--checkpoints", "an integer ≥ 1 with T/K a multiple of every τ")
    return a


def main():
    a = arguments()
    start = time.perf_counter()
    rng = np.random.default_rng(a.seed)
    m, n, d, sigma, horizon, k_points = a.trajectories, a.particles, a.dim, a.noise, a.horizon, a.checkpoints
    h = min(a.dt) / a.reference_refinement
    fine_steps = round(horizon / h)
    ratios = [round(dt / h) for dt in a.dt]
    block = math.lcm(*ratios)  # fine steps per common coarse step (every τ divides T, so fine_steps is a multiple)
    x0 = rng.standard_normal((m, n, d))

    # Reference at h on the fine path; every level's increments are sums of its fine increments.
    coarse = [np.empty((fine_steps // r, m, n, d)) for r in ratios]
    reference = x0.copy()
    reference_at = []
    exact_evaluations = fine_steps
    for first in range(0, fine_steps, block):
        fine = rng.standard_normal((block, m, n, d))
        fine *= math.sqrt(h)
        for path, r in zip(coarse, ratios):
            path[first // r:(first + block) // r] = fine.reshape(block // r, r, m, n, d).sum(axis=1)
        for s in range(block):
            reference += h * exact_drift(reference)
            reference += sigma * fine[s]
            if (first + s + 1) % (fine_steps // k_points) == 0:
                reference_at.append(reference.copy())
    reference_moment = second_moment(reference)

    groups = {p: batch_groups(n, p) for p in a.batch_sizes}
    rows, profiles = [], []
    batch_evaluations = 0
    for dt, path in zip(a.dt, coarse):
        steps = path.shape[0]
        every = steps // k_points
        full_at = integrate(x0, path, dt, sigma, every, exact_drift)
        exact_evaluations += steps
        time_profile = [rms_estimate(mean_squared_distance(f, r)) for f, r in zip(full_at, reference_at)]
        profiles.append({"kind": "time", "dt": dt, "batchSize": None, "errors": time_profile})
        for p in a.batch_sizes:
            rbm_at = integrate(x0, path, dt, sigma, every, lambda x, g=groups[p]: random_batch_drift(x, g, rng))
            batch_evaluations += steps
            strong = [rms_estimate(mean_squared_distance(b, r)) for b, r in zip(rbm_at, reference_at)]
            batch = [rms_estimate(mean_squared_distance(b, f)) for b, f in zip(rbm_at, full_at)]
            profiles.append({"kind": "strong", "dt": dt, "batchSize": p, "errors": strong})
            profiles.append({"kind": "batch", "dt": dt, "batchSize": p, "errors": batch})
            rows.append({"batchSize": p, "dt": dt, "strongError": strong[-1], "batchError": batch[-1],
                         "timeError": time_profile[-1],
                         "weakError": mean_estimate(second_moment(rbm_at[-1]) - reference_moment)})
    seconds = time.perf_counter() - start
    rows.sort(key=lambda row: (row["batchSize"], -row["dt"]))
    times = [horizon * j / k_points for j in range(1, k_points + 1)]
    work = {"exactDriftEvaluationsPerTrajectory": exact_evaluations,
            "randomBatchDriftEvaluationsPerTrajectory": batch_evaluations}

    if a.format == "json":
        def estimate(pair):
            return {"value": pair[0], "standardError": pair[1], "count": m}
        print(json.dumps({
            "schema": "rbm-study/convergence-numpy-peer/1",
            "configuration": {"particles": n, "dimension": d, "noise": sigma, "horizon": horizon, "timeSteps": a.dt,
                              "batchSizes": a.batch_sizes, "trajectories": m, "referenceStep": h,
                              "checkpoints": k_points, "seed": a.seed},
            "levels": [{key: (estimate(value) if key.endswith("Error") else value) for key, value in row.items()}
                       for row in rows],
            "timeProfiles": [dict(profile, times=times, errors=[estimate(e) for e in profile["errors"]])
                             for profile in profiles],
            "work": work, "wallSeconds": seconds, "numpy": np.__version__}))
        return

    def cell(pair):
        return f"{pair[0]:.3g} ± {pair[1]:.1e}"
    print(f"convergence_peer (NumPy {np.__version__}) — smooth: N = {n}, d = {d}, σ = {sigma:g}, T = {horizon:g}, "
          f"{m} trajectories, seed {a.seed}")
    print(f"reference: euler-maruyama at h = {h:.3g}; errors at T are RMS over particles and trajectories ± 1 SE\n")
    print(f"{'p':<5}{'τ':<10}{'strong':<22}{'batch':<22}{'time':<22}weak")
    for row in rows:
        print(f"{row['batchSize']:<5}{row['dt']:<10.3g}{cell(row['strongError']):<22}{cell(row['batchError']):<22}"
              f"{cell(row['timeError']):<22}{cell(row['weakError'])}")
    finest = min(a.dt)
    print(f"\nerrors along [0, T] at the finest τ = {finest:.3g}: RMS ± 1 SE at each checkpoint")
    print(f"{'p':<6}{'kind':<7}" + "".join(f"{'t = ' + format(t, 'g'):<22}" for t in times))
    for profile in profiles:
        if profile["dt"] == finest and profile["kind"] != "strong":
            label = "full" if profile["batchSize"] is None else str(profile["batchSize"])
            print(f"{label:<6}{profile['kind']:<7}" + "".join(f"{cell(e):<22}" for e in profile["errors"]))
    print(f"\nwork per trajectory: {exact_evaluations} exact drift evaluations, {batch_evaluations} random-batch ones; "
          f"wall time {seconds:.1f} s")


if __name__ == "__main__":
    main()
