/*
** bench_pipeline.c -- where the whole annotation pipeline spends its time,
** stage by stage, through the public API (dl_annotate + dl_doc_to_json)
** with the annotator's stage timer (dl_annotator.time_stages).
**
**   bench_pipeline [--repeat N] [--fields default|all|tokens] FILE.jsonl
**
** FILE.jsonl: {"id", "text"} lines, e.g. from
**   build/bench/bench_tok --corpus bbc --prep-only --write-jsonl FILE
** Models from $DATELINE_MODEL_DIR (default: models). Each pass annotates
** every document once (one thread, one warm annotator) and writes its
** compact JSON record; per stage it prints the median of N passes (default
** 5) of the thread CPU time, its share of the pass, and MB/s of input per
** CPU second for that stage alone. Input parsing is not timed. Timings are
** printed, never asserted.
*/
#include "internal.h"

#include "bench.h"

#include <jansson.h>
#include <string.h>

struct doc {
  char *id, *text;
  size_t len;
};

static uint64_t thread_ns_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static uint64_t median(uint64_t *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, cmp_u64);
  return v[(n - 1) / 2];
}

enum { MAXREP = 51, NSLOT = 36 }; /* slots: load, stages, json, total */

int main(int argc, char **argv)
{
  const char *path = NULL, *dir = getenv("DATELINE_MODEL_DIR");
  const char *fields_name = "default";
  uint64_t fields = DL_FIELDS_DEFAULT;
  int repeat = 5, nst;
  struct doc *docs = NULL;
  size_t nd = 0, cap = 0, bytes = 0, json_bytes = 0;
  static uint64_t t[NSLOT][MAXREP];
  dl_model *m;
  dl_annotator *a;
  dl_error err;
  char *buf, *line, *save = NULL;
  size_t len;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
      repeat = (int)strtol(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--fields") == 0 && i + 1 < argc)
      fields_name = argv[++i];
    else if (argv[i][0] == '-')
      die("usage: bench_pipeline [--repeat N] [--fields default|all|tokens] "
          "FILE.jsonl");
    else
      path = argv[i];
  }
  if (!path) die("no FILE.jsonl");
  if (repeat < 1 || repeat > MAXREP) die("--repeat 1..%d", MAXREP);
  if (strcmp(fields_name, "all") == 0)
    fields = DL_FIELDS_ALL;
  else if (strcmp(fields_name, "tokens") == 0)
    fields = DL_FIELD_ID | DL_FIELD_DATE | DL_FIELD_CLEAN |
             DL_FIELD_SENTENCES | DL_FIELD_TOKENS;
  else if (strcmp(fields_name, "default") != 0)
    die("--fields default|all|tokens");

  buf = read_file(path, &len);
  for (line = strtok_r(buf, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    json_error_t je;
    json_t *o = json_loads(line, 0, &je), *id, *tx;
    if (!o) continue;
    id = json_object_get(o, "id");
    tx = json_object_get(o, "text");
    if (json_is_string(tx)) {
      if (nd == cap) {
        cap = cap ? cap * 2 : 1024;
        docs = xrealloc(docs, cap * sizeof *docs);
      }
      docs[nd].len = json_string_length(tx);
      docs[nd].text = xrealloc(NULL, docs[nd].len + 1);
      memcpy(docs[nd].text, json_string_value(tx), docs[nd].len + 1);
      docs[nd].id = strdup(json_is_string(id) ? json_string_value(id) : "");
      bytes += docs[nd].len;
      nd++;
    }
    json_decref(o);
  }
  free(buf);
  if (!nd) die("%s: no documents", path);

  if (dl_model_load(dir ? dir : "models", NULL, &m, &err) != DL_OK)
    die("models: %s", err.msg);
  if (dl_annotator_create(m, &a, &err) != DL_OK) die("%s", err.msg);
  a->time_stages = true;
  nst = dl__stage_count();
  if (nst + 3 > NSLOT) die("too many stages");

  for (int r = -1; r < repeat; r++) { /* pass -1 warms up */
    uint64_t t0 = thread_ns_now(), tj = 0;
    memset(a->stage_ns, 0, sizeof a->stage_ns);
    a->load_ns = 0;
    json_bytes = 0;
    for (size_t i = 0; i < nd; i++) {
      dl_input in;
      dl_doc *d;
      char *js;
      size_t n;
      uint64_t j0;
      memset(&in, 0, sizeof in);
      in.text = docs[i].text;
      in.len = docs[i].len;
      in.id = docs[i].id;
      if (dl_annotate(a, &in, fields, &d, &err) != DL_OK) continue;
      j0 = thread_ns_now();
      if (dl_doc_to_json(d, 0, fields, &js, &n) == DL_OK) {
        json_bytes += n;
        dl_free(js);
      }
      tj += thread_ns_now() - j0;
      dl_doc_destroy(d);
    }
    if (r < 0) continue;
    t[0][r] = a->load_ns;
    for (int s = 0; s < nst; s++) t[1 + s][r] = a->stage_ns[s];
    t[1 + nst][r] = tj;
    t[2 + nst][r] = thread_ns_now() - t0;
  }

  printf("corpus: %s, %zu documents, %zu bytes; fields %s; models %s\n",
         path, nd, bytes, fields_name, m->resources);
  printf("median of %d passes (thread CPU time), JSON out %zu bytes\n",
         repeat, json_bytes);
  {
    double total = (double)median(t[2 + nst], repeat) * 1e-9;
    printf("%-12s %9s %7s %10s\n", "stage", "CPU s", "share", "MB/s");
    for (int s = 0; s < nst + 3; s++) {
      const char *name = s == 0           ? "load+view"
                         : s <= nst       ? dl__stage_name(s - 1)
                         : s == nst + 1   ? "json"
                                          : "TOTAL";
      double sec = (double)median(t[s], repeat) * 1e-9;
      if (s > 0 && s <= nst && sec == 0) continue; /* stage not run */
      printf("%-12s %9.3f %6.1f%% %10.1f\n", name, sec,
             total > 0 ? 100.0 * sec / total : 0.0,
             sec > 0 ? (double)bytes / 1e6 / sec : 0.0);
    }
    printf("(TOTAL includes the timer calls and dl_doc_destroy; stages and "
           "json are medians of their own, so they need not add up)\n");
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  for (size_t i = 0; i < nd; i++) {
    free(docs[i].text);
    free(docs[i].id);
  }
  free(docs);
  return 0;
}
