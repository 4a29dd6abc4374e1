/*
** tok.c -- the tokenizer: d->view into d->tokens (byte offsets + flags).
**
** One left-to-right pass. Each ASCII byte goes through a 256-entry class
** table (and a tighter one for runs of letters and digits); only bytes
** >= 0x80 are decoded and classified with utf8proc. The spans of d->clean
** (sorted, non-overlapping) are skipped with a cursor: a token never
** crosses into one, and a skipped span separates tokens like white space.
**
** Bounds. Every loop advances by at least one byte. A token is at most
** DL__TOK_MAX (1024) bytes: a longer run is cut at a code-point boundary
** and goes on as a new token without DL__TOK_SPACE_BEFORE. Look-aheads
** are bounded (a domain name 253 bytes, an e-mail local part 64) and
** memoised when they fail, so a run like "U.S.U.S.U.S..." or
** "abc.abc.abc..." is not rescanned from every dot: the pass is linear.
**
** Conventions (Penn Treebank / CoNLL-2003, as the NER and entity stages
** expect):
**  - clitics are split: "Putin's" -> Putin 's, "don't" -> do n't,
**    "can't" -> ca n't, "I'm" -> I 'm (also with U+2019); a possessive
**    apostrophe after s ("Russians'") is its own token; both carry
**    DL__TOK_CLITIC. As in PTB, "cannot" -> can not, "gonna" -> gon na
**    (also wanna, gotta);
**  - currency symbols and % are separate tokens ($ 1.13bn, £ 600m, 76 %);
**    a number with a letter suffix stays one token ("1.13bn", "600m",
**    "22nd", "5pm"), as the PTB tokenizer does (it never splits letters
**    from digits); CoNLL's Reuters text spells "$1.13 billion" anyway;
**  - numbers keep their inner '.', ',' (thousands: exactly three digits
**    follow), ':' and '/' between digits (3.5, 1,000,000, 10:30, 1/2,
**    08/30/96), inner hyphens (1996-08-30), and a leading '.' (.542);
**    a list number at the start of a line keeps its period ("2. Smith");
**  - hyphenated words are one token ("Stalin-era", DL__TOK_HYPHEN); a run
**    of two or more hyphens, and the en/em dashes, are DL__TOK_DASH tokens;
**    short letter pieces around '/' stay together (b/c, and/or);
**  - a period belongs to the word before it when the word is a known
**    abbreviation (abbrev_table.c, generated from training data), a single
**    capital letter (an initial: "W."), or dotted letters ("U.S.",
**    "e.g.", "p.m."): DL__TOK_ABBREV. The sentence splitter decides
**    whether such a token also ends a sentence;
**  - "..." (two or more dots) and U+2026 are one DL__TOK_ELLIPSIS token;
**    a run of one symbol is one token (====, ***, $$$); so are :) :-( ;)
**    and a file name with a known extension (report.pdf);
**  - quotes are separate DL__TOK_QUOTE tokens with OPEN or CLOSE: curly
**    quotes by their shape, straight ones (" ' and the typewriter '')
**    by context: after a word, number, closing mark or sentence
**    punctuation they close; before a word they open; before a line break
**    they close; between spaces they flip the paragraph's quote state;
**  - URLs (scheme:// or www. or name.tld), e-mail addresses, #hashtags and
**    @handles are single tokens;
**  - the placeholder byte 0x1A (an invalid input byte) is a one-byte
**    DL__TOK_PUNCT token; NUL was already turned into a space. All Unicode
**    spaces (NBSP, U+2000..U+200A, U+3000), zero-width characters and the
**    soft hyphen separate tokens; U+2028 is a line break, U+2029 a
**    paragraph break; CRLF and CR count as one line break.
**
** Layout flags: DL__TOK_SPACE_BEFORE (white space or a clean span before
** the token), DL__TOK_LINE_START (a line break before), DL__TOK_PARA_START
** (start of text, a blank line before, or -- unless the text is
** hard-wrapped -- any line break). A text is hard-wrapped when at least a
** quarter of its single line breaks fall between a lower-case letter (or
** comma) and a lower-case letter; otherwise its lines are paragraphs,
** headlines, bylines or datelines (one paragraph per line is the usual
** shape of scraped and JSONL news text).
**
** Word flags: WORD (a letter), NUM (starts with a digit), CAP (first
** letter upper case), ALLCAPS (no lower-case letter and at least two
** letters), TIME (10:30, 5pm, p.m.), PUNCT (every non-word token).
**
** The token array is built in a->scratch[0] (kept between documents) and
** copied once into the document arena.
*/
#include "internal.h"

#include "abbrev.h"

#include <utf8proc.h>

/* ====================================================================
** Abbreviation table (generated: abbrev_table.c)
** ==================================================================== */

struct dl__abbrev {
  const struct dl__abbrev_entry *table;
  const char *const *starters;
};

static const struct dl__abbrev builtin_abbrev = {dl__abbrev_table,
                                                 dl__starter_table};

dl_status dl__abbrev_load_builtin(const struct dl__abbrev **out)
{
  *out = &builtin_abbrev;
  return DL_OK;
}

static int lower_ascii(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Compares the lower-cased s[0..n) with the NUL-terminated key. */
static int cmp_lower(const char *s, size_t n, const char *key)
{
  size_t i = 0;
  for (; i < n && key[i]; i++) {
    int a = lower_ascii((unsigned char)s[i]), b = (unsigned char)key[i];
    if (a != b) return a - b;
  }
  if (i < n) return 1;
  return key[i] ? -1 : 0;
}

const struct dl__abbrev_entry *dl__abbrev_find(const char *s, size_t n)
{
  size_t lo = 0, hi = dl__abbrev_count;
  const struct dl__abbrev_entry *e = NULL;
  bool upper = false, lower = false;
  if (n == 0 || n > DL__ABBREV_MAX) return NULL;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = cmp_lower(s, n, dl__abbrev_table[mid].key);
    if (c == 0) {
      e = &dl__abbrev_table[mid];
      break;
    }
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  if (!e) return NULL;
  if (memcmp(s, e->form, n) == 0) return e;
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= 'a' && s[i] <= 'z') lower = true;
    if (s[i] >= 'A' && s[i] <= 'Z') upper = true;
  }
  if (upper && !lower) return e; /* "GEN." in a headline */
  /* "Approx." at the start of a sentence for the form "approx". */
  if (s[0] >= 'A' && s[0] <= 'Z' && lower_ascii(s[0]) == e->form[0] &&
      memcmp(s + 1, e->form + 1, n - 1) == 0)
    return e;
  return NULL;
}

