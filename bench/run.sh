#!/usr/bin/env bash
# bench/run.sh [BUILD] -- tokenizer + sentence-splitter benchmark, ours and
# the peers on the same bytes, in one run (called by `make bench`).
#
#   1. bench_tok builds the corpus from ../shared (BBC + Reuters-21578
#      BODY texts, see bench/bench_tok.c), writes it as JSONL to a temp
#      dir, and times dl_annotate(TOKENS|SENTENCES) through the public API
#      (one thread, then BENCH_THREADS threads), plus the JSON variant.
#   2. `dateline annotate --fields id,date,clean,sentences,tokens` over the
#      same JSONL: the whole CLI path (JSONL parse, annotate, JSON out); then
#      `dateline annotate` with the default fields: every stage (NER,
#      entities, dates, ...) whose model is in DATELINE_MODEL_DIR (default
#      <repo>/models), for the throughput of the whole product.
#   3. the peers (bench/peers/tok.js): wink-nlp + wink-eng-lite-web-model
#      and compromise, installed into bench/peers/node_modules by `npm ci`
#      from the committed package-lock.json.
#   4. a table: tool, tokens (each tool's own count), MB/s and tokens/s on
#      the same bytes, peak RSS, and the ratio ours/peer (MB/s).
#
# Environment: DATELINE_SHARED (default ../shared beside the checkout),
# BENCH_REPEAT (passes, best one kept; default 3), BENCH_THREADS (default:
# the number of cores), BENCH_PEERS=0 to skip the peers, BENCH_NER=0 to skip
# bench/bench_ner.sh (run at the end).
# Never asserted by any test: timings are printed, not checked.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHARED=${DATELINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
REPEAT=${BENCH_REPEAT:-3}
OURS_REPEAT=$((REPEAT > 5 ? REPEAT : 5)) # ours is cheap: at least 5 passes
THREADS=${BENCH_THREADS:-$(nproc 2>/dev/null || echo 2)}
BENCH="$ROOT/$BUILD/bench/bench_tok"
CLI="$ROOT/$BUILD/dateline"
export DATELINE_MODEL_DIR=${DATELINE_MODEL_DIR:-$ROOT/models}

if [ ! -d "$SHARED/data/news" ]; then
  echo "bench: no corpus at $SHARED/data/news (set DATELINE_SHARED)" >&2
  exit 1
fi
if [ ! -x "$BENCH" ]; then
  echo "bench: $BENCH not built (make BUILD=$BUILD)" >&2
  exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dateline-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
CORPUS="$TMP/corpus.jsonl"

# RESULT lines of every tool, collected here.
RESULTS="$TMP/results"
: >"$RESULTS"

echo "== machine: $(nproc 2>/dev/null) cores, $(uname -sm)," \
  "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" \
  "(wall-clock figures are only meaningful near 0)"
echo "== dateline: bench_tok, one thread (best of $OURS_REPEAT)"
"$BENCH" --shared "$SHARED" --repeat "$OURS_REPEAT" --json \
  --write-jsonl "$CORPUS" | tee "$TMP/ours.txt" || exit 1
grep '^RESULT ' "$TMP/ours.txt" >>"$RESULTS"

if [ "$THREADS" -gt 1 ]; then
  echo
  echo "== dateline: bench_tok, $THREADS threads (best of $OURS_REPEAT)"
  "$BENCH" --shared "$SHARED" --repeat "$OURS_REPEAT" --threads "$THREADS" |
    tee "$TMP/ours-mt.txt" || exit 1
  grep '^RESULT ' "$TMP/ours-mt.txt" |
    sed "s/tool=dateline/tool=dateline-${THREADS}threads/" >>"$RESULTS"
fi

