/*
** ner.h -- the named-entity tagger's internal interface, shared by
** ner.c (model file, Viterbi, the stage), ner_feat.c (feature extraction)
** and ner_train.c (the averaged-perceptron trainer).
**
** Tags are BILOU over the four CoNLL types: tag 0 is O, and tag
** 1 + 4*type + pos, with type 0..3 = PER ORG LOC MISC and pos 0..3 =
** B I L U. Features are hashed (xxHash + a 64-bit mixer) into a table of
** 2^bits rows; a row holds one weight per tag, so one feature costs one
** cache line at tagging time.
*/
#ifndef DL_NER_H
#define DL_NER_H

#include "internal.h"

#define DL__NER_NT 17      /* tags */
#define DL__NER_NTYPES 4   /* PER ORG LOC MISC */
#define DL__NER_MAXF 64    /* feature slots per token */
#define DL__NER_GAZ_CATS 8 /* gazetteer categories (bits) */
#define DL__NER_GAZ_MAXLEN 8 /* longest gazetteer entry, in tokens */
#define DL__NER_FORMAT_VERSION 3u
#define DL__NER_ROW 16 /* stored weights per row: tags 1..16 minus O */
#define DL__NER_MF_TWO_PASS 1u /* trained with document label features */

/* Lexical resources carried inside the model: two open-addressed tables of
** 8-byte little-endian slots {u32 key, u32 value}, key 0 = empty. The key
** is the high half of a 64-bit hash (dl__ner_slot_key), the first probe
** dl__ner_slot_start(key), then linear probing.
**   clusters: hash = word hash of a form with an upper-case letter, or
**             lower-form hash ^ DL__NER_CLUS_LOW_SEED; value = cluster bit
**             string left-aligned in bits 31..5, its length in bits 4..0.
**   gaz:      hash = dl__ner_gaz_step chain over the lower-cased tokens;
**             value = category bit mask | DL__NER_GAZ_PREFIX when a
**             longer entry continues.                                   */
#define DL__NER_GAZ_PREFIX 0x80000000u
#define DL__NER_CLUS_LOW_SEED UINT64_C(0x5bd1e9955bd1e995)
#define DL__NER_CLUS_MAXLEN 27

struct dl__ner_lex {
  const unsigned char *clus;
  uint32_t clus_mask; /* slots - 1, or 0 with clus NULL */
  const unsigned char *gaz;
  uint32_t gaz_mask;
  uint32_t n_gaz_cats;
};

/* One token of input: bytes (any; invalid UTF-8 is tolerated). */
typedef struct dl__ner_tok {
  const char *p;
  size_t len;
} dl__ner_tok;

/* Per-token precomputed values (ner_feat.c). */
struct dl__ner_tinfo {
  uint64_t word, low, shape, sshape;
  uint64_t pre[4], suf[4];
  uint32_t clus, clus_len; /* cluster bits and length (0: none) */
  uint32_t gaz;            /* bit 4*cat + pos (B I L U) */
  uint32_t flags;          /* NF_* in ner_feat.c */
  uint32_t docf;           /* document-level flags */
  uint32_t gaz1;           /* fast path: first gazetteer step's slot value,
                              DL__NER_GAZ1_NONE when absent */
  uint32_t ss_row;         /* fast path: the T_SSSTART row */
};
#define DL__NER_GAZ1_NONE 0xFFFFFFFFu

/* The fast path's per-word cache (ner_feat.c, dl__ner_sent_emit): what a
** word contributes to the emission scores of its own position and of its
** neighbours (+-1, +-2), as exact sums of weight rows, plus the token
** values the context features need. Keyed by the word's bytes (words up
** to DL__NER_CW_MAXLEN bytes; longer ones are computed each time), valid
** for one model. A word's own sum needs int32; what it gives a neighbour
** (2-4 rows) fits int16 for all but a handful of words, which are then
** computed each time like long words (struct dl__ner_cww), so an entry
** is 256 bytes: four cache lines. */
#define DL__NER_CW_SLOTS 16384 /* two ways per set: 4 MB */
#define DL__NER_CW_MAXLEN 24
enum { DL__NER_CW_L1, DL__NER_CW_R1, DL__NER_CW_L2, DL__NER_CW_R2,
       DL__NER_CW_NNB };
