#!/usr/bin/env bash
# Checks the command-line contract of rbm-study: bad input exits 2 with a one-line message
# naming the option and leaves no output file; a small valid run exits 0 and writes JSON with
# the contract's fields. Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rbm-study >/dev/null 2>&1 || { echo "build failed"; exit 1; }
bin=.build/release/rbm-study
tmp=$(mktemp -d)
passed=0; failed=0
expect_bad() {  # option-name, args...
  local option=$1; shift
  rm -rf "$tmp/out"
  local err; err=$("$bin" convergence "$@" --out "$tmp/out" 2>&1 >/dev/null); local code=$?
  local lines; lines=$(printf '%s\n' "$err" | grep -c .)
  if [ $code -eq 2 ] && [ "$lines" -eq 1 ] && [[ "$err" == *"$option"* ]] && [ ! -e "$tmp/out/convergence.json" ]; then
    passed=$((passed+1))
  else
    failed=$((failed+1)); echo "FAIL: $* -> exit $code, message: $err"
  fi
}
expect_bad --particles --particles 1
expect_bad --batch-sizes --batch-sizes 1
expect_bad --batch-sizes --batch-sizes 2,100
expect_bad --batch-sizes --batch-sizes 2,x
expect_bad --dt --dt 0,0.1
expect_bad --dt --dt nan,0.1
expect_bad --dt --dt 4,0.1
expect_bad --horizon --horizon -1
expect_bad --horizon --horizon inf
expect_bad --trajectories --trajectories 1
expect_bad --system --system nosuch
expect_bad --noise --noise -0.5
expect_bad --format --format xml
expect_bad --report --report notes.txt
expect_bad --noise --system dyson --noise 0.1
expect_bad --dim --system dyson --dim 3
expect_bad --estimator --system dyson --estimator bernoulli
expect_bad --dt --dt 1e-300,2e-300
expect_bad --checkpoints --checkpoints 0
expect_bad --checkpoints --checkpoints 3 --dt 0.25,0.125 --horizon 1
expect_bad --noise --system thomson --noise 0.1
expect_bad --dim --system thomson --dim 2
expect_bad --batch-sizes --system thomson --particles 4 --batch-sizes 2,8
expect_bad --dim --system opinion --dim 2
expect_bad --noise --system opinion --noise -1
# Attention system: bad β, token files and maps.
printf '1,2,3\n4,5\n' > "$tmp/ragged.csv"
printf '1,2,3\nnan,5,6\n' > "$tmp/nan.csv"
printf '# no rows\n' > "$tmp/empty.csv"
printf '1,0,0\n0,1,0\n0,0,1\n1,1,0\n' > "$tmp/tokens.csv"
printf '1,0\n0,1\n1,0\n0,1\n1,0\n0,1\n' > "$tmp/maps2.csv"
expect_bad --beta --system attention --beta nan
expect_bad --beta --system attention --beta inf
expect_bad --particles --system attention --particles 0
expect_bad --tokens-file --system attention --tokens-file "$tmp/ragged.csv"
expect_bad --tokens-file --system attention --tokens-file "$tmp/nan.csv"
expect_bad --tokens-file --system attention --tokens-file "$tmp/empty.csv"
expect_bad --maps-file --system attention --tokens-file "$tmp/tokens.csv" --batch-sizes 2 --maps file --maps-file "$tmp/maps2.csv"
expect_bad --normalization --system attention --normalization nosuch
expect_bad --estimator --system attention --estimator nosuch
expect_bad --noise --system attention --noise 0.1
expect_bad --beta --beta 2
# Dyson: the implicit split step never lets interacting particles cross (no warning on stderr), and
# the run reports every distance to the semicircle law (JSON and semicircle.csv), with no order verdict.
err=$("$bin" convergence --system dyson --particles 16 --dt 0.125,0.0625 --horizon 0.5 --trajectories 4 \
      --format json --out "$tmp/dyson" 2>&1 > "$tmp/dyson.json"); code=$?
