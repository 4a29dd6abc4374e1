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
      cli_warn(name, 0, "%s", strerror(errno));
      r->status = CLI_EXIT_DATA;
      return;
    }
    run_jsonl(r, f, name);
    if (f != stdin) fclose(f);
    return;
  }
  buf = cli_read_all(path, &len);
  if (!buf) {
    dl_error err = {DL_ERR_IO, "", 0, 0};
    snprintf(err.msg, sizeof err.msg, "%s: %s", name, strerror(errno));
    emit_error(r, path, 0, &err, NULL);
    return;
  }
  if (fmt == FMT_AUTO && cli_looks_jsonl(buf, len)) {
    FILE *mf = fmemopen(buf, len, "rb");
    if (mf) {
      run_jsonl(r, mf, name);
      fclose(mf);
      free(buf);
      return;
    }
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
  if (r.o.n_files == 0) {
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
