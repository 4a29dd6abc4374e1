/*
** store.c -- the SQLite store: schema, validation of records, inserts.
**
** One article is one row of `articles` (plus its FTS5 row) and rows in the
** per-article tables, all keyed by the article's integer id; entities are
** a global dictionary keyed by (name, type), so that "every article that
** names Vladimir Putin" is one index range. The writer keeps that
** dictionary in a hash table (loaded at open) and inserts a new entity
** the first time it meets it.
**
** Atomicity: store_check() validates every field store_put() will read
** before any row is written, so a malformed record is rejected whole; a
** failure inside SQLite (disk full, I/O) makes the caller roll back the
** batch's transaction. WAL mode keeps every committed transaction across a
** kill -9 (synchronous=NORMAL syncs the WAL at checkpoints only: a power
** cut may lose the last batches, a killed process loses nothing
** committed). The `progress` table is written in the same transaction as
** the articles, so --resume knows exactly where to go on.
*/
#include "store.h"
#include "store_facets.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

/* ====================================================================
** Schema
** ==================================================================== */

#define STORE_STR2(x) #x
#define STORE_STR(x) STORE_STR2(x)

/* The FTS5 table: main's, and the side file's of a bulk load (whose
** shadow tables are copied into main's: the definitions must be equal). */
#define FTS_TABLE_SQL                                                    \
  "CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(\n"        \
  "  title, text, content='articles', content_rowid='id',\n"            \
  "  tokenize='unicode61 remove_diacritics 2');\n"

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value);\n"
    "CREATE TABLE IF NOT EXISTS articles(\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  doc_key TEXT NOT NULL UNIQUE,\n"
    "  ext_id TEXT, date TEXT, date_source TEXT, title TEXT, url TEXT,\n"
    "  source TEXT, lang TEXT, text TEXT, tone REAL,\n"
    "  focus_country TEXT, focus_place TEXT, story TEXT, dup_of TEXT);\n"
    FTS_TABLE_SQL
    /* Unique (name, type): the writer's dictionary makes it so, and the
    ** unique index entities_key checks it (built at the end of a bulk
    ** load; stores of schema 1 have a UNIQUE constraint instead). */
    "CREATE TABLE IF NOT EXISTS entities(\n"
    "  id INTEGER PRIMARY KEY, type TEXT NOT NULL, name TEXT NOT NULL,\n"
    "  last TEXT NOT NULL);\n"
    "CREATE TABLE IF NOT EXISTS article_entities(\n"
    "  article INTEGER NOT NULL, local_id TEXT NOT NULL,\n"
    "  entity INTEGER NOT NULL, salience REAL, mentions INTEGER,\n"
    "  spans TEXT, PRIMARY KEY(article, local_id)) WITHOUT ROWID;\n"
    "CREATE VIEW IF NOT EXISTS mentions AS\n"
    "  SELECT ae.article, ae.entity, ae.local_id,\n"
    "    json_extract(j.value, '$[0]') AS span_start,\n"
    "    json_extract(j.value, '$[1]') AS span_end\n"
    "  FROM article_entities ae, json_each(ae.spans) j;\n"
    "CREATE TABLE IF NOT EXISTS roles(\n"
    "  article INTEGER NOT NULL, role_no INTEGER NOT NULL,\n"
    "  entity INTEGER NOT NULL, role TEXT, span_start INTEGER,\n"
    "  span_end INTEGER, PRIMARY KEY(article, role_no)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS quotes(\n"
    "  article INTEGER NOT NULL, quote_no INTEGER NOT NULL, text TEXT,\n"
    "  kind TEXT, span_start INTEGER, span_end INTEGER, cue TEXT,\n"
    "  cue_lemma TEXT, speaker INTEGER, speaker_name TEXT,\n"
    "  speaker_start INTEGER, speaker_end INTEGER,\n"
    "  PRIMARY KEY(article, quote_no)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS dates(\n"
    "  article INTEGER NOT NULL, date_no INTEGER NOT NULL,\n"
    "  span_start INTEGER, span_end INTEGER, text TEXT, type TEXT,\n"
    "  value TEXT, anchor TEXT, PRIMARY KEY(article, date_no))\n"
    "  WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS places(\n"
    "  article INTEGER NOT NULL, place_no INTEGER NOT NULL,\n"
    "  entity INTEGER, name TEXT, geonameid INTEGER, lat REAL, lon REAL,\n"
    "  country TEXT, country3 TEXT, admin1 TEXT, feature TEXT,\n"
    "  population INTEGER, confidence REAL,\n"
    "  PRIMARY KEY(article, place_no)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS events(\n"
    "  article INTEGER NOT NULL, event_no INTEGER NOT NULL, code TEXT,\n"
    "  root TEXT, quad_class INTEGER, goldstein REAL,\n"
    "  source_entity INTEGER, source_code TEXT, source_name TEXT,\n"
    "  target_entity INTEGER, target_code TEXT, target_name TEXT,\n"
    "  sentence INTEGER, span_start INTEGER, span_end INTEGER, date TEXT,\n"
    "  place TEXT, PRIMARY KEY(article, event_no)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS themes(\n"
    "  article INTEGER NOT NULL, theme TEXT NOT NULL, label TEXT,\n"
    "  count INTEGER, PRIMARY KEY(article, theme)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS stories(\n"
    "  id TEXT PRIMARY KEY, label TEXT, articles INTEGER NOT NULL,\n"
    "  first_date TEXT, last_date TEXT);\n"
    "CREATE TABLE IF NOT EXISTS errors(\n"
    "  id INTEGER PRIMARY KEY, file TEXT, line INTEGER, doc_id TEXT,\n"
    "  code TEXT, message TEXT);\n"
    "CREATE TABLE IF NOT EXISTS progress(\n"
    "  file TEXT PRIMARY KEY, offset INTEGER NOT NULL,\n"
    "  line INTEGER NOT NULL);\n"
    /* Derived lookup data for `search` (see store_facets.h). */
    "CREATE TABLE IF NOT EXISTS facets(\n"
    "  kind TEXT NOT NULL, value TEXT NOT NULL, chunk INTEGER NOT NULL,\n"
    "  n INTEGER NOT NULL, ids BLOB NOT NULL,\n"
    "  PRIMARY KEY(kind, value, chunk)) WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS fts_lengths(\n"
    "  chunk INTEGER PRIMARY KEY, tokens BLOB NOT NULL);\n";

/* Secondary indexes: built with the tables for a store that already holds
** articles, deferred to the end of the run for a bulk load into an empty
** store (CREATE INDEX sorts once instead of inserting at random 20 times
** per article; meta 'indexes' is 'pending' until then). */
static const char index_sql[] =
    "CREATE INDEX IF NOT EXISTS articles_date ON articles(date);\n"
    /* (last, type, name): --person/--org resolve names from the index
    ** alone (a store made before it has entities_last(last) instead). */
    "DROP INDEX IF EXISTS entities_last;\n"
    "CREATE INDEX IF NOT EXISTS entities_name ON entities(last, type, name);\n"
    "CREATE INDEX IF NOT EXISTS article_entities_entity\n"
    "  ON article_entities(entity, article);\n"
    "CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes(speaker, article)\n"
    "  WHERE speaker IS NOT NULL;\n"
    "CREATE INDEX IF NOT EXISTS places_country ON places(country, article);\n"
    "CREATE INDEX IF NOT EXISTS places_name\n"
    "  ON places(name COLLATE NOCASE, article);\n"
    "CREATE INDEX IF NOT EXISTS themes_theme ON themes(theme, article);\n"
    "CREATE INDEX IF NOT EXISTS articles_story ON articles(story)\n"
    "  WHERE story IS NOT NULL;\n"
    "CREATE INDEX IF NOT EXISTS articles_focus ON articles(focus_country)\n"
    "  WHERE focus_country IS NOT NULL;\n";

/* The writer's page cache (PRAGMA cache_size): 256 MB. */
#define STORE_CACHE_KB 262144
/* ... and while CREATE INDEX sorts: SQLite's sorter then writes sorted
** runs of this size to a temporary file and merges them, instead of one
** merge sort of every key in memory (temp_store=MEMORY, or runs as large
** as a big cache), whose cache misses cost twice the CPU: the ten
** indexes of 100,000 articles took 3.6 s of CPU that way, 1.8 s with 4 MB
** runs (1 to 8 MB alike; helper threads, PRAGMA threads, cost more CPU
** for no shorter wall time). */
#define STORE_SORT_CACHE_KB 4096

