/*
** geo_stage.c -- the "geo" stage: places of a document and its focus.
**
** Toponyms come from three places: LOC/GPE entities (every mention of an
** entity shares one resolution), MISC/NORP entities that are demonyms or
** adjectives ("Turkish", "Soviet-trained"), and gazetteer matches in text
** no entity covers (countries, divisions, regions, and towns of 100,000
** people or more, capitalized). The wire dateline's place counts too.
** Toponyms of one name form a group (one sense per discourse); groups are
** resolved together by dl__geo_resolve() (geo.c).
**
** Evidence: a name needs two letters, a capital first letter and a
** gazetteer entry; common words are dropped by the builder. Everything is
** bounded: at most GEO_MAX_GROUPS groups and GEO_MAX_SPANS spans per
** document, DL__GEO_MAX_CANDS candidates per group.
**
** The focus is the country with the most weight (mentions times
** confidence; demonyms count half, the dateline three times), and its
** most-weighted town or division (else the country itself).
*/
#include "geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#define GEO_MAX_GROUPS 1024
#define GEO_MAX_SPANS 20000
#define GEO_GAZ_MIN_POP 100000u
#define GEO_MAX_WORDS 4

struct gws {
  const struct dl__geo *g;
  dl_doc *d;
  const dl_allocator *al;
  struct dl__geo_grp *gr;
  size_t n, cap;
  uint32_t *sp; /* start,end pairs */
  size_t nsp, spcap;
  uint32_t *next; /* per span pair: next span of the same group */
  uint64_t *gh;   /* per group: key hash */
  /* Multi-word names of regions that the tagger split ("Korean" MISC +
  ** "Peninsula" ORG): per token, the end of the
  ** match starting there (0: none), and whether it lies inside one. */
  uint32_t *lend;
  unsigned char *lin;
};

static uint64_t khash(const char *k, size_t n)
{
  uint64_t h = UINT64_C(1469598103934665603);
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)k[i]) * 1099511628211u;
  return h;
}

/* Appends a span; returns false on allocation failure. */
static bool push_span(struct gws *w, uint32_t s, uint32_t e)
{
  if (w->nsp >= GEO_MAX_SPANS) return true; /* bounded: extra spans dropped */
  if (w->nsp + 1 > w->spcap) {
    size_t nc = w->spcap ? w->spcap * 2 : 64;
    uint32_t *np = dl__realloc(w->al, w->sp, w->spcap * 2 * sizeof *np,
                               nc * 2 * sizeof *np);
    uint32_t *nn;
    if (!np) return false;
    w->sp = np;
    nn = dl__realloc(w->al, w->next, w->spcap * sizeof *nn, nc * sizeof *nn);
    if (!nn) return false;
    w->next = nn;
    w->spcap = nc;
  }
  w->sp[2 * w->nsp] = s;
  w->sp[2 * w->nsp + 1] = e;
  w->next[w->nsp] = DL__GEO_NONE;
  w->nsp++;
  return true;
}

/* The group for (key, entity): entity groups are per entity, the others
** per key. Returns NULL when the cap is reached or memory runs out (*oom). */
static struct dl__geo_grp *group(struct gws *w, const char *key, size_t kl,
                                 uint32_t ent, uint8_t src, bool *oom)
{
  uint64_t h = khash(key, kl);
  struct dl__geo_grp *g;
  for (size_t i = 0; i < w->n; i++) {
    if (w->gh[i] == h && w->gr[i].ent == ent && w->gr[i].klen == kl &&
        memcmp(w->gr[i].key, key, kl) == 0 &&
        (ent != DL__GEO_NONE || w->gr[i].src == src))
      return &w->gr[i];
  }
  if (w->n >= GEO_MAX_GROUPS) return NULL;
  if (w->n + 1 > w->cap) {
    size_t nc = w->cap ? w->cap * 2 : 32;
    struct dl__geo_grp *ng =
        dl__realloc(w->al, w->gr, w->cap * sizeof *ng, nc * sizeof *ng);
    uint64_t *nh;
    if (!ng) {
      *oom = true;
      return NULL;
    }
    w->gr = ng;
    nh = dl__realloc(w->al, w->gh, w->cap * sizeof *nh, nc * sizeof *nh);
    if (!nh) {
      *oom = true;
      return NULL;
    }
    w->gh = nh;
    w->cap = nc;
  }
  g = &w->gr[w->n];
  memset(g, 0, sizeof *g);
  memcpy(g->key, key, kl);
  g->key[kl] = 0;
  g->klen = (uint32_t)kl;
  g->ent = ent;
  g->src = src;
  g->first_span = DL__GEO_NONE;
  g->hint = DL__GEO_NONE;
  g->best = DL__GEO_NONE;
  g->fixed = DL__GEO_NONE;
  w->gh[w->n] = h;
  w->n++;
  return g;
}

/* Is text[s..e) in capitals ("LA", "L.A.", not "La.")? */
static bool all_caps(const char *text, uint32_t s, uint32_t e)
{
  for (uint32_t i = s; i < e; i++) {
    unsigned char c = (unsigned char)text[i];
    if (c >= 'a' && c <= 'z') return false;
  }
  return true;
}

