#!/usr/bin/env bash
# Peer comparison for the rbm-bench figures (a benchmark, not a test; the project itself does not
# depend on any of these packages). Installs NumPy, Numba and PyTorch (CPU, plain PyPI) into a
# virtual environment outside the repository, then runs, interleaved over ROUNDS rounds so the
# machine's load falls on both sides alike:
#   rbm-bench exact-attention  vs  PyTorch float64 scaled_dot_product_attention and a blocked NumPy
#                                   softmax, N = 4096 and 16 384, d = 64, 1 and 2 threads
#   rbm-bench exact-drift      vs  Numba pair drift (prange per target; serial Newton), N = 16 384,
#                                   d = 2, 3, 16, 1 and 2 threads
#   rbm-study convergence      vs  scripts/convergence_peer.py, the same default study (smooth, N = 64,
#                                   d = 2, T = 2, 100 trajectories, τ = 2⁻³…2⁻⁸, p = 2, 4, 8) in
#                                   vectorised NumPy; both with their default threads (all cores);
#                                   wall time and CPU seconds (user + system) of each whole process
# and prints the medians over rounds with the ratios (peer time / rbm time: > 1 means rbm-bench or
# rbm-study is faster). Without torch (no wheel for this machine) it compares against NumPy and
# Numba only. For the convergence study it also checks, every round, that the two error tables agree
# within their standard errors (bench_peers.py agreement): the evidence that the peer computes the
# same study.
# Usage: scripts/bench-peers.sh [--quick] [--only attention|drift|convergence] [output-directory]
#   --quick: N = 4096 only (rbm-bench --quick; drift N = 4096), convergence with 10 trajectories,
#            one round.
#   --only PART: run one comparison only (default: all three).
# Environment: PEERS_VENV (default ${TMPDIR:-/tmp}/rbm-bench-peers-venv), ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=""
parts="attention drift convergence"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick="--quick"; shift ;;
        --only)
            case "${2:-}" in
                attention|drift|convergence) parts=$2; shift 2 ;;
                *) echo "bench-peers: --only: one of attention, drift, convergence" >&2; exit 2 ;;
            esac ;;
        *) break ;;
    esac
done
out=${1:-$(mktemp -d)}
mkdir -p "$out"
venv=${PEERS_VENV:-${TMPDIR:-/tmp}/rbm-bench-peers-venv}
rounds=${ROUNDS:-3}
convergence_options=()
if [ -n "$quick" ]; then
    rounds=1; sizes=4096; particles=4096; convergence_options=(--trajectories 10)
else
    sizes=4096,16384; particles=16384
fi
wants() { case " $parts " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

if [ ! -x "$venv/bin/python" ]; then python3 -m venv "$venv"; fi
"$venv/bin/pip" install -q numpy >&2
if wants drift; then "$venv/bin/pip" install -q numba >&2; fi
if wants attention; then
    "$venv/bin/pip" install -q torch >&2 || echo "bench-peers: torch could not be installed; comparing with NumPy only" >&2
fi

if wants attention || wants drift; then swift build -c release --product rbm-bench >/dev/null; fi
if wants convergence; then swift build -c release --product rbm-study >/dev/null; fi
bench=.build/release/rbm-bench
study=.build/release/rbm-study
: >"$out/peers.jsonl"
: >"$out/convergence.jsonl"
: >"$out/convergence-agreement.jsonl"
for round in $(seq "$rounds"); do
    echo "bench-peers: round $round of $rounds" >&2
    if wants attention; then
        "$bench" exact-attention $quick --format json >"$out/exact-attention.$round.json"
        for threads in 1 2; do
            OPENBLAS_NUM_THREADS=$threads OMP_NUM_THREADS=$threads MKL_NUM_THREADS=$threads \
                "$venv/bin/python" scripts/bench_peers.py attention --threads "$threads" --sizes "$sizes" >>"$out/peers.jsonl"
        done
    fi
    if wants drift; then
        "$bench" exact-drift $quick --format json >"$out/exact-drift.$round.json"
        for threads in 1 2; do
            NUMBA_NUM_THREADS=2 "$venv/bin/python" scripts/bench_peers.py drift --threads "$threads" \
                --particles "$particles" >>"$out/peers.jsonl"
        done
    fi
    if wants convergence; then
        # JSON on standard output (the same study as the default table; the agreement check reads it).
        "$venv/bin/python" scripts/bench_peers.py timed --round "$round" --program rbm-study \
            --output "$out/convergence-rbm-study.$round.json" \
            -- "$study" convergence ${convergence_options[@]+"${convergence_options[@]}"} --format json >>"$out/convergence.jsonl"
        "$venv/bin/python" scripts/bench_peers.py timed --round "$round" --program numpy-convergence-peer \
            --output "$out/convergence-peer.$round.json" \
            -- "$venv/bin/python" scripts/convergence_peer.py ${convergence_options[@]+"${convergence_options[@]}"} --format json \
            >>"$out/convergence.jsonl"
        "$venv/bin/python" scripts/bench_peers.py agreement --round "$round" \
            "$out/convergence-rbm-study.$round.json" "$out/convergence-peer.$round.json" >>"$out/convergence-agreement.jsonl"
    fi
done

python3 - "$out" "$rounds" "$sizes" "$parts" <<'PY'
import json, statistics, sys
out, rounds, sizes, parts = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3].split(",")], sys.argv[4].split()
def rbm(section):
    if section.removeprefix("exact-") not in parts:
        return {}
    runs = [{f["name"]: f["value"] for f in json.load(open(f"{out}/{section}.{r}.json"))["figures"]} for r in range(1, rounds + 1)]
    return {k: statistics.median(run[k] for run in runs) for k in runs[0]}
