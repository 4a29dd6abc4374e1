/*
** index.c -- `dateline index DB [FILE...]`: annotated records into the
** SQLite store (store.c; schema in docs/STORE.md).
**
** Input is the JSONL that `dateline annotate` writes. A line that is an
** article without annotations ({"text": ...}) is annotated here first with
** the library; an error record from annotate goes to the `errors` table; a
** line that is neither (invalid JSON, wrong field types) is reported on
** stderr as `dateline: FILE:LINE: message`, lands in `errors` too, and
** makes the exit status 1 (SPEC.md). No line is committed half-way:
** store_check() validates a record whole before store_put() writes it.
**
** Lines are committed in batches (--batch N, default 2000), each batch one
** transaction that also records how far into each file it got (the
** `progress` table). A kill -9 at any moment loses at most the batch in
** flight; --resume seeks each file to its committed offset and skips any
** article whose key (id, or content hash) is already stored, so a resumed
** run ends with every article exactly once. Without --resume, a key that
** is already stored is an error for that line (never a silent
** duplicate or overwrite).
**
** A write failure inside SQLite (disk full, I/O error) rolls the batch
** back, prints what was committed, and exits 1. SIGXFSZ is ignored so that
** a file-size limit (ulimit -f) surfaces as SQLITE_FULL rather than
** killing the process.
*/
#include "cli.h"
#include "input.h"
#include "progress.h"
#include "sjson.h"
#include "store.h"
#include "stream.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct ix {
  cli_opts o;
  const char *dbpath;
  bool resume, verbose, progress;
  long batch;
  store *s;
  sj_doc adoc;
  char *abuf;        /* the record of an article annotated here */
  size_t abuf_cap;
  dl_model *m;       /* loaded on the first raw article */
  dl_annotator *a;
  bool model_failed;
  int status;
  bool fatal;
  long in_batch;
  int64_t added, skipped, errors, committed;
  double t0, last_progress;
  const char *cur_file;   /* progress key of the file being read */
  int64_t cur_off, cur_line;
} ix;

static int extra_flag(void *ctx, int argc, char **argv, int i)
{
  ix *x = ctx;
  if (strcmp(argv[i], "--resume") == 0) {
    x->resume = true;
    return 1;
  }
  if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0) {
    x->verbose = true;
    return 1;
  }
  if (strcmp(argv[i], "--batch") == 0) {
    char *end;
    if (i + 1 >= argc) {
      cli_usage("--batch needs a value");
      return -1;
    }
    errno = 0;
    x->batch = strtol(argv[i + 1], &end, 10);
    if (errno || *end || x->batch < 1 || x->batch > 10000000) {
      cli_usage("--batch takes a number of articles from 1 to 10000000");
      return -1;
    }
    return 2;
  }
  return 0;
}

static void index_help(void)
{
  fputs("usage: dateline index DB [FILE...] [--resume] [--batch N] "
        "[--verbose]\n"
        "Stores annotated records (JSONL from dateline annotate; raw "
        "articles are\nannotated first) in the SQLite database DB. "
        "See docs/STORE.md.\n",
        stdout);
}

/* Fatal store error: roll the batch back and say what is committed. */
static void die_sql(ix *x, int rc)
{
  sqlite3 *db = store_db(x->s);
  int sys = sqlite3_system_errno(db);
  char what[300];
  if (rc == SQLITE_FULL || sys == ENOSPC || sys == EFBIG)
    snprintf(what, sizeof what, "database or disk is full%s%s%s",
             sys ? " (" : "", sys ? strerror(sys) : "", sys ? ")" : "");
  else if (sys)
    snprintf(what, sizeof what, "%s (%s)", store_errmsg(x->s), strerror(sys));
  else if ((rc & 0xff) == SQLITE_IOERR ||
           (sqlite3_extended_errcode(db) & 0xff) == SQLITE_IOERR)
    snprintf(what, sizeof what,
             "cannot write the database: disk full, file-size limit or "
             "I/O error (%s)",
             sqlite3_errstr((rc & 0xff) == SQLITE_IOERR
                                ? rc
                                : sqlite3_extended_errcode(db)));
  else
    snprintf(what, sizeof what, "%s", store_errmsg(x->s));
  store_rollback(x->s);
  cli_warn(x->dbpath, 0,
           "%s; the batch in progress was rolled back, %lld articles of "
           "this run are committed; rerun with --resume to go on",
           what, (long long)x->committed);
  x->status = CLI_EXIT_DATA;
  x->fatal = true;
}

