/*
** test_tone.c -- the words layer and the tone, themes, keywords and
** summary stages (tone.h): VADER's rules (negation, boosters, "but"),
** GDELT's components, theme context rules, the Karlov article, and bad
** input (no words, a sentence of 100,000 words, a million sentences).
**
** Runs from the top of the checkout. The Karlov cases use the committed
** NER model when models/ner.dlm is there (entity salience helps the
** summary and names the keywords); without it they run on the empty model.
*/
#include "internal.h"
#include "tone.h"
#include "t.h"

#include <math.h>
#include <stdlib.h>

static dl_model *model;
static dl_annotator *annot;
/* The bad-input cases run on the empty model: no tagger to wait for. */
static dl_model *empty_model;
static dl_annotator *empty;
static bool use_empty;

#define TOLD (DL_FIELD_TONE | DL_FIELD_THEMES | DL_FIELD_KEYWORDS | \
              DL_FIELD_SUMMARY | DL_FIELD_SENTENCES)

static bool setup(void)
{
  FILE *f;
  bool have;
  if (use_empty) {
    if (empty) return true;
    return dl_model_create_empty(NULL, &empty_model, NULL) == DL_OK &&
           dl_annotator_create(empty_model, &empty, NULL) == DL_OK;
  }
  if (annot) return true;
  f = fopen("models/ner.dlm", "rb");
  have = f != NULL;
  if (f) fclose(f);
  if (!have || dl_model_load("models", NULL, &model, NULL) != DL_OK) {
    if (dl_model_create_empty(NULL, &model, NULL) != DL_OK) return false;
  }
  return dl_annotator_create(model, &annot, NULL) == DL_OK;
}

static dl_doc *run_n(const char *text, size_t len, uint64_t fields)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  if (!setup()) return NULL;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = len;
  if (dl_annotate(use_empty ? empty : annot, &in, fields, &d, &err) !=
      DL_OK) {
    fprintf(stderr, "annotate: %s\n", err.msg);
    return NULL;
  }
  return d;
}

static dl_doc *run(const char *text)
{
  return run_n(text, strlen(text), TOLD);
}

static double sent_score(const char *text)
{
  dl_doc *d = run(text);
  double v;
  if (!d || !d->told || !d->told->tone_ran || d->n_sentences < 1) {
    dl_doc_destroy(d);
    return NAN;
  }
  v = d->told->tone.sent[0];
  dl_doc_destroy(d);
  return v;
}

static bool has_theme(const dl_doc *d, const char *code)
{
  for (size_t i = 0; d->told && i < d->told->themes.n_hits; i++)
    if (strcmp(dl__themes[d->told->themes.hits[i].theme].code, code) == 0)
      return true;
  return false;
}

/* ====================================================================
** Tables
** ==================================================================== */

static void t_tables(void)
{
  for (size_t i = 1; i < dl__tone_lexicon_len; i++)
    T_OK(strcmp(dl__tone_lexicon[i - 1].word, dl__tone_lexicon[i].word) < 0);
  for (size_t i = 1; i < dl__tone_booster_len; i++)
    T_OK(strcmp(dl__tone_booster[i - 1].word, dl__tone_booster[i].word) < 0);
  for (size_t i = 1; i < dl__tone_negate_len; i++)
    T_OK(strcmp(dl__tone_negate[i - 1], dl__tone_negate[i]) < 0);
  for (size_t i = 1; i < dl__idf_len; i++)
    T_OK(strcmp(dl__idf[i - 1].stem, dl__idf[i].stem) < 0);
  T_OK(dl__tone_lexicon_len > 7000);
  /* The words layer's cache keeps a valence as valence x 10 in an int8
  ** and a booster as its index + 1 in a uint8 (struct dl__cform): every
  ** value must come back exactly. */
  for (size_t i = 0; i < dl__tone_lexicon_len; i++) {
    float v = dl__tone_lexicon[i].v;
    long v10 = lrintf(v * 10.0f);
    T_OK(v10 >= INT8_MIN && v10 <= INT8_MAX);
    T_OK((float)(int8_t)v10 / 10.0f == v);
  }
  T_OK(dl__tone_booster_len < UINT8_MAX);
  T_OK(dl__themes_len >= 150 && dl__themes_len <= 1024);
  for (size_t i = 0; i < dl__themes_len; i++) {
    T_OK(dl__themes[i].terms && dl__themes[i].terms[0]);
    for (size_t j = 0; j < i; j++)
      T_OK(strcmp(dl__themes[i].code, dl__themes[j].code) != 0);
  }
  /* The stop-word list is searched with bsearch. */
  T_OK(dl__told_is_stop("the", 3));
  T_OK(dl__told_is_stop("n't", 3));
  T_OK(dl__told_is_stop("yourselves", 10));
  T_OK(dl__told_is_stop("'s", 2));
  T_OK(!dl__told_is_stop("funeral", 7));
  /* A common stem weighs less than a rare one. */
  T_OK(dl__told_idf(NULL, "the") < dl__told_idf(NULL, "ambassador"));
}

