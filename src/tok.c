/*
** tok.c -- tokenizer. PLACEHOLDER: splits on spaces and punctuation only;
** the real tokenizer (abbreviations, numbers, URLs, clitics...) replaces
** this file.
*/
#include "internal.h"

struct dl__abbrev {
  int unused;
};
static const struct dl__abbrev builtin_abbrev = {0};

dl_status dl__abbrev_load_builtin(const struct dl__abbrev **out)
{
  *out = &builtin_abbrev;
  return DL_OK;
}

static bool in_clean(const dl_doc *d, size_t i, size_t *skip_to)
{
  for (size_t k = 0; k < d->n_clean; k++)
    if (i >= d->clean[k].start && i < d->clean[k].end) {
      *skip_to = d->clean[k].end;
      return true;
    }
  return false;
}

dl_status dl__tok_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  const unsigned char *u = (const unsigned char *)d->view;
  size_t i = 0, n = 0, cap = 0;
  dl__token *t = NULL;
  while (i < d->len) {
    int32_t cp;
    size_t k = dl__utf8_decode(u, d->len, i, &cp), start = i, skip;
    if (!k) k = 1;
    if (in_clean(d, i, &skip)) {
      i = skip;
      continue;
    }
    if (dl__is_space(cp)) {
      i += k;
      continue;
    }
    if (dl__is_punct(cp)) {
      i += k;
    } else {
      while (i < d->len) {
        k = dl__utf8_decode(u, d->len, i, &cp);
        if (!k) k = 1;
        if (dl__is_space(cp) || dl__is_punct(cp) || in_clean(d, i, &skip))
          break;
        i += k;
      }
    }
    if (!DL__PUSH(a->al, t, n, cap)) goto nomem;
    t[n].start = (uint32_t)start;
    t[n].end = (uint32_t)i;
    t[n].flags = 0;
    t[n].sent = 0;
    n++;
  }
  d->tokens = dl__arena_dup(&d->arena, t, n * sizeof *t);
  dl__free(a->al, t);
  if (!d->tokens) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  d->n_tokens = n;
  return DL_OK;
nomem:
  dl__free(a->al, t);
  return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
}
