/*
** tone_words.c -- the words layer shared by the tone, themes, keywords and
** summary stages, and their annotator workspace.
**
** Every word token (DL__TOK_WORD) is case-folded and interned as a form;
** every new form is looked up once in the sentiment lexicon, the negation,
** booster, pronoun and stop-word lists, and stemmed once with libstemmer's
** English (Porter2) stemmer, the stem interned too. So the per-token cost
** is one hash probe, and the cost of the look-ups grows with the number of
** distinct words, not with the length of the document.
**
** The hash tables and arrays live in the workspace (struct dl__told_ws)
** and are reused between documents; the finished forms and stems are
** copied into the document's arena. Curly apostrophes fold to ASCII (so
** "n’t" is "n't"). A word over DL__TOLD_MAX_FORM bytes is not a form.
*/
#include "tone.h"

#include <libstemmer.h>
#include <math.h>
#include <stdlib.h>
#include <xxhash.h>

/* ====================================================================
** Small static lists
** ==================================================================== */

/* Function words: never keywords, never summary terms (sorted bytewise). */
static const char *const stop_words[] = {
    "'d", "'ll", "'m", "'re", "'s", "'ve", "a", "about", "above", "after",
    "again", "against", "ago", "all", "almost", "also", "although", "am",
    "among", "an", "and", "another", "any", "anyone", "anything", "are",
    "around", "as", "at", "be", "became", "because", "become", "been",
    "before", "being", "below", "between", "both", "but", "by", "can",
    "cannot", "could", "did", "do", "does", "doing", "done", "down",
    "during", "each", "either", "else", "enough", "even", "ever", "every",
    "few", "for", "from", "further", "get", "gets", "got", "had", "has",
    "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "however", "i", "if", "in", "into", "is", "it",
    "its", "itself", "just", "least", "less", "like", "made", "make",
    "many", "may", "me", "might", "mine", "more", "most", "mr", "mrs", "ms",
    "much", "must", "my", "myself", "n't", "neither", "never", "no", "nor",
    "not", "now", "of", "off", "often", "on", "once", "one", "only", "or",
    "other", "others", "our", "ours", "ourselves", "out", "over", "own",
    "per", "perhaps", "put", "quite", "rather", "really", "said", "same",
    "say", "says", "see", "seen", "several", "shall", "she", "should",
    "since", "so", "some", "something", "still", "such", "than", "that",
    "the", "their", "theirs", "them", "themselves", "then", "there",
    "these", "they", "this", "those", "though", "through", "thus", "to",
    "too", "under", "until", "up", "upon", "us", "very", "via", "was", "we",
    "well", "were", "what", "whatever", "when", "where", "whether", "which",
    "while", "who", "whom", "whose", "why", "will", "with", "within",
    "without", "would", "yet", "you", "your", "yours", "yourself",
    "yourselves"};

/* Words after which a word that may be a verb is one (sorted bytewise). */
static const char *const verb_cues[] = {
    "'d", "'ll", "can", "could", "did", "do", "does", "i", "let", "may",
    "might", "must", "n't", "please", "shall", "should", "they", "to", "we",
    "will", "would", "you"};

/* Self and group references (GDELT's "self/group reference density"). */
static const char *const self_words[] = {
    "i",    "me",   "mine",  "my",   "myself", "our",   "ours",
    "ourselves", "us", "we", "you", "your", "yours", "yourself",
    "yourselves"};

/* Month and weekday names (DL__W_CAL), sorted bytewise. */
static const char *const calendar_words[] = {
    "april",   "august",   "december", "february", "friday",   "january",
    "july",    "june",     "march",    "may",      "monday",   "november",
    "october", "saturday", "september", "sunday",  "thursday", "tuesday",
    "wednesday"};

static int cmp_str(const void *k, const void *e)
{
  return strcmp((const char *)k, *(const char *const *)e);
}

static int cmp_entry(const void *k, const void *e)
{
  return strcmp((const char *)k, ((const struct dl__tone_entry *)e)->word);
}

static bool in_list(const char *const *list, size_t n, const char *s)
{
  return bsearch(s, list, n, sizeof *list, cmp_str) != NULL;
}

bool dl__told_is_stop(const char *s, size_t n)
{
  char k[32];
  if (n >= sizeof k) return false;
  memcpy(k, s, n);
  k[n] = 0;
  return in_list(stop_words, DL__COUNTOF(stop_words), k);
}

static int cmp_idf(const void *k, const void *e)
{
  return strcmp((const char *)k, ((const struct dl__idf_entry *)e)->stem);
}