struct dl__ner_cwm { /* one cache line: what the document pass, the
                        lookup and the context features read */
  uint64_t low, sshape;
  uint32_t clus, gaz1;
  uint32_t ss_row[2]; /* T_SSSTART row (DL__NER_NOROW: none), not at / at
                         a sentence start */
  uint16_t flags;
  uint8_t clus_len;
  uint8_t len; /* 0: longer than DL__NER_CW_MAXLEN */
  unsigned char bytes[DL__NER_CW_MAXLEN];
};
struct dl__ner_cw { /* a cache entry, 64-byte aligned */
  _Alignas(64) struct dl__ner_cwm m;
  int32_t self[DL__NER_ROW];
  int16_t nb[DL__NER_CW_NNB][DL__NER_ROW]; /* as left neighbour at -1, as
                                              right at +1, then at +-2 */
};
struct dl__ner_cww { /* the same, wide (computed, not cached) */
  struct dl__ner_cwm m;
  int32_t self[DL__NER_ROW];
  int32_t nb[DL__NER_CW_NNB][DL__NER_ROW];
};
#define DL__NER_NOROW 0xFFFFFFFFu /* a feature without weights */

/* Document-level table: lower-form hash -> flags seen in the document. */
struct dl__ner_docval {
  uint64_t lc;    /* label counts of the first pass (dl__ner_lc_add) */
  uint32_t flags; /* DF_* of ner_feat.c */
};

struct dl__ner_doctab {
  uint64_t *keys;
  struct dl__ner_docval *vals;
  size_t cap; /* power of two */
  size_t used;
};

/* Viterbi's transition tables, rearranged (dl__ner_viterbi_prep): from
** each of the 9 "closed" tags (O, L-*, U-*) to the 9 tags that may follow
** one (O, B-*, U-*), padded to 3 vectors of 4 lanes (the last 3 unused);
** from B-x and from I-x to I-x and L-x; from the sentence start. */
struct dl__ner_vt {
  float tco[9][12];
  float tbi[DL__NER_NTYPES][2], tii[DL__NER_NTYPES][2];
  float start[DL__NER_NT];
};

/* The loaded model (immutable, shared by threads). */
struct dl__ner {
  const dl_allocator *al;
  unsigned char *image; /* the file, 64-byte aligned inside image_raw */
  unsigned char *image_raw;
  size_t image_len;
  unsigned bits;        /* 2^bits weight rows */
  float scale;          /* weight = int16 * scale */
  const int16_t *w;     /* n_rows x DL__NER_ROW: the rows that have
                           weights, in row order, each relative to its O
                           weight; in the image on aligned LE hosts */
  int16_t *w_own;       /* a converted copy otherwise */
  uint64_t *rmap;       /* 2^bits / 64 words: bit r = row r has weights */
  uint32_t *rank;       /* set bits before each rmap word */
  size_t n_rows;
  float trans[DL__NER_NT + 1][DL__NER_NT]; /* [prev or NT=start][cur] */
  float tc[DL__NER_NT + 1][DL__NER_NT];    /* the same, BILOU-constrained */
  struct dl__ner_vt vt;                    /* tc arranged for Viterbi */
  uint32_t flags;       /* DL__NER_MF_* */
  struct dl__ner_lex lex;
  char path[200];       /* for messages */
};

