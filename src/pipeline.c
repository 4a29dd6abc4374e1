/*
** pipeline.c -- the stage table, the model and annotator objects, and
** dl_annotate().
**
** A stage is one module with one entry point (dl__<stage>_run) that reads
** layers of the dl_doc and writes its own. The table below gives, for each
** stage, the record fields that need it and the earlier stages it needs;
** dl_annotate() runs the closure of the stages the asked-for fields need,
** in table order (which is a topological order). Adding a stage is one
** module plus one line here.
**
** Before any stage runs, dl_annotate() copies the input into the document
** arena and builds the analysis view: the same bytes with invalid UTF-8
** and NUL bytes replaced one-for-one by DL__BAD_BYTE, so every offset a
** stage computes on the view is an offset into the input.
*/
#include "internal.h"
#include "entity_lex.h"
#include "html.h"
#include "tone.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum {
  ST_CLEAN, ST_DATELINE, ST_TOK, ST_SENT, ST_NER, ST_ENTITY, ST_TIMEX,
  ST_AMOUNT, ST_QUOTE, ST_GEO, ST_WORDS, ST_TONE, ST_THEMES, ST_KEYWORDS,
  ST_SUMMARY, ST__COUNT
};

_Static_assert(ST__COUNT <= 32, "dl_annotator.stage_ns has 32 slots");

static const struct stage {
  const char *name;
  uint64_t fields;   /* record fields that need this stage */
  unsigned requires; /* bitmask of ST_* that must run first */
  dl__stage_fn run;
} stages[ST__COUNT] = {
  {"clean", DL_FIELD_CLEAN | DL_FIELD_DATE, 0, dl__clean_run},
  {"dateline", DL_FIELD_DATE, 1u << ST_CLEAN, dl__dateline_run},
  {"tok", DL_FIELD_TOKENS, 1u << ST_CLEAN, dl__tok_run},
  {"sent", DL_FIELD_SENTENCES, 1u << ST_TOK, dl__sent_run},
  {"ner", DL_FIELD_ENTITIES, 1u << ST_SENT, dl__ner_run},
  {"entity", DL_FIELD_ENTITIES, 1u << ST_NER, dl__entity_run},
  {"timex", DL_FIELD_DATES, 1u << ST_DATELINE, dl__timex_run},
  {"amount", DL_FIELD_AMOUNTS, 1u << ST_TIMEX, dl__amount_run},
  {"quote", DL_FIELD_QUOTES, 1u << ST_ENTITY, dl__quote_run},
  {"geo", DL_FIELD_PLACES, (1u << ST_ENTITY) | (1u << ST_DATELINE),
   dl__geo_run},
  {"words", 0, 1u << ST_SENT, dl__words_run},
  {"tone", DL_FIELD_TONE, 1u << ST_WORDS, dl__tone_run},
  {"themes", DL_FIELD_THEMES, 1u << ST_WORDS, dl__themes_run},
  {"keywords", DL_FIELD_KEYWORDS, (1u << ST_WORDS) | (1u << ST_ENTITY),
   dl__keywords_run},
  {"summary", DL_FIELD_SUMMARY, (1u << ST_WORDS) | (1u << ST_ENTITY),
   dl__summary_run},
};

/* ====================================================================
** Model
** ==================================================================== */


