#!/usr/bin/env python3
"""Build the raw-text corpus the word-cluster tool learns from.

Writes one text segment per line, tokens separated by single spaces, case
kept, punctuation split off.  Sources (read-only, under /work/shared/data):
  news/bbc/<cat>/NNN.txt          BBC 2004-05 articles (UTF-8; one file latin-1)
  news/reuters21578/reut2-*.sgm   Reuters-21578 TITLE, DATELINE, BODY (latin-1)
  ner/conll2003/eng.train        tokens only; the NER labels are ignored (eng.testa is
                                  the dev set the models are judged on: never read)
  ner/gmb/ner_dataset.csv.zip     GMB (Voice of America news) tokens only; tags ignored
  quotes/polnear/data/train/text  PolNeAR training articles (2016 US news), text only
The output is a build artefact (the texts belong to their publishers): never
commit it.  Usage: news_corpus.py [--data DIR] [--sources a,b,...] OUT
(sources: bbc reuters conll gmb polnear; default all)
"""
import glob
import html
import os
import re
import sys

TOKEN = re.compile(r"""
    (?:[A-Za-z]\.){2,}            # U.S. U.K.
  | \d+(?:[.,:/]\d+)+             # 1,000  1.13  10:30  12/31
  | \w+(?:[-'&]\w+)*              # words, hyphenated words, O'Neill, AT&T
  | \S                            # any other single character
""", re.X)
POSS = re.compile(r"^(\w+)('[sS])$")


def tokenize(text):
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    out = []
    for m in TOKEN.finditer(text):
        t = m.group(0)
        p = POSS.match(t)
        if p:
            out.append(p.group(1))
            out.append(p.group(2))
        elif t.endswith("n't") and len(t) > 3:
            out.append(t[:-3])
            out.append("n't")
        else:
            out.append(t)
    return out


def emit(f, text):
    toks = tokenize(text)
    if toks:
        f.write(" ".join(toks))
        f.write("\n")


def bbc(f, root):
    for path in sorted(glob.glob(os.path.join(root, "news/bbc/*/*.txt"))):
        raw = open(path, "rb").read()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        for para in text.split("\n"):
            if para.strip():
                emit(f, para)


REUTERS = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
FIELD = re.compile(r"<(TITLE|DATELINE|BODY)>(.*?)</\1>", re.S)
CTRL = re.compile(r"&#\d+;")


def reuters(f, root):
    for path in sorted(glob.glob(os.path.join(root, "news/reuters21578/reut2-*.sgm"))):
        text = open(path, "rb").read().decode("latin-1")
        for doc in REUTERS.findall(text):
            for name, val in FIELD.findall(doc):
                val = html.unescape(CTRL.sub(" ", val))
                if name == "BODY":
                    val = re.sub(r"\s*Reuter\s*$", "", val.strip())
                    # paragraphs start with an indented line
                    for para in re.split(r"\n(?=\s)", val):
                        emit(f, " ".join(para.split()))
                else:
                    emit(f, " ".join(val.split()))


def conll(f, root):
    for name in ("eng.train",):   # never eng.testa: it is the dev set
        sent = []
        for line in open(os.path.join(root, "ner/conll2003", name), encoding="utf-8",
                         errors="replace"):
            cols = line.split()
            if not cols:
                if sent:
                    f.write(" ".join(sent) + "\n")
                sent = []
            elif cols[0] != "-DOCSTART-":
                sent.append(cols[0])   # token only; POS/chunk/NER columns dropped
        if sent:
            f.write(" ".join(sent) + "\n")


def gmb(f, root):
    import csv
    import io
    import zipfile
    z = zipfile.ZipFile(os.path.join(root, "ner/gmb/ner_dataset.csv.zip"))
    name = [n for n in z.namelist() if n.endswith(".csv")][0]
    text = io.TextIOWrapper(z.open(name), encoding="cp1252", errors="replace", newline="")
    rd = csv.reader(text)
    next(rd)
    sent = []
    for row in rd:
        if len(row) < 2:
            continue
        if row[0].startswith("Sentence:") and sent:
            f.write(" ".join(sent) + "\n")
            sent = []
        w = row[1].strip()
        if w and " " not in w:
            sent.append(w)        # word column only; POS and NER tag dropped
    if sent:
        f.write(" ".join(sent) + "\n")


def polnear(f, root):
    for path in sorted(glob.glob(os.path.join(root, "quotes/polnear/data/train/text/*.txt"))):
        with open(path, encoding="utf-8", errors="replace") as t:
            for para in t:
                if para.strip():
                    emit(f, para)


SOURCES = {"bbc": bbc, "reuters": reuters, "conll": conll, "gmb": gmb, "polnear": polnear}


def main(argv):
    root = "/work/shared/data"
    args = argv[1:]
    if len(args) >= 2 and args[0] == "--data":
        root = args[1]
        args = args[2:]
    names = list(SOURCES)
    if len(args) >= 2 and args[0] == "--sources":
        names = args[1].split(",")
        args = args[2:]
    if len(args) != 1 or any(n not in SOURCES for n in names):
        sys.stderr.write(__doc__)
        return 2
    os.makedirs(os.path.dirname(os.path.abspath(args[0])), exist_ok=True)
    with open(args[0], "w", encoding="utf-8") as f:
        for n in names:
            SOURCES[n](f, root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
