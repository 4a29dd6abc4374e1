/*
** ner_feat.c -- feature extraction for the NER tagger.
**
** Two steps. First every token of a sentence gets a dl__ner_tinfo: hashes
** of its exact form, its lower form (digits folded to 0), its shape
** ("Xxxx", "dd-dd") and collapsed shape ("Xx", "d-d"), prefixes and
** suffixes of 1..4 code points, its word cluster, its gazetteer matches
** (longest match of lower-cased token sequences) and document-level flags
** (is this word seen lower-case elsewhere in the document? capitalized in
** mid-sentence?). Then each token's features combine its own values and
** those of its neighbours (+-2) under a template id, and each feature is
** mixed down to a row of the weight table.
**
** Work per token is bounded: only the first DL__NER_MAXB bytes of a token
** are lower-cased and shaped (longer tokens still hash in full), so a
** 100 KB token costs one linear hash, and a sentence of n tokens costs
** O(n) feature slots.
**
** Headlines in capitals ("JAPAN GET LUCKY WIN") are "caps sentences": their
** tokens drop the exact-form feature, keep the lower form, get a special
** shape, and look clusters up by lower form, so that a capitalized
** headline does not look like a string of names.
*/
#include "ner.h"

/* xxHash's functions inlined here (the same algorithm as the library's,
** from the same header): the tagger hashes ten short strings per token. */
#define XXH_INLINE_ALL
#include <xxhash.h>

#define DL__NER_MAXB 64

enum {
  NF_CAP = 1u << 0,       /* first letter upper case */
  NF_ALLCAPS = 1u << 1,   /* letters, all upper case */
  NF_LOWER = 1u << 2,     /* has a lower-case letter */
  NF_LETTER = 1u << 3,    /* has a letter */
  NF_DIGIT = 1u << 4,     /* has a digit */
  NF_SSTART = 1u << 5,    /* first token of the sentence */
  NF_CAPSSENT = 1u << 6,  /* in a sentence written in capitals */
  NF_INITCAP = 1u << 7,   /* first character is an upper-case letter */
  NF_UPPER = 1u << 8      /* has an upper-case letter */
};

/* Document flags of a lower form. */
enum {
  DF_LOWER = 1u << 0,    /* seen all lower case (not in a caps sentence) */
  DF_CAPMID = 1u << 1,   /* seen capitalized, not sentence-initial */
  DF_CAPSTART = 1u << 2, /* seen capitalized at a sentence start */
  DF_SEEN = 1u << 3
};

/* Feature templates. Values never need to be stable across model
** format versions, only between training and tagging with one model;
** the model file records the format version. */
enum {
  T_BIAS = 1, T_WORD, T_LOW, T_SHAPE, T_SSHAPE, T_PRE, T_SUF = T_PRE + 4,
  T_LOWM1 = T_SUF + 4, T_LOWP1, T_LOWM2, T_LOWP2, T_SSM1, T_SSP1, T_SSM2,
  T_SSP2, T_BIGL, T_BIGR, T_SS3, T_SSSTART, T_CAPSSENT, T_CLUS,
  T_CLUSM1 = T_CLUS + 4, T_CLUSP1 = T_CLUSM1 + 2, T_GAZ = T_CLUSP1 + 2,
  T_GAZM1, T_GAZP1, T_DOC, T_DOCM1, T_DOCP1, T_LOWM1_SS, T_SS_LOWP1,
  T_CLUS_SS, T_LEN, T_FLAGS3, T_LBL, T_LBLENT, T_GAZCTX
};

static const unsigned clus_pref[4] = {4, 6, 10, 20};

/* ====================================================================
** Little-endian helpers and hashing
** ==================================================================== */

uint32_t dl__ner_rd32(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

uint64_t dl__ner_rd64(const unsigned char *p)
{
  return (uint64_t)dl__ner_rd32(p) | (uint64_t)dl__ner_rd32(p + 4) << 32;
}

void dl__ner_wr32(unsigned char *p, uint32_t v)
{
  p[0] = (unsigned char)v;
  p[1] = (unsigned char)(v >> 8);
  p[2] = (unsigned char)(v >> 16);
  p[3] = (unsigned char)(v >> 24);
}

void dl__ner_wr64(unsigned char *p, uint64_t v)
{
  dl__ner_wr32(p, (uint32_t)v);
  dl__ner_wr32(p + 4, (uint32_t)(v >> 32));
}

/* MurmurHash3's 64-bit finalizer: a bijective mixer. */
uint64_t dl__ner_mix(uint64_t h)
{
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  h *= UINT64_C(0xc4ceb9fe1a85ec53);
  h ^= h >> 33;
  return h;
}

static inline uint64_t fh(uint64_t t, uint64_t a)
{
  return dl__ner_mix(a + t * UINT64_C(0x9E3779B97F4A7C15));
}

static inline uint64_t fh2(uint64_t t, uint64_t a, uint64_t b)
{
  return dl__ner_mix(fh(t, a) ^ (b * UINT64_C(0xC2B2AE3D27D4EB4F)));
}

uint64_t dl__ner_word_hash(const char *p, size_t n)
{
  uint64_t h = XXH3_64bits(p, n);
  return h ? h : 1; /* 0 marks an empty slot */
}

/* Lower form: lower case, digits folded to '0', at most DL__NER_MAXB
** bytes (then the length is mixed in). Writes the form into buf (room
** DL__NER_MAXB + 4) and returns its length. */
static size_t low_form(const char *p, size_t n, char *buf)
{
  const unsigned char *u = (const unsigned char *)p;
  size_t i = 0, o = 0;
  size_t lim = n < DL__NER_MAXB ? n : DL__NER_MAXB;
  while (i < lim) {
    unsigned char c = u[i];
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
      else if (c >= '0' && c <= '9') c = '0';
      buf[o++] = (char)c;
      i++;
    } else {
      int32_t cp;
      size_t k = dl__utf8_decode(u, lim, i, &cp);
      if (!k) {
        buf[o++] = (char)c;
        i++;
        continue;
      }
      if (dl__is_digit(cp)) {
        buf[o++] = '0';
      } else {
        char e[4];
        size_t m = dl__utf8_encode(dl__tolower(cp), e);
        if (o + m > DL__NER_MAXB) break;
        memcpy(buf + o, e, m);
        o += m;
      }
      i += k;
    }
  }
  return o;
}

uint64_t dl__ner_low_hash(const char *p, size_t n)
{
  char buf[DL__NER_MAXB + 4];
  size_t o = low_form(p, n, buf);
  uint64_t h = XXH3_64bits_withSeed(buf, o, 7);
  if (n > DL__NER_MAXB) h = dl__ner_mix(h ^ n);
  return h ? h : 1;
}

uint64_t dl__ner_gaz_step(uint64_t k, uint64_t low)
{
  uint64_t h = dl__ner_mix(k * UINT64_C(0x9E3779B97F4A7C15) + low);
  return h ? h : 1;
}

uint32_t dl__ner_slot_key(uint64_t h)
{
  uint32_t k = (uint32_t)(h >> 32);
  return k ? k : 1;
}

uint32_t dl__ner_slot_start(uint32_t key, uint32_t mask)
{
  return (uint32_t)dl__ner_mix(key) & mask;
}

const unsigned char *dl__ner_slot_find(const unsigned char *tab,
                                       uint32_t mask, uint64_t h)
{
  uint32_t key, i;
  if (!tab) return NULL;
  key = dl__ner_slot_key(h);
  i = dl__ner_slot_start(key, mask);
  for (uint32_t probes = 0; probes <= mask; probes++) {
    const unsigned char *s = tab + (size_t)i * 8;
    uint32_t k = dl__ner_rd32(s);
    if (k == key) return s;
    if (k == 0) return NULL;
    i = (i + 1) & mask;
  }
  return NULL;
}

/* ====================================================================
** Token values
** ==================================================================== */

