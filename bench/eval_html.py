#!/usr/bin/env python3
"""Scores HTML main-text extraction (bench only, never CI).

Sets (see their SOURCE.txt under shared/data/html):
  zyte          61 pages with gold article bodies. Score of the Zyte
                article-extraction benchmark (its evaluate.py): word
                4-gram shingles of \\w+ tokens, per-page TP/FP/FN
                normalized to sum 1, precision and recall averaged over
                pages, F1 of the two averages.
  trafilatura   990 pages with "with" snippets (must be in the text) and
                "without" snippets (must not be): precision, recall, F1
                and accuracy over snippets, as trafilatura's own
                evaluation counts them; plus title, author and date
                accuracy on the pages that have gold metadata.

Systems:
  ours          build/bench/bench_html (in-process, timed on CPU)
  readability   @mozilla/readability with jsdom (bench/peers-html, node)

Usage:
  bench/eval_html.py [--set zyte|trafilatura|both] [--system ours|readability|both]
                     [--errors N] [--keep DIR]
"""
import argparse, collections, glob, gzip, json, os, re, subprocess, sys, tempfile, time, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("DATELINE_SHARED", os.path.join(os.path.dirname(ROOT), "shared"))
if not os.path.isdir(os.path.join(DATA, "data")):
    DATA = "/work/shared"
ZYTE = os.path.join(DATA, "data/html/zyte-dev")
TRAF = os.path.join(DATA, "data/html/trafilatura-eval")
TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text, n=4):
    toks = TOKEN.findall(text or "")
    out = collections.Counter()
    for i in range(0, max(1, len(toks) - n + 1)):
        sh = tuple(toks[i:i + n])
        if sh:
            out[sh] += 1
    return out


def shingle_tp_fp_fn(true, pred):
    t, p = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for k in set(t) | set(p):
        a, b = t.get(k, 0), p.get(k, 0)
        tp += min(a, b)
        fp += max(0, b - a)
        fn += max(0, a - b)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def zyte_metrics(rows):
    def prec(tp, fp, fn):
        if fp == fn == 0: return 1.0
        if tp == fp == 0: return 0.0
        return tp / (tp + fp)
    def rec(tp, fp, fn):
        if fp == fn == 0: return 1.0
        if tp == fn == 0: return 0.0
        return tp / (tp + fn)
    ps = [prec(*r) for r in rows if r[0] + r[1] > 0]
    rs = [rec(*r) for r in rows if r[0] + r[2] > 0]
    P = sum(ps) / len(ps) if ps else 0.0
    R = sum(rs) / len(rs) if rs else 0.0
    return P, R, (2 * P * R / (P + R) if P + R else 0.0)


def run_ours(files, out, repeat=1):
    binp = os.path.join(ROOT, "build/bench/bench_html")
    r = subprocess.run([binp, "--repeat", str(repeat), "--out", out] + files,
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr)
    sys.stderr.write(r.stderr)
    m = re.search(r"([\d.]+) pages/s", r.stderr)
    recs = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            key = d.get("file") or d.get("id")
            meta = d.get("meta", {})
            recs[key] = {"text": d.get("text", ""), "title": d.get("title"),
                         "authors": meta.get("authors", []),
                         "date": meta.get("published") or (d.get("date") if d.get("date_source") == "meta" else None)}
    return recs, float(m.group(1)) if m else 0.0


