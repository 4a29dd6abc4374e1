/*
** search.c -- `dateline search DB [QUERY] [filters]`: full-text search
** over the store, BM25-ranked, with snippets.
**
** QUERY is FTS5 query syntax (words, "phrases", AND/OR/NOT, prefix*,
** title:word); a query FTS5 cannot parse (e.g. "U.S.-China") is retried
** with every word quoted, so a user never has to know the syntax. Filters
** (--person, --org, --place, --country, --theme, --from, --to,
** --quote-by) each give a set of articles, held as a bitmap over article
** ids (128 KB per million articles) and intersected in C: days, countries
** and themes come from the `facets` table (a few bitmap chunks whatever
** the set's size), entities and place names from their indexes.
**
** With words, FTS5 walks the query's doclists once, between the filter
** set's first and last ids; dl_topk() skips the matches outside the set
** (a bit test), ranks the others (bm25() to the bit, reading document
** lengths from `fts_lengths`, one blob per 4,096 articles, instead of one
** articles_fts_docsize row per match) into a heap of the best --limit, and
** a second query writes those with their snippets.
** Without words, a small set is looked up by id and sorted by date; a
** large one is the filter of a newest-first walk of articles(date).
** Output: one JSON object per line, or a readable list on a terminal
** (--json / --text force either). Design notes: docs/INTERNALS-store.md.
*/
#include "cli.h"
#include "store.h"
#include "store_facets.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Without words, a small filter set is looked up by id (and sorted by
** date); a larger one filters a newest-first walk of articles(date). A
** lookup reads an article's page (~17 us in a fresh process), a step of
** the walk an index entry (~0.8 us), and the walk needs about limit *
** articles / set steps: so the set is small when set^2 * 20 < limit *
** articles. DATELINE_SEARCH_SET_MAX sets the bound instead, and
** DATELINE_SEARCH_NO_FACETS=1 makes every set come from SQL over the
** tables and ranking from bm25(): the tests check that every plan gives
** the same results. */
static bool small_set(int64_t n, long limit, int64_t articles)
{
  const char *e = getenv("DATELINE_SEARCH_SET_MAX");
  long v = e ? strtol(e, NULL, 10) : 0;
  if (v > 0) return n <= v;
  return (double)n * (double)n * 20.0 < (double)limit * (double)articles;
}

static bool use_facets(void)
{
  const char *e = getenv("DATELINE_SEARCH_NO_FACETS");
  return !e || !*e || *e == '0';
}

typedef struct sq {
  const char *person, *org, *place, *country, *theme, *from, *to, *quote_by;
  long limit;
  int mode; /* -1 auto, 0 json, 1 text */
} sq;

static int sq_flag(void *ctx, int argc, char **argv, int i)
{
  sq *q = ctx;
  static const char *const names[] = {"--person", "--org", "--place",
                                      "--country", "--theme", "--from",
                                      "--to", "--quote-by"};
  const char **slots[] = {&q->person, &q->org, &q->place, &q->country,
                          &q->theme, &q->from, &q->to, &q->quote_by};
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    if (strcmp(argv[i], names[k]) == 0) {
      if (i + 1 >= argc) {
        cli_usage("%s needs a value", argv[i]);
        return -1;
      }
      *slots[k] = argv[i + 1];
      return 2;
    }
  if (strcmp(argv[i], "--limit") == 0 || strcmp(argv[i], "-n") == 0) {
    char *end;
    if (i + 1 >= argc) {
      cli_usage("--limit needs a value");
      return -1;
    }
    errno = 0;
    q->limit = strtol(argv[i + 1], &end, 10);
    if (errno || *end || q->limit < 1 || q->limit > 1000000) {
      cli_usage("--limit takes a number from 1 to 1000000");
      return -1;
    }
    return 2;
  }
  if (strcmp(argv[i], "--json") == 0) {
    q->mode = 0;
    return 1;
  }
  if (strcmp(argv[i], "--text") == 0) {
    q->mode = 1;
    return 1;
  }
  return 0;
}

/* A growable string. */
typedef struct sb {
  char *p;
  size_t n, cap;
  bool oom;
} sb;

static void sb_add(sb *b, const char *s, size_t n)
{
  if (b->oom) return;
  if (b->n + n + 1 > b->cap) {
    size_t ncap = (b->n + n + 1) * 2;
    char *np = realloc(b->p, ncap);
    if (!np) {
      b->oom = true;
      return;
    }
    b->p = np;
    b->cap = ncap;
  }
  memcpy(b->p + b->n, s, n);
  b->n += n;
  b->p[b->n] = 0;
}

