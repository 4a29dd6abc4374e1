/*
** quote_lex.c -- look-ups in the quote stage's generated word tables
** (quote_tables.c): speech verbs, speaker nouns, first names with sex.
**
** Every table is sorted by its lower-case key in byte order; a look-up
** lower-cases the word (ASCII: the tables are ASCII) into a small buffer
** and binary-searches with libc bsearch. Words longer than the buffer are never in a table.
*/
#include "quote.h"

#include <stdlib.h>

#define KEYMAX 32

/* Lower-cases s[0..n) into buf; false when too long or not ASCII. */
static bool lower_key(const char *s, size_t n, char *buf)
{
  if (n == 0 || n >= KEYMAX) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) return false;
    buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  buf[n] = 0;
  return true;
}

/* bsearch comparators: the key is a lower-cased NUL-terminated word, the
** element a table entry whose first member is its key. */
static int cmp_cue(const void *k, const void *e)
{
  return strcmp((const char *)k, ((const struct dl__quote_cue *)e)->form);
}

static int cmp_noun(const void *k, const void *e)
{
  return strcmp((const char *)k, *(const char *const *)e);
}

static int cmp_name(const void *k, const void *e)
{
  return strcmp((const char *)k, ((const struct dl__quote_name *)e)->name);
}

const struct dl__quote_cue *dl__quote_cue_find(const char *s, size_t n)
{
  char k[KEYMAX];
  if (!lower_key(s, n, k)) return NULL;
  return bsearch(k, dl__quote_cues, dl__quote_cue_count,
                 sizeof dl__quote_cues[0], cmp_cue);
}

bool dl__quote_noun_find(const char *s, size_t n)
{
  char k[KEYMAX];
  if (!lower_key(s, n, k)) return false;
  return bsearch(k, dl__quote_nouns, dl__quote_noun_count,
                 sizeof dl__quote_nouns[0], cmp_noun) != NULL;
}

char dl__quote_name_sex(const char *s, size_t n)
{
  char k[KEYMAX];
  const struct dl__quote_name *e;
  if (!lower_key(s, n, k)) return 0;
  e = bsearch(k, dl__quote_names, dl__quote_name_count,
              sizeof dl__quote_names[0], cmp_name);
  return e ? e->sex : 0;
}