static int make_indexes_sql(sqlite3 *db, char **msg)
{
  int rc = sqlite3_exec(db, index_sql, NULL, NULL, msg);
  sqlite3_stmt *st;
  bool old = false;
  if (rc != SQLITE_OK) return rc;
  rc = sqlite3_prepare_v2(db,
                          "SELECT 1 FROM sqlite_master WHERE name ="
                          " 'sqlite_autoindex_entities_1'",
                          -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  old = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return old ? SQLITE_OK
             : sqlite3_exec(db,
                            "CREATE UNIQUE INDEX IF NOT EXISTS entities_key"
                            " ON entities(name, type)",
                            NULL, NULL, msg);
}

/* Builds the secondary indexes (IF NOT EXISTS: a no-op when they are
** there). entities(name, type) is unique: an index, unless the table has
** the UNIQUE constraint of schema 1. */
static int make_indexes(sqlite3 *db, char **msg)
{
  /* temp_store=FILE: SQLite's sorter writes runs only when temporary
  ** data may go to files (it changes in a transaction as long as no
  ** temporary table is open, which the writer never has; if it could
  ** not, the sort would still be right, in memory). */
  int rc = sqlite3_exec(db,
                        "PRAGMA cache_size=-" STORE_STR(STORE_SORT_CACHE_KB),
                        NULL, NULL, msg);
  sqlite3_exec(db, "PRAGMA temp_store=FILE", NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = make_indexes_sql(db, msg);
  /* Back to the writer's settings, whatever happened. */
  sqlite3_exec(db,
               "PRAGMA temp_store=MEMORY;"
               "PRAGMA cache_size=-" STORE_STR(STORE_CACHE_KB),
               NULL, NULL, NULL);
  return rc;
}

static const char drop_index_sql[] =
    "DROP INDEX IF EXISTS articles_date;"
    "DROP INDEX IF EXISTS entities_last;"
    "DROP INDEX IF EXISTS entities_name;"
    "DROP INDEX IF EXISTS entities_key;"
    "DROP INDEX IF EXISTS article_entities_entity;"
    "DROP INDEX IF EXISTS quotes_speaker;"
    "DROP INDEX IF EXISTS places_country;"
    "DROP INDEX IF EXISTS places_name;"
    "DROP INDEX IF EXISTS themes_theme;"
    "DROP INDEX IF EXISTS articles_story;"
    "DROP INDEX IF EXISTS articles_focus;";

enum {
  Q_ARTICLE, Q_FTS, Q_ENTITY, Q_EVENT, Q_THEME, Q_STORY, Q_ERROR,
  Q_HAS_KEY, Q_GET_PROGRESS, Q_SET_PROGRESS, Q_BEGIN, Q_COMMIT,
  Q_FACET_GET, Q_FACET_PUT, Q_DOCSIZE, Q_LEN_GET, Q_LEN_PUT, Q_LEN_ZERO,
  Q_N
};

static const char *const q_sql[Q_N] = {
    "INSERT INTO articles(doc_key, ext_id, date, date_source, title, url,"
    " source, lang, text, tone, focus_country, focus_place, story, dup_of)"
    " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO articles_fts(rowid, title, text) VALUES(?,?,?)",
    "INSERT INTO entities(type, name, last) VALUES(?,?,?)",
    /* article_entities, roles, quotes, dates, places: mr_def */
    "INSERT INTO events(article, event_no, code, root, quad_class,"
    " goldstein, source_entity, source_code, source_name, target_entity,"
    " target_code, target_name, sentence, span_start, span_end, date,"
    " place) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "INSERT INTO themes(article, theme, label, count) VALUES(?,?,?,?)"
    " ON CONFLICT(article, theme) DO UPDATE SET count ="
    " coalesce(count, 0) + coalesce(excluded.count, 0)",
    "INSERT INTO stories(id, label, articles, first_date, last_date)"
    " VALUES(?1, ?2, 1, ?3, ?3) ON CONFLICT(id) DO UPDATE SET"
    " label = coalesce(excluded.label, label), articles = articles + 1,"
    " first_date = CASE WHEN first_date IS NULL OR excluded.first_date <"
    " first_date THEN excluded.first_date ELSE first_date END,"
    " last_date = CASE WHEN last_date IS NULL OR excluded.last_date >"
    " last_date THEN excluded.last_date ELSE last_date END",
    "INSERT INTO errors(file, line, doc_id, code, message) VALUES(?,?,?,?,?)",
    "SELECT 1 FROM articles WHERE doc_key = ?",
    "SELECT offset, line FROM progress WHERE file = ?",
    "INSERT INTO progress(file, offset, line) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(file) DO UPDATE SET offset = ?2, line = ?3",
    "BEGIN",
    "COMMIT",
    "SELECT ids FROM facets WHERE kind = ? AND value = ? AND chunk = ?",
    "INSERT OR REPLACE INTO facets(kind, value, chunk, n, ids)"
    " VALUES(?,?,?,?,?)",
    "SELECT id, sz FROM articles_fts_docsize WHERE id BETWEEN ? AND ?"
    " ORDER BY id",
    "SELECT tokens FROM fts_lengths WHERE chunk = ?",
    "INSERT OR REPLACE INTO fts_lengths(chunk, tokens) VALUES(?,?)",
    "INSERT OR IGNORE INTO fts_lengths(chunk, tokens)"
    " VALUES(?, zeroblob(" STORE_STR(LEN_CHUNK) " * 4))",
};

/* Multi-row inserts: the rows an article has in a per-article table go
** into one `INSERT ... VALUES (...),(...)...` of up to MR_MAX rows
** instead of one statement each (17 entity rows, ~7 dates, ~5 quotes an
** article): a statement's run costs more than a row's insert. Same rows
** in the same order (the tables are clustered on (article, n)).
** All are INSERT OR IGNORE: a statement that may stop half-way (a
** constraint that aborts, and several rows or indexes to write) keeps a
** statement journal, a copy of every page it changes, which made an
** incremental load (indexes in place) three times as costly; with IGNORE
** it cannot stop half-way. Nothing is ignored in fact: (article, n) is
** new and NOT NULL for every row, and article_entities and quotes (keyed
** by the record's own ids) ignored duplicates before too. */
#define MR_MAX 16
enum { MR_ART_ENT, MR_ROLE, MR_QUOTE, MR_DATE, MR_PLACE, MR_N };

static const struct mr_table {
  const char *head;
  int ncol;
} mr_def[MR_N] = {
    {"INSERT OR IGNORE INTO article_entities(article, local_id, entity,"
     " salience, mentions, spans) VALUES",
     6},
    {"INSERT OR IGNORE INTO roles(article, role_no, entity, role,"
     " span_start, span_end) VALUES",
     6},
    {"INSERT OR IGNORE INTO quotes(article, quote_no, text, kind,"
     " span_start, span_end, cue, cue_lemma, speaker, speaker_name,"
     " speaker_start, speaker_end) VALUES",
     12},
    {"INSERT OR IGNORE INTO dates(article, date_no, span_start, span_end,"
     " text, type, value, anchor) VALUES",
     8},
    {"INSERT OR IGNORE INTO places(article, place_no, entity, name,"
     " geonameid, lat, lon, country, country3, admin1, feature, population,"
     " confidence) VALUES",
     13},
};

/* A value waiting to be bound (mv_bind()). */
typedef struct mval {
  enum { MV_NULL, MV_INT, MV_DBL, MV_TEXT, MV_SPANS } t;
  uint32_t n;            /* text bytes */
  union {
    int64_t i;
    double d;
    const char *p;       /* into the record (valid during store_put) */
    size_t off;          /* MV_SPANS: into s->sbuf (which may move) */
  } u;
} mval;

/* The entity dictionary: (type, name) -> id, open addressing on the
** XXH3-128 of "TYPE\x1fname" (the identity the store already gives a
** textless article): a lookup reads one 24-byte slot and no key string.
** With the strings (3.1M at 1M articles, a cache miss each) the lookups
** were 6% of the main thread. lo = hi = 0 marks an empty slot. */
typedef struct ent_slot {
  uint64_t lo, hi;
  int64_t id;
} ent_slot;

struct store {
  sqlite3 *db;
  sqlite3_stmt *q[Q_N];
  ent_slot *ents;
  size_t ent_cap, ent_n;
  int64_t articles;
  bool bulk;         /* secondary indexes deferred to store_finish() */
  char *sbuf;        /* the article's entity spans as JSON: [[s,e],...] */
  size_t slen, scap;
  /* Rows of the article waiting for a multi-row INSERT (mr_flush). */
  struct mrbuf { struct mval *v; size_t n, cap; } mr[MR_N];
  sqlite3_stmt *mst[MR_N][MR_MAX + 1]; /* [table][rows], made when needed */
  /* Per-record map of local entity ids ("e3") to dictionary ids. */
  struct lent { const char *id; uint32_t len; int64_t gid; } *lents;
  size_t lent_cap;
  /* Facets and token counts of the batch, written by store_commit(). */
  struct fpend { const char *v; uint32_t voff, vlen; int kind; int64_t id; }
      *fp;
  size_t fp_n, fp_cap;
  char *fv;          /* their values, back to back */
  size_t fv_n, fv_cap;
  int64_t len_lo, len_hi; /* articles of the batch (0, -1: none) */
  uint64_t *bm;      /* FACET_CHUNK bits of scratch */
  unsigned char *blob;
  int64_t last_id;   /* the last article inserted */
  struct fts_side *side; /* the FTS worker of a first bulk load, or NULL */
  char note[256];    /* how store_finish() went (index --verbose) */
  int lock_fd;       /* flock()ed by a side load, else -1 */
};

sqlite3 *store_db(store *s) { return s->db; }
int64_t store_articles(store *s) { return s->articles; }
const char *store_note(store *s) { return s->note; }
static const char *side_errmsg(store *s);
const char *store_errmsg(store *s)
{
  const char *m = side_errmsg(s);
  return m ? m : sqlite3_errmsg(s->db);
}

/* ====================================================================
** Entity dictionary
** ==================================================================== */

static bool ent_grow(store *s)
{
  size_t ncap = s->ent_cap ? s->ent_cap * 2 : 1 << 14;
  ent_slot *nt = calloc(ncap, sizeof *nt);
  if (!nt) return false;
  for (size_t i = 0; i < s->ent_cap; i++) {
    ent_slot *e = &s->ents[i];
    size_t j;
    if (!(e->lo | e->hi)) continue;
    j = e->lo & (ncap - 1);
    while (nt[j].lo | nt[j].hi) j = (j + 1) & (ncap - 1);
    nt[j] = *e;
  }
  free(s->ents);
  s->ents = nt;
  s->ent_cap = ncap;
  return true;
}

static void ent_hash(const char *key, size_t klen, uint64_t *lo,
                     uint64_t *hi)
{
  XXH128_hash_t h = XXH3_128bits(key, klen);
  *lo = h.low64;
  *hi = h.high64;
  if (!(*lo | *hi)) *lo = 1; /* 0, 0 is the empty slot */
}

/* The slot of a key's hash: its own, or the empty one where it goes. */
static ent_slot *ent_find(store *s, uint64_t lo, uint64_t hi)
{
  size_t j = lo & (s->ent_cap - 1);
  for (;;) {
    ent_slot *e = &s->ents[j];
    if (!(e->lo | e->hi) || (e->lo == lo && e->hi == hi)) return e;
    j = (j + 1) & (s->ent_cap - 1);
  }
}

static bool ent_add(store *s, const char *key, size_t klen, int64_t id)
{
  uint64_t lo, hi;
  ent_slot *e;
  if ((s->ent_n + 1) * 2 > s->ent_cap && !ent_grow(s)) return false;
  ent_hash(key, klen, &lo, &hi);
  e = ent_find(s, lo, hi);
  if (e->lo | e->hi) return true;
  e->lo = lo;
  e->hi = hi;
  e->id = id;
  s->ent_n++;
  return true;
}

static int ent_load(store *s)
{
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(s->db, "SELECT id, type, name FROM entities",
                              -1, &st, NULL);
  if (rc != SQLITE_OK) return rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 1);
    int tl = sqlite3_column_bytes(st, 1);
    const char *n = (const char *)sqlite3_column_text(st, 2);
    int nl = sqlite3_column_bytes(st, 2);
    size_t kl = (size_t)tl + 1 + (size_t)nl;
    char *k = malloc(kl);
    bool ok;
    if (!k) {
      rc = SQLITE_NOMEM;
      break;
    }
    memcpy(k, t, (size_t)tl);
    k[tl] = 0x1f;
    memcpy(k + tl + 1, n, (size_t)nl);
    ok = ent_add(s, k, kl, sqlite3_column_int64(st, 0));
    free(k);
    if (!ok) {
      rc = SQLITE_NOMEM;
      break;
    }
  }
  sqlite3_finalize(st);
  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The dictionary id of (type, name), inserting it when new. */
static int ent_id(store *s, const sj_val *type, const sj_val *name,
                  int64_t *out)
{
  size_t kl = (size_t)type->count + 1 + name->count;
  char stackbuf[256], *k = kl <= sizeof stackbuf ? stackbuf : malloc(kl);
  uint64_t lo, hi;
  ent_slot *e;
  int rc = SQLITE_OK;
  if (!k) return SQLITE_NOMEM;
  memcpy(k, type->str, type->count);
  k[type->count] = 0x1f;
  memcpy(k + type->count + 1, name->str, name->count);
  ent_hash(k, kl, &lo, &hi);
  if ((s->ent_n + 1) * 2 > s->ent_cap && !ent_grow(s)) {
    rc = SQLITE_NOMEM;
    goto done;
  }
  e = ent_find(s, lo, hi);
  if (e->lo | e->hi) {
    *out = e->id;
    goto done;
  } else {
    sqlite3_stmt *st = s->q[Q_ENTITY];
    int64_t id;
    char last[128];
    size_t ls = name->count, ll = 0;
    /* `last`: the lower-cased last word, the key that --person Putin and
    ** --person "Vladimir Putin" both look up. */
    while (ls > 0 && name->str[ls - 1] == ' ') ls--;
    while (ls > 0 && name->str[ls - 1] != ' ' && ll < sizeof last) ls--, ll++;
    for (size_t i = 0; i < ll; i++) {
      char c = name->str[ls + i];
      last[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    sqlite3_bind_text(st, 1, type->str, (int)type->count, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name->str, (int)name->count, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, last, (int)ll, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) goto done;
    id = sqlite3_last_insert_rowid(s->db);
    rc = SQLITE_OK;
    /* A rolled-back batch leaves ids in the table that no longer exist;
    ** store_rollback() reloads the dictionary, so this stays exact. */
    e->lo = lo;
    e->hi = hi;
    e->id = id;
    s->ent_n++;
    *out = id;
  }
done:
  if (k != stackbuf) free(k);
  return rc;
}

static void ent_clear(store *s)
{
  free(s->ents);
  s->ents = NULL;
  s->ent_cap = s->ent_n = 0;
}

/* ====================================================================
** Facets and token counts (store_facets.h): collected per batch, merged
** into their chunks by store_commit(), inside the batch's transaction.
** ==================================================================== */

static int step_reset(sqlite3_stmt *st);

static bool facet_add(store *s, int kind, const sj_val *v, size_t max,
                      int64_t id)
{
  size_t n;
  if (!v || v->type != SJ_STR) return true;
  n = v->count < max ? v->count : max;
  if (s->fp_n == s->fp_cap) {
    size_t ncap = s->fp_cap ? s->fp_cap * 2 : 4096;
    void *nb = realloc(s->fp, ncap * sizeof *s->fp);
    if (!nb) return false;
    s->fp = nb;
    s->fp_cap = ncap;
  }
  if (s->fv_n + n > s->fv_cap) {
    size_t ncap = (s->fv_n + n) * 2 + 4096;
    char *nb = realloc(s->fv, ncap);
    if (!nb) return false;
    s->fv = nb;
    s->fv_cap = ncap;
  }
  memcpy(s->fv + s->fv_n, v->str, n);
  s->fp[s->fp_n].v = NULL;
  s->fp[s->fp_n].voff = (uint32_t)s->fv_n;
  s->fp[s->fp_n].vlen = (uint32_t)n;
  s->fp[s->fp_n].kind = kind;
  s->fp[s->fp_n].id = id;
  s->fp_n++;
  s->fv_n += n;
  return true;
}

static void len_add(store *s, int64_t id)
{
  if (s->len_hi < s->len_lo) {
    s->len_lo = s->len_hi = id;
  } else {
    if (id < s->len_lo) s->len_lo = id;
    if (id > s->len_hi) s->len_hi = id;
  }
}

static int fp_cmp(const void *a, const void *b)
{
  const struct fpend *x = a, *y = b;
  int c;
  if (x->kind != y->kind) return x->kind < y->kind ? -1 : 1;
  c = memcmp(x->v, y->v, x->vlen < y->vlen ? x->vlen : y->vlen);
  if (c) return c;
  if (x->vlen != y->vlen) return x->vlen < y->vlen ? -1 : 1;
  if (x->id >> FACET_CHUNK_BITS != y->id >> FACET_CHUNK_BITS)
    return x->id < y->id ? -1 : 1;
  return 0;
}

static bool scratch(store *s)
{
  if (!s->bm) s->bm = malloc(FACET_BITMAP_BYTES);
  if (!s->blob) s->blob = malloc(LEN_CHUNK * 4 > FACET_BITMAP_BYTES
                                     ? LEN_CHUNK * 4
                                     : FACET_BITMAP_BYTES);
  return s->bm && s->blob;
}

/* Merges the batch's facets into their containers. */
static int flush_facets(store *s)
{
  int rc;
  if (!s->fp_n) return SQLITE_OK;
  if (!scratch(s)) return SQLITE_NOMEM;
  for (size_t i = 0; i < s->fp_n; i++) s->fp[i].v = s->fv + s->fp[i].voff;
  qsort(s->fp, s->fp_n, sizeof *s->fp, fp_cmp);
  for (size_t i = 0, j; i < s->fp_n; i = j) {
    const struct fpend *g = &s->fp[i];
    const char *kind = facet_kinds[g->kind];
    int64_t chunk = g->id >> FACET_CHUNK_BITS;
    sqlite3_stmt *st = s->q[Q_FACET_GET];
    unsigned n = 0, len = 0;
    memset(s->bm, 0, FACET_BITMAP_BYTES);
    for (j = i; j < s->fp_n && fp_cmp(g, &s->fp[j]) == 0; j++) {
      unsigned lo = (unsigned)(s->fp[j].id & (FACET_CHUNK - 1));
      s->bm[lo >> 6] |= (uint64_t)1 << (lo & 63);
    }
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->v, (int)g->vlen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, chunk);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
      facet_or(s->bm, sqlite3_column_blob(st, 0),
               sqlite3_column_bytes(st, 0));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return rc;
    for (unsigned w = 0; w < FACET_CHUNK / 64; w++)
      n += (unsigned)__builtin_popcountll(s->bm[w]);
    if (n <= FACET_ARRAY_MAX) {
      for (unsigned w = 0; w < FACET_CHUNK / 64; w++)
        for (uint64_t b = s->bm[w]; b; b &= b - 1) {
          unsigned v = w * 64 + (unsigned)__builtin_ctzll(b);
          s->blob[len++] = (unsigned char)(v & 0xff);
          s->blob[len++] = (unsigned char)(v >> 8);
        }
    } else {
      for (unsigned w = 0; w < FACET_CHUNK / 64; w++)
        for (unsigned k = 0; k < 8; k++)
          s->blob[len++] = (unsigned char)(s->bm[w] >> (8 * k));
    }
    st = s->q[Q_FACET_PUT];
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, g->v, (int)g->vlen, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, chunk);
    sqlite3_bind_int64(st, 4, n);
    sqlite3_bind_blob(st, 5, s->blob, (int)len, SQLITE_STATIC);
    rc = step_reset(st);
    if (rc != SQLITE_OK) return rc;
  }
  s->fp_n = s->fv_n = 0;
  return SQLITE_OK;
}

/* Sum of the varints of an articles_fts_docsize.sz blob (SQLite varints:
** big-endian groups of 7 bits). */
static uint32_t docsize_total(const unsigned char *p, int n)
{
  uint64_t tot = 0;
  int i = 0;
  while (i < n) {
    uint64_t v = 0;
    int k = 0;
    while (i < n && k < 8 && (p[i] & 0x80)) {
      v = v << 7 | (p[i] & 0x7f);
      i++;
      k++;
    }
    if (i < n) v = k == 8 ? v << 8 | p[i++] : v << 7 | p[i++];
    tot += v;
  }
  return tot > UINT32_MAX ? UINT32_MAX : (uint32_t)tot;
}

static int len_chunk(store *s, int64_t chunk, bool save)
{
  sqlite3_stmt *st = s->q[save ? Q_LEN_PUT : Q_LEN_GET];
  int rc;
  sqlite3_bind_int64(st, 1, chunk);
  if (save) {
    sqlite3_bind_blob(st, 2, s->blob, LEN_CHUNK * 4, SQLITE_STATIC);
    return step_reset(st);
  }
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == LEN_CHUNK * 4)
    memcpy(s->blob, sqlite3_column_blob(st, 0), LEN_CHUNK * 4);
  else
    memset(s->blob, 0, LEN_CHUNK * 4);
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Copies the FTS token counts of the batch's articles into fts_lengths. */
static int flush_lengths(store *s)
{
  sqlite3_stmt *st = s->q[Q_DOCSIZE];
  int64_t cur = -1;
  int rc;
  if (s->len_hi < s->len_lo) return SQLITE_OK;
  if (!scratch(s)) return SQLITE_NOMEM;
  sqlite3_bind_int64(st, 1, s->len_lo);
  sqlite3_bind_int64(st, 2, s->len_hi);
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    int64_t id = sqlite3_column_int64(st, 0);
    uint32_t t = docsize_total(sqlite3_column_blob(st, 1),
                               sqlite3_column_bytes(st, 1));
    unsigned char *w;
    if (id < 0) continue;
    if (id / LEN_CHUNK != cur) {
      if (cur >= 0 && (rc = len_chunk(s, cur, true)) != SQLITE_OK) break;
      cur = id / LEN_CHUNK;
      if ((rc = len_chunk(s, cur, false)) != SQLITE_OK) break;
    }
    w = s->blob + (id % LEN_CHUNK) * 4;
    w[0] = (unsigned char)t;
    w[1] = (unsigned char)(t >> 8);
    w[2] = (unsigned char)(t >> 16);
    w[3] = (unsigned char)(t >> 24);
  }
  sqlite3_reset(st);
  if (rc == SQLITE_DONE && cur >= 0) rc = len_chunk(s, cur, true);
  if (rc != SQLITE_DONE && rc != SQLITE_OK) return rc;
  s->len_lo = 0;
  s->len_hi = -1;
  return SQLITE_OK;
}

