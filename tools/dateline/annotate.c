/*
** annotate.c -- `dateline annotate [FILE...]`.
**
** Plain text: each FILE (or stdin) is one document, one JSON object out.
** JSONL: one object per line in, one record per line out, same order; a
** line that is not valid JSON, or has neither "text" nor "html", yields an
** error record in its place ({"id":..,"line":N,"error":{..}}) and the run
** goes on: no input line is ever silently lost (SPEC.md). JSON lines are
** read by input.c; records are written by the library.
**
** The format is --format, else the file name (.jsonl, .ndjson), else the
** content: a first line that parses as a JSON object means JSONL.
**
** Corpus scale (docs/INTERNALS-corpus.md): a FILE may be a directory (its
** files, recursively, in name order), and any file or stdin may be gzip or
** Zstandard compressed (stream.c). JSONL is streamed line by line, so
** memory is bounded by the ring of --threads jobs, however long the input.
** `-o FILE` writes to FILE instead of stdout; `--resume` (with -o) keeps
** FILE, cuts a half-written last line, and skips every input whose id is
** already there. A progress line goes to stderr when it is a terminal.
** A write error (full disk, file-size limit) stops the run with exit 1.
*/
#include "cli.h"
#include "input.h"
#include "progress.h"
#include "stream.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct run {
  cli_opts o;
  dl_model *m;
  dl_annotator *a;
  unsigned json_flags;
  uint64_t fields;
  int status; /* exit status so far */
  struct par *par; /* --threads N > 1: the worker pool, else NULL */
  FILE *out;       /* stdout or -o FILE */
  const char *out_path;
  bool resume;
  bool write_failed; /* stop reading: nothing more can be written */
  cli_idset done;  /* --resume: ids already in the output (read-only) */
  uint64_t skipped;
  cli_progress prog;
  uint64_t docs;   /* records and error records written */
  uint64_t base;   /* input bytes of the files already finished */
  const cli_stream *cur; /* the stream being read, for the progress */
  cli_jsonl jl;    /* the JSONL reader of --threads 1, reused */
} run;

static void emit(run *r, const char *s, size_t n)
{
  if (r->write_failed) return;
  if (fwrite(s, 1, n, r->out) != n || putc('\n', r->out) == EOF) {
    cli_warn(r->out_path, 0, "writing output: %s", strerror(errno));
    r->write_failed = true;
    r->status = CLI_EXIT_DATA;
    return;
  }
  r->docs++;
  cli_progress_update(&r->prog, r->docs,
                      r->base + (r->cur ? cli_stream_pos(r->cur) : 0));
}

/* --resume: true when this input's id is already in the output. */
static bool already_done(const run *r, const char *id)
{
  return r->resume && id && cli_idset_has(&r->done, id);
}

static void emit_error(run *r, const char *id, unsigned long line,
                       const dl_error *e, const char *file)
{
  char *js = NULL;
  size_t n;
  if (dl_error_to_json(id, line, e, &js, &n) == DL_OK) {
    emit(r, js, n);
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
    emit(r, js, n);
  }
  dl_free(js);
  dl_doc_destroy(d);
}

static void jsonl_line(run *r, const char *line, size_t len,
                       unsigned long lineno, const char *file)
{
  cli_jsonl *l = &r->jl;
  bool ok = cli_jsonl_read(l, line, len, r->o.date);
  if (already_done(r, l->id))
    r->skipped++;
  else if (ok)
    annotate_one(r, &l->in, lineno, file);
  else
    emit_error(r, l->id, lineno, &l->err, file);
}

static void run_jsonl(run *r, FILE *f, const char *file,
                      unsigned long lineno)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while (!r->write_failed && (n = getline(&line, &cap, f)) != -1) {
    lineno++;
    jsonl_line(r, line, (size_t)n, lineno, file);
  }
  free(line);
}


