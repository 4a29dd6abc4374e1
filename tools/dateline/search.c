/*
** search.c -- `dateline search DB [QUERY] [filters]`: full-text search
** over the store, BM25-ranked, with snippets.
**
** QUERY is FTS5 query syntax (words, "phrases", AND/OR/NOT, prefix*,
** title:word); a query FTS5 cannot parse (e.g. "U.S.-China") is retried
** with every word quoted, so a user never has to know the syntax. Filters
** (--person, --org, --place, --country, --theme, --from, --to,
** --quote-by) each name a set of articles through an index; their
** intersection is the filter set F.
**
** Plan: when F is small (the usual case for an entity or a theme), the
** search walks F and asks FTS5 for each article by rowid (a seek into
** each term's doclist), so the cost follows |F|, not the number of
** articles matching the words. When F is large or absent, FTS5 drives
** and F is a membership test. Without QUERY, articles of F come newest
** first. Output: one JSON object per line, or a readable list on a
** terminal (--json / --text force either).
*/
#include "cli.h"
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A filter set this small drives the search. DATELINE_SEARCH_SET_MAX
** overrides it (tests use it to exercise every plan on a small store). */
static long small_set(void)
{
  const char *e = getenv("DATELINE_SEARCH_SET_MAX");
  long v = e ? strtol(e, NULL, 10) : 0;
  return v > 0 ? v : 20000;
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

/* One filter: the set of articles it admits, two ways. `set` lists them
** (SELECT article ...: used when this filter drives the search), `test`
** checks one article a.id through the per-article primary keys (used
** for the others). Values are bound by name (:v0, :v1...). */
typedef struct filt1 {
  sb set, test;
  long size; /* articles in `set`, counted up to small_set() + 1 */
} filt1;

typedef struct filt {
  filt1 f[8];
  int n;
  bool empty;              /* a filter matched nothing: no results */
  const char *vals[8];     /* :v0.. */
  int nvals;
  int driver;              /* index of the smallest set, or -1 */
} filt;

static filt1 *new_filt(filt *f) { return &f->f[f->n++]; }

static int entity_filter(sqlite3 *db, filt *f, const char *name,
                         const char *types, bool quotes)
{
  sb ids = {0};
  filt1 *x;
  int n = entity_ids(db, name, types, &ids);
  if (n < 0 || ids.oom) {
    free(ids.p);
    return -1;
  }
  if (n == 0) f->empty = true;
  x = new_filt(f);
  if (quotes) {
    sb_str(&x->set, "SELECT DISTINCT article FROM quotes WHERE speaker IN ");
    sb_str(&x->set, ids.p);
    sb_str(&x->test, "EXISTS (SELECT 1 FROM quotes x WHERE x.article = a.id"
                     " AND x.speaker IN ");
  } else {
    sb_str(&x->set, "SELECT DISTINCT article FROM article_entities WHERE"
                    " entity IN ");
    sb_str(&x->set, ids.p);
    sb_str(&x->test, "EXISTS (SELECT 1 FROM article_entities x WHERE"
                     " x.article = a.id AND x.entity IN ");
  }
  sb_str(&x->test, ids.p);
  sb_str(&x->test, ")");
  free(ids.p);
  return 0;
}

/* The name of value parameter k (":v3"). */
static void vname(sb *b, int k)
{
  sb_str(b, ":v");
  sb_i64(b, k);
}

static int build_filters(sqlite3 *db, const sq *q, filt *f)
{
  f->driver = -1;
  if (q->person && entity_filter(db, f, q->person, "'PER'", false) < 0)
    return -1;
  if (q->org && entity_filter(db, f, q->org, "'ORG'", false) < 0) return -1;
  if (q->quote_by && entity_filter(db, f, q->quote_by, "'PER','ORG','NORP'",
                                   true) < 0)
    return -1;
  if (q->place) {
    /* A geocoded place of that name, or a location entity of that name
    ** (before geocoding, entities are all there is). */
    sb ids = {0};
    int k = f->nvals, n = entity_ids(db, q->place, "'LOC','GPE','FAC'", &ids);
    filt1 *x;
    if (n < 0 || ids.oom) {
      free(ids.p);
      return -1;
    }
    f->vals[f->nvals++] = q->place;
    x = new_filt(f);
    sb_str(&x->set, "SELECT article FROM places WHERE name = ");
    vname(&x->set, k);
    sb_str(&x->set, " COLLATE NOCASE UNION SELECT article FROM"
                    " article_entities WHERE entity IN ");
    sb_str(&x->set, ids.p);
    sb_str(&x->test, "(EXISTS (SELECT 1 FROM places x WHERE x.article = a.id"
                     " AND x.name = ");
    vname(&x->test, k);
    sb_str(&x->test, " COLLATE NOCASE) OR EXISTS (SELECT 1 FROM"
                     " article_entities x WHERE x.article = a.id AND"
                     " x.entity IN ");
    sb_str(&x->test, ids.p);
    sb_str(&x->test, "))");
    free(ids.p);
  }
  if (q->country) {
    int k = f->nvals;
    filt1 *x = new_filt(f);
    f->vals[f->nvals++] = q->country;
    sb_str(&x->set, "SELECT article FROM places WHERE country = upper(");
    vname(&x->set, k);
    sb_str(&x->set, ") UNION SELECT id FROM articles WHERE focus_country ="
                    " upper(");
    vname(&x->set, k);
    sb_str(&x->set, ")");
    sb_str(&x->test, "(a.focus_country = upper(");
    vname(&x->test, k);
    sb_str(&x->test, ") OR EXISTS (SELECT 1 FROM places x WHERE x.article ="
                     " a.id AND x.country = upper(");
    vname(&x->test, k);
    sb_str(&x->test, ")))");
  }
  if (q->theme) {
    int k = f->nvals;
    filt1 *x = new_filt(f);
    f->vals[f->nvals++] = q->theme;
    sb_str(&x->set, "SELECT article FROM themes WHERE theme = ");
    vname(&x->set, k);
    sb_str(&x->test, "EXISTS (SELECT 1 FROM themes x WHERE x.article = a.id"
                     " AND x.theme = ");
    vname(&x->test, k);
    sb_str(&x->test, ")");
  }
  if (q->from || q->to) {
    /* The date range is a set too (the articles_date index lists it). */
    filt1 *x = new_filt(f);
    sb_str(&x->set, "SELECT id AS article FROM articles WHERE 1");
    if (q->from) sb_str(&x->set, " AND date >= :from");
    if (q->to) sb_str(&x->set, " AND date < :to");
    sb_str(&x->test, "(1");
    if (q->from) sb_str(&x->test, " AND a.date >= :from");
    if (q->to) sb_str(&x->test, " AND a.date < :to");
    sb_str(&x->test, ")");
  }
  for (int i = 0; i < f->n; i++)
    if (f->f[i].set.oom || f->f[i].test.oom) return -1;
  return 0;
}

static void bind_named(sqlite3_stmt *st, const filt *f, const char *from,
                       const char *to)
{
  int i;
  for (int k = 0; k < f->nvals; k++) {
    char name[16];
    snprintf(name, sizeof name, ":v%d", k);
    i = sqlite3_bind_parameter_index(st, name);
    if (i) sqlite3_bind_text(st, i, f->vals[k], -1, SQLITE_STATIC);
  }
  i = sqlite3_bind_parameter_index(st, ":from");
  if (from && i) sqlite3_bind_text(st, i, from, -1, SQLITE_STATIC);
  i = sqlite3_bind_parameter_index(st, ":to");
  if (to && i) sqlite3_bind_text(st, i, to, -1, SQLITE_STATIC);
}

/* Counts each filter's set up to small_set() + 1 (index range scans) and
** picks the smallest as the driver when it is small. */
static int plan(sqlite3 *db, filt *f, const char *from, const char *to)
{
  long best = small_set() + 1;
  for (int i = 0; i < f->n; i++) {
    sb sql = {0};
    sqlite3_stmt *st;
    int rc;
    sb_str(&sql, "SELECT count(*) FROM (");
    sb_str(&sql, f->f[i].set.p);
    sb_str(&sql, " LIMIT ");
    sb_i64(&sql, best);
    sb_str(&sql, ")");
    if (sql.oom) return SQLITE_NOMEM;
    rc = sqlite3_prepare_v2(db, sql.p, -1, &st, NULL);
    free(sql.p);
    if (rc != SQLITE_OK) return rc;
    bind_named(st, f, from, to);
    rc = sqlite3_step(st);
    f->f[i].size = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) return rc;
    if (f->f[i].size == 0) f->empty = true;
    if (f->f[i].size < best) {
      best = f->f[i].size;
      f->driver = i;
    }
  }
  return SQLITE_OK;
}

