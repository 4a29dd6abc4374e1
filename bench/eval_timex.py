#!/usr/bin/env python3
"""TempEval-3 style scoring of temporal expressions (bench only, never CI).

Reads the gold TIMEX3 of TempEval-3 TBAQ-cleaned (TimeML .tml) or of
MEANTIME English (CAT XML), writes every document as one JSONL line
{"id", "text", "date": DCT}, runs our binary on it

    dateline annotate --format jsonl --fields dates --offsets chars

and aligns the system's `dates` with the gold by character offsets.
Measures (TempEval-3, UzZaman et al. 2013):
  strict span P/R/F1   exact start and end
  relaxed span P/R/F1  any overlap (one-to-one, greedy in text order)
  value accuracy       correct values among relaxed matches
  value F1             relaxed F1 x value accuracy (TE3 "value F1")
  type accuracy        correct TIMEX3 types among relaxed matches
The document creation time itself is not scored (gold DCT excluded; in
MEANTIME, where the DCT is a line of the text, system expressions on it are
dropped too; MEANTIME annotates TIMEX3 in sentences 0..5 only, so the
scored region ends there). Week values are compared with their week number
unpadded (TimeBank writes both 2000-W7 and 1999-W07); decade and century
values by their digits (TimeML 199, TIMEX2 199X, some gold 19XX).

Usage:
  bench/eval_timex.py [--corpus tempeval3|meantime] [--bin build/dateline]
                      [--errors N] [--system ours|chrono]
                      [--dump-jsonl FILE]   (write the input JSONL and exit)
Prints the scores, the wall time of the system run and documents/second.
"""
import argparse, glob, html, json, os, re, subprocess, sys, time
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("DATELINE_SHARED",
                      os.path.join(os.path.dirname(ROOT), "shared"))
if not os.path.isdir(os.path.join(DATA, "data")):
    DATA = "/work/shared"
TE3 = os.path.join(DATA, "data/time/tempeval3/Training/TBAQ-cleaned")
MT = os.path.join(DATA, "data/time/meantime-en/intra_cross-doc_annotation")


def load_tempeval3():
    docs = []
    for f in sorted(glob.glob(os.path.join(TE3, "*", "*.tml"))):
        s = open(f, encoding="utf-8").read()
        dct = re.search(r'<DCT>\s*<TIMEX3[^>]*value="([^"]*)"', s).group(1)
        body = s[s.index("<TEXT>") + 6:s.index("</TEXT>")]
        text, gold, stack = [], [], []
        pos, n = 0, 0
        for m in re.finditer(r"<(/?)(\w+)([^>]*)>|([^<]+)", body):
            if m.group(4) is not None:
                t = html.unescape(m.group(4))
                text.append(t)
                n += len(t)
                continue
            if m.group(2) != "TIMEX3":
                continue
            if m.group(1) == "":
                a = m.group(3)
                val = re.search(r'value="([^"]*)"', a)
                typ = re.search(r'type="([^"]*)"', a)
                stack.append((n, val.group(1) if val else "",
                              typ.group(1) if typ else ""))
            else:
                st, val, typ = stack.pop()
                gold.append((st, n, val, typ))
        docs.append({"id": os.path.basename(f), "text": "".join(text),
                     "dct": dct, "gold": gold, "skip": []})
    return docs


NOSPACE_BEFORE = {",", ".", ";", ":", ")", "'s", "n't", "%", "?", "!", "'",
                  "''", "]", "'re", "'ve", "'ll", "'d", "'m"}
NOSPACE_AFTER = {"(", "$", "``", "["}