static bool add_span(struct gws *w, struct dl__geo_grp *g, uint32_t s,
                     uint32_t e, float weight)
{
  size_t k = w->nsp;
  if (!all_caps(w->d->view, s, e)) g->mixed_case = true;
  if (!push_span(w, s, e)) return false;
  g->weight += weight;
  if (w->nsp == k) return true; /* capped */
  /* Chain in text order is restored when the places are written. */
  w->next[k] = g->first_span;
  g->first_span = (uint32_t)k;
  g->n_spans++;
  return true;
}

/* "Ky." at the end of a sentence: the tokenizer gave the period to the
** sentence; a short name (four bytes at most) right before a period takes
** it back, as the abbreviation it is. */
static uint32_t abbrev_end(const dl_doc *d, uint32_t s, uint32_t e)
{
  if (e - s <= 4 && e < d->len && d->view[e] == '.' &&
      (e + 1 == d->len || d->view[e + 1] == ' ' || d->view[e + 1] == '\n' ||
       d->view[e + 1] == '"' || d->view[e + 1] == ','))
    return e + 1;
  return e;
}

/* Does text[s..e) start with an upper-case letter? */
static bool starts_upper(const dl_doc *d, uint32_t s, uint32_t e)
{
  int32_t cp;
  if (s >= e) return false;
  if (!dl__utf8_decode((const unsigned char *)d->view, e, s, &cp))
    return false;
  return dl__is_upper(cp);
}

static bool has_postings(const struct dl__geo *g, const char *key, size_t kl,
                         bool demonym, uint32_t *first, uint32_t *count)
{
  if (!dl__geo_lookup(g, key, kl, first, count)) return false;
  if (!demonym) return true;
  for (uint32_t i = 0; i < *count && i < DL__GEO_MAX_CANDS; i++)
    if (g->post[*first + i] & DL__GEO_P_DEMONYM) return true;
  return false;
}

/* Generic words after a name ("Orleans Parish", "Kent County"): the name
** without them is tried when the whole is not in the gazetteer. */
static const char *const generic_tail[] = {
    " county", " parish", " city", " province", " state", " region",
    " district", " governorate", " oblast", " prefecture", " borough"};

static bool ends_with(const char *key, size_t kl, const char *tail)
{
  size_t tl = strlen(tail);
  return kl > tl && memcmp(key + kl - tl, tail, tl) == 0;
}

static size_t strip_key(char *key, size_t kl)
{
  if (kl > 4 && memcmp(key, "the ", 4) == 0) {
    memmove(key, key + 4, kl - 4 + 1);
    return kl - 4;
  }
  for (size_t i = 0; i < DL__COUNTOF(generic_tail); i++) {
    size_t tl = strlen(generic_tail[i]);
    if (kl > tl + 1 && memcmp(key + kl - tl, generic_tail[i], tl) == 0) {
      key[kl - tl] = 0;
      return kl - tl;
    }
  }
  return 0;
}

static bool long_matches(struct gws *w)
{
  dl_doc *d = w->d;
  size_t nt = d->n_tokens;
  if (!nt) return true;
  w->lend = dl__calloc(w->al, nt, sizeof *w->lend);
  w->lin = dl__calloc(w->al, nt, 1);
  if (!w->lend || !w->lin) return false;
  for (size_t i = 0; i < nt; i++) {
    const dl__token *t = &d->tokens[i];
    size_t best = 0;
    if (!(t->flags & DL__TOK_CAP) || !(t->flags & DL__TOK_WORD)) continue;
    for (size_t j = i + 2; j <= nt && j - i <= GEO_MAX_WORDS; j++) {
      const dl__token *u = &d->tokens[j - 1];
      char key[DL__GEO_KEY_MAX];
      size_t kl;
      uint32_t f, c, p;
      if (u->sent != t->sent || !(u->flags & DL__TOK_CAP)) break;
      kl = dl__geo_key(d->view + t->start, u->end - t->start, key);
      if (kl < 2 || !dl__geo_lookup(w->g, key, kl, &f, &c)) continue;
      p = w->g->post[f];
      if (!(p & DL__GEO_P_DEMONYM) &&
          w->g->ent[DL__GEO_P_ENTRY(p)].kind == DL__GEO_REGION)
        best = j;
    }
    if (!best) continue;
    /* A mention that is exactly the name keeps it (with its entity), and
    ** one that holds it is another name ("New York Times"). */
    for (size_t k = 0; k < d->n_mentions; k++)
      if (d->mentions[k].tok_start <= i && d->mentions[k].tok_end >= best &&
          !(d->mentions[k].flags & DL__MEN_CREDIT)) {
        best = 0;
        break;
      }
    if (!best) continue;
    w->lend[i] = (uint32_t)best;
    for (size_t k = i; k < best; k++) w->lin[k] = 1;
    i = best - 1;
  }
  return true;
}

