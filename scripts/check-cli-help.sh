#!/usr/bin/env bash
# Golden test of the command-line help: `rbm-study --help`, every subcommand's `--help` and
# `rbm-bench --help` (printed at COLUMNS=100) must equal the committed text in
# Tests/Golden/help/NAME.txt, and every option must state what the parser accepts: an enumerated
# option its values, a numeric option its range, and every option with a value its default
# (or say it has none), in the one style "(default: …)".
# Regenerate the golden files after an intended change:  scripts/check-cli-help.sh --regenerate
# Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rbm-study >/dev/null 2>&1 || { echo "build failed"; exit 1; }
swift build -c release --product rbm-bench >/dev/null 2>&1 || { echo "build failed"; exit 1; }
golden=Tests/Golden/help
regenerate=0; [ "${1:-}" = "--regenerate" ] && regenerate=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok() { passed=$((passed+1)); }
bad() { failed=$((failed+1)); echo "FAIL: $*"; }
pages=("rbm-study|" "rbm-study-convergence|convergence" "rbm-study-variance-sweep|variance-sweep" "rbm-study-work-precision|work-precision"
       "rbm-study-distributional|distributional" "rbm-study-long-time|long-time"
       "rbm-study-check|check" "rbm-study-merge|merge" "rbm-bench|")
for page in "${pages[@]}"; do
  name=${page%%|*}; sub=${page#*|}
  tool=.build/release/rbm-study
  [[ $name == rbm-bench ]] && tool=.build/release/rbm-bench
  # The help must print at once and exit 0 (rbm-bench --help never starts a benchmark).
  COLUMNS=100 timeout 10 "$tool" $sub --help >"$tmp/$name.txt" 2>&1 || { bad "$name --help exited $?"; continue; }
  if [ $regenerate -eq 1 ]; then cp "$tmp/$name.txt" "$golden/$name.txt"; echo "wrote $golden/$name.txt"; continue; fi
  if cmp -s "$tmp/$name.txt" "$golden/$name.txt"; then ok
  else bad "$name --help differs from $golden/$name.txt (scripts/check-cli-help.sh --regenerate after an intended change):"; diff "$golden/$name.txt" "$tmp/$name.txt" | head -20; fi
  # Every option with a value states its default; enumerated ones list their values; numeric ones their range.
  if python3 - "$tmp/$name.txt" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
# Options whose absence means "not asked for": no default to state.
no_default = {"--out", "--report", "--tokens-file", "--maps-file", "--calibrate", "--shard", "--sizes", "--match-cost"}
enumerated = {"--system", "--estimator", "--estimators", "--normalization", "--geometry", "--tokens", "--maps", "--format", "--plot-format"}
numeric = {"--particles", "--dim", "--dt", "--horizon", "--checkpoints", "--noise", "--trajectories", "--seed", "--threads",
           "--reference-refinement", "--calibrate", "--beta", "--draws", "--configurations", "--bits", "--repeats", "--match-cost",
           "--batch-size", "--batch-sizes", "--groups", "--frames", "--burn-in", "--averaging-time"}
entries = re.split(r"\n(?=  -)", text)
problems = []
for entry in entries:
    m = re.match(r"\s*(?:-\w, )?(--[\w-]+)( <[\w-]+>)?", entry)
    if not m: continue
    option, takes_value = m.group(1), bool(m.group(2))
    body = " ".join(entry.split())
    if takes_value and option not in no_default and "default:" not in body: problems.append(f"{option}: no default stated")
    if body.count("default:") > 1 or "Default:" in body: problems.append(f"{option}: default stated twice or in another style")
    if option in enumerated and "(values:" not in body: problems.append(f"{option}: values not listed")
    if option in numeric and not re.search(r"in [\[(]|> 0|≥ 0|\d+ … \d+", body): problems.append(f"{option}: no range")
for p in problems: print("  " + p)
sys.exit(1 if problems else 0)
PY
  then ok; else bad "$name --help: an option does not state its values, range or default"; fi
done
# --version: the package version and the commit.
.build/release/rbm-study --version | grep -qE '^[0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]+|unknown\)' && ok || bad "rbm-study --version"
# Shell completion scripts exist for the shells the parser supports and offer the typed values.
for shell in bash zsh fish; do
  .build/release/rbm-study --generate-completion-script $shell >"$tmp/completion.$shell" 2>/dev/null \
    && grep -q "uniform-sphere" "$tmp/completion.$shell" && grep -q "performer-positive" "$tmp/completion.$shell" && ok || bad "completion script for $shell"
done
[ $regenerate -eq 1 ] && exit 0
echo "check-cli-help: $passed passed, $failed failed"
[ $failed -eq 0 ]