/* ====================================================================
** Tone
** ==================================================================== */

static void t_tone_rules(void)
{
  double good = sent_score("The food was good.");
  double vgood = sent_score("The food was very good.");
  double notgood = sent_score("The food was not good.");
  double didnt = sent_score("The food didn't taste good.");
  double but = sent_score("The food was good, but the service was awful.");
  double bad = sent_score("The service was awful.");
  T_OK(good > 0.3);
  T_OK(vgood > good);           /* booster */
  T_OK(notgood < 0);            /* negation flips */
  T_OK(didnt < 0);              /* the tokenizer's n't negates too */
  T_OK(bad < 0);
  T_OK(but < 0);                /* what follows "but" weighs more */
  T_OK(sent_score("Nothing at all here.") == 0);
  T_OK(sent_score("It is great!!!") > sent_score("It is great."));
}

static void t_tone_components(void)
{
  const char *text = "We love this wonderful city. They hate the awful "
                     "war. We attacked and destroyed the bridge.";
  dl_doc *d = run(text);
  const struct dl__tone *tn;
  T_OK(d && d->told && d->told->tone_ran);
  tn = &d->told->tone;
  T_EQ_INT(tn->words, 16);
  T_OK(tn->positive > 0 && tn->negative > 0);
  T_OK(fabs(tn->tone - (tn->positive - tn->negative)) < 1e-9);
  T_OK(fabs(tn->polarity - (tn->positive + tn->negative)) < 1e-9);
  /* "We", "We": two of 16 words. */
  T_OK(fabs(tn->self_group - 200.0 / 16) < 1e-6);
  /* attacked, destroyed: activity words. */
  T_OK(tn->activity >= 200.0 / 16 - 1e-6);
  T_EQ_INT(d->n_sentences, 3);
  T_OK(tn->sent[0] > 0 && tn->sent[1] < 0);
  dl_doc_destroy(d);
}

/* ====================================================================
** Themes
** ==================================================================== */

static void t_themes_context(void)
{
  dl_doc *d = run("Thousands of workers went on strike over pay on Monday.");
  T_OK(d);
  T_OK(has_theme(d, "LABOUR_STRIKE"));
  dl_doc_destroy(d);
  /* "strike" is weak: no labour context, no hit; "air strike" excludes. */
  d = run("An air strike hit the town on Monday.");
  T_OK(d);
  T_OK(!has_theme(d, "LABOUR_STRIKE"));
  T_OK(has_theme(d, "ARMED_CONFLICT"));
  dl_doc_destroy(d);
  /* "opened fire" is not a fire. */
  d = run("Police opened fire on the crowd.");
  T_OK(d);
  T_OK(!has_theme(d, "FIRE"));
  T_OK(has_theme(d, "SHOOTING"));
  dl_doc_destroy(d);
  /* Stemmed: "assassinated", "funerals", multi-word "military honours". */
  d = run("The envoy was assassinated. Two funerals were held with "
          "military honours.");
  T_OK(d);
  T_OK(has_theme(d, "ASSASSINATION"));
  T_OK(has_theme(d, "FUNERAL"));
  T_OK(has_theme(d, "MILITARY_HONOURS"));
  T_OK(has_theme(d, "DIPLOMACY"));
  {
    /* Each hit's span is the words matched. */
    const struct dl__themes *th = &d->told->themes;
    bool found = false;
    for (size_t i = 0; i < th->n_hits; i++) {
      if (strcmp(dl__themes[th->hits[i].theme].code, "MILITARY_HONOURS"))
        continue;
      T_EQ_MEM(d->text + th->hits[i].start,
               th->hits[i].end - th->hits[i].start, "military honours");
      found = true;
    }
    T_OK(found);
  }
  dl_doc_destroy(d);
}