/* Per-annotator workspace (a->stage_ws[DL__WS_NER]); grows, never
** shrinks, so a warm annotator allocates nothing per document. */
struct dl__ner_ws {
  const dl_allocator *al;
  struct dl__ner_tinfo *ti;
  size_t ti_cap;
  uint32_t *rows;   /* n x DL__NER_MAXF */
  uint8_t *nf;      /* features per token */
  size_t rows_cap;  /* in tokens */
  float *em;        /* n x NT emission scores */
  float *vit;       /* n x NT */
  uint8_t *bp;      /* n x NT back pointers */
  uint8_t *tags;    /* n */
  size_t em_cap;
  dl__ner_tok *toks; /* the stage's view of the document's tokens */
  size_t toks_cap;
  size_t *sent_end;  /* sentence ends (token indices) */
  size_t sent_cap;
  uint64_t *dlow;    /* per document token: lower form, flags (2nd pass) */
  uint32_t *dflags;
  size_t dcap;
  struct dl__ner_doctab doc;
  /* Fast path (dl__ner_sent_emit): the word cache, the model it holds
  ** sums for, per-sentence int32 accumulators (n + 4 rows), the
  ** sentence-boundary sums; cw_off forces the row-by-row path (tests). */
  struct dl__ner_cw *cw; /* 64-byte aligned inside cw_raw */
  void *cw_raw;
  uint64_t *cw_key;  /* per slot: the entry's word hash (0: empty) */
  uint32_t *cw_gen;  /* per slot: fills so far (see dslot) */
  uint8_t *cw_mru;   /* per set: the way used last */
  const struct dl__ner *cw_model;
  int32_t *acc;
  uint64_t *wh;   /* per token of the sentence: word hash */
  size_t acc_cap; /* rows of acc; wh holds as many */
  int32_t bos[2][DL__NER_ROW], eos[2][DL__NER_ROW]; /* [0]: +-1, [1]: +-2 */
  /* The rows of the document-flag features T_DOC, T_DOCM1, T_DOCP1 for
  ** every value they can take on the fast path: index docf & 7, NF_CAP
  ** and NF_ALLCAPS << 3, NF_SSTART (bit 5); DL__NER_NOROW: none. */
  uint32_t doc_row[3][64];
  bool cw_off;
  /* Per document token: the word hashes (computed once by
  ** dl__ner_fast_doc_build, read again by the first pass; dwh_ok when
  ** valid), and, for documents of at most DL__NER_KEEP_MAX tokens, the
  ** first pass's int32 emission sums of the sentences it tagged on the
  ** fast path (skept[s] set), so that the second pass only adds the
  ** label rows instead of recomputing every feature. */
  uint64_t *dwh;
  uint64_t *dslot;  /* per document token: (generation << 32) | slot of its
                       entry when the document pass found it, so that the
                       first pass takes the entry without a lookup while
                       the slot's generation is unchanged; UINT64_MAX none */
  size_t dwh_cap;   /* of dwh and dslot */
  bool dwh_ok;
  int32_t *dacc;    /* tokens x DL__NER_ROW */
  size_t dacc_cap;  /* tokens */
  uint8_t *skept;   /* per sentence */
  size_t skept_cap;
  size_t keep_max;  /* 0: DL__NER_KEEP_MAX (tests lower it) */
  bool cw_test_wide; /* tests: words of odd hash are not cached, as if a
                        neighbour sum had overflowed int16 */
};
#define DL__NER_KEEP_MAX 65536 /* tokens: 4 MB of kept sums at most */

/* ner_feat.c */
uint64_t dl__ner_low_hash(const char *p, size_t n);
uint64_t dl__ner_word_hash(const char *p, size_t n);
uint64_t dl__ner_gaz_step(uint64_t k, uint64_t low);
bool dl__ner_ws_reserve(struct dl__ner_ws *ws, size_t n);
/* Builds the document table over all tokens of a document (sentences
** given by their end indices). */
bool dl__ner_doc_build(struct dl__ner_ws *ws, const dl__ner_tok *toks,
                       size_t n, const size_t *sent_end, size_t n_sents);
