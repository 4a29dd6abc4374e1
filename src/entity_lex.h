/*
** entity_lex.h -- hash tables over the static word lists of the entity and
** quote stages (the role lexicon of roles.c, the cue verbs, speaker nouns
** and closed word classes of the quote stage), built once at model load
** and kept in the model handle (m->lex), read-only afterwards.
**
** Why: the lists are small (a few hundred words) but looked up for nearly
** every word of every document; a binary search over strings costs a
** dozen string comparisons per look-up, one probe of an open-addressing
** table at load factor <= 1/2 costs a hash of the word and, on a hit, one
** memcmp. Building the tables takes microseconds, so they are built at
** load time rather than generated into the source (the lists stay the
** single source of truth, in their sorted, reviewable form).
*/
#ifndef DL_ENTITY_LEX_H
#define DL_ENTITY_LEX_H

#include "internal.h"

/* A slot: key (static storage, not copied), its length and a value. */
struct dl__strslot {
  const char *key; /* NULL: empty slot */
  uint32_t len;
  uint32_t val;
};

struct dl__strtab {
  struct dl__strslot *slot;
  uint32_t mask; /* capacity - 1 (a power of two) */
};

/* Quote word classes (the value bits of dl__lex.qwords), see quote.c. */
enum {
  DL__QW_DETS = 1u << 0,
  DL__QW_STOPS = 1u << 1,
  DL__QW_AUX = 1u << 2,
  DL__QW_SUBJ_PRON = 1u << 3,
  DL__QW_OBJ_PRON = 1u << 4,
  DL__QW_NOUN_DETS = 1u << 5,
  DL__QW_NOUN = 1u << 15,   /* a speaker noun (dl__quote_noun_find) */
  DL__QW_CUE_SHIFT = 16     /* bits 16..31: cue index + 1, 0: no cue */
};

struct dl__lex {
  struct dl__strtab roles;  /* roles.c lexicon: val = index */
  struct dl__strtab qwords; /* quote words: val = DL__QW_* | cue */
};

/* FNV-1a: keys are a few bytes long, so a byte loop is as fast as any. */
static inline uint64_t dl__strtab_hash(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h ^ (h >> 29);
}

/* The slot holding key[0..n), or NULL. */
static inline const struct dl__strslot *
dl__strtab_find(const struct dl__strtab *t, const char *key, size_t n)
{
  uint32_t j;
  if (!t->slot) return NULL;
  j = (uint32_t)dl__strtab_hash(key, n) & t->mask;
  for (;;) {
    const struct dl__strslot *s = &t->slot[j];
    if (!s->key) return NULL;
    if (s->len == n && memcmp(s->key, key, n) == 0) return s;
    j = (j + 1) & t->mask;
  }
}

/* Builds m->lex (the model's tables); false when out of memory. */
bool dl__lex_build(const dl_allocator *al, struct dl__lex **out);
void dl__lex_free(const dl_allocator *al, struct dl__lex *lex);

/* quote.c: adds the quote stage's word classes, cues and nouns to t. */
bool dl__quote_words_add(struct dl__strtab *t);

/* entity_lex.c: table helpers. init sizes the table for at most n keys;
** add sets key's value, or ORs val into the value of a key already
** there; false when the table is full (a bug: n was too small). */
bool dl__strtab_init(struct dl__strtab *t, const dl_allocator *al, size_t n);
bool dl__strtab_add(struct dl__strtab *t, const char *key, size_t n,
                    uint32_t val);
void dl__strtab_free(struct dl__strtab *t, const dl_allocator *al);

#endif /* DL_ENTITY_LEX_H */
