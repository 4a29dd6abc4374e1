/*
** geo.c -- the place gazetteer (models/geo.bin) and toponym resolution.
**
** The file is read once into memory and used in place: a header, fixed
** 40-byte entries, an open-addressing hash table from lookup keys to
** postings (entry indices, best prior first), the country table and a
** string pool (docs/INTERNALS-geo.md). Loading is one read and a bounds
** check of every offset, so a damaged file fails to load instead of
** being read out of bounds later.
**
** Resolution (dl__geo_resolve) scores each candidate of a toponym group
** with a prior (population and feature class for towns, fixed levels for
** countries, divisions and regions), a "Paris, Texas" hint, and in a
** second pass the countries and divisions the other groups of the
** document resolved to in the first. The confidence is the candidate's
** share of the softmax over its group's candidates, times a factor for
** how the toponym was found.
*/
#include "geo.h"

#include <math.h>
#include <stdio.h>
#include <utf8proc.h>

#define GEO_MAGIC "DLGEO01"
#define GEO_FILE "geo.bin"
#define HDR_SIZE 64

static uint32_t rd32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint64_t fnv64(const char *s, size_t n)
{
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h ? h : 1;
}

static dl_status bad(dl_error *err, const char *path, const char *what)
{
  return dl__fail(err, DL_ERR_FORMAT, 0, "%s: bad gazetteer (%s)", path,
                  what);
}

/* Checks every offset of the image so that later reads stay in bounds. */
static dl_status check_image(struct dl__geo *g, const char *path,
                             dl_error *err)
{
  const unsigned char *b = g->raw;
  uint32_t n_ent, n_slot, n_post, n_ctry, pool_len;
  uint32_t off_e, off_s, off_p, off_c, off_pool;
  const uint16_t one = 1;
  if (*(const unsigned char *)&one != 1)
    return bad(err, path, "big-endian hosts are not supported");
  if (g->len < HDR_SIZE || memcmp(b, GEO_MAGIC, 8) != 0)
    return bad(err, path, "magic");
  if (rd32(b + 8) != 1) return bad(err, path, "version");
  n_ent = rd32(b + 12);
  n_slot = rd32(b + 16);
  n_post = rd32(b + 20);
  n_ctry = rd32(b + 24);
  pool_len = rd32(b + 28);
  off_e = rd32(b + 32);
  off_s = rd32(b + 36);
  off_p = rd32(b + 40);
  off_c = rd32(b + 44);
  off_pool = rd32(b + 48);
  if (n_ent >= (UINT32_C(1) << 29) || !n_slot || (n_slot & (n_slot - 1)) ||
      (off_e | off_s | off_c | off_pool) % 8 || off_p % 4)
    return bad(err, path, "header");
  if ((uint64_t)off_e + (uint64_t)n_ent * sizeof(struct dl__geo_ent) >
          g->len ||
      (uint64_t)off_s + (uint64_t)n_slot * sizeof(struct dl__geo_slot) >
          g->len ||
      (uint64_t)off_p + (uint64_t)n_post * 4 > g->len ||
      (uint64_t)off_c + (uint64_t)n_ctry * sizeof(struct dl__geo_ctry) >
          g->len ||
      (uint64_t)off_pool + pool_len > g->len || !pool_len ||
      b[off_pool + pool_len - 1] != 0)
    return bad(err, path, "section bounds");
  g->ent = (const struct dl__geo_ent *)(const void *)(b + off_e);
  g->slot = (const struct dl__geo_slot *)(const void *)(b + off_s);
  g->post = (const uint32_t *)(const void *)(b + off_p);
  g->ctry = (const struct dl__geo_ctry *)(const void *)(b + off_c);
  g->pool = (const char *)(b + off_pool);
  g->n_ent = n_ent;
  g->n_slot = n_slot;
  g->n_post = n_post;
  g->n_ctry = n_ctry;
  g->pool_len = pool_len;
  for (uint32_t i = 0; i < n_ent; i++) {
    const struct dl__geo_ent *e = &g->ent[i];
    if (e->name >= pool_len || e->admin1 >= pool_len ||
        e->feature >= pool_len || e->extra >= pool_len ||
        (e->country != 0xFFFF && e->country >= n_ctry) ||
        e->kind > DL__GEO_REGION)
      return bad(err, path, "entry");
  }
  for (uint32_t i = 0; i < n_slot; i++) {
    const struct dl__geo_slot *s = &g->slot[i];
    if (s->hash && ((uint64_t)s->first + s->count > n_post || !s->count))
      return bad(err, path, "hash slot");
  }
  for (uint32_t i = 0; i < n_post; i++)
    if (DL__GEO_P_ENTRY(g->post[i]) >= n_ent)
      return bad(err, path, "posting");
  for (uint32_t i = 0; i < n_ctry; i++) {
    const struct dl__geo_ctry *c = &g->ctry[i];
    if (c->iso2 >= pool_len || c->iso3 >= pool_len || c->entry >= n_ent ||
        (c->capital != DL__GEO_NONE && c->capital >= n_ent))
      return bad(err, path, "country");
  }
  return DL_OK;
}

