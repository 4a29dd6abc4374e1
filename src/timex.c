/*
** timex.c -- temporal expressions: found, typed and normalized to TIMEX3
** values against the document date (the anchor).
**
** The stage lexes one line at a time (timex_lex.c) and walks its tokens.
** Only numbers, words of the time lexicon and apostrophes can start an
** expression (a first-character dispatch: a plain word costs one failed
** lexicon probe). At such a token p_full() tries, longest first, a prefix
** ("the", "early", "the end of", "fiscal", "earlier") and then p_core(),
** a hand-written recursive descent over the forms of news English:
**
**   absolute    Dec. 22, 2016 | 22 December 2016 | 2016-12-22 | 12/22/2016
**               July 1997 | 1990 | the 1990s | the 19th century | Q3 2016
**   relative    Thursday | last week | next month | two days ago | today
**               earlier this year | the third quarter | last fall | now
**   times       10:30 a.m. EST | 5pm | Thursday night | this morning
**   durations   five years | 10-day | the past two months | years
**   sets        every week | daily | twice a month | Mondays
**
** Relative expressions are resolved against the document date. When a
** bare weekday, month or day has no explicit direction, the tense of its
** sentence decides it: a past cue ("was", "said", a verb in -ed) takes
** the latest such day on or before the anchor, a future cue ("will",
** "scheduled") the next one on or after it; without a cue news English
** means the past. Without a document date, relative expressions keep the
** underspecified TIMEX3 value where one exists ("XXXX-WXX-4" for
** Thursday, "XXXX-12-22", "PRESENT_REF") and have a null value otherwise
** ("yesterday"); their anchor is null. Impossible dates (February 30) and
** years outside 1000..2999 are not dates at all.
**
** Invariants: spans are byte spans into the input, in text order, never
** overlapping, never inside a clean span.
*/
#include "timex.h"

#include <stdio.h>
#include <stdlib.h>

/* ====================================================================
** Context and candidates
** ==================================================================== */

typedef struct cand {
  size_t end;       /* token index after the expression */
  int type;         /* dl__timex_type */
  bool rel;         /* resolved against the anchor */
  bool nothe;       /* a leading "the" is not part of it (years) */
  bool block;       /* no shorter reading either (an impossible date) */
  const char *mod;
  char val[48];     /* value when anchored (or absolute) */
  char uval[48];    /* value when there is no anchor ("" = null) */
  char freq[8];     /* SET: "3X" ("" = none) */
  char anchor[16];  /* resolved against the story's reference date, not
                    ** the document date ("" = the document date) */
} cand;

typedef struct ctx {
  const dl_doc *d;
  const tx_tok *t;
  size_t n;
  const tx_lexer *lx;
  bool have; /* anchor known */
  int ay, am, ad, ah, amin;
  bool dmy;  /* slash dates are day/month */
  /* The last full date emitted on this line (times attach to it). */
  int ly, lm, ld;
  size_t lend;
  bool lvalid;
  /* The text so far spoke of quarters: "a year ago" is then the same
  ** quarter a year before (earnings reports). */
  bool quarters;
  /* The year of the last explicit date ("in 1995"): "the following
  ** year" counts from it, not from the article's date. 0: none yet. */
  int my;
  /* The story's reference time: the last full date emitted in the
  ** document ("On May 22, 1995, ... three days later": 1995-05-25).
  ** rvalid false: none yet. mym: the last month named (year, month). */
  int ry, rm, rd, rmy, rmm;
  bool rvalid, mvalid;
} ctx;

typedef struct tx_ws tx_ws;

#define T(i) (&c->t[(i)])

static bool in(const ctx *c, size_t i) { return i < c->n; }

/* Token i is the word w. Inlined up to the first letter, which answers
** almost every call (the parsers ask a few hundred thousand times a MB);
** the rest of the comparison is out of line. */
static bool is_rest(const ctx *c, size_t i, const char *w)
{
  return dl__tx_is(c->d, &c->t[i], w);
}

#if defined(__GNUC__)
#define TX_INLINE __attribute__((always_inline)) inline
#else
#define TX_INLINE inline
#endif

static TX_INLINE bool is(const ctx *c, size_t i, const char *w)
{
  return i < c->n && c->t[i].kind == TX_WORD &&
         ((unsigned char)c->d->view[c->t[i].start] | 32) ==
             (unsigned char)w[0] &&
         is_rest(c, i, w);
}

/* Inlined: the bit mask answers most calls. */
static TX_INLINE int cat(const ctx *c, size_t i, int k)
{
  if (i >= c->n || c->t[i].kind != TX_WORD ||
      !(c->t[i].cats & (1u << k)))
    return -1;
  return dl__tx_cat_lookup(&c->t[i], k);
}

static int ch(const ctx *c, size_t i)
{
  return i < c->n ? dl__tx_ch(c->d, &c->t[i]) : 0;
}

/* Token i follows token i-1 with no space. */
static bool tight(const ctx *c, size_t i) { return i < c->n && !c->t[i].space; }

/* A hyphen or dash between i-1 and i+1 with no spaces. */
static bool hyph(const ctx *c, size_t i)
{
  if (!in(c, i + 1) || c->t[i].space || c->t[i + 1].space) return false;
  if (ch(c, i) == '-') return true;
  return c->t[i].kind == TX_PUNCT && c->t[i].end - c->t[i].start == 3 &&
         memcmp(c->d->view + c->t[i].start, "\xE2\x80\x93", 3) == 0;
}

static void sfx(const ctx *c, size_t i, char *buf, size_t cap)
{
  const tx_tok *t = &c->t[i];
  size_t n = t->end - TX_SFX(t), k;
  if (n >= cap) n = cap - 1;
  for (k = 0; k < n; k++) {
    char x = c->d->view[TX_SFX(t) + k];
    buf[k] = (char)((x >= 'A' && x <= 'Z') ? x + 32 : x);
  }
  buf[k] = 0;
}

/* A plain number token (no suffix, no separators) with 1..maxd digits. */
static bool pnum(const ctx *c, size_t i, unsigned maxd)
{
  return i < c->n && c->t[i].kind == TX_NUM && c->t[i].plain &&
         c->t[i].sfxlen == 0 && c->t[i].ndig <= maxd;
}

/* Saturates: a 60-digit number converted to int is undefined behaviour
** (found by tests/fuzz/fuzz_annotate); no pattern accepts such values. */
static int ival(const ctx *c, size_t i)
{
  double v = dl__tx_num(c->d, &c->t[i]);
  if (!(v > -1e9)) return -1000000000;
  if (v > 1e9) return 1000000000;
  return (int)v;
}

/* The value of the leading digits of s, at most max of them (atoi is
** banned: it has no error reporting and overflows silently). */
static bool dig4(const char *s)
{
  for (int k = 0; k < 4; k++)
    if (s[k] < '0' || s[k] > '9') return false;
  return true;
}

