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
#define DL__NER_FORMAT_VERSION 1u

/* Lexical resources carried inside the model: two open-addressed tables of
** 16-byte little-endian slots {u64 key, u32 a, u32 b}, key 0 = empty.
**   clusters: key = word hash (exact form, or lower form ^ seed),
**             a = cluster bit string (left-aligned in 32 bits), b = length.
**   gaz:      key = hash of the lower-cased token sequence,
**             a = category bit mask | DL__NER_GAZ_PREFIX when a longer
**             entry continues.                                          */
#define DL__NER_GAZ_PREFIX 0x80000000u

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
};

/* Document-level table: lower-form hash -> flags seen in the document. */
struct dl__ner_doctab {
  uint64_t *keys;
  uint32_t *vals;
  size_t cap; /* power of two */
  size_t used;
};

/* The loaded model (immutable, shared by threads). */
struct dl__ner {
  const dl_allocator *al;
  unsigned char *image; /* owned copy of the file */
  size_t image_len;
  unsigned bits;        /* 2^bits weight rows */
  float scale;          /* weight = int16 * scale */
  const int16_t *w;     /* rows x NT, points into image when aligned LE */
  int16_t *w_own;       /* a converted copy otherwise */
  float trans[DL__NER_NT + 1][DL__NER_NT]; /* [prev or NT=start][cur] */
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
  struct dl__ner_doctab doc;
};

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
                                       uint32_t mask, uint64_t key);
uint32_t dl__ner_rd32(const unsigned char *p);
uint64_t dl__ner_rd64(const unsigned char *p);
void dl__ner_wr32(unsigned char *p, uint32_t v);
void dl__ner_wr64(unsigned char *p, uint64_t v);
uint64_t dl__ner_mix(uint64_t h);

/* ner.c */
/* Viterbi over em (n x NT) with transitions and BILOU constraints;
** writes n tags. */
void dl__ner_viterbi(const float *em, size_t n,
                     const float *trans, /* (NT + 1) x NT */
                     float *vit, uint8_t *bp, uint8_t *tags);
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
dl_status dl__ner_write(const char *path, unsigned bits, const float *w,
                        const float *trans, /* (NT + 1) x NT */
                        const struct dl__ner_lex *lx, size_t clus_bytes,
                        size_t gaz_bytes, dl_error *err);

#endif /* DL_NER_H */
