/*
** tone_json.c -- compact JSON pieces for the tone, themes and keywords
** fields, written without the writer's per-key calls.
**
** In compact output with byte offsets, those writers build each object
** (keys, numbers, spans, plain strings) in a stack buffer and hand it to
** dl__jw_raw() in one call: the same bytes the key-by-key writer gives,
** at a fraction of the calls (each key, value and number cost 100-400
** instructions there). The digits, numbers and string test are the
** writer's own (json.c: dl__json_uint, dl__json_fixed, dl__json_safe_len).
** Any piece the writer's fast path is not sure of (a number near a
** rounding tie or out of range, a string with a byte to escape) makes
** these return NULL, and the caller writes that object the ordinary way.
*/
#include "tone.h"

#include <math.h>
#include <string.h>

/* dl__jw_double(w, v, 3)'s bytes. */
char *dl__told_json_num3(char *p, double v)
{
  int n = dl__json_fixed(p, v, 3);
  return n < 0 ? NULL : p + n;
}

/* dl__jw_double(w, v, 3)'s bytes for a float, without the writer's
** general path: (double)v * 1000 is exact (24 + 10 bits), so its integer
** and fraction give the correctly rounded thousandths, which is what the
** writer prints (its fast path, or printf when that is unsure). An exact
** tie (printf's rounding mode decides) and numbers from 2^52 thousandths
** on, NaN and infinities give NULL: the caller writes those as for
** dl__told_json_num3. Trimmed as the writer does (0.500 -> 0.5, 1.000 ->
** 1, -0.000 -> 0). At most 24 bytes. */
char *dl__told_json_float3(char *p, float v)
{
  double x = fabs((double)v) * 1000.0, r, f;
  unsigned long long q;
  unsigned fp;
  if (!(x < 0x1p52)) return NULL;
  r = floor(x);
  f = x - r;
  if (f == 0.5) return NULL;
  q = (unsigned long long)r + (f > 0.5);
  if (q == 0) {
    *p++ = '0';
    return p;
  }
  if (signbit(v)) *p++ = '-';
  p = dl__json_uint(p, q / 1000);
  fp = (unsigned)(q % 1000);
  if (fp) {
    p[0] = '.';
    p[1] = (char)('0' + fp / 100);
    p[2] = (char)('0' + fp / 10 % 10);
    p[3] = (char)('0' + fp % 10);
    p += fp % 100 ? fp % 10 ? 4 : 3 : 2;
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

/* One compact value written straight into the writer's buffer: its comma
** (or nothing after a key) as dl__jw_raw writes it, then room for max
** bytes; the place to write them, or NULL when out of memory (the writer
** then has oom set). dl__told_json_end() ends it. The caller writes only
** bytes the writer itself would (as for the pieces above). */
char *dl__told_json_begin(dl__jw *w, size_t max)
{
  dl__jw_raw(w, "", 0);
  if (w->oom) return NULL;
  if (w->b.cap - w->b.len <= max && !dl__buf_reserve(&w->b, max)) {
    w->oom = true;
    return NULL;
  }
  return w->b.p + w->b.len;
}

void dl__told_json_end(dl__jw *w, char *end)
{
  w->b.len = (size_t)(end - w->b.p);
  w->b.p[w->b.len] = 0;
}

/* The writer's state before dl__told_json_begin, to take back a value
** the fast path could not finish (a number only the writer's own call
** writes): the caller then writes it the ordinary way. */
dl__told_json_mark dl__told_json_mark_of(const dl__jw *w)
{
  dl__told_json_mark m;
  m.len = w->b.len;
  m.after_key = w->after_key;
  m.comma = w->depth > 0 && w->depth < 64 ? w->need_comma[w->depth] : false;
  return m;
}

void dl__told_json_undo(dl__jw *w, dl__told_json_mark m)
{
  if (w->oom) return;
  w->b.len = m.len;
  w->b.p[m.len] = 0;
  w->after_key = m.after_key;
  if (w->depth > 0 && w->depth < 64) w->need_comma[w->depth] = m.comma;
}