static int lead_int(const char *s, size_t max)
{
  int v = 0;
  for (size_t i = 0; i < max && s[i] >= '0' && s[i] <= '9'; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

static bool year4(const ctx *c, size_t i)
{
  return pnum(c, i, 4) && c->t[i].ndig == 4 && ival(c, i) >= 1000 &&
         ival(c, i) <= 2999;
}

/* A year in words, as in broadcast transcripts: "nineteen ninety-six",
** "two thousand", "two thousand and one". Returns the end or 0. */
static size_t spoken_year(const ctx *c, size_t i, int *y)
{
  int hi = cat(c, i, TXC_NUMW), lo;
  size_t j = i + 1;
  if (hi >= 10 && hi <= 20 && (lo = cat(c, j, TXC_NUMW)) >= 10 &&
      lo % 10 == 0 && lo <= 90) {
    j++;
    if (hyph(c, j) && cat(c, j + 1, TXC_NUMW) > 0 &&
        cat(c, j + 1, TXC_NUMW) < 10) {
      lo += cat(c, j + 1, TXC_NUMW);
      j += 2;
    }
    *y = hi * 100 + lo;
    return j;
  }
  if (hi == 2 && is(c, j, "thousand")) {
    j++;
    *y = 2000;
    if (is(c, j, "and") && cat(c, j + 1, TXC_NUMW) > 0 &&
        cat(c, j + 1, TXC_NUMW) < 20) {
      *y += cat(c, j + 1, TXC_NUMW);
      j += 2;
    } else if (cat(c, j, TXC_NUMW) > 0 && cat(c, j, TXC_NUMW) < 20) {
      *y += cat(c, j, TXC_NUMW);
      j++;
    }
    return j;
  }
  return 0;
}

static void fmt_num(char *b, size_t cap, double v)
{
  if (v < 0)
    snprintf(b, cap, "X");
  else if (v < 1e15 && v == (double)(long)v) /* (long)1e60 is undefined */
    snprintf(b, cap, "%ld", (long)v);
  else
    snprintf(b, cap, "%.1f", v);
}

/* ====================================================================
** Tense: the direction of a bare weekday, month or day
** ==================================================================== */

static bool past_form(const ctx *c, size_t i)
{
  const tx_tok *t = T(i);
  size_t n = t->end - t->start;
  const char *s = c->d->view + t->start;
  if (t->kind != TX_WORD || t->cap || n < 5) return false;
  return s[n - 2] == 'e' && s[n - 1] == 'd' && s[n - 3] != 'e';
}

static bool modal(const ctx *c, size_t i)
{
  return is(c, i, "would") || is(c, i, "could") || is(c, i, "may") ||
         is(c, i, "might") || is(c, i, "should");
}

static int cue(const ctx *c, size_t i)
{
  if (cat(c, i, TXC_FUT) >= 0) { /* the bit mask: usually no */
    /* "vacation plans", "the plan": nouns; "plans to", "plan to" */
    if ((is(c, i, "plans") || is(c, i, "plan")) && !is(c, i + 1, "to"))
      return 0;
    /* "is set to", "set for Friday": future; "she set aside": past */
    if (is(c, i, "set"))
      return is(c, i + 1, "to") || is(c, i + 1, "for") ||
                     (i > 0 && (is(c, i - 1, "is") || is(c, i - 1, "are") ||
                                is(c, i - 1, "be") || is(c, i - 1, "been")))
                 ? 1
                 : -1;
    if (!(T(i)->cap && is(c, i, "may"))) return 1;
  }
  if (cat(c, i, TXC_PAST) >= 0 || past_form(c, i)) return -1;
  return 0;
}

/* -1 past, +1 future, 0 unknown: the nearest tense cue before the
** expression in its sentence (the verb that governs it usually comes
** first), else the nearest after it ("On Friday, he said ..."). */
static int tense_of(const ctx *c, size_t from, size_t to, bool nomodal)
{
  size_t lo = from;
  int r;
  /* "as early as Tuesday", "as soon as Friday" */
  if (from >= 3 && is(c, from - 1, "as") && is(c, from - 3, "as") &&
      (is(c, from - 2, "early") || is(c, from - 2, "soon")))
    return 1;
  for (int k = 0; k < 12 && lo > 0 && !T(lo)->sent; k++)
    if ((r = cue(c, --lo)) != 0 && !(nomodal && modal(c, lo))) return r;
  for (size_t hi = to; hi < c->n && hi < to + 10 && !T(hi)->sent; hi++)
    if ((r = cue(c, hi)) != 0 && !(nomodal && modal(c, hi))) return r;
  return 0;
}

static int tense(const ctx *c, size_t from, size_t to)
{
  return tense_of(c, from, to, false);
}

/* ====================================================================
** Resolution against the anchor
** ==================================================================== */

/* Writes n as w zero-padded digits (0 <= n < 10^w). */
static char *put_digits(char *b, int n, int w)
{
  for (int k = w - 1; k >= 0; k--, n /= 10) b[k] = (char)('0' + n % 10);
  return b + w;
}

/* "YYYY-MM-DD" without snprintf (a thousand instructions a call): the
** commonest value is written on every weekday and month-day tried. */
static void set_date(cand *r, int y, int m, int d)
{
  char *b = r->val;
  if (y < 0 || y > 9999 || m < 0 || m > 99 || d < 0 || d > 99) {
    snprintf(r->val, sizeof r->val, "%04d-%02d-%02d", y, m, d);
    return;
  }
  b = put_digits(b, y, 4);
  *b++ = '-';
  b = put_digits(b, m, 2);
  *b++ = '-';
  b = put_digits(b, d, 2);
  *b = 0;
}

static void shift(const ctx *c, long days, int *y, int *m, int *d)
{
  dl__tx_civil(dl__tx_days(c->ay, c->am, c->ad) + days, y, m, d);
}

/* The weekday wd relative to the anchor: dir -1 on or before, +1 on or
** after, -2 strictly before, +2 strictly after, 0 in the anchor's week. */
static void weekday(const ctx *c, int wd, int dir, int *y, int *m, int *d)
{
  int aw = dl__tx_wday(c->ay, c->am, c->ad);
  long off;
  switch (dir) {
  case -1: off = -((aw - wd + 7) % 7); break;
  case -2: off = -((aw - wd + 7) % 7); if (!off) off = -7; break;
  case 1: off = (wd - aw + 7) % 7; break;
  case 2: off = (wd - aw + 7) % 7; if (!off) off = 7; break;
  default: off = wd - aw; break;
  }
  shift(c, off, y, m, d);
}

/* The year of month m (day dd, 0: the middle) given a direction. */
static int infer_year(const ctx *c, int m, int dd, int dir)
{
  int a = c->am * 100 + c->ad, b = m * 100 + (dd ? dd : 15);
  long da = dl__tx_days(c->ay, c->am, c->ad),
       db = dl__tx_days(c->ay, m, dd ? dd : 1);
  /* The tense of a news sentence is a weak cue for a date: "said ...
  ** Nov. 16" in an article of Oct. 30 is a date to come. A past cue
  ** still allows the next three months (six weeks for a month alone),
  ** a future cue the last month. */
  if (dir < 0) {
    if (b <= a || db - da <= (dd ? 90 : 45)) return c->ay;
    return c->ay - 1;
  }
  if (dir > 0) {
    if (b >= a || da - db <= 30) return c->ay;
    return c->ay + 1;
  }
  /* No cue: the nearest occurrence (within six months). */
  if (m - c->am > 6) return c->ay - 1;
  if (c->am - m > 6) return c->ay + 1;
  return c->ay;
}

static int season_of(int m) { return m >= 3 && m <= 5 ? 1 : m <= 8 && m >= 6 ? 2 : m >= 9 && m <= 11 ? 3 : 4; }

static const char *const season_code[5] = {"", "SP", "SU", "FA", "WI"};
static const char *const pod_code[5] = {"", "MO", "AF", "EV", "NI"};

/* A date shifted by n units (negative: back) at the unit's granularity. */
static void gran(const ctx *c, cand *r, int unit, long n)
{
  int y, m, d, wy, wn;
  switch (unit) {
  case TXU_SECOND:
  case TXU_MINUTE:
  case TXU_HOUR:
  case TXU_DAY:
    if (unit != TXU_DAY) n = 0; /* hours ago: the anchor's day */
    shift(c, n, &y, &m, &d);
    set_date(r, y, m, d);
    break;
  case TXU_WEEK:
  case TXU_WEEKEND:
    shift(c, n * 7, &y, &m, &d);
    dl__tx_isoweek(y, m, d, &wy, &wn);
    snprintf(r->val, sizeof r->val, "%04d-W%02d%s", wy, wn,
             unit == TXU_WEEKEND ? "-WE" : "");
    break;
  case TXU_MONTH: {
    long k = (long)c->ay * 12 + (c->am - 1) + n;
    snprintf(r->val, sizeof r->val, "%04ld-%02ld", k / 12, k % 12 + 1);
    break;
  }
  case TXU_QUARTER: {
    long k = (long)c->ay * 4 + (c->am - 1) / 3 + n;
    snprintf(r->val, sizeof r->val, "%04ld-Q%ld", k / 4, k % 4 + 1);
    break;
  }
  case TXU_YEAR: snprintf(r->val, sizeof r->val, "%04ld", c->ay + n); break;
  case TXU_DECADE:
    snprintf(r->val, sizeof r->val, "%03ldX", c->ay / 10 + n);
    break;
  case TXU_CENTURY:
    snprintf(r->val, sizeof r->val, "%02ld", c->ay / 100 + n);
    break;
  default: r->val[0] = 0;
  }
  /* Before year 1 or after 9999 a calendar value means nothing here:
  ** "4000 years ago" is in the past, and that is all we say. */
  if (r->val[0] == '-')
    snprintf(r->val, sizeof r->val, "PAST_REF");
  else if (r->val[0] >= '0' && r->val[0] <= '9' && r->val[1] && r->val[2] &&
           r->val[3] >= '0' && r->val[3] <= '9' && r->val[4] >= '0' &&
           r->val[4] <= '9')
    snprintf(r->val, sizeof r->val, "FUTURE_REF");
}

static const char *unit_code(int u)
{
  switch (u) {
  case TXU_SECOND: return "S";
  case TXU_MINUTE: return "M";
  case TXU_HOUR: return "H";
  case TXU_DAY: return "D";
  case TXU_WEEK: return "W";
  case TXU_WEEKEND: return "WE";
  case TXU_MONTH: return "M";
  case TXU_QUARTER: return "Q";
  case TXU_YEAR: return "Y";
  case TXU_DECADE: return "DE";
  case TXU_CENTURY: return "CE";
  default: return "";
  }
}

static void duration(cand *r, double n, int unit)
{
  char num[24];
  /* Decades and centuries in years, quarters in months: the TIMEX3
  ** values most corpora use (P20Y, P9M). */
  if (unit == TXU_DECADE || unit == TXU_CENTURY || unit == TXU_QUARTER) {
    if (n >= 0) n *= unit == TXU_DECADE ? 10 : unit == TXU_CENTURY ? 100 : 3;
    unit = unit == TXU_QUARTER ? TXU_MONTH : TXU_YEAR;
  }
  r->type = DL__TIMEX_DURATION;
  /* A half in the next unit down: 5 1/2 hours is PT5H30M. */
  if (n > 0 && n < 1e6 && n - (double)(long)n == 0.5 &&
      (unit == TXU_YEAR || unit == TXU_DAY || unit == TXU_HOUR ||
       unit == TXU_MINUTE)) {
    static const char *const half[] = {"6M", "T12H", "30M", "30S"};
    int h = unit == TXU_YEAR  ? 0
            : unit == TXU_DAY ? 1
            : unit == TXU_HOUR ? 2
                               : 3;
    snprintf(r->val, sizeof r->val, "P%s%ld%s%s",
             unit <= TXU_HOUR ? "T" : "", (long)n, unit_code(unit), half[h]);
    memcpy(r->uval, r->val, sizeof r->val);
    r->rel = false;
    return;
  }
  fmt_num(num, sizeof num, n);
  snprintf(r->val, sizeof r->val, "P%s%s%s",
           unit <= TXU_HOUR ? "T" : "", num, unit_code(unit));
  memcpy(r->uval, r->val, sizeof r->val);
  r->rel = false;
}

/* ====================================================================
** Pieces
** ==================================================================== */

/* A day number 1..31, optionally "22nd". */
static int day_num(const ctx *c, size_t i)
{
  char s[8];
  int v;
  if (!in(c, i) || T(i)->kind != TX_NUM || !T(i)->plain || T(i)->ndig > 2)
    return 0;
  sfx(c, i, s, sizeof s);
  if (s[0] && strcmp(s, "st") && strcmp(s, "nd") && strcmp(s, "rd") &&
      strcmp(s, "th"))
    return 0;
  v = ival(c, i);
  if (v < 1 || v > 31) return 0;
  /* "22:30" is a time, "22.5" was not lexed as plain */
  if (ch(c, i + 1) == ':' && tight(c, i + 1) && in(c, i + 2) &&
      T(i + 2)->kind == TX_NUM && tight(c, i + 2))
    return 0;
  return v;
}

static int month_at(const ctx *c, size_t i, bool *abbr)
{
  int v = cat(c, i, TXC_MONTH);
  if (v < 0) return 0;
  *abbr = v > 100;
  return v % 100;
}

/* After a month token at i: skip an abbreviation's period. */
static size_t after_month(const ctx *c, size_t i)
{
  if (ch(c, i + 1) == '.' && tight(c, i + 1) &&
      c->t[i].end - c->t[i].start <= 4)
    return i + 2;
  return i + 1;
}

/* Finishes a month/day/year reading. y may be 0 (infer). */
static bool md_value(const ctx *c, cand *r, int y, int m, int dd,
                     size_t at, int wd)
{
  if (y) {
    if (dd) {
      if (!dl__date_valid(y, m, dd)) return false;
      set_date(r, y, m, dd);
    } else {
      snprintf(r->val, sizeof r->val, "%04d-%02d", y, m);
    }
    memcpy(r->uval, r->val, sizeof r->val);
    r->rel = false;
    return true;
  }
  if (dd && !dl__date_valid(2000, m, dd)) return false; /* Feb 29 ok */
  if (dd)
    snprintf(r->uval, sizeof r->uval, "XXXX-%02d-%02d", m, dd);
  else
    snprintf(r->uval, sizeof r->uval, "XXXX-%02d", m);
  r->rel = true;
  if (!c->have) return true;
  if (wd && dd) {
    /* "Thursday, Dec. 22": the year whose Dec. 22 is a Thursday, the
    ** nearest to the anchor. */
    int best = 0;
    for (int k = 0; k < 3 && !best; k++) {
      int ys[3] = {c->ay, c->ay - 1, c->ay + 1};
      if (dl__date_valid(ys[k], m, dd) && dl__tx_wday(ys[k], m, dd) == wd)
        best = ys[k];
    }
    y = best ? best : infer_year(c, m, dd, tense(c, at, r->end));
  } else {
    y = infer_year(c, m, dd, tense(c, at, r->end));
  }
  if (dd) {
    if (!dl__date_valid(y, m, dd)) return false;
    set_date(r, y, m, dd);
  } else {
    snprintf(r->val, sizeof r->val, "%04d-%02d", y, m);
  }
  return true;
}

/* MONTH [DAY] [,] [YEAR] at i. */
static size_t p_monthdate(const ctx *c, size_t i, cand *r, int wd)
{
  bool abbr;
  int m = month_at(c, i, &abbr), dd = 0, y = 0, yoff = 2;
  size_t j;
  if (!m) return 0;
  j = after_month(c, i);
  if ((dd = day_num(c, j)) != 0) {
    j++;
    if (ch(c, j) == ',' && year4(c, j + 1))
      y = ival(c, j + 1), j += 2;
    else if (year4(c, j))
      y = ival(c, j), j++;
  } else if (is(c, j, "the") && (dd = day_num(c, j + 1)) != 0) {
    j += 2; /* "December the 22nd" */
  } else {
    size_t k = j, e;
    if (ch(c, k) == ',' || is(c, k, "of")) k++;
    if (year4(c, k)) {
      y = ival(c, k);
      j = k + 1;
    } else if ((e = spoken_year(c, k, &y)) != 0) {
      j = e;
    }
  }
  /* "February this year", "July last year": one expression */
  if (!y && (is(c, j, "this") || is(c, j, "last") || is(c, j, "next")) &&
      is(c, j + 1, "year") && !hyph(c, j + 2) && ch(c, j + 2) != '\'') {
    yoff = is(c, j, "this") ? 0 : is(c, j, "last") ? -1 : 1;
    j += 2;
  }
  if (!dd && !y) {
    /* A month alone: full names, capitalized, not a name ("June
    ** Carter"); "May" and "March" only after a preposition. */
    if (abbr || !T(i)->cap) return 0;
    if (in(c, i + 1) && T(i + 1)->cap && T(i + 1)->kind == TX_WORD &&
        !T(i + 1)->sent)
      return 0;
    if ((m == 5 || m == 3) && !wd &&
        !(i > 0 && (cat(c, i - 1, TXC_PREP) >= 0 ||
                    cat(c, i - 1, TXC_MOD) >= 0 ||
                    cat(c, i - 1, TXC_EDGE) >= 0)))
      return 0;
  }
  if (abbr && !dd && !y) return 0;
  r->end = j;
  r->type = DL__TIMEX_DATE;
  if (!md_value(c, r, y, m, dd, i, wd)) {
    r->block = true;
    return 0;
  }
  if (yoff != 2 && c->have && r->rel) {
    if (!dd)
      snprintf(r->val, sizeof r->val, "%04d-%02d", c->ay + yoff, m);
    else if (dl__date_valid(c->ay + yoff, m, dd))
      set_date(r, c->ay + yoff, m, dd);
  }
  return j;
}

/* DAY [of] MONTH [YEAR] at i ("22 December 2016", "22nd of Dec."). */
static size_t p_daymonth(const ctx *c, size_t i, cand *r, int wd)
{
  int dd = day_num(c, i), m, y = 0;
  bool abbr;
  size_t j = i + 1;
  if (!dd) return 0;
  if (is(c, j, "of")) j++;
  m = month_at(c, j, &abbr);
  if (!m) return 0;
  if (!T(j)->cap) return 0;
  j = after_month(c, j);
  if (ch(c, j) == ',' && year4(c, j + 1))
    y = ival(c, j + 1), j += 2;
  else if (year4(c, j))
    y = ival(c, j), j++;
  r->end = j;
  r->type = DL__TIMEX_DATE;
  if (!md_value(c, r, y, m, dd, i, wd)) {
    r->block = true;
    return 0;
  }
  return j;
}

/* "a.m." / "am" / "p.m." / "pm" at i: returns the end, *pm 0 am 1 pm. */
static size_t p_ampm(const ctx *c, size_t i, int *pm)
{
  if (is(c, i, "am") || is(c, i, "pm")) {
    *pm = is(c, i, "pm");
    return ch(c, i + 1) == '.' && tight(c, i + 1) ? i + 2 : i + 1;
  }
  if ((is(c, i, "a") || is(c, i, "p")) && ch(c, i + 1) == '.' &&
      tight(c, i + 1) && is(c, i + 2, "m") && tight(c, i + 2)) {
    *pm = is(c, i, "p");
    return ch(c, i + 3) == '.' && tight(c, i + 3) ? i + 4 : i + 3;
  }
  return 0;
}

/* A time zone after a time: "EST", "GMT", "local time". */
static size_t p_tz(const ctx *c, size_t i, char *off, size_t cap)
{
  int v = cat(c, i, TXC_TZ);
  off[0] = 0;
  if (v >= 0 && T(i)->cap) {
    int mins = v - 10000;
    if (mins == 0)
      snprintf(off, cap, "Z");
    else if (mins > -1000 && mins != 1 - 10000)
      snprintf(off, cap, "%c%02d:%02d", mins < 0 ? '-' : '+',
               abs(mins) / 60, abs(mins) % 60);
    if (mins == -9999) off[0] = 0;
    /* "GMT+3" */
    return i + 1;
  }
  if (is(c, i, "local") && is(c, i + 1, "time")) return i + 2;
  return 0;
}

static size_t p_word(const ctx *c, size_t i, cand *r);

/* Builds a TIME value: the date the time belongs to, then THH:MM. */
static void time_value(const ctx *c, cand *r, size_t at, int h, int mi,
                       const char *tz)
{
  r->type = DL__TIMEX_TIME;
  if (c->lvalid && c->lend + 4 >= at) {
    snprintf(r->val, sizeof r->val, "%04d-%02d-%02dT%02d:%02d%s", c->ly,
             c->lm, c->ld, h, mi, tz);
    memcpy(r->uval, r->val, sizeof r->val);
    r->rel = false;
    return;
  }
  r->rel = true;
  snprintf(r->uval, sizeof r->uval, "XXXX-XX-XXT%02d:%02d%s", h, mi, tz);
  if (c->have)
    snprintf(r->val, sizeof r->val, "%04d-%02d-%02dT%02d:%02d%s", c->ay,
             c->am, c->ad, h, mi, tz);
}

/* Times: 10:30 [a.m.] [EST] | 5pm | 5 p.m. | 10 o'clock. */
static size_t p_time(const ctx *c, size_t i, cand *r)
{
  int h, mi = 0, pm = -1;
  size_t j = i + 1, k;
  char s[8], tz[16];
  bool strong = false;
  if (!pnum(c, i, 2) && !(T(i)->kind == TX_NUM && T(i)->plain &&
                          T(i)->ndig <= 2))
    return 0;
  h = ival(c, i);
  sfx(c, i, s, sizeof s);
  if (!strcmp(s, "am") || !strcmp(s, "pm")) {
    pm = s[0] == 'p';
    strong = true;
  } else if (s[0]) {
    return 0;
  } else if (ch(c, j) == ':' && tight(c, j) && pnum(c, j + 1, 2) &&
             T(j + 1)->ndig == 2 && tight(c, j + 1)) {
    mi = ival(c, j + 1);
    j += 2;
    if (ch(c, j) == ':' && tight(c, j) && pnum(c, j + 1, 2) &&
        tight(c, j + 1))
      j += 2; /* seconds: dropped from the value */
    if (h > 23 || mi > 59) return 0;
    strong = true;
  }
  if (pm < 0 && (k = p_ampm(c, j, &pm)) != 0) {
    j = k;
    strong = true;
  } else if (pm < 0 && is(c, j, "o'clock")) {
    j++;
    strong = true;
  }
  if (!strong) return 0;
  if (pm >= 0) {
    if (h < 1 || h > 12) return 0;
    if (pm && h < 12) h += 12;
    if (!pm && h == 12) h = 0;
  }
  if ((k = p_tz(c, j, tz, sizeof tz)) != 0) j = k;
  r->end = j;
  time_value(c, r, i, h, mi, tz);
  {
    /* "9 a.m. Tuesday", "5 p.m. EST Nov. 9": the date that follows */
    cand r2;
    /* "5 p.m. EST, Nov. 6": a month date after a comma too */
    bool comma = ch(c, j) == ',' && cat(c, j + 1, TXC_MONTH) > 0;
    size_t e = 0, at = is(c, j, "on") || comma ? j + 1 : j;
    memset(&r2, 0, sizeof r2);
    if (cat(c, at, TXC_WDAY) > 0 || cat(c, at, TXC_MONTH) > 0)
      e = p_word(c, at, &r2);
    if (e && r2.type == DL__TIMEX_DATE && strlen(r2.val) == 10 &&
        (at == j || comma)) {
      int wd = cat(c, at, TXC_WDAY), y, mo, d;
      /* A bare weekday: the tense is read from the time on, whose
      ** verb comes before it ("will leave at 4 a.m. EDT Thursday"). */
      if (wd > 0 && wd < 10 && e == at + 1 && r2.rel && c->have) {
        weekday(c, wd, tense(c, i, e) > 0 ? 1 : -1, &y, &mo, &d);
        set_date(&r2, y, mo, d);
      }
      /* h and mi are 0..23 and 0..59 here; the check is for gcc's
      ** -Wformat-truncation, which cannot see that. */
      if (snprintf(r->val, sizeof r->val, "%sT%02d:%02d%s", r2.val, h, mi,
                   tz) >= (int)sizeof r->val)
        return 0;
      memcpy(r->uval, r->val, sizeof r->val);
      r->rel = r2.rel;
      r->end = e;
      return e;
    }
  }
  return j;
}

/* ====================================================================
** The core forms
** ==================================================================== */

/* A unit word at i ("years"), not an all-caps acronym ("SEC"). */
static int unit_at(const ctx *c, size_t i)
{
  int u = cat(c, i, TXC_UNIT);
  if (u < 0) return -1;
  if (T(i)->end - T(i)->start > 1 && T(i)->cap) {
    const char *s = c->d->view + T(i)->start;
    if (s[1] >= 'A' && s[1] <= 'Z') return -1;
  }
  return u;
}

/* "five trading days", "six straight days": a word between a number and
** its unit that changes nothing in the value. */
static size_t unit_adj(const ctx *c, size_t j)
{
  static const char *const adj[] = {"trading", "business", "working",
                                    "consecutive", "straight", "calendar",
                                    "full", "more", "additional"};
  if (!in(c, j) || T(j)->kind != TX_WORD || unit_at(c, j + 1) <= 0)
    return j;
  for (size_t k = 0; k < DL__COUNTOF(adj); k++)
    if (is(c, j, adj[k])) return j + 1;
  return j;
}

/* Does the sentence around token i mention word w? */
static bool sent_has(const ctx *c, size_t i, const char *w)
{
  size_t lo = i, hi = i;
  while (lo > 0 && !T(lo)->sent && i - lo < 40) lo--;
  while (hi + 1 < c->n && !T(hi + 1)->sent && hi - i < 40) hi++;
  for (size_t k = lo; k <= hi; k++)
    if (is(c, k, w)) return true;
  return false;
}

/* The last completed quarter before the anchor, shifted by dy years. */
static void last_quarter(const ctx *c, cand *r, int dy, int q)
{
  long k = (long)c->ay * 4 + (c->am - 1) / 3 - 1;
  if (q) k = (long)(c->ay + dy) * 4 + q - 1;
  else k += dy * 4;
  snprintf(r->val, sizeof r->val, "%04ld-Q%ld", k / 4, k % 4 + 1);
}

/* NUMBER UNIT [ago|earlier|later|from now] at i (number in words or
** digits, or "several", "a few"). */
static size_t p_quantity(const ctx *c, size_t i, cand *r)
{
  double n = -1;
  size_t j = i;
  int u;
  bool sing;
  if (cat(c, i, TXC_NUMW) == -2) { /* several, few, many, some */
    if (is(c, i, "many") || is(c, i, "some")) return 0;
    j = i + 1;
  } else if (is(c, i, "a") && is(c, i + 1, "few")) {
    j = i + 2;
  } else if (is(c, i, "a") && is(c, i + 1, "couple") && is(c, i + 2, "of")) {
    n = 2;
    j = i + 3;
  } else {
    j = dl__tx_cardinal(c->d, c->lx, i, &n);
    if (j == i) return 0;
    /* "5 1/2 hours" */
    if (n >= 0 && pnum(c, j, 1) && ival(c, j) == 1 && ch(c, j + 1) == '/' &&
        tight(c, j + 1) && tight(c, j + 2) && pnum(c, j + 2, 1) &&
        ival(c, j + 2) == 2) {
      n += 0.5;
      j += 3;
    }
  }
  /* "16-hour", "two-year" */
  if (hyph(c, j)) j++;
  else j = unit_adj(c, j);
  u = unit_at(c, j);
  if (u < 0) return 0;
  sing = u < 100;
  u %= 100;
  j++;
  /* "the 1988 quarter" of an earnings report: the quarter reported on,
  ** in that year; never 5964 months. */
  if (u == TXU_QUARTER && j == i + 2 && year4(c, i)) {
    int q = (c->am - 1) / 3;
    if (!(i > 0 && is(c, i - 1, "the"))) return 0;
    r->end = j;
    r->type = DL__TIMEX_DATE;
    if (c->have)
      snprintf(r->val, sizeof r->val, "%04d-Q%d", ival(c, i), q ? q : 4);
    else
      snprintf(r->val, sizeof r->val, "%04d", ival(c, i));
    return j;
  }
  /* "22-year-old", "five years old": an age, not a time. */
  if ((hyph(c, j) && is(c, j + 1, "old")) || is(c, j, "old") ||
      (hyph(c, j) && is(c, j + 1, "olds"))) {
    r->block = true;
    return 0;
  }
  /* "three-quarters", "two quarters of": fractions */
  if (u == TXU_QUARTER && ((j >= 2 && hyph(c, j - 2)) || is(c, j, "of")))
    return 0;
  /* "a second time", "a quarter of the": not times */
  if (sing && n == 1 && (u == TXU_SECOND || u == TXU_QUARTER) &&
      in(c, j) && T(j)->kind == TX_WORD && !is(c, j, "ago") &&
      !is(c, j, "later") && !is(c, j, "earlier"))
    return 0;
  /* "a minute and a half" */
  if (n >= 0 && is(c, j, "and") && is(c, j + 1, "a") &&
      is(c, j + 2, "half")) {
    n += 0.5;
    j += 3;
  }
  r->end = j;
  if (is(c, j, "ago") || (is(c, j, "earlier") && n >= 0) ||
      (is(c, j, "later") && u >= TXU_DAY && n >= 0) ||
      (is(c, j, "from") && is(c, j + 1, "now"))) {
    bool back = !is(c, j, "later") && !is(c, j, "from");
    r->end = j + (is(c, j, "from") ? 2 : 1);
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    r->uval[0] = 0;
    if (n < 0) {
      snprintf(r->val, sizeof r->val, back ? "PAST_REF" : "FUTURE_REF");
      memcpy(r->uval, r->val, sizeof r->val);
      return r->end;
    }
    /* "three days later", "two weeks earlier": counted from the story's
    ** reference date once the text has named one, not from the
    ** article's date ("ago" and "from now" stay with the article). */
    if (c->rvalid && u >= TXU_DAY && u <= TXU_MONTH &&
        (is(c, j, "later") || (is(c, j, "earlier") && u <= TXU_WEEK))) {
      ctx rc = *c;
      long dn;
      if (n > 1e6) n = 1e6;
      dn = (long)n;
      if ((double)dn != n) dn = (long)(n + 0.5);
      rc.ay = c->ry;
      rc.am = c->rm;
      rc.ad = c->rd;
      rc.have = true;
      r->rel = false;
      gran(&rc, r, u, back ? -dn : dn);
      snprintf(r->anchor, sizeof r->anchor, "%04d-%02d-%02d", c->ry, c->rm,
               c->rd);
      return r->end;
    }
    if (c->have) {
      long dn;
      if (n > 1e6) n = 1e6; /* (long) of a huge double is undefined */
      dn = (long)n;
      if ((double)dn != n) dn = (long)(n + 0.5);
      if (u == TXU_YEAR && dn == 1 && back &&
          (c->quarters || sent_has(c, i, "quarter")))
        last_quarter(c, r, -1, 0); /* "a year ago" of a quarter */
      else
        gran(c, r, u, back ? -dn : dn);
    }
    return r->end;
  }
  duration(r, n, u);
  return r->end;
}

/* The relative forms that start with last/next/this/past/... at i. */
static size_t p_mod(const ctx *c, size_t i, cand *r)
{
  int md = cat(c, i, TXC_MOD), u, wd, m, s, pd;
  size_t j = i + 1, k;
  bool abbr;
  double n = -1;
  if (md < 0) return 0;
  /* "the past two months", "the next 10 days", "the last few years" */
  if (md != TXM_THIS && md != TXM_SAME) {
    k = j;
    if (cat(c, k, TXC_NUMW) == -2)
      k++;
    else if (is(c, k, "a") && is(c, k + 1, "few"))
      k += 2;
    else
      k = dl__tx_cardinal(c->d, c->lx, k, &n);
    if (k > j) k = unit_adj(c, k);
    if (k > j && !is(c, j, "a") && (u = unit_at(c, k)) > 100) {
      duration(r, n, u % 100);
      r->end = k + 1;
      return k + 1;
    }
  }
  if ((u = unit_at(c, j)) > 0) {
    r->end = j + 1;
    r->type = DL__TIMEX_DATE;
    if (u > 100) { /* "recent years", "coming weeks": PXY, PXW */
      u -= 100;
      if (md == TXM_RECENT || md == TXM_PAST || md == TXM_LAST ||
          md == TXM_COMING || md == TXM_NEXT) {
        duration(r, -1, u);
        return j + 1;
      }
      return 0;
    }
    if (md == TXM_PAST && u == TXU_YEAR && c->have) {
      /* "the past year": TimeBank reads the year before */
      r->rel = true;
      r->uval[0] = 0;
      gran(c, r, u, -1);
      return j + 1;
    }
    if (md == TXM_PAST || md == TXM_RECENT) {
      /* "the past year": a duration up to the anchor */
      duration(r, 1, u);
      return j + 1;
    }
    if (md == TXM_SAME) return 0;
    if (u == TXU_DAY || u <= TXU_HOUR) return 0; /* "the next day" */
    r->rel = true;
    r->uval[0] = 0;
    {
      long off = 0;
      int q;
      switch (md) {
      case TXM_LAST: case TXM_PREVIOUS: off = -1; break;
      case TXM_NEXT: case TXM_COMING: case TXM_FOLLOWING: off = 1; break;
      case TXM_LATEST: off = u == TXU_QUARTER ? -1 : 0; break;
      default: off = 0;
      }
      /* "this year's third quarter" */
      if (u == TXU_YEAR && ch(c, j + 1) == '\'' && is(c, j + 2, "s") &&
          (q = cat(c, j + 3, TXC_ORDW)) > 0 && q <= 4 &&
          is(c, j + 4, "quarter")) {
        r->end = j + 5;
        snprintf(r->uval, sizeof r->uval, "XXXX-Q%d", q);
        if (c->have)
          snprintf(r->val, sizeof r->val, "%04ld-Q%d", c->ay + off, q);
        return j + 5;
      }
      if (c->have) gran(c, r, u, off);
    }
    return j + 1;
  }
  if ((wd = cat(c, j, TXC_WDAY)) > 0 && wd < 10) {
    int y, mo, d;
    r->end = j + 1;
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    snprintf(r->uval, sizeof r->uval, "XXXX-WXX-%d", wd);
    if (c->have) {
      int dir = md == TXM_LAST || md == TXM_PREVIOUS || md == TXM_PAST ? -2
                : md == TXM_NEXT || md == TXM_COMING ? 2
                : 0;
      if (md == TXM_THIS) dir = 0;
      weekday(c, wd, dir, &y, &mo, &d);
      set_date(r, y, mo, d);
    }
    return j + 1;
  }
  if ((m = month_at(c, j, &abbr)) != 0 && !abbr && T(j)->cap) {
    int y = c->ay;
    r->end = j + 1;
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    snprintf(r->uval, sizeof r->uval, "XXXX-%02d", m);
    if (c->have) {
      if (md == TXM_LAST || md == TXM_PREVIOUS || md == TXM_PAST)
        y = m < c->am ? c->ay : c->ay - 1;
      else if (md == TXM_NEXT || md == TXM_COMING)
        y = m > c->am ? c->ay : c->ay + 1;
      snprintf(r->val, sizeof r->val, "%04d-%02d", y, m);
    }
    return j + 1;
  }
  if ((s = cat(c, j, TXC_SEASON)) > 0) {
    int y = c->ay, cur = season_of(c->am);
    if (is(c, j, "fall") && !(md == TXM_LAST || md == TXM_THIS ||
                              md == TXM_NEXT))
      return 0;
    r->end = j + 1;
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    snprintf(r->uval, sizeof r->uval, "XXXX-%s", season_code[s]);
    if (c->have) {
      /* Winter belongs to the year it starts in. */
      if (cur == 4 && c->am <= 2) y--;
      if (md == TXM_LAST || md == TXM_PREVIOUS || md == TXM_PAST)
        y = s < cur ? y : y - 1;
      else if (md == TXM_NEXT || md == TXM_COMING)
        y = s > cur ? y : y + 1;
      snprintf(r->val, sizeof r->val, "%04d-%s", y, season_code[s]);
    }
    return j + 1;
  }
  if ((pd = cat(c, j, TXC_POD)) > 0 && (md == TXM_THIS || md == TXM_LAST)) {
    int y = c->ay, mo = c->am, d = c->ad;
    if (md == TXM_LAST && pd != 4) return 0; /* "last night" only */
    r->end = j + 1;
    r->type = DL__TIMEX_TIME;
    r->rel = true;
    r->uval[0] = 0;
    if (c->have) {
      if (md == TXM_LAST) shift(c, -1, &y, &mo, &d);
      snprintf(r->val, sizeof r->val, "%04d-%02d-%02dT%s", y, mo, d,
               pod_code[pd]);
    }
    return j + 1;
  }
  return 0;
}

/* Words that refer to the anchor: today, yesterday, now, ... */
static size_t p_deictic(const ctx *c, size_t i, cand *r)
{
  int v = cat(c, i, TXC_DEICTIC), y = c->ay, m = c->am, d = c->ad, pd;
  size_t j = i + 1;
  const char *ref = NULL;
  if (v < 0) return 0;
  r->type = DL__TIMEX_DATE;
  r->rel = true;
  r->uval[0] = 0;
  switch (v) {
  case TXD_TODAY:
  case TXD_YESTERDAY:
  case TXD_TOMORROW:
  case TXD_TONIGHT: {
    long off = v == TXD_YESTERDAY ? -1 : v == TXD_TOMORROW ? 1 : 0;
    if (v == TXD_TODAY && is(c, i + 1, "'s")) return 0;
    pd = v == TXD_TONIGHT ? 4 : cat(c, j, TXC_POD);
    if (pd > 0 && v != TXD_TONIGHT) j++;
    else if (v != TXD_TONIGHT) pd = 0;
    r->end = j;
    if (c->have) shift(c, off, &y, &m, &d);
    if (pd > 0) {
      r->type = DL__TIMEX_TIME;
      if (c->have)
        snprintf(r->val, sizeof r->val, "%04d-%02d-%02dT%s", y, m, d,
                 pod_code[pd]);
    } else if (c->have) {
      set_date(r, y, m, d);
    }
    return j;
  }
  case TXD_NOW:
    if (is(c, i + 1, "that") || ch(c, i + 1) == '-') return 0;
    if (T(i)->sent && ch(c, i + 1) == ',') return 0; /* "Now, ..." */
    ref = "PRESENT_REF";
    break;
  case TXD_CURRENTLY:
  case TXD_NOWADAYS: ref = "PRESENT_REF"; break;
  case TXD_RECENTLY: ref = "PAST_REF"; break;
  case TXD_SOON: ref = "FUTURE_REF"; break;
  case TXD_FUTURE:
    if (!(i > 0 && (is(c, i - 1, "the") || is(c, i - 1, "near") ||
                    is(c, i - 1, "distant"))))
      return 0;
    if (in(c, j) && T(j)->kind == TX_WORD && cat(c, j, TXC_STOP) < 0 &&
        cat(c, j, TXC_PREP) < 0)
      return 0; /* "the future king" */
    ref = "FUTURE_REF";
    break;
  case TXD_PAST:
    if (!(i > 0 && is(c, i - 1, "the"))) return 0;
    if (in(c, j) && T(j)->kind == TX_WORD && cat(c, j, TXC_STOP) < 0 &&
        cat(c, j, TXC_PREP) < 0)
      return 0;
    ref = "PAST_REF";
    break;
  case TXD_NOON:
  case TXD_MIDNIGHT: {
    int wd = cat(c, j, TXC_WDAY), h = v == TXD_NOON ? 12 : 24;
    r->end = j;
    time_value(c, r, i, h, 0, "");
    if (wd > 0 && wd < 10 && T(j)->cap) { /* "noon Thursday" */
      int wy, wm, wdd;
      r->end = ++j;
      snprintf(r->uval, sizeof r->uval, "XXXX-WXX-%dT%02d:00", wd, h);
      if (c->have) {
        weekday(c, wd, tense(c, i, j) > 0 ? 1 : -1, &wy, &wm, &wdd);
        snprintf(r->val, sizeof r->val, "%04d-%02d-%02dT%02d:00", wy, wm,
                 wdd, h);
      }
    }
    return j;
  }
  default: return 0;
  }
  snprintf(r->val, sizeof r->val, "%s", ref);
  memcpy(r->uval, r->val, sizeof r->val);
  r->end = j;
  if (v != TXD_FUTURE && v != TXD_PAST) r->nothe = true;
  return j;
}

/* Is the 4-digit number at i a year here? */
/* A possessive before a number: "its 2003 performance", "Google's 2004
** results" (not a round hundred: "their 2000 workers"). */
static bool possessive(const ctx *c, size_t p)
{
  if (is(c, p, "its") || is(c, p, "their") || is(c, p, "his") ||
      is(c, p, "her") || is(c, p, "our"))
    return true;
  return p > 0 && is(c, p, "s") && tight(c, p) &&
         (ch(c, p - 1) == '\'' || is(c, p - 1, "\xE2\x80\x99"));
}

static bool year_context(const ctx *c, size_t i)
{
  int y = ival(c, i);
  size_t p = i - 1, nx = i + 1;
  if (i > 0) {
    int pc = ch(c, p);
    if (pc == '$' || pc == '#' || (pc & 0x80) || is(c, p, "no") ||
        is(c, p, "number") || is(c, p, "flight") || is(c, p, "page") ||
        is(c, p, "route") || is(c, p, "resolution") || is(c, p, "article") ||
        is(c, p, "room") || is(c, p, "model") || is(c, p, "about") ||
        is(c, p, "some") || is(c, p, "nearly") || is(c, p, "than") ||
        is(c, p, "over") || is(c, p, "almost") || is(c, p, "approximately"))
      return false;
    if (pc == '.' && i >= 2 && is(c, p - 1, "no")) return false;
  }
  if (in(c, nx)) {
    int nc = ch(c, nx);
    if (nc == '%' || is(c, nx, "percent") || is(c, nx, "pct") ||
        cat(c, nx, TXC_SCALE) >= 0 || cat(c, nx, TXC_UNIT) >= 0 ||
        cat(c, nx, TXC_CURRENCY) >= 0)
      return false;
    if (nc == ':' && tight(c, nx)) return false;
  }
  if (i > 0 && (cat(c, p, TXC_PREP) >= 0 || cat(c, p, TXC_MONTH) >= 0 ||
                cat(c, p, TXC_SEASON) >= 0 || is(c, p, "year") ||
                cat(c, p, TXC_EDGE) >= 0 || ch(c, p) == '('))
    return y >= 1000;
  if (y < 1900 || y > 2099) return false;
  if (in(c, nx) && T(nx)->kind == TX_WORD && !T(nx)->cap &&
      cat(c, nx, TXC_STOP) < 0 && cat(c, nx, TXC_PREP) < 0 &&
      cat(c, nx, TXC_PAST) < 0 && cat(c, nx, TXC_FUT) < 0 &&
      !(i > 0 && (is(c, p, "the") || (y % 100 != 0 && possessive(c, p)))))
    return false;
  return true;
}

/* Forms that start with a number at i. */
static size_t p_number(const ctx *c, size_t i, cand *r, int wd)
{
  char s[8];
  size_t j;
  int v = ival(c, i);
  const tx_tok *t = T(i);
  sfx(c, i, s, sizeof s);
  /* 1990s, 1800s */
  if (t->plain && t->ndig == 4 && !strcmp(s, "s") && v >= 1000 &&
      v <= 2999) {
    r->end = i + 1;
    r->type = DL__TIMEX_DATE;
    if (v % 100 == 0 && v < 2000)
      snprintf(r->val, sizeof r->val, "%02d", v / 100);
    else
      snprintf(r->val, sizeof r->val, "%03dX", v / 10);
    memcpy(r->uval, r->val, sizeof r->val);
    return i + 1;
  }
  /* "the 70s and 80s" (no apostrophe): a decade after "the", or after
  ** "and"/"or"/"to" that follows one; never "in his 70s" (an age). */
  if (t->plain && t->ndig == 2 && !strcmp(s, "s") && v % 10 == 0 && i > 0 &&
      (is(c, i - 1, "the") ||
       (i > 1 && (is(c, i - 1, "and") || is(c, i - 1, "or") ||
                  is(c, i - 1, "to")) &&
        T(i - 2)->kind == TX_NUM && T(i - 2)->ndig == 2 &&
        T(i - 2)->sfxlen == 1 && ival(c, i - 2) % 10 == 0))) {
    r->end = i + 1;
    r->type = DL__TIMEX_DATE;
    snprintf(r->val, sizeof r->val, "%d%dX", v >= 20 ? 19 : 20, v / 10);
    memcpy(r->uval, r->val, sizeof r->val);
    return i + 1;
  }
  /* "0800 UTC", "1615 GMT": a four-digit time with its zone */
  if (t->plain && t->ndig == 4 && !s[0] && v / 100 < 24 && v % 100 < 60 &&
      cat(c, i + 1, TXC_TZ) >= 0 && T(i + 1)->cap) {
    char off[16];
    size_t k = p_tz(c, i + 1, off, sizeof off);
    if (k) {
      r->end = k;
      time_value(c, r, i, v / 100, v % 100, off);
      return k;
    }
  }
  /* the 19th century, 3rd quarter */
  if (t->plain && t->ndig <= 2 &&
      (!strcmp(s, "st") || !strcmp(s, "nd") || !strcmp(s, "rd") ||
       !strcmp(s, "th"))) {
    size_t k = i + 1;
    if (hyph(c, k)) k++;
    if (is(c, k, "century") && v >= 1 && v <= 30) {
      r->end = k + 1;
      r->type = DL__TIMEX_DATE;
      snprintf(r->val, sizeof r->val, "%02d", v - 1);
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 1;
    }
  }
  if (year4(c, i)) {
    /* 2016-12-22 */
    if (hyph(c, i + 1) && pnum(c, i + 2, 2) && T(i + 2)->ndig == 2 &&
        hyph(c, i + 3) && pnum(c, i + 4, 2) && T(i + 4)->ndig == 2) {
      int m = ival(c, i + 2), d = ival(c, i + 4);
      r->end = i + 5;
      r->type = DL__TIMEX_DATE;
      if (!dl__date_valid(v, m, d)) {
        r->block = true;
        return 0;
      }
      set_date(r, v, m, d);
      memcpy(r->uval, r->val, sizeof r->val);
      /* 2016-12-22T10:30 */
      if (is(c, i + 5, "t") && tight(c, i + 5) && pnum(c, i + 6, 2) &&
          tight(c, i + 6) && ch(c, i + 7) == ':' && pnum(c, i + 8, 2)) {
        int h = ival(c, i + 6), mi = ival(c, i + 8);
        if (h < 24 && mi < 60) {
          snprintf(r->val, sizeof r->val, "%04d-%02d-%02dT%02d:%02d", v, m,
                   d, h, mi);
          memcpy(r->uval, r->val, sizeof r->val);
          r->type = DL__TIMEX_TIME;
          r->end = i + 9;
        }
      }
      return r->end;
    }
    {
      /* "the 1988 third quarter" */
      int q = cat(c, i + 1, TXC_ORDW);
      if (q > 0 && q <= 4 && is(c, i + 2, "quarter")) {
        r->end = i + 3;
        r->type = DL__TIMEX_DATE;
        snprintf(r->val, sizeof r->val, "%04d-Q%d", v, q);
        memcpy(r->uval, r->val, sizeof r->val);
        return i + 3;
      }
    }
    if (year_context(c, i)) {
      r->end = i + 1;
      r->type = DL__TIMEX_DATE;
      r->nothe = true;
      snprintf(r->val, sizeof r->val, "%04d", v);
      memcpy(r->uval, r->val, sizeof r->val);
      return i + 1;
    }
    /* not a year here: "2000 years" may still be a duration */
  }
  /* 12/22/2016, 22/12/16 */
  if (pnum(c, i, 2) && ch(c, i + 1) == '/' && tight(c, i + 1) &&
      pnum(c, i + 2, 2) && tight(c, i + 2) && ch(c, i + 3) == '/' &&
      tight(c, i + 3) && pnum(c, i + 4, 4) && tight(c, i + 4) &&
      (T(i + 4)->ndig == 2 || T(i + 4)->ndig == 4)) {
    int a = v, b = ival(c, i + 2), y = ival(c, i + 4), m, d;
    if (T(i + 4)->ndig == 2) y += y >= 50 ? 1900 : 2000;
    if (a > 12 || (c->dmy && b <= 12)) {
      d = a;
      m = b;
    } else {
      m = a;
      d = b;
    }
    r->end = i + 5;
    r->type = DL__TIMEX_DATE;
    if (!dl__date_valid(y, m, d)) {
      r->block = true;
      return 0;
    }
    set_date(r, y, m, d);
    memcpy(r->uval, r->val, sizeof r->val);
    return i + 5;
  }
  if ((j = p_time(c, i, r)) != 0) return j;
  if ((j = p_daymonth(c, i, r, wd)) != 0) return j;
  if (r->block) return 0;
  return p_quantity(c, i, r);
}

/* A part of a year ending before token e: quarter ('Q') or half ('H') n
** of year y, or, when y is 0, of the anchor's year shifted by dy. */
static size_t year_part(const ctx *c, cand *r, size_t e, char kind, int n,
                        int y, int dy)
{
  r->end = e;
  r->type = DL__TIMEX_DATE;
  if (y) {
    snprintf(r->val, sizeof r->val, "%04d-%c%d", y, kind, n);
    memcpy(r->uval, r->val, sizeof r->val);
    r->rel = false;
    return e;
  }
  r->rel = true;
  snprintf(r->uval, sizeof r->uval, "XXXX-%c%d", kind, n);
  if (c->have)
    snprintf(r->val, sizeof r->val, "%04d-%c%d", c->ay + dy, kind, n);
  return e;
}

/* Forms that start with a word at i. */
static size_t p_word(const ctx *c, size_t i, cand *r)
{
  int v;
  size_t j;
  bool abbr;
  if (!T(i)->lex) return 0; /* every form below starts with a known word */
  if (month_at(c, i, &abbr)) {
    if ((j = p_monthdate(c, i, r, 0)) != 0) return j;
    if (r->block) return 0;
  }
  if ((v = cat(c, i, TXC_WDAY)) > 0) {
    int y, m, d, pd;
    if (v > 10) { /* Mondays */
      if (!T(i)->cap) return 0;
      r->end = i + 1;
      r->type = DL__TIMEX_SET;
      snprintf(r->val, sizeof r->val, "XXXX-WXX-%d", v - 10);
      memcpy(r->uval, r->val, sizeof r->val);
      return i + 1;
    }
    if (!T(i)->cap) return 0;
    j = i + 1;
    if (ch(c, j) == '.' && tight(c, j) && T(i)->end - T(i)->start <= 5)
      j++; /* "Thurs." */
    {
      size_t k = ch(c, j) == ',' ? j + 1 : j;
      cand r2 = *r;
      size_t e = 0;
      if (cat(c, k, TXC_MONTH) > 0)
        e = p_monthdate(c, k, &r2, v);
      else if (day_num(c, k))
        e = p_daymonth(c, k, &r2, v);
      if (e) {
        *r = r2;
        r->end = e;
        return e;
      }
    }
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    memcpy(r->uval, "XXXX-WXX-0", 11);
    r->uval[9] = (char)('0' + v % 10);
    pd = cat(c, j, TXC_POD);
    if (pd > 0) {
      j++;
      r->type = DL__TIMEX_TIME;
      snprintf(r->uval, sizeof r->uval, "XXXX-WXX-%dT%s", v, pod_code[pd]);
    }
    r->end = j;
    if (c->have) {
      /* "get around Wednesday's ruling": a possessive weekday names a
      ** thing done; a modal ("would") does not move it to the future. */
      bool poss = ch(c, j) == '\'' && is(c, j + 1, "s") && tight(c, j);
      int dir = tense_of(c, i, j, poss);
      weekday(c, v, dir > 0 ? 1 : -1, &y, &m, &d);
      if (pd > 0)
        snprintf(r->val, sizeof r->val, "%04d-%02d-%02dT%s", y, m, d,
                 pod_code[pd]);
      else
        set_date(r, y, m, d);
    }
    return j;
  }
  if (cat(c, i, TXC_MOD) > 0) {
    if ((j = p_mod(c, i, r)) != 0) return j;
    /* "the current system", "its current share": the present (TimeML
    ** PRESENT_REF); not the noun ("against the current"), "the then
    ** current price", "current account" or "current affairs". */
    if (is(c, i, "current") && in(c, i + 1) && T(i + 1)->kind == TX_WORD &&
        !(i > 0 && is(c, i - 1, "then")) && !is(c, i + 1, "account") &&
        !is(c, i + 1, "accounts") && !is(c, i + 1, "affairs") &&
        !is(c, i + 1, "events") && !is(c, i + 1, "assets") &&
        !is(c, i + 1, "liabilities") && !is(c, i + 1, "and")) {
      memset(r, 0, sizeof *r);
      r->end = i + 1;
      r->type = DL__TIMEX_DATE;
      snprintf(r->val, sizeof r->val, "PRESENT_REF");
      memcpy(r->uval, r->val, sizeof r->val);
      r->nothe = true;
      return i + 1;
    }
  }
  if (cat(c, i, TXC_DEICTIC) > 0) return p_deictic(c, i, r);
  if ((v = cat(c, i, TXC_SEASON)) > 0) {
    size_t k = i + 1;
    bool ctxok = i > 0 && (is(c, i - 1, "the") || is(c, i - 1, "in") ||
                           cat(c, i - 1, TXC_EDGE) > 0 ||
                           is(c, i - 1, "during") || is(c, i - 1, "this"));
    int sy;
    size_t se;
    if (is(c, k, "of")) k++;
    if (year4(c, k)) {
      r->end = k + 1;
      r->type = DL__TIMEX_DATE;
      snprintf(r->val, sizeof r->val, "%04d-%s", ival(c, k),
               season_code[v]);
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 1;
    }
    if ((se = spoken_year(c, k, &sy)) != 0) {
      r->end = se;
      r->type = DL__TIMEX_DATE;
      snprintf(r->val, sizeof r->val, "%04d-%s", sy, season_code[v]);
      memcpy(r->uval, r->val, sizeof r->val);
      return se;
    }
    if (!ctxok || is(c, i, "fall")) return 0;
    if (in(c, i + 1) && T(i + 1)->kind == TX_WORD &&
        cat(c, i + 1, TXC_STOP) < 0 && cat(c, i + 1, TXC_PREP) < 0)
      return 0; /* "the summer camp" */
    r->end = i + 1;
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    snprintf(r->uval, sizeof r->uval, "XXXX-%s", season_code[v]);
    if (c->have)
      snprintf(r->val, sizeof r->val, "%04d-%s", c->ay, season_code[v]);
    return i + 1;
  }
  if ((v = cat(c, i, TXC_ORDW)) > 0 ||
      (is(c, i, "last") && is(c, i + 1, "half")) ||
      (is(c, i, "final") && (is(c, i + 1, "quarter") ||
                             is(c, i + 1, "half")))) {
    size_t k = i + 1;
    double n;
    int dy = 0;
    bool ofrel = false;
    if (v < 0) v = is(c, i + 1, "half") ? 2 : 4; /* "the last half" */
    if (hyph(c, k)) k++;
    if ((is(c, k, "quarter") && v <= 4) || (is(c, k, "half") && v <= 2)) {
      /* "... of last year", "... of this year" */
      size_t e = k + 1;
      int md = cat(c, e + 1, TXC_MOD);
      if (is(c, e, "of") && is(c, e + 2, "year") && md > 0) {
        dy = md == TXM_LAST || md == TXM_PREVIOUS ? -1
             : md == TXM_NEXT || md == TXM_COMING || md == TXM_FOLLOWING ? 1
             : 0;
        ofrel = true;
      }
      if (ofrel && c->have)
        return year_part(c, r, e + 3, is(c, k, "half") ? 'H' : 'Q', v, 0,
                         dy);
    }
    if (is(c, k, "quarter") && v <= 4) {
      int y = 0;
      size_t e = k + 1;
      if (is(c, e, "of") && year4(c, e + 1)) y = ival(c, e + 1), e += 2;
      else if (ch(c, e) == ',' && year4(c, e + 1)) y = ival(c, e + 1), e += 2;
      else if (year4(c, e) && !T(e)->space) y = ival(c, e), e++;
      /* "the fourth quarter" said in February: last year's */
      if (!y && c->have && v > (c->am - 1) / 3 + 1 && tense(c, i, e) < 0)
        dy = -1;
      return year_part(c, r, e, 'Q', v, y, dy);
    }
    if (is(c, k, "half") && v <= 2) {
      int y = 0;
      size_t e = k + 1;
      if (is(c, e, "of") && year4(c, e + 1)) y = ival(c, e + 1), e += 2;
      return year_part(c, r, e, 'H', v, y, 0);
    }
    if (is(c, k, "century") && v <= 21) {
      r->end = k + 1;
      r->type = DL__TIMEX_DATE;
      snprintf(r->val, sizeof r->val, "%02d", v - 1);
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 1;
    }
    /* "the first nine months" */
    if (v == 1 && (j = dl__tx_cardinal(c->d, c->lx, i + 1, &n)) > i + 1 &&
        cat(c, j, TXC_UNIT) > 100 && !is(c, i + 1, "a")) {
      duration(r, n, cat(c, j, TXC_UNIT) % 100);
      r->end = j + 1;
      return j + 1;
    }
    return 0;
  }
  if ((v = cat(c, i, TXC_SETADV)) > 0) {
    r->end = i + 1;
    r->type = DL__TIMEX_SET;
    snprintf(r->val, sizeof r->val, "P%s1%s", v <= TXU_HOUR ? "T" : "",
             unit_code(v));
    memcpy(r->uval, r->val, sizeof r->val);
    return i + 1;
  }
  if (is(c, i, "every") || is(c, i, "each")) {
    size_t k = i + 1;
    double n = 1;
    int u, wd;
    if ((wd = cat(c, k, TXC_WDAY)) > 0 && wd < 10 && T(k)->cap) {
      r->end = k + 1;
      r->type = DL__TIMEX_SET;
      snprintf(r->val, sizeof r->val, "XXXX-WXX-%d", wd);
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 1;
    }
    if ((wd = cat(c, k, TXC_MONTH)) > 0 && wd < 100 && T(k)->cap) {
      r->end = k + 1; /* "each July" */
      r->type = DL__TIMEX_SET;
      snprintf(r->val, sizeof r->val, "XXXX-%02d", wd);
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 1;
    }
    if (is(c, k, "other")) {
      n = 2;
      k++;
    } else {
      size_t e = dl__tx_cardinal(c->d, c->lx, k, &n);
      if (e > k && !is(c, k, "a")) k = e;
    }
    if ((u = unit_at(c, k)) > 0) {
      char num[24];
      u %= 100;
      fmt_num(num, sizeof num, n);
      r->end = k + 1;
      r->type = DL__TIMEX_SET;
      snprintf(r->val, sizeof r->val, "P%s%s%s", u <= TXU_HOUR ? "T" : "",
               num, unit_code(u));
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 1;
    }
    if ((u = cat(c, k, TXC_POD)) > 0) {
      r->end = k + 1;
      r->type = DL__TIMEX_SET;
      snprintf(r->val, sizeof r->val, "XXXX-XX-XXT%s", pod_code[u]);
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 1;
    }
    return 0;
  }
  if (is(c, i, "once") || is(c, i, "twice")) {
    size_t k = i + 1;
    int u;
    if ((is(c, k, "a") || is(c, k, "per") || is(c, k, "each") ||
         is(c, k, "every")) &&
        (u = unit_at(c, k + 1)) > 0 && u < 100) {
      r->end = k + 2;
      r->type = DL__TIMEX_SET;
      snprintf(r->val, sizeof r->val, "P%s1%s", u <= TXU_HOUR ? "T" : "",
               unit_code(u));
      memcpy(r->uval, r->val, sizeof r->val);
      return k + 2;
    }
    return 0;
  }
  if (is(c, i, "year") && hyph(c, i + 1) &&
      (is(c, i + 2, "earlier") || is(c, i + 2, "ago"))) {
    /* "year-earlier", "the year-ago [third] quarter|period" */
    size_t e = i + 3;
    int q = cat(c, e, TXC_ORDW);
    bool quarter = false;
    if (q > 0 && q <= 4 && is(c, e + 1, "quarter")) {
      e += 2;
      quarter = true;
    } else if (is(c, e, "quarter") || is(c, e, "period")) {
      e++;
      quarter = true;
      q = 0;
    }
    r->end = e;
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    r->uval[0] = 0;
    if (c->have) {
      if (quarter)
        last_quarter(c, r, -1, q > 0 ? q : 0);
      else
        snprintf(r->val, sizeof r->val, "%04d", c->ay - 1);
    }
    return e;
  }
  /* "shares fell 2% on the day.": the anchor's day (market reports) */
  if (is(c, i, "day") && i > 1 && is(c, i - 1, "the") && is(c, i - 2, "on") &&
      (!in(c, i + 1) || T(i + 1)->kind == TX_PUNCT)) {
    r->end = i + 1;
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    r->uval[0] = 0;
    if (c->have) set_date(r, c->ay, c->am, c->ad);
    return i + 1;
  }
  /* "the quarter", "the weekend" */
  if (i > 0 && is(c, i - 1, "the") && !is(c, i + 1, "of") &&
      !hyph(c, i + 1)) {
    if (is(c, i, "quarter")) {
      r->end = i + 1;
      r->type = DL__TIMEX_DATE;
      r->rel = true;
      r->uval[0] = 0;
      if (c->have) last_quarter(c, r, 0, 0);
      return i + 1;
    }
    if (is(c, i, "weekend")) {
      int aw = c->have ? dl__tx_wday(c->ay, c->am, c->ad) : 0;
      int dir = tense(c, i, i + 1);
      r->end = i + 1;
      r->type = DL__TIMEX_DATE;
      r->rel = true;
      r->uval[0] = 0;
      /* Monday to Friday: the past tense means the weekend before. */
      if (c->have) gran(c, r, TXU_WEEKEND, aw <= 5 && dir < 0 ? -1 : 0);
      return i + 1;
    }
  }
  if (is(c, i, "q") && T(i)->cap && pnum(c, i + 1, 1) && tight(c, i + 1) &&
      ival(c, i + 1) >= 1 && ival(c, i + 1) <= 4) {
    int q = ival(c, i + 1), y = 0;
    size_t e = i + 2;
    if (year4(c, e)) y = ival(c, e), e++;
    return year_part(c, r, e, 'Q', q, y, 0);
  }
  /* the nineties */
  {
    static const char *const dec[] = {"twenties", "thirties", "forties",
                                      "fifties", "sixties", "seventies",
                                      "eighties", "nineties"};
    for (int k = 0; k < 8 && i > 0 && is(c, i - 1, "the"); k++)
      if (is(c, i, dec[k])) {
        r->end = i + 1;
        r->type = DL__TIMEX_DATE;
        snprintf(r->val, sizeof r->val, "19%dX", k + 2);
        memcpy(r->uval, r->val, sizeof r->val);
        return i + 1;
      }
  }
  /* Plain plural units: "for years", "in recent months" handled above */
  if ((v = unit_at(c, i)) > 100 && i > 0 &&
      (is(c, i - 1, "for") || is(c, i - 1, "over") ||
       is(c, i - 1, "within")) &&
      v != 100 + TXU_QUARTER) {
    duration(r, -1, v - 100);
    r->end = i + 1;
    return i + 1;
  }
  {
    int y;
    size_t k = is(c, i, "year") ? i + 1 : i, e;
    if (k == i + 1 && year4(c, k)) {
      e = k + 1; /* "the year 2000" */
      y = ival(c, k);
    } else if (k > i || T(i)->sent ||
               (i > 0 && (cat(c, i - 1, TXC_PREP) > 0 ||
                          cat(c, i - 1, TXC_MONTH) > 0 ||
                          (T(i - 1)->cap && T(i - 1)->kind == TX_WORD)))) {
      /* "in nineteen ninety-six", not "two thousand five cars" */
      e = spoken_year(c, k, &y);
      if (e && in(c, e) && T(e)->kind == TX_WORD && !T(e)->cap &&
          cat(c, e, TXC_STOP) < 0 && cat(c, e, TXC_PREP) < 0)
        e = 0;
    } else {
      e = 0;
    }
    if (e) {
      r->end = e;
      r->type = DL__TIMEX_DATE;
      snprintf(r->val, sizeof r->val, "%04d", y);
      memcpy(r->uval, r->val, sizeof r->val);
      return e;
    }
  }
  if (T(i)->cap) {
    /* Fixed holidays, and Thanksgiving (the fourth Thursday of
    ** November, US). */
    static const struct {
      const char *w, *w2;
      int m, d;
    } hol[] = {{"christmas", "eve", 12, 24},  {"christmas", NULL, 12, 25},
               {"halloween", NULL, 10, 31},   {"thanksgiving", NULL, 11, 0},
               {"valentine", NULL, 2, 14},    {"new", "year", 1, 1}};
    for (size_t k = 0; k < DL__COUNTOF(hol); k++) {
      size_t e = i + 1;
      int y, d = hol[k].d;
      if (!is(c, i, hol[k].w)) continue;
      if (hol[k].w2) {
        if (!is(c, e, hol[k].w2)) continue;
        e++;
      }
      if (hol[k].m == 1) { /* New Year's Day / Eve */
        if (ch(c, e) == '\'' && is(c, e + 1, "s")) e += 2;
        if (is(c, e, "eve")) {
          d = 31;
          e++;
        } else if (is(c, e, "day")) {
          e++;
        } else {
          continue;
        }
      } else {
        if (k == 4) { /* Valentine's Day */
          if (ch(c, e) == '\'' && is(c, e + 1, "s") && is(c, e + 2, "day"))
            e += 3;
          else
            continue;
        } else if (is(c, e, "day")) {
          e++;
        }
      }
      r->end = e;
      r->type = DL__TIMEX_DATE;
      r->rel = true;
      if (year4(c, e)) {
        y = ival(c, e);
        r->end = ++e;
        r->rel = false;
      } else {
        y = c->have ? infer_year(c, hol[k].m == 1 && d == 31 ? 12
                                                            : hol[k].m,
                                 d ? d : 25, tense(c, i, e))
                    : 0;
      }
      if (!d && y) { /* Thanksgiving */
        int w1 = dl__tx_wday(y, 11, 1);
        d = 1 + (4 - w1 + 7) % 7 + 21;
      }
      if (hol[k].m == 1 && d == 31) {
        snprintf(r->uval, sizeof r->uval, "XXXX-12-31");
        if (y) snprintf(r->val, sizeof r->val, "%04d-12-31", y);
      } else {
        if (d) snprintf(r->uval, sizeof r->uval, "XXXX-%02d-%02d",
                        hol[k].m, d);
        if (y) set_date(r, y, hol[k].m, d);
      }
      if (!r->rel) memcpy(r->uval, r->val, sizeof r->val);
      return e;
    }
  }
  if (cat(c, i, TXC_NUMW) >= -2 || is(c, i, "a"))
    return p_quantity(c, i, r);
  return 0;
}

/* "three times a week", "5 times per year", "once a month", "twice a
** day": a SET of one unit with a frequency (TimeML value P1W, freq 3X). */
static size_t p_times(const ctx *c, size_t i, cand *r)
{
  double n = 0;
  size_t j;
  int u;
  if (is(c, i, "once") || is(c, i, "twice")) {
    n = is(c, i, "once") ? 1 : 2;
    j = i + 1;
  } else {
    if (is(c, i, "a") || is(c, i, "an")) return 0;
    j = dl__tx_cardinal(c->d, c->lx, i, &n);
    if (j == i || !is(c, j, "times") || n < 1 || n > 1000 ||
        n != (double)(int)n)
      return 0;
    j++;
  }
  if (!(is(c, j, "a") || is(c, j, "an") || is(c, j, "per") ||
        is(c, j, "each") || is(c, j, "every")))
    return 0;
  u = unit_at(c, j + 1);
  if (u <= 0 || u >= 100) return 0;
  memset(r, 0, sizeof *r);
  r->end = j + 2;
  r->type = DL__TIMEX_SET;
  snprintf(r->val, sizeof r->val, "P%s1%s", u <= TXU_HOUR ? "T" : "",
           unit_code(u));
  memcpy(r->uval, r->val, sizeof r->val);
  snprintf(r->freq, sizeof r->freq, "%dX", (int)n);
  return j + 2;
}

/* A day n days from the story's reference date, written to r with that
** date as its anchor (no reference yet: the document date). */
static void story_day(const ctx *c, cand *r, long n)
{
  int y, m, d;
  if (c->rvalid) {
    dl__tx_civil(dl__tx_days(c->ry, c->rm, c->rd) + n, &y, &m, &d);
    set_date(r, y, m, d);
    snprintf(r->anchor, sizeof r->anchor, "%04d-%02d-%02d", c->ry, c->rm,
             c->rd);
    return;
  }
  r->rel = true;
  r->uval[0] = 0;
  if (c->have) {
    shift(c, n, &y, &m, &d);
    set_date(r, y, m, d);
  }
}

/* The story's year, month or day shifted by dy at token j (a unit
** word): "that year", "the following month", "the next day". Years and
** months come from the last explicit ones, days from the reference
** date. Returns the index after the unit, 0 when there is none. */
static size_t story_unit(const ctx *c, size_t j, cand *r, int dy,
                         bool day_only)
{
  int u = unit_at(c, j);
  if (u <= 0 || u >= 100 || hyph(c, j + 1)) return 0;
  if (day_only && u != TXU_DAY) return 0;
  memset(r, 0, sizeof *r);
  r->end = j + 1;
  r->type = DL__TIMEX_DATE;
  switch (u) {
  case TXU_YEAR:
    if (!c->my) return 0;
    snprintf(r->val, sizeof r->val, "%04d", c->my + dy);
    snprintf(r->anchor, sizeof r->anchor, "%04d", c->my);
    return j + 1;
  case TXU_MONTH: {
    long k;
    if (!c->mvalid) return 0;
    k = (long)c->rmy * 12 + (c->rmm - 1) + dy;
    snprintf(r->val, sizeof r->val, "%04ld-%02ld", k / 12, k % 12 + 1);
    snprintf(r->anchor, sizeof r->anchor, "%04d-%02d", c->rmy, c->rmm);
    return j + 1;
  }
  case TXU_DAY: story_day(c, r, dy); return j + 1;
  default: return 0;
  }
}

/* "that day", "that same year", "that month": the story's, not the
** article's ("In 1988 ... that year": 1988). */
static size_t p_that(const ctx *c, size_t i, cand *r)
{
  size_t j = i + 1;
  if (!is(c, i, "that")) return 0;
  if (is(c, j, "same")) j++;
  if (ch(c, j + 1) == '\'' || is(c, j + 1, "\xE2\x80\x99")) return 0;
  return story_unit(c, j, r, 0, false);
}

static size_t p_core(const ctx *c, size_t i, cand *r)
{
  size_t e;
  if (!in(c, i)) return 0;
  if ((T(i)->kind == TX_NUM || cat(c, i, TXC_NUMW) > 0 ||
       is(c, i, "once") || is(c, i, "twice")) &&
      (e = p_times(c, i, r)) != 0)
    return e;
  if (is(c, i, "that")) return p_that(c, i, r);
  if (T(i)->kind == TX_NUM) return p_number(c, i, r, 0);
  if (T(i)->kind == TX_WORD) return p_word(c, i, r);
  /* '90s */
  if ((ch(c, i) == '\'' || is(c, i, "\xE2\x80\x99")) && in(c, i + 1) &&
      T(i + 1)->kind == TX_NUM && T(i + 1)->plain && T(i + 1)->ndig == 2 &&
      tight(c, i + 1)) {
    char s[4];
    sfx(c, i + 1, s, sizeof s);
    if (!strcmp(s, "s")) {
      int v = ival(c, i + 1);
      r->end = i + 2;
      r->type = DL__TIMEX_DATE;
      snprintf(r->val, sizeof r->val, "%d%dX", v >= 30 ? 19 : 20, v / 10);
      memcpy(r->uval, r->val, sizeof r->val);
      return i + 2;
    }
  }
  return 0;
}

/* "the year", "the full year", "the current fiscal year" after "the":
** the anchor's year in a report ("sales for the full year", "a high
** for the year"); "the year ended Sept. 30" is the twelve months to that
** day, a duration. Not "the year before", "the year-ago quarter" or
** "the year's figures". */
static size_t p_the_year(const ctx *c, size_t j, cand *r)
{
  size_t k = j;
  if (is(c, k, "full") || is(c, k, "entire") || is(c, k, "whole")) {
    k++;
  } else {
    if (is(c, k, "current")) k++;
    if (is(c, k, "fiscal")) k++;
  }
  if (!is(c, k, "year") || hyph(c, k + 1) || ch(c, k + 1) == '\'' ||
      is(c, k + 1, "before") || is(c, k + 1, "after") ||
      is(c, k + 1, "earlier") || is(c, k + 1, "later") ||
      is(c, k + 1, "ago") || is(c, k + 1, "when") ||
      is(c, k + 1, "previous") || is(c, k + 1, "prior") ||
      is(c, k + 1, "that") || is(c, k + 1, "in") || is(c, k + 1, "of"))
    return 0;
  memset(r, 0, sizeof *r);
  r->end = k + 1;
  if (is(c, k + 1, "ended") || is(c, k + 1, "ending")) {
    r->type = DL__TIMEX_DURATION;
    snprintf(r->val, sizeof r->val, "P1Y");
    return k + 1;
  }
  r->type = DL__TIMEX_DATE;
  r->rel = true;
  /* In January, a year not spoken of in the future tense is the one
  ** just closed ("a loss of $8.6 billion for the entire year"). */
  if (c->have)
    gran(c, r, TXU_YEAR, c->am == 1 && tense(c, j, k + 1) <= 0 ? -1 : 0);
  return k + 1;
}

/* "the following year", "the previous month", "the same day", "the next
** day": the story's, counted from the last explicit year or month or the
** reference date ("He left in 1995 and returned the following year":
** 1996), not from the article's date. */
static size_t p_story_year(const ctx *c, size_t j, cand *r)
{
  int dy;
  if (ch(c, j + 2) == '\'') return 0;
  if (is(c, j, "following")) dy = 1;
  else if (is(c, j, "previous") || is(c, j, "preceding")) dy = -1;
  else if (is(c, j, "same")) dy = 0;
  else if (is(c, j, "next")) return story_unit(c, j + 1, r, 1, true);
  else return 0;
  if (is(c, j + 1, "year") && !c->my) return 0;
  return story_unit(c, j + 1, r, dy, false);
}

/* Prefixes: the / the end of / early / mid- / earlier / fiscal. */
static size_t p_full(const ctx *c, size_t i, cand *r)
{
  size_t j = i, e;
  const char *mod = NULL;
  bool the = false, edge = false;
  memset(r, 0, sizeof *r);
  if (is(c, j, "the")) {
    the = true;
    j++;
    if ((is(c, j, "end") || is(c, j, "beginning") || is(c, j, "start") ||
         is(c, j, "middle")) &&
        is(c, j + 1, "of")) {
      mod = is(c, j, "end") ? "END" : is(c, j, "middle") ? "MID" : "START";
      j += 2;
      if (is(c, j, "the")) j++;
      edge = true;
    } else if (is(c, j, "near") || is(c, j, "distant") ||
               is(c, j, "immediate")) {
      j++;
    }
  }
  if (cat(c, j, TXC_EDGE) > 0 && !edge) {
    int v = cat(c, j, TXC_EDGE);
    size_t k = j + 1;
    if (hyph(c, k)) k++;
    if (v == TXE_EARLIER || v == TXE_LATER) {
      if (!(is(c, k, "this") || is(c, k, "today") || is(c, k, "tonight") ||
            is(c, k, "that")))
        return 0;
    } else {
      mod = v == TXE_EARLY ? "START" : v == TXE_LATE ? "END" : "MID";
    }
    j = k;
    edge = true;
  }
  if (is(c, j, "fiscal") && year4(c, j + 1)) j++;
  if (edge && the && (is(c, j, "year") || is(c, j, "month") ||
                      is(c, j, "week") || is(c, j, "decade") ||
                      is(c, j, "century"))) {
    /* "the end of the year": this year */
    int u = unit_at(c, j);
    r->end = j + 1;
    r->type = DL__TIMEX_DATE;
    r->rel = true;
    r->mod = mod;
    if (c->have) gran(c, r, u, 0);
    return j + 1;
  }
  if (the && !edge && (e = p_story_year(c, j, r)) != 0) return e;
  e = p_core(c, j, r);
  if (!e && the && !edge) e = p_the_year(c, j, r);
  /* Without a reading, the caller moves on to the next token, which
  ** tries the core without this prefix. */
  if (!e) return 0;
  if (edge && (r->type == DL__TIMEX_DURATION || r->type == DL__TIMEX_SET)) {
    if (the) return 0;
  }
  if (mod) r->mod = mod;
  if (the && r->nothe && j == i + 1) {
    /* "the 1990 election": the year alone; signal via start offset */
    r->nothe = true;
  } else {
    r->nothe = false;
  }
  return e;
}

/* ====================================================================
** The stage
** ==================================================================== */

/* Copies the string s into vals; *out becomes its offset + 1 (the
** pointers are fixed once vals has its final place), NULL for "". */
static bool stash(dl__buf *vals, const char *s, const char **out)
{
  size_t off = vals->len;
  *out = NULL;
  if (!s || !s[0]) return true;
  if (!dl__buf_append(vals, s, strlen(s) + 1)) return false;
  *out = (const char *)(uintptr_t)(off + 1);
  return true;
}

static const char *unstash(const char *p, const char *base)
{
  return p ? base + ((uintptr_t)p - 1) : NULL;
}

static bool emit(tx_ws *w, const dl_allocator *al, dl__buf *vals,
                 const ctx *c, size_t i, const cand *r)
{
  dl__timex x;
  size_t s = i;
  const char *v;
  if (r->nothe && is(c, s, "the")) s++;
  memset(&x, 0, sizeof x);
  x.start = c->t[s].start;
  x.end = c->t[r->end - 1].end;
  x.type = (uint8_t)r->type;
  x.mod = r->mod;
  if (r->anchor[0]) { /* the story's reference date */
    v = r->val;
    x.anchored = 1;
  } else if (r->rel && c->have) {
    v = r->val;
    x.anchored = 1;
  } else {
    v = r->rel ? r->uval : r->val;
  }
  if (!stash(vals, v, &x.value) || !stash(vals, r->anchor, &x.anchor) ||
      !stash(vals, r->freq, &x.freq))
    return false;
  if (!DL__PUSH(al, w->out, w->nout, w->cap)) return false;
  w->out[w->nout++] = x;
  return true;
}

/* The value of a timex emitted into vals (NULL: none). */
static const char *emitted_value(const dl__buf *vals, const dl__timex *x)
{
  return unstash(x->value, vals->p);
}

/* The story's reference moves to the date just emitted: a full day
** ("Thursday", "May 22, 1995") for "three days later", "that day";
** its month for "the following month". */
static void note_reference(ctx *c, const char *v)
{
  if (!v || !dig4(v) || v[4] != '-' || v[5] < '0' || v[5] > '1' ||
      v[6] < '0' || v[6] > '9')
    return;
  c->rmy = lead_int(v, 4);
  c->rmm = lead_int(v + 5, 2);
  c->mvalid = c->rmm >= 1 && c->rmm <= 12;
  if (v[7] == '-' && v[8] >= '0' && v[8] <= '3' && v[9] >= '0' &&
      v[9] <= '9' && (!v[10] || v[10] == 'T')) {
    c->ry = c->rmy;
    c->rm = c->rmm;
    c->rd = lead_int(v + 8, 2);
    c->rvalid = c->mvalid && c->rd >= 1 &&
                c->rd <= dl__tx_mdays(c->ry, c->rm);
  }
}

/* The duration of a range between values a and b: years and months
** the difference, as MEANTIME annotates them ("from 2009 to 2011": P2Y),
** days counted inclusive ("Dec. 20-22": P3D, three days of a summit);
** "" when the two are not of one calendar granularity or not in order. */
static void range_dur(const char *a, const char *b, char *out, size_t cap)
{
  size_t la = strlen(a), lb = strlen(b);
  out[0] = 0;
  if (la != lb || !dig4(a) || !dig4(b)) return;
  if (la == 4) {
    int n = lead_int(b, 4) - lead_int(a, 4);
    if (n > 0) snprintf(out, cap, "P%dY", n);
  } else if (la == 7 && a[4] == '-' && b[4] == '-' && a[5] != 'Q' &&
             a[5] != 'W' && a[5] != 'X') {
    int n = (lead_int(b, 4) - lead_int(a, 4)) * 12 + lead_int(b + 5, 2) -
            lead_int(a + 5, 2);
    if (n > 0) snprintf(out, cap, "P%dM", n);
  } else if (la == 10 && a[4] == '-' && a[7] == '-' && b[7] == '-') {
    long n = dl__tx_days(lead_int(b, 4), lead_int(b + 5, 2),
                         lead_int(b + 8, 2)) -
             dl__tx_days(lead_int(a, 4), lead_int(a + 5, 2),
                         lead_int(a + 8, 2)) + 1;
    if (n > 1) snprintf(out, cap, "P%ldD", n);
  }
}

/* The last two timexes are the endpoints of one range spanning bytes
** [start, end): both carry the range. */
static bool mark_range(tx_ws *w, dl__buf *vals, uint32_t start,
                       uint32_t end)
{
  dl__timex *a = &w->out[w->nout - 2], *b = &w->out[w->nout - 1];
  const char *va = emitted_value(vals, a), *vb = emitted_value(vals, b);
  char dur[24];
  dur[0] = 0;
  if (va && vb) range_dur(va, vb, dur, sizeof dur);
  if (!stash(vals, dur, &a->rdur)) return false;
  b->rdur = a->rdur;
  a->rstart = b->rstart = start;
  a->rend = b->rend = end;
  a->rrole = 1;
  b->rrole = 2;
  return true;
}

void dl__timex_ws_free(dl_annotator *a)
{
  tx_ws *w = a->timex_ws;
  if (!w) return;
  dl__tx_lexer_free(&w->lx);
  dl__amount_acc_free(a->al, &w->am);
  dl__free(a->al, w->out);
  dl__free(a->al, w);
  a->timex_ws = NULL;
}

tx_ws *dl__timex_ws(dl_annotator *a)
{
  tx_ws *w = a->timex_ws;
  if (!w) {
    w = dl__calloc(a->al, 1, sizeof *w);
    if (!w) return NULL;
    w->lx.al = a->al;
    dl__tx_dict_init(&w->dict);
    w->lx.dict = &w->dict;
    dl__buf_init(&w->am.objs, a->al);
    a->timex_ws = w;
  }
  /* Buffers stay allocated from one document to the next. */
  w->nout = 0;
  w->am.n = 0;
  w->am.objs.len = 0;
  w->am.truncated = false;
  w->am_tx = 0;
  return w;
}

/* Does the document write slash dates day first? When its `lang` says
** so, or when one of them proves it (a first number over 12); else the US
** order, month first. */
static bool detect_dmy(const dl_doc *d)
{
  const char *v = d->view;
  size_t n = d->len;
  /* The input's `lang` is the flag: English outside North America
  ** writes the day first (en-GB, en-AU, en-IN, en-IE, en-NZ, en-ZA...). */
  if (d->lang && (d->lang[0] | 32) == 'e' && (d->lang[1] | 32) == 'n' &&
      (d->lang[2] == '-' || d->lang[2] == '_') && d->lang[3]) {
    char c1 = (char)(d->lang[3] | 32), c2 = (char)(d->lang[4] | 32);
    if (!((c1 == 'u' && c2 == 's') || (c1 == 'c' && c2 == 'a') ||
          (c1 == 'p' && c2 == 'h')))
      return true;
  }
  for (const char *p = memchr(v, '/', n); p; ) {
    size_t i = (size_t)(p - v);
    if (i >= 2 && i + 4 < n && v[i - 1] >= '0' && v[i - 1] <= '9' &&
        v[i - 2] >= '1' && v[i - 2] <= '3' &&
        (i < 3 || v[i - 3] < '0' || v[i - 3] > '9')) {
      int a = (v[i - 2] - '0') * 10 + (v[i - 1] - '0');
      if (a > 12 && a <= 31 && v[i + 1] >= '0' && v[i + 1] <= '9' &&
          (v[i + 2] == '/' || (v[i + 2] >= '0' && v[i + 2] <= '9' &&
                               v[i + 3] == '/')))
        return true;
    }
    if (i + 1 >= n) break;
    p = memchr(v + i + 1, '/', n - i - 1);
  }
  return false;
}

/* Ranges, read after a date r just emitted over tokens [first, e):
**   1990-95, 1990-1995            the second year
**   Dec. 20-22, Dec. 20 to 22     the second day of that month
**   from 1990 to 1995, from Monday through Wednesday, between Monday and
**   Wednesday                     any second date
** The second endpoint is emitted and both carry the range (its span and
** duration). Returns the token after the range (e when there is none),
** 0 when out of memory. */
static size_t range_end(ctx *c, tx_ws *w, dl__buf *vals,
                        const dl_allocator *al, size_t first, size_t e,
                        const cand *r)
{
  /* Copies: emitting the second endpoint may move w->out and vals. */
  uint32_t xstart = w->out[w->nout - 1].start;
  const char *ev = emitted_value(vals, &w->out[w->nout - 1]);
  char v[48];
  size_t vl;
  cand r2;
  if (r->type != DL__TIMEX_DATE || !ev) return e;
  vl = strlen(ev);
  if (vl >= sizeof v) return e;
  memcpy(v, ev, vl + 1);
  /* "1990-95", "1990-1995" */
  if (vl == 4 && !r->rel && hyph(c, e) && pnum(c, e + 1, 4) &&
      (c->t[e + 1].ndig == 2 || c->t[e + 1].ndig == 4)) {
    int y2 = ival(c, e + 1), y1 = lead_int(v, 4);
    if (c->t[e + 1].ndig == 2) y2 += y1 / 100 * 100;
    if (y2 > y1 && y2 - y1 < 200) {
      memset(&r2, 0, sizeof r2);
      r2.end = e + 2;
      r2.type = DL__TIMEX_DATE;
      snprintf(r2.val, sizeof r2.val, "%04d", y2);
      if (!emit(w, al, vals, c, e + 1, &r2) ||
          !mark_range(w, vals, xstart, c->t[e + 1].end))
        return 0;
      return e + 2;
    }
  }
  /* "Dec. 20-22", "Dec. 20 to 22": a day number after a full date that
  ** ends with its day. */
  if (vl == 10 && v[4] == '-' && v[7] == '-' && e > first &&
      pnum(c, e - 1, 2) && (hyph(c, e) || is(c, e, "to") ||
                            is(c, e, "through") || is(c, e, "until")) &&
      pnum(c, e + 1, 2) && !(in(c, e + 2) && (ch(c, e + 2) == ':' ||
                                              ch(c, e + 2) == '/' ||
                                              ch(c, e + 2) == '-' ||
                                              cat(c, e + 2, TXC_MONTH) > 0 ||
                                              unit_at(c, e + 2) > 0))) {
    int y = lead_int(v, 4), m = lead_int(v + 5, 2), d1 = lead_int(v + 8, 2);
    int d2 = ival(c, e + 1);
    if (ival(c, e - 1) == d1 && d2 > d1 && d2 <= dl__tx_mdays(y, m)) {
      size_t from = first;
      r2 = *r;
      r2.end = e + 2;
      r2.nothe = false;
      snprintf(r2.val, sizeof r2.val, "%04d-%02d-%02d", y, m, d2);
      if (strlen(r2.uval) == 10)
        snprintf(r2.uval + 8, sizeof r2.uval - 8, "%02d", d2);
      if (first > 0 && is(c, first - 1, "from")) from = first - 1;
      if (!emit(w, al, vals, c, e + 1, &r2) ||
          !mark_range(w, vals, c->t[from].start, c->t[e + 1].end))
        return 0;
      note_reference(c, r2.val);
      return e + 2;
    }
  }
  /* "from X to Y", "between X and Y" */
  if (first > 0 && in(c, e + 1) &&
      ((is(c, first - 1, "from") &&
        (is(c, e, "to") || is(c, e, "through") || is(c, e, "until") ||
         is(c, e, "till") || (hyph(c, e)))) ||
       (is(c, first - 1, "between") && is(c, e, "and")))) {
    size_t e2 = p_full(c, e + 1, &r2);
    const char *v2;
    char fix[16];
    if (!e2 || r2.type != DL__TIMEX_DATE) return e;
    if (!emit(w, al, vals, c, e + 1, &r2)) return 0;
    v2 = emitted_value(vals, &w->out[w->nout - 1]);
    /* "between Monday and Wednesday" read in the past from a Tuesday:
    ** the end is the Wednesday after the start. */
    if (v2 && strlen(v2) == 10 && strlen(v) == 10 && v2[4] == '-' &&
        strcmp(v2, v) < 0 && cat(c, e + 1, TXC_WDAY) > 0) {
      int y, m, dd;
      dl__tx_civil(dl__tx_days(lead_int(v2, 4), lead_int(v2 + 5, 2),
                               lead_int(v2 + 8, 2)) + 7, &y, &m, &dd);
      snprintf(fix, sizeof fix, "%04d-%02d-%02d", y, m, dd);
      if (!stash(vals, fix, &w->out[w->nout - 1].value)) return 0;
    }
    if (!mark_range(w, vals, c->t[first - 1].start, c->t[e2 - 1].end))
      return 0;
    note_reference(c, emitted_value(vals, &w->out[w->nout - 1]));
    return e2;
  }
  return e;
}

dl_status dl__timex_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  tx_ws *w;
  ctx c;
  size_t pos = 0, total = 0;
  bool unanchored = false;
  dl__timex *res;
  dl__buf vals;
  dl__buf_init(&vals, a->al);

  w = dl__timex_ws(a);
  if (!w) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  memset(&c, 0, sizeof c);
  c.d = d;
  c.lx = &w->lx;
  c.have = d->date.source != DL__DATE_NONE;
  c.ay = d->date.year;
  c.am = d->date.month;
  c.ad = d->date.day;
  c.dmy = detect_dmy(d);
  if (!c.have && d->crawl.source != DL__DATE_NONE) {
    /* The --date fallback is applied after the stages; it anchors
    ** relative expressions all the same. */
    c.have = true;
    c.ay = d->crawl.year;
    c.am = d->crawl.month;
    c.ad = d->crawl.day;
  }

  while (pos < d->len) {
    size_t end = dl__tx_line_end(d, pos);
    if (w->nout >= DL__MAX_TIMEXES) {
      /* The limit: no more dates, and no more amounts either (their
      ** numbers could be parts of the dates not found). */
      dl__doc_note(d, "dates truncated at 100000");
      break;
    }
    if (!dl__tx_lex(&w->lx, d, pos, end)) goto nomem;
    c.t = w->lx.t;
    c.n = w->lx.n;
    c.lvalid = false;
    if (w->lx.quarter) c.quarters = true; /* the word "quarter" */
    for (size_t i = 0; i < c.n; i++) {
      const tx_tok *t = &c.t[i];
      cand r;
      size_t e;
      /* "the" before a word the lexicon does not know starts nothing
      ** (every form after "the" starts with a number, a lexicon word or
      ** an apostrophe): the commonest word skips the parsers. */
      if (t->kind == TX_WORD) {
        if (!dl__tx_starter(t)) continue;
        if (i + 1 < c.n && c.t[i + 1].kind == TX_WORD && !c.t[i + 1].lex &&
            is(&c, i, "the"))
          continue;
        /* "that" starts only "that [same] <unit>" (p_that): the next
        ** word is in the lexicon. */
        if (!(i + 1 < c.n && c.t[i + 1].lex) && is(&c, i, "that")) continue;
        /* "a", "an" start only a quantity (p_quantity: "a few", "a
        ** couple of", "a hundred", "a year", "a-year", "a trading day"):
        ** not before a word the lexicon does not know unless a unit
        ** follows it, nor before a number or at the end of the line. */
        if ((is(&c, i, "a") || is(&c, i, "an")) &&
            (i + 1 >= c.n || c.t[i + 1].kind == TX_NUM ||
             (c.t[i + 1].kind == TX_WORD && !c.t[i + 1].lex &&
              !is(&c, i + 1, "couple") &&
              !(i + 2 < c.n && c.t[i + 2].kind == TX_WORD &&
                (c.t[i + 2].cats & (1u << TXC_UNIT))))))
          continue;
      } else if (t->kind == TX_PUNCT) {
        /* Punctuation starts only "'90s" (p_core): an apostrophe right
        ** before a plain two-digit number. */
        if (!(ch(&c, i) == '\'' ||
              (unsigned char)c.d->view[t->start] == 0xE2) ||
            !(i + 1 < c.n && c.t[i + 1].kind == TX_NUM && c.t[i + 1].plain &&
              c.t[i + 1].ndig == 2 && !c.t[i + 1].space))
          continue;
      }
      e = p_full(&c, i, &r);
      if (!e) {
        /* An impossible date ("31/31/2016", "February 30, 2016"): its
        ** parts are not read again as a shorter date. */
        if (r.block && r.end > i + 1 && r.end <= c.n) i = r.end - 1;
        continue;
      }
      {
        size_t first = i + (r.nothe && is(&c, i, "the"));
        const char *v;
        if (r.rel && !c.have && !r.anchor[0]) unanchored = true;
        if (!emit(w, a->al, &vals, &c, i, &r)) goto nomem;
        v = emitted_value(&vals, &w->out[w->nout - 1]);
        if (r.type == DL__TIMEX_DATE && v && !r.rel && !r.anchor[0] &&
            dig4(v) && (!v[4] || v[4] == '-')) {
          int yy = lead_int(v, 4);
          if (yy > 0 && yy < 9999) c.my = yy;
        }
        if (r.type == DL__TIMEX_DATE && v && strlen(v) == 10 &&
            v[4] == '-' && v[7] == '-') {
          c.ly = lead_int(v, 4);
          c.lm = lead_int(v + 5, 2);
          c.ld = lead_int(v + 8, 2);
          c.lend = e;
          c.lvalid = true;
        }
        if (r.type != DL__TIMEX_DURATION && r.type != DL__TIMEX_SET)
          note_reference(&c, v);
        if ((e = range_end(&c, w, &vals, a->al, first, e, &r)) == 0)
          goto nomem;
      }
      i = e - 1;
    }
    if ((d->fields_asked & DL_FIELD_AMOUNTS) &&
        !dl__amount_line(a->al, &w->am, d, &w->lx, w->out, w->nout,
                         &w->am_tx))
      goto nomem;
    pos = end;
  }
  if (!dl__amount_finish(&w->am, d)) goto nomem;
  /* Relative expressions without a document date keep underspecified or
  ** null values: the record says why. */
  if (unanchored) dl__doc_note(d, "dates unanchored: no document date");

  total = w->nout;
  res = total ? dl__arena_alloc(&d->arena, total * sizeof *res) : NULL;
  if (total && !res) goto nomem;
  if (total) {
    char *vs = vals.len ? dl__arena_dup(&d->arena, vals.p, vals.len) : NULL;
    if (vals.len && !vs) goto nomem;
    for (size_t k = 0; k < total; k++) {
      res[k] = w->out[k];
      res[k].value = unstash(res[k].value, vs);
      res[k].anchor = unstash(res[k].anchor, vs);
      res[k].freq = unstash(res[k].freq, vs);
      res[k].rdur = unstash(res[k].rdur, vs);
    }
  }
  d->timexes = res;
  d->n_timexes = total;
  dl__buf_free(&vals);
  return DL_OK;
nomem:
  dl__buf_free(&vals);
  return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
}

/* ====================================================================
** JSON
** ==================================================================== */

static const char *const type_names[] = {"DATE", "TIME", "DURATION", "SET"};

void dl__timex_json(const dl_doc *d, dl__jw *w, unsigned f)
{
  char anchor[32];
  const dl__date *an = d->date.source != DL__DATE_NONE ? &d->date
                       : d->crawl.source != DL__DATE_NONE ? &d->crawl
                                                          : NULL;
  anchor[0] = 0;
  if (an) {
    dl__date day = *an;
    day.hour = day.minute = -1;
    dl__date_format(&day, anchor, sizeof anchor);
  }
  dl__jw_key(w, "dates");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_timexes; i++) {
    const dl__timex *x = &d->timexes[i];
    dl__jw_obj_begin(w);
    dl__jw_key(w, "span");
    dl__jw_span(d, w, f, x->start, x->end);
    dl__jw_key(w, "text");
    dl__jw_str(w, d->text + x->start, x->end - x->start);
    dl__jw_key(w, "type");
    dl__jw_cstr(w, type_names[x->type & 3]);
    dl__jw_key(w, "value");
    dl__jw_cstr(w, x->value);
    dl__jw_key(w, "anchor");
    dl__jw_cstr(w, x->anchor ? x->anchor
                   : x->anchored && anchor[0] ? anchor
                                              : NULL);
    if (x->mod) {
      dl__jw_key(w, "mod");
      dl__jw_cstr(w, x->mod);
    }
    if (x->freq) {
      dl__jw_key(w, "freq");
      dl__jw_cstr(w, x->freq);
    }
    if (x->rend) {
      /* Both endpoints carry their range (see INTERNALS-time.md). */
      const dl__timex *b = x->rrole == 1 ? x : x - 1,
                      *e = x->rrole == 1 ? x + 1 : x;
      dl__jw_key(w, "range");
      dl__jw_obj_begin(w);
      dl__jw_key(w, "span");
      dl__jw_span(d, w, f, x->rstart, x->rend);
      dl__jw_key(w, "text");
      dl__jw_str(w, d->text + x->rstart, x->rend - x->rstart);
      dl__jw_key(w, "begin");
      dl__jw_cstr(w, b->value);
      dl__jw_key(w, "end");
      dl__jw_cstr(w, e->value);
      dl__jw_key(w, "duration");
      dl__jw_cstr(w, x->rdur);
      dl__jw_key(w, "role");
      dl__jw_cstr(w, x->rrole == 1 ? "begin" : "end");
      dl__jw_obj_end(w);
    }
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
}
