/*
** html_meta.c -- the article metadata helpers of HTML input: dates as
** pages write them, dates in URLs, JSON-LD, bylines.
**
** Dates come only from structured places (JSON-LD, meta tags, <time>,
** the URL): never from a script or a copyright line. Bylines are cleaned
** of "By", dates and times ("Updated 5 minutes ago"), roles and e-mail,
** and the site's own name is never an author.
*/
#include "html.h"

#include <stdio.h>
#include <stdlib.h>

/* ====================================================================
** Dates
** ==================================================================== */

static const struct {
  const char *name;
  int month;
} month_names[] = {
    {"january", 1},   {"jan", 1},      {"januar", 1},   {"janvier", 1},
    {"february", 2},  {"feb", 2},      {"februar", 2},  {"febr", 2},
    {"march", 3},     {"mar", 3},      {"märz", 3},     {"maerz", 3},
    {"mars", 3},      {"april", 4},    {"apr", 4},      {"avril", 4},
    {"may", 5},       {"mai", 5},      {"june", 6},     {"jun", 6},
    {"juni", 6},      {"juin", 6},     {"july", 7},     {"jul", 7},
    {"juli", 7},      {"juillet", 7},  {"august", 8},   {"aug", 8},
    {"août", 8},      {"september", 9}, {"sep", 9},     {"sept", 9},
    {"septembre", 9}, {"october", 10}, {"oct", 10},     {"oktober", 10},
    {"okt", 10},      {"octobre", 10}, {"november", 11}, {"nov", 11},
    {"novembre", 11}, {"december", 12}, {"dec", 12},    {"dezember", 12},
    {"dez", 12},      {"décembre", 12},
};

static int month_of(const char *s, size_t n)
{
  char low[16];
  if (n < 3 || n >= sizeof low) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    low[i] = c;
  }
  low[n] = 0;
  for (size_t i = 0; i < DL__COUNTOF(month_names); i++)
    if (strcmp(low, month_names[i].name) == 0) return month_names[i].month;
  return 0;
}

static bool isdig(char c) { return c >= '0' && c <= '9'; }

static int num(const char *s, size_t n, size_t *i, int maxdig)
{
  int v = 0, k = 0;
  while (*i < n && isdig(s[*i]) && k < maxdig) {
    v = v * 10 + (s[*i] - '0');
    (*i)++;
    k++;
  }
  return k ? v : -1;
}

static bool ok_ymd(int y, int m, int d)
{
  return y >= 1990 && y <= 2100 && dl__date_valid(y, m, d);
}

static bool put(char *buf, size_t cap, int y, int m, int d, int hh, int mm)
{
  if (!ok_ymd(y, m, d)) return false;
  if (hh >= 0 && hh < 24 && mm >= 0 && mm < 60)
    snprintf(buf, cap, "%04d-%02d-%02dT%02d:%02d", y, m, d, hh, mm);
  else
    snprintf(buf, cap, "%04d-%02d-%02d", y, m, d);
  return true;
}

