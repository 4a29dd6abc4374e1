/*
** cli.h -- shared declarations of the dateline command-line tool.
** The CLI is a thin shell over the public API (include/dateline.h): one
** file per subcommand, dispatched from main.c.
*/
#ifndef DL_CLI_H
#define DL_CLI_H

#include "dateline.h"

#include <stdbool.h>
#include <stdio.h>

#define CLI_EXIT_OK 0
#define CLI_EXIT_DATA 1  /* some input could not be processed */
#define CLI_EXIT_USAGE 2

typedef enum { FMT_AUTO, FMT_TEXT, FMT_JSONL, FMT_HTML } cli_format;

/* Flags common to every subcommand (SPEC.md "Common flags"). */
typedef struct cli_opts {
  const char *date;      /* --date */
  bool offsets_chars;    /* --offsets chars */
  uint64_t fields;       /* --fields */
  bool fields_set;
  int threads;           /* --threads */
  int summary;           /* --summary: sentences (0: the default, 3) */
  const char *model_dir; /* --model */
  const char *events_dict;
  cli_format format;     /* --format */
  int pretty;            /* -1 auto (tty), 0 compact, 1 pretty */
  bool conll, conllu;    /* --conll, --conllu */
  const char **files;    /* positional arguments */
  int n_files;
  const char *prog;
  const char *sub;       /* subcommand name */
} cli_opts;

/* Parses argv after the subcommand. Unknown flags are a usage error
** unless `extra` accepts them (returns the number of argv slots used, or
** 0 when it does not know the flag, -1 on a usage error). */
typedef int (*cli_extra_fn)(void *ctx, int argc, char **argv, int i);
int cli_parse(cli_opts *o, int argc, char **argv, cli_extra_fn extra,
              void *ctx);

/* dateline: FILE:LINE: message, on stderr. */
void cli_warn(const char *file, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cli_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loads the model for --model, $DATELINE_MODEL_DIR, the installed folder
** or the models/ folder next to the build. NULL after printing an error. */
dl_model *cli_load_model(const cli_opts *o);

/* Reads a whole file (or stdin for NULL or "-") into a malloc'd buffer. */
char *cli_read_all(const char *path, size_t *len);

int cmd_annotate(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_ner(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_dedup(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_search(int argc, char **argv);
int cmd_geocode(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_stories(int argc, char **argv);

void cli_help(FILE *f);

#endif