attention, drift = rbm("exact-attention"), rbm("exact-drift")
peers = {}
for line in open(f"{out}/peers.jsonl"):
    row = json.loads(line)
    peers.setdefault((row["peer"], row["figure"]), []).append(row["value"])
peers = {k: statistics.median(v) for k, v in peers.items()}
rows = []
for n in sizes if attention else []:
    for threads in (1, 2):
        key = f"threads{threads}" if n == 4096 else f"n{n}.threads{threads}"
        ours = attention.get(f"seconds.{key}")
        for peer in ("torch-sdpa-float64", "numpy-blocked-softmax"):
            theirs = peers.get((peer, f"seconds.n{n}.threads{threads}"))
            if ours is not None and theirs is not None:
                rows.append((f"exact attention N = {n}, d = 64, {threads} thread(s)", f"{ours:.4g} s", peer, f"{theirs:.4g} s", theirs / ours))
particles = int(drift.get("particles", 0))
for d in (2, 3, 16) if drift else []:
    for threads in (1, 2):
        ours = drift[f"pairsPerSecond.d{d}.threads{threads}"]
        for peer in ("numba-prange-per-target", "numba-newton-serial"):
            theirs = peers.get((peer, f"pairsPerSecond.d{d}.threads{threads}"))
            if theirs is not None:
                rows.append((f"exact pair drift N = {particles}, d = {d}, {threads} thread(s)", f"{ours:.3g} pairs/s", peer, f"{theirs:.3g} pairs/s", ours / theirs))
agreement = []
if "convergence" in parts:
    timings = {}
    for line in open(f"{out}/convergence.jsonl"):
        row = json.loads(line)
        for measure in ("wallSeconds", "cpuSeconds"):
            timings.setdefault((row["program"], measure), []).append(row[measure])
    timings = {k: statistics.median(v) for k, v in timings.items()}
    configuration = json.load(open(f"{out}/convergence-rbm-study.1.json"))["configuration"]
    study = f"convergence study N = {configuration['particles']}, {configuration['trajectories']} trajectories"
    for measure, label in (("wallSeconds", "wall"), ("cpuSeconds", "CPU (user + system)")):
        ours, theirs = timings[("rbm-study", measure)], timings[("numpy-convergence-peer", measure)]
        rows.append((f"{study}, {label}", f"{ours:.3g} s", "numpy-convergence-peer", f"{theirs:.3g} s", theirs / ours))
    agreement = [json.loads(line) for line in open(f"{out}/convergence-agreement.jsonl")]
lines = ["| work | rbm-bench / rbm-study | peer | peer figure | our speed / peer speed |", "|---|---|---|---|---|"]
lines += [f"| {w} | {o} | {p} | {t} | {r:.2f} |" for w, o, p, t, r in rows]
if agreement:
    # Both programs are seeded, so every round normally repeats round 1's comparison.
    distinct = {json.dumps({k: v for k, v in a.items() if k != "round"}, sort_keys=True): a for a in agreement}
    lines.append("")
    for a in distinct.values():
        rounds_label = "every round" if len(distinct) == 1 else f"round {a['round']}"
        lines.append(f"convergence errors, {rounds_label}: rbm-study and the NumPy peer (independent random numbers) "
                     f"differ by z = difference / combined SE over {a['errors']} errors: max |z| = {a['maxAbsZ']:.2f}, "
                     f"{100 * a['shareAbove2']:.1f}% beyond 2 SE, {a['countAbove3']} beyond 3 SE")
table = "\n".join(lines)
print(table)
open(f"{out}/peers.md", "w").write(table + "\n")
# rbmBench: our figure (rbm-bench, or rbm-study for the convergence study); the agreement stays in convergence-agreement.jsonl.
json.dump([{"work": w, "rbmBench": o, "peer": p, "peerFigure": t, "speedRatio": r} for w, o, p, t, r in rows],
          open(f"{out}/peers.json", "w"), indent=1)
PY
echo "bench-peers: results in $out (peers.md, peers.json, the raw JSON of every round)" >&2
