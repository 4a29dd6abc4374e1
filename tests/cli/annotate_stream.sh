#!/bin/bash
# annotate_stream.sh -- `dateline annotate` over a live feed: JSONL lines
# written into a pipe that then stalls (the writer keeps it open) come out
# as records before the input ends -- with one thread and with two (their
# ring is drained), to stdout and to -o FILE, plain and gzip. And a pipe
# gives, byte for byte, the output of the same lines read from a file.
. tests/cli/lib.sh

awk 'BEGIN { for (i = 1; i <= 40; i++)
  printf "{\"id\":\"a%d\",\"text\":\"Maria Lopez said in Paris on Monday that %d people came.\"}\n", i, i }' \
  > "$TMP/in.jsonl"
printf 'not json\n' >> "$TMP/in.jsonl"
"$DL" annotate --fields id,entities "$TMP/in.jsonl" > "$TMP/want.out" 2> /dev/null

# lines OUT: whole lines in OUT (0 if missing)
lines() { if [ -f "$1" ]; then wc -l < "$1" | tr -d ' '; else echo 0; fi; }

# live NAME OUT-MODE FEED ARGS...: runs annotate ARGS on a FIFO; writes
# FEED (a file) into it and keeps it open; waits (at most ~20 s) for the
# output to hold as many lines as FEED; then closes the FIFO. Sets GOT
# (lines seen while the input was open) and RC.
live() {
  local n=$1 mode=$2 feed=$3 pid i=0 want
  shift 3
  want=$(wc -l < "$TMP/in.jsonl" | tr -d ' ')
  rm -f "$TMP/fifo" "$TMP/$n.out"
  mkfifo "$TMP/fifo"
  if [ "$mode" = file ]; then
    "$DL" annotate --fields id,entities "$@" -o "$TMP/$n.out" < "$TMP/fifo" 2> /dev/null &
  else
    "$DL" annotate --fields id,entities "$@" < "$TMP/fifo" > "$TMP/$n.out" 2> /dev/null &
  fi
  pid=$!
  exec 3> "$TMP/fifo"
  cat "$feed" >&3
  while [ "$(lines "$TMP/$n.out")" -lt "$want" ] && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  GOT=$(lines "$TMP/$n.out")
  exec 3>&-
  wait $pid
  RC=$?
}

for t in 1 2; do
  for mode in stdout file; do
    live "t$t$mode" $mode "$TMP/in.jsonl" --threads $t
    check "--threads $t, $mode: all 41 records out while the pipe is open ($GOT)" \
      [ "$GOT" = 41 ]
    check "--threads $t, $mode: exit 1 (one bad line)" [ "$RC" = 1 ]
    check "--threads $t, $mode: same bytes as from a file" \
      cmp -s "$TMP/t$t$mode.out" "$TMP/want.out"
  done
done

gzip -c "$TMP/in.jsonl" > "$TMP/in.jsonl.gz"
live gz stdout "$TMP/in.jsonl.gz" --threads 2
check "gzip through a pipe: all records out while it is open ($GOT)" [ "$GOT" = 41 ]
check "gzip through a pipe: same bytes as from a file" \
  cmp -s "$TMP/gz.out" "$TMP/want.out"

if command -v zstd > /dev/null; then
  zstd -q -c "$TMP/in.jsonl" > "$TMP/in.jsonl.zst"
  live zst file "$TMP/in.jsonl.zst" --threads 1
  check "zstd through a pipe: all records out while it is open ($GOT)" [ "$GOT" = 41 ]
  check "zstd through a pipe: same bytes as from a file" \
    cmp -s "$TMP/zst.out" "$TMP/want.out"
fi

# A long input through a pipe, in chunks of any size: same bytes.
for i in 1 2 3 4 5 6 7 8 9 10; do cat "$TMP/in.jsonl"; done > "$TMP/big.jsonl"
"$DL" annotate --fields id,entities "$TMP/big.jsonl" > "$TMP/big.want" 2> /dev/null
cat "$TMP/big.jsonl" | "$DL" annotate --fields id,entities > "$TMP/big.pipe" 2> /dev/null
check "a pipe, 410 lines: same bytes as from the file" \
  cmp -s "$TMP/big.pipe" "$TMP/big.want"
cat "$TMP/big.jsonl" | "$DL" annotate --threads 2 --fields id,entities > "$TMP/big.pipe2" 2> /dev/null
check "a pipe, 410 lines, --threads 2: same bytes" \
  cmp -s "$TMP/big.pipe2" "$TMP/big.want"
finish
