/*
** eval_summary.c -- ROUGE-1, ROUGE-2 and ROUGE-L F1 of the summary stage
** and of the Lead-3 baseline against the BBC News Summary references.
**
**   build/bench/eval_summary NEWS_DIR [N] [CATEGORY...]
**
** NEWS_DIR holds bbc/<cat>/NNN.txt (articles) and bbc-summaries/<cat>/
** NNN.txt (reference extracts); N is the summary length (default 3);
** categories default to business, entertainment and politics (the three
** that have references). Both systems take N sentences from the same
** sentence splitting: the summary stage's choice, and the first N body
** sentences (headlines skipped) for Lead-N.
**
** Our own ROUGE (Lin 2004), as ROUGE-1.5.5 with -m and no stop-word
** removal: tokens are maximal runs of ASCII letters and digits, lower
** case, stemmed with the English Snowball stemmer (libstemmer); ROUGE-N is
** clipped n-gram overlap, ROUGE-L the longest common subsequence of the
** two token sequences (the summary's sentences joined, the reference as
** one sequence). F1 per document, averaged over documents (macro).
** Reads the shared data at run time; nothing of it is committed.
*/
#include "internal.h"
#include "tone.h"

#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_TOK 20000

struct toks {
  uint32_t *id; /* token ids */
  size_t n;
};

/* A tiny string interner for token ids. */
struct vocab {
  char **s;
  size_t n, cap;
  uint32_t *slot;
  size_t scap;
};

static uint32_t hash_s(const char *s)
{
  uint32_t h = 2166136261u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
  return h;
}

static uint32_t intern(struct vocab *v, const char *s)
{
  size_t j;
  if (v->n * 2 >= v->scap) {
    size_t ncap = v->scap ? v->scap * 2 : 1u << 16;
    uint32_t *ns = calloc(ncap, sizeof *ns);
    if (!ns) exit(3);
    for (size_t i = 0; i < v->n; i++) {
      size_t k = hash_s(v->s[i]) & (ncap - 1);
      while (ns[k]) k = (k + 1) & (ncap - 1);
      ns[k] = (uint32_t)i + 1;
    }
    free(v->slot);
    v->slot = ns;
    v->scap = ncap;
  }
  j = hash_s(s) & (v->scap - 1);
  while (v->slot[j]) {
    if (strcmp(v->s[v->slot[j] - 1], s) == 0) return v->slot[j] - 1;
    j = (j + 1) & (v->scap - 1);
  }
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 1024;
    v->s = realloc(v->s, v->cap * sizeof *v->s);
    if (!v->s) exit(3);
  }
  v->s[v->n] = strdup(s);
  v->slot[j] = (uint32_t)v->n + 1;
  return (uint32_t)v->n++;
}

static void tokenize(struct sb_stemmer *st, struct vocab *v, const char *p,
                     size_t len, struct toks *out)
{
  char w[128];
  size_t i = 0;
  while (i < len) {
    size_t n = 0;
    while (i < len && !((p[i] >= 'a' && p[i] <= 'z') ||
                        (p[i] >= 'A' && p[i] <= 'Z') ||
                        (p[i] >= '0' && p[i] <= '9')))
      i++;
    while (i < len && ((p[i] >= 'a' && p[i] <= 'z') ||
                       (p[i] >= 'A' && p[i] <= 'Z') ||
                       (p[i] >= '0' && p[i] <= '9'))) {
      if (n + 1 < sizeof w)
        w[n++] = (char)(p[i] >= 'A' && p[i] <= 'Z' ? p[i] + 32 : p[i]);
      i++;
    }
    if (!n || out->n >= MAX_TOK) continue;
    w[n] = 0;
    {
      const sb_symbol *r = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
      out->id[out->n++] = intern(v, r ? (const char *)r : w);
    }
  }
}

static int cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double f1(double overlap, size_t nsys, size_t nref)
{
  double p, r;
  if (!nsys || !nref || overlap <= 0) return 0;
  p = overlap / (double)nsys;
  r = overlap / (double)nref;
  return 2 * p * r / (p + r);
}

/* Clipped n-gram overlap, by sorting both n-gram lists. */
static double rouge_n(const struct toks *s, const struct toks *r, int n)
{
  size_t ns = s->n >= (size_t)n ? s->n - (size_t)n + 1 : 0;
  size_t nr = r->n >= (size_t)n ? r->n - (size_t)n + 1 : 0;
  uint64_t *a, *b;
  size_t i = 0, j = 0, ov = 0;
  if (!ns || !nr) return 0;
  a = malloc(ns * sizeof *a);
  b = malloc(nr * sizeof *b);
  if (!a || !b) exit(3);
  for (size_t k = 0; k < ns; k++)
    a[k] = n == 1 ? s->id[k] : ((uint64_t)s->id[k] << 32) | s->id[k + 1];
  for (size_t k = 0; k < nr; k++)
    b[k] = n == 1 ? r->id[k] : ((uint64_t)r->id[k] << 32) | r->id[k + 1];
  qsort(a, ns, sizeof *a, cmp_u64);
  qsort(b, nr, sizeof *b, cmp_u64);
  while (i < ns && j < nr) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      ov++;
      i++;
      j++;
    }
  }
  free(a);
  free(b);
  return f1((double)ov, ns, nr);
}