/* No filter is small alone: when there are several, their intersection
** may be. It is built once into a temporary table (the connection is
** read-only, temp tables are not) and, when small, drives the search with
** no per-article tests left (driver = f->n). */
static int plan_intersection(sqlite3 *db, filt *f, const char *from,
                             const char *to)
{
  sb sql = {0};
  sqlite3_stmt *st;
  int rc;
  long n = 0;
  if (f->driver >= 0 || f->n < 2) return SQLITE_OK;
  sb_str(&sql, "CREATE TEMP TABLE fs_all AS ");
  for (int i = 0; i < f->n; i++) {
    if (i) sb_str(&sql, " INTERSECT ");
    sb_str(&sql, "SELECT * FROM (");
    sb_str(&sql, f->f[i].set.p);
    sb_str(&sql, ")");
  }
  if (sql.oom) return SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(db, sql.p, -1, &st, NULL);
  free(sql.p);
  if (rc != SQLITE_OK) return rc;
  bind_named(st, f, from, to);
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return rc;
  rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM temp.fs_all", -1, &st,
                          NULL);
  if (rc != SQLITE_OK) return rc;
  if (sqlite3_step(st) == SQLITE_ROW) n = (long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (n == 0) f->empty = true;
  if (n <= small_set()) f->driver = f->n;
  return SQLITE_OK;
}

