/*
** input.c -- reading JSONL input lines.
**
** A line becomes either a dl_input (its `text` or `html` and the optional
** `id`, `title`, `url`, `lang`, `source`, `date` of SPEC.md) or a dl_error
** saying why it cannot be annotated: empty line, invalid JSON, JSON that
** is not an object, neither a "text" nor an "html" string. The caller
** turns the error into an error record in the line's place, so no input
** line is ever lost.
**
** Two readers, one behaviour. jansson (json_loadb with JSON_ALLOW_NUL, so
** that "\u0000" stays inside a text: the library replaces NUL for
** analysis and keeps offsets true) defines what a line means and words
** every error message. It built a hash table and copied every string of
** every line, though: 9% of the instructions of `dateline annotate` on
** news JSONL (docs/INTERNALS-corpus.md). So a line is first read by a
** one-pass reader (fast_parse below) that keeps only the eight members we
** use, unescaped into one buffer reused from line to line, and accepts
** only what jansson accepts with the same meaning: strict RFC 8259, UTF-8
** checked as jansson checks it, duplicate members resolved last-wins as
** jansson's json_object_set does. Whatever it is not sure of -- any
** malformed line, an object nested deeper than FAST_MAX_DEPTH, NUL in a
** member name, an integer of 19+ digits, a number with an exponent, a
** real-valued id, a root that is not an object -- it hands to jansson,
** which then decides and writes the error: error records and messages are
** exactly jansson's. The fuzz target tests/fuzz/fuzz_jsonl.c checks that
** both readers give the same dl_input or the same error on every line.
*/
#include "input.h"
#include "sjson.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(json_t *obj, const char *key)
{
  json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][.fff][Z|+hh:mm]": the
** library takes the first 10 or 16 characters. */
static const char *norm_date(const char *s, char *buf, size_t cap)
{
  size_t n = strlen(s);
  if (n > 16 && (s[10] == 'T' || s[10] == ' ') && s[13] == ':') n = 16;
  if (n >= cap) n = cap - 1;
  memcpy(buf, s, n);
  buf[n] = 0;
  return buf;
}

static bool fail(cli_jsonl *out, size_t offset, const char *msg)
{
  out->err.code = DL_ERR_FORMAT;
  out->err.offset = offset;
  snprintf(out->err.msg, sizeof out->err.msg, "%s", msg);
  return false;
}

/* Forgets the previous line (its jansson tree), keeps the buffer. */
static void reset(cli_jsonl *out)
{
  char *buf = out->buf;
  size_t cap = out->cap;
  json_decref((json_t *)out->root);
  memset(out, 0, sizeof *out);
  out->buf = buf;
  out->cap = cap;
}

/* The reference reader: line[0..len) has no trailing newline, len > 0. */
static bool slow_parse(const char *line, size_t len, const char *default_date,
                       cli_jsonl *out)
{
  json_error_t jerr;
  json_t *root, *text, *idv;
  const char *date;
  root = json_loadb(line, len, JSON_ALLOW_NUL, &jerr);
  if (!root) {
    char msg[256];
    snprintf(msg, sizeof msg, "invalid JSON: %s (column %d)", jerr.text,
             jerr.column);
    return fail(out, (size_t)(jerr.position > 0 ? jerr.position : 0), msg);
  }
  out->root = root;
  if (!json_is_object(root))
    return fail(out, 0, "line is JSON but not an object");
  idv = json_object_get(root, "id");
  if (json_is_string(idv)) {
    out->id = json_string_value(idv);
  } else if (json_is_integer(idv)) {
    snprintf(out->idbuf, sizeof out->idbuf, "%" JSON_INTEGER_FORMAT,
             json_integer_value(idv));
    out->id = out->idbuf;
  } else if (json_is_real(idv)) {
    snprintf(out->idbuf, sizeof out->idbuf, "%.17g", json_real_value(idv));
    out->id = out->idbuf;
  }
  text = json_object_get(root, "text");
  if (!json_is_string(text) && json_is_string(json_object_get(root, "html"))) {
    json_t *h = json_object_get(root, "html");
    out->in.html = json_string_value(h);
    out->in.html_len = json_string_length(h);
  } else if (!json_is_string(text)) {
    if (text)
      return fail(out, 0, "\"text\" is not a string");
    return fail(out, 0, "line has neither a \"text\" nor an \"html\" string");
  }
  if (!out->in.html) {
    out->in.text = json_string_value(text);
    out->in.len = json_string_length(text);
  }
  out->in.id = out->id;
  out->in.title = jstr(root, "title");
  out->in.url = jstr(root, "url");
  out->in.lang = jstr(root, "lang");
  out->in.source = jstr(root, "source");
  date = jstr(root, "date");
  out->in.date = date ? norm_date(date, out->datebuf, sizeof out->datebuf)
                      : NULL;
  out->in.default_date = default_date;
  return true;
}

