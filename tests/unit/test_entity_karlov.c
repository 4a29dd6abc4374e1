/*
** test_entity_karlov.c -- the bundled article end to end, through the
** committed NER model and the entity stage: who is in the story, each
** referent ONE entity, with its roles.
**
** Runs from the top of the checkout (tests/run.sh does). When
** models/ner.dlm is absent the cases print a note and pass: there is no
** tagger to test against.
**
** What the pipeline cannot produce by design is reported, not asserted:
** "Alexei Nikolsky / AP" is a photo credit that the clean stage keeps out
** of the sentences; entity_credit.c still makes Alexei Nikolsky (PER) and
** AP (ORG) entities of it. The Kremlin, LOC for the tagger (as in CoNLL),
** is ORG by the entity stage's metonymy rule.
*/
#include "internal.h"
#include "t.h"

#include <stdlib.h>

static dl_model *model;
static dl_annotator *annot;
static dl_doc *doc;
static bool absent;

static bool load(void)
{
  FILE *f;
  long n;
  char *text;
  dl_input in;
  dl_error err;
  if (doc || absent) return true;
  f = fopen("models/ner.dlm", "rb");
  if (!f) {
    printf("note: models/ner.dlm absent; Karlov entity checks skipped\n");
    absent = true;
    return true;
  }
  fclose(f);
  f = fopen("examples/karlov-funeral.txt", "rb");
  if (!f) return false;
  if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
      fseek(f, 0, SEEK_SET) != 0 || !(text = malloc((size_t)n))) {
    fclose(f);
    return false;
  }
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = fread(text, 1, (size_t)n, f);
  fclose(f);
  if (dl_model_load("models", NULL, &model, &err) != DL_OK) {
    fprintf(stderr, "models: %s\n", err.msg);
    free(text);
    return false;
  }
  if (dl_annotator_create(model, &annot, &err) != DL_OK ||
      dl_annotate(annot, &in, DL_FIELDS_DEFAULT, &doc, &err) != DL_OK) {
    fprintf(stderr, "annotate: %s\n", err.msg);
    free(text);
    return false;
  }
  free(text);
  return true;
}

static int count(const char *name)
{
  int k = 0;
  for (size_t i = 0; i < doc->n_entities; i++)
    if (strcmp(doc->entities[i].name, name) == 0) k++;
  return k;
}

static const dl__entity *find(const char *name)
{
  for (size_t i = 0; i < doc->n_entities; i++)
    if (strcmp(doc->entities[i].name, name) == 0) return &doc->entities[i];
  return NULL;
}

/* Mentions of entity e whose text is s. */
static int mentions_with(const dl__entity *e, const char *s)
{
  int k = 0;
  size_t n = strlen(s);
  for (uint32_t i = 0; i < e->n_mentions; i++) {
    const dl__mention *m = &doc->mentions[e->mentions[i]];
    if (m->end - m->start == n && memcmp(doc->text + m->start, s, n) == 0)
      k++;
  }
  return k;
}

static bool has_role(const dl__entity *e, const char *text)
{
  for (uint32_t i = 0; i < e->n_roles; i++)
    if (strcmp(e->roles[i].text, text) == 0) return true;
  return false;
}

/* Occurrences of s in the text outside the clean spans. */
static int in_text(const char *s)
{
  int k = 0;
  size_t n = strlen(s);
  for (const char *p = doc->text; (p = strstr(p, s)) != NULL; p++) {
    size_t off = (size_t)(p - doc->text);
    bool cleaned = false;
    for (size_t c = 0; c < doc->n_clean; c++)
      if (off >= doc->clean[c].start && off + n <= doc->clean[c].end)
        cleaned = true;
    if (!cleaned) k++;
  }
  return k;
}

#define NEED()                                                              \
  do {                                                                      \
    T_OK(load());                                                           \
    if (absent) return;                                                     \
  } while (0)

static void t_people(void)
{
  static const char *const people[] = {
      "Vladimir Putin", "Andrei Karlov",   "Dmitry Medvedev",
      "Sergei Lavrov",  "Kirill",          "Mevlut Mert Altintas",
      "Tayyip Erdogan", "Fethullah Gulen"};
  const dl__entity *e;
  NEED();
  for (size_t i = 0; i < DL__COUNTOF(people); i++) {
    e = find(people[i]);
    if (!e) fprintf(stderr, "missing PER %s\n", people[i]);
    T_OK(e);
    T_EQ_INT(e->type, DL__ENT_PER);
    T_EQ_INT(count(people[i]), 1);
  }
  /* One entity per referent: every short form went to its long form. */
  T_OK(!find("Putin") && !find("Karlov") && !find("Lavrov") &&
       !find("Gulen") && !find("Altintas"));
  e = find("Vladimir Putin");
  T_EQ_INT(mentions_with(e, "Putin") + mentions_with(e, "Vladimir Putin"),
           in_text("Putin"));
  e = find("Andrei Karlov");
  T_EQ_INT(mentions_with(e, "Karlov") + mentions_with(e, "Andrei Karlov"),
           in_text("Karlov"));
  /* "Russia's president" in the sentence after the one Putin opens. */
  T_EQ_INT(mentions_with(e, "president"), 0);
  T_EQ_INT(mentions_with(find("Vladimir Putin"), "president"), 1);
  T_EQ_INT(mentions_with(find("Sergei Lavrov"), "Lavrov"), 1);
  T_EQ_INT(mentions_with(find("Fethullah Gulen"), "Gulen"), 1);
  /* From the photo credit: one mention, inside the credit span. */
  e = find("Alexei Nikolsky");
  T_OK(e);
  T_EQ_INT(e->type, DL__ENT_PER);
  T_EQ_INT(e->n_mentions, 1);
  T_OK(doc->mentions[e->mentions[0]].flags & DL__MEN_CREDIT);
}

