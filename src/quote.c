/*
** quote.c -- quotations, their cues and their speakers: who said what.
**
** The stage reads the tokens (quote marks carry DL__TOK_QUOTE with OPEN or
** CLOSE), the sentences, the mentions and the entities, and writes
** d->quotes in text order. Three kinds (SPEC.md):
**
**   direct    a whole utterance in quote marks: "We must know who directed
**             the killer's hand," Putin said.
**   partial   quoted words inside the reporter's own sentence: Lavrov said
**             Karlov had been the victim of "a despicable terrorist act".
**   indirect  reported speech without quote marks: Putin said (that) ...,
**             ..., Lavrov said. / according to X, ...
**
** Algorithm, one pass over the paragraphs and one over the sentences:
**
**  1. Regions. Quote marks are paired per paragraph with a bounded stack
**     (DEPTH entries; marks beyond it are plain content): an opening mark
**     pushes, a closing mark pops down to the nearest open mark of its
**     family (double: " " " `` '' << >>; single: ' ' ' < >), and a closing
**     mark with no open mark of its family below it is ignored (an
**     apostrophe, or an unbalanced mark). Only top-level pairs are
**     quotations; nested quotes are their content. A double quote left
**     open at the end of a paragraph continues into the next paragraph
**     when that one opens with a double mark (the news convention for a
**     quotation over several paragraphs); otherwise it ends with its
**     paragraph and must have its own cue to count. A single-quote region
**     left open is dropped (apostrophes: 'em, '90s). So a missing mark
**     never makes a quotation longer than its paragraph.
**  2. Cue and kind. For each region, the words of its sentence before the
**     opening mark (L) and after the closing mark (R) are read:
**     - a quote that opens its sentence, or that follows a cue ("X said:",
**       "who shouted"), or that follows a direct quote through "and" or a
**       comma, is direct; any other is partial;
**     - the cue is, in order: a speech verb right before the quote ("X
**       said:", "said X,"), one right after it ("...," X said / said X),
**       one in the next short sentence ("..." Putin said.), for a partial
**       quote any speech verb of the sentence;
**     - a direct quote with no cue of its own takes, with cue null: the
**       speaker of a cued quotation right after it ("First." "Second,"
**       he said.); else the person the sentence before it is about (a PER
**       name or he/she as subject); else the speaker of the previous
**       quotation of its paragraph or of the paragraph before; otherwise
**       its speaker is null;
**     - a region of three words or fewer with no cue of its own is a
**       title or a scare quote, not a quotation, and is dropped; so is a
**       partial quote with no cue.
**     An interrupted quote ("We must know," Putin said, "who directed the
**     killer's hand.") gives TWO quotes with the same cue and speaker, one
**     per quoted part: every quote keeps a single span.
**  3. Indirect speech, in sentences with no quotation: "NP [aux] cue
**     (that) clause", "clause, NP [aux] cue.", "clause, cue NP.",
**     "according to NP, clause" and "clause, according to NP." Verbs of
**     class DL__Q_THAT need "that" or the final reporting clause; weak
**     cues never report indirect speech. Indirect speech needs a speaker.
**  4. Speakers. Around a cue: a mention that ends right before it (after
**     auxiliaries and adverbs: "Putin has also said"), a relative pronoun
**     pointing back at its antecedent ("a Turkish gunman who shouted"),
**     an appositive skipped back to its mention ("Sergei Lavrov, Russia's
**     foreign minister, said"), a personal pronoun, or a noun phrase
**     headed by a speaker noun or a capitalized word ("a Kremlin
**     spokesman", "the president"); after the cue, the same forward
**     ("said Kirill", "said Putin's spokesman Dmitry Peskov"). A noun
**     phrase with no mention keeps its words as the name and entity null.
**     A definite title phrase with no mention ("the foreign minister")
**     links to the last-mentioned PER entity holding that role.
**     A pronoun (he/she) is resolved to the most recent PER mention of a
**     compatible sex (first names: quote_tables.c, from the SSA name
**     counts); they/we/it/I are left unresolved with entity null.
**
** Cost: every scan looks at a bounded number of tokens (WIN) around a
** quote or a cue, the stack is bounded, and pronoun resolution looks back
** over at most BACK mentions, so the stage is linear in the tokens.
*/
#include "quote.h"
#include "abbrev.h"
#include "entity_lex.h"

#include <stdio.h>
#include <stdlib.h>

#define DEPTH 32  /* quote-mark stack */
#define WIN 12    /* tokens a cue scan looks at beside a quote */
#define NPMAX 8   /* tokens of a speaker noun phrase */
#define BACK 64   /* mentions a pronoun looks back over */
#define NONE UINT32_MAX

enum {
  DL__QF_UNCLOSED = 1u << 0,  /* region ended with its paragraph */
  DL__QF_INHERITED = 1u << 1, /* speaker taken from the previous quote */
  DL__QF_MULTIPARA = 1u << 2, /* runs over several paragraphs */
  DL__QF_SHARED = 1u << 3,    /* speaker of the quotation right after */
  DL__QF_SUBJ = 1u << 4       /* speaker: the previous sentence's subject */
};

struct region {
  uint32_t open, close; /* quote-mark tokens; close NONE: unclosed */
  uint32_t first, last; /* content tokens [first, last) */
  uint8_t flags;
};

struct speaker {
  uint32_t s, e;  /* tokens [s, e) of the speaker phrase, e == 0: none */
  uint32_t ment;  /* the mention it is, or NONE */
  uint32_t pron;  /* token of a pronoun, or NONE */
  uint32_t rel1;  /* 1 + token of a relative pronoun ("who said") whose
                  ** antecedent is [s, e), or 0 */
};

struct cue {
  uint32_t s, e;  /* tokens [s, e), e == 0: none */
  const char *lemma;
  int flags;
};

struct ctx {
  dl_doc *d;
  const dl__token *t;
  uint32_t nt;
  uint32_t *men_end;   /* token -> mention ending right after it, or NONE */
  uint32_t *men_start; /* token -> mention starting at it, or NONE */
  uint32_t *in_quote;  /* token -> region index, or NONE */
  uint8_t *cue_used;   /* token used as a cue */
  char *sex;           /* per mention: 'M', 'F', or 0 */
  uint32_t *tw;        /* per token: its DL__QW_* classes and cue, looked
                       ** up once (entity_lex.h); see token_words() */
  struct region *reg;
  size_t nreg, capreg;
  dl__quote *q;
  size_t nq, capq;
  bool oom;
};

/* ====================================================================
** Tokens
** ==================================================================== */

static const char *tp(const struct ctx *c, uint32_t i)
{
  return c->d->view + c->t[i].start;
}
static size_t tl(const struct ctx *c, uint32_t i)
{
  return c->t[i].end - c->t[i].start;
}

/* Case-insensitive (ASCII) comparison of token i with a lower-case word. */
static bool tis(const struct ctx *c, uint32_t i, const char *w)
{
  const char *s = tp(c, i);
  size_t n = tl(c, i), k = 0;
  for (; *w; w++) {
    char ch;
    if (k >= n) return false;
    ch = s[k];
    if (*w == '\'' && n - k >= 3 && memcmp(s + k, "\xE2\x80\x99", 3) == 0) {
      k += 3; /* U+2019 as an apostrophe */
      continue;
    }
    if (ch >= 'A' && ch <= 'Z') ch = (char)(ch + 32);
    if (ch != *w) return false;
    k++;
  }
  return k == n;
}


static bool tword(const struct ctx *c, uint32_t i)
{
  return (c->t[i].flags & DL__TOK_WORD) != 0;
}

static bool tlower(const struct ctx *c, uint32_t i)
{
  unsigned char ch = (unsigned char)tp(c, i)[0];
  return ch >= 'a' && ch <= 'z';
}

static bool tcap(const struct ctx *c, uint32_t i)
{
  return (c->t[i].flags & DL__TOK_CAP) != 0;
}

static bool tpunct(const struct ctx *c, uint32_t i, char ch)
{
  return tl(c, i) == 1 && tp(c, i)[0] == ch;
}

/* 1: double-quote family, 2: single, 0: not a quote mark. */
static int qfamily(const struct ctx *c, uint32_t i)
{
  int32_t cp;
  const unsigned char *u = (const unsigned char *)tp(c, i);
  if (!(c->t[i].flags & DL__TOK_QUOTE)) return 0;
  if (u[0] == '`') return tl(c, i) >= 2 ? 1 : 2;
  if (u[0] == '\'') return tl(c, i) >= 2 ? 1 : 2;
  if (u[0] == '"') return 1;
  dl__utf8_decode(u, tl(c, i), 0, &cp);
  if (dl__is_dquote(cp) || cp == 0x201F) return 1;
  return 2;
}

static const char *const DETS[] = {
    "the", "a", "an", "his", "her", "their", "its", "our", "this", "these",
    "one", "two", "three", "several", "many", "some",
    "other", "another", "both", "all", "most", "few", NULL};

/* Words that end a noun phrase going left (never part of one). */
static const char *const STOPS[] = {
    "and", "or", "but", "of", "in", "on", "at", "to", "for", "with", "by",
    "from", "as", "than", "into", "about", "after", "before", "over",
    "under", "when", "while", "where", "if", "because", "although", "so",
    "is", "was", "were", "are", "be", "been", "being", "has", "have", "had",
    "will", "would", "could", "should", "may", "might", "can", "must",
    "do", "does", "did", "not", "n't", "no", "also", "then", "who", "which",
    "that", "what", "whom", "whose", "it", "he", "she", "they", "we", "i",
    "you", "there", "here", "said", "says", "say", "told", "according",
    "just", "only", "very", "now", "yet", "even", "still", "wo", "ca",
    "those", "me", "him", "us", "them", "my", "your", "however", NULL};

/* Auxiliaries and adverbs between a subject and its verb. */
static const char *const AUX[] = {
    "has", "have", "had", "was", "were", "is", "are", "will", "would",
    "also", "later", "then", "again", "previously", "once", "recently",
    "reportedly", "earlier", "already", "repeatedly", "often", "never",
    "further", "even", "now", "simply", "publicly", "privately", "once",
    "frequently", "quickly", "finally", "first", "last", "has", "did",
    "does", "do", "not", "n't", "may", "might", "could", "should", "can",
    "since", "long", "been", "himself", "herself", "themselves", "however",
    "meanwhile", "too", "though", "instead", "therefore", "thus", NULL};

static const char *const SUBJ_PRON[] = {"he", "she", "they", "we", "i",
                                         "it", "you", NULL};
static const char *const OBJ_PRON[] = {
    "me", "him", "her", "us", "them", "you", "reporters", "journalists",
    "supporters", "lawmakers", "viewers", "listeners", "the", NULL};

static const char *const NOUN_DETS[] = {"the", "a", "an", "his", "her",
                                         "their", "its", "this", "our",
                                         NULL};

/* Is token i one of list's words (as tis)? The lists above are answered
** by the token's class bits, looked up once per token (token_words). */
static inline bool tin(const struct ctx *c, uint32_t i,
                       const char *const *list)
{
  uint32_t bit = list == DETS        ? DL__QW_DETS
                 : list == STOPS     ? DL__QW_STOPS
                 : list == AUX       ? DL__QW_AUX
                 : list == SUBJ_PRON ? DL__QW_SUBJ_PRON
                 : list == OBJ_PRON  ? DL__QW_OBJ_PRON
                 : list == NOUN_DETS ? DL__QW_NOUN_DETS
                                     : 0;
  if (bit) return (c->tw[i] & bit) != 0;
  for (; *list; list++)
    if (tis(c, i, *list)) return true;
  return false;
}

/* Is token i a speaker noun (dl__quote_noun_find of the token)? */
static inline bool tnoun(const struct ctx *c, uint32_t i)
{
  return (c->tw[i] & DL__QW_NOUN) != 0;
}

