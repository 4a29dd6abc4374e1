/*
** test_words.c -- the words layer (tone_words.c): the flags a document's
** forms get from the annotator's form cache (the calendar-word bit among
** them), the same forms whether a word is new to the cache or found in
** it, and the cache and the document tables across many documents.
**
** Runs on the empty model (the words layer needs no tagger).
*/
#include "internal.h"
#include "tone.h"
#include "t.h"

#include <stdlib.h>

static dl_model *model;
static dl_annotator *annot;

#define TOLD (DL_FIELD_TONE | DL_FIELD_THEMES | DL_FIELD_KEYWORDS | \
              DL_FIELD_SUMMARY | DL_FIELD_SENTENCES)

static dl_doc *run(const char *text)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  if (!annot && (dl_model_create_empty(NULL, &model, NULL) != DL_OK ||
                 dl_annotator_create(model, &annot, NULL) != DL_OK))
    return NULL;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  if (dl_annotate(annot, &in, TOLD, &d, &err) != DL_OK) {
    fprintf(stderr, "annotate: %s\n", err.msg);
    return NULL;
  }
  return d;
}

/* The form of the first token whose text is w, or NULL. */
static const struct dl__form *form_of(const dl_doc *d, const char *w)
{
  size_t n = strlen(w);
  for (size_t i = 0; i < d->n_tokens; i++) {
    uint32_t f = dl__told_form(d, i);
    if (f != UINT32_MAX && d->tokens[i].end - d->tokens[i].start == n &&
        memcmp(d->text + d->tokens[i].start, w, n) == 0)
      return &d->told->words.forms[f];
  }
  return NULL;
}

static const char *const cal_text =
    "On Sunday, December 5, the very brave minister said in March that "
    "the march was not bad. MAY and August, Monday and WEDNESDAY. The "
    "funeral was on a Friday in January; nothing happened in mid-June.";

static void check_cal(void)
{
  static const char *const yes[] = {"Sunday", "December", "March", "march",
                                    "MAY", "August", "Monday", "WEDNESDAY",
                                    "Friday", "January"};
  static const char *const no[] = {"On", "the", "very", "brave", "minister",
                                   "said", "bad", "funeral", "nothing"};
  dl_doc *d = run(cal_text);
  const struct dl__form *f;
  T_OK(d && d->told && d->told->words_ran);
  for (size_t i = 0; i < DL__COUNTOF(yes); i++) {
    f = form_of(d, yes[i]);
    if (!f || !(f->flags & DL__W_CAL)) fprintf(stderr, "cal: %s\n", yes[i]);
    T_OK(f && (f->flags & DL__W_CAL));
  }
  for (size_t i = 0; i < DL__COUNTOF(no); i++) {
    f = form_of(d, no[i]);
    if (!f || (f->flags & DL__W_CAL)) fprintf(stderr, "not cal: %s\n", no[i]);
    T_OK(f && !(f->flags & DL__W_CAL));
  }
  /* The bit shares a byte with the booster index: "very" keeps its
  ** booster value, "December" has none. */
  f = form_of(d, "very");
  T_OK(f && (f->flags & DL__W_BOOST) && f->boost > 0.2f && f->boost < 0.4f);
  f = form_of(d, "December");
  T_OK(f && f->boost == 0.0f && !(f->flags & DL__W_BOOST));
  /* Other flags are there as before. */
  f = form_of(d, "the");
  T_OK(f && (f->flags & DL__W_STOP));
  f = form_of(d, "bad");
  T_OK(f && (f->flags & DL__W_LEX) && f->valence < 0);
  dl_doc_destroy(d);
}

/* Twice: the first run makes the cache entries, the second finds them. */
static void t_calendar(void)
{
  check_cal();
  if (t_failed_now) return;
  check_cal();
}

/* The form id of the first token whose text is w, or UINT32_MAX. */
static uint32_t form_id(const dl_doc *d, const char *w)
{
  size_t n = strlen(w);
  for (size_t i = 0; i < d->n_tokens; i++)
    if (d->tokens[i].end - d->tokens[i].start == n &&
        memcmp(d->text + d->tokens[i].start, w, n) == 0)
      return dl__told_form(d, i);
  return UINT32_MAX;
}

