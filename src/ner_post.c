/*
** ner_post.c -- rules applied to the tagger's BILOU tags before the NER
** stage turns them into mentions (dl__ner_run). Each rule fixes a kind of
** error a CoNLL-trained tagger makes on general news, not a string:
**
**  (a) Organization heads. A run of capitalized words ending in an
**      organization head word (Church, Ministry, Party, Council, Bank...)
**      is one ORG: "Russian Orthodox Church" often comes out as MISC
**      "Russian" + untagged or PER "Orthodox Church" (CoNLL tags
**      "Orthodox church" O). The run absorbs MISC/ORG/LOC mentions and
**      capitalized words before the head, and a demonym or country even
**      at the start of a sentence. A head word the tagger already put
**      inside a longer mention ("Bank of England") or tagged LOC (a
**      building) is left alone, and a head word alone is not a name.
**  (b) Quoted clauses. A MISC mention that is a whole quotation and reads
**      as a clause ("Don't forget Aleppo": a verb contraction, or a first
**      word such as Don't/We/He/Let) is a slogan, not a name: it is
**      dropped, and the gazetteer places inside it (countries, cities,
**      regions of the model's gazetteer) become LOC mentions.
**
** Facility heads (Cathedral, Mosque, Airport...) are the entity stage's
** (entity.c step 2), which also re-types them FAC.
**
** Tags are those of ner.h: 0 = O, 1 + 4 * type + pos, type 0..3 = PER ORG
** LOC MISC, pos 0..3 = B I L U. The rules only rewrite tags, so the output
** stays a valid BILOU sequence. Linear in the number of tokens (each scan
** looks at a bounded window); allocates nothing.
*/
#include "ner.h"

#define T_PER 0
#define T_ORG 1
#define T_LOC 2
#define T_MISC 3
#define LEFT_MAX 6 /* capitalized words a head absorbs at most */

/* Gazetteer categories (ner_train.c's gaz_files). */
#define GZ_COUNTRY (1u << 0)
#define GZ_CITY (1u << 1)
#define GZ_DEMONYM (1u << 2)
#define GZ_REGION (1u << 7)

static const char *const org_heads[] = {
    "Academy",    "Agency",     "Army",       "Assembly",   "Association",
    "Authority",  "Bank",       "Bureau",     "Cabinet",    "Church",
    "Commission", "Committee",  "Congress",   "Council",    "Court",
    "Department", "Federation", "Foundation", "Front",      "Government",
    "Institute",  "League",     "Ministry",   "Movement",   "Navy",
    "Organisation", "Organization", "Parliament", "Party",  "Police",
    "Senate",     "Union",      "University"};

/* Function words a capitalized run never starts with. */
static const char *const stop_caps[] = {
    "A",     "After", "All",   "An",    "And",   "As",    "At",    "But",
    "By",    "For",   "From",  "He",    "Her",   "His",   "If",    "In",
    "It",    "Its",   "Mr",    "Mrs",   "Ms",    "No",    "Of",    "On",
    "Or",    "She",   "So",    "That",  "The",   "Their", "There", "These",
    "They",  "This",  "To",    "We",    "When",  "While", "With",  "Dr"};

/* First words that make a quotation a clause rather than a title. */
static const char *const clause_starts[] = {
    "Do",   "Does", "Did",   "Don",  "Let",  "I",     "We",  "You",
    "He",   "She",  "They",  "It",   "Is",   "Are",   "Was", "Were",
    "Will", "Can",  "Could", "Would", "Should", "Stop", "Never", "No"};

static int tag_type(uint8_t t) { return t ? (t - 1) / 4 : -1; }
static int tag_pos(uint8_t t) { return t ? (t - 1) % 4 : -1; }
static uint8_t mk(int type, int pos) { return (uint8_t)(1 + 4 * type + pos); }

static bool tok_is(const char *text, const dl__token *t, const char *w)
{
  size_t n = strlen(w);
  return t->end - t->start == n && memcmp(text + t->start, w, n) == 0;
}

