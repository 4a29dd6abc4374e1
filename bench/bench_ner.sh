#!/usr/bin/env bash
# bench/bench_ner.sh [BUILD] -- named-entity recognition, ours and the peers
# on CoNLL-2003 eng.testa: F1 (one scorer for all) and tagging tokens/s.
#
#   ours        `dateline ner --conll` (model from models/, or
#               DATELINE_MODEL_DIR), scored by bench/peers/conlleval.js;
#               `dateline eval ner` printed as it reports itself; and
#               BUILD/bench/bench_ner (bench/bench_ner.c): tagging only
#               through dl_ner_tag(), model load time and model memory.
#   OpenNLP     Debian package `opennlp` (apt-get install opennlp): its
#               TokenNameFinder trained on eng.train (TokenNameFinderConverter
#               conll03 + TokenNameFinderTrainer, default maxent settings),
#               the model cached in bench/.cache/opennlp/ (gitignored; delete
#               it to retrain, ~1-2 minutes); F1 from TokenNameFinderEvaluator
#               and from our scorer on its TokenNameFinder output.
#   compromise  npm, bench/peers/ner.js: people/places/organizations as
#               PER/LOC/ORG (no MISC), so F1 is given on all four types and
#               on PER+LOC+ORG only.
#
# Speed is tagging only, on pre-tokenized eng.testa (51,362 tokens), with
# load time excluded: for the command-line tools (ours, OpenNLP) the input
# is given once and then COPIES+1 times, and tokens/s = COPIES x tokens /
# (time of the long run - time of the short run), i.e. warm steady state
# without process start, JVM start-up or model load; compromise runs
# in-process, best of BENCH_REPEAT passes. The time is CPU time (user +
# system, every thread of the process: JIT and GC threads count), so that
# a busy shared machine does not distort the ratios; wall-clock figures are
# printed beside. Peak RSS is the whole process (for OpenNLP the JVM; for
# compromise node with the data held in memory).
#
# Environment: DATELINE_SHARED (default ../shared beside the checkout),
# DATELINE_MODEL_DIR (default <repo>/models), BENCH_CACHE (default
# bench/.cache), BENCH_NER_COPIES (default 10), BENCH_REPEAT (default 3).
# eng.testa only: the CoNLL test set is not used. Timings are printed, never
# asserted.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHARED=${DATELINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
CACHE=${BENCH_CACHE:-$ROOT/bench/.cache}
COPIES=${BENCH_NER_COPIES:-10}
REPEAT=${BENCH_REPEAT:-3}
CLI="$ROOT/$BUILD/dateline"
export DATELINE_MODEL_DIR=${DATELINE_MODEL_DIR:-$ROOT/models}
CONLL="$SHARED/data/ner/conll2003"
if [ ! -f "$CONLL/eng.train" ] || [ ! -f "$CONLL/eng.testa" ]; then
  echo "bench_ner: no CoNLL-2003 at $CONLL (set DATELINE_SHARED)" >&2
  exit 1
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dateline-bench-ner.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$CACHE/opennlp"
RESULTS="$TMP/results"
: >"$RESULTS"
NOTES="$TMP/notes"
: >"$NOTES"
note() { echo "$*" | tee -a "$NOTES"; }

# In these copies the first -DOCSTART- line of each file sits at its end
# (SOURCE.txt); put it back in front so that document boundaries are right
# (OpenNLP's conll03 reader also stops with an exception on the trailing one).
fix_conll() {
  printf -- '-DOCSTART- -X- O O\n\n'
  awk '{ l[NR] = $0 }
       END { n = NR
             while (n > 0 && (l[n] == "" || l[n] ~ /^-DOCSTART-/)) n--
             for (i = 1; i <= n; i++) print l[i]
             print "" }' "$1"
}
fix_conll "$CONLL/eng.train" >"$TMP/eng.train"
fix_conll "$CONLL/eng.testa" >"$TMP/eng.testa"
TOKENS=$(grep -v -e '^-DOCSTART-' -e '^[[:space:]]*$' "$TMP/eng.testa" | wc -l)
# the long input: eng.testa then COPIES more copies of it
for _ in $(seq 0 "$COPIES"); do cat "$TMP/eng.testa"; done >"$TMP/eng.testa.long"

