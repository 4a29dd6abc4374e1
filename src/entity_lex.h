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

/* Slots are 8 bytes, (tag << 32) | value, 0 when empty: a probe reads
** one small array (the roles table is 8 KB, the quote words 16 KB) and
** touches a key only when the 32-bit tag matches, so the look-ups of
** words that are in no list -- most of them -- stay in the cache. */
struct dl__strtab {
  uint64_t *slot;
  const char **key; /* per slot: the key (static storage, NUL-ended) */
  uint32_t mask;    /* capacity - 1 (a power of two) */
};

/* Quote word classes (the value bits of dl__lex.qwords), see quote.c. */
enum {
  DL__QW_DETS = 1u << 0,
  DL__QW_STOPS = 1u << 1,
  DL__QW_AUX = 1u << 2,
  DL__QW_SUBJ_PRON = 1u << 3,
  DL__QW_OBJ_PRON = 1u << 4,
  DL__QW_NOUN_DETS = 1u << 5,
  DL__QW_ACCORDING = 1u << 6, /* the words "according", "to", "asked", */
  DL__QW_TO = 1u << 7,        /* tested on every token */
  DL__QW_ASKED = 1u << 8,
  DL__QW_NOUN = 1u << 15,   /* a speaker noun (dl__quote_noun_find) */
  DL__QW_CUE_SHIFT = 16     /* bits 16..31: cue index + 1, 0: no cue */
};

/* Values of dl__lex.roles: the entry's index + 1 (0: the key is only the
** first word of longer entries) and a bit per length of the entries that
** start with the key as their first word (2, 3, 4, 5+ words). */
#define DL__LEX_ROLE_INDEX(v) ((v) & 0xFFFFu)
#define DL__LEX_ROLE_MW(v) (((v) >> 16) & 0xFu)

struct dl__lex {
  struct dl__strtab roles;  /* roles.c lexicon (DL__LEX_ROLE_*) */
  char *firsts;             /* the first words of multi-word entries */
  struct dl__strtab qwords; /* quote words: val = DL__QW_* | cue */
  uint8_t qfirst[256];      /* bytes a quote word may start with, as
                            ** lower-cased: 1 (U+2019 counts as ') */
};

/* The hash of a short key: whole 8- or 4-byte loads (the first and the
** last, overlapping, so every byte counts) and one multiply-xorshift mix;
** a byte-at-a-time hash (FNV) is a chain of dependent multiplies, which
** profiled as most of a look-up. */
static inline uint64_t dl__strtab_rd64(const char *p)
{
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint64_t dl__strtab_rd32(const char *p)
{
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

static inline uint64_t dl__strtab_hash(const char *s, size_t n)
{
  const uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full;
  uint64_t a, b, h;
  if (n >= 8) {
    a = dl__strtab_rd64(s);
    b = dl__strtab_rd64(s + n - 8);
    for (size_t i = 8; i + 8 < n; i += 8)
      a = (a ^ dl__strtab_rd64(s + i)) * k1 + (a >> 29);
  } else if (n >= 4) {
    a = dl__strtab_rd32(s);
    b = dl__strtab_rd32(s + n - 4);
  } else if (n > 0) {
    a = (uint64_t)(unsigned char)s[0] |
        (uint64_t)(unsigned char)s[n / 2] << 8 |
        (uint64_t)(unsigned char)s[n - 1] << 16;
    b = 0;
  } else {
    a = b = 0;
  }
  h = (a ^ (uint64_t)n << 56) * k1 ^ (b + n) * k2;
  h ^= h >> 32;
  h *= k1;
  return h ^ (h >> 29);
}

/* Is the NUL-ended k equal to s[0..n)? (Never reads past k's NUL.) */
static inline bool dl__strtab_key_eq(const char *k, const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (k[i] != s[i] || !k[i]) return false;
  return k[n] == 0;
}

/* The value of key[0..n) in *val; false when absent. */
static inline bool dl__strtab_find(const struct dl__strtab *t,
                                   const char *key, size_t n, uint32_t *val)
{
  uint64_t h;
  uint32_t j, tag;
  if (!t->slot) return false;
  h = dl__strtab_hash(key, n);
  j = (uint32_t)h & t->mask;
  tag = (uint32_t)(h >> 32) | 1u;
  for (;;) {
    uint64_t s = t->slot[j];
    if (!s) return false;
    if ((uint32_t)(s >> 32) == tag && dl__strtab_key_eq(t->key[j], key, n)) {
      *val = (uint32_t)s;
      return true;
    }
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
