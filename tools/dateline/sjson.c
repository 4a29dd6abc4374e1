/*
** sjson.c -- in-situ JSON reader (see sjson.h).
**
** A recursive-descent parser over a mutable buffer. Values go to one
** growable array; a container links its children by index as they are
** parsed (`last` tracks the tail so appending is O(1)). Strings are
** unescaped into the bytes they came from -- an escape never produces
** more bytes than it spans -- and NUL-terminated at their end, which the
** closing quote or an escape frees up. Depth is capped at SJ_MAX_DEPTH so
** that a hostile line cannot exhaust the stack.
*/
#include "sjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SJ_MAX_DEPTH 64

typedef struct parser {
  sj_doc *d;
  char *p, *end, *base;
  int depth;
} parser;

static bool perr(parser *ps, const char *at, const char *msg)
{
  snprintf(ps->d->err, sizeof ps->d->err, "%s", msg);
  ps->d->err_off = (size_t)(at - ps->base);
  return false;
}

static void skip_ws_run(parser *ps)
{
  while (ps->p < ps->end &&
         (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
          *ps->p == '\r'))
    ps->p++;
}

/* Compact records have no whitespace at all: one test, inline. (buf[len]
** is the NUL sj_parse() wrote, so *ps->p is readable at the end too.) */
static inline void skip_ws(parser *ps)
{
  if ((unsigned char)*ps->p <= ' ') skip_ws_run(ps);
}

static bool new_val(parser *ps, uint32_t *out)
{
  sj_doc *d = ps->d;
  if (d->n == d->cap) {
    uint32_t ncap = d->cap ? d->cap * 2 : 256;
    sj_val *nv;
    if (ncap < d->cap) return perr(ps, ps->p, "too many values");
    nv = realloc(d->v, ncap * sizeof *nv);
    if (!nv) return perr(ps, ps->p, "out of memory");
    d->v = nv;
    d->cap = ncap;
  }
  memset(&d->v[d->n], 0, sizeof d->v[0]);
  *out = d->n++;
  return true;
}