def load_meantime():
    docs = []
    for f in sorted(glob.glob(os.path.join(MT, "corpus_*", "*.xml"))):
        root = ET.parse(f).getroot()
        toks = root.findall("token")
        text, offs, prev_sent, prev_tok = [], {}, None, None
        n = 0
        for t in toks:
            w = t.text or ""
            sent = t.get("sentence")
            if prev_sent is not None:
                if sent != prev_sent:
                    sep = "\n"
                elif w in NOSPACE_BEFORE or prev_tok in NOSPACE_AFTER:
                    sep = ""
                else:
                    sep = " "
                text.append(sep)
                n += len(sep)
            offs[t.get("t_id")] = (n, n + len(w))
            text.append(w)
            n += len(w)
            prev_sent, prev_tok = sent, w
        # MEANTIME annotates TIMEX3 in the title and the first sentences
        # only (sentences 0..5: no TIMEX3 of the corpus lies further); the
        # scored region ends there.
        region_end = max([offs[t.get("t_id")][1] for t in toks
                          if int(t.get("sentence")) <= 5] or [0])
        gold, dct, skip = [], None, [(region_end, n + 1)]
        for tx in root.iter("TIMEX3"):
            ids = [a.get("t_id") for a in tx.findall("token_anchor")]
            if not ids:
                continue
            st = min(offs[i][0] for i in ids)
            en = max(offs[i][1] for i in ids)
            if tx.get("functionInDocument") == "CREATION_TIME":
                dct = tx.get("value")
                m = re.match(r"^(\d\d)-(\d\d)-(\d{4})$", dct or "")
                if m:  # a few DCTs are written DD-MM-YYYY
                    dct = "%s-%s-%s" % (m.group(3), m.group(2), m.group(1))
                skip.append((st, en))
                continue
            gold.append((st, en, tx.get("value") or "", tx.get("type") or ""))
        docs.append({"id": os.path.basename(f), "text": "".join(text),
                     "dct": dct, "gold": sorted(gold), "skip": skip})
    return docs


def norm_value(v):
    if v is None:
        return None
    v = re.sub(r"-W0(\d)", r"-W\1", v)
    # Decades and centuries: TimeML writes 199 and 19, TIMEX2 and our
    # output 199X and 19 (and some gold 19XX); compare the digits.
    v = re.sub(r"^(\d{2,3})X+$", r"\1", v)
    v = re.sub(r"T(\d\d):(\d\d):\d\d$", r"T\1:\2", v)
    return v


def run_ours(docs, binary):
    lines = []
    for d in docs:
        o = {"id": d["id"], "text": d["text"]}
        if d["dct"]:
            o["date"] = d["dct"][:16] if "T" in d["dct"] else d["dct"][:10]
        lines.append(json.dumps(o))
    inp = ("\n".join(lines) + "\n").encode()
    t0 = time.time()
    p = subprocess.run([binary, "annotate", "--format", "jsonl", "--fields",
                        "id,dates", "--offsets", "chars", "--compact"],
                       input=inp, capture_output=True)
    dt = time.time() - t0
    if p.returncode not in (0, 1):
        sys.exit("dateline failed: " + p.stderr.decode()[:500])
    out = {}
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        out[r.get("id")] = [(x["span"]["start"], x["span"]["end"],
                             x.get("value"), x.get("type"))
                            for x in r.get("dates", [])]
    return out, dt


def run_chrono(docs):
    peer = os.path.join(ROOT, "bench", "peers-time", "chrono_run.js")
    lines = [json.dumps({"id": d["id"], "text": d["text"],
                         "date": d["dct"]}) for d in docs]
    inp = ("\n".join(lines) + "\n").encode()
    t0 = time.time()
    p = subprocess.run(["node", peer], input=inp, capture_output=True)
    dt = time.time() - t0
    if p.returncode:
        sys.exit("chrono failed: " + p.stderr.decode()[:500])
    print("  chrono parse time (in-process, no start-up): %s" %
          p.stderr.decode().strip().splitlines()[-1])
    out = {}
    for line in p.stdout.decode().splitlines():
        r = json.loads(line)
        out[r["id"]] = [(x["start"], x["end"], x["value"], x["type"])
                        for x in r["dates"]]
    return out, dt


