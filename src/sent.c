/*
** sent.c -- the sentence splitter: d->tokens into d->sentences.
**
** A rule-based pass over the tokens; the tokenizer already decided which
** periods belong to abbreviations and where lines and paragraphs start.
** A sentence ends:
**  - before a paragraph start (DL__TOK_PARA_START: a blank line, or a line
**    start in a text that is not hard-wrapped), always;
**  - after . ! ? ?! and the like, together with the closing quotes,
**    closing brackets and smileys that follow them ("...hand," Putin
**    said. / ...said "no.") -- unless a comma-like mark, punctuation glued
**    to the mark ("Mo.-based"), another final mark (". . ." ends at the
**    last one) or, after a closing quote, a lower-case word follows
**    ("Why?" he asked). A lower-case word right after a bare mark starts a
**    sentence (web text), unless no space separates them ("end.the");
**  - after an ellipsis only when a capitalised word (or an opening quote
**    or bracket before one) follows;
**  - after an abbreviation or an initial (DL__TOK_ABBREV, the period is
**    inside the token) only when the next token clearly starts a sentence:
**    a capitalised closed-class word from the generated starter list ("in
**    the U.S. The company...") -- never after a title ("Gen.", "Mr."), a
**    hand list --, or, after an abbreviation that the training data shows
**    mostly sentence-final ("p.m."), any capitalised word but a weekday, a
**    month or a time zone ("5 p.m. Tuesday");
**  - in hard-wrapped text, at a line break after a short line without
**    final punctuation that stands alone (a headline or a dateline): the
**    sentence so far is that one line, it does not end in a lower-case
**    word, and a capitalised word or a number follows;
**  - after max_sentence_tokens tokens (DL__SENT_FORCED on the cut part);
**    closing marks never push a sentence past the limit.
** DL__SENT_HEADLINE marks a sentence that ends at a line or paragraph
** break without final punctuation. A sentence spans from its first
** token's start to its last token's end, so its boundaries are token
** boundaries. Paragraphs are counted at DL__TOK_PARA_START tokens
** (d->n_paragraphs, sentence.para). The array is built in a->scratch[1]
** and copied once into the document arena.
*/
#include "internal.h"

#include "abbrev.h"

/* Abbreviations that stand before a name or a number and so never end a
** sentence before a capitalised word, even a "starter" ("Gen. A..."). A
** closed hand list: the training data cannot tell titles from other
** abbreviations. */
static const char *const titles[] = {
    "adm", "capt", "cmdr", "col", "dr", "ft", "gen", "gov", "insp", "lt",
    "maj", "mr", "mrs", "ms", "mt", "no", "nos", "pres", "prof", "rep",
    "rev", "sen", "sgt", "st", "supt", "vs"};

