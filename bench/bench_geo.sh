#!/usr/bin/env bash
# bench/bench_geo.sh [BUILD] -- the geo stage's cost and the gazetteer's
# load time (bench/bench_geo.c) on the GeoWebNews + TR-News texts from the
# shared data folder (written to a temp file, never into the repo), then
# the accuracy (bench/eval_geo.py). Timings are printed, never asserted.
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
GEO=${DATELINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}/data/geo
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
python3 - "$GEO" "$tmp" <<'PY'
import json, sys, xml.etree.ElementTree as ET
geo, out = sys.argv[1], sys.argv[2]
with open(out, "w", encoding="utf-8") as f:
    for path in ("geowebnews/GWN.xml", "tr-news/TR-News.xml"):
        for a in ET.parse(geo + "/" + path).getroot():
            t = a.find("text").text or ""
            if t.strip():
                f.write(json.dumps({"text": t}) + "\n")
PY
"$BUILD/bench/bench_geo" --model models --repeat "${BENCH_REPEAT:-3}" "$tmp"
python3 bench/eval_geo.py --dl "$BUILD/dateline"