bool dl__html_norm_date(const char *s, size_t n, char *buf, size_t cap)
{
  size_t i = 0, j;
  int a, b, c;
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) i++;
  j = i;
  a = num(s, n, &j, 8);
  if (a >= 0 && j - i == 4 && j < n &&
      (s[j] == '-' || s[j] == '/' || s[j] == '.')) {
    /* YYYY-MM-DD[THH:MM] */
    char sep = s[j++];
    int hh = -1, mm = -1;
    b = num(s, n, &j, 2);
    if (b < 0 || j >= n || s[j] != sep) return false;
    j++;
    c = num(s, n, &j, 2);
    if (c < 0) return false;
    if (j < n && (s[j] == 'T' || s[j] == ' ') && j + 3 < n &&
        isdig(s[j + 1])) {
      size_t k = j + 1;
      hh = num(s, n, &k, 2);
      if (k < n && s[k] == ':') {
        k++;
        mm = num(s, n, &k, 2);
      } else {
        hh = -1;
      }
    }
    return put(buf, cap, a, b, c, hh, mm);
  }
  if (a >= 0 && j - i == 8 && (j == n || !isdig(s[j])))
    return put(buf, cap, a / 10000, a / 100 % 100, a % 100, -1, -1);
  if (a >= 0 && j - i <= 2 && j < n && (s[j] == '.' || s[j] == '/')) {
    /* DD.MM.YYYY (day first), MM/DD/YYYY (month first unless > 12) */
    char sep = s[j++];
    while (j < n && s[j] == ' ') j++;
    b = num(s, n, &j, 2);
    if (b >= 0 && j < n && s[j] == sep) {
      j++;
      while (j < n && s[j] == ' ') j++;
      c = num(s, n, &j, 4);
      if (c < 100 && c >= 0) c += 2000;
      if (sep == '.' || a > 12) return put(buf, cap, c, b, a, -1, -1);
      return put(buf, cap, c, a, b, -1, -1);
    }
    if (sep == '.') {
      /* "2. August 2019" */
      j = j - (b >= 0 ? 0 : 0);
    }
  }
  /* Words: "[Weekday,] August 2, 2019", "2 August 2019", "2. Aug. 2019" */
  {
    int day = -1, mon = 0, year = -1;
    size_t k = i;
    for (int tok = 0; k < n && tok < 8; tok++) {
      while (k < n && (s[k] == ' ' || s[k] == ',' || s[k] == '.' ||
                       s[k] == '-'))
        k++;
      if (k >= n) break;
      if (isdig(s[k])) {
        size_t st = k;
        int v = num(s, n, &k, 4);
        if (k - st == 4) year = v;
        else if (day < 0 && v >= 1 && v <= 31) day = v;
        else break;
        /* "2nd", "3rd" */
        while (k < n && ((s[k] >= 'a' && s[k] <= 'z'))) k++;
        if (year >= 0) break;
      } else {
        size_t st = k;
        int m;
        while (k < n && s[k] != ' ' && s[k] != ',' && s[k] != '.' &&
               !isdig(s[k]))
          k++;
        m = month_of(s + st, k - st);
        if (m) mon = m;
        else if (mon || day >= 0) break;
      }
    }
    if (mon && day > 0 && year > 0) return put(buf, cap, year, mon, day, -1, -1);
  }
  return false;
}

bool dl__html_find_date(const char *s, size_t n, char *buf, size_t cap)
{
  n = DL__MIN(n, (size_t)240);
  for (size_t i = 0; i + 4 <= n; i++) {
    if (strncasecmp(s + i, "copyright", 9) == 0 ||
        (i + 2 <= n && memcmp(s + i, "\xC2\xA9", 2) == 0))
      return false;
  }
  for (size_t i = 0; i + 6 <= n; i++) {
    char c = s[i];
    if (i && s[i - 1] != ' ' && s[i - 1] != ',' && s[i - 1] != '(' &&
        s[i - 1] != ':' && s[i - 1] != '|')
      continue;
    if (!isdig(c) && !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                       (unsigned char)c >= 0xC0))
      continue;
    if (dl__html_norm_date(s + i, n - i, buf, cap)) return true;
  }
  return false;
}

bool dl__html_url_date(const char *url, char *buf, size_t cap)
{
  size_t n = strlen(url);
  /* /23-01-2022-title: day first */
  for (size_t i = 0; i + 11 <= n; i++) {
    size_t j = i + 1;
    int d, m, y;
    if (url[i] != '/') continue;
    d = num(url, n, &j, 2);
    if (d < 0 || j != i + 3 || url[j] != '-') continue;
    j++;
    m = num(url, n, &j, 2);
    if (m < 0 || j != i + 6 || url[j] != '-') continue;
    j++;
    y = num(url, n, &j, 4);
    if (y < 0 || j != i + 11 || (j < n && isdig(url[j]))) continue;
    if (put(buf, cap, y, m, d, -1, -1)) return true;
  }
  for (size_t i = 0; i + 9 < n; i++) {
    size_t j;
    int y, m, d;
    if (url[i] != '/' && url[i] != '-' && url[i] != '_') continue;
    j = i + 1;
    y = num(url, n, &j, 8);
    if (y < 0) continue;
    if (j - i - 1 == 8 && (j == n || !isdig(url[j]))) {
      if (put(buf, cap, y / 10000, y / 100 % 100, y % 100, -1, -1))
        return true;
      continue;
    }
    if (j - i - 1 != 4 || j >= n || (url[j] != '/' && url[j] != '-'))
      continue;
    {
      char sep = url[j++];
      size_t st = j;
      m = num(url, n, &j, 2);
      if (m < 0 || j - st != 2 || j >= n || url[j] != sep) continue;
      j++;
      st = j;
      d = num(url, n, &j, 2);
      if (d < 0 || j - st != 2 || (j < n && isdig(url[j]))) continue;
      if (put(buf, cap, y, m, d, -1, -1)) return true;
    }
  }
  return false;
}

