#!/usr/bin/env bash
# bad_input.sh -- `dateline annotate` on hostile and broken input (SPEC.md:
# error records, exit 1 where some input could not be processed, exit 2 on
# usage errors, no crash, no lost line). Every output is checked by
# tests/cli/jsoncheck.c: strict UTF-8, strict JSON, no duplicate keys, and
# every span inside the input.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

JC=$TMP/jsoncheck
need_jsoncheck "$JC"

# run NAME ARGS... : runs dateline, keeps stdout in $TMP/NAME.out, stderr in
# $TMP/NAME.err, the exit status in $RC. A signal (status > 128) or a
# sanitizer report (status 1 plus "Sanitizer" on stderr) fails the case.
run() {
  local n=$1
  shift
  "$DL" "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
  RC=$?
  if [ "$RC" -gt 2 ] || grep -q 'Sanitizer\|runtime error' "$TMP/$n.err"; then
    fail "$n: crashed (exit $RC)" "$(head -c 600 "$TMP/$n.err")"
    return 1
  fi
  return 0
}
# jq_ N ARGS... : jsoncheck over $TMP/N.out (one value unless -l given).
jc() { local n=$1; shift; "$JC" "$@" <"$TMP/$n.out"; }
eq() { # NAME GOT WANT
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
nlines() { wc -l <"$1" | tr -d ' '; }

# ---- empty file, only white space --------------------------------------
: >"$TMP/empty.txt"
if run empty annotate "$TMP/empty.txt" --compact; then
  eq "empty file: exit 1" "$RC" 1
  eq "empty file: one error record" "$(jc empty -l error.code)" empty
  check "empty file: message on stderr" grep -q 'empty' "$TMP/empty.err"
fi
if run empty_stdin annotate </dev/null; then
  eq "empty stdin: exit 1" "$RC" 1
  eq "empty stdin: error record" "$(jc empty_stdin -l error.code)" empty
fi
if run empty_dash annotate - </dev/null; then
  eq "empty stdin (-): exit 1" "$RC" 1
  eq "empty stdin (-): error record" "$(jc empty_dash -l error.code)" empty
fi
printf '  \n\t\r\n   \n\xc2\xa0\xe2\x80\x83 \n' >"$TMP/ws.txt"
if run ws annotate "$TMP/ws.txt"; then
  eq "white space only: exit 1" "$RC" 1
  eq "white space only: error record" "$(jc ws -l error.code)" empty
fi

# ---- binary data with NUL bytes ----------------------------------------
# Every byte value once, in order: NUL and the 128 bytes >= 0x80 are
# invalid here (no two of them form a valid sequence in this order).
for i in $(seq 0 255); do printf "\\$(printf '%03o' "$i")"; done >"$TMP/bytes.bin"
eq "binary: fixture is 256 bytes" "$(wc -c <"$TMP/bytes.bin" | tr -d ' ')" 256
if run bin annotate --compact --fields all "$TMP/bytes.bin"; then
  eq "binary: exit 0" "$RC" 0
  eq "binary: valid JSON, spans in range, 129 bad bytes" \
    "$(jc bin -l -n 256 encoding.invalid_bytes encoding.spans.#)" "129	129"
  eq "binary: NUL reported at 0" "$(jc bin -l encoding.spans.0)" \
    '{"start":0,"end":1}'
  eq "binary: 0xFF reported at 255" "$(jc bin -l encoding.spans.128)" \
    '{"start":255,"end":256}'
fi
printf 'Hello\0world. Second\0\0sentence here.\n' >"$TMP/nul.txt"
if run nul annotate --fields text,encoding,tokens,sentences "$TMP/nul.txt"; then
  eq "NUL in text: exit 0" "$RC" 0
  eq "NUL in text: reported" "$(jc nul -l -n 37 encoding.invalid_bytes)" 3
  eq "NUL in text: escaped in text" \
    "$(grep -c 'Hello\\u0000world' "$TMP/nul.out")" 1
  check "NUL in text: separates words" \
    grep -q '{"start":6,"end":11}' "$TMP/nul.out"
fi

# ---- invalid UTF-8 -----------------------------------------------------
# A lone Latin-1 byte, a bad continuation, a surrogate, a code point over
# U+10FFFF, an overlong: 11 bytes at known offsets, each one U+FFFD.
printf 'caf\xe9 au lait. \xc3( ok \xed\xa0\x80 surrogate \xf4\x90\x80\x80 big \xc0\xaf overlong. Fine \xc3\xa9.\n' \
  >"$TMP/bad8.txt"
len=$(wc -c <"$TMP/bad8.txt" | tr -d ' ')
if run bad8 annotate --fields text,encoding,tokens,sentences "$TMP/bad8.txt"; then
  eq "invalid UTF-8: exit 0" "$RC" 0
  eq "invalid UTF-8: count" "$(jc bad8 -l -n "$len" encoding.invalid_bytes)" 11
  got=$(jc bad8 -l encoding.spans | grep -o '"start":[0-9]*' | cut -d: -f2 |
    tr '\n' ' ')
  eq "invalid UTF-8: offsets true to the input" "$got" \
    "3 14 20 21 22 34 35 36 37 43 44 "
  want=$(printf 'caf\xef\xbf\xbd au lait. \xef\xbf\xbd( ok \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd big \xef\xbf\xbd\xef\xbf\xbd overlong. Fine \xc3\xa9.\n')
  eq "invalid UTF-8: text has one U+FFFD per bad byte" "$(jc bad8 -l text)" \
    "$want"
  fine=$(grep -obUa 'Fine' "$TMP/bad8.txt" | cut -d: -f1)
  check "invalid UTF-8: later token offsets are byte offsets" \
    grep -q "{\"start\":$fine,\"end\":$((fine + 4))}" "$TMP/bad8.out"
fi
if run bad8c annotate --offsets chars --fields encoding,tokens "$TMP/bad8.txt"; then
  # In code points every bad byte counts one (it is one U+FFFD), so the
  # first 40 or so offsets equal the byte offsets; "é" near the end is two
  # bytes, one code point.
  eq "invalid UTF-8, chars: same offsets" \
    "$(jc bad8c -l encoding.spans | grep -o '"start":[0-9]*' | cut -d: -f2 |
      tr '\n' ' ')" "3 14 20 21 22 34 35 36 37 43 44 "
  eq "invalid UTF-8, chars: spans within the code-point length" \
    "$(jc bad8c -l -n $((len - 1)) >/dev/null && echo ok)" ok
