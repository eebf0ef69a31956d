#!/usr/bin/env bash
# Checks the command-line contract of `rbm-study work-precision`: bad input exits 2 with a one-line
# message naming the option and leaves no output file; a small valid run exits 0 and writes JSON
# with the contract's fields (schema, manifest, rows[] with estimator/size/error/cost/seconds/pareto),
# CSV files, and errors that do not depend on the thread count. Prints
# "work-precision cli: N passed, N failed". SCRATCH_PATH selects the build directory (default .build).
set -uo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH_PATH:-.build}
swift build -c release --product rbm-study --scratch-path "$scratch" >/dev/null 2>&1 || { echo "build failed"; exit 1; }
bin=$scratch/release/rbm-study
tmp=$(mktemp -d)
passed=0; failed=0
small=(--particles 32 --dim 4 --draws 2 --repeats 1 --trajectories 2 --skip-dynamics)
expect_bad() {  # option-name, args...
  local option=$1; shift
  rm -rf "$tmp/out"
  local err; err=$("$bin" work-precision "$@" --out "$tmp/out" 2>&1 >/dev/null); local code=$?
  local lines; lines=$(printf '%s\n' "$err" | grep -c .)
  if [ $code -eq 2 ] && [ "$lines" -eq 1 ] && [[ "$err" == *"$option"* ]] && [ ! -e "$tmp/out/work-precision.json" ]; then
    passed=$((passed+1))
  else
    failed=$((failed+1)); echo "FAIL: $* -> exit $code, message: $err"
  fi
}
expect_bad --particles --particles 1
expect_bad --dim --dim 0
expect_bad --estimators --estimators nosuch
expect_bad --estimators --estimators "rba,,soft"
expect_bad --estimators --estimators rba,rba
expect_bad --sizes --estimators soft --sizes 0                       # landmarks < 1
expect_bad --sizes --particles 64 --estimators soft-svd --sizes 65   # landmarks > N
expect_bad --sizes --particles 64 --estimators nystromformer --sizes 100
expect_bad --sizes --estimators performer-positive --sizes 0        # features < 1
expect_bad --sizes --estimators performer-positive --sizes 2.5
expect_bad --sizes --estimators rba --sizes 2,x
expect_bad --particles --particles 100 --estimators paramixer-chord  # N not a power of two
expect_bad --tokens-file --tokens-file /nonexistent/tokens.csv --estimators paramixer-cdil
expect_bad --draws --draws 1
expect_bad --repeats --repeats 0
expect_bad --threads --threads 0
expect_bad --dt --dt 0
expect_bad --dt --dt 0.3
expect_bad --horizon --horizon -1
expect_bad --trajectories --trajectories 1
expect_bad --beta --beta nan
expect_bad --normalization --normalization foo
expect_bad --geometry --geometry torus
expect_bad --maps-file --maps file
expect_bad --format --format xml
expect_bad --report --report notes.txt
err=$("$bin" work-precision "${small[@]}" --out /proc/forbidden/x 2>&1 >/dev/null); code=$?
if [ $code -eq 2 ] && [[ "$err" == *"--out"* ]]; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: unwritable --out -> exit $code: $err"; fi

# A valid run with the trajectory part and every estimator family.
est=rba,rba-corrected,soft,soft-svd,soft-random-svd,nystromformer,performer-positive,performer-positive-orthogonal,performer-trigonometric,paramixer-chord,paramixer-cdil
if "$bin" work-precision --particles 32 --dim 4 --draws 3 --repeats 2 --trajectories 2 --dt 0.25 --horizon 0.5 \
     --estimators "$est" --format json --out "$tmp/ok" --threads 1 > "$tmp/ok.json" 2>/dev/null \
   && python3 -c "