/* ====================================================================
** Summary and keywords
** ==================================================================== */

static void t_summary_order(void)
{
  const char *text =
      "Flood waters rose across the valley on Monday.\n\n"
      "The flood forced thousands of families from their homes in the "
      "valley.\n\n"
      "A local bakery celebrated its anniversary with free cakes.\n\n"
      "Rescue teams used boats to reach families trapped by the flood "
      "waters.\n\n"
      "Officials said the flood waters would recede by Friday.\n\n"
      "The weather in the valley is expected to improve.\n";
  dl_doc *d = run(text);
  const struct dl__summary *sm;
  T_OK(d && d->told && d->told->summary_ran);
  sm = &d->told->summary;
  T_EQ_INT(sm->n, 3);
  for (size_t k = 1; k < sm->n; k++) T_OK(sm->sent[k - 1] < sm->sent[k]);
  /* The off-topic bakery sentence is not in it. */
  for (size_t k = 0; k < sm->n; k++) T_OK(sm->sent[k] != 2);
  T_OK(d->told->keywords.n > 0);
  dl_doc_destroy(d);
}

static void t_summary_option(void)
{
  dl_options opt;
  dl_model *m;
  dl_annotator *an;
  dl_doc *d;
  dl_input in;
  const char *text = "One sentence about rivers and floods here. Another "
                     "sentence about rivers and rain here. A third "
                     "sentence about floods and rain there. A fourth one "
                     "about rain.";
  memset(&opt, 0, sizeof opt);
  opt.summary_sentences = 1;
  T_OK(dl_model_create_empty(&opt, &m, NULL) == DL_OK);
  T_OK(dl_annotator_create(m, &an, NULL) == DL_OK);
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  T_OK(dl_annotate(an, &in, DL_FIELD_SUMMARY, &d, NULL) == DL_OK);
  T_EQ_INT(d->told->summary.n, 1);
  dl_doc_destroy(d);
  dl_annotator_destroy(an);
  dl_model_destroy(m);
}

/* Keywords are noun phrases and names: with a word-class lexicon in the
** model folder, verbs and adverbs are never keywords and a phrase ends
** with its noun. The lexicon is written here, so the case does not depend
** on models/. */
static bool write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  if (!f) return false;
  fputs(text, f);
  return fclose(f) == 0;
}

static void t_keywords_class(void)
{
  char dir[] = "/tmp/dl_told_testXXXXXX", path[64];
  dl_model *m = NULL;
  dl_annotator *an = NULL;
  dl_doc *d = NULL;
  dl_input in;
  dl_error err;
  const char *text =
      "The new minister announced sweeping new taxes on Monday.\n\n"
      "The minister quickly announced a new budget for the ministry.\n\n"
      "Critics announced protests against the new taxes and the budget.\n\n"
      "The minister quickly defended the new budget and the taxes.\n";
  bool minister = false;
  if (!mkdtemp(dir)) return;
  snprintf(path, sizeof path, "%s/wordclass.tsv", dir);
  T_OK(write_file(path, "# test lexicon\nannounced\tV\ndefended\tV\n"
                        "new\tA\nquickly\tR\nsweeping\tAV\n"));
  T_EQ_INT(dl_model_load(dir, NULL, &m, &err), DL_OK);
  T_OK(strstr(dl_model_resources(m), "wordclass") != NULL);
  T_OK(dl_annotator_create(m, &an, NULL) == DL_OK);
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  T_OK(dl_annotate(an, &in, DL_FIELD_KEYWORDS, &d, NULL) == DL_OK);
  T_OK(d && d->told && d->told->keywords.n > 0);
  for (size_t i = 0; d && i < d->told->keywords.n; i++) {
    const char *kw = d->told->keywords.kw[i].text;
    size_t n = strlen(kw);
    T_OK(!strstr(kw, "announced") && !strstr(kw, "quickly") &&
         !strstr(kw, "defended"));
    /* "new" and "sweeping" only qualify a noun: never a phrase's end. */
    T_OK(!(n >= 3 && strcmp(kw + n - 3, "new") == 0));
    T_OK(!(n >= 8 && strcmp(kw + n - 8, "sweeping") == 0));
    if (strstr(kw, "minister")) minister = true;
  }
  T_OK(minister);
  dl_doc_destroy(d);
  dl_annotator_destroy(an);
  dl_model_destroy(m);
  /* A malformed lexicon is an error naming the file and line. */
  T_OK(write_file(path, "new\tA\nquickly\tQ\n"));
  m = NULL;
  T_EQ_INT(dl_model_load(dir, NULL, &m, &err), DL_ERR_FORMAT);
  T_OK(m == NULL && strstr(err.msg, "wordclass.tsv:2"));
  T_OK(write_file(path, "quickly\tR\nnew\tA\n"));
  T_EQ_INT(dl_model_load(dir, NULL, &m, &err), DL_ERR_FORMAT);
  remove(path);
  remove(dir);
}