/* --- Parallel annotation (--threads N > 1) -------------------------------
** The main thread reads (one JSONL line or one text file per job) and
** writes; N workers, each with its own dl_annotator over the shared
** read-only model, turn jobs into output: the JSON parsing of the input
** line, the annotation and the record's JSON all happen in the workers.
** Jobs sit in a ring of RING_PER_THREAD*N slots: on a full ring the
** reader writes out finished slots, a batch at a time (par_flush), so
** memory is bounded by the ring, and slots are written strictly in input
** order, making the output byte-identical to --threads 1. A slot's result
** is its output line (record or error record) and, for a failure, the
** warning the writer prints on stderr. DATELINE_THREAD_STATS=1 prints
** each thread's CPU time, the workers' idle time and the speed-up bound
** they imply (docs/INTERNALS-corpus.md). */

/* Slots per worker. With 4 the reader often waited on one long article
** (or on a worker the OS had descheduled) while the other worker, having
** finished every later slot, sat idle: 0.8-1.4 s of a 4-5 s run on this
** shared machine; with 32 the idle time is under 0.01 s. Memory stays
** bounded: 32 input lines and records per worker. */
#define RING_PER_THREAD 32

typedef enum { JOB_LINE, JOB_TEXT, JOB_ERR, JOB_HTML } job_kind;

typedef struct slot {
  job_kind kind;
  char *buf;            /* owned input: a whole text (or a first line) */
  char *lbuf;           /* the slot's own JSONL line buffer, reused */
  size_t lcap;
  size_t len;
  unsigned long line;   /* line number (0 for a text file) */
  const char *file;     /* name for warnings (borrowed, outlives the run) */
  const char *id;       /* id of a text/error job (borrowed) */
  dl_error err;         /* JOB_ERR input; any job's failure on output */
  char *out;            /* output line from the library (dl_free) */
  size_t outn;
  bool failed, done, skip;
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
  double blocked; /* main: seconds waiting for finished jobs */
  unsigned long long waiting; /* 1 + the slot the writer sleeps on, or 0 */
} par;

/* Per-worker counters of DATELINE_THREAD_STATS (the worker writes them,
** the main thread reads them after pthread_join). */
typedef struct worker_arg {
  par *p;
  dl_annotator *a;
  cli_jsonl jl;   /* this worker's JSONL reader, reused */
  double cpu;     /* thread CPU seconds, at exit */
  double idle;    /* seconds waiting for a job before the input ended */
  double runq;    /* seconds runnable but waiting for a CPU (Linux), or -1 */
  unsigned long long jobs;
} worker_arg;

/* Seconds this thread spent runnable but not running -- waiting for a CPU
** that other processes held (/proc/thread-self/schedstat, field 2); -1 when
** the kernel does not say. */
static double thread_runq(void)
{
  FILE *f = fopen("/proc/thread-self/schedstat", "r");
  unsigned long long ran, wait;
  int n = f ? fscanf(f, "%llu %llu", &ran, &wait) : 0;
  if (f) fclose(f);
  return n == 2 ? (double)wait * 1e-9 : -1;
}

static double thread_cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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

static void slot_work(const run *r, dl_annotator *a, cli_jsonl *l, slot *s)
{
  if (s->kind == JOB_LINE) {
    bool ok = cli_jsonl_read(l, s->buf ? s->buf : s->lbuf, s->len, r->o.date);
    if (already_done(r, l->id))
      s->skip = true;
    else if (ok)
      slot_annotate(r, a, s, &l->in);
    else
      slot_fail(s, l->id, &l->err);
  } else if (s->kind == JOB_TEXT || s->kind == JOB_HTML) {
    dl_input in;
    memset(&in, 0, sizeof in);
    if (s->kind == JOB_HTML) {
      in.html = s->buf;
      in.html_len = s->len;
    } else {
      in.text = s->buf;
      in.len = s->len;
    }
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
    unsigned long long seq;
    if (p->claim == p->tail && !p->stop) {
      double t0 = cli_now();
      while (p->claim == p->tail && !p->stop)
        pthread_cond_wait(&p->work, &p->mu);
      if (!p->stop) w->idle += cli_now() - t0;
    }
    if (p->claim == p->tail) break; /* stopping, nothing left */
    seq = p->claim++;
    s = &p->ring[seq % p->cap];
    pthread_mutex_unlock(&p->mu);
    slot_work(p->r, w->a, &w->jl, s);
    w->jobs++;
    pthread_mutex_lock(&p->mu);
    s->done = true;
    /* Wake the writer only for the slot it waits on. */
    if (p->waiting == seq + 1) pthread_cond_signal(&p->done);
  }
  pthread_mutex_unlock(&p->mu);
  w->cpu = thread_cpu();
  w->runq = thread_runq();
  return NULL;
}

