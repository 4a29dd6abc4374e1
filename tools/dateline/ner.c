/*
** ner.c -- `dateline ner --conll`, `dateline train ner`, `dateline eval ner`.
**
** A thin shell over dl_ner_tag(), dl_ner_score() and dl_ner_train(). The
** CoNLL reader here splits the input into documents (-DOCSTART- lines)
** and sentences (blank lines); the first field of a line is the token and,
** for eval, the last field is the gold label. A document's sentences are
** tagged in one call so that the tagger can use document-level evidence.
*/
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One line of CoNLL input. */
typedef struct cline {
  char *s;       /* the line, without its end of line */
  size_t len;
  int kind;      /* 0 blank, 1 token, 2 -DOCSTART- */
} cline;

typedef struct conll {
  char *buf;
  cline *lines;
  size_t n_lines;
} conll;

static void conll_free(conll *c)
{
  free(c->buf);
  free(c->lines);
}

static bool conll_read(const char *path, conll *c)
{
  size_t len = 0, cap = 0;
  char *p, *end;
  memset(c, 0, sizeof *c);
  c->buf = cli_read_all(path, &len);
  if (!c->buf) return false;
  p = c->buf;
  end = c->buf + len;
  while (p < end) {
    char *nl = memchr(p, '\n', (size_t)(end - p));
    char *e = nl ? nl : end;
    cline *l;
    if (c->n_lines == cap) {
      size_t nc = cap ? cap * 2 : 4096;
      cline *q = realloc(c->lines, nc * sizeof *q);
      if (!q) return false;
      c->lines = q;
      cap = nc;
    }
    l = &c->lines[c->n_lines++];
    if (e > p && e[-1] == '\r') e[-1] = 0, e--;
    *e = 0;
    l->s = p;
    l->len = (size_t)(e - p);
    {
      size_t i = 0;
      while (i < l->len && (p[i] == ' ' || p[i] == '\t')) i++;
      if (i == l->len)
        l->kind = 0;
      else if (strncmp(p, "-DOCSTART-", 10) == 0)
        l->kind = 2;
      else
        l->kind = 1;
    }
    p = nl ? nl + 1 : end;
  }
  return true;
}

