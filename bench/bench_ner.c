/*
** bench_ner.c -- NER tagging throughput through the public API
** (dl_ner_tag), model load time and the memory of the loaded model.
**
**   bench_ner [--model DIR] [--repeat N] CONLL
**
** CONLL is CoNLL-2003 column text (bench/bench_ner.sh passes eng.testa with
** its -DOCSTART- line moved to the front): token in the first column, gold
** tag in the last, blank line between sentences, -DOCSTART- between
** documents. Each document is tagged in one dl_ner_tag() call, as `dateline
** ner --conll` does. Timed: the tagging of every document, best of --repeat
** passes (default 5) by CPU time; reading the file is not timed. Model
** load is timed separately (wall clock, cold process), and the model's
** memory is the peak RSS growth across dl_model_load(). F1 comes from
** dl_ner_score() (conlleval-style), as a check that the timed tagger is the
** one that scores.
**
** The last line is machine readable for bench/bench_ner.sh:
**   RESULT tool=dateline-api f1=.. tps=.. rss_kb=.. load_ms=.. model_kb=..
*/
#include "bench.h"
#include "dateline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The file as tokens: word and gold label of each (pointers into buf),
** sentence ends, and document ends counted in sentences. */
typedef struct conll {
  char *buf;
  const char **word, **gold;
  size_t *len;
  size_t n, cap;
  size_t *sent_end, n_sents, sent_cap;
  size_t *doc_end, n_docs, doc_cap; /* doc_end[d]: sentences before it */
} conll;

static void end_sentence(conll *c)
{
  if (c->n_sents && c->sent_end[c->n_sents - 1] == c->n) return;
  if (c->n == 0) return;
  if (c->n_sents == c->sent_cap) {
    c->sent_cap = c->sent_cap ? 2 * c->sent_cap : 1024;
    c->sent_end = xrealloc(c->sent_end, c->sent_cap * sizeof *c->sent_end);
  }
  c->sent_end[c->n_sents++] = c->n;
}

static void end_doc(conll *c)
{
  end_sentence(c);
  if (c->n_docs && c->doc_end[c->n_docs - 1] == c->n_sents) return;
  if (c->n_sents == 0) return;
  if (c->n_docs == c->doc_cap) {
    c->doc_cap = c->doc_cap ? 2 * c->doc_cap : 256;
    c->doc_end = xrealloc(c->doc_end, c->doc_cap * sizeof *c->doc_end);
  }
  c->doc_end[c->n_docs++] = c->n_sents;
}

static void read_conll(const char *path, conll *c)
{
  size_t len;
  char *p, *end;
  memset(c, 0, sizeof *c);
  c->buf = read_file(path, &len);
  for (p = c->buf, end = c->buf + len; p < end;) {
    char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *sp,
         *last;
    if (e > p && e[-1] == '\r') e[-1] = '\0', e--;
    *e = '\0';
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    if (p == e) {
      end_sentence(c);
    } else if (strncmp(p, "-DOCSTART-", 10) == 0) {
      end_doc(c);
    } else {
      sp = p;
      while (sp < e && *sp != ' ' && *sp != '\t') sp++;
      last = e;
      while (last > sp && last[-1] != ' ' && last[-1] != '\t') last--;
      if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 65536;
        c->word = xrealloc(c->word, c->cap * sizeof *c->word);
        c->gold = xrealloc(c->gold, c->cap * sizeof *c->gold);
        c->len = xrealloc(c->len, c->cap * sizeof *c->len);
      }
      c->word[c->n] = p;
      c->len[c->n] = (size_t)(sp - p);
      c->gold[c->n] = last > sp ? last : "O";
      *sp = '\0';
      c->n++;
    }
    p = nl ? nl + 1 : end;
  }
  end_doc(c);
}

