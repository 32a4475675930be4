#!/usr/bin/env bash
# Check every module and call of the recipient catalog against the real SDKs (tests/test_catalog_sdks.py).
#
#   scripts/check-catalog-sdks.sh            # a new throwaway venv in a temporary folder, removed after
#   CATALOG_SDK_VENV=/tmp/sdks scripts/check-catalog-sdks.sh   # keep (and reuse) the venv there
#
# The SDKs come from scripts/catalog-sdks.txt at their pinned versions; lines after the `# --no-deps`
# marker are installed without their dependencies. Extra arguments go to pytest (-k stripe, -x, ...).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
pins="$repo/scripts/catalog-sdks.txt"
python="${PYTHON:-python3}"
started=$(date +%s)

if [[ -n "${CATALOG_SDK_VENV:-}" ]]; then
  venv="$CATALOG_SDK_VENV"
else
  venv="$(mktemp -d "${TMPDIR:-/tmp}/privacylint-sdks.XXXXXX")"
fi

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
marker='^# --no-deps'
with_deps="$(mktemp)"; without_deps="$(mktemp)"
trap 'rm -f "$with_deps" "$without_deps"; [[ -n "${CATALOG_SDK_VENV:-}" ]] || rm -rf "$venv"' EXIT
awk -v m="$marker" '$0 ~ m {exit} {print}' "$pins" > "$with_deps"
awk -v m="$marker" 'found {print} $0 ~ m {found=1}' "$pins" > "$without_deps"

echo "installing the SDKs of $pins into $venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r "$with_deps" "$repo" pytest
"$venv/bin/python" -m pip install --quiet --no-deps -r "$without_deps"
installed=$(date +%s)
echo "installed in $((installed - started)) s"

cd "$repo"
status=0
PYTHONPATH="$repo/src" "$venv/bin/python" -m pytest -q -p no:cacheprovider -m sdk tests/test_catalog_sdks.py "$@" || status=$?
echo "checked in $(( $(date +%s) - installed )) s (total $(( $(date +%s) - started )) s)"
exit $status
