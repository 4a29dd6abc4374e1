/*
** input.c -- reading JSONL input lines with jansson.
**
** A line becomes either a dl_input (its `text` and the optional `id`,
** `title`, `url`, `lang`, `source`, `date` of SPEC.md) or a dl_error
** saying why it cannot be annotated: empty line, invalid JSON, JSON that
** is not an object, no "text" string (an "html" string is reported as not
** supported yet). The caller turns the error into an error record in the
** line's place, so no input line is ever lost.
**
** Strings are borrowed from the parsed jansson tree, which the cli_jsonl
** owns until cli_jsonl_free(). JSON_ALLOW_NUL keeps "\u0000" inside a text
** (the library replaces NUL for analysis and keeps offsets true).
*/
#include "input.h"

#include <jansson.h>
#include <stdio.h>
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

bool cli_jsonl_parse(const char *line, size_t len, const char *default_date,
                     cli_jsonl *out)
{
  json_error_t jerr;
  json_t *root, *text, *idv;
  const char *date;
  memset(out, 0, sizeof *out);
  while (len && (line[len - 1] == '\n' || line[len - 1] == '\r')) len--;
  if (len == 0) return fail(out, 0, "empty line");
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

void cli_jsonl_free(cli_jsonl *l)
{
  json_decref((json_t *)l->root);
  l->root = NULL;
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
  j = json_loadb(buf + i, e - i, JSON_ALLOW_NUL, NULL);
  yes = json_is_object(j);
  json_decref(j);
  return yes;
}
