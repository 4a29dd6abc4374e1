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

/* Room for n more bytes and the NUL; false (and oom) when out of memory.
** After it, writers store straight into b.p + b.len. */
static inline bool room(dl__jw *w, size_t n)
{
  if (w->oom) return false;
  if (n < w->b.cap - w->b.len) return true;
  if (!dl__buf_reserve(&w->b, n)) {
    w->oom = true;
    return false;
  }
  return true;
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
static inline void pre_value(dl__jw *w)
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
static inline void open(dl__jw *w, char c)
{
  pre_value(w);
  put(w, &c, 1);
  w->depth++;
  if (w->depth < 64)
    w->need_comma[w->depth] = false;
  else
    w->oom = true;
}

static inline void close_(dl__jw *w, char c)
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

/* Bytes that a JSON string takes as they are: printable ASCII other than
** the quote and the backslash. */
#define SAFE(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\')

/* Length of the run of SAFE bytes at u[0..n): eight bytes at a time
** (SWAR: a byte is unsafe when below 0x20, from 0x80 on, '"' or '\\'),
** then byte by byte. Most strings of a record are one such run. */
static inline size_t safe_run(const unsigned char *u, size_t n)
{
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  size_t i = 0;
  while (i + 8 <= n) {
    uint64_t x, q, bs, lt;
    memcpy(&x, u + i, 8);
    q = x ^ (ones * '"');
    bs = x ^ (ones * '\\');
    /* A zero byte in q or bs is a '"' or '\\'; lt flags bytes < 0x20.
    ** Bytes from 0x80 on are caught by x & high, so the "has a zero
    ** byte" tests may give false hits there only, which do not matter. */
    lt = (x - ones * 0x20) & ~x;
    if (((q - ones) & ~q) & high || ((bs - ones) & ~bs) & high ||
        (lt | x) & high)
      break;
    i += 8;
  }
  while (i < n && SAFE(u[i])) i++;
  return i;
}

static void put_escaped(dl__jw *w, const char *s, size_t n)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  if (!room(w, n + 2)) return;
  w->b.p[w->b.len++] = '"';
  while (i < n) {
    unsigned c;
    size_t run = safe_run(u + i, n - i);
    if (run) {
      /* The common case: a run of plain ASCII copied at once. */
      if (!room(w, run + 1)) return;
      memcpy(w->b.p + w->b.len, s + i, run);
      w->b.len += run;
      i += run;
      if (i == n) break;
    }
    c = u[i];
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
  if (!room(w, 1)) return;
  w->b.p[w->b.len++] = '"';
  w->b.p[w->b.len] = 0;
}

void dl__jw_key(dl__jw *w, const char *k)
{
  pre_value(w);
  /* Keys are short literals of safe bytes: copied in one pass that
  ** stops at the NUL, with the slow path for anything else (a byte to
  ** escape, or a key longer than KEYFAST). */
  enum { KEYFAST = 48 };
  if (room(w, KEYFAST + 4)) {
    char *p = w->b.p + w->b.len, *q = p + 1;
    const unsigned char *u = (const unsigned char *)k;
    size_t i = 0;
    while (i < KEYFAST && u[i] && SAFE(u[i])) q[i] = (char)u[i], i++;
    if (!u[i]) {
      *p = '"';
      q += i;
      *q++ = '"';
      *q++ = ':';
      if (w->pretty) *q++ = ' ';
      *q = 0;
      w->b.len = (size_t)(q - w->b.p);
      w->after_key = true;
      return;
    }
  }
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

/* Decimal digits of v, written backwards ending at end; returns the
** first. Two digits per division (the yyjson/fmt table). */
static char *put_digits(char *end, unsigned long long v)
{
  static const char d2[] = "00010203040506070809101112131415161718192021222324"
                           "25262728293031323334353637383940414243444546474849"
                           "50515253545556575859606162636465666768697071727374"
                           "75767778798081828384858687888990919293949596979899";
  char *p = end;
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    p -= 2;
    p[0] = d2[2 * r];
    p[1] = d2[2 * r + 1];
  }
  if (v >= 10) {
    p -= 2;
    p[0] = d2[2 * v];
    p[1] = d2[2 * v + 1];
  } else {
    *--p = (char)('0' + v);
  }
  return p;
}

/* The digits v takes: by comparisons up to 32 bits (spans, counts), a
** division a digit above. */
char *dl__json_uint(char *p, unsigned long long v)
{
  char *end;
  if (v <= 0xffffffffu) {
    unsigned n = v < 100000u ? (v < 100u ? (v < 10u ? 1 : 2)
                                         : v < 1000u ? 3 : v < 10000u ? 4 : 5)
                 : v < 10000000u ? (v < 1000000u ? 6 : 7)
                 : v < 100000000u ? 8 : v < 1000000000u ? 9 : 10;
    end = p + n;
  } else {
    end = p + 1;
    for (unsigned long long t = v; t >= 10; t /= 10) end++;
  }
  put_digits(end, v);
  return end;
}

void dl__jw_int(dl__jw *w, long long v)
{
  if (v >= 0) {
    dl__jw_uint(w, (unsigned long long)v);
  } else {
    char tmp[32];
    char *p;
    unsigned long long u = 0ull - (unsigned long long)v; /* LLONG_MIN too */
    p = put_digits(tmp + sizeof tmp, u);
    *--p = '-';
    pre_value(w);
    put(w, p, (size_t)(tmp + sizeof tmp - p));
  }
}

void dl__jw_uint(dl__jw *w, unsigned long long v)
{
  char tmp[32];
  /* Hand-rolled: spans are written by the million. */
  char *p = put_digits(tmp + sizeof tmp, v);
  pre_value(w);
  put(w, p, (size_t)(tmp + sizeof tmp - p));
}

/* "%.*f" of v for digits <= 9 and |v| * 10^digits < 2^53, without
** printf, into tmp; returns the length, or -1 when the fast path cannot
** be sure to give printf's answer (then the caller asks printf).
** printf rounds the exact binary value of v to `digits` places. Here
** s = |v| * 10^digits is one rounded multiplication (10^digits is exact),
** so it is within half an ulp of the exact product; unless the fraction
** of s is within a few ulps of one half, s rounds the same way as the
** exact product would, and the integer then spells the same digits. */
static int fixed_fast(char *tmp, double v, int digits)
{
  static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4,
                               1e5, 1e6, 1e7, 1e8, 1e9};
  static const unsigned long long u10[] = {
      1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull,
      10000000ull, 100000000ull, 1000000000ull};
  double s, r, f;
  unsigned long long q, ip, fp;
  char buf[48], *p, *end = buf + sizeof buf;
  int n = 0;
  if (digits > 9) return -1;
  s = fabs(v) * p10[digits];
  if (!(s < 0x1p52)) return -1;
  r = floor(s);
  f = s - r; /* exact: s and r share their exponent range */
  if (fabs(f - 0.5) <= s * 0x1p-48 + 0x1p-60) return -1;
  q = (unsigned long long)r + (f > 0.5);
  ip = q / u10[digits];
  fp = q % u10[digits];
  if (signbit(v)) tmp[n++] = '-';
  p = put_digits(end, ip);
  memcpy(tmp + n, p, (size_t)(end - p));
  n += (int)(end - p);
  if (digits) {
    tmp[n++] = '.';
    for (int k = digits - 1; k >= 0; k--) {
      tmp[n + k] = (char)('0' + fp % 10);
      fp /= 10;
    }
    n += digits;
  }
  return n;
}

/* Trims a "%.*f" rendering as the writer prints it: 0.500000 -> 0.5,
** 2.000 -> 2, -0 -> 0; returns the new length. */
static int trim_fixed(char *tmp, int n)
{
  if (memchr(tmp, '.', (size_t)n)) {
    while (n > 0 && tmp[n - 1] == '0') n--;
    if (n > 0 && tmp[n - 1] == '.') n--;
  }
  if (n == 2 && tmp[0] == '-' && tmp[1] == '0') {
    tmp[0] = '0';
    n = 1;
  }
  return n;
}

int dl__json_fixed(char *tmp, double v, int digits)
{
  int n;
  if (!isfinite(v) || digits < 0 || digits > 17 || !(fabs(v) < 1e15))
    return -1;
  n = fixed_fast(tmp, v, digits);
  return n < 0 ? -1 : trim_fixed(tmp, n);
}

size_t dl__json_safe_len(const char *s, size_t n)
{
  return safe_run((const unsigned char *)s, n);
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
  n = -1;
  if (fabs(v) < 1e15) {
    n = fixed_fast(tmp, v, digits);
    if (n < 0) n = snprintf(tmp, sizeof tmp, "%.*f", digits, v);
  }
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
  n = trim_fixed(tmp, n);
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
