#!/bin/bash
# corpus_resume.sh -- `--resume` of dedup, stories and annotate: a run
# killed with SIGKILL in the middle (its input half fed through a FIFO),
# then resumed, gives byte for byte the output of an uninterrupted run;
# a half-written last line is repaired; an output that does not belong to
# these inputs or options is refused and left as it was.
. tests/cli/lib.sh

# 1500 articles of random words, every fifth followed later by a copy
# (exact, re-headered, truncated, re-footered); ids throughout.
awk 'BEGIN { srand(11)
  for (d = 1; d <= 1500; d++) {
    s = ""; for (i = 0; i < 60; i++) s = s "w" int(rand() * 5000) " "
    doc[d] = s
    printf "{\"id\":\"o%d\",\"text\":\"%s\"}\n", d, s
    if (d % 5 == 0) {
      c = d - 3; k = d % 4
      if (k == 0) t = doc[c]
      if (k == 1) t = "By Jane Roe, Wire | Monday. " doc[c]
      if (k == 2) t = substr(doc[c], 1, int(length(doc[c]) * 0.8))
      if (k == 3) t = doc[c] " Copyright Wire. All rights reserved."
      printf "{\"id\":\"c%d\",\"text\":\"%s\"}\n", c, t
    }
    if (d == 2) print "not json"
  }
}' > "$TMP/dd.jsonl"
head -n 900 "$TMP/dd.jsonl" > "$TMP/dd.part"

# Records for stories: 40 events (two people and a place each) over 30
# days, interleaved, in date order.
awk 'BEGIN { srand(3)
  for (i = 1; i <= 1500; i++) {
    day = int(i / 50) + 1; ev = int(rand() * 8) + int(day / 4) * 5
    printf "{\"id\":\"r%d\",\"date\":\"2024-03-%02d\",\"title\":\"Event %d news item %d\",", i, day, ev, i
    printf "\"entities\":[{\"name\":\"Person %dA\",\"salience\":0.9},{\"name\":\"Person %dB\",\"salience\":0.6}],", ev, ev
    printf "\"places\":[{\"name\":\"Town %d\",\"confidence\":0.9}],\"dates\":[]}\n", ev
    if (i == 800) print "[1,2]"
  }
}' > "$TMP/st.jsonl"
head -n 900 "$TMP/st.jsonl" > "$TMP/st.part"

# wait_data FILE: until FILE is non-empty (at most ~60 s).
wait_data() {
  local i=0
  while [ ! -s "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$1" ]
}
# killed OUT PART CMD...: runs CMD -o OUT reading a FIFO, writes PART into
# it and keeps it open (the command waits for more input), then kills the
# command with SIGKILL as soon as OUT holds data.
killed() {
  local out=$1 part=$2 pid
  shift 2
  rm -f "$TMP/fifo" "$out"
  mkfifo "$TMP/fifo"
  "$@" -o "$out" < "$TMP/fifo" 2> /dev/null &
  pid=$!
  exec 3> "$TMP/fifo"
  cat "$part" >&3
  wait_data "$out"
  kill -9 $pid
  { wait $pid; } 2> /dev/null
  exec 3>&-
  [ -n "$RESUME_DEBUG" ] && echo "killed: $(wc -c < "$out") bytes, last byte $(tail -c 1 "$out" | od -An -c)" >&2
}
# is_prefix A B: file A is a proper byte prefix of file B.
is_prefix() {
  [ "$(wc -c < "$1")" -lt "$(wc -c < "$2")" ] &&
    cmp -s "$1" <(head -c "$(wc -c < "$1")" "$2")
}

# ---- dedup ----------------------------------------------------------------
"$DL" dedup -o "$TMP/dd.full" "$TMP/dd.jsonl" 2> /dev/null
killed "$TMP/dd.kill" "$TMP/dd.part" "$DL" dedup
check "dedup killed in the middle: a proper prefix of the full output" \
  is_prefix "$TMP/dd.kill" "$TMP/dd.full"
"$DL" dedup -o "$TMP/dd.kill" --resume "$TMP/dd.jsonl" 2> "$TMP/dd.err"; rc=$?
check "dedup --resume after kill -9: exit 1 (the bad line), says it resumed" \
  sh -c "[ $rc = 1 ] && grep -q 'resumed: [0-9]* lines already done' '$TMP/dd.err'"
check "dedup --resume after kill -9: byte-identical to an uninterrupted run" \
  cmp -s "$TMP/dd.kill" "$TMP/dd.full"
check "dedup --resume: the bad line's warning is not repeated" \
  sh -c "! grep -q 'invalid JSON' '$TMP/dd.err'"
"$DL" dedup -o "$TMP/dd.kill" --resume "$TMP/dd.jsonl" 2> /dev/null
check "dedup --resume of a finished output: unchanged" cmp -s "$TMP/dd.kill" "$TMP/dd.full"