/* Character class for shapes. */
static char shape_char(int32_t cp)
{
  if (cp < 0x80) {
    if (cp >= 'A' && cp <= 'Z') return 'X';
    if (cp >= 'a' && cp <= 'z') return 'x';
    if (cp >= '0' && cp <= '9') return 'd';
    if (cp < 0x20 || cp == 0x7f) return 'c';
    return (char)cp;
  }
  if (dl__is_upper(cp)) return 'X';
  if (dl__is_lower(cp)) return 'x';
  if (dl__is_alpha(cp)) return 'a'; /* caseless scripts */
  if (dl__is_digit(cp)) return 'd';
  if (dl__is_dash(cp)) return '-';
  if (dl__is_dquote(cp)) return '"';
  if (dl__is_squote(cp)) return '\'';
  return 'c';
}

/* Fills ti for token t: flags and lower form always; the other hashes
** only when `full` (the document pass needs flags and lower forms only). */
static void token_info(const dl__ner_tok *t, struct dl__ner_tinfo *ti,
                       bool full)
{
  const unsigned char *u = (const unsigned char *)t->p;
  char shape[20], sshape[20], low[DL__NER_MAXB + 4];
  size_t ns = 0, nss = 0, i = 0, lim = DL__NER_MAXB, nlow;
  size_t cps[DL__NER_MAXB + 1], ncp = 0; /* code point starts in low */
  uint32_t fl = 0;
  bool first = true, upper = false;
  if (lim > t->len) lim = t->len;
  while (i < lim) {
    int32_t cp;
    size_t k = dl__utf8_decode(u, lim, i, &cp);
    char c;
    if (!k) {
      cp = 0xFFFD;
      k = 1;
    }
    c = shape_char(cp);
    if (c == 'X') {
      fl |= NF_LETTER | (first ? NF_INITCAP : 0);
      upper = true;
    } else if (c == 'x') {
      fl |= NF_LETTER | NF_LOWER;
    } else if (c == 'a') {
      fl |= NF_LETTER;
    } else if (c == 'd') {
      fl |= NF_DIGIT;
    }
    if (ns < 16) shape[ns++] = c;
    if (!nss || sshape[nss - 1] != c) {
      if (nss < 16) sshape[nss++] = c;
    }
    first = false;
    i += k;
  }
  /* "Capitalized": the first letter is upper case ("McDonald", "'Ali"). */
  if (upper && !(fl & NF_INITCAP)) {
    for (size_t j = 0; j < ns; j++) {
      if (shape[j] == 'X') fl |= NF_CAP;
      if (shape[j] == 'X' || shape[j] == 'x' || shape[j] == 'a') break;
    }
  }
  if (fl & NF_INITCAP) fl |= NF_CAP;
  if (upper && !(fl & NF_LOWER)) fl |= NF_ALLCAPS;
  if (upper) fl |= NF_UPPER;
  ti->flags = fl;
  nlow = low_form(t->p, t->len, low);
  ti->low = XXH3_64bits_withSeed(low, nlow, 7);
  if (t->len > DL__NER_MAXB) ti->low = dl__ner_mix(ti->low ^ t->len);
  if (!ti->low) ti->low = 1;
  ti->clus = ti->clus_len = 0;
  ti->gaz = 0;
  ti->docf = 0;
  if (!full) return;
  ti->word = dl__ner_word_hash(t->p, t->len);
  ti->shape = XXH3_64bits_withSeed(shape, ns, 11);
  ti->sshape = XXH3_64bits_withSeed(sshape, nss, 13);
  /* Prefixes and suffixes of the lower form, in code points. */
  for (i = 0; i < nlow; i++)
    if (((unsigned char)low[i] & 0xC0) != 0x80) cps[ncp++] = i;
  cps[ncp] = nlow;
  for (unsigned k = 0; k < 4; k++) {
    size_t m = ncp < k + 1 ? ncp : k + 1;
    ti->pre[k] = XXH3_64bits_withSeed(low, cps[m], 17 + k);
    ti->suf[k] = XXH3_64bits_withSeed(low + cps[ncp - m], nlow - cps[ncp - m],
                                      23 + k);
  }
}

static void cluster_of(const struct dl__ner_lex *lx,
                       struct dl__ner_tinfo *ti, bool caps)
{
  const unsigned char *s = NULL;
  uint32_t v;
  if (!lx->clus) return;
  /* Exact form first (only capitalized forms are stored under it), then
  ** the lower form; headlines in capitals go straight to the lower form. */
  if (!caps && (ti->flags & NF_UPPER))
    s = dl__ner_slot_find(lx->clus, lx->clus_mask, ti->word);
  if (!s)
    s = dl__ner_slot_find(lx->clus, lx->clus_mask,
                          ti->low ^ DL__NER_CLUS_LOW_SEED);
  if (!s) return;
  v = dl__ner_rd32(s + 4);
  ti->clus = v & ~(uint32_t)31;
  ti->clus_len = v & 31;
}

/* Longest gazetteer match per category from every start token. */
static void gaz_match(const struct dl__ner_lex *lx, struct dl__ner_tinfo *ti,
                      size_t n)
{
  if (!lx->gaz) return;
  for (size_t i = 0; i < n; i++) {
    uint64_t k = 0;
    size_t best[DL__NER_GAZ_CATS] = {0};
    bool any = false;
    for (size_t j = i; j < n && j < i + DL__NER_GAZ_MAXLEN; j++) {
      const unsigned char *s;
      uint32_t v;
      k = dl__ner_gaz_step(k, ti[j].low);
      s = dl__ner_slot_find(lx->gaz, lx->gaz_mask, k);
      if (!s) break;
      v = dl__ner_rd32(s + 4);
      for (unsigned c = 0; c < DL__NER_GAZ_CATS; c++)
        if (v & (1u << c)) {
          best[c] = j - i + 1;
          any = true;
        }
      if (!(v & DL__NER_GAZ_PREFIX)) break;
    }
    if (!any) continue;
    for (unsigned c = 0; c < DL__NER_GAZ_CATS; c++) {
      size_t m = best[c];
      if (!m) continue;
      if (m == 1) {
        ti[i].gaz |= 1u << (4 * c + 3);
        continue;
      }
      ti[i].gaz |= 1u << (4 * c);
      for (size_t j = i + 1; j + 1 < i + m; j++) ti[j].gaz |= 1u << (4 * c + 1);
      ti[i + m - 1].gaz |= 1u << (4 * c + 2);
    }
  }
}

/* ====================================================================
** Workspace and document table
** ==================================================================== */

static bool grow(const dl_allocator *al, void **p, size_t old_n, size_t n,
                 size_t elem)
{
  size_t ob, nb;
  void *q;
  if (!dl__mul_ok(n, elem, &nb)) return false;
  ob = old_n * elem;
  q = dl__realloc(al, *p, *p ? ob : 0, nb);
  if (!q) return false;
  *p = q;
  return true;
}

/* Grows k arrays that share one capacity, all or none: if one allocation
** failed after others succeeded, the shared capacity would understate the
** grown blocks and a later realloc would pass the allocator a wrong old
** size (found by tests/unit/test_oom.c). New blocks are allocated first;
** only when all exist are the old contents copied and the old blocks
** freed. */
static bool grow_all(const dl_allocator *al, void **ps[], const size_t ob[],
                     const size_t nb[], size_t k)
{
  void *q[4] = {NULL, NULL, NULL, NULL};
  if (k > 4) return false;
  for (size_t i = 0; i < k; i++) {
    q[i] = dl__malloc(al, nb[i]);
    if (!q[i]) {
      for (size_t j = 0; j < i; j++) dl__free(al, q[j]);
      return false;
    }
  }
  for (size_t i = 0; i < k; i++) {
    if (*ps[i] && ob[i]) memcpy(q[i], *ps[i], DL__MIN(ob[i], nb[i]));
    dl__free(al, *ps[i]);
    *ps[i] = q[i];
  }
  return true;
}

