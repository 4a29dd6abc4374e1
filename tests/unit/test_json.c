/*
** test_json.c -- the JSON writer (src/json.c): escaping, control
** characters, U+2028/U+2029, invalid UTF-8 as U+FFFD, nesting, pretty
** mode, numbers, and the sticky failure flag.
*/
#include "internal.h"
#include "t.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* Writes one string value and compares the output. */
static const char *str1(dl__jw *w, const char *s, size_t n)
{
  dl__jw_init(w, NULL, false);
  dl__jw_str(w, s, n);
  return w->oom ? "(oom)" : w->b.p;
}

#define T_STR(in, want)                                                     \
  do {                                                                      \
    dl__jw w_;                                                              \
    const char *got_ = str1(&w_, in, sizeof(in) - 1);                       \
    int ok_ = strcmp(got_, want) == 0;                                      \
    if (!ok_) T_EQ_STR(got_, want);                                         \
    dl__jw_free(&w_);                                                       \
  } while (0)

static void t_plain(void)
{
  T_STR("", "\"\"");
  T_STR("hello world", "\"hello world\"");
  T_STR("caf\xc3\xa9 \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
}

static void t_escapes(void)
{
  T_STR("a\"b\\c/d", "\"a\\\"b\\\\c/d\"");
  T_STR("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
  T_STR("\x01\x1f\x1b", "\"\\u0001\\u001f\\u001b\"");
  T_STR("a\0b", "\"a\\u0000b\"");
  T_STR("\x7f", "\"\x7f\""); /* DEL is valid in a JSON string */
}

static void t_line_separators(void)
{
  /* Valid JSON either way, but escaped so the output is valid JavaScript
  ** too. */
  T_STR("a\xe2\x80\xa8" "b\xe2\x80\xa9", "\"a\\u2028b\\u2029\"");
  T_STR("\xe2\x80\xa7\xe2\x80\xaa", "\"\xe2\x80\xa7\xe2\x80\xaa\"");
}

static void t_invalid_utf8(void)
{
#define FFFD "\xef\xbf\xbd"
  T_STR("\xff", "\"" FFFD "\"");
  T_STR("caf\xe9!", "\"caf" FFFD "!\"");
  T_STR("\xc0\xaf", "\"" FFFD FFFD "\"");         /* overlong */
  T_STR("\xe0\x80\xaf", "\"" FFFD FFFD FFFD "\""); /* overlong */
  T_STR("\xed\xa0\x80", "\"" FFFD FFFD FFFD "\""); /* surrogate */
  T_STR("\xf4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""); /* > U+10FFFF */
  T_STR("\xe2\x82", "\"" FFFD FFFD "\"");         /* truncated */
  T_STR("\xe2\x82x", "\"" FFFD FFFD "x\"");
  T_STR("\x80\x80", "\"" FFFD FFFD "\"");          /* stray continuation */
  T_STR("\xf0\x9f\x98", "\"" FFFD FFFD FFFD "\"");
#undef FFFD
}

static void t_nesting(void)
{
  dl__jw w;
  dl__jw_init(&w, NULL, false);
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "a");
  dl__jw_arr_begin(&w);
  dl__jw_int(&w, 1);
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "b");
  dl__jw_arr_begin(&w);
  dl__jw_arr_end(&w);
  dl__jw_obj_end(&w);
  dl__jw_arr_begin(&w);
  dl__jw_arr_end(&w);
  dl__jw_arr_end(&w);
  dl__jw_key(&w, "c\"");
  dl__jw_obj_begin(&w);
  dl__jw_obj_end(&w);
  dl__jw_key(&w, "d");
  dl__jw_cstr(&w, NULL);
  dl__jw_key(&w, "e");
  dl__jw_bool(&w, true);
  dl__jw_key(&w, "f");
  dl__jw_raw(&w, "[1,2]", 5);
  dl__jw_obj_end(&w);
  T_OK(!w.oom);
  T_EQ_STR(w.b.p,
           "{\"a\":[1,{\"b\":[]},[]],\"c\\\"\":{},\"d\":null,\"e\":true,"
           "\"f\":[1,2]}");
  T_EQ_INT(w.depth, 0);
  dl__jw_free(&w);
}

static void t_deep(void)
{
  /* Deeper than the comma stack: refuse rather than write bad JSON. */
  dl__jw w;
  int i;
  dl__jw_init(&w, NULL, false);
  for (i = 0; i < 100; i++) {
    dl__jw_arr_begin(&w);
    dl__jw_int(&w, i);
  }
  for (i = 0; i < 100; i++) dl__jw_arr_end(&w);
  T_OK(w.oom);
  dl__jw_free(&w);
  /* 63 levels with two items each are fine. */
  dl__jw_init(&w, NULL, false);
  for (i = 0; i < 63; i++) {
    dl__jw_arr_begin(&w);
    dl__jw_int(&w, 1);
  }
  for (i = 0; i < 63; i++) {
    dl__jw_int(&w, 2);
    dl__jw_arr_end(&w);
  }
  T_OK(!w.oom);
  T_OK(strstr(w.b.p, "[1,[1,") == w.b.p);
  T_OK(strstr(w.b.p, "2],2],2]") != NULL);
  dl__jw_free(&w);
}

static void t_pretty(void)
{
  dl__jw w;
  dl__jw_init(&w, NULL, true);
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "a");
  dl__jw_arr_begin(&w);
  dl__jw_uint(&w, 1);
  dl__jw_uint(&w, 2);
  dl__jw_arr_end(&w);
  dl__jw_key(&w, "b");
  dl__jw_obj_begin(&w);
  dl__jw_obj_end(&w);
  dl__jw_key(&w, "c");
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "d");
  dl__jw_str(&w, "x", 1);
  dl__jw_obj_end(&w);
  dl__jw_obj_end(&w);
  T_EQ_STR(w.b.p, "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n"
                  "  \"c\": {\n    \"d\": \"x\"\n  }\n}");
  dl__jw_free(&w);
}

