/*
** dedup.c -- near-duplicate detection: MinHash over word shingles, LSH
** banding, streaming (one pass, documents compared only with earlier ones).
**
** Text -> words: runs of ASCII letters/digits (lowercased) and of bytes
** >= 0x80 (UTF-8 letters, kept as they are); everything else separates.
** So markup, punctuation and case changes of a syndicated copy do not
** matter. Words -> shingles: every run of `shingle` consecutive words
** (default 3), hashed to 64 bits. A text shorter than a shingle is one
** shingle of all its words; a text with no word has no signature and is
** never anyone's duplicate.
**
** MinHash: k (default 128) values by one-permutation hashing with optimal
** densification (see signature()): one hash per shingle instead of k.
** P[sig_a[i] == sig_b[i]] is the Jaccard similarity of the shingle sets,
** so the share of equal positions estimates it (standard error about
** sqrt(J(1-J)/k): 0.04 at J = 0.7, k = 128).
**
** LSH: the first bands*rows signature values (default 16 bands of 3) are
** cut into bands; two documents become candidates when one whole band is
** equal, with probability 1 - (1 - J^rows)^bands: 0.88 at J = 0.5, 0.98
** at 0.6, 0.999 at 0.7, 0.36 at 0.3. Candidates are then verified with the
** full signature, stored as the low 8 bits of each value (b-bit MinHash:
** a quarter of the memory; the 1/256 chance agreement is subtracted, and
** the standard error grows by under 1%).
**
** Similarity of a candidate pair is the larger of the Jaccard estimate
** and, when the shorter text has at least 20 shingles and a quarter of the
** longer's, the containment of the shorter in the longer, derived from
** Jaccard and the two shingle counts: |A n B| = J/(1+J) (|A| + |B|). A
** truncated copy (the first 60% of the article) has J 0.6 but containment
** 1. At or above `threshold` (default 0.7) the document is a duplicate of
** its most similar earlier document, and joins that one's cluster.
**
** Memory: only documents that are not near-copies (similarity < 0.95 to
** everything earlier) are indexed -- exact and syndicated copies add
** nothing -- while edited versions are indexed, so that a third version
** can match the second. Per indexed document: the 8-bit signature (128
** bytes at k = 128), the shingle count, document and cluster numbers (20
** bytes), and `bands` table entries of 8 bytes (32-bit band fingerprint +
** 32-bit slot) in an open addressing table kept at most 70% full: about
** 330 bytes in all, more just after a doubling.
*/
#include "internal.h"

#include <string.h>

#define DEFAULT_SHINGLE 3
#define DEFAULT_HASHES 128
#define DEFAULT_BANDS 16
#define DEFAULT_ROWS 3
#define DEFAULT_THRESHOLD 0.7
#define INDEX_BELOW 0.95  /* near-copies at or above are not indexed */
#define MAX_SCAN 256      /* entries looked at per band (common bands) */
#define MIN_CONTAIN 20    /* shingles of the shorter text for containment */

struct dl_dedup {
  const dl_allocator *al;
  unsigned shingle, k, bands, rows;
  double threshold;
  uint32_t *cur, *cur2;   /* the signature being computed, raw bins */
  uint8_t *has;           /* bins that got a shingle */
  uint64_t *words;        /* word hashes of the current text */
  size_t words_cap;
  /* Indexed documents, by slot. */
  uint8_t *sig;           /* n * k, low 8 bits of each value */
  uint32_t *nsh;          /* shingle counts */
  uint64_t *docno;        /* add() ordinal */
  uint64_t *cluster;      /* cluster number */
  size_t n, cap;
  /* LSH table: key = band fingerprint (never 0), val = slot. */
  uint32_t *tkey, *tval;
  size_t tcap, tn;
  uint32_t *cand;         /* candidate slots of the current document */
  size_t ncand, cand_cap;
  uint64_t docs, clusters;
};

