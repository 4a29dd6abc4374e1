/*
** entity.h -- the workspace shared by the two halves of the entity stage:
** entity.c (mention clean-up, roles, the JSON writer) and entity_cluster.c
** (clustering, title-noun links, canonical names, salience, the layers).
*/
#ifndef DL_ENTITY_H
#define DL_ENTITY_H

#include "internal.h"

#define DL__NONE32 UINT32_MAX

/* Working-mention flags, above the public DL__MEN_* bits (0..7). */
enum {
  DL__EM_DROP = 1u << 8,       /* not a mention after clean-up */
  DL__EM_TITLE_ONLY = 1u << 9, /* nothing but a title ("the Pope") */
  DL__EM_SUBJECT = 1u << 10,   /* starts its sentence */
  DL__EM_NEW = 1u << 11,       /* made by this stage (ellipsis, nominal) */
  DL__EM_AMBIG = 1u << 12      /* short form with several candidates */
};

/* A mention while the stage works on it. */
struct dl__emen {
  uint32_t s, e;          /* bytes of the name proper */
  uint32_t form, form_len; /* display form in ws->str */
  uint32_t fid;            /* form id (entity_cluster.c) */
  uint32_t orig;           /* index in d->mentions, DL__NONE32 if new */
  uint32_t role;           /* first role in ws->r, DL__NONE32 if none */
  uint32_t ent;            /* working entity, DL__NONE32 if none */
  uint32_t flags;          /* DL__MEN_* | DL__EM_* */
  uint16_t head;           /* title-only: lexicon index + 1 of its head */
  uint8_t type;            /* dl__ent_type */
  float score;
};

/* A role seen with one mention ("Foreign Minister" before "Lavrov"). */
struct dl__erole {
  uint32_t s, e;  /* bytes */
  uint32_t next;  /* next role of the same mention, DL__NONE32 at the end */
  uint16_t head;  /* lexicon index + 1 of the head title */
};

/* An open-addressing hash slot: key bytes live in ws->keys. */
struct dl__hslot {
  uint64_t h;
  uint32_t off, len;
  uint32_t val; /* DL__NONE32: empty slot */
};

struct dl__hmap {
  struct dl__hslot *t;
  size_t cap, n;
};

struct dl__lex;
struct dl__wix; /* entity.c: the word index of the view */

struct dl__ews {
  const dl_allocator *al;
  dl_doc *d;
  const struct dl__lex *lex; /* the model's hashed word lists */
  struct dl__wix *wix;       /* NULL: none (no mentions, or not UTF-8) */
  size_t sent_hint;          /* sent_bounds: the sentence found last */
  struct dl__emen *m;
  size_t n, cap;
  struct dl__erole *r;
  size_t nr, rcap;
  dl__buf str;  /* display forms */
  dl__buf keys; /* hash keys */
  dl__buf tmp;  /* one key being built */
};

/* entity.c */
bool dl__ews_push_role(struct dl__ews *ws, uint32_t mi, uint32_t s,
                       uint32_t e, uint16_t head);
bool dl__ews_push_mention(struct dl__ews *ws, uint32_t s, uint32_t e,
                          uint8_t type, uint32_t flags, uint32_t ent);
/* Appends the display form of view[s..e) (spaces collapsed, curly quotes
** straightened) to b. */
bool dl__ent_display(const dl_doc *d, dl__buf *b, uint32_t s, uint32_t e);
/* The nominal-mention scan ("the president") used by entity_cluster.c:
** calls fn for each candidate in text order; initial: the phrase (with its
** "the" or "Russia's") opens its sentence. */
typedef bool (*dl__nominal_fn)(void *ctx, uint32_t s, uint32_t e,
                               uint16_t head, bool initial);
bool dl__ent_scan_nominals(struct dl__ews *ws, dl__nominal_fn fn, void *ctx);
/* Is the word at view[s..e) capitalized (or in a caseless script)? */
bool dl__ent_word_cap(const dl_doc *d, uint32_t s, uint32_t e);

/* entity_cluster.c: everything after the clean-up, down to d->entities. */
dl_status dl__entity_cluster(struct dl__ews *ws, dl_error *err);

#endif /* DL_ENTITY_H */
