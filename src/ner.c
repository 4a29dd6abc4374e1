/*
** ner.c -- the named-entity tagger: model file, Viterbi decoding, the
** pipeline stage and the public tagging entry point.
**
** The model is a structured averaged perceptron (Collins 2002) over BILOU
** tags (ner.h) trained by ner_train.c. A sentence's score is the sum of
** hashed feature weights per token (ner_feat.c) plus first-order tag
** transitions; Viterbi finds the best tag sequence under the BILOU
** constraints (I and L only after B or I of the same type; the sentence
** cannot end inside an entity), so every decoded sequence is well formed.
**
** The model file (docs/MODEL-FORMAT.md) is a header (magic, format
** version, byte-order mark, file length, XXH64 of the payload) and a table
** of tagged chunks, each 16-byte aligned, so a little-endian host uses the
** weight chunk in place. Loading checks every offset and size against the
** file length before use, then the checksum, then the contents.
**
** A document is tagged in two steps: the document table (words seen lower
** case or capitalized anywhere in the document) is built over all its
** sentences, then each sentence is tagged with those non-local features.
** All buffers live in the annotator's workspace and only grow.
*/
#include "ner.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static const char *const ner_file = "ner.dlm";
static const unsigned char ner_magic[8] = {'D', 'L', 'N', 'E',
                                           'R', 'M', 'D', 'L'};

#define HDR_SIZE 48
#define CHUNK_ENTRY 16
#define TAG4(a, b, c, d)                                                   \
  ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 |             \
   (uint32_t)(d) << 24)
#define CH_INFO TAG4('I', 'N', 'F', 'O')
#define CH_TRAN TAG4('T', 'R', 'A', 'N')
#define CH_RMAP TAG4('R', 'M', 'A', 'P')
#define CH_WROW TAG4('W', 'R', 'O', 'W')
#define CH_CLUS TAG4('C', 'L', 'U', 'S')
#define CH_GAZT TAG4('G', 'A', 'Z', 'T')
#define BOM 0x01020304u

/* ====================================================================
** Tags
** ==================================================================== */

static const char *const type_names[DL__NER_NTYPES] = {"PER", "ORG", "LOC",
                                                       "MISC"};
static const char *const iob2_names[1 + 2 * DL__NER_NTYPES] = {
    "O",     "B-PER", "I-PER", "B-ORG", "I-ORG",
    "B-LOC", "I-LOC", "B-MISC", "I-MISC"};

int dl__ner_tag_type(int tag) { return tag <= 0 ? -1 : (tag - 1) / 4; }
int dl__ner_tag_pos(int tag) { return tag <= 0 ? -1 : (tag - 1) % 4; }

/* IOB2 label of a BILOU tag. */
const char *dl__ner_tag_iob2(int tag, int prev)
{
  int ty = dl__ner_tag_type(tag), pos = dl__ner_tag_pos(tag);
  (void)prev;
  if (ty < 0 || ty >= DL__NER_NTYPES) return iob2_names[0];
  return iob2_names[1 + 2 * ty + (pos == 1 || pos == 2 ? 1 : 0)];
}

bool dl__ner_allowed(int prev, int cur)
{
  int pt = dl__ner_tag_type(prev), pp = dl__ner_tag_pos(prev);
  int ct = dl__ner_tag_type(cur), cp = dl__ner_tag_pos(cur);
  bool inside = prev != DL__NER_NT && pt >= 0 && (pp == 0 || pp == 1);
  if (inside) return ct == pt && (cp == 1 || cp == 2);
  return ct < 0 || cp == 0 || cp == 3;
}

/* ====================================================================
** Viterbi
** ==================================================================== */

void dl__ner_constrain(const float *trans, float *out)
{
  for (int p = 0; p <= DL__NER_NT; p++)
    for (int t = 0; t < DL__NER_NT; t++)
      out[p * DL__NER_NT + t] =
          dl__ner_allowed(p, t) ? trans[p * DL__NER_NT + t] : -1e30f;
}

/* Allowed predecessors under BILOU: O, B-x and U-x follow a "closed" tag
** (O, L-*, U-*); I-x and L-x follow B-x or I-x (the unit test checks the
** table against dl__ner_allowed). */
static const uint8_t closed[9] = {0, 3, 4, 7, 8, 11, 12, 15, 16};
/* The tags that follow a closed tag: O, B-x, U-x. */
static const uint8_t opening[9] = {0, 1, 4, 5, 8, 9, 12, 13, 16};

#ifndef __SSE2__
/* Four floats (GCC/Clang vector extension: SSE2 on x86-64, plain code
** elsewhere); loaded with memcpy, so no alignment is assumed. */
typedef float dl__v4f __attribute__((vector_size(16)));
typedef int32_t dl__v4i __attribute__((vector_size(16)));

