#!/usr/bin/env bash
# bench/bench_cli.sh [BUILD] [FILE.jsonl] -- `dateline annotate` end to end,
# the way a user runs it: one process, JSONL in, JSONL out to a file,
# default fields, model loading included. Issue 9's targets: 5 MB/s per
# core or more for the whole pipeline, --threads 2 at least 1.9x one
# thread. Never part of `make test`; nothing is asserted.
#
# FILE defaults to the 2,225 BBC articles written by bench_tok
# (`bench_tok --corpus bbc --prep-only --write-jsonl`). Each of
# --threads 1 and 2 runs BENCH_CLI_REPEAT times (default 5), alternating,
# and the medians are printed:
#   cpu_s      user + sys of the whole process (GNU time): what "per core"
#              means here. The machine is shared, so CPU time, not wall
#              time, is the number to quote; wall time is printed too.
#   MB/s/core  text bytes (the articles as bench_tok counts them, else the
#              JSONL file's bytes) / 10^6 / cpu_s; also over JSONL bytes.
#   docs/s, tokens/s per core (tokens: one `--fields tokens` pass, counted).
#   peak RSS   GNU time's maximum resident set.
# and, for --threads 2, the speed-up two idle cores would give, from thread
# CPU clocks (DATELINE_THREAD_STATS=1, unaffected by other processes):
# one-thread CPU seconds over the busiest thread's CPU seconds in the
# --threads 2 run (the reader/writer thread included), and the wall-time
# ratio of the medians (meaningful only on a quiet machine: the load
# average is printed). Outputs of 1 and 2 threads are compared byte for
# byte.
#
# Environment: DATELINE_SHARED (default ../shared), DATELINE_MODEL_DIR
# (default models), BENCH_CLI_REPEAT, BENCH_CLI_TEXT_BYTES (the text bytes
# of a FILE given, for MB/s over text rather than JSONL).
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHARED=${DATELINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
DL="$ROOT/$BUILD/dateline"
MODEL=${DATELINE_MODEL_DIR:-$ROOT/models}
REPEAT=${BENCH_CLI_REPEAT:-5}
TIME=/usr/bin/time
W=$(mktemp -d /tmp/bench_cli.XXXXXX)
trap 'rm -rf "$W"' EXIT

if [ ! -x "$TIME" ]; then
  echo "bench_cli: needs /usr/bin/time (GNU time)" >&2
  exit 1
fi
if [ ! -x "$DL" ]; then
  echo "bench_cli: no $DL (make first)" >&2
  exit 1
fi

IN=${2:-}
textbytes=${BENCH_CLI_TEXT_BYTES:-}
if [ -z "$IN" ]; then
  IN=$W/bbc.jsonl
  "$ROOT/$BUILD/bench/bench_tok" --shared "$SHARED" --corpus bbc \
    --prep-only --write-jsonl "$IN" >"$W/prep.txt" || exit 1
  # "corpus: bbc (../shared), 2225 documents, 5041385 bytes, ..."
  textbytes=$(sed -n 's/.* documents, \([0-9]*\) bytes.*/\1/p' "$W/prep.txt")
fi
jbytes=$(wc -c <"$IN" | tr -d ' ')
docs=$(wc -l <"$IN" | tr -d ' ')
bytes=${textbytes:-$jbytes}
"$DL" annotate --model "$MODEL" --fields tokens -o "$W/tok.jsonl" "$IN"
tokens=$(grep -o '"start"' "$W/tok.jsonl" | wc -l | tr -d ' ')
rm -f "$W/tok.jsonl"

echo "bench_cli: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores," \
  "$(git -C "$ROOT" rev-parse --short HEAD), load average" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "input: $IN: $docs documents, $jbytes bytes of JSONL," \
  "${textbytes:-?} bytes of text, $tokens tokens"

# one T I: a run with --threads T; GNU time and thread stats to $W/tI.*
one() {
  DATELINE_THREAD_STATS=1 $TIME -f "%e %U %S %M" -o "$W/t$1.$2.time" \
    "$DL" annotate --model "$MODEL" --threads "$1" -o "$W/out$1.jsonl" \
    "$IN" 2>"$W/t$1.$2.stats"
}
for i in $(seq 1 "$REPEAT"); do
  one 1 "$i" || exit 1
  one 2 "$i" || exit 1
done
if cmp -s "$W/out1.jsonl" "$W/out2.jsonl"; then
  same="byte-identical"
else
  same="DIFFER"
fi

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
col() { for f in "$W"/t"$1".*.time; do awk -v k="$2" '{ print $k }' "$f"; done; }
cpu() { for f in "$W"/t"$1".*.time; do awk '{ print $2 + $3 }' "$f"; done; }
# the busiest thread of each --threads 2 run (main or a worker)
busiest() {
  for f in "$W"/t2.*.stats; do
    sed -n 's/^threads: main \([0-9.]*\) s CPU.*/\1/p; s/^threads: worker [0-9]* \([0-9.]*\) s CPU.*/\1/p' "$f" |
      sort -g | tail -n 1
  done
}

printf '%-8s %7s %7s %10s %10s %9s %11s %9s\n' threads wall_s cpu_s \
  MB/s/core JSONL_MB/s docs/s tokens/s peak_RSS
for t in 1 2; do
  wall=$(col "$t" 1 | median)
  c=$(cpu "$t" | median)
  rss=$(col "$t" 4 | median)
  awk -v t="$t" -v w="$wall" -v c="$c" -v b="$bytes" -v j="$jbytes" \
    -v d="$docs" -v k="$tokens" -v r="$rss" 'BEGIN {
      printf "%-8s %7.3f %7.3f %10.2f %10.2f %9.0f %11.0f %6.1f MB\n",
        t, w, c, b / 1e6 / c, j / 1e6 / c, d / c, k / c, r / 1024 }'
  eval "wall$t=$wall cpu$t=$c"
done
b2=$(busiest | median)
awk -v c1="$cpu1" -v b2="$b2" -v w1="$wall1" -v w2="$wall2" -v s="$same" 'BEGIN {
  printf "--threads 2: speed-up on two idle cores (1-thread CPU / busiest " \
    "thread of 2) %.2fx; wall-time ratio of the medians %.2fx; outputs %s\n",
    c1 / b2, w1 / w2, s }'
echo "(medians of $REPEAT runs each; per core = per CPU-second of the" \
  "process, model loading and I/O included)"