/* Adds the word lists to the model's quote-word table (entity_lex.c). */
bool dl__quote_words_add(struct dl__strtab *t)
{
  static const struct {
    const char *const *list;
    uint32_t bit;
  } lists[] = {{DETS, DL__QW_DETS},           {STOPS, DL__QW_STOPS},
               {AUX, DL__QW_AUX},             {SUBJ_PRON, DL__QW_SUBJ_PRON},
               {OBJ_PRON, DL__QW_OBJ_PRON},   {NOUN_DETS, DL__QW_NOUN_DETS}};
  for (size_t k = 0; k < DL__COUNTOF(lists); k++)
    for (const char *const *w = lists[k].list; *w; w++)
      if (!dl__strtab_add(t, *w, strlen(*w), lists[k].bit)) return false;
  if (!dl__strtab_add(t, "according", 9, DL__QW_ACCORDING) ||
      !dl__strtab_add(t, "to", 2, DL__QW_TO) ||
      !dl__strtab_add(t, "asked", 5, DL__QW_ASKED))
    return false;
  for (size_t i = 0; i < dl__quote_cue_count; i++) {
    const char *f = dl__quote_cues[i].form;
    if (!dl__strtab_add(t, f, strlen(f), (uint32_t)(i + 1)
                                             << DL__QW_CUE_SHIFT))
      return false;
  }
  for (size_t i = 0; i < dl__quote_noun_count; i++) {
    const char *f = dl__quote_nouns[i];
    if (!dl__strtab_add(t, f, strlen(f), DL__QW_NOUN)) return false;
  }
  return true;
}

/* The classes of every token, one table look-up each. The key is the
** token lower-cased (ASCII) with U+2019 read as an apostrophe, as tis()
** compares; cues and nouns count only for all-ASCII tokens, as
** dl__quote_cue_find and dl__quote_noun_find read them. */
static void token_words(struct ctx *c, const struct dl__lex *lex)
{
  enum { KEYMAX = 32 };
  for (uint32_t i = 0; i < c->nt; i++) {
    const unsigned char *u = (const unsigned char *)tp(c, i);
    size_t n = tl(c, i), k = 0, j = 0;
    char key[KEYMAX];
    bool ascii = true, ok = true;
    uint32_t v;
    c->tw[i] = 0;
    if (n == 0 || n >= 3 * KEYMAX) continue;
    /* Punctuation and numbers start no word of the table. */
    if (lex && !lex->qfirst[u[0] >= 'A' && u[0] <= 'Z' ? u[0] + 32
                            : u[0] == 0xE2                ? '\''
                                                          : u[0]])
      continue;
    while (j < n && ok) {
      unsigned char ch = u[j];
      if (k >= KEYMAX - 1) {
        ok = false;
      } else if (ch < 0x80) {
        key[k++] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
        j++;
      } else if (n - j >= 3 && u[j] == 0xE2 && u[j + 1] == 0x80 &&
                 u[j + 2] == 0x99) {
        key[k++] = '\'';
        j += 3;
        ascii = false;
      } else {
        ok = false;
      }
    }
    if (!ok || !lex || !dl__strtab_find(&lex->qwords, key, k, &v)) continue;
    if (!ascii || n >= KEYMAX)
      v &= ~(DL__QW_NOUN | (0xFFFFu << DL__QW_CUE_SHIFT));
    c->tw[i] = v;
  }
}

/* A lower-case adverb (-ly) or an auxiliary. */
static bool is_aux(const struct ctx *c, uint32_t i)
{
  size_t n = tl(c, i);
  const char *s = tp(c, i);
  if (tin(c, i, AUX)) return true;
  return n > 4 && tlower(c, i) && s[n - 2] == 'l' && s[n - 1] == 'y';
}


/* The cue verb at token i (lower case), or NULL. After a determiner the
** word is a noun ("the note says", "a report"). */
static const struct dl__quote_cue *cue_at(const struct ctx *c, uint32_t i)
{
  if (!tword(c, i) || !tlower(c, i)) return NULL;
  if (i > 0 && tin(c, i - 1, NOUN_DETS)) return NULL;
  return c->tw[i] >> DL__QW_CUE_SHIFT
             ? &dl__quote_cues[(c->tw[i] >> DL__QW_CUE_SHIFT) - 1]
             : NULL;
}

/* "according to" starting at i. */
static bool according_at(const struct ctx *c, uint32_t i, uint32_t hi)
{
  return i + 1 < hi && (c->tw[i] & DL__QW_ACCORDING) &&
         (c->tw[i + 1] & DL__QW_TO);
}

/* ====================================================================
** Speakers
** ==================================================================== */

/* The first token of a noun phrase whose last token is j (inclusive),
** going left no further than lo; NONE when j cannot head one. The head
** is a speaker noun, a capitalized word, or a lower-case word after a
** determiner; modifiers are words that are not STOPS, possessives and
** mentions, and a determiner ends the phrase. "of"/"for" are crossed
** after a speaker noun ("the head of the church"). */
static uint32_t np_left(const struct ctx *c, uint32_t j, uint32_t lo)
{
  uint32_t s = j, k, n = 0;
  bool head_ok;
  if (!tword(c, j) || tin(c, j, STOPS) || tin(c, j, DETS)) return NONE;
  head_ok = tnoun(c, j) ||
            (tcap(c, j) && (!(c->t[j].flags & DL__TOK_SENT_START) ||
                            !dl__is_starter(tp(c, j), tl(c, j))));
  if (!head_ok) {
    /* A lower-case head needs a determiner within three words. */
    for (k = j; k > lo && j - k < 4; k--) {
      if (tin(c, k - 1, DETS)) {
        head_ok = true;
        break;
      }
      if (c->t[k - 1].flags & DL__TOK_NUM) continue; /* "a 2008 veteran" */
      if (!tword(c, k - 1) || tin(c, k - 1, STOPS)) break;
    }
    if (!head_ok) return NONE;
  }
  while (s > lo && n < NPMAX) {
    uint32_t p = s - 1;
    if (c->men_end[p] != NONE) {
      s = c->d->mentions[c->men_end[p]].tok_start;
      if (s < lo) s = lo;
      n++;
      continue;
    }
    if (c->t[p].flags & DL__TOK_CLITIC) { /* 's */
      s = p;
      continue;
    }
    if (tin(c, p, DETS)) {
      s = p;
      break;
    }
    if ((tis(c, p, "of") || tis(c, p, "for")) && p > lo &&
        tnoun(c, p - 1)) {
      s = p;
      continue;
    }
    if ((c->t[p].flags & DL__TOK_NUM) && p > lo && tin(c, p - 1, DETS)) {
      s = p - 1; /* "a 2008 Clinton veteran" */
      break;
    }
    if (c->t[p].flags & DL__TOK_NUM) { /* "47 percent", "two officials" */
      s = p;
      n++;
      continue;
    }
    if (!tword(c, p) || tin(c, p, STOPS) || cue_at(c, p)) break;
    if ((c->t[p].flags & DL__TOK_SENT_START) && tcap(c, p) &&
        dl__is_starter(tp(c, p), tl(c, p)))
      break;
    s = p;
    n++;
  }
  return s;
}

/* A speaker phrase ending right before token e (exclusive), no further
** left than lo: see the file comment. Fills sp; false when none. */
static bool speaker_left(const struct ctx *c, uint32_t e, uint32_t lo,
                         struct speaker *sp)
{
  uint32_t j, k, s, rel1 = 0;
  memset(sp, 0, sizeof *sp);
  sp->ment = sp->pron = NONE;
  if (e <= lo) return false;
  j = e - 1;
  for (k = 0; k < 4 && j > lo && is_aux(c, j); k++) j--;
  if (is_aux(c, j)) return false;
  /* Relative pronoun: the antecedent. */
  if ((tis(c, j, "who") || tis(c, j, "which")) && j > lo) {
    rel1 = j + 1;
    j--;
    if (tpunct(c, j, ',') && j > lo) j--;
  }
  /* A parenthesis: "Gov. John Kasich (R-OH), said". */
  if (tpunct(c, j, ',') && j > lo + 1 && tpunct(c, j - 1, ')')) j--;
  if (tpunct(c, j, ')')) {
    for (k = j; k > lo && j - k < 8; k--)
      if (tpunct(c, k - 1, '(')) break;
    if (k <= lo + 1 || !tpunct(c, k - 1, '(')) return false;
    j = k - 2;
  }
  /* Appositive: "Sergei Lavrov, Russia's foreign minister, said", "her
  ** adviser, Jake Sullivan, said", "Sarandon, 69, told". */
  if (tpunct(c, j, ',') && j > lo) {
    uint32_t m = c->men_end[j - 1];
    if (m != NONE && c->d->mentions[m].type == DL__ENT_PER) {
      j--;
    } else {
      for (k = j; k > lo && j - k < 2 * WIN; k--) {
        uint32_t p = k - 1;
        if (tpunct(c, p, ',')) {
          if (p > lo && (c->men_end[p - 1] != NONE ||
                         (tcap(c, p - 1) && tword(c, p - 1)) ||
                         (tnoun(c, p - 1) &&
                          np_left(c, p - 1, lo) != NONE))) {
            /* "Sanders, who ..., said"; "The mayor, who ..., said". */
            j = p - 1;
            break;
          }
          /* An age: "Roxana M. Leon, 63, an independent voter, said". */
          if (p > lo + 1 && (c->t[p - 1].flags & DL__TOK_NUM) &&
              tpunct(c, p - 2, ',')) {
            k = p;
            continue;
          }
          return false;
        }
        if (c->t[p].flags & (DL__TOK_QUOTE | DL__TOK_SENT_START))
          return false;
      }
      if (tpunct(c, j, ',')) return false;
    }
  }
  if (c->men_end[j] != NONE) {
    const dl__mention *m = &c->d->mentions[c->men_end[j]];
    sp->ment = c->men_end[j];
    sp->s = m->tok_start;
    sp->e = j + 1;
    /* "Moscow and Ankara say". */
    if (sp->s >= lo + 2 && tis(c, sp->s - 1, "and") &&
        c->men_end[sp->s - 2] != NONE) {
      sp->s = c->d->mentions[c->men_end[sp->s - 2]].tok_start;
      sp->ment = NONE;
    } else if (sp->s > lo && (c->t[sp->s - 1].flags & DL__TOK_CLITIC) &&
               0) {
      sp->ment = NONE;
    }
    if (sp->s < lo) sp->s = lo;
    /* A title used as a name keeps its article: "the governor". */
    if (sp->s > lo && tin(c, sp->s - 1, DETS) && tlower(c, sp->s))
      sp->s--;
    sp->rel1 = rel1;
    return true;
  }
  if (tin(c, j, SUBJ_PRON)) {
    sp->s = j;
    sp->e = j + 1;
    sp->pron = j;
    return true;
  }
  s = np_left(c, j, lo);
  if (s == NONE) return false;
  sp->s = s;
  sp->e = j + 1;
  sp->rel1 = rel1;
  return true;
}