dl_status dl__geo_load_dir(dl_model *m, const char *dir, dl_error *err)
{
  char path[4096];
  char *raw;
  size_t len;
  struct dl__geo *g;
  dl_status rc;
  if (!dir) return DL_OK;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, GEO_FILE) >=
      sizeof path)
    return dl__fail(err, DL_ERR_INVALID, 0, "model folder path too long");
  rc = dl__read_file_blob(m->al, path, (size_t)1 << 30, 8, "gazetteer",
                          &raw, &len, err);
  if (rc || !raw) return rc; /* absent: stage disabled */
  g = dl__calloc(m->al, 1, sizeof *g);
  if (!g) {
    dl__free(m->al, raw);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  g->al = m->al;
  g->raw = (unsigned char *)raw;
  g->len = len;
  rc = check_image(g, path, err);
  if (rc) goto fail;
  g->filter = dl__calloc(m->al, (size_t)1 << (DL__GEO_FILTER_BITS - 6),
                         sizeof *g->filter);
  if (!g->filter) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto fail;
  }
  for (uint32_t i = 0; i < g->n_slot; i++) {
    uint64_t h = g->slot[i].hash;
    uint32_t b = (uint32_t)(h >> 40) & ((UINT32_C(1) << DL__GEO_FILTER_BITS) - 1);
    if (h) g->filter[b >> 6] |= UINT64_C(1) << (b & 63);
  }
  m->geo = g;
  dl__model_add_resource(m, "geo");
  return DL_OK;
fail:
  dl__free(m->al, g->raw);
  dl__free(m->al, g);
  return rc;
}

void dl__geo_free(dl_model *m)
{
  if (!m->geo) return;
  dl__free(m->al, m->geo->filter);
  dl__free(m->al, m->geo->raw);
  dl__free(m->al, m->geo);
  m->geo = NULL;
}

/* ====================================================================
** Keys and lookup
** ==================================================================== */

size_t dl__geo_key(const char *s, size_t n, char *out)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, k = 0;
  bool space = false;
  while (i < n) {
    int32_t cp, dec[8];
    int boundclass = 0;
    utf8proc_ssize_t nd;
    size_t step;
    if (u[i] < 0x80) {
      /* ASCII: no decomposition to do. */
      unsigned char c = u[i++];
      if (c == '.') continue;
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
          (c >= 'A' && c <= 'Z')) {
        if (k + 2 >= DL__GEO_KEY_MAX) return 0;
        if (space && k) out[k++] = ' ';
        space = false;
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
      } else {
        space = true;
      }
      continue;
    }
    step = dl__utf8_decode(u, n, i, &cp);
    if (!step) step = 1;
    i += step;
    if (cp == '.') continue;
    nd = utf8proc_decompose_char(
        cp, dec, 8,
        (utf8proc_option_t)(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                             UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK),
        &boundclass);
    if (nd < 0 || nd > 8) {
      dec[0] = cp;
      nd = 1;
    }
    for (utf8proc_ssize_t j = 0; j < nd; j++) {
      int32_t c = dec[j];
      if (c == '.') continue;
      if (dl__is_alpha(c) || dl__is_digit(c)) {
        char buf[4];
        size_t l = dl__utf8_encode(dl__tolower(c), buf);
        if (k + l + 1 >= DL__GEO_KEY_MAX) return 0;
        if (space && k) out[k++] = ' ';
        space = false;
        memcpy(out + k, buf, l);
        k += l;
      } else if (utf8proc_category(c) != UTF8PROC_CATEGORY_MN) {
        space = true;
      }
    }
  }
  out[k] = 0;
  return k;
}

bool dl__geo_lookup(const struct dl__geo *g, const char *key, size_t klen,
                    uint32_t *first, uint32_t *count)
{
  uint64_t h;
  uint32_t i;
  *first = *count = 0;
  if (!g || !klen) return false;
  h = fnv64(key, klen);
  if (g->filter) {
    uint32_t b = (uint32_t)(h >> 40) & ((UINT32_C(1) << DL__GEO_FILTER_BITS) - 1);
    if (!(g->filter[b >> 6] & (UINT64_C(1) << (b & 63)))) return false;
  }
  i = (uint32_t)h & (g->n_slot - 1);
  for (uint32_t probes = 0; probes < g->n_slot; probes++) {
    const struct dl__geo_slot *s = &g->slot[i];
    if (!s->hash) return false;
    if (s->hash == h) {
      *first = s->first;
      *count = s->count;
      return true;
    }
    i = (i + 1) & (g->n_slot - 1);
  }
  return false;
}

