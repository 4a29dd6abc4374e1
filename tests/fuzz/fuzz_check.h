/*
** fuzz_check.h -- invariants shared by the fuzz targets (SQLite's
** fuzzinvariants.c idea: a target checks properties of the result, not
** just the absence of a crash). Test code only: a broken invariant prints
** what broke and aborts, which libFuzzer and the replay both report.
**
** The JSON check is strict and independent of the writer: every byte is
** validated as RFC 3629 UTF-8 by a decoder written here, then jansson
** parses the text as RFC 8259 JSON with duplicate keys rejected.
*/
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include "internal.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_MAX_LEN 65536 /* inputs are capped, as utf8proc does */

#define FZ_CHECK(cond, ...)                                                 \
  do {                                                                      \
    if (!(cond)) {                                                          \
      fprintf(stderr, "%s:%d: invariant broken: %s: ", __FILE__, __LINE__,  \
              #cond);                                                       \
      fprintf(stderr, __VA_ARGS__);                                         \
      fputc('\n', stderr);                                                  \
      abort();                                                              \
    }                                                                       \
  } while (0)

/* Length of the valid UTF-8 sequence at s[i..n), or 0. Written apart from
** src/utf8.c on purpose. */
static inline size_t fz_utf8_len(const unsigned char *s, size_t n, size_t i)
{
  unsigned c = s[i], k, v, min;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) k = 2, v = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) k = 3, v = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) k = 4, v = c & 0x07, min = 0x10000;
  else return 0;
  if (n - i < k) return 0;
  for (unsigned j = 1; j < k; j++) {
    if ((s[i + j] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i + j] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  return k;
}

/* Parses a JSON text the library wrote; aborts unless it is strict UTF-8
** JSON. Returns the parsed value (caller decrefs). */
static inline json_t *fz_check_json(const char *js, size_t n)
{
  json_error_t e;
  json_t *root;
  const unsigned char *u = (const unsigned char *)js;
  FZ_CHECK(js != NULL, "no JSON");
  FZ_CHECK(strlen(js) == n, "length %zu, strlen %zu", n, strlen(js));
  for (size_t i = 0; i < n;) {
    size_t k = fz_utf8_len(u, n, i);
    FZ_CHECK(k > 0, "invalid UTF-8 in the output at byte %zu", i);
    i += k;
  }
  root = json_loadb(js, n, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &e);
  FZ_CHECK(root != NULL, "invalid JSON: %s at %d: %.200s", e.text, e.position,
           js);
  FZ_CHECK(json_is_object(root), "output is not an object");
  return root;
}

/* cp[i] = number of code points before byte i, for every byte i that
** starts a code point of text (an invalid byte is one code point, as it
** is written as U+FFFD); (size_t)-1 inside a multi-byte sequence. */
static inline size_t *fz_cp_index(const char *text, size_t len)
{
  const unsigned char *u = (const unsigned char *)text;
  size_t *cp = malloc((len + 1) * sizeof *cp), n = 0, i = 0;
  FZ_CHECK(cp != NULL, "out of memory in the test");
  while (i < len) {
    size_t k = fz_utf8_len(u, len, i);
    if (!k) k = 1;
    cp[i] = n++;
    for (size_t j = 1; j < k; j++) cp[i + j] = (size_t)-1;
    i += k;
  }
  cp[len] = n;
  return cp;
}

/* Checks the spans of one kind in the document: inside the text, on code
** point boundaries, non-empty (except where noted), and, when `ordered`,
** increasing without overlap. */
static inline void fz_check_spans(const dl_doc *d, dl_kind kind,
                                  const size_t *cp, bool ordered)
{
  size_t len, prev_end = 0, n = dl_doc_count(d, kind);
  dl_span s;
  (void)dl_doc_text(d, &len);
  for (size_t i = 0; i < n; i++) {
    FZ_CHECK(dl_doc_span(d, kind, i, &s) == DL_OK, "kind %d item %zu",
             (int)kind, i);
    FZ_CHECK(s.start < s.end && s.end <= len, "kind %d item %zu: %zu-%zu of %zu",
             (int)kind, i, s.start, s.end, len);
    FZ_CHECK(cp[s.start] != (size_t)-1 && cp[s.end] != (size_t)-1,
             "kind %d item %zu: %zu-%zu splits a code point", (int)kind, i,
             s.start, s.end);
    if (ordered)
      FZ_CHECK(s.start >= prev_end, "kind %d item %zu starts at %zu before %zu",
               (int)kind, i, s.start, prev_end);
    prev_end = s.end;
  }
  FZ_CHECK(dl_doc_span(d, kind, n, &s) == DL_ERR_INVALID,
           "kind %d: item past the end", (int)kind);
}

/* Document invariants: token and sentence spans, sentences on token
** boundaries, every token in exactly one sentence (when both ran). */
static inline void fz_check_doc(const dl_doc *d, const size_t *cp)
{
  size_t nt = dl_doc_count(d, DL_KIND_TOKEN);
  size_t ns = dl_doc_count(d, DL_KIND_SENTENCE);
  fz_check_spans(d, DL_KIND_TOKEN, cp, true);
  fz_check_spans(d, DL_KIND_SENTENCE, cp, true);
  fz_check_spans(d, DL_KIND_CLEAN, cp, false);
  fz_check_spans(d, DL_KIND_MENTION, cp, true);
  fz_check_spans(d, DL_KIND_INVALID_UTF8, cp, true);
  if (ns && nt) {
    size_t t = 0;
    for (size_t i = 0; i < ns; i++) {
      const dl__sentence *s = &d->sentences[i];
      FZ_CHECK(s->tok_start < s->tok_end && s->tok_end <= nt,
               "sentence %zu: tokens %u-%u of %zu", i, s->tok_start,
               s->tok_end, nt);
      FZ_CHECK(s->tok_start == t, "sentence %zu starts at token %u, not %zu",
               i, s->tok_start, t);
      FZ_CHECK(s->start == d->tokens[s->tok_start].start &&
                   s->end == d->tokens[s->tok_end - 1].end,
               "sentence %zu (%u-%u) not on token boundaries", i, s->start,
               s->end);
      for (size_t k = s->tok_start; k < s->tok_end; k++)
        FZ_CHECK(d->tokens[k].sent == i, "token %zu in sentence %u, not %zu",
                 k, d->tokens[k].sent, i);
      t = s->tok_end;
    }
    FZ_CHECK(t == nt, "%zu tokens, sentences cover %zu", nt, t);
  }
  for (size_t i = 0; i < d->n_mentions; i++) {
    const dl__mention *m = &d->mentions[i];
    if (m->flags & DL__MEN_CREDIT) {
      /* From a photo credit: no tokens, and inside a credit clean span. */
      bool inside = false;
      for (size_t c = 0; c < d->n_clean; c++)
        if (strcmp(d->clean[c].reason, "credit") == 0 &&
            d->clean[c].start <= m->start && m->end <= d->clean[c].end)
          inside = true;
      FZ_CHECK(m->tok_start == m->tok_end && m->tok_end <= nt && inside,
               "credit mention %zu: tokens %u-%u, span %u-%u", i,
               m->tok_start, m->tok_end, m->start, m->end);
      continue;
    }
    FZ_CHECK(m->tok_start < m->tok_end && m->tok_end <= nt,
             "mention %zu: tokens %u-%u of %zu", i, m->tok_start, m->tok_end,
             nt);
  }
}

/* The spans in a record's array `key` must equal the document's spans of
** `kind`, converted to code points when `chars`. */
static inline void fz_check_json_spans(json_t *root, const char *key,
                                       const dl_doc *d, dl_kind kind,
                                       const size_t *cp, bool chars)
{
  json_t *arr = json_object_get(root, key), *v;
  size_t i;
  if (!arr) return;
  FZ_CHECK(json_is_array(arr), "%s is not an array", key);
  FZ_CHECK(json_array_size(arr) == dl_doc_count(d, kind),
           "%s: %zu in JSON, %zu in the document", key, json_array_size(arr),
           dl_doc_count(d, kind));
  json_array_foreach(arr, i, v) {
    dl_span s;
    json_t *sp = json_object_get(v, "span") ? json_object_get(v, "span") : v;
    long long a = json_integer_value(json_object_get(sp, "start"));
    long long b = json_integer_value(json_object_get(sp, "end"));
    dl_doc_span(d, kind, i, &s);
    if (chars) {
      s.start = cp[s.start];
      s.end = cp[s.end];
    }
    FZ_CHECK((size_t)a == s.start && (size_t)b == s.end,
             "%s[%zu]: JSON %lld-%lld, document %zu-%zu (%s)", key, i, a, b,
             s.start, s.end, chars ? "chars" : "bytes");
  }
}

#endif
