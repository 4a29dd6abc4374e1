#!/usr/bin/env bash
# gen_idf.sh -- rebuilds src/keywords_idf.c (stem document frequencies)
# from Reuters-21578 and the BBC sport and tech articles under
# $SHARED_DATA (default ../shared/data). The BBC business, entertainment
# and politics articles are left out: the summary is judged on them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED_DATA=${SHARED_DATA:-$ROOT/../shared/data}
export ROOT
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -o "$TMP/gen_idf" "$ROOT/tools/gen/gen_idf.c" -lstemmer
python3 - "$SHARED_DATA" > "$TMP/docs.txt" <<'PY'
import glob, html, os, re, sys
sys.path.insert(0, os.path.join(os.environ.get("ROOT", "."), "tools/gen"))
from news_corpus import tokenize, REUTERS, FIELD, CTRL
root = sys.argv[1]
def emit(text):
    toks = tokenize(text)
    if toks:
        print(" ".join(toks))
for cat in ("sport", "tech"):
    for path in sorted(glob.glob(os.path.join(root, "news/bbc", cat, "*.txt"))):
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        emit(" ".join(text.split()))
for path in sorted(glob.glob(os.path.join(root, "news/reuters21578/reut2-*.sgm"))):
    text = open(path, "rb").read().decode("latin-1")
    for doc in REUTERS.findall(text):
        parts = [html.unescape(CTRL.sub(" ", v)) for n, v in FIELD.findall(doc)]
        body = " ".join(" ".join(parts).split())
        if body:
            emit(body)
PY
"$TMP/gen_idf" < "$TMP/docs.txt" > "$ROOT/src/keywords_idf.c"
echo "src/keywords_idf.c: $(grep -c '^  {' "$ROOT/src/keywords_idf.c") stems, $(wc -l < "$TMP/docs.txt") documents"