static double rouge_l(const struct toks *s, const struct toks *r)
{
  uint32_t *prev, *cur;
  double lcs;
  if (!s->n || !r->n) return 0;
  prev = calloc(r->n + 1, sizeof *prev);
  cur = calloc(r->n + 1, sizeof *cur);
  if (!prev || !cur) exit(3);
  for (size_t i = 1; i <= s->n; i++) {
    for (size_t j = 1; j <= r->n; j++) {
      if (s->id[i - 1] == r->id[j - 1]) cur[j] = prev[j - 1] + 1;
      else cur[j] = DL__MAX(prev[j], cur[j - 1]);
    }
    memcpy(prev, cur, (r->n + 1) * sizeof *prev);
  }
  lcs = prev[r->n];
  free(prev);
  free(cur);
  return f1(lcs, s->n, r->n);
}

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
    fclose(f);
    return NULL;
  }
  buf = malloc((size_t)n + 1);
  if (!buf) exit(3);
  *len = fread(buf, 1, (size_t)n, f);
  buf[*len] = 0;
  fclose(f);
  return buf;
}

struct score {
  double r1, r2, rl;
  size_t n;
};

static void add_score(struct score *sc, const struct toks *sys,
                      const struct toks *ref)
{
  sc->r1 += rouge_n(sys, ref, 1);
  sc->r2 += rouge_n(sys, ref, 2);
  sc->rl += rouge_l(sys, ref);
  sc->n++;
}

static void print_score(const char *cat, const char *name,
                        const struct score *sc)
{
  double n = sc->n ? (double)sc->n : 1;
  printf("%-14s %-8s docs %4zu  ROUGE-1 %.4f  ROUGE-2 %.4f  ROUGE-L %.4f\n",
         cat, name, sc->n, sc->r1 / n, sc->r2 / n, sc->rl / n);
}

int main(int argc, char **argv)
{
  static const char *const def_cats[] = {"business", "entertainment",
                                         "politics"};
  const char *const *cats = def_cats;
  int n_cats = 3;
  size_t N = 3;
  dl_model *m = NULL;
  dl_annotator *a = NULL;
  dl_options opt;
  dl_error err;
  struct sb_stemmer *st = sb_stemmer_new("english", NULL);
  struct vocab v;
  struct toks sys, lead, ref;
  struct score all_sys = {0}, all_lead = {0};
  if (argc < 2) {
    fprintf(stderr, "usage: eval_summary NEWS_DIR [N] [CATEGORY...]\n");
    return 2;
  }
  if (argc > 2) N = (size_t)strtoul(argv[2], NULL, 10);
  if (argc > 3) {
    cats = (const char *const *)(argv + 3);
    n_cats = argc - 3;
  }
  memset(&v, 0, sizeof v);
  memset(&opt, 0, sizeof opt);
  opt.summary_sentences = N;
  if (dl_model_load(getenv("DATELINE_MODEL_DIR") ? NULL : "models", &opt,
                    &m, &err) != DL_OK ||
      dl_annotator_create(m, &a, &err) != DL_OK) {
    fprintf(stderr, "eval_summary: %s\n", err.msg);
    return 1;
  }
  sys.id = malloc(MAX_TOK * sizeof *sys.id);
  lead.id = malloc(MAX_TOK * sizeof *lead.id);
  ref.id = malloc(MAX_TOK * sizeof *ref.id);
  if (!st || !sys.id || !lead.id || !ref.id) return 3;
  for (int c = 0; c < n_cats; c++) {
    struct score sc_sys = {0}, sc_lead = {0};
    for (int k = 1; k < 1000; k++) {
      char pa[4096], pr[4096];
      size_t la, lr;
      char *art, *refs;
      dl_input in;
      dl_doc *d;
      snprintf(pa, sizeof pa, "%s/bbc/%s/%03d.txt", argv[1], cats[c], k);
      snprintf(pr, sizeof pr, "%s/bbc-summaries/%s/%03d.txt", argv[1],
               cats[c], k);
      refs = slurp(pr, &lr);
      if (!refs) continue;
      art = slurp(pa, &la);
      if (!art) {
        free(refs);
        continue;
      }
      memset(&in, 0, sizeof in);
      in.text = art;
      in.len = la;
      if (dl_annotate(a, &in, DL_FIELD_SUMMARY | DL_FIELD_SENTENCES, &d,
                      &err) != DL_OK) {
        fprintf(stderr, "%s: %s\n", pa, err.msg);
        free(art);
        free(refs);
        continue;
      }
      sys.n = lead.n = ref.n = 0;
      for (size_t i = 0; d->told && i < d->told->summary.n; i++) {
        const dl__sentence *s = &d->sentences[d->told->summary.sent[i]];
        tokenize(st, &v, d->text + s->start, s->end - s->start, &sys);
      }
      for (size_t i = 0, taken = 0; i < d->n_sentences && taken < N; i++) {
        const dl__sentence *s = &d->sentences[i];
        if (s->flags & DL__SENT_HEADLINE) continue;
        tokenize(st, &v, d->text + s->start, s->end - s->start, &lead);
        taken++;
      }
      tokenize(st, &v, refs, lr, &ref);
      add_score(&sc_sys, &sys, &ref);
      add_score(&sc_lead, &lead, &ref);
      add_score(&all_sys, &sys, &ref);
      add_score(&all_lead, &lead, &ref);
      if (getenv("EVAL_SHOW")) {
        printf("%s/%03d sys:", cats[c], k);
        for (size_t i = 0; d->told && i < d->told->summary.n; i++)
          printf(" %u", d->told->summary.sent[i]);
        printf("\n");
      }
      dl_doc_destroy(d);
      free(art);
      free(refs);
    }
    print_score(cats[c], "summary", &sc_sys);
    print_score(cats[c], "lead", &sc_lead);
  }
  print_score("all", "summary", &all_sys);
  print_score("all", "lead", &all_lead);
  dl_annotator_destroy(a);
  dl_model_destroy(m);
  sb_stemmer_delete(st);
  return 0;
}
