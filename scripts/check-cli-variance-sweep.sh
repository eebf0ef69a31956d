#!/usr/bin/env bash
# Checks the command-line contract of `rbm-study variance-sweep`: bad input (sizes out of range,
# unknown estimator, malformed token files, …) exits 2 with a one-line message naming the option
# and leaves no output file; a small valid run exits 0 and writes JSON with the contract's fields.
# Prints "variance-sweep cli: N passed, N failed". Set RBM_STUDY to use a prebuilt binary.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ -n "${RBM_STUDY:-}" ]; then
  bin=$RBM_STUDY
else
  swift build -c release --product rbm-study >/dev/null 2>&1 || { echo "build failed"; exit 1; }
  bin=.build/release/rbm-study
fi
tmp=$(mktemp -d)
passed=0; failed=0
expect_bad() {  # option-name, args...
  local option=$1; shift
  rm -rf "$tmp/out"
  local err; err=$("$bin" variance-sweep --draws 8 --configurations 1 "$@" --out "$tmp/out" 2>&1 >/dev/null); local code=$?
  local lines; lines=$(printf '%s\n' "$err" | grep -c .)
  if [ $code -eq 2 ] && [ "$lines" -eq 1 ] && [[ "$err" == *"$option"* ]] && [ ! -e "$tmp/out/variance-sweep.json" ]; then
    passed=$((passed+1))
  else
    failed=$((failed+1)); echo "FAIL: $* -> exit $code, message: $err"
  fi
}
printf '1,0,0\n0,1,0\n0,0,1\n1,1,0\n' > "$tmp/good.csv"
printf '1,0,0\n0,1\n0,0,1\n' > "$tmp/ragged.csv"
printf '1,0,0\nnan,1,0\n0,0,1\n' > "$tmp/nan.csv"
printf '1,0,0\n0,x,0\n0,0,1\n' > "$tmp/text.csv"
expect_bad --sizes --particles 16 --estimators random-batch --sizes 17
expect_bad --sizes --particles 16 --estimators random-batch --sizes 1
expect_bad --sizes --particles 16 --estimators bernoulli --sizes 0
expect_bad --sizes --particles 16 --estimators bernoulli --sizes 1.5
expect_bad --sizes --particles 16 --estimators bernoulli --sizes -0.2
expect_bad --sizes --system attention --particles 16 --estimators yoso --sizes 0
expect_bad --sizes --system attention --particles 16 --estimators yoso --sizes 2.5
expect_bad --sizes --system attention --particles 16 --estimators importance-columns --sizes 17
expect_bad --sizes --system attention --particles 16 --estimators skeinformer --sizes 20
expect_bad --sizes --particles 16 --estimators uniform-columns --sizes 17
expect_bad --sizes --particles 16 --sizes 2,x
expect_bad --estimators --estimators nosuch
expect_bad --estimators --system attention --estimators random-batch-replacement
expect_bad --estimators --estimators random-batch,
expect_bad --system --system nosuch
expect_bad --particles --particles 2
expect_bad --draws --draws 3
expect_bad --configurations --configurations 0
expect_bad --match-cost --match-cost 0
expect_bad --match-cost --match-cost 4 --sizes 2
expect_bad --match-cost --system attention --particles 16 --estimators yoso --match-cost 1
expect_bad --tokens-file --system attention --tokens-file "$tmp/ragged.csv"
expect_bad --tokens-file --system attention --tokens-file "$tmp/nan.csv"
expect_bad --tokens-file --system attention --tokens-file "$tmp/text.csv"
expect_bad --tokens-file --system attention --tokens-file "$tmp/missing.csv"
expect_bad --normalization --system attention --normalization both
expect_bad --beta --system attention --beta nan
expect_bad --bits --system attention --bits 0
expect_bad --format --format xml
expect_bad --report --report notes.txt
err=$("$bin" variance-sweep --draws 8 --out /proc/forbidden/x 2>&1 >/dev/null); code=$?
if [ $code -eq 2 ] && [[ "$err" == *"--out"* ]]; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: unwritable --out -> exit $code: $err"; fi
if "$bin" variance-sweep --system smooth,attention --particles 12 --estimators random-batch,bernoulli,uniform-columns \
     --match-cost 3 --draws 40 --configurations 2 --threads 2 --format json --out "$tmp/ok" > "$tmp/ok.json" 2>/dev/null \
   && "$bin" variance-sweep --system attention --tokens-file "$tmp/good.csv" --estimators yoso,skeinformer --sizes 2 \
     --draws 16 --configurations 1 --format json > "$tmp/file.json" 2>/dev/null \
   && python3 -c "
import json
d=json.load(open('$tmp/ok.json'))
assert d['schema']=='rbm-study/variance-sweep/1'
for k in ['seed','command','version','gitCommit','swiftVersion','blas','threads','wallSeconds']: assert k in d['manifest'], k
assert len(d['rows'])==5, len(d['rows'])  # 3 on smooth, bernoulli and uniform-columns on attention
for r in d['rows']:
    for k in ['estimator','size','cost','draws','variance','theoryVariance','bias','biasPValue','biasVerdict','biasRule','ratio','verdict']: assert k in r, k
    assert set(r['variance'])=={'value','standardError','count'}
    assert r['draws']==40
    assert 0<=r['biasPValue']<=1
    assert r['biasVerdict'] in ('consistent-with-unbiased','detected','inconclusive'), r['biasVerdict']
    assert r['varianceVerdict']['verdict'] in ('consistent','pre-asymptotic','inconsistent','inconclusive','not assessed'), r['varianceVerdict']
    assert r['varianceVerdict']['rule'] and r['varianceVerdict']['errorRate']
assert d['summary'] and d['summary'][0].startswith('variance laws:'), d['summary']
for f in d['fits']: assert f['kind'] in ('theory','cost') and 'verdict' in f['verdict'] and f['scaleFactor']>=1
assert all(isinstance(r['theoryVariance'],float) for r in d['rows'] if r['system']=='smooth')
assert 'fits' in d
assert json.load(open('$tmp/ok/variance-sweep.json'))['rows']==d['rows']
f=json.load(open('$tmp/file.json'))
assert len(f['rows'])==2 and f['rows'][1]['theoryVariance'] is None
" && [ -f "$tmp/ok/rows.csv" ] && [ -f "$tmp/ok/fits.csv" ]; then
  passed=$((passed+1))
else
  failed=$((failed+1)); echo "FAIL: valid run did not produce the contract's JSON"
fi
# Calibration: bad counts exit 2; a small run reports coverage per interval and the size of each test.
expect_bad --calibrate --calibrate 1
expect_bad --report --calibrate 3 --report "$tmp/r.md"
if "$bin" variance-sweep --particles 12 --draws 40 --configurations 1 --calibrate 3 --format json --out "$tmp/cal" > "$tmp/cal.json" 2>/dev/null \
   && python3 -c "
import json
d=json.load(open('$tmp/cal.json'))
assert d['schema']=='rbm-study/variance-sweep-calibration/1' and len(d['seeds'])==3
assert any(c['label'].startswith('variance ratio') and c['targetIsExact'] for c in d['coverage'])
assert any(t['label'].startswith('zero-bias test') for t in d['sizes'])
for t in d['sizes']: assert 0 <= t['rejections'] <= t['trials'] and t['level']==0.001
" && [ -f "$tmp/cal/calibration.csv" ] && [ -f "$tmp/cal/test-sizes.csv" ]; then
  passed=$((passed+1))
else
  failed=$((failed+1)); echo "FAIL: calibration run did not report coverages and sizes"
fi
rm -rf "$tmp"
echo "variance-sweep cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
