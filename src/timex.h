/*
** timex.h -- shared by the "when" modules: timex.c (temporal expressions),
** amount.c (numbers and what they count), dateline_wire.c (the document
** date from a wire dateline) and timex_lex.c (their small word lexer, the
** lexicon of time words, and calendar arithmetic).
**
** These modules do not read the token layer: they lex the bytes of the
** analysis view themselves into short runs of words, numbers and
** punctuation (one line at a time, so memory is bounded by the longest
** line, not by the document). That keeps them independent of the
** tokenizer's choices ("5pm", "Dec.", "1,000") and cheap: a word is
** looked up only when its first letter can start a time word.
*/
#ifndef DL_TIMEX_H
#define DL_TIMEX_H

#include "internal.h"

/* ====================================================================
** Lexer
** ==================================================================== */

enum { TX_WORD = 1, TX_NUM, TX_PUNCT };

/* Lexicon categories: a word may carry several (one entry each). */
enum {
  TXC_MONTH = 1,  /* val 1..12; abbreviations have val + 100 */
  TXC_WDAY,       /* 1 = Monday .. 7 = Sunday; plural: val + 10 */
  TXC_NUMW,       /* cardinal word: val */
  TXC_ORDW,       /* ordinal word: val */
  TXC_UNIT,       /* TXU_*; plural: val + 100 */
  TXC_SEASON,     /* 1 SP, 2 SU, 3 FA, 4 WI */
  TXC_POD,        /* part of day: 1 MO, 2 AF, 3 EV, 4 NI */
  TXC_DEICTIC,    /* today, yesterday, ...: TXD_* */
  TXC_MOD,        /* last, next, this, ...: TXM_* */
  TXC_SETADV,     /* daily, weekly, ...: TXU_* */
  TXC_EDGE,       /* early, late, mid, ...: TXE_* */
  TXC_TZ,         /* time zone: offset in minutes + 10000 (10000 = UTC) */
  TXC_SCALE,      /* hundred, thousand, million, ...: power of ten */
  TXC_CURRENCY,   /* dollars, pounds, ...: index into tx_currency */
  TXC_FUT,        /* a future-tense cue */
  TXC_PAST,       /* a past-tense cue */
  TXC_PREP,       /* a preposition that introduces a time ("in", "on") */
  TXC_STOP,       /* a function word: never the object of an amount */
  TXC_TRIG        /* a word p_word() tests by name ("christmas", "q") */
};

enum {
  TXU_SECOND = 1, TXU_MINUTE, TXU_HOUR, TXU_DAY, TXU_WEEK, TXU_WEEKEND,
  TXU_MONTH, TXU_QUARTER, TXU_YEAR, TXU_DECADE, TXU_CENTURY
};

enum {
  TXD_TODAY = 1, TXD_YESTERDAY, TXD_TOMORROW, TXD_TONIGHT, TXD_NOW,
  TXD_RECENTLY, TXD_CURRENTLY, TXD_SOON, TXD_FUTURE, TXD_PAST, TXD_NOON,
  TXD_MIDNIGHT, TXD_NOWADAYS, TXD_FORMERLY
};

enum {
  TXM_LAST = 1, TXM_NEXT, TXM_THIS, TXM_PAST, TXM_COMING, TXM_FOLLOWING,
  TXM_PREVIOUS, TXM_CURRENT, TXM_RECENT, TXM_LATEST, TXM_SAME
};

enum {
  TXE_EARLY = 1, TXE_LATE, TXE_MID, TXE_EARLIER, TXE_LATER
};

typedef struct tx_tok {  /* 24 bytes: lines of tokens stay in cache */
  uint32_t start, end;  /* bytes into the document */
  uint32_t cats;        /* bit c set: the word has an entry of category c */
  uint16_t lex;         /* first lexicon entry + 1, 0: none */
  uint8_t nlex;         /* number of lexicon entries */
  uint8_t kind;         /* TX_WORD, TX_NUM, TX_PUNCT */
  uint8_t space;        /* white space before it */
  uint8_t cap;          /* TX_WORD: first letter upper case */
  uint8_t ndig;         /* TX_NUM: digits before the suffix (no , or .) */
  uint8_t plain;        /* TX_NUM: only digits (no , or .) */
  uint8_t sent;         /* first token of a sentence (as far as we know) */
  uint8_t sfxlen;       /* TX_NUM: length of a letter suffix ("s", "pm") */
  uint8_t starter;      /* TX_WORD: can start a temporal expression */
} tx_tok;

/* Where a number's letter suffix starts ("1990s", "5pm", "22nd"). */
#define TX_SFX(t) ((t)->end - (t)->sfxlen)
/* The value of a number token's digits (1,000 -> 1000; 3.5). */
double dl__tx_num(const dl_doc *d, const tx_tok *t);