/* Writes out the finished slots at the head of the ring, in order; main
** thread only. It first waits until a batch -- a quarter of the ring, or
** all that is queued if less -- is done, sleeping on the last unfinished
** slot of the batch: one wake-up per batch rather than one per document
** (each costs a futex wait, a wake and two context switches on the thread
** that feeds the workers). Then every finished slot from the head is
** written outside the lock. */
static void par_flush(par *p)
{
  unsigned long long want, i, ready;
  pthread_mutex_lock(&p->mu);
  want = p->head + (p->cap + 3) / 4;
  if (want > p->tail) want = p->tail;
  for (;;) {
    unsigned long long last;
    for (i = p->head; i < want && p->ring[i % p->cap].done; i++) {
    }
    if (i == want) break;
    for (last = want - 1; p->ring[last % p->cap].done; last--) {
    }
    {
      double t0 = cli_now();
      p->waiting = last + 1;
      while (!p->ring[last % p->cap].done)
        pthread_cond_wait(&p->done, &p->mu);
      p->waiting = 0;
      p->blocked += cli_now() - t0;
    }
  }
  for (ready = want; ready < p->tail && p->ring[ready % p->cap].done;
       ready++) {
  }
  pthread_mutex_unlock(&p->mu);
  for (i = p->head; i < ready; i++) {
    slot *s = &p->ring[i % p->cap];
    if (s->out) emit(p->r, s->out, s->outn);
    if (s->skip) p->r->skipped++;
    dl_free(s->out);
    s->out = NULL;
    if (s->failed && !p->r->write_failed) {
      cli_warn(s->file, s->line, "%s",
               s->err.msg[0] ? s->err.msg : dl_strerror(s->err.code));
      p->r->status = CLI_EXIT_DATA;
    }
  }
  pthread_mutex_lock(&p->mu);
  p->head = ready;
  pthread_mutex_unlock(&p->mu);
}

static void par_drain(par *p)
{
  while (p->head < p->tail) par_flush(p);
}

/* The slot at the tail, for the reader to fill (finished slots are
** written out first when the ring is full). A line buffer grown past
** 1 MiB by a huge line is dropped rather than kept. */
static slot *par_slot(par *p)
{
  slot *s;
  if (p->tail - p->head == p->cap) par_flush(p);
  s = &p->ring[p->tail % p->cap];
  if (s->lcap > ((size_t)1 << 20)) {
    free(s->lbuf);
    s->lbuf = NULL;
    s->lcap = 0;
  }
  return s;
}