static void show_progress(ix *x, bool last)
{
  double t = cli_now();
  if (!x->progress || (!last && t - x->last_progress < 0.5)) return;
  x->last_progress = t;
  fprintf(stderr, "\r%lld articles, %.0f/s%s",
          (long long)(x->added + x->skipped),
          (double)x->added / (t - x->t0 > 0 ? t - x->t0 : 1),
          last ? "\n" : "");
}

static bool commit(ix *x)
{
  int rc;
  if (x->cur_file) {
    rc = store_set_progress(x->s, x->cur_file, x->cur_off, x->cur_line);
    if (rc != SQLITE_OK) {
      die_sql(x, rc);
      return false;
    }
  }
  rc = store_commit(x->s);
  if (rc != SQLITE_OK) {
    die_sql(x, rc);
    return false;
  }
  x->committed = x->added;
  x->in_batch = 0;
  if (x->verbose)
    cli_warn(x->dbpath, 0, "committed %lld articles",
             (long long)x->committed);
  show_progress(x, false);
  rc = store_begin(x->s);
  if (rc != SQLITE_OK) {
    die_sql(x, rc);
    return false;
  }
  return true;
}

static void line_error(ix *x, const char *file, unsigned long line,
                       const char *id, const char *code, const char *msg)
{
  int rc;
  cli_warn(file, line, "%s", msg);
  x->status = CLI_EXIT_DATA;
  x->errors++;
  rc = store_put_error(x->s, file, line, id, code, msg);
  if (rc != SQLITE_OK) die_sql(x, rc);
}

/* Annotates a raw article line (copy: the line before parsing) and
** parses the record into x->adoc, backed by x->abuf. */
static bool annotate_raw(ix *x, char *copy, size_t len, const char *file,
                         unsigned long line)
{
  cli_jsonl l;
  dl_doc *d = NULL;
  dl_error err;
  char *js = NULL;
  size_t n = 0;
  bool ok = false;
  uint64_t fields = DL_FIELDS_ALL & ~DL_FIELD_TOKENS;
  if (!x->m && !x->model_failed) {
    x->m = cli_load_model(&x->o);
    if (!x->m || dl_annotator_create(x->m, &x->a, &err) != DL_OK)
      x->model_failed = true;
  }
  if (x->model_failed) {
    line_error(x, file, line, NULL, "model",
               "an article without annotations, and no model to annotate "
               "it");
    return false;
  }
  if (!cli_jsonl_parse(copy, len, x->o.date, &l)) {
    line_error(x, file, line, l.id, "format", l.err.msg);
    cli_jsonl_free(&l);
    return false;
  }
  if (dl_annotate(x->a, &l.in, fields, &d, &err) != DL_OK) {
    line_error(x, file, line, l.id, dl_strerror(err.code),
               err.msg[0] ? err.msg : dl_strerror(err.code));
  } else if (dl_doc_to_json(d, 0, fields, &js, &n) != DL_OK) {
    line_error(x, file, line, l.id, "annotate", "cannot write the record");
  } else {
    if (n + 1 > x->abuf_cap) {
      char *nb = realloc(x->abuf, n + 1);
      if (!nb) {
        line_error(x, file, line, l.id, "nomem", "out of memory");
        goto done;
      }
      x->abuf = nb;
      x->abuf_cap = n + 1;
    }
    memcpy(x->abuf, js, n);
    if (!sj_parse(&x->adoc, x->abuf, n))
      line_error(x, file, line, l.id, "annotate", x->adoc.err);
    else
      ok = true;
  }
done:
  dl_free(js);
  cli_jsonl_free(&l);
  dl_doc_destroy(d);
  return ok;
}