bool dl__is_starter(const char *s, size_t n)
{
  size_t lo = 0, hi = dl__starter_count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    const char *k = dl__starter_table[mid];
    size_t kn = strlen(k);
    int c = memcmp(s, k, DL__MIN(n, kn));
    if (c == 0) c = n < kn ? -1 : n > kn ? 1 : 0;
    if (c == 0) return true;
    if (c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return false;
}

/* ====================================================================
** Character classes
** ==================================================================== */

enum {
  C_OTHER = 0, /* ASCII punctuation and symbols: one-char tokens */
  C_SPACE,     /* space, tab, VT, FF and other controls */
  C_NL,        /* \n */
  C_CR,        /* \r */
  C_LOWER,
  C_UPPER,
  C_DIGIT,
  C_HIGH, /* >= 0x80: decode */
  C_BAD   /* DL__BAD_BYTE */
};

#define R4(x) x, x, x, x
#define R8(x) R4(x), R4(x)
#define R16(x) R8(x), R8(x)
static const unsigned char cls[256] = {
    /* 0x00 */ C_SPACE, C_SPACE, C_SPACE, C_SPACE, C_SPACE, C_SPACE,
    C_SPACE, C_SPACE, C_SPACE, C_SPACE /* \t */, C_NL, C_SPACE, C_SPACE,
    C_CR, C_SPACE, C_SPACE,
    /* 0x10 */ C_SPACE, C_SPACE, C_SPACE, C_SPACE, C_SPACE, C_SPACE,
    C_SPACE, C_SPACE, C_SPACE, C_SPACE, C_BAD, C_SPACE, C_SPACE, C_SPACE,
    C_SPACE, C_SPACE,
    /* 0x20 */ C_SPACE, R8(C_OTHER), R4(C_OTHER), C_OTHER, C_OTHER,
    C_OTHER,
    /* 0x30 */ R8(C_DIGIT), C_DIGIT, C_DIGIT, R4(C_OTHER), C_OTHER,
    C_OTHER,
    /* 0x40 */ C_OTHER, R8(C_UPPER), R4(C_UPPER), C_UPPER, C_UPPER,
    C_UPPER,
    /* 0x50 */ R8(C_UPPER), C_UPPER, C_UPPER, C_UPPER, R4(C_OTHER),
    C_OTHER,
    /* 0x60 */ C_OTHER, R8(C_LOWER), R4(C_LOWER), C_LOWER, C_LOWER,
    C_LOWER,
    /* 0x70 */ R8(C_LOWER), C_LOWER, C_LOWER, C_LOWER, R4(C_OTHER),
    C_SPACE /* DEL */,
    /* 0x80 */ R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH),
    R16(C_HIGH), R16(C_HIGH), R16(C_HIGH), R16(C_HIGH)};

/* ASCII word bytes for the hot loop of scan_word. */
enum { W_LOWER = 1, W_UPPER = 2, W_DIGIT = 4, W_LETTER = 8 };
#define WL (W_LOWER | W_LETTER)
#define WU (W_UPPER | W_LETTER)
static const unsigned char wbits[256] = {
    /* 0x30 */ ['0'] = W_DIGIT, W_DIGIT, W_DIGIT, W_DIGIT, W_DIGIT, W_DIGIT,
    W_DIGIT, W_DIGIT, W_DIGIT, W_DIGIT,
    ['A'] = WU, WU, WU, WU, WU, WU, WU, WU, WU, WU, WU, WU, WU, WU, WU, WU,
    WU, WU, WU, WU, WU, WU, WU, WU, WU, WU,
    ['a'] = WL, WL, WL, WL, WL, WL, WL, WL, WL, WL, WL, WL, WL, WL, WL, WL,
    WL, WL, WL, WL, WL, WL, WL, WL, WL, WL};

static bool is_alnum_c(unsigned c)
{
  return c == C_LOWER || c == C_UPPER || c == C_DIGIT;
}

/* Word characters beyond ASCII: letters, combining marks, digits,
** connector punctuation is not included. */
static bool is_word_cp(int32_t cp)
{
  switch (utf8proc_category((utf8proc_int32_t)cp)) {
  case UTF8PROC_CATEGORY_LU:
  case UTF8PROC_CATEGORY_LL:
  case UTF8PROC_CATEGORY_LT:
  case UTF8PROC_CATEGORY_LM:
  case UTF8PROC_CATEGORY_LO:
  case UTF8PROC_CATEGORY_MN:
  case UTF8PROC_CATEGORY_MC:
  case UTF8PROC_CATEGORY_ME:
  case UTF8PROC_CATEGORY_ND:
  case UTF8PROC_CATEGORY_NL:
  case UTF8PROC_CATEGORY_NO:
    return true;
  default:
    return false;
  }
}

/* ====================================================================
** Scanner state
** ==================================================================== */

struct scan {
  const unsigned char *u;
  const char *v; /* the same bytes as char */
  size_t len;
  dl__buf *buf; /* token array under construction */
  dl__token *t;
  size_t n, cap;
  /* gap before the next token */
  bool space;
  unsigned nl;
  /* quote state within the paragraph */
  bool dq_open, sq_open;
  /* look-ahead memos that keep pathological runs linear: a domain or
  ** an '@' was looked for from before these offsets and not found */
  size_t dom_fail_end, at_fail_end;
  /* counts for the hard-wrapped text test */
  size_t line_breaks, line_breaks_wrap, blank_breaks;
};

