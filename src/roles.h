/*
** roles.h -- the title and role lexicon of the entity stage (roles.c).
*/
#ifndef DL_ROLES_H
#define DL_ROLES_H

#include "internal.h"

enum {
  DL__ROLE_PREFIX = 1u << 0,  /* a title that may stand before a name */
  DL__ROLE_APPOS = 1u << 1,   /* a role noun that may head an appositive */
  DL__ROLE_NOMINAL = 1u << 2, /* "the <title>" may refer back to a holder */
  DL__ROLE_ABBR = 1u << 3,    /* an abbreviated honorific: Mr, Gen, Sen */
  DL__ROLE_MOD = 1u << 4,     /* modifies a title: former, Foreign, deputy */
  DL__ROLE_FAC = 1u << 5,     /* facility head word: Cathedral, Airport */
  DL__ROLE_STOP = 1u << 6,    /* capitalized, yet never part of a role */
  DL__ROLE_COMPASS = 1u << 7, /* North, South... ("North and South Korea") */
  DL__ROLE_ARTICLE = 1u << 8, /* the, a, an */
  DL__ROLE_PREP = 1u << 9,    /* of, for... continue an appositive role */
  DL__ROLE_ORG = 1u << 10     /* organization head word: Church, Ministry */
};

/* A role is a title when it can precede a name or head an appositive. */
#define DL__ROLE_TITLE (DL__ROLE_PREFIX | DL__ROLE_APPOS)

struct dl__role_entry {
  const char *text; /* lower case, words separated by one space */
  unsigned flags;   /* DL__ROLE_* */
};

/* The entry for key[0..n) (lower case, words separated by one space, no
** final period), or NULL. Static storage; thread-safe. */
const struct dl__role_entry *dl__roles_lookup(const char *key, size_t n);
/* The flags of key[0..n), 0 when absent. */
unsigned dl__roles_flags(const char *key, size_t n);
/* Table access for the tests. */
size_t dl__roles_count(void);
const struct dl__role_entry *dl__roles_at(size_t i);

#endif /* DL_ROLES_H */
