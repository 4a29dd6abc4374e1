/*
** tone.h -- how a story is told: the words layer and the tone, themes,
** keywords and summary stages (tone.c, tone_words.c, themes.c,
** keywords.c, summary.c). docs/INTERNALS-tone.md has the design.
**
** The words layer (stage "words") is shared by the four: every word token
** gets a form (its case-folded text, interned per document) and a stem
** (libstemmer's English Snowball stem of the form, interned too). Lexicon
** look-ups and stemming are done once per distinct form, not per token.
*/
#ifndef DL_TONE_H
#define DL_TONE_H

#include "internal.h"

/* ====================================================================
** Generated tables (tone_lexicon.c, themes_table.c, keywords_idf.c)
** ==================================================================== */

struct dl__tone_entry {
  const char *word;
  float v;
};

extern const struct dl__tone_entry dl__tone_lexicon[]; /* VADER valences */
extern const size_t dl__tone_lexicon_len;
extern const char *const dl__tone_negate[];
extern const size_t dl__tone_negate_len;
extern const struct dl__tone_entry dl__tone_booster[]; /* +-0.293 */
extern const size_t dl__tone_booster_len;
extern const char *const dl__tone_activity[]; /* plain words, stemmed */
extern const size_t dl__tone_activity_len;

/* One theme of the taxonomy (data/themes.tsv). Each list is a string of
** comma-separated terms; a term is one or more words, each stemmed when
** the matcher is built. */
struct dl__theme_def {
  const char *code;
  const char *label;
  const char *terms;   /* always count */
  const char *weak;    /* count only with a context term in the sentence */
  const char *context; /* the context terms of `weak` */
  const char *exclude; /* a sentence holding one of these has no hit */
};
extern const struct dl__theme_def dl__themes[];
extern const size_t dl__themes_len;

/* Document frequencies of stems in the news corpora (keywords_idf.c). */
struct dl__idf_entry {
  const char *stem;
  uint32_t df;
};
extern const struct dl__idf_entry dl__idf[];
extern const size_t dl__idf_len;
extern const uint32_t dl__idf_docs; /* documents counted */

/* ====================================================================
** Layers
** ==================================================================== */

enum {
  DL__W_STOP = 1u << 0,   /* function word */
  DL__W_NEG = 1u << 1,    /* negation: not, never, n't, without */
  DL__W_BOOST = 1u << 2,  /* booster or dampener (VADER) */
  DL__W_SELF = 1u << 3,   /* first/second person pronoun */
  DL__W_ACTIVE = 1u << 4, /* activity word */
  DL__W_BUT = 1u << 5,    /* "but" */
  DL__W_LEX = 1u << 6,    /* in the sentiment lexicon */
  DL__W_LY = 1u << 7,     /* over 4 bytes, ends in -ly (an adverb) */
  DL__W_NOUN = 1u << 8,   /* may head a noun phrase (word-class lexicon) */
  DL__W_ADJ = 1u << 9,    /* may be an adjective (word-class lexicon) */
  DL__W_VERB = 1u << 10,  /* may be a verb (word-class lexicon) */
  DL__W_VCUE = 1u << 11,  /* "to", a modal or a subject pronoun: a verb
                          ** follows */
  DL__W_CAL = 1u << 12    /* a month or weekday name, case-folded
                          ** ("december", "sunday"; also "march", "may",
                          ** "august": the token's case tells) */
};

/* Word classes of the lexicon (tone_wordclass.c, models/wordclass.tsv). */
enum {
  DL__WC_NOUN = 1u << 0, DL__WC_PROPN = 1u << 1, DL__WC_ADJ = 1u << 2,
  DL__WC_VERB = 1u << 3, DL__WC_ADV = 1u << 4, DL__WC_FUNC = 1u << 5
};

