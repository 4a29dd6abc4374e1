/*
** geocode.c -- `dateline geocode`: toponym spans in, resolutions out
** (SPEC.md). A thin shell over dl_geocode().
**
** Input: JSONL, one document a line:
**   {"id": ..., "text": "...", "toponyms": [{"start": s, "end": e}, ...]}
** (offsets as --offsets says). Output: one line per input line,
**   {"id": ..., "toponyms": [{"start", "end", "name", "geonameid", "lat",
**    "lon", "country", "feature", "confidence"}, ...]}
** with null fields for an unresolved toponym, or an error record.
**
** --fallback: a given span the gazetteer cannot resolve ("Frenchmen
** Street") takes the document's most-mentioned resolved town, with
** confidence 0.1 -- a span given to geocode is a place, and most such
** places (streets, buildings, neighbourhoods) lie in or near the town the
** article is about. Off by default: SPEC's null fields.
*/
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Byte offset of code point `cp` in s[0..len) (len when past the end). */
static size_t char_to_byte(const char *s, size_t len, size_t cp)
{
  size_t i = 0, k = 0;
  while (i < len && k < cp) {
    i++;
    while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80) i++;
    k++;
  }
  return i;
}

static size_t byte_to_char(const char *s, size_t len, size_t b)
{
  size_t k = 0;
  for (size_t i = 0; i < b && i < len; i++)
    if (((unsigned char)s[i] & 0xC0) != 0x80) k++;
  return k;
}

static void put_error(json_t *id, unsigned long line, const char *code,
                      const char *msg)
{
  json_t *o = json_object();
  json_t *e = json_object();
  json_object_set(o, "id", id ? id : json_null());
  json_object_set_new(o, "line", json_integer((json_int_t)line));
  json_object_set_new(e, "code", json_string(code));
  json_object_set_new(e, "message", json_string(msg));
  json_object_set_new(o, "error", e);
  json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
  fputc('\n', stdout);
  json_decref(o);
}

static json_t *str_or_null(const char *s)
{
  return s ? json_string(s) : json_null();
}

/* The most frequent resolved town (PPL* feature) of res[0..n), or -1. */
static long top_town(const dl_place *res, size_t n)
{
  long best = -1;
  size_t best_n = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    if (!res[i].name || !res[i].feature ||
        strncmp(res[i].feature, "PPL", 3) != 0)
      continue;
    for (size_t j = 0; j < n; j++)
      if (res[j].name && res[j].geonameid == res[i].geonameid) k++;
    if (k > best_n) {
      best_n = k;
      best = (long)i;
    }
  }
  return best;
}

static bool fallback;

static int geocode_flags(void *ctx, int argc, char **argv, int i)
{
  (void)ctx;
  (void)argc;
  if (strcmp(argv[i], "--fallback") == 0) {
    fallback = true;
    return 1;
  }
  return 0;
}

