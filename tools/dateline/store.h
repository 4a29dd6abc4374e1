/*
** store.h -- the SQLite store of the corpus commands (store.c).
**
** `dateline index` writes annotated records into it; `dateline search`
** and `dateline report` read it. The schema is a public interface (users
** query it with plain SQL): docs/STORE.md documents every table. Design
** notes: docs/INTERNALS-store.md.
**
** The store lives on the CLI side: the library stays free of SQLite, and
** DESIGN.md has the corpus commands work on records, not on internals.
*/
#ifndef DL_STORE_H
#define DL_STORE_H

#include "sjson.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_SCHEMA_VERSION 2

typedef struct store store;

/* Opens (creating when `create`) the store at path. `write` prepares the
** insert statements and loads the entity dictionary. On failure returns
** NULL with a message in err. */
store *store_open(const char *path, bool create, bool write, char *err,
                  size_t errcap);
void store_close(store *s);
sqlite3 *store_db(store *s);

/* Ends a writer's run: a bulk load into an empty store defers the
** secondary indexes (meta 'indexes' = 'pending'); this builds them in one
** transaction. A kill before it leaves them pending, and the next writer
** (index --resume) builds them. SQLite rc. */
int store_finish(store *s);
/* True when a bulk load's indexes are not built yet (searches then work,
** slowly). */
bool store_indexes_pending(store *s);
/* True while the FTS index of a first bulk load is still in its side file
** (DB.fts-build): articles_fts then matches nothing. */
bool store_fts_pending(store *s);

/* Transactions of the writer. SQLite result codes. */
int store_begin(store *s);
int store_commit(store *s);
void store_rollback(store *s);

/* The article key of a record: its "id", else "xxh3:" and the hex digest
** of its text (or of the whole line when it has no text). Written into
** buf (cap >= 48 for the hash form); returns its length, or 0 when the id
** does not fit. *ptr points at the key (buf or the id itself). */
size_t store_key(const sj_doc *d, const char *line, size_t len, char *buf,
                 size_t cap, const char **ptr);

/* SQLite rc; *found true when an article with this key exists. */
int store_has_key(store *s, const char *key, size_t klen, bool *found);

/* What a parsed line is. */
typedef enum {
  REC_ANNOTATED, /* an annotated record: store it */
  REC_RAW,       /* an article without annotations: annotate it first */
  REC_ERROR,     /* an error record written by `dateline annotate` */
  REC_BAD        /* not a record (msg says why) */
} rec_kind;

/* Classifies and validates the parsed line: every field the store reads
** has the type SPEC.md gives it, so store_put() cannot stop half-way on
** bad data. On REC_BAD, msg holds the reason. */
rec_kind store_check(const sj_doc *d, char *msg, size_t cap);

/* Inserts a checked annotated record under key. Returns an SQLite rc;
** on error the caller rolls the batch back (the transaction is the unit
** of atomicity). */
int store_put(store *s, const sj_doc *d, const char *key, size_t klen);

/* Records an input line that yielded no article (errors table). */
int store_put_error(store *s, const char *file, unsigned long line,
                    const char *id, const char *code, const char *msg);

/* Where indexing of `file` stopped: the byte offset and line number after
** the last committed line (0, 0 when unknown). Written in the same
** transaction as the articles, so it is exact after a crash. */
int store_get_progress(store *s, const char *file, int64_t *offset,
                       int64_t *line);
int store_set_progress(store *s, const char *file, int64_t offset,
                       int64_t line);

/* Counts of the writer since open (for messages). */
int64_t store_articles(store *s);

/* How store_finish() went ("" when there is nothing to say). */
const char *store_note(store *s);

/* Message of the last SQLite error. */
const char *store_errmsg(store *s);

#endif
