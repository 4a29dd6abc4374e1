/*
** test_quote.c -- the quote stage: every news quoting style, cues,
** speakers (names, title nouns, pronouns, inherited), the Karlov article,
** and bad input (unbalanced marks, a mark in every word, a 1 MB quote,
** nesting ten deep).
**
** Runs from the top of the checkout (tests/run.sh does). The model is
** models/ (DATELINE_MODEL_DIR); cases whose speakers are names need the
** NER model: when models/ner.dlm is absent they print a note and skip
** the name and entity checks (quote spans, kinds and cues are still
** checked).
*/
#include "internal.h"
#include "quote.h"
#include "t.h"

#include <stdlib.h>
#include <time.h>

static dl_model *model;
static dl_annotator *annot;
static bool have_ner;

static bool setup(void)
{
  FILE *f;
  if (annot) return true;
  f = fopen("models/ner.dlm", "rb");
  have_ner = f != NULL;
  if (f) fclose(f);
  if (dl_model_load(have_ner ? "models" : NULL, NULL, &model, NULL) !=
          DL_OK &&
      dl_model_create_empty(NULL, &model, NULL) != DL_OK)
    return false;
  return dl_annotator_create(model, &annot, NULL) == DL_OK;
}

static dl_doc *run(const char *text, size_t len)
{
  dl_input in;
  dl_doc *d = NULL;
  if (!setup()) return NULL;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = len;
  if (dl_annotate(annot, &in, DL_FIELD_QUOTES | DL_FIELD_ENTITIES, &d,
                  NULL) != DL_OK)
    return NULL;
  return d;
}

static dl_doc *ann(const char *text) { return run(text, strlen(text)); }

/* The quote whose text is exactly s, or NULL. */
static const dl__quote *quote(const dl_doc *d, const char *s)
{
  size_t n = strlen(s);
  for (size_t i = 0; i < d->n_quotes; i++) {
    const dl__quote *q = &d->quotes[i];
    if (q->end - q->start == n && memcmp(d->text + q->start, s, n) == 0)
      return q;
  }
  return NULL;
}

static const char *kind(const dl__quote *q)
{
  static const char *const k[] = {"direct", "partial", "indirect"};
  return q ? k[q->kind % 3] : "(none)";
}

/* The speaker span's text (a static buffer), "" when none. */
static const char *spk(const dl_doc *d, const dl__quote *q)
{
  static char buf[128];
  size_t n;
  buf[0] = 0;
  if (!q || !q->spk_end) return buf;
  n = DL__MIN(q->spk_end - q->spk_start, sizeof buf - 1);
  memcpy(buf, d->text + q->spk_start, n);
  buf[n] = 0;
  return buf;
}

static const char *cue(const dl_doc *d, const dl__quote *q)
{
  static char buf[64];
  size_t n;
  buf[0] = 0;
  if (!q || !q->cue_end) return buf;
  n = DL__MIN(q->cue_end - q->cue_start, sizeof buf - 1);
  memcpy(buf, d->text + q->cue_start, n);
  buf[n] = 0;
  return buf;
}

/* The entity name a quote's speaker links to, or "". */
static const char *ent(const dl_doc *d, const dl__quote *q)
{
  if (!q || q->spk_entity == UINT32_MAX || q->spk_entity >= d->n_entities)
    return "";
  return d->entities[q->spk_entity].name;
}

/* ====================================================================
** Tables
** ==================================================================== */

static void t_tables_sorted(void)
{
  for (size_t i = 1; i < dl__quote_cue_count; i++)
    T_OK(strcmp(dl__quote_cues[i - 1].form, dl__quote_cues[i].form) < 0);
  for (size_t i = 1; i < dl__quote_noun_count; i++)
    T_OK(strcmp(dl__quote_nouns[i - 1], dl__quote_nouns[i]) < 0);
  for (size_t i = 1; i < dl__quote_name_count; i++)
    T_OK(strcmp(dl__quote_names[i - 1].name, dl__quote_names[i].name) < 0);
  T_EQ_STR(dl__quote_cue_find("Said", 4)->lemma, "say");
  T_EQ_STR(dl__quote_cue_find("told", 4)->lemma, "tell");
  T_OK(dl__quote_cue_find("table", 5) == NULL);
  T_OK(dl__quote_noun_find("spokesman", 9));
  T_EQ_INT(dl__quote_name_sex("Mary", 4), 'F');
  T_EQ_INT(dl__quote_name_sex("vladimir", 8), 'M');
  T_EQ_INT(dl__quote_name_sex("Xyzzy", 5), 0);
}

