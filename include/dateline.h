/*
** dateline.h -- the one public header of libdateline.
**
** dateline turns raw English news articles into structured records: clean
** text, sentences and tokens, entities, places, dates, quotes, tone and
** events, every fact pointing back to the byte span of the input it came
** from.
**
** Three objects carry the whole API (see docs/API.md):
**
**   dl_model      resources (models, gazetteers, lexicons) loaded once,
**                 immutable afterwards, shared read-only by every thread.
**   dl_annotator  a per-thread workspace bound to one model. Its buffers are
**                 reused from one document to the next. One thread at a time.
**   dl_doc        one result. An arena owns every span and string in it;
**                 dl_doc_destroy() frees it all at once.
**
** Example:
**
**   dl_model *m; dl_annotator *a; dl_doc *d; dl_error err;
**   dl_input in = {0};
**   in.text = text; in.len = len;
**   if (dl_model_load(NULL, NULL, &m, &err) != DL_OK) die(err.msg);
**   if (dl_annotator_create(m, &a, &err) != DL_OK) die(err.msg);
**   if (dl_annotate(a, &in, DL_FIELDS_DEFAULT, &d, &err) == DL_OK) {
**     char *json; size_t n;
**     if (dl_doc_to_json(d, 0, DL_FIELDS_DEFAULT, &json, &n) == DL_OK) {
**       fwrite(json, 1, n, stdout);
**       dl_free(json);
**     }
**     dl_doc_destroy(d);
**   }
**   dl_annotator_destroy(a);
**   dl_model_destroy(m);
**
** Errors: every fallible function returns a dl_status. Results come back
** through a last `out` parameter, set to NULL on failure. An optional
** dl_error receives a message and, where one applies, a byte offset.
**
** Thread safety: a dl_model may be shared by any number of threads. A
** dl_annotator and the dl_docs it produced may be used by one thread at a
** time. There is no global mutable state.
*/
#ifndef DATELINE_H
#define DATELINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* API version (source compatibility). The ABI version is the SONAME,
** kept separately in the Makefile. */
#define DL_VERSION_MAJOR 0
#define DL_VERSION_MINOR 1
#define DL_VERSION_PATCH 0
#define DL_VERSION "0.1.0"
#define DL_VERSION_NUMBER \
  (DL_VERSION_MAJOR * 10000 + DL_VERSION_MINOR * 100 + DL_VERSION_PATCH)

#if defined(DL_BUILDING) && defined(__GNUC__)
#define DL_API __attribute__((visibility("default")))
#else
#define DL_API
#endif

/* ====================================================================
** Errors
** ==================================================================== */

/* Values are never renumbered; retired codes become DL_ERR_OBSOLETE_n. */
typedef enum {
  DL_OK = 0,
  DL_ERR_NOMEM,    /* an allocation failed */
  DL_ERR_INVALID,  /* a bad argument or an option out of range */
  DL_ERR_UTF8,     /* input is not valid UTF-8 (where it must be) */
  DL_ERR_IO,       /* a file could not be read or written */
  DL_ERR_FORMAT,   /* malformed input: JSON, CoNLL, a model file */
  DL_ERR_VERSION,  /* a model file of an unsupported format version */
  DL_ERR_TOO_BIG,  /* a size limit was hit */
  DL_ERR_INTERNAL, /* a bug: please report it */
  DL_ERR_EMPTY     /* the input holds no text to analyse */
} dl_status;

/* Detail about a failure. It owns its text: nothing to free.
** offset is a byte offset into the input (or file) where one applies,
** line a 1-based line number where one applies (0 otherwise). */
typedef struct dl_error {
  dl_status code;
  char msg[256];
  size_t offset;
  unsigned line;
} dl_error;

/* Static English text for a status code. Never NULL. */
DL_API const char *dl_strerror(dl_status code);

/* Short machine-readable name for a status code ("nomem", "utf8", ...),
** used as the `code` of JSON error records. Never NULL. */
DL_API const char *dl_status_name(dl_status code);

/* ====================================================================
** Allocation
** ==================================================================== */

/* Every allocation of the library goes through this hook. malloc and
** realloc return NULL on failure and must never longjmp. `old` is the
** size previously allocated (0 for NULL). A NULL dl_allocator* means libc. */
typedef struct dl_allocator {
  void *(*malloc)(void *ctx, size_t size);
  void *(*realloc)(void *ctx, void *ptr, size_t old, size_t size);
  void (*free)(void *ctx, void *ptr);
  void *ctx;
} dl_allocator;