# kv FIELD LINE: the value of FIELD=... in a RESULT line
kv() { printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

echo
# cli_row NAME ARGS...: times `dateline annotate ARGS CORPUS` (output to
# /dev/null) and adds a RESULT row; tokens are bench_tok's count.
cli_row() {
  local name=$1 secs usr sys rss cpu rc start ours bytes
  shift
  ours=$(grep '^RESULT ' "$TMP/ours.txt")
  bytes=$(kv bytes "$ours")
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/cli.time" \
      "$CLI" annotate "$@" --compact "$CORPUS" >/dev/null
    rc=$?
    read -r secs usr sys rss <"$TMP/cli.time"
    cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { print u + s }')
  else
    start=$(date +%s.%N)
    "$CLI" annotate "$@" --compact "$CORPUS" >/dev/null
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    cpu=$secs rss=0
  fi
  if [ "$rc" -ne 0 ]; then
    echo "dateline annotate $* failed (exit $rc); row skipped"
    return
  fi
  echo "dateline annotate $* --compact: wall $secs s, CPU $cpu s" \
    "(process start, JSONL parsing and JSON writing included)"
  awk -v n="$name" -v b="$bytes" -v s="$secs" -v c="$cpu" -v r="$rss" \
    -v t="$(kv tokens "$ours")" \
    'BEGIN { if (s <= 0) s = 0.001; if (c <= 0) c = 0.001;
             printf "RESULT tool=%s threads=1 bytes=%d " \
               "tokens=%d secs=%.3f cpu=%.3f mbps=%.2f tps=%.0f " \
               "wall_mbps=%.2f rss_kb=%d\n",
               n, b, t, s, c, b / 1e6 / c, t / c, b / 1e6 / s, r }' >>"$RESULTS"
}

echo "== dateline annotate (CLI: JSONL in, JSON records out to /dev/null)"
if [ -x "$CLI" ]; then
  # the tokenizer's own record, then the default record (every stage that
  # has its model: entities, dates, ... ; models from DATELINE_MODEL_DIR)
  cli_row dateline-cli-tokens --fields id,date,clean,sentences,tokens
  cli_row dateline-cli-default
fi

if [ "${BENCH_PEERS:-1}" != 0 ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "bench: node/npm not found: peers skipped" >&2
  else
    if [ ! -d bench/peers/node_modules/wink-nlp ] ||
       [ ! -d bench/peers/node_modules/compromise ] ||
       [ ! -d bench/peers/node_modules/wink-eng-lite-web-model ]; then
      echo
      echo "== installing peers (npm ci in bench/peers)"
      (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error) ||
        echo "bench: npm ci failed: peers skipped" >&2
    fi
    for tool in wink compromise; do
      echo
      echo "== peer: $tool (best of $REPEAT)"
      if node bench/peers/tok.js "$tool" "$CORPUS" "$REPEAT" |
        tee "$TMP/$tool.txt"; then
        grep '^RESULT ' "$TMP/$tool.txt" >>"$RESULTS"
      else
        echo "bench: $tool failed" >&2
      fi
    done
  fi
fi

echo
echo "== tokenizer + sentence splitter, $(kv bytes "$(head -n 1 "$RESULTS")") bytes" \
  "($(kv docs "$(head -n 1 "$RESULTS")") documents: BBC + Reuters-21578 BODY)"
awk '
  function kv(k,   i, a) {
    for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] }
    return ""
  }
  { tool[NR] = kv("tool"); mb[NR] = kv("mbps"); tps[NR] = kv("tps");
    tok[NR] = kv("tokens"); rss[NR] = kv("rss_kb"); th[NR] = kv("threads");
    wall[NR] = kv("wall_mbps") }
  END {
    ref = 0
    for (i = 1; i <= NR; i++) if (tool[i] == "dateline") ref = mb[i]
    printf "%-22s %7s %10s %10s %14s %10s %10s %10s\n", "tool", "threads",
      "tokens", "MB/s/core", "tokens/s/core", "wall MB/s", "peak RSS",
      "ours/peer"
    for (i = 1; i <= NR; i++) {
      ratio = "-"
      if (tool[i] !~ /^dateline/ && mb[i] > 0 && ref > 0)
        ratio = sprintf("%.1fx", ref / mb[i])
      printf "%-22s %7s %10d %10.2f %14.0f %10.2f %7.1f MB %10s\n", tool[i],
        th[i], tok[i], mb[i], tps[i], wall[i], rss[i] / 1024, ratio
    }
    print "Same input bytes for every tool; tokens are each tool'"'"'s own count."
    print "Per core = per CPU-second of the process (all its threads); wall " \
      "MB/s depends on what else runs."
    print "ours/peer = dateline (public API, 1 thread) MB/s/core over the " \
      "peer'"'"'s; peak RSS includes the corpus in memory."
  }' "$RESULTS"

# The NER bench (ours vs OpenNLP and compromise on eng.testa) follows,
# unless BENCH_NER=0; it says so itself when a part is missing.
if [ "${BENCH_NER:-1}" != 0 ]; then
  echo
  "$ROOT/bench/bench_ner.sh" "$BUILD"
fi