/* ====================================================================
** "Paris, Texas"
** ==================================================================== */

uint32_t dl__geo_hint_after(const struct dl__geo *g, const char *text,
                            size_t len, size_t end)
{
  size_t i = end, ws[4], we[4];
  int nw = 0;
  while (i < len && text[i] == ' ') i++;
  if (i >= len || text[i] != ',') return DL__GEO_NONE;
  i++;
  /* Up to three capitalized words ("New South Wales", "D.C."). */
  while (nw < 3) {
    size_t s;
    while (i < len && text[i] == ' ') i++;
    s = i;
    if (i >= len || !(text[i] >= 'A' && text[i] <= 'Z')) break;
    while (i < len && ((text[i] >= 'A' && text[i] <= 'Z') ||
                       (text[i] >= 'a' && text[i] <= 'z') || text[i] == '.'))
      i++;
    ws[nw] = s;
    we[nw] = i;
    nw++;
    if (i >= len || text[i] != ' ') break;
  }
  for (int k = nw; k > 0; k--) {
    char key[DL__GEO_KEY_MAX];
    size_t kl = dl__geo_key(text + ws[0], we[k - 1] - ws[0], key);
    uint32_t first, count;
    if (!dl__geo_lookup(g, key, kl, &first, &count)) continue;
    for (uint32_t j = 0; j < count; j++) {
      uint32_t p = g->post[first + j];
      const struct dl__geo_ent *e = &g->ent[DL__GEO_P_ENTRY(p)];
      if (p & DL__GEO_P_DEMONYM) continue;
      if (e->kind == DL__GEO_ADMIN1 || e->kind == DL__GEO_COUNTRY)
        return DL__GEO_P_ENTRY(p);
    }
  }
  return DL__GEO_NONE;
}

/* ====================================================================
** Resolution
** ==================================================================== */

float dl__geo_prior(const struct dl__geo *g, uint32_t ei)
{
  const struct dl__geo_ent *e = &g->ent[ei];
  float s;
  switch (e->kind) {
  case DL__GEO_COUNTRY: return 9.5f;
  case DL__GEO_REGION: return 8.5f;
  case DL__GEO_ADMIN1:
    /* Second-level divisions ("Cook County"): the population of their
    ** towns tells same-named ones apart. */
    if (e->population)
      return 6.8f + 0.1f * (float)log10((double)e->population + 1.0);
    return 6.8f;
  default: break;
  }
  s = (float)log10((double)e->population + 1.0);
  switch (e->flags) {
  case DL__GEO_F_PPLC: s += 1.5f; break;
  case DL__GEO_F_PPLA: s += 0.8f; break;
  case DL__GEO_F_PPLA2: s += 0.3f; break;
  case DL__GEO_F_AIRP: s = 4.5f; break; /* as a town of 30,000 */
  case DL__GEO_F_MINOR: s -= 1.0f; break;
  default: break;
  }
  return s;
}

/* Context of the first pass: weight per country, and the admin1
** divisions the document named. */
struct ctx {
  float *cw;      /* per country */
  float cmax;
  uint32_t *adm;  /* entries of kind ADMIN1 chosen in pass 1 */
  float *admw;
  size_t n_adm;
  uint32_t *near; /* towns chosen with confidence in pass 1 (anchors) */
  size_t n_near;
  const struct dl__geo_grp *grs; /* the groups, for the nearness bonus */
  size_t n_grs;                   /* the first GEO_MAX_ANCHORS of them */
};

/* Candidates of another toponym looked at for nearness (best priors). */
#define GEO_NEAR_CANDS 8

/* Anchors for the nearness bonus: at most this many, and only towns. */
#define GEO_MAX_ANCHORS 48
#define GEO_NEAR_KM 150.0
#define GEO_NEAR_LAT 136000L /* 150 km in degrees of latitude x 1e5 */

/* Equirectangular distance in km: enough to tell 150 km from 1,500. */
static double near_km(const struct dl__geo_ent *a, const struct dl__geo_ent *b)
{
  double la = a->lat * 1e-5 * 0.017453293, lb = b->lat * 1e-5 * 0.017453293;
  double dl = (a->lon - b->lon) * 1e-5 * 0.017453293;
  double x, y;
  if (dl > 3.14159265) dl -= 6.28318531;
  if (dl < -3.14159265) dl += 6.28318531;
  x = dl * cos((la + lb) / 2);
  y = la - lb;
  return 6371.0 * sqrt(x * x + y * y);
}