bool dl__ner_ws_reserve(struct dl__ner_ws *ws, size_t n)
{
  size_t cap;
  if (n <= ws->ti_cap && n <= ws->rows_cap && n <= ws->em_cap) return true;
  cap = 64;
  while (cap < n) cap *= 2;
  if (ws->ti_cap < cap) {
    if (!grow(ws->al, (void **)&ws->ti, ws->ti_cap, cap, sizeof *ws->ti))
      return false;
    ws->ti_cap = cap;
  }
  if (ws->rows_cap < cap) {
    size_t per;
    if (!dl__mul_ok(cap, DL__NER_MAXF, &per)) return false;
    void **ps[2] = {(void **)&ws->rows, (void **)&ws->nf};
    size_t ob[2], nb[2];
    ob[0] = ws->rows_cap * DL__NER_MAXF * sizeof *ws->rows;
    ob[1] = ws->rows_cap;
    if (!dl__mul_ok(per, sizeof *ws->rows, &nb[0])) return false;
    nb[1] = cap;
    if (!grow_all(ws->al, ps, ob, nb, 2)) return false;
    ws->rows_cap = cap;
  }
  if (ws->em_cap < cap) {
    size_t per;
    if (!dl__mul_ok(cap, DL__NER_NT, &per)) return false;
    void **ps[4] = {(void **)&ws->em, (void **)&ws->vit, (void **)&ws->bp,
                    (void **)&ws->tags};
    size_t ob[4], nb[4];
    ob[0] = ob[1] = ws->em_cap * DL__NER_NT * sizeof(float);
    ob[2] = ws->em_cap * DL__NER_NT;
    ob[3] = ws->em_cap;
    if (!dl__mul_ok(per, sizeof(float), &nb[0])) return false;
    nb[1] = nb[0];
    nb[2] = per;
    nb[3] = cap;
    if (!grow_all(ws->al, ps, ob, nb, 4)) return false;
    ws->em_cap = cap;
  }
  return true;
}

static struct dl__ner_docval *doc_slot(struct dl__ner_doctab *dt,
                                       uint64_t key, bool add)
{
  size_t i = (size_t)(dl__ner_mix(key) & (dt->cap - 1));
  for (;;) {
    if (dt->keys[i] == key) return &dt->vals[i];
    if (dt->keys[i] == 0) {
      if (!add) return NULL;
      dt->keys[i] = key;
      dt->vals[i].lc = 0;
      dt->vals[i].flags = 0;
      dt->used++;
      return &dt->vals[i];
    }
    i = (i + 1) & (dt->cap - 1);
  }
}

/* Is sentence [b,e) written in capitals (a headline)? */
static bool caps_sentence(const struct dl__ner_tinfo *ti, size_t n)
{
  size_t letters = 0, lower = 0;
  for (size_t i = 0; i < n; i++) {
    if (!(ti[i].flags & NF_LETTER)) continue;
    letters++;
    if (ti[i].flags & NF_LOWER) lower++;
  }
  if (letters < 2) return false;
  return lower == 0 || (letters >= 6 && lower * 8 <= letters);
}

static uint32_t tok_docflags(uint32_t fl)
{
  if (!(fl & NF_LETTER) || (fl & NF_CAPSSENT)) return DF_SEEN;
  if (!(fl & NF_INITCAP)) return DF_SEEN | DF_LOWER;
  return DF_SEEN | ((fl & NF_SSTART) ? DF_CAPSTART : DF_CAPMID);
}

/* Doubles the document table, re-inserting its keys. */
static bool doc_grow(struct dl__ner_ws *ws)
{
  struct dl__ner_doctab *dt = &ws->doc, nt;
  nt.cap = dt->cap ? dt->cap * 2 : 1024;
  nt.used = 0;
  nt.keys = dl__calloc(ws->al, nt.cap, sizeof *nt.keys);
  nt.vals = dl__calloc(ws->al, nt.cap, sizeof *nt.vals);
  if (!nt.keys || !nt.vals) {
    dl__free(ws->al, nt.keys);
    dl__free(ws->al, nt.vals);
    return false;
  }
  for (size_t i = 0; i < dt->cap; i++)
    if (dt->keys[i]) *doc_slot(&nt, dt->keys[i], true) = dt->vals[i];
  dl__free(ws->al, dt->keys);
  dl__free(ws->al, dt->vals);
  *dt = nt;
  return true;
}

struct dl__ner_docval *dl__ner_doc_find(struct dl__ner_ws *ws, uint64_t low)
{
  if (!ws->doc.used) return NULL;
  return doc_slot(&ws->doc, low, false);
}

bool dl__ner_doc_build(struct dl__ner_ws *ws, const dl__ner_tok *toks,
                       size_t n, const size_t *sent_end, size_t n_sents)
{
  struct dl__ner_doctab *dt = &ws->doc;
  size_t b = 0;
  if (!dt->cap && !doc_grow(ws)) return false;
  /* The table only grows (sized by distinct words, not by tokens), so a
  ** warm workspace clears it instead of reallocating. */
  if (dt->used) {
    memset(dt->keys, 0, dt->cap * sizeof *dt->keys);
    dt->used = 0;
  }
  for (size_t s = 0; s < n_sents; s++) {
    size_t e = sent_end[s], len;
    if (e > n || e < b) return false;
    len = e - b;
    if (!dl__ner_ws_reserve(ws, len ? len : 1)) return false;
    for (size_t i = 0; i < len; i++) {
      token_info(&toks[b + i], &ws->ti[i], false);
      if (i == 0) ws->ti[i].flags |= NF_SSTART;
    }
    if (caps_sentence(ws->ti, len))
      for (size_t i = 0; i < len; i++) ws->ti[i].flags |= NF_CAPSSENT;
    for (size_t i = 0; i < len; i++) {
      struct dl__ner_docval *v;
      if (dt->used * 2 >= dt->cap && !doc_grow(ws)) return false;
      v = doc_slot(dt, ws->ti[i].low, true);
      v->flags |= tok_docflags(ws->ti[i].flags);
    }
    b = e;
  }
  return true;
}

/* ====================================================================
** Features of a sentence
** ==================================================================== */

#define BOS_HASH UINT64_C(0x5eed00000000b05)
#define EOS_HASH UINT64_C(0x5eed00000000e05)

