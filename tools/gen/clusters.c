/*
 * clusters.c -- hierarchical word clusters from raw text (build-time tool).
 *
 * Input: a text file, one segment per line, tokens separated by spaces
 * (tools/gen/news_corpus.py writes it).  Output: TSV lines
 *
 *     word <TAB> path <TAB> count
 *
 * sorted by decreasing count, then by word (byte order), where path is a string of 0/1: the path from
 * the root of a binary tree to the word's leaf cluster, so that prefixes of
 * length 4, 6, 10, 20 give coarse-to-fine clusters, as with Brown clusters.
 *
 * Method (a distributional stand-in for Brown clustering that runs in well
 * under a minute instead of hours):
 *   1. Vocabulary: every word seen at least --min-count times (case kept).
 *   2. Context counts: for offsets -W..-1 and +1..+W (--window W, default 2)
 *      the neighbouring word when it is one of the --contexts most frequent
 *      words, otherwise one of four shape buckets (rare capitalised, rare
 *      lower case, rare with a digit, rare other), or a line boundary marker.
 *   3. PPMI weighting with context-distribution smoothing (--alpha 0.75).
 *   4. Truncated SVD by a randomised range finder (one power iteration,
 *      Gram-Schmidt, Jacobi eigensolver on the small matrix); word vectors
 *      are U * S^p (--power p, default 0.5), L2-normalised.
 *   5. Spherical k-means (k-means++ seeding) into --k leaf clusters.
 *   6. Ward agglomeration of the leaf centroids into a binary tree; a
 *      word's path is its leaf's path (left = 0, right = 1).
 * Everything is deterministic for a given --seed.
 *
 * --probe WORD (repeatable) prints, to stderr, the nearest words by cosine
 * and the members of the word's leaf cluster.
 *
 * Build: cc -O3 -std=c11 -o build/lex/clusters tools/gen/clusters.c -lm
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXWIN 4          /* widest context window (offsets -4..+4) */
#define NBUCKET 5         /* boundary + 4 rare-word shape buckets */
#define BOUNDARY UINT32_MAX

struct opts {
  const char *in, *out;
  long min_count, contexts, k, dim, iters, window;
  double alpha, power;
  uint64_t seed;
  const char *probe[32];
  int nprobe;
};

/* ---- small helpers ---- */

static void die(const char *msg)
{
  fprintf(stderr, "clusters: %s\n", msg);
  exit(1);
}

