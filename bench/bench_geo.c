/*
** bench_geo.c -- what places cost: the gazetteer's load time and the geo
** stage's share of the pipeline's time, through the public API.
**
**   bench_geo [--model DIR] [--repeat N] FILE.jsonl
**
** FILE.jsonl has one {"text": ...} object a line (bench/bench_geo.sh
** writes the GeoWebNews and TR-News texts to a temp file; they are never
** committed). Timed by CPU time, best of --repeat passes (default 3):
**   base    dl_annotate with the default fields less `places`
**   places  dl_annotate with the default fields (the geo stage runs after
**           the entity stage it needs; the difference is its cost)
** Load: dl_model_load of a folder holding only geo.bin (a temp folder
** with a symbolic link), best of 5, wall clock.
** Never asserted by a test: timings are printed, not checked.
** The last line is machine readable:
**   RESULT geo_load_ms=.. base_s=.. places_s=.. overhead_pct=.. docs=..
*/
#include "bench.h"
#include "dateline.h"

#include <jansson.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

typedef struct doc {
  char *text;
  size_t len;
} doc;

static doc *read_jsonl(const char *path, size_t *n)
{
  FILE *f = fopen(path, "rb");
  char *line = NULL;
  size_t cap = 0, nd = 0, dcap = 0;
  ssize_t got;
  doc *d = NULL;
  if (!f) die("%s: cannot open", path);
  while ((got = getline(&line, &cap, f)) != -1) {
    json_t *o = json_loadb(line, (size_t)got, 0, NULL);
    json_t *t = o ? json_object_get(o, "text") : NULL;
    if (json_is_string(t)) {
      if (nd == dcap) {
        dcap = dcap ? 2 * dcap : 256;
        d = xrealloc(d, dcap * sizeof *d);
      }
      d[nd].len = json_string_length(t);
      d[nd].text = xrealloc(NULL, d[nd].len + 1);
      memcpy(d[nd].text, json_string_value(t), d[nd].len + 1);
      nd++;
    }
    json_decref(o);
  }
  free(line);
  fclose(f);
  *n = nd;
  return d;
}

#define DL_MIN_D(a, b) ((a) < (b) ? (a) : (b))

static double pass(dl_annotator *a, const doc *d, size_t n, uint64_t fields)
{
  double t0 = cpu_now();
  for (size_t i = 0; i < n; i++) {
    dl_input in;
    dl_doc *out = NULL;
    dl_error err;
    memset(&in, 0, sizeof in);
    in.text = d[i].text;
    in.len = d[i].len;
    if (dl_annotate(a, &in, fields, &out, &err) != DL_OK) continue;
    dl_doc_destroy(out);
  }
  return cpu_now() - t0;
}

int main(int argc, char **argv)
{
  const char *model = "models", *file = NULL;
  int repeat = 3;
  dl_model *m;
  dl_annotator *a;
  dl_error err;
  doc *d;
  size_t n;
  double base = 1e9, with = 1e9, load = 1e9;
  char dir[] = "/tmp/dl_bench_geoXXXXXX", link[PATH_MAX], target[PATH_MAX];
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--model") == 0 && i + 1 < argc)
      model = argv[++i];
    else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
      repeat = (int)strtol(argv[++i], NULL, 10);
    else
      file = argv[i];
  }
  if (repeat < 1) repeat = 1;
  if (!file) die("usage: bench_geo [--model DIR] [--repeat N] FILE.jsonl");
  d = read_jsonl(file, &n);
  if (!n) die("%s: no documents", file);

  /* Load time of the gazetteer alone. */
  if (!mkdtemp(dir)) die("mkdtemp failed");
  if (!realpath(model, target)) die("%s: no such folder", model);
  snprintf(link, sizeof link, "%s/geo.bin", dir);
  strncat(target, "/geo.bin", sizeof target - strlen(target) - 1);
  if (symlink(target, link) != 0) die("symlink failed");
  for (int r = 0; r < 5; r++) {
    double t0 = wall_now();
    if (dl_model_load(dir, NULL, &m, &err) != DL_OK) die("%s", err.msg);
    load = DL_MIN_D(load, wall_now() - t0);
    dl_model_destroy(m);
  }
  unlink(link);
  rmdir(dir);

  if (dl_model_load(model, NULL, &m, &err) != DL_OK) die("%s", err.msg);
  if (dl_annotator_create(m, &a, &err) != DL_OK) die("%s", err.msg);
  pass(a, d, n, DL_FIELDS_DEFAULT); /* warm up */
  for (int r = 0; r < repeat; r++) {
    base = DL_MIN_D(base, pass(a, d, n, DL_FIELDS_DEFAULT & ~DL_FIELD_PLACES));
    with = DL_MIN_D(with, pass(a, d, n, DL_FIELDS_DEFAULT));
  }
  printf("documents            %zu\n", n);
  printf("gazetteer load       %.1f ms (best of 5, wall)\n", load * 1e3);
  printf("default less places  %.3f s CPU (best of %d)\n", base, repeat);
  printf("default fields       %.3f s CPU\n", with);
  printf("geo stage overhead   %.1f%%\n", 100 * (with - base) / base);
  printf("RESULT geo_load_ms=%.1f base_s=%.3f places_s=%.3f overhead_pct=%.1f "
         "docs=%zu\n",
         load * 1e3, base, with, 100 * (with - base) / base, n);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  for (size_t i = 0; i < n; i++) free(d[i].text);
  free(d);
  return 0;
}