static bool push(struct scan *s, size_t start, size_t end, uint32_t flags)
{
  dl__token *t;
  if (s->n == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 256;
    s->buf->len = s->n * sizeof(dl__token);
    if (!dl__buf_reserve(s->buf, (ncap - s->n) * sizeof(dl__token)))
      return false;
    s->t = (dl__token *)(void *)s->buf->p;
    s->cap = ncap;
  }
  if (s->space || s->n == 0) flags |= DL__TOK_SPACE_BEFORE;
  if (s->nl || s->n == 0) flags |= DL__TOK_LINE_START;
  if (s->nl >= 2 || s->n == 0) flags |= DL__TOK_PARA_START;
  if (s->n && s->nl) {
    if (s->nl >= 2) {
      s->blank_breaks++;
    } else {
      /* A break inside a sentence: a lower-case letter or a comma before
      ** it and a lower-case letter after it. */
      unsigned char c = s->u[s->t[s->n - 1].end - 1], c2 = s->u[start];
      s->line_breaks++;
      if ((cls[c] == C_LOWER || c == ',') && cls[c2] == C_LOWER)
        s->line_breaks_wrap++;
    }
  }
  t = &s->t[s->n++];
  t->start = (uint32_t)start;
  t->end = (uint32_t)end;
  t->flags = flags;
  t->sent = 0;
  s->space = false;
  s->nl = 0;
  return true;
}

/* Decodes the code point at i (i < lim); an invalid byte reads as U+FFFD
** of length 1 (cannot happen on the view, kept for safety). */
static size_t decode(const struct scan *s, size_t i, size_t lim, int32_t *cp)
{
  size_t k = dl__utf8_decode(s->u, lim, i, cp);
  return k ? k : 1;
}

/* Class of the character at i, decoding when needed. For a non-ASCII
** character, *cp gets the code point and *k its length. */
static int32_t cp_at(const struct scan *s, size_t i, size_t lim, size_t *k)
{
  int32_t cp;
  if (i >= lim) {
    *k = 0;
    return -1;
  }
  if (s->u[i] < 0x80) {
    *k = 1;
    return s->u[i];
  }
  *k = decode(s, i, lim, &cp);
  return cp;
}

static bool is_word_at(const struct scan *s, size_t i, size_t lim)
{
  size_t k;
  int32_t cp;
  if (i >= lim) return false;
  if (s->u[i] < 0x80) return is_alnum_c(cls[s->u[i]]);
  cp = cp_at(s, i, lim, &k);
  return is_word_cp(cp);
}

static bool is_digit_at(const struct scan *s, size_t i, size_t lim)
{
  return i < lim && cls[s->u[i]] == C_DIGIT;
}

static bool is_letter_at(const struct scan *s, size_t i, size_t lim)
{
  size_t k;
  int32_t cp;
  if (i >= lim) return false;
  if (s->u[i] < 0x80) return cls[s->u[i]] == C_LOWER || cls[s->u[i]] == C_UPPER;
  cp = cp_at(s, i, lim, &k);
  return dl__is_alpha(cp);
}

/* Length of the apostrophe at i (' or U+2019), or 0. */
static size_t apos_len(const struct scan *s, size_t i, size_t lim)
{
  if (i >= lim) return 0;
  if (s->u[i] == '\'') return 1;
  if (i + 2 < lim && s->u[i] == 0xE2 && s->u[i + 1] == 0x80 &&
      s->u[i + 2] == 0x99)
    return 3;
  return 0;
}

/* Clitic after an apostrophe at j (length ak): returns the clitic's
** letter count (s m d ll re ve), 0 if none. The letters must not be
** followed by another letter. */
static size_t clitic_after(const struct scan *s, size_t j, size_t ak,
                           size_t lim)
{
  size_t p = j + ak, n = 0;
  int a, b;
  while (p + n < lim && n < 3 &&
         (cls[s->u[p + n]] == C_LOWER || cls[s->u[p + n]] == C_UPPER))
    n++;
  if (n == 0 || n > 2 || is_letter_at(s, p + n, lim)) return 0;
  a = lower_ascii(s->u[p]);
  b = n == 2 ? lower_ascii(s->u[p + 1]) : 0;
  if (n == 1 && (a == 's' || a == 'm' || a == 'd')) return 1;
  if (n == 2 && ((a == 'l' && b == 'l') || (a == 'r' && b == 'e') ||
                 (a == 'v' && b == 'e')))
    return 2;
  return 0;
}

/* ====================================================================
** URLs and e-mail
** ==================================================================== */

static const char *const tlds[] = {
    "com", "org", "net", "gov", "edu", "int", "mil", "info", "biz", "io",
    "co", "uk", "us", "ru", "de", "fr", "it", "es", "ca", "au", "cn",
    "jp", "in", "ly", "tv", "me", "eu", "ch", "nl", "se", "no", "tr",
    "ua", "br", "ie", "nz", "za", "be", "at", "pl", "news", "online"};

static bool is_tld(const unsigned char *p, size_t n)
{
  /* "year.In" is a missing space, not India: a TLD is written in lower
  ** case or in capitals, never capitalised. */
  if (n >= 2 && p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'a' && p[1] <= 'z')
    return false;
  for (size_t i = 0; i < DL__COUNTOF(tlds); i++) {
    size_t k = strlen(tlds[i]);
    if (k != n) continue;
    size_t j = 0;
    while (j < n && lower_ascii(p[j]) == tlds[i][j]) j++;
    if (j == n) return true;
  }
  return false;
}

static bool url_char(unsigned char c)
{
  /* RFC 3986 unreserved, reserved and %. */
  return (c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>' &&
          c != '\\' && c != '^' && c != '`' && c != '{' && c != '|' &&
          c != '}');
}

/* Extends a URL from i to the end of its run, dropping trailing
** punctuation that belongs to the sentence and an unbalanced ')'. */
static size_t url_end(const struct scan *s, size_t i, size_t lim)
{
  size_t e = i;
  int paren = 0;
  while (e < lim && url_char(s->u[e])) {
    paren += s->u[e] == '(' ? 1 : s->u[e] == ')' ? -1 : 0;
    e++;
  }
  while (e > i) {
    unsigned char c = s->u[e - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' ||
        c == '?' || c == '\'' || c == '*') {
      e--;
      continue;
    }
    if (c == ')' && paren < 0) {
      paren++;
      e--;
      continue;
    }
    break;
  }
  return e;
}

