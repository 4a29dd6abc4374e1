/*
** record.c -- the JSON record of a document (SPEC.md) and the accessors
** of the public API.
**
** Fields are written in a fixed order from a table: each entry is a field
** bit, its key, and a writer. A stage that adds a field adds its writer to
** this table and nothing else. Offsets are bytes unless DL_JSON_CHARS asks
** for code points; then a checkpoint table (code points before every 256th
** byte) is built once per record, and each offset costs at most 255 bytes
** of counting.
*/
#include "internal.h"
#include "html.h"
#include "tone.h"

#include <stdlib.h>

static const char *const ent_names[DL__ENT__COUNT] = {
    "O", "PER", "ORG", "LOC", "MISC", "GPE", "FAC", "NORP"};

const char *dl__ent_type_name(dl__ent_type t)
{
  return (unsigned)t < DL__ENT__COUNT ? ent_names[t] : "O";
}

/* ====================================================================
** Offsets
** ==================================================================== */

static size_t count_cps(const unsigned char *u, size_t from, size_t to)
{
  size_t n = 0;
  /* Counted on the view, where every replaced byte is a single ASCII
  ** byte: a code point starts at every byte that is not a continuation
  ** byte, and each invalid input byte counts one (it is written as
  ** U+FFFD). Counting on the raw text instead would miss stray
  ** continuation bytes. */
  for (size_t i = from; i < to; i++) {
    if ((u[i] & 0xC0) != 0x80) n++;
  }
  return n;
}

size_t dl__doc_char_offset(const dl_doc *d, size_t off)
{
  /* Without a checkpoint table: count from the start. Used by callers
  ** outside the record writer; the writer uses jw->offmap. */
  return count_cps((const unsigned char *)d->view, 0, off);
}

static size_t char_off(const dl_doc *d, const dl__jw *w, size_t off)
{
  size_t k;
  if (!w->offmap) return dl__doc_char_offset(d, off);
  k = off / DL__OFFMAP_STEP;
  return w->offmap[k] +
         count_cps((const unsigned char *)d->view, k * DL__OFFMAP_STEP, off);
}

static uint32_t *build_offmap(const dl_doc *d)
{
  size_t nk = d->len / DL__OFFMAP_STEP + 1;
  uint32_t *m = dl__calloc(d->al, nk, sizeof *m);
  size_t acc = 0;
  if (!m) return NULL;
  for (size_t k = 1; k < nk; k++) {
    size_t a = (k - 1) * DL__OFFMAP_STEP, b = k * DL__OFFMAP_STEP;
    acc += count_cps((const unsigned char *)d->view, a, b);
    m[k] = (uint32_t)acc;
  }
  return m;
}

void dl__jw_span(const dl_doc *d, dl__jw *w, unsigned flags, uint32_t start,
                 uint32_t end)
{
  size_t s = start, e = end;
  if (flags & DL_JSON_CHARS) {
    s = char_off(d, w, start);
    e = char_off(d, w, end);
  }
  /* Compact even in pretty mode: spans are many and small. Written as
  ** one raw value, {"start":S,"end":E}: the same bytes the writer gives
  ** for the object key by key, at a fraction of the calls. */
  char tmp[64], *p = tmp + sizeof tmp;
  static const char k_start[] = "{\"start\":", k_end[] = ",\"end\":";
  *--p = '}';
  do {
    *--p = (char)('0' + e % 10);
    e /= 10;
  } while (e);
  p -= sizeof k_end - 1;
  memcpy(p, k_end, sizeof k_end - 1);
  do {
    *--p = (char)('0' + s % 10);
    s /= 10;
  } while (s);
  p -= sizeof k_start - 1;
  memcpy(p, k_start, sizeof k_start - 1);
  dl__jw_raw(w, p, (size_t)(tmp + sizeof tmp - p));
}

/* ====================================================================
** Field writers
** ==================================================================== */

static const char *date_source_name(dl__date_source s)
{
  switch (s) {
  case DL__DATE_INPUT: return "input";
  case DL__DATE_META: return "meta";
  case DL__DATE_DATELINE: return "dateline";
  case DL__DATE_TEXT: return "text";
  case DL__DATE_FLAG: return "flag";
  default: return NULL;
  }
}

static void w_id(const dl_doc *d, dl__jw *w, unsigned f)
{
  (void)f;
  dl__jw_key(w, "id");
  dl__jw_cstr(w, d->id);
}

