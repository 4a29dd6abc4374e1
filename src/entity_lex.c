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
  t->key = dl__calloc(al, cap, sizeof *t->key);
  t->mask = (uint32_t)(cap - 1);
  return t->slot && t->key;
}

bool dl__strtab_add(struct dl__strtab *t, const char *key, size_t n,
                    uint32_t val)
{
  uint64_t h = dl__strtab_hash(key, n);
  uint32_t j = (uint32_t)h & t->mask, tag = (uint32_t)(h >> 32) | 1u;
  if (key[n] != 0) return false; /* keys are whole NUL-ended strings */
  for (uint32_t probes = 0; probes <= t->mask; probes++) {
    uint64_t s = t->slot[j];
    if (!s) {
      t->slot[j] = (uint64_t)tag << 32 | val;
      t->key[j] = key;
      return true;
    }
    if ((uint32_t)(s >> 32) == tag && strcmp(t->key[j], key) == 0) {
      t->slot[j] = s | val;
      return true;
    }
    j = (j + 1) & t->mask;
  }
  return false;
}

void dl__strtab_free(struct dl__strtab *t, const dl_allocator *al)
{
  dl__free(al, t->slot);
  dl__free(al, t->key);
  t->slot = NULL;
  t->key = NULL;
  t->mask = 0;
}

bool dl__lex_build(const dl_allocator *al, struct dl__lex **out)
{
  struct dl__lex *x = dl__calloc(al, 1, sizeof *x);
  size_t nr = dl__roles_count();
  *out = NULL;
  if (!x) return false;
  size_t total = 0, at = 0;
  if (nr >= 0xFFFF) goto fail;
  for (size_t i = 0; i < nr; i++) total += strlen(dl__roles_at(i)->text) + 1;
  x->firsts = dl__malloc(al, total + 1);
  if (!x->firsts || !dl__strtab_init(&x->roles, al, 2 * nr)) goto fail;
  for (size_t i = 0; i < nr; i++) {
    const char *k = dl__roles_at(i)->text;
    if (!dl__strtab_add(&x->roles, k, strlen(k), (uint32_t)(i + 1)))
      goto fail;
  }
  /* "prime minister": "prime" gets the bit of two-word entries, so that
  ** a title scan builds a multi-word key only after a word that starts
  ** one (copies of the first words, NUL-ended, live in x->firsts). */
  for (size_t i = 0; i < nr; i++) {
    const char *k = dl__roles_at(i)->text, *sp = strchr(k, ' ');
    size_t words = 1, fl;
    if (!sp) continue;
    for (const char *q = k; *q; q++) words += *q == ' ';
    fl = (size_t)(sp - k);
    memcpy(x->firsts + at, k, fl);
    x->firsts[at + fl] = 0;
    if (!dl__strtab_add(&x->roles, x->firsts + at, fl,
                        1u << (16 + (words > 5 ? 3 : words - 2))))
      goto fail;
    at += fl + 1;
  }
  if (!dl__strtab_init(&x->qwords, al,
                       dl__quote_cue_count + dl__quote_noun_count + 256))
    goto fail;
  if (!dl__quote_words_add(&x->qwords)) goto fail;
  /* First bytes of the quote words, for token_words' quick rejection. */
  for (uint32_t j = 0; j <= x->qwords.mask; j++)
    if (x->qwords.slot[j]) x->qfirst[(unsigned char)x->qwords.key[j][0]] = 1;
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
  dl__free(al, lex->firsts);
  dl__strtab_free(&lex->qwords, al);
  dl__free(al, lex);
}