/* Corpus-level IDF: a model folder's idf.tsv replaces the built-in table,
** so a word every document of the caller's corpus uses weighs little. */
/* Month and weekday names are dates, not topics: capitalized outside a
** name they are no keyword words (DL__W_CAL), however often they recur. */
static void t_keywords_calendar(void)
{
  const char *text =
      "The council met on Tuesday to discuss the bridge in December.\n\n"
      "In December the council said the bridge would open in December.\n\n"
      "On Tuesday and again in December, residents asked the council about "
      "the bridge and its December opening.\n";
  dl_doc *d = run(text);
  bool council = false;
  T_OK(d && d->told && d->told->keywords.n > 0);
  for (size_t i = 0; d && i < d->told->keywords.n; i++) {
    const char *kw = d->told->keywords.kw[i].text;
    T_OK(!strstr(kw, "December") && !strstr(kw, "Tuesday"));
    if (strstr(kw, "council")) council = true;
  }
  T_OK(council);
  dl_doc_destroy(d);
}

static void t_corpus_idf(void)
{
  char dir[] = "/tmp/dl_told_idfXXXXXX", path[64];
  dl_model *m = NULL;
  dl_annotator *an = NULL;
  dl_doc *d = NULL;
  dl_input in;
  dl_error err;
  const char *text = "The minister presented the budget. The minister "
                     "defended the budget.";
  float idf_min = -1, idf_bud = -1;
  if (!mkdtemp(dir)) return;
  snprintf(path, sizeof path, "%s/idf.tsv", dir);
  T_OK(write_file(path, "# test\ndocuments\t1000\nbudget\t2\nminist\t1000\n"));
  T_EQ_INT(dl_model_load(dir, NULL, &m, &err), DL_OK);
  T_OK(strstr(dl_model_resources(m), "idf") != NULL);
  T_OK(dl_annotator_create(m, &an, NULL) == DL_OK);
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  T_OK(dl_annotate(an, &in, DL_FIELD_KEYWORDS, &d, NULL) == DL_OK);
  for (size_t i = 0; d && i < d->n_tokens; i++) {
    uint32_t f = dl__told_form(d, i);
    const char *w = d->text + d->tokens[i].start;
    if (f == UINT32_MAX) continue;
    if (strncmp(w, "minister", 8) == 0)
      idf_min = d->told->words.stems[d->told->words.forms[f].stem].idf;
    if (strncmp(w, "budget", 6) == 0)
      idf_bud = d->told->words.stems[d->told->words.forms[f].stem].idf;
  }
  /* log((N + 1) / (df + 0.5)) with the file's counts. */
  T_OK(fabsf(idf_min - (float)log(1001.0 / 1000.5)) < 1e-4f);
  T_OK(fabsf(idf_bud - (float)log(1001.0 / 2.5)) < 1e-4f);
  /* The built-in table says otherwise for "minist". */
  T_OK(fabsf(dl__told_idf(NULL, "minist") - idf_min) > 0.5f);
  dl_doc_destroy(d);
  dl_annotator_destroy(an);
  dl_model_destroy(m);
  T_OK(write_file(path, "budget\t2\n"));
  m = NULL;
  T_EQ_INT(dl_model_load(dir, NULL, &m, &err), DL_ERR_FORMAT);
  T_OK(write_file(path, "documents\t10\nminist\t3\nbudget\t2\n"));
  T_EQ_INT(dl_model_load(dir, NULL, &m, &err), DL_ERR_FORMAT);
  remove(path);
  remove(dir);
}

