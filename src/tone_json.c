/*
** tone_json.c -- compact JSON pieces for the tone, themes and keywords
** fields, written without the writer's per-key calls.
**
** In compact output with byte offsets, those writers build each object
** (keys, numbers, spans, plain strings) in a stack buffer and hand it to
** dl__jw_raw() in one call: the same bytes the key-by-key writer gives,
** at a fraction of the calls (each key, value and number cost 100-400
** instructions there). The digits, numbers and string test are the
** writer's own (json.c: dl__json_fixed, dl__json_safe_len; span offsets by
** dec32 below, the bytes of dl__json_uint).
** Any piece the writer's fast path is not sure of (a number near a
** rounding tie or out of range, a string with a byte to escape) makes
** these return NULL, and the caller writes that object the ordinary way.
*/
#include "tone.h"

#include <string.h>

/* dl__jw_double(w, v, 3)'s bytes. */
char *dl__told_json_num3(char *p, double v)
{
  int n = dl__json_fixed(p, v, 3);
  return n < 0 ? NULL : p + n;
}

/* The decimal digits of v at p (the bytes of dl__json_uint): the digit
** count by comparisons, then two digits per 32-bit division by a constant
** (the writer's counts with a division per digit, in 64 bits); the end. */
static inline char *dec32(char *p, uint32_t v)
{
  static const char d2[] =
      "00010203040506070809101112131415161718192021222324"
      "25262728293031323334353637383940414243444546474849"
      "50515253545556575859606162636465666768697071727374"
      "75767778798081828384858687888990919293949596979899";
  size_t n = v < 100000u
                 ? (v < 100u ? (v < 10u ? 1 : 2)
                             : v < 1000u ? 3 : v < 10000u ? 4 : 5)
                 : v < 10000000u ? (v < 1000000u ? 6 : 7)
                                 : v < 100000000u ? 8
                                                  : v < 1000000000u ? 9 : 10;
  char *e = p + n, *q = e;
  while (v >= 100u) {
    uint32_t r = v % 100u;
    v /= 100u;
    q -= 2;
    q[0] = d2[2 * r];
    q[1] = d2[2 * r + 1];
  }
  if (v >= 10u) {
    q[-2] = d2[2 * v];
    q[-1] = d2[2 * v + 1];
  } else {
    q[-1] = (char)('0' + v);
  }
  return e;
}

/* {"start":S,"end":E} (byte offsets). Spans are most of the four's
** JSON (the themes' alone a fifth of a record's bytes). */
char *dl__told_json_span(char *p, uint32_t s, uint32_t e)
{
  memcpy(p, "{\"start\":", 9);
  p = dec32(p + 9, s);
  memcpy(p, ",\"end\":", 7);
  p = dec32(p + 7, e);
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