float dl__told_idf(const struct dl__idf_table *t, const char *s)
{
  uint32_t tdf, tdocs;
  double n, df;
  if (dl__idf_table_get(t, s, &tdf, &tdocs)) {
    /* The caller's corpus: a stem it never saw is rare there. */
    n = (double)tdocs;
    df = tdf ? (double)tdf : 1.0;
  } else {
    const struct dl__idf_entry *e =
        bsearch(s, dl__idf, dl__idf_len, sizeof *dl__idf, cmp_idf);
    n = (double)dl__idf_docs;
    /* A stem the corpus never saw (or saw fewer than its cut-off) counts
    ** as rare: df 1. */
    df = e ? (double)e->df : 1.0;
  }
  /* Smoothed so the commonest words keep a small weight. */
  return (float)log((n + 1.0) / (df + 0.5));
}

/* ====================================================================
** Workspace
** ==================================================================== */

void dl__told_ws_free(dl_annotator *a)
{
  struct dl__told_ws *ws = a->told_ws;
  if (!ws) return;
  if (ws->stemmer) sb_stemmer_delete(ws->stemmer);
  dl__free(ws->al, ws->cf_mem);
  dl__free(ws->al, ws->cs);
  dl__free(ws->al, ws->cs_slot);
  dl__arena_free(&ws->cache);
  dl__free(ws->al, ws->df);
  dl__free(ws->al, ws->dslot);
  dl__free(ws->al, ws->sslot);
  dl__buf_free(&ws->fold);
  dl__free(ws->al, ws->act);
  dl__theme_index_free(ws->al, ws->themes);
  dl__kw_ws_free(ws->al, ws->kw);
  dl__sum_ws_free(ws->al, ws->sum);
  dl__arena_free(&ws->strings);
  for (size_t i = 0; i < DL__COUNTOF(ws->tmp); i++) dl__buf_free(&ws->tmp[i]);
  dl__free(ws->al, ws);
  a->told_ws = NULL;
}

const char *dl__told_stem(struct dl__told_ws *ws, const char *s, size_t n,
                          size_t *out_len)
{
  const sb_symbol *r;
  if (n > INT32_MAX) return NULL;
  r = sb_stemmer_stem(ws->stemmer, (const sb_symbol *)s, (int)n);
  if (!r) return NULL;
  *out_len = (size_t)sb_stemmer_length(ws->stemmer);
  return (const char *)r;
}

static int cmp_pstr(const void *x, const void *y)
{
  return strcmp(*(char *const *)x, *(char *const *)y);
}

struct dl__told_ws *dl__told_ws_get(dl_annotator *a, dl_error *err,
                                    dl_status *rc)
{
  struct dl__told_ws *ws = a->told_ws;
  if (ws) return ws;
  ws = dl__calloc(a->al, 1, sizeof *ws);
  if (!ws) goto oom;
  a->told_ws = ws;
  ws->al = a->al;
  ws->wc = a->m->wordclass;
  ws->idf = a->m->idf;
  dl__buf_init(&ws->fold, a->al);
  dl__arena_init(&ws->strings, a->al);
  dl__arena_init(&ws->cache, a->al);
  for (size_t i = 0; i < DL__COUNTOF(ws->tmp); i++)
    dl__buf_init(&ws->tmp[i], a->al);
  /* libstemmer allocates with libc malloc: the one place we cannot pass
  ** the model's allocator. */
  ws->stemmer = sb_stemmer_new("english", NULL);
  if (!ws->stemmer) goto oom;
  ws->act = dl__calloc(a->al, dl__tone_activity_len, sizeof *ws->act);
  if (!ws->act) goto oom;
  for (size_t i = 0; i < dl__tone_activity_len; i++) {
    size_t n;
    const char *st = dl__told_stem(ws, dl__tone_activity[i],
                                   strlen(dl__tone_activity[i]), &n);
    char *c;
    if (!st || !(c = dl__arena_strndup(&ws->strings, st, n))) goto oom;
    ws->act[ws->n_act++] = c;
  }
  qsort(ws->act, ws->n_act, sizeof *ws->act, cmp_pstr);
  return ws;
oom:
  dl__told_ws_free(a);
  *rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  return NULL;
}

/* ====================================================================
** The cache and the document's tables
** ==================================================================== */

/* Keys. Most words are ASCII and at most 16 bytes: such a key is held as
** two 64-bit words (its bytes, zero-padded), folded to lower case eight
** bytes at a time, hashed by two multiplications and compared as two
** words, with no call and no string read. A longer key is hashed by XXH3
** and compared with memcmp. The hash depends only on the folded bytes,
** however they were folded, so both ways find the same entries. */
#define KEY_SHORT 16

static inline void key16(const char *s, size_t n, uint64_t *k0, uint64_t *k1)
{
  unsigned char b[KEY_SHORT] = {0};
  memcpy(b, s, n);
  memcpy(k0, b, 8);
  memcpy(k1, b + 8, 8);
}