/* ====================================================================
** JSON-LD
** ==================================================================== */

/* A tolerant JSON reader that hands each object's interesting keys to
** the sink. Depth is capped; on a syntax error it stops, keeping what it
** had. */
typedef struct jp {
  const char *s;
  size_t n, i;
  int depth;
  dl__ldjson *sink;
} jp;

#define J_MAX_NAMES 8

/* What a value amounts to for its parent. */
typedef struct jsum {
  const char *str; /* a string (raw, still escaped) */
  size_t slen;
  const char *name, *url; /* an object's name / url strings */
  size_t nlen, ulen;
  const char *names[J_MAX_NAMES]; /* an array's strings or names */
  size_t nlens[J_MAX_NAMES];
  size_t n_names;
} jsum;

static void j_ws(jp *j)
{
  while (j->i < j->n && (j->s[j->i] == ' ' || j->s[j->i] == '\n' ||
                         j->s[j->i] == '\t' || j->s[j->i] == '\r'))
    j->i++;
}

/* Scans a string at j->i (on the quote); returns the raw contents. */
static bool j_str(jp *j, const char **p, size_t *len)
{
  size_t st;
  if (j->i >= j->n || j->s[j->i] != '"') return false;
  st = ++j->i;
  while (j->i < j->n && j->s[j->i] != '"') {
    if (j->s[j->i] == '\\') j->i++;
    j->i++;
  }
  if (j->i >= j->n) return false;
  *p = j->s + st;
  *len = j->i - st;
  j->i++;
  return true;
}

/* Decodes a raw JSON string into buf (NUL-terminated, truncated). */
static void j_decode(const char *s, size_t n, char *buf, size_t cap)
{
  size_t k = 0;
  if (!cap) return;
  for (size_t i = 0; i < n && k + 5 < cap; i++) {
    char c = s[i];
    if (c != '\\' || i + 1 >= n) {
      buf[k++] = c;
      continue;
    }
    c = s[++i];
    switch (c) {
    case 'n': case 'r': case 't': buf[k++] = ' '; break;
    case 'b': case 'f': break;
    case 'u': {
      unsigned v = 0;
      int32_t cp;
      if (i + 4 >= n) return;
      for (int t = 1; t <= 4; t++) {
        char h = s[i + (size_t)t];
        v = v * 16 + (unsigned)(isdig(h) ? h - '0'
                                : (h | 32) >= 'a' && (h | 32) <= 'f'
                                    ? (h | 32) - 'a' + 10
                                    : 0);
      }
      i += 4;
      cp = (int32_t)v;
      if (v >= 0xD800 && v < 0xDC00 && i + 6 < n && s[i + 1] == '\\' &&
          s[i + 2] == 'u') {
        unsigned lo = (unsigned)strtoul((char[]){s[i + 3], s[i + 4],
                                                 s[i + 5], s[i + 6], 0},
                                        NULL, 16);
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = (int32_t)(0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00));
          i += 6;
        }
      }
      if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
      if (cp < 0x20) cp = ' ';
      k += dl__utf8_encode(cp, buf + k);
      break;
    }
    default: buf[k++] = c; break;
    }
  }
  buf[k] = 0;
}

static bool keyeq(const char *k, size_t n, const char *lit)
{
  return strlen(lit) == n && memcmp(k, lit, n) == 0;
}

static bool j_value(jp *j, jsum *out);

