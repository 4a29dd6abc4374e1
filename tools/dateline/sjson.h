/*
** sjson.h -- a small in-situ JSON reader for the corpus commands.
**
** `dateline index` reads annotated records of 5-20 KB each at 10,000+
** records a second; jansson builds a hash table per object and copies
** every string, which caps it near 50 MB/s. This reader parses one line
** into a flat array of values (a tree linked by child/sibling indices),
** unescaping strings in place inside the caller's buffer, so a record
** costs one pass and no allocation once the array has grown. It is
** strict RFC 8259 (UTF-8 checked, depth limited) because it guards the
** store: a line it accepts is a line we can trust.
*/
#ifndef DL_SJSON_H
#define DL_SJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum {
  SJ_NULL, SJ_FALSE, SJ_TRUE, SJ_NUM, SJ_STR, SJ_ARR, SJ_OBJ
} sj_type;

/* One value. Children of an array or object are chained through `next`
** starting at `first`; index 0 is the root, so 0 also means "none". An
** object member carries its key. Strings are NUL-terminated in place. */
typedef struct sj_val {
  uint8_t type;
  uint32_t first, next, count; /* count: children, or string bytes */
  const char *key;             /* member name, or NULL */
  uint32_t keylen;
  const char *str;             /* SJ_STR: the unescaped bytes */
  double num;                  /* SJ_NUM */
} sj_val;

typedef struct sj_doc {
  sj_val *v;
  uint32_t n, cap;
  char err[128];   /* why sj_parse() failed */
  size_t err_off;  /* byte offset of the failure */
} sj_doc;

/* Parses buf[0..len) (modified in place; buf[len] must be writable) into
** d, replacing what d held. Returns false with d->err on malformed JSON. A
** trailing "\n" or "\r\n" is allowed. */
bool sj_parse(sj_doc *d, char *buf, size_t len);
void sj_free(sj_doc *d);

/* The member `key` of object o, or NULL (also when o is not an object).
** Inline: the callers' keys are literals, so strlen() folds away (the
** store looks up ~400 members per record). */
static inline const sj_val *sj_get(const sj_doc *d, const sj_val *o,
                                   const char *key)
{
  size_t kl;
  if (!o || o->type != SJ_OBJ) return NULL;
  kl = strlen(key);
  for (uint32_t i = o->first; i; i = d->v[i].next)
    if (d->v[i].keylen == kl && memcmp(d->v[i].key, key, kl) == 0)
      return &d->v[i];
  return NULL;
}
/* Child after c in its array/object, or NULL. First child: sj_child(). */
const sj_val *sj_child(const sj_doc *d, const sj_val *o);
const sj_val *sj_next(const sj_doc *d, const sj_val *c);

/* Length of the UTF-8 sequence at s (s[0] >= 0x80, s < end) if it is
** valid -- no overlong forms, no surrogates, nothing over U+10FFFF, the
** same rule as jansson's utf8_check_first/utf8_check_full -- else 0. */
int sj_utf8_len(const unsigned char *s, const unsigned char *end);

#endif