/* One document form per case-folded word, whichever way its key was made:
** ASCII words of up to 16 bytes (folded eight bytes at a time), longer
** ones, non-ASCII ones (folded by utf8proc). */
static void t_forms(void)
{
  static const char *const same[][2] = {
      {"Caf\xc3\xa9", "CAF\xc3\x89"},
      {"internationalisation", "INTERNATIONALISATION"},
      {"Internationalisations", "internationalisations"},
      {"sixteen-letters1", "SIXTEEN-LETTERS1"},
      {"fifteen-letter1", "Fifteen-Letter1"},
      {"eight888", "EIGHT888"},
      {"seven77", "Seven77"},
      {"na\xc3\xafve", "NA\xc3\x8fVE"},
      {"\xc3\xa9t\xc3\xa9-longer-than-sixteen", "\xc3\x89T\xc3\x89-LONGER-THAN-SIXTEEN"}};
  char text[2048];
  size_t n = 0;
  for (int rep = 0; rep < 2; rep++) {
    dl_doc *d;
    n = 0;
    for (size_t i = 0; i < DL__COUNTOF(same); i++)
      n += (size_t)snprintf(text + n, sizeof text - n, "%s and %s, ",
                            same[i][0], same[i][1]);
    snprintf(text + n, sizeof text - n, "end.");
    d = run(text);
    T_OK(d && d->told && d->told->words_ran);
    for (size_t i = 0; i < DL__COUNTOF(same); i++) {
      uint32_t a = form_id(d, same[i][0]), b = form_id(d, same[i][1]);
      if (a == UINT32_MAX || a != b)
        fprintf(stderr, "forms: %s %u, %s %u\n", same[i][0], a, same[i][1], b);
      T_OK(a != UINT32_MAX && a == b);
      for (size_t j = 0; j < i; j++)
        T_OK(form_id(d, same[j][0]) != a);
    }
    T_EQ_INT(d->told->words.forms[form_id(d, "and")].len, 3);
    T_EQ_INT(d->told->words.forms[form_id(d, "internationalisation")].len, 20);
    dl_doc_destroy(d);
  }
}

/* tone.c scores a sentence only when one of its tokens has DL__W_LEX: it
** relies on a form having a valence only with that flag. Every word of the
** lexicon, then words outside it, each run twice (new to the cache, then
** found in it): no form has a valence without the flag, and the lexicon's
** words do get it. */
static void t_lexicon_flag(void)
{
  static const char *const outside[] = {"minister", "table", "Thursday",
                                        "the", "Ankara", "walked"};
  dl__buf b;
  dl__buf_init(&b, NULL);
  for (size_t i = 0; i < dl__tone_lexicon_len; i++) {
    T_OK(dl__buf_append(&b, dl__tone_lexicon[i].word,
                        strlen(dl__tone_lexicon[i].word)));
    T_OK(dl__buf_append(&b, i % 20 == 19 ? ".\n" : " ", i % 20 == 19 ? 2 : 1));
  }
  for (size_t i = 0; i < DL__COUNTOF(outside); i++) {
    T_OK(dl__buf_append(&b, outside[i], strlen(outside[i])));
    T_OK(dl__buf_append(&b, " ", 1));
  }
  for (int rep = 0; rep < 2; rep++) {
    dl_doc *d = run(b.p);
    size_t lex = 0, bad = 0;
    T_OK(d && d->told && d->told->words_ran);
    if (!d || !d->told) break;
    for (size_t i = 0; i < d->told->words.n_forms; i++) {
      const struct dl__form *f = &d->told->words.forms[i];
      if (f->flags & DL__W_LEX) lex++;
      if (f->valence != 0 && !(f->flags & DL__W_LEX)) bad++;
    }
    T_EQ_INT(bad, 0);
    T_OK(lex > dl__tone_lexicon_len / 2);
    for (size_t i = 0; i < DL__COUNTOF(outside); i++) {
      const struct dl__form *f = form_of(d, outside[i]);
      T_OK(f && !(f->flags & DL__W_LEX) && f->valence == 0);
    }
    dl_doc_destroy(d);
  }
  dl__buf_free(&b);
}

static void t_teardown(void)
{
  dl_annotator_destroy(annot);
  dl_model_destroy(model);
  annot = NULL;
  model = NULL;
}

static const t_case cases[] = {
    {"calendar", t_calendar},
    {"forms", t_forms},
    {"lexicon_flag", t_lexicon_flag},
    {"teardown", t_teardown},
    {NULL, NULL}};

T_MAIN(cases)