void dl__ner_sent_feats(struct dl__ner_ws *ws, const struct dl__ner_lex *lx,
                        unsigned bits, const dl__ner_tok *toks, size_t n)
{
  struct dl__ner_tinfo *ti = ws->ti;
  unsigned sh = 64 - bits;
  bool caps;
  for (size_t i = 0; i < n; i++) {
    token_info(&toks[i], &ti[i], true);
    if (i == 0) ti[i].flags |= NF_SSTART;
  }
  caps = caps_sentence(ti, n);
  for (size_t i = 0; i < n; i++) {
    if (caps) ti[i].flags |= NF_CAPSSENT;
    cluster_of(lx, &ti[i], caps);
    if (ws->doc.used) {
      const struct dl__ner_docval *v = doc_slot(&ws->doc, ti[i].low, false);
      ti[i].docf = v ? v->flags : 0;
    }
    if (caps) {
      ti[i].word = ti[i].low;
      ti[i].shape = ti[i].sshape = UINT64_C(0xCA95CA95);
    }
  }
  gaz_match(lx, ti, n);

  for (size_t i = 0; i < n; i++) {
    uint32_t *r = ws->rows + i * DL__NER_MAXF;
    unsigned k = 0;
    const struct dl__ner_tinfo *t = &ti[i];
    uint64_t lm1 = i > 0 ? ti[i - 1].low : BOS_HASH;
    uint64_t lm2 = i > 1 ? ti[i - 2].low : BOS_HASH;
    uint64_t lp1 = i + 1 < n ? ti[i + 1].low : EOS_HASH;
    uint64_t lp2 = i + 2 < n ? ti[i + 2].low : EOS_HASH;
    uint64_t sm1 = i > 0 ? ti[i - 1].sshape : BOS_HASH;
    uint64_t sm2 = i > 1 ? ti[i - 2].sshape : BOS_HASH;
    uint64_t sp1 = i + 1 < n ? ti[i + 1].sshape : EOS_HASH;
    uint64_t sp2 = i + 2 < n ? ti[i + 2].sshape : EOS_HASH;
    uint32_t fl = t->flags;
    uint32_t cflags = fl & (NF_CAP | NF_ALLCAPS | NF_SSTART | NF_CAPSSENT);
#define ADD(h) (r[k++] = (uint32_t)((h) >> sh))
    ADD(fh(T_BIAS, 0));
    if (!(fl & NF_CAPSSENT)) ADD(fh(T_WORD, t->word));
    ADD(fh(T_LOW, t->low));
    ADD(fh(T_SHAPE, t->shape));
    ADD(fh(T_SSHAPE, t->sshape));
    for (unsigned j = 0; j < 4; j++) {
      ADD(fh(T_PRE + j, t->pre[j]));
      ADD(fh(T_SUF + j, t->suf[j]));
    }
    ADD(fh(T_LOWM1, lm1));
    ADD(fh(T_LOWP1, lp1));
    ADD(fh(T_LOWM2, lm2));
    ADD(fh(T_LOWP2, lp2));
    ADD(fh(T_SSM1, sm1));
    ADD(fh(T_SSP1, sp1));
    ADD(fh(T_SSM2, sm2));
    ADD(fh(T_SSP2, sp2));
    ADD(fh2(T_BIGL, lm1, t->low));
    ADD(fh2(T_BIGR, t->low, lp1));
    ADD(fh2(T_SS3, fh2(0, sm1, t->sshape), sp1));
    ADD(fh2(T_SSSTART, t->sshape, cflags));
    ADD(fh2(T_LOWM1_SS, lm1, t->sshape));
    ADD(fh2(T_SS_LOWP1, t->sshape, lp1));
    if (t->clus_len) {
      for (unsigned j = 0; j < 4; j++) {
        unsigned L = clus_pref[j] < t->clus_len ? clus_pref[j] : t->clus_len;
        uint32_t pb = L >= 32 ? t->clus : t->clus & ~(0xFFFFFFFFu >> L);
        ADD(fh(T_CLUS + j, ((uint64_t)L << 32) | pb));
      }
      ADD(fh2(T_CLUS_SS, (uint64_t)t->clus >> 22, t->sshape));
    }
    for (int d = -1; d <= 1; d += 2) {
      size_t j = i + (size_t)d;
      if ((d < 0 && i == 0) || j >= n || !ti[j].clus_len) continue;
      for (unsigned q = 0; q < 2; q++) {
        unsigned L = clus_pref[q * 2] < ti[j].clus_len ? clus_pref[q * 2]
                                                        : ti[j].clus_len;
        uint32_t pb = ti[j].clus & ~(0xFFFFFFFFu >> L);
        ADD(fh((d < 0 ? T_CLUSM1 : T_CLUSP1) + q, ((uint64_t)L << 32) | pb));
      }
    }
    if (t->gaz) {
      for (unsigned b = 0; b < 32 && k < DL__NER_MAXF - 8 - DL__NER_LBLF; b++)
        if (t->gaz & (1u << b)) ADD(fh2(T_GAZ, b, cflags & NF_CAPSSENT));
    }
    if (i > 0 && ti[i - 1].gaz) ADD(fh(T_GAZM1, ti[i - 1].gaz));
    /* A capitalized word before a capitalized gazetteer word ("Orthodox
    ** Church", "Foreign Ministry"; "Fethullah Gulen"): the categories of
    ** the next word, seen from this one and from it. */
    if (i + 1 < n && ti[i + 1].gaz && (fl & NF_CAP) &&
        (ti[i + 1].flags & NF_CAP))
      ADD(fh2(T_GAZCTX, ti[i + 1].gaz, 1));
    if (i > 0 && t->gaz && (fl & NF_CAP) && (ti[i - 1].flags & NF_CAP))
      ADD(fh2(T_GAZCTX, t->gaz, 2));
    if (i + 1 < n && ti[i + 1].gaz) ADD(fh(T_GAZP1, ti[i + 1].gaz));
    if (fl & NF_LETTER) {
      ADD(fh2(T_DOC, t->docf & 7u, cflags));
      if (i > 0) ADD(fh2(T_DOCM1, ti[i - 1].docf & 7u, cflags));
      if (i + 1 < n) ADD(fh2(T_DOCP1, ti[i + 1].docf & 7u, cflags));
    }
    ADD(fh(T_LEN, toks[i].len > 12 ? 12 : toks[i].len));

#undef ADD
    ws->nf[i] = (uint8_t)k;
  }
}

/* ====================================================================
** Document label features (the second pass)
** ==================================================================== */

/* Label counts are five 12-bit saturating counters in a u64: O, PER, ORG,
** LOC, MISC, for the capitalized occurrences of one lower form in the
** document, as tagged by the first pass. */
static unsigned lc_get(uint64_t c, unsigned k)
{
  return (unsigned)(c >> (12 * k)) & 0xFFF;
}

uint64_t dl__ner_lc_add(uint64_t c, int type, int delta)
{
  unsigned k = type < 0 ? 0 : (unsigned)type + 1;
  unsigned v = lc_get(c, k);
  if (delta > 0 && v < 0xFFF) v++;
  else if (delta < 0 && v > 0) v--;
  return (c & ~((uint64_t)0xFFF << (12 * k))) | (uint64_t)v << (12 * k);
}

bool dl__ner_lc_counts(uint32_t flags)
{
  return (flags & NF_CAP) && (flags & NF_LETTER) && !(flags & NF_CAPSSENT);
}

/* The majority class (0 = O, 1 + type) of the other occurrences, or -1
** when there are none. */
int dl__ner_lc_major(uint64_t c)
{
  unsigned best = 0, tot = 0;
  int arg = -1;
  for (unsigned k = 0; k < 5; k++) {
    unsigned v = lc_get(c, k);
    tot += v;
    if (v > best) {
      best = v;
      arg = (int)k;
    }
  }
  return tot ? arg : -1;
}

unsigned dl__ner_label_rows(uint64_t others, uint32_t flags, unsigned bits,
                            uint32_t *out)
{
  unsigned sh = 64 - bits, k = 0, tot = 0, ent = 0, best = 0;
  int maj = dl__ner_lc_major(others), emaj = -1;
  uint32_t ctx = (flags & NF_CAP ? 1u : 0) | (flags & NF_SSTART ? 2u : 0) |
                 (flags & NF_CAPSSENT ? 4u : 0);
  if (maj < 0 || !(flags & NF_LETTER)) return 0;
  for (unsigned c = 0; c < 5; c++) {
    unsigned v = lc_get(others, c);
    tot += v;
    if (c) {
      ent += v;
      if (v > best) {
        best = v;
        emaj = (int)c;
      }
    }
  }
  out[k++] = (uint32_t)(fh2(T_LBL, (uint64_t)maj * 2 +
                                       (lc_get(others, (unsigned)maj) == tot),
                            ctx) >> sh);
  if (ent && emaj >= 0)
    out[k++] = (uint32_t)(fh2(T_LBLENT, (uint64_t)emaj * 2 + (ent * 2 >= tot),
                              ctx) >> sh);
  return k;
}

void dl__ner_sent_count(struct dl__ner_ws *ws, const uint8_t *tags, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    struct dl__ner_docval *v;
    if (!dl__ner_lc_counts(ws->ti[i].flags)) continue;
    v = dl__ner_doc_find(ws, ws->ti[i].low);
    if (v) v->lc = dl__ner_lc_add(v->lc, dl__ner_tag_type(tags[i]), 1);
  }
}

/* The label counts of a token's other occurrences, and its majority class
** (-1: none). */
static int others_of(struct dl__ner_ws *ws, uint64_t low, uint32_t flags,
                     int ty, uint64_t *out)
{
  const struct dl__ner_docval *v = dl__ner_doc_find(ws, low);
  uint64_t c;
  if (!v) return -1;
  c = v->lc;
  if (dl__ner_lc_counts(flags)) c = dl__ner_lc_add(c, ty, -1);
  *out = c;
  return dl__ner_lc_major(c);
}

bool dl__ner_needs_second(struct dl__ner_ws *ws, const uint64_t *low,
                          const uint32_t *flags, const uint8_t *own, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uint64_t c;
    int ty, maj;
    if (!(flags[i] & NF_LETTER)) continue;
    ty = dl__ner_tag_type(own[i]);
    maj = others_of(ws, low[i], flags[i], ty, &c);
    if (maj >= 0 && maj != ty + 1) return true;
  }
  return false;
}