/* ====================================================================
** Quoting styles
** ==================================================================== */

static void t_curly_after(void)
{
  dl_doc *d = ann("The minister spoke on Monday.\n\n"
                  "\xE2\x80\x9CWe will not give up,\xE2\x80\x9D the "
                  "minister said.\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "We will not give up");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(cue(d, q), "said");
  T_EQ_STR(q->cue_lemma, "say");
  T_EQ_STR(spk(d, q), "the minister");
  T_OK(q->spk_entity == UINT32_MAX);
  T_EQ_STR(q->spk_name, "the minister");
  dl_doc_destroy(d);
}

static void t_straight_before(void)
{
  dl_doc *d = ann("A Kremlin spokesman told reporters: \"There will be no "
                  "talks this week.\"\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "There will be no talks this week.");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(cue(d, q), "told");
  T_EQ_STR(spk(d, q), "A Kremlin spokesman");
  dl_doc_destroy(d);
}

static void t_ptb_quotes(void)
{
  dl_doc *d = ann("``It is a sad day for all of us,'' she said.\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "It is a sad day for all of us");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(spk(d, q), "she");
  dl_doc_destroy(d);
}

static void t_single_inside_double(void)
{
  dl_doc *d = ann("\"They kept shouting 'down with the government' all "
                  "night,\" a witness said.\n");
  const dl__quote *q;
  T_OK(d != NULL);
  T_EQ_INT(d->n_quotes, 1);
  q = quote(d, "They kept shouting 'down with the government' all night");
  T_OK(q != NULL);
  T_EQ_STR(spk(d, q), "a witness");
  dl_doc_destroy(d);
}

static void t_interrupted(void)
{
  /* Two quotes, one per quoted part, with the same cue and speaker. */
  dl_doc *d = ann("\"We must know,\" the president said, \"who directed "
                  "the killer's hand.\"\n");
  const dl__quote *a, *b;
  T_OK(d != NULL);
  a = quote(d, "We must know");
  b = quote(d, "who directed the killer's hand.");
  T_OK(a != NULL && b != NULL);
  T_EQ_STR(kind(a), "direct");
  T_EQ_STR(kind(b), "direct");
  T_EQ_INT(a->cue_start, b->cue_start);
  T_EQ_INT(a->spk_start, b->spk_start);
  T_EQ_STR(spk(d, b), "the president");
  dl_doc_destroy(d);
}

static void t_multi_paragraph(void)
{
  /* An opening mark at each paragraph, a closing one only at the last. */
  dl_doc *d = ann("\"The first part of what I want to say is this.\n\n"
                  "\"And the second part goes on from there,\" the "
                  "spokeswoman said.\n\n"
                  "Other news followed in the next paragraph.\n");
  const dl__quote *q;
  T_OK(d != NULL);
  T_EQ_INT(d->n_quotes, 1);
  q = &d->quotes[0];
  T_OK(q->start == 1);
  T_OK(strstr(d->text + q->end - 10, "from there") != NULL);
  T_EQ_STR(spk(d, q), "the spokeswoman");
  dl_doc_destroy(d);
}

static void t_partial(void)
{
  dl_doc *d = ann("The spokeswoman said the attack had been \"a despicable "
                  "terrorist act\" and vowed revenge.\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "a despicable terrorist act");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "partial");
  T_EQ_STR(cue(d, q), "said");
  T_EQ_STR(spk(d, q), "The spokeswoman");
  dl_doc_destroy(d);
}

static void t_scare_quotes(void)
{
  /* A short quoted phrase without a cue is a title or a scare quote. */
  dl_doc *d = ann("The so-called \"peace plan\" was published on Monday. "
                  "Critics read \"The Art of the Deal\" again.\n");
  T_OK(d != NULL);
  T_EQ_INT(d->n_quotes, 0);
  dl_doc_destroy(d);
}

static void t_indirect(void)
{
  dl_doc *d = ann("The police chief said that the roads would stay closed "
                  "until Friday.\n\n"
                  "The bridge was badly damaged, officials said.\n\n"
                  "According to the mayor, the repairs will take a month.\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "the roads would stay closed until Friday");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "indirect");
  T_EQ_STR(spk(d, q), "The police chief");
  q = quote(d, "The bridge was badly damaged");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "indirect");
  T_EQ_STR(spk(d, q), "officials");
  q = quote(d, "the repairs will take a month");
  T_OK(q != NULL);
  T_EQ_STR(cue(d, q), "According to");
  T_EQ_STR(spk(d, q), "the mayor");
  dl_doc_destroy(d);
}

static void t_indirect_more(void)
{
  /* Poll shares, a long "according to" source, a cue joined by "and", an
  ** -ing cue after a comma, a hearer phrase before "that", and "..., said
  ** he ..." which is not "clause, said X". */
  dl_doc *d = ann("Around that time, 47 percent said they would vote for "
                  "the governor.\n\n"
                  "The governor leads by 271 delegates, according to a count "
                  "by the state party.\n\n"
                  "The mayor visited the site and said the repairs would "
                  "take a month.\n\n"
                  "The senator criticized the media on Thursday, saying they "
                  "were missing the larger truth.\n\n"
                  "The chairman told a lunch group of donors that the plan "
                  "remains firm.\n\n"
                  "The mayor, who visited the site on Monday, said he would "
                  "return soon.\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "they would vote for the governor");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "indirect");
  T_EQ_STR(spk(d, q), "47 percent");
  q = quote(d, "The governor leads by 271 delegates");
  T_OK(q != NULL);
  T_EQ_STR(cue(d, q), "according to");
  T_EQ_STR(spk(d, q), "a count by the state party");
  q = quote(d, "the repairs would take a month");
  T_OK(q != NULL);
  T_EQ_STR(spk(d, q), "The mayor");
  q = quote(d, "they were missing the larger truth");
  T_OK(q != NULL);
  T_EQ_STR(cue(d, q), "saying");
  T_EQ_STR(spk(d, q), "The senator");
  q = quote(d, "the plan remains firm");
  T_OK(q != NULL);
  T_EQ_STR(spk(d, q), "The chairman");
  q = quote(d, "he would return soon");
  T_OK(q != NULL);
  T_EQ_STR(spk(d, q), "The mayor");
  T_OK(quote(d, "The mayor, who visited the site on Monday") == NULL);
  dl_doc_destroy(d);
  /* Reported questions: the asker, nobody for a passive or a sentence
  ** that opens with "Asked", the "by" phrase. */
  d = ann("The senator asked the witnesses whether the plan had ever been "
          "tested.\n\n"
          "Asked whether he would run again, the mayor said, \"We will "
          "see.\"\n\n"
          "The governor was asked by a reporter why the roads were still "
          "closed.\n");
  T_OK(d != NULL);
  q = quote(d, "whether the plan had ever been tested");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "indirect");
  T_EQ_STR(cue(d, q), "asked");
  T_EQ_STR(spk(d, q), "The senator");
  q = quote(d, "whether he would run again");
  T_OK(q != NULL);
  T_OK(q->spk_end == 0);
  T_OK(quote(d, "We will see.") != NULL);
  q = quote(d, "why the roads were still closed");
  T_OK(q != NULL);
  T_EQ_STR(spk(d, q), "a reporter");
  dl_doc_destroy(d);
}

static void t_pronoun_and_inherit(void)
{
  dl_doc *d = ann("Angela Merkel arrived in Paris on Monday with Emmanuel "
                  "Macron.\n\n"
                  "\"This is a good day for Europe,\" she said.\n\n"
                  "\"We have worked for this moment for many years.\"\n");
  const dl__quote *a, *b;
  T_OK(d != NULL);
  a = quote(d, "This is a good day for Europe");
  b = quote(d, "We have worked for this moment for many years.");
  T_OK(a != NULL && b != NULL);
  T_EQ_STR(spk(d, a), "she");
  /* The paragraph with no cue takes the speaker of the one before. */
  T_EQ_INT(b->spk_start, a->spk_start);
  T_OK(b->cue_end == 0);
  if (!have_ner) {
    printf("note: models/ner.dlm absent; pronoun link check skipped\n");
  } else {
    T_OK(strstr(a->spk_name, "Merkel") != NULL);
  }
  dl_doc_destroy(d);
}

/* A cue-less quotation points at the mention of its speaker closest
** before it (the one PolNeAR marks), not the first one. */
static void t_nearest_mention(void)
{
  dl_doc *d = ann("\"The budget is a disgrace,\" Bernie Sanders said on "
                  "Monday.\n\n"
                  "Sanders then spoke for an hour about trade and jobs.\n\n"
                  "\"We will not stop until the deal is dead.\"\n");
  const dl__quote *a, *b;
  T_OK(d != NULL);
  a = quote(d, "The budget is a disgrace");
  b = quote(d, "We will not stop until the deal is dead.");
  T_OK(a != NULL && b != NULL);
  T_OK(b->cue_end == 0);
  if (!have_ner) {
    printf("note: models/ner.dlm absent; nearest mention check skipped\n");
  } else {
    T_EQ_STR(spk(d, a), "Bernie Sanders");
    T_EQ_STR(spk(d, b), "Sanders");
    T_OK(b->spk_start > a->spk_start);
    T_EQ_INT(b->spk_entity, a->spk_entity);
  }
  dl_doc_destroy(d);
}

/* "X said, according to Y": Y is the source. */
static void t_according_source(void)
{
  dl_doc *d = ann("\"Nobody wants this fight,\" the senator said, according "
                  "to CNN.\n\n"
                  "According to the Associated Press, the mayor said: \"We "
                  "are ready for the storm.\"\n\n"
                  "\"We cannot accept this deal,\" Senator Jane Smith said, "
                  "CNN reported.\n");
  const dl__quote *a, *b, *c;
  T_OK(d != NULL);
  a = quote(d, "Nobody wants this fight");
  b = quote(d, "We are ready for the storm.");
  T_OK(a != NULL && b != NULL);
  T_EQ_STR(cue(d, a), "said");
  T_EQ_STR(spk(d, a), "CNN");
  T_EQ_STR(spk(d, b), "Associated Press");
  c = quote(d, "We cannot accept this deal");
  T_OK(c != NULL);
  if (!have_ner) {
    printf("note: models/ner.dlm absent; reported-by check skipped\n");
  } else {
    T_EQ_STR(spk(d, c), "CNN");
  }
  dl_doc_destroy(d);
}

static void t_title_role(void)
{
  /* A definite title phrase links to the entity holding the role; an
  ** indefinite one ("a ministry spokesman") is someone else. */
  dl_doc *d = ann("Foreign Minister Sergei Lavrov arrived in Ankara on "
                  "Tuesday for talks with Turkish officials.\n\n"
                  "\"We will not let this crime go unpunished,\" the "
                  "foreign minister said.\n\n"
                  "\"The talks will go on as planned,\" a ministry "
                  "spokesman said.\n");
  const dl__quote *a, *b;
  T_OK(d != NULL);
  a = quote(d, "We will not let this crime go unpunished");
  b = quote(d, "The talks will go on as planned");
  T_OK(a != NULL && b != NULL);
  T_EQ_STR(spk(d, a), "the foreign minister");
  T_EQ_STR(spk(d, b), "a ministry spokesman");
  T_OK(b->spk_entity == UINT32_MAX);
  T_EQ_STR(b->spk_name, "a ministry spokesman");
  if (!have_ner) {
    printf("note: models/ner.dlm absent; role link check skipped\n");
  } else {
    T_EQ_STR(ent(d, a), "Sergei Lavrov");
  }
  dl_doc_destroy(d);
}

static void t_unknown_speaker(void)
{
  /* A quotation with no cue and no earlier speaker: speaker null. */
  dl_doc *d = ann("The storm hit the coast overnight.\n\n"
                  "\"Nobody here has ever seen anything like it.\"\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "Nobody here has ever seen anything like it.");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "direct");
  T_OK(q->spk_end == 0 && q->spk_name == NULL);
  T_OK(q->cue_end == 0);
  dl_doc_destroy(d);
}

static void t_signature(void)
{
  /* Reader quotes signed after a dash: the name is the speaker, the
  ** dash no cue; a byline after a quote inside a sentence is not. */
  dl_doc *d = ann("We asked readers what they thought.\n\n"
                  "\xE2\x80\x9CHe represents our greatest shame.\xE2\x80\x9D "
                  "\xE2\x80\x95 Sonya Herridge\n\n"
                  "\xE2\x80\x9CWe work hard and pay our taxes like "
                  "everyone.\xE2\x80\x9D\xE2\x80\x94 Carla Sanchez, 41.\n\n"
                  "The minister said the plan was \"still on track.\""
                  "--Kim Hjelmgaard.\n");
  const dl__quote *a, *b, *c;
  T_OK(d != NULL);
  a = quote(d, "He represents our greatest shame.");
  b = quote(d, "We work hard and pay our taxes like everyone.");
  c = quote(d, "still on track.");
  T_OK(a != NULL && b != NULL && c != NULL);
  T_EQ_STR(kind(a), "direct");
  T_EQ_STR(spk(d, a), "Sonya Herridge");
  T_OK(a->cue_end == 0);
  T_EQ_STR(spk(d, b), "Carla Sanchez");
  T_EQ_STR(kind(c), "partial");
  T_EQ_STR(spk(d, c), "The minister");
  dl_doc_destroy(d);
  /* A fact-check list: the signature is the next paragraph. */
  d = ann("\"I went to Wall Street before the crash and warned them.\"\n\n"
          "- Hillary Clinton.\n\n"
          "Clinton tends to tell this story often.\n");
  T_OK(d != NULL);
  a = quote(d, "I went to Wall Street before the crash and warned them.");
  T_OK(a != NULL);
  T_EQ_STR(spk(d, a), "Hillary Clinton");
  dl_doc_destroy(d);
}

static void t_relative_pronoun(void)
{
  /* "X, who said": the span is the relative pronoun next to the cue
  ** (PolNeAR's Source), the name and entity are X's. */
  dl_doc *d = ann("The plan drew fire from Senator Mike Lee, who declared "
                  "in the spin room, \"It is time to unite behind one "
                  "candidate.\"\n");
  const dl__quote *q;
  T_OK(d != NULL);
  q = quote(d, "It is time to unite behind one candidate.");
  T_OK(q != NULL);
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(cue(d, q), "declared");
  T_EQ_STR(spk(d, q), "who");
  if (!have_ner) {
    printf("note: models/ner.dlm absent; antecedent check skipped\n");
  } else {
    T_OK(strstr(q->spk_name, "Mike Lee") != NULL);
    T_OK(strstr(ent(d, q), "Mike Lee") != NULL);
  }
  dl_doc_destroy(d);
}

static void t_speaker_phrases(void)
{
  /* Speakers after the quote that are not a bare name: a parenthesis
  ** with periods, an abbreviation before a comma, numbers, "and" inside
  ** a noun phrase; and a cue joined to its subject by "and". */
  dl_doc *d = ann("\"There is tremendous energy in these races,\" Rep. Earl "
                  "Blumenauer (D-Ore.) said.\n\n"
                  "\"She did not like that at all,\" said a 2008 Clinton "
                  "veteran.\n\n"
                  "\"North Korea is run by a lunatic,\" the Florida senator "
                  "and Republican presidential candidate said in a "
                  "statement.\n\n"
                  "The senator paused, smiled and said, \"We will see "
                  "about that next week.\"\n");
  const dl__quote *a, *b, *c, *e;
  T_OK(d != NULL);
  a = quote(d, "There is tremendous energy in these races");
  b = quote(d, "She did not like that at all");
  c = quote(d, "North Korea is run by a lunatic");
  e = quote(d, "We will see about that next week.");
  T_OK(a != NULL && b != NULL && c != NULL && e != NULL);
  T_EQ_STR(cue(d, a), "said");
  T_OK(strstr(spk(d, a), "Blumenauer") != NULL);
  T_EQ_STR(cue(d, b), "said");
  T_EQ_STR(spk(d, b), "a 2008 Clinton veteran");
  T_EQ_STR(spk(d, c),
           "the Florida senator and Republican presidential candidate");
  T_EQ_STR(cue(d, e), "said");
  T_EQ_STR(spk(d, e), "The senator");
  dl_doc_destroy(d);
}

static void t_outer_and_parenthetical(void)
{
  /* "X said he believes "..."": the words are X's (the outer cue's
  ** speaker), not the pronoun's; ""..." if she loses, he said.": the
  ** cue after the quotation's sentence goes on; ", he added," stays. */
  dl_doc *d = ann("The analyst said he believes \"there may be some generals "
                  "who agree with him.\"\n\n"
                  "\"It would seal the deal\" if she wins by ten points, the "
                  "analyst said.\n\n"
                  "\"We are ready for the storm,\" the mayor said. Repairs, he "
                  "added, \"will take a month.\"\n");
  const dl__quote *a, *b, *c;
  T_OK(d != NULL);
  a = quote(d, "there may be some generals who agree with him.");
  b = quote(d, "It would seal the deal");
  c = quote(d, "will take a month.");
  T_OK(a != NULL && b != NULL && c != NULL);
  T_EQ_STR(spk(d, a), "The analyst");
  T_EQ_STR(cue(d, b), "said");
  T_EQ_STR(spk(d, b), "the analyst");
  T_EQ_STR(spk(d, c), "he");
  dl_doc_destroy(d);
  /* "..., X said, Y recalled.": the source that reports the words; a
  ** sign that reads. */
  d = ann("\"We were never told about the plan,\" the mayor said, the "
          "newspaper recalled.\n\n"
          "\"Our revolution has only begun,\" read the email.\n");
  T_OK(d != NULL);
  a = quote(d, "We were never told about the plan");
  b = quote(d, "Our revolution has only begun");
  T_OK(a != NULL && b != NULL);
  T_EQ_STR(spk(d, a), "the newspaper");
  T_EQ_STR(cue(d, b), "read");
  T_EQ_STR(spk(d, b), "the email");
  dl_doc_destroy(d);
}

/* ====================================================================
** The Karlov article
** ==================================================================== */

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  long n;
  char *s;
  if (!f) return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
      fseek(f, 0, SEEK_SET) != 0 || !(s = malloc((size_t)n))) {
    fclose(f);
    return NULL;
  }
  *len = fread(s, 1, (size_t)n, f);
  fclose(f);
  return s;
}

static void t_karlov(void)
{
  size_t len;
  char *text = slurp("examples/karlov-funeral.txt", &len);
  dl_doc *d;
  const dl__quote *q;
  T_OK(text != NULL);
  d = run(text, len);
  T_OK(d != NULL);

  q = quote(d, "He will go down in the history of the Fatherland");
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(cue(d, q), "said");
  T_EQ_STR(spk(d, q), "Kirill");

  q = quote(d, "We must know who directed the killer's hand");
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(spk(d, q), "Putin");

  q = quote(d, "a despicable terrorist act");
  T_EQ_STR(kind(q), "partial");
  T_EQ_STR(spk(d, q), "Lavrov");

  /* The gunman shouted both, not Putin: a noun phrase, no entity. */
  q = quote(d, "Allahu Akbar");
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(cue(d, q), "shouted");
  T_EQ_STR(q->spk_name, "a Turkish gunman");
  T_OK(q->spk_entity == UINT32_MAX);
  q = quote(d, "Don't forget Aleppo");
  T_EQ_STR(kind(q), "direct");
  T_EQ_STR(q->spk_name, "a Turkish gunman");
  T_OK(q->spk_entity == UINT32_MAX);

  if (!have_ner) {
    printf("note: models/ner.dlm absent; Karlov speaker links skipped\n");
  } else {
    q = quote(d, "He will go down in the history of the Fatherland");
    T_OK(strstr(ent(d, q), "Kirill") != NULL);
    q = quote(d, "We must know who directed the killer's hand");
    T_EQ_STR(ent(d, q), "Vladimir Putin");
    q = quote(d, "a despicable terrorist act");
    T_EQ_STR(ent(d, q), "Sergei Lavrov");
  }
  dl_doc_destroy(d);
  free(text);
}

/* ====================================================================
** Bad input
** ==================================================================== */

static void t_unbalanced_bounded(void)
{
  /* A missing closing mark: the quote ends with its paragraph. */
  dl_doc *d = ann("\"This sentence never closes its quote, the official "
                  "said on Monday.\n\n"
                  "The second paragraph is reporting, not quotation.\n\n"
                  "So is the third one, which mentions \"a phrase\" too.\n");
  T_OK(d != NULL);
  for (size_t i = 0; i < d->n_quotes; i++) {
    const dl__quote *q = &d->quotes[i];
    T_OK(memchr(d->text + q->start, '\n', q->end - q->start) == NULL);
  }
  dl_doc_destroy(d);
}

static void t_mark_every_word(void)
{
  char *s = malloc(200000);
  size_t n = 0;
  dl_doc *d;
  T_OK(s != NULL);
  while (n + 10 < 200000) {
    memcpy(s + n, "\"word\" ", 7);
    n += 7;
    if (n % 700 == 0) s[n - 1] = '\n';
  }
  d = run(s, n);
  T_OK(d != NULL);
  for (size_t i = 0; i < d->n_quotes; i++)
    T_OK(d->quotes[i].end - d->quotes[i].start < 1000);
  dl_doc_destroy(d);
  free(s);
}

static void t_huge_quote(void)
{
  /* A 1 MB quotation in one paragraph, closed at the end. */
  size_t n = 1u << 20, k = 0;
  char *s = malloc(n + 64);
  dl_doc *d;
  clock_t t0;
  T_OK(s != NULL);
  memcpy(s, "She said: \"", 11);
  k = 11;
  while (k + 40 < n) {
    memcpy(s + k, "and then it went on and on. ", 28);
    k += 28;
  }
  memcpy(s + k, "The end.\"\n", 10);
  k += 10;
  t0 = clock();
  d = run(s, k);
  (void)t0;
  T_OK(d != NULL);
  T_EQ_INT(d->n_quotes, 1);
  T_EQ_STR(spk(d, &d->quotes[0]), "She");
  T_OK(d->quotes[0].end - d->quotes[0].start > (1u << 20) - 100);
  dl_doc_destroy(d);
  free(s);
}

static void t_cue_every_word(void)
{
  /* One 600 KB sentence with no period: a cue, a pronoun, a question
  ** word and a reporting source every few words. Every scan is bounded,
  ** so this ends (the CLI runs it in linear time: twice the text, twice
  ** the time); the indirect readings stay inside the sentence. */
  static const char unit[] = "the mayor said he asked whether, the source "
                             "recalled, according to a count by the party ";
  size_t n = 600000, k = 0, u = sizeof unit - 1;
  char *s = malloc(n + u + 8);
  dl_doc *d;
  T_OK(s != NULL);
  while (k + u < n) {
    memcpy(s + k, unit, u);
    k += u;
  }
  memcpy(s + k, "ok.\n", 4);
  k += 4;
  d = run(s, k);
  T_OK(d != NULL);
  for (size_t i = 0; d && i < d->n_quotes; i++)
    T_OK(d->quotes[i].end <= k && d->quotes[i].start < d->quotes[i].end);
  dl_doc_destroy(d);
  free(s);
}

static void t_nested_deep(void)
{
  /* Ten levels of alternating double and single marks. */
  static const char *const o[] = {"\xE2\x80\x9C", "\xE2\x80\x98"};
  static const char *const c[] = {"\xE2\x80\x9D", "\xE2\x80\x99"};
  char s[2048];
  size_t n = 0;
  dl_doc *d;
  for (int i = 0; i < 10; i++) {
    n += (size_t)snprintf(s + n, sizeof s - n, "%s level %d says ", o[i % 2],
                          i);
  }
  n += (size_t)snprintf(s + n, sizeof s - n, "the core");
  for (int i = 9; i >= 0; i--)
    n += (size_t)snprintf(s + n, sizeof s - n, "%s", c[i % 2]);
  n += (size_t)snprintf(s + n, sizeof s - n, ", the witness said.\n");
  d = run(s, n);
  T_OK(d != NULL);
  T_EQ_INT(d->n_quotes, 1);
  T_EQ_STR(spk(d, &d->quotes[0]), "the witness");
  dl_doc_destroy(d);
}

static void t_random_marks(void)
{
  /* Random mixtures of marks, words and breaks: never a quote over a
  ** paragraph break unless the next paragraph opens with a mark. */
  static const char *const parts[] = {
      "\"", "'", "\xE2\x80\x9C", "\xE2\x80\x9D", "\xE2\x80\x98",
      "\xE2\x80\x99", "``", "''", " said ", " he ", " Putin ", "word",
      ", ", ". ", "\n\n", " according to ", " told ", ":"};
  unsigned seed = 12345;
  char s[4096];
  for (int round = 0; round < 300; round++) {
    size_t n = 0;
    dl_doc *d;
    while (n < 3000) {
      const char *p;
      seed = seed * 1103515245u + 12345u;
      p = parts[(seed >> 16) % DL__COUNTOF(parts)];
      memcpy(s + n, p, strlen(p));
      n += strlen(p);
    }
    d = run(s, n);
    T_OK(d != NULL);
    for (size_t i = 0; i < d->n_quotes; i++) {
      const dl__quote *q = &d->quotes[i];
      T_OK(q->start < q->end && q->end <= d->len);
      T_OK(!q->cue_end || q->cue_end <= d->len);
      T_OK(!q->spk_end || q->spk_end <= d->len);
    }
    dl_doc_destroy(d);
  }
}

static void t_cleanup(void)
{
  dl_annotator_destroy(annot);
  dl_model_destroy(model);
  annot = NULL;
  model = NULL;
}

static const t_case cases[] = {
    {"tables_sorted", t_tables_sorted},
    {"curly_after", t_curly_after},
    {"straight_before", t_straight_before},
    {"ptb_quotes", t_ptb_quotes},
    {"single_inside_double", t_single_inside_double},
    {"interrupted", t_interrupted},
    {"multi_paragraph", t_multi_paragraph},
    {"partial", t_partial},
    {"scare_quotes", t_scare_quotes},
    {"indirect", t_indirect},
    {"indirect_more", t_indirect_more},
    {"pronoun_and_inherit", t_pronoun_and_inherit},
    {"nearest_mention", t_nearest_mention},
    {"according_source", t_according_source},
    {"title_role", t_title_role},
    {"unknown_speaker", t_unknown_speaker},
    {"signature", t_signature},
    {"relative_pronoun", t_relative_pronoun},
    {"speaker_phrases", t_speaker_phrases},
    {"outer_and_parenthetical", t_outer_and_parenthetical},
    {"karlov", t_karlov},
    {"unbalanced_bounded", t_unbalanced_bounded},
    {"mark_every_word", t_mark_every_word},
    {"huge_quote", t_huge_quote},
    {"cue_every_word", t_cue_every_word},
    {"nested_deep", t_nested_deep},
    {"random_marks", t_random_marks},
    {"cleanup", t_cleanup},
    {NULL, NULL}};

T_MAIN(cases)
