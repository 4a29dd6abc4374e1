/*
** fuzz_jsonl.c -- libFuzzer target for the CLI's JSONL reader
** (tools/dateline/input.c) feeding dl_annotate.
**
** The input is split into lines as the CLI does. Invariants: every line
** yields exactly one record; a line the reader rejects yields a valid
** error record naming the line; a line it accepts yields either a valid
** record or an error record with a documented code; every record is
** strict UTF-8 JSON; the content sniffer agrees with the reader on the
** first line; the one-pass reader of input.c and jansson alone read every
** line the same (same dl_input, or the same error, message and offset).
*/
#include "fuzz_check.h"
#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dl_model *model;
static dl_annotator *annot;

static bool same_str(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

static bool same_bytes(const char *a, size_t na, const char *b, size_t nb)
{
  return na == nb && (a == b || (a && b && memcmp(a, b, na) == 0));
}

/* The line, read by jansson alone, gives what cli_jsonl_parse gave. */
static void same_as_jansson(const char *line, size_t len, bool ok,
                            const cli_jsonl *l)
{
  cli_jsonl j;
  bool jok;
  memset(&j, 0, sizeof j);
  jok = cli_jsonl_read_jansson(&j, line, len, "2016-12-22");
  FZ_CHECK(ok == jok, "readers disagree: %d vs jansson %d (%s)", ok, jok,
           ok ? j.err.msg : l->err.msg);
  FZ_CHECK(same_str(l->id, j.id), "id '%s' vs jansson '%s'",
           l->id ? l->id : "(null)", j.id ? j.id : "(null)");
  if (ok) {
    FZ_CHECK(same_bytes(l->in.text, l->in.len, j.in.text, j.in.len), "text");
    FZ_CHECK(same_bytes(l->in.html, l->in.html_len, j.in.html,
                        j.in.html_len), "html");
    FZ_CHECK(same_str(l->in.id, j.in.id), "in.id");
    FZ_CHECK(same_str(l->in.title, j.in.title), "title");
    FZ_CHECK(same_str(l->in.url, j.in.url), "url");
    FZ_CHECK(same_str(l->in.lang, j.in.lang), "lang");
    FZ_CHECK(same_str(l->in.source, j.in.source), "source");
    FZ_CHECK(same_str(l->in.date, j.in.date), "date");
    FZ_CHECK(same_str(l->in.default_date, j.in.default_date), "default date");
  } else {
    FZ_CHECK(l->err.code == j.err.code && l->err.offset == j.err.offset &&
                 strcmp(l->err.msg, j.err.msg) == 0,
             "error '%s' at %zu vs jansson '%s' at %zu", l->err.msg,
             l->err.offset, j.err.msg, j.err.offset);
  }
  cli_jsonl_free(&j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *buf = (const char *)data;
  size_t pos = 0, lines = 0, records = 0;
  if (size > FUZZ_MAX_LEN) return 0;
  if (!model) {
    FZ_CHECK(dl_model_create_empty(NULL, &model, NULL) == DL_OK, "model");
    FZ_CHECK(dl_annotator_create(model, &annot, NULL) == DL_OK, "annotator");
  }
  while (pos < size) {
    const char *nl = memchr(buf + pos, '\n', size - pos);
    size_t end = nl ? (size_t)(nl - buf) + 1 : size;
    cli_jsonl l;
    char *js = NULL;
    size_t n = 0;
    json_t *root;
    bool ok = cli_jsonl_parse(buf + pos, end - pos, "2016-12-22", &l);
    lines++;
    same_as_jansson(buf + pos, end - pos, ok, &l);
    if (ok) {
      dl_doc *d = NULL;
      dl_error err;
      dl_status rc;
      FZ_CHECK(l.in.text != NULL || l.in.html != NULL,
               "accepted line without text or html");
      rc = dl_annotate(annot, &l.in, DL_FIELDS_ALL, &d, &err);
      if (rc == DL_OK) {
        FZ_CHECK(dl_doc_to_json(d, 0, DL_FIELDS_ALL, &js, &n) == DL_OK,
                 "to_json");
        dl_doc_destroy(d);
      } else {
        /* DL_ERR_FORMAT: an html field holding binary data is no page
        ** (docs/INTERNALS-html.md, bad input). */
        FZ_CHECK(rc == DL_ERR_EMPTY || rc == DL_ERR_INVALID ||
                     rc == DL_ERR_TOO_BIG ||
                     (rc == DL_ERR_FORMAT && l.in.html != NULL),
                 "status %s: %s", dl_status_name(rc), err.msg);
        FZ_CHECK(dl_error_to_json(l.id, lines, &err, &js, &n) == DL_OK,
                 "error json");
      }
    } else {
      FZ_CHECK(l.err.code == DL_ERR_FORMAT && l.err.msg[0], "error unset");
      FZ_CHECK(dl_error_to_json(l.id, lines, &l.err, &js, &n) == DL_OK,
               "error json");
    }
    root = fz_check_json(js, n);
    if (!ok)
      FZ_CHECK(json_integer_value(json_object_get(root, "line")) ==
                   (json_int_t)lines,
               "error record names line %lld, not %zu",
               (long long)json_integer_value(json_object_get(root, "line")),
               lines);
    records++;
    json_decref(root);
    dl_free(js);
    if (lines == 1) {
      /* The sniffer says JSONL only for a first line that is an object
      ** with... anything; the reader may still reject it for lacking
      ** "text". The converse must hold: an accepted first line sniffs. */
      size_t k = pos;
      while (k < end && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r'))
        k++;
      if (ok && k < end && buf[k] == '{')
        FZ_CHECK(cli_looks_jsonl(buf, size), "accepted line not sniffed");
      {
        /* The sniffer answers as jansson alone would on the line it
        ** looks at (the first after white space and blank lines). */
        size_t i = 0, e;
        bool want = false;
        while (i < size && (buf[i] == ' ' || buf[i] == '\t' ||
                            buf[i] == '\r' || buf[i] == '\n'))
          i++;
        if (i < size && buf[i] == '{') {
          json_t *j;
          for (e = i; e < size && buf[e] != '\n'; e++) {
          }
          j = json_loadb(buf + i, e - i, JSON_ALLOW_NUL, NULL);
          want = json_is_object(j);
          json_decref(j);
        }
        FZ_CHECK(cli_looks_jsonl(buf, size) == want,
                 "sniffer says %d, jansson %d", !want, want);
      }
    }
    cli_jsonl_free(&l);
    pos = end;
  }
  FZ_CHECK(records == lines, "%zu lines, %zu records", lines, records);
  return 0;
}