bool dl__ner_sent_label_feats(struct dl__ner_ws *ws, unsigned bits,
                              const uint8_t *own, size_t n)
{
  bool differ = false;
  for (size_t i = 0; i < n; i++) {
    const struct dl__ner_tinfo *t = &ws->ti[i];
    uint64_t c;
    int ty = dl__ner_tag_type(own[i]);
    int maj = others_of(ws, t->low, t->flags, ty, &c);
    if (maj < 0 || !(t->flags & NF_LETTER)) continue;
    if (maj != ty + 1) differ = true;
    ws->nf[i] = (uint8_t)(ws->nf[i] +
                          dl__ner_label_rows(c, t->flags, bits,
                                             ws->rows + i * DL__NER_MAXF +
                                                 ws->nf[i]));
  }
  return differ;
}

void dl__ner_sent_keep(const struct dl__ner_ws *ws, uint64_t *low,
                       uint32_t *flags, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    low[i] = ws->ti[i].low;
    flags[i] = ws->ti[i].flags;
  }
}

/* ====================================================================
** Fast path: cached per-word sums (see ner.h, struct dl__ner_cw)
** ==================================================================== */

/* The weight row of feature hash h, or NULL when the row has no weights
** (absent rows weigh 0 for every tag). */
static inline const int16_t *wrow(const struct dl__ner *m, uint64_t h,
                                  unsigned sh)
{
  uint32_t row = (uint32_t)(h >> sh), wd = row >> 6, bit = row & 63;
  uint64_t word = m->rmap[wd];
  if (!((word >> bit) & 1)) return NULL;
  return m->w +
         (size_t)(m->rank[wd] +
                  dl__ner_popcount64(word & ((UINT64_C(1) << bit) - 1))) *
             DL__NER_ROW;
}

static inline void add_feat(const struct dl__ner *m, uint64_t h, unsigned sh,
                            int32_t *acc)
{
  const int16_t *p = wrow(m, h, sh);
  if (!p) return;
  for (int t = 0; t < DL__NER_ROW; t++) acc[t] += p[t];
}

static inline void add_sum(int32_t *restrict acc, const int32_t *restrict s)
{
  for (int t = 0; t < DL__NER_ROW; t++) acc[t] += s[t];
}

/* Context features are gathered first (ws->rows: the weight row indices
** of token i, ws->nf[i] of them; rows without weights skipped) with a
** prefetch each, and added once the whole sentence is gathered, so that
** the scattered weight rows load in parallel. */
static inline void defer_feat(const struct dl__ner *m, uint64_t h,
                              unsigned sh, uint32_t *r, unsigned *nr)
{
  const int16_t *p = wrow(m, h, sh);
  if (!p) return;
  __builtin_prefetch(p);
  r[(*nr)++] = (uint32_t)((size_t)(p - m->w) / DL__NER_ROW);
}

/* The weight row index of feature hash h, or DL__NER_NOROW. */
static inline uint32_t row_of(const struct dl__ner *m, uint64_t h,
                              unsigned sh)
{
  const int16_t *p = wrow(m, h, sh);
  return p ? (uint32_t)((size_t)(p - m->w) / DL__NER_ROW) : DL__NER_NOROW;
}

/* defer_feat for a row index known in advance. */
static inline void defer_row(const struct dl__ner *m, uint32_t row,
                             uint32_t *r, unsigned *nr)
{
  if (row == DL__NER_NOROW) return;
  __builtin_prefetch(m->w + (size_t)row * DL__NER_ROW);
  r[(*nr)++] = row;
}

static inline void add_sum16(int32_t *restrict acc,
                             const int16_t *restrict p)
{
  for (int t = 0; t < DL__NER_ROW; t++) acc[t] += p[t];
}


/* Fills a cache entry for token t (not caps-sentence context). */
/* A word's weight rows, gathered (with a prefetch each) before they are
** added, so that the rare words' rows, often far in memory, load in
** parallel. At most 40 per word. */
struct gath {
  const int16_t *p[48];
  int32_t *dst[48];
  unsigned n;
};

static inline void gat(const struct dl__ner *m, uint64_t h, unsigned sh,
                       int32_t *dst, struct gath *g)
{
  const int16_t *p = wrow(m, h, sh);
  if (!p) return;
  __builtin_prefetch(p);
  g->p[g->n] = p;
  g->dst[g->n++] = dst;
}

static void gat_clus_nb(const struct dl__ner *m, unsigned sh, unsigned tmpl,
                        uint32_t clus, uint32_t clus_len, int32_t *dst,
                        struct gath *g)
{
  if (!clus_len) return;
  for (unsigned q = 0; q < 2; q++) {
    unsigned L = clus_pref[q * 2] < clus_len ? clus_pref[q * 2] : clus_len;
    uint32_t pb = clus & ~(0xFFFFFFFFu >> L);
    gat(m, fh(tmpl + q, ((uint64_t)L << 32) | pb), sh, dst, g);
  }
}

static void cw_fill(const struct dl__ner *m, const dl__ner_tok *t,
                    uint64_t word, struct dl__ner_cww *w)
{
  struct dl__ner_cwm *e = &w->m;
  const struct dl__ner_lex *lx = &m->lex;
  unsigned sh = 64 - m->bits;
  struct dl__ner_tinfo ti;
  int32_t *s;
  struct gath g;
  uint64_t gk;
  g.n = 0;
  token_info(t, &ti, true);
  ti.word = word;
  /* the gazetteer slot loads while the cluster is looked up */
  gk = dl__ner_gaz_step(0, ti.low);
  if (lx->gaz)
    __builtin_prefetch(lx->gaz + (size_t)dl__ner_slot_start(
                                     dl__ner_slot_key(gk), lx->gaz_mask) *
                                     8);
  cluster_of(lx, &ti, false);
  memset(w->self, 0, sizeof w->self);
  memset(w->nb, 0, sizeof w->nb);
  e->low = ti.low;
  e->sshape = ti.sshape;
  e->flags = (uint16_t)ti.flags;
  e->clus = ti.clus;
  e->clus_len = (uint8_t)ti.clus_len;
  e->gaz1 = DL__NER_GAZ1_NONE;
  /* T_SSSTART's two values on the fast path (no caps sentence there) */
  {
    uint32_t cf = ti.flags & (NF_CAP | NF_ALLCAPS);
    e->ss_row[0] = row_of(m, fh2(T_SSSTART, ti.sshape, cf), sh);
    e->ss_row[1] = row_of(m, fh2(T_SSSTART, ti.sshape, cf | NF_SSTART), sh);
  }
  if (lx->gaz) {
    const unsigned char *gs = dl__ner_slot_find(lx->gaz, lx->gaz_mask, gk);
    if (gs) e->gaz1 = dl__ner_rd32(gs + 4);
  }
  e->len = (uint8_t)(t->len <= DL__NER_CW_MAXLEN ? t->len : 0);
  if (t->len <= DL__NER_CW_MAXLEN) memcpy(e->bytes, t->p, t->len);
  /* The token's own features, in dl__ner_sent_feats's order. */
  s = w->self;
  gat(m, fh(T_BIAS, 0), sh, s, &g);
  gat(m, fh(T_WORD, ti.word), sh, s, &g);
  gat(m, fh(T_LOW, ti.low), sh, s, &g);
  gat(m, fh(T_SHAPE, ti.shape), sh, s, &g);
  gat(m, fh(T_SSHAPE, ti.sshape), sh, s, &g);
  for (unsigned j = 0; j < 4; j++) {
    gat(m, fh(T_PRE + j, ti.pre[j]), sh, s, &g);
    gat(m, fh(T_SUF + j, ti.suf[j]), sh, s, &g);
  }
  if (ti.clus_len) {
    for (unsigned j = 0; j < 4; j++) {
      unsigned L = clus_pref[j] < ti.clus_len ? clus_pref[j] : ti.clus_len;
      uint32_t pb = L >= 32 ? ti.clus : ti.clus & ~(0xFFFFFFFFu >> L);
      gat(m, fh(T_CLUS + j, ((uint64_t)L << 32) | pb), sh, s, &g);
    }
    gat(m, fh2(T_CLUS_SS, (uint64_t)ti.clus >> 22, ti.sshape), sh, s, &g);
  }
  gat(m, fh(T_LEN, t->len > 12 ? 12 : t->len), sh, s, &g);
  /* What it gives its neighbours: as token i-1 of the token it precedes
  ** (L1), i+1 (R1), i-2 (L2), i+2 (R2). */
  s = w->nb[DL__NER_CW_L1];
  gat(m, fh(T_LOWM1, ti.low), sh, s, &g);
  gat(m, fh(T_SSM1, ti.sshape), sh, s, &g);
  gat_clus_nb(m, sh, T_CLUSM1, ti.clus, ti.clus_len, s, &g);
  s = w->nb[DL__NER_CW_R1];
  gat(m, fh(T_LOWP1, ti.low), sh, s, &g);
  gat(m, fh(T_SSP1, ti.sshape), sh, s, &g);
  gat_clus_nb(m, sh, T_CLUSP1, ti.clus, ti.clus_len, s, &g);
  s = w->nb[DL__NER_CW_L2];
  gat(m, fh(T_LOWM2, ti.low), sh, s, &g);
  gat(m, fh(T_SSM2, ti.sshape), sh, s, &g);
  s = w->nb[DL__NER_CW_R2];
  gat(m, fh(T_LOWP2, ti.low), sh, s, &g);
  gat(m, fh(T_SSP2, ti.sshape), sh, s, &g);
  for (unsigned k = 0; k < g.n; k++) add_sum16(g.dst[k], g.p[k]);
}

