/*
** entity.c -- mentions clustered into entities. PLACEHOLDER: the real
** module replaces this file.
*/
#include "internal.h"

dl_status dl__entity_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  (void)a;
  (void)d;
  (void)err;
  return DL_OK;
}

void dl__entity_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  (void)flags;
  if (!d->n_entities) return;
  dl__jw_key(w, "entities");
  dl__jw_arr_begin(w);
  dl__jw_arr_end(w);
}
