#!/usr/bin/env python3
"""corpus_dup.py -- the known-copies test set for `dateline dedup`, built at
bench time from ../shared/data/news (never committed: the texts belong to
their publishers), and its scorer.

  corpus_dup.py build SHARED OUT.jsonl TRUTH.tsv [--seed N] [--reuters N]
  corpus_dup.py score OUT.jsonl TRUTH.tsv SET.jsonl [--threshold T]
  corpus_dup.py stream SHARED N [--seed N] [--dup-rate R]   (1M-doc stream)
  corpus_dup.py news SHARED      (BBC + Reuters bodies as JSONL, for speed)

build: originals = every BBC article and the first --reuters (default 4000)
Reuters-21578 BODY texts of 80 words or more. 1,200 originals (seeded) get
1-3 copies each, of these kinds (TRUTH.tsv: id, family, kind):
  exact     the same text
  header    a new header (byline / dateline / "share this" line, 8-30 words)
  footer    a new footer (copyright notice, "read more", credits, 10-40 words)
  synd      header + footer + the title dropped: a syndicated copy
  edit      light edits: ~3% of words substituted, deleted or inserted
  update    an updated version: a new lead sentence + ~2% edits
  trunc     the first 60-90% of the text, cut at a sentence end
The order of the whole set is shuffled (seeded): a copy may come before
its original.

score: an output edge (doc -> dup_of) is right when both come from one
family, or when their texts are near-duplicates by exact computation
(Jaccard or containment of 3-word shingle sets >= threshold: the corpora
hold natural duplicates, e.g. BBC stories filed twice). Precision = right
edges / edges. Recall = copies whose document got a right edge, over the
documents that should (every family member but the first in stream order).

stream: writes N JSONL documents to stdout for the 1M-document timing run:
each is 8-20 sentences drawn at random from the whole corpus (so nearly all
are distinct), and --dup-rate (default 0.2) of them are copies of an
earlier one, with a new header or footer.
"""
import json
import os
import random
import re
import sys

WORD = re.compile(r"[A-Za-z0-9]+|[\x80-\uffff]+")


def read_bbc(shared):
    root = os.path.join(shared, "data/news/bbc")
    out = []
    for cat in sorted(os.listdir(root)):
        d = os.path.join(root, cat)
        if not os.path.isdir(d):
            continue
        for f in sorted(os.listdir(d)):
            with open(os.path.join(d, f), "rb") as fh:
                t = fh.read().decode("utf-8", "replace")
            out.append(("bbc-%s-%s" % (cat, f[:-4]), t.strip()))
    return out


def read_reuters(shared, limit):
    root = os.path.join(shared, "data/news/reuters21578")
    out = []
    body = re.compile(r"<BODY>(.*?)</BODY>", re.S)
    newid = re.compile(r'NEWID="(\d+)"')
    for f in sorted(os.listdir(root)):
        if not f.endswith(".sgm"):
            continue
        with open(os.path.join(root, f), "rb") as fh:
            s = fh.read().decode("latin-1")
        for doc in s.split("</REUTERS>"):
            m = body.search(doc)
            i = newid.search(doc)
            if not m or not i:
                continue
            t = m.group(1)
            t = re.sub(r"&#\d+;", "", t).replace("&lt;", "<")
            t = t.replace("&gt;", ">").replace("&amp;", "&")
            t = re.sub(r"\s*Reuter\s*$", "", t.strip())
            if len(WORD.findall(t)) < 80:
                continue
            out.append(("reut-%s" % i.group(1), t))
            if len(out) >= limit:
                return out
    return out


NAMES = ["John Smith", "Maria Lopez", "Anna Novak", "Peter Brown", "Li Wei",
         "Sarah Jones", "Ahmed Khan", "Olga Petrova", "David Miller"]
AGENCIES = ["Reuters", "AP", "AFP", "Bloomberg", "The Herald", "Daily Post",
            "News Wire", "Globe Media"]
CITIES = ["LONDON", "NEW YORK", "PARIS", "TOKYO", "BERLIN", "MOSCOW"]
FILLER = ("the council said on Tuesday that further talks were planned with "
          "officials from several departments before the end of the month "
          "and that no decision had yet been taken on the proposals").split()


