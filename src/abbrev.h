/*
** abbrev.h -- the generated abbreviation and sentence-starter tables
** (abbrev_table.c, built by tools/gen/gen_abbrev.py) and their look-ups
** (tok.c). Shared by the tokenizer and the sentence splitter.
*/
#ifndef DL_ABBREV_H
#define DL_ABBREV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dl__abbrev_entry {
  const char *key;   /* lower case, without the final period */
  const char *form;  /* usual spelling, without the final period */
  uint16_t internal; /* uses inside a sentence in the training data */
  uint16_t final;    /* uses at the end of a sentence */
};

extern const struct dl__abbrev_entry dl__abbrev_table[];
extern const size_t dl__abbrev_count;
extern const char *const dl__starter_table[];
extern const size_t dl__starter_count;

/* The longest word (without its period) that can be an abbreviation. */
#define DL__ABBREV_MAX 31

/* Looks up s[0..n) (a word without its final period). Case must match the
** usual form, except that an all-capitals word matches any form and a
** capitalised word matches a lower-case form (sentence-initial "Approx.").
** Returns the entry or NULL. */
const struct dl__abbrev_entry *dl__abbrev_find(const char *s, size_t n);

/* True when s[0..n) is a capitalised closed-class word that usually starts
** a sentence ("The", "He", "But"). */
bool dl__is_starter(const char *s, size_t n);

#endif /* DL_ABBREV_H */
