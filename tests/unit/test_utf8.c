/*
** test_utf8.c -- the UTF-8 decoder and encoder (src/utf8.c) against
** RFC 3629, checked exhaustively against a reference written here, plus
** the Unicode character classes and case folding.
*/
#include "internal.h"
#include "t.h"

#include <stdlib.h>

static size_t dec(const char *s, size_t len, int32_t *cp)
{
  return dl__utf8_decode((const unsigned char *)s, len, 0, cp);
}

#define T_DEC(s, want_len, want_cp)                                         \
  do {                                                                      \
    int32_t cp_ = -1;                                                       \
    T_EQ_INT(dec(s, sizeof(s) - 1, &cp_), want_len);                        \
    T_EQ_INT(cp_, want_cp);                                                 \
  } while (0)

static void t_valid(void)
{
  T_DEC("A", 1, 'A');
  T_DEC("\x7f", 1, 0x7f);
  T_DEC("\xc2\x80", 2, 0x80);
  T_DEC("\xc3\xa9", 2, 0xe9);
  T_DEC("\xdf\xbf", 2, 0x7ff);
  T_DEC("\xe0\xa0\x80", 3, 0x800);
  T_DEC("\xe2\x80\x94", 3, 0x2014);
  T_DEC("\xed\x9f\xbf", 3, 0xd7ff);
  T_DEC("\xee\x80\x80", 3, 0xe000);
  T_DEC("\xef\xbf\xbf", 3, 0xffff);
  T_DEC("\xf0\x90\x80\x80", 4, 0x10000);
  T_DEC("\xf0\x9f\x98\x80", 4, 0x1f600);
  T_DEC("\xf4\x8f\xbf\xbf", 4, 0x10ffff);
}

static void t_overlong(void)
{
  T_DEC("\xc0\x80", 0, 0xfffd);
  T_DEC("\xc0\xaf", 0, 0xfffd);
  T_DEC("\xc1\xbf", 0, 0xfffd);
  T_DEC("\xe0\x80\x80", 0, 0xfffd);
  T_DEC("\xe0\x9f\xbf", 0, 0xfffd);
  T_DEC("\xf0\x80\x80\x80", 0, 0xfffd);
  T_DEC("\xf0\x8f\xbf\xbf", 0, 0xfffd);
}

static void t_surrogates(void)
{
  T_DEC("\xed\xa0\x80", 0, 0xfffd);
  T_DEC("\xed\xaf\xbf", 0, 0xfffd);
  T_DEC("\xed\xb0\x80", 0, 0xfffd);
  T_DEC("\xed\xbf\xbf", 0, 0xfffd);
  /* CESU-8 pair for U+1F600 */
  T_DEC("\xed\xa0\xbd\xed\xb8\x80", 0, 0xfffd);
}

static void t_too_big(void)
{
  T_DEC("\xf4\x90\x80\x80", 0, 0xfffd);
  T_DEC("\xf7\xbf\xbf\xbf", 0, 0xfffd);
  T_DEC("\xf5\x80\x80\x80", 0, 0xfffd);
  T_DEC("\xf8\x88\x80\x80\x80", 0, 0xfffd);
  T_DEC("\xfc\x84\x80\x80\x80\x80", 0, 0xfffd);
  T_DEC("\xfe", 0, 0xfffd);
  T_DEC("\xff", 0, 0xfffd);
}

static void t_truncated(void)
{
  T_DEC("\xc3", 0, 0xfffd);
  T_DEC("\xe2\x80", 0, 0xfffd);
  T_DEC("\xf0\x9f\x98", 0, 0xfffd);
  T_DEC("\xe2\x28\xa1", 0, 0xfffd); /* bad second byte */
  T_DEC("\xe2\x82\x28", 0, 0xfffd); /* bad third byte */
  T_DEC("\xf0\x9f\x98\x28", 0, 0xfffd);
  T_DEC("\x80", 0, 0xfffd); /* lone continuation */
  T_DEC("\xbf", 0, 0xfffd);
  {
    /* len bounds the read: a valid sequence cut by len is invalid. */
    int32_t cp;
    T_EQ_INT(dec("\xe2\x80\x94", 2, &cp), 0);
    T_EQ_INT(dl__utf8_decode((const unsigned char *)"ab\xc3\xa9", 4, 2, &cp),
             2);
    T_EQ_INT(cp, 0xe9);
  }
}

