#!/usr/bin/env python3
"""gen_records.py -- synthetic annotated records for bench/bench_index.sh.

Reads seed records (the JSONL that `dateline annotate` writes, with text)
and writes N records to stdout, each a seed with:
  - a unique id ("syn0000001") and a date spread over two years;
  - PER/ORG names re-drawn from a Zipf-distributed pool of synthetic
    surnames, so the entity dictionary grows like a real corpus's
    (hundreds of thousands of distinct names at a million articles);
  - one rare token appended to the text (a real corpus keeps meeting new
    words: names, numbers), so the FTS vocabulary grows too;
  - the fields other stages will add (places, themes, events, story), in
    SPEC.md's shapes, with a few elements each, so the index benchmark
    measures the eventual load, not today's partial one.
Deterministic for a given --seed-rng. Offline, standard library only.
"""
import argparse
import datetime
import json
import random
import sys


def syllable_names(rng, n):
    cons = "bcdfghjklmnprstvwz"
    vow = "aeiou"
    out = set()
    while len(out) < n:
        k = rng.randint(2, 4)
        w = "".join(rng.choice(cons) + rng.choice(vow) for _ in range(k))
        out.add(w.capitalize())
    return sorted(out)


def zipf_index(rng, n):
    # Inverse-CDF sample of a 1/k law over 1..n (approximately Zipf s=1).
    u = rng.random()
    return min(n - 1, int(n ** u) - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seed", help="annotated JSONL (with text)")
    ap.add_argument("-n", type=int, default=100000)
    ap.add_argument("--names", type=int, default=200000,
                    help="size of the synthetic surname pool")
    ap.add_argument("--gaz", default=None,
                    help="places.tsv (data/gaz) for synthetic places")
    ap.add_argument("--seed-rng", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed_rng)
    seeds = []
    with open(a.seed, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if "error" in r or not r.get("text"):
                continue
            r.pop("tokens", None)
            seeds.append(r)
    if not seeds:
        sys.exit("gen_records: no usable seed records")
    names = syllable_names(rng, a.names)
    places = []
    if a.gaz:
        with open(a.gaz, encoding="utf-8") as f:
            for line in f:
                if line.startswith("#"):
                    continue
                c = line.rstrip("\n").split("\t")
                if len(c) >= 9 and c[6].isdigit() and int(c[6]) > 50000:
                    places.append(c)
    themes = ["ECON_STOCKMARKET", "GENERAL_GOVERNMENT", "LEADER", "ELECTION",
              "TAX_FNCACT", "MEDIA_MSM", "ARMEDCONFLICT", "EDUCATION",
              "HEALTH_PANDEMIC", "SPORTS", "TERROR", "ENV_CLIMATECHANGE",
              "CRIME", "PROTEST", "TRADE", "IMMIGRATION"]
    cameo = ["010", "020", "036", "042", "043", "051", "057", "111", "112",
             "120", "130", "141", "172", "190"]
    day0 = datetime.date(2015, 1, 1)
    out = sys.stdout
    for i in range(a.n):
        s = seeds[i % len(seeds)]
        r = dict(s)
        r["id"] = "syn%07d" % i
        d = day0 + datetime.timedelta(days=(i * 730) // a.n +
                                      rng.randint(0, 3))
        r["date"] = d.isoformat()
        r["text"] = s["text"] + " zq%x" % rng.getrandbits(40)
        ents = []
        renamed = {}
        for e in s.get("entities", []):
            e2 = dict(e)
            if e["type"] in ("PER", "ORG") and rng.random() < 0.7:
                parts = e["name"].split()
                parts[-1] = names[zipf_index(rng, len(names))]
                e2["name"] = " ".join(parts)
                renamed[e["id"]] = e2["name"]
            ents.append(e2)
        r["entities"] = ents
        qs = []
        for q in s.get("quotes", []):
            sp = q.get("speaker")
            if sp and sp.get("entity") in renamed:
                q = dict(q)
                q["speaker"] = dict(sp, name=renamed[sp["entity"]])
            qs.append(q)
        r["quotes"] = qs
        locs = [e for e in ents if e["type"] in ("LOC", "GPE")]
        if places:
            pl = []
            for k in range(rng.randint(1, 3)):
                c = places[zipf_index(rng, len(places))]
                ent = locs[k]["id"] if k < len(locs) else None
                pl.append({"entity": ent, "name": c[0], "geonameid": int(c[2]),
                           "lat": float(c[7]), "lon": float(c[8]),
                           "country": c[3], "admin1": c[5],
                           "feature": c[4], "population": int(c[6]),
                           "confidence": round(rng.random(), 3)})
            r["places"] = pl
        r["themes"] = [{"theme": t, "label": t.lower().replace("_", " "),
                        "count": rng.randint(1, 5), "spans": []}
                       for t in rng.sample(themes, rng.randint(1, 3))]
        pers = [e for e in ents if e["type"] in ("PER", "ORG")]
        evs = []
        for k in range(rng.randint(0, 2)):
            if len(pers) < 2:
                break
            a1, a2 = rng.sample(pers, 2)
            code = rng.choice(cameo)
            evs.append({"source": {"entity": a1["id"], "code": None,
                                   "name": a1["name"]},
                        "target": {"entity": a2["id"], "code": None,
                                   "name": a2["name"]},
                        "code": code, "root": code[:2],
                        "quad_class": rng.randint(1, 4),
                        "goldstein": round(rng.uniform(-10, 10), 1),
                        "sentence": 0, "span": None, "date": r["date"],
                        "place": None})
        r["events"] = evs
        r["story"] = {"id": "s%d" % (i // 7), "label": s.get("title", "")}
        r.pop("unavailable", None)
        out.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