/* Frees a string or buffer the library returned with "caller frees with
** dl_free()". Such buffers are always allocated by libc malloc, whatever
** allocator the model uses, so that callers need no context. NULL is ok. */
DL_API void dl_free(void *p);

/* ====================================================================
** Model (shared resources)
** ==================================================================== */

typedef struct dl_model dl_model;
typedef struct dl_annotator dl_annotator;
typedef struct dl_doc dl_doc;

typedef struct dl_options {
  const dl_allocator *alloc; /* NULL: libc */
  size_t max_doc_bytes;      /* 0: DL_DEFAULT_MAX_DOC_BYTES */
  size_t max_sentence_tokens;/* 0: DL_DEFAULT_MAX_SENTENCE_TOKENS */
  size_t summary_sentences;  /* 0: DL_DEFAULT_SUMMARY_SENTENCES */
} dl_options;

#define DL_DEFAULT_SUMMARY_SENTENCES 3

#define DL_DEFAULT_MAX_DOC_BYTES ((size_t)256 << 20)
#define DL_DEFAULT_MAX_SENTENCE_TOKENS 1000

/* Loads every resource found in directory `dir` (NULL: the directory
** compiled in at build time, or $DATELINE_MODEL_DIR when set). A resource
** that is missing leaves its stage disabled: the record then says so
** instead of failing. A resource that is present but corrupt is an error
** naming the file (DL_ERR_FORMAT, DL_ERR_VERSION, DL_ERR_IO).
** opt may be NULL for defaults. On success *out owns the model: free it
** with dl_model_destroy() after every annotator bound to it. */
DL_API dl_status dl_model_load(const char *dir, const dl_options *opt,
                               dl_model **out, dl_error *err);

/* A model with no resources at all (tokens, sentences, cleaning only). */
DL_API dl_status dl_model_create_empty(const dl_options *opt, dl_model **out,
                                       dl_error *err);

/* NULL is ok. */
DL_API void dl_model_destroy(dl_model *m);

/* Which resources the model holds: a NUL-terminated, comma-separated
** list such as "abbrev,ner". Borrowed until dl_model_destroy(). */
DL_API const char *dl_model_resources(const dl_model *m);

/* ====================================================================
** Annotator (per-thread workspace)
** ==================================================================== */

/* Creates a workspace bound to m; m must outlive it. */
DL_API dl_status dl_annotator_create(const dl_model *m, dl_annotator **out,
                                     dl_error *err);
/* NULL is ok. */
DL_API void dl_annotator_destroy(dl_annotator *a);

/* ====================================================================
** Fields of the record
** ==================================================================== */

/* One bit per record field (see SPEC.md). The pipeline runs only the
** stages the asked-for fields need. */
#define DL_FIELD_ID        (UINT64_C(1) << 0)
#define DL_FIELD_DATE      (UINT64_C(1) << 1)
#define DL_FIELD_TITLE     (UINT64_C(1) << 2)
#define DL_FIELD_URL       (UINT64_C(1) << 3)
#define DL_FIELD_LANG      (UINT64_C(1) << 4)
#define DL_FIELD_CLEAN     (UINT64_C(1) << 5)
#define DL_FIELD_SENTENCES (UINT64_C(1) << 6)
#define DL_FIELD_TOKENS    (UINT64_C(1) << 7)
#define DL_FIELD_ENTITIES  (UINT64_C(1) << 8)
#define DL_FIELD_PLACES    (UINT64_C(1) << 9)
#define DL_FIELD_DATES     (UINT64_C(1) << 10)
#define DL_FIELD_AMOUNTS   (UINT64_C(1) << 11)
#define DL_FIELD_QUOTES    (UINT64_C(1) << 12)
#define DL_FIELD_TONE      (UINT64_C(1) << 13)
#define DL_FIELD_THEMES    (UINT64_C(1) << 14)
#define DL_FIELD_KEYWORDS  (UINT64_C(1) << 15)
#define DL_FIELD_SUMMARY   (UINT64_C(1) << 16)
#define DL_FIELD_EVENTS    (UINT64_C(1) << 17)
#define DL_FIELD_TEXT      (UINT64_C(1) << 18)
#define DL_FIELD_ENCODING  (UINT64_C(1) << 19) /* invalid UTF-8 report */
#define DL_FIELD_SOURCE    (UINT64_C(1) << 20)
#define DL_FIELD_META      (UINT64_C(1) << 21) /* HTML: authors, links... */