static void sb_str(sb *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_i64(sb *b, sqlite3_int64 v)
{
  char tmp[32];
  int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
  sb_add(b, tmp, (size_t)n);
}

/* Lower-cased last word of a name: the entities.last key. */
static void last_word(const char *name, char *out, size_t cap)
{
  size_t n = strlen(name), e, s;
  while (n && name[n - 1] == ' ') n--;
  e = n;
  while (n && name[n - 1] != ' ') n--;
  s = n;
  if (e - s >= cap) e = s + cap - 1;
  for (size_t i = s; i < e; i++) {
    char c = name[i];
    out[i - s] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  out[e - s] = 0;
}

/* Appends the ids of entities named `name` (exactly, ignoring ASCII
** case, or as the trailing words of a longer name: "Putin" finds
** "Vladimir Putin") of the given types as "(1,2,3)". Returns the count,
** or -1 on an SQLite error. */
static int entity_ids(sqlite3 *db, const char *name, const char *types,
                      sb *out)
{
  char last[128], sql[512];
  sqlite3_stmt *st;
  int rc, n = 0;
  last_word(name, last, sizeof last);
  snprintf(sql, sizeof sql,
           "SELECT id FROM entities WHERE last = ?1 AND type IN (%s)"
           " AND (name = ?2 COLLATE NOCASE OR"
           " name LIKE '%% ' || ?3 ESCAPE '\\')",
           types);
  rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK) return -1;
  {
    /* LIKE pattern: escape % _ and the escape character. */
    sb pat = {0};
    for (const char *c = name; *c; c++) {
      if (*c == '%' || *c == '_' || *c == '\\') sb_add(&pat, "\\", 1);
      sb_add(&pat, c, 1);
    }
    sqlite3_bind_text(st, 1, last, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, pat.p ? pat.p : "", -1, SQLITE_TRANSIENT);
    free(pat.p);
  }
  sb_str(out, "(");
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (n++) sb_str(out, ",");
    sb_i64(out, sqlite3_column_int64(st, 0));
  }
  sb_str(out, ")");
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? n : -1;
}

/* JSON string out. */
static void put_json_str(FILE *f, const unsigned char *s)
{
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = *s;
    if (c == '"' || c == '\\') {
      fputc('\\', f);
      fputc(c, f);
    } else if (c == '\n') {
      fputs("\\n", f);
    } else if (c == '\t') {
      fputs("\\t", f);
    } else if (c < 0x20) {
      fprintf(f, "\\u%04x", c);
    } else {
      fputc(c, f);
    }
  }
  fputc('"', f);
}

static void put_field(FILE *f, const char *name, sqlite3_stmt *st, int col,
                      bool comma)
{
  if (comma) fputc(',', f);
  fprintf(f, "\"%s\":", name);
  switch (sqlite3_column_type(st, col)) {
  case SQLITE_NULL:
    fputs("null", f);
    break;
  case SQLITE_INTEGER:
    fprintf(f, "%lld", (long long)sqlite3_column_int64(st, col));
    break;
  case SQLITE_FLOAT:
    fprintf(f, "%.4f", sqlite3_column_double(st, col));
    break;
  default:
    put_json_str(f, sqlite3_column_text(st, col));
  }
}

/* Turns a free-text query into an FTS5 query of quoted words. */
static void quote_words(const char *q, sb *out)
{
  const char *p = q;
  while (*p) {
    const char *s;
    while (*p == ' ' || *p == '\t') p++;
    if (!*p) break;
    s = p;
    while (*p && *p != ' ' && *p != '\t') p++;
    if (out->n) sb_str(out, " ");
    sb_str(out, "\"");
    for (const char *c = s; c < p; c++) {
      if (*c == '"') sb_str(out, "\"");
      sb_add(out, c, 1);
    }
    sb_str(out, "\"");
  }
}

/* ====================================================================
** Article sets: one bit per article id, 0..max(id)
** ==================================================================== */

typedef struct idset {
  uint64_t *w;
  size_t nw;   /* a multiple of FACET_CHUNK / 64 */
  int64_t max; /* the largest article id */
} idset;

static bool set_init(idset *x, int64_t max)
{
  x->max = max < 0 ? 0 : max;
  x->nw = ((size_t)(x->max >> FACET_CHUNK_BITS) + 1) * (FACET_CHUNK / 64);
  x->w = calloc(x->nw, sizeof *x->w);
  return x->w != NULL;
}

static void set_add(idset *x, int64_t id)
{
  if (id >= 0 && id <= x->max)
    x->w[id >> 6] |= (uint64_t)1 << (id & 63);
}

static bool set_has(const idset *x, int64_t id)
{
  return id >= 0 && id <= x->max && (x->w[id >> 6] >> (id & 63) & 1);
}

static int64_t set_count(const idset *x)
{
  int64_t n = 0;
  for (size_t i = 0; i < x->nw; i++) n += __builtin_popcountll(x->w[i]);
  return n;
}

/* acc &= x */
static void set_and(idset *acc, const idset *x)
{
  for (size_t i = 0; i < acc->nw; i++) acc->w[i] &= x->w[i];
}

/* First (dir > 0) or last set id, -1 when empty. */
static int64_t set_end(const idset *x, int dir)
{
  if (dir > 0) {
    for (size_t i = 0; i < x->nw; i++)
      if (x->w[i]) return (int64_t)(i * 64) + __builtin_ctzll(x->w[i]);
  } else {
    for (size_t i = x->nw; i-- > 0;)
      if (x->w[i]) return (int64_t)(i * 64) + 63 - __builtin_clzll(x->w[i]);
  }
  return -1;
}