/* ====================================================================
** The Karlov article
** ==================================================================== */

static bool summary_has(const dl_doc *d, const char *word)
{
  const struct dl__summary *sm = &d->told->summary;
  size_t n = strlen(word);
  for (size_t k = 0; k < sm->n; k++) {
    const dl__sentence *s = &d->sentences[sm->sent[k]];
    for (size_t i = s->start; i + n <= s->end; i++)
      if (memcmp(d->text + i, word, n) == 0) return true;
  }
  return false;
}

static void t_karlov(void)
{
  size_t len;
  char *text = t_read_file("examples/karlov-funeral.txt", &len);
  dl_doc *d;
  char *json = NULL;
  T_OK(text);
  d = run_n(text, len, DL_FIELDS_DEFAULT);
  free(text);
  T_OK(d && d->told);
  /* Negative tone. */
  T_OK(d->told->tone.tone < 0);
  T_OK(d->told->tone.negative > d->told->tone.positive);
  /* Themes. */
  T_OK(has_theme(d, "ASSASSINATION") || has_theme(d, "TERROR"));
  T_OK(has_theme(d, "ASSASSINATION"));
  T_OK(has_theme(d, "TERROR"));
  T_OK(has_theme(d, "FUNERAL"));
  T_OK(has_theme(d, "DIPLOMACY"));
  T_OK(has_theme(d, "MILITARY_HONOURS"));
  /* The summary names the funeral, Putin and Karlov. */
  T_EQ_INT(d->told->summary.n, 3);
  T_OK(summary_has(d, "funeral"));
  T_OK(summary_has(d, "Putin"));
  T_OK(summary_has(d, "Karlov"));
  /* Keywords: Karlov among the first three. */
  {
    const struct dl__keywords *K = &d->told->keywords;
    bool karlov = false;
    T_OK(K->n >= 3);
    for (size_t i = 0; i < 3; i++)
      if (strstr(K->kw[i].text, "Karlov")) karlov = true;
    T_OK(karlov);
    T_OK(K->kw[0].score == 1.0);
  }
  /* The record carries the four fields. */
  T_OK(dl_doc_to_json(d, 0, DL_FIELDS_DEFAULT, &json, NULL) == DL_OK);
  T_OK(strstr(json, "\"tone\":{\"tone\":-"));
  T_OK(strstr(json, "\"theme\":\"FUNERAL\""));
  T_OK(strstr(json, "\"keywords\":[{"));
  T_OK(strstr(json, "\"summary\":[{\"sentence\":"));
  dl_free(json);
  dl_doc_destroy(d);
}

/* ====================================================================
** Bad input: bounded time, no crash
** ==================================================================== */

static void t_no_words(void)
{
  const char *texts[] = {"... --- !!! ???", "1 2 3 4 5.", "\xe2\x80\x94",
                         "?"};
  use_empty = true;
  for (size_t i = 0; i < DL__COUNTOF(texts); i++) {
    dl_doc *d = run(texts[i]);
    char *json = NULL;
    T_OK(d);
    T_OK(d->told && d->told->tone.words == 0);
    T_EQ_INT(d->told->summary.n, 0);
    T_EQ_INT(d->told->keywords.n, 0);
    T_OK(dl_doc_to_json(d, 0, TOLD, &json, NULL) == DL_OK);
    T_OK(strstr(json, "\"summary\":[]"));
    dl_free(json);
    dl_doc_destroy(d);
  }
}

static void t_long_sentence(void)
{
  /* One sentence of 100,000 words (the sentence splitter forces breaks
  ** at max_sentence_tokens; the stages see those sentences). */
  size_t n = 100000, len = 0;
  char *text = malloc(n * 12 + 2);
  static const char *const words[] = {"war ", "peace ", "funeral ",
                                      "good ", "not ", "very ", "river ",
                                      "ambassador "};
  dl_doc *d;
  use_empty = true;
  T_OK(text);
  for (size_t i = 0; i < n; i++) {
    const char *w = words[(i * 7 + i / 3) % DL__COUNTOF(words)];
    memcpy(text + len, w, strlen(w));
    len += strlen(w);
  }
  text[len++] = '.';
  d = run_n(text, len, TOLD);
  free(text);
  T_OK(d && d->told);
  T_EQ_INT(d->told->tone.words, 100000);
  T_OK(d->told->summary.n >= 1);
  T_OK(d->told->keywords.n >= 1);
  T_OK(has_theme(d, "FUNERAL"));
  dl_doc_destroy(d);
}