static const char *num(dl__jw *w, int kind, double d, long long i,
                       unsigned long long u, int digits)
{
  dl__jw_init(w, NULL, false);
  if (kind == 0) dl__jw_double(w, d, digits);
  if (kind == 1) dl__jw_int(w, i);
  if (kind == 2) dl__jw_uint(w, u);
  return w->b.p ? w->b.p : "";
}

#define T_NUM(kind, d, i, u, digits, want)                                  \
  do {                                                                      \
    dl__jw w_;                                                              \
    const char *got_ = num(&w_, kind, d, i, u, digits);                     \
    int ok_ = strcmp(got_, want) == 0;                                      \
    if (!ok_) T_EQ_STR(got_, want);                                         \
    dl__jw_free(&w_);                                                       \
  } while (0)

static void t_numbers(void)
{
  T_NUM(1, 0, 0, 0, 0, "0");
  T_NUM(1, 0, -42, 0, 0, "-42");
  T_NUM(1, 0, LLONG_MIN, 0, 0, "-9223372036854775808");
  T_NUM(1, 0, LLONG_MAX, 0, 0, "9223372036854775807");
  T_NUM(2, 0, 0, 0, 0, "0");
  T_NUM(2, 0, 0, 1234567890ULL, 0, "1234567890");
  T_NUM(2, 0, 0, ULLONG_MAX, 0, "18446744073709551615");
  T_NUM(0, 0.5, 0, 0, 6, "0.5");
  T_NUM(0, 2.0, 0, 0, 3, "2");
  T_NUM(0, 0.125, 0, 0, 2, "0.12"); /* rounding to even in printf */
  T_NUM(0, -0.0, 0, 0, 3, "0");
  T_NUM(0, -0.0001, 0, 0, 3, "0");
  T_NUM(0, -1.25, 0, 0, 3, "-1.25");
  T_NUM(0, 1.0 / 3.0, 0, 0, 4, "0.3333");
  T_NUM(0, 100.0, 0, 0, 0, "100");
  T_NUM(0, 0.5, 0, 0, 99, "0.5"); /* bad digits: 6 */
  T_NUM(0, NAN, 0, 0, 3, "null");
  T_NUM(0, INFINITY, 0, 0, 3, "null");
  T_NUM(0, -INFINITY, 0, 0, 3, "null");
  /* Too long for fixed notation: still one valid JSON number. */
  T_NUM(0, 1e300, 0, 0, 6, "1e+300");
  T_NUM(0, -1.5e200, 0, 0, 17, "-1.5e+200");
  /* Past 1e15, no invented digits and no integer beyond int64/2^53. */
  T_NUM(0, 888888888888e9, 0, 0, 3, "8.88888888888e+20");
  T_NUM(0, 1e15, 0, 0, 3, "1e+15");
  T_NUM(0, -1e15, 0, 0, 3, "-1e+15");
  T_NUM(0, 999999999999999.0, 0, 0, 3, "999999999999999");
  T_NUM(0, 123456.789, 0, 0, 2, "123456.79");
}

static void t_array_of_numbers(void)
{
  dl__jw w;
  dl__jw_init(&w, NULL, false);
  dl__jw_arr_begin(&w);
  dl__jw_int(&w, -1);
  dl__jw_uint(&w, 2);
  dl__jw_double(&w, 0.25, 3);
  dl__jw_bool(&w, false);
  dl__jw_null(&w);
  dl__jw_arr_end(&w);
  T_EQ_STR(w.b.p, "[-1,2,0.25,false,null]");
  dl__jw_free(&w);
}

