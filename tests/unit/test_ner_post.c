/*
** test_ner_post.c -- the rules of src/ner_post.c over hand-made tags, on
** sentences other than the bundled article.
**
** A case is a line of space-separated tokens, each optionally "|TAG" with
** TAG a BILOU tag (B-ORG, U-MISC...; none: O); a token "." ends a
** sentence. The tiny gazetteer below stands in for the model's.
*/
#include "ner.h"
#include "t.h"
#include "tok_util.h"

#include <stdio.h>
#include <stdlib.h>

#define MAXT 64

static char text[1024];
static dl__token toks[MAXT];
static uint8_t tags[MAXT];
static size_t nt;

static unsigned char gaz_tab[8 * 64];
static struct dl__ner_lex lex;

/* Splits s in place at spaces into at most max words; returns the count. */
static size_t split(char *s, char **w, size_t max)
{
  size_t n = 0;
  while (*s && n < max) {
    while (*s == ' ') *s++ = '\0';
    if (!*s) break;
    w[n++] = s;
    while (*s && *s != ' ') s++;
  }
  while (*s == ' ') *s++ = '\0';
  return n;
}

static int type_of(const char *s)
{
  static const char *const names[] = {"PER", "ORG", "LOC", "MISC"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) return i;
  return -1;
}