/* What `dateline annotate` emits without --fields: every field whose
** stage exists, except tokens and text. */
#define DL_FIELDS_DEFAULT                                                  \
  (DL_FIELD_ID | DL_FIELD_DATE | DL_FIELD_TITLE | DL_FIELD_URL |           \
   DL_FIELD_LANG | DL_FIELD_CLEAN | DL_FIELD_SENTENCES |                   \
   DL_FIELD_ENTITIES | DL_FIELD_ENCODING | DL_FIELD_SOURCE |              \
   DL_FIELD_DATES | DL_FIELD_AMOUNTS | DL_FIELD_QUOTES | DL_FIELD_PLACES |  \
   DL_FIELD_META | DL_FIELD_TONE | DL_FIELD_THEMES | DL_FIELD_KEYWORDS |    \
   DL_FIELD_SUMMARY)
#define DL_FIELDS_ALL (~UINT64_C(0))

/* Parses a comma-separated list of field names ("id,date,sentences",
** "all", "default") into *out. DL_ERR_INVALID names the unknown field. */
DL_API dl_status dl_fields_parse(const char *list, uint64_t *out,
                                 dl_error *err);

/* The name of one field bit, or NULL. Static. */
DL_API const char *dl_field_name(uint64_t field);

/* ====================================================================
** Annotation
** ==================================================================== */

/* One document to annotate. text/len are required (text need not end in
** NUL and is never modified; it is copied into the dl_doc). The other
** strings are optional NUL-terminated UTF-8 (NULL: absent) and are echoed
** in the record. `date` is "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM" and comes
** from the input (source "input"); `default_date` is the --date flag,
** used only when the text itself carries no date (source "flag"). */
typedef struct dl_input {
  const char *text;
  size_t len;
  const char *id;
  const char *title;
  const char *url;
  const char *date;
  const char *default_date;
  const char *lang;
  const char *source;
  /* An HTML page instead of text (then text must be NULL): its main text
  ** is extracted and annotated, spans point into that text, the record
  ** carries it as `text`, and title, url, lang and date come from the
  ** page when not given above (docs/INTERNALS-html.md). Any encoding the
  ** page declares or uses; html_len bytes, need not end in NUL. */
  const char *html;
  size_t html_len;
} dl_input;

/* Annotates one document, running the stages that `fields` needs.
** On success *out is a new dl_doc owned by the caller (dl_doc_destroy()).
** Errors: DL_ERR_INVALID (NULL text with len > 0, a malformed date),
** DL_ERR_TOO_BIG (len over max_doc_bytes), DL_ERR_NOMEM. Invalid UTF-8 and
** NUL bytes are not errors: they are replaced for analysis (offsets stay
** true to the input) and reported in the record's `encoding` field. A
** text that is empty or only white space is DL_ERR_EMPTY. */
DL_API dl_status dl_annotate(dl_annotator *a, const dl_input *in,
                             uint64_t fields, dl_doc **out, dl_error *err);

/* NULL is ok. */
DL_API void dl_doc_destroy(dl_doc *d);

/* Does buf[0..len) look like an HTML page (a doctype, <html>, <head>,
** <body> or <meta> near the start, or several tags)? For callers that
** detect the input format by content, as `dateline annotate` does. */
DL_API int dl_looks_like_html(const char *buf, size_t len);

/* ====================================================================
** Reading a result
** ==================================================================== */

typedef struct dl_span {
  size_t start; /* byte offset into the input text */
  size_t end;   /* exclusive */
} dl_span;

typedef enum {
  DL_KIND_TOKEN = 0,
  DL_KIND_SENTENCE,
  DL_KIND_CLEAN,   /* spans removed as scraping debris */
  DL_KIND_MENTION, /* named-entity mentions */
  DL_KIND_ENTITY,  /* entities (span: first mention) */
  DL_KIND_INVALID_UTF8,
  DL_KIND__COUNT
} dl_kind;

