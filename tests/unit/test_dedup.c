/*
** test_dedup.c -- MinHash estimates against exact Jaccard, LSH recall on
** constructed near-duplicate pairs, no false matches among unrelated
** texts, truncated copies by containment, cluster numbering, options.
*/
#include "dateline.h"
#include "t.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deterministic pseudo-random words "w<n>" from a small LCG. */
static uint64_t rng_state;
static unsigned rnd(unsigned n)
{
  rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
  return (unsigned)((rng_state >> 33) % n);
}

/* Appends words first..last-1 ("w<i>") to buf. */
static size_t words(char *buf, size_t at, unsigned first, unsigned last)
{
  for (unsigned i = first; i < last; i++)
    at += (size_t)snprintf(buf + at, 16, "w%u ", i);
  return at;
}

static void t_minhash_estimates(void)
{
  /* Shingles of one word, texts of distinct words: A = w0..w599,
  ** B = w200..w799 share 400 of 800, J = 0.5 exactly. */
  char *a = malloc(16 * 1000), *b = malloc(16 * 1000);
  uint32_t sa[256], sb[256];
  size_t na, nb;
  double sum = 0;
  T_OK(a && b);
  words(a, 0, 0, 600);
  words(b, 0, 200, 800);
  T_EQ_INT(dl_minhash(a, strlen(a), 1, 256, sa, &na, NULL), DL_OK);
  T_EQ_INT(dl_minhash(b, strlen(b), 1, 256, sb, &nb, NULL), DL_OK);
  T_EQ_INT(na, 600);
  T_OK(fabs(dl_minhash_jaccard(sa, sb, 256) - 0.5) < 0.1);
  /* Unbiased: over 20 pairs at J = 0.25 (300 shared of 1200... ) the mean
  ** estimate is within 0.03. A: w(s)..w(s+750), B: w(s+450)..w(s+1200):
  ** 300 shared, 1200 in the union. */
  for (unsigned s = 0; s < 20; s++) {
    words(a, 0, s * 5000, s * 5000 + 750);
    words(b, 0, s * 5000 + 450, s * 5000 + 1200);
    dl_minhash(a, strlen(a), 1, 128, sa, NULL, NULL);
    dl_minhash(b, strlen(b), 1, 128, sb, NULL, NULL);
    sum += dl_minhash_jaccard(sa, sb, 128);
  }
  T_OK(fabs(sum / 20 - 0.25) < 0.03);
  /* Case, punctuation and spacing do not matter. */
  dl_minhash("The Prime Minister, said: \"no\".", 31, 3, 64, sa, NULL, NULL);
  dl_minhash("the prime  minister said no", 27, 3, 64, sb, NULL, NULL);
  T_OK(dl_minhash_jaccard(sa, sb, 64) == 1.0);
  dl_minhash("the prime minister said yes", 27, 3, 64, sb, NULL, NULL);
  T_OK(dl_minhash_jaccard(sa, sb, 64) < 1.0);
  free(a);
  free(b);
}

/* A random article of n words from a 5000-word vocabulary. */
static size_t article(char *buf, unsigned n)
{
  size_t at = 0;
  for (unsigned i = 0; i < n; i++)
    at += (size_t)snprintf(buf + at, 16, "w%u ", rnd(5000));
  return at;
}

/* Copies src, changing about `rate` of its words (substitutions). */
static size_t edited(char *dst, const char *src, double rate)
{
  size_t at = 0;
  const char *p = src;
  while (*p) {
    const char *e = strchr(p, ' ');
    size_t l = e ? (size_t)(e - p) + 1 : strlen(p);
    if (rnd(10000) < (unsigned)(rate * 10000))
      at += (size_t)snprintf(dst + at, 16, "x%u ", rnd(100000));
    else {
      memcpy(dst + at, p, l);
      at += l;
    }
    p += l;
  }
  dst[at] = 0;
  return at;
}

static void t_lsh_recall_and_precision(void)
{
  /* 200 originals of 300 words, each followed later by a copy with 3% of
  ** words changed (3-word shingles: J about 0.83). Every copy must be
  ** found, and pointed at its own original; no original is a duplicate. */
  enum { N = 200, W = 300 };
  char **orig = calloc(N, sizeof *orig);
  char *copy = malloc(16 * W + 64);
  dl_dedup *dd;
  dl_dedup_match m;
  int found = 0, wrong = 0, false_pos = 0;
  T_OK(orig && copy);
  rng_state = 42;
  T_EQ_INT(dl_dedup_create(NULL, &dd, NULL), DL_OK);
  for (int i = 0; i < N; i++) {
    size_t n;
    orig[i] = malloc(16 * W + 64);
    n = article(orig[i], W);
    T_EQ_INT(dl_dedup_add(dd, orig[i], n, &m, NULL), DL_OK);
    if (m.dup_of >= 0) false_pos++;
    T_EQ_INT(m.cluster, i);
  }
  for (int i = 0; i < N; i++) {
    size_t n = edited(copy, orig[i], 0.03);
    T_EQ_INT(dl_dedup_add(dd, copy, n, &m, NULL), DL_OK);
    if (m.dup_of == i)
      found++;
    else if (m.dup_of >= 0)
      wrong++;
  }
  T_EQ_INT(false_pos, 0);
  T_EQ_INT(wrong, 0);
  T_OK(found >= 196); /* 98%: LSH misses a pair at J 0.83 with p ~ 1e-3 */
  /* Heavier edits (30% of words: J about 0.2) are not duplicates. */
  {
    int heavy = 0;
    for (int i = 0; i < 50; i++) {
      size_t n = edited(copy, orig[i], 0.3);
      dl_dedup_add(dd, copy, n, &m, NULL);
      heavy += m.dup_of >= 0;
    }
    T_EQ_INT(heavy, 0);
  }
  T_OK(dl_dedup_memory(dd) > 0);
  dl_dedup_destroy(dd);
  for (int i = 0; i < N; i++) free(orig[i]);
  free(orig);
  free(copy);
}