static void derived_clear(store *s)
{
  s->fp_n = s->fv_n = 0;
  s->len_lo = 0;
  s->len_hi = -1;
}

/* A store written before facets existed gets them now (one pass over
** articles, places and themes); meta 'facets' then says they are there. */
static int facets_backfill(store *s)
{
  static const char *const src[] = {
      "SELECT id, substr(date, 1, 10), focus_country FROM articles",
      "SELECT article, NULL, country FROM places WHERE country IS NOT NULL",
      "SELECT article, NULL, theme FROM themes"};
  sqlite3_stmt *st;
  int rc = sqlite3_prepare_v2(s->db,
                              "SELECT 1 FROM meta WHERE key = 'facets'", -1,
                              &st, NULL);
  bool have;
  if (rc != SQLITE_OK) return rc;
  have = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  if (have) return SQLITE_OK;
  rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  for (int k = 0; k < 3 && rc == SQLITE_OK; k++) {
    rc = sqlite3_prepare_v2(s->db, src[k], -1, &st, NULL);
    if (rc != SQLITE_OK) break;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      int64_t id = sqlite3_column_int64(st, 0);
      for (int c = 1; c <= 2; c++) {
        sj_val v;
        if (sqlite3_column_type(st, c) != SQLITE_TEXT) continue;
        memset(&v, 0, sizeof v);
        v.type = SJ_STR;
        v.str = (const char *)sqlite3_column_text(st, c);
        v.count = (uint32_t)sqlite3_column_bytes(st, c);
        if (!facet_add(s, c == 1 ? FACET_DAY
                          : k == 2 ? FACET_THEME : FACET_COUNTRY,
                       &v, c == 1 ? 10 : v.count, id)) {
          rc = SQLITE_NOMEM;
          break;
        }
      }
      if (rc == SQLITE_NOMEM) break;
      if (k == 0) len_add(s, id);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) rc = SQLITE_OK;
  }
  if (rc == SQLITE_OK) rc = flush_facets(s);
  if (rc == SQLITE_OK) rc = flush_lengths(s);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(s->db,
                      "INSERT OR REPLACE INTO meta VALUES('facets', 1);"
                      "INSERT OR REPLACE INTO meta VALUES('schema_version', "
                      STORE_STR(STORE_SCHEMA_VERSION) ");"
                      "COMMIT",
                      NULL, NULL, NULL);
  if (rc != SQLITE_OK && !sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  derived_clear(s);
  return rc;
}

/* ====================================================================
** The FTS worker of a first bulk load (docs/INTERNALS-store.md, "Two
** cores").
**
** A first bulk load (into an empty store, or the resumption of one: meta
** 'fts' = 'side') does not write articles_fts in the main database:
** store_put() hands each article's id, title and text to a worker thread,
** which indexes them with its own connection into a side database,
** DB.fts-build, whose articles_fts is defined exactly like main's.
** store_finish() copies its shadow tables (_data, _idx, _docsize, _config)
** into main's, empty until then, in the transaction that builds the
** deferred indexes and fts_lengths, then deletes the file.
**
** The side file never holds an article that main has not committed: the
** worker commits only at a marker store_commit() queues after main's
** COMMIT (at most every FTS_COMMIT_EVERY articles: few, large FTS5
** segments), and rolls its transaction back at a rollback or an abort. It
** indexes in id order, so after a kill it holds a prefix of main's
** articles; the next run's worker first indexes the rest from main's
** `articles` (a read-only connection), then the new ones.
** ==================================================================== */

#define FTS_READ_DOCS 2000
#define FTS_COMMIT_EVERY 20000
#define FTS_SIDE_HASHSIZE (128 * 1024 * 1024)
#define FTS_MAIN_HASHSIZE (32 * 1024 * 1024)
#define FTS_SIDE_AUTOMERGE 8

typedef struct fts_side {
  pthread_t th;
  bool running;
  pthread_mutex_t mu;
  pthread_cond_t cv;      /* upto moved, or stop was set */
  int64_t upto;           /* main's last committed article (under mu) */
  int64_t have;           /* the last one indexed (under mu) */
  int stop;               /* 1: finish (commit, end), 2: abort (under mu) */
  int rc;                 /* the worker's first error (under mu) */
  char msg[300];
  char *path, *main_path; /* the side file, the main database */
  size_t commit_every;    /* FTS_COMMIT_EVERY (tests: fewer) */
} fts_side;

