/*
** bench_quotes.c -- what the quote stage costs in the whole pipeline, over
** the BBC News corpus (2,225 articles; ../shared/data/news/bbc, read at run
** time, never committed).
**
**   bench_quotes [--shared DIR] [--repeat N] [--model DIR]
**
** Timed in CPU seconds of the process (clock()), best of --repeat passes:
**   without   dl_annotate(DL_FIELDS_DEFAULT without DL_FIELD_QUOTES)
**   with      dl_annotate(DL_FIELDS_DEFAULT | DL_FIELD_QUOTES)
**   stage     dl__quote_run() alone, once per document, on documents
**             annotated beforehand with every layer it reads
** and the stage's share of the whole pipeline: stage / with, and the
** difference (with - without) / with as a cross-check (noisier: it is the
** difference of two large numbers). The budget (issue 4) is 20%.
** The model is --model DIR (default: models/); without models/ner.dlm the
** pipeline has no tagger and the share is meaningless, so it says so.
*/
#include "internal.h"

#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct text {
  char *s;
  size_t len;
} text;

/* Reads a file; converts latin-1 to UTF-8 when it is not valid UTF-8. */
static char *read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *s, *u;
  long n;
  size_t k = 0, i;
  int32_t cp;
  bool ok = true;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0 || !(s = malloc((size_t)n + 1))) {
    fclose(f);
    return NULL;
  }
  *len = fread(s, 1, (size_t)n, f);
  fclose(f);
  for (i = 0; i < *len;) {
    size_t c = dl__utf8_decode((const unsigned char *)s, *len, i, &cp);
    if (!c) {
      ok = false;
      break;
    }
    i += c;
  }
  if (ok) return s;
  u = malloc(2 * *len + 1);
  if (!u) {
    free(s);
    return NULL;
  }
  for (i = 0; i < *len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
      u[k++] = (char)c;
    } else {
      u[k++] = (char)(0xC0 | (c >> 6));
      u[k++] = (char)(0x80 | (c & 0x3F));
    }
  }
  free(s);
  *len = k;
  return u;
}

static double now(void) { return (double)clock() / CLOCKS_PER_SEC; }

static double pass(dl_annotator *a, const text *v, size_t n, uint64_t fields)
{
  double t0 = now();
  for (size_t i = 0; i < n; i++) {
    dl_input in;
    dl_doc *d;
    memset(&in, 0, sizeof in);
    in.text = v[i].s;
    in.len = v[i].len;
    if (dl_annotate(a, &in, fields, &d, NULL) == DL_OK) dl_doc_destroy(d);
  }
  return now() - t0;
}

int main(int argc, char **argv)
{
  const char *shared = "../shared", *mdir = "models";
  int repeat = 3;
  char pat[1024];
  glob_t g;
  text *v;
  size_t n = 0, bytes = 0, nq = 0;
  dl_model *m;
  dl_annotator *a;
  dl_error err;
  double best_wo = 1e30, best_w = 1e30, best_st = 1e30;
  uint64_t with = DL_FIELDS_DEFAULT | DL_FIELD_QUOTES;
  uint64_t without = with & ~DL_FIELD_QUOTES;
  FILE *f;

  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--shared") && i + 1 < argc)
      shared = argv[++i];
    else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
      repeat = (int)strtol(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--model") && i + 1 < argc)
      mdir = argv[++i];
    else {
      fprintf(stderr, "usage: bench_quotes [--shared DIR] [--repeat N] "
                      "[--model DIR]\n");
      return 2;
    }
  }
  if (repeat < 1) repeat = 1;
  snprintf(pat, sizeof pat, "%s/data/news/bbc/*/*.txt", shared);
  if (glob(pat, 0, NULL, &g) != 0 || g.gl_pathc == 0) {
    fprintf(stderr, "bench_quotes: no BBC texts at %s\n", pat);
    return 1;
  }
  v = calloc(g.gl_pathc, sizeof *v);
  if (!v) return 1;
  for (size_t i = 0; i < g.gl_pathc; i++) {
    v[n].s = read_file(g.gl_pathv[i], &v[n].len);
    if (v[n].s) bytes += v[n++].len;
  }
  globfree(&g);
  snprintf(pat, sizeof pat, "%s/ner.dlm", mdir);
  f = fopen(pat, "rb");
  if (f)
    fclose(f);
  else
    printf("note: %s absent: no tagger, the share below is not the "
           "shipped pipeline's\n", pat);
  if (dl_model_load(mdir, NULL, &m, &err) != DL_OK ||
      dl_annotator_create(m, &a, &err) != DL_OK) {
    fprintf(stderr, "bench_quotes: %s\n", err.msg);
    return 1;
  }
  for (int r = 0; r < repeat; r++) {
    double t, st = 0;
    t = pass(a, v, n, without);
    if (t < best_wo) best_wo = t;
    t = pass(a, v, n, with);
    if (t < best_w) best_w = t;
    nq = 0;
    for (size_t i = 0; i < n; i++) {
      dl_input in;
      dl_doc *d;
      double t0;
      memset(&in, 0, sizeof in);
      in.text = v[i].s;
      in.len = v[i].len;
      if (dl_annotate(a, &in, without, &d, NULL) != DL_OK) continue;
      t0 = now();
      if (dl__quote_run(a, d, NULL) == DL_OK) nq += d->n_quotes;
      st += now() - t0;
      dl_doc_destroy(d);
    }
    if (st < best_st) best_st = st;
  }
  printf("BBC News: %zu documents, %.2f MB, %zu quotes; best of %d passes "
         "(CPU seconds)\n",
         n, (double)bytes / 1e6, nq, repeat);
  printf("  pipeline without quotes  %8.3f s  %7.2f MB/s\n", best_wo,
         (double)bytes / 1e6 / best_wo);
  printf("  pipeline with quotes     %8.3f s  %7.2f MB/s\n", best_w,
         (double)bytes / 1e6 / best_w);
  printf("  quote stage alone        %8.3f s  %7.2f MB/s\n", best_st,
         (double)bytes / 1e6 / best_st);
  printf("  quote stage share: %.1f%% of the pipeline (stage / with); "
         "difference %.1f%% ((with - without) / with); budget 20%%\n",
         100.0 * best_st / best_w, 100.0 * (best_w - best_wo) / best_w);
  printf("RESULT tool=bench_quotes docs=%zu bytes=%zu quotes=%zu "
         "without=%.3f with=%.3f stage=%.3f share=%.2f\n",
         n, bytes, nq, best_wo, best_w, best_st, 100.0 * best_st / best_w);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  for (size_t i = 0; i < n; i++) free(v[i].s);
  free(v);
  return 0;
}
