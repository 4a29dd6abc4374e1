/*
** keywords.c -- the keywords stage: the document's key phrases, ranked.
**
** TextRank (Mihalcea & Tarau 2004) over stems, with corpus IDF:
**  1. The content words (no stop words, numbers or adverbs in -ly) that
**     may be nouns or adjectives (the word-class lexicon of the model,
**     models/wordclass.tsv; every content word without it), the first
**     DL__KW_MAX_WORDS of the document, are the graph's words; their
**     stems are its vertices; two stems within DL__KW_WINDOW such words
**     of each other in a sentence share an edge (repeats merged into one
**     weighted edge).
**  2. PageRank (damping 0.85, by conjugate gradients from the degree
**     vector to a relative residual of KW_TOL, at most ROUNDS) gives a
**     centrality per stem, multiplied by the stem's IDF
**     in the news corpora (keywords_idf.c), so that words every story
**     uses ("year", "people") sink below the story's own.
**  3. Candidates are noun phrases, adjective* noun+ (at most KW_MAX_LEN
**     words, inside a sentence, outside names; a word that may be a noun
**     counts as one), plus every entity (all its mentions, written with
**     its canonical name). Equal stem sequences are one candidate,
**     counted, with their spans.
**  4. A candidate scores the sum of its stems' scores over sqrt(length),
**     times (1 + log count), times 1.5 for a name; a candidate whose
**     stems all belong to a better one taken already is dropped. The
**     best DL__KW_TOP are written, scores scaled so the best is 1.
** Linear in the document (the graph is capped); no quadratic step.
*/
#include "tone.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* DL__PUSH without the call while there is room. */
#define PUSH(al, arr, n, cap) ((n) < (cap) || DL__PUSH(al, arr, n, cap))

#define KW_MAX_LEN 4
#define KW_MAX_SPANS 20
#define KW_FAST_TEXT 256 /* longer texts: written key by key */
#define DAMPING 0.85
#ifndef ROUNDS
#define ROUNDS 30
#endif
/* The relative residual keywords solve to: scores are written with three
** decimals, and at 3e-3 a written score is within 0.004 of the converged
** one on the 2,225 BBC articles (3 of them change their top-3 set); 3e-4
** took 10.1 products a document instead of 7.3 (docs/INTERNALS-tone.md). */
#ifndef KW_TOL
#define KW_TOL 3e-3
#endif

struct cand {
  uint32_t stem[KW_MAX_LEN];
  uint8_t n;
  bool name;
  uint32_t entity;                 /* entity index, UINT32_MAX: a phrase */
  uint32_t count;
  uint32_t first_start, first_end; /* the first surface form */
  uint32_t out;                    /* its place in the output, or
                                   ** UINT32_MAX */
  double score;
};

/* One occurrence of a candidate: all of them in one array, so a
** candidate costs no allocation of its own. */
struct occ {
  uint32_t cand, start, end;
};

struct kw_state {
  const dl_allocator *al;
  struct cand *c;
  size_t n, cap;
  struct occ *occ;
  size_t n_occ, occ_cap;
  uint32_t *slot; /* open addressing: cand + 1 (phrases of 2+ stems, and
                  ** the rare one-stem phrase whose stem has no vertex) */
  size_t scap, nh; /* nh: candidates in slot */
  /* Direct tables, cand + 1 (0: none yet): a one-stem phrase or name
  ** without an entity by its stem's vertex (byv, cleared as each vertex
  ** is made), a name by its entity (bye, cleared per document). */
  uint32_t *byv, *bye;
  size_t byv_cap, bye_cap;
  const uint32_t *vid; /* the document's stem -> vertex */
};

static uint32_t cand_hash(const uint32_t *st, size_t n, uint32_t entity)
{
  uint32_t h = 2166136261u;
  if (entity != UINT32_MAX) return (entity + 1) * 2654435761u;
  for (size_t i = 0; i < n; i++) {
    h ^= st[i];
    h *= 16777619u;
  }
  return h ^ (uint32_t)n;
}

static bool state_grow(struct kw_state *k)
{
  size_t ncap;
  uint32_t *ns;
  if (k->scap && (k->nh + 1) * 2 <= k->scap) return true;
  ncap = k->scap ? k->scap * 2 : 256;
  ns = dl__calloc(k->al, ncap, sizeof *ns);
  if (!ns) return false;
  for (size_t i = 0; i < k->n; i++) {
    const struct cand *c = &k->c[i];
    size_t j;
    if (c->entity != UINT32_MAX ||
        (c->n == 1 && k->vid[c->stem[0]] != UINT32_MAX))
      continue; /* in a direct table */
    j = cand_hash(c->stem, c->n, c->entity) & (ncap - 1);
    while (ns[j]) j = (j + 1) & (ncap - 1);
    ns[j] = (uint32_t)i + 1;
  }
  dl__free(k->al, k->slot);
  k->slot = ns;
  k->scap = ncap;
  return true;
}

/* The n (<= KW_MAX_LEN) stems of a and b are equal: a loop the compiler
** unrolls, not a call to memcmp (most candidates are 1-2 stems). */
static inline bool stems_eq(const uint32_t *a, const uint32_t *b, size_t n)
{
  unsigned diff = 0;
  for (size_t i = 0; i < n; i++) diff |= a[i] ^ b[i];
  return diff == 0;
}

