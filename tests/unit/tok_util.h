/*
** tok_util.h -- helpers shared by test_tok.c and test_sent.c: run the
** tokenizer (and the splitter) on a string without the cleaning stage,
** and render the result as text ("Putin 's" / "a b . || c d .").
*/
#ifndef TOK_UTIL_H
#define TOK_UTIL_H

#include "internal.h"
#include "abbrev.h"

#include <stdlib.h>

/* One document built by hand: view = text (valid UTF-8 expected). */
static inline dl_doc *tu_run(const char *text, size_t len, bool sentences,
                      size_t max_sent)
{
  static dl_model *m;
  static dl_annotator *a;
  static size_t m_max;
  dl_doc *d;
  dl_error err;
  if (!m || m_max != max_sent) {
    dl_options o;
    if (a) dl_annotator_destroy(a);
    if (m) dl_model_destroy(m);
    memset(&o, 0, sizeof o);
    o.max_sentence_tokens = max_sent;
    if (dl_model_create_empty(&o, &m, &err) != DL_OK) return NULL;
    if (dl_annotator_create(m, &a, &err) != DL_OK) return NULL;
    m_max = max_sent;
  }
  d = calloc(1, sizeof *d);
  if (!d) return NULL;
  d->al = a->al;
  dl__arena_init(&d->arena, a->al);
  d->text = d->view = text;
  d->len = len;
  if (dl__tok_run(a, d, &err) != DL_OK) return NULL;
  if (sentences && dl__sent_run(a, d, &err) != DL_OK) return NULL;
  return d;
}

static inline void tu_free(dl_doc *d)
{
  if (!d) return;
  dl__arena_free(&d->arena);
  free(d);
}

/* Tokens joined by one space. */
static inline const char *tu_toks(const char *text)
{
  static char out[4096];
  size_t o = 0;
  dl_doc *d = tu_run(text, strlen(text), false, 0);
  if (!d) return "(error)";
  out[0] = 0;
  for (size_t i = 0; i < d->n_tokens && o + 2 < sizeof out; i++) {
    size_t n = d->tokens[i].end - d->tokens[i].start;
    if (o + n + 2 >= sizeof out) break;
    if (i) out[o++] = ' ';
    memcpy(out + o, text + d->tokens[i].start, n);
    o += n;
    out[o] = 0;
  }
  tu_free(d);
  return out;
}

/* Flags of the token whose text is `tok` (first match), or ~0u. */
static inline uint32_t tu_flags(const char *text, const char *tok)
{
  uint32_t f = ~0u;
  dl_doc *d = tu_run(text, strlen(text), true, 0);
  if (!d) return f;
  for (size_t i = 0; i < d->n_tokens; i++) {
    size_t n = d->tokens[i].end - d->tokens[i].start;
    if (n == strlen(tok) && memcmp(text + d->tokens[i].start, tok, n) == 0) {
      f = d->tokens[i].flags;
      break;
    }
  }
  tu_free(d);
  return f;
}

/* Sentences joined by " || ", each its span's text. */
static inline const char *tu_sents_max(const char *text, size_t max_sent)
{
  static char out[8192];
  size_t o = 0;
  dl_doc *d = tu_run(text, strlen(text), true, max_sent);
  if (!d) return "(error)";
  out[0] = 0;
  for (size_t i = 0; i < d->n_sentences; i++) {
    size_t n = d->sentences[i].end - d->sentences[i].start;
    if (o + n + 5 >= sizeof out) break;
    if (i) {
      memcpy(out + o, " || ", 4);
      o += 4;
    }
    memcpy(out + o, text + d->sentences[i].start, n);
    o += n;
    out[o] = 0;
  }
  tu_free(d);
  return out;
}

static inline const char *tu_sents(const char *text)
{
  return tu_sents_max(text, 0);
}

#endif