/* The masks that keep the first n (1..16) bytes of a 16-byte load, as two
** little-endian words: masks[n][0] for the first word, [1] the second. */
/* (n & 7: the shift count stays in 0..56 in the arm not taken too, where
** clang would warn of a negative one.) */
#define M8(n)                                                                 \
  ((n) >= 8   ? ~UINT64_C(0)                                                  \
   : (n) <= 0 ? 0                                                             \
              : (UINT64_C(1) << (8 * ((n) & 7))) - 1)
#define MROW(n) {M8(n), (n) > 8 ? M8((n) - 8) : 0}
static const uint64_t key_masks[KEY_SHORT + 1][2] = {
    {0, 0},    MROW(1),  MROW(2),  MROW(3),  MROW(4),  MROW(5),
    MROW(6),   MROW(7),  MROW(8),  MROW(9),  MROW(10), MROW(11),
    MROW(12),  MROW(13), MROW(14), MROW(15), MROW(16)};

/* The key of n (<= KEY_SHORT) folded bytes at s, with KEY_SHORT bytes
** readable there (the fold buffer keeps that room): key16's words, by two
** loads and masks. */
static inline void fold_key(const char *s, size_t n, uint64_t *k0,
                            uint64_t *k1)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  memcpy(k0, s, 8);
  memcpy(k1, s + 8, 8);
  *k0 &= key_masks[n][0];
  *k1 &= key_masks[n][1];
#else
  key16(s, n, k0, k1);
#endif
}

static inline uint32_t hash16(uint64_t k0, uint64_t k1, size_t n)
{
  uint64_t h = (k0 ^ UINT64_C(0x9E3779B97F4A7C15)) * UINT64_C(0xBF58476D1CE4E5B9);
  h ^= (k1 + n) * UINT64_C(0x94D049BB133111EB);
  h ^= h >> 31;
  h *= UINT64_C(0xD6E8FEB86659FD93);
  return (uint32_t)(h ^ (h >> 32));
}

static uint32_t hash_bytes(const char *s, size_t n)
{
  uint64_t k0, k1;
  if (n > KEY_SHORT) return (uint32_t)XXH3_64bits(s, n);
  key16(s, n, &k0, &k1);
  return hash16(k0, k1, n);
}

/* The bytes 'A'..'Z' of x (every byte below 0x80) to lower case: bit 7
** of each byte of (x + 0x3f..) is set from 'A' up, of (x + 0x25..) above
** 'Z'; neither sum carries into the next byte. */
static inline uint64_t lower8(uint64_t x)
{
  uint64_t ge_a = x + UINT64_C(0x3f3f3f3f3f3f3f3f);
  uint64_t gt_z = x + UINT64_C(0x2525252525252525);
  return x | ((ge_a & ~gt_z & UINT64_C(0x8080808080808080)) >> 2);
}

/* A slot of the open-addressing tables: the key's 32-bit hash in the high
** half, id + 1 in the low half, 0 empty. A probe compares hashes before
** touching the entry (and its string), so a miss costs no cache miss on
** the entries. */
#define SLOT(h, id) (((uint64_t)(h) << 32) | ((uint64_t)(id) + 1))
#define SLOT_ID(v) ((uint32_t)(v) - 1)
#define SLOT_H(v) ((uint32_t)((v) >> 32))

/* The hash of a cache entry's key. */
static uint32_t cstem_hash(const void *item)
{
  const struct dl__cstem *c = item;
  return hash_bytes(c->s, c->len);
}

static uint32_t cform_hash(const void *item)
{
  const struct dl__cform *c = item;
  return c->len <= KEY_SHORT ? hash16(c->k0, c->k1, c->len)
                             : hash_bytes(c->s, c->len);
}

/* Makes room for one more entry at load <= 1/2. */
static bool table_grow(const dl_allocator *al, uint64_t **slot, size_t *cap,
                       size_t n, const void *items, size_t item_size,
                       uint32_t (*hash)(const void *))
{
  size_t ncap;
  uint64_t *ns;
  if (*cap && (n + 1) * 2 <= *cap) return true;
  ncap = *cap ? *cap * 2 : 4096;
  ns = dl__calloc(al, ncap, sizeof *ns);
  if (!ns) return false;
  for (size_t i = 0; i < n; i++) {
    uint32_t h = hash((const char *)items + i * item_size);
    size_t j = h & (ncap - 1);
    while (ns[j]) j = (j + 1) & (ncap - 1);
    ns[j] = SLOT(h, i);
  }
  dl__free(al, *slot);
  *slot = ns;
  *cap = ncap;
  return true;
}

