/*
** summary.c -- the summary stage: an extractive summary of N sentences
** (dl_options.summary_sentences, default 3), in article order.
**
** Algorithm (LexRank, Erkan & Radev 2004, with news priors):
**  1. Candidates: body sentences (not headlines) with at least
**     MIN_TERMS content words, the first DL__SUM_MAX_SENTS of them.
**  2. Each candidate is a TF-IDF vector over the stems of its content
**     words (stop words out), IDF from the corpus table
**     (keywords_idf.c), at most DL__SUM_MAX_TERMS distinct stems.
**  3. A similarity graph joins candidates at most DL__SUM_WINDOW apart
**     (the whole article for news-length texts; a window, not the full
**     square, for very long ones) with their cosine; PageRank (damping
**     0.85), approximated by one conjugate-gradient step from its
**     degree-based start, gives each its centrality (centrality()).
**  4. The score adds priors: position (the lead matters in news), the
**     salience of the entities the sentence names (entity stage), and a
**     mild length term (a three-word sentence says little).
**  5. Sentences are taken best first, skipping one too similar to a
**     sentence already taken (cosine over REDUNDANT), and written in
**     article order.
** Time: O(S * W * T) for S candidates, window W and T terms a sentence,
** all capped (only pairs sharing a stem cost a product); memory
** O(S * W + terms).
*/
#include "tone.h"

#include <string.h>

#include <math.h>
#include <stdlib.h>

#define MIN_TERMS 3
#define REDUNDANT 0.55
#define DAMPING 0.85
#define CG_ROUNDS 1 /* conjugate-gradient steps (see centrality()) */
#define CG_TOL 1e-6 /* or fewer, at this relative residual */
#define W_CENTRAL 1.0
#define W_POSITION 1.0
#define W_ENTITY 0.5
#define W_LENGTH 0.3

/* A candidate's term. prev links the terms of one stem across the
** candidates, latest first: the graph's pairs are read off those chains. */
struct term {
  uint32_t stem;
  float w;
  uint32_t prev; /* the same stem's term in the nearest earlier candidate,
                 ** + 1; 0 when none */
  uint32_t cand; /* its candidate */
};

struct sent {
  uint32_t index;        /* into d->sentences */
  uint32_t t0, nt;       /* terms[t0 .. t0+nt), in order of first use */
  uint32_t l0, nl;       /* links[l0 .. l0+nl): its terms with a prev */
  uint32_t words;
  bool sorted;           /* its terms sorted by stem (for cosine) */
  double norm, inv;      /* |vector| and 1 / it (0 when 0) */
  double central, ent, score;
};

/* An edge of the similarity graph: i < j, c their cosine (as a float). */
struct sedge {
  uint32_t i, j;
  float c;
};

/* A sentence's terms by stem (distinct, at most DL__SUM_MAX_TERMS):
** insertion sort, inline, where qsort's calls cost more than the work. */
static void sort_terms(struct term *t, size_t n)
{
  for (size_t i = 1; i < n; i++) {
    struct term x = t[i];
    size_t j = i;
    while (j > 0 && t[j - 1].stem > x.stem) {
      t[j] = t[j - 1];
      j--;
    }
    t[j] = x;
  }
}

/* The cosine of two candidates by a merge of their terms, sorted by stem
** here when first needed (only the few the redundancy test compares). */
static double cosine(struct sent *x, struct sent *y, struct term *T)
{
  const struct term *a = T + x->t0, *b = T + y->t0;
  size_t i = 0, j = 0;
  double dot = 0;
  if (x->norm == 0 || y->norm == 0) return 0;
  if (!x->sorted) sort_terms(T + x->t0, x->nt), x->sorted = true;
  if (!y->sorted) sort_terms(T + y->t0, y->nt), y->sorted = true;
  while (i < x->nt && j < y->nt) {
    if (a[i].stem < b[j].stem) i++;
    else if (a[i].stem > b[j].stem) j++;
    else {
      dot += (double)a[i].w * (double)b[j].w;
      i++;
      j++;
    }
  }
  return dot / (x->norm * y->norm);
}