/* An allocator that fails every call after `left` successes. */
static void *fail_malloc(void *ctx, size_t n)
{
  int *left = ctx;
  if ((*left)-- <= 0) return NULL;
  return malloc(n);
}
static void *fail_realloc(void *ctx, void *p, size_t old, size_t n)
{
  int *left = ctx;
  (void)old;
  if ((*left)-- <= 0) return NULL;
  return realloc(p, n);
}
static void fail_free(void *ctx, void *p)
{
  (void)ctx;
  free(p);
}

static void t_oom_sticky(void)
{
  int left = 1;
  dl_allocator al = {fail_malloc, fail_realloc, fail_free, &left};
  dl__jw w;
  char big[1000];
  memset(big, 'x', sizeof big);
  dl__jw_init(&w, &al, false);
  dl__jw_arr_begin(&w); /* the first buffer: 256 bytes */
  T_OK(!w.oom);
  dl__jw_str(&w, big, sizeof big); /* needs a realloc: fails */
  T_OK(w.oom);
  left = 100;
  dl__jw_int(&w, 1); /* ignored from now on */
  dl__jw_arr_end(&w);
  T_OK(w.oom);
  T_EQ_STR(w.b.p, "[");
  dl__jw_free(&w);
}

static void t_long_string(void)
{
  /* Past the first buffer size and through a few reallocations, with an
  ** escape at every position modulo 7. */
  size_t n = 100000;
  char *s = malloc(n), *want = malloc(2 * n + 3), *p = want;
  dl__jw w;
  T_OK(s && want);
  *p++ = '"';
  for (size_t i = 0; i < n; i++) {
    s[i] = i % 7 ? (char)('a' + i % 26) : '"';
    if (s[i] == '"') *p++ = '\\';
    *p++ = s[i];
  }
  *p++ = '"';
  *p = 0;
  dl__jw_init(&w, NULL, false);
  dl__jw_str(&w, s, n);
  T_OK(!w.oom);
  T_EQ_INT(w.b.len, strlen(want));
  T_OK(strcmp(w.b.p, want) == 0);
  dl__jw_free(&w);
  free(s);
  free(want);
}

static void t_integers(void)
{
  /* dl__jw_int/uint are hand-rolled: the extremes and signs, as %lld. */
  static const long long v[] = {0, 1, -1, 9, -10, 1234567890123LL,
                                -9223372036854775807LL - 1,
                                9223372036854775807LL};
  char want[512];
  size_t o = 0;
  dl__jw w;
  dl__jw_init(&w, NULL, false);
  dl__jw_arr_begin(&w);
  o += (size_t)snprintf(want + o, sizeof want - o, "[");
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    dl__jw_int(&w, v[i]);
    o += (size_t)snprintf(want + o, sizeof want - o, "%s%lld", i ? "," : "",
                          v[i]);
  }
  dl__jw_uint(&w, 18446744073709551615ULL);
  o += (size_t)snprintf(want + o, sizeof want - o, ",18446744073709551615]");
  dl__jw_arr_end(&w);
  T_OK(!w.oom);
  T_EQ_STR(w.b.p, want);
  dl__jw_free(&w);
}

/* dl__jw_double formats without printf when it can be sure of printf's
** digits: compare with "%.*f" + the writer's trimming on values that sit
** on, next to and between rounding ties, at every precision. */
static void ref_double(char *out, size_t cap, double v, int digits)
{
  int n = snprintf(out, cap, "%.*f", digits, v);
  if (memchr(out, '.', (size_t)n)) {
    while (n > 0 && out[n - 1] == '0') n--;
    if (n > 0 && out[n - 1] == '.') n--;
  }
  if (n == 2 && out[0] == '-' && out[1] == '0') {
    out[0] = '0';
    n = 1;
  }
  out[n] = 0;
}