static inline dl__v4f v4_load(const float *p)
{
  dl__v4f v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline dl__v4f v4_splat(float x)
{
  dl__v4f v = {x, x, x, x};
  return v;
}

/* v where m is set, else w (m: all ones or all zeros per lane). */
static inline dl__v4f v4_sel(dl__v4i m, dl__v4f v, dl__v4f w)
{
  return (dl__v4f)(((dl__v4i)v & m) | ((dl__v4i)w & ~m));
}
#endif

void dl__ner_viterbi_prep(const float *trans, struct dl__ner_vt *vt)
{
  enum { NT = DL__NER_NT };
  memset(vt, 0, sizeof *vt);
  for (int k = 0; k < 9; k++)
    for (int j = 0; j < 9; j++)
      vt->tco[k][j] = trans[closed[k] * NT + opening[j]];
  for (int x = 0; x < DL__NER_NTYPES; x++)
    for (int d = 0; d < 2; d++) {
      int bt = 1 + 4 * x, it = bt + 1;
      vt->tbi[x][d] = trans[bt * NT + it + d];
      vt->tii[x][d] = trans[it * NT + it + d];
    }
  memcpy(vt->start, trans + NT * NT, sizeof vt->start);
}

void dl__ner_viterbi_vt(const float *em, size_t n,
                        const struct dl__ner_vt *vt, float *vit,
                        uint8_t *bp, uint8_t *tags)
{
  enum { NT = DL__NER_NT };
  const float NEG = -1e30f;
  if (!n) return;
  for (int t = 0; t < NT; t++) {
    vit[t] = em[t] + vt->start[t];
    bp[t] = 0;
  }
  for (size_t i = 1; i < n; i++) {
    const float *pv = vit + (i - 1) * NT;
    float *cv = vit + i * NT;
    const float *e = em + i * NT;
    uint8_t *b = bp + i * NT;
    /* Opening tags: the best closed predecessor, the first on ties (the
    ** same sums, compared in the same order, as a loop over closed[]). */
    float bf[12];
#ifdef __SSE2__
    /* maxps(s, best) is "s > best ? s : best"; k only grows, so the
    ** index of the last strict improvement is max(arg, k where s > best). */
    float af[12];
    __m128 p = _mm_set1_ps(pv[0]);
    __m128 b0 = _mm_add_ps(p, _mm_loadu_ps(vt->tco[0])),
           b1 = _mm_add_ps(p, _mm_loadu_ps(vt->tco[0] + 4)),
           b2 = _mm_add_ps(p, _mm_loadu_ps(vt->tco[0] + 8));
    __m128 a0 = _mm_setzero_ps(), a1 = a0, a2 = a0;
    for (int k = 1; k < 9; k++) {
      __m128 kk = _mm_set1_ps((float)k), s0, s1, s2;
      p = _mm_set1_ps(pv[closed[k]]);
      s0 = _mm_add_ps(p, _mm_loadu_ps(vt->tco[k]));
      s1 = _mm_add_ps(p, _mm_loadu_ps(vt->tco[k] + 4));
      s2 = _mm_add_ps(p, _mm_loadu_ps(vt->tco[k] + 8));
      a0 = _mm_max_ps(a0, _mm_and_ps(kk, _mm_cmpgt_ps(s0, b0)));
      a1 = _mm_max_ps(a1, _mm_and_ps(kk, _mm_cmpgt_ps(s1, b1)));
      a2 = _mm_max_ps(a2, _mm_and_ps(kk, _mm_cmpgt_ps(s2, b2)));
      b0 = _mm_max_ps(s0, b0);
      b1 = _mm_max_ps(s1, b1);
      b2 = _mm_max_ps(s2, b2);
    }
    _mm_storeu_ps(bf, b0);
    _mm_storeu_ps(bf + 4, b1);
    _mm_storeu_ps(bf + 8, b2);
    _mm_storeu_ps(af, a0);
    _mm_storeu_ps(af + 4, a1);
    _mm_storeu_ps(af + 8, a2);
#else
    int32_t af[12];
    dl__v4f p = v4_splat(pv[0]);
    dl__v4f b0 = p + v4_load(vt->tco[0]), b1 = p + v4_load(vt->tco[0] + 4),
            b2 = p + v4_load(vt->tco[0] + 8);
    dl__v4i a0 = {0, 0, 0, 0}, a1 = a0, a2 = a0;
    for (int k = 1; k < 9; k++) {
      dl__v4i kk = {k, k, k, k}, m0, m1, m2;
      dl__v4f s0, s1, s2;
      p = v4_splat(pv[closed[k]]);
      s0 = p + v4_load(vt->tco[k]);
      s1 = p + v4_load(vt->tco[k] + 4);
      s2 = p + v4_load(vt->tco[k] + 8);
      m0 = s0 > b0;
      m1 = s1 > b1;
      m2 = s2 > b2;
      b0 = v4_sel(m0, s0, b0);
      b1 = v4_sel(m1, s1, b1);
      b2 = v4_sel(m2, s2, b2);
      a0 = (kk & m0) | (a0 & ~m0);
      a1 = (kk & m1) | (a1 & ~m1);
      a2 = (kk & m2) | (a2 & ~m2);
    }
    memcpy(bf, &b0, 16);
    memcpy(bf + 4, &b1, 16);
    memcpy(bf + 8, &b2, 16);
    memcpy(af, &a0, 16);
    memcpy(af + 4, &a1, 16);
    memcpy(af + 8, &a2, 16);
#endif
    for (int j = 0; j < 9; j++) {
      int t = opening[j];
      cv[t] = bf[j] + e[t];
      b[t] = closed[(int)af[j]];
    }
    /* Inside and last tags: from B-x or I-x of the same type, B-x on
    ** ties. */
    for (int x = 0; x < DL__NER_NTYPES; x++) {
      int bt = 1 + 4 * x, it = bt + 1;
      for (int d = 0; d < 2; d++) {
        float sb = pv[bt] + vt->tbi[x][d], si = pv[it] + vt->tii[x][d];
        cv[it + d] = (sb >= si ? sb : si) + e[it + d];
        b[it + d] = (uint8_t)(sb >= si ? bt : it);
      }
    }
  }
  {
    const float *lv = vit + (n - 1) * NT;
    int arg = 0;
    float best = NEG * 2;
    for (int t = 0; t < NT; t++) {
      int pos = dl__ner_tag_pos(t);
      if (pos == 0 || pos == 1) continue; /* cannot end inside */
      if (lv[t] > best) {
        best = lv[t];
        arg = t;
      }
    }
    for (size_t i = n; i-- > 0;) {
      tags[i] = (uint8_t)arg;
      arg = bp[i * NT + arg];
    }
  }
}

void dl__ner_viterbi(const float *em, size_t n, const float *trans,
                     float *vit, uint8_t *bp, uint8_t *tags)
{
  struct dl__ner_vt vt;
  if (!n) return;
  dl__ner_viterbi_prep(trans, &vt);
  dl__ner_viterbi_vt(em, n, &vt, vit, bp, tags);
}

/* ====================================================================
** Model file
** ==================================================================== */

static float rdf32(const unsigned char *p)
{
  uint32_t u = dl__ner_rd32(p);
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

static bool host_le(void)
{
  const uint16_t one = 1;
  unsigned char c;
  memcpy(&c, &one, 1);
  return c == 1;
}

void dl__ner_destroy(struct dl__ner *n)
{
  if (!n) return;
  dl__free(n->al, n->w_own);
  dl__free(n->al, n->rmap);
  dl__free(n->al, n->rank);
  dl__free(n->al, n->image_raw);
  dl__free(n->al, n);
}

static bool is_pow2_table(uint32_t size)
{
  uint32_t slots;
  if (size == 0 || size % 8) return false;
  slots = size / 8;
  return (slots & (slots - 1)) == 0;
}

/* The file image is placed on a 64-byte boundary inside its block, so
** that chunk alignment in the file is alignment in memory. */
static unsigned char *align64(unsigned char *p)
{
  return p ? p + ((64 - ((uintptr_t)p & 63)) & 63) : NULL;
}

/* Parses the image (already owned by n). */
static dl_status parse_image(struct dl__ner *n, const char *name,
                             dl_error *err)
{
  const unsigned char *b = n->image;
  size_t len = n->image_len;
  uint32_t version, nch, hsize;
  uint64_t sum, flen;
  const unsigned char *info = NULL, *tran = NULL, *wght = NULL, *rmap = NULL;
  uint32_t wsize = 0, tsize = 0, isize = 0, rsize = 0;

  if (len < HDR_SIZE)
    return dl__fail(err, DL_ERR_FORMAT, 0,
                    "%s: truncated model file (%zu bytes)", name, len);
  if (memcmp(b, ner_magic, 8) != 0)
    return dl__fail(err, DL_ERR_FORMAT, 0, "%s: not a dateline NER model",
                    name);
  version = dl__ner_rd32(b + 8);
  if (version != DL__NER_FORMAT_VERSION)
    return dl__fail(err, DL_ERR_VERSION, 8,
                    "%s: model format version %u, this build reads %u", name,
                    version, DL__NER_FORMAT_VERSION);
  if (dl__ner_rd32(b + 12) != BOM)
    return dl__fail(err, DL_ERR_FORMAT, 12, "%s: bad byte-order mark", name);
  nch = dl__ner_rd32(b + 16);
  hsize = dl__ner_rd32(b + 20);
  sum = dl__ner_rd64(b + 24);
  flen = dl__ner_rd64(b + 32);
  if (flen != len)
    return dl__fail(err, DL_ERR_FORMAT, 32,
                    "%s: truncated or padded model file (%zu bytes, header "
                    "says %llu)",
                    name, len, (unsigned long long)flen);
  if (nch == 0 || nch > 64 || hsize != HDR_SIZE + nch * CHUNK_ENTRY ||
      hsize > len)
    return dl__fail(err, DL_ERR_FORMAT, 16, "%s: bad chunk table", name);
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
  /* (Fuzz builds skip the checksum so that mutations reach the chunk
  ** checks below, which must hold on their own.) */
  if (XXH64(b + hsize, len - hsize, 0) != sum)
    return dl__fail(err, DL_ERR_FORMAT, 24,
                    "%s: checksum mismatch (corrupt model file)", name);
#else
  (void)sum;
#endif
  for (uint32_t i = 0; i < nch; i++) {
    const unsigned char *e = b + HDR_SIZE + i * CHUNK_ENTRY;
    uint32_t tag = dl__ner_rd32(e), off = dl__ner_rd32(e + 8);
    uint32_t size = dl__ner_rd32(e + 12);
    if (off < hsize || off > len || size > len - off || off % 16)
      return dl__fail(err, DL_ERR_FORMAT, HDR_SIZE + i * CHUNK_ENTRY,
                      "%s: chunk %u out of bounds", name, i);
    switch (tag) {
    case CH_INFO: info = b + off; isize = size; break;
    case CH_TRAN: tran = b + off; tsize = size; break;
    case CH_WROW: wght = b + off; wsize = size; break;
    case CH_RMAP: rmap = b + off; rsize = size; break;
    case CH_CLUS:
      if (!is_pow2_table(size))
        return dl__fail(err, DL_ERR_FORMAT, off, "%s: bad cluster table",
                        name);
      n->lex.clus = b + off;
      n->lex.clus_mask = size / 8 - 1;
      break;
    case CH_GAZT:
      if (!is_pow2_table(size))
        return dl__fail(err, DL_ERR_FORMAT, off, "%s: bad gazetteer table",
                        name);
      n->lex.gaz = b + off;
      n->lex.gaz_mask = size / 8 - 1;
      break;
    default: break; /* unknown chunks are skipped (forward compatible) */
    }
  }
  if (!info || isize < 16 || !tran || !wght || !rmap)
    return dl__fail(err, DL_ERR_FORMAT, 0, "%s: missing chunk", name);
  n->bits = dl__ner_rd32(info);
  if (n->bits < 8 || n->bits > 26 || dl__ner_rd32(info + 4) != DL__NER_NT)
    return dl__fail(err, DL_ERR_FORMAT, 0, "%s: bad model dimensions", name);
  n->scale = rdf32(info + 8);
  /* Bounded so that no sum of weights comes near the -1e30 that marks a
  ** forbidden transition (64 features x 32767 x 1e3 < 3e9). */
  if (!(n->scale > 0.0f) || !(n->scale <= 1e3f))
    return dl__fail(err, DL_ERR_FORMAT, 0, "%s: bad weight scale", name);
  n->lex.n_gaz_cats = dl__ner_rd32(info + 12);
  n->flags = isize >= 20 ? dl__ner_rd32(info + 16) : 0;
  if (n->lex.n_gaz_cats > DL__NER_GAZ_CATS)
    return dl__fail(err, DL_ERR_FORMAT, 0, "%s: bad gazetteer categories",
                    name);
  if (tsize != (DL__NER_NT + 1) * DL__NER_NT * 4)
    return dl__fail(err, DL_ERR_FORMAT, 0, "%s: bad transition chunk", name);
  for (int p = 0; p <= DL__NER_NT; p++)
    for (int t = 0; t < DL__NER_NT; t++) {
      float v = rdf32(tran + 4 * (p * DL__NER_NT + t));
      if (!(v >= -1e6f && v <= 1e6f))
        return dl__fail(err, DL_ERR_FORMAT, 0, "%s: bad transition", name);
      n->trans[p][t] = v;
    }
  dl__ner_constrain(&n->trans[0][0], &n->tc[0][0]);
  dl__ner_viterbi_prep(&n->tc[0][0], &n->vt);
  /* Row map: bit r set when row r has weights; rank[w] counts the set
  ** bits before word w, so a row's place in WROW is a popcount away. */
  {
    size_t nwords = ((size_t)1 << n->bits) / 64, used = 0;
    if (rsize != nwords * 8)
      return dl__fail(err, DL_ERR_FORMAT, 0, "%s: bad row map size", name);
    n->rmap = dl__malloc(n->al, nwords * sizeof *n->rmap);
    n->rank = dl__malloc(n->al, nwords * sizeof *n->rank);
    if (!n->rmap || !n->rank)
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    for (size_t i = 0; i < nwords; i++) {
      n->rmap[i] = dl__ner_rd64(rmap + 8 * i);
      n->rank[i] = (uint32_t)used;
      used += dl__ner_popcount64(n->rmap[i]);
    }
    if (wsize != used * DL__NER_ROW * 2)
      return dl__fail(err, DL_ERR_FORMAT, 0,
                      "%s: weight rows do not match the row map", name);
    n->n_rows = used;
  }
  /* Rows are 32 bytes: used in place when 32-byte aligned on a
  ** little-endian host (one cache line each), else copied. */
  if (host_le() && ((uintptr_t)wght & 31) == 0) {
    n->w = (const int16_t *)(const void *)wght;
  } else {
    size_t cnt = wsize / 2;
    int16_t *w;
    n->w_own = dl__malloc(n->al, wsize + 32);
    if (!n->w_own) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    w = (int16_t *)(void *)((char *)n->w_own +
                            ((32 - ((uintptr_t)n->w_own & 31)) & 31));
    for (size_t i = 0; i < cnt; i++)
      w[i] = (int16_t)(uint16_t)(wght[2 * i] | wght[2 * i + 1] << 8);
    n->w = w;
  }
  return DL_OK;
}

dl_status dl__ner_load_mem(const dl_allocator *al, const void *buf,
                           size_t len, const char *name,
                           struct dl__ner **out, dl_error *err)
{
  struct dl__ner *n;
  dl_status rc;
  *out = NULL;
  if (!name) name = ner_file;
  if (!buf && len) return dl__fail(err, DL_ERR_INVALID, 0, "NULL buffer");
  n = dl__calloc(al, 1, sizeof *n);
  if (!n) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  n->al = al;
  snprintf(n->path, sizeof n->path, "%.199s", name);
  n->image_raw = dl__malloc(al, len + 64);
  n->image = align64(n->image_raw);
  if (!n->image_raw) {
    dl__ner_destroy(n);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  if (len) memcpy(n->image, buf, len);
  n->image_len = len;
  rc = parse_image(n, name, err);
  if (rc) {
    dl__ner_destroy(n);
    return rc;
  }
  *out = n;
  return DL_OK;
}

/* Reads a whole file through the allocator. ENOENT is reported as
** DL_ERR_EMPTY so that the caller can treat a missing model as absent. */
static dl_status read_file(const dl_allocator *al, const char *path,
                           unsigned char **raw, unsigned char **out,
                           size_t *len, dl_error *err)
{
  FILE *f = fopen(path, "rb");
  unsigned char *buf = NULL;
  long sz;
  *out = *raw = NULL;
  if (!f) {
    if (errno == ENOENT) return DL_ERR_EMPTY;
    return dl__fail(err, DL_ERR_IO, 0, "%s: %s", path, strerror(errno));
  }
  if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return dl__fail(err, DL_ERR_IO, 0, "%s: cannot read", path);
  }
  if ((unsigned long)sz > ((size_t)1 << 30)) {
    fclose(f);
    return dl__fail(err, DL_ERR_TOO_BIG, 0, "%s: model file too big", path);
  }
  buf = dl__malloc(al, (size_t)sz + 64);
  if (!buf) {
    fclose(f);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  if (fread(align64(buf), 1, (size_t)sz, f) != (size_t)sz) {
    fclose(f);
    dl__free(al, buf);
    return dl__fail(err, DL_ERR_IO, 0, "%s: read error", path);
  }
  fclose(f);
  *raw = buf;
  *out = align64(buf);
  *len = (size_t)sz;
  return DL_OK;
}

dl_status dl__ner_load_dir(dl_model *m, const char *dir, dl_error *err)
{
  char path[4096];
  unsigned char *buf, *raw;
  size_t len = 0;
  dl_status rc;
  struct dl__ner *n;
  if (!dir) return DL_OK;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, ner_file) >=
      sizeof path)
    return dl__fail(err, DL_ERR_INVALID, 0, "model folder path too long");
  rc = read_file(m->al, path, &raw, &buf, &len, err);
  if (rc == DL_ERR_EMPTY) return DL_OK; /* absent: stage disabled */
  if (rc) return rc;
  /* The file image is adopted, not copied. */
  n = dl__calloc(m->al, 1, sizeof *n);
  if (!n) {
    dl__free(m->al, raw);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  n->al = m->al;
  n->image_raw = raw;
  n->image = buf;
  n->image_len = len;
  snprintf(n->path, sizeof n->path, "%.199s", path);
  rc = parse_image(n, path, err);
  if (rc) {
    dl__ner_destroy(n);
    return rc;
  }
  m->ner = n;
  dl__model_add_resource(m, "ner");
  return DL_OK;
}

void dl__ner_free(dl_model *m)
{
  dl__ner_destroy(m->ner);
  m->ner = NULL;
}

/* Writes the model file. Weights are quantized to int16 with one scale:
** the largest |w| maps to 32767. */
dl_status dl__ner_write(const char *path, unsigned bits, uint32_t mflags,
                        const float *w,
                        const float *trans, /* (NT + 1) x NT */
                        const struct dl__ner_lex *lx, size_t clus_bytes,
                        size_t gaz_bytes, dl_error *err)
{
  size_t rows = (size_t)1 << bits, used = 0;
  size_t nch = 4 + (clus_bytes ? 1 : 0) + (gaz_bytes ? 1 : 0);
  size_t hsize = HDR_SIZE + nch * CHUNK_ENTRY, off, total;
  size_t sizes[6], offs[6];
  uint32_t tags[6];
  unsigned char *b;
  int16_t *q16 = NULL;
  uint64_t *map = NULL;
  float maxw = 0, scale;
  FILE *f;
  size_t c = 0;
  /* Only differences between tags matter to Viterbi, so each row is
  ** stored relative to its O weight: 16 values, 32 bytes. */
  for (size_t r = 0; r < rows; r++)
    for (int t = 1; t < DL__NER_NT; t++) {
      float d = fabsf(w[r * DL__NER_NT + t] - w[r * DL__NER_NT]);
      if (d > maxw) maxw = d;
    }
  scale = maxw > 0 ? maxw / 32767.0f : 1.0f;
  /* Quantize, then keep only the rows with a non-zero weight. */
  q16 = dl__malloc(NULL, rows * DL__NER_ROW * sizeof *q16);
  map = dl__calloc(NULL, rows / 64 + 1, sizeof *map);
  if (!q16 || !map) {
    dl__free(NULL, q16);
    dl__free(NULL, map);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  for (size_t r = 0; r < rows; r++) {
    bool nz = false;
    for (int t = 1; t < DL__NER_NT; t++) {
      long q = lrintf((w[r * DL__NER_NT + t] - w[r * DL__NER_NT]) / scale);
      if (q > 32767) q = 32767;
      if (q < -32767) q = -32767;
      q16[used * DL__NER_ROW + t - 1] = (int16_t)q;
      if (q) nz = true;
    }
    if (nz) {
      map[r / 64] |= UINT64_C(1) << (r % 64);
      used++;
    }
  }
  tags[c] = CH_INFO; sizes[c++] = 20;
  tags[c] = CH_TRAN; sizes[c++] = (DL__NER_NT + 1) * DL__NER_NT * 4;
  tags[c] = CH_RMAP; sizes[c++] = rows / 64 * 8;
  tags[c] = CH_WROW; sizes[c++] = used * DL__NER_ROW * 2;
  if (clus_bytes) { tags[c] = CH_CLUS; sizes[c++] = clus_bytes; }
  if (gaz_bytes) { tags[c] = CH_GAZT; sizes[c++] = gaz_bytes; }
  /* Chunks start on 64-byte boundaries (cache lines; the format asks 16). */
  off = (hsize + 63) & ~(size_t)63;
  for (size_t i = 0; i < nch; i++) {
    offs[i] = off;
    off = (off + sizes[i] + 63) & ~(size_t)63;
  }
  total = off;
  b = total > UINT32_MAX ? NULL : dl__calloc(NULL, 1, total);
  if (!b) {
    dl__free(NULL, q16);
    dl__free(NULL, map);
    return dl__fail(err, total > UINT32_MAX ? DL_ERR_TOO_BIG : DL_ERR_NOMEM,
                    0, "model too big or out of memory");
  }
  memcpy(b, ner_magic, 8);
  dl__ner_wr32(b + 8, DL__NER_FORMAT_VERSION);
  dl__ner_wr32(b + 12, BOM);
  dl__ner_wr32(b + 16, (uint32_t)nch);
  dl__ner_wr32(b + 20, (uint32_t)hsize);
  dl__ner_wr64(b + 32, total);
  for (size_t i = 0; i < nch; i++) {
    unsigned char *e = b + HDR_SIZE + i * CHUNK_ENTRY;
    unsigned char *p = b + offs[i];
    dl__ner_wr32(e, tags[i]);
    dl__ner_wr32(e + 8, (uint32_t)offs[i]);
    dl__ner_wr32(e + 12, (uint32_t)sizes[i]);
    switch (tags[i]) {
    case CH_INFO: {
      uint32_t u;
      dl__ner_wr32(p, bits);
      dl__ner_wr32(p + 4, DL__NER_NT);
      memcpy(&u, &scale, 4);
      dl__ner_wr32(p + 8, u);
      dl__ner_wr32(p + 12, lx ? lx->n_gaz_cats : 0);
      dl__ner_wr32(p + 16, mflags);
      break;
    }
    case CH_TRAN:
      for (int q = 0; q <= DL__NER_NT; q++)
        for (int t = 0; t < DL__NER_NT; t++) {
          uint32_t u;
          memcpy(&u, &trans[q * DL__NER_NT + t], 4);
          dl__ner_wr32(p + 4 * (q * DL__NER_NT + t), u);
        }
      break;
    case CH_RMAP:
      for (size_t k = 0; k < rows / 64; k++) dl__ner_wr64(p + 8 * k, map[k]);
      break;
    case CH_WROW:
      for (size_t k = 0; k < used * DL__NER_ROW; k++) {
        uint16_t u = (uint16_t)q16[k];
        p[2 * k] = (unsigned char)(u & 0xFF);
        p[2 * k + 1] = (unsigned char)(u >> 8);
      }
      break;
    case CH_CLUS: memcpy(p, lx->clus, sizes[i]); break;
    case CH_GAZT: memcpy(p, lx->gaz, sizes[i]); break;
    default: break;
    }
  }
  dl__free(NULL, q16);
  dl__free(NULL, map);
  dl__ner_wr64(b + 24, XXH64(b + hsize, total - hsize, 0));
  f = fopen(path, "wb");
  if (!f) {
    dl__free(NULL, b);
    return dl__fail(err, DL_ERR_IO, 0, "%s: %s", path, strerror(errno));
  }
  if (fwrite(b, 1, total, f) != total || fclose(f) != 0) {
    dl__free(NULL, b);
    return dl__fail(err, DL_ERR_IO, 0, "%s: write error", path);
  }
  dl__free(NULL, b);
  return DL_OK;
}

/* ====================================================================
** Tagging
** ==================================================================== */

struct dl__ner_ws *dl__ner_ws_new(const dl_allocator *al)
{
  struct dl__ner_ws *ws = dl__calloc(al, 1, sizeof *ws);
  if (ws) ws->al = al;
  return ws;
}

void dl__ner_ws_destroy(struct dl__ner_ws *ws)
{
  if (!ws) return;
  dl__free(ws->al, ws->ti);
  dl__free(ws->al, ws->rows);
  dl__free(ws->al, ws->nf);
  dl__free(ws->al, ws->em);
  dl__free(ws->al, ws->vit);
  dl__free(ws->al, ws->bp);
  dl__free(ws->al, ws->tags);
  dl__free(ws->al, ws->toks);
  dl__free(ws->al, ws->sent_end);
  dl__free(ws->al, ws->dlow);
  dl__free(ws->al, ws->dflags);
  dl__free(ws->al, ws->doc.keys);
  dl__free(ws->al, ws->doc.vals);
  dl__free(ws->al, ws->cw_raw);
  dl__free(ws->al, ws->cw_key);
  dl__free(ws->al, ws->cw_mru);
  dl__free(ws->al, ws->acc);
  dl__free(ws->al, ws->wh);
  dl__free(ws->al, ws->dwh);
  dl__free(ws->al, ws->dslot);
  dl__free(ws->al, ws->cw_gen);
  dl__free(ws->al, ws->dacc);
  dl__free(ws->al, ws->skept);
  dl__free(ws->al, ws);
}

void dl__ner_ws_free(dl_annotator *a)
{
  dl__ner_ws_destroy(a->ner_ws);
  a->ner_ws = NULL;
}

/* Per token: the best emission score of the chosen tag's type minus the
** best score of any other type (O included): how clearly the local
** evidence supports the type, whatever the B/I/L/U position. */
static void token_margins(const float *em, const uint8_t *tags, size_t n,
                          float *out)
{
  for (size_t i = 0; i < n; i++) {
    const float *r = em + i * DL__NER_NT;
    int ty = dl__ner_tag_type(tags[i]);
    float mx[1 + DL__NER_NTYPES], same, other = -1e30f;
    /* The best score of each class (O, then B I L U of each type); the
    ** maximum of a set does not depend on the order it is taken in. */
    mx[0] = r[0];
    for (int x = 0; x < DL__NER_NTYPES; x++) {
      const float *q = r + 1 + 4 * x;
      float a = q[0] > q[1] ? q[0] : q[1], b = q[2] > q[3] ? q[2] : q[3];
      mx[1 + x] = a > b ? a : b;
    }
    same = mx[ty + 1];
    for (int c = 0; c <= DL__NER_NTYPES; c++)
      if (c != ty + 1 && mx[c] > other) other = mx[c];
    out[i] = same - other;
  }
}

static void emissions(const struct dl__ner *m, const struct dl__ner_ws *ws,
                      size_t n)
{
  const int16_t *rowp[DL__NER_MAXF];
  for (size_t i = 0; i < n; i++) {
    int32_t acc[DL__NER_ROW] = {0};
    const uint32_t *r = ws->rows + i * DL__NER_MAXF;
    float *e = ws->em + i * DL__NER_NT;
    unsigned nr = 0;
    /* The row map is small and hot; the rows themselves are scattered:
    ** find them all, fetch them, then add (16 lanes: vectorizable). */
    for (unsigned k = 0; k < ws->nf[i]; k++) {
      uint32_t row = r[k], wd = row >> 6, bit = row & 63;
      uint64_t word = m->rmap[wd];
      const int16_t *p;
      if (!((word >> bit) & 1)) continue;
      p = m->w + (size_t)(m->rank[wd] +
                          dl__ner_popcount64(word & ((UINT64_C(1) << bit) - 1))) *
                     DL__NER_ROW;
      __builtin_prefetch(p);
      rowp[nr++] = p;
    }
    for (unsigned k = 0; k < nr; k++)
      for (int t = 0; t < DL__NER_ROW; t++) acc[t] += rowp[k][t];
    e[0] = 0; /* O is the baseline of every row */
    for (int t = 0; t < DL__NER_ROW; t++) e[t + 1] = (float)acc[t] * m->scale;
  }
}

/* Room to keep the first pass's sums of a document (n tokens, n_sents
** sentences, n <= DL__NER_KEEP_MAX) for the second pass; false when
** out of memory. */
static bool keep_reserve(struct dl__ner_ws *ws, size_t n, size_t n_sents)
{
  if (n > ws->dacc_cap) {
    size_t cap = ws->dacc_cap ? ws->dacc_cap : 1024;
    int32_t *p;
    while (cap < n) cap *= 2;
    p = dl__malloc(ws->al, cap * sizeof(int32_t[DL__NER_ROW]));
    if (!p) return false;
    dl__free(ws->al, ws->dacc);
    ws->dacc = p;
    ws->dacc_cap = cap;
  }
  if (n_sents > ws->skept_cap) {
    size_t cap = ws->skept_cap ? ws->skept_cap : 256;
    uint8_t *p;
    while (cap < n_sents) cap *= 2;
    if (cap > SIZE_MAX / 2) return false;
    p = dl__malloc(ws->al, cap);
    if (!p) return false;
    dl__free(ws->al, ws->skept);
    ws->skept = p;
    ws->skept_cap = cap;
  }
  return true;
}

dl_status dl__ner_tag_doc(const struct dl__ner *m, struct dl__ner_ws *ws,
                          const dl__ner_tok *toks, size_t n,
                          const size_t *sent_end, size_t n_sents,
                          uint8_t *tags, float *margin, dl_error *err)
{
  size_t b = 0;
  bool two = (m->flags & DL__NER_MF_TWO_PASS) != 0, keep;
  if (!dl__ner_fast_doc_build(ws, m, toks, n, sent_end, n_sents))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  if (two && n > ws->dcap) {
    /* Both or neither, so that dcap stays true to both blocks. */
    size_t cap = ws->dcap ? ws->dcap : 1024, lb, fb;
    uint64_t *l;
    uint32_t *f;
    while (cap < n) cap *= 2;
    if (!dl__mul_ok(cap, sizeof *l, &lb) || !dl__mul_ok(cap, sizeof *f, &fb))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    l = dl__malloc(ws->al, lb);
    f = dl__malloc(ws->al, fb);
    if (!l || !f) {
      dl__free(ws->al, l);
      dl__free(ws->al, f);
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    }
    dl__free(ws->al, ws->dlow);
    dl__free(ws->al, ws->dflags);
    ws->dlow = l;
    ws->dflags = f;
    ws->dcap = cap;
  }
  /* Documents longer than DL__NER_KEEP_MAX tokens recompute instead. */
  keep = two && ws->dwh_ok &&
         n <= (ws->keep_max ? ws->keep_max : DL__NER_KEEP_MAX);
  if (keep && !keep_reserve(ws, n, n_sents))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  /* First pass: local and document-flag features. */
  for (size_t s = 0; s < n_sents; s++) {
    size_t e = sent_end[s], len;
    if (e < b || e > n)
      return dl__fail(err, DL_ERR_INVALID, 0, "bad sentence end %zu", e);
    len = e - b;
    if (keep) ws->skept[s] = 0;
    if (len) {
      if (!dl__ner_ws_reserve(ws, len))
        return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      int fast = dl__ner_sent_emit(ws, m, toks + b, len, NULL,
                                   ws->dwh_ok ? ws->dwh + b : NULL,
                                   ws->dwh_ok ? ws->dslot + b : NULL,
                                   keep ? ws->dacc + b * DL__NER_ROW : NULL);
      if (fast < 0) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      if (keep && fast == 0) ws->skept[s] = 1;
      if (fast != 0) {
        dl__ner_sent_feats(ws, &m->lex, m->bits, toks + b, len);
        emissions(m, ws, len);
      }
      dl__ner_viterbi_vt(ws->em, len, &m->vt, ws->vit, ws->bp, tags + b);
      if (margin) token_margins(ws->em, tags + b, len, margin + b);
      if (two) {
        dl__ner_sent_count(ws, tags + b, len);
        dl__ner_sent_keep(ws, ws->dlow + b, ws->dflags + b, len);
      }
    }
    b = e;
  }
  for (; b < n; b++) tags[b] = 0;
  if (!two) return DL_OK;
  /* Second pass: a sentence with a word whose other capitalized
  ** occurrences in the document were mostly tagged otherwise is tagged
  ** again, with the label counts as features (Krishnan & Manning 2006's
  ** idea, as features of one model). Other sentences keep their tags. */
  b = 0;
  for (size_t s = 0; s < n_sents; s++) {
    size_t e = sent_end[s], len = e - b;
    if (len && dl__ner_needs_second(ws, ws->dlow + b, ws->dflags + b,
                                    tags + b, len)) {
      /* 0: emissions ready, 1: row by row, 2: no label feature differs
      ** (the first pass's tags stand). */
      int fast = keep && ws->skept[s]
                     ? dl__ner_sent_relabel(ws, m, ws->dacc + b * DL__NER_ROW,
                                            ws->dlow + b, ws->dflags + b,
                                            tags + b, len)
                     : dl__ner_sent_emit(ws, m, toks + b, len, tags + b,
                                         ws->dwh_ok ? ws->dwh + b : NULL,
                                         NULL, NULL);
      if (fast < 0) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      if (fast == 1) {
        dl__ner_sent_feats(ws, &m->lex, m->bits, toks + b, len);
        fast = dl__ner_sent_label_feats(ws, m->bits, tags + b, len) ? 0 : 2;
        if (fast == 0) emissions(m, ws, len);
      }
      if (fast == 0) {
        dl__ner_viterbi_vt(ws->em, len, &m->vt, ws->vit, ws->bp, tags + b);
        if (margin) token_margins(ws->em, tags + b, len, margin + b);
      }
    }
    b = e;
  }
  return DL_OK;
}

/* ====================================================================
** Public tagging entry point
** ==================================================================== */

static bool ws_toks(struct dl__ner_ws *ws, size_t n, size_t n_sents)
{
  if (n > ws->toks_cap) {
    size_t cap = ws->toks_cap ? ws->toks_cap : 256, nb;
    void *p;
    while (cap < n) cap *= 2;
    if (!dl__mul_ok(cap, sizeof *ws->toks, &nb)) return false;
    p = dl__realloc(ws->al, ws->toks, ws->toks_cap * sizeof *ws->toks, nb);
    if (!p) return false;
    ws->toks = p;
    ws->toks_cap = cap;
  }
  if (n_sents > ws->sent_cap) {
    size_t cap = ws->sent_cap ? ws->sent_cap : 64, nb;
    void *p;
    while (cap < n_sents) cap *= 2;
    if (!dl__mul_ok(cap, sizeof *ws->sent_end, &nb)) return false;
    p = dl__realloc(ws->al, ws->sent_end,
                    ws->sent_cap * sizeof *ws->sent_end, nb);
    if (!p) return false;
    ws->sent_end = p;
    ws->sent_cap = cap;
  }
  return true;
}

static dl_status get_ws(dl_annotator *a, dl_error *err)
{
  if (a->ner_ws) return DL_OK;
  a->ner_ws = dl__ner_ws_new(a->al);
  if (!a->ner_ws) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  return DL_OK;
}

DL_API dl_status dl_ner_tag(dl_annotator *a, const char *const *words,
                            const size_t *lens, size_t n,
                            const size_t *sent_end, size_t n_sents,
                            const char **out, dl_error *err)
{
  struct dl__ner_ws *ws;
  uint8_t *tags;
  dl_status rc;
  dl__error_clear(err);
  if (!a || (n && (!words || !lens || !out)) || (n_sents && !sent_end))
    return dl__fail(err, DL_ERR_INVALID, 0, "NULL argument");
  if (!a->m->ner)
    return dl__fail(err, DL_ERR_INVALID, 0, "no NER model loaded");
  if (n_sents && sent_end[n_sents - 1] != n)
    return dl__fail(err, DL_ERR_INVALID, 0,
                    "the last sentence must end at token %zu", n);
  rc = get_ws(a, err);
  if (rc) return rc;
  ws = a->ner_ws;
  if (!ws_toks(ws, n, n_sents))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  for (size_t i = 0; i < n; i++) {
    ws->toks[i].p = words[i] ? words[i] : "";
    ws->toks[i].len = words[i] ? lens[i] : 0;
  }
  /* The tags go into the caller's out array first (as small integers
  ** smuggled through a byte buffer) and are then turned into names. */
  tags = dl__malloc(a->al, n ? n : 1);
  if (!tags) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  rc = dl__ner_tag_doc(a->m->ner, ws, ws->toks, n, sent_end, n_sents, tags,
                       NULL, err);
  if (rc == DL_OK)
    for (size_t i = 0; i < n; i++)
      out[i] = dl__ner_tag_iob2(tags[i], i ? tags[i - 1] : 0);
  dl__free(a->al, tags);
  return rc;
}

DL_API const char *dl_ner_type_name(int type)
{
  return type >= 0 && type < DL__NER_NTYPES ? type_names[type] : NULL;
}

/* ====================================================================
** The stage
** ==================================================================== */

/* A mention's confidence: the logistic of its tokens' mean margin. */
static float mention_score(const float *margin, size_t b, size_t e)
{
  float sum = 0;
  for (size_t i = b; i < e; i++) sum += margin[i];
  sum /= (float)(e - b);
  return 1.0f / (1.0f + expf(-sum / 8.0f));
}

/* Does token t start a paragraph (flag, or a blank line before it)? */
static bool para_break(const dl_doc *d, size_t t)
{
  int nl = 0;
  if (d->tokens[t].flags & DL__TOK_PARA_START) return true;
  for (uint32_t i = d->tokens[t - 1].end; i < d->tokens[t].start; i++) {
    if (d->view[i] == '\n') {
      if (++nl == 2) return true;
    } else if (d->view[i] != ' ' && d->view[i] != '\t' &&
               d->view[i] != '\r') {
      nl = 0;
    }
  }
  return false;
}

dl_status dl__ner_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  const struct dl__ner *m = a->m->ner;
  struct dl__ner_ws *ws;
  size_t n = d->n_tokens, ns = 0, nm = 0, cap = 0;
  uint8_t *tags;
  float *margin;
  dl_status rc;
  dl__mention *men = NULL;
  if (!m) {
    dl__doc_note(d, "entities: no NER model loaded");
    return DL_OK;
  }
  if (!n) return DL_OK;
  rc = get_ws(a, err);
  if (rc) return rc;
  ws = a->ner_ws;
  if (!ws_toks(ws, n, d->n_sentences + 1))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  for (size_t i = 0; i < n; i++) {
    ws->toks[i].p = d->view + d->tokens[i].start;
    ws->toks[i].len = d->tokens[i].end - d->tokens[i].start;
  }
  /* Sentence ends; a paragraph start also ends a sentence (a mention
  ** never spans paragraphs, even when the splitter joined them), and
  ** tokens outside any sentence form their own. */
  for (size_t s = 0, t = 0; s < d->n_sentences; s++) {
    size_t e = d->sentences[s].tok_end;
    if (e > n) e = n;
    for (; t < e; t++)
      if (t && para_break(d, t) && (!ns || ws->sent_end[ns - 1] < t)) {
        if (!ws_toks(ws, n, ns + 2))
          return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
        ws->sent_end[ns++] = t;
      }
    if (ns && e <= ws->sent_end[ns - 1]) continue;
    if (!ws_toks(ws, n, ns + 2))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    ws->sent_end[ns++] = e;
  }
  if (!ns || ws->sent_end[ns - 1] < n) ws->sent_end[ns++] = n;
  tags = dl__arena_alloc(&d->arena, n);
  margin = dl__arena_alloc(&d->arena, n * sizeof *margin);
  if (!tags || !margin)
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  rc = dl__ner_tag_doc(m, ws, ws->toks, n, ws->sent_end, ns, tags, margin,
                       err);
  if (rc) return rc;
  dl__ner_post(&m->lex, d->view, d->tokens, n, tags);
  for (size_t i = 0; i < n; i++) {
    int pos = dl__ner_tag_pos(tags[i]);
    if (pos == 0 || pos == 3) cap++;
  }
  if (cap) {
    men = dl__arena_alloc(&d->arena, cap * sizeof *men);
    if (!men) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  for (size_t i = 0; i < n;) {
    int pos = dl__ner_tag_pos(tags[i]), ty = dl__ner_tag_type(tags[i]);
    size_t e = i + 1;
    dl__mention *mm;
    if (pos != 0 && pos != 3) {
      i++;
      continue;
    }
    if (pos == 0)
      while (e < n && dl__ner_tag_pos(tags[e]) == 1) e++;
    if (pos == 0 && e < n && dl__ner_tag_pos(tags[e]) == 2) e++;
    mm = &men[nm];
    memset(mm, 0, sizeof *mm);
    mm->tok_start = (uint32_t)i;
    mm->tok_end = (uint32_t)e;
    /* A possessive clitic never belongs to the mention. */
    while (mm->tok_end > mm->tok_start + 1 &&
           (d->tokens[mm->tok_end - 1].flags & DL__TOK_CLITIC)) {
      mm->tok_end--;
      mm->flags |= DL__MEN_POSSESSIVE;
    }
    if (mm->tok_end < n && (d->tokens[mm->tok_end].flags & DL__TOK_CLITIC)) {
      const dl__token *c = &d->tokens[mm->tok_end];
      if (c->end - c->start <= 3 &&
          (d->view[c->end - 1] == 's' || d->view[c->end - 1] == '\''))
        mm->flags |= DL__MEN_POSSESSIVE;
    }
    mm->start = d->tokens[mm->tok_start].start;
    mm->end = d->tokens[mm->tok_end - 1].end;
    mm->type = (uint8_t)(DL__ENT_PER + ty);
    mm->entity = UINT32_MAX;
    mm->score = mention_score(margin, i, e);
    nm++;
    i = e;
  }
  d->mentions = men;
  d->n_mentions = nm;
  return DL_OK;
}
