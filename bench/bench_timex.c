/*
** bench_timex.c -- the cost of the "when" stages through the public API.
**
**   bench_timex FILE.jsonl [--repeat N]
**
** FILE holds one document a line, {"id", "text", "date"} (bench/
** bench_timex.sh writes the TempEval-3 dev texts that way). Timed passes
** over all documents, best of --repeat (default 5), CPU time of the
** process:
**   clean     dl_annotate(DL_FIELD_CLEAN)                  the baseline
**   tok+sent  dl_annotate(DL_FIELD_TOKENS|SENTENCES)       the tokenizer
**   dates     dl_annotate(DL_FIELD_DATES)                  clean+dateline+timex
**   +amounts  dl_annotate(DL_FIELD_DATES|DL_FIELD_AMOUNTS) and amounts
** The stage cost is the difference with the clean pass; the last lines
** compare it with the tokenizer's. Timings are printed, never asserted.
** Last line, for scripts: RESULT tool=dateline-timex bytes=... mbps=...
*/
#include "dateline.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct doc {
  char *text;
  size_t len;
  char *date;
} doc;

static double cpu_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double pass(dl_annotator *a, const doc *v, size_t n, uint64_t fields,
                   size_t *count)
{
  double t0 = cpu_now();
  *count = 0;
  for (size_t i = 0; i < n; i++) {
    dl_input in;
    dl_doc *d;
    memset(&in, 0, sizeof in);
    in.text = v[i].text;
    in.len = v[i].len;
    in.date = v[i].date;
    if (dl_annotate(a, &in, fields, &d, NULL) == DL_OK) {
      (*count)++;
      dl_doc_destroy(d);
    }
  }
  return cpu_now() - t0;
}

int main(int argc, char **argv)
{
  FILE *f;
  char *line = NULL;
  size_t cap = 0, n = 0, vcap = 0, bytes = 0, ok;
  ssize_t got;
  doc *v = NULL;
  int repeat = 5;
  dl_model *m;
  dl_annotator *a;
  static const struct {
    const char *name;
    uint64_t fields;
  } passes[] = {
      {"clean", DL_FIELD_CLEAN},
      {"tok+sent", DL_FIELD_TOKENS | DL_FIELD_SENTENCES},
      {"dates", DL_FIELD_DATES},
      {"+amounts", DL_FIELD_DATES | DL_FIELD_AMOUNTS},
  };
  double best[4] = {1e30, 1e30, 1e30, 1e30};

  if (argc < 2) {
    fprintf(stderr, "usage: bench_timex FILE.jsonl [--repeat N]\n");
    return 2;
  }
  if (argc >= 4 && strcmp(argv[2], "--repeat") == 0)
    repeat = (int)strtol(argv[3], NULL, 10);
  if (repeat < 1) repeat = 1;
  f = fopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  while ((got = getline(&line, &cap, f)) > 0) {
    json_error_t je;
    json_t *o = json_loadb(line, (size_t)got, 0, &je), *t, *dt;
    if (!o) continue;
    t = json_object_get(o, "text");
    dt = json_object_get(o, "date");
    if (json_is_string(t)) {
      if (n == vcap) {
        vcap = vcap ? 2 * vcap : 256;
        v = realloc(v, vcap * sizeof *v);
        if (!v) return 1;
      }
      v[n].len = json_string_length(t);
      v[n].text = malloc(v[n].len + 1);
      if (!v[n].text) return 1;
      memcpy(v[n].text, json_string_value(t), v[n].len + 1);
      v[n].date = NULL;
      if (json_is_string(dt) && json_string_length(dt) >= 10) {
        v[n].date = malloc(11);
        if (!v[n].date) return 1;
        memcpy(v[n].date, json_string_value(dt), 10);
        v[n].date[10] = 0;
      }
      bytes += v[n].len;
      n++;
    }
    json_decref(o);
  }
  free(line);
  fclose(f);
  if (dl_model_create_empty(NULL, &m, NULL) != DL_OK ||
      dl_annotator_create(m, &a, NULL) != DL_OK)
    return 1;
  for (int r = 0; r < repeat; r++)
    for (size_t p = 0; p < 4; p++) {
      double t = pass(a, v, n, passes[p].fields, &ok);
      if (t < best[p]) best[p] = t;
    }
  printf("%zu documents, %zu bytes, best of %d passes (CPU seconds)\n", n,
         bytes, repeat);
  for (size_t p = 0; p < 4; p++)
    printf("  %-9s %8.4f s  %8.1f MB/s\n", passes[p].name, best[p],
           (double)bytes / 1e6 / (best[p] > 0 ? best[p] : 1e-9));
  {
    double tok = best[1] - best[0], tx = best[2] - best[0],
           am = best[3] - best[2];
    printf("  tokenizer+splitter %.4f s; dateline+timex %.4f s (%.0f%% of "
           "it); amounts %.4f s (%.0f%%)\n",
           tok, tx, tok > 0 ? 100 * tx / tok : 0, am,
           tok > 0 ? 100 * am / tok : 0);
    printf("RESULT tool=dateline-timex docs=%zu bytes=%zu secs=%.4f "
           "mbps=%.2f timex_secs=%.4f tok_secs=%.4f\n",
           n, bytes, best[2], (double)bytes / 1e6 / best[2], tx, tok);
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  for (size_t i = 0; i < n; i++) {
    free(v[i].text);
    free(v[i].date);
  }
  free(v);
  return 0;
}
