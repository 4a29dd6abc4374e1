/*
** sent.c -- sentence splitter. PLACEHOLDER: splits after . ! ? tokens;
** the real splitter replaces this file.
*/
#include "internal.h"

dl_status dl__sent_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  size_t n = 0, cap = 0, first = 0;
  dl__sentence *s = NULL;
  for (size_t i = 0; i < d->n_tokens; i++) {
    char c = d->view[d->tokens[i].start];
    bool end = (c == '.' || c == '!' || c == '?') || i + 1 == d->n_tokens;
    if (!end) continue;
    if (!DL__PUSH(a->al, s, n, cap)) {
      dl__free(a->al, s);
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    }
    s[n].tok_start = (uint32_t)first;
    s[n].tok_end = (uint32_t)(i + 1);
    s[n].start = d->tokens[first].start;
    s[n].end = d->tokens[i].end;
    s[n].para = 0;
    s[n].flags = 0;
    for (size_t k = first; k <= i; k++) d->tokens[k].sent = (uint32_t)n;
    n++;
    first = i + 1;
  }
  d->sentences = dl__arena_dup(&d->arena, s, n * sizeof *s);
  dl__free(a->al, s);
  if (!d->sentences) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  d->n_sentences = n;
  return DL_OK;
}