static int hexval(char c)
{
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool hex4(parser *ps, const char *s, unsigned *out)
{
  unsigned v = 0;
  if (ps->end - s < 4) return perr(ps, s, "truncated \\u escape");
  for (int i = 0; i < 4; i++) {
    int h = hexval(s[i]);
    if (h < 0) return perr(ps, s, "bad \\u escape");
    v = v * 16 + (unsigned)h;
  }
  *out = v;
  return true;
}

static char *put_utf8(char *w, unsigned c)
{
  if (c < 0x80) {
    *w++ = (char)c;
  } else if (c < 0x800) {
    *w++ = (char)(0xC0 | (c >> 6));
    *w++ = (char)(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *w++ = (char)(0xE0 | (c >> 12));
    *w++ = (char)(0x80 | ((c >> 6) & 0x3F));
    *w++ = (char)(0x80 | (c & 0x3F));
  } else {
    *w++ = (char)(0xF0 | (c >> 18));
    *w++ = (char)(0x80 | ((c >> 12) & 0x3F));
    *w++ = (char)(0x80 | ((c >> 6) & 0x3F));
    *w++ = (char)(0x80 | (c & 0x3F));
  }
  return w;
}

int sj_utf8_len(const unsigned char *s, const unsigned char *end)
{
  unsigned c = s[0];
  int n;
  unsigned cp;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (end - s < n) return 0;
  for (int i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

/* Nonzero when one of the 8 bytes of x is '"', '\\', a control
** character or not ASCII (may flag more bytes after a true one: the
** caller then goes byte by byte). */
static inline uint64_t special8(uint64_t x)
{
  const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
  uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
  return (((q - ones) & ~q) | ((b - ones) & ~b) | (x - ones * 0x20) | x) &
         high;
}

/* Parses the string starting after its opening quote at ps->p. */
static bool parse_str(parser *ps, const char **out, uint32_t *len)
{
  char *r = ps->p, *w = ps->p, *start = ps->p;
  for (;;) {
    unsigned char c;
    /* Runs of plain ASCII, 8 bytes at a time (record texts are long), up
    ** to the next byte that needs a look: the lowest flagged one. */
    while (ps->end - r >= 8) {
      uint64_t x, m;
      memcpy(&x, r, 8);
      m = special8(x);
      if (m) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        size_t k = (size_t)__builtin_ctzll(m) >> 3;
        if (w != r) memmove(w, r, k);
        w += k;
        r += k;
#endif
        break;
      }
      if (w != r) memmove(w, r, 8);
      w += 8;
      r += 8;
    }
    if (r >= ps->end) return perr(ps, r, "unterminated string");
    c = (unsigned char)*r;
    if (c == '"') break;
    if (c < 0x20) return perr(ps, r, "control character in string");
    if (c == '\\') {
      unsigned cp;
      if (r + 1 >= ps->end) return perr(ps, r, "unterminated string");
      switch (r[1]) {
      case '"': *w++ = '"'; r += 2; continue;
      case '\\': *w++ = '\\'; r += 2; continue;
      case '/': *w++ = '/'; r += 2; continue;
      case 'b': *w++ = '\b'; r += 2; continue;
      case 'f': *w++ = '\f'; r += 2; continue;
      case 'n': *w++ = '\n'; r += 2; continue;
      case 'r': *w++ = '\r'; r += 2; continue;
      case 't': *w++ = '\t'; r += 2; continue;
      case 'u':
        if (!hex4(ps, r + 2, &cp)) return false;
        r += 6;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned lo;
          if (ps->end - r < 6 || r[0] != '\\' || r[1] != 'u' ||
              !hex4(ps, r + 2, &lo) || lo < 0xDC00 || lo > 0xDFFF)
            return perr(ps, r, "unpaired surrogate");
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          r += 6;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return perr(ps, r, "unpaired surrogate");
        }
        w = put_utf8(w, cp);
        continue;
      default:
        return perr(ps, r, "bad escape");
      }
    }
    if (c < 0x80) {
      *w++ = (char)c;
      r++;
    } else {
      int n = sj_utf8_len((const unsigned char *)r,
                       (const unsigned char *)ps->end);
      if (!n) return perr(ps, r, "invalid UTF-8 in string");
      memmove(w, r, (size_t)n);
      w += n;
      r += n;
    }
  }
  *w = 0;
  *out = start;
  *len = (uint32_t)(w - start);
  ps->p = r + 1;
  return true;
}

/* Powers of ten that a double holds exactly. */
static const double exact_pow10[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static bool parse_num(parser *ps, double *out)
{
  char *s = ps->p, *q = s;
  bool is_int = true, exact = true;
  int64_t iv = 0;
  int frac = 0; /* digits after the point, all in iv */
  if (q < ps->end && *q == '-') q++;
  if (q >= ps->end || *q < '0' || *q > '9') return perr(ps, s, "bad number");
  if (*q == '0' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9')
    return perr(ps, s, "leading zero");
  while (q < ps->end && *q >= '0' && *q <= '9') {
    if (q - s < 18) iv = iv * 10 + (*q - '0');
    else is_int = exact = false;
    q++;
  }
  if (q < ps->end && *q == '.') {
    is_int = false;
    q++;
    if (q >= ps->end || *q < '0' || *q > '9') return perr(ps, q, "bad number");
    while (q < ps->end && *q >= '0' && *q <= '9') {
      if (iv < (int64_t)1 << 49) {
        iv = iv * 10 + (*q - '0');
        frac++;
      } else {
        exact = false;
      }
      q++;
    }
  }
  if (q < ps->end && (*q == 'e' || *q == 'E')) {
    is_int = exact = false;
    q++;
    if (q < ps->end && (*q == '+' || *q == '-')) q++;
    if (q >= ps->end || *q < '0' || *q > '9') return perr(ps, q, "bad number");
    while (q < ps->end && *q >= '0' && *q <= '9') q++;
  }
  if (is_int) {
    *out = (double)(*s == '-' ? -iv : iv);
  } else if (exact && frac <= 22) {
    /* Digits that fit 2^53 divided by an exact power of ten: one
    ** correctly rounded division, so the same double as strtod (Clinger's
    ** fast path); salience, coordinates and scores all take it. */
    double v = (double)iv / exact_pow10[frac];
    *out = *s == '-' ? -v : v;
  } else {
    /* strtod needs a terminator: the byte after the number is a
    ** delimiter we can borrow for the call. */
    char save = *q;
    *q = 0;
    *out = strtod(s, NULL);
    *q = save;
  }
  ps->p = q;
  return true;
}

static bool parse_value(parser *ps, uint32_t *out);

static bool parse_container(parser *ps, uint32_t self, bool is_obj)
{
  uint32_t last = 0, count = 0;
  char close = is_obj ? '}' : ']';
  if (++ps->depth > SJ_MAX_DEPTH) return perr(ps, ps->p, "nesting too deep");
  ps->p++; /* the opening bracket */
  skip_ws(ps);
  if (ps->p < ps->end && *ps->p == close) {
    ps->p++;
    ps->depth--;
    return true;
  }
  for (;;) {
    const char *key = NULL;
    uint32_t keylen = 0, child;
    skip_ws(ps);
    if (is_obj) {
      if (ps->p >= ps->end || *ps->p != '"')
        return perr(ps, ps->p, "expected a member name");
      ps->p++;
      if (!parse_str(ps, &key, &keylen)) return false;
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':')
        return perr(ps, ps->p, "expected ':'");
      ps->p++;
      skip_ws(ps);
    }
    if (!parse_value(ps, &child)) return false;
    ps->d->v[child].key = key;
    ps->d->v[child].keylen = keylen;
    if (last)
      ps->d->v[last].next = child;
    else
      ps->d->v[self].first = child;
    last = child;
    count++;
    skip_ws(ps);
    if (ps->p >= ps->end) return perr(ps, ps->p, "unterminated container");
    if (*ps->p == ',') {
      ps->p++;
      continue;
    }
    if (*ps->p == close) {
      ps->p++;
      break;
    }
    return perr(ps, ps->p, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
  }
  ps->d->v[self].count = count;
  ps->depth--;
  return true;
}

static bool lit(parser *ps, const char *word, size_t n)
{
  if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
    return perr(ps, ps->p, "unexpected character");
  ps->p += n;
  return true;
}

static bool parse_value(parser *ps, uint32_t *out)
{
  uint32_t self;
  if (ps->p >= ps->end) return perr(ps, ps->p, "unexpected end of line");
  if (!new_val(ps, &self)) return false;
  *out = self;
  switch (*ps->p) {
  case '{':
    ps->d->v[self].type = SJ_OBJ;
    return parse_container(ps, self, true);
  case '[':
    ps->d->v[self].type = SJ_ARR;
    return parse_container(ps, self, false);
  case '"': {
    const char *s;
    uint32_t n;
    ps->p++;
    if (!parse_str(ps, &s, &n)) return false;
    ps->d->v[self].type = SJ_STR;
    ps->d->v[self].str = s;
    ps->d->v[self].count = n;
    return true;
  }
  case 't':
    ps->d->v[self].type = SJ_TRUE;
    return lit(ps, "true", 4);
  case 'f':
    ps->d->v[self].type = SJ_FALSE;
    return lit(ps, "false", 5);
  case 'n':
    ps->d->v[self].type = SJ_NULL;
    return lit(ps, "null", 4);
  default: {
    double v;
    if (!parse_num(ps, &v)) return false;
    ps->d->v[self].type = SJ_NUM;
    ps->d->v[self].num = v;
    return true;
  }
  }
}

bool sj_parse(sj_doc *d, char *buf, size_t len)
{
  parser ps;
  uint32_t root;
  d->n = 0;
  d->err[0] = 0;
  d->err_off = 0;
  buf[len] = 0;
  ps.d = d;
  ps.base = ps.p = buf;
  ps.end = buf + len;
  ps.depth = 0;
  skip_ws(&ps);
  if (ps.p == ps.end) return perr(&ps, ps.p, "empty line");
  if (!parse_value(&ps, &root)) return false;
  skip_ws(&ps);
  if (ps.p != ps.end) return perr(&ps, ps.p, "trailing characters");
  return true;
}

void sj_free(sj_doc *d)
{
  free(d->v);
  d->v = NULL;
  d->n = d->cap = 0;
}

const sj_val *sj_child(const sj_doc *d, const sj_val *o)
{
  if (!o || (o->type != SJ_OBJ && o->type != SJ_ARR) || !o->first)
    return NULL;
  return &d->v[o->first];
}

const sj_val *sj_next(const sj_doc *d, const sj_val *c)
{
  return c && c->next ? &d->v[c->next] : NULL;
}