static void t_roles(void)
{
  NEED();
  T_OK(has_role(find("Dmitry Medvedev"), "Prime Minister"));
  T_OK(has_role(find("Sergei Lavrov"), "Foreign Minister"));
  T_OK(has_role(find("Kirill"), "Patriarch"));
  T_OK(has_role(find("Kirill"), "head of the Russian Orthodox Church"));
  T_OK(has_role(find("Tayyip Erdogan"), "President"));
  /* Titles are split off: no name starts with one. */
  for (size_t i = 0; i < doc->n_entities; i++) {
    const char *n = doc->entities[i].name;
    T_OK(strncmp(n, "Prime ", 6) && strncmp(n, "Foreign Minister", 16) &&
         strncmp(n, "Patriarch", 9) && strncmp(n, "President", 9));
  }
}

static void t_places_orgs(void)
{
  static const char *const locs[] = {"Moscow", "Ankara",      "Turkey",
                                     "Russia", "Syria",       "Aleppo",
                                     "North Korea", "South Korea"};
  static const char *const orgs[] = {"Foreign Ministry",
                                     "Russian Orthodox Church"};
  const dl__entity *e;
  NEED();
  for (size_t i = 0; i < DL__COUNTOF(locs); i++) {
    e = find(locs[i]);
    if (!e) fprintf(stderr, "missing LOC %s\n", locs[i]);
    T_OK(e);
    T_EQ_INT(e->type, DL__ENT_LOC);
    T_EQ_INT(count(locs[i]), 1);
  }
  T_EQ_INT(find("Moscow")->n_mentions, 4);
  for (size_t i = 0; i < DL__COUNTOF(orgs); i++) {
    e = find(orgs[i]);
    if (!e) fprintf(stderr, "missing ORG %s\n", orgs[i]);
    T_OK(e);
    T_EQ_INT(e->type, DL__ENT_ORG);
  }
  e = find("Kremlin");
  T_OK(e);
  /* CoNLL tags it LOC; "The Kremlin however has said" makes it ORG. */
  T_EQ_INT(e->type, DL__ENT_ORG);
  e = find("Christ the Saviour Cathedral");
  T_OK(e);
  T_OK(e->type == DL__ENT_FAC || e->type == DL__ENT_LOC);
  e = find("AP");
  T_OK(e);
  T_EQ_INT(e->type, DL__ENT_ORG);
}

static void t_no_debris(void)
{
  NEED();
  for (size_t i = 0; i < doc->n_entities; i++) {
    T_OK(strstr(doc->entities[i].name, "Facebook") == NULL);
    T_OK(strstr(doc->entities[i].name, "Play") == NULL);
  }
  /* Ordered by first mention, every mention points back to its entity. */
  for (size_t i = 0; i < doc->n_entities; i++) {
    const dl__entity *e = &doc->entities[i];
    T_OK(e->n_mentions > 0);
    if (i) {
      const dl__entity *p = &doc->entities[i - 1];
      T_OK(doc->mentions[p->mentions[0]].start <
           doc->mentions[e->mentions[0]].start);
    }
    for (uint32_t k = 0; k < e->n_mentions; k++)
      T_EQ_INT(doc->mentions[e->mentions[k]].entity, i);
    T_OK(e->salience > 0.0f && e->salience <= 1.0f);
  }
  /* The story is about Putin and Karlov: they lead on salience. */
  {
    float putin = find("Vladimir Putin")->salience;
    float karlov = find("Andrei Karlov")->salience;
    int above = 0;
    for (size_t i = 0; i < doc->n_entities; i++)
      if (doc->entities[i].salience > DL__MIN(putin, karlov)) above++;
    T_OK(above <= 1);
  }
}

static void t_teardown(void)
{
  dl_doc_destroy(doc);
  dl_annotator_destroy(annot);
  dl_model_destroy(model);
  doc = NULL;
  annot = NULL;
  model = NULL;
}

static const t_case cases[] = {{"people", t_people},
                               {"roles", t_roles},
                               {"places_orgs", t_places_orgs},
                               {"no_debris", t_no_debris},
                               {"zz_teardown", t_teardown},
                               {NULL, NULL}};

T_MAIN(cases)