fi
# More bad bytes than the record lists (1,000): the count stays exact, and
# code-point offsets after them stay right (they were once counted from
# the capped list).
head -c 1500 /dev/zero | tr '\0' '\200' >"$TMP/many.txt"
printf ' word.\n' >>"$TMP/many.txt"
if run many annotate --offsets chars --fields encoding,tokens "$TMP/many.txt"; then
  eq "1,500 bad bytes: exit 0" "$RC" 0
  eq "1,500 bad bytes: exact count, 1,000 spans listed" \
    "$(jc many -l -n 1507 encoding.invalid_bytes encoding.spans.#)" "1500	1000"
  check "1,500 bad bytes: 'word' at code point 1501" \
    grep -q '{"start":1501,"end":1505}' "$TMP/many.out"
fi
# Invalid UTF-8 inside a JSONL line is invalid JSON: an error record.
printf '{"id":"a","text":"caf\xe9"}\n{"id":"b","text":"ok."}\n' >"$TMP/bad8.jsonl"
if run bad8j annotate "$TMP/bad8.jsonl"; then
  eq "invalid UTF-8 in JSONL: exit 1" "$RC" 1
  eq "invalid UTF-8 in JSONL: records" \
    "$(jc bad8j -l line error.code id | tr '\t\n' ',;')" \
    "1,format,null;MISSING,MISSING,b;"
fi

# ---- 50 MB on one line -------------------------------------------------
BIG=$((50 * 1024 * 1024))
yes 'The minister said on Tuesday that talks would go on. ' | tr -d '\n' |
  head -c "$BIG" >"$TMP/big.txt"
