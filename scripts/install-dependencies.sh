#!/usr/bin/env bash
# Installs the system libraries rbm-study needs, only those that are missing (Debian, as root
# or with sudo): GSL, LAPACKE, OpenBLAS (behind libblas.so.3), pkg-config, gnuplot-nox for the
# report plots (its cairo terminals write the PDF and PNG figures of --plot-format), jq for the documentation check,
# Python jsonschema (python3-jsonschema, unless the module is already importable) for the schema check
# (scripts/check-schemas.sh), and Open MPI (libopenmpi-dev, openmpi-bin) for the build with the MPI trait
# (the default build does not need it).
set -euo pipefail
packages=(libgsl-dev liblapacke-dev libopenblas-dev pkg-config)
tool_packages=(gnuplot-nox jq libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}" "${tool_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
python3 -c 'import jsonschema' 2>/dev/null || missing+=(python3-jsonschema)
tool_packages+=(python3-jsonschema)
if [ ${#missing[@]} -eq 0 ]; then
  echo "system libraries: all present" >&2
  exit 0
fi
echo "installing: ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
for p in "${missing[@]}"; do
  if [[ " ${tool_packages[*]} " == *" $p "* ]]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null
  else
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$p" >/dev/null
  fi
done
echo "installed: ${missing[*]}" >&2
