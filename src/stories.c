/*
** stories.c -- online story clustering: articles about one event grouped
** in a single pass, within a sliding time window.
**
** Each article comes as a bag of weighted features in four groups:
** entities (canonical names, weighted by salience), places (geonames or
** names), dates it mentions (day values) and words (title and lead).
** Weights are multiplied by an IDF learned from the stream itself (a fixed
** table of 2^20 document-frequency counters indexed by feature hash, so
** memory does not grow: a collision only makes a feature look commoner),
** then each group is scaled to unit length.
**
** A story keeps, per group, the sum of its articles' vectors, pruned to its
** heaviest terms (32 entities, 8 places, 8 dates, 48 words). An article's
** similarity to a story is the weighted mean of the per-group cosines
** (entities 0.45, words 0.30, places 0.15, dates 0.10) over the entity
** and word groups the article has and the place and date groups both
** sides have (missing geo output is not evidence against); when both
** have entities, at least one must be shared. The article joins the
** most similar story last updated within `window_days` of it if the
** similarity reaches `threshold`, else starts a new story. Stories older
** than the window (against the latest date seen) are closed and freed, so
** memory is bounded by the stories of one window, however long the stream.
** Articles without a date take the latest date seen.
**
** The label of a story: its three heaviest entities, its heaviest place
** and its first date, e.g. "Vladimir Putin, Andrei Karlov, Ankara |
** Ankara | 2016-12-20".
*/
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NGROUP 4
#define DF_BITS 20
#define DEFAULT_THRESHOLD 0.30
#define DEFAULT_WINDOW 3.0

static const unsigned group_cap[NGROUP] = {32, 8, 8, 48};
static const double group_weight[NGROUP] = {0.45, 0.15, 0.10, 0.30};

struct term {
  uint64_t h;
  double w;
  char *name; /* display name (entities, places); NULL for others */
};

struct vec {
  struct term *t;
  size_t n, cap;
};

struct story {
  uint64_t id;
  double first, last; /* days */
  uint64_t count;
  struct vec g[NGROUP];
};

struct dl_stories {
  const dl_allocator *al;
  double threshold, window;
  uint32_t *df;
  uint64_t docs;
  double now;         /* latest date seen */
  bool have_now;
  struct story **act; /* active stories */
  size_t nact, capact;
  uint64_t next_id;
  struct vec a[NGROUP]; /* the current article */
  char *label;
  size_t label_cap;
};

static uint64_t fhash(const char *s, size_t len, unsigned group)
{
  uint64_t h = UINT64_C(0xcbf29ce484222325) ^ group;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    h = (h ^ c) * UINT64_C(0x100000001b3);
  }
  h ^= h >> 29;
  h *= UINT64_C(0xbf58476d1ce4e5b9);
  h ^= h >> 32;
  return h;
}

static void vec_free(const dl_allocator *al, struct vec *v)
{
  for (size_t i = 0; i < v->n; i++) dl__free(al, v->t[i].name);
  dl__free(al, v->t);
  memset(v, 0, sizeof *v);
}

static void story_free(const dl_allocator *al, struct story *s)
{
  if (!s) return;
  for (int g = 0; g < NGROUP; g++) vec_free(al, &s->g[g]);
  dl__free(al, s);
}

