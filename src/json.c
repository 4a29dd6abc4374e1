/*
** json.c -- a small, fast JSON writer that always emits valid UTF-8 JSON.
**
** Reading JSON is jansson's job (tools/dateline/input.c); writing is ours
** because the record writer is on the hot path of every document and
** must turn arbitrary input bytes into valid JSON: control characters are
** escaped, invalid UTF-8 becomes U+FFFD, and U+2028/U+2029 are escaped so
** the output is also valid JavaScript. The writer tracks commas itself,
** so callers just emit keys and values in order.
**
** On allocation failure `oom` is set and every later call does nothing;
** callers check it once at the end (the stdio ferror() pattern).
*/
#include "internal.h"

#include <math.h>
#include <stdio.h>

void dl__jw_init(dl__jw *w, const dl_allocator *al, bool pretty)
{
  dl__buf_init(&w->b, al);
  w->depth = 0;
  w->pretty = pretty;
  w->oom = false;
  w->need_comma[0] = false;
  w->after_key = false;
}

void dl__jw_free(dl__jw *w) { dl__buf_free(&w->b); }

static inline void put(dl__jw *w, const char *s, size_t n)
{
  dl__buf *b = &w->b;
  if (w->oom) return;
  if (n < b->cap - b->len) { /* room for n bytes and the NUL: no call */
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
    return;
  }
  if (!dl__buf_append(b, s, n)) w->oom = true;
}

static void newline(dl__jw *w)
{
  static const char spaces[] = "                                ";
  int ind = w->depth * 2;
  put(w, "\n", 1);
  while (ind > 0) {
    int k = ind > 32 ? 32 : ind;
    put(w, spaces, (size_t)k);
    ind -= k;
  }
}

/* Called before every value or key: writes the comma and indentation. */
static void pre_value(dl__jw *w)
{
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth > 0 && w->depth < 64) {
    if (w->need_comma[w->depth]) put(w, ",", 1);
    w->need_comma[w->depth] = true;
    if (w->pretty) newline(w);
  }
}

/* The comma stack has 64 levels. Deeper nesting would come out without
** commas, so it fails the writer instead (the `oom` flag doubles as "this
** output is unusable"); no record comes near that depth. */
static void open(dl__jw *w, char c)
{
  pre_value(w);
  put(w, &c, 1);
  w->depth++;
  if (w->depth < 64)
    w->need_comma[w->depth] = false;
  else
    w->oom = true;
}

static void close_(dl__jw *w, char c)
{
  bool had = w->depth < 64 ? w->need_comma[w->depth] : true;
  w->depth--;
  if (w->pretty && had) newline(w);
  put(w, &c, 1);
}

void dl__jw_obj_begin(dl__jw *w) { open(w, '{'); }
void dl__jw_obj_end(dl__jw *w) { close_(w, '}'); }
void dl__jw_arr_begin(dl__jw *w) { open(w, '['); }
void dl__jw_arr_end(dl__jw *w) { close_(w, ']'); }

static void put_escaped(dl__jw *w, const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, run = 0;
  if (w->oom) return;
  if (!dl__buf_reserve(&w->b, n + 2)) {
    w->oom = true;
    return;
  }
  put(w, "\"", 1);
  while (i < n) {
    unsigned c = u[i];
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      /* The common case: copy runs of plain ASCII at once. */
      run = i;
      while (i < n && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' &&
             u[i] != '\\')
        i++;
      put(w, s + run, i - run);
      continue;
    }
    if (c < 0x80) {
      char esc[6];
      switch (c) {
      case '"': put(w, "\\\"", 2); break;
      case '\\': put(w, "\\\\", 2); break;
      case '\n': put(w, "\\n", 2); break;
      case '\r': put(w, "\\r", 2); break;
      case '\t': put(w, "\\t", 2); break;
      case '\b': put(w, "\\b", 2); break;
      case '\f': put(w, "\\f", 2); break;
      default:
        esc[0] = '\\';
        esc[1] = 'u';
        esc[2] = '0';
        esc[3] = '0';
        esc[4] = hex[c >> 4];
        esc[5] = hex[c & 15];
        put(w, esc, 6);
      }
      i++;
      continue;
    }
    {
      int32_t cp;
      size_t k = dl__utf8_decode(u, n, i, &cp);
      if (k == 0) {
        put(w, "\xEF\xBF\xBD", 3); /* U+FFFD for each invalid byte */
        i++;
      } else if (cp == 0x2028 || cp == 0x2029) {
        put(w, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
        i += k;
      } else {
        put(w, s + i, k);
        i += k;
      }
    }
  }
  put(w, "\"", 1);
}

