/*
** corpus.h -- the one input and output path of the stateful corpus
** commands, `dateline dedup` and `dateline stories` (corpus.c).
**
** Input: files, directories, stdin, .gz/.zst (stream.c). A file whose
** first line starts with '{' is JSONL: each line is parsed here (jansson)
** and handed to the command with its id; empty lines, invalid JSON and
** JSON that is not an object become error records in place. Any other
** file is one document whose id is its path.
**
** Output: stdout or `-o FILE`; a write error stops the run (exit 1).
**
** `--resume` (with -o): dedup and stories keep state from one article to
** the next (the MinHash/LSH index, the open stories and IDF counts), so
** an article's output depends on every article before it. A resumed run
** therefore replays the inputs from the start with the same state updates
** as an uninterrupted run, and compares the bytes it would write with the
** bytes FILE already holds (after cutting a half-written last line)
** instead of writing them; past the end of FILE it appends. The result is
** byte-identical to an uninterrupted run by construction, and a FILE that
** does not match (other inputs or options) is refused, left as it was.
*/
#ifndef DL_CLI_CORPUS_H
#define DL_CLI_CORPUS_H

#include "cli.h"
#include "progress.h"
#include "stream.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* One input document. A JSONL line: line/len (without the newline), root
** (the parsed object) and id (its "id" string, or an integer id as text;
** NULL when none). A text file: root NULL, text/text_len its content, id
** its path. Everything is borrowed for the duration of the callback. */
typedef struct cli_corpus_doc {
  const char *line;
  size_t len;
  json_t *root;
  const char *id;
  const char *text;
  size_t text_len;
  unsigned long lineno; /* 0 for a text file */
  const char *file;     /* name for warnings */
} cli_corpus_doc;

typedef struct cli_corpus {
  const char *out_path; /* -o FILE, NULL: stdout */
  bool resume;          /* --resume */
  FILE *out;
  int status;           /* exit status so far */
  bool write_failed;    /* output gone or refused: stop reading */
  uint64_t lines;       /* whole output lines produced (replayed + new) */
  /* --resume: FILE read back, compared with what the replay produces. */
  FILE *old;
  uint64_t old_left;    /* bytes of FILE not yet reproduced */
  uint64_t old_lines;   /* whole lines FILE held */
  uint64_t docs;        /* input documents handed to the command */
  cli_progress prog;
  uint64_t base;        /* input bytes of the finished files */
  const cli_stream *cur;
} cli_corpus;

/* Handles -o FILE, --output FILE and --resume for cli_parse's extra
** callback: returns the argv slots used, 0 if not ours, -1 on error. */
int cli_corpus_flag(cli_corpus *c, int argc, char **argv, int i);

/* Opens the output (after the flags). Returns 0, or the exit status to
** return after a message (usage: --resume without -o). */
int cli_corpus_open(cli_corpus *c);

/* Reads every input in order and calls fn for each document. */
typedef void (*cli_corpus_fn)(cli_corpus *c, void *ctx,
                              const cli_corpus_doc *d);
void cli_corpus_run(cli_corpus *c, const char **files, int n_files,
                    cli_corpus_fn fn, void *ctx);

/* Output: n bytes (written, or compared while replaying). false once the
** output failed or the replay did not match: the run stops. */
bool cli_corpus_put(cli_corpus *c, const char *s, size_t n);
/* True while the replay of --resume has not yet reached the end of FILE. */
bool cli_corpus_replaying(const cli_corpus *c);

/* An error record in place (and a warning, except while replaying what
** FILE already holds: it was said by the run that wrote it); exit 1. */
void cli_corpus_error(cli_corpus *c, const char *id, unsigned long line,
                      const char *file, dl_status code, const char *msg);

/* Ends the run: checks the replay reached the end of FILE, closes the
** output. Returns the exit status. */
int cli_corpus_close(cli_corpus *c);

#endif