/* The lexicon's words for the lexer, hashed by their (lower-case, zero
** padded) 16 bytes: a word is looked up with two 8-byte loads, a
** multiply and, for a known word, two compares -- no per-letter hash.
** Built once per annotator (dl__tx_dict_init), read-only after that. */
enum { TX_DICT_SLOTS = 4096, TX_DICT_MAX = 640, TX_DICT_LEN = 14 };
typedef struct tx_dent {
  uint64_t w0, w1;   /* the word's bytes, zero padded (memcpy order) */
  uint32_t cats;     /* bit c: an entry of category c */
  uint16_t lex;      /* first lexicon entry + 1 */
  uint8_t nlex;      /* entries of the word */
  uint8_t starter;   /* can start a temporal expression */
  uint8_t quarter;   /* TXC_UNIT TXU_QUARTER ("quarter") */
} tx_dent;
typedef struct tx_dict {
  uint16_t slot[TX_DICT_SLOTS]; /* entry index + 1, 0: empty */
  uint64_t m0[TX_DICT_LEN + 1], m1[TX_DICT_LEN + 1]; /* n-byte masks */
  tx_dent e[TX_DICT_MAX];
} tx_dict;
void dl__tx_dict_init(tx_dict *dc);

/* A run of tokens (one line), reused between lines and documents. */
typedef struct tx_lexer {
  const dl_allocator *al;
  const tx_dict *dict; /* set by dl__timex_ws */
  tx_tok *t;
  size_t n, cap;
  bool quarter; /* the line has the word "quarter" */
} tx_lexer;

/* Lexes view[from, to) into lx (replacing its contents), skipping the
** document's clean spans. Returns false on allocation failure. */
bool dl__tx_lex(tx_lexer *lx, const dl_doc *d, size_t from, size_t to);
void dl__tx_lexer_free(tx_lexer *lx);
/* The end of the line that starts at `from` (a soft limit of 64 KiB cuts
** very long lines at a space). */
size_t dl__tx_line_end(const dl_doc *d, size_t from);

/* The value of category cat for token t, or -1 (the bit mask answers
** the usual "no" without touching the lexicon). */
int dl__tx_cat_lookup(const tx_tok *t, int cat);
static inline int dl__tx_cat(const tx_tok *t, int cat)
{
  return t->cats & (1u << cat) ? dl__tx_cat_lookup(t, cat) : -1;
}
/* The word can start a temporal expression (the timex dispatch). */
static inline bool dl__tx_starter(const tx_tok *t) { return t->starter; }
/* Case-insensitive comparison of a token with a lower-case ASCII word. */
static inline bool dl__tx_is(const dl_doc *d, const tx_tok *t, const char *w)
{
  size_t n = t->end - t->start;
  const char *s = d->view + t->start;
  if (((unsigned char)s[0] | 32) != (unsigned char)w[0]) return false;
  for (size_t i = 1; i < n; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if (!w[i] || c != w[i]) return false;
  }
  return w[n] == 0;
}
/* The first byte of a punctuation token (0 for others, 0x80+ for
** multi-byte ones: compare with dl__tx_is instead). */
int dl__tx_ch(const dl_doc *d, const tx_tok *t);

/* Currency codes by TXC_CURRENCY value. */
extern const char *const dl__tx_currency[];

/* ====================================================================
** Calendar
** ==================================================================== */

long dl__tx_days(int y, int m, int d);              /* days since 1970-01-01 */
void dl__tx_civil(long days, int *y, int *m, int *d);
int dl__tx_wday(int y, int m, int d);               /* 1 Monday .. 7 Sunday */
void dl__tx_isoweek(int y, int m, int d, int *wy, int *wn);
int dl__tx_mdays(int y, int m);

/* ====================================================================
** Number words
** ==================================================================== */

/* Parses a cardinal in words or digits starting at token i of lx
** ("twenty four", "twenty-four", "one hundred", "1,000", "a dozen").
** Returns the index after it (i when none) and the value in *out.
** Scale words ("million") are not consumed here. */
size_t dl__tx_cardinal(const dl_doc *d, const tx_lexer *lx, size_t i,
                       double *out);

/* ====================================================================
** Amounts (amount.c), found in the timex stage's pass over the lines
** ==================================================================== */

/* Every buffer has a limit (STYLE.md): a document keeps at most this many
** dates and this many amounts; the record then says it was truncated. */
#define DL__MAX_TIMEXES 100000
#define DL__MAX_AMOUNTS 100000

typedef struct tx_amounts {
  dl__amount *out;
  size_t n, cap;
  dl__buf objs; /* object strings, NUL-separated */
  bool truncated;
} tx_amounts;

/* The annotator's workspace of the "when" stages, kept between
** documents (a->timex_ws): the line lexer, the dates and the amounts
** under construction. NULL: out of memory. */
struct tx_ws {
  tx_lexer lx;
  tx_dict dict;
  dl__timex *out;
  size_t nout, cap;
  tx_amounts am;
  size_t am_tx;
};
struct tx_ws *dl__timex_ws(dl_annotator *a);

/* Scans one lexed line; tx[0, ntx) are the dates found so far (in text
** order), *txi the first that may overlap this line. */
bool dl__amount_line(const dl_allocator *al, tx_amounts *w, const dl_doc *d,
                     const tx_lexer *lx, const dl__timex *tx, size_t ntx,
                     size_t *txi);
/* Moves the amounts into the document (arena). false: out of memory. */
bool dl__amount_finish(tx_amounts *w, dl_doc *d);
void dl__amount_acc_free(const dl_allocator *al, tx_amounts *w);

#endif /* DL_TIMEX_H */