# now: seconds since the epoch, with nanoseconds
now() { date +%s.%N; }
# elapsed START: seconds since START
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.4f", b - a }'; }
# measure CMD...: runs CMD, stdout to $OUT, stderr to $ERR; sets RC, WALL
# and CPU (seconds; CPU = user + system of the process, all its threads)
# and RSS_KB. Without /usr/bin/time, CPU is the wall time and RSS_KB 0.
measure() {
  local t0
  t0=$(now)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%U %S %M' -o "$TMP/time" "$@" >"$OUT" 2>"$ERR"
    RC=$?
    WALL=$(elapsed "$t0")
    read -r u s RSS_KB <<<"$(tail -n 1 "$TMP/time")"
    CPU=$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')
  else
    "$@" >"$OUT" 2>"$ERR"
    RC=$?
    WALL=$(elapsed "$t0")
    CPU=$WALL RSS_KB=0
  fi
}
# steady_tps SHORT_SECS LONG_SECS: tokens/s of the COPIES extra copies
steady_tps() {
  awk -v s="$1" -v l="$2" -v n="$COPIES" -v t="$TOKENS" \
    'BEGIN { d = l - s; if (d <= 0) d = 0.0001; printf "%.0f", n * t / d }'
}
# f1_of FILE [TYPES]: overall F1 of a tagged CoNLL file, by our scorer
f1_of() {
  if [ -n "${2:-}" ]; then
    node bench/peers/conlleval.js --types "$2" "$1" | sed -n 's/^overall:.*FB1: *//p'
  else
    node bench/peers/conlleval.js "$1" | sed -n 's/^overall:.*FB1: *//p'
  fi
}

echo "== machine: $(nproc 2>/dev/null) cores, $(uname -sm)," \
  "$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//')"
echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" \
  "(wall-clock figures are only meaningful near 0)"
echo "== eng.testa: $TOKENS tokens; speed runs: 1 and $((COPIES + 1)) copies"

HAVE_NODE=1
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  note "node/npm not found: compromise and the scorer are skipped"
  HAVE_NODE=0
elif [ ! -d bench/peers/node_modules/compromise ]; then
  echo "== installing peers (npm ci in bench/peers)"
  (cd bench/peers && npm ci --no-audit --no-fund --loglevel=error) ||
    note "npm ci failed: compromise skipped"
fi

# ---------------------------------------------------------------- ours
echo
echo "== dateline"
OUT="$TMP/ours.out" ERR="$TMP/ours.err"
if [ ! -x "$CLI" ]; then
  note "dateline: $CLI not built (make BUILD=$BUILD): ours skipped"
