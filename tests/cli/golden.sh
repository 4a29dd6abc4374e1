#!/usr/bin/env bash
# Golden end-to-end tests (jq.test style): every tests/golden/NAME.json is
# the expected output of
#     dateline annotate --compact INPUT
# run from the top of the checkout, where INPUT is tests/golden/NAME.txt,
# or examples/NAME.txt when there is no such file (so the bundled article
# is not copied twice; its record's "id" is then "examples/NAME.txt").
#
#   bash tests/cli/golden.sh            compare; last line "N passed, N failed"
#   bash tests/cli/golden.sh --update   regenerate every .json (and create
#                                       one for a new tests/golden/*.txt)
#
# The records change whenever a stage changes (tokenizer, sentences, NER,
# ...): that is the point. Regenerate with --update and review the diff
# (git diff tests/golden) in the same commit as the change that caused it.
# The facts that must hold whatever the stages do are asserted separately
# in tests/unit/test_golden_karlov.c.
set -u
cd "$(dirname "$0")/../.."
# The models of the checkout, as tests/run.sh sets them: a standalone
# --update must not write records made without the NER model.
: "${DATELINE_MODEL_DIR:=$PWD/models}"
export DATELINE_MODEL_DIR
. tests/cli/lib.sh
UPDATE=0
[ "${1:-}" = "--update" ] && UPDATE=1

input_of() { # NAME -> input path
  if [ -f "tests/golden/$1.txt" ]; then echo "tests/golden/$1.txt"
  else echo "examples/$1.txt"; fi
}

names=$( { for f in tests/golden/*.json tests/golden/*.txt; do
             [ -e "$f" ] || continue
             b=$(basename "$f"); echo "${b%.*}"
           done; } | sort -u)
for n in $names; do
  in=$(input_of "$n")
  exp="tests/golden/$n.json"
  if [ ! -f "$in" ]; then fail "$n" "no input $in"; continue; fi
  "$DL" annotate --compact "$in" >"$TMP/out.json" 2>"$TMP/err"
  rc=$?
  if [ "$UPDATE" -eq 1 ]; then
    cp "$TMP/out.json" "$exp"
    pass "$n (updated, exit $rc)"
    continue
  fi
  if [ ! -f "$exp" ]; then fail "$n" "no $exp (run with --update)"; continue; fi
  if [ "$rc" -ne 0 ]; then fail "$n" "exit $rc: $(head -c 200 "$TMP/err")"
  elif cmp -s "$exp" "$TMP/out.json"; then pass "$n"
  else
    fail "$n" "output differs from $exp"
    diff <(tr ',' '\n' <"$exp") <(tr ',' '\n' <"$TMP/out.json") | head -20
  fi
done
finish
