/*
** alloc.c -- the allocator hook, a bump arena and growable buffers.
**
** Every allocation of the library goes through a dl_allocator (NULL means
** libc), so that an embedding application (PostgreSQL, a server with its
** own pools) controls memory, and so that the test suite can fail the
** n-th allocation (tests/unit/test_oom.c). A document's layers live in an
** arena: one document, one free. Sizes are checked for overflow before
** every allocation.
*/
#include "internal.h"

#include <stdlib.h>

static void *libc_malloc(void *ctx, size_t n)
{
  (void)ctx;
  return malloc(n ? n : 1);
}

static void *libc_realloc(void *ctx, void *p, size_t old, size_t n)
{
  (void)ctx;
  (void)old;
  return realloc(p, n ? n : 1);
}

static void libc_free(void *ctx, void *p)
{
  (void)ctx;
  free(p);
}

const dl_allocator dl__libc_allocator = {libc_malloc, libc_realloc, libc_free,
                                         NULL};

DL_API void dl_free(void *p) { free(p); }

char *dl__out_dup(const char *p, size_t n)
{
  char *r;
  if (n == SIZE_MAX) return NULL;
  r = malloc(n + 1);
  if (!r) return NULL;
  if (n) memcpy(r, p, n);
  r[n] = 0;
  return r;
}

void *dl__malloc(const dl_allocator *al, size_t n)
{
  if (!al) al = &dl__libc_allocator;
  return al->malloc(al->ctx, n);
}

void *dl__realloc(const dl_allocator *al, void *p, size_t old, size_t n)
{
  if (!al) al = &dl__libc_allocator;
  if (!p) return al->malloc(al->ctx, n);
  return al->realloc(al->ctx, p, old, n);
}

void dl__free(const dl_allocator *al, void *p)
{
  if (!p) return;
  if (!al) al = &dl__libc_allocator;
  al->free(al->ctx, p);
}

bool dl__mul_ok(size_t a, size_t b, size_t *out)
{
  if (b && a > SIZE_MAX / b) return false;
  *out = a * b;
  return true;
}

void *dl__calloc(const dl_allocator *al, size_t n, size_t size)
{
  size_t total;
  void *p;
  if (!dl__mul_ok(n, size, &total)) return NULL;
  p = dl__malloc(al, total);
  if (p) memset(p, 0, total);
  return p;
}

bool dl__grow(const dl_allocator *al, void **p, size_t *cap, size_t len,
              size_t elem)
{
  size_t ncap, bytes;
  void *np;
  if (len < *cap) return true;
  ncap = *cap ? *cap * 2 : 16;
  if (ncap < len + 1) ncap = len + 1;
  if (!dl__mul_ok(ncap, elem, &bytes)) return false;
  np = dl__realloc(al, *p, *cap * elem, bytes);
  if (!np) return false;
  *p = np;
  *cap = ncap;
  return true;
}

/* ====================================================================
** Arena
** ==================================================================== */

struct dl__arena_block {
  dl__arena_block *next;
  size_t size, used;
  /* data follows, 16-byte aligned */
  _Alignas(16) unsigned char data[];
};

void dl__arena_init(dl__arena *a, const dl_allocator *al)
{
  a->al = al;
  a->head = NULL;
  a->next_size = 4096;
}

void *dl__arena_alloc(dl__arena *a, size_t n)
{
  dl__arena_block *b = a->head;
  size_t need = (n + 7) & ~(size_t)7;
  if (need < n) return NULL;
  if (!b || b->size - b->used < need) {
    size_t size = a->next_size;
    if (size < need) size = need;
    if (size > SIZE_MAX - sizeof *b) return NULL;
    b = dl__malloc(a->al, sizeof *b + size);
    if (!b) return NULL;
    b->size = size;
    b->used = 0;
    b->next = a->head;
    a->head = b;
    /* Grow geometrically up to 1 MiB blocks: few mallocs for big docs,
    ** little waste for small ones. */
    if (a->next_size < ((size_t)1 << 20)) a->next_size *= 2;
  }
  b->used += need;
  return b->data + b->used - need;
}

void *dl__arena_dup(dl__arena *a, const void *p, size_t n)
{
  void *q = dl__arena_alloc(a, n ? n : 1);
  if (q && n) memcpy(q, p, n);
  return q;
}

char *dl__arena_strndup(dl__arena *a, const char *s, size_t n)
{
  char *q;
  if (n == SIZE_MAX) return NULL;
  q = dl__arena_alloc(a, n + 1);
  if (!q) return NULL;
  if (n) memcpy(q, s, n);
  q[n] = 0;
  return q;
}

void dl__arena_free(dl__arena *a)
{
  dl__arena_block *b = a->head;
  while (b) {
    dl__arena_block *next = b->next;
    dl__free(a->al, b);
    b = next;
  }
  a->head = NULL;
}

/* ====================================================================
** Growable buffer
** ==================================================================== */

void dl__buf_init(dl__buf *b, const dl_allocator *al)
{
  b->al = al;
  b->p = NULL;
  b->len = b->cap = 0;
}

bool dl__buf_reserve(dl__buf *b, size_t extra)
{
  size_t need, ncap;
  char *np;
  if (extra > SIZE_MAX - b->len - 1) return false;
  need = b->len + extra + 1; /* room for a NUL */
  if (need <= b->cap) return true;
  ncap = b->cap ? b->cap : 256;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) {
      ncap = need;
      break;
    }
    ncap *= 2;
  }
  np = dl__realloc(b->al, b->p, b->cap, ncap);
  if (!np) return false;
  b->p = np;
  b->cap = ncap;
  return true;
}

bool dl__buf_append(dl__buf *b, const void *p, size_t n)
{
  if (!dl__buf_reserve(b, n)) return false;
  if (n) memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = 0;
  return true;
}

void dl__buf_free(dl__buf *b)
{
  dl__free(b->al, b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}