/* One input line; returns false when it yielded an error record. */
static bool one_line(dl_annotator *a, const char *buf, size_t n,
                     unsigned long line, bool chars)
{
  json_error_t jerr;
  json_t *root = json_loadb(buf, n, 0, &jerr), *id, *text, *tops, *outarr;
  const char *t;
  size_t tl, nt;
  dl_span *spans = NULL;
  dl_place *res = NULL;
  dl_error err;
  json_t *o;
  bool ok = true;
  if (!root || !json_is_object(root)) {
    put_error(NULL, line, "invalid", root ? "not a JSON object" : jerr.text);
    json_decref(root);
    return false;
  }
  id = json_object_get(root, "id");
  text = json_object_get(root, "text");
  tops = json_object_get(root, "toponyms");
  if (!json_is_string(text) || (tops && !json_is_array(tops))) {
    put_error(id, line, "invalid", "needs \"text\" and a \"toponyms\" array");
    json_decref(root);
    return false;
  }
  t = json_string_value(text);
  tl = json_string_length(text);
  nt = tops ? json_array_size(tops) : 0;
  spans = calloc(nt ? nt : 1, sizeof *spans);
  res = calloc(nt ? nt : 1, sizeof *res);
  if (!spans || !res) {
    put_error(id, line, "nomem", "out of memory");
    ok = false;
    goto done;
  }
  for (size_t i = 0; i < nt; i++) {
    json_t *tp = json_array_get(tops, i);
    json_t *s = json_object_get(tp, "start"), *e = json_object_get(tp, "end");
    json_int_t si, ei;
    if (!json_is_integer(s) || !json_is_integer(e) ||
        (si = json_integer_value(s)) < 0 || (ei = json_integer_value(e)) < si) {
      put_error(id, line, "invalid", "toponym without integer start <= end");
      ok = false;
      goto done;
    }
    spans[i].start = chars ? char_to_byte(t, tl, (size_t)si) : (size_t)si;
    spans[i].end = chars ? char_to_byte(t, tl, (size_t)ei) : (size_t)ei;
  }
  if (dl_geocode(a, t, tl, spans, nt, res, &err) != DL_OK) {
    put_error(id, line, dl_status_name(err.code), err.msg);
    ok = false;
    goto done;
  }
  if (fallback) {
    long tt = top_town(res, nt);
    for (size_t i = 0; tt >= 0 && i < nt; i++)
      if (!res[i].name) {
        res[i] = res[tt];
        res[i].confidence = 0.1;
      }
  }
  o = json_object();
  if (id) json_object_set(o, "id", id);
  outarr = json_array();
  for (size_t i = 0; i < nt; i++) {
    json_t *x = json_object();
    const dl_place *p = &res[i];
    size_t s = spans[i].start, e = spans[i].end;
    if (chars) {
      s = byte_to_char(t, tl, s);
      e = byte_to_char(t, tl, e);
    }
    json_object_set_new(x, "start", json_integer((json_int_t)s));
    json_object_set_new(x, "end", json_integer((json_int_t)e));
    json_object_set_new(x, "name", str_or_null(p->name));
    json_object_set_new(x, "geonameid",
                        p->name && p->geonameid
                            ? json_integer((json_int_t)p->geonameid)
                            : json_null());
    json_object_set_new(x, "lat", p->name ? json_real(p->lat) : json_null());
    json_object_set_new(x, "lon", p->name ? json_real(p->lon) : json_null());
    json_object_set_new(x, "country", str_or_null(p->country));
    json_object_set_new(x, "feature", str_or_null(p->feature));
    json_object_set_new(x, "confidence",
                        p->name ? json_real((double)(int)(p->confidence *
                                                          1000 + 0.5) /
                                            1000)
                                : json_null());
    json_array_append_new(outarr, x);
  }
  json_object_set_new(o, "toponyms", outarr);
  json_dumpf(o, stdout, JSON_COMPACT | JSON_REAL_PRECISION(8));
  fputc('\n', stdout);
  json_decref(o);
done:
  free(spans);
  free(res);
  json_decref(root);
  return ok;
}

int cmd_geocode(int argc, char **argv)
{
  cli_opts o;
  dl_model *m;
  dl_annotator *a = NULL;
  dl_error err;
  int rc = CLI_EXIT_OK;
  memset(&o, 0, sizeof o);
  o.pretty = -1;
  o.sub = "geocode";
  if (cli_parse(&o, argc, argv, geocode_flags, NULL) != 0) {
    free(o.files);
    return CLI_EXIT_USAGE;
  }
  m = cli_load_model(&o);
  if (!m) {
    free(o.files);
    return CLI_EXIT_DATA;
  }
  if (!strstr(dl_model_resources(m), "geo")) {
    cli_warn(NULL, 0, "the model folder has no gazetteer (geo.bin)");
    dl_model_destroy(m);
    free(o.files);
    return CLI_EXIT_DATA;
  }
  if (dl_annotator_create(m, &a, &err) != DL_OK) {
    cli_warn(NULL, 0, "%s", err.msg);
    dl_model_destroy(m);
    free(o.files);
    return CLI_EXIT_DATA;
  }
  for (int fi = 0; fi < (o.n_files ? o.n_files : 1); fi++) {
    const char *path = o.n_files ? o.files[fi] : "-";
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    unsigned long ln = 0;
    if (!f) {
      cli_warn(path, 0, "cannot open");
      rc = CLI_EXIT_DATA;
      continue;
    }
    while ((got = getline(&line, &cap, f)) != -1) {
      size_t n = (size_t)got;
      ln++;
      while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
      if (!n) continue;
      if (!one_line(a, line, n, ln, o.offsets_chars)) rc = CLI_EXIT_DATA;
    }
    free(line);
    if (f != stdin) fclose(f);
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  free(o.files);
  return rc;
}
