#!/usr/bin/env bash
# bench/bench_timex.sh [BUILD] -- temporal expressions, ours and chrono-node
# side by side on the same dev texts (never run by CI; timings are printed,
# not asserted).
#
#   1. accuracy: bench/eval_timex.py on TempEval-3 (TBAQ-cleaned) and on
#      MEANTIME English, for dateline and for chrono-node (TempEval-3
#      strict/relaxed span F1, value accuracy and value F1);
#   2. speed: bench_timex (public API, CPU time, best of 7) over the
#      TempEval-3 texts, against chrono.parse() on the same texts (in-process
#      time, Node start-up excluded).
# chrono-node is installed into bench/peers-time/node_modules by `npm ci`
# from the committed package-lock.json. DATELINE_SHARED points at ../shared.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dateline-timex.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
if [ ! -d bench/peers-time/node_modules/chrono-node ]; then
  (cd bench/peers-time && npm ci --no-audit --no-fund --loglevel=error) ||
    echo "bench: npm ci failed: chrono-node skipped" >&2
fi
for corpus in tempeval3 meantime; do
  echo "== $corpus"
  python3 bench/eval_timex.py --corpus "$corpus" --bin "$BUILD/dateline"
  if [ -d bench/peers-time/node_modules/chrono-node ]; then
    python3 bench/eval_timex.py --corpus "$corpus" --system chrono
  fi
done
echo
echo "== speed on the TempEval-3 texts"
python3 bench/eval_timex.py --dump-jsonl "$TMP/te3.jsonl"
"$BUILD/bench/bench_timex" "$TMP/te3.jsonl" --repeat 7
if [ -d bench/peers-time/node_modules/chrono-node ]; then
  best=""
  for _ in 1 2 3; do
    ms=$(node bench/peers-time/chrono_run.js <"$TMP/te3.jsonl" 2>&1 >/dev/null |
      sed -n 's/.*"parse_ms":\([0-9.]*\).*/\1/p')
    if [ -z "$best" ] || awk -v a="$ms" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best=$ms
    fi
  done
  bytes=$(wc -c <"$TMP/te3.jsonl")
  echo "chrono-node parse, best of 3: $best ms (JSONL file $bytes bytes)"
fi