/* Are all the tokens of mention m inside a long match? */
static bool in_long(const struct gws *w, const dl__mention *m)
{
  if (!w->lin || (m->flags & DL__MEN_CREDIT) || m->tok_end <= m->tok_start)
    return false;
  for (uint32_t k = m->tok_start; k < m->tok_end; k++)
    if (k >= w->d->n_tokens || !w->lin[k]) return false;
  return true;
}

/* Entities: LOC/GPE (and FAC as a place name) by name, MISC/NORP as
** demonyms. */
static dl_status from_entities(struct gws *w, dl_error *err)
{
  dl_doc *d = w->d;
  for (size_t i = 0; i < d->n_entities; i++) {
    const dl__entity *en = &d->entities[i];
    char key[DL__GEO_KEY_MAX];
    size_t kl, plen = 0;
    uint32_t first, count;
    bool demonym = en->type == DL__ENT_MISC || en->type == DL__ENT_NORP;
    bool town = false; /* "Quebec City": the town, not the province */
    uint8_t src = demonym ? DL__GEO_SRC_DEMONYM : DL__GEO_SRC_NER;
    struct dl__geo_grp *g;
    bool oom = false;
    if (en->type != DL__ENT_LOC && en->type != DL__ENT_GPE && !demonym)
      continue;
    if (!en->name || !en->n_mentions) continue;
    kl = dl__geo_key(en->name, strlen(en->name), key);
    if (kl < 2) continue; /* one-letter names are no evidence */
    if (!has_postings(w->g, key, kl, demonym, &first, &count)) {
      if (demonym) {
        /* "Soviet-trained", "Russian-backed": the part before the hyphen */
        const char *h = strchr(en->name, '-');
        if (!h) continue;
        plen = (size_t)(h - en->name);
        kl = dl__geo_key(en->name, plen, key);
        if (kl < 2 || !has_postings(w->g, key, kl, true, &first, &count))
          continue;
      } else {
        size_t k2;
        town = ends_with(key, kl, " city");
        while ((k2 = strip_key(key, kl)) != 0) {
          kl = k2;
          if (has_postings(w->g, key, kl, false, &first, &count)) break;
        }
        if (!count) continue;
      }
    }
    g = group(w, key, kl, (uint32_t)i, src, &oom);
    if (oom) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    if (!g) return DL_OK;
    g->demonym_only = demonym;
    g->town_only = town;
    g->cand_first = first;
    g->cand_n = count;
    for (uint32_t k = 0; k < en->n_mentions; k++) {
      const dl__mention *m = &d->mentions[en->mentions[k]];
      uint32_t s = m->start, e = m->end;
      if (m->flags & (DL__MEN_PRONOUN | DL__MEN_NOMINAL)) continue;
      if (!starts_upper(d, s, e) || in_long(w, m)) continue;
      if (plen && s + plen < e) e = s + (uint32_t)plen;
      e = abbrev_end(d, s, e);
      if (!add_span(w, g, s, e, 1.0f))
        return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    }
    if (!g->n_spans) g->cand_n = 0; /* no capitalized mention */
  }
  return DL_OK;
}

/* Is this match good enough evidence outside an entity? */
static bool gaz_ok(const struct dl__geo *g, uint32_t first, uint32_t count,
                   bool initial, bool *demonym)
{
  uint32_t p = g->post[first];
  const struct dl__geo_ent *e = &g->ent[DL__GEO_P_ENTRY(p)];
  (void)count;
  *demonym = (p & DL__GEO_P_DEMONYM) != 0;
  if (e->kind != DL__GEO_CITY) return true;
  if (initial) return e->population >= 1000000u;
  return e->population >= GEO_GAZ_MIN_POP;
}