"$DL" dedup --drop --brief -o "$TMP/ddd.full" "$TMP/dd.jsonl" 2> /dev/null
head -c 20000 "$TMP/ddd.full" > "$TMP/ddd.cut" # ends in mid-line
"$DL" dedup --drop --brief -o "$TMP/ddd.cut" --resume "$TMP/dd.jsonl" 2> /dev/null
check "dedup --drop --brief --resume after a cut line: identical" \
  cmp -s "$TMP/ddd.cut" "$TMP/ddd.full"

cp "$TMP/dd.full" "$TMP/dd.other"
"$DL" dedup --threshold 0.95 -o "$TMP/dd.other" --resume "$TMP/dd.jsonl" 2> "$TMP/oth.err"; rc=$?
check "dedup --resume with other options: refused (exit 1), file left as it was" \
  sh -c "[ $rc = 1 ] && grep -q 'differs' '$TMP/oth.err' && cmp -s '$TMP/dd.other' '$TMP/dd.full'"
"$DL" dedup -o "$TMP/dd.other" --resume "$TMP/dd.part" 2> "$TMP/oth.err"; rc=$?
check "dedup --resume with fewer inputs than the file holds: refused, unchanged" \
  sh -c "[ $rc = 1 ] && grep -q 'holds more' '$TMP/oth.err' && cmp -s '$TMP/dd.other' '$TMP/dd.full'"
"$DL" dedup --resume "$TMP/dd.jsonl" > /dev/null 2>&1; rc=$?
check "dedup --resume without -o: usage error (2)" [ $rc = 2 ]

# ---- stories --------------------------------------------------------------
"$DL" stories -o "$TMP/st.full" "$TMP/st.jsonl" 2> /dev/null
check "stories: several stories, some joined" \
  sh -c "[ \$(grep -o '\"story\":{\"id\":\"s[0-9]*\"' '$TMP/st.full' | sort -u | wc -l) -gt 20 ] && \
         [ \$(grep -c '\"score\":0.000' '$TMP/st.full') -lt 1000 ]"
killed "$TMP/st.kill" "$TMP/st.part" "$DL" stories
check "stories killed in the middle: a proper prefix of the full output" \
  is_prefix "$TMP/st.kill" "$TMP/st.full"
"$DL" stories -o "$TMP/st.kill" --resume "$TMP/st.jsonl" 2> /dev/null
check "stories --resume after kill -9: byte-identical to an uninterrupted run" \
  cmp -s "$TMP/st.kill" "$TMP/st.full"
"$DL" stories --window 1 -o "$TMP/st.kill" --resume "$TMP/st.jsonl" 2> /dev/null; rc=$?
check "stories --resume with another window: refused, unchanged" \
  sh -c "[ $rc = 1 ] && cmp -s '$TMP/st.kill' '$TMP/st.full'"
printf '{"id":"r1","date":"2016-12-19","text":"Russian ambassador Andrei Karlov was shot dead in Ankara on Monday, officials said."}\n{"id":"r2","date":"2016-12-20","text":"Turkish police questioned six people over the killing of Andrei Karlov in Ankara."}\n{"id":"r3","date":"2016-12-20","text":"A truck drove into a Christmas market in Berlin, killing twelve people."}\n' > "$TMP/raw.jsonl"
"$DL" stories -o "$TMP/raw.full" "$TMP/raw.jsonl" 2> /dev/null
head -c 150 "$TMP/raw.full" > "$TMP/raw.cut"
"$DL" stories -o "$TMP/raw.cut" --resume "$TMP/raw.jsonl" 2> /dev/null
check "stories over raw articles, --resume after a cut line: identical" \
  cmp -s "$TMP/raw.cut" "$TMP/raw.full"

# ---- annotate --threads 2 --------------------------------------------------
awk 'BEGIN { for (i = 1; i <= 400; i++)
  printf "{\"id\":\"a%d\",\"text\":\"Maria Lopez said in Paris on Monday that %d people came.\"}\n", i, i }' \
  > "$TMP/an.jsonl"
head -n 250 "$TMP/an.jsonl" > "$TMP/an.part"
"$DL" annotate --fields id,entities -o "$TMP/an.full" "$TMP/an.jsonl"
killed "$TMP/an.kill" "$TMP/an.part" "$DL" annotate --threads 2 --fields id,entities
check "annotate --threads 2 killed in the middle: a proper prefix" \
  is_prefix "$TMP/an.kill" "$TMP/an.full"
"$DL" annotate --threads 2 --fields id,entities -o "$TMP/an.kill" --resume "$TMP/an.jsonl" 2> /dev/null
check "annotate --threads 2 --resume after kill -9: identical, no duplicate" \
  cmp -s "$TMP/an.kill" "$TMP/an.full"
finish
