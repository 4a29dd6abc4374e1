#!/usr/bin/env bash
# bench/bench_corpus.sh [BUILD] -- the corpus targets of issue 9, side by
# side in one run (never part of `make test`; timings are printed, never
# asserted):
#
#   1. annotate throughput, --threads 1 against --threads 2, on the BBC +
#      Reuters bodies (the first BENCH_CORPUS_MB MB, default 8), whole
#      default pipeline; wall and CPU seconds, MB/s, the speed-up, and the
#      load average (the machine is shared: wall times move with it).
#   2. RSS over a long synthetic stream: BENCH_STREAM_N (default 200000)
#      articles of 8-20 sentences drawn from the corpora, zstd-compressed,
#      annotated with --threads 2; RSS of the process sampled every 2 s
#      with the share of input read (/proc/PID/fdinfo); RSS after the first
#      10% of the input against the largest RSS of the last 10%.
#   3. dedup precision and recall on the known-copies set (bench/
#      corpus_dup.py build/score: re-headered, re-footered, syndicated,
#      lightly edited, updated, truncated, exact copies among 6,225 BBC and
#      Reuters originals), built here, deleted at the end.
#   4. dedup of BENCH_DEDUP_N (default 1000000) synthetic documents (20%
#      copies with a new header or footer), the dedup command alone on a
#      .zst file written beforehand: wall, CPU, peak RSS.
#   5. stories: pairwise and B-cubed precision/recall on the event-labelled
#      Reuters set (bench/eval_stories.py), next to two baselines.
#
# Environment: DATELINE_SHARED (default ../shared), BENCH_CORPUS_MB,
# BENCH_STREAM_N, BENCH_DEDUP_N (0 skips a part), BENCH_TMP (work folder,
# default a fresh one under /tmp, removed at the end).
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SHARED=${DATELINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
DL="$ROOT/$BUILD/dateline"
export DATELINE_MODEL_DIR=${DATELINE_MODEL_DIR:-$ROOT/models}
MB=${BENCH_CORPUS_MB:-8}
SN=${BENCH_STREAM_N:-200000}
DN=${BENCH_DEDUP_N:-1000000}
W=${BENCH_TMP:-$(mktemp -d /tmp/bench_corpus.XXXXXX)}
mkdir -p "$W"
trap 'rm -rf "$W"' EXIT
PY="python3 $ROOT/bench/corpus_dup.py"
TIME=/usr/bin/time

if [ ! -d "$SHARED/data/news" ]; then
  echo "bench_corpus: no corpus at $SHARED/data/news" >&2
  exit 1
fi
if [ ! -x "$TIME" ]; then
  echo "bench_corpus: needs /usr/bin/time (GNU time)" >&2
  exit 1
fi
echo "bench_corpus: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD)"

# run NAME CMD... : GNU time -> $W/NAME.time as "wall user sys maxrssKB"
run() {
  local n=$1
  shift
  $TIME -f "%e %U %S %M" -o "$W/$n.time" "$@"
}
field() { awk -v k="$2" '{print $k}' "$W/$1.time"; }

# ---- 1. throughput ---------------------------------------------------------
if [ "$MB" != 0 ]; then
  $PY news "$SHARED" > "$W/news_all.jsonl"
  head -c $((MB * 1000000)) "$W/news_all.jsonl" | sed '$d' > "$W/news.jsonl"
  bytes=$(wc -c < "$W/news.jsonl")
  docs=$(wc -l < "$W/news.jsonl")
  echo
  echo "## 1. annotate --threads 1 vs 2 ($docs articles, $((bytes / 1000)) kB, default fields)"
  printf '%-12s %8s %8s %9s %10s %9s\n' threads wall_s cpu_s MB/s_wall MB/s_cpu maxrss_MB
  for t in 1 2; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    run t$t "$DL" annotate --threads $t -o "$W/t$t.out" "$W/news.jsonl"
    wall=$(field t$t 1) cpu=$(awk '{print $2 + $3}' "$W/t$t.time")
    printf '%-12s %8s %8.2f %9.2f %10.2f %9.1f   (load %s before)\n' "$t" "$wall" "$cpu" \
      "$(echo "$bytes / $wall / 1000000" | bc -l)" \
      "$(echo "$bytes / $cpu / 1000000" | bc -l)" \
      "$(echo "$(field t$t 4) / 1024" | bc -l)" "$load"
  done
  if cmp -s "$W/t1.out" "$W/t2.out"; then same=yes; else same=NO; fi
  printf 'speed-up 2 threads / 1 thread (wall): %.2fx; outputs byte-identical: %s\n' \
    "$(echo "$(field t1 1) / $(field t2 1)" | bc -l)" "$same"
  # On a shared machine wall times move with the load; the CPU time of
  # each thread does not. DATELINE_THREAD_STATS=1 prints each thread's CPU
  # clock, the workers' idle time and the bound for idle cores: all the
  # work over the busiest thread, and Amdahl with the reader as serial.
  DATELINE_THREAD_STATS=1 "$DL" annotate --threads 1 -o /dev/null "$W/news.jsonl" 2>&1 |
    grep '^threads:'
  DATELINE_THREAD_STATS=1 "$DL" annotate --threads 2 -o /dev/null "$W/news.jsonl" 2>&1 |
    grep '^threads:'
  rm -f "$W/t1.out" "$W/t2.out" "$W/news_all.jsonl"
fi

# ---- 2. RSS over a long stream ---------------------------------------------
if [ "$SN" != 0 ]; then
  $PY stream "$SHARED" "$SN" --seed 11 | zstd -q -3 > "$W/stream.jsonl.zst"
  zbytes=$(wc -c < "$W/stream.jsonl.zst")
  echo
  echo "## 2. RSS over a stream of $SN articles (annotate --threads 2, input $((zbytes / 1000000)) MB zstd)"
  "$DL" annotate --threads 2 -o /dev/null "$W/stream.jsonl.zst" &
  pid=$!
  : > "$W/rss.txt"
  start=$(date +%s)
  while kill -0 "$pid" 2>/dev/null; do
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null)
    pos=""
    for fd in /proc/$pid/fd/*; do
      if [ "$(readlink "$fd" 2>/dev/null)" = "$W/stream.jsonl.zst" ]; then
        pos=$(awk '/^pos:/ {print $2}' "/proc/$pid/fdinfo/${fd##*/}" 2>/dev/null)
      fi
    done
    [ -n "$rss" ] && [ -n "$pos" ] && echo "$(($(date +%s) - start)) $pos $rss" >> "$W/rss.txt"
    sleep 2
  done
  wait "$pid"
  rc=$?
  awk -v z="$zbytes" -v rc="$rc" '
    { t[NR] = $1; p[NR] = $2 / z; r[NR] = $3 }
    END {
      for (i = 1; i <= NR; i++) if (p[i] >= 0.10) { first = r[i]; fp = p[i]; break }
      for (i = 1; i <= NR; i++) if (p[i] >= 0.90 && r[i] > last) last = r[i]
      for (i = 1; i <= NR; i++) if (r[i] > peak) peak = r[i]
      step = int(NR / 10); if (step < 1) step = 1
      printf "samples (s, input read, RSS MB):"
      for (i = 1; i <= NR; i += step) printf " %ds/%.0f%%/%.1f", t[i], 100 * p[i], r[i] / 1024
      printf "\n"
      printf "RSS at %.0f%% of the input %.1f MB; largest in the last 10%% %.1f MB; change %+.1f%%; peak %.1f MB; %d s; exit %d\n",
        100 * fp, first / 1024, last / 1024, 100 * (last - first) / first, peak / 1024, t[NR], rc
    }' "$W/rss.txt"
  rm -f "$W/stream.jsonl.zst"