/* A speaker phrase starting at token s, before hi: "said Kirill", "said
** Putin's spokesman Dmitry Peskov", "said a Kremlin spokesman". */
static bool speaker_right(const struct ctx *c, uint32_t s, uint32_t hi,
                          struct speaker *sp)
{
  uint32_t i = s, last_m = NONE, n = 0;
  memset(sp, 0, sizeof *sp);
  sp->ment = sp->pron = NONE;
  if (s >= hi) return false;
  if (tin(c, s, SUBJ_PRON)) {
    sp->s = s;
    sp->e = s + 1;
    sp->pron = s;
    return true;
  }
  while (i < hi && n < NPMAX) {
    if (c->men_start[i] != NONE) {
      const dl__mention *m = &c->d->mentions[c->men_start[i]];
      last_m = c->men_start[i];
      i = m->tok_end;
      n++;
      continue;
    }
    if (c->t[i].flags & DL__TOK_CLITIC) {
      i++;
      continue;
    }
    /* "said a 2008 Clinton veteran", "said 25-year-old Jane Doe". */
    if ((c->t[i].flags & DL__TOK_NUM) && i + 1 < hi && tword(c, i + 1)) {
      i++;
      continue;
    }
    if (!tword(c, i)) break;
    if (tin(c, i, STOPS) && !(i == s && tin(c, i, DETS))) {
      if ((tis(c, i, "of") || tis(c, i, "for")) && i > s &&
          tnoun(c, i - 1)) {
        i++;
        continue;
      }
      break;
    }
    if (cue_at(c, i)) break;
    i++;
    n++;
  }
  if (i == s) return false;
  if (last_m != NONE && c->d->mentions[last_m].tok_end == i) {
    sp->ment = last_m;
    sp->s = c->d->mentions[last_m].tok_start;
    sp->e = i;
    return true;
  }
  /* A phrase without a mention at its end: its last word must head it. */
  if (np_left(c, i - 1, s) == NONE) return false;
  sp->s = s;
  sp->e = i;
  return true;
}

/* ====================================================================
** Pronouns
** ==================================================================== */

static char first_name_sex(const char *s, size_t n)
{
  size_t k = 0;
  while (k < n && s[k] != ' ') k++;
  return dl__quote_name_sex(s, k);
}

/* The sex of every mention: its entity's canonical name's first word, or
** its own; a one-word mention takes the sex of an earlier mention ending
** in the same word ("Vladimir Putin" ... "Putin"). */
static void mention_sexes(struct ctx *c)
{
  const dl_doc *d = c->d;
  for (size_t i = 0; i < d->n_mentions; i++) {
    const dl__mention *m = &d->mentions[i];
    char sx = 0;
    c->sex[i] = 0;
    if (m->type != DL__ENT_PER) continue;
    if (m->entity != NONE && m->entity < d->n_entities &&
        d->entities[m->entity].name)
      sx = first_name_sex(d->entities[m->entity].name,
                          strlen(d->entities[m->entity].name));
    if (!sx && m->tok_end > m->tok_start)
      sx = dl__quote_name_sex(tp(c, m->tok_start), tl(c, m->tok_start));
    if (!sx && m->tok_end == m->tok_start + 1) {
      for (size_t k = i, n = 0; k-- > 0 && n < BACK; n++) {
        const dl__mention *o = &d->mentions[k];
        if (o->type == DL__ENT_PER && o->tok_end > o->tok_start + 1 &&
            tl(c, o->tok_end - 1) == tl(c, m->tok_start) &&
            memcmp(tp(c, o->tok_end - 1), tp(c, m->tok_start),
                   tl(c, m->tok_start)) == 0) {
          sx = c->sex[k];
          break;
        }
      }
    }
    c->sex[i] = sx;
  }
}

/* The mention a he/she pronoun at token p refers to, or NONE. */
static uint32_t resolve_pronoun(const struct ctx *c, uint32_t p)
{
  const dl_doc *d = c->d;
  char want;
  size_t lo = 0, hi = d->n_mentions;
  if (tis(c, p, "he"))
    want = 'M';
  else if (tis(c, p, "she"))
    want = 'F';
  else
    return NONE;
  /* The first mention starting at or after the pronoun. */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->mentions[mid].tok_start < p)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (size_t k = lo, n = 0; k-- > 0 && n < BACK; n++) {
    const dl__mention *m = &d->mentions[k];
    if (m->type != DL__ENT_PER || (m->flags & DL__MEN_PRONOUN)) continue;
    if (c->sex[k] == want || c->sex[k] == 0) return (uint32_t)k;
  }
  return NONE;
}

/* ====================================================================
** Output
** ==================================================================== */

/* The span text of tokens [s, e) as an arena string. */
static const char *span_str(struct ctx *c, uint32_t s, uint32_t e)
{
  const char *r;
  uint32_t a = c->t[s].start, b = c->t[e - 1].end;
  r = dl__arena_strndup(&c->d->arena, c->d->view + a, b - a);
  if (!r) c->oom = true;
  return r;
}

/* The entity a definite title phrase refers to ("the foreign minister",
** "Russia's president"): the PER entity most recently mentioned before
** the phrase that holds a role ending in the phrase's head word. NONE
** for an indefinite phrase ("a Kremlin spokesman": someone else). */
static uint32_t role_link(const struct ctx *c, const struct speaker *sp)
{
  const dl_doc *d = c->d;
  uint32_t h = sp->e - 1, best = NONE, at = c->t[sp->s].start, best_pos = 0;
  const char *hw = tp(c, h);
  size_t hn = tl(c, h);
  if (sp->ment != NONE || sp->pron != NONE || sp->e - sp->s < 2) return NONE;
  if (!tis(c, sp->s, "the") && !(c->t[sp->s + 1].flags & DL__TOK_CLITIC))
    return NONE;
  if (!dl__quote_noun_find(hw, hn)) return NONE;
  for (size_t i = 0; i < d->n_entities && i < 1024; i++) {
    const dl__entity *e = &d->entities[i];
    bool has = false;
    size_t lo = 0, hi = e->n_mentions;
    uint32_t pos;
    if (e->type != DL__ENT_PER || !e->n_mentions) continue;
    for (uint32_t r = 0; r < e->n_roles && !has; r++) {
      const char *t = e->roles[r].text, *w;
      size_t n;
      if (!t) continue;
      w = strrchr(t, ' ');
      w = w ? w + 1 : t;
      n = strlen(w);
      if (n != hn) continue;
      has = true;
      for (size_t k = 0; k < n && has; k++) {
        char a = w[k], b = hw[k];
        if (a >= 'A' && a <= 'Z') a = (char)(a + 32);
        if (b >= 'A' && b <= 'Z') b = (char)(b + 32);
        has = a == b;
      }
    }
    if (!has) continue;
    /* Its last mention before the phrase. */
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (d->mentions[e->mentions[mid]].start < at)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (!lo) continue;
    pos = d->mentions[e->mentions[lo - 1]].start;
    if (best == NONE || pos > best_pos) {
      best = (uint32_t)i;
      best_pos = pos;
    }
  }
  return best;
}

static void set_speaker_words(struct ctx *c, dl__quote *q,
                              const struct speaker *sp)
{
  const dl_doc *d = c->d;
  uint32_t m = sp->ment;
  q->spk_entity = NONE;
  q->spk_name = NULL;
  q->spk_start = q->spk_end = 0;
  if (!sp->e) return;
  q->spk_start = c->t[sp->s].start;
  q->spk_end = c->t[sp->e - 1].end;
  if (sp->pron != NONE) m = resolve_pronoun(c, sp->pron);
  if (m != NONE) {
    const dl__mention *mm = &d->mentions[m];
    if (mm->entity != NONE && mm->entity < d->n_entities &&
        d->entities[mm->entity].name) {
      q->spk_entity = mm->entity;
      q->spk_name = d->entities[mm->entity].name;
      return;
    }
    if (sp->pron != NONE) {
      q->spk_name = span_str(c, mm->tok_start, mm->tok_end);
      return;
    }
  }
  if (m == NONE && sp->pron == NONE) {
    uint32_t e = role_link(c, sp);
    if (e != NONE && d->entities[e].name) {
      q->spk_entity = e;
      q->spk_name = d->entities[e].name;
      return;
    }
  }
  q->spk_name = span_str(c, sp->s, sp->e);
}

/* The speaker of q. After a relative pronoun ("Barack Obama, who
** called", "a Turkish gunman who shouted") the span is the pronoun, the
** word next to the cue (PolNeAR's Source), and the name and entity are
** its antecedent's. */
static void set_speaker(struct ctx *c, dl__quote *q, const struct speaker *sp)
{
  set_speaker_words(c, q, sp);
  if (sp->e && sp->rel1) {
    q->spk_start = c->t[sp->rel1 - 1].start;
    q->spk_end = c->t[sp->rel1 - 1].end;
  }
}

static dl__quote *new_quote(struct ctx *c, uint32_t start, uint32_t end,
                            int kind, const struct cue *cu)
{
  dl__quote *q;
  if (!DL__PUSH(c->d->al, c->q, c->nq, c->capq)) {
    c->oom = true;
    return NULL;
  }
  q = &c->q[c->nq++];
  memset(q, 0, sizeof *q);
  q->start = start;
  q->end = end;
  q->kind = (uint8_t)kind;
  q->spk_entity = NONE;
  if (cu && cu->e) {
    q->cue_start = c->t[cu->s].start;
    q->cue_end = c->t[cu->e - 1].end;
    q->cue_lemma = cu->lemma;
    for (uint32_t i = cu->s; i < cu->e; i++) c->cue_used[i] = 1;
  }
  return q;
}

/* ====================================================================
** Regions
** ==================================================================== */

static bool add_region(struct ctx *c, uint32_t open, uint32_t close,
                       uint32_t last, uint8_t flags)
{
  struct region *r;
  if (last <= open + 1) return true; /* nothing inside */
  if (!DL__PUSH(c->d->al, c->reg, c->nreg, c->capreg)) return false;
  r = &c->reg[c->nreg++];
  r->open = open;
  r->close = close;
  r->first = open + 1;
  r->last = last;
  r->flags = flags;
  for (uint32_t i = r->first; i < r->last; i++)
    c->in_quote[i] = (uint32_t)(c->nreg - 1);
  return true;
}

/* Step 1 of the file comment. */
static bool find_regions(struct ctx *c)
{
  struct {
    uint32_t tok;
    int fam;
  } st[DEPTH];
  uint32_t depth = 0, i = 0;
  bool carry = false; /* a double quote continues from the last paragraph */
  uint8_t carry_flags = 0;
  while (i < c->nt) {
    uint32_t pe = i + 1; /* paragraph [i, pe) */
    while (pe < c->nt && !(c->t[pe].flags & DL__TOK_PARA_START)) pe++;
    if (!carry) depth = 0;
    for (uint32_t k = i; k < pe; k++) {
      int fam = qfamily(c, k);
      if (!fam) continue;
      if (carry && k == i && fam == 1 && (c->t[k].flags & DL__TOK_OPEN)) {
        carry = false; /* the continuation mark */
        continue;
      }
      carry = false;
      if (c->t[k].flags & DL__TOK_OPEN) {
        if (depth < DEPTH) {
          st[depth].tok = k;
          st[depth].fam = fam;
          depth++;
        }
        continue;
      }
      for (uint32_t j = depth; j-- > 0;) {
        if (st[j].fam != fam) continue;
        if (j == 0 && !add_region(c, st[0].tok, k, k, carry_flags))
          return false;
        if (j == 0) carry_flags = 0;
        depth = j;
        break;
      }
    }
    carry = false;
    if (depth > 0 && st[0].fam == 1) {
      if (pe < c->nt && qfamily(c, pe) == 1 &&
          (c->t[pe].flags & DL__TOK_OPEN)) {
        carry = true;
        carry_flags |= DL__QF_MULTIPARA;
        depth = 1;
      } else {
        if (!add_region(c, st[0].tok, NONE, pe,
                        (uint8_t)(carry_flags | DL__QF_UNCLOSED)))
          return false;
        carry_flags = 0;
      }
    } else {
      carry_flags = 0;
    }
    i = pe;
  }
  return true;
}

/* ====================================================================
** Cues
** ==================================================================== */

static void no_speaker(struct speaker *sp)
{
  memset(sp, 0, sizeof *sp);
  sp->ment = sp->pron = NONE;
}

/* True when [s, e) is a short tail after a final reporting verb: "on
** Thursday", "in a statement", "at a news conference". */
static bool short_tail(const struct ctx *c, uint32_t s, uint32_t e)
{
  uint32_t n = 0;
  for (uint32_t i = s; i < e; i++) {
    if (tword(c, i) || (c->t[i].flags & DL__TOK_NUM)) {
      /* A subject pronoun starts a clause: "said he may run". */
      if (cue_at(c, i) || tis(c, i, "that") || tin(c, i, SUBJ_PRON))
        return false;
      if (++n > 6) return false;
    } else if (!(i + 1 >= e && !tword(c, i))) {
      if (!tpunct(c, i, ',')) return false;
    }
  }
  return n <= 6;
}