static dl_status from_gazetteer(struct gws *w, dl_error *err)
{
  dl_doc *d = w->d;
  unsigned char *cov;
  size_t nt = d->n_tokens;
  if (!nt) return DL_OK;
  cov = dl__calloc(w->al, nt, 1);
  if (!cov) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  for (size_t i = 0; i < d->n_mentions; i++) {
    const dl__mention *m = &d->mentions[i];
    if (m->flags & DL__MEN_CREDIT) continue;
    for (uint32_t t = m->tok_start; t < m->tok_end && t < nt; t++) cov[t] = 1;
  }
  for (size_t i = 0; i < nt;) {
    const dl__token *t = &d->tokens[i];
    size_t best_j = 0, j;
    uint32_t bf = 0, bc = 0;
    char key[DL__GEO_KEY_MAX], bkey[DL__GEO_KEY_MAX];
    size_t bkl = 0;
    if (w->lend && w->lend[i]) {
      /* A long match: taken whatever the mentions under it. */
      const dl__token *u = &d->tokens[w->lend[i] - 1];
      bkl = dl__geo_key(d->view + t->start, u->end - t->start, bkey);
      if (dl__geo_lookup(w->g, bkey, bkl, &bf, &bc)) best_j = w->lend[i];
    } else if (cov[i] || (w->lin && w->lin[i]) || !(t->flags & DL__TOK_CAP) ||
               !(t->flags & DL__TOK_WORD)) {
      i++;
      continue;
    }
    for (j = i + 1; !best_j && j <= nt && j - i <= GEO_MAX_WORDS; j++) {
      const dl__token *u = &d->tokens[j - 1];
      size_t kl;
      uint32_t f, c;
      if (cov[j - 1] || (w->lin && w->lin[j - 1]) || u->sent != t->sent)
        break;
      if (j - 1 > i && !(u->flags & DL__TOK_CAP)) break;
      kl = dl__geo_key(d->view + t->start, u->end - t->start, key);
      if (kl < 2) continue;
      if (dl__geo_lookup(w->g, key, kl, &f, &c)) {
        best_j = j;
        bf = f;
        bc = c;
        memcpy(bkey, key, kl + 1);
        bkl = kl;
      }
    }
    if (best_j) {
      bool dem, oom = false;
      bool initial = (t->flags & DL__TOK_SENT_START) != 0;
      uint32_t s = t->start, e = abbrev_end(d, t->start,
                                            d->tokens[best_j - 1].end);
      if (gaz_ok(w->g, bf, bc, initial, &dem)) {
        struct dl__geo_grp *g = group(w, bkey, bkl, DL__GEO_NONE,
                                      dem ? DL__GEO_SRC_DEMONYM
                                          : DL__GEO_SRC_GAZ,
                                      &oom);
        if (oom) {
          dl__free(w->al, cov);
          return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
        }
        if (!g) break;
        g->demonym_only = dem;
        g->cand_first = bf;
        g->cand_n = bc;
        if (!add_span(w, g, s, e, 1.0f)) {
          dl__free(w->al, cov);
          return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
        }
      }
      i = best_j;
    } else {
      i++;
    }
  }
  dl__free(w->al, cov);
  return DL_OK;
}

/* The country a word names or qualifies ("Syria", "Syrian"), or
** DL__GEO_NONE: the first country posting of its key. */
static uint32_t country_of(const struct dl__geo *g, const char *s, size_t n)
{
  char key[DL__GEO_KEY_MAX];
  size_t kl = dl__geo_key(s, n, key);
  uint32_t f, c;
  if (kl < 2 || !dl__geo_lookup(g, key, kl, &f, &c)) return DL__GEO_NONE;
  for (uint32_t i = 0; i < c && i < DL__GEO_MAX_CANDS; i++) {
    const struct dl__geo_ent *e = &g->ent[DL__GEO_P_ENTRY(g->post[f + i])];
    if (e->kind == DL__GEO_COUNTRY) return e->country;
  }
  return DL__GEO_NONE;
}

static bool word_is(const dl_doc *d, const dl__token *t, const char *w)
{
  size_t n = strlen(w);
  return t->end - t->start == n &&
         strncasecmp(d->view + t->start, w, n) == 0;
}

/* "Syria's capital", "the Syrian capital", "the capital of Syria": a
** place, the country's capital (the phrase is its span). */
static dl_status from_capitals(struct gws *w, dl_error *err)
{
  dl_doc *d = w->d;
  const struct dl__geo *g = w->g;
  for (size_t i = 0; i < d->n_tokens; i++) {
    const dl__token *t = &d->tokens[i];
    uint32_t ctry = DL__GEO_NONE, s = 0, e = 0;
    if (!word_is(d, t, "capital")) continue;
    if (i + 2 < d->n_tokens && word_is(d, &d->tokens[i + 1], "of") &&
        (d->tokens[i + 2].flags & DL__TOK_CAP) &&
        d->tokens[i + 2].sent == t->sent) {
      const dl__token *c = &d->tokens[i + 2];
      ctry = country_of(g, d->view + c->start, c->end - c->start);
      s = t->start;
      e = c->end;
    } else if (i >= 1) {
      const dl__token *c = &d->tokens[i - 1];
      if (i >= 2 && (c->flags & DL__TOK_CLITIC)) c = &d->tokens[i - 2];
      if ((c->flags & DL__TOK_CAP) && c->sent == t->sent) {
        ctry = country_of(g, d->view + c->start, c->end - c->start);
        s = c->start;
        e = t->end;
      }
    }
    if (ctry != DL__GEO_NONE && g->ctry[ctry].capital != DL__GEO_NONE) {
      char key[DL__GEO_KEY_MAX];
      size_t kl = (size_t)snprintf(key, sizeof key, "capital of %u",
                                   (unsigned)ctry);
      bool oom = false;
      struct dl__geo_grp *gr = group(w, key, kl, DL__GEO_NONE,
                                     DL__GEO_SRC_GAZ, &oom);
      if (oom) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      if (!gr) return DL_OK;
      gr->fixed = g->ctry[ctry].capital;
      if (!add_span(w, gr, s, e, 1.0f))
        return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    }
  }
  return DL_OK;
}