static bool prefix_ci(const struct scan *s, size_t i, size_t lim,
                      const char *p)
{
  size_t n = strlen(p);
  if (lim - i < n) return false;
  for (size_t k = 0; k < n; k++)
    if (lower_ascii(s->u[i + k]) != p[k]) return false;
  return true;
}

/* Cheap test before url_at: "http", "ftp:", "www." (any case); p has at
** least 5 bytes. */
static bool maybe_url(const unsigned char *p)
{
  unsigned c = p[0] | 0x20u;
  if (c == 'h')
    return (p[1] | 0x20u) == 't' && (p[2] | 0x20u) == 't' &&
           (p[3] | 0x20u) == 'p';
  if (c == 'w') return (p[1] | 0x20u) == 'w' && (p[2] | 0x20u) == 'w';
  if (c == 'f') return (p[1] | 0x20u) == 't' && (p[2] | 0x20u) == 'p';
  return false;
}

/* A URL starting at i: scheme:// or www. Returns its end or 0. */
static size_t url_at(const struct scan *s, size_t i, size_t lim)
{
  size_t e;
  if (prefix_ci(s, i, lim, "http://") || prefix_ci(s, i, lim, "https://") ||
      prefix_ci(s, i, lim, "ftp://")) {
    e = url_end(s, i, lim);
    return e > i + 8 ? e : 0;
  }
  if (prefix_ci(s, i, lim, "www.") && is_word_at(s, i + 4, lim))
    return url_end(s, i, lim);
  return 0;
}

/* A bare domain "name.tld[/path]" starting at i: labels of [A-Za-z0-9-]
** separated by single dots, the last one a known TLD. Returns the end or
** 0. */
static size_t domain_at(struct scan *s, size_t i, size_t lim)
{
  size_t e = i, last = i, labels = 0, wl;
  /* A later start inside a run that already failed fails too: the run
  ** ends at the same label. Names longer than 253 bytes (the DNS limit)
  ** are not looked for, so each byte is scanned a bounded number of
  ** times. */
  if (i < s->dom_fail_end) return 0;
  wl = DL__MIN(lim, i + 253);
  for (;;) {
    size_t b = e;
    while (e < wl && (is_alnum_c(cls[s->u[e]]) || s->u[e] == '-')) e++;
    if (e == b) break;
    labels++;
    last = b;
    if (e + 1 < wl && s->u[e] == '.' && is_alnum_c(cls[s->u[e + 1]])) {
      e++;
      continue;
    }
    break;
  }
  if (labels < 2 || e == last || !is_tld(s->u + last, e - last)) {
    s->dom_fail_end = DL__MAX(e, i + 1);
    return 0;
  }
  if (e < lim && s->u[e] == '/') return url_end(s, i, lim);
  return e;
}

/* local@domain.tld starting at i with '@' at at. Returns the end or 0. */
static size_t email_end(const struct scan *s, size_t at, size_t lim)
{
  size_t e = at + 1, dot = 0;
  while (e < lim && e - at < 256 &&
         (is_alnum_c(cls[s->u[e]]) || s->u[e] == '-' || s->u[e] == '.' ||
          s->u[e] == '_'))
    e++;
  while (e > at + 1 && s->u[e - 1] == '.') e--;
  for (size_t k = at + 1; k < e; k++)
    if (s->u[k] == '.') dot = k;
  if (!dot || dot >= e - 1 || dot == at + 1) return 0;
  /* "x@breitbart.com.The": end after the last label that is a TLD when
  ** the final one is not. */
  if (!is_tld(s->u + dot + 1, e - dot - 1)) {
    size_t b = at + 1, best = 0;
    for (size_t k = at + 1; k <= e; k++) {
      if (k < e && s->u[k] != '.') continue;
      if (b > at + 1 && is_tld(s->u + b, k - b)) best = k;
      b = k + 1;
    }
    if (best) return best;
  }
  return e;
}

/* ====================================================================
** Words and numbers
** ==================================================================== */

/* 1..max ASCII letters from i, then no letter: the "S" of "U.S". */
static bool short_piece(const struct scan *s, size_t i, size_t lim,
                        size_t max)
{
  size_t n = 0;
  while (i + n < lim && n <= max &&
         (cls[s->u[i + n]] == C_LOWER || cls[s->u[i + n]] == C_UPPER))
    n++;
  return n >= 1 && n <= max && !is_letter_at(s, i + n, lim);
}

/* File name extensions that keep "report.pdf" one token. */
static const char *const exts[] = {"pdf", "doc", "docx", "htm", "html",
                                   "jpg", "jpeg", "png", "gif", "txt",
                                   "xls", "xlsx", "ppt", "pptx", "zip",
                                   "mp3", "mp4", "exe", "csv", "php"};

/* Length of a known extension at i (letters and digits, then no word
** character), or 0. */
static size_t ext_at(const struct scan *s, size_t i, size_t lim)
{
  size_t n = 0;
  while (i + n < lim && n < 5 && is_alnum_c(cls[s->u[i + n]])) n++;
  if (n < 3 || n > 4 || is_word_at(s, i + n, lim)) return 0;
  for (size_t k = 0; k < DL__COUNTOF(exts); k++) {
    size_t m = 0;
    if (strlen(exts[k]) != n) continue;
    while (m < n && lower_ascii(s->u[i + m]) == exts[k][m]) m++;
    if (m == n) return n;
  }
  return 0;
}

struct word {
  size_t end;
  uint32_t flags;
  bool upper, lower, letter, dotted, first_upper;
  unsigned letters;
};

