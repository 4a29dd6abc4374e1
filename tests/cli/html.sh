#!/usr/bin/env bash
# html.sh -- HTML input: `dateline extract`, `dateline annotate` on a page
# (detected by content, --format html, the "html" field of a JSONL line),
# and bad pages (frameset, binary data, 10,000 levels of nesting): error
# records or the best text, never a crash. Outputs are checked by
# tests/cli/jsoncheck.c (strict JSON, spans inside the text).
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

JC=$TMP/jsoncheck
need_jsoncheck "$JC"
PAGE=tests/data/html/article.html

eq() { # NAME GOT WANT
  if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi
}
run() { # NAME ARGS...: stdout in $TMP/NAME.out, exit status in $RC
  local n=$1
  shift
  "$DL" "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
  RC=$?
  if [ "$RC" -gt 2 ]; then fail "$n: crashed (exit $RC)"; return 1; fi
  return 0
}

# ---- extract ----------------------------------------------------------
if run extract extract --compact "$PAGE"; then
  eq "extract: exit 0" "$RC" 0
  eq "extract: title, date, source, authors" \
    "$("$JC" title date date_source meta.authors.0 meta.authors.1 <"$TMP/extract.out")" \
    "$(printf 'Harbour bridge reopens after storm repairs\t2021-03-14T09:30\tmeta\tMaria Lindqvist\tTomas Öberg')"
  eq "extract: canonical url, site, lang" \
    "$("$JC" url meta.site lang <"$TMP/extract.out")" \
    "$(printf 'https://example.org/news/2021/03/14/harbour-bridge-reopens\tThe Coastal Gazette\ten')"
  check "extract: body text" grep -q 'The Kelvin Harbour bridge reopened' "$TMP/extract.out"
  check "extract: no comments" bash -c "! grep -q 'far too long' '$TMP/extract.out'"
  check "extract: no nav" bash -c "! grep -q 'Sport' '$TMP/extract.out'"
  TL=$("$JC" text <"$TMP/extract.out" | wc -c)
  check "extract: spans inside the text" "$JC" -n "$TL" <"$TMP/extract.out"
fi
run extract_url extract --compact --url https://x.org/2020/01/02/a.html \
  --fields meta "$PAGE"
eq "extract --url, --fields meta: only meta (and text)" \
  "$("$JC" @keys <"$TMP/extract_url.out")" "text,meta"

# ---- annotate: detection by content, --format html, JSONL "html" --------
if run ann annotate --compact "$PAGE"; then
  eq "annotate page: exit 0" "$RC" 0
  eq "annotate page: text, title, date from meta" \
    "$("$JC" title date_source <"$TMP/ann.out")" \
    "$(printf 'Harbour bridge reopens after storm repairs\tmeta')"
  check "annotate page: sentences over the extracted text" \
    test "$("$JC" 'sentences.#' <"$TMP/ann.out")" -ge 8
  TL=$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)["text"].encode()))' <"$TMP/ann.out" 2>/dev/null || echo 100000)
  check "annotate page: spans inside the text" "$JC" -n "$TL" <"$TMP/ann.out"
fi
cp "$PAGE" "$TMP/page.txt"
run fmt annotate --compact --format html --fields title "$TMP/page.txt"
eq "--format html" "$("$JC" title <"$TMP/fmt.out")" \
  "Harbour bridge reopens after storm repairs"
run fmt_text annotate --compact --format text --fields sentences "$TMP/page.txt"
eq "--format text keeps the markup as text" "$("$JC" @keys <"$TMP/fmt_text.out")" "sentences"
python3 - "$PAGE" >"$TMP/in.jsonl" <<'PY'
import json, sys
page = open(sys.argv[1], encoding="utf-8").read()
print(json.dumps({"id": "a", "html": page, "date": "2021-04-01"}))
print(json.dumps({"id": "b", "text": "Plain text of a second document."}))
print(json.dumps({"id": "c", "html": "<frameset><frame src=x.html></frameset>"}))
PY
if run jsonl annotate --compact --fields id,title,date "$TMP/in.jsonl"; then
  eq "jsonl html: exit 1 (one page without text)" "$RC" 1
  eq "jsonl html: one record per line" "$(wc -l <"$TMP/jsonl.out" | tr -d ' ')" 3
  eq "jsonl html: ids, input date first, error code" \
    "$("$JC" -l id date date_source error.code <"$TMP/jsonl.out" | tr '\t\n' ',;')" \
    "a,2021-04-01,input,MISSING;b,null,MISSING,MISSING;c,MISSING,MISSING,empty;"
fi
run jsonl_par annotate --compact --threads 2 --fields id,title,date "$TMP/in.jsonl"
eq "jsonl html, --threads 2: same output" "$(cat "$TMP/jsonl_par.out")" "$(cat "$TMP/jsonl.out")"

# ---- bad pages -----------------------------------------------------------
printf '<html><frameset><frame src="left.html"><frame src="right.html"></frameset></html>' >"$TMP/frames.html"
if run frames extract --compact "$TMP/frames.html"; then
  eq "frameset: exit 1" "$RC" 1
  eq "frameset: error record" "$("$JC" error.code <"$TMP/frames.out")" empty
  check "frameset: the message says so" grep -q 'frameset' "$TMP/frames.err"
fi
head -c 3000 /dev/urandom >"$TMP/bin.html"
if run bin extract --compact "$TMP/bin.html"; then
  eq "binary: exit 1" "$RC" 1
  eq "binary: error record" "$("$JC" error.code <"$TMP/bin.out")" format
fi
python3 -c 'print("<div>"*10000 + "<p>Deep text of a page that nests far too much to be sane.</p>" + "</div>"*10000)' >"$TMP/deep.html"
if run deep extract --compact "$TMP/deep.html"; then
  eq "10,000 levels: exit 0" "$RC" 0
  check "10,000 levels: the text" grep -q 'Deep text of a page' "$TMP/deep.out"
fi
printf '<p>Text before a comment that never ends, long enough to keep.</p><!-- <p>x' >"$TMP/cmt.html"
run cmt annotate --compact --format html --fields title "$TMP/cmt.html"
eq "unterminated comment: exit 0" "$RC" 0
finish
