/*
** main.c -- the dateline command: dispatches subcommands and parses the
** flags they share. See docs/dateline.1.md (also --help).
*/
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void cli_warn(const char *file, unsigned long line, const char *fmt, ...)
{
  va_list ap;
  fputs("dateline: ", stderr);
  if (file) {
    if (line)
      fprintf(stderr, "%s:%lu: ", file, line);
    else
      fprintf(stderr, "%s: ", file);
  }
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

int cli_usage(const char *fmt, ...)
{
  va_list ap;
  fputs("dateline: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputs("\nTry 'dateline --help'.\n", stderr);
  return CLI_EXIT_USAGE;
}

void cli_help(FILE *f)
{
  fputs(
      "usage: dateline COMMAND [FLAGS] [FILE...]\n"
      "\n"
      "Commands:\n"
      "  annotate [FILE...]   annotate articles (text or JSONL; stdin when no "
      "FILE or -)\n"
      "  extract [FILE.html...] main text and metadata of web pages "
      "(--url URL)\n"
      "  ner --conll [FILE]   tag CoNLL column text with PER/ORG/LOC/MISC\n"
      "  train ner ...        train the NER model (see dateline train --help)\n"
      "  eval ner ...         score the NER model, conlleval-style\n"
      "  dedup [FILE...]      near-duplicates of JSONL articles: dup_of, "
      "cluster\n"
      "  index DB [FILE...]   store annotated records in an SQLite database\n"
      "  search DB [QUERY]    full-text search of the store, with filters\n"
      "  geocode [FILE]       resolve toponym spans (JSONL) to places\n"
      "  report DB [-o FILE]  self-contained HTML report of the store\n"
      "  stories [FILE...]    group articles into stories: story id, label\n"
      "\n"
      "Common flags:\n"
      "  --date YYYY-MM-DD[THH:MM]  the article's date when the input has none\n"
      "  --offsets bytes|chars      offsets as UTF-8 bytes (default) or code "
      "points\n"
      "  --fields LIST              record fields: id,date,title,url,lang,"
      "source,text,\n"
      "                             encoding,clean,sentences,tokens,entities,"
      "... or all\n"
      "  --format text|jsonl|html   input format (default: detected)\n"
      "  --threads N                worker threads\n"
      "  --summary N                sentences in the summary (default 3)\n"
      "  --model DIR                model folder (default: installed models)\n"
      "  --pretty, --compact        JSON layout (default: pretty on a "
      "terminal)\n"
      "  --help, --version\n"
      "\n"
      "Exit status: 0 all documents processed, 1 some input could not be\n"
      "processed (each such document still yields an error record), 2 usage "
      "error.\n",
      f);
}

static int need_arg(int argc, char **argv, int i)
{
  if (i + 1 >= argc) {
    cli_usage("%s needs a value", argv[i]);
    return 0;
  }
  return 1;
}

int cli_parse(cli_opts *o, int argc, char **argv, cli_extra_fn extra,
              void *ctx)
{
  o->files = calloc((size_t)argc + 1, sizeof *o->files);
  if (!o->files) return -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      for (i++; i < argc; i++) o->files[o->n_files++] = argv[i];
      break;
    }
    if (a[0] != '-' || strcmp(a, "-") == 0) {
      o->files[o->n_files++] = a;
      continue;
    }
    if (strcmp(a, "--date") == 0) {
      if (!need_arg(argc, argv, i)) return -1;
      o->date = argv[++i];
    } else if (strcmp(a, "--offsets") == 0) {
      if (!need_arg(argc, argv, i)) return -1;
      i++;
      if (strcmp(argv[i], "chars") == 0)
        o->offsets_chars = true;
      else if (strcmp(argv[i], "bytes") == 0)
        o->offsets_chars = false;
      else {
        cli_usage("--offsets takes bytes or chars, not '%s'", argv[i]);
        return -1;
      }
    } else if (strcmp(a, "--fields") == 0) {
      dl_error err;
      if (!need_arg(argc, argv, i)) return -1;
      if (dl_fields_parse(argv[++i], &o->fields, &err) != DL_OK) {
        cli_usage("--fields: %s", err.msg);
        return -1;
      }
      o->fields_set = true;
    } else if (strcmp(a, "--threads") == 0) {
      char *end;
      long v;
      if (!need_arg(argc, argv, i)) return -1;
      errno = 0;
      v = strtol(argv[++i], &end, 10);
      if (errno || *end || v < 1 || v > 256) {
        cli_usage("--threads takes a number from 1 to 256");
        return -1;
      }
      o->threads = (int)v;
    } else if (strcmp(a, "--summary") == 0) {
      char *end;
      long v;
      if (!need_arg(argc, argv, i)) return -1;
      errno = 0;
      v = strtol(argv[++i], &end, 10);
      if (errno || *end || v < 1 || v > 100) {
        cli_usage("--summary takes a number from 1 to 100");
        return -1;
      }
      o->summary = (int)v;
    } else if (strcmp(a, "--model") == 0) {
      if (!need_arg(argc, argv, i)) return -1;
      o->model_dir = argv[++i];
    } else if (strcmp(a, "--events-dict") == 0) {
      if (!need_arg(argc, argv, i)) return -1;
      o->events_dict = argv[++i];
    } else if (strcmp(a, "--format") == 0) {
      if (!need_arg(argc, argv, i)) return -1;
      i++;
      if (strcmp(argv[i], "text") == 0)
        o->format = FMT_TEXT;
      else if (strcmp(argv[i], "jsonl") == 0)
        o->format = FMT_JSONL;
      else if (strcmp(argv[i], "html") == 0)
        o->format = FMT_HTML;
      else {
        cli_usage("--format takes text, jsonl or html, not '%s'", argv[i]);
        return -1;
      }
    } else if (strcmp(a, "--pretty") == 0) {
      o->pretty = 1;
    } else if (strcmp(a, "--compact") == 0) {
      o->pretty = 0;
    } else if (strcmp(a, "--conll") == 0) {
      o->conll = true;
    } else if (strcmp(a, "--conllu") == 0) {
      o->conllu = true;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      cli_help(stdout);
      exit(0);
    } else if (strcmp(a, "--version") == 0) {
      printf("dateline %s\n", dl_version());
      exit(0);
    } else {
      int used = extra ? extra(ctx, argc, argv, i) : 0;
      if (used < 0) return -1;
      if (used == 0) {
        cli_usage("unknown flag '%s'", a);
        return -1;
      }
      i += used - 1;
    }
  }
  return 0;
}

