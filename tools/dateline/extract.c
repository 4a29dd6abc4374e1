/*
** extract.c -- `dateline extract FILE.html...`: main-text extraction and
** article metadata only (SPEC.md): one JSON object per page with id,
** date, title, url, lang, text and meta (authors, dates, canonical URL,
** site, image, blocks with their page offsets, links). No NLP stage runs
** beyond the date cleaning that decides the document date.
**
** --url URL gives the page's address (dates in the URL, canonical URL).
** A page that cannot be read or holds no text yields an error record and
** exit status 1, like annotate.
*/
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct xopts {
  const char *url;
} xopts;

static int extra_flag(void *ctx, int argc, char **argv, int i)
{
  xopts *x = ctx;
  if (strcmp(argv[i], "--url") == 0) {
    if (i + 1 >= argc) {
      cli_usage("--url needs a value");
      return -1;
    }
    x->url = argv[i + 1];
    return 2;
  }
  return 0;
}

static void put_error(const char *id, const dl_error *e, const char *name)
{
  char *js = NULL;
  size_t n;
  if (dl_error_to_json(id, 0, e, &js, &n) == DL_OK) {
    fwrite(js, 1, n, stdout);
    fputc('\n', stdout);
    dl_free(js);
  }
  cli_warn(name, 0, "%s", e->msg[0] ? e->msg : dl_strerror(e->code));
}

int cmd_extract(int argc, char **argv)
{
  cli_opts o;
  xopts x;
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_error err;
  int status = CLI_EXIT_OK, nfiles;
  unsigned flags = 0;
  uint64_t fields = DL_FIELD_ID | DL_FIELD_DATE | DL_FIELD_TITLE |
                    DL_FIELD_URL | DL_FIELD_LANG | DL_FIELD_TEXT |
                    DL_FIELD_META;
  memset(&o, 0, sizeof o);
  memset(&x, 0, sizeof x);
  o.pretty = -1;
  o.sub = "extract";
  if (cli_parse(&o, argc, argv, extra_flag, &x) != 0) {
    free(o.files);
    return CLI_EXIT_USAGE;
  }
  if (o.fields_set) fields = o.fields;
  if (dl_model_create_empty(NULL, &m, &err) != DL_OK ||
      dl_annotator_create(m, &a, &err) != DL_OK) {
    cli_warn(NULL, 0, "%s", err.msg);
    dl_model_destroy(m);
    free(o.files);
    return CLI_EXIT_DATA;
  }
  if (o.offsets_chars) flags |= DL_JSON_CHARS;
  if (o.pretty == 1 || (o.pretty == -1 && isatty(STDOUT_FILENO)))
    flags |= DL_JSON_PRETTY;
  nfiles = o.n_files ? o.n_files : 1;
  for (int i = 0; i < nfiles; i++) {
    const char *path = o.n_files ? o.files[i] : NULL;
    const char *name = path && strcmp(path, "-") != 0 ? path : "(stdin)";
    const char *id = path && strcmp(path, "-") != 0 ? path : NULL;
    size_t len = 0;
    char *buf = cli_read_all(path, &len);
    dl_input in;
    dl_doc *d = NULL;
    char *js = NULL;
    size_t n;
    if (!buf) {
      dl_error e = {DL_ERR_IO, "", 0, 0};
      snprintf(e.msg, sizeof e.msg, "%s: %s", name, strerror(errno));
      put_error(id, &e, NULL);
      status = CLI_EXIT_DATA;
      continue;
    }
    memset(&in, 0, sizeof in);
    in.html = buf;
    in.html_len = len;
    in.id = id;
    in.url = x.url;
    in.default_date = o.date;
    if (dl_annotate(a, &in, fields, &d, &err) != DL_OK) {
      put_error(id, &err, name);
      status = CLI_EXIT_DATA;
    } else if (dl_doc_to_json(d, flags, fields, &js, &n) == DL_OK) {
      fwrite(js, 1, n, stdout);
      fputc('\n', stdout);
      dl_free(js);
    } else {
      cli_warn(name, 0, "writing the record: out of memory");
      status = CLI_EXIT_DATA;
    }
    dl_doc_destroy(d);
    free(buf);
  }
  if (fflush(stdout) != 0 || ferror(stdout)) {
    cli_warn(NULL, 0, "writing output: %s", strerror(errno));
    status = CLI_EXIT_DATA;
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  free(o.files);
  return status;
}
