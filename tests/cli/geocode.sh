#!/usr/bin/env bash
# dateline geocode (SPEC.md): toponym spans in, resolutions out; --offsets
# chars; unresolved spans give null fields; bad lines give error records;
# and, when the shared geo dev sets and python3 are there, a floor on
# bench/eval_geo.py's accuracy given gold toponyms (the texts are read from
# the shared folder, never copied).
set -u
cd "$(dirname "$0")/../.."
: "${DATELINE_MODEL_DIR:=$PWD/models}"
export DATELINE_MODEL_DIR
. tests/cli/lib.sh
if [ ! -f models/geo.bin ]; then
  echo "note: models/geo.bin absent; geocode checks skipped"
  finish
  exit 0
fi
# "Paris, Texas" and Ankara/Turkey: bytes.
printf '%s\n' '{"id":"a","text":"He went from Paris, Texas to Ankara in Turkey.","toponyms":[{"start":13,"end":18},{"start":20,"end":25},{"start":29,"end":35},{"start":39,"end":45},{"start":0,"end":2}]}' \
  > "$TMP/in.jsonl"
"$DL" geocode "$TMP/in.jsonl" > "$TMP/out.jsonl"
check "exit 0" test $? -eq 0
check "one line out" test "$(wc -l < "$TMP/out.jsonl")" -eq 1
check "Paris is Paris, US-TX" grep -q '"start":13,"end":18,"name":"Paris","geonameid":[0-9]*,"lat":33\.[0-9]*,"lon":-95\.[0-9]*,"country":"US"' "$TMP/out.jsonl"
check "Ankara TR" grep -q '"name":"Ankara","geonameid":323786' "$TMP/out.jsonl"
check "Turkey TR" grep -q '"start":39,"end":45,[^}]*"country":"TR","feature":"PCLI"' "$TMP/out.jsonl"
check "'He' unresolved, null fields" grep -q '"start":0,"end":2,"name":null,"geonameid":null,"lat":null,"lon":null,"country":null,"feature":null,"confidence":null' "$TMP/out.jsonl"
# --offsets chars: "Zürich" after a two-byte letter.
printf '%s\n' '{"text":"Über Zürich","toponyms":[{"start":5,"end":11}]}' > "$TMP/c.jsonl"
"$DL" geocode --offsets chars "$TMP/c.jsonl" > "$TMP/c.out"
check "chars: Zurich CH, offsets back in chars" grep -q '"start":5,"end":11,"name":"Z[^"]*rich",[^}]*"country":"CH"' "$TMP/c.out"
# --fallback: an unknown street takes the document's main town.
printf '%s\n' '{"text":"Moscow police closed Tverskaya Ulitsa in Moscow.","toponyms":[{"start":0,"end":6},{"start":21,"end":37},{"start":41,"end":47}]}' > "$TMP/f.jsonl"
"$DL" geocode "$TMP/f.jsonl" > "$TMP/f0.out"
"$DL" geocode --fallback "$TMP/f.jsonl" > "$TMP/f1.out"
check "no fallback: the street is null" grep -q '"start":21,"end":37,"name":null' "$TMP/f0.out"
check "--fallback: the street is in Moscow, confidence 0.1" grep -q '"start":21,"end":37,"name":"Moscow",[^}]*"confidence":0.1' "$TMP/f1.out"
# Bad lines: an error record each, exit 1, the good line still answered.
printf '%s\n' 'not json' '{"text":"Moscow","toponyms":[{"start":0,"end":99}]}' \
  '{"text":"Moscow","toponyms":[{"start":0,"end":6}]}' > "$TMP/bad.jsonl"
"$DL" geocode "$TMP/bad.jsonl" > "$TMP/bad.out"
check "bad input: exit 1" test $? -eq 1
check "bad input: three lines" test "$(wc -l < "$TMP/bad.out")" -eq 3
check "bad input: error records" test "$(grep -c '"error"' "$TMP/bad.out")" -eq 2
check "bad input: Moscow still resolved" grep -q '"name":"Moscow","geonameid":524901' "$TMP/bad.out"
# ---- dev floor (TR-News, GeoWebNews) ---------------------------------------
SHARED=${DATELINE_SHARED:-../shared}
if [ -d "$SHARED/data/geo/tr-news" ] && command -v python3 >/dev/null; then
  python3 bench/eval_geo.py --data "$SHARED/data/geo" --dl "$DL" --no-e2e \
    > "$TMP/eval.txt" 2>&1
  floor() { # NAME SET MIN: acc@161km of SET >= MIN
    local v
    v=$(grep "^$2 " "$TMP/eval.txt" | sed -n 's/.*acc@161km=\([0-9.]*\)%.*/\1/p' | head -1)
    if [ -n "$v" ] && awk "BEGIN{exit !($v >= $3)}"; then pass "$1 ($v%)"
    else fail "$1" "got '${v:-none}', want >= $3: $(cat "$TMP/eval.txt")"; fi
  }
  floor "dev floor: TR-News acc@161km" TR-News 67.0
  floor "dev floor: GeoWebNews acc@161km" GeoWebNews 63.0
else
  echo "note: shared geo data or python3 absent; dev floor not checked"
fi
finish
