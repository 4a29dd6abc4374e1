/*
** clean.c -- scraping-debris removal. PLACEHOLDER: removes nothing; the
** real module replaces this file.
*/
#include "internal.h"

dl_status dl__clean_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  (void)a;
  (void)d;
  (void)err;
  return DL_OK;
}