static void *xmalloc(size_t n)
{
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

static void *xcalloc(size_t n, size_t sz)
{
  void *p = calloc(n ? n : 1, sz ? sz : 1);
  if (!p) die("out of memory");
  return p;
}

static void *xrealloc(void *p, size_t n)
{
  p = realloc(p, n ? n : 1);
  if (!p) die("out of memory");
  return p;
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
  uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

static double rng_unif(void) /* [0, 1) */
{
  return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static double rng_gauss(void)
{
  double u = rng_unif(), v = rng_unif();
  if (u < 1e-300) u = 1e-300;
  return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- vocabulary: open-addressing hash of strings ---- */

struct vocab {
  char *pool;
  size_t pool_len, pool_cap;
  size_t *off;         /* word id -> offset in pool */
  uint64_t *count;
  uint32_t n, cap;     /* words, capacity of off/count */
  uint32_t *slot;      /* hash slot -> word id + 1 (0 = empty) */
  uint32_t nslot;
};

static uint64_t hash_str(const char *s, size_t len)
{
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < len; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ULL;
  }
  return h;
}

static const char *vocab_word(const struct vocab *v, uint32_t id)
{
  return v->pool + v->off[id];
}

static void vocab_grow(struct vocab *v)
{
  uint32_t nslot = v->nslot ? v->nslot * 2 : 1u << 16;
  uint32_t *slot = xcalloc(nslot, sizeof *slot);
  for (uint32_t i = 0; i < v->nslot; i++) {
    if (!v->slot[i]) continue;
    const char *w = vocab_word(v, v->slot[i] - 1);
    uint32_t h = (uint32_t)hash_str(w, strlen(w)) & (nslot - 1);
    while (slot[h]) h = (h + 1) & (nslot - 1);
    slot[h] = v->slot[i];
  }
  free(v->slot);
  v->slot = slot;
  v->nslot = nslot;
}

static uint32_t vocab_add(struct vocab *v, const char *s, size_t len)
{
  if ((uint64_t)(v->n + 1) * 2 > v->nslot) vocab_grow(v);
  uint32_t h = (uint32_t)hash_str(s, len) & (v->nslot - 1);
  while (v->slot[h]) {
    uint32_t id = v->slot[h] - 1;
    const char *w = vocab_word(v, id);
    if (strncmp(w, s, len) == 0 && w[len] == '\0') {
      v->count[id]++;
      return id;
    }
    h = (h + 1) & (v->nslot - 1);
  }
  if (v->n == v->cap) {
    v->cap = v->cap ? v->cap * 2 : 1024;
    v->off = xrealloc(v->off, v->cap * sizeof *v->off);
    v->count = xrealloc(v->count, v->cap * sizeof *v->count);
  }
  if (v->pool_len + len + 1 > v->pool_cap) {
    while (v->pool_len + len + 1 > v->pool_cap)
      v->pool_cap = v->pool_cap ? v->pool_cap * 2 : 1 << 20;
    v->pool = xrealloc(v->pool, v->pool_cap);
  }
  memcpy(v->pool + v->pool_len, s, len);
  v->pool[v->pool_len + len] = '\0';
  v->off[v->n] = v->pool_len;
  v->count[v->n] = 1;
  v->pool_len += len + 1;
  v->slot[h] = ++v->n;
  return v->n - 1;
}

/* Reads the corpus into a token-id stream, BOUNDARY at each line end. */
static uint32_t *read_corpus(const char *path, struct vocab *v, size_t *ntok)
{
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "clusters: %s: %s\n", path, strerror(errno));
    exit(1);
  }
  size_t cap = 1 << 20, n = 0;
  uint32_t *toks = xmalloc(cap * sizeof *toks);
  char *line = NULL;
  size_t lcap = 0;
  ssize_t len;
  while ((len = getline(&line, &lcap, f)) >= 0) {
    size_t i = 0, L = (size_t)len;
    for (;;) {
      while (i < L && isspace((unsigned char)line[i])) i++;
      if (i >= L) break;
      size_t j = i;
      while (j < L && !isspace((unsigned char)line[j])) j++;
      if (n + 2 > cap) {
        cap *= 2;
        toks = xrealloc(toks, cap * sizeof *toks);
      }
      toks[n++] = vocab_add(v, line + i, j - i);
      i = j;
    }
    if (n && toks[n - 1] != BOUNDARY) toks[n++] = BOUNDARY;
  }
  free(line);
  fclose(f);
  *ntok = n;
  return toks;
}

/* ---- ranking ---- */

static const struct vocab *g_sort_vocab;

static int by_count_desc(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  const struct vocab *v = g_sort_vocab;
  if (v->count[x] != v->count[y]) return v->count[x] > v->count[y] ? -1 : 1;
  return strcmp(vocab_word(v, x), vocab_word(v, y));
}

static uint32_t shape_bucket(const char *w)
{
  unsigned char c = (unsigned char)w[0];
  if (isupper(c)) return 1;
  if (islower(c)) return 2;
  for (const char *p = w; *p; p++)
    if (isdigit((unsigned char)*p)) return 3;
  return 4;
}

/* ---- sparse matrix (CSR) of PPMI values ---- */

struct csr {
  uint32_t rows, cols;
  size_t *start;       /* rows + 1 */
  uint32_t *col;
  float *val;
};

static void radix_sort32(uint32_t *a, size_t n)
{
  uint32_t *tmp = xmalloc(n * sizeof *tmp);
  size_t cnt[65536];
  for (int pass = 0; pass < 2; pass++) {
    int sh = pass * 16;
    memset(cnt, 0, sizeof cnt);
    for (size_t i = 0; i < n; i++) cnt[(a[i] >> sh) & 0xffff]++;
    size_t sum = 0;
    for (size_t b = 0; b < 65536; b++) {
      size_t c = cnt[b];
      cnt[b] = sum;
      sum += c;
    }
    for (size_t i = 0; i < n; i++) tmp[cnt[(a[i] >> sh) & 0xffff]++] = a[i];
    memcpy(a, tmp, n * sizeof *a);
  }
  free(tmp);
}

static void build_ppmi(const uint32_t *toks, size_t ntok, const uint32_t *rank,
                       const struct vocab *v, uint32_t nvoc, uint32_t nctx,
                       int win, double alpha, struct csr *m)
{
  const int npos = 2 * win;
  uint32_t block = nctx + NBUCKET, cols = (uint32_t)npos * block;
  int offs[2 * MAXWIN];
  for (int p = 0; p < win; p++) {
    offs[p] = p - win;              /* -win .. -1 */
    offs[win + p] = p + 1;          /* +1 .. +win */
  }
  if ((uint64_t)nvoc * cols >= UINT32_MAX) die("vocabulary too large");
  uint32_t *keys = xmalloc(ntok * npos * sizeof *keys);
  size_t nk = 0;
  for (size_t i = 0; i < ntok; i++) {
    if (toks[i] == BOUNDARY) continue;
    uint32_t r = rank[toks[i]];
    if (r >= nvoc) continue;
    for (int p = 0; p < npos; p++) {
      long j = (long)i + offs[p], step = offs[p] < 0 ? -1 : 1;
      uint32_t c = nctx;                /* boundary */
      for (long q = (long)i + step;; q += step) {
        if (q < 0 || (size_t)q >= ntok || toks[q] == BOUNDARY) break;
        if (q == j) {
          uint32_t rr = rank[toks[j]];
          c = rr < nctx ? rr : nctx + shape_bucket(vocab_word(v, toks[j]));
          break;
        }
      }
      keys[nk++] = r * cols + (uint32_t)p * block + c;
    }
  }
  radix_sort32(keys, nk);

  size_t nnz = 0;
  for (size_t i = 0; i < nk; i++)
    if (i == 0 || keys[i] != keys[i - 1]) nnz++;
  m->rows = nvoc;
  m->cols = cols;
  m->start = xcalloc(nvoc + 1, sizeof *m->start);
  m->col = xmalloc(nnz * sizeof *m->col);
  m->val = xmalloc(nnz * sizeof *m->val);
  double *rowsum = xcalloc(nvoc, sizeof *rowsum);
  double *colsum = xcalloc(cols, sizeof *colsum);
  size_t z = 0;
  for (size_t i = 0; i < nk;) {
    size_t j = i;
    while (j < nk && keys[j] == keys[i]) j++;
    uint32_t r = keys[i] / cols, c = keys[i] % cols;
    m->col[z] = c;
    m->val[z] = (float)(j - i);
    m->start[r + 1]++;
    rowsum[r] += (double)(j - i);
    colsum[c] += (double)(j - i);
    z++;
    i = j;
  }
  free(keys);
  for (uint32_t r = 0; r < nvoc; r++) m->start[r + 1] += m->start[r];

  /* PPMI with smoothed context distribution, per offset block */
  double *colpow = xcalloc(cols, sizeof *colpow);
  double blocksum[2 * MAXWIN] = {0};
  for (uint32_t c = 0; c < cols; c++) {
    colpow[c] = pow(colsum[c], alpha);
    blocksum[c / block] += colpow[c];
  }
  for (uint32_t r = 0; r < nvoc; r++) {
    for (size_t k = m->start[r]; k < m->start[r + 1]; k++) {
      uint32_t c = m->col[k];
      /* row total per block = rowsum / npos (each token adds one per block) */
      double pmi = log((double)m->val[k] * blocksum[c / block] /
                       ((rowsum[r] / npos) * colpow[c]));
      m->val[k] = pmi > 0 ? (float)pmi : 0.0f;
    }
  }
  fprintf(stderr, "clusters: matrix %u x %u, %zu nonzeros\n", nvoc, cols, nnz);
  free(rowsum);
  free(colsum);
  free(colpow);
}

/* ---- randomised truncated SVD ---- */

/* Y (rows x L, column-major) = M * G (G: cols x L, row-major) */
static void mul_MG(const struct csr *m, const double *g, uint32_t L, double *y)
{
  size_t R = m->rows;
  memset(y, 0, R * L * sizeof *y);
  double *acc = xmalloc(L * sizeof *acc);
  for (uint32_t r = 0; r < m->rows; r++) {
    memset(acc, 0, L * sizeof *acc);
    for (size_t k = m->start[r]; k < m->start[r + 1]; k++) {
      const double *gr = g + (size_t)m->col[k] * L;
      double x = m->val[k];
      for (uint32_t l = 0; l < L; l++) acc[l] += x * gr[l];
    }
    for (uint32_t l = 0; l < L; l++) y[(size_t)l * R + r] = acc[l];
  }
  free(acc);
}

/* B (cols x L, row-major) = M^T * Q (Q: rows x L, column-major) */
static void mul_MtQ(const struct csr *m, const double *q, uint32_t L, double *b)
{
  size_t R = m->rows;
  memset(b, 0, (size_t)m->cols * L * sizeof *b);
  double *qr = xmalloc(L * sizeof *qr);
  for (uint32_t r = 0; r < m->rows; r++) {
    for (uint32_t l = 0; l < L; l++) qr[l] = q[(size_t)l * R + r];
    for (size_t k = m->start[r]; k < m->start[r + 1]; k++) {
      double *br = b + (size_t)m->col[k] * L;
      double x = m->val[k];
      for (uint32_t l = 0; l < L; l++) br[l] += x * qr[l];
    }
  }
  free(qr);
}

/* Orthonormalises the L columns (each of length R) in place. */
static void gram_schmidt(double *y, size_t R, uint32_t L)
{
  for (uint32_t j = 0; j < L; j++) {
    double *cj = y + (size_t)j * R;
    for (int twice = 0; twice < 2; twice++) {
      for (uint32_t i = 0; i < j; i++) {
        const double *ci = y + (size_t)i * R;
        double d = 0;
        for (size_t r = 0; r < R; r++) d += ci[r] * cj[r];
        for (size_t r = 0; r < R; r++) cj[r] -= d * ci[r];
      }
    }
    double nrm = 0;
    for (size_t r = 0; r < R; r++) nrm += cj[r] * cj[r];
    nrm = sqrt(nrm);
    if (nrm < 1e-12) {
      memset(cj, 0, R * sizeof *cj);
      continue;
    }
    for (size_t r = 0; r < R; r++) cj[r] /= nrm;
  }
}

/* Cyclic Jacobi on symmetric n x n A (destroyed); eigenvectors in columns
 * of V, eigenvalues in w. */
static void jacobi(double *a, uint32_t n, double *vv, double *w)
{
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t j = 0; j < n; j++) vv[i * n + j] = i == j;
  for (int sweep = 0; sweep < 60; sweep++) {
    double off = 0, diag = 0;
    for (uint32_t i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (uint32_t j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-22 * diag) break;
    for (uint32_t p = 0; p < n; p++) {
      for (uint32_t q = p + 1; q < n; q++) {
        double apq = a[p * n + q];
        if (fabs(apq) < 1e-300) continue;
        double theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        double t = (theta >= 0 ? 1.0 : -1.0) /
                   (fabs(theta) + sqrt(theta * theta + 1));
        double c = 1 / sqrt(t * t + 1), s = t * c;
        for (uint32_t k = 0; k < n; k++) {
          double akp = a[k * n + p], akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (uint32_t k = 0; k < n; k++) {
          double apk = a[p * n + k], aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (uint32_t k = 0; k < n; k++) {
          double vkp = vv[k * n + p], vkq = vv[k * n + q];
          vv[k * n + p] = c * vkp - s * vkq;
          vv[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (uint32_t i = 0; i < n; i++) w[i] = a[i * n + i];
}

/* Word vectors (rows x dim, row-major floats, L2-normalised). */
static float *svd_vectors(const struct csr *m, uint32_t dim, double power)
{
  uint32_t L = dim + 20;
  size_t R = m->rows, C = m->cols;
  double *g = xmalloc(C * L * sizeof *g);
  for (size_t i = 0; i < C * L; i++) g[i] = rng_gauss();
  double *y = xmalloc(R * L * sizeof *y);
  mul_MG(m, g, L, y);
  gram_schmidt(y, R, L);
  /* one power iteration: Y = M (M^T Q) */
  mul_MtQ(m, y, L, g);
  mul_MG(m, g, L, y);
  gram_schmidt(y, R, L);
  mul_MtQ(m, y, L, g);             /* g = B^T, C x L */
  double *bb = xcalloc((size_t)L * L, sizeof *bb);
  for (size_t c = 0; c < C; c++) {
    const double *gc = g + c * L;
    for (uint32_t i = 0; i < L; i++)
      for (uint32_t j = i; j < L; j++) bb[i * L + j] += gc[i] * gc[j];
  }
  for (uint32_t i = 0; i < L; i++)
    for (uint32_t j = 0; j < i; j++) bb[i * L + j] = bb[j * L + i];
  double *ev = xmalloc((size_t)L * L * sizeof *ev), *w = xmalloc(L * sizeof *w);
  jacobi(bb, L, ev, w);
  /* order eigenpairs by decreasing eigenvalue */
  uint32_t *ord = xmalloc(L * sizeof *ord);
  for (uint32_t i = 0; i < L; i++) ord[i] = i;
  for (uint32_t i = 0; i < L; i++)
    for (uint32_t j = i + 1; j < L; j++)
      if (w[ord[j]] > w[ord[i]]) {
        uint32_t t = ord[i];
        ord[i] = ord[j];
        ord[j] = t;
      }
  fprintf(stderr, "clusters: singular values %.1f %.1f ... %.1f\n",
          sqrt(fmax(w[ord[0]], 0)), sqrt(fmax(w[ord[1]], 0)),
          sqrt(fmax(w[ord[dim - 1]], 0)));
  float *vec = xmalloc(R * dim * sizeof *vec);
  double *scale = xmalloc(dim * sizeof *scale);
  for (uint32_t d = 0; d < dim; d++)
    scale[d] = pow(fmax(w[ord[d]], 0), power / 2);  /* S^power */
  for (size_t r = 0; r < R; r++) {
    double nrm = 0;
    float *out = vec + r * dim;
    for (uint32_t d = 0; d < dim; d++) {
      uint32_t e = ord[d];
      double s = 0;
      for (uint32_t l = 0; l < L; l++) s += y[(size_t)l * R + r] * ev[l * L + e];
      s *= scale[d];
      out[d] = (float)s;
      nrm += s * s;
    }
    nrm = nrm > 0 ? 1 / sqrt(nrm) : 0;
    for (uint32_t d = 0; d < dim; d++) out[d] = (float)(out[d] * nrm);
  }
  free(g);
  free(y);
  free(bb);
  free(ev);
  free(w);
  free(ord);
  free(scale);
  return vec;
}

/* ---- spherical k-means ---- */

/* Eight partial sums so the compiler can vectorise without -ffast-math. */
static float dotf(const float *a, const float *b, uint32_t n)
{
  float s[8] = {0};
  uint32_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; j++) s[j] += a[i + j] * b[i + j];
  float t = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
  for (; i < n; i++) t += a[i] * b[i];
  return t;
}

static void normalise(float *a, uint32_t n)
{
  double s = 0;
  for (uint32_t i = 0; i < n; i++) s += (double)a[i] * a[i];
  s = s > 0 ? 1 / sqrt(s) : 0;
  for (uint32_t i = 0; i < n; i++) a[i] = (float)(a[i] * s);
}

static uint32_t *kmeans(const float *x, uint32_t n, uint32_t dim, uint32_t k,
                        long iters, float *cent)
{
  uint32_t *asg = xmalloc(n * sizeof *asg);
  double *d2 = xmalloc(n * sizeof *d2);
  /* k-means++ seeding with cosine distance 1 - cos */
  uint32_t first = (uint32_t)(rng_next() % n);
  memcpy(cent, x + (size_t)first * dim, dim * sizeof *cent);
  for (uint32_t i = 0; i < n; i++)
    d2[i] = fmax(0, 1 - dotf(x + (size_t)i * dim, cent, dim));
  for (uint32_t c = 1; c < k; c++) {
    double tot = 0;
    for (uint32_t i = 0; i < n; i++) tot += d2[i];
    double t = rng_unif() * tot;
    uint32_t pick = n - 1;
    for (uint32_t i = 0; i < n; i++) {
      t -= d2[i];
      if (t <= 0) {
        pick = i;
        break;
      }
    }
    float *cc = cent + (size_t)c * dim;
    memcpy(cc, x + (size_t)pick * dim, dim * sizeof *cc);
    for (uint32_t i = 0; i < n; i++) {
      double d = fmax(0, 1 - dotf(x + (size_t)i * dim, cc, dim));
      if (d < d2[i]) d2[i] = d;
    }
  }
  uint32_t *size = xmalloc(k * sizeof *size);
  double *sum = xmalloc((size_t)k * dim * sizeof *sum);
  /* centroids transposed (dim x k) so the scoring loop runs over clusters,
   * which vectorises without reassociating sums; 4 points share a pass */
  float *ct = xmalloc((size_t)k * dim * sizeof *ct);
  float *sc = xmalloc(4 * (size_t)k * sizeof *sc);
  for (long it = 0; it < iters; it++) {
    uint32_t changed = 0;
    double obj = 0;
    for (uint32_t c = 0; c < k; c++)
      for (uint32_t d = 0; d < dim; d++)
        ct[(size_t)d * k + c] = cent[(size_t)c * dim + d];
    for (uint32_t i0 = 0; i0 < n; i0 += 4) {
      uint32_t nb = n - i0 < 4 ? n - i0 : 4;
      float *s0 = sc, *s1 = sc + k, *s2 = sc + 2 * (size_t)k, *s3 = sc + 3 * (size_t)k;
      memset(sc, 0, 4 * (size_t)k * sizeof *sc);
      for (uint32_t d = 0; d < dim; d++) {
        const float *row = ct + (size_t)d * k;
        float x0 = x[(size_t)i0 * dim + d];
        float x1 = nb > 1 ? x[(size_t)(i0 + 1) * dim + d] : 0;
        float x2 = nb > 2 ? x[(size_t)(i0 + 2) * dim + d] : 0;
        float x3 = nb > 3 ? x[(size_t)(i0 + 3) * dim + d] : 0;
        for (uint32_t c = 0; c < k; c++) {
          float r = row[c];
          s0[c] += x0 * r;
          s1[c] += x1 * r;
          s2[c] += x2 * r;
          s3[c] += x3 * r;
        }
      }
      for (uint32_t b = 0; b < nb; b++) {
        const float *sb = sc + (size_t)b * k;
        uint32_t i = i0 + b, bc = 0;
        float best = sb[0];
        for (uint32_t c = 1; c < k; c++)
          if (sb[c] > best) {
            best = sb[c];
            bc = c;
          }
        if (it == 0 || asg[i] != bc) changed++;
        asg[i] = bc;
        d2[i] = 1 - best;
        obj += best;
      }
    }
    memset(size, 0, k * sizeof *size);
    memset(sum, 0, (size_t)k * dim * sizeof *sum);
    for (uint32_t i = 0; i < n; i++) {
      size[asg[i]]++;
      double *s = sum + (size_t)asg[i] * dim;
      const float *xi = x + (size_t)i * dim;
      for (uint32_t d = 0; d < dim; d++) s[d] += xi[d];
    }
    for (uint32_t c = 0; c < k; c++) {
      float *cc = cent + (size_t)c * dim;
      if (size[c] == 0) {
        /* reseed an empty cluster with the worst-fitting point */
        uint32_t worst = 0;
        for (uint32_t i = 1; i < n; i++)
          if (d2[i] > d2[worst]) worst = i;
        memcpy(cc, x + (size_t)worst * dim, dim * sizeof *cc);
        d2[worst] = 0;
        continue;
      }
      for (uint32_t d = 0; d < dim; d++) cc[d] = (float)sum[(size_t)c * dim + d];
      normalise(cc, dim);
    }
    fprintf(stderr, "clusters: k-means iter %ld: mean cos %.4f, %u moved\n",
            it + 1, obj / n, changed);
    if (it > 0 && changed < n / 2000) break;
  }
  free(d2);
  free(size);
  free(sum);
  free(ct);
  free(sc);
  return asg;
}

/* ---- Ward agglomeration of the leaf clusters into a binary tree ---- */

struct tree {
  uint32_t nleaf;
  int32_t *left, *right;   /* 2*nleaf-1 nodes; leaves have -1 */
  uint32_t root;
};

static void ward(const float *x, const uint32_t *asg, uint32_t n, uint32_t dim,
                 uint32_t k, struct tree *t)
{
  uint32_t nn = 2 * k - 1;
  double *cen = xcalloc((size_t)nn * dim, sizeof *cen);
  double *w = xcalloc(nn, sizeof *w);
  for (uint32_t i = 0; i < n; i++) {
    w[asg[i]] += 1;
    for (uint32_t d = 0; d < dim; d++) cen[(size_t)asg[i] * dim + d] += x[(size_t)i * dim + d];
  }
  for (uint32_t c = 0; c < k; c++)
    if (w[c] > 0)
      for (uint32_t d = 0; d < dim; d++) cen[(size_t)c * dim + d] /= w[c];
  t->nleaf = k;
  t->left = xmalloc(nn * sizeof *t->left);
  t->right = xmalloc(nn * sizeof *t->right);
  for (uint32_t i = 0; i < nn; i++) t->left[i] = t->right[i] = -1;
  uint32_t *act = xmalloc(k * sizeof *act);   /* active node ids */
  for (uint32_t c = 0; c < k; c++) act[c] = c;
  uint32_t na = k;
  /* cost matrix over active slots */
  double *cost = xmalloc((size_t)k * k * sizeof *cost);
  for (uint32_t i = 0; i < k; i++)
    for (uint32_t j = i + 1; j < k; j++) {
      double s = 0;
      for (uint32_t d = 0; d < dim; d++) {
        double e = cen[(size_t)i * dim + d] - cen[(size_t)j * dim + d];
        s += e * e;
      }
      double ww = w[i] + w[j];
      cost[(size_t)i * k + j] = ww > 0 ? w[i] * w[j] / ww * s : 0;
    }
  uint32_t next = k;
  while (na > 1) {
    uint32_t bi = 0, bj = 1;
    double best = HUGE_VAL;
    for (uint32_t i = 0; i < na; i++)
      for (uint32_t j = i + 1; j < na; j++)
        if (cost[(size_t)i * k + j] < best) {
          best = cost[(size_t)i * k + j];
          bi = i;
          bj = j;
        }
    uint32_t a = act[bi], b = act[bj], m = next++;
    /* the heavier child goes left so paths are stable-ish */
    t->left[m] = (int32_t)(w[a] >= w[b] ? a : b);
    t->right[m] = (int32_t)(w[a] >= w[b] ? b : a);
    w[m] = w[a] + w[b];
    for (uint32_t d = 0; d < dim; d++)
      cen[(size_t)m * dim + d] = w[m] > 0 ?
          (w[a] * cen[(size_t)a * dim + d] + w[b] * cen[(size_t)b * dim + d]) / w[m] : 0;
    /* slot bi becomes m; slot bj gets the last active slot */
    act[bi] = m;
    uint32_t last = na - 1;
    if (bj != last) {
      act[bj] = act[last];
      for (uint32_t i = 0; i < na; i++) {
        if (i == bj || i == last) continue;
        double v = i < last ? cost[(size_t)i * k + last] : cost[(size_t)last * k + i];
        if (i < bj) cost[(size_t)i * k + bj] = v;
        else cost[(size_t)bj * k + i] = v;
      }
    }
    na--;
    for (uint32_t i = 0; i < na; i++) {
      if (i == bi) continue;
      uint32_t o = act[i];
      double s = 0;
      for (uint32_t d = 0; d < dim; d++) {
        double e = cen[(size_t)o * dim + d] - cen[(size_t)m * dim + d];
        s += e * e;
      }
      double ww = w[o] + w[m];
      double c = ww > 0 ? w[o] * w[m] / ww * s : 0;
      if (i < bi) cost[(size_t)i * k + bi] = c;
      else cost[(size_t)bi * k + i] = c;
    }
  }
  t->root = act[0];
  free(act);
  free(cost);
  free(cen);
  free(w);
}

static void assign_paths(const struct tree *t, uint32_t node, char *buf,
                         size_t depth, char **leafpath)
{
  if (t->left[node] < 0) {
    buf[depth] = '\0';
    leafpath[node] = strdup(depth ? buf : "0");
    if (!leafpath[node]) die("out of memory");
    return;
  }
  if (depth + 2 > 4096) die("tree too deep");
  buf[depth] = '0';
  assign_paths(t, (uint32_t)t->left[node], buf, depth + 1, leafpath);
  buf[depth] = '1';
  assign_paths(t, (uint32_t)t->right[node], buf, depth + 1, leafpath);
}

/* ---- probes ---- */

static void probe(const char *word, const struct vocab *v, const uint32_t *byrank,
                  const uint32_t *rank, uint32_t nvoc, const float *vec,
                  uint32_t dim, const uint32_t *asg, char **leafpath)
{
  uint32_t id = UINT32_MAX;
  for (uint32_t r = 0; r < nvoc; r++)
    if (strcmp(vocab_word(v, byrank[r]), word) == 0) id = byrank[r];
  if (id == UINT32_MAX) {
    fprintf(stderr, "probe %s: not in the vocabulary\n", word);
    return;
  }
  uint32_t r0 = rank[id];
  enum { TOP = 12 };
  uint32_t best[TOP];
  float bs[TOP];
  int nb = 0;
  for (uint32_t r = 0; r < nvoc; r++) {
    if (r == r0) continue;
    float s = dotf(vec + (size_t)r * dim, vec + (size_t)r0 * dim, dim);
    if (nb < TOP || s > bs[nb - 1]) {
      int i = nb < TOP ? nb++ : TOP - 1;
      while (i > 0 && bs[i - 1] < s) {
        bs[i] = bs[i - 1];
        best[i] = best[i - 1];
        i--;
      }
      bs[i] = s;
      best[i] = r;
    }
  }
  fprintf(stderr, "probe %s (count %llu, path %s)\n  nearest:", word,
          (unsigned long long)v->count[id], leafpath[asg[r0]]);
  for (int i = 0; i < nb; i++)
    fprintf(stderr, " %s(%.2f)", vocab_word(v, byrank[best[i]]), bs[i]);
  fprintf(stderr, "\n  cluster:");
  int shown = 0;
  uint32_t members = 0;
  for (uint32_t r = 0; r < nvoc; r++)
    if (asg[r] == asg[r0]) {
      members++;
      if (shown < 25) {
        fprintf(stderr, " %s", vocab_word(v, byrank[r]));
        shown++;
      }
    }
  fprintf(stderr, "%s (%u words)\n", members > 25 ? " ..." : "", members);
}

/* ---- main ---- */

static void usage(void)
{
  fprintf(stderr,
          "usage: clusters [--min-count N] [--contexts N] [--k N] [--dim N]\n"
          "                [--iters N] [--seed N] [--window 1..4] [--alpha F]\n"
          "                [--power F] [--probe WORD]... CORPUS OUT\n");
  exit(2);
}

static long num_arg(const char *s)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v <= 0) usage();
  return v;
}

static double real_arg(const char *s)
{
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || *end || v < 0 || v > 4) usage();
  return v;
}

int main(int argc, char **argv)
{
  struct opts o = {0};
  o.min_count = 3;
  o.contexts = 1000;
  o.k = 1000;
  o.dim = 200;
  o.iters = 25;
  o.seed = 1;
  o.window = 2;
  o.alpha = 0.75;
  o.power = 0.5;
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (a[0] == '-' && a[1] == '-' && i + 1 < argc) {
      const char *v = argv[++i];
      if (!strcmp(a, "--min-count")) o.min_count = num_arg(v);
      else if (!strcmp(a, "--contexts")) o.contexts = num_arg(v);
      else if (!strcmp(a, "--k")) o.k = num_arg(v);
      else if (!strcmp(a, "--dim")) o.dim = num_arg(v);
      else if (!strcmp(a, "--iters")) o.iters = num_arg(v);
      else if (!strcmp(a, "--seed")) o.seed = (uint64_t)num_arg(v);
      else if (!strcmp(a, "--window")) o.window = num_arg(v);
      else if (!strcmp(a, "--alpha")) o.alpha = real_arg(v);
      else if (!strcmp(a, "--power")) o.power = real_arg(v);
      else if (!strcmp(a, "--probe") && o.nprobe < 32) o.probe[o.nprobe++] = v;
      else usage();
    } else if (npos == 0) {
      o.in = a;
      npos++;
    } else if (npos == 1) {
      o.out = a;
      npos++;
    } else {
      usage();
    }
  }
  if (npos != 2 || o.window > MAXWIN) usage();
  rng_state = o.seed;
  double t0 = now();

  struct vocab v = {0};
  size_t ntok;
  uint32_t *toks = read_corpus(o.in, &v, &ntok);
  g_sort_vocab = &v;
  uint32_t *byrank = xmalloc(v.n * sizeof *byrank);
  for (uint32_t i = 0; i < v.n; i++) byrank[i] = i;
  qsort(byrank, v.n, sizeof *byrank, by_count_desc);
  uint32_t *rank = xmalloc(v.n * sizeof *rank);
  uint32_t nvoc = 0;
  for (uint32_t r = 0; r < v.n; r++) {
    rank[byrank[r]] = r;
    if (v.count[byrank[r]] >= (uint64_t)o.min_count) nvoc = r + 1;
  }
  uint32_t nctx = (uint32_t)(o.contexts < (long)nvoc ? o.contexts : (long)nvoc);
  uint32_t dim = (uint32_t)o.dim, k = (uint32_t)o.k;
  if (k > nvoc) k = nvoc;
  fprintf(stderr, "clusters: %zu tokens, %u types, %u with count >= %ld, "
          "%u context words (%.1fs)\n", ntok, v.n, nvoc, o.min_count, nctx,
          now() - t0);
  if (nvoc < 2 || dim + 20 > 2 * o.window * (nctx + NBUCKET))
    die("corpus too small");

  struct csr m;
  build_ppmi(toks, ntok, rank, &v, nvoc, nctx, (int)o.window, o.alpha, &m);
  fprintf(stderr, "clusters: PPMI done (%.1fs)\n", now() - t0);
  float *vec = svd_vectors(&m, dim, o.power);
  fprintf(stderr, "clusters: SVD done (%.1fs)\n", now() - t0);
  float *cent = xmalloc((size_t)k * dim * sizeof *cent);
  uint32_t *asg = kmeans(vec, nvoc, dim, k, o.iters, cent);
  fprintf(stderr, "clusters: k-means done (%.1fs)\n", now() - t0);
  struct tree t;
  ward(vec, asg, nvoc, dim, k, &t);
  char **leafpath = xcalloc(2 * k, sizeof *leafpath);
  char *buf = xmalloc(4096);
  assign_paths(&t, t.root, buf, 0, leafpath);
  size_t maxd = 0, sumd = 0;
  for (uint32_t c = 0; c < k; c++) {
    size_t d = strlen(leafpath[c]);
    sumd += d;
    if (d > maxd) maxd = d;
  }
  fprintf(stderr, "clusters: tree done, path length mean %.1f max %zu (%.1fs)\n",
          (double)sumd / k, maxd, now() - t0);

  for (int i = 0; i < o.nprobe; i++)
    probe(o.probe[i], &v, byrank, rank, nvoc, vec, dim, asg, leafpath);

  /* output by decreasing count, then word: a loader that folds case and
   * keeps the first entry per folded key gets the most frequent casing */
  const uint32_t *out = byrank;
  FILE *f = fopen(o.out, "w");
  if (!f) {
    fprintf(stderr, "clusters: %s: %s\n", o.out, strerror(errno));
    return 1;
  }
  for (uint32_t i = 0; i < nvoc; i++) {
    uint32_t id = out[i];
    fprintf(f, "%s\t%s\t%llu\n", vocab_word(&v, id), leafpath[asg[rank[id]]],
            (unsigned long long)v.count[id]);
  }
  if (fclose(f) != 0) die("write failed");
  fprintf(stderr, "clusters: wrote %u words to %s (%.1fs)\n", nvoc, o.out,
          now() - t0);
  return 0;
}
