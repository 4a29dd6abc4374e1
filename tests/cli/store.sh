#!/usr/bin/env bash
# store.sh -- `dateline index`, `dateline search`, `dateline report` and the
# SQLite store (docs/STORE.md): records in, rows out; raw articles
# annotated on the way; malformed lines, unreadable files, a full disk (a
# file-size limit) and kill -9 at random moments, each leaving a store that
# passes PRAGMA integrity_check, holds every committed article, and that
# --resume completes with no duplicates. No timing is asserted.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

SQ=$TMP/sqlq
if ! ${CC:-cc} -std=c11 -O1 -o "$SQ" tests/cli/sqlq.c -lsqlite3; then
  fail "build sqlq"
  finish
  exit 1
fi
JC=$TMP/jsoncheck
need_jsoncheck "$JC"

q() { "$SQ" "$@"; }
eq() { # NAME GOT WANT
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
run() { # NAME ARGS... : stdout/stderr in $TMP/NAME.{out,err}, status in $RC
  local n=$1
  shift
  "$DL" "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
  RC=$?
  if [ "$RC" -gt 2 ] || grep -q 'Sanitizer\|runtime error' "$TMP/$n.err"; then
    fail "$n: crashed (exit $RC)" "$(head -c 600 "$TMP/$n.err")"
  fi
}

# One annotated record (with its text), then copies of it under new ids.
REC=$TMP/k.json
if ! "$DL" annotate --compact --fields default,text \
  examples/karlov-funeral.txt >"$REC"; then
  fail "annotate the example"
  finish
  exit 1
fi

# gen N PREFIX > FILE: N copies of $REC with ids PREFIX000001...
gen() {
  awk -v n="$1" -v p="$2" '{ for (i = 1; i <= n; i++) { l = $0;
    sub(/"id":"examples\/karlov-funeral.txt"/, sprintf("\"id\":\"%s%06d\"", p, i), l);
    print l } }' "$REC"
}

# ---- one record ---------------------------------------------------------
run one index "$TMP/one.db" "$REC"
eq "one record: exit 0" "$RC" 0
eq "one record: one article" "$(q "$TMP/one.db" 'select count(*) from articles')" 1
eq "one record: id kept" \
  "$(q "$TMP/one.db" 'select ext_id from articles')" examples/karlov-funeral.txt
check "one record: entities stored" \
  test "$(q "$TMP/one.db" 'select count(*) from article_entities')" -gt 5
eq "one record: Putin is a person" \
  "$(q "$TMP/one.db" "select type from entities where name='Vladimir Putin'")" PER
check "one record: quotes with speakers" test "$(q "$TMP/one.db" \
  'select count(*) from quotes where speaker is not null')" -gt 0
check "one record: dates" \
  test "$(q "$TMP/one.db" 'select count(*) from dates')" -gt 0
check "one record: mentions view" test "$(q "$TMP/one.db" \
  "select count(*) from mentions m join entities e on e.id = m.entity
   where e.name = 'Vladimir Putin'")" -ge 2
eq "one record: mention spans point at the name" "$(q "$TMP/one.db" \
  "select substr(a.text, m.span_start + 1, m.span_end - m.span_start)
   from mentions m join entities e on e.id = m.entity join articles a
   on a.id = m.article where e.name = 'Vladimir Putin' limit 1")" \
  "Vladimir Putin"
eq "one record: FTS finds it" "$(q "$TMP/one.db" \
  "select count(*) from articles_fts where articles_fts match 'mourners'")" 1
# Places, themes, events... are stored exactly when the record has them.
for f in places themes events; do
  n=$("$JC" "$f.#" <"$REC")
  [ "$n" = MISSING ] && n=0
  eq "one record: $f rows = the record's $f" \
    "$(q "$TMP/one.db" "select count(*) from $f")" "$n"
done
if [ "$("$JC" focus.country <"$REC")" != MISSING ]; then
  eq "one record: focus stored" "$(q "$TMP/one.db" \
    'select focus_country from articles')" "$("$JC" focus.country <"$REC")"
fi
eq "one record: integrity" "$(q "$TMP/one.db" 'pragma integrity_check')" ok
eq "one record: WAL mode" "$(q "$TMP/one.db" 'pragma journal_mode')" wal