/* Scans a word or number from i (a word character). Joiners (- . , : / '
** & @ and U+2019, U+2010, U+2011) stay inside when the characters around
** them say so (see the file comment). */
static void scan_word(struct scan *s, size_t i, size_t lim,
                      struct word *w)
{
  size_t j = i, piece = i; /* piece: start of the current dot-piece */
  bool first_digit = cls[s->u[i]] == C_DIGIT;
  memset(w, 0, sizeof *w);
  if (cls[s->u[i]] == C_UPPER) w->first_upper = true;
  while (j < lim) {
    unsigned char c = s->u[j];
    unsigned k;
    if (wbits[c]) {
      /* The hot loop: a run of ASCII letters and digits. */
      unsigned acc = 0, letters = 0;
      while (j < lim && wbits[s->u[j]]) {
        unsigned m = wbits[s->u[j]];
        acc |= m;
        letters += m & W_LETTER ? 1u : 0u;
        j++;
      }
      w->letters += letters;
      if (acc & W_LOWER) w->lower = true;
      if (acc & W_UPPER) w->upper = true;
      if (acc & W_LETTER) w->letter = true;
      if (j >= lim) break;
      c = s->u[j];
    }
    k = cls[c];
    if (k == C_HIGH) {
      size_t n;
      int32_t cp = cp_at(s, j, lim, &n);
      if (j + n > lim) break;
      if (is_word_cp(cp)) {
        if (dl__is_alpha(cp)) {
          w->letter = true;
          w->letters++;
          if (dl__is_upper(cp)) {
            if (j == i) w->first_upper = true;
            w->upper = true;
          } else if (dl__is_lower(cp)) {
            w->lower = true;
          }
        }
        j += n;
        continue;
      }
      if ((cp == 0x2010 || cp == 0x2011) && j > i &&
          is_word_at(s, j + n, lim)) {
        w->flags |= DL__TOK_HYPHEN;
        j += n;
        continue;
      }
      if (cp == 0x2019) goto apostrophe;
      break;
    }
    if (k != C_OTHER || j == i) break;
    switch (c) {
    case '-':
      if (is_word_at(s, j + 1, lim)) {
        w->flags |= DL__TOK_HYPHEN;
        j++;
        piece = j;
        continue;
      }
      goto done;
    case '.':
      if (cls[s->u[j - 1]] == C_DIGIT && is_digit_at(s, j + 1, lim) &&
          first_digit) {
        j++;
        continue;
      }
      /* Dotted letters: U.S, e.g, Ph.D (pieces of at most two letters). */
      if (is_letter_at(s, j - 1, lim) && is_letter_at(s, j + 1, lim) &&
          j - piece <= 2 && !first_digit && short_piece(s, j + 1, lim, 2) &&
          !(j - piece == 2 && cls[s->u[j + 1]] == C_UPPER &&
            cls[s->u[j + 2]] == C_LOWER)) { /* not "Va.My" (no space) */
        size_t e = domain_at(s, i, lim);
        if (e > j) {
          w->end = e;
          w->flags = DL__TOK_URL;
          return;
        }
        w->dotted = true;
        j++;
        piece = j;
        continue;
      }
      if (is_letter_at(s, j + 1, lim) && !w->dotted) {
        size_t e = domain_at(s, i, lim), x;
        if (e > j) {
          w->end = e;
          w->flags = DL__TOK_URL;
          return;
        }
        x = ext_at(s, j + 1, lim);
        if (x) { /* report.pdf */
          w->end = j + 1 + x;
          return;
        }
        /* first.last@host.com: an '@' further on in the same run (the
        ** memo keeps a long run from being rescanned at every dot). */
        if (j + 1 >= s->at_fail_end) {
          for (x = j + 1; x < lim && x - j < 64 &&
                          (is_alnum_c(cls[s->u[x]]) || s->u[x] == '.' ||
                           s->u[x] == '_' || s->u[x] == '-');
               x++)
            ;
          if (x < lim && s->u[x] == '@' && is_alnum_c(cls[s->u[x - 1]])) {
            size_t em = email_end(s, x, lim);
            if (em) {
              w->end = em;
              w->flags = DL__TOK_EMAIL;
              return;
            }
          }
          s->at_fail_end = x;
        }
      }
      goto done;
    case ',':
      /* Thousands: 1,000,000 (exactly three digits follow). */
      if (first_digit && cls[s->u[j - 1]] == C_DIGIT &&
          is_digit_at(s, j + 1, lim) && is_digit_at(s, j + 2, lim) &&
          is_digit_at(s, j + 3, lim) && !is_digit_at(s, j + 4, lim)) {
        j += 4;
        continue;
      }
      goto done;
    case ':':
    case '/':
      if (cls[s->u[j - 1]] == C_DIGIT && is_digit_at(s, j + 1, lim) &&
          first_digit) {
        j++;
        continue;
      }
      /* b/c, w/o, and/or, he/she: short letter pieces. */
      if (c == '/' && !first_digit && j - piece <= 3 &&
          is_letter_at(s, j - 1, lim) && short_piece(s, j + 1, lim, 3)) {
        j++;
        piece = j;
        continue;
      }
      goto done;
    case '&':
      if (cls[s->u[j - 1]] == C_UPPER && j + 1 < lim &&
          cls[s->u[j + 1]] == C_UPPER) {
        j++;
        continue;
      }
      goto done;
    case '_':
      if (is_word_at(s, j + 1, lim)) {
        j++;
        continue;
      }
      goto done;
    case '@':
      if (is_alnum_c(cls[s->u[j - 1]])) {
        size_t e = email_end(s, j, lim);
        if (e) {
          w->end = e;
          w->flags = DL__TOK_EMAIL;
          return;
        }
      }
      goto done;
    case '\'':
      goto apostrophe;
    default:
      goto done;
    }
  apostrophe : {
    size_t ak = apos_len(s, j, lim), cl;
    if (!ak) goto done;
    /* n't: "don't" -> do + n't; at the start of a word: the n't token. */
    if ((s->u[j - 1] == 'n' || s->u[j - 1] == 'N') && j + ak < lim &&
        (s->u[j + ak] == 't' || s->u[j + ak] == 'T') &&
        !is_letter_at(s, j + ak + 1, lim)) {
      if (j - 1 == i) {
        w->end = j + ak + 1;
        w->flags |= DL__TOK_CLITIC;
        w->lower = w->letter = true;
        return;
      }
      if (j - 1 > i) {
        j--;
        goto done;
      }
    }
    cl = clitic_after(s, j, ak, lim);
    if (cl) goto done; /* the clitic becomes its own token */
    if (is_letter_at(s, j + ak, lim) && is_letter_at(s, j - 1, lim)) {
      j += ak; /* O'Brien */
      continue;
    }
    goto done;
  }
  }
done:
  w->end = j;
}