/* Queues slot s (from par_slot) as a job; takes ownership of buf (may be
** NULL); the slot's line buffer is kept. */
static void par_queue(par *p, slot *s, job_kind kind, char *buf, size_t len,
                      unsigned long line, const char *file, const char *id,
                      const dl_error *err)
{
  char *lbuf = s->lbuf;
  size_t lcap = s->lcap;
  memset(s, 0, sizeof *s);
  s->lbuf = lbuf;
  s->lcap = lcap;
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

static void par_submit(par *p, job_kind kind, char *buf, size_t len,
                       unsigned long line, const char *file, const char *id,
                       const dl_error *err)
{
  par_queue(p, par_slot(p), kind, buf, len, line, file, id, err);
}

/* JSONL lines after line `lineno` of f, read straight into the slots'
** own buffers: once they have grown, reading a line allocates nothing
** (getline() into a fresh buffer reallocated five times for a 2 kB line,
** and the worker's free() of it took the reader's malloc arena lock). */
static void run_jsonl_par(run *r, FILE *f, const char *file,
                          unsigned long lineno)
{
  par *p = r->par;
  while (!r->write_failed) {
    slot *s = par_slot(p);
    ssize_t n = getline(&s->lbuf, &s->lcap, f);
    if (n == -1) break;
    par_queue(p, s, JOB_LINE, NULL, (size_t)n, ++lineno, file, NULL, NULL);
  }
}

static worker_arg *par_start(run *r, int n, dl_error *err)
{
  par *p = calloc(1, sizeof *p);
  worker_arg *wa = NULL;
  if (!p) goto oom;
  p->r = r;
  p->n = 0;
  p->cap = RING_PER_THREAD * (size_t)n;
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

/* DATELINE_THREAD_STATS=1: where the CPU time went, per thread (thread
** CPU clocks: unaffected by other processes on the machine), and the bound
** it implies for the wall-time speed-up on as many idle cores as threads:
** all the CPU work over the busiest thread's, and over total / workers. */
static void thread_stats(const par *p, const worker_arg *wa)
{
  double main_cpu = thread_cpu(), total = main_cpu, busiest = main_cpu;
  fprintf(stderr, "threads: main %.3f s CPU (read, write), %.3f s waiting "
                  "for finished jobs, %.3f s waiting for a CPU\n",
          main_cpu, p->blocked, thread_runq());
  for (int i = 0; i < p->n; i++) {
    fprintf(stderr, "threads: worker %d %.3f s CPU, %llu jobs, %.3f s idle "
                    "before the input ended, %.3f s waiting for a CPU\n",
            i + 1, wa[i].cpu, wa[i].jobs, wa[i].idle, wa[i].runq);
    total += wa[i].cpu;
    if (wa[i].cpu > busiest) busiest = wa[i].cpu;
  }
  fprintf(stderr, "threads: total %.3f s CPU; serial share (main) %.1f%%; "
                  "bound on %d cores: work / busiest thread %.2fx, "
                  "Amdahl with main serial %.2fx\n",
          total, 100 * main_cpu / total, p->n, total / busiest,
          total / (main_cpu + (total - main_cpu) / p->n));
}

static void par_stop(run *r, worker_arg *wa)
{
  par *p = r->par;
  par_drain(p);
  pthread_mutex_lock(&p->mu);
  p->stop = true;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->mu);
  for (int i = 0; i < p->n; i++) pthread_join(p->th[i], NULL);
  if (getenv("DATELINE_THREAD_STATS")) thread_stats(p, wa);
  for (int i = 0; i < p->n; i++) {
    dl_annotator_destroy(wa[i].a);
    cli_jsonl_free(&wa[i].jl);
  }
  for (size_t i = 0; i < p->cap; i++) free(p->ring[i].lbuf);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->work);
  pthread_cond_destroy(&p->done);
  free(p->ring);
  free(p->th);
  free(p);
  free(wa);
  r->par = NULL;
}

/* A read or decompression error ends a file early: say so, in order. */
static void stream_failed(run *r, const cli_stream *st, const char *name,
                          unsigned long lineno)
{
  const char *msg = NULL;
  if (!cli_stream_error(st, &msg)) return;
  if (r->par) par_drain(r->par); /* keep stderr in input order too */
  cli_warn(name, lineno, "read error: %s", msg);
  r->status = CLI_EXIT_DATA;
}

static void jsonl_stream(run *r, cli_stream *st, const char *name)
{
  if (r->par)
    run_jsonl_par(r, st->f, name, 0);
  else
    run_jsonl(r, st->f, name, 0);
  stream_failed(r, st, name, 0);
}

/* One whole text (or HTML) document: ownership of buf passes here. */
static void text_doc(run *r, cli_format fmt, char *buf, size_t len,
                     const char *path, const char *name)
{
  const char *id = path;
  if (fmt == FMT_AUTO && dl_looks_like_html(buf, len)) fmt = FMT_HTML;
  if (r->par) {
    par_submit(r->par, fmt == FMT_HTML ? JOB_HTML : JOB_TEXT, buf, len, 0,
               name, id, NULL);
    return;
  }
  {
    dl_input in;
    memset(&in, 0, sizeof in);
    if (fmt == FMT_HTML) {
      in.html = buf;
      in.html_len = len;
    } else {
      in.text = buf;
      in.len = len;
    }
    in.id = id;
    in.default_date = r->o.date;
    annotate_one(r, &in, 0, name);
  }
  free(buf);
}