def run_readability(files, out):
    peer = os.path.join(ROOT, "bench/peers-html")
    if not os.path.isdir(os.path.join(peer, "node_modules")):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=peer, check=True,
                       stdout=subprocess.DEVNULL)
    lst = out + ".files"
    with open(lst, "w") as f:
        f.write("\n".join(files))
    r = subprocess.run(["node", os.path.join(peer, "readability.js"), lst, out],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(r.stderr)
    sys.stderr.write(r.stderr)
    m = re.search(r"([\d.]+) pages/s", r.stderr)
    recs = {}
    with open(out, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            recs[d["file"]] = {"text": d.get("text") or "", "title": d.get("title"),
                               "authors": [d["byline"]] if d.get("byline") else [],
                               "date": d.get("published")}
    return recs, float(m.group(1)) if m else 0.0


def norm(s):
    if isinstance(s, list):
        s = "; ".join(s)
    s = unicodedata.normalize("NFKC", s or "").lower()
    return " ".join(re.findall(r"\w+", s))


def eval_zyte(system, tmp, errors):
    gt = json.load(open(os.path.join(ZYTE, "ground-truth.json"), encoding="utf-8"))
    files = [os.path.join(ZYTE, "html", k + ".html.gz") for k in sorted(gt)]
    out = os.path.join(tmp, f"zyte-{system}.jsonl")
    recs, speed = (run_ours(files, out, repeat=5) if system == "ours" else run_readability(files, out))
    rows = []
    per = []
    for k, f in zip(sorted(gt), files):
        pred = recs.get(f, {}).get("text", "")
        r = shingle_tp_fp_fn(gt[k].get("articleBody", ""), pred)
        rows.append(r)
        P, R, F = zyte_metrics([r])
        per.append((F, P, R, k))
    P, R, F = zyte_metrics(rows)
    print(f"zyte-dev {system:12s} pages={len(rows)}  precision={P:.3f} recall={R:.3f} F1={F:.3f}  speed={speed:.1f} pages/s")
    for F1, P1, R1, k in sorted(per)[:errors]:
        print(f"   {F1:.3f} P={P1:.3f} R={R1:.3f} {k}")
    return F, speed


def eval_traf(system, tmp, errors):
    gold = json.load(open(os.path.join(TRAF, "evaldata.json"), encoding="utf-8"))
    files, keys = [], []
    for url, g in gold.items():
        for sub in ("eval", "cache"):
            p = os.path.join(TRAF, "html", sub, g["file"] + ".gz")
            if os.path.exists(p):
                files.append(p)
                keys.append(url)
                break
    out = os.path.join(tmp, f"traf-{system}.jsonl")
    recs, speed = (run_ours(files, out) if system == "ours" else run_readability(files, out))
    tp = fp = tn = fn = 0
    meta = {"title": [0, 0], "author": [0, 0], "date": [0, 0]}
    bad = []
    for url, f in zip(keys, files):
        g = gold[url]
        r = recs.get(f, {"text": ""})
        text = " ".join((r.get("text") or "").split())
        miss = 0
        for s in g.get("with", []):
            if " ".join(s.split()) in text: tp += 1
            else:
                fn += 1
                miss += 1
        for s in g.get("without", []):
            if " ".join(s.split()) in text:
                fp += 1
                miss += 1
            else: tn += 1
        bad.append((miss, url))
        if g.get("title") is not None:
            meta["title"][1] += 1
            meta["title"][0] += norm(r.get("title")) == norm(g["title"])
        if g.get("author") is not None:
            meta["author"][1] += 1
            got = "; ".join(r.get("authors") or [])
            meta["author"][0] += norm(got) == norm(g["author"])
        if g.get("date") is not None:
            meta["date"][1] += 1
            meta["date"][0] += (r.get("date") or "")[:10] == g["date"][:10]
    P = tp / (tp + fp) if tp + fp else 0
    R = tp / (tp + fn) if tp + fn else 0
    F = 2 * P * R / (P + R) if P + R else 0
    A = (tp + tn) / (tp + tn + fp + fn)
    print(f"trafilatura {system:12s} pages={len(files)}  precision={P:.3f} recall={R:.3f} F1={F:.3f} accuracy={A:.3f}  speed={speed:.1f} pages/s")
    print("   metadata accuracy: " + "  ".join(f"{k}={v[0]}/{v[1]} ({v[0]/max(1,v[1]):.3f})" for k, v in meta.items()))
    for miss, url in sorted(bad, reverse=True)[:errors]:
        print(f"   {miss} misses {url}")
    return F, speed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default="both", choices=["zyte", "trafilatura", "both"])
    ap.add_argument("--system", default="ours", choices=["ours", "readability", "both"])
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--keep", default=None)
    a = ap.parse_args()
    tmp = a.keep or tempfile.mkdtemp(prefix="eval_html.")
    os.makedirs(tmp, exist_ok=True)
    systems = ["ours", "readability"] if a.system == "both" else [a.system]
    res = {}
    for s in systems:
        if a.set in ("zyte", "both"): res[("zyte", s)] = eval_zyte(s, tmp, a.errors)
        if a.set in ("trafilatura", "both"): res[("traf", s)] = eval_traf(s, tmp, a.errors)
    for st in ("zyte", "traf"):
        if (st, "ours") in res and (st, "readability") in res and res[(st, "readability")][1]:
            print(f"{st}: speed ratio ours/readability = {res[(st, 'ours')][1] / res[(st, 'readability')][1]:.1f}x")


if __name__ == "__main__":
    main()