static bool is_time(const unsigned char *p, size_t n)
{
  /* h:mm, hh:mm, h:mm:ss; 5pm, 10am, 10:30pm */
  size_t i = 0, d = 0;
  while (i < n && p[i] >= '0' && p[i] <= '9') i++, d++;
  if (d == 0 || d > 2) return false;
  if (i < n && p[i] == ':') {
    size_t k = 0;
    i++;
    while (i < n && p[i] >= '0' && p[i] <= '9') i++, k++;
    if (k != 2) return false;
    if (i < n && p[i] == ':') {
      k = 0;
      i++;
      while (i < n && p[i] >= '0' && p[i] <= '9') i++, k++;
      if (k != 2) return false;
    }
    if (i == n) return true;
  }
  if (n - i == 2 && (lower_ascii(p[i]) == 'a' || lower_ascii(p[i]) == 'p') &&
      lower_ascii(p[i + 1]) == 'm')
    return true;
  return false;
}

/* ====================================================================
** The pass
** ==================================================================== */

#define TOK_FLAGS_WORD(w)                                                   \
  (((w).letter ? DL__TOK_WORD : 0u) | ((w).first_upper ? DL__TOK_CAP : 0u) | \
   ((w).upper && !(w).lower && (w).letters >= 2 ? DL__TOK_ALLCAPS : 0u))

/* The token at i is a word or number: scan it, attach a period that
** belongs to it, and push. Returns the end or 0 on OOM. */
static size_t do_word(struct scan *s, size_t i, size_t lim)
{
  struct word w;
  uint32_t f;
  size_t e;
  scan_word(s, i, lim, &w);
  e = w.end;
  if (e == i) e = i + 1; /* cannot happen: i is a word character */
  if (w.flags & (DL__TOK_URL | DL__TOK_EMAIL)) {
    f = w.flags;
  } else {
    f = w.flags | TOK_FLAGS_WORD(w);
    if (cls[s->u[i]] == C_DIGIT) {
      f |= DL__TOK_NUM;
      if (is_time(s->u + i, e - i)) f |= DL__TOK_TIME;
      /* A list number at the start of a line keeps its period: "2. Smith"
      ** (a rank, not the end of a sentence). */
      if ((s->nl || !s->n) && e - i <= 2 && !w.letter && e + 1 < lim &&
          s->u[e] == '.' && cls[s->u[e + 1]] == C_SPACE) {
        e++;
        f |= DL__TOK_ABBREV;
      }
    }
    /* PTB splits: can not, gon na, wan na, got ta. */
    if ((e - i == 5 || e - i == 6) &&
        ((s->u[i] | 0x20) == 'c' || (s->u[i] | 0x20) == 'g' ||
         (s->u[i] | 0x20) == 'w') &&
        ((e - i == 6 && cmp_lower(s->v + i, 6, "cannot") == 0) ||
         (e - i == 5 && (cmp_lower(s->v + i, 5, "gonna") == 0 ||
                         cmp_lower(s->v + i, 5, "wanna") == 0 ||
                         cmp_lower(s->v + i, 5, "gotta") == 0))))
      e = i + 3;
    /* A period that belongs to the word. */
    if (e < lim && s->u[e] == '.' && !(e + 1 < lim && s->u[e + 1] == '.') &&
        w.letter && !(f & DL__TOK_NUM)) {
      bool take = false;
      if (w.dotted)
        take = true; /* U.S. e.g. p.m. */
      else if (e - i == 1 && w.first_upper)
        take = true; /* initial */
      else if (w.letters == 1 && e - i <= 4 && w.first_upper)
        take = true; /* initial in another script */
      else if (dl__abbrev_find(s->v + i, e - i))
        take = true;
      if (take) {
        e++;
        f |= DL__TOK_ABBREV;
        if ((e - i == 4 || e - i == 5) &&
            (lower_ascii(s->u[i]) == 'a' || lower_ascii(s->u[i]) == 'p') &&
            s->u[i + 1] == '.' && lower_ascii(s->u[i + 2]) == 'm')
          f |= DL__TOK_TIME;
        /* "U.S.-led": the hyphen joins the next word to the token. */
        if (e + 1 < lim && s->u[e] == '-' && is_word_at(s, e + 1, lim)) {
          struct word w2;
          scan_word(s, e + 1, lim, &w2);
          if (!(w2.flags & (DL__TOK_URL | DL__TOK_EMAIL))) {
            e = w2.end;
            f = (f & ~(uint32_t)(DL__TOK_ABBREV | DL__TOK_TIME)) |
                DL__TOK_HYPHEN;
            if (w2.lower) f &= ~(uint32_t)DL__TOK_ALLCAPS;
          }
        }
      }
    }
  }
  return push(s, i, e, f) ? e : 0;
}

/* Flags of a quote token at i of length k with code point cp. Curly
** quotes open or close by their shape; straight ones (and U+2019 at a
** token start) by context: right after a word, a number, a closing mark
** or sentence punctuation they close; otherwise they open when a word
** follows, and toggle the paragraph's quote state when white space
** surrounds them. */
static uint32_t quote_flags(struct scan *s, size_t i, size_t k, int32_t cp,
                            size_t lim)
{
  bool open, after, before_word, dq = cp == '"' || dl__is_dquote(cp);
  size_t k2;
  int32_t nx = cp_at(s, i + k, lim, &k2);
  before_word = nx >= 0 && (nx < 0x80 ? is_alnum_c(cls[nx]) : is_word_cp(nx));
  after = false;
  if (!s->space && s->n) {
    const dl__token *p = &s->t[s->n - 1];
    unsigned char pc = s->u[p->end - 1];
    after = (p->flags & (DL__TOK_WORD | DL__TOK_NUM | DL__TOK_CLOSE |
                         DL__TOK_ELLIPSIS)) ||
            pc == '.' || pc == ',' || pc == '!' || pc == '?' || pc == ';';
  }
  switch (cp) {
  case 0x201C:
  case 0x201E:
  case 0x00AB:
  case 0x2018:
  case 0x201A:
  case 0x2039:
  case '`':
    open = true;
    break;
  case 0x201D:
  case 0x00BB:
  case 0x203A:
    open = false;
    break;
  default:
    if (after)
      open = false;
    else if (before_word)
      open = true;
    else if (nx < 0 || (nx < 0x80 && (cls[nx] == C_NL || cls[nx] == C_CR)))
      open = false; /* nothing opens at the end of a line */
    else if (nx < 0x80 && cls[nx] == C_SPACE)
      open = !(dq ? s->dq_open : s->sq_open);
    else
      open = true;
    break;
  }
  if (dq)
    s->dq_open = open;
  else
    s->sq_open = open;
  return DL__TOK_QUOTE | DL__TOK_PUNCT | (open ? DL__TOK_OPEN : DL__TOK_CLOSE);
}

