#!/usr/bin/env bash
# Checks the command-line contract of `rbm-study check` and of the convergence N sweep
# (`--particles N₁,N₂,…`): exit 0 when every claim holds, 1 when
# one is rejected, 2 (one line naming the option, no file created) for bad input; JSON schema
# rbm-study/check/1 with the contract's fields; --out writes check.json and claims.csv; the N sweep
# writes particle-scaling.csv and particle-fits.csv.
# Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rbm-study >/dev/null 2>&1 || { echo "build failed"; exit 1; }
bin=.build/release/rbm-study
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok() { passed=$((passed+1)); }
bad() { failed=$((failed+1)); echo "FAIL: $*"; }
expect_bad() {  # option-name, args...
  local option=$1; shift
  rm -rf "$tmp/out"
  local err; err=$("$bin" check "$@" --out "$tmp/out" 2>&1 >/dev/null); local code=$?
  local lines; lines=$(printf '%s\n' "$err" | grep -c .)
  if [ $code -eq 2 ] && [ "$lines" -eq 1 ] && [[ "$err" == *"$option"* ]] && [ ! -e "$tmp/out" ]; then ok
  else bad "check $* -> exit $code, message: $err"; fi
}
expect_bad "nosuch-claim" nosuch-claim
expect_bad --expect paramixer-full-mixing-and-rank --expect 1
expect_bad --expect rbm-batch-order rbm-batch-size-ratio --expect 1
expect_bad --expect rbm-consistency-lemma --expect 0
expect_bad --expect rbm-batch-order --expect nan
expect_bad --all rbm-batch-order --all
expect_bad ids rbm-batch-order rbm-batch-order
expect_bad ids
expect_bad --threads rbm-batch-order --threads 0
expect_bad --calibrate rbm-batch-order --calibrate 1
expect_bad --report rbm-batch-order --report notes.txt
expect_bad --list --list rbm-batch-order

# --list names every claim.
count=$("$bin" check --list | grep -c '^[a-z]')
[ "$count" -ge 20 ] && ok || bad "--list printed $count claims"

# A true claim: exit 0, JSON contract.
"$bin" check rbm-batch-order newton-schulz-residual-squaring --format json > "$tmp/holds.json" 2>/dev/null; code=$?
[ $code -eq 0 ] && ok || bad "true claims exit $code"
jq -e '.schema == "rbm-study/check/1" and (.claims | length == 2) and all(.claims[]; has("id") and has("statement") and has("reference")
      and has("verdict") and has("errorRate") and has("evidence") and has("seed") and has("seconds") and .verdict == "holds")' \
  "$tmp/holds.json" >/dev/null && ok || bad "JSON contract of check"

# A wrong claimed value: rejected, exit 1, still printed.
out=$("$bin" check rbm-batch-order --expect 1 2>/dev/null); code=$?
[ $code -eq 1 ] && [[ "$out" == *"rejected"* ]] && ok || bad "--expect 1 -> exit $code"

# --out writes the artifacts; --report a notebook.
"$bin" check newton-schulz-residual-squaring --out "$tmp/o" --report "$tmp/o/check.md" >/dev/null 2>&1; code=$?
[ $code -eq 0 ] && [ -s "$tmp/o/check.json" ] && [ -s "$tmp/o/claims.csv" ] && grep -q "## Answer" "$tmp/o/check.md" && ok || bad "--out/--report (exit $code)"

# Bit-identical JSON evidence for 1 and 2 threads.
a=$("$bin" check rbm-batch-order --threads 1 --format json 2>/dev/null | jq -c '.claims[0] | del(.seconds)')
b=$("$bin" check rbm-batch-order --threads 2 --format json 2>/dev/null | jq -c '.claims[0] | del(.seconds)')
[ "$a" = "$b" ] && ok || bad "threads 1 and 2 differ"

# --calibrate: counts per claim.
"$bin" check newton-schulz-residual-squaring --calibrate 3 --format json 2>/dev/null | jq -e '.schema == "rbm-study/check-calibration/1" and .claims[0].holds == 3' >/dev/null && ok || bad "--calibrate"

# convergence --particles N₁,N₂,…: the N sweep's contract (exit codes, JSON, artifacts).
for args in "--particles 32,32" "--particles 32,1" "--particles 32,x" "--particles 32,64 --shard 1/2" "--particles 32,64 --calibrate 4" "--particles 32,64 --resume"; do
  rm -rf "$tmp/n"
  err=$("$bin" convergence $args --out "$tmp/n" 2>&1 >/dev/null); code=$?
  [ $code -eq 2 ] && [ "$(printf '%s\n' "$err" | grep -c .)" -eq 1 ] && [[ "$err" == *"--"* ]] && [ ! -e "$tmp/n/convergence-particle-sweep.json" ] && ok || bad "convergence $args -> exit $code: $err"
done
"$bin" convergence --particles 32,64,128 --batch-sizes 2 --dt 0.0625,0.03125 --horizon 1 --trajectories 40 --out "$tmp/sweep" --format json > "$tmp/sweep.json" 2>/dev/null; code=$?
[ $code -eq 0 ] && ok || bad "N sweep exit $code"
jq -e '.schema == "rbm-study/convergence-particle-sweep/1" and (.reports | length == 3) and any(.particleScaling[]; .kind == "batch" and has("estimator")
      and has("batchSize") and has("dt") and has("exponent") and has("ci95") and has("verdict"))' "$tmp/sweep.json" >/dev/null && ok || bad "N sweep JSON contract"
[ -s "$tmp/sweep/convergence-particle-sweep.json" ] && [ -s "$tmp/sweep/particle-scaling.csv" ] && [ -s "$tmp/sweep/particle-fits.csv" ] && ok || bad "N sweep artifacts"

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
