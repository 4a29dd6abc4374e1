#!/usr/bin/env bash
# quotes.sh -- `dateline annotate --fields quotes`: the record's quotes
# (SPEC.md: span, text, kind, cue {span, verb}, speaker {entity, name,
# span}) on the Karlov article, code-point offsets, hostile quote marks,
# and, when the shared PolNeAR data and python3 are there, a floor on the
# dev scores of bench/eval_quotes.py.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

JC=$TMP/jsoncheck
need_jsoncheck "$JC"
eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }
SHARED=${DATELINE_SHARED:-../shared}
export DATELINE_MODEL_DIR=${DATELINE_MODEL_DIR:-models}

# ---- the Karlov article --------------------------------------------------
K=examples/karlov-funeral.txt
"$DL" annotate --fields quotes --compact "$K" >"$TMP/k.out"
eq "karlov: exit 0" "$?" 0
N=$(wc -c <"$K")
check "karlov: valid JSON, spans inside" "$JC" -n "$N" <"$TMP/k.out"
# Every quote as text<TAB>kind<TAB>cue<TAB>speaker name, one per line.
for i in $(seq 0 $(($("$JC" quotes.# <"$TMP/k.out") - 1))); do
  "$JC" quotes.$i.text quotes.$i.kind quotes.$i.cue.verb \
    quotes.$i.speaker.name quotes.$i.speaker.entity <"$TMP/k.out"
done >"$TMP/k.tsv"
has() { grep -qF -- "$(printf "$2")" "$TMP/k.tsv" && pass "$1" || fail "$1" "$(cat "$TMP/k.tsv")"; }
has "Kirill's quote" 'He will go down in the history of the Fatherland\tdirect\tsaid\t'
has "Putin's quote" "We must know who directed the killer's hand\tdirect\tsaid\tVladimir Putin\te"
has "Lavrov's partial quote" 'a despicable terrorist act\tpartial\tsaid\tSergei Lavrov\te'
has "the gunman shouted" 'Allahu Akbar\tdirect\tshouted\ta Turkish gunman\tnull'
has "the gunman shouted twice" "Don't forget Aleppo\tdirect\tshouted\ta Turkish gunman\tnull"
check "no quote by Putin about Aleppo" \
  sh -c "! grep -q 'Aleppo.*Putin' '$TMP/k.tsv'"

# ---- code-point offsets ----------------------------------------------------
printf '\xc3\xa9t\xc3\xa9: \xe2\x80\x9cWe will rebuild the city,\xe2\x80\x9d the mayor said.\n' >"$TMP/c.txt"
"$DL" annotate --fields quotes --offsets chars --compact "$TMP/c.txt" >"$TMP/c.out"
eq "chars: span start" "$("$JC" quotes.0.span.start <"$TMP/c.out")" 6
eq "chars: span end" "$("$JC" quotes.0.span.end <"$TMP/c.out")" 30
eq "chars: speaker" "$("$JC" quotes.0.speaker.name <"$TMP/c.out")" "the mayor"
"$DL" annotate --fields quotes --compact "$TMP/c.txt" >"$TMP/b.out"
eq "bytes: span start" "$("$JC" quotes.0.span.start <"$TMP/b.out")" 10

# ---- hostile quote marks (JSONL, one document per line) --------------------
python_free_jsonl() { # builds lines with printf only
  printf '{"id":"open","text":"\\"never closed, he said.\\n\\nNext paragraph \\"again"}\n'
  printf '{"id":"close","text":"closed only\\" twice\\" and thrice\\u201d."}\n'
  printf '{"id":"every","text":"\\"a\\" \\"b\\" \\"c\\" \\"d\\" \\"e\\" \\"f\\" \\"g\\" \\"h\\""}\n'
  printf '{"id":"nest","text":"\\u201c1 \\u2018 2 \\u201c 3 \\u2018 4 \\u201c 5 \\u2018 6 \\u201c 7 \\u2018 8 \\u201c 9 \\u2018 10 x\\u2019\\u201d\\u2019\\u201d\\u2019\\u201d\\u2019\\u201d\\u2019\\u201d, she said."}\n'
  printf '{"id":"marks","text":"\\"\\"\\"\\"\\"\\u201c\\u201c\\u201d\\u201d\\u2018\\u2019``'"''"'``"}\n'
}
python_free_jsonl >"$TMP/h.jsonl"
"$DL" annotate --format jsonl --fields quotes --compact "$TMP/h.jsonl" >"$TMP/h.out"
RC=$?
check "hostile marks: no crash" test "$RC" -le 1
eq "hostile marks: one record per line" "$(wc -l <"$TMP/h.out" | tr -d ' ')" 5
check "hostile marks: valid JSONL" "$JC" -l <"$TMP/h.out"
check "hostile marks: no quote over a paragraph break" \
  sh -c "! grep -q '\"text\":\"[^\"]*\\\\n\\\\n' '$TMP/h.out'"
eq "nested ten deep: one quote" "$("$JC" -l quotes.# <"$TMP/h.out" | sed -n 4p)" 1

# ---- PolNeAR dev floor -----------------------------------------------------
# Measured on dev (bench/eval_quotes.py: 92.9 / 89.8) minus half a point;
# raise with every better stage.
P_FLOOR=92.4 R_FLOOR=89.3
PN=$SHARED/data/quotes/polnear/data
if [ -d "$PN/dev" ] && command -v python3 >/dev/null; then
  python3 bench/eval_quotes.py --split dev --data "$PN" --bin "$DL" >"$TMP/pn.out"
  eq "polnear eval: exit 0" "$?" 0
  read -r _ _ P _ R _ < <(grep '^direct' "$TMP/pn.out" | tr -d '%' |
    awk '{print $1, $2, $4, $5, $6, $7}')
  check "polnear dev direct P+spk $P >= $P_FLOOR" awk -v a="$P" -v b="$P_FLOOR" 'BEGIN { exit !(a + 0 >= b + 0) }'
  check "polnear dev direct R+spk $R >= $R_FLOOR" awk -v a="$R" -v b="$R_FLOOR" 'BEGIN { exit !(a + 0 >= b + 0) }'
else
  echo "note: PolNeAR data or python3 absent; dev floor not checked"
fi

finish
