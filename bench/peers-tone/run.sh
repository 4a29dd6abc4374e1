#!/usr/bin/env bash
# bench/peers-tone/run.sh [BUILD] [ARTICLES] -- dateline's tone stage and
# npm vader-sentiment (the JavaScript VADER) on the same sentences:
# agreement and speed, side by side.
#
#   1. Sentences: the first ARTICLES (default 400) BBC articles of
#      ../shared/data/news/bbc, split by `dateline annotate --fields
#      sentences` (the same sentences for both tools), one a line.
#   2. Ours: build/bench/bench_told lines (each sentence annotated as its
#      own document with DL_FIELD_TONE: cleaning, tokens, sentence split,
#      words, tone) -- the per-sentence compound score.
#   3. vader-sentiment 1.1.3, installed here by `npm install` (never in CI):
#      polarity_scores(sentence).compound.
#   4. Agreement: the three VADER classes (compound >= 0.05 positive,
#      <= -0.05 negative, else neutral), the sign agreement where both are
#      non-neutral, Pearson r and the mean absolute difference.
# Timings are printed, never asserted.
set -eu
BUILD=${1:-build}
N=${2:-400}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHARED=${DATELINE_SHARED:-$(cd "$ROOT/.." && pwd)/shared}
HERE=$ROOT/bench/peers-tone
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x "$ROOT/$BUILD/bench/bench_told" ] || { echo "build first (make)" >&2; exit 2; }
[ -d "$HERE/node_modules/vader-sentiment" ] ||
  (cd "$HERE" && npm install --no-audit --no-fund --silent >/dev/null)
ls "$SHARED"/data/news/bbc/*/*.txt | head -n "$N" > "$TMP/files"
DATELINE_MODEL_DIR=$ROOT/models xargs "$ROOT/$BUILD/dateline" annotate \
  --compact --fields id,sentences < "$TMP/files" > "$TMP/sent.jsonl"
python3 - "$TMP/sent.jsonl" > "$TMP/sents.txt" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    raw = open(r["id"], "rb").read()
    for s in r["sentences"]:
        t = raw[s["start"]:s["end"]].decode("utf-8", "replace")
        t = " ".join(t.split())
        if t:
            print(t)
PY
DATELINE_MODEL_DIR=$ROOT/models "$ROOT/$BUILD/bench/bench_told" lines \
  "$TMP/sents.txt" > "$TMP/ours.txt"
node "$HERE/vader.js" "$TMP/sents.txt" > "$TMP/vader.txt"
python3 - "$TMP/ours.txt" "$TMP/vader.txt" <<'PY'
import sys
a = [float(x) for x in open(sys.argv[1])]
b = [float(x) for x in open(sys.argv[2])]
assert len(a) == len(b), (len(a), len(b))
cls = lambda x: 1 if x >= 0.05 else (-1 if x <= -0.05 else 0)
n = len(a)
agree = sum(cls(x) == cls(y) for x, y in zip(a, b))
both = [(x, y) for x, y in zip(a, b) if cls(x) and cls(y)]
sign = sum(cls(x) == cls(y) for x, y in both)
ma, mb = sum(a) / n, sum(b) / n
cov = sum((x - ma) * (y - mb) for x, y in zip(a, b))
va = sum((x - ma) ** 2 for x in a) ** 0.5
vb = sum((y - mb) ** 2 for y in b) ** 0.5
print("sentences %d" % n)
print("3-class agreement (pos/neu/neg at +-0.05): %.1f%%" % (100.0 * agree / n))
print("sign agreement where both are non-neutral: %.1f%% of %d" % (100.0 * sign / max(1, len(both)), len(both)))
print("Pearson r: %.3f   mean |difference|: %.3f" % (cov / (va * vb), sum(abs(x - y) for x, y in zip(a, b)) / n))
PY