/* Number of items of a kind (0 when its stage did not run). */
DL_API size_t dl_doc_count(const dl_doc *d, dl_kind kind);

/* The span of item i of a kind. DL_ERR_INVALID when i is out of range. */
DL_API dl_status dl_doc_span(const dl_doc *d, dl_kind kind, size_t i,
                             dl_span *out);

/* The document's text as given (borrowed until dl_doc_destroy()). */
DL_API const char *dl_doc_text(const dl_doc *d, size_t *len);

/* The document date as "YYYY-MM-DD" (or with "THH:MM"), and where it came
** from ("input", "text", "dateline", "meta", "flag"), or NULL when unknown.
** Borrowed until dl_doc_destroy(). */
DL_API const char *dl_doc_date(const dl_doc *d, const char **source);

/* A short label for mentions and entities: "PER", "ORG", ... (static). */
DL_API const char *dl_doc_label(const dl_doc *d, dl_kind kind, size_t i);

/* The reason a span was cleaned: "date-line", "widget", "caption",
** "credit", "signoff" or "control" (docs/INTERNALS-clean.md). Static.
** NULL when out of range. */
DL_API const char *dl_doc_clean_reason(const dl_doc *d, size_t i);

/* ====================================================================
** JSON output
** ==================================================================== */

#define DL_JSON_PRETTY 1u /* indented, for terminals */
#define DL_JSON_CHARS  2u /* offsets in code points instead of bytes */

/* Writes the record of SPEC.md for the fields asked for (intersected with
** those the annotation computed). Always valid UTF-8 JSON: invalid bytes
** of the input come out as U+FFFD. *out is NUL-terminated; caller frees it
** with dl_free(). */
DL_API dl_status dl_doc_to_json(const dl_doc *d, unsigned flags,
                                uint64_t fields, char **out, size_t *len);

/* Writes an error record {"id":..,"line":..,"error":{code,message,offset}}
** for a document that could not be processed. id may be NULL (then null),
** line 0 omits "line". Caller frees *out with dl_free(). */
DL_API dl_status dl_error_to_json(const char *id, unsigned long line,
                                  const dl_error *e, char **out, size_t *len);

/* ====================================================================
** Places (docs/INTERNALS-geo.md)
** ==================================================================== */

/* One toponym's resolution (dl_geocode). Strings are borrowed from the
** model (valid until dl_model_destroy()); name is NULL when unresolved. */
typedef struct dl_place {
  const char *name;          /* gazetteer name */
  unsigned long geonameid;   /* 0: none (countries, regions) */
  double lat, lon;
  const char *country;       /* ISO 3166-1 alpha-2, NULL for regions */
  const char *country3;
  const char *admin1;        /* GeoNames admin1 code or NULL */
  const char *feature;       /* GeoNames feature code (PPLC, PCLI, ADM1..) */
  unsigned long population;
  double confidence;         /* 0 when unresolved */
} dl_place;

/* Resolves the toponyms at spans[0..n) (byte offsets into text[0..len))
** to one gazetteer entry each, as `dateline geocode` does: all the spans
** of a call are one document, each the context of the others. out has n
** entries (caller's array). Errors: DL_ERR_INVALID (NULL arguments, a
** span out of range, or no gazetteer in the model), DL_ERR_NOMEM. */
DL_API dl_status dl_geocode(dl_annotator *a, const char *text, size_t len,
                            const dl_span *spans, size_t n, dl_place *out,
                            dl_error *err);

/* ====================================================================
** Named-entity tagger (CoNLL-2003 types PER, ORG, LOC, MISC)
** ==================================================================== */

/* Tags one document given as pre-tokenized sentences, as `dateline ner
** --conll` does. words[i] (lens[i] bytes, need not end in NUL; any bytes,
** invalid UTF-8 is tolerated) is token i of n; sentence s ends before
** token sent_end[s] (increasing, the last one equal to n). All sentences
** of one document go in one call: the tagger uses document-level
** evidence (a word seen capitalized in mid-sentence elsewhere).
** out (n entries, caller's array) receives IOB2 labels: "O", "B-PER",
** "I-PER", ... (static strings). words/lens/out may be NULL when n is 0.
** Errors: DL_ERR_INVALID (NULL arguments, bad sentence ends, or no NER
** model in the annotator's model), DL_ERR_NOMEM. Uses the annotator's
** workspace: one thread at a time per annotator. */
DL_API dl_status dl_ner_tag(dl_annotator *a, const char *const *words,
                            const size_t *lens, size_t n,
                            const size_t *sent_end, size_t n_sents,
                            const char **out, dl_error *err);

