/*
** annotate.c -- `dateline annotate [FILE...]`.
**
** Plain text: each FILE (or stdin) is one document, one JSON object out.
** JSONL: one object per line in, one record per line out, same order; a
** line that is not valid JSON, or has neither "text" nor "html", yields an
** error record in its place ({"id":..,"line":N,"error":{..}}) and the run
** goes on: no input line is ever silently lost (SPEC.md). JSON is read
** with jansson (input.c); records are written by the library.
**
** The format is --format, else the file name (.jsonl, .ndjson), else the
** content: a first line that parses as a JSON object means JSONL.
*/
#include "cli.h"
#include "input.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct run {
  cli_opts o;
  dl_model *m;
  dl_annotator *a;
  unsigned json_flags;
  uint64_t fields;
  int status; /* exit status so far */
  struct par *par; /* --threads N > 1: the worker pool, else NULL */
} run;

static void emit(const char *s, size_t n)
{
  fwrite(s, 1, n, stdout);
  fputc('\n', stdout);
}

static void emit_error(run *r, const char *id, unsigned long line,
                       const dl_error *e, const char *file)
{
  char *js = NULL;
  size_t n;
  if (dl_error_to_json(id, line, e, &js, &n) == DL_OK) {
    emit(js, n);
    dl_free(js);
  }
  cli_warn(file, line, "%s", e->msg[0] ? e->msg : dl_strerror(e->code));
  r->status = CLI_EXIT_DATA;
}

static void annotate_one(run *r, const dl_input *in, unsigned long line,
                         const char *file)
{
  dl_doc *d = NULL;
  dl_error err;
  char *js = NULL;
  size_t n;
  dl_status rc = dl_annotate(r->a, in, r->fields, &d, &err);
  if (rc != DL_OK) {
    emit_error(r, in->id, line, &err, file);
    return;
  }
  rc = dl_doc_to_json(d, r->json_flags, r->fields, &js, &n);
  if (rc != DL_OK) {
    err.code = rc;
    snprintf(err.msg, sizeof err.msg, "writing the record: %s",
             dl_strerror(rc));
    err.offset = 0;
    emit_error(r, in->id, line, &err, file);
  } else {
    emit(js, n);
  }
  dl_free(js);
  dl_doc_destroy(d);
}

static void jsonl_line(run *r, const char *line, size_t len,
                       unsigned long lineno, const char *file)
{
  cli_jsonl l;
  if (cli_jsonl_parse(line, len, r->o.date, &l))
    annotate_one(r, &l.in, lineno, file);
  else
    emit_error(r, l.id, lineno, &l.err, file);
  cli_jsonl_free(&l);
}

static void run_jsonl(run *r, FILE *f, const char *file)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  while ((n = getline(&line, &cap, f)) != -1) {
    lineno++;
    jsonl_line(r, line, (size_t)n, lineno, file);
  }
  if (ferror(f)) {
    cli_warn(file, lineno, "read error: %s", strerror(errno));
    r->status = CLI_EXIT_DATA;
  }
  free(line);
}


/* --- Parallel annotation (--threads N > 1) -------------------------------
** The main thread reads (one JSONL line or one text file per job) and
** writes; N workers, each with its own dl_annotator over the shared
** read-only model, turn jobs into output. Jobs sit in a ring of 4*N
** slots: the reader blocks on a full ring by writing out its oldest slot,
** so memory is bounded by the ring, and slots are written strictly in
** input order, making the output byte-identical to --threads 1. A slot's
** result is its output line (record or error record) and, for a failure,
** the warning the writer prints on stderr. */

typedef enum { JOB_LINE, JOB_TEXT, JOB_ERR } job_kind;

typedef struct slot {
  job_kind kind;
  char *buf;            /* owned input: the JSONL line or the whole text */
  size_t len;
  unsigned long line;   /* line number (0 for a text file) */
  const char *file;     /* name for warnings (borrowed, outlives the run) */
  const char *id;       /* id of a text/error job (borrowed) */
  dl_error err;         /* JOB_ERR input; any job's failure on output */
  char *out;            /* output line from the library (dl_free) */
  size_t outn;
  bool failed, done;
} slot;

