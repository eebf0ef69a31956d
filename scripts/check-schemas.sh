#!/usr/bin/env bash
# Validates the JSON document of every subcommand against its JSON Schema in schemas/ (draft
# 2020-12, Python jsonschema: scripts/validate-schemas.py), checks that the schemas reject a
# document with a block they do not define, and checks the tidy CSV contract: every table
# starts with the columns system,N,d,estimator,sizeName,size, has kind,value,SE,count,seed after
# its grid columns, and `--format csv` prints exactly the --out files, each after `# table: NAME`.
# Small runs (about 30 s in all). Prints "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product rbm-study >/dev/null 2>&1 || { echo "build failed"; exit 1; }
swift build -c release --product rbm-bench >/dev/null 2>&1 || { echo "build failed"; exit 1; }
bin=.build/release/rbm-study
bench=.build/release/rbm-bench
python3 -c 'import jsonschema' 2>/dev/null || { echo "check-schemas: Python jsonschema is missing (scripts/install-dependencies.sh installs python3-jsonschema)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0; failed=0
ok() { passed=$((passed+1)); }
bad() { failed=$((failed+1)); echo "FAIL: $*"; }
printf '1,0,0\n0,1,0\n0,0,1\n1,1,0\n0,1,1\n1,0,1\n' > "$tmp/tokens.csv"
small=(--trajectories 4 --dt 0.25,0.125 --horizon 1)
runs=(
  "conv|convergence ${small[*]}"
  "linear|convergence --system linear --noise 0.3 --estimator uniform-columns --batch-sizes 2,4 ${small[*]}"
  "attention|convergence --system attention --tokens-file $tmp/tokens.csv --batch-sizes 2,3 ${small[*]}"
  "nsweep|convergence --particles 8,16 ${small[*]}"
  "dyson|convergence --system dyson --particles 8 --batch-sizes 2,4 --trajectories 4 --dt 0.0625,0.03125 --horizon 0.25"
  "conv-cal|convergence --calibrate 2 ${small[*]}"
  "sweep|variance-sweep --system smooth,attention --particles 12 --draws 8 --configurations 1"
  "sweep-cal|variance-sweep --particles 12 --draws 8 --configurations 1 --estimators random-batch --calibrate 2"
  "wp|work-precision --particles 16 --dim 4 --draws 2 --repeats 1 --trajectories 2 --horizon 0.2 --estimators rba,bernoulli,performer-positive,nystromformer"
  "wp-cal|work-precision --particles 16 --dim 4 --draws 2 --repeats 1 --skip-dynamics --estimators rba --calibrate 2"
  "dist|distributional --particles 8 --dt 0.5,0.25 --reference-refinement 2 --trajectories 8 --groups 2"
  "dist-sliced|distributional --particles 8 --dim 2 --frames 2 --noise 0 --dt 0.5,0.25 --reference-refinement 2 --trajectories 8 --groups 2"
  "dist-cal|distributional --particles 8 --dt 0.5,0.25 --reference-refinement 2 --trajectories 8 --groups 2 --calibrate 2"
  "long|long-time --particles 8 --batch-sizes 2,4 --dt 0.2,0.1 --burn-in 1 --averaging-time 2 --trajectories 4"
  "long-cal|long-time --particles 8 --batch-sizes 2,4 --dt 0.2,0.1 --burn-in 1 --averaging-time 2 --trajectories 4 --calibrate 2"
  "check|check rbm-consistency-lemma nystrom-schur-complement-psd"
  "check-cal|check nystrom-schur-complement-psd --calibrate 2"
)
documents=()
for run in "${runs[@]}"; do
  name=${run%%|*}; read -r -a args <<<"${run#*|}"
  if ! "$bin" "${args[@]}" --out "$tmp/$name" --format csv >"$tmp/$name.stdout" 2>"$tmp/$name.err"; then
    bad "$name: rbm-study ${args[*]} exited $?: $(head -c 300 "$tmp/$name.err")"; continue
  fi
  documents+=("$tmp/$name"/*.json)
  # --format csv is the --out tables, each after "# table: NAME", in the documented order.
  if python3 - "$tmp/$name" "$tmp/$name.stdout" <<'PY'
import csv, io, pathlib, sys
directory, stdout = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text()
leading = ["system", "N", "d", "estimator", "sizeName", "size"]
estimate = ["kind", "value", "SE", "count", "seed"]
chunks = [c for c in stdout.split("# table: ") if c]
filled = False  # a table may be empty (no exact-null test in a calibration), not every table
assert stdout.startswith("# table: "), "stdout does not start with '# table: NAME'"
names = []
for chunk in chunks:
    name, _, text = chunk.partition("\n")
    names.append(name)
    file = directory / f"{name}.csv"
    assert file.exists(), f"--format csv prints table {name} but --out has no {name}.csv"
    assert file.read_text() == text, f"{name}.csv differs from its stdout table"
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert header[:6] == leading, f"{name}: leading columns {header[:6]}"
    k = header.index("kind")
    assert header[k:k + 5] == estimate, f"{name}: estimate columns {header[k:k + 5]}"
    assert all(len(r) == len(header) for r in rows), f"{name}: a row has not {len(header)} fields"
    filled = filled or len(rows) > 1
assert filled, "every table is empty"
tables = {p.stem for p in directory.glob("*.csv")} - {"trajectories"} | ({"trajectories"} if "trajectories" in names else set())
assert set(names) == tables, f"stdout tables {names} vs files {sorted(tables)}"
PY
  then ok; else bad "$name: tidy CSV contract"; fi
done

# The bench JSON (one quick section).
"$bench" peak --quick --format json >"$tmp/bench.json" 2>/dev/null && documents+=("$tmp/bench.json") || bad "rbm-bench peak --quick"

if python3 scripts/validate-schemas.py "${documents[@]}"; then ok; else bad "schema validation of ${#documents[@]} documents"; fi
[ "${#documents[@]}" -ge 17 ] && ok || bad "only ${#documents[@]} documents"

# Every schema value the sources emit has a schema file.
for value in $(grep -rhoE '"rbm-study/[a-z-]+/1"|rbm-study/\\\(study\)-calibration/1' Sources | grep -v journal | sort -u); do
  case $value in
    *'\(study)'*) names="convergence-calibration variance-sweep-calibration work-precision-calibration distributional-calibration long-time-calibration" ;;
    *) names=$(echo "$value" | tr -d '"' | cut -d/ -f2) ;;
  esac
  for n in $names; do [ -f "schemas/$n.schema.json" ] && ok || bad "no schemas/$n.schema.json for $value"; done
done

# The schemas reject what they do not define: an attention block in a particle-system report,
# and a level without its estimate.
python3 - "$tmp/conv/convergence.json" "$tmp/extra.json" "$tmp/missing.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert "attention" not in doc["configuration"], "a particle-system report carries an attention block"
extra = json.loads(json.dumps(doc)); extra["configuration"]["attention"] = {"unused": True}
json.dump(extra, open(sys.argv[2], "w"))
missing = json.loads(json.dumps(doc)); del missing["levels"][0]["strongError"]
json.dump(missing, open(sys.argv[3], "w"))
PY
for f in extra missing; do
  if python3 scripts/validate-schemas.py "$tmp/$f.json" >/dev/null; then bad "the convergence schema accepts the $f document"; else ok; fi
done

echo "check-schemas: $passed passed, $failed failed"
[ $failed -eq 0 ]
