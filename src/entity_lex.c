/*
** entity_lex.c -- the model's hash tables over the entity and quote word
** lists (entity_lex.h says why). Open addressing with linear probing, at
** most half full; keys point into the static lists.
*/
#include "entity_lex.h"
#include "roles.h"
#include "quote.h"

bool dl__strtab_init(struct dl__strtab *t, const dl_allocator *al, size_t n)
{
  size_t cap = 16;
  while (cap < 2 * n + 2) cap *= 2;
  t->slot = dl__calloc(al, cap, sizeof *t->slot);
  t->mask = (uint32_t)(cap - 1);
  return t->slot != NULL;
}

bool dl__strtab_add(struct dl__strtab *t, const char *key, size_t n,
                    uint32_t val)
{
  uint32_t j = (uint32_t)dl__strtab_hash(key, n) & t->mask;
  for (uint32_t probes = 0; probes <= t->mask; probes++) {
    struct dl__strslot *s = &t->slot[j];
    if (!s->key) {
      s->key = key;
      s->len = (uint32_t)n;
      s->val = val;
      return true;
    }
    if (s->len == n && memcmp(s->key, key, n) == 0) {
      s->val |= val;
      return true;
    }
    j = (j + 1) & t->mask;
  }
  return false;
}

void dl__strtab_free(struct dl__strtab *t, const dl_allocator *al)
{
  dl__free(al, t->slot);
  t->slot = NULL;
  t->mask = 0;
}

bool dl__lex_build(const dl_allocator *al, struct dl__lex **out)
{
  struct dl__lex *x = dl__calloc(al, 1, sizeof *x);
  size_t nr = dl__roles_count();
  *out = NULL;
  if (!x) return false;
  if (!dl__strtab_init(&x->roles, al, nr)) goto fail;
  for (size_t i = 0; i < nr; i++) {
    const char *k = dl__roles_at(i)->text;
    if (!dl__strtab_add(&x->roles, k, strlen(k), (uint32_t)i)) goto fail;
  }
  if (!dl__strtab_init(&x->qwords, al,
                       dl__quote_cue_count + dl__quote_noun_count + 256))
    goto fail;
  if (!dl__quote_words_add(&x->qwords)) goto fail;
  *out = x;
  return true;
fail:
  dl__lex_free(al, x);
  return false;
}

void dl__lex_free(const dl_allocator *al, struct dl__lex *lex)
{
  if (!lex) return;
  dl__strtab_free(&lex->roles, al);
  dl__strtab_free(&lex->qwords, al);
  dl__free(al, lex);
}