/* The driver's article list. */
static const char *driver_set(const filt *f)
{
  return f->driver == f->n ? "SELECT article FROM temp.fs_all"
                           : f->f[f->driver].set.p;
}

/* " AND test" for every filter but the driver. */
static void add_tests(sb *sql, const filt *f)
{
  if (f->driver == f->n) return; /* the intersection satisfies them all */
  for (int i = 0; i < f->n; i++)
    if (i != f->driver) {
      sb_str(sql, " AND ");
      sb_str(sql, f->f[i].test.p);
    }
}

static void free_filters(filt *f)
{
  for (int i = 0; i < f->n; i++) {
    free(f->f[i].set.p);
    free(f->f[i].test.p);
  }
}

int cmd_search(int argc, char **argv)
{
  cli_opts o;
  sq q;
  store *s = NULL;
  sqlite3 *db;
  filt f;
  sb sql = {0}, fq = {0};
  sqlite3_stmt *st = NULL;
  const char *query = NULL, *dbpath;
  char err[512], to_excl[64];
  bool text;
  int rc, status = CLI_EXIT_OK;
  long shown = 0;

  memset(&o, 0, sizeof o);
  memset(&q, 0, sizeof q);
  memset(&f, 0, sizeof f);
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
  if (store_indexes_pending(s))
    cli_warn(dbpath, 0,
             "the indexes of an interrupted bulk load are not built: "
             "filters are slow until 'dateline index %s --resume' ends",
             dbpath);
  if (q.to) snprintf(to_excl, sizeof to_excl, "%s~", q.to);
  if (build_filters(db, &q, &f) < 0) goto sqlfail;
  if (f.empty) goto done;
  rc = plan(db, &f, q.from, q.to ? to_excl : NULL);
  if (rc == SQLITE_OK && !f.empty)
    rc = plan_intersection(db, &f, q.from, q.to ? to_excl : NULL);
  if (rc != SQLITE_OK) goto sqlfail;
  if (f.empty) goto done;

retry:
  sql.n = 0;
  if (sql.p) sql.p[0] = 0;
  if (query) {
    /* Rank first, then snippets for the top rows only: snippet() reads
    ** and tokenizes an article's text, bm25() does not, and SQLite would
    ** otherwise compute both for every match before sorting. */
    sb_str(&sql, "WITH top AS MATERIALIZED (SELECT articles_fts.rowid AS id,"
                 " -bm25(articles_fts, 4.0, 1.0) AS score ");
    /* FTS5 drives, always: one cursor over the query's doclists. Driving
    ** by the filter set instead (a rowid seek per article) makes bm25()
    ** recount the terms' document frequencies on every seek (a new
    ** cursor each time): 2 ms per article at 1M articles. The set is a
    ** membership test; '+' keeps it away from FTS5's own rowid handling,
    ** which would turn it back into seeks. */
    sb_str(&sql, "FROM articles_fts JOIN articles a ON a.id ="
                 " articles_fts.rowid WHERE articles_fts MATCH :query");
    if (f.driver >= 0) {
      sb_str(&sql, " AND +articles_fts.rowid IN (");
      sb_str(&sql, driver_set(&f));
      sb_str(&sql, ")");
    }
    add_tests(&sql, &f);
    sb_str(&sql, " ORDER BY score DESC LIMIT :limit) SELECT a.id,"
                 " coalesce(a.ext_id, a.doc_key), a.date, a.title, a.url,"
                 " a.source, top.score, snippet(articles_fts, -1, :hl1, :hl2,"
                 " '...', 24) FROM top CROSS JOIN articles_fts ON"
                 " articles_fts.rowid = top.id JOIN articles a ON a.id ="
                 " top.id WHERE articles_fts MATCH :query ORDER BY top.score"
                 " DESC, a.id");
  } else {
    sb_str(&sql, "SELECT a.id, coalesce(a.ext_id, a.doc_key), a.date,"
                 " a.title, a.url, a.source, NULL,"
                 " substr(a.text, 1, 200) || :hl1 || :hl2 ");
    if (f.driver >= 0) {
      sb_str(&sql, "FROM (");
      sb_str(&sql, driver_set(&f));
      sb_str(&sql, ") fs CROSS JOIN articles a ON a.id = fs.article"
                   " WHERE 1");
    } else {
      sb_str(&sql, "FROM articles a WHERE 1");
    }
    add_tests(&sql, &f);
    sb_str(&sql, " ORDER BY a.date DESC, a.id DESC LIMIT :limit");
  }
  if (sql.oom) goto sqlfail;
  if (getenv("DATELINE_SEARCH_SQL")) fprintf(stderr, "%s\n", sql.p);
  rc = sqlite3_prepare_v2(db, sql.p, -1, &st, NULL);
  if (rc != SQLITE_OK) goto sqlfail;
  if (query) {
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":hl1"),
                      text ? "\033[1m" : "<b>", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":hl2"),
                      text ? "\033[0m" : "</b>", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":query"),
                      fq.n ? fq.p : query, -1, SQLITE_STATIC);
  } else {
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":hl1"), "", -1,
                      SQLITE_STATIC);
    sqlite3_bind_text(st, sqlite3_bind_parameter_index(st, ":hl2"), "", -1,
                      SQLITE_STATIC);
  }
  sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":limit"), q.limit);
  bind_named(st, &f, q.from, q.to ? to_excl : NULL);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    shown++;
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
  if (rc != SQLITE_DONE) {
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
  free_filters(&f);
  store_close(s);
  return status;
}