/* Sets up the cache for model m: 1 ready, 0 row-by-row (cw_off), -1 out
** of memory. */
static int cw_ready(struct dl__ner_ws *ws, const struct dl__ner *m)
{
  unsigned sh = 64 - m->bits;
  if (ws->cw_off) return 0;
  if (!ws->cw) {
    unsigned char *raw =
        dl__malloc(ws->al, DL__NER_CW_SLOTS * sizeof(struct dl__ner_cw) + 64);
    uint64_t *key = dl__calloc(ws->al, DL__NER_CW_SLOTS, sizeof *key);
    uint8_t *mru = dl__calloc(ws->al, DL__NER_CW_SLOTS / 2, 1);
    uint32_t *gen = dl__calloc(ws->al, DL__NER_CW_SLOTS, sizeof *gen);
    if (!raw || !key || !mru || !gen) {
      dl__free(ws->al, raw);
      dl__free(ws->al, key);
      dl__free(ws->al, mru);
      dl__free(ws->al, gen);
      return -1;
    }
    ws->cw_gen = gen;
    ws->cw_raw = raw;
    ws->cw = (struct dl__ner_cw *)(void *)(raw + ((64 - ((uintptr_t)raw & 63)) & 63));
    ws->cw_key = key;
    ws->cw_mru = mru;
    ws->cw_model = NULL;
  }
  if (ws->cw_model != m) {
    memset(ws->cw_key, 0, DL__NER_CW_SLOTS * sizeof *ws->cw_key);
    memset(ws->bos, 0, sizeof ws->bos);
    memset(ws->eos, 0, sizeof ws->eos);
    add_feat(m, fh(T_LOWM1, BOS_HASH), sh, ws->bos[0]);
    add_feat(m, fh(T_SSM1, BOS_HASH), sh, ws->bos[0]);
    add_feat(m, fh(T_LOWM2, BOS_HASH), sh, ws->bos[1]);
    add_feat(m, fh(T_SSM2, BOS_HASH), sh, ws->bos[1]);
    add_feat(m, fh(T_LOWP1, EOS_HASH), sh, ws->eos[0]);
    add_feat(m, fh(T_SSP1, EOS_HASH), sh, ws->eos[0]);
    add_feat(m, fh(T_LOWP2, EOS_HASH), sh, ws->eos[1]);
    add_feat(m, fh(T_SSP2, EOS_HASH), sh, ws->eos[1]);
    for (unsigned x = 0; x < 64; x++) {
      uint64_t d = x & 7u, cf = ((x >> 3) & 3u) | (x & NF_SSTART);
      ws->doc_row[0][x] = row_of(m, fh2(T_DOC, d, cf), sh);
      ws->doc_row[1][x] = row_of(m, fh2(T_DOCM1, d, cf), sh);
      ws->doc_row[2][x] = row_of(m, fh2(T_DOCP1, d, cf), sh);
    }
    ws->cw_model = m;
  }
  return 1;
}

/* Per-sentence buffers of the fast path: acc (rows x 16) and wh. */
static bool acc_reserve(struct dl__ner_ws *ws, size_t rows)
{
  size_t cap, nb, nh;
  int32_t *p;
  uint64_t *h;
  if (rows <= ws->acc_cap) return true;
  cap = ws->acc_cap ? ws->acc_cap : 256;
  while (cap < rows) cap *= 2;
  if (!dl__mul_ok(cap, DL__NER_ROW * sizeof *p, &nb) ||
      !dl__mul_ok(cap, sizeof *h, &nh))
    return false;
  p = dl__malloc(ws->al, nb);
  h = dl__malloc(ws->al, nh);
  if (!p || !h) {
    dl__free(ws->al, p);
    dl__free(ws->al, h);
    return false;
  }
  dl__free(ws->al, ws->acc);
  dl__free(ws->al, ws->wh);
  ws->acc = p;
  ws->wh = h;
  ws->acc_cap = cap;
  return true;
}

/* Emission scores from int32 sums: O is the baseline of every row. */
static void to_em(float *em, const int32_t *acc, size_t n, float scale)
{
  for (size_t i = 0; i < n; i++) {
    const int32_t *a = acc + i * DL__NER_ROW;
    float *e = em + i * DL__NER_NT;
    e[0] = 0;
    for (int t = 0; t < DL__NER_ROW; t++) e[t + 1] = (float)a[t] * scale;
  }
}

/* The set of a word hash (two ways: slots 2 * set and 2 * set + 1). */
static inline size_t cw_set(uint64_t word)
{
  return (size_t)((word ^ (word >> 32)) & (DL__NER_CW_SLOTS / 2 - 1));
}

/* Word hashes of toks[0..n) into wh, with the cache sets they will read
** prefetched. */
static void cw_hash_all(uint64_t *wh, const uint64_t *cw_key,
                        const dl__ner_tok *toks, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    uint64_t w = dl__ner_word_hash(toks[i].p, toks[i].len);
    wh[i] = w;
    __builtin_prefetch(&cw_key[2 * cw_set(w)]);
  }
}

static inline bool bytes_eq(const unsigned char *a, const char *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (a[i] != (unsigned char)b[i]) return false;
  return true;
}

/* Narrows the sums of a computed word into cache entry e; false (e left
** as it was) when a neighbour sum does not fit int16. */
static bool cw_narrow(const struct dl__ner_cww *w, struct dl__ner_cw *e)
{
  for (int k = 0; k < DL__NER_CW_NNB; k++)
    for (int t = 0; t < DL__NER_ROW; t++)
      if (w->nb[k][t] < INT16_MIN || w->nb[k][t] > INT16_MAX) return false;
  e->m = w->m;
  memcpy(e->self, w->self, sizeof e->self);
  for (int k = 0; k < DL__NER_CW_NNB; k++)
    for (int t = 0; t < DL__NER_ROW; t++) e->nb[k][t] = (int16_t)w->nb[k][t];
  return true;
}

/* The cache entry of token t (word: its word hash), or NULL when the word
** was computed into *wide (too long for the cache, or a neighbour sum
** beyond int16). A miss replaces the way not used last in its set. */
static const struct dl__ner_cw *cw_get(struct dl__ner_ws *ws,
                                       const struct dl__ner *m,
                                       const dl__ner_tok *t, uint64_t word,
                                       struct dl__ner_cww *wide,
                                       uint64_t *slot)
{
  size_t set, w;
  struct dl__ner_cw *e;
  if (slot) *slot = UINT64_MAX;
  if (t->len > DL__NER_CW_MAXLEN) {
    cw_fill(m, t, word, wide);
    return NULL;
  }
  set = cw_set(word);
  for (w = 0; w < 2; w++) {
    e = &ws->cw[2 * set + w];
    if (ws->cw_key[2 * set + w] == word && e->m.len == t->len &&
        bytes_eq(e->m.bytes, t->p, t->len)) {
      ws->cw_mru[set] = (uint8_t)w;
      if (slot) *slot = (uint64_t)ws->cw_gen[2 * set + w] << 32 | (2 * set + w);
      return e;
    }
  }
  cw_fill(m, t, word, wide);
  w = !ws->cw_key[2 * set] ? 0 : !ws->cw_key[2 * set + 1] ? 1
                                                          : 1u - ws->cw_mru[set];
  e = &ws->cw[2 * set + w];
  if ((ws->cw_test_wide && (word & 1)) || !cw_narrow(wide, e)) return NULL;
  ws->cw_key[2 * set + w] = word;
  ws->cw_mru[set] = (uint8_t)w;
  ws->cw_gen[2 * set + w]++;
  if (slot) *slot = (uint64_t)ws->cw_gen[2 * set + w] << 32 | (2 * set + w);
  return e;
}