static void w_date(const dl_doc *d, dl__jw *w, unsigned f)
{
  dl__jw_key(w, "date");
  if (d->date.source == DL__DATE_NONE) {
    dl__jw_null(w);
    dl__dateline_json(d, w, f);
    return;
  }
  dl__jw_cstr(w, d->date_str);
  dl__jw_key(w, "date_source");
  dl__jw_cstr(w, date_source_name(d->date.source));
  if ((d->date.source == DL__DATE_TEXT ||
       d->date.source == DL__DATE_DATELINE) &&
      d->date.end > d->date.start) {
    dl__jw_key(w, "date_span");
    dl__jw_span(d, w, f, d->date.start, d->date.end);
  }
  dl__dateline_json(d, w, f);
}

static void w_opt(dl__jw *w, const char *key, const char *v)
{
  if (!v) return;
  dl__jw_key(w, key);
  dl__jw_cstr(w, v);
}

static void w_title(const dl_doc *d, dl__jw *w, unsigned f)
{
  (void)f;
  w_opt(w, "title", d->title);
}
static void w_url(const dl_doc *d, dl__jw *w, unsigned f)
{
  (void)f;
  w_opt(w, "url", d->url);
}
static void w_lang(const dl_doc *d, dl__jw *w, unsigned f)
{
  (void)f;
  w_opt(w, "lang", d->lang);
}
static void w_source(const dl_doc *d, dl__jw *w, unsigned f)
{
  (void)f;
  w_opt(w, "source", d->source);
}
static void w_text(const dl_doc *d, dl__jw *w, unsigned f)
{
  (void)f;
  dl__jw_key(w, "text");
  dl__jw_str(w, d->text, d->len);
}

static void w_encoding(const dl_doc *d, dl__jw *w, unsigned f)
{
  if (!d->n_bad_bytes) return;
  dl__jw_key(w, "encoding");
  dl__jw_obj_begin(w);
  dl__jw_key(w, "invalid_bytes");
  dl__jw_uint(w, d->n_bad_bytes);
  dl__jw_key(w, "spans");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_bad_stored; i++)
    dl__jw_span(d, w, f, d->bad_bytes[i], d->bad_bytes[i] + 1);
  dl__jw_arr_end(w);
  dl__jw_obj_end(w);
}

static void w_clean(const dl_doc *d, dl__jw *w, unsigned f)
{
  dl__jw_key(w, "clean");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_clean; i++) {
    const dl__clean *c = &d->clean[i];
    dl__jw_obj_begin(w);
    dl__jw_key(w, "span");
    dl__jw_span(d, w, f, c->start, c->end);
    dl__jw_key(w, "reason");
    dl__jw_cstr(w, c->reason);
    dl__jw_key(w, "text");
    dl__jw_str(w, d->text + c->start, c->end - c->start);
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
}

static void w_sentences(const dl_doc *d, dl__jw *w, unsigned f)
{
  dl__jw_key(w, "sentences");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_sentences; i++)
    dl__jw_span(d, w, f, d->sentences[i].start, d->sentences[i].end);
  dl__jw_arr_end(w);
}

static void w_tokens(const dl_doc *d, dl__jw *w, unsigned f)
{
  dl__jw_key(w, "tokens");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_tokens; i++)
    dl__jw_span(d, w, f, d->tokens[i].start, d->tokens[i].end);
  dl__jw_arr_end(w);
}


static const struct field {
  uint64_t bit;
  const char *name;
  void (*write)(const dl_doc *, dl__jw *, unsigned);
} fields[] = {
    {DL_FIELD_ID, "id", w_id},
    {DL_FIELD_DATE, "date", w_date},
    {DL_FIELD_TITLE, "title", w_title},
    {DL_FIELD_URL, "url", w_url},
    {DL_FIELD_LANG, "lang", w_lang},
    {DL_FIELD_SOURCE, "source", w_source},
    {DL_FIELD_TEXT, "text", w_text},
    {DL_FIELD_ENCODING, "encoding", w_encoding},
    {DL_FIELD_CLEAN, "clean", w_clean},
    {DL_FIELD_SENTENCES, "sentences", w_sentences},
    {DL_FIELD_TOKENS, "tokens", w_tokens},
    {DL_FIELD_ENTITIES, "entities", dl__entity_json},
    {DL_FIELD_PLACES, "places", dl__geo_json},
    {DL_FIELD_DATES, "dates", dl__timex_json},
    {DL_FIELD_AMOUNTS, "amounts", dl__amount_json},
    {DL_FIELD_QUOTES, "quotes", dl__quote_json},
    {DL_FIELD_TONE, "tone", dl__tone_json},
    {DL_FIELD_THEMES, "themes", dl__themes_json},
    {DL_FIELD_KEYWORDS, "keywords", dl__keywords_json},
    {DL_FIELD_SUMMARY, "summary", dl__summary_json},
    {DL_FIELD_EVENTS, "events", NULL},
    {DL_FIELD_META, "meta", dl__html_json},
};

DL_API const char *dl_field_name(uint64_t field)
{
  for (size_t i = 0; i < DL__COUNTOF(fields); i++)
    if (fields[i].bit == field) return fields[i].name;
  return NULL;
}

