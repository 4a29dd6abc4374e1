/*
** bench_entity.c -- speed of the entity stage alone (dl__entity_run), on
** the tagger's real output over the BBC News articles, and on a synthetic
** document of 100,000 PER mentions (the bound the stage must keep).
**
**   build/bench/bench_entity [DIR]     DIR: ../shared/data/news/bbc
**
** Each article is annotated for tokens and sentences, tagged by the NER
** model from models/ (skipped when absent), and only then is the entity
** stage timed, best of 3 passes, in thread CPU time (shared machines make
** wall time meaningless). Prints mentions/s and articles/s.
** Timings are printed, never asserted.
*/
#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *p;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
      !(p = malloc((size_t)n + 1))) {
    fclose(f);
    return NULL;
  }
  *len = fread(p, 1, (size_t)n, f);
  fclose(f);
  return p;
}

/* Tagged documents with their original mentions saved, so each pass can
** restore them (the stage rewrites the layer). */
struct tdoc {
  dl_doc *d;
  dl__mention *orig;
  size_t n;
};

static int restore(struct tdoc *t)
{
  /* The stage replaced the layer by one of another length: a fresh copy. */
  dl__mention *m = dl__arena_dup(&t->d->arena, t->orig, t->n * sizeof *m);
  if (!m) return 1;
  t->d->mentions = m;
  t->d->n_mentions = t->n;
  return 0;
}

static int run_corpus(dl_annotator *a, const char *dir)
{
  static const char *const sub[] = {"business", "entertainment", "politics",
                                    "sport", "tech"};
  struct tdoc *docs = NULL;
  size_t nd = 0, cap = 0, mentions = 0, ents = 0, bytes = 0;
  double best = 1e30;
  dl_error err;
  for (size_t s = 0; s < DL__COUNTOF(sub); s++) {
    char path[4096];
    DIR *dh;
    struct dirent *de;
    snprintf(path, sizeof path, "%s/%s", dir, sub[s]);
    if (!(dh = opendir(path))) continue;
    while ((de = readdir(dh)) != NULL) {
      char file[8192];
      size_t len;
      char *text;
      dl_input in;
      dl_doc *d;
      if (!strstr(de->d_name, ".txt")) continue;
      snprintf(file, sizeof file, "%s/%s", path, de->d_name);
      if (!(text = slurp(file, &len))) continue;
      memset(&in, 0, sizeof in);
      in.text = text;
      in.len = len;
      if (dl_annotate(a, &in, DL_FIELD_TOKENS | DL_FIELD_SENTENCES, &d,
                      &err) == DL_OK &&
          dl__ner_run(a, d, &err) == DL_OK) {
        if (nd == cap) {
          cap = cap ? cap * 2 : 256;
          docs = realloc(docs, cap * sizeof *docs);
          if (!docs) return 1;
        }
        docs[nd].d = d;
        docs[nd].n = d->n_mentions;
        docs[nd].orig = malloc(d->n_mentions * sizeof *d->mentions + 1);
        if (!docs[nd].orig) return 1;
        memcpy(docs[nd].orig, d->mentions, d->n_mentions * sizeof *d->mentions);
        mentions += d->n_mentions;
        bytes += len;
        nd++;
      }
      free(text);
    }
    closedir(dh);
  }
  if (!nd) {
    printf("entity: no articles under %s\n", dir);
    return 0;
  }
  for (int pass = 0; pass < 3; pass++) {
    double t0;
    ents = 0;
    for (size_t i = 0; i < nd; i++)
      if (restore(&docs[i])) return 1;
    t0 = now();
    for (size_t i = 0; i < nd; i++) {
      if (dl__entity_run(a, docs[i].d, &err) != DL_OK) {
        printf("entity: %s\n", err.msg);
        return 1;
      }
      ents += docs[i].d->n_entities;
    }
    t0 = now() - t0;
    if (t0 < best) best = t0;
  }
  printf("entity stage, BBC: %zu articles, %.1f MB, %zu mentions -> %zu "
         "entities: %.3f s, %.0f mentions/s, %.0f articles/s\n",
         nd, (double)bytes / 1e6, mentions, ents, best,
         (double)mentions / best, (double)nd / best);
  for (size_t i = 0; i < nd; i++) {
    dl_doc_destroy(docs[i].d);
    free(docs[i].orig);
  }
  free(docs);
  return 0;
}

static int run_synthetic(dl_annotator *a)
{
  size_t n = 100000, cap = n * 24, len = 0, m = 0;
  char *text = malloc(cap);
  dl_input in;
  dl_doc *d;
  dl_error err;
  dl__mention *ms;
  double t0;
  if (!text) return 1;
  for (size_t i = 0; i < n / 2; i++) {
    char first[8];
    size_t k = i, fl = 0;
    do {
      first[fl++] = (char)('a' + k % 26);
      k /= 26;
    } while (k && fl < 6);
    first[0] = (char)(first[0] - 32);
    len += (size_t)snprintf(text + len, cap - len, "%.*s Smith%zu. Smith%zu. ",
                            (int)fl, first, i % 7, i % 7);
  }
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = len;
  if (dl_annotate(a, &in, DL_FIELD_TOKENS | DL_FIELD_SENTENCES, &d, &err))
    return 1;
  free(text);
  ms = dl__arena_alloc(&d->arena, n * sizeof *ms);
  if (!ms) return 1;
  for (size_t t = 0; t + 1 < d->n_tokens && m < n; t++) {
    const char *p = d->text + d->tokens[t].start;
    bool full;
    if (!(*p >= 'A' && *p <= 'Z')) continue;
    full = d->text[d->tokens[t + 1].start] == 'S' && !(p[0] == 'S' && p[1] == 'm');
    memset(&ms[m], 0, sizeof ms[m]);
    ms[m].tok_start = (uint32_t)t;
    ms[m].tok_end = (uint32_t)(t + (full ? 2 : 1));
    ms[m].start = d->tokens[t].start;
    ms[m].end = d->tokens[t + (full ? 1 : 0)].end;
    ms[m].type = DL__ENT_PER;
    m++;
    if (full) t++;
  }
  d->mentions = ms;
  d->n_mentions = m;
  t0 = now();
  if (dl__entity_run(a, d, &err) != DL_OK) return 1;
  t0 = now() - t0;
  printf("entity stage, synthetic: %zu mentions (ambiguous surnames) -> %zu "
         "entities: %.3f s, %.0f mentions/s\n",
         m, d->n_entities, t0, (double)m / t0);
  dl_doc_destroy(d);
  return 0;
}

int main(int argc, char **argv)
{
  dl_model *m;
  dl_annotator *a;
  dl_error err;
  const char *dir = argc > 1 ? argv[1] : "../shared/data/news/bbc";
  int rc;
  if (dl_model_load("models", NULL, &m, &err) != DL_OK &&
      dl_model_create_empty(NULL, &m, &err) != DL_OK) {
    fprintf(stderr, "model: %s\n", err.msg);
    return 1;
  }
  if (dl_annotator_create(m, &a, &err) != DL_OK) return 1;
  rc = run_corpus(a, dir) || run_synthetic(a);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  return rc;
}