static void open_failed(run *r, const char *path, const char *name, int e)
{
  dl_error err = {DL_ERR_IO, "", 0, 0};
  snprintf(err.msg, sizeof err.msg, "%s: %s", name, strerror(e));
  if (r->par)
    par_submit(r->par, JOB_ERR, NULL, 0, 0, NULL, path, &err);
  else
    emit_error(r, path, 0, &err, NULL);
}

static void run_file(run *r, const cli_input *inp)
{
  const char *path = inp->path;
  const char *name = path ? path : "(stdin)";
  cli_format fmt = r->o.format;
  cli_stream st;
  size_t len = 0;
  char *buf, *first = NULL;
  size_t fcap = 0;
  ssize_t fn = 0;
  int e;
  if (path && fmt == FMT_AUTO) {
    if (cli_name_has_ext(path, ".jsonl") || cli_name_has_ext(path, ".ndjson"))
      fmt = FMT_JSONL;
    else if (cli_name_has_ext(path, ".txt"))
      fmt = FMT_TEXT;
  }
  /* A text file is one document whose id is its path: --resume skips it
  ** unread. */
  if (fmt != FMT_JSONL && already_done(r, path)) {
    r->skipped++;
    r->base += inp->size;
    return;
  }
  e = inp->err ? inp->err : cli_stream_open(path, &st);
  if (e) {
    open_failed(r, path, name, e);
    r->base += inp->size;
    return;
  }
  r->cur = &st;
  if (fmt == FMT_AUTO) {
    /* Sniff the first line only, so a big unnamed JSONL stream (stdin,
    ** data.gz) is still streamed, never read whole. */
    fn = getline(&first, &fcap, st.f);
    if (fn > 0 && cli_looks_jsonl(first, (size_t)fn)) {
      fmt = FMT_JSONL;
      if (r->par) {
        par_submit(r->par, JOB_LINE, first, (size_t)fn, 1, name, NULL, NULL);
        first = NULL;
      } else {
        jsonl_line(r, first, (size_t)fn, 1, name);
      }
      /* The rest: line numbers go on from 2. */
      if (r->par)
        run_jsonl_par(r, st.f, name, 1);
      else
        run_jsonl(r, st.f, name, 1);
      stream_failed(r, &st, name, 0);
      free(first);
      goto done;
    }
  }
  if (fmt == FMT_JSONL) {
    jsonl_stream(r, &st, name);
    goto done;
  }
  buf = cli_stream_read_all(&st, first, fn > 0 ? (size_t)fn : 0, &len);
  free(first);
  if (!buf) {
    open_failed(r, path, name, errno ? errno : EIO);
    goto done;
  }
  text_doc(r, fmt, buf, len, path, name);
done:
  /* Text jobs may still be in the ring: the progress counts bytes read. */
  r->base += path ? inp->size : cli_stream_pos(&st);
  r->cur = NULL;
  cli_stream_close(&st);
}

static int extra_flag(void *ctx, int argc, char **argv, int i)
{
  run *r = ctx;
  if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
    if (i + 1 >= argc) {
      cli_usage("%s needs a value", argv[i]);
      return -1;
    }
    r->out_path = argv[i + 1];
    return 2;
  }
  if (strcmp(argv[i], "--resume") == 0) {
    r->resume = true;
    return 1;
  }
  return 0;
}

/* The input is about to wait (a pipe with nothing new: stream.c): write
** out what is done, so that a live feed's records come out as its lines
** come in, not when the ring is full or the 64 KiB buffer is. */
static void on_stall(void *arg)
{
  run *r = arg;
  if (r->par) par_drain(r->par);
  if (!r->write_failed && fflush(r->out) != 0) {
    cli_warn(r->out_path, 0, "writing output: %s", strerror(errno));
    r->write_failed = true;
    r->status = CLI_EXIT_DATA;
  }
}

