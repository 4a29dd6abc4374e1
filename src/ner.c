/*
** ner.c -- named-entity tagger. PLACEHOLDER until the model lands: no
** model is loaded and the stage notes that entities are unavailable.
*/
#include "internal.h"

dl_status dl__ner_load_dir(dl_model *m, const char *dir, dl_error *err)
{
  (void)m;
  (void)dir;
  (void)err;
  return DL_OK;
}

void dl__ner_free(dl_model *m) { (void)m; }
void dl__ner_ws_free(dl_annotator *a) { (void)a; }

dl_status dl__ner_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  (void)err;
  if (!a->m->ner) dl__doc_note(d, "entities: no NER model loaded");
  return DL_OK;
}
