#!/usr/bin/env bash
# ner.sh -- `dateline ner --conll` and `dateline eval ner` with the
# committed models/ner.dlm (CI never retrains): F1 on CoNLL-2003 eng.testa
# must stay above a floor, the CoNLL output must keep every line (one more
# column), and hostile input or a broken model must fail cleanly.
cd "$(dirname "$0")/../.." || exit 2
. tests/cli/lib.sh

SHARED=${DATELINE_SHARED:-../shared}
TESTA=$SHARED/data/ner/conll2003/eng.testa
# Measured F1 of models/ner.dlm on eng.testa minus 0.5; raise it with
# every better model (see docs/MODEL-FORMAT.md, "Measured").
FLOOR=92.4
M=models

run() { # NAME ARGS... : stdout $TMP/NAME.out, stderr .err, status $RC
  local n=$1
  shift
  "$DL" "$@" >"$TMP/$n.out" 2>"$TMP/$n.err"
  RC=$?
}
eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got '$2', want '$3'"; fi; }

if [ ! -f "$M/ner.dlm" ]; then
  fail "models/ner.dlm present"
  finish
  exit 1
fi

# ---- accuracy on eng.testa ---------------------------------------------
if [ -f "$TESTA" ]; then
  run eval eval ner --model "$M" "$TESTA"
  eq "eval exit" "$RC" 0
  F1=$(sed -n 2p "$TMP/eval.out" | sed 's/.*FB1: *//')
  check "eval F1 $F1 >= $FLOOR" awk -v f="$F1" -v m="$FLOOR" \
    'BEGIN { exit !(f + 0 >= m + 0) }'
  check "eval per-type lines" test "$(grep -c 'precision:' "$TMP/eval.out")" -eq 5
  run conll ner --conll --model "$M" "$TESTA"
  eq "ner --conll exit" "$RC" 0
  eq "ner --conll keeps every line" "$(wc -l <"$TMP/conll.out")" \
    "$(wc -l <"$TESTA")"
  check "ner --conll adds one column" awk '
    NR == FNR { n[FNR] = NF; next }
    { if (NF != (n[FNR] ? n[FNR] + 1 : 0)) exit 1 }' "$TESTA" "$TMP/conll.out"
  check "ner --conll passes -DOCSTART- through" \
    grep -q '^-DOCSTART- -X- O O O$' "$TMP/conll.out"
else
  fail "shared data at $TESTA (set DATELINE_SHARED)"
fi

# ---- small input on stdin ----------------------------------------------
printf -- '-DOCSTART- -X- O O\n\nVladimir\nPutin\nvisited\nAnkara\n.\n\nPUTIN\nVISITS\nTURKEY\n' \
  >"$TMP/small.conll"
"$DL" ner --conll --model "$M" <"$TMP/small.conll" >"$TMP/small.out" 2>"$TMP/small.err"
eq "stdin exit" "$?" 0
eq "stdin tags" "$(awk 'NF { print $NF }' "$TMP/small.out" | head -n 6 | tr '\n' ' ')" \
  "O B-PER I-PER O B-LOC O "
eq "stdin lines" "$(wc -l <"$TMP/small.out")" "$(wc -l <"$TMP/small.conll")"

# ---- hostile input: no crash, every line back --------------------------
{
  for i in $(seq 1 10000); do echo "Word$i"; done
  echo
  head -c 102400 /dev/zero | tr '\0' 'A'
  echo
  echo
  printf '!!!\n...\n123\n\n'
  printf 'Москва\n北京\nالقاهرة\n\n'
  printf '\xff\xfe\xc3\n\n'
} >"$TMP/bad.conll"
run bad ner --conll --model "$M" "$TMP/bad.conll"
eq "hostile input exit" "$RC" 0
eq "hostile input keeps every line" "$(wc -l <"$TMP/bad.out")" \
  "$(wc -l <"$TMP/bad.conll")"

# ---- broken or missing model: a clear error naming the file ------------
mkdir -p "$TMP/trunc" "$TMP/none"
head -c 100000 "$M/ner.dlm" >"$TMP/trunc/ner.dlm"
run trunc ner --conll --model "$TMP/trunc" "$TMP/small.conll"
eq "truncated model exit" "$RC" 1
check "truncated model named" grep -q 'ner.dlm' "$TMP/trunc.err"
run none ner --conll --model "$TMP/none" "$TMP/small.conll"
eq "missing model exit" "$RC" 1
check "missing model said" grep -q 'no ner.dlm' "$TMP/none.err"
run usage ner "$TMP/small.conll"
eq "ner without --conll is a usage error" "$RC" 2

finish