/* Adds one occurrence of a candidate: a phrase (entity UINT32_MAX, keyed
** by its stems) or a mention of an entity (keyed by the entity). st is
** an initialized array of KW_MAX_LEN stems, n of them the candidate's.
** add() is the inline path of a candidate met before that sits in a
** direct table (most occurrences), add_new() the rest. */
static bool add_new(struct kw_state *k, const uint32_t *st, size_t n,
                    bool name, uint32_t entity, uint32_t start, uint32_t end)
{
  size_t j;
  struct cand *c;
  uint32_t *direct = NULL;
  /* A name by its entity, a one-stem phrase by its stem's vertex: an
  ** array read, no hash. (Each kind of key is always routed the same
  ** way: vid is final for every word a candidate is made of.) */
  if (entity != UINT32_MAX)
    direct = &k->bye[entity];
  else if (n == 1 && k->vid[st[0]] != UINT32_MAX)
    direct = &k->byv[k->vid[st[0]]];
  if (direct) {
    if (*direct) {
      c = &k->c[*direct - 1];
      goto found;
    }
    if (!PUSH(k->al, k->c, k->n, k->cap)) return false;
    c = &k->c[k->n];
    *direct = (uint32_t)++k->n;
    goto fill;
  }
  if ((k->nh + 1) * 2 > k->scap && !state_grow(k)) return false;
  j = cand_hash(st, n, entity) & (k->scap - 1);
  while (k->slot[j]) {
    c = &k->c[k->slot[j] - 1];
    if (entity != UINT32_MAX ? c->entity == entity
                             : (c->entity == UINT32_MAX && c->n == n &&
                                stems_eq(c->stem, st, n)))
      goto found;
    j = (j + 1) & (k->scap - 1);
  }
  if (!PUSH(k->al, k->c, k->n, k->cap)) return false;
  c = &k->c[k->n];
  k->slot[j] = (uint32_t)++k->n;
  k->nh++;
fill:
  memset(c, 0, sizeof *c);
  memcpy(c->stem, st, sizeof c->stem); /* st has KW_MAX_LEN: one move */
  c->n = (uint8_t)n;
  c->entity = entity;
  c->first_start = start;
  c->first_end = end;
  c->out = UINT32_MAX;
found:
  c->count++;
  c->name = c->name || name;
  if (!PUSH(k->al, k->occ, k->n_occ, k->occ_cap)) return false;
  k->occ[k->n_occ].cand = (uint32_t)(c - k->c);
  k->occ[k->n_occ].start = start;
  k->occ[k->n_occ].end = end;
  k->n_occ++;
  return true;
}

static inline bool add(struct kw_state *k, const uint32_t *st, size_t n,
                       bool name, uint32_t entity, uint32_t start,
                       uint32_t end)
{
  uint32_t ci = entity != UINT32_MAX ? k->bye[entity]
                : n == 1 && k->vid[st[0]] != UINT32_MAX ? k->byv[k->vid[st[0]]]
                                                        : 0;
  if (ci && k->n_occ < k->occ_cap) {
    struct cand *c = &k->c[ci - 1];
    c->count++;
    c->name = c->name || name;
    k->occ[k->n_occ].cand = ci - 1;
    k->occ[k->n_occ].start = start;
    k->occ[k->n_occ].end = end;
    k->n_occ++;
    return true;
  }
  return add_new(k, st, n, name, entity, start, end);
}

/* An undirected co-occurrence edge, u < v, weighted by how many times the
** two stems fall within the window of each other (normalized before
** PageRank): weighted PageRank over merged edges has the same fixed point
** as over the repeated ones, in a fraction of the additions per round.
** Single precision: the ranks are solved to a relative residual of KW_TOL
** (3e-3), far above float's rounding, and a count is exact up to 2^24. */
struct kw_edge {
  uint32_t u, v;
  float w;
};

static uint32_t edge_hash(uint32_t u, uint32_t v)
{
  /* The high half of the key times a 64-bit odd constant: every bit of u
  ** and v reaches the low bits the slot mask keeps (small vertex numbers
  ** times 32-bit constants, XORed, clustered in a 1,024-slot table). */
  return (uint32_t)((((uint64_t)u << 20 | v) * 0x9E3779B97F4A7C15ull) >> 32);
}

/* An edge slot holds the edge's index + 1 (0: empty), 4 bytes: a probe
** compares the key with the edge's {u, v} in the list (the few edges a
** probe meets are in cache: the list is short and written in order), and
** the table the prefetch brings in at the start of a document is half
** the 8-byte {key, index} slots' (4 KB for a news article's 1,024). The
** graph has at most DL__KW_MAX_WORDS vertices and DL__KW_WINDOW edges a
** word. */
#if DL__KW_MAX_WORDS * DL__KW_WINDOW >= 0xffffffff
#error "edge slots: DL__KW_MAX_WORDS too large"
#endif

/* The edge arrays: the list and its open-addressing slots (index + 1). */
struct egraph {
  struct kw_edge *e;
  uint32_t *at; /* each edge's slot (the slots are cleared by it) */
  size_t cap, atcap;
  uint32_t *slot;
  size_t scap;  /* slots allocated (all zero between documents) */
  size_t ssize; /* slots in use for this document: a power of 2 <= scap,
                ** load <= 1/2 */
};

#define EDGE_SLOTS0 1024 /* the slots a document starts with, at least */
#define EDGE_SLOTS_MAX (1u << 17) /* ... at most (DL__KW_MAX_WORDS words) */

/* Room for `need` more edges after the n made: the slots doubled
** (rehashed) and the list grown as needed. The rare path of step 1's
** loop, which keeps the arrays in locals (stores to the slots would
** otherwise make the compiler reload sizes it can reach through a
** pointer) and asks once a graph word for its DL__KW_WINDOW edges. */
static bool edge_room(const dl_allocator *al, struct egraph *g, size_t n,
                      size_t need)
{
  size_t last = n + need - 1;
  if ((n + need) * 2 > g->ssize) {
    /* Doubled: in the table already allocated when it is large enough
    ** (its used slots cleared first), else in a new one. */
    size_t nsize = g->ssize ? g->ssize * 2 : EDGE_SLOTS0;
    uint32_t *ns = g->slot;
    while ((n + need) * 2 > nsize) nsize *= 2;
    if (nsize > g->scap) {
      if (!(ns = dl__calloc(al, nsize, sizeof *ns))) return false;
    } else {
      for (size_t i = 0; i < n; i++) ns[g->at[i]] = 0;
    }
    for (size_t i = 0; i < n; i++) {
      const struct kw_edge *e = &g->e[i];
      size_t j = edge_hash(e->u, e->v) & (nsize - 1);
      while (ns[j]) j = (j + 1) & (nsize - 1);
      ns[j] = (uint32_t)i + 1;
      g->at[i] = (uint32_t)j;
    }
    if (ns != g->slot) {
      dl__free(al, g->slot);
      g->slot = ns;
      g->scap = nsize;
    }
    g->ssize = nsize;
  }
  return (last < g->cap || DL__PUSH(al, g->e, last, g->cap)) &&
         (last < g->atcap || DL__PUSH(al, g->at, last, g->atcap));
}