static void t_million_sentences(void)
{
  /* A million short sentences: the summary graph is windowed and
  ** capped, the keyword graph capped; everything else is linear. */
  size_t n = 1000000, len = 0;
  static const char s[] = "Troops fired rockets. ";
  char *text = malloc(n * (sizeof s - 1) + 1);
  dl_doc *d;
  use_empty = true;
  T_OK(text);
  for (size_t i = 0; i < n; i++) {
    memcpy(text + len, s, sizeof s - 1);
    len += sizeof s - 1;
  }
  d = run_n(text, len, TOLD);
  free(text);
  T_OK(d && d->told);
  T_EQ_INT(d->n_sentences, n);
  T_EQ_INT(d->told->tone.words, 3 * n);
  /* All alike: the first is taken, the rest repeat it. */
  T_EQ_INT(d->told->summary.n, 1);
  T_OK(has_theme(d, "MILITARY_WEAPONS"));
  dl_doc_destroy(d);
}

/* The compact JSON pieces (tone_json.c) write what the writer writes:
** each number either comes out as dl__jw_double(v, 3)'s bytes or is
** left to it (NULL), never different bytes; likewise spans and strings. */
static void t_json_pieces(void)
{
  static const double fixed[] = {0, -0.0, 0.5, -0.5, 0.0005, -0.0005,
                                 0.0004, -0.0004, 1, -1, 0.001, 0.0015,
                                 2.5, 12.3456, -7.9995, 100.1, 0.25,
                                 1e11, 999999999.9996, 1e13, 1e300,
                                 INFINITY, -INFINITY, NAN, 0.1 + 0.2,
                                 /* integer parts of 2-10 digits and over
                                 ** 2^32, trailing zeros to trim */
                                 10.5, -99.01, 4294967295.125,
                                 4294967296.25, -123456789012.5, 0.1,
                                 0.12, 1234.0, -0.0001, 0.9995, 5e14};
  uint64_t x = 88172645463325252ull;
  int fast = 0;
  for (int i = 0; i < 200025; i++) {
    double v;
    char mine[64], *e;
    dl__jw w;
    if (i < (int)DL__COUNTOF(fixed)) {
      v = fixed[i];
    } else { /* xorshift: scores, tones and a few wider values */
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      v = ((double)(x >> 11) / 0x1p53 - 0.5) * (i % 3 ? 2.0 : 300.0);
      if (i % 7 == 0) v = (float)v;
      if (i % 11 == 0) v = round(v * 2000.0) / 2000.0; /* ties */
    }
    dl__jw_init(&w, NULL, false);
    dl__jw_double(&w, v, 3);
    e = dl__told_json_num3(mine, v);
    if (e) {
      fast++;
      *e = 0;
      if (strcmp(mine, w.b.p) != 0) {
        T_EQ_STR(mine, w.b.p);
      }
    }
    dl__jw_free(&w);
  }
  T_OK(fast > 190000);
  /* Wider values: every integer part length the writer prints. */
  for (int i = 0; i < 20000; i++) {
    double v;
    char mine[64], *e;
    dl__jw w;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    v = ((double)(x >> 11) / 0x1p53 - 0.5) * pow(10.0, (double)(i % 15));
    dl__jw_init(&w, NULL, false);
    dl__jw_double(&w, v, 3);
    e = dl__told_json_num3(mine, v);
    if (e) {
      *e = 0;
      if (strcmp(mine, w.b.p) != 0) T_EQ_STR(mine, w.b.p);
    }
    dl__jw_free(&w);
  }
  {
    char buf[128], *e;
    dl__jw w;
    dl__jw_init(&w, NULL, false);
    dl__jw_span(NULL, &w, 0, 0, 4294967295u);
    e = dl__told_json_span(buf, 0, 4294967295u);
    *e = 0;
    T_EQ_STR(buf, w.b.p);
    /* Every digit count and its bounds, and random offsets: the bytes of
    ** the writer's span. */
    {
      uint32_t y = 2463534242u;
      for (int i = 0; i < 20000; i++) {
        uint32_t s0, e0;
        char mine[64];
        dl__jw w2;
        if (i < 40) {
          static const uint32_t p10[] = {1u,         10u,        100u,
                                         1000u,      10000u,     100000u,
                                         1000000u,   10000000u,  100000000u,
                                         1000000000u};
          s0 = p10[i % 10] - (uint32_t)(i / 10 % 2);
          e0 = i < 20 ? p10[i % 10] : 4294967295u - (uint32_t)i;
        } else {
          y ^= y << 13, y ^= y >> 17, y ^= y << 5;
          s0 = y >> (y % 32);
          y ^= y << 13, y ^= y >> 17, y ^= y << 5;
          e0 = y >> (y % 32);
        }
        dl__jw_init(&w2, NULL, false);
        dl__jw_span(NULL, &w2, 0, s0, e0);
        e = dl__told_json_span(mine, s0, e0);
        *e = 0;
        if (strcmp(mine, w2.b.p) != 0) T_EQ_STR(mine, w2.b.p);
        dl__jw_free(&w2);
      }
    }
    /* The themes' writer copies codes and labels without the escape test:
    ** every one of the taxonomy's must need none. */
    for (size_t i = 0; i < dl__themes_len; i++) {
      size_t cl = strlen(dl__themes[i].code), ll = strlen(dl__themes[i].label);
      T_EQ_INT((long long)dl__json_safe_len(dl__themes[i].code, cl),
               (long long)cl);
      T_EQ_INT((long long)dl__json_safe_len(dl__themes[i].label, ll),
               (long long)ll);
    }
    /* The writers' buffers leave DL__TOLD_JSON_SPAN a span and comma. */
    e = dl__told_json_span(buf, 4294967295u, 4294967295u);
    T_OK(e - buf + 1 <= DL__TOLD_JSON_SPAN);
    dl__jw_free(&w);
    e = dl__told_json_plain(buf, "Company results", 15);
    T_OK(e != NULL);
    *e = 0;
    T_EQ_STR(buf, "\"Company results\"");
    T_OK(dl__told_json_plain(buf, "a\"b", 3) == NULL);
    T_OK(dl__told_json_plain(buf, "caf\xc3\xa9", 5) == NULL);
    T_OK(dl__told_json_plain(buf, "a\\b", 3) == NULL);
    T_OK(dl__told_json_plain(buf, "a\nb", 3) == NULL);
    T_OK(dl__told_json_plain(buf, "abc\"defghijkl", 13) == NULL);
    T_OK(dl__told_json_plain(buf, "abcdefghijk\x1f", 12) == NULL);
    T_OK(dl__told_json_plain(buf, "ab\x7f\x80" "defghijkl", 13) == NULL);
    T_OK(dl__told_json_plain(buf, "abcdefgh\\jkl", 12) == NULL);
    T_OK(dl__told_json_plain(buf, "a\x01" "cdefghijkl", 11) == NULL);
    e = dl__told_json_plain(buf, "~ !#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}", 41);
    T_OK(e != NULL);
    e = dl__json_uint(buf, 18446744073709551615ull);
    *e = 0;
    T_EQ_STR(buf, "18446744073709551615");
  }
}