/* After a verb that follows a quote: the end of the sentence, a short
** tail, or a new clause ("...," Trump barked and a guard ...). */
static bool loose_tail(const struct ctx *c, uint32_t s, uint32_t e)
{
  static const char *const JOIN[] = {"and", "as", "before", "after", "when",
                                     "while", "in", "on", "at", "to",
                                     "during", "from", "of", NULL};
  if (s >= e || !tword(c, s)) return true;
  return tin(c, s, JOIN) || short_tail(c, s, e);
}

/* True when token i is an -ing form ("saying", "adding"). */
static bool ing_form(const struct ctx *c, uint32_t i)
{
  size_t n = tl(c, i);
  return n > 4 && memcmp(tp(c, i) + n - 3, "ing", 3) == 0;
}

/* The subject of the clause starting at ts (before te): a mention or a
** pronoun among its first words ("He", "Band member Flea", "Former
** Secretary of State Madeleine Albright"). */
static bool subject_of(const struct ctx *c, uint32_t ts, uint32_t te,
                       struct speaker *sp)
{
  uint32_t i = ts;
  no_speaker(sp);
  static const char *const PREP[] = {"in", "on", "at", "after", "before",
                                     "during", "with", "for", "from",
                                     "speaking", NULL};
  static const char *const OPENERS[] = {"when", "while", "as", "although",
                                        "though", "if", "because", "since",
                                        "once", "asked", NULL};
  uint32_t lim;
  bool restarted = false;
  /* Quoted words are not the subject: start after a leading quotation. */
  while (i < te && (c->in_quote[i] != NONE || (c->t[i].flags & DL__TOK_QUOTE)))
    i++;
  ts = i;
  while (i < te && i < ts + 3 &&
         (!tword(c, i) || tis(c, i, "and") || tis(c, i, "but")))
    i++;
  if (i < te && tin(c, i, OPENERS)) {
    /* "When asked whom she supported, Ms. Sherry ...": past the clause. */
    for (lim = i + 1; lim < te && lim < i + 16; lim++)
      if (tpunct(c, lim, ',')) break;
    if (lim >= te || !tpunct(c, lim, ',')) return false;
    i = lim + 1;
  } else if (i < te && tin(c, i, PREP)) {
    /* "In South Carolina he'd ...": past the opening phrase. */
    for (lim = i + 1; lim < te && lim < i + 10; lim++) {
      if (tpunct(c, lim, ',')) {
        i = lim + 1;
        break;
      }
      if (tin(c, lim, SUBJ_PRON)) {
        i = lim;
        break;
      }
    }
    if (i < te && tin(c, i, PREP)) return false;
  }
  for (uint32_t k = i; k < te && k < i + 7; k++) {
    if (c->men_start[k] != NONE) {
      const dl__mention *m = &c->d->mentions[c->men_start[k]];
      if (m->type == DL__ENT_LOC || m->tok_end > te) return false;
      sp->ment = c->men_start[k];
      sp->s = k;
      sp->e = m->tok_end;
      return true;
    }
    if (tin(c, k, SUBJ_PRON)) {
      sp->s = k;
      sp->e = k + 1;
      sp->pron = k;
      return true;
    }
    if (tis(c, k, "of") && k > i && tcap(c, k - 1)) continue;
    /* A name the tagger missed: capitalized words (and title
    ** abbreviations) opening the clause, then a lower-case verb ("Ms.
    ** Sherry smiled and said"). */
    if (k == i && tword(c, k) &&
        (tcap(c, k) || (c->t[k].flags & DL__TOK_ABBREV)) &&
        !dl__is_starter(tp(c, k), tl(c, k))) {
      uint32_t e = k;
      while (e < te && e < k + 4 && tword(c, e) && c->men_start[e] == NONE &&
             (tcap(c, e) || (c->t[e].flags & DL__TOK_ABBREV)))
        e++;
      static const char *const TIMEW[] = {
          "later", "ago", "earlier", "morning", "afternoon", "evening",
          "night", "day", "days", "week", "weeks", "month", "months", "year",
          "years", "hours", "minutes", "last", "next", NULL};
      if (e > k && e < te && tword(c, e) && tlower(c, e) &&
          !tin(c, e, STOPS) && !tin(c, e, DETS) && !tis(c, e, "of") &&
          !tin(c, e, TIMEW)) {
        sp->s = k;
        sp->e = e;
        return true;
      }
    }
    if (!tword(c, k) || tin(c, k, STOPS) || cue_at(c, k)) {
      /* An opening phrase ("Back in 1999, Mr. Trump ..."): once, from
      ** the comma that ends it. */
      uint32_t m;
      if (restarted) return false;
      for (m = k; m < te && m < i + 10; m++)
        if (tpunct(c, m, ',')) break;
      if (m >= te || m >= i + 10 || !tpunct(c, m, ',')) return false;
      restarted = true;
      i = m + 1;
      k = m;
      continue;
    }
    if (tnoun(c, k) && np_left(c, k, i) == i &&
        (k + 1 >= te || !tnoun(c, k + 1))) {
      /* "Another source familiar with ...". */
      sp->s = i;
      sp->e = k + 1;
      return true;
    }
  }
  return false;
}

/* The subject of a cue at p joined to its clause by "and" or "to" ("Ms.
** Sherry smiled and said", "Mr. Trump was prompted to say", "Lazar said
** he welcomed extradition and added"), when subject_of finds none: the
** first name (PER or ORG mention) or subject pronoun of the clause before
** p that a lower-case word follows and no preposition precedes. The
** clause starts after a quote mark, ; : or a dash, and at most 16 tokens
** before p. False when the token before p (past auxiliaries) is not "and"
** or "to". */
static bool subject_near(const struct ctx *c, uint32_t lo, uint32_t p,
                         struct speaker *sp)
{
  static const char *const PREP[] = {"of", "in", "on", "at", "to", "for",
                                     "with", "by", "from", "about", "than",
                                     "against", "over", "like", NULL};
  uint32_t j = p, k, cs;
  no_speaker(sp);
  while (j > lo && j + 4 > p && is_aux(c, j - 1)) j--;
  if (j <= lo || !(tis(c, j - 1, "and") || tis(c, j - 1, "to"))) return false;
  for (cs = j - 1; cs > lo && j - cs < 16; cs--) {
    uint32_t q = cs - 1;
    if ((c->t[q].flags & (DL__TOK_QUOTE | DL__TOK_DASH)) ||
        tpunct(c, q, ';') || tpunct(c, q, ':') || c->in_quote[q] != NONE)
      break;
  }
  for (k = cs; k + 1 < j; k++) {
    uint32_t m = c->men_start[k];
    if (m != NONE) {
      const dl__mention *mm = &c->d->mentions[m];
      uint32_t e = mm->tok_end;
      if (mm->type != DL__ENT_PER && mm->type != DL__ENT_ORG) continue;
      if (k > lo && tin(c, k - 1, PREP)) continue;
      if (e < j && tpunct(c, e, ',')) {
        /* "Gary Emineth, a former state party chairman, became": past
        ** the appositive. */
        uint32_t f = e + 1;
        while (f < j && f < e + WIN && !tpunct(c, f, ',')) f++;
        if (f + 1 < j && tpunct(c, f, ',')) f++;
        if (f < j && tword(c, f) && tlower(c, f) && !tin(c, f, STOPS) &&
            !tin(c, f, DETS)) {
          sp->ment = m;
          sp->s = k;
          sp->e = e;
          return true;
        }
      }
      if (e >= j || !tword(c, e) || !tlower(c, e)) continue;
      sp->ment = m;
      sp->s = k;
      sp->e = e;
      return true;
    }
    if (tin(c, k, SUBJ_PRON) && !tis(c, k, "it") && !tis(c, k, "you") &&
        tword(c, k + 1) && tlower(c, k + 1)) {
      sp->s = k;
      sp->e = k + 1;
      sp->pron = k;
      return true;
    }
  }
  return false;
}

/* Widens a mention speaker over the title words before it, down to lo:
** "Gov. Kasich", "Former Florida Gov. Jeb Bush", "Malaysian Defence
** Minister Hishammuddin Hussein", "Gallup's Jeffrey M. Jones", "Senate
** minority leader Harry Reid", "the governor". */
static void widen_title(const struct ctx *c, struct speaker *sp, uint32_t lo)
{
  uint32_t n = 0;
  if (sp->ment == NONE) return;
  while (sp->s > lo && n++ < NPMAX) {
    uint32_t p = sp->s - 1;
    if (c->men_end[p] != NONE &&
        c->d->mentions[c->men_end[p]].tok_start >= lo) {
      sp->s = c->d->mentions[c->men_end[p]].tok_start;
    } else if (c->t[p].flags & DL__TOK_CLITIC) {
      sp->s = p;
    } else if (tword(c, p) &&
               (tcap(c, p) || (c->t[p].flags & DL__TOK_ABBREV))) {
      sp->s = p;
    } else if (tword(c, p) && tnoun(c, p)) {
      uint32_t s2 = np_left(c, p, lo);
      if (s2 == NONE) break;
      sp->s = s2;
    } else if (tin(c, p, DETS)) {
      sp->s = p;
      break;
    } else if (tpunct(c, p, ',') && p > lo &&
               c->d->mentions[sp->ment].type == DL__ENT_PER &&
               np_left(c, p - 1, lo) == lo) {
      /* "the White House press secretary, Josh Earnest". */
      sp->s = lo;
      break;
    } else if (tword(c, p) && tlower(c, p) && p > lo &&
               (tin(c, p - 1, DETS) ||
                (p > lo + 1 && tlower(c, p - 1) && tin(c, p - 2, DETS)))) {
      /* "an angry Hollande". */
      sp->s = tin(c, p - 1, DETS) ? p - 1 : p - 2;
      break;
    } else {
      break;
    }
  }
}

static void set_cue(struct cue *cu, uint32_t p, uint32_t n, const char *lemma,
                    int flags)
{
  cu->s = p;
  cu->e = p + n;
  cu->lemma = lemma;
  cu->flags = flags;
}

/* True when [s, e) can stand between a cue and its quote: a speaker, a
** hearer or an adverbial ("said Kirill", "told reporters on Sunday",
** "said in a statement"), not a clause ("said Karlov had been the victim
** of": the quote is then partial). */
static bool frame_words(const struct ctx *c, uint32_t s, uint32_t e)
{
  static const char *const PREPS[] = {"in", "on", "at", "during", "after",
                                      "before", "of", "for", NULL};
  for (uint32_t i = s; i < e; i++) {
    if (c->t[i].flags & (DL__TOK_CLITIC | DL__TOK_NUM)) continue;
    if (tpunct(c, i, ',')) continue;
    if (!tword(c, i)) return false;
    if (tin(c, i, PREPS) || tin(c, i, DETS)) continue;
    if (tin(c, i, STOPS) || cue_at(c, i)) return false;
  }
  return true;
}