fi

# ---- 3. dedup precision / recall -------------------------------------------
echo
echo "## 3. dedup on the known-copies set (threshold 0.7, 3-word shingles, 128 hashes, 16x3 bands)"
$PY build "$SHARED" "$W/set.jsonl" "$W/truth.tsv" 2>&1
run dd "$DL" dedup --brief "$W/set.jsonl" > "$W/set.out"
$PY score "$W/set.out" "$W/truth.tsv" "$W/set.jsonl"
echo "dedup time $(field dd 1) s wall, $(field dd 2) s user"

# ---- 4. 1M documents -------------------------------------------------------
if [ "$DN" != 0 ]; then
  $PY stream "$SHARED" "$DN" --seed 3 | zstd -q -3 > "$W/big.jsonl.zst"
  echo
  echo "## 4. dedup of $DN documents ($(($(wc -c < "$W/big.jsonl.zst") / 1000000)) MB zstd; 20% copies)"
  load=$(cut -d' ' -f1 /proc/loadavg)
  run big "$DL" dedup --brief --stats -o "$W/big.out" "$W/big.jsonl.zst"
  printf 'wall %s s, cpu %.1f s, peak RSS %.0f MB (load %s before); duplicates found %s\n' \
    "$(field big 1)" "$(awk '{print $2 + $3}' "$W/big.time")" \
    "$(echo "$(field big 4) / 1024" | bc -l)" "$load" \
    "$(grep -c '"dup_of":"' "$W/big.out")"
fi

# ---- 5. stories against the event-labelled Reuters set ---------------------
echo
echo "## 5. stories on bench/data/stories-gold.tsv (tune = 2 March 1987, test = 3 March)"
python3 "$ROOT/bench/eval_stories.py" --shared "$SHARED" --build "$ROOT/$BUILD"