/* The reference: RFC 3629's table, written as ranges. */
static size_t ref_decode(const unsigned char *s, size_t n, int32_t *cp)
{
  unsigned c = s[0];
  if (c < 0x80) return *cp = (int32_t)c, 1;
  if (n >= 2 && c >= 0xc2 && c <= 0xdf && s[1] >= 0x80 && s[1] <= 0xbf)
    return *cp = (int32_t)(((c & 0x1f) << 6) | (s[1] & 0x3f)), 2;
  if (n >= 3) {
    unsigned lo = 0x80, hi = 0xbf;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
    if (c >= 0xe0 && c <= 0xef && s[1] >= lo && s[1] <= hi && s[2] >= 0x80 &&
        s[2] <= 0xbf)
      return *cp = (int32_t)(((c & 0x0f) << 12) | ((s[1] & 0x3f) << 6) |
                             (s[2] & 0x3f)),
             3;
  }
  if (n >= 4) {
    unsigned lo = 0x80, hi = 0xbf;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
    if (c >= 0xf0 && c <= 0xf4 && s[1] >= lo && s[1] <= hi && s[2] >= 0x80 &&
        s[2] <= 0xbf && s[3] >= 0x80 && s[3] <= 0xbf)
      return *cp = (int32_t)(((c & 0x07) << 18) | ((s[1] & 0x3f) << 12) |
                             ((s[2] & 0x3f) << 6) | (s[3] & 0x3f)),
             4;
  }
  return *cp = 0xfffd, 0;
}

static void t_exhaustive_3(void)
{
  /* Every 1-, 2- and 3-byte input (16M), decoded at length 3 and at its
  ** shorter prefixes. */
  unsigned char s[3];
  for (unsigned a = 0; a < 256; a++)
    for (unsigned b = 0; b < 256; b++)
      for (unsigned c = 0; c < 256; c++) {
        int32_t x, y;
        size_t m, r;
        s[0] = (unsigned char)a, s[1] = (unsigned char)b,
        s[2] = (unsigned char)c;
        m = dl__utf8_decode(s, 3, 0, &x);
        r = ref_decode(s, 3, &y);
        if (m != r || x != y) {
          char d[80];
          snprintf(d, sizeof d, "%02x %02x %02x: %zu/%d, want %zu/%d", a, b,
                   c, m, (int)x, r, (int)y);
          t_fail(__FILE__, __LINE__, "decode == reference", d);
          return;
        }
        if (c == 0) {
          T_EQ_INT(dl__utf8_decode(s, 2, 0, &x), ref_decode(s, 2, &y));
          T_EQ_INT(x, y);
        }
      }
}

static void t_exhaustive_4(void)
{
  /* 4-byte leads F0..F7 with every second byte and a few continuations. */
  static const unsigned char tails[] = {0x00, 0x7f, 0x80, 0x8f, 0x90,
                                        0xbf, 0xc0, 0xff};
  unsigned char s[4];
  for (unsigned a = 0xf0; a <= 0xff; a++)
    for (unsigned b = 0; b < 256; b++)
      for (size_t i = 0; i < sizeof tails; i++)
        for (size_t j = 0; j < sizeof tails; j++) {
          int32_t x, y;
          s[0] = (unsigned char)a, s[1] = (unsigned char)b, s[2] = tails[i],
          s[3] = tails[j];
          T_EQ_INT(dl__utf8_decode(s, 4, 0, &x), ref_decode(s, 4, &y));
          T_EQ_INT(x, y);
        }
}