static void side_fail(fts_side *f, int rc, sqlite3 *db)
{
  pthread_mutex_lock(&f->mu);
  if (f->rc == SQLITE_OK) {
    f->rc = rc;
    snprintf(f->msg, sizeof f->msg, "%s: %s", f->path,
             db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  }
  pthread_mutex_unlock(&f->mu);
}

static int side_error(fts_side *f)
{
  int rc;
  pthread_mutex_lock(&f->mu);
  rc = f->rc;
  pthread_mutex_unlock(&f->mu);
  return rc;
}

/* Main committed every article up to `upto` (and `stop`: the end). */
static void side_post(fts_side *f, int64_t upto, int stop)
{
  pthread_mutex_lock(&f->mu);
  if (upto > f->upto) f->upto = upto;
  if (stop && !f->stop) f->stop = stop;
  pthread_cond_signal(&f->cv);
  pthread_mutex_unlock(&f->mu);
}

static int64_t side_max(sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Articles read from main: ids and their title and text, back to back. */
typedef struct side_buf {
  struct side_row { int64_t id; size_t t, tl, x, xl; } *row;
  size_t n, cap;
  char *b;
  size_t bn, bcap;
} side_buf;

static bool side_copy(side_buf *sb, sqlite3_stmt *rd, int col, size_t *off,
                      size_t *len)
{
  const char *v = (const char *)sqlite3_column_text(rd, col);
  size_t n = (size_t)sqlite3_column_bytes(rd, col);
  if (!v) {
    *off = SIZE_MAX;
    *len = 0;
    return true;
  }
  if (sb->bn + n > sb->bcap) {
    size_t ncap = (sb->bn + n) * 2 + 65536;
    char *nb = realloc(sb->b, ncap);
    if (!nb) return false;
    sb->b = nb;
    sb->bcap = ncap;
  }
  memcpy(sb->b + sb->bn, v, n);
  *off = sb->bn;
  *len = n;
  sb->bn += n;
  return true;
}

/* Indexes main's committed articles (from, upto]; *have: the last one
** indexed. They are copied out first, so that the read transaction on
** main is short (a reader pins the WAL: checkpoints stop at its
** snapshot). */
static int side_index(side_buf *sb, sqlite3_stmt *rd, sqlite3_stmt *ins,
                      int64_t from, int64_t upto, int64_t *have)
{
  int rc;
  sb->n = sb->bn = 0;
  sqlite3_bind_int64(rd, 1, from);
  sqlite3_bind_int64(rd, 2, upto);
  while ((rc = sqlite3_step(rd)) == SQLITE_ROW) {
    struct side_row *w;
    if (sb->n == sb->cap) {
      size_t ncap = sb->cap ? sb->cap * 2 : 1024;
      void *nb = realloc(sb->row, ncap * sizeof *sb->row);
      if (!nb) {
        rc = SQLITE_NOMEM;
        break;
      }
      sb->row = nb;
      sb->cap = ncap;
    }
    w = &sb->row[sb->n];
    w->id = sqlite3_column_int64(rd, 0);
    if (!side_copy(sb, rd, 1, &w->t, &w->tl) ||
        !side_copy(sb, rd, 2, &w->x, &w->xl)) {
      rc = SQLITE_NOMEM;
      break;
    }
    sb->n++;
  }
  sqlite3_reset(rd);
  if (rc != SQLITE_DONE) return rc;
  for (size_t i = 0; i < sb->n; i++) {
    const struct side_row *w = &sb->row[i];
    sqlite3_bind_int64(ins, 1, w->id);
    if (w->t == SIZE_MAX)
      sqlite3_bind_null(ins, 2);
    else
      sqlite3_bind_text(ins, 2, sb->b + w->t, (int)w->tl, SQLITE_STATIC);
    if (w->x == SIZE_MAX)
      sqlite3_bind_null(ins, 3);
    else
      sqlite3_bind_text(ins, 3, sb->b + w->x, (int)w->xl, SQLITE_STATIC);
    rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (rc != SQLITE_DONE) return rc;
    *have = w->id;
  }
  *have = upto;
  return SQLITE_OK;
}

/* Opens (creating) the side file; *have: the last article it holds. */
static int side_open(fts_side *f, sqlite3 **pdb, sqlite3_stmt **ins,
                     int64_t *have)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2(f->path, &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           NULL);
  *pdb = db;
  if (rc != SQLITE_OK) return rc;
  sqlite3_busy_timeout(db, 10000);
  rc = sqlite3_exec(db,
                    "PRAGMA page_size=16384;"
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA cache_size=-65536;"
                    "PRAGMA wal_autocheckpoint=16384;"
                    "BEGIN IMMEDIATE;" FTS_TABLE_SQL
                    "INSERT INTO articles_fts(articles_fts, rank) VALUES"
                    "('hashsize', " STORE_STR(FTS_SIDE_HASHSIZE) ");"
                    /* automerge 8 instead of 4: FTS5 merges a level
                    ** once it holds 8 segments (a bounded amount of work
                    ** at each commit), so each byte is merged about once
                    ** at a million articles instead of ~3 times: -13% of
                    ** the worker's CPU; 16 segments at the end instead of
                    ** 9, searches as fast. (automerge 0 costs the same
                    ** but leaves the merging to FTS5's crisis merge of 16
                    ** segments, a whole level in one transaction: 5M
                    ** articles' worth past a few million.) Main's
                    ** articles_fts keeps FTS5's default (the copy leaves
                    ** the setting out). */
                    "INSERT INTO articles_fts(articles_fts, rank) VALUES"
                    "('automerge', " STORE_STR(FTS_SIDE_AUTOMERGE) ");"
                    "COMMIT;",
                    NULL, NULL, NULL);
  if (rc != SQLITE_OK) return rc;
  *have = side_max(db, "SELECT coalesce(max(id), 0) FROM articles_fts_docsize");
  if (*have < 0) return sqlite3_errcode(db);
  return sqlite3_prepare_v3(db,
                            "INSERT INTO articles_fts(rowid, title, text)"
                            " VALUES(?,?,?)",
                            -1, SQLITE_PREPARE_PERSISTENT, ins, NULL);
}

static void side_unlink(const char *path);

/* Starts the worker's write transaction. What the side file holds is
** re-read under its write lock: a second `index` run on the same store
** (whose worker commits into the same file) never makes this one index
** an article twice. */
static int side_begin(sqlite3 *db, int64_t *have)
{
  int64_t h;
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc != SQLITE_OK) return rc;
  h = side_max(db, "SELECT coalesce(max(id), 0) FROM articles_fts_docsize");
  if (h < 0) return sqlite3_errcode(db);
  if (h > *have) *have = h;
  return SQLITE_OK;
}

/* The worker: indexes what main has committed, FTS_READ_DOCS articles at
** a time (one short read transaction each), and commits every
** commit_every articles and at the end. Everything it indexes is
** committed in main, so it may commit at any moment: even an abort
** commits. */
static void *side_main(void *arg)
{
  fts_side *f = arg;
  sqlite3 *db = NULL, *mdb = NULL;
  sqlite3_stmt *ins = NULL, *rd = NULL;
  int64_t have = 0, upto, done = 0;
  int stop = 0;
  side_buf sb;
  int rc = side_open(f, &db, &ins, &have);
  if (rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB) {
    /* Derived data: a side file that does not open is rebuilt. */
    sqlite3_finalize(ins);
    sqlite3_close(db);
    ins = NULL;
    side_unlink(f->path);
    rc = side_open(f, &db, &ins, &have);
  }
  memset(&sb, 0, sizeof sb);
  /* Read-write only for the checkpoints: it writes no row. */
  if (rc == SQLITE_OK)
    rc = sqlite3_open_v2(f->main_path, &mdb,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK) {
    sqlite3_busy_timeout(mdb, 10000);
    rc = sqlite3_prepare_v3(mdb,
                            "SELECT id, title, text FROM articles WHERE id >"
                            " ?1 AND id <= ?2 ORDER BY id",
                            -1, SQLITE_PREPARE_PERSISTENT, &rd, NULL);
  }
  if (rc == SQLITE_OK) {
    /* Ahead of main: not the side file of this store's load. */
    int64_t m = side_max(mdb, "SELECT coalesce(max(id), 0) FROM articles");
    if (m < have)
      rc = sqlite3_exec(db,
                        "INSERT INTO articles_fts(articles_fts)"
                        " VALUES('delete-all')",
                        NULL, NULL, NULL);
    if (m < have) have = 0;
  }
  if (rc == SQLITE_OK) rc = side_begin(db, &have);
  done = have;
  while (rc == SQLITE_OK) {
    int64_t to;
    pthread_mutex_lock(&f->mu);
    while (f->upto <= have && !f->stop) pthread_cond_wait(&f->cv, &f->mu);
    upto = f->upto;
    stop = f->stop;
    pthread_mutex_unlock(&f->mu);
    if (stop == 2 || (stop && upto <= have)) break;
    to = upto - have > FTS_READ_DOCS ? have + FTS_READ_DOCS : upto;
    rc = side_index(&sb, rd, ins, have, to, &have);
    pthread_mutex_lock(&f->mu);
    f->have = have;
    pthread_mutex_unlock(&f->mu);
    /* Copies main's new WAL frames into its file (PASSIVE: never waits
    ** for main's writer), so that main's own checkpoints, at its commits,
    ** find little left to copy. */
    if (rc == SQLITE_OK)
      sqlite3_wal_checkpoint_v2(mdb, "main", SQLITE_CHECKPOINT_PASSIVE, NULL,
                                NULL);
    if (rc == SQLITE_OK && (size_t)(have - done) >= f->commit_every) {
      rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
      if (rc == SQLITE_OK) rc = side_begin(db, &have);
      done = have;
    }
  }
  if (rc == SQLITE_OK && !sqlite3_get_autocommit(db))
    rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) side_fail(f, rc, db);
  if (db && !sqlite3_get_autocommit(db))
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_finalize(rd);
  sqlite3_finalize(ins);
  free(sb.row);
  free(sb.b);
  sqlite3_close(mdb);
  sqlite3_close(db);
  return NULL;
}

/* The worker's error message, or NULL. */
static const char *side_errmsg(store *s)
{
  return s->side && side_error(s->side) != SQLITE_OK ? s->side->msg : NULL;
}

static void side_unlink(const char *path)
{
  char buf[4200];
  static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
  for (int i = 0; i < 4; i++) {
    snprintf(buf, sizeof buf, "%s%s", path, sfx[i]);
    unlink(buf);
  }
}

/* Starts the worker for the store at main_path, whose last committed
** article is upto. */
static fts_side *side_start(const char *main_path, int64_t upto)
{
  fts_side *f = calloc(1, sizeof *f);
  size_t n = strlen(main_path);
  if (!f) return NULL;
  f->main_path = malloc(n + 1);
  f->path = malloc(n + sizeof ".fts-build");
  f->upto = upto;
  f->commit_every = FTS_COMMIT_EVERY;
  if (getenv("DATELINE_INDEX_FTS_COMMIT"))
    f->commit_every = (size_t)strtoul(getenv("DATELINE_INDEX_FTS_COMMIT"),
                                      NULL, 10);
  if (!f->main_path || !f->path) goto fail;
  memcpy(f->main_path, main_path, n + 1);
  memcpy(f->path, main_path, n);
  memcpy(f->path + n, ".fts-build", sizeof ".fts-build");
  pthread_mutex_init(&f->mu, NULL);
  pthread_cond_init(&f->cv, NULL);
  if (pthread_create(&f->th, NULL, side_main, f) != 0) {
    pthread_mutex_destroy(&f->mu);
    pthread_cond_destroy(&f->cv);
    goto fail;
  }
  f->running = true;
  return f;
fail:
  free(f->main_path);
  free(f->path);
  free(f);
  return NULL;
}