/* Adds the ids of the first column of an SQL query (values bound to ?1,
** ?2...). */
static int set_sql(sqlite3 *db, idset *x, const char *sql,
                   const char *const *vals, int nvals)
{
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (getenv("DATELINE_SEARCH_SQL")) fprintf(stderr, "set: %s\n", sql);
  if (rc != SQLITE_OK) return rc;
  for (int i = 0; i < nvals; i++)
    sqlite3_bind_text(st, i + 1, vals[i], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    set_add(x, sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Adds the articles of facet `kind` whose value is v (hi NULL), or in
** [v, hi) (v, hi may be "" / NULL for no bound). */
static int set_facet(sqlite3 *db, idset *x, const char *kind, const char *v,
                     bool range, const char *hi)
{
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(
      db,
      range ? "SELECT chunk, ids FROM facets WHERE kind = ?1 AND value >= ?2"
              " AND (?3 IS NULL OR value < ?3)"
            : "SELECT chunk, ids FROM facets WHERE kind = ?1 AND value = ?2",
      -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 2, v ? v : "", -1, SQLITE_STATIC);
  if (range && hi) sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t c = sqlite3_column_int64(st, 0);
    size_t at = (size_t)c * (FACET_CHUNK / 64);
    if (c < 0 || at >= x->nw) continue;
    facet_or(x->w + at, sqlite3_column_blob(st, 1),
             sqlite3_column_bytes(st, 1));
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* dl_in(id): is the article in the filter set. */
static void fn_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
  const idset *x = sqlite3_user_data(ctx);
  (void)argc;
  sqlite3_result_int(ctx, set_has(x, sqlite3_value_int64(argv[0])));
}

/* ====================================================================
** Filters: each one a set, intersected as they come
** ==================================================================== */

typedef struct filt {
  idset acc;     /* the intersection so far */
  int n;         /* filters applied */
  bool empty;    /* no article passes */
  bool facets;   /* the facets table is complete and used */
} filt;

/* Intersects the set built by `fill` (on a cleared scratch set). */
static int filt_apply(filt *f, idset *tmp, int rc)
{
  if (rc != SQLITE_OK) return rc;
  if (f->n++ == 0) {
    memcpy(f->acc.w, tmp->w, f->acc.nw * sizeof *f->acc.w);
  } else {
    set_and(&f->acc, tmp);
  }
  if (set_end(&f->acc, 1) < 0) f->empty = true;
  memset(tmp->w, 0, tmp->nw * sizeof *tmp->w);
  return SQLITE_OK;
}

/* The articles naming an entity called `name`; when earlier filters
** already bound the result to ids [lo, hi] (f->n > 0), the index ranges
** stop there. */
static int entity_set(sqlite3 *db, const filt *f, idset *tmp,
                      const char *name, const char *types, bool quotes,
                      bool *none)
{
  sb ids = {0}, sql = {0};
  int rc, n = entity_ids(db, name, types, &ids);
  if (n < 0 || ids.oom) {
    free(ids.p);
    return SQLITE_ERROR;
  }
  *none = n == 0;
  sb_str(&sql, quotes ? "SELECT article FROM quotes WHERE speaker IN "
                      : "SELECT article FROM article_entities WHERE"
                        " entity IN ");
  sb_str(&sql, ids.p);
  if (f->n > 0) {
    sb_str(&sql, " AND article BETWEEN ");
    sb_i64(&sql, set_end(&f->acc, 1));
    sb_str(&sql, " AND ");
    sb_i64(&sql, set_end(&f->acc, -1));
  }
  rc = sql.oom ? SQLITE_NOMEM : n ? set_sql(db, tmp, sql.p, NULL, 0)
                                  : SQLITE_OK;
  free(ids.p);
  free(sql.p);
  return rc;
}

static void upper_ascii(const char *s, char *out, size_t cap)
{
  size_t i = 0;
  for (; s[i] && i + 1 < cap; i++)
    out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
  out[i] = 0;
}

/* Applies every filter of q; `to` is the exclusive upper date bound. */
static int build_filters(sqlite3 *db, const sq *q, const char *to, filt *f,
                         int64_t max)
{
  idset tmp;
  int rc = SQLITE_OK;
  bool none = false;
  bool short_dates = (!q->from || strlen(q->from) <= 10) &&
                     (!q->to || strlen(q->to) <= 10);
  if (!set_init(&f->acc, max)) return SQLITE_NOMEM;
  if (!set_init(&tmp, max)) return SQLITE_NOMEM;
  /* The facet filters first: they cost little whatever their size, and
  ** an empty intersection ends the search before the SQL ones run. */
  if (q->theme && !f->empty)
    rc = filt_apply(f, &tmp,
                    f->facets ? set_facet(db, &tmp, "theme", q->theme, false,
                                          NULL)
                              : set_sql(db, &tmp,
                                        "SELECT article FROM themes WHERE"
                                        " theme = ?1",
                                        &q->theme, 1));
  if (rc == SQLITE_OK && q->country && !f->empty) {
    char cc[64];
    const char *v = cc;
    upper_ascii(q->country, cc, sizeof cc);
    rc = filt_apply(
        f, &tmp,
        f->facets ? set_facet(db, &tmp, "country", cc, false, NULL)
                  : set_sql(db, &tmp,
                            "SELECT article FROM places WHERE country = ?1"
                            " UNION ALL SELECT id FROM articles WHERE"
                            " focus_country = ?1",
                            &v, 1));
  }
  if (rc == SQLITE_OK && (q->from || q->to) && !f->empty) {
    if (f->facets && short_dates) {
      rc = filt_apply(f, &tmp,
                      set_facet(db, &tmp, "day", q->from, true, to));
    } else {
      const char *v[2] = {q->from ? q->from : "", to};
      rc = filt_apply(f, &tmp,
                      set_sql(db, &tmp,
                              to ? "SELECT id FROM articles WHERE date >= ?1"
                                   " AND date < ?2"
                                 : "SELECT id FROM articles WHERE date >= ?1",
                              v, to ? 2 : 1));
    }
  }
  if (rc == SQLITE_OK && q->person && !f->empty) {
    rc = entity_set(db, f, &tmp, q->person, "'PER'", false, &none);
    rc = filt_apply(f, &tmp, rc);
  }
  if (rc == SQLITE_OK && q->org && !f->empty) {
    rc = entity_set(db, f, &tmp, q->org, "'ORG'", false, &none);
    rc = filt_apply(f, &tmp, rc);
  }
  if (rc == SQLITE_OK && q->quote_by && !f->empty) {
    rc = entity_set(db, f, &tmp, q->quote_by, "'PER','ORG','NORP'", true, &none);
    rc = filt_apply(f, &tmp, rc);
  }
  if (rc == SQLITE_OK && q->place && !f->empty) {
    /* A geocoded place of that name, or a location entity of that name
    ** (before geocoding, entities are all there is). */
    sb ids = {0}, sql = {0};
    int n = entity_ids(db, q->place, "'LOC','GPE','FAC'", &ids);
    if (n < 0 || ids.oom) {
      rc = SQLITE_ERROR;
    } else {
      sb_str(&sql, "SELECT article FROM places WHERE name = ?1 COLLATE"
                   " NOCASE UNION ALL SELECT article FROM article_entities"
                   " WHERE entity IN ");
      sb_str(&sql, ids.p);
      rc = sql.oom ? SQLITE_NOMEM
                   : filt_apply(f, &tmp,
                                set_sql(db, &tmp, sql.p, &q->place, 1));
    }
    free(ids.p);
    free(sql.p);
  }
  free(tmp.w);
  return rc;
}

/* ====================================================================
** Ranking: the score of dl_topk(articles_fts, weight...) is bm25() (k1
** 1.2, b 0.75, the same IDF and average length), negated (higher is
** better), with the document length from fts_lengths.
** ==================================================================== */

/* The best k (score, id) of a query: a heap whose root is the worst
** kept, in the order of ORDER BY score DESC, id. */
typedef struct top_hit {
  double score;
  int64_t id;
} top_hit;

typedef struct lens {
  sqlite3_stmt *get;
  uint32_t **chunk; /* NULL: not loaded; `none`: absent */
  size_t n;
  uint32_t none[1];
  top_hit *top;         /* dl_topk's heap */
  long k, ntop;
  const struct idset *set; /* dl_topk ranks only these (NULL: all) */
  /* A query of one phrase: every match is a match of the phrase, so the
  ** pass counts them (nmatch) instead of a second pass for the IDF, and
  ** ranks without it (the same positive factor on every score); the
  ** scores are scaled once at the end. */
  bool single;
  int64_t nmatch, nrow;
} lens;

/* a ranks before b. */
static bool hit_before(const top_hit *a, const top_hit *b)
{
  return a->score > b->score || (a->score == b->score && a->id < b->id);
}

static void top_sift(top_hit *h, long n, long i)
{
  for (;;) {
    long l = 2 * i + 1, r = l + 1, w = i;
    top_hit t;
    if (l < n && hit_before(&h[w], &h[l])) w = l;
    if (r < n && hit_before(&h[w], &h[r])) w = r;
    if (w == i) return;
    t = h[i];
    h[i] = h[w];
    h[w] = t;
    i = w;
  }
}

static void top_add(lens *L, double score, int64_t id)
{
  top_hit x;
  x.score = score;
  x.id = id;
  if (L->ntop < L->k) {
    long i = L->ntop++;
    L->top[i] = x;
    while (i > 0 && hit_before(&L->top[(i - 1) / 2], &L->top[i])) {
      top_hit t = L->top[i];
      L->top[i] = L->top[(i - 1) / 2];
      L->top[(i - 1) / 2] = t;
      i = (i - 1) / 2;
    }
  } else if (L->k > 0 && hit_before(&x, &L->top[0])) {
    L->top[0] = x;
    top_sift(L->top, L->ntop, 0);
  }
}

static int hit_cmp(const void *a, const void *b)
{
  return hit_before(a, b) ? -1 : hit_before(b, a) ? 1 : 0;
}

static bool doc_len(lens *L, int64_t id, double *out)
{
  size_t c = (size_t)(id / LEN_CHUNK);
  uint32_t v;
  if (id < 0 || c >= L->n) return false;
  if (!L->chunk[c]) {
    uint32_t *a = NULL;
    sqlite3_bind_int64(L->get, 1, (sqlite3_int64)c);
    if (sqlite3_step(L->get) == SQLITE_ROW &&
        sqlite3_column_bytes(L->get, 0) == LEN_CHUNK * 4 &&
        (a = malloc(LEN_CHUNK * 4)) != NULL) {
      const unsigned char *b = sqlite3_column_blob(L->get, 0);
      for (size_t i = 0; i < LEN_CHUNK; i++, b += 4)
        a[i] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
               (uint32_t)b[3] << 24;
    }
    sqlite3_reset(L->get);
    L->chunk[c] = a ? a : L->none;
  }
  if (L->chunk[c] == L->none) return false;
  v = L->chunk[c][id % LEN_CHUNK];
  if (!v) return false; /* not recorded: ask FTS5 */
  *out = (double)v;
  return true;
}

typedef struct rank_data {
  int nphrase;
  double avgdl;
  double idf[];
} rank_data;

static int count_hit(const Fts5ExtensionApi *api, Fts5Context *fts,
                     void *user)
{
  (void)api;
  (void)fts;
  (*(sqlite3_int64 *)user)++;
  return SQLITE_OK;
}

/* The score of the current row into *out; false after setting an error
** on ctx. */
static bool rank_row(const Fts5ExtensionApi *api, Fts5Context *fts,
                     sqlite3_context *ctx, int nval, sqlite3_value **val,
                     double *out)
{
  const double k1 = 1.2, b = 0.75;
  lens *L = api->xUserData(fts);
  rank_data *d = api->xGetAuxdata(fts, 0);
  double score = 0, dl = 0;
  int rc = SQLITE_OK;
  if (!d) {
    /* Once per query, as bm25() does: average length and IDF. */
    int np = api->xPhraseCount(fts);
    sqlite3_int64 nrow = 0, ntok = 0;
    d = sqlite3_malloc64(sizeof *d + (size_t)np * sizeof(double));
    if (!d) {
      sqlite3_result_error_nomem(ctx);
      return false;
    }
    d->nphrase = np;
    rc = api->xRowCount(fts, &nrow);
    if (rc == SQLITE_OK) rc = api->xColumnTotalSize(fts, -1, &ntok);
    d->avgdl = nrow > 0 ? (double)ntok / (double)nrow : 1.0;
    for (int i = 0; rc == SQLITE_OK && i < np; i++) {
      sqlite3_int64 hit = 0;
      double idf;
      if (L->single && np == 1) {
        d->idf[i] = 1.0; /* applied by top_pass() */
        break;
      }
      rc = api->xQueryPhrase(fts, i, &hit, count_hit);
      idf = log(((double)nrow - (double)hit + 0.5) / ((double)hit + 0.5));
      d->idf[i] = idf <= 0.0 ? 1e-6 : idf;
    }
    if (rc == SQLITE_OK) rc = api->xSetAuxdata(fts, d, sqlite3_free);
    else sqlite3_free(d);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return false;
    }
  }
  if (!doc_len(L, api->xRowid(fts), &dl)) {
    int n = 0;
    rc = api->xColumnSize(fts, -1, &n);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return false;
    }
    dl = (double)n;
  }
  for (int i = 0; i < d->nphrase; i++) {
    Fts5PhraseIter it;
    int col = -1, off = 0;
    double f = 0;
    rc = api->xPhraseFirst(fts, i, &it, &col, &off);
    if (rc != SQLITE_OK) {
      sqlite3_result_error_code(ctx, rc);
      return false;
    }
    for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off))
      f += col < nval ? sqlite3_value_double(val[col]) : 1.0;
    score += d->idf[i] * (f * (k1 + 1.0)) /
             (f + k1 * (1 - b + b * dl / d->avgdl));
  }
  *out = score;
  return true;
}