/* The cue right before the quote opening at token o, within [lo, o): "X
** said:", "said X,", "who shouted", "told reporters:", ", saying:". The
** speaker may stay empty (the caller looks further). */
static bool cue_before(const struct ctx *c, uint32_t o, uint32_t lo,
                       struct cue *cu, struct speaker *sp)
{
  uint32_t j = o;
  const struct dl__quote_cue *q;
  memset(cu, 0, sizeof *cu);
  no_speaker(sp);
  if (j > lo && (tpunct(c, j - 1, ':') || tpunct(c, j - 1, ',') ||
                 (c->t[j - 1].flags & DL__TOK_DASH)))
    j--;
  if (j > lo && tis(c, j - 1, "that")) j--;
  for (uint32_t k = j; k > lo && j - k < WIN; k--) {
    uint32_t p = k - 1;
    bool ing;
    if (c->in_quote[p] != NONE || (c->t[p].flags & DL__TOK_QUOTE)) break;
    if (according_at(c, p, j)) {
      set_cue(cu, p, 2, "according to", DL__Q_SPEECH);
      speaker_right(c, p + 2, j, sp);
      return true;
    }
    q = cue_at(c, p);
    if (!q) {
      if (!tword(c, p) && !(c->t[p].flags & DL__TOK_CLITIC)) break;
      continue;
    }
    if (j - p > 7 || !frame_words(c, p + 1, j)) break;
    set_cue(cu, p, 1, q->lemma, q->flags);
    ing = ing_form(c, p);
    if (ing) {
      /* ", saying:", "emailed supporters saying:" -- the subject of the
      ** sentence; a name or pronoun right before the -ing form else. */
      if (!subject_of(c, lo, p, sp)) speaker_left(c, p, lo, sp);
      return true;
    }
    /* The subject before the cue ("He says Obama ..."); else words
    ** between the cue and the quote that name the speaker ("said
    ** Kirill:"); for other verbs they are a hearer or an object ("told
    ** reporters:", "called Trump"). */
    if (speaker_left(c, p, lo, sp)) return true;
    if (p + 1 < j && (q->flags & (DL__Q_SPEECH | DL__Q_THAT)) &&
        !(q->flags & DL__Q_OBJ) && speaker_right(c, p + 1, j, sp) &&
        sp->e == j)
      return true;
    if (!subject_of(c, lo, p, sp)) subject_near(c, lo, p, sp);
    return true;
  }
  return false;
}

/* A PER name among the first words of [s, p) (after title words),
** followed up to the verb at p by a prepositional phrase ("of the
** American Enterprise Institute") or by a comma-bounded insertion ("...,
** who was ..., told"). */
static bool lead_name(const struct ctx *c, uint32_t s, uint32_t p,
                      struct speaker *sp)
{
  static const char *const PP[] = {"of", "for", "from", "at", "with", "in",
                                   NULL};
  uint32_t k, m = NONE, me;
  for (k = s; k < p && k < s + 4; k++) {
    if (c->men_start[k] != NONE) {
      m = c->men_start[k];
      break;
    }
    if (!tword(c, k) || !(tcap(c, k) || tlower(c, k))) return false;
  }
  if (m == NONE || c->d->mentions[m].type != DL__ENT_PER) {
    /* A noun phrase opening the clause: "a voice-over in the ad". */
    for (k = s + 1; k < p && k < s + NPMAX; k++)
      if (tin(c, k, PP) || tpunct(c, k, ',')) break;
    if (k >= p || k >= s + NPMAX || np_left(c, k - 1, s) != s) return false;
    m = NONE;
    me = k;
  } else {
    me = c->d->mentions[m].tok_end;
  }
  if (me >= p) return false;
  if (tpunct(c, me, ',')) {
    if (!tpunct(c, p - 1, ',') || p - me > 2 * WIN) return false;
  } else {
    if (!tin(c, me, PP)) return false;
    for (k = me; k < p; k++)
      if (!tword(c, k) || (tin(c, k, STOPS) && !tin(c, k, PP)) ||
          cue_at(c, k))
        return false;
  }
  no_speaker(sp);
  sp->ment = m;
  sp->s = m == NONE ? s : c->d->mentions[m].tok_start;
  sp->e = me;
  widen_title(c, sp, s);
  return sp->s == s;
}

/* Content end: the sentence end without its final punctuation. */
static uint32_t clause_end(const struct ctx *c, uint32_t s, uint32_t e)
{
  while (e > s && !tword(c, e - 1) && !(c->t[e - 1].flags & DL__TOK_NUM))
    e--;
  return e;
}

/* The subject phrase that fills [s, p) before a cue at p, when no
** name heads it: "the Florida senator and Republican presidential
** candidate said", "one of two witnesses said", or such a phrase then a
** comma-bounded insertion ("the source, who asked not to be named,
** said"). It opens with a determiner or a capitalized word, holds words,
** numbers and mentions, and crosses only "and", "of", "for", "at",
** "from", "with", "in". */
static bool lead_phrase(const struct ctx *c, uint32_t s, uint32_t p,
                        struct speaker *sp)
{
  static const char *const CROSS[] = {"and", "of", "for", "at", "from",
                                      "with", "in", NULL};
  uint32_t e, n = 0;
  if (p <= s || p - s > 2 * WIN) return false;
  if (!tin(c, s, DETS) && !(tcap(c, s) && tword(c, s))) return false;
  for (e = s; e < p && n < 2 * NPMAX; e++, n++) {
    if (c->t[e].flags & (DL__TOK_QUOTE | DL__TOK_CLITIC | DL__TOK_NUM))
      continue;
    if (tpunct(c, e, ',')) break;
    if (!tword(c, e) || cue_at(c, e)) return false;
    if (tin(c, e, STOPS) && !tin(c, e, CROSS) && !(e == s && tin(c, e, DETS)))
      return false;
  }
  if (e == s || tin(c, e - 1, CROSS) || tin(c, e - 1, DETS)) return false;
  if (e < p && (!tpunct(c, p - 1, ',') || e + 1 >= p - 1)) return false;
  for (uint32_t k = e; k < p; k++)
    if ((c->t[k].flags & DL__TOK_QUOTE) || cue_at(c, k)) return false;
  no_speaker(sp);
  sp->s = s;
  sp->e = e;
  if (c->men_start[s] != NONE &&
      c->d->mentions[c->men_start[s]].tok_end == e)
    sp->ment = c->men_start[s];
  return true;
}

/* The cue after a quote closing before token e: R = [e, hi). ", X said",
** "said X", ", X told reporters", ", Bozell answers." (any verb ending
** in -s or -ed between the speaker and the end of the sentence). */
static bool cue_after(const struct ctx *c, uint32_t e, uint32_t hi,
                      struct cue *cu, struct speaker *sp)
{
  uint32_t s = e;
  memset(cu, 0, sizeof *cu);
  no_speaker(sp);
  /* Commas, dashes, and the closing marks of a nested quote that ends
  ** with the quotation (NYT style: a single then a double mark). */
  while (s < hi && (tpunct(c, s, ',') || (c->t[s].flags & DL__TOK_DASH) ||
                    ((c->t[s].flags & DL__TOK_QUOTE) &&
                     (c->t[s].flags & DL__TOK_CLOSE) && s < e + 3)))
    s++;
  for (uint32_t p = s; p < hi && p - s < 2 * WIN; p++) {
    const struct dl__quote_cue *q;
    if (c->in_quote[p] != NONE || (c->t[p].flags & DL__TOK_QUOTE)) break;
    if (according_at(c, p, hi)) {
      if (p != s) break;
      set_cue(cu, p, 2, "according to", DL__Q_SPEECH);
      speaker_right(c, p + 2, hi, sp);
      return true;
    }
    q = cue_at(c, p);
    if (q) {
      set_cue(cu, p, 1, q->lemma, q->flags);
      if (p == s) {
        if (speaker_right(c, p + 1, hi, sp)) return true;
      } else if (speaker_left(c, p, s, sp)) {
        widen_title(c, sp, s);
        if (sp->s == s) return true;
        /* The quotation's sentence goes on, then a parenthetical cue:
        ** ""..." income, he said, rather than ...", ""..." before
        ** discussing specifics, he said." */
        if (sp->s > s + 1 && tpunct(c, sp->s - 1, ',') && e > 0 &&
            c->t[e - 1].sent == c->t[p].sent &&
            (sp->ment != NONE || sp->pron != NONE ||
             tnoun(c, sp->e - 1)) &&
            (p + 1 >= hi || tpunct(c, p + 1, ',') ||
             clause_end(c, p + 1, hi) == p + 1 || short_tail(c, p + 1, hi)) &&
            !(p + 2 < hi && tpunct(c, p + 1, ',') &&
              (c->t[p + 2].flags & DL__TOK_QUOTE)))
          return true;
      }
      /* A name opening the clause, then a phrase or a parenthetical
      ** clause before the verb: "James Pethokoukis of the American
      ** Enterprise Institute wrote", "Trent Lott, who was ..., told". */
      if (p > s && lead_name(c, s, p, sp)) return true;
      /* "... about the decision, said RoseAnn DeMoro". */
      if (p > s && tpunct(c, p - 1, ',') && (q->flags & DL__Q_SPEECH) &&
          speaker_right(c, p + 1, hi, sp) && sp->ment != NONE)
        return true;
      if (p > s && lead_phrase(c, s, p, sp)) return true;
      break;
    }
    /* A parenthesis ("Rep. Earl Blumenauer (D-Ore.) said") is skipped
    ** whole; a period split off an abbreviation before a comma ("of
    ** Cambridge, Mass., said") is not the sentence's end. */
    if (tpunct(c, p, '(')) {
      uint32_t k;
      for (k = p + 1; k < hi && k < p + 8; k++)
        if (tpunct(c, k, ')') || (c->t[k].flags & DL__TOK_QUOTE)) break;
      if (k < hi && tpunct(c, k, ')')) {
        p = k;
        continue;
      }
      break;
    }
    if (tpunct(c, p, '.') && p > s && p + 1 < hi && tpunct(c, p + 1, ',') &&
        tcap(c, p - 1) && tl(c, p - 1) <= 5)
      continue;
    if (!tword(c, p) &&
        !(c->t[p].flags & (DL__TOK_CLITIC | DL__TOK_NUM | DL__TOK_ABBREV)) &&
        !tpunct(c, p, ',') && !tpunct(c, p, ')'))
      break;
    /* Any verb: "...," Bozell answers. / "...," quipped Trump. */
    if (tword(c, p) && tlower(c, p) && !tin(c, p, STOPS) && tl(c, p) > 3) {
      const char *w = tp(c, p);
      size_t n = tl(c, p);
      static const char *const IRREG[] = {"went", "shot", "fired",
                                          "wrote", "spoke", "chimed",
                                          "began", NULL};
      bool ed = (w[n - 2] == 'e' && w[n - 1] == 'd') || tin(c, p, IRREG);
      bool es = w[n - 1] == 's' && w[n - 2] != 's';
      /* "they conclude", "we agree": a base form after they/we. */
      bool base = p == s + 1 && (tis(c, s, "they") || tis(c, s, "we"));
      if (!ed && !es && !base) continue;
      if (p == s && ed && speaker_right(c, p + 1, hi, sp) &&
          sp->ment != NONE &&
          (short_tail(c, sp->e, hi) || tpunct(c, sp->e, ','))) {
        set_cue(cu, p, 1, NULL, DL__Q_WEAK);
        return true;
      }
      if (p > s && loose_tail(c, p + 1, hi) && speaker_left(c, p, s, sp)) {
        widen_title(c, sp, s);
        if (sp->s == s && (sp->ment != NONE || sp->pron != NONE)) {
          set_cue(cu, p, 1, NULL, DL__Q_WEAK);
          return true;
        }
      }
    }
  }
  memset(cu, 0, sizeof *cu);
  no_speaker(sp);
  return false;
}

/* Any speech cue of the sentence in [lo, hi) outside quotations, with a
** speaker: for partial quotes. Nearest to the quote first (before it). */
static bool cue_any(const struct ctx *c, uint32_t lo, uint32_t o, uint32_t hi,
                    struct cue *cu, struct speaker *sp)
{
  for (uint32_t k = o; k > lo && o - k < 4 * WIN; k--) {
    uint32_t p = k - 1;
    const struct dl__quote_cue *q;
    if (c->in_quote[p] != NONE) continue;
    if (according_at(c, p, hi)) {
      cu->s = p;
      cu->e = p + 2;
      cu->lemma = "according to";
      cu->flags = DL__Q_SPEECH;
      if (speaker_right(c, p + 2, hi, sp)) return true;
      continue;
    }
    q = cue_at(c, p);
    if (!q) continue;
    cu->s = p;
    cu->e = p + 1;
    cu->lemma = q->lemma;
    cu->flags = q->flags;
    if (speaker_left(c, p, lo, sp)) return true;
  }
  memset(cu, 0, sizeof *cu);
  memset(sp, 0, sizeof *sp);
  sp->ment = sp->pron = NONE;
  return false;
}

