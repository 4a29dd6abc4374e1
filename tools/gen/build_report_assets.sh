#!/bin/sh
# build_report_assets.sh -- rebuilds data/report/ (the plotting code and
# world map that `dateline report` inlines into its HTML; see
# data/report/NOTICE). Needs node + npm and the npm registry; never run at
# build or test time: the outputs are committed.
#
#   data/report/d3-report.min.js   the d3 modules report.c's page uses
#                                  (tools/gen/report-assets/entry.js),
#                                  bundled and minified by esbuild
#   data/report/countries-110m.json  world-atlas 2.0.2 (Natural Earth 1:110m)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/report-assets/package.json" "$here/report-assets/entry.js" "$work/"
cd "$work"
npm install --no-audit --no-fund --silent
npx esbuild entry.js --bundle --minify --format=iife --global-name=d3 \
  --legal-comments=none --outfile="$root/data/report/d3-report.min.js"
cp node_modules/world-atlas/countries-110m.json "$root/data/report/"
ls -l "$root/data/report/"