/* Ends the worker (stop 1: after indexing everything main committed; 2:
** now) and returns its error, if any. */
static int side_stop(fts_side *f, int stop)
{
  if (f->running) {
    side_post(f, 0, stop);
    pthread_join(f->th, NULL);
    f->running = false;
  }
  return f->rc;
}

static void side_free(fts_side *f)
{
  if (!f) return;
  /* What it holds is committed in main: it commits and stops. */
  side_stop(f, 2);
  pthread_mutex_destroy(&f->mu);
  pthread_cond_destroy(&f->cv);
  free(f->path);
  free(f->main_path);
  free(f);
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sets main's journal mode (WAL <-> DELETE); false when it did not take
** (another connection has the store open: it stays as it was). */
static bool journal_mode(sqlite3 *db, const char *mode, int wait_ms)
{
  sqlite3_stmt *st;
  char sql[64];
  bool ok = false;
  snprintf(sql, sizeof sql, "PRAGMA main.journal_mode=%s", mode);
  sqlite3_busy_timeout(db, wait_ms);
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
    if (sqlite3_step(st) == SQLITE_ROW) {
      const char *m = (const char *)sqlite3_column_text(st, 0);
      ok = m && strcmp(m, mode) == 0;
    }
    sqlite3_finalize(st);
  }
  sqlite3_busy_timeout(db, 10000);
  return ok;
}

/* store_finish() of a side load: the deferred indexes are built while
** the worker finishes (their own transaction: meta 'indexes' stays
** 'pending' until the end, so a kill in between only costs a rebuild),
** then the worker's index is copied into main's articles_fts and
** fts_lengths filled, in one transaction. */
static int side_finish(store *s)
{
  fts_side *f = s->side;
  char *sql;
  int rc;
  int64_t behind;
  bool rollback;
  bool kill_copy = getenv("DATELINE_INDEX_TEST_KILL_COPY") != NULL;
  double t0 = now_s(), t1, t2, t3;
  side_post(f, s->last_id, 1);
  pthread_mutex_lock(&f->mu);
  behind = f->upto - f->have;
  pthread_mutex_unlock(&f->mu);
  rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = make_indexes(s->db, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK && !sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  t1 = now_s();
  if (side_stop(f, 1) != SQLITE_OK && rc == SQLITE_OK) rc = f->rc;
  t2 = now_s();
  if (rc != SQLITE_OK) return rc;
  sql = sqlite3_mprintf("ATTACH %Q AS fts_build", f->path);
  if (!sql) return SQLITE_NOMEM;
  rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
  sqlite3_free(sql);
  if (rc != SQLITE_OK) return rc;
  /* The copy writes the whole FTS index (1.5 GB at a million articles)
  ** into pages past the end of the file: in rollback-journal mode they
  ** are written once (pages past the original end are not journaled),
  ** through the WAL twice (the frames, then the checkpoint). A kill
  ** leaves a hot journal, which the next connection rolls back. When
  ** another connection has the store open, it stays in WAL mode. */
  rollback = journal_mode(s->db, "delete", 0);
  /* Tests: a kill -9 in the copy, its pages spilled to the file. */
  if (kill_copy) sqlite3_exec(s->db, "PRAGMA cache_size=8", NULL, NULL, NULL);
  rc = sqlite3_exec(
      s->db,
      "BEGIN IMMEDIATE;"
      "DELETE FROM main.articles_fts_data;"
      "DELETE FROM main.articles_fts_idx;"
      "DELETE FROM main.articles_fts_docsize;"
      "DELETE FROM main.articles_fts_config WHERE k <> 'hashsize';"
      "INSERT INTO main.articles_fts_data"
      " SELECT * FROM fts_build.articles_fts_data;"
      "INSERT INTO main.articles_fts_idx"
      " SELECT * FROM fts_build.articles_fts_idx;"
      "INSERT INTO main.articles_fts_docsize"
      " SELECT * FROM fts_build.articles_fts_docsize;"
      "INSERT OR REPLACE INTO main.articles_fts_config"
      " SELECT * FROM fts_build.articles_fts_config"
      " WHERE k NOT IN ('hashsize', 'automerge');",
      NULL, NULL, NULL);
  if (rc == SQLITE_OK && s->last_id > 0) {
    s->len_lo = 1;
    s->len_hi = s->last_id;
    rc = flush_lengths(s);
  }
  if (rc == SQLITE_OK && kill_copy) raise(SIGKILL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(s->db,
                      "INSERT OR REPLACE INTO meta VALUES('fts', 'ready');"
                      "INSERT OR REPLACE INTO meta VALUES('indexes', 'ready');"
                      "PRAGMA analysis_limit=1000; PRAGMA optimize;"
                      "COMMIT",
                      NULL, NULL, NULL);
  if (rc != SQLITE_OK && !sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_exec(s->db, "DETACH fts_build", NULL, NULL, NULL);
  /* Back to WAL (waiting up to 10 s for readers that came meanwhile:
  ** should it still fail, the next writer's store_open() sets it). */
  if (rollback) journal_mode(s->db, "wal", 10000);
  t3 = now_s();
  snprintf(s->note, sizeof s->note,
           "indexes %.1f s, then the FTS worker (%lld articles behind at "
           "the end of the input) %.1f s more, its index copied in %.1f s",
           t1 - t0, (long long)behind, t2 - t1, t3 - t2);
  if (rc == SQLITE_OK) {
    side_unlink(f->path);
    side_free(f);
    s->side = NULL;
    s->bulk = false;
  }
  return rc;
}

/* ====================================================================
** Open and close
** ==================================================================== */

/* A kill -9 in the copy of a first load (side_finish(), rollback-journal
** mode) leaves a hot journal, which a read-only connection cannot roll
** back ("attempt to write a readonly database"): a reader rolls it back
** with a read-write connection first, as any writer would. Nothing to do
** when the journal is not hot (its writer is alive and holds its lock). */
static void hot_journal(const char *path)
{
  char *j = sqlite3_mprintf("%s-journal", path);
  sqlite3 *db = NULL;
  if (j && access(j, F_OK) == 0 &&
      sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 10000);
    sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
  }
  sqlite3_close(db);
  sqlite3_free(j);
}

store *store_open(const char *path, bool create, bool write, char *err,
                  size_t errcap)
{
  store *s = calloc(1, sizeof *s);
  /* NOMUTEX: each connection is used by one thread only (the writer's
  ** by the main thread, the FTS worker's by the worker), so SQLite need
  ** not lock it at every call (~4% of a load's instructions). */
  int flags = (write ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY) |
              SQLITE_OPEN_NOMUTEX;
  int rc;
  bool want_side = false;
  char *msg = NULL;
  if (!s) {
    snprintf(err, errcap, "out of memory");
    return NULL;
  }
  s->len_hi = -1;
  s->lock_fd = -1;
  if (create) flags |= SQLITE_OPEN_CREATE;
  if (!write) hot_journal(path);
  rc = sqlite3_open_v2(path, &s->db, flags, NULL);
  if (rc != SQLITE_OK) goto fail;
  sqlite3_busy_timeout(s->db, 10000);
  if (write) {
    /* WAL: readers (search, report) run while the writer indexes, and a
    ** killed writer leaves every committed transaction intact. */
    rc = sqlite3_exec(s->db,
                      "PRAGMA page_size=16384;" /* new stores only */
                      "PRAGMA journal_mode=WAL;"
                      "PRAGMA synchronous=NORMAL;"
                      "PRAGMA cache_size=-" STORE_STR(STORE_CACHE_KB) ";"
                      /* Debian builds SQLite with SECURE_DELETE: every
                      ** freed cell and page zeroed (the facets and
                      ** fts_lengths blobs rewritten at each commit):
                      ** -2.5% of the main thread's instructions off. */
                      "PRAGMA secure_delete=OFF;"
                      /* Statement journals (a statement that writes an
                      ** index too, and may fail half-way) in memory: as
                      ** files they spill past 64 KB. CREATE INDEX sorts
                      ** with temporary files (make_indexes()). */
                      "PRAGMA temp_store=MEMORY;"
                      "PRAGMA wal_autocheckpoint=16384;",
                      NULL, NULL, &msg);
    if (rc != SQLITE_OK) goto fail;
    rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg);
    if (rc == SQLITE_OK) rc = sqlite3_exec(s->db, schema_sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
      rc = sqlite3_exec(s->db,
                        "INSERT OR IGNORE INTO meta VALUES"
                        "('schema_version', "
                        STORE_STR(STORE_SCHEMA_VERSION) ");",
                        NULL, NULL, &msg);
    if (rc == SQLITE_OK) {
      /* Bulk load: an empty store, or one whose indexes a killed bulk
      ** run left pending. */
      sqlite3_stmt *st;
      rc = sqlite3_prepare_v2(s->db,
                              "SELECT NOT EXISTS (SELECT 1 FROM articles) OR"
                              " EXISTS (SELECT 1 FROM meta WHERE key ="
                              " 'indexes' AND value = 'pending')",
                              -1, &st, NULL);
      if (rc == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
          s->bulk = sqlite3_column_int(st, 0) != 0;
        sqlite3_finalize(st);
      }
    }
    if (rc == SQLITE_OK && s->bulk) {
      /* A first bulk load (no articles yet, or the resumption of one)
      ** builds its FTS index on a second core, into a side file. */
      const char *fn = sqlite3_db_filename(s->db, "main");
      sqlite3_stmt *st;
      int64_t have = -1;
      bool side = false;
      rc = sqlite3_prepare_v2(s->db,
                              "SELECT (SELECT count(*) FROM (SELECT 1 FROM"
                              " articles LIMIT 1)), EXISTS (SELECT 1 FROM"
                              " meta WHERE key = 'fts' AND value = 'side')",
                              -1, &st, NULL);
      if (rc == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW) {
          have = sqlite3_column_int64(st, 0);
          side = have == 0 || sqlite3_column_int(st, 1);
        }
        sqlite3_finalize(st);
      }
      if (!fn || !fn[0] || getenv("DATELINE_INDEX_NO_SIDE")) side = false;
      if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db, drop_index_sql, NULL, NULL, &msg);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->db,
                          "INSERT OR REPLACE INTO meta VALUES"
                          "('indexes', 'pending');",
                          NULL, NULL, &msg);
      /* FTS5 flushes its pending terms at each commit or when they
      ** outgrow hashsize (1 MB by default): larger, fewer segments. */
      if (rc == SQLITE_OK && have == 0)
        rc = sqlite3_exec(s->db,
                          "INSERT INTO articles_fts(articles_fts, rank)"
                          " VALUES('hashsize', "
                          STORE_STR(FTS_MAIN_HASHSIZE) ");",
                          NULL, NULL, &msg);
      if (rc == SQLITE_OK && side)
        rc = sqlite3_exec(s->db,
                          "INSERT OR REPLACE INTO meta VALUES('fts', 'side')",
                          NULL, NULL, &msg);
      want_side = side;
    } else if (rc == SQLITE_OK) {
      rc = make_indexes(s->db, &msg);
    }
    if (rc == SQLITE_OK) rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg);
    if (rc != SQLITE_OK) goto fail;
    for (int i = 0; i < Q_N; i++) {
      rc = sqlite3_prepare_v3(s->db, q_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                              &s->q[i], NULL);
      if (rc != SQLITE_OK) goto fail;
    }
    rc = ent_load(s);
    if (rc != SQLITE_OK) goto fail;
    rc = facets_backfill(s);
    if (rc != SQLITE_OK) goto fail;
    s->last_id = side_max(s->db, "SELECT coalesce(max(id), 0) FROM articles");
    if (s->last_id < 0) {
      rc = sqlite3_errcode(s->db);
      goto fail;
    }
    {
      const char *fn = sqlite3_db_filename(s->db, "main");
      if (want_side) {
        /* One side load at a time: a second one would index into the
        ** same side file, and the first one's end would delete it under
        ** the second. flock() is apart from SQLite's fcntl() locks. */
        s->lock_fd = open(fn, O_RDONLY | O_CLOEXEC);
        if (s->lock_fd < 0 || flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
          snprintf(err, errcap, "%s",
                   s->lock_fd >= 0 && errno == EWOULDBLOCK
                       ? "another 'dateline index' is loading this store; "
                         "wait for it to end"
                       : strerror(errno));
          store_close(s);
          return NULL;
        }
        s->side = side_start(fn, s->last_id);
        if (!s->side) {
          rc = SQLITE_NOMEM;
          goto fail;
        }
      } else if (fn && fn[0]) {
        /* The side file of a load that ended (or of a store since
        ** rebuilt): nothing reads it. */
        char *side = sqlite3_mprintf("%s.fts-build", fn);
        if (side) side_unlink(side);
        sqlite3_free(side);
      }
    }
  } else {
    sqlite3_stmt *st;
    /* Readers map the file (up to SQLite's compile-time cap, 2 GB in
    ** Debian's build): a fresh `search` process then reads pages from
    ** the OS cache without a copy each. */
    rc = sqlite3_exec(s->db,
                      "PRAGMA cache_size=-65536;"
                      "PRAGMA mmap_size=1099511627776;",
                      NULL, NULL, &msg);
    if (rc != SQLITE_OK) goto fail;
    rc = sqlite3_prepare_v2(s->db,
                            "SELECT value FROM meta WHERE key="
                            "'schema_version'",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
      snprintf(err, errcap, "not a dateline store (%s)",
               sqlite3_errmsg(s->db));
      store_close(s);
      return NULL;
    }
    sqlite3_finalize(st);
  }
  return s;