/* ====================================================================
** Direct and partial quotes
** ==================================================================== */

static uint32_t count_words(const struct ctx *c, uint32_t s, uint32_t e)
{
  uint32_t n = 0;
  for (uint32_t i = s; i < e; i++) n += tword(c, i) || (c->t[i].flags & DL__TOK_NUM);
  return n;
}

/* The byte span of a region's words: without edge white space and a
** trailing comma, colon or semicolon ("We must know...," Putin said). */
static void region_span(const struct ctx *c, const struct region *r,
                        uint32_t *s, uint32_t *e)
{
  uint32_t last = r->last;
  while (last > r->first + 1 &&
         (tpunct(c, last - 1, ',') || tpunct(c, last - 1, ':') ||
          tpunct(c, last - 1, ';')))
    last--;
  *s = c->t[r->first].start;
  *e = c->t[last - 1].end;
}

/* A title in quote marks: a short run of capitalized words with no
** sentence punctuation, after a possessive or a naming word ("ABC's
** "Good Morning America"", "a show called "Morning Joe""). */
static bool is_title(const struct ctx *c, const struct region *r,
                     uint32_t words)
{
  static const char *const NAMING[] = {"on", "in", "of", "from", "by",
                                       "called", "titled", "entitled",
                                       "named", "dubbed", "read", "see",
                                       "watch", "film", "book", "show",
                                       "song", NULL};
  static const char *const SMALL[] = {"a", "an", "the", "of", "and", "in",
                                      "on", "for", "to", "at", "with", NULL};
  uint32_t o = r->open;
  if (words > 6 || o == 0) return false;
  if (!(c->t[o - 1].flags & DL__TOK_CLITIC) && !tin(c, o - 1, NAMING))
    return false;
  for (uint32_t i = r->first; i < r->last; i++) {
    if (tword(c, i)) {
      if (!tcap(c, i) && !tin(c, i, SMALL)) return false;
    } else if (tpunct(c, i, '.') || tpunct(c, i, '!') || tpunct(c, i, '?')) {
      return false;
    }
  }
  return true;
}

/* The paragraph of the quotation q (the sentence holding its start). */
static uint32_t quote_para(const struct ctx *c, const dl__quote *q)
{
  const dl_doc *d = c->d;
  size_t lo = 0, hi = d->n_sentences;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (d->sentences[mid].end <= q->start)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < d->n_sentences ? d->sentences[lo].para : NONE;
}

/* The person a sentence before a cue-less quotation is about: the
** subject of sentence si (a PER name or he/she) when it holds no quote
** marks and is in paragraph para or the one before. */
static bool prev_subject(const struct ctx *c, uint32_t si, uint32_t para,
                         struct speaker *sp)
{
  const dl__sentence *ps = &c->d->sentences[si];
  no_speaker(sp);
  if (para - ps->para > 1 || ps->tok_end <= ps->tok_start) return false;
  for (uint32_t k = ps->tok_start; k < ps->tok_end; k++)
    if (c->t[k].flags & DL__TOK_QUOTE) return false;
  if (!subject_of(c, ps->tok_start, ps->tok_end, sp)) return false;
  if (sp->pron != NONE && (tis(c, sp->pron, "he") || tis(c, sp->pron, "she")))
    return true;
  if (sp->ment != NONE && c->d->mentions[sp->ment].type == DL__ENT_PER)
    return true;
  no_speaker(sp);
  return false;
}

/* The mention that attributes a cue-less quotation whose speaker is
** inherited: the name mention of the same entity closest before the opening mark open, outside quotes, after the
** inherited span (byte after) and in paragraph para or the one before.
** Returns the token range in *ms, *me, or false. */
static bool nearest_mention(const struct ctx *c, uint32_t open, uint32_t para,
                            uint32_t ent, uint32_t after, uint32_t *ms,
                            uint32_t *me)
{
  const dl_doc *d = c->d;
  if (ent == NONE) return false;
  for (uint32_t k = open, n = 0; k-- > 0 && n < 400; n++) {
    const dl__token *tk = &c->t[k];
    uint32_t sp = d->sentences[tk->sent].para;
    if (tk->start < after || para - sp > 1) break;
    if (c->in_quote[k] != NONE || (tk->flags & DL__TOK_QUOTE)) continue;
    if (c->men_end[k] != NONE) {
      const dl__mention *m = &d->mentions[c->men_end[k]];
      if (m->entity == ent && m->start >= after &&
          !(m->flags & DL__MEN_PRONOUN)) {
        *ms = m->tok_start;
        *me = m->tok_end;
        return true;
      }
    }
  }
  return false;
}

/* The source after "according to" at s, before hi: a speaker phrase
** (speaker_right) when it runs to the next comma or the sentence's end,
** else every word up to there ("according to early results of exit polls
** conducted for The Associated Press", "according to a count by The
** Associated Press"): PolNeAR's Source is that whole phrase. At most 3 *
** NPMAX tokens; false at a quote mark or a cue. */
static bool according_np(const struct ctx *c, uint32_t s, uint32_t hi,
                         struct speaker *sp)
{
  uint32_t e;
  bool ok = speaker_right(c, s, hi, sp);
  for (e = s; e < hi && e < s + 3 * NPMAX; e++) {
    if ((c->t[e].flags & (DL__TOK_QUOTE | DL__TOK_DASH)) || cue_at(c, e))
      return ok;
    if (tpunct(c, e, ',') || tpunct(c, e, ';') || tpunct(c, e, ':')) break;
  }
  if (e >= s + 3 * NPMAX) return ok;
  e = clause_end(c, s, e);
  if (e <= s || (ok && sp->e >= e)) return ok;
  no_speaker(sp);
  sp->s = s;
  sp->e = e;
  return true;
}

/* "X said, according to Y" (and "According to Y, X said"): PolNeAR
** attributes the quotation to the source Y that reports it. Looks for
** "according to" with a speaker right after the cue and speaker ending
** at e (at most three tokens between, no quote mark), else at the start
** lo of the clause before the cue at s. */
static void according_source(const struct ctx *c, uint32_t lo, uint32_t s,
                             uint32_t e, uint32_t hi, struct speaker *sp)
{
  struct speaker y;
  for (uint32_t p = e; p < hi && p < e + 6; p++) {
    if (c->in_quote[p] != NONE || (c->t[p].flags & DL__TOK_QUOTE)) return;
    if (according_at(c, p, hi) && p > 0 && tpunct(c, p - 1, ',')) {
      if (according_np(c, p + 2, hi, &y)) *sp = y;
      return;
    }
    /* ", reports USA Today." / ", CNN reported." / ", the source
    ** recalled." */
    if (p > e + 1 && !ing_form(c, p) && cue_at(c, p) &&
        !(cue_at(c, p)->flags & DL__Q_WEAK) && !tis(c, p, "reports") &&
        !tis(c, p, "reported")) {
      if (speaker_left(c, p, e, &y) && y.pron == NONE && y.s > 0 &&
          tpunct(c, y.s - 1, ',') && clause_end(c, p + 1, hi) == p + 1)
        *sp = y;
      return;
    }
    if ((tis(c, p, "reports") || tis(c, p, "reported")) && p > 0) {
      if (tpunct(c, p - 1, ',') && speaker_right(c, p + 1, hi, &y) &&
          y.ment != NONE)
        *sp = y;
      else if (speaker_left(c, p, e, &y) && y.ment != NONE && y.s > 0 &&
               tpunct(c, y.s - 1, ','))
        *sp = y;
      return;
    }
  }
  if (lo + 2 < s && according_at(c, lo, s) && according_np(c, lo + 2, s, &y))
    for (uint32_t k = y.e; k < s && k < y.e + 4; k++)
      if (tpunct(c, k, ',')) {
        *sp = y;
        return;
      }
}

/* A signature after a quotation that closes at token close: a dash and
** a name ending the paragraph ("..." -- Sonya Herridge; "...".-- Maria
** Lopez, 34, Phoenix). The name is a mention or capitalized words, up to
** a comma or the paragraph's end. */
static bool signature(const struct ctx *c, uint32_t close, struct speaker *sp)
{
  uint32_t k = close + 1, s, e, n = 0;
  no_speaker(sp);
  while (k < c->nt && k < close + 3 && !(c->t[k].flags & DL__TOK_PARA_START) &&
         (tpunct(c, k, '.') || tpunct(c, k, ',')))
    k++;
  /* Or the next paragraph is the signature: ""..."\n\n- Bernie
  ** Sanders." (fact-check lists). */
  if (k >= c->nt ||
      !((c->t[k].flags & DL__TOK_DASH) ||
        ((c->t[k].flags & DL__TOK_PARA_START) && tpunct(c, k, '-'))))
    return false;
  s = e = k + 1;
  while (e < c->nt && !(c->t[e].flags & DL__TOK_PARA_START) && n < NPMAX) {
    if (c->men_start[e] != NONE && e == s) {
      sp->ment = c->men_start[e];
      e = c->d->mentions[sp->ment].tok_end;
      n++;
      continue;
    }
    if (!tword(c, e) || !(tcap(c, e) || (c->t[e].flags & DL__TOK_ABBREV)))
      break;
    sp->ment = NONE;
    e++;
    n++;
  }
  if (e == s || n > NPMAX - 2) return false;
  /* Then the paragraph's end, or a comma and a short description. */
  for (k = e; k < c->nt && !(c->t[k].flags & DL__TOK_PARA_START); k++)
    if (k - e > 10 || (c->t[k].flags & DL__TOK_QUOTE) || cue_at(c, k) ||
        (k == e && !tpunct(c, k, ',') && !tpunct(c, k, '.')))
      return false;
  if (sp->ment != NONE && c->d->mentions[sp->ment].type != DL__ENT_PER &&
      c->d->mentions[sp->ment].type != DL__ENT_ORG)
    return false;
  sp->s = s;
  sp->e = e;
  return true;
}

/* A he/she speaker that is the subject of a clause reported by an outer
** cue ("Benjamin said he believes "...", "Clinton said Wednesday that
** she called Sanders to congratulate him on what she called "...",
** "Cruz replied, before adding that he thinks "..."): the quotation is
** the outer speaker's words (PolNeAR's Source is that speaker). Looks
** left of the pronoun, within the sentence from lo, for a cue with only
** "that", adverbials or a clause of at most 16 tokens between, and
** replaces sp by that cue's speaker when it is a name or a noun phrase
** compatible with the pronoun (not another pronoun). */
static void outer_speaker(const struct ctx *c, uint32_t lo, struct speaker *sp)
{
  struct speaker o;
  uint32_t p = sp->pron, k;
  if (p == NONE || p <= lo || !(tis(c, p, "he") || tis(c, p, "she"))) return;
  /* ", he added, ..." is a parenthesis, not a reported clause. */
  if (tpunct(c, p - 1, ',') || (c->t[p - 1].flags & DL__TOK_DASH)) return;
  for (k = p; k > lo && p - k < 16; k--) {
    uint32_t q = k - 1;
    const struct dl__quote_cue *qc;
    static const char *const BREAK[] = {"though", "although", "but",
                                        "while", "because", "which", "who",
                                        "whom", "when", "if", "as", NULL};
    if ((c->t[q].flags & DL__TOK_QUOTE) || c->in_quote[q] != NONE ||
        tpunct(c, q, ';') || tpunct(c, q, ':') || tin(c, q, BREAK) ||
        (c->t[q].flags & DL__TOK_DASH))
      return;
    qc = cue_at(c, q);
    if (!qc || (qc->flags & DL__Q_WEAK)) continue;
    if (ing_form(c, q) && q > lo && tpunct(c, q - 1, ',')) {
      if (!subject_of(c, lo, q, &o)) return;
    } else if (!speaker_left(c, q, lo, &o)) {
      if (!(q > lo && tis(c, q - 1, "adding"))) return;
      continue;
    }
    if (o.pron != NONE || !o.e) return;
    if (o.ment != NONE && c->d->mentions[o.ment].type != DL__ENT_PER &&
        c->d->mentions[o.ment].type != DL__ENT_ORG)
      return;
    if (o.ment != NONE && c->sex[o.ment] &&
        c->sex[o.ment] != (tis(c, p, "he") ? 'M' : 'F'))
      return;
    *sp = o;
    return;
  }
}