/* dl_topk(articles_fts, weights...): ranks the row into the heap of the
** best k and returns 0, so that the query returns no rows: no sorter, no
** result row per match. */
static void fn_topk(const Fts5ExtensionApi *api, Fts5Context *fts,
                    sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  lens *L = api->xUserData(fts);
  int64_t id = api->xRowid(fts);
  double score;
  if (L->single) {
    L->nmatch++;
    if (L->nrow < 0) {
      sqlite3_int64 n = 0;
      int rc = api->xRowCount(fts, &n);
      if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
      }
      L->nrow = n;
    }
  }
  if (L->set && !set_has(L->set, id)) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  if (rank_row(api, fts, ctx, nval, val, &score)) {
    top_add(L, score, id);
    sqlite3_result_int(ctx, 0);
  }
}


/* dl_np(articles_fts): the number of phrases of the query. */
static void fn_np(const Fts5ExtensionApi *api, Fts5Context *fts,
                  sqlite3_context *ctx, int nval, sqlite3_value **val)
{
  (void)nval;
  (void)val;
  sqlite3_result_int(ctx, api->xPhraseCount(fts));
}

/* Registers dl_topk on db; false when FTS5's API is not available. */
static bool rank_register(sqlite3 *db, lens *L)
{
  fts5_api *api = NULL;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
    return false;
  sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api &&
         api->xCreateFunction(api, "dl_topk", L, fn_topk, NULL) ==
             SQLITE_OK &&
         api->xCreateFunction(api, "dl_np", L, fn_np, NULL) == SQLITE_OK;
}