static dl_status model_new(const dl_options *opt, dl_model **out,
                           dl_error *err)
{
  dl_model *m;
  const dl_allocator *al = opt && opt->alloc ? opt->alloc : NULL;
  *out = NULL;
  m = dl__calloc(al, 1, sizeof *m);
  if (!m) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  if (al) {
    m->al_copy = *al;
    m->al = &m->al_copy;
  }
  if (opt) m->opt = *opt;
  m->opt.alloc = m->al;
  if (!m->opt.max_doc_bytes) m->opt.max_doc_bytes = DL_DEFAULT_MAX_DOC_BYTES;
  if (!m->opt.max_sentence_tokens)
    m->opt.max_sentence_tokens = DL_DEFAULT_MAX_SENTENCE_TOKENS;
  dl__abbrev_load_builtin(&m->abbrev);
  if (!dl__lex_build(m->al, &m->lex)) {
    dl__free(m->al, m);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  dl__html_init();
  snprintf(m->resources, sizeof m->resources, "abbrev");
  *out = m;
  return DL_OK;
}

DL_API dl_status dl_model_create_empty(const dl_options *opt, dl_model **out,
                                       dl_error *err)
{
  dl__error_clear(err);
  if (!out) return dl__fail(err, DL_ERR_INVALID, 0, "out is NULL");
  return model_new(opt, out, err);
}

#ifndef DL_DEFAULT_MODEL_DIR
#define DL_DEFAULT_MODEL_DIR "models"
#endif

DL_API dl_status dl_model_load(const char *dir, const dl_options *opt,
                               dl_model **out, dl_error *err)
{
  dl_model *m;
  dl_status rc;
  dl__error_clear(err);
  if (!out) return dl__fail(err, DL_ERR_INVALID, 0, "out is NULL");
  *out = NULL;
  if (!dir) dir = getenv("DATELINE_MODEL_DIR");
  if (!dir) dir = DL_DEFAULT_MODEL_DIR;
  rc = model_new(opt, &m, err);
  if (rc) return rc;
  rc = dl__ner_load_dir(m, dir, err);
  if (rc) goto fail;
  rc = dl__geo_load_dir(m, dir, err);
  if (rc) goto fail;
  rc = dl__wordclass_load_dir(m, dir, err);
  if (rc) goto fail;
  rc = dl__idf_table_load_dir(m, dir, err);
  if (rc) goto fail;
  *out = m;
  return DL_OK;
fail:
  dl_model_destroy(m);
  return rc;
}

DL_API void dl_model_destroy(dl_model *m)
{
  if (!m) return;
  dl__ner_free(m);
  dl__geo_free(m);
  dl__wordclass_free(m);
  dl__idf_table_free(m);
  dl__lex_free(m->al, m->lex);
  dl__free(m->al, m);
}

DL_API const char *dl_model_resources(const dl_model *m)
{
  return m ? m->resources : "";
}

/* ====================================================================
** Annotator
** ==================================================================== */

DL_API dl_status dl_annotator_create(const dl_model *m, dl_annotator **out,
                                     dl_error *err)
{
  dl_annotator *a;
  dl__error_clear(err);
  if (!out) return dl__fail(err, DL_ERR_INVALID, 0, "out is NULL");
  *out = NULL;
  if (!m) return dl__fail(err, DL_ERR_INVALID, 0, "model is NULL");
  a = dl__calloc(m->al, 1, sizeof *a);
  if (!a) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  a->m = m;
  a->al = m->al;
  for (size_t i = 0; i < DL__COUNTOF(a->scratch); i++)
    dl__buf_init(&a->scratch[i], m->al);
  *out = a;
  return DL_OK;
}


DL_API void dl_annotator_destroy(dl_annotator *a)
{
  if (!a) return;
  dl__ner_ws_free(a);
  dl__timex_ws_free(a);
  dl__clean_ws_free(a);
  dl__told_ws_free(a);
  dl__entity_ws_free(a);
  for (size_t i = 0; i < DL__COUNTOF(a->scratch); i++)
    dl__buf_free(&a->scratch[i]);
  dl__free(a->al, a);
}

/* ====================================================================
** Annotation
** ==================================================================== */

void dl__doc_note(dl_doc *d, const char *note)
{
  for (size_t i = 0; i < d->n_notes; i++)
    if (strcmp(d->notes[i], note) == 0) return;
  if (d->n_notes < DL__COUNTOF(d->notes)) d->notes[d->n_notes++] = note;
}

static const char *dup_opt(dl_doc *d, const char *s, bool *oom)
{
  const char *r;
  if (!s) return NULL;
  r = dl__arena_strndup(&d->arena, s, strlen(s));
  if (!r) *oom = true;
  return r;
}

/* Copies the input and builds the analysis view (see the file comment).
** Two passes: count the bad bytes, then replace and record them, so all
** memory comes from the arena and a failure leaks nothing. */
static size_t next_bad(const unsigned char *u, size_t len, size_t i)
{
  while (i < len) {
    int32_t cp;
    size_t k;
    /* Eight bytes at a time while they are all ASCII and none is NUL
    ** (the classic has-zero-byte test): most news text is ASCII. */
    while (len - i >= 8) {
      uint64_t x;
      memcpy(&x, u + i, 8);
      if ((x & UINT64_C(0x8080808080808080)) ||
          ((x - UINT64_C(0x0101010101010101)) & ~x &
           UINT64_C(0x8080808080808080)))
        break;
      i += 8;
    }
    if (i >= len) break;
    if (u[i] >= 0x01 && u[i] < 0x80) {
      i++;
      continue;
    }
    k = u[i] ? dl__utf8_decode(u, len, i, &cp) : 0;
    if (!k) return i;
    i += k;
  }
  return len;
}

static dl_status load_text(dl_doc *d, const char *text, size_t len,
                           dl_error *err)
{
  const unsigned char *u = (const unsigned char *)text;
  char *copy, *view;
  size_t i, nbad = 0;
  copy = dl__arena_alloc(&d->arena, len + 1);
  if (!copy) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  if (len) memcpy(copy, text, len);
  copy[len] = 0;
  d->text = copy;
  d->len = len;
  d->view = copy;
  for (i = next_bad(u, len, 0); i < len; i = next_bad(u, len, i + 1)) nbad++;
  if (!nbad) return DL_OK;
  d->n_bad_bytes = nbad;
  d->n_bad_stored = DL__MIN(nbad, (size_t)DL__MAX_BAD_STORED);
  view = dl__arena_alloc(&d->arena, len + 1);
  d->bad_bytes = dl__arena_alloc(&d->arena,
                                 d->n_bad_stored * sizeof(uint32_t));
  if (!view || !d->bad_bytes)
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  memcpy(view, copy, len + 1);
  nbad = 0;
  for (i = next_bad(u, len, 0); i < len; i = next_bad(u, len, i + 1)) {
    /* NUL becomes a space (it separates); other bad bytes a placeholder
    ** that the tokenizer treats as a symbol. */
    view[i] = u[i] ? (char)DL__BAD_BYTE : ' ';
    if (nbad < d->n_bad_stored) d->bad_bytes[nbad++] = (uint32_t)i;
  }
  d->view = view;
  return DL_OK;
}

int dl__stage_count(void) { return ST__COUNT; }

const char *dl__stage_name(int i)
{
  return i >= 0 && i < ST__COUNT ? stages[i].name : NULL;
}

/* This thread's CPU time in ns (stage timing for benches only). */
static uint64_t thread_ns(void)
{
  struct timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

DL_API dl_status dl_annotate(dl_annotator *a, const dl_input *in,
                             uint64_t fields, dl_doc **out, dl_error *err)
{
  dl_doc *d = NULL;
  dl_status rc;
  unsigned need = 0;
  bool oom = false;
  uint64_t t0;

  dl__error_clear(err);
  if (!out) return dl__fail(err, DL_ERR_INVALID, 0, "out is NULL");
  *out = NULL;
  if (!a || !in) return dl__fail(err, DL_ERR_INVALID, 0, "NULL argument");
  if (!in->text && in->len && !in->html)
    return dl__fail(err, DL_ERR_INVALID, 0, "text is NULL");
  if (in->html && in->text)
    return dl__fail(err, DL_ERR_INVALID, 0, "both text and html given");
  if (in->html && (in->html_len > a->m->opt.max_doc_bytes ||
                   in->html_len >= UINT32_MAX))
    return dl__fail(err, DL_ERR_TOO_BIG, 0,
                    "page of %zu bytes is over the limit of %zu bytes",
                    in->html_len, a->m->opt.max_doc_bytes);
  if (in->len > a->m->opt.max_doc_bytes || in->len >= UINT32_MAX)
    return dl__fail(err, DL_ERR_TOO_BIG, 0,
                    "document of %zu bytes is over the limit of %zu bytes",
                    in->len, a->m->opt.max_doc_bytes);

  d = dl__calloc(a->al, 1, sizeof *d);
  if (!d) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  d->al = a->al;
  dl__arena_init(&d->arena, a->al);
  d->date.hour = d->date.minute = -1;
  d->fields_asked = fields;

  t0 = a->time_stages ? thread_ns() : 0;
  if (in->html) {
    /* HTML: extract the main text first; every stage then reads it. */
    dl__html *h = dl__arena_alloc(&d->arena, sizeof *h);
    if (!h) {
      rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      goto fail;
    }
    rc = dl__html_extract(a->al, &d->arena, in->html, in->html_len, in->url,
                          h, err);
    if (rc) goto fail;
    d->html = h;
    rc = load_text(d, h->text, h->len, err);
  } else {
    rc = load_text(d, in->text ? in->text : "", in->len, err);
  }
  if (rc) goto fail;
  if (a->time_stages) a->load_ns += thread_ns() - t0;
  {
    /* A document with nothing but white space (or NULs) has no text to
    ** analyse: a clear error rather than an empty record. */
    size_t i = 0;
    int32_t cp;
    const unsigned char *u = (const unsigned char *)d->view;
    while (i < d->len) {
      size_t k = dl__utf8_decode(u, d->len, i, &cp);
      if (!k) break;
      if (!dl__is_space(cp)) break;
      i += k;
    }
    if (i == d->len) {
      rc = dl__fail(err, DL_ERR_EMPTY, 0,
                    d->len ? "document holds only white space (%zu bytes)"
                           : "document is empty%.0zu",
                    d->len);
      goto fail;
    }
  }
  d->id = dup_opt(d, in->id, &oom);
  d->title = dup_opt(d, in->title, &oom);
  d->url = dup_opt(d, in->url, &oom);
  d->lang = dup_opt(d, in->lang, &oom);
  d->source = dup_opt(d, in->source, &oom);
  if (oom) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto fail;
  }
  if (in->date && *in->date) {
    if (!dl__date_parse(in->date, strlen(in->date), &d->date)) {
      rc = dl__fail(err, DL_ERR_INVALID, 0,
                    "date \"%.40s\" is not YYYY-MM-DD[THH:MM]", in->date);
      goto fail;
    }
    d->date.source = DL__DATE_INPUT;
  }
  if (d->html) {
    /* The page's own metadata where the input gave none; its date ranks
    ** after the input's and before any found in the text. */
    if (!d->title) d->title = d->html->title;
    if (!d->url) d->url = d->html->canonical;
    if (!d->lang) d->lang = d->html->lang;
    if (d->date.source == DL__DATE_NONE && d->html->published &&
        dl__date_parse(d->html->published, strlen(d->html->published),
                       &d->date))
      d->date.source = DL__DATE_META;
  }

  /* The --date flag also bounds the dates found in the text (a date
  ** after the crawl is not the article's); malformed, it fails below. */
  if (in->default_date && *in->default_date &&
      dl__date_parse(in->default_date, strlen(in->default_date),
                     &d->crawl))
    d->crawl.source = DL__DATE_FLAG;

  /* The closure of the stages the fields need, in table order. */
  for (int i = ST__COUNT - 1; i >= 0; i--) {
    if ((stages[i].fields & fields) || (need & (1u << i)))
      need |= (1u << i) | stages[i].requires;
  }
  for (int i = 0; i < ST__COUNT; i++) {
    if (!(need & (1u << i))) continue;
    t0 = a->time_stages ? thread_ns() : 0;
    rc = stages[i].run(a, d, err);
    if (a->time_stages) a->stage_ns[i] += thread_ns() - t0;
    if (rc) goto fail;
  }

  /* --date is the fallback only when neither the input nor the text
  ** gave a date. */
  if (d->date.source == DL__DATE_NONE && in->default_date &&
      *in->default_date) {
    if (!dl__date_parse(in->default_date, strlen(in->default_date),
                        &d->date)) {
      rc = dl__fail(err, DL_ERR_INVALID, 0,
                    "date \"%.40s\" is not YYYY-MM-DD[THH:MM]",
                    in->default_date);
      goto fail;
    }
    d->date.source = DL__DATE_FLAG;
  }
  if (d->date.source != DL__DATE_NONE)
    dl__date_format(&d->date, d->date_str, sizeof d->date_str);

  d->fields_done = fields;
  *out = d;
  return DL_OK;
fail:
  dl_doc_destroy(d);
  return rc;
}

DL_API void dl_doc_destroy(dl_doc *d)
{
  if (!d) return;
  dl__arena_free(&d->arena);
  dl__free(d->al, d);
}