/* Step 2 of the file comment for region ri; *prev is the index of the
** last quotation emitted (or NONE). */
static void do_region(struct ctx *c, uint32_t ri, size_t *prev)
{
  const struct region *r = &c->reg[ri];
  const dl_doc *d = c->d;
  uint32_t so_i = c->t[r->open].sent;
  const dl__sentence *so = &d->sentences[so_i];
  uint32_t ls = so->tok_start, close = r->close;
  uint32_t words = count_words(c, r->first, r->last);
  struct cue cu;
  struct speaker sp;
  bool have = false, direct = false;
  uint32_t s, e, j;
  dl__quote *q;

  memset(&cu, 0, sizeof cu);
  no_speaker(&sp);
  if (words == 0 || is_title(c, r, words)) return;
  /* What precedes the quote in its sentence: nothing, a cue, or an
  ** earlier quote joined by "and" or a comma. */
  j = r->open;
  while (j > ls && (tpunct(c, j - 1, ',') || tis(c, j - 1, "and") ||
                    tis(c, j - 1, "but") || tis(c, j - 1, "or") ||
                    tpunct(c, j - 1, ':') ||
                    (c->t[j - 1].flags & (DL__TOK_DASH | DL__TOK_OPEN)) ||
                    (c->t[j - 1].flags & DL__TOK_ELLIPSIS)))
    j--;
  if (j == ls) direct = true;
  if (cue_before(c, r->open, ls, &cu, &sp)) {
    have = true;
    direct = true;
    if (sp.e && cu.e) according_source(c, ls, cu.s, r->open, r->open, &sp);
  } else if (j > ls && j < r->open && (c->t[j - 1].flags & DL__TOK_QUOTE) &&
             (c->t[j - 1].flags & DL__TOK_CLOSE) && *prev != NONE &&
             c->q[*prev].kind == DL__QUOTE_DIRECT &&
             c->q[*prev].end <= c->t[j - 1].start &&
             c->q[*prev].end + 4 >= c->t[j - 1].start) {
    /* "Allahu Akbar" and "Don't forget Aleppo": the same cue. */
    if (!DL__PUSH(d->al, c->q, c->nq, c->capq)) {
      c->oom = true;
      return;
    }
    q = &c->q[c->nq];
    *q = c->q[*prev];
    *prev = c->nq++;
    region_span(c, r, &q->start, &q->end);
    q->flags = r->flags;
    return;
  }
  if (!have && direct && close != NONE && signature(c, close, &sp))
    have = true;
  if (!have && close != NONE) {
    uint32_t rs = c->t[close].sent, rend = d->sentences[rs].tok_end;
    if (close + 1 < rend) {
      have = cue_after(c, close + 1, rend, &cu, &sp);
      if (have && sp.e)
        according_source(c, close + 1, cu.s,
                         cu.e > sp.e ? cu.e : sp.e, rend, &sp);
    } else if (rs + 1 < d->n_sentences) {
      /* "...hand." Putin said. -- the next short sentence. */
      const dl__sentence *ns = &d->sentences[rs + 1];
      if (ns->para == d->sentences[rs].para &&
          !(c->t[ns->tok_start].flags & DL__TOK_QUOTE)) {
        have = cue_after(c, ns->tok_start, ns->tok_end, &cu, &sp);
        if (have && sp.e)
          according_source(c, ns->tok_start, cu.s, cu.e > sp.e ? cu.e : sp.e,
                           ns->tok_end, &sp);
        /* Not when that cue opens a quotation of its own ("..." He
        ** added, "..."; "..." Mr. Zahed said: "..."). */
        for (uint32_t k = cu.e; have && k < ns->tok_end && k < cu.e + 3; k++)
          if (c->t[k].flags & DL__TOK_QUOTE) {
            have = false;
            memset(&cu, 0, sizeof cu);
            no_speaker(&sp);
          }
      }
    }
  }
  if (!have && !direct) {
    uint32_t se = d->sentences[c->t[r->open].sent].tok_end;
    if (close != NONE) se = d->sentences[c->t[close].sent].tok_end;
    have = cue_any(c, ls, r->open, se, &cu, &sp);
  }
  if (!have && direct && r->open > ls && tpunct(c, r->open - 1, ':')) {
    /* "Republican pollster Daron Shaw: ..." */
    have = subject_of(c, ls, r->open, &sp);
  }
  if (!have && direct && j == ls && so_i > 0) {
    /* "Putin told reporters:" or "Clinton released a statement:" ending
    ** the sentence before. */
    const dl__sentence *ps = &d->sentences[so_i - 1];
    if (so->para - ps->para <= 1 && ps->tok_end > ps->tok_start &&
        tpunct(c, ps->tok_end - 1, ':')) {
      uint32_t cs = ps->tok_start;
      have = cue_before(c, ps->tok_end, ps->tok_start, &cu, &sp);
      /* Else the subject of its last clause ("...— Cruz called them on
      ** it:"). */
      for (uint32_t k = ps->tok_start; !sp.e && k + 1 < ps->tok_end; k++)
        if ((c->t[k].flags & DL__TOK_DASH) || tpunct(c, k, ';'))
          cs = k + 1;
      if (!sp.e && !subject_of(c, cs, ps->tok_end, &sp) && cs > ps->tok_start)
        subject_of(c, ps->tok_start, ps->tok_end, &sp);
      have = have || sp.e;
    }
  }
  if (!have) {
    /* Titles and scare quotes: decided by the missing cue. */
    if (!direct || words <= 3 || (r->flags & DL__QF_UNCLOSED)) return;
  }
  if (have && sp.pron != NONE) outer_speaker(c, ls, &sp);
  region_span(c, r, &s, &e);
  q = new_quote(c, s, e, direct ? DL__QUOTE_DIRECT : DL__QUOTE_PARTIAL,
                cu.e ? &cu : NULL);
  if (!q) return;
  q->flags = r->flags;
  if (!sp.e && !cu.e && j == ls && so_i > 0)
    prev_subject(c, so_i - 1, so->para, &sp);
  if (sp.e) {
    set_speaker(c, q, &sp);
    if (!have) q->flags |= DL__QF_INHERITED | DL__QF_SUBJ;
  } else if (!cu.e && *prev != NONE && c->q[*prev].spk_end) {
    /* No cue: the previous quotation's speaker, when it is in this
    ** paragraph or the one before. */
    const dl__quote *p = &c->q[*prev];
    uint32_t pp = quote_para(c, p), ms, me;
    if (pp != NONE && so->para >= pp && so->para - pp <= 1) {
      q->spk_start = p->spk_start;
      q->spk_end = p->spk_end;
      q->spk_entity = p->spk_entity;
      q->spk_name = p->spk_name;
      q->flags |= DL__QF_INHERITED;
      if (nearest_mention(c, r->open, so->para, p->spk_entity, p->spk_end,
                          &ms, &me)) {
        q->spk_start = c->t[ms].start;
        q->spk_end = c->t[me - 1].end;
      }
    }
  }
  *prev = c->nq - 1;
}

/* ====================================================================
** Indirect speech
** ==================================================================== */

static const char *const NOT_CLAUSE[] = {
    "in", "on", "at", "to", "for", "of", "with", "by", "so", "about", "as",
    "after", "before", "during", "when", "while", "from", "through", "via",
    "this", "yes", "no", "nothing", "something", "anything", "more",
    "goodbye", "thanks", "sorry", "hello", "otherwise", NULL};

static void emit_indirect(struct ctx *c, uint32_t cs, uint32_t ce,
                          const struct cue *cu, const struct speaker *sp,
                          size_t *prev)
{
  dl__quote *q;
  while (cs < ce && (tpunct(c, cs, ',') || (c->t[cs].flags & DL__TOK_DASH)))
    cs++;
  ce = clause_end(c, cs, ce);
  if (ce <= cs || count_words(c, cs, ce) < 3) return;
  q = new_quote(c, c->t[cs].start, c->t[ce - 1].end, DL__QUOTE_INDIRECT,
                cu);
  if (!q) return;
  set_speaker(c, q, sp);
  *prev = c->nq - 1;
}

static void do_indirect(struct ctx *c, uint32_t si, size_t *prev)
{
  const dl__sentence *se = &c->d->sentences[si];
  uint32_t ts = se->tok_start, te = se->tok_end;
  struct cue cu;
  struct speaker sp;
  for (uint32_t p = ts; p < te; p++)
    if (c->cue_used[p]) return;
  for (uint32_t p = ts; p < te; p++) {
    const struct dl__quote_cue *qc;
    uint32_t k;
    memset(&cu, 0, sizeof cu);
    no_speaker(&sp);
    /* Cues outside quotations only; a sentence with a quotation of its
    ** own (any region that became a quote used its cue) returned above. */
    if (c->in_quote[p] != NONE || (c->t[p].flags & DL__TOK_QUOTE)) continue;
    if (according_at(c, p, te)) {
      cu.s = p;
      cu.e = p + 2;
      cu.lemma = "according to";
      cu.flags = DL__Q_SPEECH;
      if (!according_np(c, p + 2, te, &sp)) continue;
      if (p == ts || (p == ts + 1 && !tword(c, ts))) {
        emit_indirect(c, sp.e, te, &cu, &sp, prev);
        return;
      }
      /* "clause, according to X." and "clause according to X." */
      if ((tpunct(c, p - 1, ',') || p > ts + 4) &&
          clause_end(c, sp.e, te) == sp.e) {
        emit_indirect(c, ts, p, &cu, &sp, prev);
        return;
      }
      continue;
    }
    qc = cue_at(c, p);
    if (!qc || (qc->flags & DL__Q_WEAK)) continue;
    cu.s = p;
    cu.e = p + 1;
    cu.lemma = qc->lemma;
    cu.flags = qc->flags;
    /* "clause, said X." (not "..., said he may run": a pronoun is the
    ** subject of what follows unless the sentence ends with it) */
    if (p > ts + 3 && tpunct(c, p - 1, ',') &&
        speaker_right(c, p + 1, te, &sp) && short_tail(c, sp.e, te) &&
        (sp.pron == NONE || clause_end(c, sp.e, te) == sp.e)) {
      emit_indirect(c, ts, p - 1, &cu, &sp, prev);
      return;
    }
    if (ing_form(c, p) && p > ts + 2 && tpunct(c, p - 1, ',')) {
      /* "Trump defended the plan, saying (that) it ...": the subject of
      ** the sentence, a name or a pronoun. */
      if (!subject_of(c, ts, p, &sp)) continue;
    } else if (!speaker_left(c, p, ts, &sp)) {
      /* "The mayor visited the site and said ...". */
      if (!(p > ts && tis(c, p - 1, "and") && subject_of(c, ts, p, &sp)) &&
          !(subject_near(c, ts, p, &sp) &&
            (sp.ment != NONE || sp.pron != NONE)))
        continue;
    }
    /* "clause, X said." */
    if (sp.s > ts + 3 && tpunct(c, sp.s - 1, ',') &&
        short_tail(c, p + 1, te)) {
      emit_indirect(c, ts, sp.s - 1, &cu, &sp, prev);
      return;
    }
    /* "X said (that) clause". */
    k = p + 1;
    if ((qc->flags & DL__Q_OBJ) && k < te && !tis(c, k, "that")) {
      if (c->men_start[k] != NONE)
        k = c->d->mentions[c->men_start[k]].tok_end;
      else if (tin(c, k, OBJ_PRON)) {
        k++;
        if (tis(c, k - 1, "the"))
          while (k < te && k < p + 5 && tword(c, k) && !tin(c, k, STOPS) &&
                 !tin(c, k, SUBJ_PRON))
            k++;
      } else {
        /* "told a Wall Street Journal lunch group that ...": a hearer
        ** phrase of words and names, then "that". */
        uint32_t m = k;
        while (m < te && m < k + NPMAX && tword(c, m) && !tis(c, m, "that") &&
               !cue_at(c, m) && (!tin(c, m, STOPS) || tin(c, m, DETS) ||
                                 tis(c, m, "of")))
          m++;
        if (m == k || m >= te || !tis(c, m, "that")) continue;
        k = m;
      }
    }
    /* A short adverbial before "that": "said on Thursday that". */
    for (uint32_t m = k; m < te && m < k + 6; m++) {
      if (tis(c, m, "that")) {
        k = m;
        break;
      }
      if (!tword(c, m) && !tpunct(c, m, ',') &&
          !(c->t[m].flags & DL__TOK_NUM))
        break;
    }
    if (k < te && tis(c, k, "that")) {
      k++;
    } else {
      if (!(qc->flags & DL__Q_SPEECH)) continue;
      if (k >= te || !tword(c, k) || tin(c, k, NOT_CLAUSE) || cue_at(c, k))
        continue;
    }
    emit_indirect(c, k, te, &cu, &sp, prev);
    return;
  }
}