/* Words VADER's rules name (dl__form.special). */
enum {
  DL__SP_NONE = 0, DL__SP_POSS, DL__SP_NT, DL__SP_KIND, DL__SP_OF,
  DL__SP_LEAST, DL__SP_AT, DL__SP_VERY, DL__SP_NEVER, DL__SP_SO, DL__SP_THIS
};

/* A form's text is not kept in the document: the stages read its flags,
** valence and stem; the text is the token's (d->text). 16 bytes: the
** stages read these per form, and every byte is one more the CPU's
** caches hold per document. */
struct dl__form {
  uint32_t stem;    /* stem id */
  float valence;    /* VADER valence, 0 when not in the lexicon */
  float boost;      /* booster scalar, 0 when not a booster */
  uint16_t flags;   /* DL__W_* */
  uint8_t len;      /* bytes of the case-folded text (<= DL__TOLD_MAX_FORM) */
  uint8_t special;  /* DL__SP_* */
};

struct dl__stem {
  float idf;      /* from the corpus table, or the unseen-stem default */
  uint32_t cstem; /* the workspace cache's stem id (during annotation) */
  uint16_t pat_lo, pat_n; /* the theme patterns starting with it (from the
                          ** cache form); pat_n DL__STEM_PAT_UNSET:
                          ** themes.c looks them up */
};
#define DL__STEM_PAT_UNSET UINT16_MAX

/* The workspace's cache of every form and stem seen by the annotator, so
** that a word's look-ups and stemming are done once per annotator, not
** once per document (tone_words.c). Reset when it grows past
** DL__TOLD_CACHE_MAX entries. */
/* A cache form holds all a document's form and stem need (its stem's
** IDF included), so the words layer reads one entry per distinct form and
** no stem entry: pass 2 misses on them. 32 bytes, two a cache line. */
struct dl__cform {
  union {
    struct {
      uint64_t k0, k1; /* len <= 16: the bytes, zero-padded */
    };
    const char *s; /* longer: the text, in the cache arena */
  };
  uint32_t cstem;
  float idf;       /* its stem's */
  uint16_t flags;  /* DL__W_* (bits 0-11), DL__SP_* << 12 */
  uint16_t pat_lo; /* its stem's theme patterns, when pat_n is not */
  uint8_t pat_n;   /* DL__CF_PAT_UNSET (not looked up, or too many) */
  uint8_t len;
  uint8_t boost;   /* index + 1 into dl__tone_booster, 0 none (bits
                   ** 0-6), DL__CF_CAL (bit 7) */
  int8_t val10;    /* VADER valence x 10 (the lexicon's values have one
                   ** decimal; test_tone checks) */
};
#define DL__CF_SP_SHIFT 12
#define DL__CF_PAT_UNSET 0xFF
#define DL__CF_CAL 0x80 /* in boost: DL__W_CAL (flags' 16 bits are used) */

struct dl__cstem {
  const char *s; /* in the cache arena */
  uint32_t len;
  float idf;
};

struct dl__words {
  uint32_t *tform; /* per token: form id, UINT32_MAX when not a word */
  struct dl__form *forms;
  size_t n_forms;
  struct dl__stem *stems;
  size_t n_stems;
};

struct dl__tone {
  double tone, positive, negative, polarity, activity, self_group;
  size_t words;
  float *sent; /* per sentence: VADER-style compound score in [-1, 1] */
};

struct dl__theme_hit {
  uint32_t theme;        /* index into dl__themes */
  uint32_t start, end;   /* bytes */
};

struct dl__themes {
  struct dl__theme_hit *hits; /* in text order */
  size_t n_hits;
};

struct dl__keyword {
  const char *text;  /* arena: the first surface form */
  double score;      /* 0..1, the best is 1 */
  uint32_t count;
  uint32_t *spans;   /* 2*n_spans offsets */
  uint32_t n_spans;
};

struct dl__keywords {
  struct dl__keyword *kw;
  size_t n;
};

struct dl__summary {
  uint32_t *sent; /* sentence indices, in article order */
  float *score;
  size_t n;
};