static dl_status from_dateline(struct gws *w, dl_error *err)
{
  dl_doc *d = w->d;
  char key[DL__GEO_KEY_MAX];
  size_t kl;
  uint32_t f, c;
  struct dl__geo_grp *g = NULL;
  bool oom = false;
  if (!d->dl_place_end || d->dl_place_end <= d->dl_place_start) return DL_OK;
  kl = dl__geo_key(d->view + d->dl_place_start,
                   d->dl_place_end - d->dl_place_start, key);
  if (kl < 2 || !dl__geo_lookup(w->g, key, kl, &f, &c)) return DL_OK;
  /* Joins the group of the same name when there is one. */
  for (size_t i = 0; i < w->n; i++)
    if (w->gr[i].klen == kl && memcmp(w->gr[i].key, key, kl) == 0 &&
        !w->gr[i].demonym_only) {
      g = &w->gr[i];
      break;
    }
  if (!g) g = group(w, key, kl, DL__GEO_NONE, DL__GEO_SRC_DATELINE, &oom);
  if (oom) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  if (!g) return DL_OK;
  if (!g->cand_n) {
    g->cand_first = f;
    g->cand_n = c;
  }
  if (!add_span(w, g, d->dl_place_start, d->dl_place_end, 3.0f))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  return DL_OK;
}

static int cmp_place(const void *a, const void *b)
{
  const struct dl__place *x = a, *y = b;
  uint32_t sx = x->n_spans ? x->spans[0] : 0;
  uint32_t sy = y->n_spans ? y->spans[0] : 0;
  return sx < sy ? -1 : sx > sy;
}

static int cmp_u32pair(const void *a, const void *b)
{
  const uint32_t *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Copies entry ei into the arena. */
static bool info_copy(dl_doc *d, const struct dl__geo *g, uint32_t ei,
                      struct dl__place_info *out)
{
  const struct dl__geo_ent *e = &g->ent[ei];
  const char *s;
  memset(out, 0, sizeof *out);
  s = dl__geo_str(g, e->name);
  out->name = dl__arena_strndup(&d->arena, s, strlen(s));
  s = dl__geo_str(g, e->feature);
  out->feature = dl__arena_strndup(&d->arena, s, strlen(s));
  if (!out->name || !out->feature) return false;
  if (e->admin1) {
    s = dl__geo_str(g, e->admin1);
    if (!(out->admin1 = dl__arena_strndup(&d->arena, s, strlen(s))))
      return false;
  }
  if (e->country != 0xFFFF) {
    /* Pool strings of the country table: ISO codes, 2 and 3 bytes. */
    s = dl__geo_str(g, g->ctry[e->country].iso2);
    out->iso2 = dl__arena_strndup(&d->arena, s, strlen(s));
    s = dl__geo_str(g, g->ctry[e->country].iso3);
    out->iso3 = dl__arena_strndup(&d->arena, s, strlen(s));
    if (!out->iso2 || !out->iso3) return false;
  }
  if (e->kind == DL__GEO_REGION && e->extra) {
    s = dl__geo_str(g, e->extra);
    if (!(out->countries = dl__arena_strndup(&d->arena, s, strlen(s))))
      return false;
  }
  out->geonameid = e->geonameid;
  out->population = e->population;
  out->lat = e->lat;
  out->lon = e->lon;
  out->kind = e->kind;
  return true;
}

static bool focus(dl_doc *d, const struct dl__geo *g, const dl_allocator *al)
{
  float *cw = dl__calloc(al, g->n_ctry, sizeof *cw);
  float best = 0, bp = 0;
  uint32_t bc = DL__GEO_NONE, place = DL__GEO_NONE;
  if (!cw) return false;
  for (size_t i = 0; i < d->n_places; i++) {
    const struct dl__place *p = &d->places[i];
    const struct dl__geo_ent *e = &g->ent[p->entry];
    float wt = (float)p->n_spans * p->conf;
    if (p->pflags & DL__GEO_P_DEMONYM) wt *= 0.5f;
    if (p->src == DL__GEO_SRC_DATELINE) wt += 2.0f;
    if (e->country != 0xFFFF) cw[e->country] += wt;
  }
  for (uint32_t c = 0; c < g->n_ctry; c++)
    if (cw[c] > best) {
      best = cw[c];
      bc = c;
    }
  dl__free(al, cw);
  if (bc == DL__GEO_NONE) return true;
  for (size_t i = 0; i < d->n_places; i++) {
    const struct dl__place *p = &d->places[i];
    const struct dl__geo_ent *e = &g->ent[p->entry];
    float wt = (float)p->n_spans * p->conf;
    if (e->country != bc || e->kind == DL__GEO_COUNTRY ||
        (p->pflags & DL__GEO_P_DEMONYM))
      continue;
    if (wt > bp) {
      bp = wt;
      place = p->entry;
    }
  }
  if (place == DL__GEO_NONE) place = g->ctry[bc].entry;
  d->focus_place = dl__arena_alloc(&d->arena, sizeof *d->focus_place);
  if (!d->focus_place || !info_copy(d, g, place, d->focus_place))
    return false;
  d->focus_iso2 = d->focus_place->iso2;
  d->focus_iso3 = d->focus_place->iso3;
  if (!d->focus_iso2) {
    const char *s = dl__geo_str(g, g->ctry[bc].iso2);
    d->focus_iso2 = dl__arena_strndup(&d->arena, s, strlen(s));
    s = dl__geo_str(g, g->ctry[bc].iso3);
    d->focus_iso3 = dl__arena_strndup(&d->arena, s, strlen(s));
  }
  return d->focus_iso2 && d->focus_iso3;
}

dl_status dl__geo_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct gws w;
  dl_status rc;
  size_t np = 0;
  memset(&w, 0, sizeof w);
  if (!a->m->geo) {
    dl__doc_note(d, "geo gazetteer not loaded");
    return DL_OK;
  }
  w.g = a->m->geo;
  w.d = d;
  w.al = a->al;
  d->geo_ran = true;
  if (!long_matches(&w)) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  rc = from_entities(&w, err);
  if (!rc) rc = from_gazetteer(&w, err);
  if (!rc) rc = from_capitals(&w, err);
  if (!rc) rc = from_dateline(&w, err);
  if (rc) goto done;
  /* "Paris, Texas": the first hint found after any span of a group. */
  for (size_t i = 0; i < w.n; i++) {
    struct dl__geo_grp *g = &w.gr[i];
    for (uint32_t k = g->first_span; k != DL__GEO_NONE && g->hint ==
                                     DL__GEO_NONE; k = w.next[k])
      g->hint = dl__geo_hint_after(w.g, d->view, d->len, w.sp[2 * k + 1]);
  }
  {
    dl__buf ws;
    dl__buf_init(&ws, a->al);
    rc = dl__geo_resolve(w.g, w.gr, w.n, &ws, err);
    dl__buf_free(&ws);
    if (rc) goto done;
  }
  for (size_t i = 0; i < w.n; i++)
    if (w.gr[i].best != DL__GEO_NONE && w.gr[i].n_spans) np++;
  d->places = np ? dl__arena_alloc(&d->arena, np * sizeof *d->places) : NULL;
  if (np && !d->places) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < w.n; i++) {
    struct dl__geo_grp *g = &w.gr[i];
    struct dl__place *p;
    uint32_t n = 0;
    if (g->best == DL__GEO_NONE || !g->n_spans) continue;
    p = &d->places[d->n_places++];
    p->entry = g->best;
    p->pflags = g->best_flags;
    p->ent = g->ent;
    p->conf = g->conf;
    p->src = g->src;
    if (!info_copy(d, w.g, g->best, &p->info)) {
      rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      goto done;
    }
    p->spans = dl__arena_alloc(&d->arena, g->n_spans * 2 * sizeof(uint32_t));
    if (!p->spans) {
      rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      goto done;
    }
    for (uint32_t k = g->first_span; k != DL__GEO_NONE; k = w.next[k]) {
      p->spans[2 * n] = w.sp[2 * k];
      p->spans[2 * n + 1] = w.sp[2 * k + 1];
      n++;
    }
    p->n_spans = n;
    qsort(p->spans, n, 2 * sizeof(uint32_t), cmp_u32pair);
  }
  if (d->n_places)
    qsort(d->places, d->n_places, sizeof *d->places, cmp_place);
  if (!focus(d, w.g, a->al))
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  dl__free(a->al, w.gr);
  dl__free(a->al, w.gh);
  dl__free(a->al, w.sp);
  dl__free(a->al, w.next);
  dl__free(a->al, w.lend);
  dl__free(a->al, w.lin);
  return rc;
}

