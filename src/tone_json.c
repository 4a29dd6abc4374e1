/*
** tone_json.c -- compact JSON pieces for the tone, themes and keywords
** fields, written without the writer's per-key calls.
**
** In compact output with byte offsets, those writers build each object
** (keys, numbers, spans, plain strings) in a stack buffer and hand it to
** dl__jw_raw() in one call: the same bytes the key-by-key writer gives,
** at a fraction of the calls (each key, value and number cost 100-400
** instructions there). The digits, numbers and string test are the
** writer's own (json.c: dl__json_uint, dl__json_safe_len; numbers by num3
** below, the bytes of dl__json_fixed).
** Any piece the writer's fast path is not sure of (a number near a
** rounding tie or out of range, a string with a byte to escape) makes
** these return NULL, and the caller writes that object the ordinary way.
*/
#include "tone.h"

#include <math.h>
#include <string.h>

/* dl__jw_double(w, v, 3)'s bytes: json.c's fixed_fast and trim_fixed for
** 3 digits, inlined (the same rounding of |v| x 1000, the same test of a
** tie, which returns NULL) and the three decimals written and trimmed at
** once: "0.5", "2", "-0.25", "0" for -0 and for what rounds to it. */
char *dl__told_json_num3(char *p, double v)
{
  double s, r, f;
  uint64_t q, ip;
  unsigned fp;
  if (!isfinite(v) || !(fabs(v) < 1e15)) return NULL;
  s = fabs(v) * 1e3;
  if (!(s < 0x1p52)) return NULL;
  r = floor(s);
  f = s - r; /* exact: s and r share their exponent range */
  if (fabs(f - 0.5) <= s * 0x1p-48 + 0x1p-60) return NULL;
  q = (uint64_t)r + (f > 0.5);
  if (q == 0) { /* 0, -0 and what rounds to them: the writer's "0" */
    *p = '0';
    return p + 1;
  }
  ip = q / 1000;
  fp = (unsigned)(q % 1000);
  if (signbit(v)) *p++ = '-';
  if (ip < 10)
    *p++ = (char)('0' + ip);
  else
    p = dl__json_uint(p, ip);
  if (fp) {
    p[0] = '.';
    p[1] = (char)('0' + fp / 100);
    p[2] = (char)('0' + fp / 10 % 10);
    p[3] = (char)('0' + fp % 10);
    p += 4;
    while (p[-1] == '0') p--; /* a digit is not 0: stops before '.' */
  }
  return p;
}

/* {"start":S,"end":E} (byte offsets). Spans are most of the four's
** JSON (the themes' alone a fifth of a record's bytes). */
char *dl__told_json_span(char *p, uint32_t s, uint32_t e)
{
  memcpy(p, "{\"start\":", 9);
  p = dl__json_uint(p + 9, s);
  memcpy(p, ",\"end\":", 7);
  p = dl__json_uint(p + 7, e);
  *p++ = '}';
  return p;
}

/* "s" when the writer copies every byte of s as it is, else NULL. */
char *dl__told_json_plain(char *p, const char *s, size_t n)
{
  if (dl__json_safe_len(s, n) != n) return NULL;
  *p++ = '"';
  memcpy(p, s, n);
  p += n;
  *p++ = '"';
  return p;
}