/* "PER", "ORG", "LOC", "MISC" for type 0..3; NULL otherwise. Static. */
DL_API const char *dl_ner_type_name(int type);

/* Chunk counts for scoring, conlleval-style. Index 0..3 are the types
** PER ORG LOC MISC, index 4 is the total over all types. */
typedef struct dl_ner_counts {
  size_t gold[5], pred[5], correct[5];
  size_t tokens, tokens_correct;
} dl_ner_counts;

/* Adds one sentence's chunks to *acc (zero it first). gold and pred are
** n labels each, IOB1 or IOB2 ("I-PER" after "O" starts a chunk, as
** conlleval reads them); labels of unknown types count only in the
** token accuracy. A chunk is correct when its boundaries and type match.
** Never fails; NULL acc or labels do nothing. */
DL_API void dl_ner_score(const char *const *gold, const char *const *pred,
                         size_t n, dl_ner_counts *acc);

/* Options of dl_ner_train(). Zero-initialize, then set what you need. */
typedef struct dl_ner_train_opts {
  const char *const *train; /* CoNLL files (token first, tag last column) */
  size_t n_train;
  /* Training files of another domain (wikigold): their tokens also train
  ** domain-specific copies of every feature, which absorb that domain's
  ** conventions; the model keeps only the shared weights. NULL ok. */
  const char *const *aux;
  size_t n_aux;
  const char *dev;          /* CoNLL file scored after each epoch; NULL ok */
  const char *out;          /* model file to write (required) */
  int epochs;               /* 0: 12 */
  unsigned hash_bits;       /* log2 of weight rows; 0: 18 */
  const char *clusters;     /* word clusters TSV (bits<TAB>word...); NULL */
  const char *gaz_dir;      /* folder of gazetteer *.tsv files; NULL */
  unsigned seed;            /* shuffling seed; 0: 1 */
  int one_pass;             /* nonzero: no second (document label) pass */
  /* Called with one line of progress text (no newline); NULL: silent. */
  void (*progress)(void *ctx, const char *line);
  void *ctx;
} dl_ner_train_opts;

/* Trains the tagger (structured averaged perceptron over BILOU tags with
** Viterbi decoding) and writes the model file opt->out. Unless one_pass,
** the model also learns a second pass that sees how the other capitalized
** occurrences of each word in the document were tagged by the first (its
** training tags come from two models trained on half the documents each,
** so they carry real first-pass errors). It keeps the
** averaged weights of the epoch that scored best on opt->dev (the last
** epoch without a dev file). Clusters and gazetteers are copied into the
** model, which is self-contained. Errors: DL_ERR_INVALID (bad options),
** DL_ERR_IO (a file cannot be read or written), DL_ERR_FORMAT (a
** malformed input file, err->line set), DL_ERR_NOMEM. Thread-safe: no
** shared state. */
DL_API dl_status dl_ner_train(const dl_ner_train_opts *opt, dl_error *err);

/* ====================================================================
** Near-duplicates (MinHash + LSH, streaming)
** ==================================================================== */

/* Documents are added one at a time and compared with the earlier ones
** only, so a stream is deduplicated in one pass (docs/INTERNALS-corpus.md).
** Words are runs of letters/digits, lowercased; shingles are runs of
** `shingle` words; similarity is the MinHash estimate of the Jaccard
** similarity of the shingle sets, or of the containment of the shorter
** text in the longer (a truncated copy) when that is larger. */
typedef struct dl_dedup dl_dedup;

typedef struct dl_dedup_options {
  double threshold;  /* duplicate at or above this similarity; 0: 0.7 */
  unsigned shingle;  /* words per shingle; 0: 3 */
  unsigned hashes;   /* MinHash functions; 0: 128 */
  unsigned bands;    /* LSH bands; 0: 16 */
  unsigned rows;     /* hashes per band; 0: 3 (bands * rows <= hashes) */
  const dl_allocator *alloc; /* NULL: libc */
} dl_dedup_options;

