#!/usr/bin/env bash
# corpus_idf.sh -- a corpus's own stem document frequencies for keywords
# and summary ("corpus-level IDF when a corpus is given", issue 8).
#
#   tools/gen/corpus_idf.sh CORPUS.jsonl > MODEL_DIR/idf.tsv
#
# CORPUS.jsonl: the input of `dateline annotate` (one {"text": ...} a
# line; "title" is counted with its text). Each document's words are
# tokenized as tools/gen/news_corpus.py does for the built-in table,
# lower-cased and stemmed with libstemmer's English stemmer; each stem
# counts once per document (tools/gen/gen_idf.c --tsv). A model folder
# holding idf.tsv makes the library use it instead of the built-in table
# (src/keywords_idf.c); dl_model_resources() then names "idf".
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 CORPUS.jsonl > MODEL_DIR/idf.tsv" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export ROOT
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -o "$TMP/gen_idf" "$ROOT/tools/gen/gen_idf.c" -lstemmer
python3 - "$1" <<'PY' | "$TMP/gen_idf" --tsv
import json, os, sys
sys.path.insert(0, os.path.join(os.environ["ROOT"], "tools/gen"))
from news_corpus import tokenize
with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
    for line in f:
        line = line.strip()
        if not line:
            continue
        try:
            r = json.loads(line)
        except ValueError:
            continue
        text = " ".join(x for x in (r.get("title"), r.get("text")) if x)
        toks = tokenize(" ".join(text.split()))
        if toks:
            print(" ".join(toks))
PY