uint32_t dl__told_cstem(struct dl__told_ws *ws, const char *s, size_t n)
{
  struct dl__cstem *st;
  size_t j;
  uint32_t h;
  if (!table_grow(ws->al, &ws->cs_slot, &ws->cs_scap, ws->n_cs, ws->cs,
                  sizeof *ws->cs, cstem_hash))
    return UINT32_MAX;
  h = hash_bytes(s, n);
  j = h & (ws->cs_scap - 1);
  while (ws->cs_slot[j]) {
    if (SLOT_H(ws->cs_slot[j]) == h) {
      st = &ws->cs[SLOT_ID(ws->cs_slot[j])];
      if (st->len == n && memcmp(st->s, s, n) == 0)
        return SLOT_ID(ws->cs_slot[j]);
    }
    j = (j + 1) & (ws->cs_scap - 1);
  }
  if (!DL__PUSH(ws->al, ws->cs, ws->n_cs, ws->cs_cap)) return UINT32_MAX;
  st = &ws->cs[ws->n_cs];
  memset(st, 0, sizeof *st);
  st->s = dl__arena_strndup(&ws->cache, s, n);
  if (!st->s) return UINT32_MAX;
  st->len = (uint32_t)n;
  st->idf = dl__told_idf(ws->idf, st->s);
  ws->cs_slot[j] = SLOT(h, ws->n_cs);
  return (uint32_t)ws->n_cs++;
}

static const struct {
  const char *w;
  uint32_t sp;
} specials[] = {{"'s", DL__SP_POSS},     {"'", DL__SP_POSS},
                {"n't", DL__SP_NT},      {"kind", DL__SP_KIND},
                {"of", DL__SP_OF},       {"least", DL__SP_LEAST},
                {"at", DL__SP_AT},       {"very", DL__SP_VERY},
                {"never", DL__SP_NEVER}, {"so", DL__SP_SO},
                {"this", DL__SP_THIS}};

/* A new cache form: every look-up and the stem, once per annotator. */
static bool new_cform(struct dl__told_ws *ws, struct dl__cform *f,
                      const char *s, size_t n)
{
  const struct dl__tone_entry *e;
  const char *st;
  size_t sn;
  char w[DL__TOLD_MAX_FORM + 1]; /* the form, NUL-ended, for look-ups */
  if (n == 0 || n > DL__TOLD_MAX_FORM) return false;
  memset(f, 0, sizeof *f);
  memcpy(w, s, n);
  w[n] = 0;
  f->len = (uint8_t)n;
  f->pat_n = DL__CF_PAT_UNSET;
  if (n <= KEY_SHORT) {
    key16(s, n, &f->k0, &f->k1);
  } else if (!(f->s = dl__arena_strndup(&ws->cache, s, n))) {
    return false;
  }
  e = bsearch(w, dl__tone_lexicon, dl__tone_lexicon_len,
              sizeof *dl__tone_lexicon, cmp_entry);
  if (e) {
    f->val10 = (int8_t)lrintf(e->v * 10.0f);
    f->flags |= DL__W_LEX;
  }
  e = bsearch(w, dl__tone_booster, dl__tone_booster_len,
              sizeof *dl__tone_booster, cmp_entry);
  if (e && e - dl__tone_booster < 0x7f) { /* (the list has 63) */
    f->boost = (uint8_t)(e - dl__tone_booster + 1);
    f->flags |= DL__W_BOOST;
  }
  if (in_list(dl__tone_negate, dl__tone_negate_len, w) ||
      strcmp(w, "n't") == 0)
    f->flags |= DL__W_NEG;
  if (in_list(self_words, DL__COUNTOF(self_words), w))
    f->flags |= DL__W_SELF;
  if (in_list(stop_words, DL__COUNTOF(stop_words), w))
    f->flags |= DL__W_STOP;
  if (strcmp(w, "but") == 0) f->flags |= DL__W_BUT;
  if (in_list(calendar_words, DL__COUNTOF(calendar_words), w))
    f->boost |= DL__CF_CAL;
  if (n > 4 && memcmp(w + n - 2, "ly", 2) == 0) f->flags |= DL__W_LY;
  /* Word class: without the lexicon every word may head a noun phrase
  ** (no filter); a form the lexicon does not list is an open-class
  ** noun. */
  if (!ws->wc) {
    f->flags |= DL__W_NOUN;
  } else {
    uint32_t wc = dl__wordclass_get(ws->wc, w);
    /* An unlisted form in -ed is a verb's past ("assassinated",
    ** "pleaded"), rarely a noun. */
    if (!wc && n > 4 && memcmp(w + n - 2, "ed", 2) == 0 && w[n - 3] != 'e')
      wc = DL__WC_VERB;
    if (!wc || (wc & (DL__WC_NOUN | DL__WC_PROPN))) f->flags |= DL__W_NOUN;
    if (wc & DL__WC_ADJ) f->flags |= DL__W_ADJ;
    if (wc & DL__WC_VERB) f->flags |= DL__W_VERB;
    if (in_list(verb_cues, DL__COUNTOF(verb_cues), w))
      f->flags |= DL__W_VCUE;
  }
  for (size_t i = 0; i < DL__COUNTOF(specials); i++)
    if (strcmp(w, specials[i].w) == 0)
      f->flags |= (uint16_t)(specials[i].sp << DL__CF_SP_SHIFT);
  st = dl__told_stem(ws, w, n, &sn);
  if (!st) return false;
  {
    char key[DL__TOLD_MAX_FORM * 2 + 1];
    if (sn >= sizeof key) sn = sizeof key - 1;
    memcpy(key, st, sn);
    key[sn] = 0;
    if (bsearch(key, ws->act, ws->n_act, sizeof *ws->act, cmp_str))
      f->flags |= DL__W_ACTIVE;
    f->cstem = dl__told_cstem(ws, key, sn);
  }
  if (f->cstem == UINT32_MAX) return false;
  f->idf = ws->cs[f->cstem].idf;
  return true;
}

