#!/bin/bash
# corpus.sh -- the corpus commands: annotate over directories and gzip /
# zstd files in input order, -o/--resume, write errors (file-size limit),
# progress only on request/terminal; dedup and stories (below).
. tests/cli/lib.sh

gen() { # gen N PREFIX -> JSONL of N short articles
  awk -v n="$1" -v p="$2" 'BEGIN {
    split("Anna Karlov|Peter Smith|Maria Lopez|John Brown", who, "|")
    split("Prague|London|Paris|Berlin|Madrid", where, "|")
    for (i = 1; i <= n; i++)
      printf "{\"id\":\"%s%d\",\"text\":\"%s said in %s on Monday that %d people came.\"}\n",
        p, i, who[i % 4 + 1], where[i % 5 + 1], i
  }'
}
gen 300 a > "$TMP/a.jsonl"
gen 200 b > "$TMP/b.jsonl"
mkdir -p "$TMP/dir/sub" "$TMP/dir/.hidden"
gzip -c "$TMP/a.jsonl" > "$TMP/dir/1.jsonl.gz"
if command -v zstd >/dev/null; then
  zstd -q -c "$TMP/b.jsonl" > "$TMP/dir/sub/2.jsonl.zst"
else
  cp "$TMP/b.jsonl" "$TMP/dir/sub/2.jsonl.zst" # still read (sniffed)
fi
cp "$TMP/a.jsonl" "$TMP/dir/.hidden/x.jsonl"
printf 'Officials in London said on Monday that people met.\n' > "$TMP/dir/z.txt"

"$DL" annotate --fields id "$TMP/a.jsonl" "$TMP/b.jsonl" > "$TMP/plain.out"
"$DL" annotate --fields id "$TMP/dir" > "$TMP/dir.out"; rc=$?
check "directory: exit 0" [ $rc = 0 ]
check "directory: .gz then sub/.zst then .txt, hidden skipped, in order" \
  sh -c "head -n 500 '$TMP/dir.out' | cmp -s - '$TMP/plain.out' && \
         [ \$(wc -l < '$TMP/dir.out') = 501 ] && \
         tail -n 1 '$TMP/dir.out' | grep -q z.txt"
"$DL" annotate --fields id --threads 2 "$TMP/dir" > "$TMP/dir2.out"
check "directory --threads 2: byte-identical" cmp -s "$TMP/dir.out" "$TMP/dir2.out"
gzip -c "$TMP/a.jsonl" | "$DL" annotate --fields id > "$TMP/gzstdin.out"
check "gzip on stdin, detected by content" \
  sh -c "head -n 300 '$TMP/plain.out' | cmp -s - '$TMP/gzstdin.out'"
cat "$TMP/a.jsonl" | "$DL" annotate --fields id --threads 2 > "$TMP/pipe.out"
check "plain pipe on stdin (sniffed, replayed)" \
  sh -c "head -n 300 '$TMP/plain.out' | cmp -s - '$TMP/pipe.out'"

# A truncated compressed file: the lines before the cut, then an error.
gzip -c "$TMP/a.jsonl" | head -c 1500 > "$TMP/cut.jsonl.gz"
"$DL" annotate --fields id "$TMP/cut.jsonl.gz" > "$TMP/cut.out" 2> "$TMP/cut.err"; rc=$?
check "truncated .gz: exit 1 and a read error" \
  sh -c "[ $rc = 1 ] && grep -q 'truncated gzip' '$TMP/cut.err'"
check "truncated .gz: whole lines before the cut still annotated" \
  sh -c "[ \$(grep -c '^{\"id\":\"a' '$TMP/cut.out') -gt 10 ]"
printf '\x1f\x8bgarbage-not-deflate' > "$TMP/bad.gz"
"$DL" annotate "$TMP/bad.gz" > /dev/null 2> "$TMP/bad.err"; rc=$?
check "corrupt .gz: exit 1, clear error" \
  sh -c "[ $rc = 1 ] && grep -q 'bad.gz' '$TMP/bad.err'"