/* --- The one-pass reader --------------------------------------------------
** fast_parse() returns true with the members read, or false for "ask
** jansson" (never an error of its own). Strings are unescaped into
** out->buf, NUL-terminated; a string that is not kept (a member name, a
** member we do not use) is written there too and then forgotten. The
** buffer needs len + 1 bytes: an unescaped string plus its NUL is never
** longer than its quoted source. */

/* Deeper than this, jansson decides (its own limit is 2048). */
#define FAST_MAX_DEPTH 64

enum { M_NONE, M_STR, M_INT, M_OTHER };
enum { K_ID, K_TEXT, K_HTML, K_TITLE, K_URL, K_LANG, K_SOURCE, K_DATE, K_N };

typedef struct member {
  int type;
  const char *s; /* M_STR */
  size_t n;
  long long iv;  /* M_INT */
} member;

typedef struct fast {
  const unsigned char *p, *end;
  char *w;       /* next free byte of the string buffer */
  member m[K_N];
} fast;

/* Byte classes inside a string: 0 copies as is. */
enum { C_PLAIN, C_QUOTE, C_ESC, C_CTRL, C_HIGH };
static const unsigned char str_class[256] = {
#define C4 C_CTRL, C_CTRL, C_CTRL, C_CTRL
#define H4 C_HIGH, C_HIGH, C_HIGH, C_HIGH
#define H16 H4, H4, H4, H4
  C4, C4, C4, C4, C4, C4, C4, C4,           /* 0x00-0x1f */
  0, 0, C_QUOTE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20-0x2f */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30-0x3f */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40-0x4f */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, C_ESC, 0, 0, 0, /* 0x50-0x5f */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60-0x6f */
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x70-0x7f */
  H16, H16, H16, H16, H16, H16, H16, H16    /* 0x80-0xff */
#undef C4
#undef H4
#undef H16
};

static void skip_ws(fast *f)
{
  while (f->p < f->end &&
         (*f->p == ' ' || *f->p == '\t' || *f->p == '\n' || *f->p == '\r'))
    f->p++;
}

static int hexval(unsigned c)
{
  if (c - '0' < 10) return (int)(c - '0');
  c |= 0x20;
  if (c - 'a' < 6) return (int)(c - 'a' + 10);
  return -1;
}