/* Everything the four stages write, hung off dl_doc.told. */
struct dl__told {
  struct dl__words words;
  struct dl__tone tone;
  struct dl__themes themes;
  struct dl__keywords keywords;
  struct dl__summary summary;
  bool words_ran, tone_ran, themes_ran, keywords_ran, summary_ran;
};

/* ====================================================================
** Stages and writers
** ==================================================================== */

dl_status dl__words_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__tone_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__themes_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__keywords_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__summary_run(dl_annotator *a, dl_doc *d, dl_error *err);
void dl__told_ws_free(dl_annotator *a);

void dl__tone_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__themes_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__keywords_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__summary_json(const dl_doc *d, dl__jw *w, unsigned flags);

/* The annotator's workspace for the four stages (tone_words.c), created
** on first use and kept between documents. */
struct sb_stemmer;
struct dl__theme_index;
struct dl__kw_ws;
struct dl__sum_ws;
struct dl__dform { /* 12 bytes */
  uint32_t off, len, h; /* folded text in ws->fold (KEY_SHORT bytes
                        ** readable there), its hash */
};
struct dl__told_ws {
  const dl_allocator *al;
  const struct dl__wordclass *wc; /* the model's, or NULL */
  const struct dl__idf_table *idf; /* the model's corpus IDF, or NULL */
  struct sb_stemmer *stemmer;
  /* The cache (persistent between documents). */
  struct dl__cform *cf; /* open addressing over the entries themselves
                        ** (len 0: empty): a look-up reads one line */
  size_t n_cf, cf_cap;  /* entries, slots (a power of 2, load <= 1/2) */
  void *cf_mem;         /* the allocation cf is in (64-byte aligned) */
  struct dl__cstem *cs;
  size_t n_cs, cs_cap;
  uint64_t *cs_slot; /* open addressing: hash << 32 | id + 1, 0 empty */
  size_t cs_scap;
  dl__arena cache;
  /* The document's forms (counted here; their entries and stems are
  ** written straight into its arena), and a small table over its forms
  ** that stays in the CPU cache: most tokens repeat a word of their
  ** document, and are found there. */
  uint32_t *dslot; /* form id + 1, 0 empty (open addressing by the
                   ** form's hash); all zero between documents */
  size_t dscap;    /* its room */
  size_t dsize;    /* the slots in use for this document (a power of 2) */
  struct dl__dform *df; /* per document form: text, hash */
  size_t n_forms, df_cap;
  size_t n_stems;
  uint32_t *sslot; /* the document's stems by cache stem id: doc stem +
                   ** 1 (its cache stem id in the stems); all zero between
                   ** documents */
  size_t sscap, sssize; /* room, slots in use (a power of 2) */
  dl__buf fold;            /* the document's folded words, end to end */
  dl__arena strings; /* activity and theme stems: few allocations */
  char **act;        /* activity stems, sorted */
  size_t n_act;
  struct dl__theme_index *themes; /* themes.c, built on first use */
  struct dl__kw_ws *kw;           /* keywords.c's arrays */
  struct dl__sum_ws *sum;         /* summary.c's arrays */
  dl__buf tmp[6];                 /* scratch of the stages (each stage's
                                  ** own while it runs) */
};

struct dl__told_ws *dl__told_ws_get(dl_annotator *a, dl_error *err,
                                    dl_status *rc);
/* Stems s[0..n) (lower case) with the workspace's stemmer: a pointer
** borrowed until the next call, or NULL on allocation failure. */
const char *dl__told_stem(struct dl__told_ws *ws, const char *s, size_t n,
                          size_t *out_len);
void dl__theme_index_free(const dl_allocator *al, struct dl__theme_index *x);
/* The theme patterns starting with cache stem sid: their count, the first
** in *lo (themes.c). */
uint32_t dl__theme_starting(const struct dl__theme_index *x, uint32_t sid,
                            uint32_t *lo);