# ---- the same again: an error without --resume, skipped with it ---------
run dup index "$TMP/one.db" "$REC"
eq "duplicate: exit 1" "$RC" 1
check "duplicate: says so" grep -q 'already in the store' "$TMP/dup.err"
eq "duplicate: still one article" \
  "$(q "$TMP/one.db" 'select count(*) from articles')" 1
run dupr index "$TMP/one.db" "$REC" --resume
eq "duplicate --resume: exit 0" "$RC" 0
eq "duplicate --resume: still one article" \
  "$(q "$TMP/one.db" 'select count(*) from articles')" 1

# ---- a raw article is annotated first; no id: keyed by content hash -----
printf '{"id":"raw1","title":"A raw one","text":"Angela Merkel met Emmanuel Macron in Berlin on Monday. \\"We agree,\\" Merkel said."}\n{"text":"No id here. Boris Johnson spoke in London."}\n' \
  >"$TMP/raw.jsonl"
run raw index "$TMP/raw.db" "$TMP/raw.jsonl"
eq "raw: exit 0" "$RC" 0
eq "raw: two articles" "$(q "$TMP/raw.db" 'select count(*) from articles')" 2
check "raw: annotated (entities)" test "$(q "$TMP/raw.db" \
  "select count(*) from article_entities ae join articles a on a.id = ae.article
   where a.ext_id = 'raw1'")" -ge 2
check "raw: no id -> content-hash key" \
  grep -q '^xxh3:' <(q "$TMP/raw.db" 'select doc_key from articles where ext_id is null')
run rawr index "$TMP/raw.db" "$TMP/raw.jsonl" --resume
eq "raw --resume: no duplicate" "$(q "$TMP/raw.db" 'select count(*) from articles')" 2

# ---- malformed lines: clear errors, the rest indexed, nothing half-done --
gen 3 ok >"$TMP/bad.jsonl"
{
  head -1 "$TMP/bad.jsonl"
  echo '{"id":"broken", "text": "unterminated'
  sed -n 2p "$TMP/bad.jsonl"
  # Valid entities, then a quotes field of the wrong type: none of it may land.
  echo '{"id":"half","text":"Zzyzx Qwerty spoke.","entities":[{"id":"e1","type":"PER","name":"Zzyzx Qwerty","mentions":[{"start":0,"end":12}],"roles":[],"salience":1}],"quotes":7}'
  echo '[1,2,3]'
  echo '{"id":"notext","title":"no text"}'
  echo '{"id":"err1","line":9,"error":{"code":"empty","message":"empty text"}}'
  echo ''
  sed -n 3p "$TMP/bad.jsonl"
} >"$TMP/mixed.jsonl"
run mixed index "$TMP/mixed.db" "$TMP/mixed.jsonl"
eq "malformed: exit 1" "$RC" 1
eq "malformed: the good articles indexed" \
  "$(q "$TMP/mixed.db" 'select group_concat(ext_id) from articles order by id')" \
  "ok000001,ok000002,ok000003"
check "malformed: invalid JSON reported with file:line" \
  grep -q 'mixed.jsonl:2: invalid JSON' "$TMP/mixed.err"
check "malformed: wrong field type reported" \
  grep -q 'mixed.jsonl:4: .*quotes' "$TMP/mixed.err"
check "malformed: not an object reported" \
  grep -q 'mixed.jsonl:5: not a JSON object' "$TMP/mixed.err"
check "malformed: no text reported" grep -q 'mixed.jsonl:6: ' "$TMP/mixed.err"
eq "malformed: no half-committed entity" "$(q "$TMP/mixed.db" \
  "select count(*) from entities where name = 'Zzyzx Qwerty'")" 0
eq "malformed: errors table (4 bad lines + 1 error record)" \
  "$(q "$TMP/mixed.db" 'select count(*) from errors')" 5
eq "malformed: error record kept with its id" "$(q "$TMP/mixed.db" \
  "select code from errors where doc_id = 'err1'")" empty
eq "malformed: integrity" "$(q "$TMP/mixed.db" 'pragma integrity_check')" ok

# ---- unreadable inputs: reported, the other files still indexed --------
# A directory stands for its files; .gz and .zst are read as such.
mkdir -p "$TMP/adir/sub"
gen 5 gz | gzip >"$TMP/adir/sub/part1.jsonl.gz"
run unread index "$TMP/unread.db" "$TMP/nonexistent.jsonl" "$TMP/adir" "$REC"
eq "unreadable: exit 1" "$RC" 1
check "unreadable: missing file named" \
  grep -q 'nonexistent.jsonl: cannot read: No such file' "$TMP/unread.err"