def score(docs, sysout, nerr):
    g_n = s_n = strict = relaxed = val_ok = typ_ok = 0
    errors = []
    for d in docs:
        gold = d["gold"]
        sys_ = [s for s in sysout.get(d["id"], [])
                if not any(s[0] < e and st < s[1] for st, e in d["skip"])]
        g_n += len(gold)
        s_n += len(sys_)
        used = set()
        for g in gold:
            best = None
            for k, s in enumerate(sys_):
                if k in used or not (s[0] < g[1] and g[0] < s[1]):
                    continue
                best = k
                break
            if best is None:
                errors.append(("MISS", d["id"], d["text"][g[0]:g[1]], g[2],
                               "", d["dct"]))
                continue
            used.add(best)
            s = sys_[best]
            relaxed += 1
            if (s[0], s[1]) == (g[0], g[1]):
                strict += 1
            if norm_value(s[2]) == norm_value(g[2]):
                val_ok += 1
            else:
                errors.append(("VAL", d["id"], d["text"][g[0]:g[1]] + " | " +
                               d["text"][s[0]:s[1]], g[2], s[2], d["dct"]))
            if s[3] == g[3]:
                typ_ok += 1
        for k, s in enumerate(sys_):
            if k not in used:
                errors.append(("FP", d["id"], d["text"][s[0]:s[1]], "",
                               s[2], d["dct"]))

    def prf(m):
        p = m / s_n if s_n else 0
        r = m / g_n if g_n else 0
        return p, r, (2 * p * r / (p + r) if p + r else 0)
    sp, sr, sf = prf(strict)
    rp, rr, rf = prf(relaxed)
    acc = val_ok / relaxed if relaxed else 0
    tacc = typ_ok / relaxed if relaxed else 0
    res = {"gold": g_n, "system": s_n, "strict_p": sp, "strict_r": sr,
           "strict_f1": sf, "relaxed_p": rp, "relaxed_r": rr,
           "relaxed_f1": rf, "value_accuracy": acc, "value_f1": rf * acc,
           "type_accuracy": tacc}
    return res, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="tempeval3",
                    choices=["tempeval3", "meantime"])
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "dateline"))
    ap.add_argument("--system", default="ours", choices=["ours", "chrono"])
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--dump-jsonl")
    a = ap.parse_args()
    docs = load_tempeval3() if a.corpus == "tempeval3" else load_meantime()
    if a.dump_jsonl:
        with open(a.dump_jsonl, "w") as f:
            for d in docs:
                f.write(json.dumps({"id": d["id"], "text": d["text"],
                                    "date": d["dct"]}) + "\n")
        return
    if a.system == "ours":
        out, dt = run_ours(docs, a.bin)
    else:
        out, dt = run_chrono(docs)
    res, errors = score(docs, out, a.errors)
    chars = sum(len(d["text"]) for d in docs)
    print("%s on %s: %d docs, %d gold TIMEX3, %d system" %
          (a.system, a.corpus, len(docs), res["gold"], res["system"]))
    print("  strict  span P %.1f R %.1f F1 %.1f" %
          (100 * res["strict_p"], 100 * res["strict_r"],
           100 * res["strict_f1"]))
    print("  relaxed span P %.1f R %.1f F1 %.1f" %
          (100 * res["relaxed_p"], 100 * res["relaxed_r"],
           100 * res["relaxed_f1"]))
    print("  value accuracy %.1f  value F1 %.1f  type accuracy %.1f" %
          (100 * res["value_accuracy"], 100 * res["value_f1"],
           100 * res["type_accuracy"]))
    print("  time %.3f s for %d chars (whole process, incl. start-up)" %
          (dt, chars))
    if a.errors:
        import collections
        c = collections.Counter()
        for e in errors:
            c[e[0]] += 1
        print(dict(c))
        for e in errors[:a.errors]:
            print("\t".join(str(x) for x in e))


if __name__ == "__main__":
    main()