typedef struct par {
  run *r;
  pthread_mutex_t mu;
  pthread_cond_t work, done;
  slot *ring;
  size_t cap;
  unsigned long long head, claim, tail; /* emitted < claimed < filled */
  bool stop;
  int n;
  pthread_t *th;
  dl_annotator **an;
} par;

typedef struct worker_arg {
  par *p;
  dl_annotator *a;
} worker_arg;

static void slot_fail(slot *s, const char *id, const dl_error *e)
{
  if (dl_error_to_json(id, s->line, e, &s->out, &s->outn) != DL_OK)
    s->out = NULL;
  if (e != &s->err) s->err = *e;
  s->failed = true;
}

static void slot_annotate(const run *r, dl_annotator *a, slot *s,
                          const dl_input *in)
{
  dl_doc *d = NULL;
  dl_error err;
  dl_status rc = dl_annotate(a, in, r->fields, &d, &err);
  if (rc != DL_OK) {
    slot_fail(s, in->id, &err);
    return;
  }
  rc = dl_doc_to_json(d, r->json_flags, r->fields, &s->out, &s->outn);
  if (rc != DL_OK) {
    dl_free(s->out);
    s->out = NULL;
    err.code = rc;
    snprintf(err.msg, sizeof err.msg, "writing the record: %s",
             dl_strerror(rc));
    err.offset = 0;
    slot_fail(s, in->id, &err);
  }
  dl_doc_destroy(d);
}

static void slot_work(const run *r, dl_annotator *a, slot *s)
{
  if (s->kind == JOB_LINE) {
    cli_jsonl l;
    if (cli_jsonl_parse(s->buf, s->len, r->o.date, &l))
      slot_annotate(r, a, s, &l.in);
    else
      slot_fail(s, l.id, &l.err);
    cli_jsonl_free(&l);
  } else if (s->kind == JOB_TEXT) {
    dl_input in;
    memset(&in, 0, sizeof in);
    in.text = s->buf;
    in.len = s->len;
    in.id = s->id;
    in.default_date = r->o.date;
    slot_annotate(r, a, s, &in);
  } else {
    slot_fail(s, s->id, &s->err);
  }
  free(s->buf);
  s->buf = NULL;
}

static void *worker_main(void *arg)
{
  worker_arg *w = arg;
  par *p = w->p;
  pthread_mutex_lock(&p->mu);
  for (;;) {
    slot *s;
    while (p->claim == p->tail && !p->stop)
      pthread_cond_wait(&p->work, &p->mu);
    if (p->claim == p->tail) break; /* stopping, nothing left */
    s = &p->ring[p->claim % p->cap];
    p->claim++;
    pthread_mutex_unlock(&p->mu);
    slot_work(p->r, w->a, s);
    pthread_mutex_lock(&p->mu);
    s->done = true;
    pthread_cond_broadcast(&p->done);
  }
  pthread_mutex_unlock(&p->mu);
  return NULL;
}

/* Writes out the oldest slot, waiting for it. Main thread only. */
static void par_emit_one(par *p)
{
  slot *s = &p->ring[p->head % p->cap];
  pthread_mutex_lock(&p->mu);
  while (!s->done) pthread_cond_wait(&p->done, &p->mu);
  pthread_mutex_unlock(&p->mu);
  if (s->out) emit(s->out, s->outn);
  dl_free(s->out);
  s->out = NULL;
  if (s->failed) {
    cli_warn(s->file, s->line, "%s",
             s->err.msg[0] ? s->err.msg : dl_strerror(s->err.code));
    p->r->status = CLI_EXIT_DATA;
  }
  pthread_mutex_lock(&p->mu);
  p->head++;
  pthread_mutex_unlock(&p->mu);
}

static void par_drain(par *p)
{
  while (p->head < p->tail) par_emit_one(p);
}

/* Queues a job; takes ownership of buf (may be NULL). */
static void par_submit(par *p, job_kind kind, char *buf, size_t len,
                       unsigned long line, const char *file, const char *id,
                       const dl_error *err)
{
  slot *s;
  if (p->tail - p->head == p->cap) par_emit_one(p);
  s = &p->ring[p->tail % p->cap];
  memset(s, 0, sizeof *s);
  s->kind = kind;
  s->buf = buf;
  s->len = len;
  s->line = line;
  s->file = file;
  s->id = id;
  if (err) s->err = *err;
  pthread_mutex_lock(&p->mu);
  p->tail++;
  pthread_cond_signal(&p->work);
  pthread_mutex_unlock(&p->mu);
}