/* Every word of the three lists starts with an ASCII capital and is at
** most 12 bytes long: other tokens (most of them) are rejected before the
** list is scanned (org_heads_rule asks this of every token). */
#define LIST_MAXLEN 12

static bool in_list(const char *text, const dl__token *t,
                    const char *const *list, size_t n)
{
  unsigned char c0 = (unsigned char)text[t->start];
  if (t->end - t->start > LIST_MAXLEN || t->end == t->start || c0 < 'A' ||
      c0 > 'Z')
    return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)list[i][0] == c0 && tok_is(text, t, list[i]))
      return true;
  return false;
}

/* A word whose first code point is an upper-case letter ("Çelik"). */
static bool cap_word(const char *text, const dl__token *t)
{
  int32_t cp;
  size_t len = t->end - t->start;
  if (!(t->flags & DL__TOK_WORD) || !len) return false;
  if (dl__utf8_decode((const unsigned char *)text + t->start, len, 0, &cp) ==
      0)
    return false;
  return dl__is_upper(cp);
}

static bool sent_start(const dl__token *toks, size_t i)
{
  return i == 0 || toks[i - 1].sent != toks[i].sent;
}

/* Longest gazetteer entry of a category in cats starting at token i, in
** tokens (0: none). */
static size_t gaz_len(const struct dl__ner_lex *lx, const char *text,
                      const dl__token *toks, size_t i, size_t end,
                      uint32_t cats)
{
  uint64_t k = 0;
  size_t best = 0;
  if (!lx || !lx->gaz) return 0;
  for (size_t j = i; j < end && j < i + DL__NER_GAZ_MAXLEN; j++) {
    const unsigned char *s;
    uint32_t v;
    k = dl__ner_gaz_step(
        k, dl__ner_low_hash(text + toks[j].start, toks[j].end - toks[j].start));
    s = dl__ner_slot_find(lx->gaz, lx->gaz_mask, k);
    if (!s) break;
    v = dl__ner_rd32(s + 4);
    if (v & cats) best = j - i + 1;
    if (!(v & DL__NER_GAZ_PREFIX)) break;
  }
  return best;
}

/* The mention containing token i: its start and end (exclusive). */
static void mention_of(const uint8_t *tags, size_t n, size_t i, size_t *s,
                       size_t *e)
{
  size_t a = i, b = i + 1;
  while (a > 0 && tag_pos(tags[a]) != 0 && tag_pos(tags[a]) != 3) a--;
  while (b < n && (tag_pos(tags[b - 1]) == 0 || tag_pos(tags[b - 1]) == 1))
    b++;
  *s = a;
  *e = b;
}

static void set_mention(uint8_t *tags, size_t s, size_t e, int type)
{
  if (e == s + 1) {
    tags[s] = mk(type, 3);
    return;
  }
  tags[s] = mk(type, 0);
  for (size_t j = s + 1; j + 1 < e; j++) tags[j] = mk(type, 1);
  tags[e - 1] = mk(type, 2);
}

/* Clears every mention that overlaps [s, e). */
static void clear_overlap(uint8_t *tags, size_t n, size_t s, size_t e)
{
  for (size_t j = s; j < e; j++) {
    size_t a, b;
    if (!tags[j]) continue;
    mention_of(tags, n, j, &a, &b);
    for (size_t k = a; k < b; k++) tags[k] = 0;
  }
}