/* Computes the feature rows of one sentence into ws->rows / ws->nf
** (ws must have room for n tokens). */
void dl__ner_sent_feats(struct dl__ner_ws *ws, const struct dl__ner_lex *lx,
                        unsigned bits, const dl__ner_tok *toks, size_t n);
const unsigned char *dl__ner_slot_find(const unsigned char *tab,
                                       uint32_t mask, uint64_t h);
uint32_t dl__ner_slot_key(uint64_t h);
uint32_t dl__ner_slot_start(uint32_t key, uint32_t mask);
uint32_t dl__ner_rd32(const unsigned char *p);
uint64_t dl__ner_rd64(const unsigned char *p);
void dl__ner_wr32(unsigned char *p, uint32_t v);
void dl__ner_wr64(unsigned char *p, uint64_t v);
uint64_t dl__ner_mix(uint64_t h);

/* Second pass: label counts of a lower form over the document (ner_feat.c,
** see there), whether a token's tag counts, the majority class (0 = O,
** 1 + type; -1 none), and the (at most DL__NER_LBLF) label feature rows of
** a token given the counts of its other occurrences. */
#define DL__NER_LBLF 2
uint64_t dl__ner_lc_add(uint64_t c, int type, int delta);
/* Adds the first-pass tags of the sentence in ws->ti to the counts. */
void dl__ner_sent_count(struct dl__ner_ws *ws, const uint8_t *tags, size_t n);
/* Appends label rows to the sentence in ws (after dl__ner_sent_feats),
** given each token's first-pass tag; true when some token's other
** occurrences mostly carry another class (the sentence is worth a second
** pass). */
bool dl__ner_sent_label_feats(struct dl__ner_ws *ws, unsigned bits,
                              const uint8_t *own, size_t n);
/* The same decision from the lower forms and flags kept by
** dl__ner_sent_keep after the first pass, without recomputing features. */
bool dl__ner_needs_second(struct dl__ner_ws *ws, const uint64_t *low,
                          const uint32_t *flags, const uint8_t *own, size_t n);
void dl__ner_sent_keep(const struct dl__ner_ws *ws, uint64_t *low,
                       uint32_t *flags, size_t n);
/* The document entry of a lower form, or NULL. */
struct dl__ner_docval *dl__ner_doc_find(struct dl__ner_ws *ws, uint64_t low);
bool dl__ner_lc_counts(uint32_t flags);
int dl__ner_lc_major(uint64_t c);
unsigned dl__ner_label_rows(uint64_t others, uint32_t flags, unsigned bits,
                            uint32_t *out);

/* Fast path: builds the document table (as dl__ner_doc_build) and
** computes the emission scores of one sentence into ws->em, with the
** document label features of the second pass when own (the first pass's
** tags) is given; ws->ti then holds the flags and lower forms that
** dl__ner_sent_count / dl__ner_sent_keep read. wh: the tokens' word
** hashes if known (ws->dwh), else NULL; sl: their cache slots as the
** document pass found them (ws->dslot), or NULL; keep: where to copy the n int32
** emission sums (rows of DL__NER_ROW) when the sentence was done, or
** NULL. Output identical to
** dl__ner_sent_feats (+ dl__ner_sent_label_feats) and the row-by-row
** emission sum: the same integer weights, summed in another order.
** Returns 0 when the sentence was done, 1 when it must take the
** row-by-row path (a sentence in capitals, or ws->cw_off), for the second
** pass 2 when no label feature differs (nothing to redo), and -1 when out
** of memory. */
bool dl__ner_fast_doc_build(struct dl__ner_ws *ws, const struct dl__ner *m,
                            const dl__ner_tok *toks, size_t n,
                            const size_t *sent_end, size_t n_sents);
int dl__ner_sent_emit(struct dl__ner_ws *ws, const struct dl__ner *m,
                      const dl__ner_tok *toks, size_t n, const uint8_t *own,
                      const uint64_t *wh, const uint64_t *sl, int32_t *keep);
