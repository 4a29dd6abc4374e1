/*
** quote_lex.c -- look-ups in the quote stage's generated word tables
** (quote_tables.c): speech verbs, speaker nouns, first names with sex.
**
** Every table is sorted by its lower-case key in byte order; a look-up
** lower-cases the word (ASCII: the tables are ASCII) into a small buffer
** and binary-searches. Words longer than the buffer are never in a table.
*/
#include "quote.h"

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

const struct dl__quote_cue *dl__quote_cue_find(const char *s, size_t n)
{
  char k[KEYMAX];
  size_t lo = 0, hi = dl__quote_cue_count;
  if (!lower_key(s, n, k)) return NULL;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(dl__quote_cues[mid].form, k);
    if (c == 0) return &dl__quote_cues[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

bool dl__quote_noun_find(const char *s, size_t n)
{
  char k[KEYMAX];
  size_t lo = 0, hi = dl__quote_noun_count;
  if (!lower_key(s, n, k)) return false;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(dl__quote_nouns[mid], k);
    if (c == 0) return true;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

char dl__quote_name_sex(const char *s, size_t n)
{
  char k[KEYMAX];
  size_t lo = 0, hi = dl__quote_name_count;
  if (!lower_key(s, n, k)) return 0;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(dl__quote_names[mid].name, k);
    if (c == 0) return dl__quote_names[mid].sex;
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}
