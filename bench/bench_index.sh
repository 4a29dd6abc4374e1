#!/usr/bin/env bash
# bench_index.sh -- `dateline index` throughput and `dateline search`
# latency at scale (issue 9 targets: 1,000,000 annotated articles indexed
# at >= 10,000 articles/s; a filtered search under 50 ms at that size).
# Never run in CI: the 1M run writes ~9 GB of JSONL and a ~8 GB store.
#
#   bench/bench_index.sh [N] [BUILD]      N records (default 1000000)
#
# Environment: WORK (default /tmp/dateline-bench-index: the seed, the
# synthetic records and the store live there; records are reused between
# runs), SHARED (default ../shared), KEEP=1 keeps the store.
#
# Seed: the 2,225 BBC articles of $SHARED/data/news/bbc annotated by this
# build (--fields default,text). bench/gen_records.py then writes N
# records from them: unique ids, dates over two years, PER/ORG names drawn
# from a 200k-name Zipf pool, one rare token per text, and places (from
# data/gaz/places.tsv), themes, events and stories in SPEC.md's shapes so
# that every table is loaded. Reported: wall time and CPU time (the
# machine is shared: CPU-seconds say what the code costs, wall what this
# run got), the store's size, and for each of nine searches (filters alone
# and combined, with and without words, an unfiltered common word) the
# median of 5 runs of the whole `dateline search` process (startup, open,
# query, output), after one warm-up run.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BUILD=${2:-build}
DL=$BUILD/dateline
WORK=${WORK:-/tmp/dateline-bench-index}
SHARED=${SHARED:-../shared}
mkdir -p "$WORK"
[ -x "$DL" ] || { echo "bench_index: build $DL first (make)" >&2; exit 2; }

seed=$WORK/seed.jsonl
if [ ! -s "$seed" ]; then
  echo "seed: annotating $SHARED/data/news/bbc" >&2
  python3 - "$SHARED/data/news/bbc" >"$WORK/bbc.jsonl" <<'EOF'
import glob, json, os, sys
for i, p in enumerate(sorted(glob.glob(sys.argv[1] + "/*/*.txt"))):
    b = open(p, "rb").read().decode("utf-8", "replace").split("\n", 1)
    print(json.dumps({"id": "bbc/" + p.split("/")[-2] + "/" + os.path.basename(p),
                      "title": b[0].strip(), "source": "BBC",
                      "text": b[1].strip() if len(b) > 1 else ""}))
EOF
  # --model: without the NER model the records have no entities.
  "$DL" annotate --model "${MODELS:-models}" --compact --fields default,text \
    "$WORK/bbc.jsonl" >"$seed"
fi
recs=$WORK/records-$N.jsonl
if [ ! -s "$recs" ]; then
  echo "records: generating $N" >&2
  python3 bench/gen_records.py "$seed" -n "$N" --gaz data/gaz/places.tsv \
    >"$recs.tmp"
  mv "$recs.tmp" "$recs"
fi

db=$WORK/bench-$N.db
rm -f "$db" "$db-wal" "$db-shm"
echo "== dateline index: $N records ($(du -hL "$recs" | cut -f1) of JSONL)"
echo "   load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
/usr/bin/time -f '%e %U %S %M' -o "$WORK/time.txt" \
  "$DL" index "$db" "$recs" --verbose 2>"$WORK/index.err" || {
  tail -5 "$WORK/index.err"
  exit 1
}
read -r wall user sys rss <"$WORK/time.txt"
grep -v 'committed' "$WORK/index.err" | sed 's/^/   /'
awk -v n="$N" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" 'BEGIN {
  printf "   wall %.1f s: %.0f articles/s\n", w, n / w
  printf "   CPU %.1f s (user %.1f + sys %.1f): %.0f articles per CPU-second\n", u + s, u, s, n / (u + s)
  printf "   peak RSS %.0f MB\n", r / 1024 }'
echo "   store: $(du -h "$db" | cut -f1)"

# Filtered searches: names and themes the generator is sure to produce.
sq() {
  python3 - "$db" "$1" <<'EOF'
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])
EOF
}
person=$(sq "select e.name from entities e join article_entities ae on ae.entity = e.id where e.type = 'PER' and ae.article < 2000 group by e.id order by count(*) desc limit 1 offset 3")
org=$(sq "select e.name from entities e join article_entities ae on ae.entity = e.id where e.type = 'ORG' and ae.article < 2000 group by e.id order by count(*) desc limit 1 offset 5")
echo "== dateline search: median of 5 runs of the whole process (after a warm-up)"
echo "   wall ms, CPU ms (user+sys), results, query"
ms() { # ARGS...: "wall cpu" medians (ms, 0.1 ms resolution) of 5 runs after a warm-up
  python3 - "$DL" "$db" "$WORK/search.out" "$@" <<'EOF'
import resource, subprocess, sys, time
dl, db, out, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
cmd = [dl, "search", db] + args + ["--json"]
subprocess.run(cmd, stdout=subprocess.DEVNULL)
wall, cpu = [], []
for i in range(5):
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(out, "wb") as f:
        subprocess.run(cmd, stdout=f)
    t1 = time.perf_counter()
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall.append((t1 - t0) * 1000)
    cpu.append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
print("%.1f %.1f" % (sorted(wall)[2], sorted(cpu)[2]))
EOF
}
run() { # LABEL ARGS...
  local label=$1 t
  shift
  t=$(ms "$@")
  printf '   %7s ms %7s ms  %3s  %s\n' ${t% *} ${t#* } "$(wc -l <"$WORK/search.out")" "$label"
}
run "economy --person '$person'" economy --person "$person"
run "minister --org '$org' --from 2015-06-01 --to 2015-12-31" minister --org "$org" --from 2015-06-01 --to 2015-12-31
run "election --theme ELECTION --country GB" election --theme ELECTION --country GB
run "'\"interest rates\"' --from 2016-03-01 --to 2016-03-31" '"interest rates"' --from 2016-03-01 --to 2016-03-31
run "--quote-by '$person' (no query)" --quote-by "$person"
run "government (no filter, top 20 of all matches)" government
run "--theme ELECTION --country GB (no query)" --theme ELECTION --country GB
run "minister --place London --from 2016-01-01" minister --place London --from 2016-01-01
run "--from 2015-01-01 --to 2015-01-31 (no query)" --from 2015-01-01 --to 2015-01-31
[ "${KEEP:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