/* Empties the cache (and the theme index, whose patterns hold cache stem
** ids): a long-lived annotator fed ever new words stays bounded. */
static void cache_reset(struct dl__told_ws *ws)
{
  ws->n_cf = ws->n_cs = 0;
  if (ws->cf_cap) memset(ws->cf, 0, ws->cf_cap * sizeof *ws->cf);
  if (ws->cs_scap) memset(ws->cs_slot, 0, ws->cs_scap * sizeof *ws->cs_slot);
  dl__arena_free(&ws->cache);
  dl__arena_init(&ws->cache, ws->al);
  dl__theme_index_free(ws->al, ws->themes);
  ws->themes = NULL;
}

/* Room for nsize slots in a document table kept between documents
** (*slot, *cap slots): a new zeroed block when the kept one is smaller
** (*fresh true), else the kept one as it is, for the caller to clear the
** slots it used. False when out of memory. */
static bool slots_take(const dl_allocator *al, uint32_t **slot, size_t *cap,
                       size_t nsize, bool *fresh)
{
  *fresh = nsize > *cap;
  if (*fresh) {
    uint32_t *ns = dl__calloc(al, nsize, sizeof *ns);
    if (!ns) return false;
    dl__free(al, *slot);
    *slot = ns;
    *cap = nsize;
  }
  return true;
}

/* Fills the document's form x from cache form c, and numbers its stem on
** first use in this document (a small table by cache stem id, in the CPU
** cache: the cache's stem entries are not read; a slot holds the document
** stem + 1, whose cache stem id is in stems). No text is copied: the
** document's forms and stems hold ids, flags and numbers only. forms and
** stems are the document's arrays (in its arena), stems with room for a
** stem a form; the stem table has room for them all at load <= 1/2. */
static void doc_form(struct dl__told_ws *ws, struct dl__form *forms,
                     struct dl__stem *stems, uint32_t x, struct dl__cform *cf)
{
  struct dl__form *f = &forms[x];
  uint32_t id = cf->cstem, ds = UINT32_MAX, v;
  size_t m = ws->sssize - 1, j = (id * UINT32_C(2654435761)) & m;
  while ((v = ws->sslot[j]) != 0) {
    if (stems[v - 1].cstem == id) {
      ds = v - 1;
      break;
    }
    j = (j + 1) & m;
  }
  if (ds == UINT32_MAX) {
    ds = (uint32_t)ws->n_stems++;
    stems[ds].idf = cf->idf;
    stems[ds].cstem = id;
    /* The stem's theme patterns, looked up once per cache form when the
    ** theme index exists (built by the first themes run). */
    if (cf->pat_n == DL__CF_PAT_UNSET && ws->themes) {
      uint32_t lo, n = dl__theme_starting(ws->themes, id, &lo);
      if (n < DL__CF_PAT_UNSET && lo <= UINT16_MAX) {
        cf->pat_lo = (uint16_t)lo;
        cf->pat_n = (uint8_t)n;
      }
    }
    stems[ds].pat_lo = cf->pat_lo;
    stems[ds].pat_n = cf->pat_n == DL__CF_PAT_UNSET ? DL__STEM_PAT_UNSET
                                                    : cf->pat_n;
    ws->sslot[j] = ds + 1;
  }
  f->len = cf->len;
  f->stem = ds;
  f->valence = (float)cf->val10 / 10.0f;
  {
    unsigned b = cf->boost & ~(unsigned)DL__CF_CAL;
    f->boost = b ? dl__tone_booster[b - 1].v : 0.0f;
  }
  f->flags = (uint16_t)((cf->flags & ((1u << DL__CF_SP_SHIFT) - 1)) |
                        ((cf->boost & DL__CF_CAL) ? DL__W_CAL : 0u));
  f->special = (uint8_t)(cf->flags >> DL__CF_SP_SHIFT);
}