# -o and --resume: a run cut short (here: a half-written last line, as a
# kill leaves it) completes with no duplicate and no loss.
"$DL" annotate --fields id -o "$TMP/full.out" "$TMP/dir"
check "-o FILE: same as stdout" cmp -s "$TMP/full.out" "$TMP/dir.out"
head -c 4000 "$TMP/full.out" > "$TMP/res.out"
"$DL" annotate --fields id --threads 2 -o "$TMP/res.out" --resume "$TMP/dir" 2> "$TMP/res.err"; rc=$?
check "--resume: exit 0, says what it skipped" \
  sh -c "[ $rc = 0 ] && grep -q 'already done' '$TMP/res.err'"
check "--resume: completes to exactly the full output" cmp -s "$TMP/res.out" "$TMP/full.out"
"$DL" annotate --fields id -o "$TMP/res.out" --resume "$TMP/dir" 2>/dev/null
check "--resume on a finished output: nothing added" cmp -s "$TMP/res.out" "$TMP/full.out"
"$DL" annotate --resume "$TMP/a.jsonl" > /dev/null 2>&1; rc=$?
check "--resume without -o: usage error (2)" [ $rc = 2 ]

# A full disk, simulated by a file-size limit: a clear error, exit 1, and
# no SIGXFSZ death; --resume then finishes the file.
(ulimit -f 8; exec "$DL" annotate --fields id,entities -o "$TMP/lim.out" "$TMP/a.jsonl") 2> "$TMP/lim.err"; rc=$?
check "file-size limit: exit 1 with 'writing output'" \
  sh -c "[ $rc = 1 ] && grep -q 'writing output: File too large' '$TMP/lim.err'"
"$DL" annotate --fields id,entities -o "$TMP/lim.out" --resume "$TMP/a.jsonl" 2>/dev/null
"$DL" annotate --fields id,entities "$TMP/a.jsonl" > "$TMP/lim.want"
check "file-size limit then --resume: complete, no duplicates" cmp -s "$TMP/lim.out" "$TMP/lim.want"

# Progress: never on a pipe unless asked; when asked, on stderr only.
"$DL" annotate --fields id "$TMP/a.jsonl" 2> "$TMP/np.err" > /dev/null
check "progress: silent when stderr is not a terminal" [ ! -s "$TMP/np.err" ]
DATELINE_PROGRESS=1 "$DL" annotate --fields id "$TMP/a.jsonl" 2> "$TMP/p.err" > "$TMP/p.out"
check "progress forced: docs count on stderr, stdout unchanged" \
  sh -c "grep -q '300 docs' '$TMP/p.err' && head -n 300 '$TMP/plain.out' | cmp -s - '$TMP/p.out'"

# ---- dedup ----------------------------------------------------------------
# 40 articles of random words; then copies of the first 10 (exact, with a
# header, the first 70%, with a footer), a bad line and a line without text.
awk 'BEGIN { srand(5)
  for (d = 1; d <= 40; d++) {
    s = ""; for (i = 0; i < 200; i++) s = s "w" int(rand() * 3000) " "
    doc[d] = s
    printf "{\"id\":\"o%d\",\"text\":\"%s\"}\n", d, s
  }
  for (d = 1; d <= 10; d++) {
    k = d % 4
    if (k == 0) t = doc[d]
    if (k == 1) t = "By John Smith, Reuters | Published Monday. " doc[d]
    if (k == 2) t = substr(doc[d], 1, int(length(doc[d]) * 0.7))
    if (k == 3) t = doc[d] " Copyright 2024 Reuters. All rights reserved."
    printf "{\"id\":\"c%d\",\"text\":\"%s\",\"extra\":[1,2]}\n", d, t
  }
  print "not json"
  print "{\"id\":\"nt\",\"title\":\"no text\"}"
}' > "$TMP/dd.jsonl"
"$DL" dedup "$TMP/dd.jsonl" > "$TMP/dd.out" 2> "$TMP/dd.err"; rc=$?
check "dedup: exit 1 (two bad lines), one output line per input line" \
  sh -c "[ $rc = 1 ] && [ \$(wc -l < '$TMP/dd.out') = 52 ]"
check "dedup: originals are not duplicates" \
  sh -c "[ \$(grep '\"id\":\"o' '$TMP/dd.out' | grep -c '\"dup_of\":null') = 40 ]"
ok=0
for d in 1 2 3 4 5 6 7 8 9 10; do
  grep -q "\"id\":\"c$d\".*\"dup_of\":\"o$d\",\"cluster\":$d," "$TMP/dd.out" && ok=$((ok + 1))