eq "unreadable: the readable inputs indexed (directory, .gz, file)" \
  "$(q "$TMP/unread.db" 'select count(*) from articles')" 6
gen 8 gz | gzip >"$TMP/more.jsonl.gz"
run gzr index "$TMP/unread.db" "$TMP/more.jsonl.gz" "$REC" --resume
eq "gzip input, --resume: exit 0" "$RC" 0
eq "gzip input, --resume: the 3 new articles added once" \
  "$(q "$TMP/unread.db" 'select count(*), count(distinct doc_key) from articles')" "9|9"
printf 'not gzip at all' | gzip | head -c 20 >"$TMP/trunc.jsonl.gz"
run gzt index "$TMP/unread.db" "$TMP/trunc.jsonl.gz"
eq "truncated gzip: exit 1" "$RC" 1
check "truncated gzip: reported" grep -q 'trunc.jsonl.gz' "$TMP/gzt.err"
run nodb search "$TMP/nope.db" putin
eq "search: missing store: exit 1" "$RC" 1
run usage index
eq "index without DB: usage error" "$RC" 2
run usage2 search "$TMP/one.db" --limit x
eq "search --limit x: usage error" "$RC" 2

# ---- search ---------------------------------------------------------------
gen 40 s >"$TMP/s.jsonl"
# Give ten articles a distinct word, date and title so filters can tell.
# Themes, countries and lengths vary too, for the facets and the ranking.
awk 'NR <= 10 { sub(/"date":"2016-12-22"/, "\"date\":\"2017-03-0" (NR % 9 + 1) "\""); sub(/mourners/, "quokkas") }
  NR >= 5 && NR <= 15 { gsub(/"name":"Kremlin"/, "\"name\":\"Kremlyn\"") }
  NR >= 8 && NR <= 25 { sub(/"theme":"FUNERAL"/, "\"theme\":\"XFUNERAL\"") }
  NR % 4 == 0 { gsub(/"country":"RU"/, "\"country\":\"UA\"") }
  NR % 3 == 0 { sub(/"text":"/, "\"text\":\"Crowds and more crowds at a funeral, said officials. ") }
  { print }' \
  "$TMP/s.jsonl" >"$TMP/s2.jsonl"
run sidx index "$TMP/s.db" "$TMP/s2.jsonl"
eq "search store: exit 0" "$RC" 0
run s1 search "$TMP/s.db" quokkas --json --limit 100
eq "search: word found in its 10 articles" "$(wc -l <"$TMP/s1.out" | tr -d ' ')" 10
check "search: JSON lines valid" "$JC" -l <"$TMP/s1.out"
check "search: snippet highlights" grep -q '<b>quokkas</b>' "$TMP/s1.out"
check "search: score present" grep -q '"score":[0-9]' "$TMP/s1.out"
run s2 search "$TMP/s.db" mourners --person putin --json --limit 100
eq "search: --person (last name, any case)" "$(wc -l <"$TMP/s2.out" | tr -d ' ')" 30
run s3 search "$TMP/s.db" mourners --person "Nobody Known" --json
eq "search: unknown person, no results, exit 0" "$RC:$(wc -c <"$TMP/s3.out" | tr -d ' ')" "0:0"
run s4 search "$TMP/s.db" --from 2017-01-01 --to 2017-03-05 --json --limit 100
eq "search: date range only" "$(wc -l <"$TMP/s4.out" | tr -d ' ')" 6
run s5 search "$TMP/s.db" funeral --to 2016-12-22 --json --limit 100
eq "search: --to is inclusive" "$(wc -l <"$TMP/s5.out" | tr -d ' ')" 30
run s6 search "$TMP/s.db" 'U.S.-Turkey "relations' --json
eq "search: query that is not FTS5 syntax is searched as words" "$RC" 0
run s7 search "$TMP/s.db" --quote-by putin --json --limit 100
eq "search: --quote-by" "$(wc -l <"$TMP/s7.out" | tr -d ' ')" \
  "$(q "$TMP/s.db" "select count(distinct q.article) from quotes q join entities e on e.id = q.speaker where e.name like '%Putin'")"
