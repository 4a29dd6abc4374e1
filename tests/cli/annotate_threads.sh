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

# Slots keep their line buffer from one line to the next: short lines
# after long ones, a line over 1 MiB (its buffer is dropped after), and
# more lines than the ring holds (64 slots for 2 threads) -- still
# byte-identical, one record per line, in order.
awk 'BEGIN {
  for (i = 1; i <= 150; i++) {
    n = (i % 7 == 0) ? 400 : (i == 75 ? 32000 : 1)
    printf "{\"id\":\"L%d\",\"text\":\"", i
    for (k = 0; k < n; k++) printf "Maria Lopez met officials in Paris. "
    printf "\"}\n"
  }
}' > "$TMP/lens.jsonl"
check "long-line input: one line is over 1 MiB" \
  sh -c "[ \$(awk '{ if (length(\$0) > m) m = length(\$0) } END { print m }' '$TMP/lens.jsonl') -gt 1048576 ]"
"$DL" annotate --fields id,entities --threads 1 "$TMP/lens.jsonl" > "$TMP/lens1.out"
DATELINE_THREAD_STATS=1 "$DL" annotate --fields id,entities --threads 2 "$TMP/lens.jsonl" > "$TMP/lens2.out" 2> "$TMP/lens2.err"
check "lines of mixed lengths (one > 1 MiB), 150 lines on 64 slots: byte-identical" \
  sh -c "cmp -s '$TMP/lens1.out' '$TMP/lens2.out' && [ \$(wc -l < '$TMP/lens2.out') = 150 ] && \
         sed -n 150p '$TMP/lens2.out' | grep -q '\"id\":\"L150\"'"
check "DATELINE_THREAD_STATS: per-thread CPU, jobs summing to the lines, a bound" \
  sh -c "grep -q '^threads: main [0-9.]* s CPU' '$TMP/lens2.err' && \
         [ \$(grep -o '[0-9]* jobs' '$TMP/lens2.err' | awk '{ s += \$1 } END { print s }') = 150 ] && \
         grep -q 'work / busiest thread [0-9.]*x' '$TMP/lens2.err'"
"$DL" annotate --fields id --threads 2 "$TMP/lens.jsonl" > /dev/null 2> "$TMP/nostats.err"
check "no DATELINE_THREAD_STATS: nothing on stderr" [ ! -s "$TMP/nostats.err" ]
finish
