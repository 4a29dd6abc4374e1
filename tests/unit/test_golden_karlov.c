/*
** test_golden_karlov.c -- the facts about the bundled article that must
** hold whatever the stages do (tests/golden/karlov-funeral.json records
** the whole output, which changes with every tokenizer, sentence or NER
** change: regenerate it with `bash tests/cli/golden.sh --update` and
** review the diff; these assertions are what must NOT change):
**
**   - the date is 2016-12-22, with source "text", from the header line;
**   - "Play Facebook" and "Alexei Nikolsky / AP" are clean spans and lie
**     inside no sentence;
**   - the article has between 15 and 25 sentences.
**
** The article is read from examples/karlov-funeral.txt, relative to the
** top of the checkout (tests/run.sh runs from there).
*/
#include "dateline.h"
#include "t.h"

#include <stdbool.h>
#include <stdlib.h>

static char *text;
static size_t text_len;
static dl_model *model;
static dl_annotator *annot;
static dl_doc *doc;

static bool load(void)
{
  FILE *f;
  long n;
  dl_input in;
  if (doc) return true;
  f = fopen("examples/karlov-funeral.txt", "rb");
  if (!f) {
    fprintf(stderr, "examples/karlov-funeral.txt: run from the checkout\n");
    return false;
  }
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
      fseek(f, 0, SEEK_SET) != 0 || !(text = malloc((size_t)n))) {
    fclose(f);
    return false;
  }
  text_len = fread(text, 1, (size_t)n, f);
  fclose(f);
  /* The model of the CLI (NER when built); an empty one otherwise. */
  if (dl_model_load(NULL, NULL, &model, NULL) != DL_OK &&
      dl_model_create_empty(NULL, &model, NULL) != DL_OK)
    return false;
  if (dl_annotator_create(model, &annot, NULL) != DL_OK) return false;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = text_len;
  return dl_annotate(annot, &in, DL_FIELDS_DEFAULT, &doc, NULL) == DL_OK;
}

/* Offset of s in the article, or (size_t)-1. */
static size_t find(const char *s)
{
  size_t n = strlen(s);
  for (size_t i = 0; i + n <= text_len; i++)
    if (memcmp(text + i, s, n) == 0) return i;
  return (size_t)-1;
}

static void t_date(void)
{
  const char *src = NULL, *d;
  T_OK(load());
  d = dl_doc_date(doc, &src);
  T_EQ_STR(d, "2016-12-22");
  T_EQ_STR(src, "text");
}

/* s is one whole clean span (no more, no less) and overlaps no
** sentence. */
static void debris(const char *s, const char *reason)
{
  size_t at, n = strlen(s), i, hits = 0;
  T_OK(load());
  at = find(s);
  T_OK(at != (size_t)-1);
  for (i = 0; i < dl_doc_count(doc, DL_KIND_CLEAN); i++) {
    dl_span sp;
    T_OK(dl_doc_span(doc, DL_KIND_CLEAN, i, &sp) == DL_OK);
    if (sp.start == at && sp.end == at + n) {
      T_EQ_STR(dl_doc_clean_reason(doc, i), reason);
      hits++;
    }
  }
  T_EQ_INT(hits, 1);
  for (i = 0; i < dl_doc_count(doc, DL_KIND_SENTENCE); i++) {
    dl_span sp;
    T_OK(dl_doc_span(doc, DL_KIND_SENTENCE, i, &sp) == DL_OK);
    T_OK(sp.end <= at || sp.start >= at + n);
  }
}

static void t_play_facebook(void) { debris("Play Facebook", "widget"); }
static void t_credit(void) { debris("Alexei Nikolsky / AP", "credit"); }

static void t_sentences(void)
{
  size_t n;
  T_OK(load());
  n = dl_doc_count(doc, DL_KIND_SENTENCE);
  T_OK(n >= 15);
  T_OK(n <= 25);
}

static void t_free(void)
{
  dl_doc_destroy(doc);
  dl_annotator_destroy(annot);
  dl_model_destroy(model);
  free(text);
  doc = NULL;
  T_OK(true);
}

static const t_case cases[] = {
    {"date", t_date},
    {"play_facebook", t_play_facebook},
    {"credit", t_credit},
    {"sentences", t_sentences},
    {"free", t_free},
    {NULL, NULL},
};

T_MAIN(cases)