/* Non-word token at i (ASCII punctuation or a non-ASCII non-word
** character). Returns the end, or 0 on OOM. */
static size_t do_punct(struct scan *s, size_t i, size_t lim)
{
  const unsigned char *u = s->u;
  unsigned char c = u[i];
  size_t e = i + 1, k, cl;
  uint32_t f = DL__TOK_PUNCT;
  int32_t cp = c;
  if (c >= 0x80) {
    cp = cp_at(s, i, lim, &k);
    e = i + k;
  }
  switch (cp) {
  case '.':
    if ((s->space || !s->n) && is_digit_at(s, e, lim)) {
      struct word w; /* .542 */
      scan_word(s, e, lim, &w);
      if (!(w.flags & (DL__TOK_URL | DL__TOK_EMAIL))) {
        e = w.end;
        f = DL__TOK_NUM;
        break;
      }
    }
    while (e < lim && u[e] == '.' && e - i < DL__TOK_MAX) e++;
    if (e - i >= 2) f |= DL__TOK_ELLIPSIS;
    break;
  case 0x2026:
    f |= DL__TOK_ELLIPSIS;
    break;
  case '!':
  case '?':
    while (e < lim && (u[e] == '!' || u[e] == '?') && e - i < DL__TOK_MAX)
      e++;
    break;
  case '-':
    while (e < lim && u[e] == '-' && e - i < DL__TOK_MAX) e++;
    f |= DL__TOK_DASH;
    break;
  case 0x2012:
  case 0x2013:
  case 0x2014:
  case 0x2015:
  case 0x2212:
  case 0x2010:
  case 0x2011:
    f |= DL__TOK_DASH;
    break;
  case '(':
  case '[':
  case '{':
    f |= DL__TOK_OPEN;
    break;
  case ')':
  case ']':
  case '}':
    f |= DL__TOK_CLOSE;
    break;
  case '#':
  case '@':
    if (e < lim && (is_word_at(s, e, lim) || u[e] == '_')) {
      struct word w;
      if (cp == '@' && s->n && !s->space) break; /* x@ without a local */
      scan_word(s, e, lim, &w);
      if (w.flags & (DL__TOK_URL | DL__TOK_EMAIL)) w.end = e;
      while (w.end < lim && (is_word_at(s, w.end, lim) || u[w.end] == '_'))
        w.end++;
      e = w.end;
      f = (cp == '#' ? DL__TOK_HASHTAG : DL__TOK_MENTION) |
          (w.letter ? DL__TOK_WORD : 0u);
    }
    break;
  case '`':
    if (e < lim && u[e] == '`') e++;
    f = quote_flags(s, i, e - i, '`', lim);
    break;
  case '\'':
    /* '' as a closing double quote (PTB-style input). */
    if (e < lim && u[e] == '\'') {
      /* '' is a double quote (PTB-style or typewriter text, where it
      ** also opens: "said. ''They pay..."): decided like a straight ". */
      e++;
      f = quote_flags(s, i, e - i, '"', lim);
      break;
    }
    goto squote;
  case 0x2019:
  squote:
    /* '90s, ’80s: a decade keeps its apostrophe (PTB). */
    if ((s->space || !s->n) && e + 2 < lim && is_digit_at(s, e, lim) &&
        is_digit_at(s, e + 1, lim) && (s->u[e + 2] == 's' ||
                                       !is_word_at(s, e + 2, lim))) {
      e += s->u[e + 2] == 's' && !is_word_at(s, e + 3, lim) ? 3 : 2;
      f = DL__TOK_NUM | (s->u[e - 1] == 's' ? DL__TOK_WORD : 0u);
      break;
    }
    cl = clitic_after(s, i, e - i, lim);
    if (!s->space && s->n && (s->t[s->n - 1].flags & (DL__TOK_WORD |
                                                       DL__TOK_NUM))) {
      const dl__token *p = &s->t[s->n - 1];
      if (cl) {
        e += cl;
        f = DL__TOK_CLITIC | DL__TOK_WORD;
        break;
      }
      /* Possessive after s: "Russians' votes" (unless a single quote is
      ** open and waits for its close). */
      if (!s->sq_open && (u[p->end - 1] == 's' || u[p->end - 1] == 'S') &&
          !is_word_at(s, e, lim)) {
        f = DL__TOK_CLITIC | DL__TOK_PUNCT;
        break;
      }
    }
    /* "'em", 'quoted': an apostrophe before a word after a space. */
    f = quote_flags(s, i, e - i, cp, lim);
    break;
  default:
    if (cp == '"' || dl__is_dquote(cp) || dl__is_squote(cp)) {
      f = quote_flags(s, i, e - i, cp, lim);
      break;
    }
    if (c == DL__BAD_BYTE) break;
    /* A run of one symbol is one token: ====, ****, ____, $$$, >>. */
    if (c == '=' || c == '*' || c == '_' || c == '+' || c == '$' ||
        c == '<' || c == '>' || c == '~' || c == '^' || c == '|' ||
        c == '\\' || c == '#')
      while (e < lim && u[e] == c && e - i < DL__TOK_MAX) e++;
    /* Emoticons: :) :-) :( :-( ;) ;-) :D :P, then a space or the end. */
    if (c == ':' || c == ';') {
      size_t x = e;
      if (x < lim && u[x] == '-') x++;
      if (x < lim && (u[x] == ')' || u[x] == '(' || u[x] == 'D' ||
                      u[x] == 'P') &&
          (x + 1 >= lim || cls[u[x + 1]] == C_SPACE ||
           cls[u[x + 1]] == C_NL || cls[u[x + 1]] == C_CR)) {
        e = x + 1;
        f = DL__TOK_PUNCT;
      }
    }
    break;
  }
  return push(s, i, e, f) ? e : 0;
}