/* dl__told_json_float3 gives dl__jw_double(w, v, 3)'s bytes for every
** float it writes: the thousandths and a few ulps either side (ties and
** near ties), random scores and wider values, signed zeros, tiny
** negatives (-0.000 -> 0); NULL only for exact ties and non-finite or
** huge values. */
static void t_json_float3(void)
{
  uint64_t x = 88172645463325252ull;
  long fast = 0, total = 0;
  for (int i = 0; i < 400000; i++) {
    float v;
    char mine[64], *e;
    dl__jw w;
    if (i < 2001 * 9) {
      int k = i / 9 - 1000, u = i % 9 - 4;
      v = (float)k / 1000.0f;
      for (; u > 0; u--) v = nextafterf(v, 2.0f);
      for (; u < 0; u++) v = nextafterf(v, -2.0f);
      if (i % 2) v = (float)((double)k / 1000.0 + 0.0005); /* ties */
    } else {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      v = (float)(((double)(x >> 11) / 0x1p53 - 0.5) *
                  (i % 5 ? 2.0 : pow(10.0, (double)(i % 13))));
      if (i % 17 == 0) v = (float)((double)(x >> 40) * 1e-12) * -1.0f;
    }
    dl__jw_init(&w, NULL, false);
    dl__jw_double(&w, v, 3);
    e = dl__told_json_float3(mine, v);
    total++;
    if (e) {
      fast++;
      *e = 0;
      if (strcmp(mine, w.b.p) != 0) T_EQ_STR(mine, w.b.p);
    } else {
      double t = fabs((double)v) * 1000.0;
      T_OK(t - floor(t) == 0.5 || !(t < 0x1p52));
    }
    dl__jw_free(&w);
  }
  T_OK(fast > total - 20000);
  {
    static const float sp[] = {0.0f, -0.0f, -1e-30f, 1e-30f, -0.0004f,
                               1.0f, -1.0f, 0.5f, -0.05f, 0.001f};
    static const char *const want[] = {"0", "0", "0", "0", "0",
                                       "1", "-1", "0.5", "-0.05", "0.001"};
    for (size_t k = 0; k < DL__COUNTOF(sp); k++) {
      char mine[64], *e = dl__told_json_float3(mine, sp[k]);
      T_OK(e != NULL);
      if (e) {
        *e = 0;
        T_EQ_STR(mine, want[k]);
      }
    }
    T_OK(dl__told_json_float3((char[64]){0}, NAN) == NULL);
    T_OK(dl__told_json_float3((char[64]){0}, INFINITY) == NULL);
    T_OK(dl__told_json_float3((char[64]){0}, -INFINITY) == NULL);
    T_OK(dl__told_json_float3((char[64]){0}, 1e30f) == NULL);
  }
}