/* Reported questions: "X asked (Y) whether|if|why|how|what|who ...",
** "Asked whether ..., Y said". The content runs from the question word to
** the next comma or semicolon outside quotations, or the sentence's end;
** the speaker is the asker when one stands before the cue, else null
** (the question of an unnamed interviewer or pollster). Runs on every
** sentence outside quotations, after its quotations took their cues. */
static void do_asked(struct ctx *c, uint32_t si, size_t *prev)
{
  static const char *const WH[] = {"whether", "if", "why", "how", "what",
                                   "who", "whom", "when", "where", "which",
                                   NULL};
  const dl__sentence *se = &c->d->sentences[si];
  uint32_t ts = se->tok_start, te = se->tok_end;
  for (uint32_t p = ts; p < te; p++) {
    const struct dl__quote_cue *qc;
    struct cue cu;
    struct speaker sp;
    uint32_t k, e;
    if (c->in_quote[p] != NONE || c->cue_used[p]) continue;
    qc = cue_at(c, p);
    if (!qc && (c->tw[p] & DL__QW_ASKED) && tcap(c, p) && p == ts)
      qc = dl__quote_cue_find("asked", 5); /* "Asked whether ..." */
    if (!qc || strcmp(qc->lemma, "ask") != 0) continue;
    static const char *const BE[] = {"was", "were", "is", "are", "be",
                                     "been", "being", "when", "once",
                                     "after", "if", NULL};
    bool passive = p > ts && tin(c, p - 1, BE);
    struct speaker by;
    no_speaker(&by);
    k = p + 1;
    /* "asked by a reporter whether": the asker. */
    if (k + 1 < te && tis(c, k, "by")) {
      uint32_t w = k + 1;
      while (w < te && w < k + NPMAX && !tin(c, w, WH)) w++;
      if (w < te && tin(c, w, WH) && speaker_right(c, k + 1, w, &by))
        k = by.e;
    }
    /* The hearer: a name, an object pronoun, or a few words. */
    if (k < te && c->men_start[k] != NONE)
      k = c->d->mentions[c->men_start[k]].tok_end;
    else if (k < te && tin(c, k, OBJ_PRON) && !tis(c, k, "the"))
      k++;
    else
      for (e = k; e < te && e < k + 4 && tword(c, e) && !tin(c, e, WH); e++)
        if (tin(c, e + 1 < te ? e + 1 : e, WH)) {
          k = e + 1;
          break;
        }
    if (k >= te || !tin(c, k, WH)) continue;
    for (e = k + 1; e < te && e < k + 16 * WIN; e++)
      if (c->in_quote[e] == NONE && !(c->t[e].flags & DL__TOK_QUOTE) &&
          (tpunct(c, e, ',') || tpunct(c, e, ';') || tpunct(c, e, ':')))
        break;
    e = clause_end(c, k, e);
    if (count_words(c, k, e) < 3) continue;
    memset(&cu, 0, sizeof cu);
    set_cue(&cu, p, 1, qc->lemma, qc->flags);
    if (by.e)
      sp = by;
    else if (passive || p == ts)
      no_speaker(&sp);
    else if (!speaker_left(c, p, ts, &sp) && !subject_near(c, ts, p, &sp))
      no_speaker(&sp);
    {
      dl__quote *q = new_quote(c, c->t[k].start, c->t[e - 1].end,
                               DL__QUOTE_INDIRECT, &cu);
      if (!q) return;
      set_speaker(c, q, &sp);
      *prev = c->nq - 1;
    }
    return;
  }
}

/* ====================================================================
** The stage
** ==================================================================== */

/* True when view[a, b) holds nothing but white space, quote marks and
** punctuation other than sentence-internal words: two quotations side by
** side ("First." "Second," he said). */
static bool only_marks(const struct ctx *c, uint32_t a, uint32_t b)
{
  const unsigned char *u = (const unsigned char *)c->d->view;
  if (b < a || b - a > 16) return false;
  for (uint32_t i = a; i < b;) {
    int32_t cp;
    size_t k = dl__utf8_decode(u, c->d->len, i, &cp);
    if (!k) return false;
    if (!dl__is_space(cp) && !dl__is_dquote(cp) && !dl__is_squote(cp) &&
        cp != '.' && cp != ',' && cp != '!' && cp != '?' && cp != '`')
      return false;
    i += (uint32_t)k;
  }
  return true;
}

/* A quotation with no cue of its own, right before another quotation of
** the same paragraph that has one, is by the same speaker ("First
** sentence." "Second," Viguerie says.). Runs after the sort; walks back
** so that a run of such quotations takes the cue of the last one. */
static void share_forward(struct ctx *c)
{
  for (size_t i = c->nq - 1; i-- > 0;) {
    dl__quote *q = &c->q[i];
    const dl__quote *n = &c->q[i + 1];
    if (q->cue_end || q->kind != DL__QUOTE_DIRECT ||
        n->kind != DL__QUOTE_DIRECT || !n->spk_end)
      continue;
    if (q->spk_end && !(q->flags & DL__QF_SUBJ)) continue;
    if (!n->cue_end && !(n->flags & DL__QF_SHARED)) continue;
    if (!only_marks(c, q->end, n->start)) continue;
    q->spk_start = n->spk_start;
    q->spk_end = n->spk_end;
    q->spk_entity = n->spk_entity;
    q->spk_name = n->spk_name;
    q->flags = (uint8_t)((q->flags & ~(DL__QF_INHERITED | DL__QF_SUBJ)) |
                         DL__QF_SHARED);
  }
}

static int cmp_quote(const void *a, const void *b)
{
  const dl__quote *x = a, *y = b;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

dl_status dl__quote_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct ctx c;
  size_t bytes, prev = NONE;
  uint32_t ri = 0;
  dl_status rc = DL_OK;
  memset(&c, 0, sizeof c);
  c.d = d;
  c.t = d->tokens;
  c.nt = (uint32_t)d->n_tokens;
  d->quotes = NULL;
  d->n_quotes = 0;
  if (!c.nt || !d->n_sentences) return DL_OK;
  /* One block: three uint32 maps, the cue marks, the mention sexes. */
  bytes = (size_t)c.nt * (4 * sizeof(uint32_t) + 1) + d->n_mentions + 8;
  c.men_end = dl__malloc(d->al, bytes);
  if (!c.men_end) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  c.men_start = c.men_end + c.nt;
  c.in_quote = c.men_start + c.nt;
  c.tw = c.in_quote + c.nt;
  c.cue_used = (uint8_t *)(c.tw + c.nt);
  c.sex = (char *)(c.cue_used + c.nt);
  for (uint32_t i = 0; i < c.nt; i++)
    c.men_end[i] = c.men_start[i] = c.in_quote[i] = NONE;
  memset(c.cue_used, 0, c.nt);
  for (size_t i = 0; i < d->n_mentions; i++) {
    const dl__mention *m = &d->mentions[i];
    if (m->tok_end <= m->tok_start || m->tok_end > c.nt) continue;
    c.men_end[m->tok_end - 1] = (uint32_t)i;
    if (c.men_start[m->tok_start] == NONE)
      c.men_start[m->tok_start] = (uint32_t)i;
  }
  token_words(&c, a->m->lex);
  mention_sexes(&c);
  if (!find_regions(&c)) c.oom = true;
  for (uint32_t si = 0; si < d->n_sentences && !c.oom; si++) {
    const dl__sentence *se = &d->sentences[si];
    while (ri < c.nreg && c.reg[ri].open < se->tok_end)
      do_region(&c, ri++, &prev);
    /* Indirect speech, also beside scare quotes and titles; not when a
    ** quotation of the sentence used a cue, nor inside a quotation. */
    if (se->tok_end > se->tok_start && c.in_quote[se->tok_start] == NONE &&
        c.in_quote[se->tok_end - 1] == NONE) {
      do_indirect(&c, si, &prev);
      do_asked(&c, si, &prev);
    }
  }
  if (c.oom) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  if (c.nq) {
    qsort(c.q, c.nq, sizeof *c.q, cmp_quote);
    share_forward(&c);
    d->quotes = dl__arena_dup(&d->arena, c.q, c.nq * sizeof *c.q);
    if (!d->quotes) {
      rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      goto done;
    }
    d->n_quotes = c.nq;
  }
done:
  dl__free(d->al, c.men_end);
  dl__free(d->al, c.reg);
  dl__free(d->al, c.q);
  return rc;
}

static const char *const kind_names[] = {"direct", "partial", "indirect"};

void dl__quote_json(const dl_doc *d, dl__jw *w, unsigned f)
{
  char id[24];
  dl__jw_key(w, "quotes");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_quotes; i++) {
    const dl__quote *q = &d->quotes[i];
    dl__jw_obj_begin(w);
    dl__jw_key(w, "span");
    dl__jw_span(d, w, f, q->start, q->end);
    dl__jw_key(w, "text");
    dl__jw_str(w, d->text + q->start, q->end - q->start);
    dl__jw_key(w, "kind");
    dl__jw_cstr(w, kind_names[q->kind % 3]);
    dl__jw_key(w, "cue");
    if (q->cue_end) {
      dl__jw_obj_begin(w);
      dl__jw_key(w, "span");
      dl__jw_span(d, w, f, q->cue_start, q->cue_end);
      dl__jw_key(w, "verb");
      dl__jw_str(w, d->text + q->cue_start, q->cue_end - q->cue_start);
      dl__jw_key(w, "lemma");
      dl__jw_cstr(w, q->cue_lemma);
      dl__jw_obj_end(w);
    } else {
      dl__jw_null(w);
    }
    dl__jw_key(w, "speaker");
    if (q->spk_end) {
      dl__jw_obj_begin(w);
      dl__jw_key(w, "entity");
      if (q->spk_entity != NONE) {
        snprintf(id, sizeof id, "e%u", q->spk_entity + 1);
        dl__jw_cstr(w, id);
      } else {
        dl__jw_null(w);
      }
      dl__jw_key(w, "name");
      dl__jw_cstr(w, q->spk_name);
      dl__jw_key(w, "span");
      dl__jw_span(d, w, f, q->spk_start, q->spk_end);
      dl__jw_obj_end(w);
    } else {
      dl__jw_null(w);
    }
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
}