/* acc = S p for S = D^-1/2 C D^-1/2, C the cosines of the edges, inv[i]
** = 1/sqrt(D_i) (0 without an edge); u is scratch. */
static void sym_product(size_t n, size_t n_e, const struct sedge *e,
                        const double *inv, const double *p, double *u,
                        double *acc)
{
  for (size_t i = 0; i < n; i++) {
    u[i] = inv[i] * p[i];
    acc[i] = 0;
  }
  for (size_t k = 0; k < n_e; k++) {
    double c = e[k].c;
    acc[e[k].i] += c * u[e[k].j];
    acc[e[k].j] += c * u[e[k].i];
  }
  for (size_t i = 0; i < n; i++) acc[i] *= inv[i];
}

/* Centrality: the PageRank (damping 0.85) of the similarity graph,
** approximated. With y = D^-1/2 x, PageRank is the solution of the
** symmetric positive definite system (I - d S) y = D^-1/2 1 (keywords.c's
** kw_pagerank solves the same system in single precision). The start is its d -> 1
** limit, the degree distribution with the teleport share mixed in (exact
** along the top eigenvector of a connected graph); then CG_ROUNDS
** conjugate-gradient steps. One step is 2 products over the edges where
** solving to a relative residual of 1e-6 took 9; against those converged
** ranks (BBC, 2,225 articles) a candidate's centrality / max is off by
** 0.019 on average, 155 articles take other sentences, and ROUGE is up a
** little in each category (R-1/R-2/R-L 0.5496/0.4920/0.4143 ->
** 0.5505/0.4933/0.4153): the priors weigh more than that difference.
** (CG_ROUNDS 50: the converged ranks, the records of the double solve to
** 1e-6 of 0c4f903 byte for byte.) x gets n values up to a factor; tmp holds 6 n
** doubles. */
static void centrality(size_t n, size_t n_e, const struct sedge *e,
                       const double *sd, double *x, double *tmp)
{
  double *y = tmp, *r = y + n, *p = r + n, *inv = p + n, *u = inv + n;
  double *acc = u + n;
  double total = 0, rr = 0, bb = 0;
  for (size_t i = 0; i < n; i++) total += sd[i] * sd[i];
  for (size_t i = 0; i < n; i++) {
    double x0 = 1.0 + (total > 0 ? DAMPING / (1.0 - DAMPING) * (double)n *
                                       sd[i] * sd[i] / total
                                 : 0);
    inv[i] = sd[i] > 0 ? 1.0 / sd[i] : 0;
    y[i] = sd[i] > 0 ? x0 * inv[i] : 1.0;
  }
  /* r = D^-1/2 1 - (I - d S) y */
  sym_product(n, n_e, e, inv, y, u, acc);
  for (size_t i = 0; i < n; i++) {
    double bi = sd[i] > 0 ? inv[i] : 1.0;
    r[i] = bi - (y[i] - DAMPING * acc[i]);
    p[i] = r[i];
    rr += r[i] * r[i];
    bb += bi * bi;
  }
  for (int it = 0; it < CG_ROUNDS && rr > CG_TOL * CG_TOL * bb; it++) {
    double pq = 0, rr2 = 0, alpha, beta;
    sym_product(n, n_e, e, inv, p, u, acc);
    for (size_t i = 0; i < n; i++) {
      acc[i] = p[i] - DAMPING * acc[i];
      pq += p[i] * acc[i];
    }
    if (!(pq > 0)) break;
    alpha = rr / pq;
    for (size_t i = 0; i < n; i++) {
      y[i] += alpha * p[i];
      r[i] -= alpha * acc[i];
      rr2 += r[i] * r[i];
    }
    beta = rr2 / rr;
    rr = rr2;
    for (size_t i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
  }
  for (size_t i = 0; i < n; i++) x[i] = sd[i] > 0 ? y[i] * sd[i] : 1.0;
}

/* Best first: higher score, then earlier (a total order, so any sort
** gives the same sequence). */
static bool sent_before(const struct sent *a, const struct sent *b)
{
  if (a->score != b->score) return a->score > b->score;
  return a->index < b->index;
}

/* The candidates best first: a heap by sent_before, popped as the
** summary takes them (a handful of pops, where a sort orders them all). */
static void heap_down(struct sent **h, size_t n, size_t i)
{
  for (;;) {
    size_t l = 2 * i + 1, best = i;
    struct sent *t;
    if (l < n && sent_before(h[l], h[best])) best = l;
    if (l + 1 < n && sent_before(h[l + 1], h[best])) best = l + 1;
    if (best == i) return;
    t = h[i];
    h[i] = h[best];
    h[best] = t;
    i = best;
  }
}

/* Past this many, the article order is qsort's. */
#define SORT_INLINE 64

static int cmp_u32(const void *x, const void *y)
{
  uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
  return a < b ? -1 : a > b;
}


/* The stage's arrays, kept in the annotator between documents (their
** room only; every document fills them anew). */
struct dl__sum_ws {
  struct sent *S;
  struct term *terms;
  struct sedge *edges;
  uint32_t *seen, *links;
  double *pos; /* 1 / sqrt(1 + i) for i < pos_n */
  size_t pos_n, pos_cap;
  double *deg, *pr, *ent_sal, *row, *tmp;
  struct sent **order;
  uint32_t *out;
  size_t out_cap;
  size_t S_cap, terms_cap, edges_cap, seen_cap, deg_cap, pr_cap, ent_sal_cap,
      row_cap, tmp_cap, order_cap, links_cap;
};

void dl__sum_ws_free(const dl_allocator *al, struct dl__sum_ws *x)
{
  if (!x) return;
  dl__free(al, x->S);
  dl__free(al, x->terms);
  dl__free(al, x->edges);
  dl__free(al, x->seen);
  dl__free(al, x->links);
  dl__free(al, x->pos);
  dl__free(al, x->deg);
  dl__free(al, x->pr);
  dl__free(al, x->ent_sal);
  dl__free(al, x->row);
  dl__free(al, x->tmp);
  dl__free(al, x->order);
  dl__free(al, x->out);
  dl__free(al, x);
}

/* Room for n elements in *p (contents not kept), zeroed when zero. */
static bool room0(const dl_allocator *al, void **p, size_t *cap, size_t n,
                  size_t elem, bool zero)
{
  size_t bytes;
  if (!dl__told_room(al, p, cap, n, elem)) return false;
  if (zero) {
    if (!dl__mul_ok(n, elem, &bytes)) return false;
    memset(*p, 0, bytes);
  }
  return true;
}
#define ROOM0(al, arr, cap, n) \
  room0((al), (void **)&(arr), &(cap), (n), sizeof *(arr), true)
#define ROOM(al, arr, cap, n) \
  room0((al), (void **)&(arr), &(cap), (n), sizeof *(arr), false)
/* DL__PUSH without the call while there is room. */
#define PUSH(al, arr, n, cap) ((n) < (cap) || DL__PUSH(al, arr, n, cap))

dl_status dl__summary_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct dl__told *TL = d->told;
  struct dl__told_ws *ws = a->told_ws;
  const struct dl__words *W;
  struct dl__sum_ws *X;
  struct sent *S, **order;
  struct term *terms;
  struct sedge *edges;
  double *deg, *pr, *ent_sal = NULL;
  uint32_t *seen, *out;
  const uint32_t *form_stem;
  uint32_t *cstems; /* one sentence's content stems */
  size_t nS = 0, n_terms = 0, n_edges = 0, n_links = 0;
  size_t want = a->m->opt.summary_sentences ? a->m->opt.summary_sentences
                                            : DL_DEFAULT_SUMMARY_SENTENCES;
  size_t n_out = 0, max_s;
  dl_status rc = DL_OK;
  const dl_allocator *al = a->al;

  if (!TL || !TL->words_ran || !ws) return DL_OK;
  W = &TL->words;
  TL->summary_ran = true;
  if (!d->n_sentences || !W->n_stems) return DL_OK;
  if (!ws->sum && !(ws->sum = dl__calloc(al, 1, sizeof *ws->sum)))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  X = ws->sum;
  terms = X->terms; /* grown here, handed back at the end */
  edges = X->edges;
  max_s = DL__MIN(d->n_sentences, (size_t)DL__SUM_MAX_SENTS);
  if (!ROOM(al, X->S, X->S_cap, max_s) || /* every field set for each */
      !ROOM0(al, X->seen, X->seen_cap, W->n_stems)) /* stem -> term + 1 */
    goto oom;
  S = X->S;
  seen = X->seen;

  /* Entity salience per sentence: the sum over the distinct entities it
  ** names (a mention's first token gives its sentence). Mentions come
  ** mostly in text order, so the sentence is found by walking the
  ** sentences' token ranges along (a binary search when a mention goes
  ** back), not by reading the token (a cache line each); the token's
  ** sentence field when no sentence's range holds it. */
  if (d->n_mentions && d->n_entities) {
    size_t si = 0;
    if (!ROOM0(al, X->ent_sal, X->ent_sal_cap, d->n_sentences)) goto oom;
    ent_sal = X->ent_sal;
    for (size_t m = 0; m < d->n_mentions; m++) {
      const dl__mention *mn = &d->mentions[m];
      uint32_t s, t = mn->tok_start;
      if (mn->entity >= d->n_entities || mn->tok_end <= t ||
          t >= d->n_tokens)
        continue;
      if (si < d->n_sentences && t < d->sentences[si].tok_start) {
        size_t lo = 0, hi = si; /* back: the first sentence ending past t */
        while (lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if (d->sentences[mid].tok_end <= t) lo = mid + 1;
          else hi = mid;
        }
        si = lo;
      }
      while (si < d->n_sentences && t >= d->sentences[si].tok_end) si++;
      if (si < d->n_sentences && t >= d->sentences[si].tok_start)
        s = (uint32_t)si;
      else
        s = d->tokens[t].sent;
      if (s < d->n_sentences)
        ent_sal[s] += d->entities[mn->entity].salience;
    }
  }

  /* 1-2. Candidates and their vectors. Each form's stem when it is a
  ** content word (no stop word, two bytes at least; UINT32_MAX when not),
  ** once per form: the token loop reads one small array instead of the
  ** forms. */
  {
    dl__buf *b = &ws->tmp[2]; /* scratch, as in keywords.c */
    uint32_t *fst;
    b->len = 0;
    if (!dl__buf_reserve(b, (W->n_forms + 1) * sizeof *fst)) goto oom;
    fst = (uint32_t *)(void *)b->p;
    fst[0] = UINT32_MAX; /* "no form": UINT32_MAX + 1 */
    for (size_t f = 0; f < W->n_forms; f++) { /* no branch: half are stop words */
      const struct dl__form *F = &W->forms[f];
      uint32_t no = (uint32_t)((F->flags & DL__W_STOP) != 0) | (F->len < 2);
      fst[f + 1] = F->stem | (0u - no);
    }
    form_stem = fst;
    b = &ws->tmp[3];
    b->len = 0;
    if (!dl__buf_reserve(b, (d->n_tokens + 1) * sizeof *cstems)) goto oom;
    cstems = (uint32_t *)(void *)b->p;
  }
  for (size_t si = 0; si < d->n_sentences && nS < DL__SUM_MAX_SENTS; si++) {
    const dl__sentence *s = &d->sentences[si];
    struct sent *c = &S[nS];
    size_t t0 = n_terms;
    uint32_t words = 0;
    if (s->flags & DL__SENT_HEADLINE) continue;
    size_t ncs = 0;
    /* The sentence's content stems gathered without a branch on each
    ** token (which kind a token is, is what a branch would mispredict). */
    for (const uint32_t *tf = W->tform + s->tok_start,
                        *te = W->tform + s->tok_end;
         tf < te; tf++) {
      uint32_t f1 = *tf + 1; /* 0: no form */
      uint32_t st = form_stem[f1];
      words += f1 != 0;
      cstems[ncs] = st;
      ncs += st < UINT32_MAX;
    }
    /* Room for every term the sentence may add, so the loop below needs
    ** no test. */
    if (n_terms + DL__MIN(ncs, (size_t)DL__SUM_MAX_TERMS) > X->terms_cap &&
        !dl__grow(al, (void **)&terms, &X->terms_cap,
                  n_terms + DL__MIN(ncs, (size_t)DL__SUM_MAX_TERMS) - 1,
                  sizeof *terms))
      goto oom;
    if (X->links_cap < X->terms_cap &&
        !dl__grow(al, (void **)&X->links, &X->links_cap, X->terms_cap - 1,
                  sizeof *X->links))
      goto oom;
    size_t l0 = n_links;
    /* Each new stem's weight is its IDF (tf 1), its square added to the
    ** norm as it comes; a sentence that repeats a stem (one in five) is
    ** weighed again below with its counts. */
    double norm = 0;
    bool rep = false;
    /* At most DL__SUM_MAX_TERMS terms, without a test on each: a stretch
    ** of stems no longer than the room left cannot overflow it. Once it is
    ** full, the rest only adds counts (rep: weighed again below). */
    for (size_t g = 0; g < ncs;) {
      size_t room = DL__SUM_MAX_TERMS - (n_terms - t0);
      size_t end = DL__MIN(ncs, g + room);
      if (!room) {
        rep = true;
        break;
      }
      for (; g < end; g++) {
        uint32_t st = cstems[g];
        float w;
        if (seen[st] > t0) {
          rep = true;
          continue;
        }
        w = W->stems[st].idf;
        terms[n_terms].stem = st;
        terms[n_terms].w = w;
        terms[n_terms].prev = seen[st];
        terms[n_terms].cand = (uint32_t)nS;
        X->links[n_links] = (uint32_t)n_terms; /* kept when it has a prev */
        n_links += seen[st] != 0;
        seen[st] = (uint32_t)++n_terms;
        norm += (double)w * (double)w;
      }
    }
    if (n_terms - t0 < MIN_TERMS) {
      /* Not a candidate: its stems' chains go back to where they were. */
      for (size_t k = t0; k < n_terms; k++)
        seen[terms[k].stem] = terms[k].prev;
      n_terms = t0;
      n_links = l0;
      continue;
    }
    if (rep) {
      /* Sublinear tf: a word said three times is not three times the
      ** sentence's topic. (1 + logf(1) is 1: no call for most.) */
      for (size_t k = t0; k < n_terms; k++) terms[k].w = 0;
      for (size_t g = 0; g < ncs; g++)
        if (seen[cstems[g]] > t0) terms[seen[cstems[g]] - 1].w += 1.0f;
      norm = 0;
      for (size_t k = t0; k < n_terms; k++) {
        float tf = terms[k].w;
        float w = (tf == 1.0f ? 1.0f : 1.0f + logf(tf)) *
                  W->stems[terms[k].stem].idf;
        terms[k].w = w;
        norm += (double)w * (double)w;
      }
    }
    c->index = (uint32_t)si;
    c->t0 = (uint32_t)t0;
    c->nt = (uint32_t)(n_terms - t0);
    c->l0 = (uint32_t)l0;
    c->nl = (uint32_t)(n_links - l0);
    c->words = words;
    c->ent = ent_sal ? ent_sal[si] : 0;
    c->norm = sqrt(norm);
    c->inv = c->norm > 0 ? 1.0 / c->norm : 0;
    c->sorted = false;
    nS++;
  }
  if (!nS) goto done;

  /* 3. The windowed graph and PageRank. */
  if (!ROOM(al, X->deg, X->deg_cap, nS) || !ROOM(al, X->pr, X->pr_cap, nS))
    goto oom;
  deg = X->deg;
  pr = X->pr;
  {
    /* Dot products from the stems' chains: for candidate j, each term's
    ** chain gives the earlier candidates holding its stem, nearest first,
    ** so only the pairs that share a stem cost a product, and the window
    ** ends a chain's walk. row[i] sums (i, j)'s products (kept zero
    ** between rows); the row is then read from the lowest candidate met up
    ** to j, in ascending i: the edges come out as the pairs (i, j) by j
    ** then i, and each degree sums its cosines in the order of the pairs
    ** by i then j, as a scan of the whole band row by row would. */
    size_t band = DL__MIN((size_t)DL__SUM_WINDOW, nS - 1);
    double *row;
    if (!ROOM0(al, X->row, X->row_cap, nS)) goto oom;
    row = X->row;
    for (size_t j = 1; j < nS; j++) {
      size_t lo = j;
      double ij = S[j].inv;
      /* Only the terms whose stem an earlier candidate holds (links). */
      for (size_t x = S[j].l0; x < S[j].l0 + S[j].nl; x++) {
        uint32_t k = X->links[x];
        double wk = terms[k].w;
        for (uint32_t q = terms[k].prev; q; q = terms[q - 1].prev) {
          uint32_t i = terms[q - 1].cand;
          if (j - i > band) break;
          lo = i < lo ? i : lo;
          row[i] += (double)terms[q - 1].w * wk;
        }
      }
      /* The row without a branch on each pair (whether a pair shares a
      ** stem, or passes the threshold, is what a branch would
      ** mispredict): every slot is written, the edge kept by its count. */
      if (n_edges + (j - lo) >= X->edges_cap &&
          !dl__grow(al, (void **)&edges, &X->edges_cap, n_edges + (j - lo),
                    sizeof *edges))
        goto oom;
      for (size_t i = lo; i < j; i++) {
        double c = row[i] * (S[i].inv * ij);
        row[i] = 0;
        edges[n_edges].i = (uint32_t)i;
        edges[n_edges].j = (uint32_t)j;
        edges[n_edges].c = (float)c;
        n_edges += c > 0.05;
      }
    }
    /* Degrees from the edges, in their order (pairs by j then i): each
    ** vertex sums its cosines by i then j, as a scan of the band would. */
    for (size_t i = 0; i < nS; i++) deg[i] = 0;
    for (size_t e = 0; e < n_edges; e++) {
      deg[edges[e].i] += edges[e].c;
      deg[edges[e].j] += edges[e].c;
    }
  }
  {
    /* Centrality over the graph (see centrality()). */
    if (!ROOM(al, X->tmp, X->tmp_cap, 6 * nS)) goto oom;
    for (size_t i = 0; i < nS; i++) deg[i] = sqrt(deg[i]);
    centrality(nS, n_edges, edges, deg, pr, X->tmp);
  }

  /* 4. Priors. The position prior 1/sqrt(1 + i) is kept in the
  ** workspace once computed (the same doubles for every document). */
  for (; X->pos_n < nS; X->pos_n++) {
    if (!PUSH(al, X->pos, X->pos_n, X->pos_cap)) goto oom;
    X->pos[X->pos_n] = 1.0 / sqrt(1.0 + (double)X->pos_n);
  }
  {
    double pmax = 0, emax = 0;
    for (size_t i = 0; i < nS; i++) {
      pmax = DL__MAX(pmax, pr[i]);
      emax = DL__MAX(emax, S[i].ent);
    }
    for (size_t i = 0; i < nS; i++) {
      struct sent *c = &S[i];
      double pos = X->pos[i];
      double len = DL__MIN((double)c->words / 20.0, 1.0);
      c->central = pmax > 0 ? pr[i] / pmax : 0;
      c->score = W_CENTRAL * c->central + W_POSITION * pos +
                 W_ENTITY * (emax > 0 ? c->ent / emax : 0) + W_LENGTH * len;
    }
  }

  /* 5. Best first, without near-repeats; then article order. */
  if (!ROOM(al, X->order, X->order_cap, nS) ||
      !ROOM(al, X->out, X->out_cap, DL__MIN(want, nS) + 1))
    goto oom;
  order = X->order;
  out = X->out;
  for (size_t i = 0; i < nS; i++) order[i] = &S[i];
  for (size_t i = nS / 2; i-- > 0;) heap_down(order, nS, i);
  for (size_t hn = nS; hn && n_out < want;) {
    struct sent *best = order[0];
    bool dup = false;
    order[0] = order[--hn];
    heap_down(order, hn, 0);
    for (size_t k = 0; k < n_out && !dup; k++) {
      /* out[] holds candidate positions while choosing. */
      if (cosine(best, &S[out[k]], terms) > REDUNDANT) dup = true;
    }
    if (dup) continue;
    out[n_out++] = (uint32_t)(best - S);
  }
  if (n_out > SORT_INLINE) { /* article order */
    qsort(out, n_out, sizeof *out, cmp_u32);
  } else {
    for (size_t i = 1; i < n_out; i++)
      for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
        uint32_t t = out[j];
        out[j] = out[j - 1];
        out[j - 1] = t;
      }
  }
  TL->summary.sent = dl__arena_alloc(&d->arena, (n_out + 1) * sizeof(uint32_t));
  TL->summary.score = dl__arena_alloc(&d->arena, (n_out + 1) * sizeof(float));
  if (!TL->summary.sent || !TL->summary.score) goto oom;
  for (size_t k = 0; k < n_out; k++) {
    TL->summary.sent[k] = S[out[k]].index;
    TL->summary.score[k] = (float)S[out[k]].score;
  }
  TL->summary.n = n_out;
  goto done;