/* ====================================================================
** The record's `places` and `focus`
** ==================================================================== */

static void entry_fields(dl__jw *w, const struct dl__place_info *e)
{
  dl__jw_key(w, "name");
  dl__jw_cstr(w, e->name);
  dl__jw_key(w, "geonameid");
  if (e->geonameid)
    dl__jw_uint(w, e->geonameid);
  else
    dl__jw_null(w);
  dl__jw_key(w, "lat");
  dl__jw_double(w, e->lat / 1e5, 5);
  dl__jw_key(w, "lon");
  dl__jw_double(w, e->lon / 1e5, 5);
  dl__jw_key(w, "country");
  dl__jw_cstr(w, e->iso2);
  dl__jw_key(w, "country3");
  dl__jw_cstr(w, e->iso3);
  dl__jw_key(w, "admin1");
  dl__jw_cstr(w, e->admin1);
  dl__jw_key(w, "feature");
  dl__jw_cstr(w, e->feature);
  dl__jw_key(w, "population");
  if (e->kind == DL__GEO_CITY)
    dl__jw_uint(w, e->population);
  else
    dl__jw_null(w);
  if (e->countries) {
    /* A region over several countries ("the Koreas": KP, KR). */
    const char *s = e->countries;
    dl__jw_key(w, "countries");
    dl__jw_arr_begin(w);
    while (*s) {
      size_t l = 0;
      while (s[l] && s[l] != ' ') l++;
      dl__jw_str(w, s, l);
      s += l;
      while (*s == ' ') s++;
    }
    dl__jw_arr_end(w);
  }
}

static const char *const kind_names[] = {"city", "country", "admin1",
                                         "region"};

