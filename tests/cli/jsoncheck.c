/*
** jsoncheck.c -- a strict JSON validator and extractor for the CLI tests.
**
**   jsoncheck [-l] [-n LEN] [PATH...] < output
**
** Reads stdin: one JSON value (or with -l, one per line: JSONL). Each value
** must be strict RFC 8259 JSON in strict UTF-8 (RFC 3629: no overlongs, no
** surrogates, nothing over U+10FFFF), with no duplicate keys (jansson
** checks the grammar; the UTF-8 check is our own and covers every byte).
** With -n LEN, every {"start":s,"end":e} object anywhere in a value must
** have 0 <= s <= e <= LEN.
** For each value, prints the values at the PATHs, tab-separated, on one
** line. A PATH is dot-separated: object keys, array indexes, "#" for the
** size of an array or object, "@keys" for an object's keys joined by ",".
** Strings print raw, other values as compact JSON, absent ones as MISSING.
** Exit 0 when everything is valid, 1 (with a message on stderr) if not.
** Built by tests/cli/bad_input.sh; not part of the product.
*/
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool utf8_ok(const unsigned char *s, size_t n, size_t *bad)
{
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i], k, v, min;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) k = 2, v = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) k = 3, v = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) k = 4, v = c & 0x07, min = 0x10000;
    else goto bad;
    if (n - i < k) goto bad;
    for (unsigned j = 1; j < k; j++) {
      if ((s[i + j] & 0xC0) != 0x80) goto bad;
      v = (v << 6) | (s[i + j] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) goto bad;
    i += k;
  }
  return true;
bad:
  *bad = i;
  return false;
}

static const char *check_spans(json_t *v, long long len)
{
  size_t i;
  const char *k;
  json_t *x;
  if (json_is_object(v)) {
    json_t *s = json_object_get(v, "start"), *e = json_object_get(v, "end");
    if (s && e) {
      if (!json_is_integer(s) || !json_is_integer(e)) return "span not ints";
      if (json_integer_value(s) < 0 ||
          json_integer_value(s) > json_integer_value(e) ||
          json_integer_value(e) > len)
        return "span out of range";
    }
    json_object_foreach(v, k, x) {
      const char *r = check_spans(x, len);
      if (r) return r;
    }
  } else if (json_is_array(v)) {
    json_array_foreach(v, i, x) {
      const char *r = check_spans(x, len);
      if (r) return r;
    }
  }
  return NULL;
}

static void print_path(json_t *root, const char *path)
{
  char buf[256], *tok, *save = NULL;
  json_t *v = root;
  snprintf(buf, sizeof buf, "%s", path);
  for (tok = strtok_r(buf, ".", &save); tok && v;
       tok = strtok_r(NULL, ".", &save)) {
    if (strcmp(tok, "#") == 0) {
      printf("%zu", json_is_array(v)    ? json_array_size(v)
                    : json_is_object(v) ? json_object_size(v)
                                        : (size_t)0);
      return;
    }
    if (strcmp(tok, "@keys") == 0 && json_is_object(v)) {
      const char *k;
      json_t *x;
      bool first = true;
      json_object_foreach(v, k, x) {
        printf("%s%s", first ? "" : ",", k);
        first = false;
      }
      return;
    }
    if (json_is_array(v)) {
      char *end;
      long ix = strtol(tok, &end, 10);
      v = *end || ix < 0 ? NULL : json_array_get(v, (size_t)ix);
    } else if (json_is_object(v)) {
      v = json_object_get(v, tok);
    } else {
      v = NULL;
    }
  }
  if (!v) {
    fputs("MISSING", stdout);
  } else if (json_is_string(v)) {
    fwrite(json_string_value(v), 1, json_string_length(v), stdout);
  } else {
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    fputs(s ? s : "?", stdout);
    free(s);
  }
}

static int check_one(const char *s, size_t n, unsigned long no, long long len,
                     int npaths, char **paths)
{
  json_error_t e;
  json_t *root;
  size_t bad;
  const char *why;
  if (!utf8_ok((const unsigned char *)s, n, &bad)) {
    fprintf(stderr, "jsoncheck: value %lu: invalid UTF-8 at byte %zu\n", no,
            bad);
    return 1;
  }
  root = json_loadb(s, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
  if (!root) {
    fprintf(stderr, "jsoncheck: value %lu: %s (line %d column %d)\n", no,
            e.text, e.line, e.column);
    return 1;
  }
  if (len >= 0 && (why = check_spans(root, len)) != NULL) {
    fprintf(stderr, "jsoncheck: value %lu: %s (len %lld)\n", no, why, len);
    json_decref(root);
    return 1;
  }
  for (int i = 0; i < npaths; i++) {
    if (i) putchar('\t');
    print_path(root, paths[i]);
  }
  if (npaths) putchar('\n');
  json_decref(root);
  return 0;
}

int main(int argc, char **argv)
{
  bool lines = false;
  long long len = -1;
  int i = 1, rc = 0;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "-l") == 0) lines = true;
    else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
      len = strtoll(argv[++i], NULL, 10);
    else {
      fprintf(stderr, "usage: jsoncheck [-l] [-n LEN] [PATH...]\n");
      return 2;
    }
  }
  for (;;) {
    size_t got;
    if (cap - n < 65536) {
      char *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
      if (!nb) return 2;
      buf = nb;
    }
    got = fread(buf + n, 1, cap - n, stdin);
    if (!got) break;
    n += got;
  }
  if (!lines) {
    rc = check_one(buf ? buf : "", n, 1, len, argc - i, argv + i);
  } else {
    size_t s = 0;
    unsigned long no = 0;
    while (s < n) {
      char *nl = memchr(buf + s, '\n', n - s);
      size_t e = nl ? (size_t)(nl - buf) : n;
      no++;
      if (!nl) {
        fprintf(stderr, "jsoncheck: line %lu: no final newline\n", no);
        rc = 1;
      }
      rc |= check_one(buf + s, e - s, no, len, argc - i, argv + i);
      s = e + 1;
    }
  }
  free(buf);
  return rc;
}