else
  measure "$CLI" ner --conll "$TMP/eng.testa"
  cols_in=$(awk 'NF && !/^-DOCSTART-/ { print NF; exit }' "$TMP/eng.testa")
  cols_out=$(awk 'NF && !/^-DOCSTART-/ { print NF; exit }' "$OUT")
  if [ "$RC" -ne 0 ] || [ "${cols_out:-0}" -ne $((cols_in + 1)) ]; then
    note "dateline NER: NOT ON MAIN YET -- \`dateline ner --conll\` exited $RC:" \
      "$(head -n 1 "$ERR")"
    note "  (ours is skipped; the peers below still run)"
  else
    cp "$OUT" "$TMP/ours.conll"
    s_wall=$WALL s_cpu=$CPU
    echo "dateline ner --conll eng.testa: wall $WALL s, CPU $CPU s" \
      "(process start and model load included)"
    OUT="$TMP/ours.long" ERR="$TMP/ours.long.err"
    measure "$CLI" ner --conll "$TMP/eng.testa.long"
    tps=$(steady_tps "$s_cpu" "$CPU")
    echo "dateline ner --conll on $((COPIES + 1)) copies: wall $WALL s, CPU $CPU s" \
      "-> $tps tokens/s/core (steady; wall: $(steady_tps "$s_wall" "$WALL"))"
    f1=NA f3=NA
    if [ "$HAVE_NODE" = 1 ]; then
      node bench/peers/conlleval.js "$TMP/ours.conll"
      f1=$(f1_of "$TMP/ours.conll")
      f3=$(f1_of "$TMP/ours.conll" PER,LOC,ORG)
    fi
    echo "RESULT tool=dateline f1=$f1 f1_3=$f3 tps=$tps rss_kb=$RSS_KB" >>"$RESULTS"
    echo
    echo "-- dateline eval ner (as it reports itself)"
    OUT="$TMP/eval.out" ERR="$TMP/eval.err"
    if "$CLI" eval ner "$TMP/eng.testa" >"$OUT" 2>"$ERR"; then
      cat "$OUT"
    else
      note "dateline eval ner: $(head -n 1 "$ERR")"
    fi
  fi
  if [ -x "$ROOT/$BUILD/bench/bench_ner" ]; then
    echo
    echo "-- bench_ner (tagging through the public API)"
    "$ROOT/$BUILD/bench/bench_ner" "$TMP/eng.testa" | tee "$TMP/bench_ner.txt"
    grep '^RESULT ' "$TMP/bench_ner.txt" >>"$RESULTS"
  fi
fi

# ------------------------------------------------------------- OpenNLP
echo
echo "== OpenNLP"
if ! command -v opennlp >/dev/null; then
  note "OpenNLP: the opennlp command is missing (apt-get install opennlp): skipped"
else
  MODEL="$CACHE/opennlp/en-ner-conll03.bin"
  if [ ! -s "$MODEL" ] || [ "$CONLL/eng.train" -nt "$MODEL" ]; then
    echo "training TokenNameFinder on eng.train (cached in $MODEL) ..."
    opennlp TokenNameFinderConverter conll03 -lang eng \
      -types per,loc,org,misc -data "$TMP/eng.train" \
      >"$CACHE/opennlp/train.txt" 2>"$CACHE/opennlp/convert.log" &&
    opennlp TokenNameFinderTrainer -model "$MODEL.tmp" -lang eng \
      -data "$CACHE/opennlp/train.txt" -encoding UTF-8 \
      >"$CACHE/opennlp/train.log" 2>&1 &&
    mv "$MODEL.tmp" "$MODEL" ||
      note "OpenNLP: training failed, see $CACHE/opennlp/*.log"
  fi
  if [ -s "$MODEL" ]; then
    opennlp TokenNameFinderConverter conll03 -lang eng \
      -types per,loc,org,misc -data "$TMP/eng.testa" >"$TMP/testa.onlp" \
      2>"$TMP/convert.err"
    opennlp TokenNameFinderEvaluator -model "$MODEL" -data "$TMP/testa.onlp" \
      -encoding UTF-8 >"$TMP/onlp.eval" 2>&1
    grep -E 'TOTAL|person:|location:|organization:|misc:' "$TMP/onlp.eval"
    ev_f1=$(sed -n 's/.*TOTAL:.*F1: *\([0-9.]*\)%.*/\1/p' "$TMP/onlp.eval")
    if [ "$HAVE_NODE" = 1 ]; then
      node bench/peers/ner.js sentences "$TMP/eng.testa" >"$TMP/testa.sents"
      node bench/peers/ner.js sentences "$TMP/eng.testa.long" >"$TMP/testa.long.sents"
      OUT="$TMP/onlp.tagged" ERR="$TMP/onlp.err"
      measure opennlp TokenNameFinder "$MODEL" <"$TMP/testa.sents"
      s_wall=$WALL s_cpu=$CPU
      OUT="$TMP/onlp.long.tagged" ERR="$TMP/onlp.long.err"
      measure opennlp TokenNameFinder "$MODEL" <"$TMP/testa.long.sents"
      tps=$(steady_tps "$s_cpu" "$CPU")
      echo "opennlp TokenNameFinder: eng.testa wall $s_wall s, CPU $s_cpu s;" \
        "$((COPIES + 1)) copies wall $WALL s, CPU $CPU s -> $tps tokens/s/core" \
        "(steady; wall: $(steady_tps "$s_wall" "$WALL"))"
      node bench/peers/ner.js from-opennlp "$TMP/eng.testa" "$TMP/onlp.tagged" \
        "$TMP/onlp.conll"
      f1=$(f1_of "$TMP/onlp.conll")
      f3=$(f1_of "$TMP/onlp.conll" PER,LOC,ORG)
      echo "our scorer on its TokenNameFinder output: F1 $f1 (evaluator: $ev_f1)"
      echo "RESULT tool=opennlp f1=$f1 f1_3=$f3 tps=$tps rss_kb=$RSS_KB" >>"$RESULTS"
    else
      echo "RESULT tool=opennlp f1=$ev_f1 f1_3=NA tps=NA rss_kb=0" >>"$RESULTS"
    fi
  fi