/* The second pass of a sentence whose first-pass sums (before label
** features) were kept by dl__ner_sent_emit (keep): those sums plus the
** label rows of each token (its lower form and flags as kept by
** dl__ner_sent_keep, its first-pass tag own) into ws->em. Returns 0 when
** the emissions are ready, 2 when no label feature differs (the first
** pass's tags stand): the same as dl__ner_sent_emit with own. */
int dl__ner_sent_relabel(struct dl__ner_ws *ws, const struct dl__ner *m,
                         const int32_t *kept, const uint64_t *low,
                         const uint32_t *flags, const uint8_t *own,
                         size_t n);

/* Set bits of x (SWAR; no popcnt instruction assumed). */
static inline uint32_t dl__ner_popcount64(uint64_t x)
{
  x = x - ((x >> 1) & UINT64_C(0x5555555555555555));
  x = (x & UINT64_C(0x3333333333333333)) +
      ((x >> 2) & UINT64_C(0x3333333333333333));
  x = (x + (x >> 4)) & UINT64_C(0x0f0f0f0f0f0f0f0f);
  return (uint32_t)((x * UINT64_C(0x0101010101010101)) >> 56);
}

/* ner.c */
/* The transition matrix with forbidden BILOU transitions at -1e30. */
void dl__ner_constrain(const float *trans, float *out);
/* Viterbi over em (n x NT) with a constrained transition matrix
** (dl__ner_constrain); writes n tags, never ending inside an entity. */
void dl__ner_viterbi(const float *em, size_t n,
                     const float *trans, /* (NT + 1) x NT */
                     float *vit, uint8_t *bp, uint8_t *tags);
/* The same in two steps: the tables of a constrained transition matrix
** (once per model), then decoding with them. Identical results. */
void dl__ner_viterbi_prep(const float *trans, struct dl__ner_vt *vt);
void dl__ner_viterbi_vt(const float *em, size_t n,
                        const struct dl__ner_vt *vt, float *vit,
                        uint8_t *bp, uint8_t *tags);
bool dl__ner_allowed(int prev, int cur); /* prev NT = start */
const char *dl__ner_tag_iob2(int tag, int prev);
int dl__ner_tag_type(int tag); /* -1 for O */
int dl__ner_tag_pos(int tag);  /* 0..3 B I L U, -1 for O */
dl_status dl__ner_load_mem(const dl_allocator *al, const void *buf,
                           size_t len, const char *name,
                           struct dl__ner **out, dl_error *err);
void dl__ner_destroy(struct dl__ner *n);
struct dl__ner_ws *dl__ner_ws_new(const dl_allocator *al);
void dl__ner_ws_destroy(struct dl__ner_ws *ws);
/* Tags one document of pre-tokenized sentences into tags[] (BILOU ids). */
dl_status dl__ner_tag_doc(const struct dl__ner *m, struct dl__ner_ws *ws,
                          const dl__ner_tok *toks, size_t n,
                          const size_t *sent_end, size_t n_sents,
                          uint8_t *tags, float *margin, dl_error *err);

/* Model file writer (ner.c), used by the trainer. w is rows x NT. */
dl_status dl__ner_write(const char *path, unsigned bits, uint32_t mflags,
                        const float *w,
                        const float *trans, /* (NT + 1) x NT */
                        const struct dl__ner_lex *lx, size_t clus_bytes,
                        size_t gaz_bytes, dl_error *err);

/* ner_post.c: rules over a document's BILOU tags (text is the view the
** tokens index; lx may be NULL or have no gazetteer): an organization
** head absorbs the capitalized words before it ("Russian Orthodox
** Church" is one ORG), a MISC quotation that is a clause is dropped but
** its gazetteer places stay LOC. Rewrites tags in place. */
void dl__ner_post(const struct dl__ner_lex *lx, const char *text,
                  const dl__token *toks, size_t n, uint8_t *tags);

#endif /* DL_NER_H */