static uint64_t mix64(uint64_t x)
{
  /* splitmix64 finalizer */
  x ^= x >> 30;
  x *= UINT64_C(0xbf58476d1ce4e5b9);
  x ^= x >> 27;
  x *= UINT64_C(0x94d049bb133111eb);
  x ^= x >> 31;
  return x;
}

static void *grow_array(const dl_allocator *al, void *p, size_t old_n,
                        size_t new_n, size_t size)
{
  if (new_n > SIZE_MAX / size) return NULL;
  return dl__realloc(al, p, old_n * size, new_n * size);
}

DL_API dl_status dl_dedup_create(const dl_dedup_options *opt, dl_dedup **out,
                                 dl_error *err)
{
  dl_dedup *dd;
  const dl_allocator *al = opt ? opt->alloc : NULL;
  if (!out) return dl__fail(err, DL_ERR_INVALID, 0, "out is NULL");
  *out = NULL;
  dd = dl__calloc(al, 1, sizeof *dd);
  if (!dd) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  dd->al = al;
  dd->shingle = opt && opt->shingle ? opt->shingle : DEFAULT_SHINGLE;
  dd->k = opt && opt->hashes ? opt->hashes : DEFAULT_HASHES;
  dd->bands = opt && opt->bands ? opt->bands : DEFAULT_BANDS;
  dd->rows = opt && opt->rows ? opt->rows : DEFAULT_ROWS;
  dd->threshold = opt && opt->threshold > 0 ? opt->threshold
                                            : DEFAULT_THRESHOLD;
  if (dd->shingle > 16 || dd->k > 4096 || dd->bands * dd->rows > dd->k ||
      dd->threshold > 1.0) {
    dl_dedup_destroy(dd);
    return dl__fail(err, DL_ERR_INVALID, 0,
                    "dedup options: shingle <= 16, hashes <= 4096, "
                    "bands * rows <= hashes, threshold in (0, 1]");
  }
  dd->cur = dl__malloc(al, dd->k * sizeof *dd->cur);
  dd->cur2 = dl__malloc(al, dd->k * sizeof *dd->cur2);
  dd->has = dl__malloc(al, dd->k);
  if (!dd->cur || !dd->cur2 || !dd->has) {
    dl_dedup_destroy(dd);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  *out = dd;
  return DL_OK;
}

DL_API void dl_dedup_destroy(dl_dedup *dd)
{
  const dl_allocator *al;
  if (!dd) return;
  al = dd->al;
  dl__free(al, dd->cur);
  dl__free(al, dd->cur2);
  dl__free(al, dd->has);
  dl__free(al, dd->words);
  dl__free(al, dd->sig);
  dl__free(al, dd->nsh);
  dl__free(al, dd->docno);
  dl__free(al, dd->cluster);
  dl__free(al, dd->tkey);
  dl__free(al, dd->tval);
  dl__free(al, dd->cand);
  dl__free(al, dd);
}

/* --- Shingles and signature ------------------------------------------- */

static int word_byte(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c >= 0x80;
}

/* Word hashes of text into dd->words; returns the count or -1 (NOMEM). */
static long split_words(dl_dedup *dd, const char *text, size_t len)
{
  size_t i = 0, n = 0;
  while (i < len) {
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    if (!word_byte((unsigned char)text[i])) {
      i++;
      continue;
    }
    while (i < len && word_byte((unsigned char)text[i])) {
      unsigned char c = (unsigned char)text[i++];
      if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
      h = (h ^ c) * UINT64_C(0x100000001b3);
    }
    if (n == dd->words_cap) {
      size_t nc = dd->words_cap ? dd->words_cap * 2 : 1024;
      uint64_t *nw = grow_array(dd->al, dd->words, dd->words_cap, nc,
                                sizeof *nw);
      if (!nw) return -1;
      dd->words = nw;
      dd->words_cap = nc;
    }
    dd->words[n++] = h;
  }
  return (long)n;
}

/* Signature of the shingles of dd->words[0..n) into sig (k values); the
** shingle count into *nsh. One-permutation hashing: each shingle's 64-bit
** hash picks a bin (its high bits) and competes for that bin's minimum
** with its low 32 bits, so a shingle costs O(1) instead of O(k). Bins no
** shingle fell into are filled by optimal densification (Shrivastava,
** ICML 2017): bin i takes the value of the first non-empty bin along a
** probe sequence that depends on i only, the same for every document, so
** P[sig_a[i] == sig_b[i]] stays the Jaccard similarity. */
static void signature(const dl_dedup *dd, size_t n, uint32_t *sig,
                      size_t *nsh)
{
  size_t w = dd->shingle, count, empty = 0;
  unsigned k = dd->k;
  uint32_t *raw = dd->cur2;
  uint8_t *has = dd->has;
  for (unsigned i = 0; i < k; i++) {
    raw[i] = UINT32_MAX;
    has[i] = 0;
  }
  if (n == 0) {
    for (unsigned i = 0; i < k; i++) sig[i] = UINT32_MAX;
    *nsh = 0;
    return;
  }
  if (w > n) w = n;
  count = n - w + 1;
  for (size_t s = 0; s < count; s++) {
    uint64_t x = 0;
    unsigned bin;
    uint32_t v;
    for (size_t j = 0; j < w; j++)
      x = mix64(x ^ (dd->words[s + j] + j));
    bin = (unsigned)(((x >> 32) * (uint64_t)k) >> 32);
    v = (uint32_t)x;
    if (v < raw[bin]) raw[bin] = v;
    has[bin] = 1;
  }
  for (unsigned i = 0; i < k; i++) {
    sig[i] = raw[i];
    if (has[i]) continue;
    empty++;
    for (uint64_t t = 1;; t++) {
      unsigned j = (unsigned)(((mix64(((uint64_t)i << 32) + t) >> 32) *
                               (uint64_t)k) >> 32);
      if (has[j]) {
        /* Mix in the distance so that copies differ from the source. */
        sig[i] = (uint32_t)mix64(raw[j] + (t << 40));
        break;
      }
    }
  }
  (void)empty;
  *nsh = count;
}

DL_API dl_status dl_minhash(const char *text, size_t len, unsigned shingle,
                            unsigned k, uint32_t *sig, size_t *n_shingles,
                            dl_error *err)
{
  dl_dedup_options o;
  dl_dedup *dd;
  dl_status rc;
  long n;
  size_t nsh = 0;
  memset(&o, 0, sizeof o);
  o.shingle = shingle;
  o.hashes = k;
  o.bands = 1;
  o.rows = 1;
  if (!sig || (!text && len)) return dl__fail(err, DL_ERR_INVALID, 0,
                                              "NULL argument");
  rc = dl_dedup_create(&o, &dd, err);
  if (rc != DL_OK) return rc;
  n = split_words(dd, text, len);
  if (n < 0) {
    dl_dedup_destroy(dd);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  signature(dd, (size_t)n, sig, &nsh);
  if (n_shingles) *n_shingles = nsh;
  dl_dedup_destroy(dd);
  return DL_OK;
}

DL_API double dl_minhash_jaccard(const uint32_t *a, const uint32_t *b,
                                 unsigned k)
{
  unsigned eq = 0;
  if (!a || !b || k == 0) return 0;
  for (unsigned i = 0; i < k; i++) eq += a[i] == b[i];
  return (double)eq / k;
}

/* --- LSH table ---------------------------------------------------------- */

static uint32_t band_key(const dl_dedup *dd, const uint32_t *sig, unsigned b)
{
  uint64_t h = mix64(UINT64_C(0x243f6a8885a308d3) + b);
  for (unsigned r = 0; r < dd->rows; r++)
    h = mix64(h ^ sig[b * dd->rows + r]);
  return (uint32_t)h | 1u; /* never 0: 0 marks an empty slot */
}

static int table_grow(dl_dedup *dd)
{
  size_t nc = dd->tcap ? dd->tcap * 2 : 4096;
  uint32_t *nk = dl__calloc(dd->al, nc, sizeof *nk);
  uint32_t *nv = dl__malloc(dd->al, nc * sizeof *nv);
  if (!nk || !nv) {
    dl__free(dd->al, nk);
    dl__free(dd->al, nv);
    return -1;
  }
  /* The stored signatures are 8-bit, so keys cannot be recomputed: a
  ** key's position derives from the key itself (table_pos). */
  for (size_t i = 0; i < dd->tcap; i++) {
    size_t p;
    if (!dd->tkey[i]) continue;
    p = (size_t)mix64(dd->tkey[i]) & (nc - 1);
    while (nk[p]) p = (p + 1) & (nc - 1);
    nk[p] = dd->tkey[i];
    nv[p] = dd->tval[i];
  }
  dl__free(dd->al, dd->tkey);
  dl__free(dd->al, dd->tval);
  dd->tkey = nk;
  dd->tval = nv;
  dd->tcap = nc;
  return 0;
}

static size_t table_pos(const dl_dedup *dd, uint32_t key)
{
  return (size_t)mix64(key) & (dd->tcap - 1);
}

static int add_cand(dl_dedup *dd, uint32_t slot)
{
  for (size_t i = 0; i < dd->ncand; i++)
    if (dd->cand[i] == slot) return 0;
  if (dd->ncand == dd->cand_cap) {
    size_t nc = dd->cand_cap ? dd->cand_cap * 2 : 64;
    uint32_t *n = grow_array(dd->al, dd->cand, dd->cand_cap, nc, sizeof *n);
    if (!n) return -1;
    dd->cand = n;
    dd->cand_cap = nc;
  }
  dd->cand[dd->ncand++] = slot;
  return 0;
}

/* Keys mix the band number in, so one table serves every band; a key
** equal by chance (32 bits) only adds a candidate that verification
** rejects. */
static int lookup(dl_dedup *dd, const uint32_t *sig)
{
  dd->ncand = 0;
  if (!dd->tcap) return 0;
  for (unsigned b = 0; b < dd->bands; b++) {
    size_t p;
    uint32_t key = band_key(dd, sig, b);
    int seen = 0;
    for (p = table_pos(dd, key); dd->tkey[p]; p = (p + 1) & (dd->tcap - 1)) {
      if (dd->tkey[p] != key) continue;
      if (add_cand(dd, dd->tval[p])) return -1;
      if (++seen == MAX_SCAN) break;
    }
  }
  return 0;
}

static int index_doc(dl_dedup *dd, const uint32_t *sig, size_t nsh,
                     uint64_t cluster)
{
  size_t slot = dd->n;
  if (dd->n == dd->cap) {
    size_t nc = dd->cap ? dd->cap * 2 : 1024;
    uint8_t *s = grow_array(dd->al, dd->sig, dd->cap * dd->k,
                            nc * dd->k, sizeof *s);
    if (!s) return -1;
    dd->sig = s;
    {
      uint32_t *n1 = grow_array(dd->al, dd->nsh, dd->cap, nc, sizeof *n1);
      if (!n1) return -1;
      dd->nsh = n1;
    }
    {
      uint64_t *d1 = grow_array(dd->al, dd->docno, dd->cap, nc, sizeof *d1);
      if (!d1) return -1;
      dd->docno = d1;
    }
    {
      uint64_t *c1 = grow_array(dd->al, dd->cluster, dd->cap, nc,
                                sizeof *c1);
      if (!c1) return -1;
      dd->cluster = c1;
    }
    dd->cap = nc;
  }
  if (slot >= UINT32_MAX) return -1;
  while ((dd->tn + dd->bands) * 10 >= dd->tcap * 7)
    if (table_grow(dd)) return -1;
  for (unsigned i = 0; i < dd->k; i++)
    dd->sig[slot * dd->k + i] = (uint8_t)sig[i];
  dd->nsh[slot] = nsh > UINT32_MAX ? UINT32_MAX : (uint32_t)nsh;
  dd->docno[slot] = dd->docs;
  dd->cluster[slot] = cluster;
  for (unsigned b = 0; b < dd->bands; b++) {
    size_t p;
    uint32_t key = band_key(dd, sig, b);
    for (p = table_pos(dd, key); dd->tkey[p]; p = (p + 1) & (dd->tcap - 1)) {
    }
    dd->tkey[p] = key;
    dd->tval[p] = (uint32_t)slot;
    dd->tn++;
  }
  dd->n++;
  return 0;
}

/* Similarity of the current signature to an indexed slot. */
static double similarity(const dl_dedup *dd, const uint32_t *sig, size_t nsh,
                         size_t slot)
{
  const uint8_t *s = dd->sig + slot * dd->k;
  unsigned eq = 0;
  double j, na = (double)nsh, nb = (double)dd->nsh[slot], small, big;
  for (unsigned i = 0; i < dd->k; i++) eq += (uint8_t)sig[i] == s[i];
  j = (double)eq / dd->k;
  /* b-bit MinHash (Li and Koenig 2010): values that differ still agree
  ** in their low 8 bits 1/256 of the time; remove that. */
  j = (j - 1.0 / 256) / (1.0 - 1.0 / 256);
  if (j < 0) j = 0;
  small = na < nb ? na : nb;
  big = na < nb ? nb : na;
  if (small >= MIN_CONTAIN && small * 4 >= big) {
    double c = j / (1 + j) * (na + nb) / small;
    if (c > 1) c = 1;
    if (c > j) return c;
  }
  return j;
}

DL_API dl_status dl_dedup_add(dl_dedup *dd, const char *text, size_t len,
                              dl_dedup_match *out, dl_error *err)
{
  long n;
  size_t nsh;
  double best = 0;
  size_t best_slot = 0;
  bool found = false;
  if (!dd || !out || (!text && len))
    return dl__fail(err, DL_ERR_INVALID, 0, "NULL argument");
  memset(out, 0, sizeof *out);
  out->dup_of = -1;
  n = split_words(dd, text, len);
  if (n < 0) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  signature(dd, (size_t)n, dd->cur, &nsh);
  out->shingles = nsh;
  if (nsh == 0) {
    /* Nothing to compare: its own cluster, not indexed. */
    out->cluster = dd->clusters++;
    dd->docs++;
    return DL_OK;
  }
  if (lookup(dd, dd->cur)) return dl__fail(err, DL_ERR_NOMEM, 0,
                                           "out of memory");
  for (size_t i = 0; i < dd->ncand; i++) {
    double s = similarity(dd, dd->cur, nsh, dd->cand[i]);
    /* Ties go to the earliest document: the original. */
    if (s > best || (s == best && found && dd->cand[i] < best_slot)) {
      best = s;
      best_slot = dd->cand[i];
      found = true;
    }
  }
  if (found && best >= dd->threshold) {
    out->dup_of = (int64_t)dd->docno[best_slot];
    out->cluster = dd->cluster[best_slot];
    out->similarity = best;
    if (best < INDEX_BELOW) {
      if (index_doc(dd, dd->cur, nsh, out->cluster))
        return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      out->indexed = 1;
    }
  } else {
    out->cluster = dd->clusters++;
    out->similarity = found ? best : 0;
    if (index_doc(dd, dd->cur, nsh, out->cluster))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    out->indexed = 1;
  }
  dd->docs++;
  return DL_OK;
}

DL_API size_t dl_dedup_memory(const dl_dedup *dd)
{
  if (!dd) return 0;
  return dd->cap * (dd->k * sizeof *dd->sig + sizeof *dd->nsh +
                    sizeof *dd->docno + sizeof *dd->cluster) +
         dd->tcap * (sizeof *dd->tkey + sizeof *dd->tval) +
         dd->words_cap * sizeof *dd->words;
}