static bool is_title(const char *s, size_t n)
{
  char low[8];
  if (n == 0 || n > sizeof low) return false;
  for (size_t i = 0; i < n; i++)
    low[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
  for (size_t i = 0; i < DL__COUNTOF(titles); i++)
    if (strlen(titles[i]) == n && memcmp(titles[i], low, n) == 0) return true;
  return false;
}

/* Words that follow a time or date abbreviation inside a sentence ("5
** p.m. Tuesday", "Sept. 11"): weekdays and months (a closed list). */
static const char *const calendar[] = {
    "April",    "August",   "December", "February", "Friday",
    "January",  "July",     "June",     "March",    "May",
    "Monday",   "November", "October",  "Saturday", "September",
    "Sunday",   "Thursday", "Tuesday",  "Wednesday"};

static bool is_calendar(const char *s, size_t n)
{
  for (size_t i = 0; i < DL__COUNTOF(calendar); i++)
    if (strlen(calendar[i]) == n && memcmp(calendar[i], s, n) == 0)
      return true;
  return false;
}

struct ctx {
  const dl_doc *d;
  const dl__token *t;
  size_t n;
};

static const char *tok_text(const struct ctx *c, size_t i, size_t *len)
{
  *len = c->t[i].end - c->t[i].start;
  return c->d->view + c->t[i].start;
}

/* Kinds of sentence-ending tokens. */
enum { T_NONE, T_STOP, T_BANG, T_ELLIPSIS, T_ABBREV };

static int terminal_kind(const struct ctx *c, size_t i)
{
  size_t n;
  const char *s;
  uint32_t f = c->t[i].flags;
  if (!(f & (DL__TOK_ELLIPSIS | DL__TOK_ABBREV | DL__TOK_PUNCT)))
    return T_NONE;
  s = tok_text(c, i, &n);
  if (f & DL__TOK_ELLIPSIS) return T_ELLIPSIS;
  if (f & DL__TOK_ABBREV) return T_ABBREV;
  if (!(f & DL__TOK_PUNCT)) return T_NONE;
  if (n == 1 && s[0] == '.') return T_STOP;
  if (s[0] == '!' || s[0] == '?') return T_BANG;
  /* U+203C, U+2047..U+2049: double exclamation/question marks. */
  if (n == 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
      (unsigned char)s[2] == 0xBC)
    return T_BANG;
  return T_NONE;
}

static bool is_lower_word(const struct ctx *c, size_t i)
{
  uint32_t f = c->t[i].flags;
  return (f & DL__TOK_WORD) && !(f & DL__TOK_CAP) &&
         !(f & (DL__TOK_URL | DL__TOK_EMAIL | DL__TOK_HASHTAG |
                DL__TOK_MENTION)) &&
         !(f & DL__TOK_NUM);
}

/* :) ;-) :D -- a smiley after the final mark belongs to the sentence. */
static bool is_emoticon(const struct ctx *c, size_t i)
{
  size_t n;
  const char *s = tok_text(c, i, &n);
  return (c->t[i].flags & DL__TOK_PUNCT) && n >= 2 && n <= 3 &&
         (s[0] == ':' || s[0] == ';');
}

/* Punctuation that continues a sentence: , ; : and closing marks. */
static bool is_continuing_punct(const struct ctx *c, size_t i)
{
  size_t n;
  const char *s = tok_text(c, i, &n);
  if (!(c->t[i].flags & DL__TOK_PUNCT)) return false;
  return n == 1 && (s[0] == ',' || s[0] == ';' || s[0] == ':' ||
                    s[0] == '%' || s[0] == ')' || s[0] == ']');
}

/* The token at i is capitalised, or an opening quote/bracket followed by
** a capitalised token or a number. */
static bool starts_capital(const struct ctx *c, size_t i)
{
  uint32_t f = c->t[i].flags;
  if (f & DL__TOK_CAP) return true;
  if ((f & DL__TOK_OPEN) && i + 1 < c->n)
    return (c->t[i + 1].flags & (DL__TOK_CAP | DL__TOK_NUM)) != 0;
  return false;
}

static bool starts_starter(const struct ctx *c, size_t i)
{
  size_t n;
  const char *s;
  if ((c->t[i].flags & DL__TOK_OPEN) && i + 1 < c->n) i++;
  if (!(c->t[i].flags & DL__TOK_CAP)) return false;
  s = tok_text(c, i, &n);
  return dl__is_starter(s, n);
}

/* Decides whether the sentence ends after the terminal token at i (kind
** k), with the next sentence's first token at j. */
static bool ends_here(const struct ctx *c, size_t i, int k, size_t j)
{
  if (j >= c->n) return true;
  if (c->t[j].flags & (DL__TOK_PARA_START | DL__TOK_LINE_START)) return true;
  switch (k) {
  case T_STOP:
  case T_BANG:
    if (is_continuing_punct(c, j)) return false;
    /* "Mo.-based", "3.-": punctuation glued to the mark goes on. */
    if (!(c->t[j].flags & DL__TOK_SPACE_BEFORE) &&
        (c->t[j].flags & DL__TOK_PUNCT) &&
        !(c->t[j].flags & (DL__TOK_OPEN | DL__TOK_QUOTE)))
      return false;
    /* "Why?" he asked. -- a lower-case word after a closing quote goes
    ** on; after a bare mark it starts a sentence (web text often has no
    ** capitals), unless no space separates them ("end.the"). */
    if (is_lower_word(c, j))
      return j == i + 1 && (c->t[j].flags & DL__TOK_SPACE_BEFORE);
    return true;
  case T_ELLIPSIS:
    return starts_capital(c, j);
  case T_ABBREV: {
    size_t n;
    const char *s = tok_text(c, i, &n);
    const struct dl__abbrev_entry *e;
    if (!starts_capital(c, j)) return false;
    n--; /* the period */
    if (is_title(s, n)) return false;
    if (starts_starter(c, j)) return true;
    e = dl__abbrev_find(s, n);
    if (!e || e->final <= e->internal) return false;
    /* A mostly final abbreviation ("p.m.") ends the sentence before a
    ** capitalised word, but not before a weekday, a month or a time zone
    ** ("5 p.m. Tuesday", "5 p.m. EST"). */
    {
      size_t m;
      const char *x = tok_text(c, j, &m);
      if (is_calendar(x, m)) return false;
      if ((c->t[j].flags & DL__TOK_ALLCAPS) && m <= 4) return false;
    }
    return true;
  }
  default:
    return false;
  }
}

/* A short line standing alone before the line break at j, in a
** hard-wrapped text (elsewhere every line break is a paragraph break): the
** sentence so far is exactly one line of at most 16 tokens, which does not
** end in a lower-case word ("...the Chicago Board of" / "Trade, CBT" is a
** wrapped line), and a capitalised word or a number follows. */
static bool headline_break(const struct ctx *c, size_t first, size_t j)
{
  if (j >= c->n || !(c->t[j].flags & DL__TOK_LINE_START)) return false;
  if (!(c->t[first].flags & DL__TOK_LINE_START) || j - first > 16)
    return false;
  for (size_t k = first + 1; k < j; k++)
    if (c->t[k].flags & DL__TOK_LINE_START) return false;
  if (is_lower_word(c, j - 1)) return false;
  return starts_capital(c, j) || (c->t[j].flags & DL__TOK_NUM);
}

static bool is_ending(const struct ctx *c, size_t i)
{
  /* Final punctuation, possibly followed by closing marks. */
  while (i > 0 && (c->t[i].flags & DL__TOK_CLOSE)) i--;
  return terminal_kind(c, i) != T_NONE;
}

dl_status dl__sent_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct ctx c;
  dl__buf *b = &a->scratch[1];
  dl__sentence *s;
  size_t ns = 0, cap, first = 0, para = 0, maxtok;
  dl__token *t = d->tokens;
  c.d = d;
  c.t = d->tokens;
  c.n = d->n_tokens;
  maxtok = a->m->opt.max_sentence_tokens ? a->m->opt.max_sentence_tokens
                                         : DL_DEFAULT_MAX_SENTENCE_TOKENS;
  b->len = 0;
  cap = b->cap / sizeof *s;
  s = (dl__sentence *)(void *)b->p;

  for (size_t i = 0; i < c.n; i++) {
    size_t j = i + 1;
    uint32_t flags = 0;
    bool end;
    int k = (t[i].flags & (DL__TOK_ELLIPSIS | DL__TOK_ABBREV |
                           DL__TOK_PUNCT))
                ? terminal_kind(&c, i)
                : T_NONE;
    if (k != T_NONE) {
      /* Closing quotes and brackets after the final mark belong to this
      ** sentence. */
      while (j < c.n && j - first < maxtok &&
             !(t[j].flags & DL__TOK_LINE_START) &&
             (((t[j].flags & DL__TOK_CLOSE) &&
               (!(t[j].flags & DL__TOK_SPACE_BEFORE) ||
                (t[j].flags & DL__TOK_QUOTE))) ||
              is_emoticon(&c, j)))
        j++;
      /* ". . ." or "?!." : the last mark of a run ends the sentence (a
      ** spaced ellipsis after the mark starts the next one: "them. ...
      ** Democratic groups"). */
      if (j < c.n && !(t[j].flags & DL__TOK_LINE_START) &&
          (t[j].flags & DL__TOK_PUNCT) &&
          (terminal_kind(&c, j) == T_STOP ||
           (!(t[j].flags & DL__TOK_SPACE_BEFORE) &&
            terminal_kind(&c, j) != T_NONE)))
        end = false;
      else
        end = ends_here(&c, i, k, j);
      if (end) i = j - 1;
    } else {
      end = j >= c.n || (t[j].flags & DL__TOK_PARA_START) ||
            ((t[j].flags & DL__TOK_LINE_START) &&
             headline_break(&c, first, j));
      if (end && !is_ending(&c, i)) flags |= DL__SENT_HEADLINE;
    }
    if (!end && i + 1 - first >= maxtok) {
      end = true;
      flags |= DL__SENT_FORCED;
    }
    if (!end) continue;
    if (ns == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      b->len = ns * sizeof *s;
      if (!dl__buf_reserve(b, (ncap - ns) * sizeof *s))
        return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      s = (dl__sentence *)(void *)b->p;
      cap = ncap;
    }
    for (size_t q = first; q <= i; q++) {
      if (t[q].flags & DL__TOK_PARA_START) para++;
      t[q].sent = (uint32_t)ns;
      t[q].flags &= ~(uint32_t)DL__TOK_SENT_START;
    }
    t[first].flags |= DL__TOK_SENT_START;
    s[ns].start = t[first].start;
    s[ns].end = t[i].end;
    s[ns].tok_start = (uint32_t)first;
    s[ns].tok_end = (uint32_t)(i + 1);
    s[ns].para = (uint32_t)(para ? para - 1 : 0);
    s[ns].flags = flags;
    ns++;
    first = i + 1;
  }
  d->n_paragraphs = para;
  d->sentences = ns ? dl__arena_dup(&d->arena, s, ns * sizeof *s) : NULL;
  if (ns && !d->sentences)
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  d->n_sentences = ns;
  return DL_OK;
}