oom:
  rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  X->terms = terms;
  X->edges = edges;
  return rc;
}

void dl__summary_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  const struct dl__summary *sm;
  dl__jw_key(w, "summary");
  if (!d->told || !d->told->summary_ran) {
    dl__jw_null(w);
    return;
  }
  sm = &d->told->summary;
  dl__jw_arr_begin(w);
  for (size_t k = 0; k < sm->n; k++) {
    const dl__sentence *s = &d->sentences[sm->sent[k]];
    if (!w->pretty && !(flags & DL_JSON_CHARS)) {
      /* The whole object written straight into the writer's buffer
      ** (tone_json.c) when its text has no byte to escape and its score
      ** the writer's fast form; else taken back and written key by key
      ** (the first three pairs still as one raw piece). */
      size_t n = s->end - s->start;
      dl__told_json_mark m = dl__told_json_mark_of(w);
      char *p = dl__told_json_begin(w, n + 160);
      if (!p) return; /* out of memory: the writer has oom set */
      memcpy(p, "{\"sentence\":", 12);
      p = dl__json_uint(p + 12, sm->sent[k]);
      memcpy(p, ",\"span\":", 8);
      p = dl__told_json_span(p + 8, s->start, s->end);
      memcpy(p, ",\"score\":", 9);
      p = dl__told_json_float3(p + 9, sm->score[k]);
      if (p) {
        memcpy(p, ",\"text\":", 8);
        p = dl__told_json_plain(p + 8, d->text + s->start, n);
      }
      if (p) {
        *p++ = '}';
        dl__told_json_end(w, p);
        continue;
      }
      dl__told_json_undo(w, m);
    }
    dl__jw_obj_begin(w);
    dl__jw_key(w, "sentence");
    if (!w->pretty && !(flags & DL_JSON_CHARS)) {
      /* The value of "sentence" and the two pairs after it as one raw
      ** piece (tone_json.c): the writer's state after it is the one a
      ** value gives, so "text" follows with its comma. */
      char buf[128], *p = dl__json_uint(buf, sm->sent[k]);
      memcpy(p, ",\"span\":", 8);
      p = dl__told_json_span(p + 8, s->start, s->end);
      memcpy(p, ",\"score\":", 9);
      p = dl__told_json_num3(p + 9, sm->score[k]);
      if (p) {
        dl__jw_raw(w, buf, (size_t)(p - buf));
        dl__jw_key(w, "text");
        dl__jw_str(w, d->text + s->start, s->end - s->start);
        dl__jw_obj_end(w);
        continue;
      }
    }
    dl__jw_uint(w, sm->sent[k]);
    dl__jw_key(w, "span");
    dl__jw_span(d, w, flags, s->start, s->end);
    dl__jw_key(w, "score");
    dl__jw_double(w, sm->score[k], 3);
    dl__jw_key(w, "text");
    dl__jw_str(w, d->text + s->start, s->end - s->start);
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
}