if [ $code -eq 0 ] && [[ "$err" != *"crossed"* ]] && python3 -c "
import json
d=json.load(open('$tmp/dyson.json'))
s=d['semicircle']
assert s['radiusAtHorizon'] > 1 and len(s['rows']) > 0
r=s['rows'][0]
for k in ['run','batchSize','dt','t','wasserstein1','kolmogorov']: assert k in r, k
assert all(f['verdict']['verdict']=='not assessed' for f in d['fits'])
assert not d['warnings'], d['warnings']
" && head -1 "$tmp/dyson/semicircle.csv" | grep -q '^system,N,d,estimator,sizeName,size,tau,t,kind,value,SE'; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: dyson run -> exit $code: $err"; fi
err=$("$bin" convergence --out /proc/forbidden/x 2>&1 >/dev/null); code=$?
if [ $code -eq 2 ] && [[ "$err" == *"--out"* ]]; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: unwritable --out -> exit $code: $err"; fi
if "$bin" convergence --particles 16 --batch-sizes 2,4 --dt 0.25,0.125 --horizon 1 --trajectories 4 \
     --format json --out "$tmp/ok" > "$tmp/ok.json" 2>/dev/null \
   && python3 -c "
import json,sys
d=json.load(open('$tmp/ok.json'))
assert d['schema']=='rbm-study/convergence/1'
for k in ['seed','command','version','gitCommit','swiftVersion','blas','threads','wallSeconds']: assert k in d['manifest'], k
l=d['levels'][0]
for k in ['estimator','batchSize','dt','trajectories','strongError','weakError','batchError','timeError']: assert k in l, k
assert set(l['strongError'])=={'value','standardError','count'}
f=d['fits'][0]
for k in ['estimator','batchSize','kind','order','ci95','localOrders','lackOfFitP','theoryOrder']: assert k in f, k
assert json.load(open('$tmp/ok/convergence.json'))['levels']==d['levels']
p=d['timeProfiles'][0]
for k in ['estimator','batchSize','kind','dt','times','errors','supremum','supremumTime','lateGrowth']: assert k in p, k
assert p['times']==[0.25,0.5,0.75,1.0], p['times']
assert len(d['timeProfiles'])==2*(2*2+1)
" && [ -f "$tmp/ok/trajectories.csv" ] && [ -f "$tmp/ok/time-profiles.csv" ] && [ ! -e "$tmp/ok/trajectories.csv.partial" ]; then
  passed=$((passed+1))
else
  failed=$((failed+1)); echo "FAIL: valid run did not produce the contract's JSON"
fi
"$bin" convergence --system attention --particles 16 --batch-sizes 2,4 --dt 0.25,0.125,0.0625 --horizon 1 \
     --trajectories 8 --format json > "$tmp/attention.json" 2>/dev/null
if [ $? -eq 0 ] && python3 -c "
import json
d=json.load(open('$tmp/attention.json'))
assert d['schema']=='rbm-study/convergence/1' and d['levels'][0]['estimator']=='rba'
f=d['floors'][0]
assert set(['estimator','batchSize','floor']) <= set(f) and set(f['floor'])=={'value','standardError','count'}
assert 'floorScaling' in d
"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: attention run did not produce floors[] and floorScaling"; fi
# Thomson and opinion: the companion measurements are in the table and in their JSON, and the
# RBM orders carry no verdict (no theorem for these kernels).
"$bin" convergence --system thomson --particles 6 --batch-sizes 2,3 --dt 0.125,0.0625,0.03125 --horizon 16 --trajectories 4 \
     --format json --out "$tmp/thomson" > "$tmp/thomson.json" 2>/dev/null
