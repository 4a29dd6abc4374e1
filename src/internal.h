/*
** internal.h -- declarations shared between the library's modules.
** Never installed. Everything here is prefixed dl__ (or DL__).
**
** The document is a set of standoff layers over the input bytes (see
** docs/INTERNALS.md). A stage reads layers written by earlier stages and
** writes its own; it never reaches into another stage's internals. The
** stage table lives in pipeline.c.
*/
#ifndef DL_INTERNAL_H
#define DL_INTERNAL_H

#include "dateline.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ====================================================================
** Invariants
** ==================================================================== */

#ifdef DL_DEBUG
#include <assert.h>
#define DL_ASSERT(x) assert(x)
#else
#define DL_ASSERT(x) ((void)0)
#endif
/* SQLite's ALWAYS/NEVER: conditions believed always true / false, kept as
** tests in release builds so that a wrong belief degrades instead of
** corrupting memory. */
#define ALWAYS(x) (x)
#define NEVER(x) (x)

#define DL__MIN(a, b) ((a) < (b) ? (a) : (b))
#define DL__MAX(a, b) ((a) > (b) ? (a) : (b))
#define DL__COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* ====================================================================
** Errors (err.c)
** ==================================================================== */

/* Fills err (may be NULL) and returns code. printf-style message. */
dl_status dl__fail(dl_error *err, dl_status code, size_t offset,
                   const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dl__error_clear(dl_error *err);

/* ====================================================================
** Allocation (alloc.c, arena.c)
** ==================================================================== */

void *dl__malloc(const dl_allocator *al, size_t n);
void *dl__realloc(const dl_allocator *al, void *p, size_t old, size_t n);
void dl__free(const dl_allocator *al, void *p);
void *dl__calloc(const dl_allocator *al, size_t n, size_t size);
/* a*b without overflow, or false. */
bool dl__mul_ok(size_t a, size_t b, size_t *out);
extern const dl_allocator dl__libc_allocator;
/* Reads the file at path whole into a new block of its length + pad bytes
** (the pad zeroed); DL_OK with *blob NULL when the file does not exist;
** DL_ERR_TOO_BIG past max bytes ("<path>: <what> too big"). (modelfile.c) */
dl_status dl__read_file_blob(const dl_allocator *al, const char *path,
                             size_t max, size_t pad, const char *what,
                             char **blob, size_t *len, dl_error *err);
/* Appends name to the model's comma-separated list of loaded resources
** (dl_model_resources). (modelfile.c) */
void dl__model_add_resource(dl_model *m, const char *name);
/* Copies p[0..n) and a NUL into a libc buffer: what the API hands back
** with "caller frees with dl_free()", whatever the model's allocator. */
char *dl__out_dup(const char *p, size_t n);

/* A bump allocator: owns every span and string of a document. */
typedef struct dl__arena_block dl__arena_block;
typedef struct dl__arena {
  const dl_allocator *al;
  dl__arena_block *head;
  size_t next_size;
} dl__arena;

void dl__arena_init(dl__arena *a, const dl_allocator *al);
void *dl__arena_alloc(dl__arena *a, size_t n);        /* 8-byte aligned */
void *dl__arena_dup(dl__arena *a, const void *p, size_t n);
char *dl__arena_strndup(dl__arena *a, const char *s, size_t n);
void dl__arena_free(dl__arena *a);

/* A growable buffer (scratch space kept in an annotator between docs). */
typedef struct dl__buf {
  const dl_allocator *al;
  char *p;
  size_t len, cap;
} dl__buf;

void dl__buf_init(dl__buf *b, const dl_allocator *al);
bool dl__buf_reserve(dl__buf *b, size_t extra);
bool dl__buf_append(dl__buf *b, const void *p, size_t n);
void dl__buf_free(dl__buf *b);

/* Growable typed array helper: ensures room for one more element. */
bool dl__grow(const dl_allocator *al, void **p, size_t *cap, size_t len,
              size_t elem);
#define DL__PUSH(al, arr, len, cap)                                         \
  (dl__grow((al), (void **)&(arr), &(cap), (len), sizeof(*(arr))))

/* ====================================================================
** UTF-8 and Unicode (utf8.c, via utf8proc)
** ==================================================================== */

/* Decodes one code point at s[i..len). Returns its length (1..4) and sets
** *cp, or returns 0 for an invalid sequence (then *cp = U+FFFD and the
** caller should skip one byte). len must be > i. */
size_t dl__utf8_decode(const unsigned char *s, size_t len, size_t i,
                       int32_t *cp);
/* Encodes cp into out (4 bytes room); returns the length. */
size_t dl__utf8_encode(int32_t cp, char *out);
/* Character classes (Unicode-aware, utf8proc categories). */
bool dl__is_alpha(int32_t cp);
bool dl__is_upper(int32_t cp);
bool dl__is_lower(int32_t cp);
bool dl__is_digit(int32_t cp);
bool dl__is_space(int32_t cp);  /* incl. NBSP, U+2000..U+200A, U+3000 */
bool dl__is_punct(int32_t cp);
int32_t dl__tolower(int32_t cp);
int32_t dl__toupper(int32_t cp);
/* Quote and dash families. */
bool dl__is_dquote(int32_t cp); /* " U+201C U+201D U+201E U+00AB U+00BB */
bool dl__is_squote(int32_t cp); /* ' U+2018 U+2019 U+201A U+2039 U+203A */
bool dl__is_dash(int32_t cp);   /* - U+2010..U+2015 U+2212 */
/* Case-folds s[0..n) into the buffer (appending): full Unicode case
** folding per code point (ß -> ss, É -> é), no normalization. */
bool dl__casefold(dl__buf *out, const char *s, size_t n);

/* ====================================================================
** JSON writer (json.c)
** ==================================================================== */

/* A small, fast writer of our own: always valid UTF-8 JSON. Strings are
** escaped and any invalid UTF-8 becomes U+FFFD. On allocation failure it
** sets `oom` and ignores further writes; check it once at the end. */
typedef struct dl__jw {
  dl__buf b;
  int depth;
  bool pretty;
  bool oom;
  bool need_comma[64];
  bool after_key;
  /* For DL_JSON_CHARS: code-point counts at every DL__OFFMAP_STEP bytes
  ** of the document being written (record.c). */
  const uint32_t *offmap;
} dl__jw;

#define DL__OFFMAP_STEP 256

void dl__jw_init(dl__jw *w, const dl_allocator *al, bool pretty);
void dl__jw_free(dl__jw *w);
void dl__jw_obj_begin(dl__jw *w);
void dl__jw_obj_end(dl__jw *w);
void dl__jw_arr_begin(dl__jw *w);
void dl__jw_arr_end(dl__jw *w);
void dl__jw_key(dl__jw *w, const char *k);
void dl__jw_str(dl__jw *w, const char *s, size_t n);
void dl__jw_cstr(dl__jw *w, const char *s); /* NULL writes null */
void dl__jw_int(dl__jw *w, long long v);
void dl__jw_uint(dl__jw *w, unsigned long long v);
void dl__jw_double(dl__jw *w, double v, int digits);
void dl__jw_bool(dl__jw *w, bool v);
void dl__jw_null(dl__jw *w);
void dl__jw_raw(dl__jw *w, const char *s, size_t n); /* caller-valid JSON */
/* Pieces of the writer for callers that assemble a value themselves:
** the decimal digits of v written at p (returns the end); the bytes
** dl__jw_double(w, v, digits) would write, into tmp (48 bytes), when its
** printf-free path is sure of them (returns their length), else -1; the
** length of the run of bytes at s that a JSON string takes unescaped. */
char *dl__json_uint(char *p, unsigned long long v);
int dl__json_fixed(char *tmp, double v, int digits);
size_t dl__json_safe_len(const char *s, size_t n);

/* ====================================================================
** The document and its layers
** ==================================================================== */

/* Token flags (set by the tokenizer; shape features read them). */
enum {
  DL__TOK_WORD = 1u << 0,       /* contains a letter */
  DL__TOK_NUM = 1u << 1,        /* number: 3, 3.5, 1,000, 22nd */
  DL__TOK_PUNCT = 1u << 2,
  DL__TOK_CAP = 1u << 3,        /* first char upper case */
  DL__TOK_ALLCAPS = 1u << 4,
  DL__TOK_URL = 1u << 5,
  DL__TOK_EMAIL = 1u << 6,
  DL__TOK_HASHTAG = 1u << 7,
  DL__TOK_MENTION = 1u << 8,    /* @handle */
  DL__TOK_ABBREV = 1u << 9,     /* ends with a period that belongs to it */
  DL__TOK_SENT_START = 1u << 10,
  DL__TOK_PARA_START = 1u << 11, /* first token of a paragraph */
  DL__TOK_SPACE_BEFORE = 1u << 12,
  DL__TOK_QUOTE = 1u << 13,      /* a quotation mark */
  DL__TOK_OPEN = 1u << 14,       /* opening quote or bracket */
  DL__TOK_CLOSE = 1u << 15,      /* closing quote or bracket */
  DL__TOK_TIME = 1u << 16,       /* 10:30, 5pm */
  DL__TOK_CLITIC = 1u << 17,     /* 's n't 're 'll 've 'd 'm */
  DL__TOK_HYPHEN = 1u << 18,     /* word with inner hyphen */
  DL__TOK_DASH = 1u << 19,
  DL__TOK_ELLIPSIS = 1u << 20,
  DL__TOK_LINE_START = 1u << 21  /* a line break before the token */
};

/* The longest token in bytes; a longer run is cut into several tokens. */
#define DL__TOK_MAX 1024

typedef struct dl__token {
  uint32_t start, end; /* bytes into dl_doc.text */
  uint32_t flags;
  uint32_t sent;       /* sentence index */
} dl__token;

typedef struct dl__sentence {
  uint32_t start, end;     /* bytes */
  uint32_t tok_start, tok_end;
  uint32_t para;           /* paragraph index */
  uint32_t flags;          /* DL__SENT_* */
} dl__sentence;

enum {
  DL__SENT_HEADLINE = 1u << 0, /* no final punctuation, own paragraph */
  DL__SENT_FORCED = 1u << 1    /* split at max_sentence_tokens */
};

typedef struct dl__clean {
  uint32_t start, end;
  const char *reason; /* static */
} dl__clean;

typedef enum {
  DL__DATE_NONE = 0,
  DL__DATE_INPUT,
  DL__DATE_META,
  DL__DATE_DATELINE,
  DL__DATE_TEXT,
  DL__DATE_FLAG
} dl__date_source;

typedef struct dl__date {
  int year, month, day; /* 0 when unknown */
  int hour, minute;     /* -1 when unknown */
  dl__date_source source;
  uint32_t start, end;  /* span in the text when source is text/dateline */
} dl__date;

/* Entity types (CoNLL + OntoNotes-style extras used by later stages). */
typedef enum {
  DL__ENT_NONE = 0,
  DL__ENT_PER,
  DL__ENT_ORG,
  DL__ENT_LOC,
  DL__ENT_MISC,
  DL__ENT_GPE,
  DL__ENT_FAC,
  DL__ENT_NORP,
  DL__ENT__COUNT
} dl__ent_type;

const char *dl__ent_type_name(dl__ent_type t);

/* A named-entity mention over tokens [tok_start, tok_end). */
typedef struct dl__mention {
  uint32_t tok_start, tok_end;
  uint32_t start, end;     /* bytes (without a stripped possessive) */
  uint8_t type;            /* dl__ent_type */
  uint8_t flags;           /* DL__MEN_* */
  uint32_t entity;         /* index into entities, UINT32_MAX if none */
  float score;             /* tagger confidence (0..1) when known */
} dl__mention;

enum {
  DL__MEN_POSSESSIVE = 1u << 0, /* followed by 's / ' in the text */
  DL__MEN_PRONOUN = 1u << 1,
  DL__MEN_NOMINAL = 1u << 2,    /* a title used as a name: "the president" */
  DL__MEN_CREDIT = 1u << 3      /* from a photo credit (no tokens: the clean
                                ** stage kept it out of the token layer) */
};

typedef struct dl__role {
  uint32_t start, end; /* bytes of the role words ("Foreign Minister") */
  const char *text;    /* arena copy */
} dl__role;

typedef struct dl__entity {
  uint8_t type;
  const char *name;       /* canonical (longest) form, arena, NUL-ended */
  uint32_t *mentions;     /* indices into mentions, in text order */
  uint32_t n_mentions;
  dl__role *roles;
  uint32_t n_roles;
  float salience;
} dl__entity;

/* A temporal expression (timex.c): TIMEX3 type and normalized value. */
typedef enum {
  DL__TIMEX_DATE = 0,
  DL__TIMEX_TIME,
  DL__TIMEX_DURATION,
  DL__TIMEX_SET
} dl__timex_type;

typedef struct dl__timex {
  uint32_t start, end;   /* bytes */
  uint8_t type;          /* dl__timex_type */
  uint8_t anchored;      /* value was resolved against the document date */
  const char *value;     /* arena, NUL-ended; NULL when unresolvable */
  const char *mod;       /* static: "EARLY", "LATE", "MID", ... or NULL */
  const char *anchor;    /* arena: the story's reference date it was
                         ** resolved against, NULL: the document date */
  const char *freq;      /* arena: SET frequency ("3X") or NULL */
  const char *rdur;      /* arena: range duration ("P3D") or NULL */
  uint32_t rstart, rend; /* range: span of the whole interval, carried by
                         ** both endpoints (rend == 0: not a range) */
  uint8_t rrole;         /* range: 1 first endpoint, 2 second */
} dl__timex;

/* An amount (amount.c): a number with what it counts. */
typedef struct dl__amount {
  uint32_t start, end;   /* bytes */
  double value;
  const char *unit;      /* static ("USD", "%", "ordinal") or NULL */
  const char *object;    /* arena copy of the counted noun, or NULL */
} dl__amount;

/* A quotation (quote.c): the quoted words, their cue and speaker. */
typedef enum {
  DL__QUOTE_DIRECT = 0,
  DL__QUOTE_PARTIAL,
  DL__QUOTE_INDIRECT
} dl__quote_kind;

typedef struct dl__quote {
  uint32_t start, end;         /* the quoted words (bytes) */
  uint32_t cue_start, cue_end; /* the cue; cue_end 0: none */
  const char *cue_lemma;       /* static ("say"), NULL without a cue */
  uint32_t spk_start, spk_end; /* the speaker mention; spk_end 0: none */
  uint32_t spk_entity;         /* index into entities, UINT32_MAX if none */
  const char *spk_name;        /* arena, NUL-ended; NULL without speaker */
  uint8_t kind;                /* dl__quote_kind */
  uint8_t flags;               /* quote.c's DL__QF_* */
} dl__quote;

/* The document. All layer arrays live in `arena`. */
struct dl_doc {
  dl__arena arena;
  const dl_allocator *al;
  const char *text;   /* copy of the input bytes, NUL-terminated */
  size_t len;
  /* The analysis view: same length as text, invalid UTF-8 bytes and NULs
  ** replaced by single-byte placeholders (DL__BAD_BYTE), so that every
  ** offset into it is an offset into text. Equal to text when clean. */
  const char *view;

  const char *id, *title, *url, *lang, *source; /* NULL when absent */
  dl__date date;
  char date_str[32];

  uint64_t fields_done; /* DL_FIELD_* whose stage ran */
  uint64_t fields_asked;

  dl__clean *clean;
  size_t n_clean;
  uint32_t *bad_bytes; /* offsets of replaced bytes (capped) */
  size_t n_bad_bytes;  /* true count (may exceed the stored ones) */
  size_t n_bad_stored;

  dl__token *tokens;
  size_t n_tokens;
  dl__sentence *sentences;
  size_t n_sentences;
  size_t n_paragraphs;

  dl__mention *mentions;
  size_t n_mentions;
  dl__entity *entities;
  size_t n_entities;
  bool entities_ran; /* the entity stage ran with a tagger or mentions */

  /* dateline_wire.c: the wire dateline ("BRUSSELS, Aug 22 (Reuters) -"),
  ** when the text opens with one; crawl is the --date flag (the date the
  ** article was fetched), the bound for dates found in the text. */
  uint32_t dl_place_start, dl_place_end; /* place span, end 0: none */
  const char *dl_agency;                 /* static or NULL */
  dl__date crawl;

  dl__timex *timexes; /* timex.c, in text order */
  size_t n_timexes;
  dl__amount *amounts; /* amount.c, in text order */
  size_t n_amounts;
  dl__quote *quotes;   /* quote.c, in text order */
  size_t n_quotes;

  /* geo_stage.c: resolved places and the document focus (copied out of
  ** the gazetteer: a record outlives the model). */
  struct dl__place *places;
  size_t n_places;
  bool geo_ran;                       /* the gazetteer was loaded */
  const char *focus_iso2, *focus_iso3; /* NULL: no focus */
  struct dl__place_info *focus_place;  /* NULL: none */
  struct dl__html *html; /* HTML input: what html.c extracted, or NULL */
  /* Words, tone, themes, keywords, summary (tone.h); NULL until the
  ** words stage runs. */
  struct dl__told *told;

  /* Notes from stages whose resource is missing: "ner model not loaded". */
  const char *notes[16];
  size_t n_notes;
};

#define DL__BAD_BYTE 0x1A /* ASCII SUB: stands for a replaced byte */
#define DL__MAX_BAD_STORED 1000

/* ====================================================================
** Resources
** ==================================================================== */

struct dl__abbrev; /* tok.c */
struct dl__geo;    /* geo.c */
struct dl__wordclass; /* tone_wordclass.c */
struct dl__idf_table; /* tone_wordclass.c */
struct dl__place;  /* geo.h */
struct dl__ner;    /* ner.c */
struct dl__ner_ws; /* ner.c */
struct dl__lex;    /* entity_lex.h */
struct dl__wix;    /* entity.c */

struct dl_model {
  const dl_allocator *al;
  dl_allocator al_copy;
  dl_options opt;
  char resources[256];
  const struct dl__abbrev *abbrev; /* built in (generated table) */
  struct dl__ner *ner;             /* models/ner.dlm, optional */
  struct dl__geo *geo;             /* models/geo.bin, optional */
  struct dl__wordclass *wordclass; /* models/wordclass.tsv, optional */
  struct dl__idf_table *idf;       /* models/idf.tsv, optional */
  struct dl__lex *lex; /* entity_lex.c: hashed entity/quote word lists */
};

/* ====================================================================
** Annotator and stages
** ==================================================================== */

struct dl_annotator {
  const dl_model *m;
  const dl_allocator *al;
  dl__buf scratch[4]; /* reused between documents by the stages */
  void *stage_ws[16]; /* per-stage workspaces, created lazily */
  struct dl__ner_ws *ner_ws; /* the NER tagger's workspace (ner.c) */
  struct tx_ws *timex_ws;    /* dateline/timex/amount lexer (timex.c) */
  struct dl__clean_ws *clean_ws; /* cleaning's phrase index (clean.c) */
  struct dl__told_ws *told_ws;   /* words/tone/themes/keywords/summary */
  struct dl__wix *entity_wix;    /* entity.c: the word index, reused */
  /* Stage timing for benches (bench/bench_pipeline.c): when time_stages
  ** is set, dl_annotate adds each stage's thread CPU time to stage_ns[i]
  ** (i as dl__stage_name) and the input copy + view to load_ns. */
  bool time_stages;
  uint64_t stage_ns[32], load_ns;
};
/* The pipeline's stages (pipeline.c): their number and names, in order. */
int dl__stage_count(void);
const char *dl__stage_name(int i);

typedef dl_status (*dl__stage_fn)(dl_annotator *a, dl_doc *d, dl_error *err);
typedef void (*dl__json_fn)(const dl_doc *d, dl__jw *w, unsigned flags);

/* Stage entry points. Each lives in its own module. */
dl_status dl__clean_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__tok_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__sent_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__ner_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__entity_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__dateline_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__timex_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__amount_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__quote_run(dl_annotator *a, dl_doc *d, dl_error *err);
dl_status dl__geo_run(dl_annotator *a, dl_doc *d, dl_error *err);

/* Resource loading and per-annotator workspaces of the stages. */
dl_status dl__abbrev_load_builtin(const struct dl__abbrev **out);
dl_status dl__ner_load_dir(dl_model *m, const char *dir, dl_error *err);
void dl__ner_free(dl_model *m);
dl_status dl__geo_load_dir(dl_model *m, const char *dir, dl_error *err);
void dl__geo_free(dl_model *m);
dl_status dl__wordclass_load_dir(dl_model *m, const char *dir, dl_error *err);
void dl__wordclass_free(dl_model *m);
dl_status dl__idf_table_load_dir(dl_model *m, const char *dir, dl_error *err);
void dl__idf_table_free(dl_model *m);
void dl__ner_ws_free(dl_annotator *a);
void dl__timex_ws_free(dl_annotator *a);
void dl__clean_ws_free(dl_annotator *a);
void dl__entity_ws_free(dl_annotator *a); /* entity.c */

/* Field writers of the stages (record.c's field table). */
void dl__entity_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__timex_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__amount_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__quote_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__geo_json(const dl_doc *d, dl__jw *w, unsigned flags);
void dl__dateline_json(const dl_doc *d, dl__jw *w, unsigned flags);

/* Entities named in photo-credit lines (entity_credit.c), run at the
** end of the entity stage. */
dl_status dl__entity_credits(dl_annotator *a, dl_doc *d, dl_error *err);

/* Span output honouring DL_JSON_CHARS (record.c). */
void dl__jw_span(const dl_doc *d, dl__jw *w, unsigned flags, uint32_t start,
                 uint32_t end);
size_t dl__doc_char_offset(const dl_doc *d, size_t byte_off);

/* Adds a note to the record (static string). */
void dl__doc_note(dl_doc *d, const char *note);

/* Date helpers (date.c): parses "YYYY-MM-DD[THH:MM]"; validates the
** calendar. */
bool dl__date_parse(const char *s, size_t n, dl__date *out);
void dl__date_format(const dl__date *dt, char *buf, size_t cap);
bool dl__date_valid(int y, int m, int d);

#endif /* DL_INTERNAL_H */