done
check "dedup: every copy (exact, header, footer, truncated) -> its original, same cluster ($ok/10)" [ $ok = 10 ]
check "dedup: input fields kept, line spliced" grep -q '"extra":\[1,2\],"dup_of"' "$TMP/dd.out"
check "dedup: error records in place" \
  sh -c "sed -n 51p '$TMP/dd.out' | grep -q '\"line\":51,\"error\"' && sed -n 52p '$TMP/dd.out' | grep -q '\"id\":\"nt\"'"
"$DL" dedup --drop "$TMP/dd.jsonl" 2>/dev/null | grep -c '"dup_of"' > "$TMP/drop.n"
check "dedup --drop: the 40 originals only" [ "$(cat "$TMP/drop.n")" = 40 ]
gzip -c "$TMP/dd.jsonl" | "$DL" dedup --brief 2>/dev/null > "$TMP/ddb.out"
check "dedup --brief over gzip stdin: id, dup_of, cluster only" \
  grep -qx '{"id":"c5","dup_of":"o5","cluster":5,"dup_score":[0-9.]*}' "$TMP/ddb.out"
"$DL" dedup --threshold 0.999 --brief "$TMP/dd.jsonl" 2>/dev/null > "$TMP/ddt.out"
check "dedup --threshold 0.999: the truncated copy is no longer a duplicate" \
  grep -q '"id":"c2","dup_of":null' "$TMP/ddt.out"
"$DL" dedup --threshold 2 "$TMP/dd.jsonl" > /dev/null 2>&1; rc=$?
check "dedup --threshold 2: usage error" [ $rc = 2 ]
"$DL" dedup "$TMP/nope.jsonl" > "$TMP/nope.out" 2>/dev/null; rc=$?
check "dedup on a missing file: exit 1, io error record" \
  sh -c "[ $rc = 1 ] && grep -q '\"code\":\"io\"' '$TMP/nope.out'"
(ulimit -f 4; exec "$DL" dedup -o "$TMP/ddlim.out" "$TMP/dd.jsonl") 2> "$TMP/ddlim.err"; rc=$?
check "dedup with a file-size limit: exit 1, 'writing output'" \
  sh -c "[ $rc = 1 ] && grep -q 'writing output' '$TMP/ddlim.err'"

# ---- stories --------------------------------------------------------------
rec() { # rec ID DATE "ENT1|ENT2" PLACE TITLE
  local ents="" e
  IFS='|' read -ra E <<< "$3"
  for e in "${E[@]}"; do
    ents="$ents${ents:+,}{\"name\":\"$e\",\"type\":\"PER\",\"salience\":0.9}"
  done
  printf '{"id":"%s","date":"%s","title":"%s","entities":[%s],"places":[{"name":"%s","confidence":0.9}],"dates":[]}\n' \
    "$1" "$2" "$5" "$ents" "$4"
}
{
  rec k1 2016-12-19 "Andrei Karlov|Vladimir Putin" Ankara "Russian ambassador shot in Ankara gallery"
  rec b1 2016-12-19 "Anis Amri|Angela Merkel" Berlin "Truck attack on Berlin Christmas market"
  rec k2 2016-12-20 "Andrei Karlov|Recep Erdogan" Ankara "Ambassador killing: Ankara police investigation"
  echo 'not json'
  rec b2 2016-12-20 "Anis Amri" Berlin "Manhunt for Berlin market attack suspect"
  rec k3 2016-12-22 "Andrei Karlov|Vladimir Putin" Moscow "Moscow funeral for murdered ambassador"
  rec k4 2017-02-10 "Andrei Karlov|Vladimir Putin" Ankara "Ambassador memorial in Ankara"
} > "$TMP/st.jsonl"
"$DL" stories --brief "$TMP/st.jsonl" > "$TMP/st.out" 2> "$TMP/st.err"; rc=$?
sid() { grep "\"id\":\"$1\"" "$TMP/st.out" | grep -o '"story":{"id":"s[0-9]*"' ; }
check "stories: exit 1 for the bad line, one output line per input line" \
  sh -c "[ $rc = 1 ] && [ \$(wc -l < '$TMP/st.out') = 7 ]"
