#!/bin/sh
# annotate_threads.sh -- `annotate --threads N` gives, byte for byte, the
# output and exit status of --threads 1: JSONL records and error records
# in input order, one output line per input line; several text files too.
. tests/cli/lib.sh

# ~200 JSONL lines: generated sentences, garbage, lines without text.
awk 'BEGIN {
  split("Anna Karlov|Peter Smith|Maria Lopez|the mayor|John Brown", who, "|")
  split("Prague|London|Paris|Berlin|Madrid|New York", where, "|")
  split("Monday|Tuesday|last week|on 3 March 2024|yesterday|in June", when, "|")
  for (i = 1; i <= 200; i++) {
    if (i % 17 == 0) { print "this is not json {"; continue }
    if (i % 23 == 0) { printf "{\"id\":\"n%d\",\"title\":\"no text\"}\n", i; continue }
    if (i % 29 == 0) { print ""; continue }
    if (i % 31 == 0) { print "[1,2,3]"; continue }
    s = ""
    for (k = 0; k <= i % 5; k++)
      s = s sprintf("%s said in %s %s that %d people came. ",
                    who[(i + k) % 5 + 1], where[(i * 3 + k) % 6 + 1],
                    when[(i + 2 * k) % 6 + 1], i * 7 + k)
    printf "{\"id\":\"d%d\",\"date\":\"2024-05-0%d\",\"text\":\"%s\"}\n", i, i % 9 + 1, s
  }
}' > "$TMP/in.jsonl"
N_IN=$(wc -l < "$TMP/in.jsonl")

run() { # run NAME ARGS... -> $TMP/NAME.out, .err, .rc
  n=$1; shift
  "$DL" annotate --compact "$@" > "$TMP/$n.out" 2> "$TMP/$n.err"
  echo $? > "$TMP/$n.rc"
}
run t1 --threads 1 "$TMP/in.jsonl"
run t2 --threads 2 "$TMP/in.jsonl"
run t4 --threads 4 "$TMP/in.jsonl"
run t1s --threads 1 --format jsonl < "$TMP/in.jsonl"
run t4s --threads 4 --format jsonl < "$TMP/in.jsonl"

check "jsonl --threads 1: exit 1 (some lines fail)" [ "$(cat "$TMP/t1.rc")" = 1 ]
check "jsonl --threads 1: one output line per input line" \
  [ "$(wc -l < "$TMP/t1.out")" = "$N_IN" ]
check "jsonl --threads 1: has records and error records" \
  sh -c "grep -q '\"error\"' '$TMP/t1.out' && grep -q '\"entities\"\|\"id\":\"d1\"' '$TMP/t1.out'"
for t in t2 t4 t1s t4s; do
  check "jsonl $t: output byte-identical to --threads 1" cmp -s "$TMP/t1.out" "$TMP/$t.out"
  check "jsonl $t: same exit status" [ "$(cat "$TMP/$t.rc")" = "$(cat "$TMP/t1.rc")" ]
done
check "jsonl --threads 2/4: same warnings, same order" \
  sh -c "cmp -s '$TMP/t1.err' '$TMP/t2.err' && cmp -s '$TMP/t1.err' '$TMP/t4.err' && cmp -s '$TMP/t1s.err' '$TMP/t4s.err'"

# Several text files (and one missing) as arguments.
set --
for i in 1 2 3 4 5 6 7; do
  awk -v i=$i 'BEGIN { for (k = 0; k < i * 3; k++)
    printf "Officials in London said on Monday that %d people met %s.\n", k + i, (k % 2 ? "Anna Karlov" : "Peter Smith") }' > "$TMP/f$i.txt"
  set -- "$@" "$TMP/f$i.txt"
  [ $i = 4 ] && set -- "$@" "$TMP/missing.txt"
done
set -- "$@" examples/karlov-funeral.txt
run x1 --threads 1 "$@"
run x2 --threads 2 "$@"
run x4 --threads 4 "$@"
check "text files --threads 1: one record per file, missing one fails" \
  sh -c "[ \$(wc -l < '$TMP/x1.out') = 9 ] && [ \$(cat '$TMP/x1.rc') = 1 ]"
for t in x2 x4; do
  check "text files $t: output byte-identical to --threads 1" cmp -s "$TMP/x1.out" "$TMP/$t.out"
  check "text files $t: same exit status" [ "$(cat "$TMP/$t.rc")" = "$(cat "$TMP/x1.rc")" ]
done

# All good lines: exit 0 with threads too.
grep '"text"' "$TMP/in.jsonl" > "$TMP/good.jsonl"
run g4 --threads 4 "$TMP/good.jsonl"
check "all-valid jsonl --threads 4: exit 0, one line each" \
  sh -c "[ \$(cat '$TMP/g4.rc') = 0 ] && [ \$(wc -l < '$TMP/g4.out') = \$(wc -l < '$TMP/good.jsonl') ]"
finish
