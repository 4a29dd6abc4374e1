/*
** dedup.c -- `dateline dedup [FILE...]`: near-duplicate detection over a
** stream of articles, one pass, in input order (library: src/dedup.c).
**
** Input: JSONL lines with a "text" string -- raw articles, or records of
** `dateline annotate --fields ...,text` -- and optional "id"; files,
** directories, .gz/.zst as for annotate. A file that is not JSONL is one
** document (its id is its path). A line without a text, or not JSON,
** yields an error record in its place (exit 1).
**
** Output: each input line as it came, with `"dup_of"` (the id of the
** earlier document it copies -- or its 1-based number in the stream when
** that one had no id -- or null), `"cluster"` (1-based cluster number:
** every member of one family of copies has the same) and, for a copy,
** `"dup_score"` (the similarity). --brief writes only id, dup_of, cluster;
** --drop leaves the copies out (a deduplicated stream).
**
** Input loop, error records, output and --resume: corpus.c. A resumed
** run re-reads the inputs from the start and adds every text to a fresh
** index again -- the index and the ids are the state a later line depends
** on -- comparing instead of writing until the end of the output file.
*/
#include "corpus.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

typedef struct dd_run {
  dl_dedup_options opt;
  dl_dedup *dd;
  bool brief, drop, stats;
  cli_corpus c;
  /* ids of every document, for dup_of: offsets into one buffer. */
  char *ids;
  size_t ids_len, ids_cap;
  uint64_t *id_off; /* UINT64_MAX: no id */
  size_t n_docs, docs_cap;
  uint64_t dups, errors;
} dd_run;

static bool put(dd_run *r, const char *s, size_t n)
{
  return cli_corpus_put(&r->c, s, n);
}

static bool remember_id(dd_run *r, const char *id)
{
  if (r->n_docs == r->docs_cap) {
    size_t nc = r->docs_cap ? r->docs_cap * 2 : 4096;
    uint64_t *n = realloc(r->id_off, nc * sizeof *n);
    if (!n) return false;
    r->id_off = n;
    r->docs_cap = nc;
  }
  if (!id) {
    r->id_off[r->n_docs++] = UINT64_MAX;
    return true;
  }
  {
    size_t l = strlen(id) + 1;
    if (r->ids_len + l > r->ids_cap) {
      size_t nc = r->ids_cap ? r->ids_cap * 2 : 65536;
      char *n;
      while (nc < r->ids_len + l) nc *= 2;
      n = realloc(r->ids, nc);
      if (!n) return false;
      r->ids = n;
      r->ids_cap = nc;
    }
    memcpy(r->ids + r->ids_len, id, l);
    r->id_off[r->n_docs++] = r->ids_len;
    r->ids_len += l;
  }
  return true;
}

/* A JSON string for id (null for NULL or an id that is not UTF-8). */
static void json_str(const char *id, char *buf, size_t cap)
{
  json_t *j = id ? json_string(id) : NULL;
  char *s = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;
  snprintf(buf, cap, "%s", s ? s : "null");
  free(s);
  json_decref(j);
}

/* The JSON for a document's id: its id string, else its 1-based number
** in the stream, or null for no document. */
static void json_id(dd_run *r, int64_t doc, char *buf, size_t cap)
{
  if (doc < 0)
    snprintf(buf, cap, "null");
  else if (r->id_off[doc] == UINT64_MAX)
    snprintf(buf, cap, "%lld", (long long)doc + 1);
  else
    json_str(r->ids + r->id_off[doc], buf, cap);
}

static void error_record(dd_run *r, const char *id, unsigned long line,
                         const char *file, dl_status code, const char *msg)
{
  cli_corpus_error(&r->c, id, line, file, code, msg);
  r->errors++;
}

/* One document: the raw line (NULL for a text file), its id and text. */
static void doc(dd_run *r, const char *line, size_t len, const char *id,
                const char *text, size_t tlen, unsigned long lineno,
                const char *file)
{
  dl_dedup_match m;
  dl_error err;
  char dup[1024], idj[1024], tail[1200];
  if (dl_dedup_add(r->dd, text, tlen, &m, &err) != DL_OK) {
    error_record(r, id, lineno, file, err.code, err.msg);
    return;
  }
  if (!remember_id(r, id)) {
    cli_warn(NULL, 0, "out of memory");
    r->c.write_failed = true; /* stops the run */
    r->c.status = CLI_EXIT_DATA;
    return;
  }
  if (m.dup_of >= 0) r->dups++;
  if (r->drop && m.dup_of >= 0) return;
  json_id(r, m.dup_of, dup, sizeof dup);
  if (m.dup_of >= 0)
    snprintf(tail, sizeof tail, "\"dup_of\":%s,\"cluster\":%llu,"
             "\"dup_score\":%.3f}\n", dup,
             (unsigned long long)m.cluster + 1, m.similarity);
  else
    snprintf(tail, sizeof tail, "\"dup_of\":null,\"cluster\":%llu}\n",
             (unsigned long long)m.cluster + 1);
  if (r->brief || !line) {
    json_str(id, idj, sizeof idj);
    put(r, "{\"id\":", 6);
    put(r, idj, strlen(idj));
    put(r, ",", 1);
    put(r, tail, strlen(tail));
    return;
  }
  /* Splice the fields in before the closing brace of the line. */
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' ||
                 line[len - 1] == ' ' || line[len - 1] == '\t'))
    len--;
  if (len && line[len - 1] == '}') len--;
  while (len && (line[len - 1] == ' ' || line[len - 1] == '\t')) len--;
  put(r, line, len);
  if (len && line[len - 1] != '{') put(r, ",", 1);
  put(r, tail, strlen(tail));
}