/* Tags every document of c; tags[i] is the label of line i (NULL for
** blank and -DOCSTART- lines). Returns tokens tagged, or -1. */
static long tag_all(dl_annotator *a, const conll *c, const char **tags,
                    const char *file, double *secs)
{
  const char **words = NULL;
  size_t *lens = NULL, *ends = NULL, *lineof = NULL;
  const char **out = NULL;
  size_t i = 0, total = 0;
  long rc = -1;
  struct timespec t0, t1;
  words = malloc((c->n_lines + 1) * sizeof *words);
  lens = malloc((c->n_lines + 1) * sizeof *lens);
  ends = malloc((c->n_lines + 1) * sizeof *ends);
  lineof = malloc((c->n_lines + 1) * sizeof *lineof);
  out = malloc((c->n_lines + 1) * sizeof *out);
  if (!words || !lens || !ends || !lineof || !out) {
    cli_warn(file, 0, "out of memory");
    goto done;
  }
  *secs = 0;
  for (size_t k = 0; k < c->n_lines; k++) tags[k] = NULL;
  while (i < c->n_lines) {
    size_t n = 0, ns = 0;
    dl_error err;
    /* One document: up to the next -DOCSTART- line. */
    if (c->lines[i].kind == 2) i++;
    for (; i < c->n_lines && c->lines[i].kind != 2; i++) {
      const cline *l = &c->lines[i];
      if (l->kind == 0) {
        if (n && (!ns || ends[ns - 1] != n)) ends[ns++] = n;
        continue;
      }
      {
        size_t b = 0, e;
        while (b < l->len && (l->s[b] == ' ' || l->s[b] == '\t')) b++;
        e = b;
        while (e < l->len && l->s[e] != ' ' && l->s[e] != '\t') e++;
        words[n] = l->s + b;
        lens[n] = e - b;
        lineof[n] = i;
        n++;
      }
    }
    if (n && (!ns || ends[ns - 1] != n)) ends[ns++] = n;
    if (!n) continue;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    if (dl_ner_tag(a, words, lens, n, ends, ns, out, &err) != DL_OK) {
      cli_warn(file, (unsigned long)lineof[0] + 1, "%s", err.msg);
      goto done;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    *secs += (double)(t1.tv_sec - t0.tv_sec) +
             (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    for (size_t k = 0; k < n; k++) tags[lineof[k]] = out[k];
    total += n;
  }
  rc = (long)total;
done:
  free(words);
  free(lens);
  free(ends);
  free(lineof);
  free(out);
  return rc;
}

static int load(const cli_opts *o, dl_model **m, dl_annotator **a)
{
  dl_error err;
  *m = cli_load_model(o);
  if (!*m) return CLI_EXIT_DATA;
  if (!strstr(dl_model_resources(*m), "ner")) {
    cli_warn(o->model_dir ? o->model_dir : "(model folder)", 0,
             "no ner.dlm in the model folder");
    dl_model_destroy(*m);
    return CLI_EXIT_DATA;
  }
  if (dl_annotator_create(*m, a, &err) != DL_OK) {
    cli_warn(NULL, 0, "%s", err.msg);
    dl_model_destroy(*m);
    return CLI_EXIT_DATA;
  }
  return 0;
}

int cmd_ner(int argc, char **argv)
{
  cli_opts o = {0};
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  conll c;
  const char **tags = NULL;
  const char *file;
  double secs;
  int rc;
  if (cli_parse(&o, argc, argv, NULL, NULL) != 0) return CLI_EXIT_USAGE;
  if (!o.conll) {
    free(o.files);
    return cli_usage("ner: only --conll is supported (dateline ner --conll "
                     "[FILE])");
  }
  if (o.n_files > 1) {
    free(o.files);
    return cli_usage("ner --conll takes at most one FILE");
  }
  file = o.n_files ? o.files[0] : NULL;
  rc = load(&o, &m, &a);
  if (rc) {
    free(o.files);
    return rc;
  }
  if (!conll_read(file, &c)) {
    cli_warn(file ? file : "(stdin)", 0, "%s", strerror(errno));
    rc = CLI_EXIT_DATA;
    goto done;
  }
  tags = malloc((c.n_lines + 1) * sizeof *tags);
  if (!tags || tag_all(a, &c, tags, file ? file : "(stdin)", &secs) < 0) {
    rc = CLI_EXIT_DATA;
    conll_free(&c);
    goto done;
  }
  for (size_t i = 0; i < c.n_lines; i++) {
    const cline *l = &c.lines[i];
    if (l->kind == 0) {
      fputc('\n', stdout);
      continue;
    }
    fwrite(l->s, 1, l->len, stdout);
    fputc(' ', stdout);
    fputs(l->kind == 2 || !tags[i] ? "O" : tags[i], stdout);
    fputc('\n', stdout);
  }
  conll_free(&c);
done:
  free(tags);
  free(o.files);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  return rc;
}

/* ====================================================================
** eval
** ==================================================================== */

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0; }

static double fb1(size_t correct, size_t gold, size_t pred)
{
  double p = pct(correct, pred), r = pct(correct, gold);
  return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

int cmd_eval(int argc, char **argv)
{
  cli_opts o = {0};
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  conll c;
  const char **tags = NULL, **gold = NULL, **pred = NULL;
  dl_ner_counts acc;
  double secs = 0;
  long ntok;
  int rc;
  if (argc < 1 || strcmp(argv[0], "ner") != 0)
    return cli_usage("eval: usage: dateline eval ner [--model DIR] FILE");
  if (cli_parse(&o, argc - 1, argv + 1, NULL, NULL) != 0)
    return CLI_EXIT_USAGE;
  if (o.n_files != 1) {
    free(o.files);
    return cli_usage("eval ner takes one CoNLL FILE");
  }
  rc = load(&o, &m, &a);
  if (rc) {
    free(o.files);
    return rc;
  }
  if (!conll_read(o.files[0], &c)) {
    cli_warn(o.files[0], 0, "%s", strerror(errno));
    rc = CLI_EXIT_DATA;
    goto done;
  }
  tags = malloc((c.n_lines + 1) * sizeof *tags);
  gold = malloc((c.n_lines + 1) * sizeof *gold);
  pred = malloc((c.n_lines + 1) * sizeof *pred);
  if (!tags || !gold || !pred ||
      (ntok = tag_all(a, &c, tags, o.files[0], &secs)) < 0) {
    rc = CLI_EXIT_DATA;
    conll_free(&c);
    goto done;
  }
  memset(&acc, 0, sizeof acc);
  {
    size_t n = 0;
    for (size_t i = 0; i <= c.n_lines; i++) {
      if (i == c.n_lines || c.lines[i].kind != 1) {
        dl_ner_score(gold, pred, n, &acc);
        n = 0;
        continue;
      }
      {
        const cline *l = &c.lines[i];
        const char *g = l->s + l->len;
        while (g > l->s && g[-1] != ' ' && g[-1] != '\t') g--;
        gold[n] = g;
        pred[n] = tags[i] ? tags[i] : "O";
        n++;
      }
    }
  }
  printf("processed %zu tokens with %zu phrases; found: %zu phrases; "
         "correct: %zu.\n",
         acc.tokens, acc.gold[4], acc.pred[4], acc.correct[4]);
  printf("accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; "
         "FB1: %6.2f\n",
         pct(acc.tokens_correct, acc.tokens), pct(acc.correct[4], acc.pred[4]),
         pct(acc.correct[4], acc.gold[4]),
         fb1(acc.correct[4], acc.gold[4], acc.pred[4]));
  {
    /* conlleval lists types in alphabetical order. */
    static const int order[4] = {2, 3, 1, 0};
    for (int k = 0; k < 4; k++) {
      int t = order[k];
      printf("%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %zu\n",
             dl_ner_type_name(t), pct(acc.correct[t], acc.pred[t]),
             pct(acc.correct[t], acc.gold[t]),
             fb1(acc.correct[t], acc.gold[t], acc.pred[t]), acc.pred[t]);
    }
  }
  fprintf(stderr,
          "dateline: tagged %ld tokens in %.3f s of CPU (%.0f tokens/s)\n",
          ntok, secs, secs > 0 ? (double)ntok / secs : 0.0);
  conll_free(&c);
done:
  free(tags);
  free(gold);
  free(pred);
  free(o.files);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  return rc;
}

/* ====================================================================
** train
** ==================================================================== */

static void progress(void *ctx, const char *line)
{
  (void)ctx;
  fprintf(stderr, "dateline: %s\n", line);
}

static int train_usage(void)
{
  return cli_usage(
      "usage: dateline train ner --train FILE [--train FILE...]\n"
      "         [--train-aux FILE...] [--dev FILE]\n"
      "         --out FILE [--epochs N] [--bits N] [--seed N]\n"
      "         [--clusters FILE] [--gaz DIR] [--one-pass]");
}

int cmd_train(int argc, char **argv)
{
  dl_ner_train_opts t;
  const char **train, **aux;
  dl_error err;
  int rc;
  if (argc < 1 || strcmp(argv[0], "ner") != 0) return train_usage();
  memset(&t, 0, sizeof t);
  train = calloc((size_t)argc + 1, sizeof *train);
  aux = calloc((size_t)argc + 1, sizeof *aux);
  if (!train || !aux) {
    free(train);
    free(aux);
    return CLI_EXIT_DATA;
  }
  for (int i = 1; i < argc; i++) {
    const char *f = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    char *end;
    if (strcmp(f, "--help") == 0 || strcmp(f, "-h") == 0) {
      free(train);
      free(aux);
      train_usage();
      return 0;
    }
    if (!v && strcmp(f, "--one-pass") != 0) {
      free(train);
      free(aux);
      return train_usage();
    }
    i++;
    if (strcmp(f, "--train") == 0) {
      train[t.n_train++] = v;
    } else if (strcmp(f, "--train-aux") == 0) {
      aux[t.n_aux++] = v;
    } else if (strcmp(f, "--dev") == 0) {
      t.dev = v;
    } else if (strcmp(f, "--out") == 0) {
      t.out = v;
    } else if (strcmp(f, "--clusters") == 0) {
      t.clusters = v;
    } else if (strcmp(f, "--gaz") == 0) {
      t.gaz_dir = v;
    } else if (strcmp(f, "--one-pass") == 0) {
      t.one_pass = 1;
      i--; /* takes no value */
    } else if (strcmp(f, "--epochs") == 0 || strcmp(f, "--bits") == 0 ||
               strcmp(f, "--seed") == 0) {
      long x;
      errno = 0;
      x = strtol(v, &end, 10);
      if (errno || *end || x < 1 || x > 1000) {
        free(train);
      free(aux);
        return cli_usage("%s takes a number from 1 to 1000", f);
      }
      if (f[2] == 'e') t.epochs = (int)x;
      else if (f[2] == 'b') t.hash_bits = (unsigned)x;
      else t.seed = (unsigned)x;
    } else {
      free(train);
      free(aux);
      return cli_usage("train ner: unknown flag '%s'", f);
    }
  }
  if (!t.n_train || !t.out) {
    free(train);
      free(aux);
    return train_usage();
  }
  t.train = train;
  t.aux = aux;
  t.progress = progress;
  rc = dl_ner_train(&t, &err) == DL_OK ? 0 : CLI_EXIT_DATA;
  if (rc) cli_warn(NULL, 0, "%s", err.msg);
  free(train);
  free(aux);
  return rc;
}