bool dl__ner_fast_doc_build(struct dl__ner_ws *ws, const struct dl__ner *m,
                            const dl__ner_tok *toks, size_t n,
                            const size_t *sent_end, size_t n_sents)
{
  struct dl__ner_doctab *dt = &ws->doc;
  struct dl__ner_cww wide;
  size_t b = 0;
  int ready = cw_ready(ws, m);
  ws->dwh_ok = false;
  if (ready < 0) return false;
  if (!ready) return dl__ner_doc_build(ws, toks, n, sent_end, n_sents);
  if (n > ws->dwh_cap) {
    size_t cap = ws->dwh_cap ? ws->dwh_cap : 1024, nb;
    uint64_t *h, *sl;
    while (cap < n) cap *= 2;
    if (!dl__mul_ok(cap, sizeof *h, &nb)) return false;
    h = dl__malloc(ws->al, nb);
    sl = dl__malloc(ws->al, nb);
    if (!h || !sl) {
      dl__free(ws->al, h);
      dl__free(ws->al, sl);
      return false;
    }
    dl__free(ws->al, ws->dwh);
    dl__free(ws->al, ws->dslot);
    ws->dwh = h;
    ws->dslot = sl;
    ws->dwh_cap = cap;
  }
  if (!dt->cap && !doc_grow(ws)) return false;
  if (dt->used) {
    memset(dt->keys, 0, dt->cap * sizeof *dt->keys);
    dt->used = 0;
  }
  for (size_t s = 0; s < n_sents; s++) {
    size_t e = sent_end[s], len;
    if (e > n || e < b) return false;
    len = e - b;
    if (!dl__ner_ws_reserve(ws, len ? len : 1) || !acc_reserve(ws, len + 4))
      return false;
    cw_hash_all(ws->dwh + b, ws->cw_key, toks + b, len);
    for (size_t i = 0; i < len; i++) {
      const struct dl__ner_cw *ce =
          cw_get(ws, m, &toks[b + i], ws->dwh[b + i], &wide,
                 &ws->dslot[b + i]);
      const struct dl__ner_cwm *c = ce ? &ce->m : &wide.m;
      ws->ti[i].flags = c->flags | (i == 0 ? NF_SSTART : 0);
      ws->ti[i].low = c->low;
    }
    if (caps_sentence(ws->ti, len))
      for (size_t i = 0; i < len; i++) ws->ti[i].flags |= NF_CAPSSENT;
    for (size_t i = 0; i < len; i++) {
      struct dl__ner_docval *v;
      if (dt->used * 2 >= dt->cap && !doc_grow(ws)) return false;
      v = doc_slot(dt, ws->ti[i].low, true);
      v->flags |= tok_docflags(ws->ti[i].flags);
    }
    b = e;
  }
  ws->dwh_ok = b == n;
  return true;
}

/* gaz_match with the first step of every start token read from ti[].gaz1
** (the same lookups, the first one cached per word). */
static void gaz_match_fast(const struct dl__ner_lex *lx,
                           struct dl__ner_tinfo *ti, size_t n)
{
  if (!lx->gaz) return;
  for (size_t i = 0; i < n; i++) {
    uint64_t k = 0;
    size_t best[DL__NER_GAZ_CATS] = {0};
    bool any = false;
    if (ti[i].gaz1 == DL__NER_GAZ1_NONE) continue;
    for (size_t j = i; j < n && j < i + DL__NER_GAZ_MAXLEN; j++) {
      uint32_t v;
      k = dl__ner_gaz_step(k, ti[j].low);
      if (j == i) {
        v = ti[i].gaz1;
      } else {
        const unsigned char *s = dl__ner_slot_find(lx->gaz, lx->gaz_mask, k);
        if (!s) break;
        v = dl__ner_rd32(s + 4);
      }
      for (unsigned c = 0; c < DL__NER_GAZ_CATS; c++)
        if (v & (1u << c)) {
          best[c] = j - i + 1;
          any = true;
        }
      if (!(v & DL__NER_GAZ_PREFIX)) break;
    }
    if (!any) continue;
    for (unsigned c = 0; c < DL__NER_GAZ_CATS; c++) {
      size_t m = best[c];
      if (!m) continue;
      if (m == 1) {
        ti[i].gaz |= 1u << (4 * c + 3);
        continue;
      }
      ti[i].gaz |= 1u << (4 * c);
      for (size_t j = i + 1; j + 1 < i + m; j++) ti[j].gaz |= 1u << (4 * c + 1);
      ti[i + m - 1].gaz |= 1u << (4 * c + 2);
    }
  }
}