/* Appends the folded token text to ws->fold: ASCII by hand, the rest
** through dl__casefold; U+2019 and U+2018 become an apostrophe. */
static bool fold(struct dl__told_ws *ws, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80) break;
  if (i == n) {
    char *o;
    if (ws->fold.cap - ws->fold.len < n && !dl__buf_reserve(&ws->fold, n))
      return false;
    o = ws->fold.p + ws->fold.len;
    for (i = 0; i < n; i++) {
      char c = s[i];
      o[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    ws->fold.len += n;
    return true;
  }
  for (i = 0; i < n;) {
    size_t j = i;
    while (j < n && !((unsigned char)s[j] == 0xE2 && j + 2 < n &&
                      (unsigned char)s[j + 1] == 0x80 &&
                      ((unsigned char)s[j + 2] == 0x98 ||
                       (unsigned char)s[j + 2] == 0x99)))
      j++;
    if (j > i && !dl__casefold(&ws->fold, s + i, j - i)) return false;
    if (j < n) {
      if (!dl__buf_append(&ws->fold, "'", 1)) return false;
      j += 3;
    }
    i = j;
  }
  return true;
}

/* Prefetch distance, in distinct forms of the document, of the cache's
** entries. */
#ifndef PF_SLOT
#define PF_SLOT 16
#endif

/* Doubles the cache's table, moving its entries. The table starts on a
** 64-byte boundary, so no 32-byte entry straddles two cache lines (the
** allocator's blocks start 16 bytes into one: every other entry did, and
** a look-up missed on two lines, the second not prefetched). */
static bool cache_grow(struct dl__told_ws *ws)
{
  size_t ncap = ws->cf_cap ? ws->cf_cap * 2 : 4096, m = ncap - 1, bytes;
  struct dl__cform *nt;
  char *mem;
  if (!dl__mul_ok(ncap, sizeof *nt, &bytes) || bytes > SIZE_MAX - 64 ||
      !(mem = dl__malloc(ws->al, bytes + 64)))
    return false;
  nt = (struct dl__cform *)(void *)(mem + (64 - (uintptr_t)mem % 64) % 64);
  memset(nt, 0, bytes);
  for (size_t i = 0; i < ws->cf_cap; i++) {
    size_t j;
    if (!ws->cf[i].len) continue;
    j = cform_hash(&ws->cf[i]) & m;
    while (nt[j].len) j = (j + 1) & m;
    nt[j] = ws->cf[i];
  }
  dl__free(ws->al, ws->cf_mem);
  ws->cf_mem = mem;
  ws->cf = nt;
  ws->cf_cap = ncap;
  return true;
}

/* The cache form of the document's form x (its folded text at x->off),
** looked up or made; NULL when out of memory. The entries themselves are
** the table's slots: the look-up reads one cache line, which pass 2
** prefetches from the hash alone. */
static struct dl__cform *cache_form(struct dl__told_ws *ws,
                                    const struct dl__dform *x)
{
  const char *fs = ws->fold.p + x->off;
  struct dl__cform *f;
  size_t j, m;
  uint64_t k0 = 0, k1 = 0;
  if ((ws->n_cf + 1) * 2 > ws->cf_cap && !cache_grow(ws)) return NULL;
  if (x->len <= KEY_SHORT) fold_key(fs, x->len, &k0, &k1);
  m = ws->cf_cap - 1;
  j = x->h & m;
  while ((f = &ws->cf[j])->len) {
    if (f->len == x->len &&
        (x->len <= KEY_SHORT ? f->k0 == k0 && f->k1 == k1
                             : memcmp(f->s, fs, x->len) == 0))
      return f;
    j = (j + 1) & m;
  }
  if (!new_cform(ws, f, fs, x->len)) {
    memset(f, 0, sizeof *f); /* the slot stays empty */
    return NULL;
  }
  ws->n_cf++;
  return f;
}

/* Doubles the document's table (its slots for this document), moving
** its forms; false when out of memory. */
static bool doc_grow(struct dl__told_ws *ws)
{
  size_t nsize = ws->dsize * 2, m = nsize - 1;
  bool fresh;
  if (!slots_take(ws->al, &ws->dslot, &ws->dscap, nsize, &fresh))
    return false;
  if (!fresh) memset(ws->dslot, 0, ws->dsize * sizeof *ws->dslot);
  for (size_t k = 0; k < ws->n_forms; k++) {
    size_t j = ws->df[k].h & m;
    while (ws->dslot[j]) j = (j + 1) & m;
    ws->dslot[j] = (uint32_t)k + 1;
  }
  ws->dsize = nsize;
  return true;
}

/* Finds the document's form of the key (k0, k1 when n <= KEY_SHORT, else
** the n folded bytes at ws->fold.p + off) with hash h, or adds it (its
** text is then the bytes at off, which the caller keeps); the form's id,
** or UINT32_MAX when out of memory. A form's key is read back from its
** folded text (KEY_SHORT bytes readable at its offset), so the document's
** form is 12 bytes, not 32 with a copy of the key. */
static inline uint32_t doc_find(struct dl__told_ws *ws, uint32_t h,
                                uint64_t k0, uint64_t k1, size_t off,
                                size_t n, bool *added)
{
  size_t m, dj;
  uint32_t v, id;
  struct dl__dform *x;
  if ((ws->n_forms + 1) * 2 > ws->dsize && !doc_grow(ws)) return UINT32_MAX;
  m = ws->dsize - 1;
  dj = h & m;
  while ((v = ws->dslot[dj]) != 0) {
    x = &ws->df[v - 1];
    if (x->h == h && x->len == n) {
      const char *xs = ws->fold.p + x->off;
      bool eq;
      if (n <= KEY_SHORT) {
        uint64_t x0, x1;
        fold_key(xs, n, &x0, &x1);
        eq = x0 == k0 && x1 == k1;
      } else {
        eq = memcmp(xs, ws->fold.p + off, n) == 0;
      }
      if (eq) {
        *added = false;
        return v - 1;
      }
    }
    dj = (dj + 1) & m;
  }
  if (ws->n_forms == ws->df_cap &&
      !DL__PUSH(ws->al, ws->df, ws->n_forms, ws->df_cap))
    return UINT32_MAX;
  id = (uint32_t)ws->n_forms++;
  x = &ws->df[id];
  x->off = (uint32_t)off;
  x->len = (uint32_t)n;
  x->h = h;
  ws->dslot[dj] = id + 1; /* < 2^32: forms < tokens < 2^31 */
  *added = true;
  return id;
}

/* Pass 1 of the words layer: every word token's document form (tform),
** the forms numbered in order of first use, each with its folded text
** (kept for its first occurrence only, with KEY_SHORT bytes readable
** from its start) and hash. The document's table stays in the CPU cache
** (most tokens repeat a word of their document): it starts small for each
** document and doubles as its forms need (load <= 1/2), and the slots it
** used are cleared afterwards. */
#define DOC_SLOTS0 512
#define STEM_SLOTS0 64
static bool doc_pass(struct dl__told_ws *ws, const dl_doc *d, uint32_t *tform)
{
  bool ok = true;
  if (ws->dscap < DOC_SLOTS0 ||
      (ws->dscap > 65536 && ws->dscap > 8 * 2 * (d->n_tokens + 1))) {
    /* None yet, or one left much larger by a long document. */
    dl__free(ws->al, ws->dslot);
    ws->dscap = 0;
    if (!(ws->dslot = dl__calloc(ws->al, DOC_SLOTS0, sizeof *ws->dslot)))
      return false;
    ws->dscap = DOC_SLOTS0;
  }
  ws->dsize = DOC_SLOTS0;
  ws->fold.len = 0;
  for (size_t i = 0; i < d->n_tokens && ok; i++) {
    const dl__token *t = &d->tokens[i];
    const char *p = d->view + t->start;
    size_t off = ws->fold.len, n = t->end - t->start;
    uint64_t k0 = 0, k1 = 0;
    uint32_t h, id;
    bool added, fast = false;
    tform[i] = UINT32_MAX;
    if (!(t->flags & DL__TOK_WORD) ||
        (t->flags & (DL__TOK_URL | DL__TOK_EMAIL)))
      continue;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    /* 1..16 ASCII bytes, 16 readable: two loads, masked, folded. */
    if (n - 1 < KEY_SHORT && t->start + KEY_SHORT <= d->len) {
      memcpy(&k0, p, 8);
      memcpy(&k1, p + 8, 8);
      k0 &= key_masks[n][0];
      k1 &= key_masks[n][1];
      if (!((k0 | k1) & UINT64_C(0x8080808080808080))) {
        k0 = lower8(k0);
        k1 = lower8(k1);
        fast = true;
      }
    }
#endif
    if (fast) {
      h = hash16(k0, k1, n);
    } else {
      if (!fold(ws, p, n)) {
        ok = false;
        break;
      }
      n = ws->fold.len - off;
      if (n == 0 || n > DL__TOLD_MAX_FORM || off > UINT32_MAX) {
        ws->fold.len = off;
        continue;
      }
      if (ws->fold.cap - ws->fold.len < KEY_SHORT &&
          !dl__buf_reserve(&ws->fold, KEY_SHORT)) {
        ok = false;
        break;
      }
      if (n <= KEY_SHORT) {
        key16(ws->fold.p + off, n, &k0, &k1);
        h = hash16(k0, k1, n);
      } else {
        k0 = k1 = 0;
        h = (uint32_t)XXH3_64bits(ws->fold.p + off, n);
      }
    }
    if ((id = doc_find(ws, h, k0, k1, off, n, &added)) == UINT32_MAX) {
      ok = false;
      break;
    }
    if (!added) {
      ws->fold.len = off; /* a repeat: its folded text is not kept */
    } else if (fast) {
      if (off > UINT32_MAX || (ws->fold.cap - off <= KEY_SHORT &&
                                !dl__buf_reserve(&ws->fold, KEY_SHORT))) {
        ok = false;
        break;
      }
      memcpy(ws->fold.p + off, &k0, 8);
      memcpy(ws->fold.p + off + 8, &k1, 8);
      ws->fold.len = off + n;
    }
    tform[i] = id;
  }
  memset(ws->dslot, 0, ws->dsize * sizeof *ws->dslot);
  return ok;
}

dl_status dl__words_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  dl_status rc = DL_OK;
  struct dl__told_ws *ws = dl__told_ws_get(a, err, &rc);
  struct dl__words *W;
  if (!ws) return rc;
  if (!d->told) {
    d->told = dl__arena_alloc(&d->arena, sizeof *d->told);
    if (!d->told) goto oom;
    memset(d->told, 0, sizeof *d->told);
  }
  W = &d->told->words;
  if (ws->n_cf > DL__TOLD_CACHE_MAX || ws->n_cs > DL__TOLD_CACHE_MAX)
    cache_reset(ws);
  ws->n_forms = ws->n_stems = 0;
  W->tform = dl__arena_alloc(
      &d->arena, (d->n_tokens ? d->n_tokens : 1) * sizeof(uint32_t));
  if (!W->tform) goto oom;
  if (!doc_pass(ws, d, W->tform)) goto oom;
  /* The document's stem table: room for a stem a form at load <= 1/2,
  ** sized once for the document (no growth); the kept block is zero. */
  {
    size_t nsize = STEM_SLOTS0;
    bool fresh;
    while (nsize < 2 * (ws->n_forms + 1)) nsize *= 2;
    if (ws->sscap > 65536 && ws->sscap > 16 * nsize) {
      dl__free(ws->al, ws->sslot);
      ws->sslot = NULL;
      ws->sscap = 0;
    }
    if (!slots_take(ws->al, &ws->sslot, &ws->sscap, nsize, &fresh))
      goto oom;
    ws->sssize = nsize;
  }
  /* Pass 2: each distinct form's cache entry (its look-ups and stem), in
  ** order of first use. The cache outgrows the CPU caches and its misses
  ** were most of this stage's time; knowing the forms ahead, the slots
  ** and entries (and the strings of long forms) of the forms a few on are
  ** prefetched. The entry holds all the document needs: no stem entry is
  ** read. */
  /* The document's forms and stems are written where they stay, in its
  ** arena (a stem a form at most): no copy, no second array to touch. */
  if (ws->n_forms) {
    size_t fb, sb;
    if (!dl__mul_ok(ws->n_forms, sizeof *W->forms, &fb) ||
        !dl__mul_ok(ws->n_forms, sizeof *W->stems, &sb) ||
        !(W->forms = dl__arena_alloc(&d->arena, fb)) ||
        !(W->stems = dl__arena_alloc(&d->arena, sb)))
      goto oom;
  }
#if defined(__GNUC__)
  /* The first forms' entries too (the loop prefetches PF_SLOT ahead). */
  for (size_t k = 0; ws->cf_cap && k < PF_SLOT && k < ws->n_forms; k++)
    __builtin_prefetch(&ws->cf[ws->df[k].h & (ws->cf_cap - 1)]);
#endif
  for (size_t k = 0; k < ws->n_forms; k++) {
    struct dl__cform *c;
#if defined(__GNUC__)
    if (ws->cf_cap && k + PF_SLOT < ws->n_forms)
      __builtin_prefetch(&ws->cf[ws->df[k + PF_SLOT].h & (ws->cf_cap - 1)]);
#endif
    if (!(c = cache_form(ws, &ws->df[k]))) {
      memset(ws->sslot, 0, ws->sssize * sizeof *ws->sslot);
      goto oom;
    }
    doc_form(ws, W->forms, W->stems, (uint32_t)k, c);
  }
  memset(ws->sslot, 0, ws->sssize * sizeof *ws->sslot);
  W->n_forms = ws->n_forms;
  W->n_stems = ws->n_stems;
  d->told->words_ran = true;
  return DL_OK;
oom:
  return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
}