static void run_jsonl_par(run *r, FILE *f, const char *file)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  unsigned long lineno = 0;
  while ((n = getline(&line, &cap, f)) != -1) {
    lineno++;
    par_submit(r->par, JOB_LINE, line, (size_t)n, lineno, file, NULL, NULL);
    line = NULL; /* the slot owns it now; getline allocates afresh */
    cap = 0;
  }
  if (ferror(f)) {
    par_drain(r->par); /* keep stderr in input order too */
    cli_warn(file, lineno, "read error: %s", strerror(errno));
    r->status = CLI_EXIT_DATA;
  }
  free(line);
}

static worker_arg *par_start(run *r, int n, dl_error *err)
{
  par *p = calloc(1, sizeof *p);
  worker_arg *wa = NULL;
  if (!p) goto oom;
  p->r = r;
  p->n = 0;
  p->cap = 4 * (size_t)n;
  p->ring = calloc(p->cap, sizeof *p->ring);
  p->th = calloc((size_t)n, sizeof *p->th);
  wa = calloc((size_t)n, sizeof *wa);
  if (!p->ring || !p->th || !wa) goto oom;
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->work, NULL);
  pthread_cond_init(&p->done, NULL);
  r->par = p;
  for (int i = 0; i < n; i++) {
    wa[i].p = p;
    if (dl_annotator_create(r->m, &wa[i].a, err) != DL_OK) return wa;
    if (pthread_create(&p->th[i], NULL, worker_main, &wa[i]) != 0) {
      dl_annotator_destroy(wa[i].a);
      wa[i].a = NULL;
      snprintf(err->msg, sizeof err->msg, "cannot start a thread");
      return wa;
    }
    p->n++;
  }
  return wa;
oom:
  if (p) {
    free(p->ring);
    free(p->th);
  }
  free(p);
  free(wa);
  snprintf(err->msg, sizeof err->msg, "out of memory");
  return NULL;
}

static void par_stop(run *r, worker_arg *wa)
{
  par *p = r->par;
  par_drain(p);
  pthread_mutex_lock(&p->mu);
  p->stop = true;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; i < p->n; i++) {
    pthread_join(p->th[i], NULL);
    dl_annotator_destroy(wa[i].a);
  }
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->work);
  pthread_cond_destroy(&p->done);
  free(p->ring);
  free(p->th);
  free(p);
  free(wa);
  r->par = NULL;
}

