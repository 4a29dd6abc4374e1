#!/bin/sh
# Rebuilds data/clusters.tsv from the raw news in ../shared/data (about two
# minutes on one core).  From the repository root:
#   tools/gen/build_clusters.sh
# The tokenised corpus and the tool binary go to build/lex/ (never commit
# them: the texts belong to their publishers).
set -eu
SHARED_DATA=${SHARED_DATA:-/work/shared/data}
OUT=${OUT:-data/clusters.tsv}
CC=${CC:-cc}
mkdir -p build/lex
$CC -O3 -ffp-contract=off -std=c11 -Wall -Wextra -o build/lex/clusters tools/gen/clusters.c -lm
python3 tools/gen/news_corpus.py --data "$SHARED_DATA" build/lex/corpus.txt
build/lex/clusters --min-count 3 --contexts 1000 --k 1000 --dim 200 --seed 3 \
  --probe Putin --probe Moscow --probe Reuters --probe Monday --probe million \
  build/lex/corpus.txt "$OUT"