#define FC_VERB 4u
#define FC_VCUE 8u
#define FC_CAL 16u
#define TC_NAME 0x80u /* in tcls: the token is in a name */

/* A keyword word's class at a token: 0 none (a stop word, number,
** clitic, adverb in -ly, or a word the lexicon says is no noun or
** adjective), 1 adjective only, 2 may be a noun. A word that may also be
** a verb is read as one right after "to", a modal or a subject pronoun
** ("to work", "we call"): the lexicon alone cannot tell. The part of it
** that is the form's alone is computed once per form of the document:
** the class (bits 0-1), FC_VERB when it may be a verb, FC_VCUE when it is
** a verb cue, FC_CAL when it is a month or weekday name; the graph pass
** adds the token's part. A calendar word is no keyword word when its
** token is capitalized and outside a name ("in December", "on Sunday":
** a date, not a topic; lower-case "may" and "march" are the modal and
** the verb, "Sunday Times" and "Theresa May" names). */
static uint8_t form_class(const struct dl__form *F)
{
  /* Arithmetic, not branches: the flags vary from form to form. */
  uint32_t f = F->flags;
  unsigned ok = ((f & (DL__W_STOP | DL__W_LY)) == 0) & (F->len >= 2) &
                ((f & (DL__W_NOUN | DL__W_ADJ)) != 0);
  unsigned c = ok * (1u + ((f & DL__W_NOUN) != 0));
  c |= ((f & DL__W_VERB) != 0) * FC_VERB | ((f & DL__W_VCUE) != 0) * FC_VCUE |
       ((f & DL__W_CAL) != 0) * FC_CAL;
  return (uint8_t)c;
}

static const double kw_sqrt[KW_MAX_LEN + 1] = {0, 1, 1.4142135623730951,
                                               1.7320508075688772, 2};

/* Candidates best first: higher score, then earlier. Only the first few
** are wanted, so they are popped from a binary heap, not sorted. */
static bool cand_before(const struct cand *a, const struct cand *b)
{
  if (a->score != b->score) return a->score > b->score;
  return a->first_start < b->first_start;
}

static void heap_down(struct cand **h, size_t n, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, best = i;
    if (l < n && cand_before(h[l], h[best])) best = l;
    if (l + 1 < n && cand_before(h[l + 1], h[best])) best = l + 1;
    if (best == i) return;
    {
      struct cand *t = h[i];
      h[i] = h[best];
      h[best] = t;
    }
    i = best;
  }
}

#ifndef PR_VEC
#if defined(__GNUC__)
#define PR_VEC 1
#else
#define PR_VEC 0
#endif
#endif

/* Keywords' PageRank (damping 0.85) of the undirected weighted graph, up
** to a factor: with y = D^-1/2 x it solves the symmetric positive definite
** system (I - d S) y = D^-1/2 1, S the edges' weights w_uv / sqrt(D_u D_v),
** by conjugate gradients from the degree distribution with the teleport
** share mixed in (PageRank's fixed point without damping), in
** single precision over kw_edge, n padded to a multiple of 4 (the pad
** entries stay 0), with the direction's product A p carried as a
** recurrence, q = A r + beta q, so that a round is one product (of r) and
** two passes over the vectors instead of three:
**     acc = S r;  p = r + beta p;  q = (r - d acc) + beta q;  pq = p.q
**     alpha = rr / pq;  y += alpha p;  r -= alpha q;  rr' = r.r
** (the same iterates as the textbook form, up to rounding). sd: D^1/2,
** padded with zeros; x the n results (double); w 5 padded vectors. Stops
** at a relative residual of tol or after rounds products. */
#define KW_PAD4(n) (((n) + 3) & ~(size_t)3)

static void kw_product(size_t n_e, const struct kw_edge *e, const float *p,
                       float *acc)
{
  size_t q = n_e / 4, k;
  const struct kw_edge *e1, *e2, *e3;
  if (n_e == 0) return; /* e may be NULL: no pointer arithmetic on it */
  e1 = e + q, e2 = e1 + q, e3 = e2 + q;
  for (k = 0; k < q; k++) {
    uint32_t u0 = e[k].u, v0 = e[k].v, u1 = e1[k].u, v1 = e1[k].v;
    uint32_t u2 = e2[k].u, v2 = e2[k].v, u3 = e3[k].u, v3 = e3[k].v;
    float w0 = e[k].w, w1 = e1[k].w, w2 = e2[k].w, w3 = e3[k].w;
    float pu0 = p[u0], pv0 = p[v0], pu1 = p[u1], pv1 = p[v1];
    float pu2 = p[u2], pv2 = p[v2], pu3 = p[u3], pv3 = p[v3];
    acc[u0] += w0 * pv0;
    acc[u1] += w1 * pv1;
    acc[u2] += w2 * pv2;
    acc[u3] += w3 * pv3;
    acc[v0] += w0 * pu0;
    acc[v1] += w1 * pu1;
    acc[v2] += w2 * pu2;
    acc[v3] += w3 * pu3;
  }
  for (k = 4 * q; k < n_e; k++) {
    uint32_t u = e[k].u, v = e[k].v;
    acc[u] += e[k].w * p[v];
    acc[v] += e[k].w * p[u];
  }
}

#if PR_VEC
typedef float v4f __attribute__((vector_size(16)));

