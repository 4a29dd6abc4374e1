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

/* One JSONL line, parsed. When cli_jsonl_parse() returns true, `in` is
** ready for dl_annotate() (its strings are borrowed from `root`); when it
** returns false, `err` says why the line yields an error record and `id`
** is the line's id when one could be read (else NULL). Either way the
** caller releases it with cli_jsonl_free(). */
typedef struct cli_jsonl {
  dl_input in;
  dl_error err;
  const char *id;
  void *root;        /* json_t *, owns every string above */
  char idbuf[64];
  char datebuf[32];
} cli_jsonl;

/* Parses line[0..len) (a trailing "\n" or "\r\n" is ignored). The line
** need not end in NUL. default_date (may be NULL) becomes in.default_date. */
bool cli_jsonl_parse(const char *line, size_t len, const char *default_date,
                     cli_jsonl *out);
void cli_jsonl_free(cli_jsonl *l);

/* True when buf starts (after white space) with a line that parses as a
** JSON object: content sniffing of --format auto. */
bool cli_looks_jsonl(const char *buf, size_t len);

#endif