/* The first pass of a ranked search: the best `limit` matches of fts_q
** (within [lo, hi] and the set, when there is one) into L->top, sorted.
** A query of one phrase walks all its matches (counting them gives the
** IDF; the set is tested per match), others only [lo, hi] (and bm25's
** IDF pass per phrase). */
static int top_pass(sqlite3 *db, lens *L, const idset *set,
                    const char *fts_q, int64_t lo, int64_t hi, long limit)
{
  sqlite3_stmt *st;
  const char *sql;
  int rc, np = 0;
  top_hit *nt = realloc(L->top, (size_t)limit * sizeof *nt);
  if (!nt) return SQLITE_NOMEM;
  L->top = nt;
  L->k = limit;
  L->ntop = 0;
  L->set = set;
  L->single = false;
  L->nmatch = 0;
  L->nrow = -1;
  rc = sqlite3_prepare_v2(db,
                          "SELECT dl_np(articles_fts) FROM articles_fts"
                          " WHERE articles_fts MATCH ?1 LIMIT 1",
                          -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_text(st, 1, fts_q, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) np = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE) return SQLITE_OK; /* no match at all */
  if (rc != SQLITE_ROW) return rc;
  L->single = np == 1 && !getenv("DATELINE_SEARCH_IDF_PASS");
  sql = set && !L->single
            ? "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1"
              " AND rowid >= ?2 AND rowid <= ?3 AND dl_topk(articles_fts,"
              " 4.0, 1.0)"
            : "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?1"
              " AND dl_topk(articles_fts, 4.0, 1.0)";
  if (getenv("DATELINE_SEARCH_SQL")) fprintf(stderr, "rank: %s\n", sql);
  rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  sqlite3_bind_text(st, 1, fts_q, -1, SQLITE_STATIC);
  if (set && !L->single) {
    sqlite3_bind_int64(st, 2, lo);
    sqlite3_bind_int64(st, 3, hi);
  }
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return rc == SQLITE_DONE ? SQLITE_ERROR : rc;
  if (L->single && L->nrow >= 0) {
    /* bm25's IDF, from the count of the phrase's matches. */
    double n = (double)L->nmatch, idf;
    idf = log(((double)L->nrow - n + 0.5) / (n + 0.5));
    if (idf <= 0.0) idf = 1e-6;
    for (long i = 0; i < L->ntop; i++) L->top[i].score *= idf;
  }
  qsort(L->top, (size_t)L->ntop, sizeof *L->top, hit_cmp);
  return SQLITE_OK;
}