static bool ends_with(const char *s, const char *suf)
{
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

static void run_file(run *r, const char *path)
{
  const char *name = path && strcmp(path, "-") != 0 ? path : "(stdin)";
  cli_format fmt = r->o.format;
  size_t len = 0;
  char *buf;
  if (fmt == FMT_AUTO && path && (ends_with(path, ".jsonl") ||
                                  ends_with(path, ".ndjson")))
    fmt = FMT_JSONL;
  if (fmt == FMT_JSONL) {
    /* Streamed line by line: memory bounded by the longest line. */
    FILE *f = path && strcmp(path, "-") != 0 ? fopen(path, "rb") : stdin;
    if (!f) {
      int e = errno;
      if (r->par) par_drain(r->par); /* stderr in input order too */
      cli_warn(name, 0, "%s", strerror(e));
      r->status = CLI_EXIT_DATA;
      return;
    }
    if (r->par)
      run_jsonl_par(r, f, name);
    else
      run_jsonl(r, f, name);
    if (f != stdin) fclose(f);
    return;
  }
  buf = cli_read_all(path, &len);
  if (!buf) {
    dl_error err = {DL_ERR_IO, "", 0, 0};
    snprintf(err.msg, sizeof err.msg, "%s: %s", name, strerror(errno));
    if (r->par)
      par_submit(r->par, JOB_ERR, NULL, 0, 0, NULL, path, &err);
    else
      emit_error(r, path, 0, &err, NULL);
    return;
  }
  if (fmt == FMT_AUTO && cli_looks_jsonl(buf, len)) {
    FILE *mf = fmemopen(buf, len, "rb");
    if (mf) {
      if (r->par)
        run_jsonl_par(r, mf, name);
      else
        run_jsonl(r, mf, name);
      fclose(mf);
      free(buf);
      return;
    }
  }
  if (r->par) {
    const char *id = path && strcmp(path, "-") != 0 ? path : NULL;
    if (fmt == FMT_HTML) {
      dl_error err = {DL_ERR_FORMAT, "HTML input is not supported yet", 0, 0};
      free(buf);
      par_submit(r->par, JOB_ERR, NULL, 0, 0, name, path, &err);
    } else {
      par_submit(r->par, JOB_TEXT, buf, len, 0, name, id, NULL);
    }
    return;
  }
  if (fmt == FMT_HTML) {
    dl_error err = {DL_ERR_FORMAT, "HTML input is not supported yet", 0, 0};
    emit_error(r, path, 0, &err, name);
  } else {
    dl_input in;
    memset(&in, 0, sizeof in);
    in.text = buf;
    in.len = len;
    in.id = path && strcmp(path, "-") != 0 ? path : NULL;
    in.default_date = r->o.date;
    annotate_one(r, &in, 0, name);
  }
  free(buf);
}

int cmd_annotate(int argc, char **argv)
{
  run r;
  dl_error err;
  memset(&r, 0, sizeof r);
  r.o.pretty = -1;
  r.o.sub = "annotate";
  if (cli_parse(&r.o, argc, argv, NULL, NULL) != 0) {
    free(r.o.files);
    return CLI_EXIT_USAGE;
  }
  if (r.o.date) {
    /* Validate --date once, up front: a usage error, not a data error. */
    dl_model *m0;
    dl_annotator *a0;
    dl_doc *d0;
    dl_input in;
    int bad = 1;
    memset(&in, 0, sizeof in);
    in.text = "x";
    in.len = 1;
    in.default_date = r.o.date;
    if (dl_model_create_empty(NULL, &m0, &err) == DL_OK) {
      if (dl_annotator_create(m0, &a0, &err) == DL_OK) {
        bad = dl_annotate(a0, &in, DL_FIELD_ID, &d0, &err) != DL_OK;
        if (!bad) dl_doc_destroy(d0);
        dl_annotator_destroy(a0);
      }
      dl_model_destroy(m0);
    }
    if (bad) {
      free(r.o.files);
      return cli_usage("--date: '%s' is not YYYY-MM-DD[THH:MM]", r.o.date);
    }
  }
  r.fields = r.o.fields_set ? r.o.fields : DL_FIELDS_DEFAULT;
  r.m = cli_load_model(&r.o);
  if (!r.m) {
    free(r.o.files);
    return CLI_EXIT_DATA;
  }
  if (dl_annotator_create(r.m, &r.a, &err) != DL_OK) {
    cli_warn(NULL, 0, "%s", err.msg);
    dl_model_destroy(r.m);
    free(r.o.files);
    return CLI_EXIT_DATA;
  }
  if (r.o.offsets_chars) r.json_flags |= DL_JSON_CHARS;
  if (r.o.pretty == 1 || (r.o.pretty == -1 && isatty(STDOUT_FILENO) &&
                          r.o.format != FMT_JSONL))
    r.json_flags |= DL_JSON_PRETTY;
  if (r.o.threads > 1) {
    worker_arg *wa;
    err.msg[0] = 0;
    wa = par_start(&r, r.o.threads, &err);
    if (!wa || err.msg[0]) {
      cli_warn(NULL, 0, "%s", err.msg);
      if (wa) par_stop(&r, wa);
      dl_annotator_destroy(r.a);
      dl_model_destroy(r.m);
      free(r.o.files);
      return CLI_EXIT_DATA;
    }
    if (r.o.n_files == 0) {
      run_file(&r, NULL);
    } else {
      for (int i = 0; i < r.o.n_files; i++) run_file(&r, r.o.files[i]);
    }
    par_stop(&r, wa);
  } else if (r.o.n_files == 0) {
    run_file(&r, NULL);
  } else {
    for (int i = 0; i < r.o.n_files; i++) run_file(&r, r.o.files[i]);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_warn(NULL, 0, "writing output: %s", strerror(errno));
    r.status = CLI_EXIT_DATA;
  }
  dl_annotator_destroy(r.a);
  dl_model_destroy(r.m);
  free(r.o.files);
  return r.status;
}