int main(int argc, char **argv)
{
  const char *dir = NULL, *path = NULL;
  int repeat = 5;
  conll c;
  dl_model *m;
  dl_annotator *a;
  dl_error err;
  const char **pred;
  long rss0, rss1;
  double t0, load_ms, best = 0, best_wall = 0;
  dl_ner_counts acc;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) dir = argv[++i];
    else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
      repeat = (int)strtol(argv[++i], NULL, 10);
    else if (argv[i][0] != '-' && !path) path = argv[i];
    else die("usage: bench_ner [--model DIR] [--repeat N] CONLL");
  }
  if (!path || repeat < 1)
    die("usage: bench_ner [--model DIR] [--repeat N] CONLL");

  read_conll(path, &c);
  pred = xrealloc(NULL, (c.n ? c.n : 1) * sizeof *pred);

  rss0 = peak_rss_kb();
  t0 = wall_now();
  if (dl_model_load(dir, NULL, &m, &err) != DL_OK) die("%s", err.msg);
  load_ms = (wall_now() - t0) * 1e3;
  rss1 = peak_rss_kb();
  if (!strstr(dl_model_resources(m), "ner"))
    die("no NER model in %s (resources: %s)",
        dir ? dir : "the default model folder", dl_model_resources(m));
  if (dl_annotator_create(m, &a, &err) != DL_OK) die("%s", err.msg);

  for (int r = 0; r < repeat; r++) {
    double w0 = wall_now(), c0 = cpu_now(), cpu, wall;
    size_t s0 = 0;
    for (size_t d = 0; d < c.n_docs; d++) {
      size_t s1 = c.doc_end[d];
      size_t t_first = s0 ? c.sent_end[s0 - 1] : 0;
      size_t t_last = c.sent_end[s1 - 1];
      /* sentence ends relative to the document's first token */
      size_t ends[4096], *e = ends, ns = s1 - s0;
      if (ns > sizeof ends / sizeof ends[0])
        e = xrealloc(NULL, ns * sizeof *e);
      for (size_t s = 0; s < ns; s++) e[s] = c.sent_end[s0 + s] - t_first;
      if (dl_ner_tag(a, c.word + t_first, c.len + t_first, t_last - t_first,
                     e, ns, pred + t_first, &err) != DL_OK)
        die("dl_ner_tag: %s", err.msg);
      if (e != ends) free(e);
      s0 = s1;
    }
    cpu = cpu_now() - c0;
    wall = wall_now() - w0;
    if (r == 0 || cpu < best) best = cpu, best_wall = wall;
  }

  memset(&acc, 0, sizeof acc);
  for (size_t s = 0; s < c.n_sents; s++) {
    size_t a0 = s ? c.sent_end[s - 1] : 0, a1 = c.sent_end[s];
    dl_ner_score(c.gold + a0, (const char *const *)pred + a0, a1 - a0, &acc);
  }
  {
    double p = acc.pred[4] ? 100.0 * (double)acc.correct[4] /
                                 (double)acc.pred[4] : 0;
    double rc = acc.gold[4] ? 100.0 * (double)acc.correct[4] /
                                  (double)acc.gold[4] : 0;
    double f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
    long rss = peak_rss_kb();
    double tps = (double)c.n / best;
    printf("bench_ner: %zu documents, %zu sentences, %zu tokens\n", c.n_docs,
           c.n_sents, c.n);
    printf("model load: %.1f ms (wall), model memory: %ld KB (peak RSS "
           "growth across dl_model_load)\n",
           load_ms, rss1 - rss0);
    printf("tagging: best of %d passes, CPU %.4f s, wall %.4f s -> %.0f "
           "tokens/s/core (wall: %.0f)\n",
           repeat, best, best_wall, tps, (double)c.n / best_wall);
    printf("F1 (dl_ner_score): %.2f (precision %.2f, recall %.2f)\n", f1, p,
           rc);
    printf("peak RSS: %ld KB\n", rss);
    printf("RESULT tool=dateline-api f1=%.2f f1_3=NA tps=%.0f rss_kb=%ld "
           "load_ms=%.1f model_kb=%ld cpu=%.4f secs=%.4f\n",
           f1, tps, rss, load_ms, rss1 - rss0, best, best_wall);
  }
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  free(pred);
  free(c.buf);
  free(c.word);
  free(c.gold);
  free(c.len);
  free(c.sent_end);
  free(c.doc_end);
  return 0;
}
