#!/usr/bin/env bash
# Fault injection for rbm-study (issue 11, "the contract, everywhere"): inputs that used to crash,
# inputs whose numbers are not finite, a full disk and a full or closed stdout, a symbolic link
# planted in the output directory, two runs into one directory, SIGINT and kill -9 mid-run followed
# by --resume (the uninterrupted run's bytes), shards merged in a shuffled order, repeated list
# entries, list order, CRLF and NUL in token files and escape sequences in arguments, and seeded
# fuzzing of the parser, the token/maps readers and extreme numeric options. Asserts exit
# codes, one-line messages, no partial files and identical bytes where a failed run must leave the
# previous files (the MPI build is checked by check-mpi.sh). Prints "faults: N passed, N failed, N
# skipped". SCRATCH_PATH selects the build directory (default .build).
set -uo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH_PATH:-.build}
swift build -c release --product rbm-study --scratch-path "$scratch" >/dev/null 2>&1 || { echo "build failed"; exit 1; }
bin=$(pwd)/$scratch/release/rbm-study
tmp=$(mktemp -d)
mounted=""
cleanup() { [ -n "$mounted" ] && umount "$mounted" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
passed=0; failed=0; skipped=0
pass() { passed=$((passed+1)); }
fail() { failed=$((failed+1)); echo "FAIL: $*"; }
skip() { skipped=$((skipped+1)); echo "SKIP: $*"; }

# Small configurations of each subcommand.
conv=(convergence --particles 8 --trajectories 4 --dt 0.5,0.25 --horizon 1 --batch-sizes 2,4)
sweep=(variance-sweep --particles 8 --draws 8 --configurations 1)
wp=(work-precision --particles 16 --dim 4 --draws 2 --repeats 1 --trajectories 2 --estimators rba,uniform-columns)

# Leftovers of a run: temporaries and streams (the lock file may stay).
leftovers() { find "$1" -name '*.partial' -o -name '*.tmp' 2>/dev/null | grep -q .; }
# stderr must be exactly one line, contain no raw control byte and no crash report.
one_line() {
  [ "$(grep -c . "$1")" -eq 1 ] && ! grep -q 'Backtracing\|Program crashed\|Fatal error' "$1" \
    && python3 -c "import sys; d=open(sys.argv[1],'rb').read().rstrip(b'\n'); sys.exit(any(b<32 and b!=9 or b==127 for b in d))" "$1"
}
# expect CODE PATTERN OUTDIR-OR-- cmd…: exit code, one-line stderr containing PATTERN, nothing
# left in OUTDIR (for code 2: OUTDIR not even created).
expect() {
  local code=$1 pattern=$2 out=$3; shift 3
  "$bin" "$@" >"$tmp/stdout" 2>"$tmp/stderr"; local got=$?
  local why=""
  [ $got -eq "$code" ] || why="exit $got, expected $code"
  [ -z "$why" ] && [ "$code" -ne 0 ] && ! one_line "$tmp/stderr" && why="stderr is not one clean line"
  [ -z "$why" ] && [ "$code" -ne 0 ] && [[ "$(cat "$tmp/stderr")" != *"$pattern"* ]] && why="message lacks '$pattern'"
  [ -z "$why" ] && [ "$code" -ne 0 ] && [ -s "$tmp/stdout" ] && why="printed results on stdout"
  if [ -z "$why" ] && [ "$out" != "--" ]; then
    if [ "$code" -eq 2 ] && [ -e "$out" ]; then why="created $out before rejecting the input"; fi
    if [ -e "$out" ] && leftovers "$out"; then why="left a partial file in $out"; fi
  fi
  if [ -z "$why" ]; then pass; else fail "$* -> $why: $(head -c 300 "$tmp/stderr")"; fi
}

# --- 1. Inputs that used to crash --------------------------------------------------------------
expect 2 "--dt" "$tmp/c1" work-precision --particles 16 --dim 4 --dt 1e-19 --out "$tmp/c1"
expect 2 "--dt" "$tmp/c1" work-precision --particles 16 --dim 4 --dt 1e-300 --out "$tmp/c1"
for beta in 355 500 709; do  # importance probabilities overflowed into a precondition
  expect 0 "" -- work-precision --particles 16 --dim 4 --draws 2 --repeats 1 --trajectories 2 --normalization mean-field \
    --beta $beta --estimators rba,importance-columns,uniform-columns
  expect 3 "--normalization softmax" -- variance-sweep --system attention --normalization mean-field --beta $beta \
    --particles 16 --draws 8 --configurations 1 --estimators importance-columns,uniform-columns
done
expect 3 "paramixer" -- work-precision --particles 16 --dim 4 --draws 2 --repeats 1 --trajectories 2 --skip-dynamics \
  --normalization mean-field --beta 400
expect 2 "--max-memory" "$tmp/c2" convergence --particles 5000000 --dim 32 --dt 1,0.5 --horizon 1 --trajectories 2 --out "$tmp/c2"
expect 2 "--max-memory" "$tmp/c2" "${conv[@]}" --max-memory 1M --out "$tmp/c2"
expect 2 "--max-memory" "$tmp/c2" "${conv[@]}" --max-memory 12Q --out "$tmp/c2"
expect 2 "--max-memory" "$tmp/c2" work-precision --particles 200000 --out "$tmp/c2"
expect 2 "--max-memory" "$tmp/c2" variance-sweep --system attention --particles 200000 --out "$tmp/c2"
# A full disk while trajectories.csv streams: exit 3 with the reason, nothing left behind.
mkdir -p "$tmp/small"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=256k tmpfs "$tmp/small" 2>/dev/null; then
  mounted="$tmp/small"
  expect 3 "No space left on device" "$tmp/small/out" convergence --particles 16 --trajectories 400 --dt 0.25,0.125,0.0625 \
    --horizon 1 --out "$tmp/small/out"
  # Only the journal stays (for --resume once there is space); no final file, no temporary.
  if [ "$(ls "$tmp/small/out")" = convergence.journal ]; then pass; else fail "full disk left files: $(ls "$tmp/small/out")"; fi
  umount "$tmp/small" && mounted=""
else
  skip "full-disk stream: cannot mount a tmpfs here (needs root and mount permission)"
fi

# --- 2. Numbers that are not finite: exit 3 with the option that avoids it, no verdict ----------
expect 3 "--normalization softmax" "$tmp/n1" variance-sweep --system attention --normalization mean-field --beta 800 \
  --particles 16 --draws 20 --configurations 1 --out "$tmp/n1"
if [ -z "$(ls "$tmp/n1" 2>/dev/null)" ]; then pass; else fail "non-finite sweep wrote $(ls "$tmp/n1")"; fi
expect 3 "--geometry sphere" -- work-precision --geometry euclidean --normalization mean-field --particles 32 --dim 4 \
  --horizon 5 --draws 2 --repeats 1 --trajectories 2
expect 3 "--geometry sphere" -- convergence --system attention --geometry euclidean --normalization mean-field \
  --particles 16 --trajectories 4 --dt 0.25,0.125 --horizon 1
if ! grep -q "status 9$\|status -1$" "$tmp/stderr"; then pass; else fail "GSL status printed without words"; fi
expect 3 "smaller --dt" "$tmp/n2" convergence --system linear --particles 8 --dt 8,4 --horizon 2048 --trajectories 4 --out "$tmp/n2"
if [ -z "$(ls "$tmp/n2" 2>/dev/null)" ]; then pass; else fail "non-finite convergence wrote $(ls "$tmp/n2")"; fi
expect 3 "not finite" -- convergence --system linear --particles 8 --dt 8,4 --horizon 2048 --trajectories 4 --calibrate 2
# Runs that stay finite but whose statistics do not (errors near 1e120: their mean squares' variance
# overflows); this used to end in "EncodingError.invalidValue: -nan … batchSizeRatios[0].ci95[0]".
for horizon in 1024 1648; do
  expect 3 "smaller --dt" "$tmp/n3" convergence --system linear --particles 8 --dt 8,4 --horizon $horizon --trajectories 4 --out "$tmp/n3"
  expect 3 "statistics are not finite" -- convergence --system linear --particles 8 --dt 8,4 --horizon $horizon --trajectories 4 --format json
done
if [ -z "$(ls "$tmp/n3" 2>/dev/null)" ]; then pass; else fail "convergence with non-finite statistics wrote $(ls "$tmp/n3")"; fi

# --- 3. Files: inputs checked before any file exists; atomic, exclusive, locked writes ---------
printf '1,0,0\n0,1,0\n0,0,1\n1,1,0\n' > "$tmp/tokens.csv"
att=(convergence --system attention --particles 8 --trajectories 2 --dt 0.5,0.25 --horizon 1 --batch-sizes 2)
expect 2 "--beta" "$tmp/f1" "${att[@]}" --beta 20000 --out "$tmp/f1"
expect 2 "--estimator" "$tmp/f1" "${att[@]}" --estimator nosuch --out "$tmp/f1"
expect 2 "--tokens" "$tmp/f1" "${att[@]}" --tokens nosuch --out "$tmp/f1"
expect 2 "--maps" "$tmp/f1" "${att[@]}" --maps nosuch --out "$tmp/f1"
expect 2 "--maps-file" "$tmp/f1" "${att[@]}" --maps file --maps-file /nonexistent.csv --out "$tmp/f1"
expect 2 "--particles" "$tmp/f1" "${att[@]}" --particles 12 --estimator paramixer-chord --out "$tmp/f1"
mkdir -p "$tmp/dir.md"
start=$(date +%s)
expect 2 "--report" "$tmp/f1" convergence --report "$tmp/dir.md" --out "$tmp/f1"  # the default run would take minutes
[ $(( $(date +%s) - start )) -lt 10 ] && pass || fail "--report naming a directory was found only after the run"
expect 2 "--out" -- "${conv[@]}" --out ''
# Full and closed stdout: exit 3, and the files of the run are not replaced.
for cmd in conv sweep wp; do
  declare -n args=$cmd
  "$bin" "${args[@]}" --format json --out "$tmp/full-$cmd" >/dev/full 2>"$tmp/stderr"; code=$?
  if [ $code -eq 3 ] && one_line "$tmp/stderr" && grep -q "standard output" "$tmp/stderr" \
     && [ -z "$(ls "$tmp/full-$cmd" | grep -v '\.journal$')" ]; then pass; else fail "$cmd >/dev/full -> exit $code: $(cat "$tmp/stderr")"; fi
  "$bin" "${args[@]}" --format json >&- 2>"$tmp/stderr"; code=$?
  if [ $code -eq 3 ] && one_line "$tmp/stderr" && grep -q "standard output" "$tmp/stderr"; then pass
  else fail "$cmd with stdout closed -> exit $code: $(cat "$tmp/stderr")"; fi
done
# Symbolic links planted at the final names, the old stream name and the lock file.
echo "precious" > "$tmp/victim"
mkdir -p "$tmp/links"
for name in convergence.json levels.csv trajectories.csv trajectories.csv.partial ".convergence.json.$$.partial"; do
  ln -s "$tmp/victim" "$tmp/links/$name"
done
expect 0 "" -- "${conv[@]}" --out "$tmp/links"
if [ "$(cat "$tmp/victim")" = precious ] && [ -f "$tmp/links/convergence.json" ] && [ ! -L "$tmp/links/convergence.json" ] \
   && [ ! -L "$tmp/links/trajectories.csv" ] && [ -L "$tmp/links/trajectories.csv.partial" ]; then pass
else fail "a planted symbolic link was followed"; fi
rm -f "$tmp/links/trajectories.csv.partial" "$tmp/links/.convergence.json.$$.partial"
leftovers "$tmp/links" && fail "the run left a temporary next to the planted links" || pass
mkdir -p "$tmp/locklink" && ln -s "$tmp/victim" "$tmp/locklink/.rbm-study.lock"
expect 3 "symbolic link" -- "${conv[@]}" --out "$tmp/locklink"
[ "$(cat "$tmp/victim")" = precious ] && pass || fail "the lock file was followed through a symbolic link"
# Two runs into one directory: the second is refused while the first holds the lock.
long=(convergence --particles 64 --trajectories 2500 --threads 1 --dt 0.25,0.125 --horizon 1)  # about 4 s
"$bin" "${long[@]}" --out "$tmp/shared" >/dev/null 2>"$tmp/first.err" & first=$!
for _ in $(seq 200); do [ "$(cat "$tmp/shared/convergence.journal" 2>/dev/null | wc -l)" -ge 10 ] && break; sleep 0.05; done
expect 3 "in use by another rbm-study run" -- "${conv[@]}" --out "$tmp/shared"
wait $first; code=$?
if [ $code -eq 0 ] && python3 -c "
import json,sys
d=json.load(open('$tmp/shared/convergence.json'))
assert '--trajectories 2500' in d['manifest']['command']
" && ! leftovers "$tmp/shared"; then pass; else fail "concurrent runs: first exit $code or mixed files"; fi
# SIGINT mid-run over a previous complete set: exit 130, the previous files byte for byte, no partials,
# the journal kept; a rerun without --resume is refused, --resume gives the uninterrupted run's bytes.
resumable=(convergence --particles 64 --trajectories 4000 --dt 0.25,0.125 --horizon 1)
journal_lines() {  # DIR MIN: wait (at most 10 s) until DIR's journal holds MIN lines
  for _ in $(seq 200); do [ "$(cat "$1/convergence.journal" 2>/dev/null | wc -l)" -ge "$2" ] && return; sleep 0.05; done
}
"$bin" "${resumable[@]}" --out "$tmp/reference" >/dev/null 2>&1
mkdir -p "$tmp/before"
cp "$tmp/shared"/*.json "$tmp/shared"/*.csv "$tmp/before/"
"$bin" "${resumable[@]}" --out "$tmp/shared" >/dev/null 2>"$tmp/int.err" & run=$!
journal_lines "$tmp/shared" 200; kill -INT $run; wait $run; code=$?
same=1; for f in "$tmp/before"/*; do cmp -s "$f" "$tmp/shared/$(basename "$f")" || same=0; done
if [ $code -eq 130 ] && [ $same -eq 1 ] && ! leftovers "$tmp/shared" && [ -s "$tmp/shared/convergence.journal" ]; then pass
else fail "SIGINT -> exit $code, previous files intact: $same, files: $(ls -a "$tmp/shared" | tr '\n' ' ')"; fi
expect 2 "add --resume" -- "${resumable[@]}" --out "$tmp/shared"
expect 2 "--particles" -- "${resumable[@]}" --particles 32 --out "$tmp/shared" --resume
expect 2 "--resume" -- "${resumable[@]}" --out "$tmp/empty-dir" --resume
same_report() {  # DIR: the files of DIR equal the uninterrupted reference (JSON: except manifest timing/command)
  local d=$1 ok=1
  for f in levels.csv fits.csv trajectories.csv; do cmp -s "$tmp/reference/$f" "$d/$f" || ok=0; done
  python3 -c "
import json
a, b = (json.load(open(f + '/convergence.json')) for f in ('$tmp/reference', '$d'))
for m in (a['manifest'], b['manifest']):
    for k in ('wallSeconds', 'date', 'command', 'threads'): m.pop(k)
a['configuration'].pop('threads'); b['configuration'].pop('threads')
assert a == b
" || ok=0
  [ $ok -eq 1 ] && [ ! -e "$d/convergence.journal" ] && ! leftovers "$d"
}
"$bin" "${resumable[@]}" --out "$tmp/shared" --resume --threads 1 >/dev/null 2>"$tmp/resume.err"; code=$?
if [ $code -eq 0 ] && same_report "$tmp/shared"; then pass; else fail "resume after SIGINT -> exit $code or different bytes"; fi
# kill -9 at a random point (a torn last journal line), then --resume: the same bytes again.
"$bin" "${resumable[@]}" --out "$tmp/killed" >/dev/null 2>&1 & run=$!
journal_lines "$tmp/killed" $(( RANDOM % 2000 + 2 )); kill -9 $run; wait $run 2>/dev/null
"$bin" "${resumable[@]}" --out "$tmp/killed" --resume >/dev/null 2>"$tmp/resume.err"; code=$?
if [ $code -eq 0 ] && same_report "$tmp/killed"; then pass; else fail "resume after kill -9 -> exit $code or different bytes: $(cat "$tmp/resume.err")"; fi
# A full stdout keeps the journal: --resume then prints the report without running again.
"$bin" "${conv[@]}" --out "$tmp/full-conv" --resume --format json >"$tmp/resumed.json" 2>/dev/null \
  && python3 -c "import json; json.load(open('$tmp/resumed.json'))" && [ ! -e "$tmp/full-conv/convergence.journal" ] \
  && pass || fail "resume after a full stdout"
# A run that fails (non-finite) leaves the previous complete set untouched.
"$bin" "${att[@]}" --out "$tmp/keep" >/dev/null 2>&1
cp -r "$tmp/keep" "$tmp/keep-before"
expect 3 "--geometry sphere" "$tmp/keep" "${att[@]}" --geometry euclidean --normalization mean-field --out "$tmp/keep"
if diff -r -x .rbm-study.lock "$tmp/keep" "$tmp/keep-before" >/dev/null; then pass; else fail "a failed run changed the previous files"; fi

# Shards (--shard K/N) merged in a shuffled order give the unsharded run's bytes; missing, repeated
# and foreign shards are refused; an interrupted shard resumes.
for k in 1 2 3 4; do
  "$bin" "${resumable[@]}" --trajectories 400 --shard $k/4 --out "$tmp/shard$k" >/dev/null 2>&1 || fail "shard $k/4 failed"
done
"$bin" "${resumable[@]}" --trajectories 400 --out "$tmp/reference" >/dev/null 2>&1
order=$(printf '%s\n' 1 2 3 4 | shuf | tr '\n' ' ')
dirs=(); for k in $order; do dirs+=("$tmp/shard$k"); done
expect 0 "" -- merge "${dirs[@]}" --out "$tmp/merged"
same_report "$tmp/merged" && pass || fail "shards merged in the order $order differ from the unsharded run"
expect 2 "shard 3/4 is missing" -- merge "$tmp/shard1" "$tmp/shard2" "$tmp/shard4"
expect 2 "given twice" -- merge "$tmp/shard1" "$tmp/shard2" "$tmp/shard3" "$tmp/shard4" "$tmp/shard2"
"$bin" "${resumable[@]}" --trajectories 400 --seed 9 --shard 3/4 --out "$tmp/foreign" >/dev/null 2>&1
expect 2 "different options (--seed)" -- merge "$tmp/shard1" "$tmp/shard2" "$tmp/foreign" "$tmp/shard4"
expect 2 "already holds the finished records" -- "${resumable[@]}" --trajectories 400 --shard 1/4 --out "$tmp/shard1"
expect 2 "--shard" -- "${resumable[@]}" --shard 5/4 --out "$tmp/shard5"
expect 2 "--shard" -- "${conv[@]}" --shard 1/2
expect 2 "--resume" -- "${conv[@]}" --calibrate 2 --resume --out "$tmp/shard5"
expect 2 "--shard" -- "${conv[@]}" --calibrate 2 --shard 1/2 --out "$tmp/shard5"
"$bin" "${resumable[@]}" --trajectories 1500 --shard 2/2 --out "$tmp/shard-killed" >/dev/null 2>&1 & run=$!
journal_lines "$tmp/shard-killed" 100; kill -9 $run; wait $run 2>/dev/null
"$bin" "${resumable[@]}" --trajectories 1500 --shard 2/2 --out "$tmp/shard-killed" --resume >/dev/null 2>&1 \
  && "$bin" "${resumable[@]}" --trajectories 1500 --shard 1/2 --out "$tmp/shard-other" >/dev/null 2>&1 \
  && "$bin" "${resumable[@]}" --trajectories 1500 --out "$tmp/reference" >/dev/null 2>&1 \
  && "$bin" merge "$tmp/shard-killed" "$tmp/shard-other" --out "$tmp/merged2" >/dev/null 2>&1 \
  && same_report "$tmp/merged2" && pass || fail "a shard resumed after kill -9 does not merge into the unsharded bytes"

# variance-sweep: kill -9 mid-sweep, then --resume gives the uninterrupted sweep's bytes.
vs=(variance-sweep --particles 32 --draws 4000 --configurations 2)
"$bin" "${vs[@]}" --out "$tmp/vs-reference" >/dev/null 2>&1
"$bin" "${vs[@]}" --out "$tmp/vs-killed" >/dev/null 2>&1 & run=$!
for _ in $(seq 200); do [ "$(cat "$tmp/vs-killed/variance-sweep.journal" 2>/dev/null | wc -l)" -ge 4 ] && break; sleep 0.05; done
kill -9 $run; wait $run 2>/dev/null
expect 2 "add --resume" -- "${vs[@]}" --out "$tmp/vs-killed"
expect 2 "different options (--draws)" -- "${vs[@]}" --draws 100 --out "$tmp/vs-killed" --resume
"$bin" "${vs[@]}" --out "$tmp/vs-killed" --resume --threads 1 >/dev/null 2>&1 && cmp -s "$tmp/vs-reference/rows.csv" "$tmp/vs-killed/rows.csv" \
  && cmp -s "$tmp/vs-reference/fits.csv" "$tmp/vs-killed/fits.csv" && [ ! -e "$tmp/vs-killed/variance-sweep.journal" ] \
  && python3 -c "
import json
a, b = (json.load(open(f + '/variance-sweep.json')) for f in ('$tmp/vs-reference', '$tmp/vs-killed'))
for d in (a, b):
    for k in ('wallSeconds', 'date', 'command', 'threads'): d['manifest'].pop(k)
    d['configuration'].pop('threads')
assert a == b
" && pass || fail "variance-sweep resumed after kill -9 differs from the uninterrupted sweep"

# work-precision: kill -9 mid-study, then --resume gives the uninterrupted errors (timings are measured again).
wpr=(work-precision --particles 64 --dim 8 --draws 8 --repeats 1 --trajectories 8)
"$bin" "${wpr[@]}" --out "$tmp/wp-reference" >/dev/null 2>&1
"$bin" "${wpr[@]}" --out "$tmp/wp-killed" >/dev/null 2>&1 & run=$!
for _ in $(seq 400); do [ "$(cat "$tmp/wp-killed/work-precision.journal" 2>/dev/null | wc -l)" -ge 20 ] && break; sleep 0.02; done
kill -9 $run; wait $run 2>/dev/null
"$bin" "${wpr[@]}" --out "$tmp/wp-killed" --resume >/dev/null 2>&1 && [ ! -e "$tmp/wp-killed/work-precision.journal" ] && python3 -c "
import json
def errors(f):
    d = json.load(open(f + '/work-precision.json'))
    return [{k: v for k, v in r.items() if k not in ('seconds', 'paretoSeconds')} for r in d['rows']], \
           [(r['estimator'], r['size'], r['error']) for r in d['trajectoryRows']]
assert errors('$tmp/wp-reference') == errors('$tmp/wp-killed')
" && pass || fail "work-precision resumed after kill -9 differs from the uninterrupted study"

# --- 4. Inconsistencies --------------------------------------------------------------------------
expect 2 "--estimators" -- "${sweep[@]}" --estimators random-batch,random-batch
expect 2 "--sizes" -- "${sweep[@]}" --estimators random-batch --sizes 4,4
expect 2 "--match-cost" -- "${sweep[@]}" --match-cost 4,4.0
expect 2 "--sizes" -- "${wp[@]}" --sizes 4,4.0
expect 2 "--dt" -- "${conv[@]}" --dt 0.5,0.50
expect 2 "--batch-sizes" -- convergence --batch-sizes 2,2
expect 2 "--beta" -- "${sweep[@]}" --beta 2
expect 2 "--normalization" -- "${sweep[@]}" --system smooth,linear --normalization mean-field
"$bin" "${wp[@]}" --sizes 8,4 --threads 1 --format json >"$tmp/a.json" 2>/dev/null
"$bin" "${wp[@]}" --sizes 4,8 --threads 2 --format json >"$tmp/b.json" 2>/dev/null
"$bin" "${wp[@]}" --sizes 4 --format json >"$tmp/c.json" 2>/dev/null
python3 -c "
import json
def rows(f, size=None):
    d = json.load(open(f))
    return sorted((r['estimator'], r['size'], r['error']['value'], r['error']['standardError'], r['spectralError']['value'])
                  for r in d['rows'] if size is None or r['size'] == size) + \
           sorted((r['estimator'], r['size'], r['error']['value']) for r in d['trajectoryRows'] if size is None or r['size'] == size)
assert rows('$tmp/a.json') == rows('$tmp/b.json'), 'order or threads changed the errors'
assert rows('$tmp/a.json', 4) == rows('$tmp/c.json', 4), 'other sizes changed the errors of size 4'
" && pass || fail "work-precision results depend on the order of --sizes or the thread count"
"$bin" "${sweep[@]}" --estimators random-batch,random-batch-replacement --sizes 2,4,8 --format json >"$tmp/a.json" 2>/dev/null
"$bin" "${sweep[@]}" --estimators random-batch-replacement,random-batch --sizes 8,2,4 --format json >"$tmp/b.json" 2>/dev/null
python3 -c "
import json
def parts(f):
    d = json.load(open(f))
    return [sorted(json.dumps(x, sort_keys=True) for x in d[k]) for k in ('rows', 'fits')]
assert parts('$tmp/a.json') == parts('$tmp/b.json')
" && pass || fail "variance-sweep rows or fits depend on the order of --sizes or --estimators"
printf '1,0,0\r\n0,1,0\r\n0,0,1\r\n1,1,0\r\n' > "$tmp/crlf.csv"
expect 0 "" -- convergence --system attention --tokens-file "$tmp/crlf.csv" --batch-sizes 2 --trajectories 2 --dt 0.5,0.25 --horizon 1
printf '1,0,0\r\n0,1\r\n0,0,1\r\n' > "$tmp/crlf-ragged.csv"
expect 2 "line 2" -- convergence --system attention --tokens-file "$tmp/crlf-ragged.csv" --batch-sizes 2
printf '1,0,0\n0,1\0009,0\n0,0,1\n' > "$tmp/nul.csv"
expect 2 "--tokens-file" -- convergence --system attention --tokens-file "$tmp/nul.csv" --batch-sizes 2
printf '1,0,0\n0,\033[2J1,0\n0,0,1\n' > "$tmp/escape.csv"
expect 2 "--tokens-file" -- convergence --system attention --tokens-file "$tmp/escape.csv" --batch-sizes 2
expect 2 "--system" -- convergence --system $'\e[31mred\e[0m'
expect 2 "--estimators" -- "${wp[@]}" --estimators $'rba,\e]0;title\a'

# --- 5. Seeded fuzzing of the option parser and the token/maps file readers -------------------
python3 scripts/fuzz-inputs.py "$bin" 20251202 240 >"$tmp/fuzz.txt" 2>&1 && pass || { fail "fuzzing"; cat "$tmp/fuzz.txt"; }
# Extreme but valid-looking numbers (horizons, τ, noise, β, batch sizes near N, --checkpoints,
# --expect): exit 0–3, one line for 2 and 3, no crash, no EncodingError, no verdict over NaN (~30 s).
python3 scripts/fuzz-inputs.py "$bin" 20251206 80 numeric >"$tmp/fuzz-numeric.txt" 2>&1 && pass || { fail "numeric fuzzing"; cat "$tmp/fuzz-numeric.txt"; }

echo "faults: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