typedef struct dl_dedup_match {
  int64_t dup_of;    /* 0-based add() ordinal of the earlier document this
                        one duplicates, -1 when none */
  uint64_t cluster;  /* 0-based cluster number, in order of first member */
  double similarity; /* to dup_of (or to the best candidate seen) */
  size_t shingles;   /* shingles of this text (0: no word, never a dup) */
  int indexed;       /* 1 when later documents can match this one (not a
                        near-exact copy of an earlier one) */
} dl_dedup_match;

/* opt may be NULL. DL_ERR_INVALID for options out of range. */
DL_API dl_status dl_dedup_create(const dl_dedup_options *opt, dl_dedup **out,
                                 dl_error *err);
/* Adds text[0..len) as the next document and says what it duplicates.
** One thread at a time per dl_dedup. */
DL_API dl_status dl_dedup_add(dl_dedup *dd, const char *text, size_t len,
                              dl_dedup_match *out, dl_error *err);
/* Bytes held by the index (signatures, LSH table, buffers). */
DL_API size_t dl_dedup_memory(const dl_dedup *dd);
/* NULL is ok. */
DL_API void dl_dedup_destroy(dl_dedup *dd);

/* The MinHash signature (k values into sig) of a text's shingles, as
** dl_dedup computes it with default seeds; *n_shingles (may be NULL) gets
** the shingle count. dl_minhash_jaccard: share of equal positions. */
DL_API dl_status dl_minhash(const char *text, size_t len, unsigned shingle,
                            unsigned k, uint32_t *sig, size_t *n_shingles,
                            dl_error *err);
DL_API double dl_minhash_jaccard(const uint32_t *a, const uint32_t *b,
                                 unsigned k);

/* ====================================================================
** Stories (online clustering of articles about one event)
** ==================================================================== */

/* Articles are added in (roughly) date order; each joins the most similar
** story seen within a sliding window of days, or starts one. Similarity
** combines entities, places, mentioned dates and words (IDF-weighted
** cosines, docs/INTERNALS-corpus.md). Memory is bounded by the stories of
** one window. */
typedef struct dl_stories dl_stories;

typedef struct dl_stories_options {
  double threshold;   /* join a story at or above; 0: 0.30 */
  double window_days; /* 0: 3 */
  const dl_allocator *alloc; /* NULL: libc */
} dl_stories_options;

enum {
  DL_STORY_ENTITY = 0, /* key: canonical name; weight: salience */
  DL_STORY_PLACE = 1,  /* key: place name or geonameid */
  DL_STORY_DATE = 2,   /* key: a day the article mentions, "2016-12-20" */
  DL_STORY_WORD = 3    /* key: a content word of the title or lead */
};

typedef struct dl_story_feature {
  int group;          /* DL_STORY_* */
  const char *key;    /* key[0..len), need not end in NUL */
  size_t len;
  double weight;      /* > 0 */
} dl_story_feature;

typedef struct dl_story_item {
  int has_day;        /* 0: no date (the latest date seen is used) */
  double day;         /* the article's date, days since 1970-01-01 */
  const dl_story_feature *features;
  size_t n_features;
} dl_story_item;

typedef struct dl_story_match {
  uint64_t story;     /* 0-based story number, in order of creation */
  int is_new;         /* 1: this article started the story */
  double score;       /* similarity to the story joined (0 when new) */
  uint64_t size;      /* articles in the story so far */
  const char *label;  /* "top entities | place | first date"; borrowed
                         until the next call */
} dl_story_match;

DL_API dl_status dl_stories_create(const dl_stories_options *opt,
                                   dl_stories **out, dl_error *err);
/* One thread at a time per dl_stories. Keys are copied as needed. */
DL_API dl_status dl_stories_add(dl_stories *st, const dl_story_item *item,
                                dl_story_match *out, dl_error *err);
/* Stories still open (inside the window). */
DL_API size_t dl_stories_active(const dl_stories *st);
/* NULL is ok. */
DL_API void dl_stories_destroy(dl_stories *st);

/* ====================================================================
** Version
** ==================================================================== */

DL_API const char *dl_version(void);  /* runtime "x.y.z" */
DL_API int dl_version_number(void);   /* runtime DL_VERSION_NUMBER */

#ifdef __cplusplus
}
#endif
#endif /* DATELINE_H */
