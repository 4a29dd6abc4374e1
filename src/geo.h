/*
** geo.h -- the place gazetteer (models/geo.bin) and toponym resolution.
**
** geo.c loads the compiled gazetteer (format: docs/INTERNALS-geo.md) and
** resolves toponyms to one entry each; geo_stage.c is the pipeline stage
** (collects toponyms from entities, demonyms and gazetteer matches, writes
** the `places` and `focus` fields); dl_geocode() resolves given spans.
*/
#ifndef DL_GEO_H
#define DL_GEO_H

#include "internal.h"

#define DL__GEO_NONE UINT32_MAX
#define DL__GEO_KEY_MAX 128 /* longest lookup key in bytes */

/* Entry kinds (the builder's KIND_*). */
enum {
  DL__GEO_CITY = 0,
  DL__GEO_COUNTRY = 1,
  DL__GEO_ADMIN1 = 2,
  DL__GEO_REGION = 3
};

/* Posting flags: the name is a demonym/adjective of the entry ("Turkish"),
** or another name of it ("the U.S."). The low 29 bits are the entry. */
#define DL__GEO_P_DEMONYM (UINT32_C(1) << 31)
#define DL__GEO_P_ALIAS (UINT32_C(1) << 30)
/* The name is an acronym in capitals ("LA", "L.A.", "UAE"): it names the
** entry only when the text is in capitals too ("La." is not LA). */
#define DL__GEO_P_ACRONYM (UINT32_C(1) << 29)
#define DL__GEO_P_ENTRY(p) ((p) & ((UINT32_C(1) << 29) - 1))

/* One entry, as stored in the file (little-endian, 40 bytes). */
struct dl__geo_ent {
  uint32_t geonameid; /* 0: not a GeoNames entry (countries, regions) */
  int32_t lat, lon;   /* degrees * 1e5 */
  uint32_t population;
  uint32_t name, admin1, feature, extra; /* pool offsets ("" is 0) */
  uint16_t country;   /* index into the country table, 0xFFFF: none */
  uint8_t kind;       /* DL__GEO_CITY, _COUNTRY, _ADMIN1 or _REGION */
  uint8_t flags;      /* feature class (DL__GEO_F_*), set by the builder */
  uint32_t reserved;
};

/* Feature classes (the entry's flags byte): what the prior needs of the
** feature code without comparing strings. */
enum {
  DL__GEO_F_OTHER = 0,
  DL__GEO_F_PPLC = 1,  /* capital */
  DL__GEO_F_PPLA = 2,  /* seat of a first-level division */
  DL__GEO_F_PPLA2 = 3, /* seat of a second-level division */
  DL__GEO_F_MINOR = 4, /* PPLX, PPLL, PPLH, PPLQ: sections, localities... */
  DL__GEO_F_AIRP = 5,  /* airport */
  DL__GEO_F_ADM2 = 6   /* second-level division */
};

struct dl__geo_slot {
  uint64_t hash; /* FNV-1a 64 of the key, 0: empty slot */
  uint32_t first, count; /* postings range, best prior first */
};

struct dl__geo_ctry {
  uint32_t iso2, iso3;  /* pool offsets */
  uint32_t entry;       /* the country's entry */
  uint32_t capital;     /* entry of its capital, DL__GEO_NONE if unknown */
};

struct dl__geo {
  const dl_allocator *al;
  unsigned char *raw; /* the file image, adopted */
  size_t len;
  const struct dl__geo_ent *ent;
  uint32_t n_ent;
  const struct dl__geo_slot *slot;
  uint32_t n_slot;
  const uint32_t *post;
  uint32_t n_post;
  const struct dl__geo_ctry *ctry;
  uint32_t n_ctry;
  const char *pool;
  uint32_t pool_len;
  /* One bit per key hash (low bits), built at load: most lookups are of
  ** words that are no place, and this 128 KB filter answers them without
  ** touching the slot table. */
  uint64_t *filter;
};
#define DL__GEO_FILTER_BITS 20

/* dl__geo_load_dir() (internal.h) loads dir/geo.bin into m->geo; an
** absent file is DL_OK and no gazetteer. */

