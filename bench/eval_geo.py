#!/usr/bin/env python3
"""Scores geocoding on the GeoWebNews and TR-News dev sets (never in CI).

  python3 bench/eval_geo.py [--data ../shared/data/geo] [--dl build/dateline]
                            [--set gwn|trnews|all] [--errors N]

Given gold toponyms (`dateline geocode`):
  acc@161   share of gold toponyms (with a gold point) resolved within
            161 km of it; unresolved ones count as misses
  median    median error in km, unresolved counted as 20,039 km (half the
            earth's circumference, as Gritta et al. do)
  country   share with the right country (gold country: that of the gold
            GeoNames id when it is a populated place of data/gaz, the
            TR-News <country> name, else the country of the nearest
            populated place within 100 km of the gold point)
End to end (`dateline annotate --fields places`, raw text):
  toponym precision / recall / F1 of the place mention spans against the
  gold spans (exact offsets), and acc@161 of the matched ones.

The texts belong to their publishers: they are read from the shared data
folder and never written into the repository.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAXERR = 20039.0


def km(a, b, c, d):
    a, b, c, d = map(math.radians, (a, b, c, d))
    h = math.sin((c - a) / 2) ** 2 + math.cos(a) * math.cos(c) * math.sin((d - b) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def anchor(text, name, start, end):
    """Gold offsets re-anchored on the surface form (TR-News is off by a
    few characters for ~9% of its toponyms): exact, else the nearest
    occurrence within 10 characters."""
    if text[start:end] == name:
        return start, end
    best = None
    for d in range(1, 11):
        for s in (start - d, start + d):
            if 0 <= s and text[s:s + len(name)] == name:
                best = (s, s + len(name))
                break
        if best:
            break
    return best


class Places:
    """data/gaz/places.tsv: geonameid -> country, and a 1-degree grid for
    the nearest populated place; country names -> ISO2."""

    def __init__(self):
        self.gid = {}
        self.grid = {}
        with open(os.path.join(ROOT, "data/gaz/places.tsv"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                r = line.rstrip("\n").split("\t")
                lat, lon = float(r[7]), float(r[8])
                self.gid[int(r[2])] = r[3]
                self.grid.setdefault((int(lat // 1), int(lon // 1)), []).append((lat, lon, r[3]))
        self.names = {}
        for fn in ("country.tsv", "country_alt.tsv"):
            with open(os.path.join(ROOT, "data/gaz", fn), encoding="utf-8") as f:
                for line in f:
                    r = line.rstrip("\n").split("\t")
                    if len(r) >= 2 and "," not in r[1]:
                        self.names.setdefault(r[0].lower(), r[1])
        self.names.update({"turkey": "TR", "russia": "RU", "syria": "SY",
                           "united states": "US", "united kingdom": "GB"})

    def nearest_country(self, lat, lon):
        best = (100.0, None)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for p in self.grid.get((int(lat // 1) + dy, int(lon // 1) + dx), ()):
                    d = km(lat, lon, p[0], p[1])
                    if d < best[0]:
                        best = (d, p[2])
        return best[1]


def load_gwn(path):
    docs = []
    root = ET.parse(os.path.join(path, "geowebnews", "GWN.xml")).getroot()
    for a in root:
        text = a.find("text").text or ""
        tops = []
        for t in a.find("toponyms"):
            lat = t.find("latitude")
            if lat is None or lat.text is None:
                continue
            name = t.find("extractedName").text or ""
            sp = anchor(text, name, int(t.find("start").text), int(t.find("end").text))
            if not sp:
                continue
            gid = t.find("geonamesID")
            tops.append(dict(start=sp[0], end=sp[1], name=name,
                             lat=float(lat.text), lon=float(t.find("longitude").text),
                             gid=int(gid.text) if gid is not None and gid.text else 0,
                             country=None, type=t.find("type").text, fcode=None))
        docs.append(dict(id="gwn-" + a.get("file", str(len(docs))), text=text, tops=tops))
    return docs


def load_trnews(path):
    docs = []
    root = ET.parse(os.path.join(path, "tr-news", "TR-News.xml")).getroot()
    for a in root:
        text = a.find("text").text or ""
        tops = []
        for t in a.find("toponyms"):
            g = t.find("gaztag")
            if g is None or g.find("lat") is None:
                continue
            name = t.find("phrase").text or ""
            sp = anchor(text, name, int(t.find("start").text), int(t.find("end").text))
            if not sp:
                continue
            c = g.find("country")
            tops.append(dict(start=sp[0], end=sp[1], name=name,
                             lat=float(g.find("lat").text), lon=float(g.find("lon").text),
                             gid=int(g.get("geonameid") or 0),
                             country_name=c.text if c is not None else None,
                             country=None, type=None,
                             fcode=(g.find("fcode").text if g.find("fcode") is not None
                                    else None)))
        docs.append(dict(id="tr-" + a.get("docid", str(len(docs))), text=text, tops=tops))
    return docs


def gold_countries(docs, P, cgid):
    for d in docs:
        for t in d["tops"]:
            c = P.gid.get(t["gid"]) or cgid.get(t["gid"])
            if not c and t.get("country_name"):
                c = P.names.get(t["country_name"].lower())
            if not c:
                c = P.nearest_country(t["lat"], t["lon"])
            t["country"] = c


class GeoBin:
    """models/geo.bin read back (format: docs/INTERNALS-geo.md): the
    candidates of a name, for the error table."""

    def __init__(self, path):
        import struct
        sys.path.insert(0, os.path.join(ROOT, "tools", "gen"))
        from build_geo import key, fnv64
        self.key, self.fnv64 = key, fnv64
        b = open(path, "rb").read()
        (n_ent, n_slot, n_post, n_ctry, pool_len, off_e, off_s, off_p, off_c,
         off_pool) = struct.unpack_from("<10I", b, 12)
        self.b, self.n_slot = b, n_slot
        self.off_e, self.off_s, self.off_p = off_e, off_s, off_p
        self.pool = b[off_pool:off_pool + pool_len]
        self.ctry = [struct.unpack_from("<IIII", b, off_c + 16 * i) for i in range(n_ctry)]
        self.struct = struct

    def country_gids(self):
        """geonameid -> ISO2 of the country entries (GeoNames' countries)."""
        out = {}
        off = self.off_e
        n = (self.off_s - self.off_e) // 40
        for i in range(n):
            gid, kind = self.struct.unpack_from("<I", self.b, off + 40 * i)[0], \
                self.b[off + 40 * i + 34]
            if kind == 1 and gid:
                out[gid] = self.entry(i)["country"]
        return out

    def str(self, off):
        return self.pool[off:self.pool.index(b"\0", off)].decode("utf-8")

    def entry(self, i):
        gid, lat, lon, pop, nm, adm, feat, extra, cc, kind, fl = \
            self.struct.unpack_from("<IiiIIIIIHBB", self.b, self.off_e + 40 * i)
        return dict(gid=gid, lat=lat / 1e5, lon=lon / 1e5, pop=pop, name=self.str(nm),
                    admin1=self.str(adm), feature=self.str(feat), kind=kind,
                    country=self.str(self.ctry[cc][0]) if cc != 0xFFFF else None)

    def cands(self, name):
        k = self.key(name)
        if k.startswith("the "):
            k = k[4:]
        h = self.fnv64(k.encode("utf-8"))
        i = h & (self.n_slot - 1)
        while True:
            sh, first, count = self.struct.unpack_from("<QII", self.b, self.off_s + 16 * i)
            if not sh:
                return []
            if sh == h:
                return [self.entry(self.struct.unpack_from("<I", self.b, self.off_p + 4 * j)[0]
                                   & ((1 << 29) - 1)) for j in range(first, first + count)]
            i = (i + 1) & (self.n_slot - 1)


CATS = ("hit", "missing: name not in gazetteer", "missing: name in gazetteer, place not",
        "wrong candidate chosen (right one in gazetteer)", "country point offset",
        "division point offset", "longer span: a part of it names the place",
        "region/continent/ocean point offset")


def sub_near(gb, name, lat, lon):
    """A run of words inside name (not all of it) with a gazetteer entry
    within 161 km of (lat, lon): "Dubai World Cup" -> Dubai."""
    import re
    w = re.findall(r"[\w'&.-]+", name)
    for n in range(len(w) - 1, 0, -1):
        for i in range(0, len(w) - n + 1):
            for x in gb.cands(" ".join(w[i:i + n])):
                if km(lat, lon, x["lat"], x["lon"]) <= 161:
                    return True
    return False


def error_table(docs, results, gb, samples=0):
    """Every gold toponym in one category (CATS), by size."""
    from collections import Counter, defaultdict
    cnt = Counter()
    ex = defaultdict(Counter)
    for d, o in zip(docs, results):
        for t, r in zip(d["tops"], o["toponyms"]):
            e = MAXERR if r["lat"] is None else km(t["lat"], t["lon"], r["lat"], r["lon"])
            if e <= 161:
                c = 0
            else:
                cs = gb.cands(t["name"])
                near = [x for x in cs if km(t["lat"], t["lon"], x["lat"], x["lon"]) <= 161]
                if near:
                    c = 3
                elif r["lat"] is not None and r["feature"] in ("PCLI", "PCLD") \
                        and r["country"] == t["country"]:
                    c = 4
                elif r["lat"] is not None and r["feature"] in ("ADM1", "ADM2") \
                        and r["country"] == t["country"]:
                    c = 5
                elif r["lat"] is not None and r["feature"] in ("CONT", "RGN", "OCN", "SEA") \
                        and not near:
                    c = 7
                elif sub_near(gb, t["name"], t["lat"], t["lon"]):
                    c = 6
                elif not cs:
                    c = 1
                else:
                    c = 2
                ex[c][(t["name"], r["name"], r["country"], t["country"],
                       t.get("fcode") or t.get("type"))] += 1
            cnt[c] += 1
    n = sum(cnt.values())
    for c in sorted(cnt, key=lambda c: -cnt[c]):
        print("   %-50s %5d  %5.1f%%" % (CATS[c], cnt[c], 100.0 * cnt[c] / n))
        if samples and c:
            for k, v in ex[c].most_common(samples):
                print("        x%d %r -> %s (%s), gold country %s, gold kind %s"
                      % (v, k[0], k[1], k[2], k[3], k[4]))


def run(dl, args, payload):
    r = subprocess.run([dl] + args, input=payload.encode("utf-8"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if r.returncode not in (0, 1):
        sys.exit("dateline %s failed: %s" % (args[0], r.stderr.decode()[:400]))
    return [json.loads(l) for l in r.stdout.decode("utf-8").splitlines() if l.strip()]


def score_given(docs, dl, errors, extra=(), table=None):
    payload = "".join(json.dumps(dict(id=d["id"], text=d["text"],
                                      toponyms=[dict(start=t["start"], end=t["end"])
                                                for t in d["tops"]])) + "\n" for d in docs)
    out = run(dl, ["geocode", "--offsets", "chars"] + list(extra), payload)
    errs, hits, cc, cn, resolved = [], 0, 0, 0, 0
    hits_c = 0
    bad = []
    for d, o in zip(docs, out):
        for t, r in zip(d["tops"], o["toponyms"]):
            if r["lat"] is None:
                e = MAXERR
            else:
                resolved += 1
                e = km(t["lat"], t["lon"], r["lat"], r["lon"])
            errs.append(e)
            hits += e <= 161
            # Country-level resolutions scored by their country: our country
            # points (world-countries) are not GeoNames' (not available
            # offline), so 161 km from GeoNames' point is luck for large
            # countries.
            hits_c += e <= 161 or (r["feature"] in ("PCLI", "PCLD") and
                                   r["country"] == t["country"])
            if t["country"]:
                cn += 1
                cc += r["country"] == t["country"]
            if e > 161:
                bad.append((e, t["name"], r["name"], r["country"], t["country"]))
    n = len(errs)
    if table:
        error_table(docs, out, table[0], table[1])
    if errors:
        from collections import Counter
        c = Counter((b[1], b[2], b[3], b[4]) for b in bad)
        for k, v in c.most_common(errors):
            print("   miss x%d: %r -> %s (%s), gold country %s" % (v, k[0], k[1], k[2], k[3]))
    return dict(n=n, acc161=hits / n, acc161c=hits_c / n, median=statistics.median(errs),
                median_resolved=statistics.median([e for e in errs if e < MAXERR] or [0]),
                resolved=resolved / n, country=cc / max(cn, 1), n_country=cn)


def score_e2e(docs, dl):
    payload = "".join(json.dumps(dict(id=d["id"], text=d["text"])) + "\n" for d in docs)
    out = run(dl, ["annotate", "--format", "jsonl", "--fields", "places", "--offsets",
                   "chars", "--compact"], payload)
    tp = fp = fn = 0
    hits = matched = 0
    for d, o in zip(docs, out):
        pred = {}
        for p in o.get("places", []):
            for m in p["mentions"]:
                pred[(m["start"], m["end"])] = p
        gold = {(t["start"], t["end"]): t for t in d["tops"]}
        for k, p in pred.items():
            if k in gold:
                tp += 1
                matched += 1
                t = gold[k]
                hits += km(t["lat"], t["lon"], p["lat"], p["lon"]) <= 161
            else:
                fp += 1
        fn += sum(1 for k in gold if k not in pred)
    P = tp / max(tp + fp, 1)
    R = tp / max(tp + fn, 1)
    return dict(p=P, r=R, f1=2 * P * R / max(P + R, 1e-9), tp=tp, fp=fp, fn=fn,
                acc161_matched=hits / max(matched, 1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "data", "geo"))
    ap.add_argument("--dl", default=os.path.join(ROOT, "build", "dateline"))
    ap.add_argument("--set", default="all")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--no-e2e", action="store_true")
    ap.add_argument("--table", action="store_true",
                    help="error table of the given-gold run (categories by size)")
    ap.add_argument("--samples", type=int, default=0,
                    help="with --table: the N most frequent misses of each category")
    ap.add_argument("--geo", default=os.path.join(ROOT, "models", "geo.bin"))
    args = ap.parse_args()
    P = Places()
    sets = []
    if args.set in ("gwn", "all"):
        sets.append(("GeoWebNews", load_gwn(args.data)))
    if args.set in ("trnews", "all"):
        sets.append(("TR-News", load_trnews(args.data)))
    gb = GeoBin(args.geo)
    cgid = gb.country_gids()
    for name, docs in sets:
        gold_countries(docs, P, cgid)
        if args.table:
            print("%s error table (given gold toponyms):" % name)
        g = score_given(docs, args.dl, args.errors,
                        table=(gb, args.samples) if args.table else None)
        print("%-10s given gold toponyms: n=%d acc@161km=%.1f%% median=%.0f km "
              "(resolved only %.0f km) resolved=%.1f%% country=%.1f%% (n=%d); "
              "acc@161km with country-level places scored by country %.1f%%"
              % (name, g["n"], 100 * g["acc161"], g["median"], g["median_resolved"],
                 100 * g["resolved"], 100 * g["country"], g["n_country"],
                 100 * g["acc161c"]))
        f = score_given(docs, args.dl, 0, ["--fallback"])
        print("%-10s given gold toponyms, --fallback (unresolved -> the document's "
              "main town, confidence 0.1): acc@161km=%.1f%% median=%.0f km"
              % (name, 100 * f["acc161"], f["median"]))
        if not args.no_e2e:
            e = score_e2e(docs, args.dl)
            print("%-10s end to end: toponym P=%.1f R=%.1f F1=%.1f (tp %d fp %d fn %d), "
                  "acc@161km of matched %.1f%%"
                  % (name, 100 * e["p"], 100 * e["r"], 100 * e["f1"], e["tp"], e["fp"],
                     e["fn"], 100 * e["acc161_matched"]))


if __name__ == "__main__":
    main()