if [ $? -eq 0 ] && python3 -c "
import json
d=json.load(open('$tmp/thomson.json'))
assert all(f['verdict']['verdict']=='not assessed' and f['verdict']['rule'].startswith('no theorem') for f in d['fits'] if f['kind']!='time')
e=json.load(open('$tmp/thomson/thomson-energies.json'))
assert e['schema']=='rbm-study/thomson-energies/1' and e['minimalEnergy']==9.985281374 and len(e['levels'])==3*3 and len(e['annealed'])==2
"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: thomson run did not produce thomson-energies.json or gave RBM verdicts"; fi
"$bin" convergence --system opinion --particles 16 --batch-sizes 2,4 --dt 0.125,0.0625 --horizon 1 --trajectories 4 \
     --out "$tmp/opinion" > "$tmp/opinion.txt" 2>/dev/null
if [ $? -eq 0 ] && grep -q '^opinion clusters' "$tmp/opinion.txt" && python3 -c "
import json
e=json.load(open('$tmp/opinion/opinion-clusters.json'))
assert e['schema']=='rbm-study/opinion-clusters/1' and e['rows'][0]['time']==0 and len(e['rows'][0]['randomBatch'])==2
"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: opinion run did not report cluster counts"; fi
# --version prints the semantic version and the commit it was built from on one line and exits 0.
if version=$("$bin" --version 2>&1) && [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+\ \(commit\ ([0-9a-f]+|unknown)\)$ ]]; then
  passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: --version printed '$version'"; fi
# Calibration: bad counts exit 2; a small run reports a coverage per interval.
expect_bad --calibrate --calibrate 1
expect_bad --calibrate --calibrate 1000000
expect_bad --report --calibrate 3 --report "$tmp/r.md"
"$bin" convergence --particles 8 --batch-sizes 2,4 --dt 0.25,0.125,0.0625 --horizon 1 --trajectories 8 \
     --calibrate 3 --format json > "$tmp/cal.json" 2>/dev/null
if [ $? -eq 0 ] && python3 -c "
import json
d=json.load(open('$tmp/cal.json'))
assert d['schema']=='rbm-study/convergence-calibration/1' and len(d['seeds'])==3
labels=[c['label'] for c in d['coverage']]
assert 'batch order, p = 2' in labels and 'time order (full EM)' in labels
assert 'batch order, all 2 pooled' in labels, labels
assert all(0 <= c['coverage'] <= 1 for c in d['coverage'])
"; then passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: calibration run did not report coverages"; fi
# The table opens with a summary; verdicts in JSON; warnings never interleave with stdout.
"$bin" convergence --particles 16 --trajectories 10 --dt 0.25,0.125,0.0625 --horizon 1 > "$tmp/table.txt" 2> "$tmp/err.txt"
if [ $? -eq 0 ] && sed -n 3p "$tmp/table.txt" | grep -q '^summary:' && ! grep -q 'warning' "$tmp/table.txt"; then
  passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: table does not open with a summary, or carries warnings"; fi
"$bin" convergence --particles 16 --trajectories 10 --dt 0.25,0.125,0.0625 --horizon 1 --format json 2>/dev/null | python3 -c "
import json,sys
d=json.load(sys.stdin)
assert d['summary'] and all(f['verdict']['verdict'] in ('consistent','pre-asymptotic','inconsistent','inconclusive','not assessed') for f in d['fits'])
" && passed=$((passed+1)) || { failed=$((failed+1)); echo "FAIL: JSON lacks summary or verdicts"; }
# --plot-format: a bad value exits 2 before any file exists; a good one writes each format beside the notebook.
expect_bad --plot-format --plot-format svg,jpg --report "$tmp/plots/n.md"
[ ! -e "$tmp/plots" ] && passed=$((passed+1)) || { failed=$((failed+1)); echo "FAIL: a bad --plot-format created files"; }
mkdir -p "$tmp/plots"
if "$bin" convergence --particles 16 --batch-sizes 2,4 --trajectories 10 --dt 0.25,0.125,0.0625 --horizon 1 \
     --report "$tmp/plots/n.md" --plot-format svg,pdf,png >/dev/null 2>&1 \
   && [ -s "$tmp/plots/n.svg" ] && [ "$(head -c 4 "$tmp/plots/n.pdf")" = "%PDF" ] \
   && [ "$(head -c 4 "$tmp/plots/n.png" | tail -c 3)" = "PNG" ] && ! grep -q 'Plot not rendered' "$tmp/plots/n.md"; then
  passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: --plot-format svg,pdf,png did not write the three figures"; fi
