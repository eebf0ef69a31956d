#!/usr/bin/env bash
# Peer comparison for the rbm-bench figures (a benchmark, not a test; the project itself does not
# depend on any of these packages). Installs NumPy, Numba and PyTorch (CPU, plain PyPI) into a
# virtual environment outside the repository, then runs, interleaved over ROUNDS rounds so the
# machine's load falls on both sides alike:
#   rbm-bench exact-attention  vs  PyTorch float64 scaled_dot_product_attention and a blocked NumPy
#                                   softmax, N = 4096 and 16 384, d = 64, 1 and 2 threads
#   rbm-bench exact-drift      vs  Numba pair drift (prange per target; serial Newton), N = 16 384,
#                                   d = 2, 3, 16, 1 and 2 threads
# and prints the medians over rounds with the ratios (peer time / rbm time: > 1 means rbm-bench is
# faster). Without torch (no wheel for this machine) it compares against NumPy and Numba only.
# Usage: scripts/bench-peers.sh [--quick] [output-directory]
#   --quick: N = 4096 only (rbm-bench --quick; drift N = 4096), one round.
# Environment: PEERS_VENV (default ${TMPDIR:-/tmp}/rbm-bench-peers-venv), ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
if [ "${1:-}" = "--quick" ]; then quick="--quick"; shift; fi
out=${1:-$(mktemp -d)}
mkdir -p "$out"
venv=${PEERS_VENV:-${TMPDIR:-/tmp}/rbm-bench-peers-venv}
rounds=${ROUNDS:-3}
if [ -n "$quick" ]; then rounds=1; sizes=4096; particles=4096; else sizes=4096,16384; particles=16384; fi

if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q numpy numba >&2
"$venv/bin/pip" install -q torch >&2 || echo "bench-peers: torch could not be installed; comparing with NumPy and Numba only" >&2

swift build -c release --product rbm-bench >/dev/null
bench=.build/release/rbm-bench
: >"$out/peers.jsonl"
for round in $(seq "$rounds"); do
    echo "bench-peers: round $round of $rounds" >&2
    "$bench" exact-attention $quick --format json >"$out/exact-attention.$round.json"
    for threads in 1 2; do
        OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads \
            "$venv/bin/python" scripts/bench_peers.py attention --threads "$threads" --sizes "$sizes" >>"$out/peers.jsonl"
    done
    "$bench" exact-drift $quick --format json >"$out/exact-drift.$round.json"
    for threads in 1 2; do
        NUMBA_NUM_THREADS=2 "$venv/bin/python" scripts/bench_peers.py drift --threads "$threads" \
            --particles "$particles" >>"$out/peers.jsonl"
    done
done

python3 - "$out" "$rounds" "$sizes" <<'PY'
import json, statistics, sys
out, rounds, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3].split(",")]
def rbm(section):
    runs = [{f["name"]: f["value"] for f in json.load(open(f"{out}/{section}.{r}.json"))["figures"]} for r in range(1, rounds + 1)]
    return {k: statistics.median(run[k] for run in runs) for k in runs[0]}
attention, drift = rbm("exact-attention"), rbm("exact-drift")
peers = {}
for line in open(f"{out}/peers.jsonl"):
    row = json.loads(line)
    peers.setdefault((row["peer"], row["figure"]), []).append(row["value"])
peers = {k: statistics.median(v) for k, v in peers.items()}
rows = []
for n in sizes:
    for threads in (1, 2):
        key = f"threads{threads}" if n == 4096 else f"n{n}.threads{threads}"
        ours = attention.get(f"seconds.{key}")
        for peer in ("torch-sdpa-float64", "numpy-blocked-softmax"):
            theirs = peers.get((peer, f"seconds.n{n}.threads{threads}"))
            if ours is not None and theirs is not None:
                rows.append((f"exact attention N = {n}, d = 64, {threads} thread(s)", f"{ours:.4g} s", peer, f"{theirs:.4g} s", theirs / ours))
particles = int(drift["particles"])
for d in (2, 3, 16):
    for threads in (1, 2):
        ours = drift[f"pairsPerSecond.d{d}.threads{threads}"]
        for peer in ("numba-prange-per-target", "numba-newton-serial"):
            theirs = peers.get((peer, f"pairsPerSecond.d{d}.threads{threads}"))
            if theirs is not None:
                rows.append((f"exact pair drift N = {particles}, d = {d}, {threads} thread(s)", f"{ours:.3g} pairs/s", peer, f"{theirs:.3g} pairs/s", ours / theirs))
lines = ["| work | rbm-bench | peer | peer figure | rbm-bench speed / peer speed |", "|---|---|---|---|---|"]
lines += [f"| {w} | {o} | {p} | {t} | {r:.2f} |" for w, o, p, t, r in rows]
table = "\n".join(lines)
print(table)
open(f"{out}/peers.md", "w").write(table + "\n")
json.dump([{"work": w, "rbmBench": o, "peer": p, "peerFigure": t, "speedRatio": r} for w, o, p, t, r in rows],
          open(f"{out}/peers.json", "w"), indent=1)
PY
echo "bench-peers: results in $out (peers.md, peers.json, the raw JSON of every round)" >&2