static void run_inputs(run *r)
{
  cli_inputs ins;
  if (cli_inputs_expand(r->o.files, r->o.n_files, &ins) != 0) {
    cli_warn(NULL, 0, "out of memory");
    r->status = CLI_EXIT_DATA;
    return;
  }
  cli_progress_init(&r->prog, ins.total);
  cli_stream_on_stall(on_stall, r);
  for (size_t i = 0; i < ins.n && !r->write_failed; i++)
    run_file(r, &ins.v[i]);
  cli_stream_on_stall(NULL, NULL);
  if (r->par) par_drain(r->par); /* queued jobs borrow the paths */
  cli_inputs_free(&ins);
}

/* -o FILE [--resume]: opens the output. Returns false after a message. */
static bool open_output(run *r)
{
  bool big = cli_inputs_unstalled(r->o.files, r->o.n_files, true);
  if (!r->out_path) {
    r->out = stdout;
    if (big)
      cli_output_buffer_big(r->out);
    else
      cli_output_buffer(r->out);
    return true;
  }
  if (r->resume) {
    uint64_t lines;
    int e = cli_resume_load(r->out_path, &r->done, &lines);
    if (e) {
      cli_warn(r->out_path, 0, "cannot resume: %s", strerror(e));
      return false;
    }
  }
  r->out = fopen(r->out_path, r->resume ? "ab" : "wb");
  if (!r->out) {
    cli_warn(r->out_path, 0, "%s", strerror(errno));
    return false;
  }
  if (big)
    cli_output_buffer_big(r->out);
  else
    cli_output_buffer(r->out);
  return true;
}

int cmd_annotate(int argc, char **argv)
{
  run r;
  dl_error err;
  memset(&r, 0, sizeof r);
  r.o.pretty = -1;
  r.o.sub = "annotate";
  if (cli_parse(&r.o, argc, argv, extra_flag, &r) != 0) {
    free(r.o.files);
    return CLI_EXIT_USAGE;
  }
  if (r.resume && !r.out_path) {
    free(r.o.files);
    return cli_usage("--resume needs -o FILE (the output to resume)");
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
  if (r.resume) r.fields |= DL_FIELD_ID; /* resuming reads the ids back */
  /* A file-size limit (ulimit -f) must be a write error, not a kill. */
  signal(SIGXFSZ, SIG_IGN);
  if (!open_output(&r)) {
    cli_idset_free(&r.done);
    free(r.o.files);
    return CLI_EXIT_DATA;
  }
  r.m = cli_load_model(&r.o);
  if (!r.m) {
    if (r.out != stdout) fclose(r.out);
    cli_idset_free(&r.done);
    free(r.o.files);
    return CLI_EXIT_DATA;
  }
  if (dl_annotator_create(r.m, &r.a, &err) != DL_OK) {
    cli_warn(NULL, 0, "%s", err.msg);
    dl_model_destroy(r.m);
    if (r.out != stdout) fclose(r.out);
    cli_idset_free(&r.done);
    free(r.o.files);
    return CLI_EXIT_DATA;
  }
  if (r.o.offsets_chars) r.json_flags |= DL_JSON_CHARS;
  if (r.o.pretty == 1 ||
      (r.o.pretty == -1 && r.out == stdout && isatty(STDOUT_FILENO) &&
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
      if (r.out != stdout) fclose(r.out);
      cli_idset_free(&r.done);
      free(r.o.files);
      return CLI_EXIT_DATA;
    }
    run_inputs(&r);
    par_stop(&r, wa);
  } else {
    run_inputs(&r);
    if (getenv("DATELINE_THREAD_STATS"))
      fprintf(stderr, "threads: one thread %.3f s CPU, %.3f s waiting for "
                      "a CPU\n", thread_cpu(), thread_runq());
  }
  cli_progress_end(&r.prog, r.docs, r.base);
  if (!cli_output_close(r.out, r.out_path, r.write_failed))
    r.status = CLI_EXIT_DATA;
  if (r.resume && r.skipped)
    cli_warn(r.out_path, 0, "resumed: %llu inputs already done, skipped",
             (unsigned long long)r.skipped);
  dl_annotator_destroy(r.a);
  dl_model_destroy(r.m);
  cli_idset_free(&r.done);
  cli_jsonl_free(&r.jl);
  free(r.o.files);
  return r.status;
}