/* ---- The reader thread ---------------------------------------------
** Reading, parsing and checking a line (getline, the copy, sj_parse,
** store_check, store_key: a fifth of the writer's CPU) need nothing of the
** store, so a reader thread does them for the next lines while the main
** thread writes this one: lines go through a ring of RD_SLOTS slots, in
** order. The main thread still does everything that touches the store,
** so what is committed, and in which order, is what it was. */

#define RD_SLOTS 64

enum { SLOT_SKIP, SLOT_NOMEM, SLOT_BADJSON, SLOT_OK };

typedef struct rd_slot {
  char *line;            /* getline's buffer: parsed in place */
  size_t cap;
  char *copy;            /* the line before parsing */
  size_t copy_cap;
  size_t len;            /* without the line end */
  sj_doc doc;
  unsigned long lineno;
  int64_t off_after;     /* byte offset after the line */
  int state;
  rec_kind k;
  char msg[256];
  const char *key;       /* into line or keybuf */
  size_t klen;
  char keybuf[64];
} rd_slot;

typedef struct reader {
  FILE *f;
  rd_slot slot[RD_SLOTS];
  size_t head, tail;     /* produced, consumed (head - tail <= RD_SLOTS) */
  bool eof, stop, prod_wait, cons_wait;
  int err;               /* errno of the failed getline */
  int64_t off, skip;
  unsigned long lineno;
  pthread_mutex_t mu;
  pthread_cond_t cv_prod, cv_cons;
  pthread_t th;
} reader;

/* The store-free part of a line: trim, copy, parse, check, key. */
static void rd_prep(rd_slot *sl, size_t n)
{
  char *buf = sl->line;
  size_t i = 0;
  while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) n--;
  while (i < n && (buf[i] == ' ' || buf[i] == '\t')) i++;
  sl->len = n;
  if (i == n) {
    sl->state = SLOT_SKIP; /* a blank line holds no article */
    return;
  }
  if (n + 1 > sl->copy_cap) {
    char *nb = realloc(sl->copy, n + 1);
    if (!nb) {
      sl->state = SLOT_NOMEM;
      return;
    }
    sl->copy = nb;
    sl->copy_cap = n + 1;
  }
  memcpy(sl->copy, buf, n);
  sl->copy[n] = 0;
  if (!sj_parse(&sl->doc, buf, n)) {
    char m[sizeof sl->msg];
    snprintf(m, sizeof m, "invalid JSON: %s (byte %zu)", sl->doc.err,
             sl->doc.err_off + 1);
    memcpy(sl->msg, m, sizeof m);
    sl->state = SLOT_BADJSON;
    return;
  }
  sl->k = store_check(&sl->doc, sl->msg, sizeof sl->msg);
  sl->klen = store_key(&sl->doc, sl->copy, n, sl->keybuf, sizeof sl->keybuf,
                       &sl->key);
  sl->state = SLOT_OK;
}

static void *rd_main(void *arg)
{
  reader *r = arg;
  for (;;) {
    rd_slot *sl;
    ssize_t n;
    pthread_mutex_lock(&r->mu);
    while (r->head - r->tail == RD_SLOTS && !r->stop) {
      r->prod_wait = true;
      pthread_cond_wait(&r->cv_prod, &r->mu);
      r->prod_wait = false;
    }
    if (r->stop) {
      pthread_mutex_unlock(&r->mu);
      break;
    }
    pthread_mutex_unlock(&r->mu);
    sl = &r->slot[r->head % RD_SLOTS];
    errno = 0;
    n = getline(&sl->line, &sl->cap, r->f);
    if (n == -1) {
      pthread_mutex_lock(&r->mu);
      r->err = errno;
      r->eof = true;
      if (r->cons_wait) pthread_cond_signal(&r->cv_cons);
      pthread_mutex_unlock(&r->mu);
      break;
    }
    r->lineno++;
    r->off += n;
    sl->lineno = r->lineno;
    sl->off_after = r->off;
    if ((int64_t)r->lineno <= r->skip)
      sl->state = SLOT_SKIP;
    else
      rd_prep(sl, (size_t)n);
    pthread_mutex_lock(&r->mu);
    r->head++;
    if (r->cons_wait) pthread_cond_signal(&r->cv_cons);
    pthread_mutex_unlock(&r->mu);
  }
  return NULL;
}

