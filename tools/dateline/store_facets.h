/*
** store_facets.h -- the store's derived lookup tables for `search`
** (docs/STORE.md, docs/INTERNALS-store.md):
**
**   facets(kind, value, chunk, n, ids): for each day ('day', the date's
**   first 10 characters), country ('country': places.country and
**   articles.focus_country) and theme ('theme'), the articles that have it,
**   cut into chunks of FACET_CHUNK article ids (chunk = id >> 16). `ids`
**   is the chunk's members: n little-endian uint16 (id & 0xffff, sorted)
**   when n <= FACET_ARRAY_MAX, else a FACET_CHUNK-bit bitmap (8192 bytes,
**   bit i of byte i/8 is id chunk*65536 + i). So "articles of theme X in
**   country Y" is an AND of two small bitmaps, whatever their sizes.
**
**   fts_lengths(chunk, tokens): the token count of each article's FTS row
**   (title + text, what bm25() calls the document length), LEN_CHUNK
**   little-endian uint32 per row (article id chunk*LEN_CHUNK + i), so
**   that ranking reads one blob per 4,096 articles instead of one
**   articles_fts_docsize row per match.
**
** Both are written by `dateline index` in the transaction of the articles
** they describe; meta 'facets' = '1' says they are complete (a store made
** before them gets them at the next `dateline index`).
*/
#ifndef DL_STORE_FACETS_H
#define DL_STORE_FACETS_H

#include <stdint.h>

#define FACET_CHUNK_BITS 16
#define FACET_CHUNK (1u << FACET_CHUNK_BITS)
#define FACET_BITMAP_BYTES (FACET_CHUNK / 8)
#define FACET_ARRAY_MAX 4095
#define LEN_CHUNK 4096

enum { FACET_DAY, FACET_COUNTRY, FACET_THEME };

static const char *const facet_kinds[] = {"day", "country", "theme"};

/* ORs a container (an `ids` blob) into the FACET_CHUNK-bit bitmap bm. */
static inline void facet_or(uint64_t *bm, const unsigned char *b, int n)
{
  if (n == FACET_BITMAP_BYTES) {
    for (unsigned i = 0; i < FACET_CHUNK / 64; i++) {
      const unsigned char *q = b + i * 8;
      bm[i] |= (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 |
               (uint64_t)q[3] << 24 | (uint64_t)q[4] << 32 |
               (uint64_t)q[5] << 40 | (uint64_t)q[6] << 48 |
               (uint64_t)q[7] << 56;
    }
    return;
  }
  for (int i = 0; i + 1 < n; i += 2) {
    unsigned v = (unsigned)b[i] | (unsigned)b[i + 1] << 8;
    bm[v >> 6] |= (uint64_t)1 << (v & 63);
  }
}

#endif
