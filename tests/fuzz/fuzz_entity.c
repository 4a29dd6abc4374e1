/*
** fuzz_entity.c -- libFuzzer target for the entity stage alone, on
** mentions the input chooses (any tagger output, however odd).
**
** Input: byte 0 = how many mentions (0..63) and byte 1 a seed; the rest is
** the text. The text is annotated for tokens and sentences; then mentions
** are drawn over random token ranges with random types (overlapping and
** out-of-order ones included, as a broken tagger might make) and
** dl__entity_run runs. Invariants: the document ones of fuzz_check.h
** (mentions inside the text, on code points, in order, without overlap);
** every mention belongs to an entity that lists it; entities ordered by
** first mention, each with a non-empty valid name, roles inside the text,
** salience in [0, 1]; the record is strict UTF-8 JSON.
**
**   make fuzz && build/fuzz/fuzz_entity tests/fuzz/corpus/entity
*/
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static dl_model *model;
static dl_annotator *annot;

static uint32_t rnd(uint32_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dl_input in;
  dl_doc *d = NULL;
  dl_error err;
  size_t nm, *cp, n = 0;
  uint32_t seed;
  char *js = NULL;
  dl__mention *ms;
  if (size < 2 || size > FUZZ_MAX_LEN) return 0;
  if (!model) {
    FZ_CHECK(dl_model_create_empty(NULL, &model, NULL) == DL_OK, "model");
    FZ_CHECK(dl_annotator_create(model, &annot, NULL) == DL_OK, "annotator");
  }
  nm = data[0] & 63;
  seed = 2463534242u ^ ((uint32_t)data[1] * 2654435761u);
  memset(&in, 0, sizeof in);
  in.text = (const char *)data + 2;
  in.len = size - 2;
  if (dl_annotate(annot, &in, DL_FIELD_TOKENS | DL_FIELD_SENTENCES, &d,
                  &err) != DL_OK)
    return 0;
  if (d->n_tokens && nm) {
    ms = dl__arena_alloc(&d->arena, nm * sizeof *ms);
    FZ_CHECK(ms != NULL, "arena");
    for (size_t i = 0; i < nm; i++) {
      uint32_t t = rnd(&seed) % (uint32_t)d->n_tokens;
      uint32_t k = 1 + rnd(&seed) % 4;
      if (t + k > d->n_tokens) k = (uint32_t)d->n_tokens - t;
      memset(&ms[i], 0, sizeof ms[i]);
      ms[i].tok_start = t;
      ms[i].tok_end = t + k;
      ms[i].start = d->tokens[t].start;
      ms[i].end = d->tokens[t + k - 1].end;
      if (rnd(&seed) % 8 == 0) ms[i].start = ms[i].end = 0; /* from tokens */
      ms[i].type = (uint8_t)(1 + rnd(&seed) % (DL__ENT__COUNT - 1));
      ms[i].entity = UINT32_MAX;
    }
    d->mentions = ms;
    d->n_mentions = nm;
  }
  d->fields_done |= DL_FIELD_ENTITIES;
  FZ_CHECK(dl__entity_run(annot, d, &err) == DL_OK, "entity: %s", err.msg);
  cp = fz_cp_index(d->text, d->len);
  fz_check_doc(d, cp);
  for (size_t i = 0; i < d->n_mentions; i++) {
    const dl__mention *m = &d->mentions[i];
    const dl__entity *e;
    bool listed = false;
    FZ_CHECK(m->entity < d->n_entities, "mention %zu: entity %u of %zu", i,
             m->entity, d->n_entities);
    e = &d->entities[m->entity];
    for (uint32_t k = 0; k < e->n_mentions; k++)
      if (e->mentions[k] == i) listed = true;
    FZ_CHECK(listed, "mention %zu not listed by its entity", i);
  }
  for (size_t i = 0; i < d->n_entities; i++) {
    const dl__entity *e = &d->entities[i];
    const unsigned char *nm_ = (const unsigned char *)e->name;
    size_t nl;
    FZ_CHECK(e->n_mentions > 0, "entity %zu without mentions", i);
    FZ_CHECK(e->name && e->name[0], "entity %zu without a name", i);
    nl = strlen(e->name);
    for (size_t j = 0; j < nl; j += fz_utf8_len(nm_, nl, j))
      FZ_CHECK(fz_utf8_len(nm_, nl, j) > 0, "entity %zu name not UTF-8", i);
    FZ_CHECK(e->salience >= 0.0f && e->salience <= 1.0f, "salience %f",
             (double)e->salience);
    for (uint32_t k = 0; k < e->n_mentions; k++) {
      FZ_CHECK(e->mentions[k] < d->n_mentions, "entity %zu mention index", i);
      FZ_CHECK(d->mentions[e->mentions[k]].entity == i, "back link");
      if (k)
        FZ_CHECK(e->mentions[k] > e->mentions[k - 1], "mentions out of order");
    }
    if (i)
      FZ_CHECK(e->mentions[0] > d->entities[i - 1].mentions[0],
               "entities out of order");
    for (uint32_t k = 0; k < e->n_roles; k++) {
      const dl__role *r = &e->roles[k];
      FZ_CHECK(r->start < r->end && r->end <= d->len, "role span");
      FZ_CHECK(cp[r->start] != (size_t)-1 && cp[r->end] != (size_t)-1,
               "role splits a code point");
      FZ_CHECK(r->text && r->text[0], "role text");
    }
  }
  FZ_CHECK(dl_doc_to_json(d, (data[1] & 1) ? DL_JSON_CHARS : 0,
                          DL_FIELD_ENTITIES, &js, &n) == DL_OK,
           "to_json");
  json_decref(fz_check_json(js, n));
  dl_free(js);
  free(cp);
  dl_doc_destroy(d);
  return 0;
}