def header(rng):
    k = rng.randrange(4)
    n, a, c = rng.choice(NAMES), rng.choice(AGENCIES), rng.choice(CITIES)
    d = "%d %s 20%02d" % (rng.randint(1, 28), rng.choice(
        ["January", "March", "June", "October"]), rng.randint(0, 24))
    if k == 0:
        return "By %s, %s | Published %s | Updated %02d:%02d GMT\n\n" % (
            n, a, d, rng.randint(0, 23), rng.randint(0, 59))
    if k == 1:
        return "%s (%s) -- " % (c, a)
    if k == 2:
        return ("Share this article: Facebook Twitter Email WhatsApp\n"
                "Posted by %s on %s\n\n" % (n, d))
    return "%s NEWS SERVICE\nFiled %s by %s, staff correspondent\n\n" % (
        a.upper(), d, n)


def footer(rng):
    k = rng.randrange(4)
    a, n = rng.choice(AGENCIES), rng.choice(NAMES)
    if k == 0:
        return ("\n\nCopyright %d %s. All rights reserved. This material may "
                "not be published, broadcast, rewritten or redistributed." % (
                    rng.randint(1990, 2024), a))
    if k == 1:
        return ("\n\nRead more: https://www.%s.example/news/%d\nFollow us on "
                "Twitter and sign up for our daily newsletter." % (
                    a.lower().replace(" ", ""), rng.randint(1000, 99999)))
    if k == 2:
        return "\n\n(Additional reporting by %s; Editing by %s)" % (
            n, rng.choice(NAMES))
    return ("\n\nRelated stories\n- Markets close higher\n- Weather warning "
            "issued\n- %s announces new chief\nComments are closed." % a)


def edit(rng, text, rate):
    toks = text.split(" ")
    out = []
    for t in toks:
        r = rng.random()
        if r < rate / 3:
            continue  # delete
        if r < 2 * rate / 3:
            out.append(rng.choice(FILLER))  # substitute
            continue
        out.append(t)
        if r < rate:
            out.append(rng.choice(FILLER))  # insert
    return " ".join(out)


def truncate(rng, text):
    frac = rng.uniform(0.6, 0.9)
    cut = int(len(text) * frac)
    end = text.rfind(". ", 0, cut)
    if end > len(text) * 0.5:
        cut = end + 1
    return text[:cut]


def drop_title(text):
    parts = text.split("\n", 1)
    return parts[1].lstrip() if len(parts) == 2 and len(parts[0]) < 120 else text


KINDS = ["exact", "header", "footer", "synd", "edit", "update", "trunc"]


def copy_of(rng, text, kind):
    if kind == "exact":
        return text
    if kind == "header":
        return header(rng) + text
    if kind == "footer":
        return text + footer(rng)
    if kind == "synd":
        return header(rng) + drop_title(text) + footer(rng)
    if kind == "edit":
        return edit(rng, text, 0.03)
    if kind == "update":
        lead = ("UPDATE %d - Officials gave new figures on %s, the latest "
                "in a series of statements. " % (rng.randint(1, 5),
                                                  rng.choice(["Monday",
                                                              "Friday"])))
        return lead + edit(rng, text, 0.02)
    return truncate(rng, text)


def build(argv):
    shared, out, truth = argv[0], argv[1], argv[2]
    seed = int(opt(argv, "--seed", "9"))
    rng = random.Random(seed)
    docs = read_bbc(shared) + read_reuters(shared, int(opt(argv, "--reuters",
                                                           "4000")))
    chosen = rng.sample(range(len(docs)), 1200)
    rows = [(i, t, i, "orig") for i, t in docs]
    for c in chosen:
        oid, text = docs[c]
        for k in range(rng.randint(1, 3)):
            kind = rng.choice(KINDS)
            rows.append(("%s~%d" % (oid, k), copy_of(rng, text, kind), oid,
                         kind))
    rng.shuffle(rows)
    with open(out, "w") as fo, open(truth, "w") as ft:
        for i, t, fam, kind in rows:
            fo.write(json.dumps({"id": i, "text": t}) + "\n")
            ft.write("%s\t%s\t%s\n" % (i, fam, kind))
    print("built %d documents (%d originals, %d copies)" % (
        len(rows), len(docs), len(rows) - len(docs)), file=sys.stderr)