run s8 search "$TMP/s.db" quokkas --org Kremlin --place Moscow --json --limit 100
eq "search: --org and --place together" "$(wc -l <"$TMP/s8.out" | tr -d ' ')" \
  "$(q "$TMP/s.db" "select count(*) from articles a where a.text like '%quokkas%'
     and exists (select 1 from article_entities ae join entities e on e.id = ae.entity where ae.article = a.id and e.name = 'Kremlin' and e.type = 'ORG')
     and exists (select 1 from article_entities ae join entities e on e.id = ae.entity where ae.article = a.id and e.name = 'Moscow')")"

# Every plan gives the same results, scores included: sets from the facets
# table or from SQL over the tables, ranking by dl_topk (lengths from
# fts_lengths) or by FTS5's bm25(), a small set looked up by id or a large
# one filtering the walk of articles(date).
plans_agree() {
  local a b c d
  a=$(DATELINE_SEARCH_SET_MAX=100000 "$DL" search "$TMP/s.db" "$@" --json --limit 100)
  b=$(DATELINE_SEARCH_SET_MAX=15 "$DL" search "$TMP/s.db" "$@" --json --limit 100)
  c=$(DATELINE_SEARCH_SET_MAX=1 "$DL" search "$TMP/s.db" "$@" --json --limit 100)
  d=$(DATELINE_SEARCH_NO_FACETS=1 "$DL" search "$TMP/s.db" "$@" --json --limit 100)
  [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" = "$c" ] && [ "$a" = "$d" ]
}
check "search plans agree: word + person + dates" plans_agree mourners --person putin --from 2016-12-22 --to 2016-12-22
check "search plans agree: word + org + place" plans_agree quokkas --org Kremlin --place Moscow
check "search plans agree: no word, quote-by + dates" plans_agree --quote-by putin --to 2017-03-04
check "search plans agree: word + country" plans_agree funeral --country RU --person Putin
check "search plans agree: theme x country (facets)" plans_agree --theme FUNERAL --country ru
check "search plans agree: word + theme" plans_agree mourners --theme XFUNERAL
check "search plans agree: word + country + dates" plans_agree funeral --country UA --from 2016-12-22 --to 2017-03-04
check "search plans agree: ranking only (dl_topk = bm25)" plans_agree mourners
check "search plans agree: phrase ranking" plans_agree '"more crowds"'
check "search plans agree: two words (an IDF pass per phrase)" plans_agree 'crowds mourners' --country RU
check "search plans agree: OR, no filter" plans_agree 'crowds OR quokkas'
eq "search: --theme finds its articles" \
  "$("$DL" search "$TMP/s.db" --theme XFUNERAL --json --limit 100 | wc -l | tr -d ' ')" 18
eq "search: --country (places or focus)" \
  "$("$DL" search "$TMP/s.db" --country ua --json --limit 100 | wc -l | tr -d ' ')" 10
eq "search: ranked scores are bm25(articles_fts, 4, 1)" \
  "$("$DL" search "$TMP/s.db" mourners --json --limit 3 | grep -o '"score":[0-9.]*' | cut -d: -f2 | tr '\n' ' ')" \
  "$(q "$TMP/s.db" "select printf('%.4f', -bm25(articles_fts, 4.0, 1.0)) from articles_fts
     where articles_fts match 'mourners' order by bm25(articles_fts, 4.0, 1.0), rowid limit 3" | tr '\n' ' ')"

# Facets agree with the tables they come from (used after kills too).
facets_ok() { # DB
  local want got
  want=$(q "$1" "select (select count(*) from articles where date is not null),
    (select count(*) from (select article, country from places where country is not null
       union select id, focus_country from articles where focus_country is not null)),
    (select count(*) from themes), (select max(id) / 4096 + 1 from articles)")
  got=$(q "$1" "select (select coalesce(sum(n), 0) from facets where kind = 'day'),
    (select coalesce(sum(n), 0) from facets where kind = 'country'),
    (select coalesce(sum(n), 0) from facets where kind = 'theme'),
    (select count(*) from fts_lengths where length(tokens) = 16384)")
  [ "$want" = "$got" ] || { echo "facets: want $want, got $got" >&2; return 1; }
}
check "facets: counts match the tables" facets_ok "$TMP/s.db"
check "facets: merged into existing chunks by a later run (not a bulk load)" facets_ok "$TMP/unread.db"
# A store without facets (an older one) gets them at the next index run.
cp "$TMP/s.db" "$TMP/bf.db"
q "$TMP/bf.db" "delete from facets; delete from fts_lengths; delete from meta where key = 'facets'"
: >"$TMP/empty.jsonl"
run bfill index "$TMP/bf.db" "$TMP/empty.jsonl"
eq "facets backfill: exit 0" "$RC" 0
fq="select kind, value, chunk, n, hex(ids) from facets order by 1, 2, 3; select chunk, hex(tokens) from fts_lengths order by 1"
eq "facets backfill: the same facets and lengths as written by index" \
  "$(q "$TMP/bf.db" "$fq" | md5sum)" "$(q "$TMP/s.db" "$fq" | md5sum)"

# Kremlin (29 articles) and the 2017 dates (10): neither alone is under 8,
# their intersection (4) is.
planz() { DATELINE_SEARCH_SET_MAX=$1 "$DL" search "$TMP/s.db" --org Kremlin --from 2017-01-01 --json | sort; }
eq "search: intersection of two large filters" "$(planz 8 | wc -l | tr -d ' ')" 4
check "search plans agree: intersection drives" sh -c '[ "$1" = "$2" ] && [ "$1" = "$3" ]' _ \
  "$(planz 100000)" "$(planz 8)" "$(planz 1)"

# ---- report ---------------------------------------------------------------
run rep report "$TMP/s.db" -o "$TMP/r.html"
eq "report: exit 0" "$RC" 0
check "report: a page" grep -q '^<!DOCTYPE html>' "$TMP/r.html"
check "report: the d3 bundle inlined" grep -q 'forceSimulation' "$TMP/r.html"
check "report: the world map inlined" grep -q '"countries":{"type":"GeometryCollection"' "$TMP/r.html"
check "report: nothing fetched from the network" \
  sh -c "! grep -Eq '<(script|link|img)[^>]+(src|href)=' '$TMP/r.html'"
check "report: top people from the store" grep -q '"people":\[\["Vladimir Putin",40,' "$TMP/r.html"
check "report: timeline from the store" grep -q '\["2016-12-22",30\]' "$TMP/r.html"
check "report: no temporary file left" sh -c "! ls '$TMP'/r.html.tmp 2>/dev/null"
run rep2 report "$TMP/s.db" -o "$TMP/nodir/r.html"
eq "report: unwritable output: exit 1" "$RC" 1
run rep3 report "$TMP/nope.db" -o "$TMP/r3.html"
eq "report: missing store: exit 1" "$RC" 1

# ---- full disk: a file-size limit makes a write fail mid-batch ---------
gen 1500 fd >"$TMP/fd.jsonl"
(
  ulimit -f 3000 # 3 MB: a few hundred articles fit
  "$DL" index "$TMP/fd.db" "$TMP/fd.jsonl" --batch 50 >"$TMP/fd.out" 2>"$TMP/fd.err"
  echo $? >"$TMP/fd.rc"
)
eq "full disk: exit 1" "$(cat "$TMP/fd.rc")" 1
check "full disk: clear error" grep -q 'fd.db: .*\(disk\|full\|file-size\).*rolled back' "$TMP/fd.err"
eq "full disk: integrity" "$(q "$TMP/fd.db" 'pragma integrity_check')" ok
fdn=$(grep -o '[0-9]* articles of this run are committed' "$TMP/fd.err" | awk '{print $1}')
eq "full disk: exactly the committed articles are there" \
  "$(q "$TMP/fd.db" 'select count(*) from articles')" "${fdn:-?}"
check "full disk: stopped part-way" test "${fdn:-0}" -lt 1500
# A bulk load into an empty store defers its secondary indexes to the end
# of the run: interrupted, they are pending, and searches still answer.
eq "full disk: indexes pending" \
  "$(q "$TMP/fd.db" "select value from meta where key = 'indexes'")" pending
run fds search "$TMP/fd.db" --person Putin --json --limit 5000
eq "full disk: search works on pending indexes" "$(wc -l <"$TMP/fds.out" | tr -d ' ')" "${fdn:-?}"
check "full disk: search says the indexes are pending" grep -q 'not built' "$TMP/fds.err"
# The FTS index of a first bulk load is built on a second core into a side
# file and copied in at the end: until then words match nothing, and
# search says so.
eq "full disk: the FTS index is in its side file" \
  "$(q "$TMP/fd.db" "select value from meta where key = 'fts'")" side
run fdw search "$TMP/fd.db" mourners --json
check "full disk: search says the full-text index is pending" \
  grep -q 'full-text index .* not built' "$TMP/fdw.err"
# A side file that is not a database (derived data) is rebuilt from the
# committed articles.
check "full disk: the side file is there" test -f "$TMP/fd.db.fts-build"
rm -f "$TMP/fd.db.fts-build-wal" "$TMP/fd.db.fts-build-shm"
head -c 20000 "$TMP/fd.jsonl" >"$TMP/fd.db.fts-build"
run fdr index "$TMP/fd.db" "$TMP/fd.jsonl" --resume
eq "full disk, then --resume with room: exit 0" "$RC" 0
eq "full disk, then --resume: all articles once" \
  "$(q "$TMP/fd.db" 'select count(*), count(distinct ext_id) from articles')" "1500|1500"
check "full disk, then --resume: facets match the tables" facets_ok "$TMP/fd.db"
eq "full disk, then --resume: no orphan rows" "$(q "$TMP/fd.db" \
  'select count(*) from article_entities where article not in (select id from articles)')" 0
eq "full disk, then --resume: words match every article" \
  "$(q "$TMP/fd.db" "select count(*) from articles_fts where articles_fts match 'mourners'")" 1500
eq "full disk, then --resume: FTS consistent" "$(q "$TMP/fd.db" \
  "insert into articles_fts(articles_fts, rank) values('integrity-check', 1); select 'ok'")" ok
check "full disk, then --resume: no side file left" \
  sh -c "! ls '$TMP'/fd.db.fts-build* 2>/dev/null"
eq "full disk, then --resume: indexes built" "$(q "$TMP/fd.db" \
  "select value from meta where key = 'indexes'; select count(*) from sqlite_master where name = 'article_entities_entity'")" "ready
1"

# ---- a first load's FTS index: built in the side file, copied -----------
# The side file merges a level of 8 segments, not 4 (automerge 8, checked
# on the side file a kill leaves, below); main's articles_fts keeps
# FTS5's default. Whatever the segments, every query
# answers as over the index main writes directly (DATELINE_INDEX_NO_SIDE),
# scores and snippets included. The copy runs in rollback-journal mode
# when nothing else has the store open, and leaves it in WAL mode.
gen 600 mg | awk 'NR % 3 == 0 { sub(/"text":"/, "\"text\":\"Crowds and more crowds at a funeral. ") } { print }' >"$TMP/mg.jsonl"
DATELINE_INDEX_FTS_COMMIT=50 run mg index "$TMP/mg.db" "$TMP/mg.jsonl" --batch 50
eq "side load: exit 0" "$RC" 0
DATELINE_INDEX_NO_SIDE=1 run mg3 index "$TMP/mg3.db" "$TMP/mg.jsonl" --batch 50
eq "direct load: exit 0" "$RC" 0
eq "side load: main's articles_fts keeps FTS5's automerge" \
  "$(q "$TMP/mg.db" "select count(*) from articles_fts_config where k = 'automerge'")" 0
eq "side load: FTS consistent" "$(q "$TMP/mg.db" \
  "insert into articles_fts(articles_fts, rank) values('integrity-check', 1); select 'ok'")" ok
eq "side load: back in WAL mode after the copy" "$(q "$TMP/mg.db" 'pragma journal_mode')" wal
eq "side load: no side file left" "$(ls "$TMP/mg.db".fts-build* 2>/dev/null | wc -l | tr -d ' ')" 0
for qq in mourners '"more crowds"' 'crowds OR funeral' 'crowd*'; do
  eq "side load: '$qq' answers as over the direct index (scores, snippets)" \
    "$("$DL" search "$TMP/mg.db" "$qq" --json --limit 1000 | md5sum)" \
    "$("$DL" search "$TMP/mg3.db" "$qq" --json --limit 1000 | md5sum)"
done

# A reader with the store open at the end of a first load (the store is
# empty after the first run: the second is a side load): the journal mode
# cannot change under it, so the copy goes through the WAL.
: >"$TMP/rd.jsonl"
run rd0 index "$TMP/rd.db" "$TMP/rd.jsonl"
"$SQ" "$TMP/rd.db" "select count(*) from articles" --hold "$TMP/rd.go" >/dev/null &
hold=$!
gen 300 rd >"$TMP/rd.jsonl"
run rd index "$TMP/rd.db" "$TMP/rd.jsonl"
touch "$TMP/rd.go"
wait "$hold"
eq "a reader open at the copy: exit 0" "$RC" 0
eq "a reader open at the copy: words match every article, FTS consistent, WAL" "$(q "$TMP/rd.db" \
  "select count(*) from articles_fts where articles_fts match 'mourners';
   insert into articles_fts(articles_fts, rank) values('integrity-check', 1);
   pragma journal_mode")" "300
wal"

# A kill -9 in the copy (the test hook kills just before its COMMIT, with a
# page cache so small that the copy's pages are in the file already): the
# hot journal is rolled back by the next reader (search opens the store
# read-write for that first) or writer.
gen 1500 kc >"$TMP/kc.jsonl"
{ DATELINE_INDEX_TEST_KILL_COPY=1 "$DL" index "$TMP/kc.db" "$TMP/kc.jsonl" >/dev/null 2>&1; } 2>/dev/null
eq "kill in the copy: killed" "$?" 137
check "kill in the copy: a hot journal left" test -s "$TMP/kc.db-journal"
run kcs search "$TMP/kc.db" --person putin --json --limit 5000
eq "kill in the copy: search answers filters" "$RC:$(wc -l <"$TMP/kcs.out" | tr -d ' ')" "0:1500"
check "kill in the copy: journal rolled back" test ! -e "$TMP/kc.db-journal"
eq "kill in the copy: integrity" "$(q "$TMP/kc.db" 'pragma integrity_check')" ok
eq "kill in the copy: every article, the FTS index still in its side file" \
  "$(q "$TMP/kc.db" "select count(*) from articles; select value from meta where key = 'fts'; select count(*) from articles_fts_docsize")" "1500
side
0"
eq "kill in the copy: the side file's index has automerge 8" \
  "$(q "$TMP/kc.db.fts-build" "select v from articles_fts_config where k = 'automerge'")" 8
run kcr index "$TMP/kc.db" "$TMP/kc.jsonl" --resume
eq "kill in the copy, then --resume: exit 0" "$RC" 0
eq "kill in the copy, then --resume: FTS consistent" "$(q "$TMP/kc.db" \
  "insert into articles_fts(articles_fts, rank) values('integrity-check', 1); select 'ok'")" ok
eq "kill in the copy, then --resume: words match every article, WAL mode" "$(q "$TMP/kc.db" \
  "select count(*) from articles_fts where articles_fts match 'mourners'; pragma journal_mode")" "1500
wal"
check "kill in the copy, then --resume: no side file left" \
  sh -c "! ls '$TMP'/kc.db.fts-build* 2>/dev/null"

# ---- one first load at a time -------------------------------------------
# A first load holds flock() on the store: a second one, which would write
# into the same side file, stops with a clear message (flock(1) holds the
# lock while index runs: no race).
if command -v flock >/dev/null; then
  : >"$TMP/lk.db"
  flock "$TMP/lk.db" "$DL" index "$TMP/lk.db" "$REC" >/dev/null 2>"$TMP/lk.err"
  eq "a second first load: exit 1" "$?" 1
  check "a second first load: says why" \
    grep -q "another 'dateline index' is loading this store" "$TMP/lk.err"
  run lk2 index "$TMP/lk.db" "$REC"
  eq "then the load goes on: exit 0" "$RC" 0
  eq "then the load goes on: the article, its FTS row" "$(q "$TMP/lk.db" \
    "select count(*) from articles; select count(*) from articles_fts where articles_fts match 'mourners'")" "1
1"
else
  fail "one first load at a time: flock(1) missing (util-linux, tools/install-deps.sh)"
fi

# ---- kill -9 at random moments, then --resume --------------------------
gen 3000 kk >"$TMP/kill.jsonl"
prev=0
for round in 1 2 3 4; do
  # The FTS worker commits its side file every 100 articles here (20,000
  # by default), so kills land between its commits too.
  DATELINE_INDEX_FTS_COMMIT=100 \
    "$DL" index "$TMP/kill.db" "$TMP/kill.jsonl" --resume --batch 40 --verbose \
    2>"$TMP/kill$round.err" &
  pid=$!
  sleep "0.$((RANDOM % 8 + 2))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  c=$(grep -o 'committed [0-9]*' "$TMP/kill$round.err" | tail -1 | awk '{print $2}')
  n=$(q "$TMP/kill.db" 'select count(*) from articles')
  eq "kill -9 round $round: integrity" "$(q "$TMP/kill.db" 'pragma integrity_check')" ok
  check "kill -9 round $round: every committed article is there ($n >= $prev + ${c:-0})" \
    test "$n" -ge $((prev + ${c:-0}))
  eq "kill -9 round $round: the articles are lines 1..$n, once each" \
    "$(q "$TMP/kill.db" 'select count(distinct ext_id), max(ext_id) from articles')" \
    "$n|$(printf 'kk%06d' "$n")"
  eq "kill -9 round $round: no rows of uncommitted articles" "$(q "$TMP/kill.db" \
    'select count(*) from article_entities where article not in (select id from articles)')" 0
  check "kill -9 round $round: facets match the committed articles" facets_ok "$TMP/kill.db"
  prev=$n
done
run killr index "$TMP/kill.db" "$TMP/kill.jsonl" --resume
eq "kill -9, then --resume: exit 0" "$RC" 0
eq "kill -9, then --resume: all 3000 articles once" \
  "$(q "$TMP/kill.db" 'select count(*), count(distinct ext_id) from articles')" "3000|3000"
eq "kill -9, then --resume: integrity" "$(q "$TMP/kill.db" 'pragma integrity_check')" ok
eq "kill -9, then --resume: indexes built" "$(q "$TMP/kill.db" \
  "select count(*) from sqlite_master where type = 'index' and sql is not null")" 10
eq "kill -9, then --resume: FTS consistent" "$(q "$TMP/kill.db" \
  "insert into articles_fts(articles_fts, rank) values('integrity-check', 1); select 'ok'")" ok
eq "kill -9, then --resume: FTS finds all" "$(q "$TMP/kill.db" \
  "select count(*) from articles_fts where articles_fts match 'mourners'")" 3000
check "kill -9, then --resume: facets match the tables" facets_ok "$TMP/kill.db"
eq "kill -9, then --resume: one entity row per (name, type)" "$(q "$TMP/kill.db" \
  "select count(*) from (select 1 from entities group by name, type having count(*) > 1)")" 0
eq "kill -9, then --resume: ranking from fts_lengths = bm25()" \
  "$("$DL" search "$TMP/kill.db" mourners --json --limit 3000 | md5sum)" \
  "$(DATELINE_SEARCH_NO_FACETS=1 "$DL" search "$TMP/kill.db" mourners --json --limit 3000 | md5sum)"

# ---- an incremental load writes what one bulk load writes ----------------
# The first run is a bulk load (indexes deferred, FTS on its side thread);
# the second finds the indexes in place and writes articles_fts directly.
dump() { # DB: every table's rows in key order, and FTS counts
  local t
  for t in "articles order by id" "entities order by id" \
    "article_entities order by article, local_id" \
    "roles order by article, role_no" "quotes order by article, quote_no" \
    "dates order by article, date_no" "places order by article, place_no" \
    "events order by article, event_no" "themes order by article, theme" \
    "stories order by id"; do
    q "$1" "select * from $t"
  done
  q "$1" "select kind, value, chunk, n, hex(ids) from facets order by 1, 2, 3"
  q "$1" "select chunk, hex(tokens) from fts_lengths order by chunk"
  q "$1" "select count(*) from articles_fts where articles_fts match 'mourners'"
  q "$1" "select count(*) from articles_fts where articles_fts match 'quokkas OR crowds'"
}
head -20 "$TMP/s2.jsonl" >"$TMP/inc-a.jsonl"
tail -n +21 "$TMP/s2.jsonl" >"$TMP/inc-b.jsonl"
run inc1 index "$TMP/inc1.db" "$TMP/s2.jsonl"
run inc2a index "$TMP/inc2.db" "$TMP/inc-a.jsonl"
run inc2b index "$TMP/inc2.db" "$TMP/inc-b.jsonl"
eq "incremental load: exit 0" "$RC" 0
eq "incremental load: the second run found the indexes built" \
  "$(q "$TMP/inc2.db" "select value from meta where key = 'indexes'")" ready
dump "$TMP/inc1.db" >"$TMP/inc1.dump"
dump "$TMP/inc2.db" >"$TMP/inc2.dump"
check "incremental load: dumps not empty" test "$(wc -l <"$TMP/inc1.dump")" -gt 400
check "incremental load: every table as one bulk load writes it" \
  cmp -s "$TMP/inc1.dump" "$TMP/inc2.dump"

finish