/* The next line in order, or NULL at the end of the input. */
static rd_slot *rd_next(reader *r)
{
  rd_slot *sl = NULL;
  pthread_mutex_lock(&r->mu);
  while (r->head == r->tail && !r->eof) {
    r->cons_wait = true;
    pthread_cond_wait(&r->cv_cons, &r->mu);
    r->cons_wait = false;
  }
  if (r->head != r->tail) sl = &r->slot[r->tail % RD_SLOTS];
  pthread_mutex_unlock(&r->mu);
  return sl;
}

/* The reader, which waits on a full ring, is woken when half of it is
** free, not at every slot: it is the faster of the two, and a wake-up
** per line (a futex call on each side) was ~7% of its CPU at 1M. */
static void rd_done(reader *r)
{
  pthread_mutex_lock(&r->mu);
  r->tail++;
  if (r->prod_wait && r->head - r->tail <= RD_SLOTS / 2)
    pthread_cond_signal(&r->cv_prod);
  pthread_mutex_unlock(&r->mu);
}

/* One input line, prepared by the reader. */
static void index_line(ix *x, rd_slot *sl, const char *file)
{
  char msg[256];
  const char *key = sl->key;
  size_t klen = sl->klen;
  const sj_doc *d = &sl->doc;
  unsigned long line = sl->lineno;
  rec_kind k = sl->k;
  bool found;
  int rc;

  if (sl->state == SLOT_SKIP) return;
  if (sl->state == SLOT_NOMEM) {
    line_error(x, file, line, NULL, "nomem", "out of memory");
    return;
  }
  if (sl->state == SLOT_BADJSON) {
    line_error(x, file, line, NULL, "format", sl->msg);
    return;
  }
  if (k == REC_BAD) {
    line_error(x, file, line, klen ? key : NULL, "format", sl->msg);
    return;
  }
  if (k == REC_ERROR) {
    /* Already reported by annotate: keep it queryable, quietly. */
    const sj_val *e = sj_get(d, &d->v[0], "error");
    const sj_val *c = sj_get(d, e, "code"), *m = sj_get(d, e, "message");
    char code[64];
    const sj_val *id = sj_get(d, &d->v[0], "id");
    if (c && c->type == SJ_NUM)
      snprintf(code, sizeof code, "%.17g", c->num);
    else
      snprintf(code, sizeof code, "%s", c && c->type == SJ_STR ? c->str : "");
    rc = store_put_error(x->s, file, line,
                         id && id->type == SJ_STR ? id->str : NULL, code,
                         m && m->type == SJ_STR ? m->str : NULL);
    if (rc != SQLITE_OK) die_sql(x, rc);
    x->errors++;
    return;
  }
  if (klen == 0) {
    line_error(x, file, line, NULL, "format", "the id is too long");
    return;
  }
  if (k == REC_RAW) {
    if (!annotate_raw(x, sl->copy, sl->len, file, line)) return;
    d = &x->adoc;
    if (store_check(d, msg, sizeof msg) != REC_ANNOTATED) {
      line_error(x, file, line, key, "annotate", msg);
      return;
    }
  }
  rc = store_has_key(x->s, key, klen, &found);
  if (rc != SQLITE_OK) {
    die_sql(x, rc);
    return;
  }
  if (found) {
    if (x->resume) {
      x->skipped++;
      return;
    }
    snprintf(msg, sizeof msg,
             "article '%.*s' is already in the store (--resume skips it)",
             (int)(klen > 100 ? 100 : klen), key);
    line_error(x, file, line, key, "duplicate", msg);
    return;
  }
  rc = store_put(x->s, d, key, klen);
  if (rc != SQLITE_OK) {
    die_sql(x, rc);
    return;
  }
  x->added++;
  if (++x->in_batch >= x->batch) commit(x);
}