def shingles(text, w=3):
    ws = [x.lower() for x in WORD.findall(text)]
    if len(ws) < w:
        return {" ".join(ws)} if ws else set()
    return {" ".join(ws[i:i + w]) for i in range(len(ws) - w + 1)}


def near(a, b, thr):
    if not a or not b:
        return False
    inter = len(a & b)
    j = inter / len(a | b)
    small, big = min(len(a), len(b)), max(len(a), len(b))
    c = inter / small if small >= 20 and small * 4 >= big else 0
    return max(j, c) >= thr


def score(argv):
    outp, truthp, setp = argv[0], argv[1], argv[2]
    thr = float(opt(argv, "--threshold", "0.7"))
    fam, kind = {}, {}
    for line in open(truthp):
        i, f, k = line.rstrip("\n").split("\t")
        fam[i], kind[i] = f, k
    text = {}
    for line in open(setp):
        o = json.loads(line)
        text[o["id"]] = o["text"]
    order, dup = [], {}
    for line in open(outp):
        o = json.loads(line)
        order.append(o["id"])
        if o.get("dup_of") is not None:
            dup[o["id"]] = o["dup_of"]
    cache = {}

    def sh(i):
        if i not in cache:
            cache[i] = shingles(text[i])
        return cache[i]

    right_edge, natural = {}, 0
    for d, o in dup.items():
        same = fam[d] == fam[o]
        if not same and near(sh(d), sh(o), thr):
            natural += 1
            same = True
        right_edge[d] = same
    edges = len(dup)
    good = sum(1 for v in right_edge.values() if v)
    seen, should, found = set(), 0, 0
    miss_kind, all_kind = {}, {}
    for d in order:
        f = fam[d]
        if f in seen:
            should += 1
            k = kind[d] if kind[d] != "orig" else "orig-after-copy"
            all_kind[k] = all_kind.get(k, 0) + 1
            if right_edge.get(d):
                found += 1
            else:
                miss_kind[k] = miss_kind.get(k, 0) + 1
        seen.add(f)
    p = good / edges if edges else 1.0
    r = found / should if should else 1.0
    print("documents %d, edges %d (right %d, of which natural duplicates %d)"
          % (len(order), edges, good, natural))
    print("precision %.4f  recall %.4f  (%d of %d copies found)" % (
        p, r, found, should))
    print("missed by kind: " + ", ".join(
        "%s %d/%d" % (k, miss_kind.get(k, 0), all_kind[k])
        for k in sorted(all_kind)))
    wrong = [(d, o) for d, o in dup.items() if not right_edge[d]][:5]
    for d, o in wrong:
        print("  wrong edge: %s -> %s" % (d, o))


def sentences(shared):
    out = []
    for _, t in read_bbc(shared) + read_reuters(shared, 100000):
        for s in re.split(r"(?<=[.!?])\s+", t.replace("\n", " ")):
            if len(s) > 30:
                out.append(s)
    return out


def stream(argv):
    shared, n = argv[0], int(argv[1])
    rng = random.Random(int(opt(argv, "--seed", "7")))
    rate = float(opt(argv, "--dup-rate", "0.2"))
    sents = sentences(shared)
    recent = []
    w = sys.stdout.write
    for i in range(n):
        if recent and rng.random() < rate:
            base = rng.choice(recent)
            t = header(rng) + base if rng.random() < 0.5 else base + footer(rng)
        else:
            t = " ".join(rng.choice(sents) for _ in range(rng.randint(8, 20)))
            if len(recent) < 5000:
                recent.append(t)
            else:
                recent[rng.randrange(5000)] = t
        w('{"id":"s%d","text":%s}\n' % (i, json.dumps(t)))


def news(argv):
    for i, t in read_bbc(argv[0]) + read_reuters(argv[0], 100000):
        sys.stdout.write(json.dumps({"id": i, "text": t}) + "\n")


def opt(argv, name, default):
    return argv[argv.index(name) + 1] if name in argv else default


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "build":
        build(sys.argv[2:])
    elif cmd == "score":
        score(sys.argv[2:])
    elif cmd == "stream":
        stream(sys.argv[2:])
    elif cmd == "news":
        news(sys.argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