fail:
  snprintf(err, errcap, "%s", msg ? msg : sqlite3_errmsg(s->db));
  sqlite3_free(msg);
  store_close(s);
  return NULL;
}

int store_finish(store *s)
{
  int rc;
  if (!s->bulk) return SQLITE_OK;
  if (s->side) return side_finish(s);
  rc = sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = make_indexes(s->db, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(s->db,
                      "INSERT OR REPLACE INTO meta VALUES('indexes', 'ready');"
                      /* Planner statistics, from a sample: a full ANALYZE
                      ** reads every index of a million-article store. */
                      "PRAGMA analysis_limit=1000; PRAGMA optimize;",
                      NULL, NULL, NULL);
  if (rc == SQLITE_OK) rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK) {
    int keep = rc;
    if (!sqlite3_get_autocommit(s->db))
      sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return keep;
  }
  s->bulk = false;
  return SQLITE_OK;
}

static bool meta_has(store *s, const char *sql)
{
  sqlite3_stmt *st;
  bool yes = false;
  if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
    return false;
  yes = sqlite3_step(st) == SQLITE_ROW;
  sqlite3_finalize(st);
  return yes;
}

bool store_indexes_pending(store *s)
{
  return meta_has(s, "SELECT 1 FROM meta WHERE key = 'indexes' AND value"
                     " = 'pending'");
}

bool store_fts_pending(store *s)
{
  return meta_has(s, "SELECT 1 FROM meta WHERE key = 'fts' AND value"
                     " = 'side'");
}

void store_close(store *s)
{
  if (!s) return;
  side_free(s->side); /* --resume indexes what the side file lacks */
  if (s->lock_fd >= 0) close(s->lock_fd);
  for (int i = 0; i < Q_N; i++) sqlite3_finalize(s->q[i]);
  for (int t = 0; t < MR_N; t++) {
    for (int k = 0; k <= MR_MAX; k++) sqlite3_finalize(s->mst[t][k]);
    free(s->mr[t].v);
  }
  sqlite3_close(s->db);
  ent_clear(s);
  free(s->lents);
  free(s->sbuf);
  free(s->fp);
  free(s->fv);
  free(s->bm);
  free(s->blob);
  free(s);
}

static int step_reset(sqlite3_stmt *st)
{
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

int store_begin(store *s) { return step_reset(s->q[Q_BEGIN]); }

/* A side load's fts_lengths: the chunks of the batch, zero (unknown) until
** store_finish() fills them from the FTS index. */
static int zero_lengths(store *s)
{
  sqlite3_stmt *st = s->q[Q_LEN_ZERO];
  int rc = SQLITE_OK;
  if (s->len_hi < s->len_lo) return SQLITE_OK;
  for (int64_t c = s->len_lo / LEN_CHUNK;
       c <= s->len_hi / LEN_CHUNK && rc == SQLITE_OK; c++) {
    sqlite3_bind_int64(st, 1, c);
    rc = step_reset(st);
  }
  s->len_lo = 0;
  s->len_hi = -1;
  return rc;
}

int store_commit(store *s)
{
  int rc = s->side ? side_error(s->side) : SQLITE_OK;
  if (rc == SQLITE_OK) rc = flush_facets(s);
  if (rc == SQLITE_OK) rc = s->side ? zero_lengths(s) : flush_lengths(s);
  if (rc == SQLITE_OK) rc = step_reset(s->q[Q_COMMIT]);
  /* Committed: the worker may index them. */
  if (rc == SQLITE_OK && s->side) side_post(s->side, s->last_id, 0);
  return rc;
}

void store_rollback(store *s)
{
  if (!sqlite3_get_autocommit(s->db))
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
  derived_clear(s);
  s->last_id = side_max(s->db, "SELECT coalesce(max(id), 0) FROM articles");
  /* Entities inserted by the batch are gone: reload the dictionary. */
  ent_clear(s);
  ent_load(s);
}

/* ====================================================================
** Keys and progress
** ==================================================================== */

size_t store_key(const sj_doc *d, const char *line, size_t len, char *buf,
                 size_t cap, const char **ptr)
{
  const sj_val *root = &d->v[0];
  const sj_val *id = sj_get(d, root, "id");
  const sj_val *text;
  XXH128_hash_t h;
  if (id && id->type == SJ_STR && id->count > 0) {
    *ptr = id->str;
    return id->count;
  }
  if (id && id->type == SJ_NUM) {
    int n = snprintf(buf, cap, "%.17g", id->num);
    *ptr = buf;
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
  }
  text = sj_get(d, root, "text");
  if (!text || text->type != SJ_STR) text = sj_get(d, root, "html");
  if (text && text->type == SJ_STR)
    h = XXH3_128bits(text->str, text->count);
  else
    h = XXH3_128bits(line, len);
  if (cap < 38) return 0;
  snprintf(buf, cap, "xxh3:%016llx%016llx", (unsigned long long)h.high64,
           (unsigned long long)h.low64);
  *ptr = buf;
  return 37;
}

int store_has_key(store *s, const char *key, size_t klen, bool *found)
{
  sqlite3_stmt *st = s->q[Q_HAS_KEY];
  int rc;
  sqlite3_bind_text(st, 1, key, (int)klen, SQLITE_STATIC);
  rc = sqlite3_step(st);
  *found = rc == SQLITE_ROW;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_get_progress(store *s, const char *file, int64_t *offset,
                       int64_t *line)
{
  sqlite3_stmt *st = s->q[Q_GET_PROGRESS];
  int rc;
  *offset = *line = 0;
  sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
  rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    *offset = sqlite3_column_int64(st, 0);
    *line = sqlite3_column_int64(st, 1);
  }
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int store_set_progress(store *s, const char *file, int64_t offset,
                       int64_t line)
{
  sqlite3_stmt *st = s->q[Q_SET_PROGRESS];
  sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, offset);
  sqlite3_bind_int64(st, 3, line);
  return step_reset(st);
}

int store_put_error(store *s, const char *file, unsigned long line,
                    const char *id, const char *code, const char *msg)
{
  sqlite3_stmt *st = s->q[Q_ERROR];
  sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 2, (sqlite3_int64)line);
  sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 5, msg, -1, SQLITE_STATIC);
  return step_reset(st);
}

/* ====================================================================
** Validation
** ==================================================================== */

static bool is_str(const sj_val *v) { return v && v->type == SJ_STR; }
static bool opt_str(const sj_val *v) { return !v || v->type == SJ_STR || v->type == SJ_NULL; }
static bool opt_num(const sj_val *v) { return !v || v->type == SJ_NUM || v->type == SJ_NULL; }
static bool opt_scalar(const sj_val *v)
{
  return !v || v->type == SJ_STR || v->type == SJ_NUM || v->type == SJ_NULL;
}
static bool opt_arr(const sj_val *v) { return !v || v->type == SJ_ARR || v->type == SJ_NULL; }

static bool chk_span(const sj_doc *d, const sj_val *v)
{
  if (!v || v->type == SJ_NULL) return true;
  return v->type == SJ_OBJ && opt_num(sj_get(d, v, "start")) &&
         opt_num(sj_get(d, v, "end"));
}

#define BAD(...)                                                         \
  do {                                                                   \
    snprintf(msg, cap, __VA_ARGS__);                                     \
    return false;                                                        \
  } while (0)

/* Each element of array `a` must be an object. */
#define EACH_OBJ(a, e, what)                                             \
  for (const sj_val *e = sj_child(d, a); e; e = sj_next(d, e))           \
    if (e->type != SJ_OBJ) BAD("%s: an element is not an object", what); \
    else

static bool chk_actor(const sj_doc *d, const sj_val *a)
{
  if (!a || a->type == SJ_NULL || a->type == SJ_STR) return true;
  return a->type == SJ_OBJ && opt_scalar(sj_get(d, a, "entity")) &&
         opt_str(sj_get(d, a, "code")) && opt_str(sj_get(d, a, "name"));
}