DL_API dl_status dl_stories_create(const dl_stories_options *opt,
                                   dl_stories **out, dl_error *err)
{
  dl_stories *st;
  const dl_allocator *al = opt ? opt->alloc : NULL;
  if (!out) return dl__fail(err, DL_ERR_INVALID, 0, "out is NULL");
  *out = NULL;
  if (opt && (opt->threshold < 0 || opt->threshold > 1 ||
              opt->window_days < 0))
    return dl__fail(err, DL_ERR_INVALID, 0,
                    "stories options: threshold in [0, 1], window >= 0");
  st = dl__calloc(al, 1, sizeof *st);
  if (!st) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  st->al = al;
  st->threshold = opt && opt->threshold > 0 ? opt->threshold
                                            : DEFAULT_THRESHOLD;
  st->window = opt && opt->window_days > 0 ? opt->window_days
                                           : DEFAULT_WINDOW;
  st->df = dl__calloc(al, (size_t)1 << DF_BITS, sizeof *st->df);
  if (!st->df) {
    dl_stories_destroy(st);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  *out = st;
  return DL_OK;
}

DL_API void dl_stories_destroy(dl_stories *st)
{
  if (!st) return;
  for (size_t i = 0; i < st->nact; i++) story_free(st->al, st->act[i]);
  dl__free(st->al, st->act);
  for (int g = 0; g < NGROUP; g++) vec_free(st->al, &st->a[g]);
  dl__free(st->al, st->df);
  dl__free(st->al, st->label);
  dl__free(st->al, st);
}

static int vec_push(const dl_allocator *al, struct vec *v, uint64_t h,
                    double w, const char *name, size_t nlen)
{
  for (size_t i = 0; i < v->n; i++)
    if (v->t[i].h == h) {
      v->t[i].w += w;
      return 0;
    }
  if (v->n == v->cap) {
    size_t nc = v->cap ? v->cap * 2 : 16;
    struct term *nt = dl__realloc(al, v->t, v->cap * sizeof *nt,
                                  nc * sizeof *nt);
    if (!nt) return -1;
    v->t = nt;
    v->cap = nc;
  }
  v->t[v->n].h = h;
  v->t[v->n].w = w;
  v->t[v->n].name = NULL;
  if (name) {
    char *c = dl__malloc(al, nlen + 1);
    if (!c) return -1;
    memcpy(c, name, nlen);
    c[nlen] = 0;
    v->t[v->n].name = c;
  }
  v->n++;
  return 0;
}

static double norm(const struct vec *v)
{
  double s = 0;
  for (size_t i = 0; i < v->n; i++) s += v->t[i].w * v->t[i].w;
  return sqrt(s);
}

static double dot(const struct vec *a, const struct vec *b)
{
  double s = 0;
  for (size_t i = 0; i < a->n; i++)
    for (size_t j = 0; j < b->n; j++)
      if (a->t[i].h == b->t[j].h) {
        s += a->t[i].w * b->t[j].w;
        break;
      }
  return s;
}

static double similarity(const dl_stories *st, const struct story *s)
{
  double num = 0, den = 0, cos[NGROUP] = {0};
  for (int g = 0; g < NGROUP; g++) {
    double ns;
    bool core = g == DL_STORY_ENTITY || g == DL_STORY_WORD;
    /* Entities always count (an article that names no one and nothing
    ** only joins a story on near-identical words: tables of results
    ** share their template words), words whenever the article has them
    ** (a story without them is no match); places and dates only when both
    ** sides have them (absent geo output is not evidence against). */
    if ((!st->a[g].n && g != DL_STORY_ENTITY) || (!core && !s->g[g].n))
      continue;
    den += group_weight[g];
    ns = norm(&s->g[g]);
    if (ns <= 0) continue;
    cos[g] = dot(&st->a[g], &s->g[g]) / ns;
    num += group_weight[g] * cos[g];
  }
  /* Two articles with named entities but none in common are about
  ** different things, whatever their words share (template stories:
  ** "X Industries 4th qtr net"). */
  if (st->a[DL_STORY_ENTITY].n && s->g[DL_STORY_ENTITY].n &&
      cos[DL_STORY_ENTITY] <= 0)
    return 0;
  return den > 0 ? num / den : 0;
}

static int cmp_term_w(const void *x, const void *y)
{
  const struct term *a = x, *b = y;
  if (a->w != b->w) return a->w < b->w ? 1 : -1;
  return a->h < b->h ? -1 : a->h > b->h;
}

/* Adds the article's vectors into story s and prunes each group. */
static int absorb(dl_stories *st, struct story *s)
{
  for (int g = 0; g < NGROUP; g++) {
    struct vec *v = &s->g[g];
    for (size_t i = 0; i < st->a[g].n; i++) {
      const struct term *t = &st->a[g].t[i];
      if (vec_push(st->al, v, t->h, t->w, t->name,
                   t->name ? strlen(t->name) : 0))
        return -1;
    }
    if (v->n > 1) qsort(v->t, v->n, sizeof *v->t, cmp_term_w);
    while (v->n > group_cap[g]) {
      v->n--;
      dl__free(st->al, v->t[v->n].name);
    }
  }
  return 0;
}

static void civil(double day, char *buf, size_t cap)
{
  /* days since 1970-01-01 -> YYYY-MM-DD (Howard Hinnant's algorithm) */
  long z = (long)floor(day) + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
  long m = mp < 10 ? mp + 3 : mp - 9;
  snprintf(buf, cap, "%04d-%02d-%02d", (int)((y + (m <= 2)) % 100000),
           (int)(m % 100), (int)(d % 100));
}

static int make_label(dl_stories *st, const struct story *s)
{
  size_t need = 64;
  size_t at = 0;
  int k = 0;
  char date[32];
  for (int g = 0; g < 2; g++)
    for (size_t i = 0; i < s->g[g].n && i < 3; i++)
      need += s->g[g].t[i].name ? strlen(s->g[g].t[i].name) + 2 : 0;
  if (need > st->label_cap) {
    char *n = dl__realloc(st->al, st->label, st->label_cap, need);
    if (!n) return -1;
    st->label = n;
    st->label_cap = need;
  }
  st->label[0] = 0;
  for (size_t i = 0; i < s->g[DL_STORY_ENTITY].n && k < 3; i++) {
    const char *nm = s->g[DL_STORY_ENTITY].t[i].name;
    if (!nm) continue;
    at += (size_t)snprintf(st->label + at, need - at, "%s%s", k ? ", " : "",
                           nm);
    k++;
  }
  if (s->g[DL_STORY_PLACE].n && s->g[DL_STORY_PLACE].t[0].name)
    at += (size_t)snprintf(st->label + at, need - at, " | %s",
                           s->g[DL_STORY_PLACE].t[0].name);
  if (s->first > -1e8) {
    civil(s->first, date, sizeof date);
    snprintf(st->label + at, need - at, " | %s", date);
  }
  return 0;
}

/* Closes stories that ended more than a window before `now`. */
static void expire(dl_stories *st)
{
  size_t j = 0;
  for (size_t i = 0; i < st->nact; i++) {
    struct story *s = st->act[i];
    if (st->have_now && s->last < st->now - st->window)
      story_free(st->al, s);
    else
      st->act[j++] = s;
  }
  st->nact = j;
}

DL_API dl_status dl_stories_add(dl_stories *st, const dl_story_item *it,
                                dl_story_match *out, dl_error *err)
{
  double t, best = 0;
  struct story *bs = NULL;
  if (!st || !it || !out || (it->n_features && !it->features))
    return dl__fail(err, DL_ERR_INVALID, 0, "NULL argument");
  memset(out, 0, sizeof *out);
  for (int g = 0; g < NGROUP; g++) {
    for (size_t i = 0; i < st->a[g].n; i++) dl__free(st->al, st->a[g].t[i].name);
    st->a[g].n = 0;
  }
  /* Time: the article's date, else the latest seen. */
  if (it->has_day) {
    t = it->day;
    if (!st->have_now || t > st->now) st->now = t;
    st->have_now = true;
  } else {
    t = st->have_now ? st->now : -1e9;
  }
  /* Features, IDF-weighted; the DF table learns this article after. */
  st->docs++;
  for (size_t i = 0; i < it->n_features; i++) {
    const dl_story_feature *f = &it->features[i];
    uint64_t h;
    double idf;
    uint32_t df;
    if ((unsigned)f->group >= NGROUP || !f->key || f->weight <= 0) continue;
    h = fhash(f->key, f->len, (unsigned)f->group);
    df = st->df[h & (((size_t)1 << DF_BITS) - 1)];
    idf = log(((double)st->docs + 1) / ((double)df + 1)) + 1;
    if (vec_push(st->al, &st->a[f->group], h, f->weight * idf,
                 f->group <= DL_STORY_PLACE ? f->key : NULL,
                 f->group <= DL_STORY_PLACE ? f->len : 0))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  for (int g = 0; g < NGROUP; g++) {
    double n = norm(&st->a[g]);
    for (size_t i = 0; i < st->a[g].n; i++) {
      uint32_t *c = &st->df[st->a[g].t[i].h & (((size_t)1 << DF_BITS) - 1)];
      if (*c < UINT32_MAX) (*c)++;
      if (n > 0) st->a[g].t[i].w /= n;
    }
  }
  expire(st);
  for (size_t i = 0; i < st->nact; i++) {
    struct story *s = st->act[i];
    double sim;
    if (fabs(t - s->last) > st->window && t > -1e8 && s->last > -1e8)
      continue;
    sim = similarity(st, s);
    if (sim > best) {
      best = sim;
      bs = s;
    }
  }
  if (!bs || best < st->threshold) {
    if (st->nact == st->capact) {
      size_t nc = st->capact ? st->capact * 2 : 64;
      struct story **na = dl__realloc(st->al, st->act,
                                      st->capact * sizeof *na,
                                      nc * sizeof *na);
      if (!na) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      st->act = na;
      st->capact = nc;
    }
    bs = dl__calloc(st->al, 1, sizeof *bs);
    if (!bs) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    bs->id = st->next_id++;
    bs->first = bs->last = t;
    st->act[st->nact++] = bs;
    out->is_new = 1;
    best = 0;
  }
  if (absorb(st, bs)) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  bs->count++;
  if (t > bs->last) bs->last = t;
  if (t < bs->first && t > -1e8) bs->first = t;
  if (bs->first <= -1e8) bs->first = t;
  if (make_label(st, bs)) return dl__fail(err, DL_ERR_NOMEM, 0,
                                          "out of memory");
  out->story = bs->id;
  out->score = best;
  out->size = bs->count;
  out->label = st->label;
  return DL_OK;
}

DL_API size_t dl_stories_active(const dl_stories *st)
{
  return st ? st->nact : 0;
}
