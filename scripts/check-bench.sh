#!/usr/bin/env bash
# Runs every rbm-bench section with --quick --format json and checks the JSON contract:
# {"schema", "section", "figures": [{"name", "value", "unit"}], "manifest"} (schemas/bench.schema.json), every value a finite number,
# the section's required figures present, `--help` listing every section and exiting at once.
# Usage: scripts/check-bench.sh [output-directory]   (the JSON of each section is kept there)
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rbm-bench >/dev/null
bench=.build/release/rbm-bench
out=${1:-$(mktemp -d)}
mkdir -p "$out"
sections="peak convergence exact-drift rbm-step exact-attention attention-memory sampling structured calibration"

help=$(timeout 10 "$bench" --help)
for s in $sections; do
    grep -q -- "$s" <<<"$help" || { echo "check-bench: --help does not list $s" >&2; exit 1; }
done

for s in $sections; do
    start=$(date +%s.%N)
    "$bench" "$s" --quick --format json >"$out/$s.json"
    end=$(date +%s.%N)
    python3 - "$s" "$out/$s.json" "$start" "$end" <<'PY'
import json, math, sys
section, path, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
required = {
    "peak": ["dgemmGFLOPs.threads1", "dgemmGFLOPs.threads2", "pairDriftLimit.threads1", "pairDriftLimit.threads2"],
    "convergence": ["wallSeconds", "fractionOfLimit"],
    "exact-drift": ["pairsPerSecond.threads1", "pairsPerSecond.threads2", "fractionOfLimit"],
    "rbm-step": ["exponent", "nanosecondsPerParticle.1e6", "fractionOfBandwidth.1e6"],
    "exact-attention": ["fractionOfDgemmPeak.threads1", "fractionOfDgemmPeak.threads2", "referenceError"],
    "attention-memory": ["peakResidentMiB", "ratioToFootprint", "fractionOf2GiB"],
    "sampling": ["softmax.exactSeconds", "interactionSum.exactSeconds"],
    "structured": ["exact.exponent", "rbaStep.exponent"],
    "calibration": ["secondsPerSeed", "perSeedOverSingleRun"],
}[section]
with open(path) as f:
    doc = json.load(f)
def fail(message):
    sys.exit(f"check-bench: {section}: {message}")
if set(doc) != {"schema", "section", "figures", "manifest"} or doc["schema"] != "rbm-study/bench/1": fail(f"top-level keys {sorted(doc)}")
if doc["section"] != section: fail(f"section is {doc['section']!r}")
if not isinstance(doc["manifest"], dict) or "gitCommit" not in doc["manifest"]: fail("manifest missing or without gitCommit")
names = []
for figure in doc["figures"]:
    if set(figure) != {"name", "value", "unit"}: fail(f"figure keys {sorted(figure)}")
    value = figure["value"]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        fail(f"figure {figure['name']} has value {value!r}")
    if not isinstance(figure["unit"], str) or not figure["unit"]: fail(f"figure {figure['name']} has no unit")
    names.append(figure["name"])
if len(names) != len(set(names)): fail("duplicate figure names")
missing = [r for r in required if r not in names]
if missing: fail(f"missing figures {missing}")
seconds = end - start
if seconds >= 30: fail(f"--quick took {seconds:.1f} s (limit 30 s)")
print(f"{section:18s} ok  {len(names):3d} figures  {seconds:5.1f} s")
PY
done
# Every section's document against schemas/bench.schema.json.
python3 scripts/validate-schemas.py "$out"/*.json || { echo "check-bench: a section's JSON fails schemas/bench.schema.json" >&2; exit 1; }
