#!/usr/bin/env python3
"""Scores the quote stage on PolNeAR (brat standoff, code-point offsets).

Usage (from the repository root, after make):
    python3 bench/eval_quotes.py [--split dev|train] [--data DIR]
                                 [--bin build/dateline] [--show N]

Runs `dateline annotate --format jsonl --offsets chars --fields quotes` once
over every text of the split (one JSONL line per text) and compares the
quotes with the gold attributions of the first annotator of each text
(sorted file names; some texts have two annotators).

Gold classes. An attribution is *direct* when its Content is wholly in
quote marks: its first fragment starts at a quote mark (or right after
one) and its last fragment ends at one (or right before one). Every other
attribution is *indirect* here (PolNeAR has no partial class: a partial
quote is part of an indirect attribution's Content).

Scores (overlap match: two spans match when they share a code point;
discontinuous gold fragments count as one attribution):
  direct   P = system direct quotes overlapping some gold Content
               / system direct quotes
           R = gold direct attributions overlapped by a system quote
               (direct or partial) / gold direct attributions
  +speaker the same, counting a match only when the system speaker span
           overlaps that attribution's gold Source (both absent counts)
  all      every system quote against every gold attribution
  indirect system indirect quotes against gold indirect attributions
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

OPEN_Q = "\"“„«‘'`"
CLOSE_Q = "\"”»’'"


def parse_ann(path):
    spans, attrs = {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < 2:
                continue
            if p[0].startswith("T"):
                head = p[1].split(" ", 1)
                if len(head) < 2:
                    continue
                frags = []
                for part in head[1].split(";"):
                    nums = re.findall(r"\d+", part)
                    if len(nums) >= 2:
                        frags.append((int(nums[0]), int(nums[1])))
                if frags:
                    spans[p[0]] = (head[0], frags)
            elif p[0].startswith("E"):
                roles = {}
                for r in p[1].split():
                    if ":" in r:
                        k, v = r.split(":", 1)
                        roles[k] = v
                attrs.append(roles)
    out = []
    for roles in attrs:
        c = roles.get("Content")
        if c not in spans:
            continue
        src = spans.get(roles.get("Source"), (None, []))[1]
        cue = spans.get(roles.get("Cue"), (None, []))[1]
        out.append({"content": spans[c][1], "source": src, "cue": cue})
    return out


def is_direct(text, frags):
    s, e = frags[0][0], frags[-1][1]
    body = text[s:e]
    st = body.lstrip()
    en = body.rstrip()
    starts = (st[:1] in OPEN_Q) or (s > 0 and text[s - 1] in OPEN_Q)
    ends = (en[-1:] in CLOSE_Q) or (e < len(text) and text[e] in CLOSE_Q) \
        or (en[-1:] in ".,!?" and len(en) >= 2 and en[-2] in CLOSE_Q) \
        or (e + 1 < len(text) and text[e] in ".,!?" and
            text[e + 1] in CLOSE_Q)
    return starts and ends


def overlap(a, b):
    return a[0] < b[1] and b[0] < a[1]


def any_overlap(frags, span):
    return any(overlap(f, span) for f in frags)


def load(split, data):
    base = os.path.join(data, split)
    anns = sorted(glob.glob(os.path.join(base, "attributions", "*.ann")))
    docs, seen = [], set()
    for a in anns:
        name = os.path.basename(a).rsplit("_", 1)[0]
        if name in seen:
            continue
        seen.add(name)
        with open(os.path.join(base, "text", name + ".txt"),
                  encoding="utf-8") as f:
            text = f.read()
        gold = parse_ann(a)
        for g in gold:
            g["direct"] = is_direct(text, g["content"])
        docs.append({"id": name, "text": text, "gold": gold})
    return docs


def run(docs, binary):
    inp = "".join(json.dumps({"id": d["id"], "text": d["text"]}) + "\n"
                  for d in docs)
    r = subprocess.run([binary, "annotate", "--format", "jsonl", "--offsets",
                        "chars", "--fields", "quotes", "--compact"],
                       input=inp.encode(), stdout=subprocess.PIPE,
                       check=False)
    lines = r.stdout.decode().splitlines()
    if len(lines) != len(docs):
        sys.exit("eval_quotes: %d records for %d texts" %
                 (len(lines), len(docs)))
    for d, line in zip(docs, lines):
        rec = json.loads(line)
        d["sys"] = rec.get("quotes", [])


def spk_ok(q, g):
    sp = q.get("speaker")
    if not g["source"]:
        return sp is None
    if not sp:
        return False
    s = (sp["span"]["start"], sp["span"]["end"])
    return any_overlap(g["source"], s)


def score(docs, sys_kinds, gold_pred, rec_kinds):
    """Returns (sys_n, sys_ok, sys_ok_spk, gold_n, gold_ok, gold_ok_spk)."""
    sn = so = sos = gn = go = gos = 0
    for d in docs:
        golds = [g for g in d["gold"]]
        for q in d["sys"]:
            if q["kind"] not in sys_kinds:
                continue
            sn += 1
            span = (q["span"]["start"], q["span"]["end"])
            hits = [g for g in golds if any_overlap(g["content"], span)]
            if hits:
                so += 1
                if any(spk_ok(q, g) for g in hits):
                    sos += 1
        for g in golds:
            if not gold_pred(g):
                continue
            gn += 1
            hits = [q for q in d["sys"] if q["kind"] in rec_kinds and
                    any_overlap(g["content"],
                                (q["span"]["start"], q["span"]["end"]))]
            if hits:
                go += 1
                if any(spk_ok(q, g) for q in hits):
                    gos += 1
    return sn, so, sos, gn, go, gos


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev")
    ap.add_argument("--data",
                    default="/work/shared/data/quotes/polnear/data")
    ap.add_argument("--bin", default="build/dateline")
    ap.add_argument("--show", type=int, default=0,
                    help="print N direct-quote errors")
    a = ap.parse_args()
    docs = load(a.split, a.data)
    run(docs, a.bin)
    ng = sum(len(d["gold"]) for d in docs)
    nd = sum(1 for d in docs for g in d["gold"] if g["direct"])
    print("PolNeAR %s: %d texts, %d gold attributions (%d direct)" %
          (a.split, len(docs), ng, nd))
    rows = [
        ("direct", {"direct"}, lambda g: g["direct"], {"direct", "partial"}),
        ("all", {"direct", "partial", "indirect"}, lambda g: True,
         {"direct", "partial", "indirect"}),
        ("indirect", {"indirect"}, lambda g: not g["direct"],
         {"indirect", "partial"}),
    ]
    print("%-9s %6s %7s %7s %7s %7s %6s" %
          ("class", "sys", "P", "P+spk", "R", "R+spk", "gold"))
    for name, sk, gp, rk in rows:
        sn, so, sos, gn, go, gos = score(docs, sk, gp, rk)
        print("%-9s %6d %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6d" %
              (name, sn, pct(so, sn), pct(sos, sn), pct(go, gn),
               pct(gos, gn), gn))
    if a.show:
        shown = 0
        for d in docs:
            t = d["text"]
            for q in d["sys"]:
                if q["kind"] != "direct":
                    continue
                span = (q["span"]["start"], q["span"]["end"])
                hits = [g for g in d["gold"]
                        if any_overlap(g["content"], span)]
                ok = hits and any(spk_ok(q, g) for g in hits)
                if ok or shown >= a.show:
                    continue
                shown += 1
                sp = q.get("speaker")
                gs = [t[s:e] for g in hits for s, e in g["source"]]
                print("--- %s\n  ctx: %r\n  sys speaker: %r  gold: %r"
                      % (d["id"], t[max(0, span[0] - 90):span[0]] + "[[" +
                         t[span[0]:span[1]][:60] + "]]" +
                         t[span[1]:span[1] + 90],
                         sp and t[sp["span"]["start"]:sp["span"]["end"]],
                         gs if hits else "NO GOLD"))
            for g in d["gold"]:
                if not g["direct"] or shown >= a.show:
                    continue
                hits = [q for q in d["sys"] if q["kind"] != "indirect" and
                        any_overlap(g["content"],
                                    (q["span"]["start"], q["span"]["end"]))]
                if hits:
                    continue
                shown += 1
                s, e = g["content"][0][0], g["content"][-1][1]
                print("--- %s MISSED\n  %.160r" % (d["id"], t[max(0, s - 60):e + 60]))


if __name__ == "__main__":
    main()