if run big annotate --fields id,sentences "$TMP/big.txt"; then
  eq "50 MB line: exit 0" "$RC" 0
  n=$(jc big -n "$BIG" sentences.#)
  check "50 MB line: about a million sentences ($n)" \
    test "${n:-0}" -gt 900000
fi
{
  printf '{"id":"big","text":"'
  cat "$TMP/big.txt"
  printf '"}\n{"id":"after","text":"Still here."}\n'
} >"$TMP/big.jsonl"
rm -f "$TMP/big.txt" "$TMP/big.out"
if run bigj annotate --fields id,sentences "$TMP/big.jsonl"; then
  eq "50 MB JSONL line: exit 0" "$RC" 0
  eq "50 MB JSONL line: both records" \
    "$(jc bigj -l -n "$BIG" id | tr '\n' ' ')" "big after "
fi
rm -f "$TMP/big.jsonl" "$TMP/bigj.out"
head -c "$BIG" /dev/zero | tr '\0' 'x' >"$TMP/word.txt"
if run word annotate --fields id,tokens,sentences "$TMP/word.txt"; then
  # One 50 MB "word": a record, or an error record if a token limit
  # says so; either way one valid value and no crash.
  check "50 MB word: exit 0 or 1" test "$RC" -le 1
  eq "50 MB word: one valid JSON value" "$(jc word -l -n "$BIG" | wc -l)" 0
  eq "50 MB word: one line out" "$(nlines "$TMP/word.out")" 1
fi
rm -f "$TMP/word.txt" "$TMP/word.out"

# ---- a JSONL file of good and bad lines --------------------------------
{
  printf '{"id":"ok1","text":"A first article. It has two sentences."}\n'
  printf 'this is not JSON\n'
  printf '{"id":"notext","title":"no text here"}\n'
  printf '\n'
  printf '{"id":"num","text":42}\n'
  printf '{"id":7,"text":"Numeric id.","date":"2016-12-22"}\n'
  printf '[1,2,3]\n'
  printf '{"id":"nul","text":"a\\u0000b c."}\n'
  printf '{"id":"null","text":null}\n'
  printf '{"id":"emptytext","text":""}\n'
  printf '{"id":"crlf","text":"Windows line."}\r\n'
  printf '{"id":"baddate","text":"Some text.","date":"2016-02-30"}\n'
  printf '{"id":"html","html":"<p>Hi</p>"}\n'
  printf '   \n'
  printf '{"id":"ok2","text":"Last good line."}\n'
  printf '{"id":"cut","text":"truncated'
} >"$TMP/mixed.jsonl"
if run mixed annotate "$TMP/mixed.jsonl"; then
  eq "mixed JSONL: exit 1" "$RC" 1
  eq "mixed JSONL: one output line per input line" \
    "$(nlines "$TMP/mixed.out")" 16
  got=$(jc mixed -l id line error.code | tr '\t' ',' | tr '\n' ';')
  want="ok1,MISSING,MISSING;null,2,format;notext,3,format;null,4,format;"
  want+="num,5,format;7,MISSING,MISSING;null,7,format;nul,MISSING,MISSING;"
  want+="null,9,format;emptytext,10,empty;crlf,MISSING,MISSING;"
  want+="baddate,12,invalid;html,MISSING,MISSING;null,14,format;ok2,MISSING,MISSING;"
  want+="null,16,format;"
  eq "mixed JSONL: records in order, errors where due" "$got" "$want"
  eq "mixed JSONL: date from the input" "$(jc mixed -l date_source | sed -n 6p)" \
    input
  eq "mixed JSONL: one warning per bad line" "$(grep -c '^dateline: ' "$TMP/mixed.err")" 10
  check "mixed JSONL: warnings name file and line" \
    grep -q "mixed.jsonl:16: " "$TMP/mixed.err"
fi
# The same through stdin, detected by content (no .jsonl name).
if run mixed_stdin annotate <"$TMP/mixed.jsonl"; then
  eq "mixed JSONL on stdin: exit 1" "$RC" 1
  eq "mixed JSONL on stdin: same output" \
    "$(cmp -s "$TMP/mixed.out" "$TMP/mixed_stdin.out" && echo same)" same
fi
# A valid last line without a final newline is a record, not an error.
printf '{"id":"a","text":"One."}\n{"id":"b","text":"Two."}' >"$TMP/nonl.jsonl"
if run nonl annotate "$TMP/nonl.jsonl"; then
  eq "JSONL without final newline: exit 0" "$RC" 0
  eq "JSONL without final newline: two records" \
    "$(jc nonl -l id | tr '\n' ' ')" "a b "
fi

# ---- files that cannot be read -----------------------------------------
printf 'A readable file.\n' >"$TMP/good.txt"
if run missing annotate "$TMP/nope.txt" "$TMP/good.txt" "$TMP/nodir/"; then
  eq "unreadable files: exit 1" "$RC" 1
  eq "unreadable files: three records in order" \
    "$(jc missing -l error.code | tr '\n' ' ')" "io MISSING io "
fi

# ---- output that cannot be written -------------------------------------
if [ -w /dev/full ]; then
  "$DL" annotate "$TMP/good.txt" >/dev/full 2>"$TMP/full.err"
  eq "stdout full: exit 1" "$?" 1
  check "stdout full: says so" grep -q 'writing output' "$TMP/full.err"
fi

# ---- usage errors: exit 2, nothing on stdout ---------------------------
usage() { # NAME ARGS...
  local n=$1
  shift
  if run "$n" "$@" <"$TMP/good.txt"; then
    eq "usage: $n: exit 2" "$RC" 2
    eq "usage: $n: no output" "$(wc -c <"$TMP/$n.out" | tr -d ' ')" 0
    check "usage: $n: says why" grep -q . "$TMP/$n.err"
  fi
}
usage unknown_flag annotate --frobnicate
usage bad_date annotate --date 2016-13-45
usage bad_date2 annotate --date yesterday
usage bad_date3 annotate --date 2016-02-30
usage date_no_value annotate --date
usage bad_offsets annotate --offsets words
usage bad_fields annotate --fields id,nonsense
usage bad_format annotate --format pdf
usage bad_threads annotate --threads 0
usage unknown_command frobnicate
usage no_command
if run good_date annotate --date 2016-12-22T10:30 --fields date "$TMP/good.txt"; then
  eq "--date accepted: exit 0" "$RC" 0
  eq "--date used as fallback" "$(jc good_date date date_source)" \
    "2016-12-22T10:30	flag"
fi

# ---- --offsets chars ---------------------------------------------------
printf 'caf\xc3\xa9 \xf0\x9f\x98\x80 na\xc3\xafve.' >"$TMP/chars.txt"
if run bytes annotate --fields tokens,sentences "$TMP/chars.txt" &&
  run chars annotate --offsets chars --fields tokens,sentences "$TMP/chars.txt"; then
  eq "offsets bytes: sentence" "$(jc bytes -n 18 sentences)" \
    '[{"start":0,"end":18}]'
  eq "offsets chars: sentence" "$(jc chars -n 13 sentences)" \
    '[{"start":0,"end":13}]'
  eq "offsets: same token count" "$(jc bytes tokens.#)" "$(jc chars tokens.#)"
  check "offsets bytes: emoji is bytes 6-10" grep -q '{"start":6,"end":10}' \
    "$TMP/bytes.out"
  check "offsets chars: emoji is char 5-6" grep -q '{"start":5,"end":6}' \
    "$TMP/chars.out"
  check "offsets chars: café is 0-4" grep -q '{"start":0,"end":4}' \
    "$TMP/chars.out"
  check "offsets chars: naïve is 7-12" grep -q '{"start":7,"end":12}' \
    "$TMP/chars.out"
fi

# ---- --fields ----------------------------------------------------------
fields() { # NAME LIST WANT-KEYS
  if run "f_$1" annotate --fields "$2" "$TMP/good.txt"; then
    eq "--fields $2: keys" "$(jc "f_$1" @keys)" "$3"
  fi
}
fields one id id
fields two sentences,id id,sentences
fields tokens tokens tokens
fields text text,encoding text
fields date date date
if run f_all annotate --fields all "$TMP/good.txt"; then
  check "--fields all: has tokens" grep -q '"tokens":' "$TMP/f_all.out"
  check "--fields all: has text" grep -q '"text":' "$TMP/f_all.out"
fi
if run f_def annotate "$TMP/good.txt"; then
  check "default fields: no tokens" sh -c "! grep -q '\"tokens\"' $TMP/f_def.out"
  check "default fields: sentences" grep -q '"sentences"' "$TMP/f_def.out"
fi

# ---- pretty output is valid JSON too -----------------------------------
if run pretty annotate --pretty --fields all "$TMP/bad8.txt"; then
  eq "pretty: valid, same data as compact" \
    "$(jc pretty -n "$len" encoding.invalid_bytes)" 11
  check "pretty: indented" grep -q '^  "' "$TMP/pretty.out"
fi

finish