/* Parses a case into text / toks / tags. */
static void parse(const char *line)
{
  char buf[1024];
  size_t o = 0;
  uint32_t sent = 0;
  char *words[MAXT];
  size_t nw;
  snprintf(buf, sizeof buf, "%s", line);
  nw = split(buf, words, MAXT);
  nt = 0;
  for (size_t k = 0; k < nw; k++) {
    char *w = words[k];
    char *bar = strchr(w, '|');
    dl__token *t = &toks[nt];
    size_t len;
    tags[nt] = 0;
    if (bar) {
      static const char pos[] = "BILU";
      *bar = '\0';
      tags[nt] = (uint8_t)(1 + 4 * type_of(bar + 3) +
                           (int)(strchr(pos, bar[1]) - pos));
    }
    len = strlen(w);
    memcpy(text + o, w, len);
    t->start = (uint32_t)o;
    t->end = (uint32_t)(o + len);
    t->sent = sent;
    t->flags = 0;
    if (strcmp(w, "\"") == 0)
      t->flags = DL__TOK_QUOTE | DL__TOK_PUNCT;
    else if (w[0] == '\'' || strcmp(w, "n't") == 0)
      t->flags = DL__TOK_CLITIC | DL__TOK_WORD;
    else if (strpbrk(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
      t->flags = DL__TOK_WORD;
    else
      t->flags = DL__TOK_PUNCT;
    if (strcmp(w, ".") == 0) sent++;
    o += len;
    text[o++] = ' ';
    nt++;
  }
  text[o] = '\0';
}

/* The mentions as "TYPE[words] ...". */
static const char *mentions(void)
{
  static char out[1024];
  static const char *const names[] = {"PER", "ORG", "LOC", "MISC"};
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < nt; i++) {
    int pos = dl__ner_tag_pos(tags[i]);
    size_t e = i + 1;
    if (pos != 0 && pos != 3) continue;
    if (pos == 0) {
      while (e < nt && dl__ner_tag_pos(tags[e]) == 1) e++;
      if (e < nt && dl__ner_tag_pos(tags[e]) == 2) e++;
    }
    o += (size_t)snprintf(out + o, sizeof out - o, "%s%s[", o ? " " : "",
                          names[dl__ner_tag_type(tags[i])]);
    for (size_t j = i; j < e && j < nt; j++)
      o += (size_t)snprintf(out + o, sizeof out - o, "%s%.*s", j > i ? " " : "",
                            (int)(toks[j].end - toks[j].start),
                            text + toks[j].start);
    o += (size_t)snprintf(out + o, sizeof out - o, "]");
    i = e - 1;
  }
  return out;
}

static void gaz_add(const char *entry, unsigned cat)
{
  char buf[128];
  uint64_t k = 0;
  uint32_t mask = (uint32_t)(sizeof gaz_tab / 8 - 1);
  size_t nw = 0;
  char *words[8];
  snprintf(buf, sizeof buf, "%s", entry);
  nw = split(buf, words, 8);
  for (size_t i = 0; i < nw; i++) {
    uint32_t key, s;
    unsigned char *slot;
    k = dl__ner_gaz_step(k, dl__ner_low_hash(words[i], strlen(words[i])));
    key = dl__ner_slot_key(k);
    s = dl__ner_slot_start(key, mask);
    while (dl__ner_rd32(gaz_tab + (size_t)s * 8) != 0 &&
           dl__ner_rd32(gaz_tab + (size_t)s * 8) != key)
      s = (s + 1) & mask;
    slot = gaz_tab + (size_t)s * 8;
    dl__ner_wr32(slot, key);
    dl__ner_wr32(slot + 4, dl__ner_rd32(slot + 4) |
                               (i + 1 < nw ? DL__NER_GAZ_PREFIX : 1u << cat));
  }
}

static const struct dl__ner_lex *gaz(void)
{
  if (!lex.gaz) {
    gaz_add("Damascus", 1);   /* city */
    gaz_add("Sri Lanka", 0);  /* country */
    gaz_add("Britain", 0);
    gaz_add("French", 2);     /* demonym */
    lex.gaz = gaz_tab;
    lex.gaz_mask = (uint32_t)(sizeof gaz_tab / 8 - 1);
    lex.n_gaz_cats = 8;
  }
  return &lex;
}

static const char *run(const char *line)
{
  parse(line);
  dl__ner_post(gaz(), text, toks, nt, tags);
  return mentions();
}

static void t_org_head(void)
{
  /* Demonym + untagged words + head: one ORG. */
  T_EQ_STR(run("the Greek|U-MISC Orthodox Church said ."),
           "ORG[Greek Orthodox Church]");
  /* The tagger's PER "Orthodox Church" becomes ORG too. */
  T_EQ_STR(run("leaders of the Serbian|U-MISC Orthodox|B-PER Church|L-PER met"),
           "ORG[Serbian Orthodox Church]");
  /* A demonym of the gazetteer at the sentence start joins. */
  T_EQ_STR(run("French Socialist Party leaders voted ."),
           "ORG[French Socialist Party]");
  /* An ordinary sentence-initial word does not. */
  T_EQ_STR(run("Yesterday Parliament voted . Then Labour Party members left"),
           "ORG[Labour Party]");
  /* A longer mention is kept whole; LOC heads (buildings) are left. */
  T_EQ_STR(run("the Bank|B-ORG of|I-ORG England|L-ORG said"),
           "ORG[Bank of England]");
  T_EQ_STR(run("outside Westminster|B-LOC Abbey|I-LOC Church|L-LOC today"),
           "LOC[Westminster Abbey Church]");
  /* A head word alone is not a name; no absorbing over "The" or a PER. */
  T_EQ_STR(run("Church leaders said ."), "");
  T_EQ_STR(run("The Army said ."), "");
  T_EQ_STR(run("Obama|U-PER Foundation staff"), "PER[Obama]");
  /* An ORG already whole stays as it is. */
  T_EQ_STR(run("the World|B-ORG Bank|L-ORG said"), "ORG[World Bank]");
  /* Absorbs a location mention before it: one ORG. */
  T_EQ_STR(run("the Moscow|U-LOC City|B-ORG Council|L-ORG voted"),
           "ORG[Moscow City Council]");
}

static void t_quoted_clause(void)
{
  /* A quoted slogan tagged MISC: dropped, its place kept as LOC. */
  T_EQ_STR(run("chanting \" Do|B-MISC n't|I-MISC leave|I-MISC "
               "Damascus|L-MISC \" ."),
           "LOC[Damascus]");
  T_EQ_STR(run("he shouted \" We|B-MISC love|I-MISC Sri|I-MISC "
               "Lanka|L-MISC ! \" and left"),
           "LOC[Sri Lanka]");
  /* No place inside: nothing left. */
  T_EQ_STR(run("\" They|B-MISC 're|I-MISC Coming|L-MISC \" ."), "");
  /* A quoted title is a name: kept. */
  T_EQ_STR(run("the film \" Lawrence|B-MISC of|I-MISC Arabia|L-MISC \" ."),
           "MISC[Lawrence of Arabia]");
  T_EQ_STR(run("the song \" The|B-MISC Times|I-MISC They|I-MISC "
               "Are|I-MISC Changing|L-MISC \" ."),
           "MISC[The Times They Are Changing]");
  /* Not a whole quotation: kept. */
  T_EQ_STR(run("He|B-MISC Said|I-MISC Britain|L-MISC was a show"),
           "MISC[He Said Britain]");
  /* A possessive is not a verb clitic. */
  T_EQ_STR(run("\" Britain|B-MISC 's|I-MISC Got|I-MISC Talent|L-MISC \""),
           "MISC[Britain 's Got Talent]");
}

static void t_bilou_valid(void)
{
  /* Whatever the rules do, the tags stay a valid BILOU sequence. */
  static const char *const lines[] = {
      "the Greek|U-MISC Orthodox Church said .",
      "\" Do|B-MISC n't|I-MISC forget|I-MISC Damascus|L-MISC \" Church",
      "French|U-MISC Bank|U-ORG Party|U-PER Council",
      "A B C D E F G H Ministry",
  };
  for (size_t l = 0; l < DL__COUNTOF(lines); l++) {
    int prev = DL__NER_NT;
    run(lines[l]);
    for (size_t i = 0; i < nt; i++) {
      T_OK(dl__ner_allowed(prev, tags[i]));
      prev = tags[i];
    }
    T_OK(dl__ner_allowed(prev, 0));
  }
  /* At most LEFT_MAX words before the head. */
  T_EQ_STR(run("for A1 Bb Cc Dd Ee Ff Gg Hh Ministry"),
           "ORG[Cc Dd Ee Ff Gg Hh Ministry]");
}

/* The same rules over the real tokenizer's tokens and flags (quote marks,
** "n't" as a clitic, sentence indices). */
static void t_real_tokens(void)
{
  static const char s[] = "They chanted \"Don't leave Damascus!\" and the "
                          "Greek Orthodox Church said so. Church bells rang.";
  dl_doc *d = tu_run(s, sizeof s - 1, true, 0);
  size_t first = SIZE_MAX, last = 0;
  T_OK(d && d->n_tokens < MAXT);
  nt = d->n_tokens;
  memcpy(text, s, sizeof s);
  for (size_t i = 0; i < nt; i++) {
    const dl__token *t = &d->tokens[i];
    toks[i] = *t;
    tags[i] = 0;
    if (t->start >= 14 && t->end <= 35 && !(t->flags & DL__TOK_QUOTE) &&
        s[t->start] != '!') {
      if (first == SIZE_MAX) first = i;
      last = i;
    }
    if (t->end - t->start == 5 && memcmp(s + t->start, "Greek", 5) == 0)
      tags[i] = 1 + 4 * 3 + 3; /* U-MISC */
  }
  T_OK(first != SIZE_MAX && last > first);
  tags[first] = 1 + 4 * 3 + 0; /* B-MISC "Do" .. L-MISC "Damascus" */
  for (size_t i = first + 1; i < last; i++) tags[i] = 1 + 4 * 3 + 1;
  tags[last] = 1 + 4 * 3 + 2;
  dl__ner_post(gaz(), text, toks, nt, tags);
  tu_free(d);
  T_EQ_STR(mentions(), "LOC[Damascus] ORG[Greek Orthodox Church]");
}

static const t_case cases[] = {{"org_head", t_org_head},
                               {"real_tokens", t_real_tokens},
                               {"quoted_clause", t_quoted_clause},
                               {"bilou_valid", t_bilou_valid},
                               {NULL, NULL}};

T_MAIN(cases)