static bool is_article_type(const char *s, size_t n)
{
  static const char *const types[] = {"Article", "Posting", "Report",
                                      "NewsArticle", "BlogPosting"};
  for (size_t t = 0; t < DL__COUNTOF(types); t++) {
    size_t m = strlen(types[t]);
    for (size_t i = 0; i + m <= n; i++)
      if (memcmp(s + i, types[t], m) == 0) return true;
  }
  return false;
}

static void set_if_empty(char *dst, size_t cap, const char *s, size_t n)
{
  if (dst[0] || !s || !n) return;
  j_decode(s, n, dst, cap);
}

static bool j_object(jp *j, jsum *out)
{
  bool article = false;
  const char *headline = NULL, *pub = NULL, *mod = NULL, *pubname = NULL,
             *img = NULL, *url = NULL, *lang = NULL;
  size_t hl = 0, pl = 0, ml = 0, pnl = 0, il = 0, ul = 0, ll = 0, body = 0;
  jsum author;
  bool have_author = false;
  memset(&author, 0, sizeof author);
  j->i++; /* { */
  for (;;) {
    const char *k;
    size_t kn;
    jsum v;
    j_ws(j);
    if (j->i < j->n && j->s[j->i] == '}') {
      j->i++;
      break;
    }
    if (!j_str(j, &k, &kn)) return false;
    j_ws(j);
    if (j->i >= j->n || j->s[j->i] != ':') return false;
    j->i++;
    j_ws(j);
    if (!j_value(j, &v)) return false;
    if (keyeq(k, kn, "@type")) {
      if (v.str && is_article_type(v.str, v.slen)) article = true;
      for (size_t t = 0; t < v.n_names; t++)
        if (is_article_type(v.names[t], v.nlens[t])) article = true;
    } else if (keyeq(k, kn, "headline")) {
      headline = v.str, hl = v.slen;
    } else if (keyeq(k, kn, "name")) {
      out->name = v.str, out->nlen = v.slen;
    } else if (keyeq(k, kn, "url") || keyeq(k, kn, "@id")) {
      if (v.str && (!out->url || keyeq(k, kn, "url")))
        out->url = v.str, out->ulen = v.slen;
      if (keyeq(k, kn, "url")) url = v.str, ul = v.slen;
    } else if (keyeq(k, kn, "datePublished") ||
               keyeq(k, kn, "dateCreated")) {
      if (!pub) pub = v.str, pl = v.slen;
    } else if (keyeq(k, kn, "dateModified")) {
      mod = v.str, ml = v.slen;
    } else if (keyeq(k, kn, "author") || keyeq(k, kn, "creator")) {
      if (!have_author) {
        author = v;
        have_author = true;
      }
    } else if (keyeq(k, kn, "publisher")) {
      pubname = v.name ? v.name : v.str;
      pnl = v.name ? v.nlen : v.slen;
      if (!pubname && v.n_names) pubname = v.names[0], pnl = v.nlens[0];
    } else if (keyeq(k, kn, "image") || keyeq(k, kn, "thumbnailUrl")) {
      if (!img) {
        img = v.str ? v.str : v.url;
        il = v.str ? v.slen : v.ulen;
      }
    } else if (keyeq(k, kn, "inLanguage")) {
      lang = v.str, ll = v.slen;
    } else if (keyeq(k, kn, "articleBody")) {
      body = v.slen;
    }
    j_ws(j);
    if (j->i < j->n && j->s[j->i] == ',') {
      j->i++;
      continue;
    }
    if (j->i < j->n && j->s[j->i] == '}') {
      j->i++;
      break;
    }
    return false;
  }
  if (article) {
    dl__ldjson *s = j->sink;
    s->is_article = true;
    set_if_empty(s->headline, sizeof s->headline, headline, hl);
    set_if_empty(s->published, sizeof s->published, pub, pl);
    set_if_empty(s->modified, sizeof s->modified, mod, ml);
    set_if_empty(s->publisher, sizeof s->publisher, pubname, pnl);
    set_if_empty(s->image, sizeof s->image, img, il);
    set_if_empty(s->url, sizeof s->url, url, ul);
    set_if_empty(s->lang, sizeof s->lang, lang, ll);
    if (!s->body_len) s->body_len = body;
    if (have_author && !s->n_authors) {
      if (author.str)
        j_decode(author.str, author.slen, s->authors[s->n_authors++],
                 sizeof s->authors[0]);
      else if (author.name)
        j_decode(author.name, author.nlen, s->authors[s->n_authors++],
                 sizeof s->authors[0]);
      for (size_t t = 0; t < author.n_names && s->n_authors < 8; t++)
        j_decode(author.names[t], author.nlens[t],
                 s->authors[s->n_authors++], sizeof s->authors[0]);
    }
  }
  return true;
}