check "stories: Karlov articles in one story, Berlin in another" \
  sh -c "[ '$(sid k1)' = '$(sid k2)' ] && [ '$(sid k1)' = '$(sid k3)' ] && \
         [ '$(sid b1)' = '$(sid b2)' ] && [ '$(sid k1)' != '$(sid b1)' ]"
check "stories: the same names seven weeks later are a new story" \
  [ "$(sid k4)" != "$(sid k1)" ]
check "stories: label with top entities, place and first date" \
  grep -q '"id":"k3".*"label":"Andrei Karlov, Vladimir Putin.*| Ankara | 2016-12-19"' "$TMP/st.out"
"$DL" stories --window 90 --brief "$TMP/st.jsonl" 2>/dev/null > "$TMP/stw.out"
check "stories --window 90: the memorial joins the first story" \
  sh -c "[ \"\$(grep '\"id\":\"k4\"' '$TMP/stw.out' | grep -o '\"story\":{\"id\":\"s[0-9]*\"')\" = \
          \"\$(grep '\"id\":\"k1\"' '$TMP/stw.out' | grep -o '\"story\":{\"id\":\"s[0-9]*\"')\" ]"
grep -v 'not json' "$TMP/st.jsonl" | "$DL" stories > "$TMP/stf.out" 2>/dev/null; rc=$?
check "stories: whole records kept, story spliced in, exit 0" \
  sh -c "[ $rc = 0 ] && grep -q '\"dates\":\[\],\"story\":{\"id\":\"s1\",\"label\"' '$TMP/stf.out'"
printf '{"id":"r1","date":"2016-12-19","text":"Russian ambassador Andrei Karlov was shot dead in Ankara on Monday, officials said."}\n{"id":"r2","date":"2016-12-20","text":"Turkish police questioned six people over the killing of Andrei Karlov in Ankara."}\n' > "$TMP/raw.jsonl"
"$DL" stories --brief "$TMP/raw.jsonl" > "$TMP/raw.out" 2>/dev/null; rc=$?
check "stories over raw articles (annotated first): one story" \
  sh -c "[ $rc = 0 ] && [ \$(grep -c '\"story\":{\"id\":\"s1\"' '$TMP/raw.out') = 2 ]"
"$DL" stories --threshold 0 "$TMP/st.jsonl" > /dev/null 2>&1; rc=$?
check "stories --threshold 0: usage error" [ $rc = 2 ]
# Entities of type LOC are places, not evidence of one event; an
# organisation's initials match its acronym.
cat > "$TMP/acr.jsonl" <<'EOF'
{"id":"j1","date":"1987-03-02","title":"Japan February trade surplus jumps","entities":[{"name":"Japan","type":"LOC","salience":1},{"name":"Finance Ministry","type":"ORG","salience":0.5}],"places":[{"name":"Japan","confidence":1}],"dates":[]}
{"id":"j2","date":"1987-03-02","title":"Japan corporate profits drop trimmed","entities":[{"name":"Japan","type":"LOC","salience":1},{"name":"Wako Research Institute","type":"ORG","salience":0.9}],"places":[{"name":"Japan","confidence":1}],"dates":[]}
{"id":"i1","date":"1987-03-02","title":"Coffee quota talks continue","entities":[{"name":"International Coffee Organization","type":"ORG","salience":1},{"name":"Brazil","type":"LOC","salience":0.4}],"places":[{"name":"Brazil","confidence":1}],"dates":[]}
{"id":"i2","date":"1987-03-02","title":"Delegation plans to leave coffee quota talks","entities":[{"name":"ICO","type":"ORG","salience":1},{"name":"London","type":"LOC","salience":0.5}],"places":[{"name":"London","confidence":1}],"dates":[]}
EOF
"$DL" stories --brief "$TMP/acr.jsonl" > "$TMP/acr.out" 2>/dev/null
asid() { grep "\"id\":\"$1\"" "$TMP/acr.out" | grep -o '"story":{"id":"s[0-9]*"' ; }
check "stories: a shared country alone does not make one story" [ "$(asid j1)" != "$(asid j2)" ]
check "stories: 'International Coffee Organization' and 'ICO' (its initials) join" \
  [ "$(asid i1)" = "$(asid i2)" ]
finish