void dl__kw_ws_free(const dl_allocator *al, struct dl__kw_ws *x);
void dl__sum_ws_free(const dl_allocator *al, struct dl__sum_ws *x);
/* Interns a stem in the cache: its cache id, or UINT32_MAX when out of
** memory. */
uint32_t dl__told_cstem(struct dl__told_ws *ws, const char *s, size_t n);
/* The classes (DL__WC_*) of a lower-cased, NUL-ended form; 0 when the
** lexicon does not list it (an open-class noun) or wc is NULL. */
uint32_t dl__wordclass_get(const struct dl__wordclass *wc, const char *s);
/* Room for n elements of elem bytes in *p, whose capacity is *cap: a new
** block of at least twice the old when it must grow; the contents are not
** kept (per-document scratch). False when out of memory or overflowing. */
bool dl__told_room(const dl_allocator *al, void **p, size_t *cap, size_t n,
                   size_t elem);
/* A corpus's own IDF table (models/idf.tsv, tone_wordclass.c): true when
** t is loaded, then *docs its documents and *df the stem's (0 unseen). */
struct dl__idf_table;
bool dl__idf_table_get(const struct dl__idf_table *t, const char *s,
                       uint32_t *df, uint32_t *docs);
/* The idf of a stem string: from t when the model has one, else from the
** built-in corpus table (keywords_idf.c). */
float dl__told_idf(const struct dl__idf_table *t, const char *s);
bool dl__told_is_stop(const char *s, size_t n);

/* Limits that keep every stage linear in the document. */
#define DL__TOLD_MAX_FORM 64          /* longer words are not looked up */
#define DL__TOLD_CACHE_MAX 200000     /* cached forms before a reset */
#define DL__KW_MAX_WORDS 20000        /* content words in the keyword graph */
#define DL__KW_WINDOW 3               /* co-occurrence window */
#define DL__KW_TOP 10                 /* keywords written */
#define DL__SUM_MAX_SENTS 2000        /* sentences the summary considers */
#define DL__SUM_WINDOW 100            /* graph edges only this far apart */
#define DL__SUM_MAX_TERMS 200         /* terms per sentence vector */
#define DL__THEME_MAX_SPANS 50        /* spans written per theme */

static inline uint32_t dl__told_form(const dl_doc *d, size_t i)
{
  return d->told && d->told->words.tform ? d->told->words.tform[i]
                                         : UINT32_MAX;
}

/* Compact JSON pieces (tone_json.c; digits: dl__json_uint): each writes
** at p and returns the end, or NULL when the writer's own call must write that value (a
** number near a rounding tie or out of range, a string to escape). The
** caller leaves room: a number 24 bytes, a span and its comma
** DL__TOLD_JSON_SPAN, a string n + 2. */
#define DL__TOLD_JSON_SPAN 40 /* {"start":S,"end":E}, 10-digit S and E: 37 */
char *dl__told_json_num3(char *p, double v);
char *dl__told_json_float3(char *p, float v); /* the same for a float */
char *dl__told_json_span(char *p, uint32_t s, uint32_t e);
char *dl__told_json_plain(char *p, const char *s, size_t n);
/* A compact value written straight into the writer's buffer (no copy
** from a stack buffer): dl__told_json_begin writes its comma as
** dl__jw_raw does and returns room for max bytes (NULL when out of
** memory); dl__told_json_end(w, end) takes the bytes up to end. */
char *dl__told_json_begin(dl__jw *w, size_t max);
void dl__told_json_end(dl__jw *w, char *end);
/* The writer's state before a dl__told_json_begin; dl__told_json_undo
** takes the value back (its comma too) when the fast path gives up half
** way, and the caller writes it key by key. */
typedef struct dl__told_json_mark {
  size_t len;
  bool after_key, comma;
} dl__told_json_mark;
dl__told_json_mark dl__told_json_mark_of(const dl__jw *w);
void dl__told_json_undo(dl__jw *w, dl__told_json_mark m);

#endif /* DL_TONE_H */