static void t_roundtrip(void)
{
  char buf[4];
  for (int32_t cp = 0; cp <= 0x10ffff; cp++) {
    size_t n;
    int32_t back;
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    n = dl__utf8_encode(cp, buf);
    T_EQ_INT(n, cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
    T_EQ_INT(dl__utf8_decode((const unsigned char *)buf, n, 0, &back), n);
    T_EQ_INT(back, cp);
  }
  /* Not encodable: U+FFFD. */
  T_EQ_INT(dl__utf8_encode(0xd800, buf), 3);
  T_OK(memcmp(buf, "\xef\xbf\xbd", 3) == 0);
  T_EQ_INT(dl__utf8_encode(0x110000, buf), 3);
  T_OK(memcmp(buf, "\xef\xbf\xbd", 3) == 0);
  T_EQ_INT(dl__utf8_encode(-1, buf), 3);
}

static void t_classes(void)
{
  T_OK(dl__is_space(' ') && dl__is_space('\t') && dl__is_space('\n'));
  T_OK(dl__is_space(0xa0) && dl__is_space(0x2003) && dl__is_space(0x3000));
  T_OK(dl__is_space(0x2028) && dl__is_space(0x2029));
  T_OK(!dl__is_space('a') && !dl__is_space(0x1a) && !dl__is_space(0));
  T_OK(dl__is_alpha('a') && dl__is_alpha(0xe9) && dl__is_alpha(0x0416));
  T_OK(dl__is_alpha(0x0301)); /* combining acute stays in a word */
  T_OK(!dl__is_alpha('1') && !dl__is_alpha('-') && !dl__is_alpha(0x1f600));
  T_OK(dl__is_upper('A') && dl__is_upper(0xc9) && !dl__is_upper('a'));
  T_OK(dl__is_lower('a') && dl__is_lower(0xe9) && !dl__is_lower('A'));
  T_OK(dl__is_digit('7') && dl__is_digit(0x0663) && !dl__is_digit('x'));
  T_OK(dl__is_punct('.') && dl__is_punct(0x2014) && dl__is_punct(0x201c));
  T_OK(dl__is_punct('$') && !dl__is_punct('a') && !dl__is_punct(' '));
  T_EQ_INT(dl__tolower('A'), 'a');
  T_EQ_INT(dl__tolower(0xc9), 0xe9);
  T_EQ_INT(dl__toupper(0xe9), 0xc9);
  T_EQ_INT(dl__toupper('1'), '1');
  T_OK(dl__is_dquote('"') && dl__is_dquote(0x201c) && dl__is_dquote(0x201d));
  T_OK(dl__is_dquote(0xab) && !dl__is_dquote('\''));
  T_OK(dl__is_squote('\'') && dl__is_squote(0x2019) && !dl__is_squote('"'));
  T_OK(dl__is_dash('-') && dl__is_dash(0x2013) && dl__is_dash(0x2014));
  T_OK(!dl__is_dash('_'));
}

static void t_casefold(void)
{
  dl__buf b;
  dl__buf_init(&b, NULL);
  T_OK(dl__casefold(&b, "Stra\xc3\x9f" "e \xc3\x89" "COLE", 14));
  T_EQ_STR(b.p, "strasse \xc3\xa9" "cole");
  b.len = 0;
  T_OK(dl__casefold(&b, "A\xffZ", 3)); /* invalid byte: U+FFFD */
  T_EQ_STR(b.p, "a\xef\xbf\xbdz");
  b.len = 0;
  T_OK(dl__casefold(&b, "\xce\xa3\xce\x9f\xce\xa6", 6)); /* Greek */
  T_EQ_STR(b.p, "\xcf\x83\xce\xbf\xcf\x86");
  b.len = 0;
  T_OK(dl__casefold(&b, "\xc3\x89t\xc3\xa9", 5)); /* stays precomposed */
  T_EQ_STR(b.p, "\xc3\xa9t\xc3\xa9");
  dl__buf_free(&b);
}

static const t_case cases[] = {
    {"valid", t_valid},
    {"overlong", t_overlong},
    {"surrogates", t_surrogates},
    {"too_big", t_too_big},
    {"truncated", t_truncated},
    {"exhaustive_3", t_exhaustive_3},
    {"exhaustive_4", t_exhaustive_4},
    {"roundtrip", t_roundtrip},
    {"classes", t_classes},
    {"casefold", t_casefold},
    {NULL, NULL},
};
T_MAIN(cases)