static bool check_annotated(const sj_doc *d, char *msg, size_t cap)
{
  const sj_val *r = &d->v[0], *v;
  static const char *const strs[] = {"date", "date_source", "title", "url",
                                     "source", "lang", "text"};
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
    if (!opt_str(sj_get(d, r, strs[i])))
      BAD("field \"%s\" is not a string", strs[i]);
  if (!opt_scalar(sj_get(d, r, "id"))) BAD("field \"id\" is not a string");
  if (!opt_scalar(sj_get(d, r, "dup_of")))
    BAD("field \"dup_of\" is not a string");
  v = sj_get(d, r, "story");
  if (v && v->type == SJ_OBJ) {
    if (!opt_scalar(sj_get(d, v, "id")) || !opt_str(sj_get(d, v, "label")))
      BAD("field \"story\": id/label of the wrong type");
  } else if (!opt_scalar(v)) {
    BAD("field \"story\" is not a string or object");
  }
  v = sj_get(d, r, "tone");
  if (v && v->type == SJ_OBJ) {
    if (!opt_num(sj_get(d, v, "tone"))) BAD("tone.tone is not a number");
  } else if (!opt_num(v)) {
    BAD("field \"tone\" is not an object");
  }

  v = sj_get(d, r, "entities");
  if (!opt_arr(v)) BAD("field \"entities\" is not an array");
  EACH_OBJ(v, e, "entities")
  {
    const sj_val *m = sj_get(d, e, "mentions"), *ro = sj_get(d, e, "roles");
    if (!is_str(sj_get(d, e, "id")) || !is_str(sj_get(d, e, "type")) ||
        !is_str(sj_get(d, e, "name")))
      BAD("entities: an entity lacks its id, type or name");
    if (!opt_num(sj_get(d, e, "salience")))
      BAD("entities: salience is not a number");
    if (!opt_arr(m) || !opt_arr(ro))
      BAD("entities: mentions/roles is not an array");
    for (const sj_val *sp = sj_child(d, m); sp; sp = sj_next(d, sp))
      if (!chk_span(d, sp)) BAD("entities: a mention is not a span");
    EACH_OBJ(ro, x, "entities.roles")
    {
      if (!opt_str(sj_get(d, x, "text")) || !chk_span(d, sj_get(d, x, "span")))
        BAD("entities: a role has the wrong shape");
    }
  }

  v = sj_get(d, r, "quotes");
  if (!opt_arr(v)) BAD("field \"quotes\" is not an array");
  EACH_OBJ(v, q, "quotes")
  {
    const sj_val *cue = sj_get(d, q, "cue"), *sp = sj_get(d, q, "speaker");
    if (!opt_str(sj_get(d, q, "text")) || !opt_str(sj_get(d, q, "kind")) ||
        !chk_span(d, sj_get(d, q, "span")))
      BAD("quotes: text/kind/span of the wrong type");
    if (cue && cue->type == SJ_OBJ) {
      if (!opt_str(sj_get(d, cue, "verb")) ||
          !opt_str(sj_get(d, cue, "lemma")))
        BAD("quotes: cue of the wrong shape");
    } else if (!opt_str(cue)) {
      BAD("quotes: cue of the wrong shape");
    }
    if (sp && sp->type == SJ_OBJ) {
      if (!opt_scalar(sj_get(d, sp, "entity")) ||
          !opt_str(sj_get(d, sp, "name")) ||
          !chk_span(d, sj_get(d, sp, "span")))
        BAD("quotes: speaker of the wrong shape");
    } else if (!opt_str(sp)) {
      BAD("quotes: speaker of the wrong shape");
    }
  }

  v = sj_get(d, r, "dates");
  if (!opt_arr(v)) BAD("field \"dates\" is not an array");
  EACH_OBJ(v, x, "dates")
  {
    if (!chk_span(d, sj_get(d, x, "span")) || !opt_str(sj_get(d, x, "text")) ||
        !opt_str(sj_get(d, x, "type")) || !opt_scalar(sj_get(d, x, "value")) ||
        !opt_scalar(sj_get(d, x, "anchor")))
      BAD("dates: an element has the wrong shape");
  }

  v = sj_get(d, r, "places");
  if (v && v->type == SJ_OBJ) v = sj_get(d, v, "places");
  if (!opt_arr(v)) BAD("field \"places\" is not an array");
  EACH_OBJ(v, x, "places")
  {
    if (!opt_scalar(sj_get(d, x, "entity")) || !opt_str(sj_get(d, x, "name")) ||
        !opt_num(sj_get(d, x, "geonameid")) || !opt_num(sj_get(d, x, "lat")) ||
        !opt_num(sj_get(d, x, "lon")) || !opt_str(sj_get(d, x, "country")) ||
        !opt_str(sj_get(d, x, "country3")) ||
        !opt_scalar(sj_get(d, x, "admin1")) ||
        !opt_str(sj_get(d, x, "feature")) ||
        !opt_num(sj_get(d, x, "population")) ||
        !opt_num(sj_get(d, x, "confidence")))
      BAD("places: an element has the wrong shape");
  }

  v = sj_get(d, r, "events");
  if (!opt_arr(v)) BAD("field \"events\" is not an array");
  EACH_OBJ(v, x, "events")
  {
    const sj_val *pl = sj_get(d, x, "place");
    if (!opt_scalar(sj_get(d, x, "code")) ||
        !opt_scalar(sj_get(d, x, "root")) ||
        !opt_num(sj_get(d, x, "quad_class")) ||
        !opt_num(sj_get(d, x, "goldstein")) ||
        !opt_num(sj_get(d, x, "sentence")) ||
        !chk_span(d, sj_get(d, x, "span")) ||
        !opt_scalar(sj_get(d, x, "date")) ||
        !chk_actor(d, sj_get(d, x, "source")) ||
        !chk_actor(d, sj_get(d, x, "target")) ||
        !(opt_scalar(pl) || pl->type == SJ_OBJ))
      BAD("events: an element has the wrong shape");
  }

  v = sj_get(d, r, "themes");
  if (!opt_arr(v)) BAD("field \"themes\" is not an array");
  for (const sj_val *x = sj_child(d, v); x; x = sj_next(d, x)) {
    if (x->type == SJ_STR) continue;
    if (x->type != SJ_OBJ || !is_str(sj_get(d, x, "theme")) ||
        !opt_str(sj_get(d, x, "label")) || !opt_num(sj_get(d, x, "count")))
      BAD("themes: an element has the wrong shape");
  }
  return true;
}

rec_kind store_check(const sj_doc *d, char *msg, size_t cap)
{
  const sj_val *r = &d->v[0];
  static const char *const marks[] = {
      "sentences", "entities", "quotes", "dates",  "clean",  "date_source",
      "places",    "events",   "themes", "tone",   "amounts"};
  const sj_val *text;
  if (r->type != SJ_OBJ) {
    snprintf(msg, cap, "not a JSON object");
    return REC_BAD;
  }
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if (sj_get(d, r, marks[i]))
      return check_annotated(d, msg, cap) ? REC_ANNOTATED : REC_BAD;
  if (sj_get(d, r, "error")) return REC_ERROR;
  text = sj_get(d, r, "text");
  if (!text || text->type == SJ_NULL) text = sj_get(d, r, "html");
  if (text && text->type == SJ_STR) return REC_RAW;
  snprintf(msg, cap, "neither an annotated record nor an article "
                     "(no \"text\")");
  return REC_BAD;
}

/* ====================================================================
** Inserts
** ==================================================================== */

/* Values are bound in two steps, so that the multi-row inserts can keep a
** row's values until their statement runs: mv_*() says what a value binds
** as, mv_bind() binds it; bind_val() and bind_gid() do both at once. */
static void mv_null(mval *m) { m->t = MV_NULL; }

static void mv_int(mval *m, int64_t i)
{
  m->t = MV_INT;
  m->u.i = i;
}

/* A record value: text, an integer when the number is whole, a double,
** 1/0 for true/false, NULL for anything else. */
static void mv_sj(mval *m, const sj_val *v)
{
  if (!v) {
    m->t = MV_NULL;
  } else if (v->type == SJ_STR) {
    m->t = MV_TEXT;
    m->u.p = v->str;
    m->n = v->count;
  } else if (v->type == SJ_NUM) {
    if (v->num == (double)(int64_t)v->num) {
      mv_int(m, (int64_t)v->num);
    } else {
      m->t = MV_DBL;
      m->u.d = v->num;
    }
  } else if (v->type == SJ_TRUE || v->type == SJ_FALSE) {
    mv_int(m, v->type == SJ_TRUE);
  } else {
    m->t = MV_NULL;
  }
}

static void mv_span(const sj_doc *d, mval *m, const sj_val *span)
{
  mv_sj(m, sj_get(d, span, "start"));
  mv_sj(m + 1, sj_get(d, span, "end"));
}

static void mv_gid(mval *m, int64_t gid)
{
  if (gid)
    mv_int(m, gid);
  else
    mv_null(m);
}

/* Binds v as parameter i of st (sbuf: where MV_SPANS offsets point). */
static void mv_bind(sqlite3_stmt *st, int i, const mval *v, const char *sbuf)
{
  switch (v->t) {
  case MV_INT:
    sqlite3_bind_int64(st, i, v->u.i);
    break;
  case MV_DBL:
    sqlite3_bind_double(st, i, v->u.d);
    break;
  case MV_TEXT:
    sqlite3_bind_text(st, i, v->u.p, (int)v->n, SQLITE_STATIC);
    break;
  case MV_SPANS:
    sqlite3_bind_text(st, i, sbuf + v->u.off, (int)v->n, SQLITE_STATIC);
    break;
  default:
    sqlite3_bind_null(st, i);
  }
}

static void bind_val(sqlite3_stmt *st, int i, const sj_val *v)
{
  mval m;
  mv_sj(&m, v);
  mv_bind(st, i, &m, NULL);
}

static void bind_span(const sj_doc *d, sqlite3_stmt *st, int i,
                      const sj_val *span)
{
  bind_val(st, i, sj_get(d, span, "start"));
  bind_val(st, i + 1, sj_get(d, span, "end"));
}

static void bind_gid(sqlite3_stmt *st, int i, int64_t gid)
{
  mval m;
  mv_gid(&m, gid);
  mv_bind(st, i, &m, NULL);
}

/* Dictionary id of a local entity reference ("e3"), 0 when unknown. */
static int64_t local_gid(const store *s, size_t n, const sj_val *ref)
{
  if (!ref || ref->type != SJ_STR) return 0;
  for (size_t i = 0; i < n; i++)
    if (s->lents[i].len == ref->count &&
        memcmp(s->lents[i].id, ref->str, ref->count) == 0)
      return s->lents[i].gid;
  return 0;
}

/* A string member of an object-or-string value: focus.country etc. */
static const sj_val *str_or_member(const sj_doc *d, const sj_val *v,
                                   const char *key)
{
  if (!v) return NULL;
  if (v->type == SJ_STR) return v;
  if (v->type == SJ_OBJ) {
    const sj_val *m = sj_get(d, v, key);
    if (m && m->type == SJ_OBJ) m = sj_get(d, m, "name");
    return m && m->type == SJ_STR ? m : NULL;
  }
  return NULL;
}

static char *put_i64(char *w, double v)
{
  char tmp[24];
  int n = 0;
  int64_t x = (int64_t)v;
  uint64_t u;
  if (x < 0) *w++ = '-';
  u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  while (n) *w++ = tmp[--n];
  return w;
}

/* The mention spans of an entity as a JSON array of [start, end] pairs
** (what the `mentions` view unpacks), appended to the article's s->sbuf;
** *off: where it starts. */
static bool spans_json(store *s, const sj_doc *d, const sj_val *m,
                       size_t *off)
{
  size_t need = s->slen + 3 + (m && m->type == SJ_ARR ? m->count : 0) * 48;
  char *w;
  if (need > s->scap) {
    char *nb = realloc(s->sbuf, need * 2);
    if (!nb) return false;
    s->sbuf = nb;
    s->scap = need * 2;
  }
  *off = s->slen;
  w = s->sbuf + s->slen;
  *w++ = '[';
  for (const sj_val *sp = sj_child(d, m); sp; sp = sj_next(d, sp)) {
    const sj_val *a = sj_get(d, sp, "start"), *b = sj_get(d, sp, "end");
    if (!a || !b || a->type != SJ_NUM || b->type != SJ_NUM) continue;
    if (w[-1] != '[') *w++ = ',';
    *w++ = '[';
    w = put_i64(w, a->num);
    *w++ = ',';
    w = put_i64(w, b->num);
    *w++ = ']';
  }
  *w++ = ']';
  s->slen = (size_t)(w - s->sbuf);
  return true;
}

/* ---- Multi-row inserts (mr_def) ---- */

/* Room for one more row of table t: its ncol values, or NULL. */
static mval *mr_row(store *s, int t)
{
  struct mrbuf *b = &s->mr[t];
  size_t nc = (size_t)mr_def[t].ncol;
  mval *v;
  if (b->n + nc > b->cap) {
    size_t ncap = b->cap ? b->cap * 2 : nc * 32;
    void *nb = realloc(b->v, ncap * sizeof *b->v);
    if (!nb) return NULL;
    b->v = nb;
    b->cap = ncap;
  }
  v = b->v + b->n;
  b->n += nc;
  return v;
}

/* The INSERT of k rows into table t, prepared the first time. */
static sqlite3_stmt *mr_stmt(store *s, int t, int k, int *rc)
{
  char sql[1024];
  size_t n;
  if (s->mst[t][k]) return s->mst[t][k];
  n = (size_t)snprintf(sql, sizeof sql, "%s", mr_def[t].head);
  for (int r = 0; r < k; r++) {
    sql[n++] = r ? ',' : ' ';
    sql[n++] = '(';
    for (int c = 0; c < mr_def[t].ncol; c++) {
      if (c) sql[n++] = ',';
      sql[n++] = '?';
    }
    sql[n++] = ')';
  }
  sql[n] = 0;
  *rc = sqlite3_prepare_v3(s->db, sql, (int)n, SQLITE_PREPARE_PERSISTENT,
                           &s->mst[t][k], NULL);
  return *rc == SQLITE_OK ? s->mst[t][k] : NULL;
}

