#!/usr/bin/env python3
"""Peer timings for the rbm-bench comparison (a benchmark, not a test; see scripts/bench-peers.sh).

One process per thread count (NumPy's BLAS reads its thread count at import):
  attention  PyTorch float64 scaled_dot_product_attention and a blocked NumPy softmax
             (256 query rows per block: scores by GEMM, row max, exp, row sum, GEMM with V),
             random N(0, 1) Q, K, V of N × 64, scale 1/√d (rbm-bench's β); best of `repeats`.
  drift      the exact smooth-kernel pair drift y_i = Σ_{j≠i} w·c·z/√(1+‖z‖²), z = x_i − x_j, in Numba:
             per target with prange (every ordered pair) and serial with K(−z) = −K(z) (every
             unordered pair once); pairs per second counted as N(N−1) ordered pairs, like rbm-bench.
Prints one JSON object per line: {"peer", "figure", "value", "unit"}.

Two helpers for the convergence comparison (rbm-study convergence vs scripts/convergence_peer.py):
  timed      runs a command with its standard output into a file and prints one JSON line
             {"program", "round", "wallSeconds", "cpuSeconds"}: wall time from start to exit, CPU
             time = user + system seconds of the process and its children (wait4's resource usage).
  agreement  compares the two programs' JSON documents error by error — strong, batch and time
             errors at every checkpoint and weak errors at T, each (p, τ) — by z = (peer − rbm) /
             √(SE_rbm² + SE_peer²), and prints one JSON line with the count, max |z|, the share
             with |z| > 2 and the number with |z| > 3 (the two runs use different random numbers,
             so agreement means equal in law: about 5% beyond 2 and none far beyond 3); errors below
             10⁻¹² in both (rounding, as the batch error at p = N) are counted apart, not compared.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time


def best_seconds(function, repeats):
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def emit(peer, figure, value, unit):
    print(json.dumps({"peer": peer, "figure": figure, "value": value, "unit": unit}), flush=True)


def attention(sizes, threads, repeats, d=64, block=256):
    import numpy as np
    rng = np.random.default_rng(1)
    for n in sizes:
        q, k, v = (rng.standard_normal((n, d)) for _ in range(3))
        beta = 1 / math.sqrt(d)
        out = np.empty((n, d))

        def blocked():
            for s in range(0, n, block):
                scores = (q[s:s + block] * beta) @ k.T
                scores -= scores.max(axis=1, keepdims=True)
                np.exp(scores, out=scores)
                out[s:s + block] = (scores @ v) / scores.sum(axis=1, keepdims=True)

        suffix = f"n{n}.threads{threads}"
        emit("numpy-blocked-softmax", f"seconds.{suffix}", best_seconds(blocked, repeats), "s")
        try:
            import torch
        except ImportError as error:
            print(f"bench_peers: torch unavailable ({error})", file=sys.stderr)
            continue
        torch.set_num_threads(threads)
        tq, tk, tv = (torch.from_numpy(a).reshape(1, n, d) for a in (q, k, v))
        with torch.inference_mode():
            seconds = best_seconds(lambda: torch.nn.functional.scaled_dot_product_attention(tq, tk, tv), repeats)
            reference = torch.nn.functional.scaled_dot_product_attention(tq, tk, tv).reshape(n, d).numpy()
        blocked()
        emit("torch-sdpa-float64", f"seconds.{suffix}", seconds, "s")
        emit("torch-sdpa-float64", f"maxDifferenceFromNumpy.{suffix}", float(np.abs(reference - out).max()), "absolute")


def drift(n, dimensions, threads, repeats):
    import numba
    import numpy as np
    from numba import njit, prange

    numba.set_num_threads(threads)

    @njit(parallel=True, fastmath=False)
    def per_target(x, weight_strength, y):
        count, d = x.shape
        for i in prange(count):
            for c in range(d):
                y[i, c] = 0.0
            for j in range(count):
                norm2 = 0.0
                for c in range(d):
                    z = x[i, c] - x[j, c]
                    norm2 += z * z
                scale = weight_strength / math.sqrt(1.0 + norm2)
                for c in range(d):
                    y[i, c] += scale * (x[i, c] - x[j, c])

    @njit(fastmath=False)
    def newton(x, weight_strength, y):
        count, d = x.shape
        y[:, :] = 0.0
        for i in range(count):
            for j in range(i + 1, count):
                norm2 = 0.0
                for c in range(d):
                    z = x[i, c] - x[j, c]
                    norm2 += z * z
                scale = weight_strength / math.sqrt(1.0 + norm2)
                for c in range(d):
                    term = scale * (x[i, c] - x[j, c])
                    y[i, c] += term
                    y[j, c] -= term

    rng = np.random.default_rng(1)
    for d in dimensions:
        x = rng.standard_normal((n, d))
        y = np.empty_like(x)
        weight_strength = 0.25 / (n - 1)
        pairs = n * (n - 1)
        seconds = best_seconds(lambda: per_target(x, weight_strength, y), repeats)
        emit("numba-prange-per-target", f"pairsPerSecond.d{d}.threads{threads}", pairs / seconds, "pairs/s")
        if threads == 1:
            seconds = best_seconds(lambda: newton(x, weight_strength, y), repeats)
            emit("numba-newton-serial", f"pairsPerSecond.d{d}.threads1", pairs / seconds, "pairs/s")


def timed(command, output, program, round_number):
    with open(output, "w") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"bench_peers: {' '.join(command)} exited with {code}")
    print(json.dumps({"program": program, "round": round_number, "wallSeconds": wall,
                      "cpuSeconds": usage.ru_utime + usage.ru_stime}), flush=True)


def convergence_errors(document):
    """{(kind, τ, p or None for time, t): {"value", "standardError"}} of a convergence JSON document."""
    errors = {}
    for profile in document["timeProfiles"]:
        p = None if profile["kind"] == "time" else profile["batchSize"]
        for t, error in zip(profile["times"], profile["errors"]):
            errors[(profile["kind"], profile["dt"], p, t)] = error
    horizon = document["configuration"]["horizon"]
    for level in document["levels"]:
        errors[("weak", level["dt"], level["batchSize"], horizon)] = level["weakError"]
    return errors


def agreement(rbm_path, peer_path, round_number):
    rbm, peer = (convergence_errors(json.load(open(path))) for path in (rbm_path, peer_path))
    if set(rbm) != set(peer):
        sys.exit(f"bench_peers: the two documents report different errors: {sorted(set(rbm) ^ set(peer), key=str)[:5]}")
    # Errors that are rounding in both programs (p = N: RBM is full EM) carry no statistical information.
    rounding = {key for key in rbm if max(abs(rbm[key]["value"]), abs(peer[key]["value"])) < 1e-12}
    z = {key: (peer[key]["value"] - rbm[key]["value"])
         / math.hypot(rbm[key]["standardError"], peer[key]["standardError"]) for key in rbm if key not in rounding}
    worst = max(z, key=lambda key: abs(z[key]))
    print(json.dumps({"round": round_number, "errors": len(z), "roundingLevelErrorsSkipped": len(rounding), "maxAbsZ": abs(z[worst]),
                      "worst": {"kind": worst[0], "dt": worst[1], "batchSize": worst[2], "t": worst[3]},
                      "shareAbove2": sum(abs(v) > 2 for v in z.values()) / len(z),
                      "countAbove3": sum(abs(v) > 3 for v in z.values())}), flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] in ("timed", "agreement"):
        # timed … -- COMMAND ARGUMENTS…: everything after "--" is the command, unparsed.
        split = sys.argv.index("--") if "--" in sys.argv else len(sys.argv)
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("what", choices=["timed", "agreement"])
        parser.add_argument("--round", type=int, required=True)
        parser.add_argument("--program", help="timed: the label of the command")
        parser.add_argument("--output", help="timed: the file that receives its standard output")
        parser.add_argument("documents", nargs="*", help="agreement: RBM_JSON PEER_JSON")
        arguments = parser.parse_intermixed_args(sys.argv[1:split])
        if arguments.what == "timed":
            timed(sys.argv[split + 1:], arguments.output, arguments.program, arguments.round)
        else:
            agreement(*arguments.documents, arguments.round)
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["attention", "drift"])
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--sizes", default="4096,16384", help="attention N (comma-separated)")
    parser.add_argument("--particles", type=int, default=16384, help="drift N")
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    if arguments.what == "attention":
        attention([int(s) for s in arguments.sizes.split(",")], arguments.threads, arguments.repeats)
    else:
        drift(arguments.particles, [2, 3, 16], arguments.threads, arguments.repeats)


if __name__ == "__main__":
    main()