# distributional (RBM-r in law) and long-time (sampling): bad input exits 2 naming the option, no files;
# a small valid run writes the contract's JSON.
expect_bad_in() {  # subcommand, option-name, args...
  local sub=$1 option=$2; shift 2
  rm -rf "$tmp/out"
  local err; err=$("$bin" "$sub" "$@" --out "$tmp/out" 2>&1 >/dev/null); local code=$?
  local lines; lines=$(printf '%s\n' "$err" | grep -c .)
  if [ $code -eq 2 ] && [ "$lines" -eq 1 ] && [[ "$err" == *"$option"* ]] && [ ! -e "$tmp/out" ]; then
    passed=$((passed+1))
  else
    failed=$((failed+1)); echo "FAIL: $sub $* -> exit $code, message: $err"
  fi
}
expect_bad_in distributional --system --system dyson
expect_bad_in distributional --batch-size --batch-size 1
expect_bad_in distributional --batch-size --particles 8 --batch-size 9
expect_bad_in distributional --dt --dt 0.3,0.1
expect_bad_in distributional --dt --dt 0.5
expect_bad_in distributional --groups --groups 7
expect_bad_in distributional --noise --noise -1
expect_bad_in distributional --frames --dim 2 --frames 0
expect_bad_in distributional --reference-refinement --reference-refinement 1
expect_bad_in long-time --batch-sizes --batch-sizes 3
expect_bad_in long-time --noise --noise 0
expect_bad_in long-time --burn-in --dt 0.3,0.1
expect_bad_in long-time --averaging-time --averaging-time -1
expect_bad_in long-time --dt --dt 2,1
expect_bad_in long-time --trajectories --trajectories 2
expect_bad_in distributional --calibrate --calibrate 1
expect_bad_in long-time --calibrate --calibrate 1
if "$bin" distributional --particles 8 --dt 0.5,0.25 --reference-refinement 2 --trajectories 40 --groups 4 --dim 2 \
     --format json --out "$tmp/dist" > "$tmp/dist.json" 2>/dev/null && python3 -c "
import json
d=json.load(open('$tmp/dist.json'))
assert d['schema']=='rbm-study/distributional/1'
w=d['weak'][0]
for k in ['observable','dt','kappa','error','against']: assert k in w, k
assert set(w['error'])=={'value','standardError','count'}
r=d['distances'][0]
for k in ['dt','kappa','raw','floor','replacementFloor','corrected']: assert k in r, k
assert d['directions']==16
assert any(o['quantity'].startswith('sliced') for o in d['orders'])
assert json.load(open('$tmp/dist/distributional.json'))['weak']==d['weak']
" && [ -f "$tmp/dist/weak.csv" ] && [ -f "$tmp/dist/distances.csv" ]; then
  passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: distributional run did not produce the contract's JSON"; fi
if "$bin" long-time --particles 8 --batch-sizes 2,4 --dt 0.2,0.1 --burn-in 2 --averaging-time 4 --trajectories 8 \
     --format json --out "$tmp/long" > "$tmp/long.json" 2>/dev/null && python3 -c "
import json
d=json.load(open('$tmp/long.json'))
assert d['schema']=='rbm-study/long-time/1'
r=d['rows'][0]
for k in ['batchSize','dt','timeAverage','expectedTimeAverage','zScore','covered','samplingError','finalLawError']: assert k in r, k
assert len(d['rows'])==4 and len(d['orders'])==2
" && [ -f "$tmp/long/rows.csv" ]; then
  passed=$((passed+1)); else failed=$((failed+1)); echo "FAIL: long-time run did not produce the contract's JSON"; fi
rm -rf "$tmp"
echo "cli: $passed passed, $failed failed"
[ $failed -eq 0 ]