dl_status dl__tok_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct scan s;
  size_t i = 0, ci = 0, seg_end;
  const dl__clean *cl = d->clean;
  memset(&s, 0, sizeof s);
  s.u = (const unsigned char *)d->view;
  s.v = d->view;
  s.len = d->len;
  s.buf = &a->scratch[0];
  s.buf->len = 0;
  s.t = (dl__token *)(void *)s.buf->p;
  s.cap = s.buf->cap / sizeof(dl__token);

  /* The first clean span that ends after i starts the next skip. */
  while (ci < d->n_clean && cl[ci].end <= i) ci++;
  seg_end = ci < d->n_clean ? DL__MIN((size_t)cl[ci].start, d->len) : d->len;

  while (i < d->len) {
    unsigned char c;
    size_t e, lim;
    if (i >= seg_end) {
      /* Inside a clean span: jump over it (and any that overlap it). */
      while (ci < d->n_clean && cl[ci].start <= i) {
        if (cl[ci].end > i) i = DL__MIN((size_t)cl[ci].end, d->len);
        ci++;
      }
      s.space = true;
      seg_end =
          ci < d->n_clean ? DL__MIN((size_t)cl[ci].start, d->len) : d->len;
      if (seg_end < i) seg_end = i;
      continue;
    }
    c = s.u[i];
    switch (cls[c]) {
    case C_SPACE:
      s.space = true;
      i++;
      while (i < seg_end && s.u[i] == ' ') i++;
      continue;
    case C_NL:
      s.space = true;
      s.nl++;
      i++;
      continue;
    case C_CR:
      s.space = true;
      if (!(i + 1 < seg_end && s.u[i + 1] == '\n')) s.nl++;
      i++;
      continue;
    default:
      break;
    }
    lim = DL__MIN(seg_end, i + DL__TOK_MAX);
    if (s.nl >= 2) s.dq_open = s.sq_open = false;
    if (cls[c] == C_HIGH) {
      size_t k;
      int32_t cp = cp_at(&s, i, seg_end, &k);
      if (cp == 0x2028 || cp == 0x85) {
        s.space = true;
        s.nl++;
        i += k;
        continue;
      }
      if (cp == 0x2029) {
        s.space = true;
        s.nl += 2;
        i += k;
        continue;
      }
      if (dl__is_space(cp) || cp == 0x200B || cp == 0xFEFF ||
          cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xAD) {
        s.space = true; /* zero-width and soft hyphen separate too */
        i += k;
        continue;
      }
      e = is_word_cp(cp) ? do_word(&s, i, lim) : do_punct(&s, i, lim);
    } else if (is_alnum_c(cls[c])) {
      e = 0;
      if (wbits[c] & W_LETTER) {
        /* Fast path: ASCII letters ended by a space, a line break, a
        ** comma or a semicolon need none of do_word's rules (no joiner,
        ** period, clitic or URL can follow), except the PTB splits of
        ** "cannot" and friends, left to do_word. */
        size_t x = i;
        unsigned acc = 0, letters = 0;
        while (x < lim && wbits[s.u[x]]) {
          acc |= wbits[s.u[x]];
          letters += (wbits[s.u[x]] & W_LETTER) ? 1u : 0u;
          x++;
        }
        if (x < lim && (cls[s.u[x]] == C_SPACE || cls[s.u[x]] == C_NL ||
                        s.u[x] == ',' || s.u[x] == ';') &&
            !((x - i == 5 || x - i == 6) &&
              ((c | 0x20) == 'c' || (c | 0x20) == 'g' || (c | 0x20) == 'w'))) {
          uint32_t f = DL__TOK_WORD;
          if (wbits[c] & W_UPPER) f |= DL__TOK_CAP;
          if (!(acc & W_LOWER) && letters >= 2) f |= DL__TOK_ALLCAPS;
          if (!push(&s, i, x, f)) goto nomem;
          i = x;
          continue;
        }
      }
      if (i + 4 < lim && maybe_url(s.u + i)) {
        size_t ue = url_at(&s, i, lim);
        if (ue) e = push(&s, i, ue, DL__TOK_URL) ? ue : 0;
        if (ue && !e) goto nomem;
      }
      if (!e) e = do_word(&s, i, lim);
    } else {
      e = do_punct(&s, i, lim);
    }
    if (!e) goto nomem;
    i = e;
  }

  /* Unless the text is hard-wrapped (a quarter of its single line breaks
  ** fall between two lower-case words), a line break starts a paragraph:
  ** one paragraph per line, headlines and bylines on their own lines. */
  if (s.line_breaks && s.line_breaks_wrap * 4 < s.line_breaks) {
    for (size_t k = 0; k < s.n; k++)
      if (s.t[k].flags & DL__TOK_LINE_START) s.t[k].flags |= DL__TOK_PARA_START;
  } else {
    /* Hard-wrapped: an indented line after sentence punctuation starts a
    ** paragraph (the wire style of Reuters-21578). */
    for (size_t k = 1; k < s.n; k++) {
      uint32_t st = s.t[k].start;
      unsigned char c;
      if ((s.t[k].flags & (DL__TOK_LINE_START | DL__TOK_PARA_START)) !=
              DL__TOK_LINE_START ||
          st < 2 || !((s.u[st - 1] == ' ' && s.u[st - 2] == ' ') ||
                      s.u[st - 1] == '\t'))
        continue;
      c = s.u[s.t[k - 1].end - 1];
      if (c == '.' || c == '!' || c == '?' || c == '"' || c == ')' ||
          c == ':' || c == 0x9D /* U+201D */)
        s.t[k].flags |= DL__TOK_PARA_START;
    }
  }

  d->tokens = s.n ? dl__arena_dup(&d->arena, s.t, s.n * sizeof *s.t) : NULL;
  if (s.n && !d->tokens) goto nomem;
  d->n_tokens = s.n;
  return DL_OK;
nomem:
  return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
}