static void t_truncated_and_clusters(void)
{
  char *a = malloc(16 * 400), *b = malloc(16 * 400);
  dl_dedup *dd;
  dl_dedup_match m;
  size_t na, nb;
  rng_state = 7;
  T_OK(a && b);
  na = article(a, 400);
  nb = article(b, 400);
  T_EQ_INT(dl_dedup_create(NULL, &dd, NULL), DL_OK);
  T_EQ_INT(dl_dedup_add(dd, a, na, &m, NULL), DL_OK); /* doc 0 */
  T_EQ_INT(m.dup_of, -1);
  T_EQ_INT(m.cluster, 0);
  T_EQ_INT(dl_dedup_add(dd, b, nb, &m, NULL), DL_OK); /* doc 1 */
  T_EQ_INT(m.cluster, 1);
  /* The first 60% of a: Jaccard 0.6, containment 1. */
  T_EQ_INT(dl_dedup_add(dd, a, na * 6 / 10, &m, NULL), DL_OK); /* doc 2 */
  T_EQ_INT(m.dup_of, 0);
  T_EQ_INT(m.cluster, 0);
  T_OK(m.similarity > 0.85);
  /* An exact copy of b with a header: cluster 1. */
  {
    char *h = malloc(nb + 64);
    int hl = snprintf(h, 64, "By John Smith, Reuters | Published today. ");
    memcpy(h + hl, b, nb);
    T_EQ_INT(dl_dedup_add(dd, h, (size_t)hl + nb, &m, NULL), DL_OK);
    T_EQ_INT(m.dup_of, 1);
    T_EQ_INT(m.cluster, 1);
    T_EQ_INT(m.indexed, 0); /* a near-exact copy adds nothing */
    free(h);
  }
  /* No words: never a duplicate, a cluster of its own. */
  T_EQ_INT(dl_dedup_add(dd, " ,.; ", 5, &m, NULL), DL_OK);
  T_EQ_INT(m.dup_of, -1);
  T_EQ_INT(m.shingles, 0);
  T_EQ_INT(m.cluster, 2);
  T_EQ_INT(dl_dedup_add(dd, " ,.; ", 5, &m, NULL), DL_OK);
  T_EQ_INT(m.cluster, 3);
  dl_dedup_destroy(dd);
  free(a);
  free(b);
}

static void t_threshold_and_options(void)
{
  dl_dedup_options o;
  dl_dedup *dd;
  dl_error err;
  dl_dedup_match m;
  char *a = malloc(16 * 300), *b = malloc(16 * 300 + 64);
  size_t na, nb;
  rng_state = 99;
  na = article(a, 300);
  nb = edited(b, a, 0.08); /* J about 0.6 */
  memset(&o, 0, sizeof o);
  o.threshold = 0.95;
  T_EQ_INT(dl_dedup_create(&o, &dd, NULL), DL_OK);
  dl_dedup_add(dd, a, na, &m, NULL);
  dl_dedup_add(dd, b, nb, &m, NULL);
  T_EQ_INT(m.dup_of, -1); /* below a strict threshold */
  dl_dedup_destroy(dd);
  o.threshold = 0.4;
  T_EQ_INT(dl_dedup_create(&o, &dd, NULL), DL_OK);
  dl_dedup_add(dd, a, na, &m, NULL);
  dl_dedup_add(dd, b, nb, &m, NULL);
  T_EQ_INT(m.dup_of, 0); /* above a loose one */
  dl_dedup_destroy(dd);
  o.bands = 100; /* 100 * 3 > 128 hashes */
  T_EQ_INT(dl_dedup_create(&o, &dd, &err), DL_ERR_INVALID);
  T_OK(dd == NULL);
  T_EQ_INT(dl_dedup_add(NULL, "x", 1, &m, NULL), DL_ERR_INVALID);
  dl_dedup_destroy(NULL);
  free(a);
  free(b);
}

static const t_case cases[] = {
    {"minhash_estimates", t_minhash_estimates},
    {"lsh_recall_and_precision", t_lsh_recall_and_precision},
    {"truncated_and_clusters", t_truncated_and_clusters},
    {"threshold_and_options", t_threshold_and_options},
    {NULL, NULL},
};

T_MAIN(cases)