static inline v4f ld4(const float *p)
{
  v4f v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void st4(float *p, v4f v)
{
  memcpy(p, &v, sizeof v);
}

static inline float hsum4(v4f v)
{
  return (v[0] + v[1]) + (v[2] + v[3]);
}
#endif

/* p = r + beta p; q = (r - d acc) + beta q; acc = 0; returns p.q. */
static float kw_pass_dir(size_t n4, const float *r, float *p, float *q,
                         float *acc, float beta)
{
#if PR_VEC
  const v4f b = {beta, beta, beta, beta},
            dd = {(float)DAMPING, (float)DAMPING, (float)DAMPING,
                  (float)DAMPING},
            z = {0, 0, 0, 0};
  v4f s = z;
  for (size_t i = 0; i < n4; i += 4) {
    v4f ri = ld4(r + i), pi = ri + b * ld4(p + i);
    v4f qi = (ri - dd * ld4(acc + i)) + b * ld4(q + i);
    st4(p + i, pi);
    st4(q + i, qi);
    st4(acc + i, z);
    s += pi * qi;
  }
  return hsum4(s);
#else
  float l[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < n4; i++) {
    p[i] = r[i] + beta * p[i];
    q[i] = (r[i] - (float)DAMPING * acc[i]) + beta * q[i];
    acc[i] = 0;
    l[i & 3] += p[i] * q[i];
  }
  return (l[0] + l[1]) + (l[2] + l[3]);
#endif
}

/* y += alpha p; r -= alpha q; returns r.r. */
static float kw_pass_step(size_t n4, float *y, float *r, const float *p,
                          const float *q, float alpha)
{
#if PR_VEC
  const v4f a = {alpha, alpha, alpha, alpha}, z = {0, 0, 0, 0};
  v4f s = z;
  for (size_t i = 0; i < n4; i += 4) {
    v4f ri = ld4(r + i) - a * ld4(q + i);
    st4(y + i, ld4(y + i) + a * ld4(p + i));
    st4(r + i, ri);
    s += ri * ri;
  }
  return hsum4(s);
#else
  float l[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < n4; i++) {
    y[i] += alpha * p[i];
    r[i] -= alpha * q[i];
    l[i & 3] += r[i] * r[i];
  }
  return (l[0] + l[1]) + (l[2] + l[3]);
#endif
}

static void kw_pagerank(size_t n, size_t n_e, const struct kw_edge *e,
                        const float *sd, double *x, float *w, float tol,
                        int rounds)
{
  size_t n4 = KW_PAD4(n);
  float *y = w, *r = y + n4, *p = r + n4, *q = p + n4, *acc = q + n4;
  float total = 0, rr = 0, bb = 0, pq;
  for (size_t i = 0; i < n; i++) total += sd[i] * sd[i];
  /* Start from the degree distribution (PageRank's fixed point without
  ** damping, teleport mixed in) for b = 1. */
  for (size_t i = 0; i < n4; i++) {
    float x0 = 1.0f + (total > 0 ? (float)(DAMPING / (1.0 - DAMPING)) *
                                       (float)n * sd[i] * sd[i] / total
                                 : 0);
    y[i] = i >= n ? 0 : sd[i] > 0 ? x0 / sd[i] : 1.0f;
    acc[i] = p[i] = q[i] = 0;
  }
  /* r = D^-1/2 b - A y. */
  kw_product(n_e, e, y, acc);
  for (size_t i = 0; i < n4; i++) {
    float bi = i >= n ? 0 : sd[i] > 0 ? 1.0f / sd[i] : 1.0f;
    r[i] = bi - (y[i] - (float)DAMPING * acc[i]);
    acc[i] = 0;
    rr += r[i] * r[i];
    bb += bi * bi;
  }
  if (rounds <= 0 || !(rr > tol * tol * bb)) goto out;
  kw_product(n_e, e, r, acc);
  pq = kw_pass_dir(n4, r, p, q, acc, 0);
  for (int it = 1;; it++) {
    float rr2, alpha;
    if (!(pq > 0)) break;
    alpha = rr / pq;
    rr2 = kw_pass_step(n4, y, r, p, q, alpha);
    if (it >= rounds || !(rr2 > tol * tol * bb)) break;
    kw_product(n_e, e, r, acc);
    pq = kw_pass_dir(n4, r, p, q, acc, rr2 / rr);
    rr = rr2;
  }
out:
  for (size_t i = 0; i < n; i++) x[i] = sd[i] > 0 ? (double)(y[i] * sd[i]) : 1.0;
}

#define KW_LOGN 64

/* The stage's arrays, kept in the annotator between documents (their
** capacities only: every document starts them empty). */
struct dl__kw_ws {
  struct kw_state k;
  uint32_t *seq, *vid, *vstem, *eat;
  uint32_t *eslot; /* all zero between documents (cleared by eat) */
  size_t seq_cap, vid_cap, vstem_cap, ecap, eat_cap;
  struct kw_edge *edges;
  size_t edges_cap;
  float *deg, *fw; /* D^1/2 (padded to 4), the solver's work */
  double *pr;
  size_t deg_cap, pr_cap, fw_cap;
  struct cand **order;
  size_t order_cap;
  /* 1 + log(c) for a count 0 < c < KW_LOGN (1 for c = 1), from log()
  ** itself when the workspace is made: the same doubles as the call */
  double lc[KW_LOGN];
};

void dl__kw_ws_free(const dl_allocator *al, struct dl__kw_ws *x)
{
  if (!x) return;
  dl__free(al, x->k.c);
  dl__free(al, x->k.occ);
  dl__free(al, x->k.slot);
  dl__free(al, x->k.byv);
  dl__free(al, x->k.bye);
  dl__free(al, x->seq);
  dl__free(al, x->vid);
  dl__free(al, x->vstem);
  dl__free(al, x->eslot);
  dl__free(al, x->eat);
  dl__free(al, x->edges);
  dl__free(al, x->deg);
  dl__free(al, x->fw);
  dl__free(al, x->pr);
  dl__free(al, x->order);
  dl__free(al, x);
}

/* Room for n elements in *p (contents not kept): see tone.h. */
bool dl__told_room(const dl_allocator *al, void **p, size_t *cap, size_t n,
                   size_t elem)
{
  size_t bytes;
  void *np;
  if (n <= *cap) return true;
  if (n < 2 * *cap) n = 2 * *cap;
  if (!dl__mul_ok(n, elem, &bytes)) return false;
  np = dl__malloc(al, bytes);
  if (!np) return false;
  dl__free(al, *p);
  *p = np;
  *cap = n;
  return true;
}
#define ROOM(al, arr, cap, n) \
  dl__told_room((al), (void **)&(arr), &(cap), (n), sizeof *(arr))

/* An open-addressing table emptied for a new document that will hold
** about `want` keys: cleared, or dropped (to grow again) when an earlier,
** longer document left it much larger than this one needs. */
static void slots_reset(const dl_allocator *al, void **slot, size_t *cap,
                        size_t want, size_t elem)
{
  if (*cap > 1024 && *cap > 8 * want) {
    dl__free(al, *slot);
    *slot = NULL;
    *cap = 0;
  } else if (*cap) {
    memset(*slot, 0, *cap * elem);
  }
}
#define SLOTS_RESET(al, slot, cap, want) \
  slots_reset((al), (void **)&(slot), &(cap), (want), sizeof *(slot))

dl_status dl__keywords_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct dl__told *TL = d->told;
  const struct dl__words *W;
  struct dl__kw_ws *X;
  struct kw_state k;
  uint32_t *seq; /* the graph's words: vertex */
  size_t n_seq = 0, last_tok = 0;
  uint32_t *vid;   /* stem -> vertex, UINT32_MAX: not in the graph */
  uint32_t *vstem; /* vertex -> stem */
  size_t n_v = 0;
  struct kw_edge *edges;
  size_t n_edges = 0, edges_cap;
  uint32_t *eslot; /* open addressing over edges: index + 1 */
  uint32_t *eat;   /* each edge's slot */
  size_t ecap, esize, eat_cap;
  float *deg;
  double *pr;
  struct cand **order;
  uint8_t *tcls, *fcls;
  uint32_t *fstem, *gw;
  dl_status rc = DL_OK;
  const dl_allocator *al = a->al;
  struct dl__told_ws *ws = a->told_ws;

  if (!TL || !TL->words_ran) return DL_OK;
  W = &TL->words;
  TL->keywords_ran = true;
  if (!W->n_stems || !ws) return DL_OK;
  if (!ws->kw) {
    if (!(ws->kw = dl__calloc(al, 1, sizeof *ws->kw)))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    ws->kw->lc[0] = ws->kw->lc[1] = 1.0;
    for (size_t c = 2; c < KW_LOGN; c++)
      ws->kw->lc[c] = 1.0 + log((double)c);
  }
  X = ws->kw;
  k = X->k;
  k.al = al;
  k.n = k.n_occ = k.nh = 0;
  SLOTS_RESET(al, k.slot, k.scap, W->n_forms / 4);
  /* The edge slots are cleared one by one after each document (eat), not
  ** whole: only a table a long document left much larger is dropped. */
  if (X->ecap > 1024 &&
      X->ecap > 8 * DL__KW_WINDOW *
                    DL__MIN(W->n_forms, (size_t)DL__KW_MAX_WORDS)) {
    dl__free(al, X->eslot);
    X->eslot = NULL;
    X->ecap = 0;
  }
  seq = X->seq;
  vid = X->vid;
  vstem = X->vstem;
  edges = X->edges;
  edges_cap = X->edges_cap;
  eslot = X->eslot;
  eat = X->eat;
  eat_cap = X->eat_cap;
  ecap = X->ecap;
  /* Every document starts with EDGE_SLOTS0 slots in use (a news article
  ** needs 1,024): its probes stay within 4 KB, whatever size an earlier
  ** document left the table at. */
  esize = DL__MIN(ecap, (size_t)EDGE_SLOTS0);
  deg = X->deg; /* (all the arrays in locals before any goto oom) */
  pr = X->pr;
  order = X->order;
  {
    /* A longer text starts with more: about 0.7 edges a token (BBC), the
    ** slots twice the edges, so that most documents never rehash. */
    size_t want = EDGE_SLOTS0;
    while (want < 3 * (d->n_tokens / 2) && want < EDGE_SLOTS_MAX) want *= 2;
    if (want > esize) {
      struct egraph eg = {edges, eat, edges_cap, eat_cap, eslot, ecap, esize};
      bool ok = edge_room(al, &eg, 0, want / 2);
      edges = eg.e;
      eat = eg.at;
      edges_cap = eg.cap;
      eat_cap = eg.atcap;
      eslot = eg.slot;
      ecap = eg.scap;
      esize = eg.ssize;
      if (!ok) goto oom;
    }
  }

#if defined(__GNUC__)
  /* The slot table is touched all over (hashes) and was evicted by the
  ** stages run since the last document: its lines are fetched now, while
  ** the token classes are computed, not one miss at a time in the probe
  ** loop (where perf found a tenth of the stage's samples on the load). */
  for (size_t i = 0; i < esize; i += 64 / sizeof *eslot)
    __builtin_prefetch(&eslot[i], 1, 3);
#endif
  /* 1. The graph's words (content words that may be nouns or adjectives:
  ** TextRank's syntactic filter) and their co-occurrence edges, per
  ** sentence. Vertices are the stems of those words, numbered as met. */
  if (!ROOM(al, vid, X->vid_cap, W->n_stems) ||
      !ROOM(al, k.byv, k.byv_cap, W->n_stems + 1) ||
      !ROOM(al, deg, X->deg_cap, KW_PAD4(W->n_stems + 1)) ||
      !ROOM(al, k.bye, k.bye_cap, d->n_entities + 1))
    goto oom;
  memset(vid, 0xff, W->n_stems * sizeof *vid);
  memset(k.bye, 0, (d->n_entities + 1) * sizeof *k.bye);
  k.vid = vid;
  {
    /* Each form's class, then each token's once, for the graph and the
    ** candidates (which read the sentences up to the graph's last word);
    ** a token in a name is marked TC_NAME first. */
    dl__buf *b = &ws->tmp[3], *bf = &ws->tmp[2];
    b->len = bf->len = 0;
    if (!dl__buf_reserve(b, d->n_tokens + 1) ||
        !dl__buf_reserve(bf, W->n_forms + 2))
      goto oom;
    tcls = (uint8_t *)b->p;
    fcls = (uint8_t *)bf->p; /* by form id + 1: fcls[0] is "no form"'s,
                             ** UINT32_MAX + 1 (tform's "not a word") */
    memset(tcls, 0, d->n_tokens + 1);
    fcls[0] = 0;
    for (size_t f = 0; f < W->n_forms; f++)
      fcls[f + 1] = form_class(&W->forms[f]);
    for (size_t m = 0; m < d->n_mentions; m++) {
      const dl__mention *mn = &d->mentions[m];
      if (mn->flags & (DL__MEN_PRONOUN | DL__MEN_NOMINAL | DL__MEN_CREDIT))
        continue;
      for (size_t ti = mn->tok_start; ti < mn->tok_end && ti < d->n_tokens;
           ti++)
        tcls[ti] = TC_NAME;
    }
  }
  {
    /* The forms' stems (a small array), and room for one sentence's graph
    ** words. */
    dl__buf *bs = &ws->tmp[4], *bi = &ws->tmp[5];
    bs->len = bi->len = 0;
    if (!dl__buf_reserve(bs, (W->n_forms + 1) * sizeof *fstem) ||
        !dl__buf_reserve(bi, (d->n_tokens + 1) * sizeof *gw))
      goto oom;
    fstem = (uint32_t *)(void *)bs->p;
    gw = (uint32_t *)(void *)bi->p;
    for (size_t f = 0; f < W->n_forms; f++) fstem[f] = W->forms[f].stem;
  }
  for (size_t si = 0; si < d->n_sentences && n_seq < DL__KW_MAX_WORDS; si++) {
    const dl__sentence *s = &d->sentences[si];
    size_t first = n_seq, ng = 0, te = DL__MIN(s->tok_end, d->n_tokens);
    uint8_t pc = 0; /* the previous token's form class */
    /* Each token's class without a branch on it (the classes are what
    ** the branches would have to guess), the graph words gathered. */
    for (size_t ti = s->tok_start; ti < te; ti++) {
      uint8_t fc = fcls[(uint32_t)(W->tform[ti] + 1u)];
      uint32_t tf = d->tokens[ti].flags;
      unsigned kill = ((fc >> 2) & (pc >> 3) & 1u) | /* FC_VERB, FC_VCUE */
                      ((tf & (DL__TOK_NUM | DL__TOK_CLITIC)) != 0);
      if (fc & FC_CAL) /* rare (a month or weekday): a predictable branch */
        kill |= (tf & DL__TOK_CAP) && !(tcls[ti] & TC_NAME);
      uint8_t c = (uint8_t)((fc & 3u) & (kill - 1u));
      tcls[ti] |= c;
      gw[ng] = (uint32_t)ti;
      ng += c != 0;
      pc = fc;
    }
    for (size_t g = 0; g < ng && n_seq < DL__KW_MAX_WORDS; g++) {
      size_t ti = gw[g];
      uint32_t st = fstem[W->tform[ti]], v = vid[st];
      size_t fresh = v == UINT32_MAX, npair = 0;
      /* New vertex or not is a coin toss too: the next vertex's entries
      ** are written either way and kept when it is new. */
      if (!PUSH(al, vstem, n_v, X->vstem_cap)) goto oom;
      vstem[n_v] = st;
      k.byv[n_v] = 0;
      deg[n_v] = 0; /* the weighted degree, counted with the edges */
      v = fresh ? (uint32_t)n_v : v;
      vid[st] = v;
      n_v += fresh;
      if (!PUSH(al, seq, n_seq, X->seq_cap)) goto oom;
      seq[n_seq++] = v;
      last_tok = ti;
      /* Room for the word's edges (at most DL__KW_WINDOW), asked once. */
      if ((n_edges + DL__KW_WINDOW) * 2 > esize ||
          n_edges + DL__KW_WINDOW > edges_cap ||
          n_edges + DL__KW_WINDOW > eat_cap) {
        struct egraph eg = {edges, eat, edges_cap, eat_cap, eslot, ecap, esize};
        bool ok = edge_room(al, &eg, n_edges, DL__KW_WINDOW);
        edges = eg.e; /* what it grew, even when it then failed */
        eat = eg.at;
        edges_cap = eg.cap;
        eat_cap = eg.atcap;
        eslot = eg.slot;
        ecap = eg.scap;
        esize = eg.ssize;
        if (!ok) goto oom;
      }
      for (size_t p = n_seq - 1; p > first && n_seq - p < DL__KW_WINDOW + 1;
           p--) {
        /* The edge {u, v}, u < v: its weight counted, or added. Found
        ** or new is a coin toss for the branch predictor, so both are
        ** one path: the entry past the list is written as the new edge
        ** (room for the word's edges was asked above) and kept only
        ** when the probe found an empty slot. */
        uint32_t w0 = seq[p - 1], u, hi, sv;
        size_t j, at, enew;
        if (w0 == v) continue;
        u = w0 < v ? w0 : v;
        hi = w0 ^ v ^ u;
        j = edge_hash(u, hi) & (esize - 1);
        while ((sv = eslot[j]) != 0 &&
               ((edges[sv - 1].u ^ u) | (edges[sv - 1].v ^ hi)) != 0)
          j = (j + 1) & (esize - 1);
        deg[w0] += 1; /* deg[v]: once for the word's pairs, below */
        npair++;
        enew = sv == 0;
        at = enew ? n_edges : (size_t)sv - 1;
        edges[n_edges].u = u;
        edges[n_edges].v = hi;
        edges[n_edges].w = 0;
        edges[at].w += 1;
        eslot[j] = enew ? (uint32_t)n_edges + 1 : sv;
        eat[n_edges] = (uint32_t)j;
        n_edges += enew;
      }
      deg[v] += (float)npair;
    }
    /* 3a. The sentence's noun phrases outside names (adjective* noun+, at
    ** most KW_MAX_LEN words): the phrase words are its graph words not in
    ** a name, kept in gw in place; a gap between two is a word of no
    ** class. (Every sentence the graph reads, all of it: the sentences
    ** up to the graph's last word.) */
    {
      uint32_t run[KW_MAX_LEN] = {0}; /* add() copies all KW_MAX_LEN */
      uint8_t cls[KW_MAX_LEN]; /* 1 adjective only, 2 may be a noun */
      size_t n = 0, rs = 0, np = 0;
      for (size_t g = 0; g < ng; g++) {
        uint32_t ti = gw[g];
        gw[np] = ti;
        np += !(tcls[ti] & TC_NAME);
      }
      for (size_t g = 0; g <= np; g++) {
        size_t ti = g < np ? gw[g] : SIZE_MAX;
        uint8_t c = g < np ? (uint8_t)(tcls[ti] & 3u) : 0;
        /* A phrase ends at a word of no class, at an adjective after its
        ** noun ("fighter jets [] last week"), at KW_MAX_LEN words, and at
        ** the sentence's end. */
        if (n && (!c || ti != rs + n || (c == 1 && cls[n - 1] == 2) ||
                  n == KW_MAX_LEN)) {
          size_t m = n;
          while (m && cls[m - 1] != 2) m--; /* it ends with its noun */
          if (m && !add(&k, run, m, false, UINT32_MAX, d->tokens[rs].start,
                        d->tokens[rs + m - 1].end))
            goto oom;
          n = 0;
        }
        if (c) {
          if (!n) rs = ti;
          cls[n] = c;
          run[n++] = fstem[W->tform[ti]];
        }
      }
    }
  }

  /* 2. PageRank over the vertices, times IDF. PageRank with damping d
  ** on this undirected weighted graph is the solution of
  **     (I - d A D^-1) x = (1 - d)/n 1
  ** (A the weights, D the weighted degrees; a vertex without an edge
  ** only gives its rank back uniformly, which scales x and changes no
  ** normalized score). With x = D^1/2 y the system is symmetric positive
  ** definite, (I - d D^-1/2 A D^-1/2) y = D^-1/2 b, its eigenvalues in
  ** [1 - d, 1 + d]: conjugate gradients reach a relative residual of
  ** KW_TOL in a dozen or so matrix products, where the power iteration
  ** needs 30 rounds for a rougher answer. The edges' weights become the
  ** symmetric w / sqrt(D_u D_v); b = 1, since only the ratios of the
  ** scores matter. */
  /* (deg has room for KW_PAD4(n_stems + 1) >= KW_PAD4(n_v + 1); its
  ** weighted degrees were counted with the edges, integers: exact) */
  if (!ROOM(al, pr, X->pr_cap, n_v + 1) ||
      !ROOM(al, X->fw, X->fw_cap, 5 * KW_PAD4(n_v + 1)))
    goto oom;
  for (size_t i = n_v; i < KW_PAD4(n_v); i++) deg[i] = 0;
  for (size_t i = 0; i < n_v; i++) deg[i] = sqrtf(deg[i]); /* D^1/2 */
  for (size_t e = 0; e < n_edges; e++)
    edges[e].w /= deg[edges[e].u] * deg[edges[e].v];
  if (n_v) {
    kw_pagerank(n_v, n_edges, edges, deg, pr, X->fw, (float)KW_TOL, ROUNDS);
    for (size_t i = 0; i < n_v; i++)
      pr[i] *= (double)W->stems[vstem[i]].idf;
  }

  /* 3b. Candidates: names (the noun phrases were added with the graph,
  ** 3a). */
  for (size_t m = 0; m < d->n_mentions; m++) {
    const dl__mention *mn = &d->mentions[m];
    uint32_t st[KW_MAX_LEN] = {0}; /* add() copies all KW_MAX_LEN */
    size_t n = 0;
    if (mn->flags & (DL__MEN_PRONOUN | DL__MEN_NOMINAL | DL__MEN_CREDIT))
      continue;
    if (mn->tok_end <= mn->tok_start || mn->tok_end > d->n_tokens) continue;
    if (n_seq && mn->tok_start > last_tok) continue;
    for (size_t ti = mn->tok_start; ti < mn->tok_end && n < KW_MAX_LEN; ti++) {
      uint32_t f = W->tform[ti];
      if (f == UINT32_MAX || (W->forms[f].flags & DL__W_STOP)) continue;
      st[n++] = W->forms[f].stem;
    }
    if (n && !add(&k, st, n, true,
                  mn->entity < d->n_entities ? mn->entity : UINT32_MAX,
                  mn->start, mn->end))
      goto oom;
  }

  /* 4. Scores, dropping single words inside a better phrase. */
  if (!ROOM(al, order, X->order_cap, k.n + 1)) goto oom;
  for (size_t i = 0; i < k.n; i++) {
    struct cand *c = &k.c[i];
    double sum = 0;
    for (size_t j = 0; j < c->n; j++)
      if (vid[c->stem[j]] != UINT32_MAX) sum += pr[vid[c->stem[j]]];
    /* (sqrt(n) for n <= KW_MAX_LEN: the same doubles as the call) */
    c->score = sum / kw_sqrt[c->n] *
               (c->count < KW_LOGN ? X->lc[c->count]
                                   : 1.0 + log((double)c->count));
    c->score *= c->name ? 1.5 : 1.0; /* (x 1.0 exact; no branch) */
    order[i] = c;
  }
  for (size_t i = k.n / 2; i-- > 0;) heap_down(order, k.n, i);
  {
    size_t n_out = 0;
    const struct cand *kept[DL__KW_TOP];
    double best = k.n ? order[0]->score : 0;
    struct dl__keyword *kw =
        dl__arena_alloc(&d->arena, DL__KW_TOP * sizeof *kw);
    if (!kw) goto oom;
    size_t hn = k.n;
    while (hn && n_out < DL__KW_TOP) {
      struct cand *c = order[0];
      order[0] = order[--hn];
      heap_down(order, hn, 0);
      bool inside = false;
      /* A phrase whose every stem is in a better one already taken
      ** ("Putin" after "Vladimir Putin") adds nothing. */
      for (size_t j = 0; j < n_out && !inside; j++) {
        const struct cand *b = kept[j];
        size_t y;
        for (y = 0; y < c->n; y++) {
          size_t x;
          for (x = 0; x < b->n; x++)
            if (b->stem[x] == c->stem[y]) break;
          if (x == b->n) break;
        }
        if (y == c->n) inside = true;
      }
      if (inside) continue;
      kept[n_out] = c;
      if (c->entity != UINT32_MAX)
        kw[n_out].text = d->entities[c->entity].name;
      else
        kw[n_out].text = dl__arena_strndup(&d->arena,
                                           d->text + c->first_start,
                                           c->first_end - c->first_start);
      kw[n_out].score = best > 0 ? c->score / best : 0;
      kw[n_out].count = c->count;
      kw[n_out].n_spans = DL__MIN(c->count, (uint32_t)KW_MAX_SPANS);
      kw[n_out].spans = dl__arena_alloc(
          &d->arena, 2 * (size_t)kw[n_out].n_spans * sizeof(uint32_t));
      if (!kw[n_out].text || !kw[n_out].spans) goto oom;
      c->out = (uint32_t)n_out;
      n_out++;
    }
    /* Every kept keyword's first spans, in one pass over the
    ** occurrences (in text order per candidate). */
    {
      uint32_t got[DL__KW_TOP] = {0};
      for (size_t o = 0; o < k.n_occ; o++) {
        uint32_t j = k.c[k.occ[o].cand].out;
        if (j == UINT32_MAX || got[j] >= kw[j].n_spans) continue;
        kw[j].spans[2 * got[j]] = k.occ[o].start;
        kw[j].spans[2 * got[j] + 1] = k.occ[o].end;
        got[j]++;
      }
      for (size_t j = 0; j < n_out; j++) kw[j].n_spans = got[j];
    }
    TL->keywords.kw = kw;
    TL->keywords.n = n_out;
  }
  goto done;
oom:
  rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  /* Back to the workspace: the arrays keep their room. */
  X->k = k;
  X->seq = seq;
  X->vid = vid;
  X->vstem = vstem;
  X->edges = edges;
  X->edges_cap = edges_cap;
  for (size_t e = 0; e < n_edges; e++) eslot[eat[e]] = 0;
  X->eslot = eslot;
  X->eat = eat;
  X->eat_cap = eat_cap;
  X->ecap = ecap;
  X->deg = deg;
  X->pr = pr;
  X->order = order;
  return rc;
}