/* Indexes one input: a plain file, stdin, or a .gz/.zst file (stream.c
** decompresses; the compression is read from the first bytes). Progress
** is the offset and line after the last committed line: a plain file
** resumes with a seek, a compressed one by skipping that many lines. */
static void index_file(ix *x, const char *path)
{
  bool is_stdin = !path || strcmp(path, "-") == 0;
  const char *name = is_stdin ? "(stdin)" : path;
  char real[PATH_MAX];
  cli_stream in;
  FILE *f;
  reader *r;
  int64_t off = 0, lineno = 0, skip = 0;
  struct stat st;
  int e;
  const char *zmsg = NULL;

  if (!is_stdin && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
    e = EISDIR;
  else
    e = cli_stream_open(is_stdin ? NULL : path, &in);
  if (e) {
    char msg[PATH_MAX + 64];
    snprintf(msg, sizeof msg, "cannot read: %s", strerror(e));
    line_error(x, name, 0, NULL, "io", msg);
    return;
  }
  f = in.f;
  x->cur_file = NULL;
  if (!is_stdin) {
    if (!realpath(path, real)) snprintf(real, sizeof real, "%s", path);
    x->cur_file = real;
    if (x->resume) {
      int rc = store_get_progress(x->s, real, &off, &lineno);
      if (rc != SQLITE_OK) {
        die_sql(x, rc);
        cli_stream_close(&in);
        return;
      }
      if (in.z != CLI_Z_NONE) {
        /* No seeking in a compressed stream: skip the committed lines. */
        skip = lineno;
        off = lineno = 0;
      } else if (off > (int64_t)st.st_size ||
                 fseeko(f, (off_t)off, SEEK_SET) != 0) {
        /* A file that shrank is not the one we indexed: read it all, the
        ** keys keep it duplicate-free. */
        off = lineno = 0;
      }
      if ((off || skip) && x->verbose)
        cli_warn(name, 0, "resuming at line %lld",
                 (long long)(lineno + skip) + 1);
    }
  }
  x->cur_off = off;
  x->cur_line = lineno;
  r = calloc(1, sizeof *r);
  if (!r) {
    line_error(x, name, 0, NULL, "nomem", "out of memory");
    cli_stream_close(&in);
    return;
  }
  r->f = f;
  r->off = off;
  r->lineno = (unsigned long)lineno;
  r->skip = skip;
  pthread_mutex_init(&r->mu, NULL);
  pthread_cond_init(&r->cv_prod, NULL);
  pthread_cond_init(&r->cv_cons, NULL);
  if (pthread_create(&r->th, NULL, rd_main, r) != 0) {
    line_error(x, name, 0, NULL, "nomem", "cannot start a thread");
  } else {
    rd_slot *sl;
    while (!x->fatal && (sl = rd_next(r))) {
      x->cur_off = sl->off_after;
      x->cur_line = (int64_t)sl->lineno;
      index_line(x, sl, name);
      rd_done(r);
    }
    pthread_mutex_lock(&r->mu);
    r->stop = true;
    pthread_cond_signal(&r->cv_prod);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->th, NULL);
    if (!x->fatal && r->eof &&
        (ferror(f) || cli_stream_error(&in, &zmsg))) {
      char msg[256];
      snprintf(msg, sizeof msg, "read error: %s",
               zmsg ? zmsg : strerror(r->err ? r->err : EIO));
      line_error(x, name, r->lineno, NULL, "io", msg);
    }
  }
  for (int i = 0; i < RD_SLOTS; i++) {
    free(r->slot[i].line);
    free(r->slot[i].copy);
    sj_free(&r->slot[i].doc);
  }
  pthread_mutex_destroy(&r->mu);
  pthread_cond_destroy(&r->cv_prod);
  pthread_cond_destroy(&r->cv_cons);
  free(r);
  cli_stream_close(&in);
  if (!x->fatal) commit(x);
  x->cur_file = NULL;
}

