#!/usr/bin/env bash
# Generates the DocC documentation of every target that has a documentation catalog and fails
# when DocC reports a warning or error located in a catalog (.docc) file: a broken symbol link,
# an unknown article, a malformed directive. Warnings from doc comments in the Swift sources are
# listed as a count but do not fail the check.
#
# Usage: bash scripts/check-docs.sh [target …]   (default: every Sources/<target>/<target>.docc)
# Needs swift-docc-plugin (Package.swift) and jq.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for catalog in Sources/*/*.docc; do
        [ -d "$catalog" ] && targets+=("$(basename "$(dirname "$catalog")")")
    done
fi
if [ "${#targets[@]}" -eq 0 ]; then
    echo "check-docs: no documentation catalog under Sources/*/*.docc" >&2
    exit 2
fi
command -v jq >/dev/null || { echo "check-docs: jq is required" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
start=$(date +%s)
failed=0
for target in "${targets[@]}"; do
    diagnostics="$work/$target.json"
    log="$work/$target.log"
    if ! swift package --disable-sandbox generate-documentation --target "$target" \
            --diagnostics-file "$diagnostics" >"$log" 2>&1; then
        echo "check-docs: $target: documentation generation failed" >&2
        tail -n 40 "$log" >&2
        failed=1
        continue
    fi
    if [ ! -s "$diagnostics" ]; then
        echo "check-docs: $target: DocC wrote no diagnostics file" >&2
        failed=1
        continue
    fi
    # Diagnostics from the catalog (or with no source file at all) are ours to fix.
    catalog=$(jq -r '[.diagnostics[] | select((.severity == "warning" or .severity == "error")
                         and ((.source // "") | (contains(".docc/") or . == "")))]
                     | .[] | "\((.source // "<catalog>") | sub("^file://"; "")):\(.range.start.line // 0): \(.severity): \(.summary)"' \
                 "$diagnostics")
    sources=$(jq '[.diagnostics[] | select((.source // "") | (contains(".docc/") or . == "") | not)] | length' "$diagnostics")
    if [ -n "$catalog" ]; then
        echo "check-docs: $target: DocC reports problems in the documentation catalog:" >&2
        echo "$catalog" >&2
        failed=1
    else
        echo "check-docs: $target: catalog clean ($sources diagnostics from doc comments in the sources, not checked)"
    fi
done
echo "check-docs: ${#targets[@]} targets in $(( $(date +%s) - start )) s"
exit "$failed"