/* The most one keyword's object takes on the fast path below. */
#define KW_OBJ_MAX (KW_FAST_TEXT + 128 + DL__TOLD_JSON_SPAN * KW_MAX_SPANS)
#define KW_BATCH (3 * KW_OBJ_MAX + 512) /* bytes of objects written at once */

void dl__keywords_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  const struct dl__keywords *K;
  /* Compact output with byte offsets: the objects are built here
  ** ("{...},{...}", tone_json.c's pieces) and handed to the writer a
  ** batch at a time (one dl__jw_raw for a news article's ten), else key
  ** by key. */
  char buf[KW_BATCH], *p = buf;
  bool fast = !w->pretty && !(flags & DL_JSON_CHARS);
  dl__jw_key(w, "keywords");
  if (!d->told || !d->told->keywords_ran) {
    dl__jw_null(w);
    return;
  }
  K = &d->told->keywords;
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < K->n; i++) {
    const struct dl__keyword *kw = &K->kw[i];
    if (fast && kw->n_spans <= KW_MAX_SPANS) {
      /* The object when the text needs no escape and the score has the
      ** writer's fast form (else NULL: the key-by-key path). */
      char *o;
      size_t tl = strlen(kw->text);
      if ((size_t)(buf + sizeof buf - p) < KW_OBJ_MAX + 1) {
        dl__jw_raw(w, buf, (size_t)(p - buf));
        p = buf;
      }
      o = p + (p != buf); /* a comma between two objects of a batch */
      if (tl <= KW_FAST_TEXT) {
        memcpy(o, "{\"text\":", 8);
        o = dl__told_json_plain(o + 8, kw->text, tl);
      } else {
        o = NULL;
      }
      if (o) {
        memcpy(o, ",\"score\":", 9);
        o = dl__told_json_num3(o + 9, kw->score);
      }
      if (o) {
        if (p != buf) *p = ',';
        memcpy(o, ",\"count\":", 9);
        o = dl__json_uint(o + 9, kw->count);
        memcpy(o, ",\"spans\":[", 10);
        o += 10;
        for (size_t j = 0; j < kw->n_spans; j++) {
          if (j) *o++ = ',';
          o = dl__told_json_span(o, kw->spans[2 * j], kw->spans[2 * j + 1]);
        }
        *o++ = ']';
        *o++ = '}';
        p = o;
        continue;
      }
    }
    if (p != buf) { /* the batch first: the objects keep their order */
      dl__jw_raw(w, buf, (size_t)(p - buf));
      p = buf;
    }
    dl__jw_obj_begin(w);
    dl__jw_key(w, "text");
    dl__jw_cstr(w, kw->text);
    dl__jw_key(w, "score");
    dl__jw_double(w, kw->score, 3);
    dl__jw_key(w, "count");
    dl__jw_uint(w, kw->count);
    dl__jw_key(w, "spans");
    dl__jw_arr_begin(w);
    for (size_t j = 0; j < kw->n_spans; j++)
      dl__jw_span(d, w, flags, kw->spans[2 * j], kw->spans[2 * j + 1]);
    dl__jw_arr_end(w);
    dl__jw_obj_end(w);
  }
  if (p != buf) dl__jw_raw(w, buf, (size_t)(p - buf));
  dl__jw_arr_end(w);
}