import json
d=json.load(open('$tmp/ok.json'))
assert d['schema']=='rbm-study/work-precision/1'
for k in ['seed','command','version','gitCommit','swiftVersion','blas','threads','wallSeconds']: assert k in d['manifest'], k
rows=d['rows']
assert rows[0]['estimator']=='exact'
names={r['estimator'] for r in rows}
for n in '$est'.split(','): assert n in names, n
for r in rows:
    for k in ['estimator','size','error','cost','seconds','pareto','flops','spectralError','target']: assert k in r, k
    assert set(r['error'])=={'value','standardError','count'}, r['error']
    assert r['front'] in ('front','within noise','dominated') and len(r['errorCI95'])==2 and isinstance(r['errorReliable'],bool)
    assert (r['front']=='front')==r['pareto']
assert d['summary'] and d['summary'][0].startswith('front (flops vs error'), d['summary']
assert any(r['pareto'] for r in rows if r['estimator']!='exact')
assert any(r['random'] and r['error']['count']==3 for r in rows)
assert any((not r['random']) and r['error']['count']==1 for r in rows if r['estimator']!='exact')
assert {r['target'] for r in rows} >= {'attention','gaussian-kernel'}
t=d['trajectoryRows']
assert len(t)>0 and {r['estimator'] for r in t} <= {'rba','rba-corrected'} | names
for r in t:
    for k in ['estimator','size','error','errorCI95','cost','seconds','pareto','steps']: assert k in r, k
assert json.load(open('$tmp/ok/work-precision.json'))['rows']==rows
" && [ -f "$tmp/ok/rows.csv" ] && [ -f "$tmp/ok/trajectories.csv" ] && ! ls -a "$tmp/ok" | grep -q partial; then
  passed=$((passed+1))
else
  failed=$((failed+1)); echo "FAIL: valid run did not produce the contract's JSON"
fi

# Errors do not depend on the thread count (every CSV table without the columns measured by the clock:
# `seconds` and `paretoSeconds`, the Pareto flag by measured time, which flips between any two runs
# whose times of two estimators are close).
without_seconds() {
  python3 -c '
import csv, sys
timed = None
for row in csv.reader(sys.stdin):
    if row and row[0].startswith("# table: "): print(row[0]); timed = None; continue
    if timed is None: timed = {k for k, name in enumerate(row) if name in ("seconds", "paretoSeconds")}
    print(",".join(v for k, v in enumerate(row) if k not in timed))'
}
"$bin" work-precision "${small[@]}" --estimators rba,performer-positive,soft-random-svd --threads 1 --format csv 2>/dev/null | without_seconds > "$tmp/t1.csv"
"$bin" work-precision "${small[@]}" --estimators rba,performer-positive,soft-random-svd --threads 2 --format csv 2>/dev/null | without_seconds > "$tmp/t2.csv"
if [ -s "$tmp/t1.csv" ] && cmp -s "$tmp/t1.csv" "$tmp/t2.csv" && head -2 "$tmp/t1.csv" | grep -q "^system,N,d,estimator,sizeName,size,kind"; then
  passed=$((passed+1))
else
  failed=$((failed+1)); echo "FAIL: errors differ between --threads 1 and --threads 2 (or CSV missing)"
fi

# --report writes a notebook and its SVGs.
if "$bin" work-precision "${small[@]}" --estimators rba,soft-svd,performer-positive --report "$tmp/nb/wp.md" >/dev/null 2>&1 \
   && grep -q "When each method wins" "$tmp/nb/wp.md"; then
  passed=$((passed+1))
else
  failed=$((failed+1)); echo "FAIL: --report did not write the notebook"
fi
# --calibrate: draws resampled at a fixed configuration; coverage per printed interval.
if "$bin" work-precision "${small[@]}" --estimators rba,bernoulli --calibrate 3 --format json > "$tmp/cal.json" 2>/dev/null \
   && python3 -c "
import json
d=json.load(open('$tmp/cal.json'))
assert d['schema']=='rbm-study/work-precision-calibration/1' and len(d['seeds'])==3
assert any(c['label'].startswith('error, rba') for c in d['coverage'])
" ; then
  passed=$((passed+1))
else
  failed=$((failed+1)); echo "FAIL: --calibrate did not report coverages"
fi
rm -rf "$tmp"
echo "work-precision cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
