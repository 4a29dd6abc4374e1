/*
** bench_html.c -- HTML extraction over a set of pages, in memory.
**
**   build/bench/bench_html [--repeat N] [--out FILE.jsonl] PAGE...
**
** PAGE is an .html file or a gzip-compressed .html.gz (zlib). Every page
** is read (and decompressed) first; then the timed loop runs dl_annotate
** with the HTML input and only the extraction fields (text, title, meta:
** no NLP stage), N times over the set. Prints pages/s, MB/s of HTML and
** peak RSS on stderr; with --out, writes one record per page
** ({"file": ..., record fields}) for bench/eval_html.py to score.
*/
#include "bench.h"
#include "dateline.h"

#include <string.h>
#include <zlib.h>

static char *read_page(const char *path, size_t *len)
{
  gzFile g = gzopen(path, "rb"); /* reads plain files as they are, too */
  char *buf = NULL;
  size_t cap = 0, n = 0;
  int got;
  if (!g) return NULL;
  for (;;) {
    if (cap - n < 65536) {
      cap = cap ? cap * 2 : 1 << 20;
      buf = xrealloc(buf, cap + 1);
    }
    got = gzread(g, buf + n, (unsigned)(cap - n));
    if (got <= 0) break;
    n += (size_t)got;
  }
  gzclose(g);
  buf[n] = 0;
  *len = n;
  return buf;
}

int main(int argc, char **argv)
{
  int repeat = 1, i0 = 1, np = 0;
  const char *outp = NULL;
  char **pages;
  size_t *lens, total = 0;
  dl_model *m;
  dl_annotator *a;
  dl_error err;
  double t0, t1, c0, c1;
  FILE *out = NULL;
  uint64_t fields = DL_FIELD_TEXT | DL_FIELD_TITLE | DL_FIELD_META |
                    DL_FIELD_URL | DL_FIELD_LANG | DL_FIELD_DATE;
  size_t failed = 0;
  while (i0 < argc && argv[i0][0] == '-') {
    if (strcmp(argv[i0], "--repeat") == 0 && i0 + 1 < argc)
      repeat = (int)strtol(argv[++i0], NULL, 10);
    else if (strcmp(argv[i0], "--out") == 0 && i0 + 1 < argc)
      outp = argv[++i0];
    else
      die("usage: bench_html [--repeat N] [--out FILE] PAGE...");
    i0++;
  }
  if (repeat < 1) repeat = 1;
  pages = calloc((size_t)(argc - i0) + 1, sizeof *pages);
  lens = calloc((size_t)(argc - i0) + 1, sizeof *lens);
  if (!pages || !lens) die("out of memory");
  for (int i = i0; i < argc; i++) {
    pages[np] = read_page(argv[i], &lens[np]);
    if (!pages[np]) die("%s: cannot read", argv[i]);
    total += lens[np];
    np++;
  }
  if (dl_model_create_empty(NULL, &m, &err) != DL_OK ||
      dl_annotator_create(m, &a, &err) != DL_OK)
    die("%s", err.msg);
  if (outp && !(out = fopen(outp, "w"))) die("%s: cannot write", outp);
  t0 = wall_now();
  c0 = cpu_now();
  for (int r = 0; r < repeat; r++) {
    for (int i = 0; i < np; i++) {
      dl_input in;
      dl_doc *d = NULL;
      memset(&in, 0, sizeof in);
      in.html = pages[i];
      in.html_len = lens[i];
      if (dl_annotate(a, &in, fields, &d, &err) != DL_OK) {
        if (r == 0) failed++;
        if (out && r == 0) {
          char *js;
          size_t n;
          if (dl_error_to_json(argv[i0 + i], 0, &err, &js, &n) == DL_OK) {
            fprintf(out, "%s\n", js);
            dl_free(js);
          }
        }
        continue;
      }
      if (out && r == 0) {
        char *js;
        size_t n;
        if (dl_doc_to_json(d, 0, fields, &js, &n) == DL_OK) {
          /* {"file": ..., <record fields>} */
          fprintf(out, "{\"file\":\"%s\",%s\n", argv[i0 + i], js + 1);
          dl_free(js);
        }
      }
      dl_doc_destroy(d);
    }
  }
  t1 = wall_now();
  c1 = cpu_now();
  if (out) fclose(out);
  fprintf(stderr,
          "html: %d pages x %d, %.1f MB, %.3f s wall, %.3f s cpu, "
          "%.1f pages/s (cpu), %.1f MB/s, %zu failed, peak RSS %ld KB\n",
          np, repeat, (double)total / 1e6, t1 - t0, c1 - c0,
          (double)np * repeat / (c1 - c0),
          (double)total * repeat / 1e6 / (c1 - c0), failed, peak_rss_kb());
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  for (int i = 0; i < np; i++) free(pages[i]);
  free(pages);
  free(lens);
  return 0;
}