void dl__geo_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  /* Without a gazetteer the field is absent (the record's "unavailable"
  ** says why), never an empty list that would read as "no places". */
  if (!d->geo_ran) return;
  dl__jw_key(w, "places");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_places; i++) {
    const struct dl__place *p = &d->places[i];
    char id[16];
    dl__jw_obj_begin(w);
    dl__jw_key(w, "entity");
    if (p->ent != DL__GEO_NONE) {
      snprintf(id, sizeof id, "e%u", (unsigned)p->ent + 1);
      dl__jw_cstr(w, id);
    } else {
      dl__jw_null(w);
    }
    dl__jw_key(w, "text");
    dl__jw_str(w, d->text + p->spans[0], p->spans[1] - p->spans[0]);
    entry_fields(w, &p->info);
    dl__jw_key(w, "kind");
    dl__jw_cstr(w, kind_names[p->info.kind & 3]);
    if (p->pflags & DL__GEO_P_DEMONYM) {
      dl__jw_key(w, "demonym");
      dl__jw_bool(w, true);
    }
    dl__jw_key(w, "confidence");
    dl__jw_double(w, p->conf, 3);
    dl__jw_key(w, "mentions");
    dl__jw_arr_begin(w);
    for (uint32_t k = 0; k < p->n_spans; k++)
      dl__jw_span(d, w, flags, p->spans[2 * k], p->spans[2 * k + 1]);
    dl__jw_arr_end(w);
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
  dl__jw_key(w, "focus");
  if (!d->focus_iso2) {
    dl__jw_null(w);
    return;
  }
  dl__jw_obj_begin(w);
  dl__jw_key(w, "country");
  dl__jw_cstr(w, d->focus_iso2);
  dl__jw_key(w, "country3");
  dl__jw_cstr(w, d->focus_iso3);
  dl__jw_key(w, "place");
  if (!d->focus_place) {
    dl__jw_null(w);
  } else {
    dl__jw_obj_begin(w);
    entry_fields(w, d->focus_place);
    dl__jw_obj_end(w);
  }
  dl__jw_obj_end(w);
}

/* ====================================================================
** dl_geocode(): given spans, no entities
** ==================================================================== */

/* Words that are no place by themselves inside a longer name. */
static const char *const part_stop[] = {
    "the", "of", "and", "for", "in", "at", "on", "de", "la", "le", "new",
    "old", "north", "south", "east", "west", "northern", "southern",
    "eastern", "western", "central", "upper", "lower", "great", "greater",
    "st", "saint", "city", "county", "state", "university", "college",
    "school", "hospital", "airport", "street", "road", "park", "lake",
    "river", "center", "centre", "national", "international", "office",
    "council", "church", "court", "district", "valley", "bay", "island",
    "mount", "port", "fort", "beach", "village", "town", "station"};

static bool is_part_stop(const char *w, size_t n)
{
  for (size_t i = 0; i < DL__COUNTOF(part_stop); i++)
    if (strlen(part_stop[i]) == n && memcmp(part_stop[i], w, n) == 0)
      return true;
  return false;
}

/* The best run of words inside key[0..kl) (not all of it) that is in the
** gazetteer: the one whose best entry has the highest prior (a country
** before a division before the biggest town), the longer on a tie. */
static bool best_part(const struct dl__geo *g, const char *key, size_t kl,
                      uint32_t *first, uint32_t *count)
{
  size_t ws[16], we[16], nw = 0, i = 0;
  float best = -1e9f;
  size_t bl = 0;
  while (i < kl && nw < 16) {
    while (i < kl && key[i] == ' ') i++;
    if (i >= kl) break;
    ws[nw] = i;
    while (i < kl && key[i] != ' ') i++;
    we[nw++] = i;
  }
  if (nw < 2) return false;
  for (size_t n = nw - 1; n >= 1; n--) {
    for (size_t a = 0; a + n <= nw; a++) {
      size_t s = ws[a], e = we[a + n - 1];
      uint32_t f, c;
      float sc = -1e9f;
      if (e - s < 3) continue;
      if (n == 1 && is_part_stop(key + s, e - s)) continue;
      if (!dl__geo_lookup(g, key + s, e - s, &f, &c) || !c) continue;
      for (uint32_t k = 0; k < c && k < 8; k++) {
        float p = dl__geo_prior(g, DL__GEO_P_ENTRY(g->post[f + k]));
        if (p > sc) sc = p;
      }
      if (sc > best || (sc == best && e - s > bl)) {
        best = sc;
        bl = e - s;
        *first = f;
        *count = c;
      }
    }
  }
  return best > -1e8f;
}