/* A value begun in the writer's buffer and taken back leaves the writer
** as it was: the value written after it has the comma it would have had. */
static void t_json_undo(void)
{
  static const char *const want[] = {"[1,2]", "[5]", "{\"a\":3}"};
  for (int c = 0; c < 3; c++) {
    dl__jw w;
    dl__told_json_mark m;
    char *p;
    dl__jw_init(&w, NULL, false);
    if (c == 2) {
      dl__jw_obj_begin(&w);
      dl__jw_key(&w, "a");
    } else {
      dl__jw_arr_begin(&w);
      if (c == 0) dl__jw_uint(&w, 1);
    }
    m = dl__told_json_mark_of(&w);
    p = dl__told_json_begin(&w, 100);
    T_OK(p != NULL);
    memcpy(p, "{\"x\":", 5);
    dl__told_json_end(&w, p + 5);
    dl__told_json_undo(&w, m);
    dl__jw_uint(&w, c == 0 ? 2 : c == 1 ? 5 : 3);
    if (c == 2)
      dl__jw_obj_end(&w);
    else
      dl__jw_arr_end(&w);
    T_EQ_STR(w.b.p, want[c]);
    dl__jw_free(&w);
  }
}

static void t_teardown(void)
{
  dl_annotator_destroy(annot);
  dl_model_destroy(model);
  dl_annotator_destroy(empty);
  dl_model_destroy(empty_model);
  annot = NULL;
  model = NULL;
  empty = NULL;
  empty_model = NULL;
}

static const t_case cases[] = {
    {"tables", t_tables},
    {"tone_rules", t_tone_rules},
    {"tone_components", t_tone_components},
    {"themes_context", t_themes_context},
    {"summary_order", t_summary_order},
    {"summary_option", t_summary_option},
    {"keywords_class", t_keywords_class},
    {"keywords_calendar", t_keywords_calendar},
    {"corpus_idf", t_corpus_idf},
    {"karlov", t_karlov},
    {"no_words", t_no_words},
    {"long_sentence", t_long_sentence},
    {"million_sentences", t_million_sentences},
    {"json_pieces", t_json_pieces},
    {"json_undo", t_json_undo},
    {"json_float3", t_json_float3},
    {"teardown", t_teardown},
    {NULL, NULL}};

T_MAIN(cases)