static bool usable(const struct dl__geo *g, const struct dl__geo_grp *gr,
                   uint32_t p)
{
  if (gr->demonym_only && !(p & DL__GEO_P_DEMONYM)) return false;
  if (gr->mixed_case && (p & DL__GEO_P_ACRONYM)) return false;
  if (gr->town_only && g->ent[DL__GEO_P_ENTRY(p)].kind != DL__GEO_CITY)
    return false;
  return true;
}

/* A town or a second-level division: placed by its division and its
** neighbours. */
static bool local(const struct dl__geo *g, const struct dl__geo_ent *e)
{
  (void)g;
  return e->kind == DL__GEO_CITY ||
         (e->kind == DL__GEO_ADMIN1 && e->flags == DL__GEO_F_ADM2);
}

static float score(const struct dl__geo *g, const struct dl__geo_grp *gr,
                   uint32_t p, const struct ctx *cx, bool own, bool cname_list)
{
  uint32_t ei = DL__GEO_P_ENTRY(p);
  const struct dl__geo_ent *e = &g->ent[ei];
  float s = dl__geo_prior(g, ei);
  if (gr->hint != DL__GEO_NONE && !cname_list) {
    const struct dl__geo_ent *h = &g->ent[gr->hint];
    if (e->country == h->country && local(g, e) &&
        (h->kind != DL__GEO_ADMIN1 || e->admin1 == h->admin1))
      s += h->kind == DL__GEO_ADMIN1 ? 8.0f : 6.0f;
    else if (ei != gr->hint)
      s -= 2.0f;
  }
  if (cx && e->country != 0xFFFF && cx->cmax > 0) {
    float w = cx->cw[e->country];
    /* Not the group's own first-pass vote (gr->best still holds it). */
    if (own && gr->best != DL__GEO_NONE &&
        g->ent[gr->best].country == e->country)
      w -= gr->weight;
    if (w > 0) s += 3.5f * w / cx->cmax;
  }
  if (cx && local(g, e)) {
    for (size_t i = 0; i < cx->n_adm; i++) {
      const struct dl__geo_ent *a = &g->ent[cx->adm[i]];
      if (own && cx->adm[i] == gr->best) continue; /* its own vote */
      if (a->country == e->country && a->admin1 == e->admin1) {
        s += 2.0f;
        break;
      }
    }
    /* Near a possible reading of another toponym of the document
    ** (Edmonton, Enfield and London, all in London): one point for each
    ** such toponym, at most two. */
    if (cx->grs) {
      int hits = 0;
      for (size_t i = 0; i < cx->n_grs && hits < 2; i++) {
        const struct dl__geo_grp *o = &cx->grs[i];
        uint32_t m = DL__MIN(o->cand_n, (uint32_t)GEO_NEAR_CANDS);
        if (o == gr || o->klen == 0) continue;
        for (uint32_t k = 0; k < m; k++) {
          const struct dl__geo_ent *c =
              &g->ent[DL__GEO_P_ENTRY(g->post[o->cand_first + k])];
          /* 150 km is 1.35 degrees of latitude: most pairs are told
          ** apart without a cosine. */
          if (c->kind == DL__GEO_CITY &&
              labs((long)c->lat - (long)e->lat) < GEO_NEAR_LAT &&
              near_km(c, e) < GEO_NEAR_KM) {
            hits++;
            break;
          }
        }
      }
      s += 1.0f * (float)hits;
    }
  }
  return s;
}

/* A name that is a country's own name ("China", "Georgia") is the
** country, a division or a big town: a village of that name (China,
** Maine) needs a "China, Maine" hint. */
#define GEO_COUNTRY_TOWN_MIN_POP 100000u

static bool country_name(const struct dl__geo *g, const struct dl__geo_grp *gr)
{
  uint32_t n = DL__MIN(gr->cand_n, (uint32_t)DL__GEO_MAX_CANDS);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t p = g->post[gr->cand_first + i];
    if (!(p & (DL__GEO_P_ALIAS | DL__GEO_P_DEMONYM)) &&
        g->ent[DL__GEO_P_ENTRY(p)].kind == DL__GEO_COUNTRY)
      return true;
  }
  return false;
}