void dl__jw_key(dl__jw *w, const char *k)
{
  pre_value(w);
  put_escaped(w, k, strlen(k));
  put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
  w->after_key = true;
}

void dl__jw_str(dl__jw *w, const char *s, size_t n)
{
  pre_value(w);
  put_escaped(w, s, n);
}

void dl__jw_cstr(dl__jw *w, const char *s)
{
  if (!s) {
    dl__jw_null(w);
    return;
  }
  dl__jw_str(w, s, strlen(s));
}

void dl__jw_int(dl__jw *w, long long v)
{
  if (v >= 0) {
    dl__jw_uint(w, (unsigned long long)v);
  } else {
    char tmp[32];
    char *p = tmp + sizeof tmp;
    unsigned long long u = 0ull - (unsigned long long)v; /* LLONG_MIN too */
    do {
      *--p = (char)('0' + u % 10);
      u /= 10;
    } while (u);
    *--p = '-';
    pre_value(w);
    put(w, p, (size_t)(tmp + sizeof tmp - p));
  }
}

void dl__jw_uint(dl__jw *w, unsigned long long v)
{
  char tmp[32];
  char *p = tmp + sizeof tmp;
  /* Hand-rolled: spans are written by the million. */
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  pre_value(w);
  put(w, p, (size_t)(tmp + sizeof tmp - p));
}

void dl__jw_double(dl__jw *w, double v, int digits)
{
  char tmp[64];
  int n;
  if (!isfinite(v)) {
    dl__jw_null(w); /* JSON has no NaN or infinity */
    return;
  }
  if (digits < 0 || digits > 17) digits = 6;
  n = fabs(v) < 1e15 ? snprintf(tmp, sizeof tmp, "%.*f", digits, v) : -1;
  if (n < 0 || (size_t)n >= sizeof tmp) {
    /* From 1e15 on, exponent form with 15 significant digits: fixed
    ** notation would print digits a double does not have
    ** (888888888888e9 as 888888888887999987712), integers that many
    ** parsers cannot hold (jansson's int64, JavaScript's 2^53), and
    ** from about 1e45 on would not fit tmp. */
    n = snprintf(tmp, sizeof tmp, "%.15g", v);
    if (n < 0 || (size_t)n >= sizeof tmp) n = 0;
    pre_value(w);
    put(w, tmp, (size_t)n);
    return;
  }
  /* Trim trailing zeros: 0.500000 -> 0.5, 2.000 -> 2 */
  if (memchr(tmp, '.', (size_t)n)) {
    while (n > 0 && tmp[n - 1] == '0') n--;
    if (n > 0 && tmp[n - 1] == '.') n--;
  }
  if (n == 2 && tmp[0] == '-' && tmp[1] == '0') {
    tmp[0] = '0';
    n = 1;
  }
  pre_value(w);
  put(w, tmp, (size_t)n);
}

void dl__jw_bool(dl__jw *w, bool v)
{
  pre_value(w);
  put(w, v ? "true" : "false", v ? 4 : 5);
}

void dl__jw_null(dl__jw *w)
{
  pre_value(w);
  put(w, "null", 4);
}

void dl__jw_raw(dl__jw *w, const char *s, size_t n)
{
  pre_value(w);
  put(w, s, n);
}