int cmd_index(int argc, char **argv)
{
  ix x;
  char err[512];
  int rc;
  memset(&x, 0, sizeof x);
  x.batch = 2000;
  x.o.pretty = -1;
  for (int i = 0; i < argc; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      index_help();
      return 0;
    }
  if (cli_parse(&x.o, argc, argv, extra_flag, &x) != 0) {
    free(x.o.files);
    return CLI_EXIT_USAGE;
  }
  if (x.o.n_files < 1) {
    free(x.o.files);
    return cli_usage("index needs a database: dateline index DB [FILE...]");
  }
  x.dbpath = x.o.files[0];
  /* No allocation statistics: SQLite then takes no global mutex per
  ** malloc (a no-op if SQLite is already initialized). */
  sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  /* A file-size limit must come back as an error (SQLITE_FULL), not kill
  ** the process half-way through a write. */
  signal(SIGXFSZ, SIG_IGN);
  x.s = store_open(x.dbpath, true, true, err, sizeof err);
  if (!x.s) {
    cli_warn(x.dbpath, 0, "%s", err);
    free(x.o.files);
    return CLI_EXIT_DATA;
  }
  x.progress = isatty(2) && !x.verbose;
  x.t0 = cli_now();
  rc = store_begin(x.s);
  if (rc != SQLITE_OK) {
    die_sql(&x, rc);
  } else if (x.o.n_files == 1) {
    index_file(&x, NULL);
  } else {
    /* Directories expand into their files (stream.c), in name order. */
    cli_inputs ins;
    memset(&ins, 0, sizeof ins);
    if (cli_inputs_expand(x.o.files + 1, x.o.n_files - 1, &ins) != 0) {
      cli_warn(x.dbpath, 0, "out of memory");
      x.status = CLI_EXIT_DATA;
    } else {
      for (size_t i = 0; i < ins.n && !x.fatal; i++) {
        if (ins.v[i].err) {
          char msg[PATH_MAX + 64];
          snprintf(msg, sizeof msg, "cannot read: %s",
                   strerror(ins.v[i].err));
          line_error(&x, ins.v[i].path ? ins.v[i].path : "(stdin)", 0,
                     NULL, "io", msg);
        } else {
          index_file(&x, ins.v[i].path);
        }
      }
    }
    cli_inputs_free(&ins);
  }
  if (!x.fatal) {
    rc = store_commit(x.s);
    if (rc != SQLITE_OK) die_sql(&x, rc);
  }
  if (!x.fatal) {
    double t1 = cli_now();
    rc = store_finish(x.s);
    if (rc != SQLITE_OK) {
      cli_warn(x.dbpath, 0,
               "building the indexes: %s; the articles are committed, "
               "rerun with --resume to build them",
               sqlite3_errstr(rc));
      x.status = CLI_EXIT_DATA;
    } else if (x.verbose && cli_now() - t1 > 0.05) {
      cli_warn(x.dbpath, 0, "indexes built in %.1f s%s%s",
               cli_now() - t1, store_note(x.s)[0] ? ": " : "",
               store_note(x.s));
    }
  }
  show_progress(&x, true);
  if (x.verbose) {
    double t = cli_now() - x.t0;
    cli_warn(x.dbpath, 0,
             "%lld articles added, %lld already there, %lld errors, "
             "%.1f s (%.0f articles/s)",
             (long long)x.added, (long long)x.skipped, (long long)x.errors,
             t, t > 0 ? (double)x.added / t : 0.0);
  }
  store_close(x.s);
  sj_free(&x.adoc);
  free(x.abuf);
  dl_annotator_destroy(x.a);
  dl_model_destroy(x.m);
  free(x.o.files);
  return x.status;
}