static bool j_value(jp *j, jsum *out)
{
  memset(out, 0, sizeof *out);
  j_ws(j);
  if (j->i >= j->n) return false;
  switch (j->s[j->i]) {
  case '"':
    return j_str(j, &out->str, &out->slen);
  case '{': {
    bool ok;
    if (++j->depth > 32) return false;
    ok = j_object(j, out);
    j->depth--;
    return ok;
  }
  case '[':
    if (++j->depth > 32) return false;
    j->i++;
    for (;;) {
      jsum v;
      j_ws(j);
      if (j->i < j->n && j->s[j->i] == ']') {
        j->i++;
        break;
      }
      if (!j_value(j, &v)) return false;
      if (out->n_names < J_MAX_NAMES && (v.str || v.name)) {
        out->names[out->n_names] = v.str ? v.str : v.name;
        out->nlens[out->n_names++] = v.str ? v.slen : v.nlen;
      }
      if (!out->url && (v.url || v.str)) {
        out->url = v.url ? v.url : v.str;
        out->ulen = v.url ? v.ulen : v.slen;
      }
      j_ws(j);
      if (j->i < j->n && j->s[j->i] == ',') {
        j->i++;
        continue;
      }
      if (j->i < j->n && j->s[j->i] == ']') {
        j->i++;
        break;
      }
      return false;
    }
    j->depth--;
    return true;
  default:
    /* number, true, false, null */
    while (j->i < j->n && j->s[j->i] != ',' && j->s[j->i] != '}' &&
           j->s[j->i] != ']' && j->s[j->i] != ' ' && j->s[j->i] != '\n')
      j->i++;
    return true;
  }
}

void dl__html_ldjson(const char *s, size_t n, dl__ldjson *sink)
{
  jp j;
  jsum v;
  j.s = s;
  j.n = n;
  j.i = 0;
  j.depth = 0;
  j.sink = sink;
  /* Some pages put several values or a stray ';' in one script. */
  while (j.i < n) {
    j_ws(&j);
    if (j.i >= n) break;
    if (s[j.i] != '{' && s[j.i] != '[') {
      j.i++;
      continue;
    }
    if (!j_value(&j, &v)) break;
  }
}

/* ====================================================================
** Bylines
** ==================================================================== */