int dl__ner_sent_emit(struct dl__ner_ws *ws, const struct dl__ner *m,
                      const dl__ner_tok *toks, size_t n, const uint8_t *own,
                      const uint64_t *wh, const uint64_t *sl, int32_t *keep)
{
  struct dl__ner_tinfo *ti = ws->ti;
  const struct dl__ner_lex *lx = &m->lex;
  unsigned sh = 64 - m->bits;
  struct dl__ner_cww wide;
  int32_t *acc; /* row i + 2 is token i's; rows 0, 1, n + 2, n + 3 spill */
  bool differ = false;
  int ready;
  if (!n) return 0;
  ready = cw_ready(ws, m);
  if (ready <= 0) return ready < 0 ? -1 : 1;
  if (!acc_reserve(ws, n + 4)) return -1;
  acc = ws->acc;
  memset(acc, 0, (n + 4) * DL__NER_ROW * sizeof *acc);
  if (sl) {
    for (size_t i = 0; i < n; i++)
      if (sl[i] != UINT64_MAX) __builtin_prefetch(&ws->cw[(uint32_t)sl[i]]);
  } else if (wh) {
    for (size_t i = 0; i < n; i++)
      __builtin_prefetch(&ws->cw_key[2 * cw_set(wh[i])]);
  } else {
    cw_hash_all(ws->wh, ws->cw_key, toks, n);
    wh = ws->wh;
  }
  for (size_t i = 0; i < n; i++) {
    const struct dl__ner_cw *e = NULL;
    if (sl && sl[i] != UINT64_MAX &&
        ws->cw_gen[(uint32_t)sl[i]] == (uint32_t)(sl[i] >> 32))
      e = &ws->cw[(uint32_t)sl[i]]; /* unchanged since the document pass */
    else
      e = cw_get(ws, m, &toks[i], wh[i], &wide, NULL);
    const struct dl__ner_cwm *c = e ? &e->m : &wide.m;
    int32_t *a = acc + (i + 2) * DL__NER_ROW;
    ti[i].low = c->low;
    ti[i].ss_row = c->ss_row[i == 0];
    ti[i].sshape = c->sshape;
    ti[i].flags = c->flags | (i == 0 ? NF_SSTART : 0);
    ti[i].clus = c->clus;
    ti[i].clus_len = c->clus_len;
    ti[i].gaz1 = c->gaz1;
    ti[i].gaz = 0;
    ti[i].docf = 0;
    if (e) {
      add_sum(a, e->self);
      add_sum16(a + DL__NER_ROW, e->nb[DL__NER_CW_L1]);
      add_sum16(a + 2 * DL__NER_ROW, e->nb[DL__NER_CW_L2]);
      add_sum16(a - DL__NER_ROW, e->nb[DL__NER_CW_R1]);
      add_sum16(a - 2 * DL__NER_ROW, e->nb[DL__NER_CW_R2]);
    } else {
      add_sum(a, wide.self);
      add_sum(a + DL__NER_ROW, wide.nb[DL__NER_CW_L1]);
      add_sum(a + 2 * DL__NER_ROW, wide.nb[DL__NER_CW_L2]);
      add_sum(a - DL__NER_ROW, wide.nb[DL__NER_CW_R1]);
      add_sum(a - 2 * DL__NER_ROW, wide.nb[DL__NER_CW_R2]);
    }
  }
  /* A caps sentence (a headline in capitals) changes the token features:
  ** row by row. */
  if (caps_sentence(ti, n)) return 1;
  add_sum(acc + 2 * DL__NER_ROW, ws->bos[0]);
  add_sum(acc + 2 * DL__NER_ROW, ws->bos[1]);
  if (n > 1) add_sum(acc + 3 * DL__NER_ROW, ws->bos[1]);
  add_sum(acc + (n + 1) * DL__NER_ROW, ws->eos[0]);
  add_sum(acc + (n + 1) * DL__NER_ROW, ws->eos[1]);
  if (n > 1) add_sum(acc + n * DL__NER_ROW, ws->eos[1]);
  if (ws->doc.used)
    for (size_t i = 0; i < n; i++) {
      const struct dl__ner_docval *v = doc_slot(&ws->doc, ti[i].low, false);
      ti[i].docf = v ? v->flags : 0;
    }
  gaz_match_fast(lx, ti, n);

  /* The context features, as in dl__ner_sent_feats (k counts the
  ** features before the gazetteer ones, which are capped by it). */
  for (size_t i = 0; i < n; i++) {
    const struct dl__ner_tinfo *t = &ti[i];
    uint32_t *r = ws->rows + i * DL__NER_MAXF;
    unsigned nr = 0;
    uint64_t lm1 = i > 0 ? ti[i - 1].low : BOS_HASH;
    uint64_t lp1 = i + 1 < n ? ti[i + 1].low : EOS_HASH;
    uint64_t sm1 = i > 0 ? ti[i - 1].sshape : BOS_HASH;
    uint64_t sp1 = i + 1 < n ? ti[i + 1].sshape : EOS_HASH;
    uint32_t fl = t->flags;
    uint32_t cflags = fl & (NF_CAP | NF_ALLCAPS | NF_SSTART | NF_CAPSSENT);
    unsigned k = 27;
    if (t->clus_len) k += 5;
    if (i > 0 && ti[i - 1].clus_len) k += 2;
    if (i + 1 < n && ti[i + 1].clus_len) k += 2;
    defer_feat(m, fh2(T_BIGL, lm1, t->low), sh, r, &nr);
    defer_feat(m, fh2(T_BIGR, t->low, lp1), sh, r, &nr);
    defer_feat(m, fh2(T_SS3, fh2(0, sm1, t->sshape), sp1), sh, r, &nr);
    defer_row(m, t->ss_row, r, &nr); /* T_SSSTART */
    defer_feat(m, fh2(T_LOWM1_SS, lm1, t->sshape), sh, r, &nr);
    defer_feat(m, fh2(T_SS_LOWP1, t->sshape, lp1), sh, r, &nr);
    /* the set bits of t->gaz, lowest first, while k is under the cap */
    for (uint32_t g = t->gaz; g && k < DL__NER_MAXF - 8 - DL__NER_LBLF;
         g &= g - 1, k++)
      defer_feat(m, fh2(T_GAZ, (unsigned)__builtin_ctz(g),
                        cflags & NF_CAPSSENT),
                 sh, r, &nr);
    if (i > 0 && ti[i - 1].gaz)
      defer_feat(m, fh(T_GAZM1, ti[i - 1].gaz), sh, r, &nr);
    if (i + 1 < n && ti[i + 1].gaz && (fl & NF_CAP) &&
        (ti[i + 1].flags & NF_CAP))
      defer_feat(m, fh2(T_GAZCTX, ti[i + 1].gaz, 1), sh, r, &nr);
    if (i > 0 && t->gaz && (fl & NF_CAP) && (ti[i - 1].flags & NF_CAP))
      defer_feat(m, fh2(T_GAZCTX, t->gaz, 2), sh, r, &nr);
    if (i + 1 < n && ti[i + 1].gaz)
      defer_feat(m, fh(T_GAZP1, ti[i + 1].gaz), sh, r, &nr);
    if (fl & NF_LETTER) {
      /* T_DOC, T_DOCM1, T_DOCP1 from the table (cflags has no
      ** NF_CAPSSENT on the fast path) */
      unsigned cx = ((fl & (NF_CAP | NF_ALLCAPS)) << 3) | (fl & NF_SSTART);
      defer_row(m, ws->doc_row[0][cx | (t->docf & 7u)], r, &nr);
      if (i > 0) defer_row(m, ws->doc_row[1][cx | (ti[i - 1].docf & 7u)], r, &nr);
      if (i + 1 < n)
        defer_row(m, ws->doc_row[2][cx | (ti[i + 1].docf & 7u)], r, &nr);
    }
    if (own) {
      uint64_t c;
      uint32_t rows[DL__NER_LBLF];
      int ty = dl__ner_tag_type(own[i]);
      int maj = t->flags & NF_LETTER
                    ? others_of(ws, t->low, t->flags, ty, &c)
                    : -1;
      if (maj >= 0) {
        unsigned nl = dl__ner_label_rows(c, t->flags, m->bits, rows);
        if (maj != ty + 1) differ = true;
        for (unsigned q = 0; q < nl; q++)
          defer_feat(m, (uint64_t)rows[q] << sh, sh, r, &nr);
      }
    }
    ws->nf[i] = (uint8_t)nr;
  }
  if (own && !differ) return 2;
  for (size_t i = 0; i < n; i++) {
    int32_t *a = acc + (i + 2) * DL__NER_ROW;
    const uint32_t *r = ws->rows + i * DL__NER_MAXF;
    for (unsigned q = 0; q < ws->nf[i]; q++)
      add_sum16(a, m->w + (size_t)r[q] * DL__NER_ROW);
  }
  if (keep) memcpy(keep, acc + 2 * DL__NER_ROW, n * sizeof(int32_t[DL__NER_ROW]));
  to_em(ws->em, acc + 2 * DL__NER_ROW, n, m->scale);
  return 0;
}

int dl__ner_sent_relabel(struct dl__ner_ws *ws, const struct dl__ner *m,
                         const int32_t *kept, const uint64_t *low,
                         const uint32_t *flags, const uint8_t *own,
                         size_t n)
{
  unsigned sh = 64 - m->bits;
  bool differ = false;
  int32_t *acc;
  if (!n) return 2;
  if (!acc_reserve(ws, n)) return -1;
  acc = ws->acc;
  /* The label rows of each token, as in dl__ner_sent_emit with own. */
  for (size_t i = 0; i < n; i++) {
    uint32_t *r = ws->rows + i * DL__NER_MAXF;
    unsigned nr = 0;
    uint64_t c;
    int ty = dl__ner_tag_type(own[i]);
    int maj = flags[i] & NF_LETTER ? others_of(ws, low[i], flags[i], ty, &c)
                                   : -1;
    if (maj >= 0) {
      uint32_t rows[DL__NER_LBLF];
      unsigned nl = dl__ner_label_rows(c, flags[i], m->bits, rows);
      if (maj != ty + 1) differ = true;
      for (unsigned q = 0; q < nl; q++)
        defer_feat(m, (uint64_t)rows[q] << sh, sh, r, &nr);
    }
    ws->nf[i] = (uint8_t)nr;
  }
  if (!differ) return 2;
  memcpy(acc, kept, n * sizeof(int32_t[DL__NER_ROW]));
  for (size_t i = 0; i < n; i++) {
    int32_t *a = acc + i * DL__NER_ROW;
    const uint32_t *r = ws->rows + i * DL__NER_MAXF;
    for (unsigned q = 0; q < ws->nf[i]; q++)
      add_sum16(a, m->w + (size_t)r[q] * DL__NER_ROW);
  }
  to_em(ws->em, acc, n, m->scale);
  return 0;
}
