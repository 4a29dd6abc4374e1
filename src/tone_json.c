/*
** tone_json.c -- compact JSON pieces for the tone, themes and keywords
** fields, written without the writer's per-key calls.
**
** In compact output with byte offsets, those writers build each object
** (keys, numbers, spans, plain strings) in a stack buffer and hand it to
** dl__jw_raw() in one call: the same bytes the key-by-key writer gives,
** at a fraction of the calls (each key, value and number cost 100-400
** instructions there). Any piece the helpers cannot write exactly as the
** writer would (a number near a rounding tie or out of range, a string
** with a byte to escape) makes them return NULL, and the caller writes
** that object the ordinary way.
*/
#include "tone.h"

#include <math.h>
#include <string.h>

/* Decimal digits of v at p; returns the end. The length first, then
** two digits a step from a table (as json.c's put_digits), written in
** place. */
static char *put_u(char *p, uint64_t v)
{
  static const char d2[] = "00010203040506070809101112131415161718192021222324"
                           "25262728293031323334353637383940414243444546474849"
                           "50515253545556575859606162636465666768697071727374"
                           "75767778798081828384858687888990919293949596979899";
  size_t n = 1;
  char *q;
  for (uint64_t t = v; t >= 10; t /= 10) n++;
  q = p + n;
  while (v >= 100) {
    unsigned r = (unsigned)(v % 100);
    v /= 100;
    q -= 2;
    q[0] = d2[2 * r];
    q[1] = d2[2 * r + 1];
  }
  if (v >= 10) {
    q[-2] = d2[2 * v];
    q[-1] = d2[2 * v + 1];
  } else {
    q[-1] = (char)('0' + v);
  }
  return p + n;
}

char *dl__told_json_uint(char *p, uint64_t v) { return put_u(p, v); }

/* dl__jw_double(w, v, 3)'s bytes: "%.3f" with the trailing zeros and a
** trailing dot trimmed, "-0" written "0". The same rounding test as the
** writer's fast path (json.c fixed_fast): s = |v| * 1000 rounded once;
** a fraction within a few ulps of one half is left to the writer. */
char *dl__told_json_num3(char *p, double v)
{
  double a = fabs(v), s, r, f;
  uint64_t q, ip;
  unsigned fp;
  if (!(a < 1e12)) return NULL; /* NaN, infinities, large values */
  s = a * 1e3;
  r = floor(s);
  f = s - r;
  if (fabs(f - 0.5) <= s * 0x1p-48 + 0x1p-60) return NULL;
  q = (uint64_t)r + (f > 0.5);
  if (!q) {
    *p++ = '0';
    return p;
  }
  if (signbit(v)) *p++ = '-';
  ip = q / 1000;
  fp = (unsigned)(q % 1000);
  p = put_u(p, ip);
  if (fp) {
    unsigned d1 = fp / 100, d2 = fp / 10 % 10, d3 = fp % 10;
    *p++ = '.';
    *p++ = (char)('0' + d1);
    if (d2 || d3) *p++ = (char)('0' + d2);
    if (d3) *p++ = (char)('0' + d3);
  }
  return p;
}

/* {"start":S,"end":E} (byte offsets). */
char *dl__told_json_span(char *p, uint32_t s, uint32_t e)
{
  memcpy(p, "{\"start\":", 9);
  p = put_u(p + 9, s);
  memcpy(p, ",\"end\":", 7);
  p = put_u(p + 7, e);
  *p++ = '}';
  return p;
}

/* "s" when every byte of s is printable ASCII other than '"' and '\\'
** (what the writer copies as it is), else NULL. Copied first, then
** checked eight bytes at a time (json.c's safe_run test). */
char *dl__told_json_plain(char *p, const char *s, size_t n)
{
  const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
  const unsigned char *u = (const unsigned char *)s;
  uint64_t bad = 0;
  size_t i = 0;
  *p++ = '"';
  memcpy(p, s, n);
  for (; i + 8 <= n; i += 8) {
    uint64_t x, q, bs;
    memcpy(&x, u + i, 8);
    q = x ^ (ones * '"');
    bs = x ^ (ones * '\\');
    bad |= ((q - ones) & ~q) | ((bs - ones) & ~bs) |
           ((x - ones * 0x20) & ~x) | x;
  }
  if (bad & high) return NULL;
  for (; i < n; i++) {
    unsigned char c = u[i];
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return NULL;
  }
  p += n;
  *p++ = '"';
  return p;
}
