/*
** input.h -- the JSONL line reader of the CLI (input.c), kept apart from
** the output side so that the fuzz target tests/fuzz/fuzz_jsonl.c can
** drive exactly the code the CLI runs.
*/
#ifndef DL_CLI_INPUT_H
#define DL_CLI_INPUT_H

#include "dateline.h"

#include <stdbool.h>
#include <stddef.h>

/* One JSONL line, parsed. When a read returns true, `in` is ready for
** dl_annotate() (its strings are borrowed from `buf` or `root`, valid until
** the next read or cli_jsonl_free()); when it returns false, `err` says
** why the line yields an error record and `id` is the line's id when one
** could be read (else NULL). */
typedef struct cli_jsonl {
  dl_input in;
  dl_error err;
  const char *id;
  void *root;        /* json_t * when jansson read the line, else NULL */
  char *buf;         /* the one-pass reader's strings, reused */
  size_t cap;
  char idbuf[64];
  char datebuf[32];
} cli_jsonl;

/* Reads line[0..len) (a trailing "\n" or "\r\n" is ignored; the line
** need not end in NUL) into l, which must be zeroed before its first read
** (cli_jsonl l = {0}) and keeps its buffer from line to line: free it once
** with cli_jsonl_free(). default_date (may be NULL) becomes
** in.default_date. The one-pass reader of input.c first, jansson when it
** is not sure (malformed lines among them): same result either way. */
bool cli_jsonl_read(cli_jsonl *l, const char *line, size_t len,
                    const char *default_date);
/* The same with jansson alone: the reference the fuzz target compares. */
bool cli_jsonl_read_jansson(cli_jsonl *l, const char *line, size_t len,
                            const char *default_date);
/* One line into a fresh *out (no zeroing needed); cli_jsonl_free() it. */
bool cli_jsonl_parse(const char *line, size_t len, const char *default_date,
                     cli_jsonl *out);
void cli_jsonl_free(cli_jsonl *l);

/* True when buf starts (after white space) with a line that parses as a
** JSON object: content sniffing of --format auto. */
bool cli_looks_jsonl(const char *buf, size_t len);

#endif
