#!/usr/bin/env bash
# The MPI build (package trait MPI, Open MPI): builds it into .build-mpi (the default build in
# .build is left alone), then checks that `mpirun -np 2` and `-np 3` (a trajectory count not
# divisible by 3) give the single process's bytes (files and CSV stdout; the JSON except the
# manifest's timing and command), that the MPI binary outside mpirun is an ordinary run, that bad
# input exits 2 with one line from rank 0 and creates nothing, that a rank whose trajectories
# become non-finite or whose ODE solver fails ends the job promptly with exit 3 and one line, and
# that Ctrl-C (SIGINT to mpirun) stops every rank and leaves no file. Prints
# "mpi: N passed, N failed". Takes about a minute after the build.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-dependencies.sh  # installs libopenmpi-dev and openmpi-bin when missing
swift build -c release --product rbm-study >/dev/null 2>&1 || { echo "default build failed"; exit 1; }
swift build -c release --product rbm-study --traits MPI --scratch-path .build-mpi >"${TMPDIR:-/tmp}/check-mpi-build.log" 2>&1 \
  || { tail -20 "${TMPDIR:-/tmp}/check-mpi-build.log"; echo "MPI build failed"; exit 1; }
plain=$(pwd)/.build/release/rbm-study
bin=$(pwd)/.build-mpi/release/rbm-study
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
pass() { passed=$((passed+1)); }
fail() { failed=$((failed+1)); echo "FAIL: $*"; }
# Root may run Open MPI only when told to; -q keeps mpirun's own notices off stderr, so a failed
# rank's one-line message is all a user sees; --oversubscribe allows more ranks than cores.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
mpi() { local np=$1; shift; timeout 120 mpirun --oversubscribe -q -np "$np" "$bin" "$@"; }
one_line() { [ "$(grep -c . "$1")" -eq 1 ]; }

conv=(convergence --particles 16 --trajectories 40 --dt 0.25,0.125,0.0625 --horizon 1 --batch-sizes 2,4 --threads 1)
same_report() {  # A B: the files of two runs are the same (JSON: except the manifest's timing and command)
  local ok=1
  for f in levels.csv fits.csv trajectories.csv; do cmp -s "$1/$f" "$2/$f" || ok=0; done
  python3 -c "
import json, sys
a, b = (json.load(open(d + '/convergence.json')) for d in sys.argv[1:])
for m in (a['manifest'], b['manifest']):
    for k in ('wallSeconds', 'date', 'command'): m.pop(k)
assert a == b
" "$1" "$2" || ok=0
  [ $ok -eq 1 ] && [ -z "$(find "$2" -name '*.partial' -o -name '*.journal')" ]
}

# --- The same bytes as one process --------------------------------------------------------------
"$plain" "${conv[@]}" --out "$tmp/one" --format csv >"$tmp/one.csv" 2>/dev/null || fail "single-process reference run"
for np in 2 3; do
  mpi $np "${conv[@]}" --out "$tmp/np$np" --format csv >"$tmp/np$np.csv" 2>"$tmp/np$np.err"; code=$?
  if [ $code -eq 0 ] && same_report "$tmp/one" "$tmp/np$np" && cmp -s "$tmp/one.csv" "$tmp/np$np.csv"; then pass
  else fail "mpirun -np $np -> exit $code or bytes differ from one process: $(head -c 300 "$tmp/np$np.err")"; fi
done
# The table is printed once (rank 0 alone writes stdout) and differs only in the wall time line.
"$plain" "${conv[@]}" >"$tmp/one.txt" 2>/dev/null
mpi 2 "${conv[@]}" --threads 2 >"$tmp/np2.txt" 2>/dev/null
diff <(grep -v '^wall time' "$tmp/one.txt") <(grep -v '^wall time' "$tmp/np2.txt") >/dev/null && pass || fail "the table under mpirun differs"
# Outside mpirun the MPI build is an ordinary run (journal, --shard and --resume included).
"$bin" "${conv[@]}" --out "$tmp/alone" --format csv >"$tmp/alone.csv" 2>/dev/null \
  && same_report "$tmp/one" "$tmp/alone" && cmp -s "$tmp/one.csv" "$tmp/alone.csv" && pass || fail "the MPI build outside mpirun"
