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
finish