DL_API dl_status dl_fields_parse(const char *list, uint64_t *out,
                                 dl_error *err)
{
  uint64_t acc = 0;
  const char *p = list;
  dl__error_clear(err);
  if (!out) return dl__fail(err, DL_ERR_INVALID, 0, "out is NULL");
  *out = 0;
  if (!list) return dl__fail(err, DL_ERR_INVALID, 0, "field list is NULL");
  while (*p) {
    const char *e = p;
    size_t n;
    bool found = false;
    while (*e && *e != ',') e++;
    n = (size_t)(e - p);
    while (n && (*p == ' ')) p++, n--;
    while (n && p[n - 1] == ' ') n--;
    if (n == 3 && memcmp(p, "all", 3) == 0) {
      acc |= DL_FIELDS_ALL;
      found = true;
    } else if (n == 7 && memcmp(p, "default", 7) == 0) {
      acc |= DL_FIELDS_DEFAULT;
      found = true;
    } else if (n == 0) {
      found = true;
    }
    for (size_t i = 0; !found && i < DL__COUNTOF(fields); i++) {
      if (strlen(fields[i].name) == n && memcmp(fields[i].name, p, n) == 0) {
        acc |= fields[i].bit;
        found = true;
      }
    }
    if (!found)
      return dl__fail(err, DL_ERR_INVALID, (size_t)(p - list),
                      "unknown field \"%.*s\"", (int)DL__MIN(n, 40), p);
    p = *e ? e + 1 : e;
  }
  *out = acc;
  return DL_OK;
}

/* Fields asked for whose stage is not implemented yet are absent, never
** faked (SPEC.md); the record lists them under "unavailable", and the
** stages' notes under "notes". */
#define RECORD_RESERVE_MAX ((size_t)256 * 1024)

DL_API dl_status dl_doc_to_json(const dl_doc *d, unsigned flags,
                                uint64_t want, char **out, size_t *len)
{
  dl__jw w;
  uint32_t *offmap = NULL;
  char *res;
  bool any_missing = false;
  if (!out) return DL_ERR_INVALID;
  *out = NULL;
  if (len) *len = 0;
  if (!d) return DL_ERR_INVALID;
  want &= d->fields_done;
  if (d->html) want |= DL_FIELD_TEXT; /* spans point into it (SPEC.md) */
  dl__jw_init(&w, d->al, (flags & DL_JSON_PRETTY) != 0);
  if (flags & DL_JSON_CHARS) {
    offmap = build_offmap(d);
    if (!offmap) return DL_ERR_NOMEM;
    w.offmap = offmap;
  }
  /* A record with the default fields is about five times its text (the
  ** BBC articles: 26 MB of records for 5 MB): room for most of it at once
  ** spares the writer's doublings and their copies. Capped, so that a
  ** huge document asked for one field does not reserve its size again. */
  if (!dl__buf_reserve(&w.b, d->len < (RECORD_RESERVE_MAX - 1024) / 4
                                 ? d->len * 4 + 1024
                                 : RECORD_RESERVE_MAX)) {
    dl__free(d->al, offmap);
    return DL_ERR_NOMEM;
  }
  dl__jw_obj_begin(&w);
  for (size_t i = 0; i < DL__COUNTOF(fields); i++) {
    if (!(want & fields[i].bit)) continue;
    if (fields[i].write)
      fields[i].write(d, &w, flags);
    else
      any_missing = true;
  }
  if (any_missing) {
    dl__jw_key(&w, "unavailable");
    dl__jw_arr_begin(&w);
    for (size_t i = 0; i < DL__COUNTOF(fields); i++)
      if ((want & fields[i].bit) && !fields[i].write)
        dl__jw_cstr(&w, fields[i].name);
    dl__jw_arr_end(&w);
  }
  /* What a stage that ran wants the reader to know (a missing model, a
  ** truncated layer, dates left unanchored): apart from "unavailable",
  ** which lists only fields no stage produces. */
  if (d->n_notes) {
    dl__jw_key(&w, "notes");
    dl__jw_arr_begin(&w);
    for (size_t i = 0; i < d->n_notes; i++) dl__jw_cstr(&w, d->notes[i]);
    dl__jw_arr_end(&w);
  }
  dl__jw_obj_end(&w);
  dl__free(d->al, offmap);
  if (w.oom) {
    dl__jw_free(&w);
    return DL_ERR_NOMEM;
  }
  /* Hand the caller a libc buffer (dl_free) whatever the allocator; with
  ** the libc allocator the writer's buffer is one (NUL-ended), no copy. */
  if (!d->al || d->al == &dl__libc_allocator) {
    res = w.b.p;
    w.b.p = NULL;
  } else {
    res = dl__out_dup(w.b.p, w.b.len);
  }
  if (!res) {
    dl__jw_free(&w);
    return DL_ERR_NOMEM;
  }
  if (len) *len = w.b.len;
  dl__jw_free(&w);
  *out = res;
  return DL_OK;
}