static void t_doubles_as_printf(void)
{
  static const double fixed[] = {0.0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375,
                                 0.0005, 0.0015, 0.9995, 0.9994999,
                                 1.0005, 2.675, 1e-9, -1e-9, 123456.789,
                                 999999.9999995, 0.3, 0.1 + 0.2, 1e14,
                                 450359962737.5, 1e-300, 5e-324};
  unsigned long long x = 88172645463325252ull; /* xorshift64 */
  char want[128];
  dl__jw w;
  for (int round = 0; round < 40000; round++) {
    double v;
    int digits = round % 12;
    if (round < (int)(sizeof fixed / sizeof fixed[0]) * 12) {
      v = fixed[round / 12];
    } else {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      switch (x % 4) {
      case 0: v = (double)(x >> 11) / 9007199254740992.0; break;
      case 1: /* k / 2^j: exact ties at many precisions */
        v = (double)((x >> 20) % 100000) / (double)(1u << ((x >> 8) % 16));
        break;
      case 2: v = (double)((x >> 16) % 2000001) / 1000.0 - 1000.0; break;
      default: v = ((double)(x >> 11) / 9007199254740992.0) * 1e12; break;
      }
    }
    dl__jw_init(&w, NULL, false);
    dl__jw_double(&w, v, digits);
    ref_double(want, sizeof want, v, digits);
    T_OK(!w.oom);
    if (strcmp(w.b.p, want) != 0) {
      fprintf(stderr, "v=%.17g digits=%d\n", v, digits);
      T_EQ_STR(w.b.p, want);
    }
    dl__jw_free(&w);
  }
}

/* The eight-bytes-at-a-time scan of put_escaped: every byte value at
** every position of a long plain run gives the same output as the byte
** by byte rules (checked here by building the expected string). */
static void t_escape_positions(void)
{
  char in[40], want[128];
  dl__jw w;
  for (int c = 1; c < 0x80; c++) {
    for (size_t pos = 0; pos < 20; pos++) {
      size_t o = 0;
      memset(in, 'a', sizeof in);
      in[pos] = (char)c;
      want[o++] = '"';
      for (size_t i = 0; i < 24; i++) {
        unsigned char b = (unsigned char)in[i];
        if (b == '"' || b == '\\') {
          want[o++] = '\\';
          want[o++] = (char)b;
        } else if (b == '\n') {
          memcpy(want + o, "\\n", 2), o += 2;
        } else if (b == '\r') {
          memcpy(want + o, "\\r", 2), o += 2;
        } else if (b == '\t') {
          memcpy(want + o, "\\t", 2), o += 2;
        } else if (b == '\b') {
          memcpy(want + o, "\\b", 2), o += 2;
        } else if (b == '\f') {
          memcpy(want + o, "\\f", 2), o += 2;
        } else if (b < 0x20) {
          o += (size_t)snprintf(want + o, sizeof want - o, "\\u%04x", b);
        } else {
          want[o++] = (char)b;
        }
      }
      want[o++] = '"';
      want[o] = 0;
      dl__jw_init(&w, NULL, false);
      dl__jw_str(&w, in, 24);
      T_OK(!w.oom);
      T_EQ_STR(w.b.p, want);
      dl__jw_free(&w);
    }
  }
  /* Keys: the one-pass copy and its fallbacks (long, escaped, pretty). */
  dl__jw_init(&w, NULL, false);
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "k");
  dl__jw_uint(&w, 1);
  dl__jw_key(&w, "a_key_longer_than_the_fast_path_takes_at_once_0123456789");
  dl__jw_uint(&w, 2);
  dl__jw_key(&w, "q\"t\n");
  dl__jw_uint(&w, 3);
  dl__jw_obj_end(&w);
  T_EQ_STR(w.b.p, "{\"k\":1,\"a_key_longer_than_the_fast_path_takes_at_once_"
                  "0123456789\":2,\"q\\\"t\\n\":3}");
  dl__jw_free(&w);
  dl__jw_init(&w, NULL, true);
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "k");
  dl__jw_uint(&w, 1);
  dl__jw_obj_end(&w);
  T_EQ_STR(w.b.p, "{\n  \"k\": 1\n}");
  dl__jw_free(&w);
  /* A non-ASCII byte in the middle of a run: kept (valid UTF-8) or U+FFFD */
  dl__jw_init(&w, NULL, false);
  dl__jw_str(&w, "abcdefgh\xc3\xa9ijklmnop\xffqrstuvwxyz", 29);
  T_EQ_STR(w.b.p, "\"abcdefgh\xc3\xa9ijklmnop\xef\xbf\xbdqrstuvwxyz\"");
  dl__jw_free(&w);
}

static const t_case cases[] = {
    {"doubles_as_printf", t_doubles_as_printf},
    {"escape_positions", t_escape_positions},
    {"integers", t_integers},
    {"plain", t_plain},
    {"escapes", t_escapes},
    {"line_separators", t_line_separators},
    {"invalid_utf8", t_invalid_utf8},
    {"nesting", t_nesting},
    {"deep", t_deep},
    {"pretty", t_pretty},
    {"numbers", t_numbers},
    {"array_of_numbers", t_array_of_numbers},
    {"oom_sticky", t_oom_sticky},
    {"long_string", t_long_string},
    {NULL, NULL},
};
T_MAIN(cases)