static bool is_dir(const char *p)
{
  struct stat st;
  return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

dl_model *cli_load_model(const cli_opts *o)
{
  dl_model *m = NULL;
  dl_error err;
  const char *dir = o->model_dir;
  char buf[PATH_MAX];
  if (!dir) dir = getenv("DATELINE_MODEL_DIR");
  if (!dir) {
    /* Next to the binary first (a build tree: build/dateline ->
    ** ../models), then the library's installed default (NULL). */
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 16);
    if (n > 0) {
      char *slash;
      buf[n] = 0;
      slash = strrchr(buf, '/');
      if (slash) {
        memcpy(slash, "/../models", 11);
        if (is_dir(buf)) dir = buf;
      }
    }
  }
  dl_options opt;
  memset(&opt, 0, sizeof opt);
  opt.summary_sentences = o->summary > 0 ? (size_t)o->summary : 0;
  if (dl_model_load(dir, &opt, &m, &err) != DL_OK) {
    cli_warn(dir ? dir : "(default model folder)", 0, "%s", err.msg);
    return NULL;
  }
  return m;
}

char *cli_read_all(const char *path, size_t *len)
{
  FILE *f = stdin;
  char *buf = NULL;
  size_t cap = 0, n = 0;
  if (path && strcmp(path, "-") != 0) {
    f = fopen(path, "rb");
    if (!f) return NULL;
  }
  for (;;) {
    size_t got;
    if (cap - n < 65536) {
      size_t ncap = cap ? cap * 2 : 1 << 20;
      char *nb = realloc(buf, ncap + 1);
      if (!nb) {
        free(buf);
        if (f != stdin) fclose(f);
        errno = ENOMEM;
        return NULL;
      }
      buf = nb;
      cap = ncap;
    }
    got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    int e = errno;
    free(buf);
    if (f != stdin) fclose(f);
    errno = e ? e : EIO;
    return NULL;
  }
  if (f != stdin) fclose(f);
  buf[n] = 0;
  *len = n;
  return buf;
}

static const struct {
  const char *name;
  int (*fn)(int, char **);
} cmds[] = {
    {"annotate", cmd_annotate},
    {"extract", cmd_extract},
    {"ner", cmd_ner},
    {"train", cmd_train},
    {"eval", cmd_eval},
    {"dedup", cmd_dedup},
    {"index", cmd_index},
    {"search", cmd_search},
    {"geocode", cmd_geocode},
    {"report", cmd_report},
    {"stories", cmd_stories},
};

int main(int argc, char **argv)
{
  if (argc < 2) {
    cli_help(stderr);
    return CLI_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    cli_help(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("dateline %s\n", dl_version());
    return 0;
  }
  for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
    if (strcmp(argv[1], cmds[i].name) == 0)
      return cmds[i].fn(argc - 2, argv + 2);
  return cli_usage("unknown command '%s'", argv[1]);
}