/* The code unit of "\uXXXX" at s (s[0] is the backslash), or -1. */
static long hex4(const unsigned char *s, const unsigned char *end)
{
  long v = 0;
  if (end - s < 6 || s[0] != '\\' || s[1] != 'u') return -1;
  for (int i = 2; i < 6; i++) {
    int h = hexval(s[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

static char *put_utf8(char *w, unsigned long c)
{
  if (c < 0x80) {
    *w++ = (char)c;
  } else if (c < 0x800) {
    *w++ = (char)(0xC0 | (c >> 6));
    *w++ = (char)(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    *w++ = (char)(0xE0 | (c >> 12));
    *w++ = (char)(0x80 | ((c >> 6) & 0x3F));
    *w++ = (char)(0x80 | (c & 0x3F));
  } else {
    *w++ = (char)(0xF0 | (c >> 18));
    *w++ = (char)(0x80 | ((c >> 12) & 0x3F));
    *w++ = (char)(0x80 | ((c >> 6) & 0x3F));
    *w++ = (char)(0x80 | (c & 0x3F));
  }
  return w;
}

/* The string whose opening quote is at f->p, unescaped to f->w. */
static bool fast_string(fast *f, const char **out, size_t *len)
{
  const unsigned char *p = f->p + 1, *end = f->end;
  char *w = f->w;
  for (;;) {
    const unsigned char *run = p;
    long cu, lo;
    int n;
    while (p < end && str_class[*p] == C_PLAIN) p++;
    memcpy(w, run, (size_t)(p - run));
    w += p - run;
    if (p >= end) return false;
    switch (str_class[*p]) {
    case C_QUOTE:
      *w = 0;
      *out = f->w;
      *len = (size_t)(w - f->w);
      f->w = w + 1;
      f->p = p + 1;
      return true;
    case C_ESC:
      if (end - p < 2) return false;
      switch (p[1]) {
      case '"': case '\\': case '/': *w++ = (char)p[1]; break;
      case 'b': *w++ = '\b'; break;
      case 'f': *w++ = '\f'; break;
      case 'n': *w++ = '\n'; break;
      case 'r': *w++ = '\r'; break;
      case 't': *w++ = '\t'; break;
      case 'u':
        cu = hex4(p, end);
        if (cu < 0 || (cu >= 0xDC00 && cu <= 0xDFFF)) return false;
        if (cu >= 0xD800 && cu <= 0xDBFF) {
          lo = hex4(p + 6, end);
          if (lo < 0xDC00 || lo > 0xDFFF) return false;
          cu = 0x10000 + ((cu - 0xD800) << 10) + (lo - 0xDC00);
          p += 6;
        }
        w = put_utf8(w, (unsigned long)cu);
        p += 6;
        continue;
      default:
        return false;
      }
      p += 2;
      continue;
    case C_HIGH:
      n = sj_utf8_len(p, end);
      if (!n) return false;
      memcpy(w, p, (size_t)n);
      w += n;
      p += n;
      continue;
    default: /* C_CTRL */
      return false;
    }
  }
}

static bool is_digit(unsigned c) { return c - '0' < 10; }

/* The number at f->p. An integer of up to 18 digits goes to m (if not
** NULL); anything else that jansson might read differently or reject
** (19+ digits: strtoll range; an exponent: strtod overflow) is refused. */
static bool fast_number(fast *f, member *m)
{
  const unsigned char *q = f->p, *end = f->end, *digits;
  bool neg = false, real = false;
  long long v = 0;
  if (*q == '-') neg = true, q++;
  digits = q;
  if (q >= end || !is_digit(*q)) return false;
  if (*q == '0') {
    q++;
    if (q < end && is_digit(*q)) return false;
  } else {
    while (q < end && is_digit(*q)) q++;
    if (q - digits > 18) return false;
    for (const unsigned char *d = digits; d < q; d++) v = v * 10 + (*d - '0');
  }
  if (q < end && *q == '.') {
    q++;
    if (q >= end || !is_digit(*q)) return false;
    while (q < end && is_digit(*q)) q++;
    real = true;
  }
  if (q < end && (*q == 'e' || *q == 'E')) return false;
  f->p = q;
  if (m) {
    m->type = real ? M_OTHER : M_INT;
    m->iv = neg ? -v : v;
    if (real && m == &f->m[K_ID]) return false; /* "%.17g": jansson's job */
  }
  return true;
}

static bool fast_value(fast *f, int depth, member *m);
static int member_key(const char *k, size_t n);

/* The array or object at f->p, at nesting depth `depth` (the root is 1).
** In the root object (root true) a member we use keeps its value in f->m;
** every other string is forgotten once read. */
static bool fast_container(fast *f, int depth, bool root)
{
  bool obj = *f->p == '{';
  unsigned char close = obj ? '}' : ']';
  if (depth > FAST_MAX_DEPTH) return false;
  f->p++;
  skip_ws(f);
  if (f->p < f->end && *f->p == close) {
    f->p++;
    return true;
  }
  for (;;) {
    char *mark = f->w;
    int k = -1;
    skip_ws(f);
    if (f->p >= f->end) return false;
    if (obj) {
      const char *key;
      size_t klen;
      if (*f->p != '"' || !fast_string(f, &key, &klen) ||
          memchr(key, 0, klen))
        return false;
      if (root) k = member_key(key, klen);
      f->w = mark;
      skip_ws(f);
      if (f->p >= f->end || *f->p != ':') return false;
      f->p++;
      skip_ws(f);
    }
    if (k >= 0) {
      /* Last wins: a later duplicate replaces the value. */
      f->m[k].type = M_NONE;
      if (!fast_value(f, depth + 1, &f->m[k])) return false;
    } else {
      if (!fast_value(f, depth + 1, NULL)) return false;
      f->w = mark;
    }
    skip_ws(f);
    if (f->p >= f->end) return false;
    if (*f->p == ',') {
      f->p++;
      continue;
    }
    if (*f->p != close) return false;
    f->p++;
    return true;
  }
}

static bool literal(fast *f, const char *word, size_t n)
{
  if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0) return false;
  f->p += n;
  return true;
}

/* The value at f->p; a member we use (m) keeps a string, else its type. */
static bool fast_value(fast *f, int depth, member *m)
{
  if (f->p >= f->end) return false;
  switch (*f->p) {
  case '"':
    if (!m) {
      const char *s;
      size_t n;
      return fast_string(f, &s, &n);
    }
    m->type = M_STR;
    return fast_string(f, &m->s, &m->n);
  case '{':
  case '[':
    if (m) m->type = M_OTHER;
    return fast_container(f, depth, false);
  case 't':
    if (m) m->type = M_OTHER;
    return literal(f, "true", 4);
  case 'f':
    if (m) m->type = M_OTHER;
    return literal(f, "false", 5);
  case 'n':
    if (m) m->type = M_OTHER;
    return literal(f, "null", 4);
  default:
    return fast_number(f, m);
  }
}

/* Which member we use is this name, or -1. */
static int member_key(const char *k, size_t n)
{
  switch (n) {
  case 2: return memcmp(k, "id", 2) == 0 ? K_ID : -1;
  case 3: return memcmp(k, "url", 3) == 0 ? K_URL : -1;
  case 4:
    if (memcmp(k, "text", 4) == 0) return K_TEXT;
    if (memcmp(k, "html", 4) == 0) return K_HTML;
    if (memcmp(k, "lang", 4) == 0) return K_LANG;
    if (memcmp(k, "date", 4) == 0) return K_DATE;
    return -1;
  case 5: return memcmp(k, "title", 5) == 0 ? K_TITLE : -1;
  case 6: return memcmp(k, "source", 6) == 0 ? K_SOURCE : -1;
  default: return -1;
  }
}

/* The root object, its members we use kept. */
static bool fast_root(fast *f)
{
  skip_ws(f);
  if (f->p >= f->end || *f->p != '{' || !fast_container(f, 1, true))
    return false;
  skip_ws(f);
  return f->p == f->end;
}

static const char *mstr(const member *m)
{
  return m->type == M_STR ? m->s : NULL;
}

/* The one-pass reader; false: let jansson decide (out untouched but buf). */
static bool fast_parse(const char *line, size_t len, const char *default_date,
                       cli_jsonl *out, bool *ok)
{
  fast f;
  const member *id, *text, *html;
  /* A buffer grown past 1 MiB by a huge line is not kept for the lines
  ** after it (annotate's memory stays flat, as with its line buffers). */
  if (out->cap < len + 1 ||
      (out->cap > ((size_t)1 << 20) && len + 1 <= ((size_t)1 << 20))) {
    size_t cap = len + 1 > 4096 ? len + 1 : 4096;
    char *nb = malloc(cap);
    if (!nb) return false;
    free(out->buf);
    out->buf = nb;
    out->cap = cap;
  }
  memset(&f, 0, sizeof f);
  f.p = (const unsigned char *)line;
  f.end = f.p + len;
  f.w = out->buf;
  if (!fast_root(&f)) return false;
  id = &f.m[K_ID];
  text = &f.m[K_TEXT];
  html = &f.m[K_HTML];
  if (id->type == M_STR) {
    out->id = id->s;
  } else if (id->type == M_INT) {
    snprintf(out->idbuf, sizeof out->idbuf, "%lld", id->iv);
    out->id = out->idbuf;
  }
  *ok = true;
  if (text->type != M_STR && html->type == M_STR) {
    out->in.html = html->s;
    out->in.html_len = html->n;
  } else if (text->type != M_STR) {
    *ok = text->type != M_NONE
              ? fail(out, 0, "\"text\" is not a string")
              : fail(out, 0,
                     "line has neither a \"text\" nor an \"html\" string");
    return true;
  } else {
    out->in.text = text->s;
    out->in.len = text->n;
  }
  out->in.id = out->id;
  out->in.title = mstr(&f.m[K_TITLE]);
  out->in.url = mstr(&f.m[K_URL]);
  out->in.lang = mstr(&f.m[K_LANG]);
  out->in.source = mstr(&f.m[K_SOURCE]);
  out->in.date = f.m[K_DATE].type == M_STR
                     ? norm_date(f.m[K_DATE].s, out->datebuf,
                                 sizeof out->datebuf)
                     : NULL;
  out->in.default_date = default_date;
  return true;
}

static size_t chomp(const char *line, size_t len)
{
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
  return len;
}

bool cli_jsonl_read(cli_jsonl *l, const char *line, size_t len,
                    const char *default_date)
{
  bool ok;
  reset(l);
  len = chomp(line, len);
  if (len == 0) return fail(l, 0, "empty line");
  if (fast_parse(line, len, default_date, l, &ok)) return ok;
  reset(l);
  return slow_parse(line, len, default_date, l);
}

bool cli_jsonl_read_jansson(cli_jsonl *l, const char *line, size_t len,
                            const char *default_date)
{
  reset(l);
  len = chomp(line, len);
  if (len == 0) return fail(l, 0, "empty line");
  return slow_parse(line, len, default_date, l);
}

bool cli_jsonl_parse(const char *line, size_t len, const char *default_date,
                     cli_jsonl *out)
{
  memset(out, 0, sizeof *out);
  return cli_jsonl_read(out, line, len, default_date);
}

void cli_jsonl_free(cli_jsonl *l)
{
  json_decref((json_t *)l->root);
  l->root = NULL;
  free(l->buf);
  l->buf = NULL;
  l->cap = 0;
}

bool cli_looks_jsonl(const char *buf, size_t len)
{
  size_t i = 0, e;
  json_t *j;
  bool yes;
  while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' ||
                     buf[i] == '\n'))
    i++;
  if (i >= len || buf[i] != '{') return false;
  e = i;
  while (e < len && buf[e] != '\n') e++;
  /* The one-pass reader accepts only objects jansson accepts; what it
  ** leaves, jansson decides (a 50 MB first line was read twice). */
  {
    cli_jsonl l;
    bool ok;
    memset(&l, 0, sizeof l);
    yes = fast_parse(buf + i, e - i, NULL, &l, &ok);
    cli_jsonl_free(&l);
    if (yes) return true;
  }
  j = json_loadb(buf + i, e - i, JSON_ALLOW_NUL, NULL);
  yes = json_is_object(j);
  json_decref(j);
  return yes;
}
