/*
** test_entity_credit.c -- people and agencies named in photo credits
** (src/entity_credit.c). These run with or without the NER model: credit
** entities do not depend on the tagger.
*/
#include "internal.h"
#include "t.h"

#include <stdlib.h>

static dl_model *model;
static dl_annotator *ann;

static dl_doc *run(const char *text)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  memset(&in, 0, sizeof in);
  in.text = text;
  in.len = strlen(text);
  if (!model) {
    if (dl_model_load("models", NULL, &model, &err) != DL_OK &&
        dl_model_create_empty(NULL, &model, &err) != DL_OK)
      return NULL;
    if (dl_annotator_create(model, &ann, &err) != DL_OK) return NULL;
  }
  if (dl_annotate(ann, &in, DL_FIELD_ENTITIES | DL_FIELD_CLEAN, &d, &err))
    return NULL;
  return d;
}

/* The credit entity named `name`, or NULL. */
static const dl__entity *credit(const dl_doc *d, const char *name)
{
  for (size_t i = 0; i < d->n_entities; i++) {
    const dl__entity *e = &d->entities[i];
    for (uint32_t k = 0; k < e->n_mentions; k++)
      if ((d->mentions[e->mentions[k]].flags & DL__MEN_CREDIT) &&
          strcmp(e->name, name) == 0)
        return e;
  }
  return NULL;
}

static void t_slash(void)
{
  dl_doc *d = run("Thousands marched in Paris. REUTERS/Maxim Shemetov\n");
  const dl__entity *e;
  T_OK(d);
  e = credit(d, "REUTERS");
  T_OK(e && e->type == DL__ENT_ORG);
  e = credit(d, "Maxim Shemetov");
  T_OK(e && e->type == DL__ENT_PER);
  /* The mention spans the name exactly, inside a clean span. */
  {
    const dl__mention *m = &d->mentions[e->mentions[0]];
    T_EQ_MEM(d->text + m->start, m->end - m->start, "Maxim Shemetov");
    T_EQ_INT(m->tok_start, d->n_tokens);
    T_EQ_INT(m->tok_end, d->n_tokens);
  }
  dl_doc_destroy(d);
}

static void t_ap_photo_and_prefix(void)
{
  dl_doc *d = run("The crowd grew by noon. (AP Photo/Jane Doe)\n\n"
                  "Smoke rose over the harbour. Photo: John Smith\n");
  T_OK(d);
  T_OK(credit(d, "AP") && credit(d, "AP")->type == DL__ENT_ORG);
  T_OK(credit(d, "Jane Doe") && credit(d, "Jane Doe")->type == DL__ENT_PER);
  T_OK(credit(d, "John Smith"));
  T_OK(!credit(d, "AP Photo"));
  dl_doc_destroy(d);
}

static void t_no_evidence(void)
{
  /* Prose with a slash is not a credit, and a credit part that is not a
  ** name stays out. */
  dl_doc *d = run("The vote was 50/50 in the end, officials said.\n");
  T_OK(d);
  for (size_t i = 0; i < d->n_mentions; i++)
    T_OK(!(d->mentions[i].flags & DL__MEN_CREDIT));
  dl_doc_destroy(d);
}

static void t_json(void)
{
  dl_doc *d = run("Rescuers dug through the night. Alexei Nikolsky / AP\n");
  char *js = NULL;
  size_t n;
  T_OK(d);
  T_EQ_INT(dl_doc_to_json(d, 0, DL_FIELD_ENTITIES, &js, &n), DL_OK);
  T_OK(strstr(js, "\"name\":\"Alexei Nikolsky\""));
  T_OK(strstr(js, "\"name\":\"AP\""));
  dl_free(js);
  dl_doc_destroy(d);
}

static void t_cleanup(void)
{
  dl_annotator_destroy(ann);
  dl_model_destroy(model);
  ann = NULL;
  model = NULL;
}

static const t_case cases[] = {
    {"slash", t_slash},
    {"ap_photo_and_prefix", t_ap_photo_and_prefix},
    {"no_evidence", t_no_evidence},
    {"json", t_json},
    {"cleanup", t_cleanup},
    {NULL, NULL},
};
T_MAIN(cases)
