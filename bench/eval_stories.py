#!/usr/bin/env python3
"""eval_stories.py -- precision/recall of `dateline stories` against
bench/data/stories-gold.tsv (483 Reuters-21578 articles of 2-3 March 1987,
labelled by event; 2 March = tune half, 3 March = test half).

  python3 bench/eval_stories.py [--shared DIR] [--build DIR]
      [--split tune|test|both] [--threshold T] [--window D] [--tune]
      [--errors] [--title-j J]

Builds each half's input from ../shared/data/news/reuters21578 (JSONL in
date order: id reut-NEWID, date from <DATE>, title, text = BODY), annotates
it once (`dateline annotate --fields id,date,title,text,entities,places,
dates`, in a temporary folder), runs `dateline stories --brief` on the
records and scores the grouping against the gold labels:

  pairwise  P = share of predicted same-story pairs that are gold pairs,
            R = share of gold pairs predicted, F1;
  B-cubed   per article, P = |pred cluster & gold cluster| / |pred cluster|,
            R = the same over |gold cluster|, averaged over articles; F1.

Next to it, two baselines: every article alone (pairwise P undefined,
reported as 0 pairs), and title words (articles whose title content-word
sets have Jaccard >= J are linked, stories are the connected components;
J tuned on the tune half).

--tune: grid of --threshold (and --window) on the tune half only, prints
the scores and the best pairwise F1; the test half is then scored once
with the chosen values (pass them with --threshold/--window).
Never part of `make test`: it needs the corpus.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLD = os.path.join(ROOT, "bench", "data", "stories-gold.tsv")


def read_gold():
    gold = {}
    for line in open(GOLD):
        if line.startswith("#") or not line.strip():
            continue
        nid, split, story = line.rstrip("\n").split("\t")
        gold[int(nid)] = (split, story)
    return gold


def clean(t):
    t = re.sub(r"&#\d+;", "", t or "")
    t = t.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return t


def read_reuters(shared, want):
    root = os.path.join(shared, "data", "news", "reuters21578")
    out = {}
    for f in sorted(os.listdir(root)):
        if not f.endswith(".sgm"):
            continue
        s = open(os.path.join(root, f), "rb").read().decode("latin-1")
        for doc in s.split("</REUTERS>"):
            m = re.search(r'NEWID="(\d+)"', doc)
            if not m or int(m.group(1)) not in want:
                continue

            def tag(t):
                x = re.search(r"<%s>(.*?)</%s>" % (t, t), doc, re.S)
                return x.group(1) if x else ""
            date = datetime.datetime.strptime(
                tag("DATE").strip().split(".")[0], "%d-%b-%Y %H:%M:%S")
            body = re.sub(r"\s*Reuter\s*$", "", clean(tag("BODY")).strip())
            out[int(m.group(1))] = {
                "id": "reut-%s" % m.group(1),
                "date": date.strftime("%Y-%m-%dT%H:%M"),
                "title": re.sub(r"\s+", " ", clean(tag("TITLE"))).strip(),
                "text": body}
    return out


def pairs_of(labels):
    """Set of unordered pairs of ids sharing a label."""
    by = {}
    for i, k in labels.items():
        by.setdefault(k, []).append(i)
    ps = set()
    for v in by.values():
        v.sort()
        for a in range(len(v)):
            for b in range(a + 1, len(v)):
                ps.add((v[a], v[b]))
    return ps


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def score(pred, gold):
    """pred, gold: id -> label over the same ids."""
    pp, gp = pairs_of(pred), pairs_of(gold)
    tp = len(pp & gp)
    P = tp / len(pp) if pp else 0.0
    R = tp / len(gp) if gp else 0.0
    pc, gc = {}, {}
    for i in gold:
        pc.setdefault(pred[i], set()).add(i)
        gc.setdefault(gold[i], set()).add(i)
    bp = br = 0.0
    for i in gold:
        a, b = pc[pred[i]], gc[gold[i]]
        n = len(a & b)
        bp += n / len(a)
        br += n / len(b)
    bp /= len(gold)
    br /= len(gold)
    return {"pairs": len(pp), "tp": tp, "P": P, "R": R, "F1": f1(P, R),
            "bP": bp, "bR": br, "bF1": f1(bp, br)}


STOP = set("""a an the and or of in on at to for from by with as is are was
be will would new says said say sees see set sets up down off over after
into its it not no than vs inc corp co ltd plc""".split())


def title_words(t):
    return {w for w in re.findall(r"[a-z]+", t.lower())
            if len(w) >= 3 and w not in STOP}


def title_baseline(docs, jthr):
    ids = [d["nid"] for d in docs]
    tw = {d["nid"]: title_words(d["title"]) for d in docs}
    parent = {i: i for i in ids}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x
    for a in range(len(ids)):
        for b in range(a + 1, len(ids)):
            x, y = tw[ids[a]], tw[ids[b]]
            if x and y and len(x & y) / len(x | y) >= jthr:
                parent[find(ids[a])] = find(ids[b])
    return {i: find(i) for i in ids}


def annotate(dl, docs, work, name):
    src = os.path.join(work, name + ".jsonl")
    rec = os.path.join(work, name + ".rec.jsonl")
    with open(src, "w") as f:
        for d in docs:
            f.write(json.dumps({k: d[k] for k in ("id", "date", "title",
                                                  "text")}) + "\n")
    subprocess.run([dl, "annotate", "--threads", "2", "--fields",
                    "id,date,title,text,entities,places,dates", "-o", rec,
                    src], check=True)
    return rec


def run_stories(dl, rec, thr, win):
    cmd = [dl, "stories", "--brief", rec]
    if thr:
        cmd[2:2] = ["--threshold", str(thr)]
    if win:
        cmd[2:2] = ["--window", str(win)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    pred = {}
    for line in out.stdout.splitlines():
        j = json.loads(line)
        pred[int(j["id"][5:])] = j["story"]["id"]
    return pred


def fmt(name, s):
    return ("%-34s pairs %4d  P %.3f  R %.3f  F1 %.3f   B3 P %.3f  R %.3f"
            "  F1 %.3f" % (name, s["pairs"], s["P"], s["R"], s["F1"],
                           s["bP"], s["bR"], s["bF1"]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(ROOT),
                                                     "shared"))
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--split", default="both",
                    choices=["tune", "test", "both"])
    ap.add_argument("--threshold", type=float, default=0)
    ap.add_argument("--window", type=float, default=0)
    ap.add_argument("--title-j", type=float, default=0,
                    help="title-words baseline Jaccard (0: tune it)")
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--errors", action="store_true",
                    help="list wrong and missed pairs (use on tune only)")
    a = ap.parse_args()
    dl = os.path.join(a.build, "dateline")
    os.environ.setdefault("DATELINE_MODEL_DIR", os.path.join(ROOT, "models"))
    gold = read_gold()
    texts = read_reuters(a.shared, set(gold))
    missing = set(gold) - set(texts)
    if missing:
        sys.exit("eval_stories: %d gold ids not in the corpus" % len(missing))
    halves = {}
    for h in ("tune", "test"):
        docs = []
        for nid, (split, _) in gold.items():
            if split == h:
                d = dict(texts[nid])
                d["nid"] = nid
                docs.append(d)
        docs.sort(key=lambda d: (d["date"], d["nid"]))
        halves[h] = docs
    with tempfile.TemporaryDirectory(prefix="eval_stories.") as work:
        recs = {h: annotate(dl, halves[h], work, h) for h in halves}
        # The title baseline's J, tuned on the tune half only.
        tg = {d["nid"]: gold[d["nid"]][1] for d in halves["tune"]}
        jbest = a.title_j
        if not jbest:
            jbest = max((score(title_baseline(halves["tune"], j), tg)["F1"], j)
                        for j in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8))[1]
        if a.tune:
            print("## tune half: %d articles, %d gold pairs" %
                  (len(tg), len(pairs_of(tg))))
            best = None
            for win in (a.window,) if a.window else (0.5, 1, 3):
                for thr in (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
                            0.55, 0.6):
                    s = score(run_stories(dl, recs["tune"], thr, win), tg)
                    print(fmt("stories --threshold %.2f --window %g" %
                              (thr, win), s))
                    if best is None or s["F1"] > best[0]:
                        best = (s["F1"], thr, win)
            print("best pairwise F1 %.3f at --threshold %.2f --window %g" %
                  best)
            return
        for h in (("tune", "test") if a.split == "both" else (a.split,)):
            g = {d["nid"]: gold[d["nid"]][1] for d in halves[h]}
            print("## %s half: %d articles, %d stories, %d gold pairs" %
                  (h, len(g), len(set(g.values())), len(pairs_of(g))))
            print(fmt("baseline: each article alone", score(
                {i: i for i in g}, g)))
            print(fmt("baseline: title words J>=%.1f" % jbest, score(
                title_baseline(halves[h], jbest), g)))
            name = "dateline stories"
            if a.threshold:
                name += " --threshold %g" % a.threshold
            if a.window:
                name += " --window %g" % a.window
            pred = run_stories(dl, recs[h], a.threshold, a.window)
            print(fmt(name, score(pred, g)))
            if a.errors:
                title = {d["nid"]: d["title"] for d in halves[h]}
                pp, gp = pairs_of(pred), pairs_of(g)
                for tag, ps in (("wrong", pp - gp), ("missed", gp - pp)):
                    for x, y in sorted(ps):
                        print("%-6s %5d %-44s | %5d %s" % (
                            tag, x, title[x][:44], y, title[y][:44]))


if __name__ == "__main__":
    main()
