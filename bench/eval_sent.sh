#!/usr/bin/env bash
# bench/eval_sent.sh [BUILD] -- sentence-boundary and token evaluation of
# the tokenizer and splitter (bench/eval_sent.c) against the gold data in
# ../shared (read at run time; never committed, never read by the library).
#
#   CoNLL-2003 eng.testa   boundaries, sentences joined by a space (strict:
#                          headlines, datelines and table rows have no
#                          final punctuation and cannot be found) and by a
#                          newline (the line layout of the original wire)
#   UD English EWT dev     boundaries ("# text =" sentences joined by a
#                          space) and exact-span token agreement
#   PolNeAR dev            no gold sentences: boundaries inside attribution
#                          Content spans that no . ? ! precedes, and random
#                          samples of boundaries and of rejected candidates
#                          to check by hand (EVAL_SAMPLE, default 30)
#
# EVAL_SHOW=1 prints every false positive/negative (2: token mismatches
# too). Environment: DATELINE_SHARED (default ../shared beside the checkout).
set -eu
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${DATELINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
D=$SHARED/data
EVAL="$ROOT/$BUILD/bench/eval_sent"
[ -x "$EVAL" ] || { echo "eval_sent.sh: build first (make)" >&2; exit 2; }
"$EVAL" conll "$D/ner/conll2003/eng.testa"
"$EVAL" conll "$D/ner/conll2003/eng.testa" nl
"$EVAL" ud "$D/syntax/ud-english-ewt/en_ewt-ud-dev.conllu"
"$EVAL" polnear "$D/quotes/polnear/data/dev" "${EVAL_SAMPLE:-30}"
