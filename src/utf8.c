/*
** utf8.c -- UTF-8 decoding and Unicode character classes.
**
** Decoding is hand-written because it sits on the tokenizer's hot path and
** must report invalid sequences byte by byte (so offsets stay true to the
** input); classification and case mapping come from utf8proc's tables,
** with an ASCII fast path in front of each call.
**
** Validity follows RFC 3629: no overlongs, no surrogates, nothing above
** U+10FFFF.
*/
#include "internal.h"

#include <utf8proc.h>

size_t dl__utf8_decode(const unsigned char *s, size_t len, size_t i,
                       int32_t *cp)
{
  unsigned c = s[i];
  size_t n;
  int32_t v;
  if (c < 0x80) {
    *cp = (int32_t)c;
    return 1;
  }
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    v = (int32_t)(c & 0x1F);
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    v = (int32_t)(c & 0x0F);
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    v = (int32_t)(c & 0x07);
  } else {
    goto bad;
  }
  if (len - i < n) goto bad;
  for (size_t k = 1; k < n; k++) {
    unsigned cc = s[i + k];
    if ((cc & 0xC0) != 0x80) goto bad;
    v = (v << 6) | (int32_t)(cc & 0x3F);
  }
  if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF))
    goto bad;
  *cp = v;
  return n;
bad:
  *cp = 0xFFFD;
  return 0;
}

size_t dl__utf8_encode(int32_t cp, char *out)
{
  unsigned char *o = (unsigned char *)out;
  if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    o[0] = (unsigned char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (unsigned char)(0xC0 | (cp >> 6));
    o[1] = (unsigned char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (unsigned char)(0xE0 | (cp >> 12));
    o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (unsigned char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (unsigned char)(0xF0 | (cp >> 18));
  o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (unsigned char)(0x80 | (cp & 0x3F));
  return 4;
}

static utf8proc_category_t cat(int32_t cp)
{
  return utf8proc_category((utf8proc_int32_t)cp);
}

bool dl__is_alpha(int32_t cp)
{
  if (cp < 0x80)
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  switch (cat(cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_MN: /* combining marks stay inside words */
  case UTF8PROC_CATEGORY_MC:
    return true;
  default:
    return false;
  }
}

bool dl__is_upper(int32_t cp)
{
  if (cp < 0x80) return cp >= 'A' && cp <= 'Z';
  return cat(cp) == UTF8PROC_CATEGORY_LU || cat(cp) == UTF8PROC_CATEGORY_LT;
}

bool dl__is_lower(int32_t cp)
{
  if (cp < 0x80) return cp >= 'a' && cp <= 'z';
  return cat(cp) == UTF8PROC_CATEGORY_LL;
}

bool dl__is_digit(int32_t cp)
{
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return cat(cp) == UTF8PROC_CATEGORY_ND;
}

bool dl__is_space(int32_t cp)
{
  if (cp < 0x80)
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
           cp == '\f' || cp == '\v';
  if (cp == 0x85 || cp == 0xA0 || cp == 0x200B || cp == 0xFEFF) return true;
  switch (cat(cp)) {
  case UTF8PROC_CATEGORY_ZS:
  case UTF8PROC_CATEGORY_ZL:
  case UTF8PROC_CATEGORY_ZP:
    return true;
  default:
    return false;
  }
}

bool dl__is_punct(int32_t cp)
{
  if (cp < 0x80)
    return (cp >= 0x21 && cp <= 0x2F) || (cp >= 0x3A && cp <= 0x40) ||
           (cp >= 0x5B && cp <= 0x60) || (cp >= 0x7B && cp <= 0x7E);
  switch (cat(cp)) {
  case UTF8PROC_CATEGORY_PC:
  case UTF8PROC_CATEGORY_PD:
  case UTF8PROC_CATEGORY_PS:
  case UTF8PROC_CATEGORY_PE:
  case UTF8PROC_CATEGORY_PI:
  case UTF8PROC_CATEGORY_PF:
  case UTF8PROC_CATEGORY_PO:
  case UTF8PROC_CATEGORY_SM:
  case UTF8PROC_CATEGORY_SC:
  case UTF8PROC_CATEGORY_SK:
  case UTF8PROC_CATEGORY_SO:
    return true;
  default:
    return false;
  }
}

int32_t dl__tolower(int32_t cp)
{
  if (cp < 0x80) return (cp >= 'A' && cp <= 'Z') ? cp + 32 : cp;
  return (int32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

int32_t dl__toupper(int32_t cp)
{
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') ? cp - 32 : cp;
  return (int32_t)utf8proc_toupper((utf8proc_int32_t)cp);
}

bool dl__is_dquote(int32_t cp)
{
  return cp == '"' || cp == 0x201C || cp == 0x201D || cp == 0x201E ||
         cp == 0x201F || cp == 0x00AB || cp == 0x00BB || cp == 0x2033 ||
         cp == 0x301D || cp == 0x301E || cp == 0xFF02;
}

bool dl__is_squote(int32_t cp)
{
  return cp == '\'' || cp == 0x2018 || cp == 0x2019 || cp == 0x201A ||
         cp == 0x201B || cp == 0x2039 || cp == 0x203A || cp == 0x2032 ||
         cp == '`';
}

bool dl__is_dash(int32_t cp)
{
  return cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 ||
         cp == 0xFE58 || cp == 0xFE63 || cp == 0xFF0D;
}

bool dl__casefold(dl__buf *out, const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    int32_t cp;
    size_t k = dl__utf8_decode(u, n, i, &cp);
    char enc[4 * 4];
    size_t elen = 0;
    if (k == 0) k = 1;
    if (cp < 0x80) {
      enc[0] = (char)dl__tolower(cp);
      elen = 1;
    } else {
      /* Full case folding can expand (ß -> ss): ask utf8proc for the
      ** mapping of this one code point. Case folding only: with
      ** UTF8PROC_COMPOSE (or DECOMPOSE) set, utf8proc also decomposes
      ** the result (É -> e + U+0301) and nothing recomposes it per code
      ** point, so precomposed letters would come out decomposed. */
      utf8proc_int32_t dst[8];
      int last = 0;
      utf8proc_ssize_t m = utf8proc_decompose_char(
          (utf8proc_int32_t)cp, dst, 8, UTF8PROC_CASEFOLD,
          &last);
      if (m < 1 || m > 4) {
        elen = dl__utf8_encode(cp, enc);
      } else {
        for (utf8proc_ssize_t j = 0; j < m; j++)
          elen += dl__utf8_encode(dst[j], enc + elen);
      }
    }
    if (!dl__buf_append(out, enc, elen)) return false;
    i += k;
  }
  return true;
}