"$bin" "${conv[@]}" --shard 1/2 --out "$tmp/alone-shard" >/dev/null 2>&1 \
  && [ -e "$tmp/alone-shard/convergence-shard-1-of-2.records" ] && pass || fail "--shard with the MPI build outside mpirun"

# --- Bad input: every rank validates, rank 0 prints one line, exit 2, nothing created ------------
expect2() {  # PATTERN args…
  local pattern=$1; shift
  mpi 3 "$@" --out "$tmp/bad" >"$tmp/out" 2>"$tmp/err"; local code=$?
  if [ $code -eq 2 ] && one_line "$tmp/err" && grep -qF -- "$pattern" "$tmp/err" && [ ! -s "$tmp/out" ] && [ ! -e "$tmp/bad" ]; then pass
  else fail "mpirun $* -> exit $code: $(head -c 300 "$tmp/err")"; fi
}
expect2 "--dt" "${conv[@]}" --dt 0.5,0
expect2 "--nosuch" "${conv[@]}" --nosuch
expect2 "--resume" "${conv[@]}" --resume
expect2 "--shard" "${conv[@]}" --shard 1/2
expect2 "--trajectories" "${conv[@]}" --trajectories 2
expect2 "only \`rbm-study convergence\`" variance-sweep --particles 8 --draws 8 --configurations 1
# --help is printed once, by rank 0.
[ "$(mpi 3 convergence --help 2>&1 | grep -c OVERVIEW)" -eq 1 ] && pass || fail "mpirun convergence --help is not printed once"

# --- A failing rank ends the job: exit 3, one line, promptly, no files -----------------------------
expect3() {  # PATTERN SECONDS args…
  local pattern=$1 limit=$2; shift 2
  local start=$SECONDS
  mpi 2 "$@" --out "$tmp/failed" >"$tmp/out" 2>"$tmp/err"; local code=$?
  local took=$((SECONDS - start))
  if [ $code -eq 3 ] && one_line "$tmp/err" && grep -qF -- "$pattern" "$tmp/err" && [ $took -le "$limit" ] \
     && [ -z "$(ls -A "$tmp/failed" 2>/dev/null | grep -v '^\.rbm-study\.lock$')" ]; then pass
  else fail "mpirun $* -> exit $code after $took s: $(head -c 300 "$tmp/err")"; fi
  rm -rf "$tmp/failed"
}
# Euler–Maruyama at τ = 8 is unstable on the linear problem. Over T = 1656 only trajectory 9 of
# seed 1 overflows (on rank 1): rank 0 reports it. Over T = 2048 every trajectory does, on every rank.
expect3 "trajectory 9 became non-finite (overflow), so their errors and every fitted order would be NaN; use smaller --dt values (a coarse level is unstable), fewer --particles or a shorter --horizon (MPI rank 1 of 2)" \
  20 convergence --system linear --particles 8 --dt 8,4 --horizon 1656 --trajectories 10 --seed 1
expect3 "non-finite" 20 convergence --system linear --particles 8 --dt 8,4 --horizon 2048 --trajectories 400
# Mean-field attention in Euclidean space blows up: GSL's rk8pd fails; the ranks agree and rank 0 reports.
expect3 "--geometry sphere" 30 convergence --system attention --geometry euclidean --normalization mean-field \
  --particles 16 --trajectories 4 --dt 0.25,0.125 --horizon 1

# --- Ctrl-C: mpirun stops every rank; no file is written, nothing is left running ----------------
mpirun --oversubscribe -q -np 2 "$bin" convergence --particles 64 --trajectories 40000 --dt 0.25,0.125 --horizon 1 --threads 1 \
  --out "$tmp/int" >/dev/null 2>"$tmp/err" &  # about 30 s
run=$!
sleep 2; start=$SECONDS; kill -INT $run; wait $run; code=$?; took=$((SECONDS - start))
sleep 1
if [ $code -ne 0 ] && [ $took -le 10 ] && [ -z "$(ls -A "$tmp/int" 2>/dev/null | grep -v '^\.rbm-study\.lock$')" ] \
   && ! pgrep -f "$bin convergence" >/dev/null; then pass
else fail "SIGINT to mpirun -> exit $code after $took s, files: $(ls -A "$tmp/int" 2>/dev/null | tr '\n' ' ')"; fi

echo "mpi: $passed passed, $failed failed"
[ $failed -eq 0 ]