DL_API dl_status dl_error_to_json(const char *id, unsigned long line,
                                  const dl_error *e, char **out, size_t *len)
{
  dl__jw w;
  char *res;
  if (!out || !e) return DL_ERR_INVALID;
  *out = NULL;
  dl__jw_init(&w, NULL, false);
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "id");
  dl__jw_cstr(&w, id);
  if (line) {
    dl__jw_key(&w, "line");
    dl__jw_uint(&w, line);
  }
  dl__jw_key(&w, "error");
  dl__jw_obj_begin(&w);
  dl__jw_key(&w, "code");
  dl__jw_cstr(&w, dl_status_name(e->code));
  dl__jw_key(&w, "message");
  dl__jw_cstr(&w, e->msg[0] ? e->msg : dl_strerror(e->code));
  if (e->offset) {
    dl__jw_key(&w, "offset");
    dl__jw_uint(&w, e->offset);
  }
  dl__jw_obj_end(&w);
  dl__jw_obj_end(&w);
  if (w.oom) {
    dl__jw_free(&w);
    return DL_ERR_NOMEM;
  }
  res = dl__out_dup(w.b.p, w.b.len);
  if (!res) {
    dl__jw_free(&w);
    return DL_ERR_NOMEM;
  }
  if (len) *len = w.b.len;
  dl__jw_free(&w);
  *out = res;
  return DL_OK;
}

/* ====================================================================
** Accessors
** ==================================================================== */

DL_API size_t dl_doc_count(const dl_doc *d, dl_kind kind)
{
  if (!d) return 0;
  switch (kind) {
  case DL_KIND_TOKEN: return d->n_tokens;
  case DL_KIND_SENTENCE: return d->n_sentences;
  case DL_KIND_CLEAN: return d->n_clean;
  case DL_KIND_MENTION: return d->n_mentions;
  case DL_KIND_ENTITY: return d->n_entities;
  case DL_KIND_INVALID_UTF8: return d->n_bad_stored;
  default: return 0;
  }
}

DL_API dl_status dl_doc_span(const dl_doc *d, dl_kind kind, size_t i,
                             dl_span *out)
{
  if (!d || !out || i >= dl_doc_count(d, kind)) return DL_ERR_INVALID;
  switch (kind) {
  case DL_KIND_TOKEN:
    out->start = d->tokens[i].start;
    out->end = d->tokens[i].end;
    break;
  case DL_KIND_SENTENCE:
    out->start = d->sentences[i].start;
    out->end = d->sentences[i].end;
    break;
  case DL_KIND_CLEAN:
    out->start = d->clean[i].start;
    out->end = d->clean[i].end;
    break;
  case DL_KIND_MENTION:
    out->start = d->mentions[i].start;
    out->end = d->mentions[i].end;
    break;
  case DL_KIND_ENTITY: {
    const dl__entity *e = &d->entities[i];
    const dl__mention *m = &d->mentions[e->mentions[0]];
    out->start = m->start;
    out->end = m->end;
    break;
  }
  case DL_KIND_INVALID_UTF8:
    out->start = d->bad_bytes[i];
    out->end = d->bad_bytes[i] + 1;
    break;
  default: return DL_ERR_INVALID;
  }
  return DL_OK;
}

DL_API const char *dl_doc_text(const dl_doc *d, size_t *len)
{
  if (!d) return NULL;
  if (len) *len = d->len;
  return d->text;
}

DL_API const char *dl_doc_date(const dl_doc *d, const char **source)
{
  if (!d || d->date.source == DL__DATE_NONE) {
    if (source) *source = NULL;
    return NULL;
  }
  if (source) *source = date_source_name(d->date.source);
  return d->date_str;
}

DL_API const char *dl_doc_label(const dl_doc *d, dl_kind kind, size_t i)
{
  if (!d || i >= dl_doc_count(d, kind)) return NULL;
  if (kind == DL_KIND_MENTION)
    return dl__ent_type_name((dl__ent_type)d->mentions[i].type);
  if (kind == DL_KIND_ENTITY)
    return dl__ent_type_name((dl__ent_type)d->entities[i].type);
  return NULL;
}

DL_API const char *dl_doc_clean_reason(const dl_doc *d, size_t i)
{
  if (!d || i >= d->n_clean) return NULL;
  return d->clean[i].reason;
}

DL_API const char *dl_version(void) { return DL_VERSION; }
DL_API int dl_version_number(void) { return DL_VERSION_NUMBER; }