/* One input document (corpus.c has parsed the line and read its id). */
static void on_doc(cli_corpus *c, void *ctx, const cli_corpus_doc *d)
{
  dd_run *r = ctx;
  json_t *t;
  (void)c;
  if (!d->root) { /* a text file */
    doc(r, NULL, 0, d->id, d->text, d->text_len, 0, d->file);
    return;
  }
  t = json_object_get(d->root, "text");
  if (!json_is_string(t)) {
    error_record(r, d->id, d->lineno, d->file, DL_ERR_FORMAT,
                 "line has no \"text\" string to compare (records: "
                 "annotate with --fields ...,text)");
  } else if (json_object_get(d->root, "dup_of")) {
    /* Already deduplicated once: replace the fields, do not repeat them. */
    json_object_del(d->root, "dup_of");
    json_object_del(d->root, "cluster");
    json_object_del(d->root, "dup_score");
    {
      char *s = json_dumps(d->root, JSON_COMPACT);
      if (s) doc(r, s, strlen(s), d->id, json_string_value(t),
                 json_string_length(t), d->lineno, d->file);
      free(s);
    }
  } else {
    doc(r, d->line, d->len, d->id, json_string_value(t),
        json_string_length(t), d->lineno, d->file);
  }
}

static int num_flag(const char *flag, const char *v, double lo, double hi,
                    double *out)
{
  char *end;
  double d;
  errno = 0;
  d = strtod(v, &end);
  if (errno || *end || d < lo || d > hi) {
    cli_usage("%s takes a number from %g to %g", flag, lo, hi);
    return -1;
  }
  *out = d;
  return 0;
}

static int extra_flag(void *ctx, int argc, char **argv, int i)
{
  dd_run *r = ctx;
  const char *a = argv[i];
  double d;
  int k = cli_corpus_flag(&r->c, argc, argv, i);
  if (k) return k;
  if (strcmp(a, "--brief") == 0) {
    r->brief = true;
    return 1;
  }
  if (strcmp(a, "--drop") == 0) {
    r->drop = true;
    return 1;
  }
  if (strcmp(a, "--stats") == 0) {
    r->stats = true;
    return 1;
  }
  if (strcmp(a, "--threshold") != 0 && strcmp(a, "--shingle") != 0 &&
      strcmp(a, "--hashes") != 0 && strcmp(a, "--bands") != 0 &&
      strcmp(a, "--rows") != 0)
    return 0;
  if (i + 1 >= argc) {
    cli_usage("%s needs a value", a);
    return -1;
  }
  if (strcmp(a, "--threshold") == 0) {
    if (num_flag(a, argv[i + 1], 0.01, 1, &d)) return -1;
    r->opt.threshold = d;
  } else {
    if (num_flag(a, argv[i + 1], 1, 4096, &d)) return -1;
    if (strcmp(a, "--shingle") == 0) r->opt.shingle = (unsigned)d;
    if (strcmp(a, "--hashes") == 0) r->opt.hashes = (unsigned)d;
    if (strcmp(a, "--bands") == 0) r->opt.bands = (unsigned)d;
    if (strcmp(a, "--rows") == 0) r->opt.rows = (unsigned)d;
  }
  return 2;
}

int cmd_dedup(int argc, char **argv)
{
  dd_run r;
  cli_opts o;
  dl_error err;
  int rc;
  memset(&r, 0, sizeof r);
  memset(&o, 0, sizeof o);
  o.sub = "dedup";
  if (cli_parse(&o, argc, argv, extra_flag, &r) != 0) {
    free(o.files);
    return CLI_EXIT_USAGE;
  }
  if (dl_dedup_create(&r.opt, &r.dd, &err) != DL_OK) {
    free(o.files);
    return cli_usage("%s", err.msg);
  }
  if ((rc = cli_corpus_open(&r.c)) != 0) {
    dl_dedup_destroy(r.dd);
    free(o.files);
    return rc;
  }
  cli_corpus_run(&r.c, o.files, o.n_files, on_doc, &r);
  rc = cli_corpus_close(&r.c);
  if (r.stats)
    fprintf(stderr,
            "dedup: %zu documents, %llu duplicates, %llu errors; "
            "index %.1f MB, ids %.1f MB\n",
            r.n_docs, (unsigned long long)r.dups,
            (unsigned long long)r.errors,
            (double)dl_dedup_memory(r.dd) / 1e6,
            (double)(r.ids_cap + r.docs_cap * sizeof *r.id_off) / 1e6);
  dl_dedup_destroy(r.dd);
  free(r.ids);
  free(r.id_off);
  free(o.files);
  return rc;
}
