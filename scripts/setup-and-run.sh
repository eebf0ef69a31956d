#!/usr/bin/env bash
# One command for a fresh Debian machine: install what is missing, build in release mode and
# run the main study (`rbm-study convergence` on its defaults). Results go to
# results/convergence/ (convergence.json, levels.csv, fits.csv, trajectories.csv, report.md
# and its SVG plot); the table is printed on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-dependencies.sh
echo "building (release)..." >&2
swift build -c release --product rbm-study 2>&1 | grep -E "error|Compiling|complete" | tail -3 >&2
mkdir -p results/convergence
.build/release/rbm-study convergence --out results/convergence --report results/convergence/report.md
echo "results written to results/convergence/" >&2