static bool word_is(const char *s, size_t n, const char *w)
{
  return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static const char *const not_names[] = {
    "staff",   "editor",   "editors", "team",       "redaktion", "newsroom",
    "admin",   "updated",  "published", "posted",   "ago",       "minutes",
    "hours",   "min",      "read",    "reporter",   "correspondent",
    "writer",  "contributor", "associated", "press", "reuters", "afp",
    "dpa",     "news",     "online",  "media",      "agency",    "desk",
    "photo",   "photos",   "video",   "image",      "images",    "getty",
    "copyright", "share",  "email",   "comments",   "follow",    "more",
    "articles", "posts",   "view",    "all",        "by",
    "unknown", "user",     "guest",   "gast",       "anonymous", "anonym",
    "administrator", "no", "none",    "redakteur",  "autor",    "author",
    "über",    "about",    "inhalte", "gesponserte", "sponsored", "content",
    "germany", "deutschland", "schweiz", "österreich"};

static const char *const particles[] = {"van", "von", "de", "der", "den",
                                        "da", "di", "del", "la", "le",
                                        "bin", "al", "el", "du", "zu",
                                        "dos", "das", "ter", "ten", "y"};

/* A name: 2..5 words (1 when single_ok), no digits, capitalized words
** (or particles). */
static bool looks_like_name(const char *s, size_t n, const char *site,
                            bool single_ok)
{
  size_t words = 0, i = 0;
  if (n < 3 || n > 60) return false;
  if (site && strlen(site) == n && strncasecmp(site, s, n) == 0)
    return false;
  while (i < n) {
    size_t st;
    while (i < n && s[i] == ' ') i++;
    if (i >= n) break;
    st = i;
    while (i < n && s[i] != ' ') i++;
    words++;
    for (size_t k = st; k < i; k++)
      if (isdig(s[k]) || s[k] == '@' || s[k] == '/' || s[k] == ':' ||
          s[k] == '|' || s[k] == '(' || s[k] == ')')
        return false;
    for (size_t t = 0; t < DL__COUNTOF(not_names); t++)
      if (word_is(s + st, i - st, not_names[t])) return false;
    if (!((s[st] >= 'A' && s[st] <= 'Z') || (unsigned char)s[st] >= 0xC0)) {
      bool part = false;
      for (size_t t = 0; t < DL__COUNTOF(particles); t++)
        if (word_is(s + st, i - st, particles[t])) part = true;
      if (!part) return false;
    }
  }
  return (words >= 2 || (single_ok && words == 1 && n >= 3)) && words <= 5;
}

static size_t strip_prefix(const char *s, size_t n)
{
  static const char *const pre[] = {
      "written by ", "posted by ", "story by ", "words by ", "text by ",
      "reporting by ", "veröffentlicht von ", "eingestellt von ",
      "geschrieben von ", "verfasst von ", "publicado por ", "escrito por ",
      "publié par ", "écrit par ", "by ", "von ", "par ", "por ", "über ",
      "text: ", "text ", "author: ", "autor: ", "autorin: ", "authors: ",
      "byline: ", "author ", "autor ", "autorin "};
  for (size_t t = 0; t < DL__COUNTOF(pre); t++) {
    size_t m = strlen(pre[t]);
    if (n >= m && strncasecmp(s, pre[t], m) == 0) return m;
  }
  /* "AuthorJane Doe": a label glued to the name */
  if (n > 8 && (strncmp(s, "Author", 6) == 0 || strncmp(s, "Autor", 5) == 0)) {
    size_t m = s[4] == 'r' ? 5 : 6;
    if (s[m] >= 'A' && s[m] <= 'Z') return m;
  }
  return 0;
}

void dl__html_byline(const char *s, size_t n, const char *site,
                     bool single_ok,
                     void (*add)(void *ctx, const char *p, size_t n),
                     void *ctx)
{
  size_t i = 0;
  /* Pieces split by | • · newline; each piece split into names by
  ** ",", ";", "&", " and ", " und ", " et ". */
  while (i < n) {
    size_t st = i, e;
    while (i < n && s[i] != '|' && s[i] != '\n' && s[i] != ',' &&
           s[i] != ';' && s[i] != '&' &&
           !(s[i] == '\xE2' && i + 2 < n && s[i + 1] == '\x80' &&
             (s[i + 2] == '\xA2' || s[i + 2] == '\x94' ||
              s[i + 2] == '\x93')) &&
           !((unsigned char)s[i] == 0xC2 && i + 1 < n &&
             (unsigned char)s[i + 1] == 0xB7))
      i++;
    e = i;
    if (i < n) {
      if ((unsigned char)s[i] == 0xE2) i += 3;
      else if ((unsigned char)s[i] == 0xC2) i += 2;
      else i++;
    }
    /* split on the words and/und/et */
    while (st < e) {
      size_t a = st, b = e, k;
      while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
      a += strip_prefix(s + a, b - a);
      for (k = a; k + 5 <= b; k++)
        if (strncasecmp(s + k, " and ", 5) == 0 ||
            strncasecmp(s + k, " und ", 5) == 0 ||
            (k + 4 <= b && strncasecmp(s + k, " et ", 4) == 0))
          break;
      if (k + 5 <= b || (k + 4 <= b && strncasecmp(s + k, " et ", 4) == 0)) {
        b = k;
        st = k + (strncasecmp(s + k, " et ", 4) == 0 ? 4 : 5);
      } else {
        st = e;
      }
      while (b > a && (s[b - 1] == ' ' || s[b - 1] == '.')) b--;
      if (looks_like_name(s + a, b - a, site, single_ok))
        add(ctx, s + a, b - a);
    }
  }
}