static void pick(const struct dl__geo *g, struct dl__geo_grp *gr,
                 const struct ctx *cx, bool own)
{
  float best = -1e9f, sum = 0;
  uint32_t bp = 0;
  bool any = false;
  uint32_t n = DL__MIN(gr->cand_n, (uint32_t)DL__GEO_MAX_CANDS);
  float sc[DL__GEO_MAX_CANDS];
  bool cname, clist;
  if (gr->fixed != DL__GEO_NONE) {
    gr->best = gr->fixed;
    gr->best_flags = 0;
    gr->conf = 0.9f;
    return;
  }
  cname = country_name(g, gr);
  /* "in Russia, U.S. officials said": a country's name followed by a
  ** country is a list, not "China, Maine". */
  clist = cname && gr->hint != DL__GEO_NONE &&
          g->ent[gr->hint].kind == DL__GEO_COUNTRY;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t p = g->post[gr->cand_first + i];
    const struct dl__geo_ent *e = &g->ent[DL__GEO_P_ENTRY(p)];
    bool ok = usable(g, gr, p);
    if (ok && cname && e->kind == DL__GEO_CITY &&
        e->population < GEO_COUNTRY_TOWN_MIN_POP &&
        (gr->hint == DL__GEO_NONE || clist ||
         g->ent[gr->hint].country != e->country))
      ok = false;
    sc[i] = ok ? score(g, gr, p, cx, own, clist) : -1e9f;
    if (sc[i] > best) {
      best = sc[i];
      bp = p;
      any = sc[i] > -1e8f;
    }
  }
  if (!any) {
    gr->best = DL__GEO_NONE;
    gr->conf = 0;
    return;
  }
  for (uint32_t i = 0; i < n; i++)
    if (sc[i] > -1e8f) sum += expf(sc[i] - best);
  gr->best = DL__GEO_P_ENTRY(bp);
  gr->best_flags = bp & (DL__GEO_P_DEMONYM | DL__GEO_P_ALIAS);
  gr->conf = 1.0f / sum;
}

static float src_factor(uint8_t src)
{
  switch (src) {
  case DL__GEO_SRC_NER: return 0.95f;
  case DL__GEO_SRC_DEMONYM: return 0.9f;
  case DL__GEO_SRC_GAZ: return 0.75f;
  case DL__GEO_SRC_DATELINE: return 0.95f;
  default: return 0.95f;
  }
}

dl_status dl__geo_resolve(const struct dl__geo *g, struct dl__geo_grp *gr,
                          size_t n, dl__buf *ws, dl_error *err)
{
  struct ctx cx;
  size_t need = g->n_ctry * sizeof(float) +
                n * (sizeof(uint32_t) + sizeof(float)) +
                GEO_MAX_ANCHORS * sizeof(uint32_t) + 16;
  ws->len = 0;
  if (!dl__buf_reserve(ws, need))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  memset(ws->p, 0, need);
  cx.cw = (float *)(void *)ws->p;
  cx.adm = (uint32_t *)(void *)(ws->p + g->n_ctry * sizeof(float));
  cx.admw = (float *)(void *)(cx.adm + n);
  cx.near = (uint32_t *)(void *)(cx.admw + n);
  cx.n_adm = 0;
  cx.n_near = 0;
  cx.grs = NULL;
  cx.n_grs = 0;
  cx.cmax = 0;
  /* Pass 1: priors and hints only. */
  for (size_t i = 0; i < n; i++) {
    const struct dl__geo_ent *e;
    pick(g, &gr[i], NULL, false);
    if (gr[i].best == DL__GEO_NONE) continue;
    e = &g->ent[gr[i].best];
    if (e->country != 0xFFFF) cx.cw[e->country] += gr[i].weight;
    if (e->kind == DL__GEO_ADMIN1 && gr[i].conf > 0.5f)
      cx.adm[cx.n_adm++] = gr[i].best;
    if (e->kind == DL__GEO_CITY && gr[i].conf > 0.6f &&
        cx.n_near < GEO_MAX_ANCHORS)
      cx.near[cx.n_near++] = gr[i].best;
  }
  for (uint32_t c = 0; c < g->n_ctry; c++)
    if (cx.cw[c] > cx.cmax) cx.cmax = cx.cw[c];
  cx.grs = gr;
  cx.n_grs = DL__MIN(n, (size_t)GEO_MAX_ANCHORS);
  /* Pass 2: with the document's other places. A group's own vote is
  ** taken out of the country weights (own = true). */
  for (size_t i = 0; i < n; i++) {
    pick(g, &gr[i], &cx, true);
    if (gr[i].best != DL__GEO_NONE) {
      gr[i].conf *= src_factor(gr[i].src);
      if (gr[i].partial) gr[i].conf *= 0.5f;
    }
  }
  return DL_OK;
}