/* ====================================================================
** The command
** ==================================================================== */

static bool meta_is(sqlite3 *db, const char *key)
{
  sqlite3_stmt *st;
  bool yes = false;
  if (sqlite3_prepare_v2(db, "SELECT 1 FROM meta WHERE key = ?1", -1, &st,
                         NULL) != SQLITE_OK)
    return false;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  yes = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return yes;
}

static int64_t max_id(sqlite3 *db)
{
  sqlite3_stmt *st;
  int64_t m = 0;
  if (sqlite3_prepare_v2(db, "SELECT max(id) FROM articles", -1, &st,
                         NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step(st) == SQLITE_ROW) m = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return m;
}

static void print_row(sqlite3_stmt *st, bool text)
{
  if (text) {
    const unsigned char *d = sqlite3_column_text(st, 2);
    const unsigned char *t = sqlite3_column_text(st, 3);
    printf("%s  %s  [%s]\n", d ? (const char *)d : "----------",
           t ? (const char *)t : "(no title)",
           (const char *)sqlite3_column_text(st, 1));
    if (sqlite3_column_type(st, 7) != SQLITE_NULL) {
      const unsigned char *sn = sqlite3_column_text(st, 7);
      fputs("    ", stdout);
      for (; sn && *sn; sn++) putchar(*sn == '\n' ? ' ' : *sn);
      putchar('\n');
    }
  } else {
    fputc('{', stdout);
    put_field(stdout, "id", st, 1, false);
    put_field(stdout, "article", st, 0, true);
    put_field(stdout, "date", st, 2, true);
    put_field(stdout, "title", st, 3, true);
    put_field(stdout, "url", st, 4, true);
    put_field(stdout, "source", st, 5, true);
    put_field(stdout, "score", st, 6, true);
    put_field(stdout, "snippet", st, 7, true);
    fputs("}\n", stdout);
  }
}

int cmd_search(int argc, char **argv)
{
  cli_opts o;
  sq q;
  store *s = NULL;
  sqlite3 *db;
  filt f;
  lens L;
  sb sql = {0}, fq = {0};
  sqlite3_stmt *st = NULL;
  const char *query = NULL, *dbpath;
  char err[512], to_excl[64];
  bool text, ranked = false;
  int rc, status = CLI_EXIT_OK;
  long shown = 0;
  int64_t max, lo = 0, hi = 0, nset = 0;

  memset(&o, 0, sizeof o);
  memset(&q, 0, sizeof q);
  memset(&f, 0, sizeof f);
  memset(&L, 0, sizeof L);
  q.limit = 20;
  q.mode = -1;
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs("usage: dateline search DB [QUERY] [--person NAME] [--org NAME]"
            " [--place NAME]\n  [--country CC] [--theme CODE] [--from DATE]"
            " [--to DATE] [--quote-by NAME]\n  [--limit N] [--json|--text]\n"
            "Full-text search (FTS5 syntax, BM25 ranking) with filters; "
            "one JSON object\nper result line (a list on a terminal).\n",
            stdout);
      return 0;
    }
  if (cli_parse(&o, argc, argv, sq_flag, &q) != 0) {
    free(o.files);
    return CLI_EXIT_USAGE;
  }
  if (o.n_files < 1 || o.n_files > 2) {
    free(o.files);
    return cli_usage("usage: dateline search DB [QUERY] [filters]");
  }
  dbpath = o.files[0];
  if (o.n_files == 2 && o.files[1][0]) query = o.files[1];
  free(o.files);
  text = q.mode == 1 || (q.mode == -1 && isatty(1));

  if (access(dbpath, F_OK) != 0) {
    cli_warn(dbpath, 0, "%s", strerror(errno));
    return CLI_EXIT_DATA;
  }
  s = store_open(dbpath, false, false, err, sizeof err);
  if (!s) {
    cli_warn(dbpath, 0, "%s", err);
    return CLI_EXIT_DATA;
  }
  db = store_db(s);
  /* A small page cache: pages past SQLite's mmap limit (2 GB in Debian's
  ** build; a 1M store's indexes and FTS index are written last, past it)
  ** are read into cache buffers, and a search reads each page about once:
  ** recycled buffers spare a page fault per 4 KB of every new one.
  ** --org over 1,282 entities at 1M: 47 -> 26 ms of CPU, the others the
  ** same or less (bench_index.sh's nine searches). */
  sqlite3_exec(db, "PRAGMA cache_size=-2048", NULL, NULL, NULL);
  if (store_indexes_pending(s))
    cli_warn(dbpath, 0,
             "the indexes of an interrupted bulk load are not built: "
             "filters are slow until 'dateline index %s --resume' ends",
             dbpath);
  if (query && store_fts_pending(s))
    cli_warn(dbpath, 0,
             "the full-text index of an interrupted first bulk load is not "
             "built: words match no article until 'dateline index %s "
             "--resume' ends",
             dbpath);
  if (q.to) snprintf(to_excl, sizeof to_excl, "%s~", q.to);
  max = max_id(db);
  if (max < 0) goto sqlfail;
  f.facets = use_facets() && meta_is(db, "facets");
  if (q.person || q.org || q.place || q.country || q.theme || q.from ||
      q.to || q.quote_by) {
    rc = build_filters(db, &q, q.to ? to_excl : NULL, &f, max);
    if (rc != SQLITE_OK) goto sqlfail;
    if (f.empty) goto done;
    lo = set_end(&f.acc, 1);
    hi = set_end(&f.acc, -1);
    nset = set_count(&f.acc);
    rc = sqlite3_create_function(db, "dl_in", 1, SQLITE_UTF8, &f.acc, fn_in,
                                 NULL, NULL);
    if (rc != SQLITE_OK) goto sqlfail;
  }
  if (query && f.facets) {
    L.n = (size_t)(max / LEN_CHUNK) + 1;
    L.chunk = calloc(L.n, sizeof *L.chunk);
    if (!L.chunk) goto sqlfail;
    rc = sqlite3_prepare_v2(db,
                            "SELECT tokens FROM fts_lengths WHERE chunk = ?1",
                            -1, &L.get, NULL);
    if (rc != SQLITE_OK) goto sqlfail;
    ranked = rank_register(db, &L);
  }

retry:
  sql.n = 0;
  if (sql.p) sql.p[0] = 0;
  if (query && ranked) {
    /* Rank first, then snippets for the top rows only (snippet() reads
    ** and tokenizes an article's text). FTS5 drives: one cursor over the
    ** query's doclists, from the set's first id to its last; dl_topk()
    ** skips the matches outside the set, ranks the others into a heap of
    ** the best `limit` and returns no row. */
    rc = top_pass(db, &L, f.n ? &f.acc : NULL, fq.n ? fq.p : query, lo, hi,
                  q.limit);
    if (rc != SQLITE_OK) goto failed;
    if (L.ntop == 0) goto done;
    sb_str(&sql, "WITH top(id, score) AS (VALUES ");
    for (long i = 0; i < L.ntop; i++) {
      char num[64];
      snprintf(num, sizeof num, "%s(%lld, %.17g)", i ? ", " : "",
               (long long)L.top[i].id, L.top[i].score);
      sb_str(&sql, num);
    }
    sb_str(&sql, ")");
  } else if (query) {
    sb_str(&sql, "WITH top AS MATERIALIZED (SELECT rowid AS id,"
                 " -bm25(articles_fts, 4.0, 1.0) AS score FROM articles_fts"
                 " WHERE articles_fts MATCH :query");
    if (f.n)
      sb_str(&sql, " AND rowid >= :lo AND rowid <= :hi AND dl_in(rowid)");
    sb_str(&sql, " ORDER BY score DESC, rowid LIMIT :limit)");
  }
  if (query) {
    sb_str(&sql, " SELECT a.id, coalesce(a.ext_id, a.doc_key), a.date,"
                 " a.title, a.url, a.source, top.score, snippet(articles_fts,"
                 " -1, :hl1, :hl2, '...', 24) FROM top CROSS JOIN"
                 " articles_fts ON articles_fts.rowid = top.id JOIN articles"
                 " a ON a.id = top.id WHERE articles_fts MATCH :query ORDER"
                 " BY top.score DESC, a.id");
  } else {
    sb_str(&sql, "SELECT a.id, coalesce(a.ext_id, a.doc_key), a.date,"
                 " a.title, a.url, a.source, NULL,"
                 " substr(a.text, 1, 200) || :hl1 || :hl2 FROM articles a");
    if (f.n && small_set(nset, q.limit, max)) {
      /* A few articles: fetch them by id, sort them by date. */
      int64_t k = 0;
      sb_str(&sql, " WHERE a.id IN (");
      for (int64_t id = lo; id <= hi; id++)
        if (set_has(&f.acc, id)) {
          if (k++) sb_str(&sql, ",");
          sb_i64(&sql, id);
        }
      sb_str(&sql, ")");
    } else if (f.n) {
      /* Many: walk articles(date) newest first, keep the set's. */
      sb_str(&sql, " WHERE dl_in(a.id)");
      if (q.from) sb_str(&sql, " AND a.date >= :from");
      if (q.to) sb_str(&sql, " AND a.date < :to");
    }
    sb_str(&sql, " ORDER BY a.date DESC, a.id DESC LIMIT :limit");
  }
  if (sql.oom) goto sqlfail;
  if (getenv("DATELINE_SEARCH_SQL")) fprintf(stderr, "%s\n", sql.p);
  rc = sqlite3_prepare_v2(db, sql.p, -1, &st, NULL);
  if (rc != SQLITE_OK) goto sqlfail;
  {
    int i;
    const char *hl1 = query ? (text ? "\033[1m" : "<b>") : "";
    const char *hl2 = query ? (text ? "\033[0m" : "</b>") : "";
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":hl1"), hl1, -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":hl2"), hl2, -1,
                      SQLITE_STATIC);
    if (query)
      sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":query"),
                        fq.n ? fq.p : query, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"),
                       q.limit);
    if ((i = sqlite3_bind_parameter_index(st, ":lo"))) 
      sqlite3_bind_int64(st, i, lo);
    if ((i = sqlite3_bind_parameter_index(st, ":hi")))
      sqlite3_bind_int64(st, i, hi);
    if ((i = sqlite3_bind_parameter_index(st, ":from")))
      sqlite3_bind_text(st, i, q.from, -1, SQLITE_STATIC);
    if ((i = sqlite3_bind_parameter_index(st, ":to")))
      sqlite3_bind_text(st, i, to_excl, -1, SQLITE_STATIC);
  }
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    shown++;
    print_row(st, text);
  }
failed:
  if (rc != SQLITE_DONE && rc != SQLITE_OK) {
    const char *m = sqlite3_errmsg(db);
    if (query && !fq.n && shown == 0 &&
        (strstr(m, "syntax error") || strstr(m, "no such column") ||
         strstr(m, "unterminated"))) {
      /* Not FTS5 syntax: search the words as they are. */
      sqlite3_finalize(st);
      st = NULL;
      quote_words(query, &fq);
      if (fq.oom || !fq.n) goto sqlfail;
      goto retry;
    }
    goto sqlfail;
  }
  goto done;
sqlfail:
  cli_warn(dbpath, 0, "search failed: %s", sqlite3_errmsg(db));
  status = CLI_EXIT_DATA;
done:
  sqlite3_finalize(st);
  free(sql.p);
  free(fq.p);
  free(f.acc.w);
  sqlite3_finalize(L.get);
  for (size_t i = 0; i < L.n; i++)
    if (L.chunk[i] != L.none) free(L.chunk[i]);
  free(L.chunk);
  free(L.top);
  store_close(s);
  return status;
}