fi

# ---------------------------------------------------------- compromise
echo
echo "== compromise"
if [ "$HAVE_NODE" = 1 ] && [ -d bench/peers/node_modules/compromise ]; then
  node bench/peers/ner.js compromise "$TMP/eng.testa" "$TMP/comp.conll" \
    "$REPEAT" | tee "$TMP/comp.txt"
  node bench/peers/conlleval.js "$TMP/comp.conll"
  f1=$(f1_of "$TMP/comp.conll")
  f3=$(f1_of "$TMP/comp.conll" PER,LOC,ORG)
  r=$(grep '^RESULT ' "$TMP/comp.txt")
  echo "RESULT tool=compromise f1=$f1 f1_3=$f3 $(echo "$r" |
    tr ' ' '\n' | grep -E '^(tps|rss_kb)=' | tr '\n' ' ')" >>"$RESULTS"
fi

# --------------------------------------------------------------- table
echo
echo "== NER on CoNLL-2003 eng.testa ($TOKENS tokens)"
awk '
  function kv(k,   i, a) {
    for (i = 2; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] }
    return ""
  }
  { tool[NR] = kv("tool"); f1[NR] = kv("f1"); f3[NR] = kv("f1_3");
    tps[NR] = kv("tps"); rss[NR] = kv("rss_kb") }
  END {
    # the reference: tagging through the API (bench_ner) when it ran, else
    # the CLI steady state (which also parses and writes CoNLL)
    ref = 0
    for (i = 1; i <= NR; i++) if (tool[i] == "dateline") { ref = 1; rf = f1[i]; rt = tps[i] }
    for (i = 1; i <= NR; i++) if (tool[i] == "dateline-api") { ref = 1; rf = f1[i]; rt = tps[i] }
    printf "%-16s %8s %14s %12s %10s %12s %14s\n", "tool", "F1", "F1 PER+LOC+ORG",
      "tok/s/core", "peak RSS", "F1 ours-peer", "speed ours/peer"
    for (i = 1; i <= NR; i++) {
      d = "-"; s = "-"
      if (ref && tool[i] !~ /^dateline/) {
        if (f1[i] != "NA" && rf != "NA") d = sprintf("%+.2f", rf - f1[i])
        if (tps[i] > 0 && rt > 0) s = sprintf("%.1fx", rt / tps[i])
      }
      printf "%-16s %8s %14s %12s %7.1f MB %12s %14s\n", tool[i], f1[i], f3[i],
        tps[i], rss[i] / 1024, d, s
    }
    if (!ref) print "dateline: no NER results (see the note below); ratios need them."
    else print "ours/peer: F1 difference in points; speed from tokens/s/core " \
      "(dateline-api when it ran, else the CLI)"
  }' "$RESULTS"
if [ -s "$NOTES" ]; then
  echo
  echo "notes:"
  sed 's/^/  /' "$NOTES"
fi