/* Inserts the rows waiting for table t, MR_MAX at a time. */
static int mr_flush(store *s, int t)
{
  struct mrbuf *b = &s->mr[t];
  size_t nc = (size_t)mr_def[t].ncol, rows = b->n / nc;
  const mval *v = b->v;
  int rc = SQLITE_OK;
  b->n = 0;
  while (rows) {
    int k = rows > MR_MAX ? MR_MAX : (int)rows;
    sqlite3_stmt *st = mr_stmt(s, t, k, &rc);
    if (!st) return rc;
    for (int i = 0; i < k * (int)nc; i++, v++)
      mv_bind(st, i + 1, v, s->sbuf);
    rc = step_reset(st);
    if (rc != SQLITE_OK) return rc;
    rows -= (size_t)k;
  }
  return SQLITE_OK;
}

#define STEP(st)                                                         \
  do {                                                                   \
    rc = step_reset(st);                                                 \
    if (rc != SQLITE_OK) return rc;                                      \
  } while (0)

static int put_actor(store *s, const sj_doc *d, sqlite3_stmt *st, int i,
                     const sj_val *a, size_t nl)
{
  if (a && a->type == SJ_STR) {
    sqlite3_bind_null(st, i);
    sqlite3_bind_text(st, i + 1, a->str, (int)a->count, SQLITE_STATIC);
    sqlite3_bind_null(st, i + 2);
  } else {
    bind_gid(st, i, local_gid(s, nl, sj_get(d, a, "entity")));
    bind_val(st, i + 1, sj_get(d, a, "code"));
    bind_val(st, i + 2, sj_get(d, a, "name"));
  }
  return SQLITE_OK;
}

int store_put(store *s, const sj_doc *d, const char *key, size_t klen)
{
  const sj_val *r = &d->v[0], *v, *story, *places, *focus;
  sqlite3_stmt *st = s->q[Q_ARTICLE];
  int64_t art;
  size_t nl = 0;
  int rc;
  int64_t qno = 0, rno = 0, no = 0;

  story = sj_get(d, r, "story");
  places = sj_get(d, r, "places");
  focus = sj_get(d, r, "focus");
  if (!focus && places && places->type == SJ_OBJ)
    focus = sj_get(d, places, "focus");

  sqlite3_bind_text(st, 1, key, (int)klen, SQLITE_STATIC);
  bind_val(st, 2, sj_get(d, r, "id"));
  bind_val(st, 3, sj_get(d, r, "date"));
  bind_val(st, 4, sj_get(d, r, "date_source"));
  bind_val(st, 5, sj_get(d, r, "title"));
  bind_val(st, 6, sj_get(d, r, "url"));
  bind_val(st, 7, sj_get(d, r, "source"));
  bind_val(st, 8, sj_get(d, r, "lang"));
  bind_val(st, 9, sj_get(d, r, "text"));
  v = sj_get(d, r, "tone");
  bind_val(st, 10, v && v->type == SJ_OBJ ? sj_get(d, v, "tone") : v);
  bind_val(st, 11, str_or_member(d, focus, "country"));
  bind_val(st, 12, str_or_member(d, focus, "place"));
  bind_val(st, 13, story && story->type == SJ_OBJ ? sj_get(d, story, "id")
                                                  : story);
  bind_val(st, 14, sj_get(d, r, "dup_of"));
  STEP(st);
  art = sqlite3_last_insert_rowid(s->db);
  s->last_id = art;
  len_add(s, art);
  if (!facet_add(s, FACET_DAY, sj_get(d, r, "date"), 10, art) ||
      !facet_add(s, FACET_COUNTRY, str_or_member(d, focus, "country"),
                 UINT32_MAX, art))
    return SQLITE_NOMEM;

  if (!s->side) { /* else the worker reads it once committed */
    st = s->q[Q_FTS];
    sqlite3_bind_int64(st, 1, art);
    bind_val(st, 2, sj_get(d, r, "title"));
    bind_val(st, 3, sj_get(d, r, "text"));
    STEP(st);
  }

  /* Entities, their mentions and roles. */
  for (int t = 0; t < MR_N; t++) s->mr[t].n = 0;
  s->slen = 0;
  v = sj_get(d, r, "entities");
  if (v && v->type == SJ_ARR && v->count > s->lent_cap) {
    size_t ncap = v->count * 2;
    void *nb = realloc(s->lents, ncap * sizeof *s->lents);
    if (!nb) return SQLITE_NOMEM;
    s->lents = nb;
    s->lent_cap = ncap;
  }
  for (const sj_val *e = sj_child(d, v); e; e = sj_next(d, e)) {
    const sj_val *lid = sj_get(d, e, "id"), *m = sj_get(d, e, "mentions");
    int64_t gid;
    size_t off;
    mval *w;
    rc = ent_id(s, sj_get(d, e, "type"), sj_get(d, e, "name"), &gid);
    if (rc != SQLITE_OK) return rc;
    s->lents[nl].id = lid->str;
    s->lents[nl].len = lid->count;
    s->lents[nl].gid = gid;
    nl++;
    if (!spans_json(s, d, m, &off) || !(w = mr_row(s, MR_ART_ENT)))
      return SQLITE_NOMEM;
    mv_int(&w[0], art);
    mv_sj(&w[1], lid);
    mv_int(&w[2], gid);
    mv_sj(&w[3], sj_get(d, e, "salience"));
    mv_int(&w[4], m && m->type == SJ_ARR ? m->count : 0);
    w[5].t = MV_SPANS;
    w[5].u.off = off;
    w[5].n = (uint32_t)(s->slen - off);
    for (const sj_val *x = sj_child(d, sj_get(d, e, "roles")); x;
         x = sj_next(d, x)) {
      if (!(w = mr_row(s, MR_ROLE))) return SQLITE_NOMEM;
      mv_int(&w[0], art);
      mv_int(&w[1], ++rno);
      mv_int(&w[2], gid);
      mv_sj(&w[3], sj_get(d, x, "text"));
      mv_span(d, &w[4], sj_get(d, x, "span"));
    }
  }
  if ((rc = mr_flush(s, MR_ART_ENT)) != SQLITE_OK ||
      (rc = mr_flush(s, MR_ROLE)) != SQLITE_OK)
    return rc;

  for (const sj_val *q = sj_child(d, sj_get(d, r, "quotes")); q;
       q = sj_next(d, q)) {
    const sj_val *cue = sj_get(d, q, "cue"), *sp = sj_get(d, q, "speaker");
    mval *w = mr_row(s, MR_QUOTE);
    if (!w) return SQLITE_NOMEM;
    mv_int(&w[0], art);
    mv_int(&w[1], ++qno);
    mv_sj(&w[2], sj_get(d, q, "text"));
    mv_sj(&w[3], sj_get(d, q, "kind"));
    mv_span(d, &w[4], sj_get(d, q, "span"));
    mv_sj(&w[6], cue && cue->type == SJ_OBJ ? sj_get(d, cue, "verb") : cue);
    mv_sj(&w[7], sj_get(d, cue, "lemma"));
    if (sp && sp->type == SJ_STR) {
      mv_null(&w[8]);
      mv_sj(&w[9], sp);
      mv_null(&w[10]);
      mv_null(&w[11]);
    } else {
      mv_gid(&w[8], local_gid(s, nl, sj_get(d, sp, "entity")));
      mv_sj(&w[9], sj_get(d, sp, "name"));
      mv_span(d, &w[10], sj_get(d, sp, "span"));
    }
  }
  if ((rc = mr_flush(s, MR_QUOTE)) != SQLITE_OK) return rc;

  for (const sj_val *x = sj_child(d, sj_get(d, r, "dates")); x;
       x = sj_next(d, x)) {
    mval *w = mr_row(s, MR_DATE);
    if (!w) return SQLITE_NOMEM;
    mv_int(&w[0], art);
    mv_int(&w[1], ++no);
    mv_span(d, &w[2], sj_get(d, x, "span"));
    mv_sj(&w[4], sj_get(d, x, "text"));
    mv_sj(&w[5], sj_get(d, x, "type"));
    mv_sj(&w[6], sj_get(d, x, "value"));
    mv_sj(&w[7], sj_get(d, x, "anchor"));
  }
  if ((rc = mr_flush(s, MR_DATE)) != SQLITE_OK) return rc;

  if (places && places->type == SJ_OBJ) places = sj_get(d, places, "places");
  no = 0;
  for (const sj_val *x = sj_child(d, places); x; x = sj_next(d, x)) {
    static const char *const cols[] = {"name", "geonameid", "lat", "lon",
                                       "country", "country3", "admin1",
                                       "feature", "population",
                                       "confidence"};
    mval *w = mr_row(s, MR_PLACE);
    if (!w) return SQLITE_NOMEM;
    mv_int(&w[0], art);
    mv_int(&w[1], ++no);
    mv_gid(&w[2], local_gid(s, nl, sj_get(d, x, "entity")));
    for (int i = 0; i < 10; i++) mv_sj(&w[3 + i], sj_get(d, x, cols[i]));
    if (!facet_add(s, FACET_COUNTRY, sj_get(d, x, "country"), UINT32_MAX,
                   art))
      return SQLITE_NOMEM;
  }
  if ((rc = mr_flush(s, MR_PLACE)) != SQLITE_OK) return rc;

  st = s->q[Q_EVENT];
  no = 0;
  for (const sj_val *x = sj_child(d, sj_get(d, r, "events")); x;
       x = sj_next(d, x)) {
    const sj_val *pl = sj_get(d, x, "place");
    sqlite3_bind_int64(st, 1, art);
    sqlite3_bind_int64(st, 2, ++no);
    bind_val(st, 3, sj_get(d, x, "code"));
    bind_val(st, 4, sj_get(d, x, "root"));
    bind_val(st, 5, sj_get(d, x, "quad_class"));
    bind_val(st, 6, sj_get(d, x, "goldstein"));
    put_actor(s, d, st, 7, sj_get(d, x, "source"), nl);
    put_actor(s, d, st, 10, sj_get(d, x, "target"), nl);
    bind_val(st, 13, sj_get(d, x, "sentence"));
    bind_span(d, st, 14, sj_get(d, x, "span"));
    bind_val(st, 16, sj_get(d, x, "date"));
    bind_val(st, 17, pl && pl->type == SJ_OBJ ? sj_get(d, pl, "name") : pl);
    STEP(st);
  }

  st = s->q[Q_THEME];
  for (const sj_val *x = sj_child(d, sj_get(d, r, "themes")); x;
       x = sj_next(d, x)) {
    sqlite3_bind_int64(st, 1, art);
    if (!facet_add(s, FACET_THEME, x->type == SJ_STR ? x
                                                     : sj_get(d, x, "theme"),
                   UINT32_MAX, art))
      return SQLITE_NOMEM;
    if (x->type == SJ_STR) {
      bind_val(st, 2, x);
      sqlite3_bind_null(st, 3);
      sqlite3_bind_int(st, 4, 1);
    } else {
      const sj_val *c = sj_get(d, x, "count"), *sp = sj_get(d, x, "spans");
      bind_val(st, 2, sj_get(d, x, "theme"));
      bind_val(st, 3, sj_get(d, x, "label"));
      if (c && c->type == SJ_NUM)
        bind_val(st, 4, c);
      else
        sqlite3_bind_int64(st, 4, sp && sp->type == SJ_ARR ? sp->count : 1);
    }
    STEP(st);
  }

  if (story && story->type != SJ_NULL) {
    const sj_val *sid = story->type == SJ_OBJ ? sj_get(d, story, "id") : story;
    if (sid && sid->type != SJ_NULL) {
      st = s->q[Q_STORY];
      bind_val(st, 1, sid);
      bind_val(st, 2, sj_get(d, story, "label"));
      bind_val(st, 3, sj_get(d, r, "date"));
      STEP(st);
    }
  }
  s->articles++;
  return SQLITE_OK;
}