/* The lookup key of text[0..n) (see build_geo.py key()): case-folded,
** marks stripped, periods dropped, other non-alphanumerics one space.
** Returns its length, 0 when empty or longer than DL__GEO_KEY_MAX - 1. */
size_t dl__geo_key(const char *s, size_t n, char *out);
/* The postings of a key: first and count (count 0 when absent). */
bool dl__geo_lookup(const struct dl__geo *g, const char *key, size_t klen,
                    uint32_t *first, uint32_t *count);
static inline const char *dl__geo_str(const struct dl__geo *g, uint32_t off)
{
  return g->pool + off;
}

/* The prior of an entry: countries 9.5, regions 8.5, divisions 6.8, towns
** log10(population + 1) adjusted by feature code. */
float dl__geo_prior(const struct dl__geo *g, uint32_t ei);

/* Toponym sources: how much a group is worth as evidence. */
enum {
  DL__GEO_SRC_NER = 0,   /* a LOC/GPE entity */
  DL__GEO_SRC_DEMONYM,   /* a MISC/NORP entity that is a demonym */
  DL__GEO_SRC_GAZ,       /* a gazetteer match outside entities */
  DL__GEO_SRC_GIVEN,     /* a span given to dl_geocode() */
  DL__GEO_SRC_DATELINE   /* the wire dateline's place */
};

/* A group of toponyms that share one name (or one entity) in a document:
** one sense per discourse. */
struct dl__geo_grp {
  char key[DL__GEO_KEY_MAX];
  uint32_t klen;
  uint32_t ent;          /* entity index, DL__GEO_NONE if none */
  uint32_t first_span, n_spans; /* into the caller's span array */
  float weight;          /* mentions */
  uint8_t src;           /* DL__GEO_SRC_* */
  bool demonym_only;     /* accept only demonym postings */
  bool mixed_case;       /* a span has a lower-case letter: no acronyms */
  bool town_only;        /* "Quebec City": only towns */
  bool partial;          /* resolved by a part of the span (geocode) */
  uint32_t hint;         /* "Paris, Texas": the entry after the comma */
  uint32_t cand_first, cand_n;
  uint32_t best;         /* chosen entry, DL__GEO_NONE if unresolved */
  uint32_t best_flags;   /* its posting flags */
  uint32_t fixed;        /* "Syria's capital": the one entry it can be,
                         ** DL__GEO_NONE otherwise (then the postings) */
  float conf;
};

/* Resolves every group (two passes: priors, then the document's other
** places as context). Bounded: at most DL__GEO_MAX_CANDS candidates per
** group. ws is scratch (kept by the annotator). */
#define DL__GEO_MAX_CANDS 64
dl_status dl__geo_resolve(const struct dl__geo *g, struct dl__geo_grp *gr,
                          size_t n, dl__buf *ws, dl_error *err);

/* The entry after "NAME, " at text[end..len) that is an admin1 division
** or a country ("Paris, Texas"), or DL__GEO_NONE. */
uint32_t dl__geo_hint_after(const struct dl__geo *g, const char *text,
                            size_t len, size_t end);

/* A gazetteer entry copied into a document's arena: records outlive
** the model. */
struct dl__place_info {
  const char *name, *admin1, *feature; /* admin1 NULL when none */
  const char *iso2, *iso3;             /* NULL for multi-country regions */
  const char *countries;               /* "KP KR" for such regions, or NULL */
  uint32_t geonameid;                  /* 0: none */
  uint32_t population;
  int32_t lat, lon;                    /* degrees * 1e5 */
  uint8_t kind;                        /* DL__GEO_* */
};

/* A resolved place of a document (d->places), one per group. */
struct dl__place {
  struct dl__place_info info;
  uint32_t entry;      /* gazetteer entry */
  uint32_t pflags;     /* posting flags (DL__GEO_P_DEMONYM...) */
  uint32_t ent;        /* entity index, DL__GEO_NONE if none */
  uint32_t *spans;     /* start,end pairs, text order (arena) */
  uint32_t n_spans;
  float conf;
  uint8_t src;         /* DL__GEO_SRC_* */
};

#endif /* DL_GEO_H */