DL_API dl_status dl_geocode(dl_annotator *a, const char *text, size_t len,
                            const dl_span *spans, size_t n, dl_place *out,
                            dl_error *err)
{
  const struct dl__geo *g;
  struct dl__geo_grp *gr = NULL;
  uint32_t *gof = NULL, *tab = NULL;
  size_t ng = 0, tcap = 1;
  dl__buf ws;
  dl_status rc = DL_OK;
  dl__error_clear(err);
  if (!a || (n && (!text || !spans || !out)))
    return dl__fail(err, DL_ERR_INVALID, 0, "NULL argument");
  g = a->m->geo;
  if (!g) return dl__fail(err, DL_ERR_INVALID, 0, "no gazetteer loaded");
  for (size_t i = 0; i < n; i++) {
    memset(&out[i], 0, sizeof out[i]);
    if (spans[i].start > spans[i].end || spans[i].end > len)
      return dl__fail(err, DL_ERR_INVALID, spans[i].start,
                      "span %zu out of range", i);
  }
  if (!n) return DL_OK;
  while (tcap < 2 * n) tcap <<= 1;
  gr = dl__calloc(a->al, n, sizeof *gr);
  gof = dl__calloc(a->al, n, sizeof *gof);
  tab = dl__malloc(a->al, tcap * sizeof *tab);
  dl__buf_init(&ws, a->al);
  if (!gr || !gof || !tab) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  memset(tab, 0xFF, tcap * sizeof *tab);
  /* One group per span text (its key): one sense per document. */
  for (size_t i = 0; i < n; i++) {
    char key[DL__GEO_KEY_MAX], id[DL__GEO_KEY_MAX];
    size_t kl = dl__geo_key(text + spans[i].start,
                            spans[i].end - spans[i].start, key);
    size_t il = kl;
    uint32_t first = 0, count = 0;
    size_t h, k2;
    bool town = false, part = false, mixed;
    gof[i] = DL__GEO_NONE;
    if (kl < 2) continue;
    memcpy(id, key, kl + 1);
    if (!dl__geo_lookup(g, key, kl, &first, &count)) {
      town = ends_with(key, kl, " city");
      while ((k2 = strip_key(key, kl)) != 0) {
        kl = k2;
        if (dl__geo_lookup(g, key, kl, &first, &count)) break;
      }
      if (!count) town = false;
      /* "Turkey's": the possessive belongs to the sentence. */
      if (!count && kl > 2 && key[kl - 1] == 's' && key[kl - 2] == ' ') {
        kl -= 2;
        key[kl] = 0;
        dl__geo_lookup(g, key, kl, &first, &count);
      }
      /* "Dubai World Cup", "University of California": a span given as
      ** a place whose whole is no name resolves by its best part. */
      if (!count) part = best_part(g, id, il, &first, &count);
      if (!count) continue;
    }
    /* "LA" and "La." are not one name: capitals are part of the group. */
    mixed = !all_caps(text, (uint32_t)spans[i].start, (uint32_t)spans[i].end);
    h = (size_t)khash(id, il) & (tcap - 1);
    while (tab[h] != DL__GEO_NONE &&
           !(gr[tab[h]].klen == il && gr[tab[h]].mixed_case == mixed &&
             memcmp(gr[tab[h]].key, id, il) == 0))
      h = (h + 1) & (tcap - 1);
    if (tab[h] == DL__GEO_NONE) {
      struct dl__geo_grp *x = &gr[ng];
      memcpy(x->key, id, il + 1);
      x->klen = (uint32_t)il;
      x->town_only = town;
      x->partial = part;
      x->mixed_case = mixed;
      x->ent = DL__GEO_NONE;
      x->src = DL__GEO_SRC_GIVEN;
      x->hint = DL__GEO_NONE;
      x->best = DL__GEO_NONE;
      x->fixed = DL__GEO_NONE;
      x->cand_first = first;
      x->cand_n = count;
      tab[h] = (uint32_t)ng++;
    }
    gof[i] = tab[h];
    gr[tab[h]].weight += 1.0f;
    gr[tab[h]].n_spans++;
    if (gr[tab[h]].hint == DL__GEO_NONE)
      gr[tab[h]].hint = dl__geo_hint_after(g, text, len, spans[i].end);
  }
  rc = dl__geo_resolve(g, gr, ng, &ws, err);
  if (rc) goto done;
  for (size_t i = 0; i < n; i++) {
    const struct dl__geo_grp *x;
    const struct dl__geo_ent *e;
    if (gof[i] == DL__GEO_NONE) continue;
    x = &gr[gof[i]];
    if (x->best == DL__GEO_NONE) continue;
    e = &g->ent[x->best];
    out[i].name = dl__geo_str(g, e->name);
    out[i].geonameid = e->geonameid;
    out[i].lat = e->lat / 1e5;
    out[i].lon = e->lon / 1e5;
    if (e->country != 0xFFFF) {
      out[i].country = dl__geo_str(g, g->ctry[e->country].iso2);
      out[i].country3 = dl__geo_str(g, g->ctry[e->country].iso3);
    }
    out[i].admin1 = e->admin1 ? dl__geo_str(g, e->admin1) : NULL;
    out[i].feature = dl__geo_str(g, e->feature);
    out[i].population = e->kind == DL__GEO_CITY ? e->population : 0;
    out[i].confidence = x->conf;
  }
done:
  dl__buf_free(&ws);
  dl__free(a->al, gr);
  dl__free(a->al, gof);
  dl__free(a->al, tab);
  return rc;
}
