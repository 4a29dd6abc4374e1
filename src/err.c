/*
** err.c -- status codes, their text, and filling a dl_error.
**
** Messages are formatted into the caller's dl_error, which owns its text
** (yyjson's pattern), so an error never allocates and never needs freeing.
*/
#include "internal.h"

#include <stdio.h>

static const struct {
  const char *name, *text;
} status_tab[] = {
  {"ok", "no error"},
  {"nomem", "out of memory"},
  {"invalid", "invalid argument"},
  {"utf8", "invalid UTF-8"},
  {"io", "input/output error"},
  {"format", "malformed input"},
  {"version", "unsupported format version"},
  {"too_big", "size limit exceeded"},
  {"internal", "internal error"},
  {"empty", "no text to analyse"},
};

DL_API const char *dl_strerror(dl_status code)
{
  if ((unsigned)code < DL__COUNTOF(status_tab)) return status_tab[code].text;
  return "unknown error";
}

DL_API const char *dl_status_name(dl_status code)
{
  if ((unsigned)code < DL__COUNTOF(status_tab)) return status_tab[code].name;
  return "unknown";
}

void dl__error_clear(dl_error *err)
{
  if (!err) return;
  err->code = DL_OK;
  err->msg[0] = 0;
  err->offset = 0;
  err->line = 0;
}

dl_status dl__fail(dl_error *err, dl_status code, size_t offset,
                   const char *fmt, ...)
{
  if (err) {
    va_list ap;
    err->code = code;
    err->offset = offset;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}