/* (a) */
static void org_heads_rule(const struct dl__ner_lex *lx, const char *text,
                           const dl__token *toks, size_t n, uint8_t *tags)
{
  for (size_t h = 1; h < n; h++) {
    size_t s = h, ms = h, me = h + 1;
    int ty = tag_type(tags[h]);
    if (!in_list(text, &toks[h], org_heads, DL__COUNTOF(org_heads))) continue;
    if (ty >= 0) {
      mention_of(tags, n, h, &ms, &me);
      /* Inside a longer mention ("Bank of England"), or a building. */
      if (me != h + 1 || ty == T_LOC) continue;
      s = ms;
    }
    /* Walk left over capitalized words of the same sentence. */
    while (s > 0 && h - s < LEFT_MAX && toks[s - 1].sent == toks[h].sent) {
      size_t p = s - 1;
      int pt = tag_type(tags[p]);
      if (!cap_word(text, &toks[p]) ||
          in_list(text, &toks[p], stop_caps, DL__COUNTOF(stop_caps)))
        break;
      if (pt >= 0) {
        if (pt == T_PER) break;
        mention_of(tags, n, p, &ms, &me);
        if (me != s) break;
        s = ms;
        continue;
      }
      /* An untagged sentence-initial word joins only as a demonym or a
      ** country ("Russian Orthodox Church said", not "Yesterday
      ** Parliament voted"). */
      if (sent_start(toks, p) &&
          gaz_len(lx, text, toks, p, p + 1, GZ_DEMONYM | GZ_COUNTRY) != 1)
        break;
      s = p;
    }
    if (s == h) continue; /* a head word alone ("Church leaders") */
    if (ty == T_ORG && s == ms && tags[s] == mk(T_ORG, 0)) continue;
    clear_overlap(tags, n, s, h + 1);
    set_mention(tags, s, h + 1, T_ORG);
  }
}

/* A clitic that marks a verb: n't 're 'll 've 'm 'd (not the possessive). */
static bool verb_clitic(const char *text, const dl__token *t)
{
  const char *p = text + t->start;
  size_t len = t->end - t->start;
  if (!(t->flags & DL__TOK_CLITIC) || len < 2) return false;
  return p[len - 1] != 's' && p[len - 1] != 'S'; /* n't 're 'll 've 'm 'd */
}

/* (b) */
static void quoted_clause_rule(const struct dl__ner_lex *lx, const char *text,
                               const dl__token *toks, size_t n, uint8_t *tags)
{
  for (size_t i = 0; i < n; i++) {
    size_t s, e, qs, qe;
    bool clause = false;
    if (tag_type(tags[i]) != T_MISC || tag_pos(tags[i]) > 0) continue;
    mention_of(tags, n, i, &s, &e);
    /* The whole quotation: a quote mark right before and right after
    ** (punctuation inside the quotation allowed: "Don't forget Aleppo!"). */
    qs = s;
    qe = e;
    if (qs > 0 && (toks[qs - 1].flags & DL__TOK_QUOTE)) {
      qs--;
    } else if (!(toks[s].flags & DL__TOK_QUOTE)) {
      i = e - 1;
      continue;
    }
    while (qe < n && qe < e + 2 && !(toks[qe].flags & DL__TOK_QUOTE) &&
           (toks[qe].flags & DL__TOK_PUNCT) && !(toks[qe].flags & DL__TOK_WORD))
      qe++;
    if (!(qe < n && (toks[qe].flags & DL__TOK_QUOTE)) &&
        !(toks[e - 1].flags & DL__TOK_QUOTE)) {
      i = e - 1;
      continue;
    }
    if (e - s >= 2) {
      size_t w = s;
      while (w < e && (toks[w].flags & DL__TOK_QUOTE)) w++;
      if (w < e &&
          in_list(text, &toks[w], clause_starts, DL__COUNTOF(clause_starts)))
        clause = true;
      for (size_t j = s; j < e && !clause; j++)
        if (verb_clitic(text, &toks[j])) clause = true;
    }
    if (!clause) {
      i = e - 1;
      continue;
    }
    for (size_t j = s; j < e; j++) tags[j] = 0;
    for (size_t j = s; j < e;) {
      size_t m = 0;
      if (cap_word(text, &toks[j]))
        m = gaz_len(lx, text, toks, j, e, GZ_COUNTRY | GZ_CITY | GZ_REGION);
      if (m) {
        set_mention(tags, j, j + m, T_LOC);
        j += m;
      } else {
        j++;
      }
    }
    i = e - 1;
  }
}

void dl__ner_post(const struct dl__ner_lex *lx, const char *text,
                  const dl__token *toks, size_t n, uint8_t *tags)
{
  quoted_clause_rule(lx, text, toks, n, tags);
  org_heads_rule(lx, text, toks, n, tags);
}
