/*
** entity.c -- from the tagger's mentions to entities: this half cleans the
** mentions and finds their roles; entity_cluster.c clusters them.
**
** The stage reads d->mentions (the NER tagger's token ranges and types)
** and rewrites them, then builds d->entities. Steps, in order:
**
**  1. Collect: drop malformed or overlapping mentions, sort by offset.
**  2. Facilities: a mention that ends in a facility head word (Cathedral,
**     Airport, Bridge: roles.c) absorbs "X the" before it and a head word
**     right after it ("Christ the Saviour Cathedral" often comes out of a
**     tagger in two pieces), and becomes FAC when it was LOC/ORG/MISC.
**  3. Clean-up: edge punctuation, possessive 's / ' (as a separate token
**     or glued to the name: "Putin's"), a leading "the"; for PER mentions,
**     a leading title ("Prime Minister Dmitry Medvedev" -> name "Dmitry
**     Medvedev", role "Prime Minister"). A PER mention made of nothing but
**     title words is title-only ("the Pope"); entity_cluster.c links it
**     to a holder of that title or keeps it as a name.
**  4. Elliptic coordination: "North and South Korea" gives "North" the
**     form "North Korea".
**  5. Roles around PER mentions: the words right before the name
**     ("Russian President", "Kremlin spokesman", "Muslim cleric"), an
**     appositive before it ("the head of the Russian Orthodox Church,
**     Patriarch Kirill") or after it ("Sergei Lavrov, Russia's foreign
**     minister, said").
**
** Context is read in "words": runs of non-space code points with the
** separators , ; : ! ? " ( ) [ ] / and dashes split off. Words never cross
** a sentence boundary. Every scan looks at a bounded number of words, so
** the stage is linear in the number of mentions (plus n log n sorts).
**
** Nothing here allocates outside the workspace; every failure is NOMEM.
*/
#include "entity.h"
#include "entity_lex.h"
#include "roles.h"

#include <stdio.h>
#include <stdlib.h>

/* ====================================================================
** Words of the view
** ==================================================================== */

#define MAXW 12 /* words a context scan looks at */

struct cw {
  uint32_t s, e;
  char n[48];    /* lower case, final '.' and possessive 's removed */
  uint8_t nl;    /* 0 when too long or empty */
  uint8_t sep;   /* a separator (punctuation) word */
  uint8_t poss;  /* ended in 's / ' */
  uint8_t cap;   /* capitalized or caseless */
  uint8_t mw;    /* DL__LEX_ROLE_MW: lengths of entries n starts */
  uint16_t ent;  /* lexicon index + 1 of n, 0: none */
  unsigned fl;   /* lexicon flags of n */
};

static bool is_sep(int32_t cp)
{
  if (cp < 0x80) { /* most calls: the same answers, without the calls */
    switch (cp) {
    case ',': case ';': case ':': case '!': case '?': case '(': case ')':
    case '[': case ']': case '{': case '}': case '/': case '|': case '"':
    case DL__BAD_BYTE:
      return true;
    default:
      return false;
    }
  }
  if (dl__is_squote(cp)) return false;
  if (dl__is_dquote(cp) || dl__is_dash(cp)) return true;
  switch (cp) {
  case ',': case ';': case ':': case '!': case '?': case '(': case ')':
  case '[': case ']': case '{': case '}': case '/': case '|': case 0x2026:
  case DL__BAD_BYTE:
    return true;
  default:
    return false;
  }
}

/* dl__is_space with ASCII answered inline. */
static inline bool is_space(int32_t cp)
{
  if (cp < 0x80)
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
           cp == '\f' || cp == '\v';
  return dl__is_space(cp);
}

static int32_t cp_at(const dl_doc *d, size_t i, size_t *k)
{
  int32_t cp;
  unsigned char c = (unsigned char)d->view[i];
  if (c < 0x80) { /* ASCII, as dl__utf8_decode answers it */
    *k = 1;
    return c;
  }
  *k = dl__utf8_decode((const unsigned char *)d->view, d->len, i, &cp);
  if (!*k) *k = 1;
  return cp;
}

/* Start of the code point that ends at i (i > 0). */
static size_t cp_back(const dl_doc *d, size_t i)
{
  const unsigned char *u = (const unsigned char *)d->view;
  size_t j = i - 1;
  while (j > 0 && i - j < 4 && (u[j] & 0xC0) == 0x80) j--;
  {
    size_t k;
    cp_at(d, j, &k);
    if (j + k != i) j = i - 1; /* invalid: one byte */
  }
  return j;
}

bool dl__ent_word_cap(const dl_doc *d, uint32_t s, uint32_t e)
{
  size_t k;
  while (s < e) {
    int32_t cp = cp_at(d, s, &k);
    if (dl__is_squote(cp) || dl__is_dquote(cp)) {
      s += (uint32_t)k;
      continue;
    }
    return dl__is_upper(cp) || (dl__is_alpha(cp) && !dl__is_lower(cp));
  }
  return false;
}

/* Length of a possessive ending at view[..e): 's, ’s, or a bare ' / ’
** after s. 0 when none. */
static uint32_t poss_len(const dl_doc *d, uint32_t s, uint32_t e)
{
  const char *v = d->view;
  if (e - s >= 3 && (v[e - 1] == 's' || v[e - 1] == 'S')) {
    if (v[e - 2] == '\'') return 2;
    if (e - s >= 5 && memcmp(v + e - 4, "\xE2\x80\x99", 3) == 0) return 4;
  }
  if (e - s >= 2 && v[e - 1] == '\'' && (v[e - 2] == 's' || v[e - 2] == 'S'))
    return 1;
  if (e - s >= 4 && memcmp(v + e - 3, "\xE2\x80\x99", 3) == 0 &&
      (v[e - 4] == 's' || v[e - 4] == 'S'))
    return 3;
  return 0;
}

/* The role lexicon entry of key[0..n) through the model's hash table
** (entity_lex.h), the same answer as dl__roles_lookup. */
static const struct dl__role_entry *role_find(const struct dl__lex *lex,
                                              const char *key, size_t n)
{
  uint32_t v;
  if (!dl__strtab_find(&lex->roles, key, n, &v) || !DL__LEX_ROLE_INDEX(v))
    return NULL;
  return dl__roles_at(DL__LEX_ROLE_INDEX(v) - 1);
}

static void cw_fill(const struct dl__ews *ws, struct cw *w, uint32_t s,
                    uint32_t e, bool sep)
{
  const dl_doc *d = ws->d;
  uint32_t pe = e, pl;
  size_t n = 0;
  w->s = s;
  w->e = e;
  w->sep = sep;
  w->nl = 0;
  w->fl = 0;
  w->poss = 0;
  w->mw = 0;
  w->ent = 0;
  if (sep) {
    w->cap = 0;
    return;
  }
  {
    /* dl__ent_word_cap, with ASCII letters and digits answered here. */
    unsigned char c = (unsigned char)d->view[s];
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      w->cap = 0;
    else if (c >= 'A' && c <= 'Z')
      w->cap = 1;
    else
      w->cap = dl__ent_word_cap(d, s, e);
  }
  pl = poss_len(d, s, e);
  if (pl) {
    w->poss = 1;
    pe -= pl;
  }
  while (pe > s && d->view[pe - 1] == '.') pe--;
  if (pe - s >= sizeof w->n) return;
  for (uint32_t i = s; i < pe; i++) {
    char c = d->view[i];
    w->n[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
  }
  w->nl = (uint8_t)n;
  if (n) {
    uint32_t v;
    if (dl__strtab_find(&ws->lex->roles, w->n, n, &v)) {
      w->ent = (uint16_t)DL__LEX_ROLE_INDEX(v);
      w->mw = (uint8_t)DL__LEX_ROLE_MW(v);
      if (w->ent) w->fl = dl__roles_at(w->ent - 1u)->flags;
    }
  }
}

/* The word that ends at or before p, not before lo: the definition, a
** scan code point by code point. The word index below answers the same
** questions without the scan; this stays for the cases it leaves. */
static bool prev_cw_scan(const struct dl__ews *ws, uint32_t p, uint32_t lo,
                         struct cw *w)
{
  const dl_doc *d = ws->d;
  size_t i = p, j, k;
  int32_t cp = 0;
  uint32_t end;
  while (i > lo) {
    j = cp_back(d, i);
    cp = cp_at(d, j, &k);
    if (!is_space(cp)) break;
    i = j;
  }
  if (i <= lo) return false;
  j = cp_back(d, i);
  if (j < lo) return false;
  if (is_sep(cp)) {
    cw_fill(ws, w, (uint32_t)j, (uint32_t)i, true);
    return true;
  }
  end = (uint32_t)i;
  while (i > lo) {
    j = cp_back(d, i);
    if (j < lo) break;
    cp = cp_at(d, j, &k);
    if (is_space(cp) || is_sep(cp)) break;
    i = j;
  }
  cw_fill(ws, w, (uint32_t)i, end, false);
  return true;
}

/* The word that starts at or after p, ending before hi (the definition). */
static bool next_cw_scan(const struct dl__ews *ws, uint32_t p, uint32_t hi,
                         struct cw *w)
{
  const dl_doc *d = ws->d;
  size_t i = p, k;
  int32_t cp = 0;
  uint32_t start;
  while (i < hi) {
    cp = cp_at(d, i, &k);
    if (!is_space(cp)) break;
    i += k;
  }
  if (i >= hi) return false;
  if (is_sep(cp)) {
    cw_fill(ws, w, (uint32_t)i, (uint32_t)DL__MIN(i + k, hi), true);
    return true;
  }
  start = (uint32_t)i;
  while (i < hi) {
    cp = cp_at(d, i, &k);
    if (is_space(cp) || is_sep(cp)) break;
    i += k;
  }
  cw_fill(ws, w, start, (uint32_t)DL__MIN(i, hi), false);
  return true;
}

/* ====================================================================
** The word index
**
** The context scans ask for the word before or after a position hundreds
** of times per document, mostly the same words again (every mention looks
** at its neighbours, every nominal at the words after "the"). So the view
** is cut into words once -- the same cut the scans make: runs of
** non-space code points, each separator code point a word of its own --
** and each byte maps to its word (or, in a gap, to the next word). A word
** asked for whole, within the bounds, comes from the index, its cw
** (lower-cased form, lexicon flags) filled on first use and then reused.
** Anything else -- a word cut by lo/hi, a position inside a word or a
** code point, a view that does not decode -- goes to the scan above, so
** the answers are the scan's in every case.
** ==================================================================== */

#define GAP 0x80000000u /* wix.at[]: a space byte; low bits: next word */

/* Kept in the annotator between documents (a->entity_wix): its arrays
** grow to the largest document seen and are reused, not reallocated per
** document. */
struct dl__wix {
  uint32_t *at;   /* per byte of the view (+1): word index or GAP|next */
  uint32_t *ws_;  /* word starts */
  uint32_t *we;   /* word ends */
  uint8_t *sep;   /* separator word */
  uint8_t *done;  /* cw[k] filled */
  struct cw *cw;
  size_t n;
  size_t cap_bytes, cap_words; /* room in at[]; in the word arrays */
};

/* Character classes of ASCII bytes for the index: 1 space, 2 separator
** (is_space and is_sep on ASCII). */
static const unsigned char ascii_class[128] = {
    [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\f'] = 1, ['\v'] = 1,
    [','] = 2, [';'] = 2, [':'] = 2, ['!'] = 2, ['?'] = 2, ['('] = 2,
    [')'] = 2, ['['] = 2, [']'] = 2, ['{'] = 2, ['}'] = 2, ['/'] = 2,
    ['|'] = 2, ['"'] = 2, [DL__BAD_BYTE] = 2};

/* Bytes that end a run of plain ASCII word bytes: those of ascii_class
** (tab to CR, 0x1A, space, ! " ( ) , / : ; ? [ ] { } |) and every byte
** from 0x80 on (decoded by the caller). */
static const unsigned char run_end[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0,
    1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};

static void wix_arrays_free(const dl_allocator *al, struct dl__wix *x)
{
  dl__free(al, x->at);
  dl__free(al, x->ws_);
  dl__free(al, x->we);
  dl__free(al, x->sep);
  dl__free(al, x->done);
  dl__free(al, x->cw);
  x->at = x->ws_ = x->we = NULL;
  x->sep = x->done = NULL;
  x->cw = NULL;
  x->cap_bytes = x->cap_words = 0;
}

void dl__entity_ws_free(dl_annotator *a)
{
  if (!a->entity_wix) return;
  wix_arrays_free(a->al, a->entity_wix);
  dl__free(a->al, a->entity_wix);
  a->entity_wix = NULL;
}

/* Room for a view of len bytes: at[] of len + 1, the word arrays of
** len / 2 + 2 (words are at most one per two bytes, a word and a gap,
** plus one). False on NOMEM. */
/* Grows the word arrays to hold at least `words` entries (keeping what
** they hold); false on NOMEM, with x still consistent. */
static bool wix_grow(const dl_allocator *al, struct dl__wix *x, size_t words)
{
  size_t old = x->cap_words, cap = old ? old : 64;
  void *p;
  while (cap < words) cap *= 2;
  if (cap == old) return true;
#define WIX_GROW(f)                                                        \
  do {                                                                     \
    p = dl__realloc(al, x->f, old * sizeof *x->f, cap * sizeof *x->f);     \
    if (!p) goto fail;                                                     \
    x->f = p;                                                              \
  } while (0)
  /* The arrays grow one by one; when one cannot, all are dropped, so
  ** that cap_words always describes every array. */
  WIX_GROW(ws_);
  WIX_GROW(we);
  WIX_GROW(sep);
  WIX_GROW(done);
  WIX_GROW(cw);
#undef WIX_GROW
  x->cap_words = cap;
  return true;
fail:
  dl__free(al, x->ws_);
  dl__free(al, x->we);
  dl__free(al, x->sep);
  dl__free(al, x->done);
  dl__free(al, x->cw);
  x->ws_ = x->we = NULL;
  x->sep = x->done = NULL;
  x->cw = NULL;
  x->cap_words = 0;
  return false;
}

/* Room for a view of len bytes: at[] covers every byte; the word arrays
** start from an estimate (news averages more than six bytes a word) and
** grow while the index is built, since punctuation words can make a word
** of every byte. */
static bool wix_room(const dl_allocator *al, struct dl__wix *x, size_t len)
{
  if (len + 1 > x->cap_bytes) {
    dl__free(al, x->at);
    x->at = dl__malloc(al, (len + 1) * sizeof *x->at);
    x->cap_bytes = x->at ? len + 1 : 0;
    if (!x->at) return false;
  }
  return wix_grow(al, x, len / 6 + 2);
}

/* Builds the word index of the view in the annotator's x and points
** ws->wix at it; false on NOMEM. A view that does not decode as UTF-8
** leaves ws->wix NULL (every scan then runs as the definition). */
static bool wix_build(struct dl__ews *ws, struct dl__wix *x)
{
  const dl_doc *d = ws->d;
  const unsigned char *u = (const unsigned char *)d->view;
  size_t len = d->len, i = 0, n = 0;
  uint32_t *at;
  ws->wix = NULL;
  if (!wix_room(ws->al, x, len)) return false;
  at = x->at;
  while (i < len) {
    size_t st = i, k = 1;
    int cls;
    int32_t cp;
    if (u[i] < 0x80) {
      cls = ascii_class[u[i]];
    } else {
      k = dl__utf8_decode(u, len, i, &cp);
      if (!k) return true; /* not UTF-8: no index */
      cls = is_space(cp) ? 1 : is_sep(cp) ? 2 : 0;
    }
    if (cls == 1) {
      for (size_t b = 0; b < k; b++) at[i + b] = GAP | (uint32_t)n;
      i += k;
      continue;
    }
    if (n + 1 >= x->cap_words && !wix_grow(ws->al, x, n + 2)) return false;
    x->sep[n] = cls == 2;
    for (size_t b = 0; b < k; b++) at[i + b] = (uint32_t)n;
    i += k;
    if (cls == 0) {
      /* The rest of the word: ASCII bytes by table (mapped as they are
      ** passed), others decoded. */
      for (;;) {
        while (i < len && !run_end[u[i]]) at[i++] = (uint32_t)n;
        if (i >= len || u[i] < 0x80) break;
        k = dl__utf8_decode(u, len, i, &cp);
        if (!k) return true;
        if (is_space(cp) || is_sep(cp)) break;
        for (size_t b = 0; b < k; b++) at[i + b] = (uint32_t)n;
        i += k;
      }
    }
    x->ws_[n] = (uint32_t)st;
    x->we[n] = (uint32_t)i;
    n++;
  }
  at[len] = GAP | (uint32_t)n;
  x->n = n;
  memset(x->done, 0, n + 1);
  ws->wix = x;
  return true;
}

static void wix_get(const struct dl__ews *ws, size_t k, struct cw *w)
{
  struct dl__wix *x = ws->wix;
  if (!x->done[k]) {
    cw_fill(ws, &x->cw[k], x->ws_[k], x->we[k], x->sep[k] != 0);
    x->done[k] = 1;
  }
  *w = x->cw[k];
}

/* A continuation byte: p is inside a code point. */
static bool mid_cp(const dl_doc *d, uint32_t p)
{
  return p < d->len && ((unsigned char)d->view[p] & 0xC0) == 0x80;
}

/* The word that ends at or before p, not before lo. */
static bool prev_cw(const struct dl__ews *ws, uint32_t p, uint32_t lo,
                    struct cw *w)
{
  const struct dl__wix *x = ws->wix;
  uint32_t a, k, end;
  if (p <= lo) return false;
  if (!x || p > ws->d->len || mid_cp(ws->d, p))
    return prev_cw_scan(ws, p, lo, w);
  a = x->at[p - 1];
  if (a & GAP) {
    k = a & ~GAP;
    if (k == 0) return false; /* only spaces back to the start */
    k--;
    end = x->we[k];
  } else {
    k = a;
    end = p;
  }
  if (end <= lo) return false;
  if (end == x->we[k] && x->ws_[k] >= lo) {
    wix_get(ws, k, w);
    return true;
  }
  if (x->sep[k]) return prev_cw_scan(ws, p, lo, w);
  /* Part of a word: up to p (inside it), or from lo (inside it): the
  ** code point before end must start at or after lo, and the word then
  ** starts at the first code point boundary from lo on. */
  {
    uint32_t start = x->ws_[k];
    if (start < lo) {
      if (cp_back(ws->d, end) < lo) return false;
      start = lo;
      while (start < end && mid_cp(ws->d, start)) start++;
    }
    cw_fill(ws, w, start, end, false);
    return true;
  }
}

/* The word that starts at or after p, ending before hi. */
static bool next_cw(const struct dl__ews *ws, uint32_t p, uint32_t hi,
                    struct cw *w)
{
  const struct dl__wix *x = ws->wix;
  uint32_t a, k, i;
  if (p >= hi) return false;
  if (!x || p > ws->d->len || mid_cp(ws->d, p))
    return next_cw_scan(ws, p, hi, w);
  a = x->at[p];
  if (a & GAP) {
    k = a & ~GAP;
    if (k >= x->n) return false; /* only spaces to the end */
    i = x->ws_[k];
  } else {
    k = a;
    i = p;
  }
  if (i >= hi) return false;
  if (i == x->ws_[k] && x->we[k] <= hi) {
    wix_get(ws, k, w);
    return true;
  }
  if (i != x->ws_[k] && x->sep[k]) return next_cw_scan(ws, p, hi, w);
  /* Part of a word: from p (inside it) or up to hi (inside it). */
  cw_fill(ws, w, i, DL__MIN(x->we[k], hi), x->sep[k] != 0);
  return true;
}

/* Longest title (lexicon entry with any flag in `need`) made of words
** w[i..i+k), k <= 4, in text order. Returns k (0: none) and the entry's
** index + 1 in *head. */
static size_t title_at(const struct dl__lex *lex, const struct cw *w,
                       size_t n, size_t i, unsigned need, uint16_t *head)
{
  char key[200];
  for (size_t k = DL__MIN((size_t)4, n - i); k >= 1; k--) {
    size_t len = 0;
    bool ok = true;
    const struct dl__role_entry *e;
    /* A key of k >= 2 words is an entry only if its first word starts
    ** entries of k words; of one word, w[i]'s own entry. */
    if (k >= 2 && !(w[i].mw & (1u << (k - 2)))) continue;
    if (k == 1) {
      if (!w[i].nl || w[i].sep || !w[i].ent) continue;
      e = dl__roles_at(w[i].ent - 1u);
      if (e->flags & need) {
        *head = w[i].ent;
        return 1;
      }
      continue;
    }
    for (size_t j = i; j < i + k && ok; j++) {
      if (!w[j].nl || w[j].sep || (j < i + k - 1 && w[j].poss)) ok = false;
      else {
        if (len) key[len++] = ' ';
        memcpy(key + len, w[j].n, w[j].nl);
        len += w[j].nl;
      }
    }
    if (!ok) continue;
    e = role_find(lex, key, len);
    if (e && (e->flags & need)) {
      *head = (uint16_t)(e - dl__roles_at(0) + 1);
      return k;
    }
  }
  return 0;
}

/* Same, for a title that ends at w[i] when w[] runs backwards (w[0] is
** nearest): the words w[i+k-1] .. w[i] in text order. */
static size_t title_ending(const struct dl__lex *lex, const struct cw *w,
                           size_t n, size_t i, unsigned need, uint16_t *head)
{
  struct cw fw[4];
  memset(fw, 0, sizeof fw);
  for (size_t k = DL__MIN((size_t)4, n - i); k >= 1; k--) {
    for (size_t j = 0; j < k; j++) fw[j] = w[i + k - 1 - j];
    if (title_at(lex, fw, k, 0, need, head) == k) return k;
  }
  return 0;
}

/* ====================================================================
** Workspace helpers
** ==================================================================== */

bool dl__ews_push_role(struct dl__ews *ws, uint32_t mi, uint32_t s,
                       uint32_t e, uint16_t head)
{
  struct dl__erole *r;
  uint32_t *link;
  if (s >= e) return true;
  if (!DL__PUSH(ws->al, ws->r, ws->nr, ws->rcap)) return false;
  r = &ws->r[ws->nr];
  r->s = s;
  r->e = e;
  r->head = head;
  r->next = DL__NONE32;
  /* Keep the roles of a mention in text order. */
  link = &ws->m[mi].role;
  while (*link != DL__NONE32 && ws->r[*link].s < s) link = &ws->r[*link].next;
  r->next = *link;
  *link = (uint32_t)ws->nr;
  ws->nr++;
  return true;
}

bool dl__ews_push_mention(struct dl__ews *ws, uint32_t s, uint32_t e,
                          uint8_t type, uint32_t flags, uint32_t ent)
{
  struct dl__emen *m;
  if (!DL__PUSH(ws->al, ws->m, ws->n, ws->cap)) return false;
  m = &ws->m[ws->n++];
  memset(m, 0, sizeof *m);
  m->s = s;
  m->e = e;
  m->type = type;
  m->flags = flags | DL__EM_NEW;
  m->orig = DL__NONE32;
  m->role = DL__NONE32;
  m->ent = ent;
  m->fid = DL__NONE32;
  m->score = 1.0f;
  return true;
}

/* ASCII bytes dl__ent_display copies as they are: not a space, not the
** replaced-byte placeholder (written as U+FFFD). */
static inline bool display_plain(unsigned char c)
{
  return c < 0x80 && c != DL__BAD_BYTE && !is_space(c);
}

bool dl__ent_display(const dl_doc *d, dl__buf *b, uint32_t s, uint32_t e)
{
  const unsigned char *u = (const unsigned char *)d->view;
  size_t i = s, k, base = b->len;
  bool space = false;
  while (i < e) {
    int32_t cp;
    char enc[4];
    size_t n;
    if (u[i] < 0x80 && u[i] != DL__BAD_BYTE) {
      /* ASCII: a space sets the flag, a run of other bytes is copied
      ** (the only ASCII quotes, ' and ", map to themselves). */
      size_t j = i;
      if (is_space(u[i])) {
        space = true;
        i++;
        continue;
      }
      while (j < e && display_plain(u[j])) j++;
      if (space && b->len > base && !dl__buf_append(b, " ", 1)) return false;
      space = false;
      if (!dl__buf_append(b, d->view + i, j - i)) return false;
      i = j;
      continue;
    }
    cp = cp_at(d, i, &k);
    if (i + k > e) k = e - i;
    if (dl__is_space(cp)) {
      space = true;
      i += k;
      continue;
    }
    if (cp == 0xAD || cp == 0x200C || cp == 0x200D) { /* invisible */
      i += k;
      continue;
    }
    if (space && b->len > base && !dl__buf_append(b, " ", 1)) return false;
    space = false;
    if (dl__is_squote(cp) && cp != '`') cp = '\'';
    else if (dl__is_dquote(cp)) cp = '"';
    else if (cp == DL__BAD_BYTE) cp = 0xFFFD;
    if (cp < 0x80 || (unsigned char)d->view[i] >= 0xC0) {
      n = dl__utf8_encode(cp, enc);
      if (cp == 0xFFFD && k == 1 && (unsigned char)d->view[i] >= 0x80)
        n = dl__utf8_encode(0xFFFD, enc);
    } else {
      n = dl__utf8_encode(0xFFFD, enc);
    }
    if (!dl__buf_append(b, enc, n)) return false;
    i += k;
  }
  return true;
}

/* ====================================================================
** 1. Collect
** ==================================================================== */

static int cmp_men(const void *a, const void *b)
{
  const struct dl__emen *x = a, *y = b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  if (x->e != y->e) return x->e > y->e ? -1 : 1; /* longer first */
  return x->orig < y->orig ? -1 : x->orig > y->orig;
}

static bool collect(struct dl__ews *ws)
{
  const dl_doc *d = ws->d;
  size_t keep = 0;
  uint32_t last_end = 0;
  for (size_t i = 0; i < d->n_mentions; i++) {
    const dl__mention *dm = &d->mentions[i];
    uint32_t s = dm->start, e = dm->end;
    if (dm->type == DL__ENT_NONE || dm->type >= DL__ENT__COUNT) continue;
    if (dm->tok_start < dm->tok_end && dm->tok_end <= d->n_tokens &&
        !(s < e && e <= d->len)) {
      s = d->tokens[dm->tok_start].start;
      e = d->tokens[dm->tok_end - 1].end;
    }
    if (!(s < e && e <= d->len)) continue;
    if (!dl__ews_push_mention(ws, s, e, dm->type, dm->flags & 0xFF,
                              DL__NONE32))
      return false;
    ws->m[ws->n - 1].flags &= ~(uint32_t)DL__EM_NEW;
    ws->m[ws->n - 1].orig = (uint32_t)i;
    ws->m[ws->n - 1].score = dm->score;
  }
  if (ws->n > 1) qsort(ws->m, ws->n, sizeof *ws->m, cmp_men);
  /* A tagger never overlaps its mentions; if one did, keep the first. */
  for (size_t i = 0; i < ws->n; i++) {
    if (keep && ws->m[i].s < last_end) continue;
    last_end = ws->m[i].e;
    ws->m[keep++] = ws->m[i];
  }
  ws->n = keep;
  return true;
}

/* The sentence bounds around byte p (whole text when there are none). */
static void sent_bounds(struct dl__ews *ws, uint32_t p, uint32_t *lo,
                        uint32_t *hi)
{
  const dl_doc *d = ws->d;
  size_t a = 0, b = d->n_sentences, h = ws->sent_hint;
  *lo = 0;
  *hi = (uint32_t)d->len;
  /* Mentions come mostly in text order, many to a sentence: the sentence
  ** found last and the one after it are tried first. One is the answer
  ** of the search below when it holds p and the sentence before it ends
  ** at or before p. */
  for (size_t t = h; t < b && t <= h + 1; t++) {
    if (d->sentences[t].start <= p && p < d->sentences[t].end &&
        (t == 0 || d->sentences[t - 1].end <= p)) {
      *lo = d->sentences[t].start;
      *hi = d->sentences[t].end;
      ws->sent_hint = t;
      return;
    }
  }
  while (a < b) { /* first sentence with end > p */
    size_t mid = a + (b - a) / 2;
    if (d->sentences[mid].end <= p)
      a = mid + 1;
    else
      b = mid;
  }
  if (a < d->n_sentences && d->sentences[a].start <= p) {
    *lo = d->sentences[a].start;
    *hi = d->sentences[a].end;
    ws->sent_hint = a;
  }
}

/* Index of the working mention that covers byte p, or DL__NONE32. */
static uint32_t mention_at(const struct dl__ews *ws, uint32_t p)
{
  size_t a = 0, b = ws->n;
  while (a < b) { /* first mention with s > p */
    size_t mid = a + (b - a) / 2;
    if (ws->m[mid].s <= p)
      a = mid + 1;
    else
      b = mid;
  }
  if (a == 0) return DL__NONE32;
  a--;
  if (ws->m[a].s <= p && p < ws->m[a].e && !(ws->m[a].flags & DL__EM_DROP))
    return (uint32_t)a;
  return DL__NONE32;
}

/* ====================================================================
** 1b. Metonymy: "the Kremlin said"
** ==================================================================== */

/* A building or seat of power that speaks is its institution: a LOC name
** after "the" whose clause goes on (past at most two adverbs or
** auxiliaries) to a speech or stance verb -- "The Kremlin however has
** said", "the Pentagon denied" -- is typed ORG, as OntoNotes does. CoNLL
** tags such mentions LOC, so the tagger cannot learn it. A bare city name
** ("Moscow and Ankara say") takes no article and is left alone. */
static bool cw_is(const struct cw *w, const char *const *list, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (w->nl && strlen(list[k]) == w->nl && memcmp(w->n, list[k], w->nl) == 0)
      return true;
  return false;
}

static void metonymy(struct dl__ews *ws)
{
  static const char *const verbs[] = {
      "said", "says", "say", "denied", "denies", "announced", "announces",
      "warned", "warns", "insisted", "insists", "stated", "confirmed",
      "confirms", "claimed", "claims", "accused", "accuses", "rejected",
      "rejects", "responded", "declined", "refused", "told"};
  static const char *const skip[] = {
      "however", "has", "have", "had", "also", "again", "previously",
      "already", "quickly", "later", "earlier", "has", "would", "will"};
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    uint32_t lo, hi, p;
    struct cw w;
    if ((m->flags & DL__EM_DROP) || m->type != DL__ENT_LOC) continue;
    sent_bounds(ws, m->s, &lo, &hi);
    if (!prev_cw(ws, m->s, lo, &w) || w.sep || w.nl != 3 ||
        memcmp(w.n, "the", 3) != 0)
      continue;
    p = m->e;
    for (int k = 0; k < 3; k++) {
      if (!next_cw(ws, p, hi, &w) || w.sep) break;
      if (cw_is(&w, verbs, DL__COUNTOF(verbs))) {
        m->type = DL__ENT_ORG;
        break;
      }
      if (!cw_is(&w, skip, DL__COUNTOF(skip))) break;
      p = w.e;
    }
  }
}

/* ====================================================================
** 2. Facilities
** ==================================================================== */

static bool last_word_fac(struct dl__ews *ws, uint32_t s, uint32_t e)
{
  struct cw w;
  return prev_cw(ws, e, s, &w) && !w.sep && (w.fl & DL__ROLE_FAC) && w.cap;
}

static void facilities(struct dl__ews *ws)
{
  const dl_doc *d = ws->d;
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    uint32_t lo, hi;
    struct cw w, w2;
    if (m->flags & DL__EM_DROP) continue;
    sent_bounds(ws, m->s, &lo, &hi);
    /* "Christ the Saviour" + "Cathedral": take the head word. */
    if (!last_word_fac(ws, m->s, m->e) && next_cw(ws, m->e, hi, &w) &&
        !w.sep && w.cap && (w.fl & DL__ROLE_FAC) &&
        mention_at(ws, w.s) == DL__NONE32) {
      m->e = w.e;
      while (m->e > w.s && d->view[m->e - 1] == '.') m->e--;
    }
    if (!last_word_fac(ws, m->s, m->e)) continue;
    /* "Christ the" + "Saviour Cathedral": take "X the". */
    if (prev_cw(ws, m->s, lo, &w) && w.nl == 3 && memcmp(w.n, "the", 3) == 0 &&
        !w.cap && prev_cw(ws, w.s, lo, &w2) && !w2.sep && w2.cap &&
        !(w2.fl & DL__ROLE_STOP) && !w2.poss) {
      uint32_t j = mention_at(ws, w2.s);
      if (j != DL__NONE32) {
        ws->m[j].flags |= DL__EM_DROP;
        w2.s = ws->m[j].s;
      }
      m->s = w2.s;
    }
    if (m->type == DL__ENT_LOC || m->type == DL__ENT_ORG ||
        m->type == DL__ENT_MISC || m->type == DL__ENT_GPE)
      m->type = DL__ENT_FAC;
  }
}

/* ====================================================================
** 2b. Organizations
** ==================================================================== */

/* A tagger trained on CoNLL often splits "Russian Orthodox Church" into
** MISC "Russian" + PER "Orthodox Church". A mention whose last word is an
** organization head (Church, Ministry, Party: roles.c) is an ORG when it
** was tagged PER, and absorbs a MISC mention right before it. */
static bool last_word_org(struct dl__ews *ws, uint32_t s, uint32_t e)
{
  struct cw w;
  return prev_cw(ws, e, s, &w) && !w.sep && (w.fl & DL__ROLE_ORG) && w.cap &&
         w.s > s;
}

static void organizations(struct dl__ews *ws)
{
  const dl_doc *d = ws->d;
  size_t prev = SIZE_MAX;
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    if (m->flags & DL__EM_DROP) continue;
    if ((m->type == DL__ENT_PER || m->type == DL__ENT_MISC ||
         m->type == DL__ENT_ORG) &&
        last_word_org(ws, m->s, m->e)) {
      m->type = DL__ENT_ORG;
      if (prev != SIZE_MAX && ws->m[prev].type == DL__ENT_MISC) {
        bool gap = true;
        for (uint32_t p = ws->m[prev].e; p < m->s && gap; p++)
          gap = d->view[p] == ' ';
        if (gap) {
          ws->m[prev].flags |= DL__EM_DROP;
          m->s = ws->m[prev].s;
        }
      }
    }
    prev = i;
  }
}

/* The tagger sometimes leaves the first word of a rare name outside the
** mention ("as Mevlut [Mert Altintas]"). A capitalized word right before
** a PER mention, not sentence-initial, not a title, modifier, demonym-like
** adjective or stop word, and in no other mention, joins it. */
static void extend_person(struct dl__ews *ws, struct dl__emen *m)
{
  const dl_doc *d = ws->d;
  struct cw w, f, b;
  uint32_t lo, hi;
  size_t n;
  if (!next_cw(ws, m->s, m->e, &f) || (f.fl & (DL__ROLE_TITLE | DL__ROLE_MOD)))
    return;
  sent_bounds(ws, m->s, &lo, &hi);
  if (!prev_cw(ws, m->s, lo, &w) || w.sep || !w.cap || w.poss || w.nl < 2 ||
      (w.fl & (DL__ROLE_TITLE | DL__ROLE_MOD | DL__ROLE_STOP |
               DL__ROLE_ARTICLE | DL__ROLE_ORG | DL__ROLE_FAC)))
    return;
  n = w.nl;
  if ((n > 3 && memcmp(w.n + n - 3, "ian", 3) == 0) ||
      (n > 3 && memcmp(w.n + n - 3, "ese", 3) == 0) ||
      (n > 3 && memcmp(w.n + n - 3, "ish", 3) == 0))
    return;
  for (uint32_t i = w.s; i < w.e; i++) /* not ALL CAPS (headlines) */
    if (d->view[i] >= 'A' && d->view[i] <= 'Z' && i > w.s) return;
  if (mention_at(ws, w.s) != DL__NONE32) return;
  if (!prev_cw(ws, w.s, lo, &b)) return; /* sentence-initial */
  if (b.sep && d->view[b.s] != ',') return;
  m->s = w.s;
}

/* A one-word PER mention followed by a capitalized word in no mention:
** the tagger often stops at a surname that is also a common word ("Theresa
** [May]"). Month names may be surnames; other stop words, titles and
** organization or facility heads may not. */
static bool is_month(const struct cw *w)
{
  static const char *const months[] = {"january", "february", "march",
                                       "april", "may", "june", "july",
                                       "august"};
  for (size_t i = 0; i < DL__COUNTOF(months); i++)
    if (strlen(months[i]) == w->nl && memcmp(months[i], w->n, w->nl) == 0)
      return true;
  return false;
}

static void extend_person_right(struct dl__ews *ws, struct dl__emen *m)
{
  const dl_doc *d = ws->d;
  struct cw f, w, x;
  uint32_t lo, hi;
  if (!next_cw(ws, m->s, m->e, &f) || f.e < m->e || f.sep || f.poss ||
      (f.fl & (DL__ROLE_TITLE | DL__ROLE_MOD | DL__ROLE_STOP)))
    return; /* not a single word */
  sent_bounds(ws, m->s, &lo, &hi);
  if (!next_cw(ws, m->e, hi, &w) || w.s != m->e + 1 || w.sep || !w.cap ||
      w.nl < 2)
    return;
  if ((w.fl & (DL__ROLE_TITLE | DL__ROLE_MOD | DL__ROLE_ORG | DL__ROLE_FAC |
               DL__ROLE_ARTICLE | DL__ROLE_PREP)) ||
      ((w.fl & DL__ROLE_STOP) && !is_month(&w)))
    return;
  for (uint32_t i = w.s + 1; i < w.e; i++) /* not ALL CAPS */
    if (d->view[i] >= 'A' && d->view[i] <= 'Z') return;
  if (mention_at(ws, w.s) != DL__NONE32) return;
  /* The word after must not be capitalized too (a run of capitals is a
  ** title or a headline, not a name we can complete). */
  if (next_cw(ws, w.e, hi, &x) && !x.sep && x.cap && !x.poss) return;
  m->e = w.e;
  if (w.poss) {
    m->e -= poss_len(d, w.s, w.e);
    m->flags |= DL__MEN_POSSESSIVE;
  } else {
    while (m->e > w.s && d->view[m->e - 1] == '.') m->e--;
  }
}

/* ====================================================================
** 3. Clean-up of one mention
** ==================================================================== */

static bool lead_punct(int32_t cp)
{
  return dl__is_space(cp) || dl__is_dquote(cp) || dl__is_dash(cp) ||
         cp == '(' || cp == '[' || cp == '{' || cp == ',' || cp == ';' ||
         cp == ':' || cp == '*' || cp == '#' || cp == '.' || cp == '!' ||
         cp == '?' || cp < 0x20 || cp == 0x7F || cp == DL__BAD_BYTE;
}

static bool trail_punct(int32_t cp)
{
  return dl__is_space(cp) || dl__is_dquote(cp) || dl__is_dash(cp) ||
         cp == ')' || cp == ']' || cp == '}' || cp == ',' || cp == ';' ||
         cp == ':' || cp == '!' || cp == '?' || cp == '*' || cp < 0x20 ||
         cp == 0x7F || cp == DL__BAD_BYTE;
}

/* Abbreviations that keep their final period in a name. */
static bool keeps_period(const struct cw *w)
{
  static const char *const ab[] = {"inc", "corp", "co", "ltd", "bros", "jr",
                                   "sr", "st", "mt", "ft", "no", "vs",
                                   "ave", "blvd", "rd", "dept", "univ",
                                   "assn", "intl", "govt"};
  if (w->fl & DL__ROLE_ABBR) return true;
  for (size_t i = 0; i < DL__COUNTOF(ab); i++)
    if (strlen(ab[i]) == w->nl && memcmp(ab[i], w->n, w->nl) == 0)
      return true;
  return false;
}

static void trim_edges(struct dl__ews *ws, struct dl__emen *m)
{
  const dl_doc *d = ws->d;
  size_t k;
  struct cw w;
  while (m->s < m->e && lead_punct(cp_at(d, m->s, &k))) m->s += (uint32_t)k;
  for (;;) {
    while (m->s < m->e) {
      size_t j = cp_back(d, m->e);
      int32_t cp = cp_at(d, j, &k);
      if (j < m->s || !(trail_punct(cp) || cp == 0x2026)) break;
      m->e = (uint32_t)j;
    }
    /* "BYODKM..." loses its dots; "Mac OS X." and "Warner Bros." keep
    ** theirs; "Foreign Ministry." (a sentence end) loses it. */
    if (m->e - m->s >= 3 && d->view[m->e - 1] == '.' &&
        d->view[m->e - 2] == '.') {
      while (m->e > m->s && d->view[m->e - 1] == '.') m->e--;
      continue;
    }
    if (m->e > m->s && d->view[m->e - 1] == '.' &&
        prev_cw(ws, m->e, m->s, &w) && w.nl >= 2 &&
        !memchr(w.n, '.', w.nl) && !keeps_period(&w)) {
      m->e--;
      continue;
    }
    break;
  }
}

/* An unbalanced bracket cuts the name: "Netherlands (aka De W" ends
** before the "(", "X) Y" starts after the ")". */
static void balance(const dl_doc *d, struct dl__emen *m)
{
  uint32_t open = DL__NONE32, close = DL__NONE32;
  for (uint32_t i = m->s; i < m->e; i++) {
    if (d->view[i] == '(') open = i;
    else if (d->view[i] == ')') {
      if (open == DL__NONE32 && close == DL__NONE32) close = i;
      open = DL__NONE32;
    }
  }
  if (close != DL__NONE32) m->s = close + 1;
  if (open != DL__NONE32 && open >= m->s) m->e = open;
  if (m->s > m->e) m->s = m->e;
}

/* Does view[s..e) hold a letter or a digit? */
static bool has_alnum(const dl_doc *d, uint32_t s, uint32_t e)
{
  size_t k;
  for (uint32_t i = s; i < e; i += (uint32_t)k) {
    int32_t cp = cp_at(d, i, &k);
    if (dl__is_alpha(cp) || dl__is_digit(cp)) return true;
  }
  return false;
}

/* A following 's / ' (possibly after spaces, as in CoNLL text). */
static bool poss_after(const dl_doc *d, uint32_t e)
{
  const char *v = d->view;
  size_t i = e;
  while (i < d->len && (v[i] == ' ')) i++;
  if (i + 1 < d->len && v[i] == '\'' && (v[i + 1] == 's' || v[i + 1] == 'S'))
    return i + 2 >= d->len || !dl__is_alpha((unsigned char)v[i + 2]);
  if (i + 3 < d->len && memcmp(v + i, "\xE2\x80\x99", 3) == 0 &&
      (v[i + 3] == 's' || v[i + 3] == 'S'))
    return i + 4 >= d->len || !dl__is_alpha((unsigned char)v[i + 4]);
  if (i < d->len && i == e && e > 0 && (v[e - 1] == 's' || v[e - 1] == 'S') &&
      (v[i] == '\'' || (i + 2 < d->len && memcmp(v + i, "\xE2\x80\x99", 3) ==
                                              0)))
    return true;
  return false;
}

static void strip_possessive(struct dl__ews *ws, struct dl__emen *m)
{
  const dl_doc *d = ws->d;
  for (int round = 0; round < 2; round++) {
    struct cw w;
    uint32_t pl;
    if (!prev_cw(ws, m->e, m->s, &w)) return;
    /* A separate token: "'s", "’s", "'" or "s" after a split quote. */
    if (((w.e - w.s == 2 && d->view[w.s] == '\'') ||
         (w.e - w.s == 4 && memcmp(d->view + w.s, "\xE2\x80\x99", 3) == 0)) &&
        (d->view[w.e - 1] == 's' || d->view[w.e - 1] == 'S')) {
      m->e = w.s;
      m->flags |= DL__MEN_POSSESSIVE;
    } else if ((pl = poss_len(d, w.s, w.e)) != 0) {
      m->e -= pl;
      m->flags |= DL__MEN_POSSESSIVE;
    } else if (w.e - w.s == 1 && d->view[w.s] == 's' && w.s > m->s &&
               d->view[w.s - 1] == '\'') {
      m->e = w.s - 1; /* "Putin' s" never; "Putin's" split as ' + s */
      m->flags |= DL__MEN_POSSESSIVE;
    } else {
      break;
    }
    trim_edges(ws, m);
  }
  if (poss_after(d, m->e)) m->flags |= DL__MEN_POSSESSIVE;
}

static void strip_the(struct dl__ews *ws, struct dl__emen *m)
{
  struct cw w, w2;
  if (next_cw(ws, m->s, m->e, &w) && w.nl == 3 && memcmp(w.n, "the", 3) == 0 &&
      next_cw(ws, w.e, m->e, &w2))
    m->s = w2.s;
}

/* Splits a leading title off a PER mention. Returns false on NOMEM. */
static bool split_title(struct dl__ews *ws, uint32_t mi)
{
  struct dl__emen *m = &ws->m[mi];
  struct cw w[MAXW];
  size_t n = 0, j = 0, last = 0, caps = 0;
  uint16_t head = 0, h;
  uint32_t p = m->s;
  while (n < MAXW && next_cw(ws, p, m->e, &w[n])) p = w[n++].e;
  if (!n) return true;
  while (j < n) {
    size_t k = title_at(ws->lex, w, n, j, DL__ROLE_PREFIX, &h);
    if (k) {
      j += k;
      last = j;
      head = h;
      continue;
    }
    if (w[j].sep) break;
    if ((w[j].fl & DL__ROLE_MOD) && !(w[j].fl & DL__ROLE_STOP)) {
      j++;
      continue;
    }
    if (w[j].cap && !(w[j].fl & DL__ROLE_STOP) && caps < 2 && j + 1 < n) {
      caps++;
      j++;
      continue;
    }
    break;
  }
  if (!last) return true;
  if (last == n && p >= m->e) {
    /* Nothing but title words. With free capitalized words it is a name
    ** that ends in a title word ("Martin Luther King"), unless that word is
    ** in lower case ("Tory co-chairman"). */
    if (caps == 0 || !w[n - 1].cap) {
      m->flags |= DL__EM_TITLE_ONLY;
      m->head = head;
    }
    return true;
  }
  if (last >= n || !w[last].cap || w[last].sep ||
      (w[last].fl & (DL__ROLE_ARTICLE | DL__ROLE_PREP)))
    return true;
  if (!dl__ews_push_role(ws, mi, w[0].s, w[last - 1].e, head)) return false;
  m->s = w[last].s;
  return true;
}

/* ====================================================================
** 4. "North and South Korea"
** ==================================================================== */

static bool ellipsis(struct dl__ews *ws)
{
  const dl_doc *d = ws->d;
  size_t n0 = ws->n;
  for (size_t i = 0; i < n0; i++) {
    struct dl__emen *m = &ws->m[i];
    struct cw a, c, x, y;
    uint32_t lo, hi;
    if (m->flags & (DL__EM_DROP | DL__EM_TITLE_ONLY)) continue;
    sent_bounds(ws, m->s, &lo, &hi);
    /* The whole "North and South Korea" tagged as one mention. */
    if (next_cw(ws, m->s, m->e, &x) && (x.fl & DL__ROLE_COMPASS) && x.cap &&
        next_cw(ws, x.e, m->e, &c) &&
        ((c.nl == 3 && memcmp(c.n, "and", 3) == 0) ||
         (c.nl == 2 && memcmp(c.n, "or", 2) == 0)) &&
        next_cw(ws, c.e, m->e, &y) && (y.fl & DL__ROLE_COMPASS) && y.cap &&
        y.e < m->e) {
      uint32_t rest = y.e, form;
      if (!dl__ews_push_mention(ws, x.s, x.e, m->type, 0, DL__NONE32))
        return false;
      m = &ws->m[i];
      m->s = y.s;
      form = (uint32_t)ws->str.len;
      if (!dl__ent_display(d, &ws->str, x.s, x.e) ||
          !dl__buf_append(&ws->str, " ", 1) ||
          !dl__ent_display(d, &ws->str, rest, m->e))
        return false;
      /* Trim the space the display of " Korea" may have started with. */
      ws->m[ws->n - 1].form = form;
      ws->m[ws->n - 1].form_len = (uint32_t)(ws->str.len - form);
      continue;
    }
    /* "North" (tagged or not) + "and" + the mention "South Korea". */
    if (!next_cw(ws, m->s, m->e, &y) || !(y.fl & DL__ROLE_COMPASS) || !y.cap ||
        y.e >= m->e)
      continue;
    if (!prev_cw(ws, m->s, lo, &c) ||
        !((c.nl == 3 && memcmp(c.n, "and", 3) == 0) ||
          (c.nl == 2 && memcmp(c.n, "or", 2) == 0)))
      continue;
    if (!prev_cw(ws, c.s, lo, &a) || !(a.fl & DL__ROLE_COMPASS) || !a.cap)
      continue;
    {
      uint32_t j = mention_at(ws, a.s), form;
      if (j != DL__NONE32 && (ws->m[j].s != a.s || ws->m[j].e != a.e))
        continue; /* part of some longer name */
      if (j == DL__NONE32) {
        if (!dl__ews_push_mention(ws, a.s, a.e, m->type, 0, DL__NONE32))
          return false;
        j = (uint32_t)(ws->n - 1);
        m = &ws->m[i];
      }
      form = (uint32_t)ws->str.len;
      if (!dl__ent_display(d, &ws->str, a.s, a.e) ||
          !dl__buf_append(&ws->str, " ", 1) ||
          !dl__ent_display(d, &ws->str, y.e, m->e))
        return false;
      ws->m[j].form = form;
      ws->m[j].form_len = (uint32_t)(ws->str.len - form);
      ws->m[j].type = m->type;
    }
  }
  if (ws->n > n0) qsort(ws->m, ws->n, sizeof *ws->m, cmp_men);
  return true;
}

/* ====================================================================
** 5. Roles around PER mentions
** ==================================================================== */

/* Is w (a backwards scan word) inside a PER mention other than mi? */
static bool in_per(const struct dl__ews *ws, const struct cw *w, uint32_t mi)
{
  uint32_t j = mention_at(ws, w->s);
  if (j == DL__NONE32) j = mention_at(ws, w->e - 1);
  return j != DL__NONE32 && j != mi && ws->m[j].type == DL__ENT_PER &&
         !(ws->m[j].flags & DL__EM_TITLE_ONLY);
}

/* Words before p: title(s) with modifiers ("Russian President",
** "Kremlin spokesman", "former Prime Minister"). has_role: the mention
** already has a title of its own, so modifiers alone may extend it. */
static uint32_t role_before(struct dl__ews *ws, uint32_t mi, uint32_t p,
                            uint32_t lo, bool has_role, uint16_t *head)
{
  struct cw w[MAXW];
  size_t n = 0, i = 0, caps = 0;
  uint32_t q = p, start = p;
  *head = 0;
  while (n < MAXW && prev_cw(ws, q, lo, &w[n]) && !w[n].sep &&
         !in_per(ws, &w[n], mi))
    q = w[n++].s;
  if (!n) return p;
  if (!has_role) {
    size_t k = title_ending(ws->lex, w, n, 0, DL__ROLE_PREFIX, head);
    if (!k) return p;
    /* A lower-case role noun needs a name right after it that is not
    ** sentence-initial-looking: "cleric Fethullah Gulen" yes. */
    i = k;
    start = w[k - 1].s;
  }
  while (i < n) {
    uint16_t h;
    size_t k = title_ending(ws->lex, w, n, i, DL__ROLE_PREFIX, &h);
    if (k) {
      i += k;
      start = w[i - 1].s;
      continue;
    }
    if ((w[i].fl & DL__ROLE_MOD) && !(w[i].fl & DL__ROLE_STOP) &&
        !(w[i].fl & DL__ROLE_ARTICLE)) {
      i++;
      start = w[i - 1].s;
      continue;
    }
    if (w[i].cap && !(w[i].fl & DL__ROLE_STOP) && caps < 3) {
      caps++;
      i++;
      start = w[i - 1].s;
      if (w[i - 1].poss) break; /* "Russia's Foreign Minister" */
      continue;
    }
    break;
  }
  return start;
}

/* Is w[i..n) (text order) an appositive role: [article|possessive]
** (modifier|Cap)* title ... ? Returns the index of its first word, or n
** when it is not one. */
static size_t appos_phrase(const struct dl__lex *lex, const struct cw *w,
                           size_t n, uint16_t *head)
{
  size_t i = 0, mods = 0;
  if (i < n && (w[i].fl & DL__ROLE_ARTICLE)) i++;
  size_t first = i;
  while (i < n && mods < 6) {
    size_t k = title_at(lex, w, n, i, DL__ROLE_APPOS, head);
    if (k) return first;
    if (w[i].sep || !w[i].nl) return n;
    if ((w[i].fl & DL__ROLE_MOD) ||
        (w[i].cap && !(w[i].fl & DL__ROLE_STOP))) {
      mods++;
      i++;
      continue;
    }
    return n;
  }
  return n;
}

/* ", the head of the Russian Orthodox Church, Patriarch Kirill". */
static bool appos_before(struct dl__ews *ws, uint32_t mi, uint32_t p,
                         uint32_t lo)
{
  const dl_doc *d = ws->d;
  struct cw w[MAXW], fw[MAXW];
  size_t n = 0;
  uint32_t q;
  if (!prev_cw(ws, p, lo, &w[0]) || !w[0].sep || d->view[w[0].s] != ',')
    return true;
  q = w[0].s;
  while (n < MAXW && prev_cw(ws, q, lo, &w[n]) && !w[n].sep &&
         !in_per(ws, &w[n], mi))
    q = w[n++].s;
  for (size_t i = 0; i < n; i++) {
    uint16_t head = 0;
    size_t first, m = i + 1;
    if (!(w[i].fl & DL__ROLE_ARTICLE)) continue;
    for (size_t j = 0; j < m; j++) fw[j] = w[i - j];
    first = appos_phrase(ws->lex, fw, m, &head);
    if (first < m)
      return dl__ews_push_role(ws, mi, fw[first].s, fw[m - 1].e, head);
    if (i + 1 >= n || !(w[i + 1].fl & DL__ROLE_PREP)) break;
  }
  return true;
}

/* "Sergei Lavrov, Russia's foreign minister, said". */
static bool appos_after(struct dl__ews *ws, uint32_t mi, uint32_t hi)
{
  const dl_doc *d = ws->d;
  struct dl__emen *m = &ws->m[mi];
  struct cw w[MAXW], c;
  size_t n = 0, first, end;
  uint16_t head = 0;
  uint32_t q;
  if (m->flags & DL__MEN_POSSESSIVE) return true;
  if (!next_cw(ws, m->e, hi, &c) || !c.sep || d->view[c.s] != ',')
    return true;
  q = c.e;
  while (n < MAXW && next_cw(ws, q, hi, &w[n])) {
    if (w[n].sep) break;
    q = w[n++].e;
  }
  if (!n) return true;
  first = appos_phrase(ws->lex, w, n, &head);
  if (first >= n) return true;
  /* "the Church, Patriarch Kirill, led": a name, not a role. */
  for (size_t k = 0; k < n; k++)
    if (in_per(ws, &w[k], mi)) return true;
  /* The phrase runs to the next separator, a relative pronoun or a
  ** verb-like stop word ("who", "said"). */
  end = first;
  while (end < n && !((w[end].fl & DL__ROLE_STOP) &&
                      !(w[end].fl & (DL__ROLE_ARTICLE | DL__ROLE_PREP))))
    end++;
  /* An appositive is closed by a comma or ends the sentence. */
  if (end == n && n == MAXW) return true;
  {
    uint32_t e = w[end - 1].e;
    struct cw *lw = &w[end - 1];
    if (d->view[e - 1] == '.' && !(lw->fl & DL__ROLE_ABBR)) e--;
    return dl__ews_push_role(ws, mi, w[first].s, e, head);
  }
}

static bool roles(struct dl__ews *ws)
{
  const dl_doc *d = ws->d;
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    uint32_t lo, hi, p, start;
    uint16_t head;
    struct cw w;
    bool has_role;
    if (m->flags & (DL__EM_DROP | DL__EM_NEW)) continue;
    sent_bounds(ws, m->s, &lo, &hi);
    has_role = m->role != DL__NONE32;
    p = has_role ? ws->r[m->role].s : m->s;
    if (m->type == DL__ENT_PER && !(m->flags & DL__EM_TITLE_ONLY)) {
      start = role_before(ws, (uint32_t)i, p, lo, has_role, &head);
      if (start < p) {
        if (has_role) {
          ws->r[m->role].s = start; /* extend with its modifiers */
        } else if (!dl__ews_push_role(ws, (uint32_t)i, start, p, head)) {
          return false;
        } else {
          /* The role ends where the name starts: trim the space. */
          struct cw lw;
          struct dl__erole *r = &ws->r[m->role];
          if (prev_cw(ws, p, start, &lw)) r->e = lw.e;
        }
        p = start;
      }
      if (!appos_before(ws, (uint32_t)i, p, lo)) return false;
      if (!appos_after(ws, (uint32_t)i, hi)) return false;
      m = &ws->m[i];
      if (m->role != DL__NONE32 && ws->r[m->role].s < p) p = ws->r[m->role].s;
    }
    /* Subject position: nothing but an article before it. */
    if (!prev_cw(ws, p, lo, &w) ||
        ((w.fl & DL__ROLE_ARTICLE) && !prev_cw(ws, w.s, lo, &w)) ||
        (w.sep && d->view[w.s] == '"' && !prev_cw(ws, w.s, lo, &w)))
      m->flags |= DL__EM_SUBJECT;
  }
  return true;
}

/* ====================================================================
** Nominal mentions: "the president", "Russia's foreign minister"
** ==================================================================== */

/* Is token t a trigger of a nominal: "the", or the possessive of a
** capitalized word ("Russia's", as one token or two)? */
static bool nominal_trigger(const dl_doc *d, size_t t)
{
  const dl__token *tk = &d->tokens[t];
  const char *v = d->view + tk->start;
  uint32_t len = tk->end - tk->start;
  if (len == 3)
    return (v[0] | 32) == 't' && (v[1] | 32) == 'h' && (v[2] | 32) == 'e';
  if ((len == 2 && v[0] == '\'') ||
      (len == 4 && memcmp(v, "\xE2\x80\x99", 3) == 0)) {
    if ((v[len - 1] | 32) != 's' || t == 0) return false;
    return d->tokens[t - 1].end == tk->start &&
           dl__ent_word_cap(d, d->tokens[t - 1].start, d->tokens[t - 1].end);
  }
  if (len == 1 && (v[0] | 32) == 's' && t >= 2 &&
      d->tokens[t - 1].end == tk->start &&
      d->tokens[t - 1].end - d->tokens[t - 1].start == 1 &&
      d->view[d->tokens[t - 1].start] == '\'')
    return dl__ent_word_cap(d, d->tokens[t - 2].start, d->tokens[t - 2].end);
  return len >= 3 && poss_len(d, tk->start, tk->end) >= 2 &&
         dl__ent_word_cap(d, tk->start, tk->end);
}

bool dl__ent_scan_nominals(struct dl__ews *ws, dl__nominal_fn fn, void *ctx)
{
  const dl_doc *d = ws->d;
  uint32_t done = 0;
  for (size_t t = 0; t < d->n_tokens; t++) {
    struct cw w[6];
    size_t n = 0, i = 0, k = 0;
    uint16_t head = 0;
    uint32_t q = d->tokens[t].end, hi;
    if (d->tokens[t].start < done || !nominal_trigger(d, t)) continue;
    hi = d->tokens[t].sent < d->n_sentences
             ? d->sentences[d->tokens[t].sent].end
             : (uint32_t)d->len;
    /* A first word with no lexicon entry, entry prefix or modifier flag
    ** starts no title: title_at finds nothing at 0 and the loop below
    ** stops there. Most "the"s end here, before five more words. */
    if (!next_cw(ws, q, hi, &w[0]) || w[0].sep ||
        (!w[0].fl && !w[0].mw && !w[0].ent))
      continue;
    q = w[n++].e;
    while (n < DL__COUNTOF(w) && next_cw(ws, q, hi, &w[n]) && !w[n].sep)
      q = w[n++].e;
    while (i < n && i < 2) {
      k = title_at(ws->lex, w, n, i, DL__ROLE_NOMINAL, &head);
      if (k) break;
      if (!(w[i].fl & DL__ROLE_MOD) || (w[i].fl & DL__ROLE_STOP)) break;
      i++;
    }
    if (!k) continue;
    /* Not "the President Putin" (a title of a name) nor "the head of"
    ** (an appositive role). */
    if (i + k < n) {
      const struct cw *nx = &w[i + k];
      if ((nx->cap && !(nx->fl & DL__ROLE_STOP)) ||
          (nx->nl == 2 && memcmp(nx->n, "of", 2) == 0))
        continue;
    }
    {
      uint32_t e = w[i + k - 1].e, s = w[0].s;
      e -= poss_len(d, w[i + k - 1].s, e);
      while (e > s && d->view[e - 1] == '.') e--;
      size_t first = t;
      bool initial;
      /* "Russia" + "'s" or "Russia" + "'" + "s": the phrase starts at the
      ** possessor. */
      while (first > 0 && d->tokens[first - 1].end == d->tokens[first].start &&
             t - first < 2 &&
             (d->view[d->tokens[first].start] == '\'' ||
              (unsigned char)d->view[d->tokens[first].start] == 0xE2 ||
              (d->tokens[first].end - d->tokens[first].start == 1 &&
               d->view[d->tokens[first].start] == 's')))
        first--;
      initial = d->tokens[t].sent < d->n_sentences &&
                d->sentences[d->tokens[t].sent].tok_start == first;
      if (!fn(ctx, s, e, head, initial)) return false;
      done = w[i + k - 1].e;
    }
  }
  return true;
}

/* ====================================================================
** Stage entry point
** ==================================================================== */

static void ews_free(struct dl__ews *ws)
{
  dl__free(ws->al, ws->m);
  dl__free(ws->al, ws->r);
  dl__buf_free(&ws->str);
  dl__buf_free(&ws->keys);
  dl__buf_free(&ws->tmp);
}

dl_status dl__entity_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct dl__ews ws;
  dl_status rc = DL_OK;
  memset(&ws, 0, sizeof ws);
  ws.al = a->al;
  ws.d = d;
  ws.lex = a->m->lex;
  dl__buf_init(&ws.str, a->al);
  dl__buf_init(&ws.keys, a->al);
  dl__buf_init(&ws.tmp, a->al);
  if (a->m->ner || d->n_mentions) d->entities_ran = true;
  d->entities = NULL;
  d->n_entities = 0;
  if (!d->n_mentions) goto done;
  if (!collect(&ws)) goto nomem;
  if (!a->entity_wix) {
    a->entity_wix = dl__calloc(a->al, 1, sizeof *a->entity_wix);
    if (!a->entity_wix) goto nomem;
  }
  if (!wix_build(&ws, a->entity_wix)) goto nomem;
  facilities(&ws);
  organizations(&ws);
  metonymy(&ws);
  for (size_t i = 0; i < ws.n; i++) {
    struct dl__emen *m = &ws.m[i];
    if (m->flags & DL__EM_DROP) continue;
    trim_edges(&ws, m);
    balance(d, m);
    trim_edges(&ws, m);
    strip_possessive(&ws, m);
    strip_the(&ws, m);
    if (m->s >= m->e || !has_alnum(d, m->s, m->e)) {
      m->flags |= DL__EM_DROP;
      continue;
    }
    if (m->type == DL__ENT_PER) {
      extend_person(&ws, m);
      extend_person_right(&ws, m);
    }
    if (m->type == DL__ENT_PER && !split_title(&ws, (uint32_t)i)) goto nomem;
    m = &ws.m[i];
    if (m->type != DL__ENT_PER && m->type != DL__ENT_FAC &&
        last_word_fac(&ws, m->s, m->e))
      m->type = DL__ENT_FAC;
    if (m->s >= m->e) m->flags |= DL__EM_DROP;
  }
  if (!ellipsis(&ws)) goto nomem;
  if (!roles(&ws)) goto nomem;
  rc = dl__entity_cluster(&ws, err);
  goto done;
nomem:
  rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  ews_free(&ws);
  if (rc == DL_OK) rc = dl__entity_credits(a, d, err);
  return rc;
}

/* ====================================================================
** JSON
** ==================================================================== */

void dl__entity_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  char id[24];
  if (!d->n_entities && !d->entities_ran) return;
  dl__jw_key(w, "entities");
  dl__jw_arr_begin(w);
  for (size_t i = 0; i < d->n_entities; i++) {
    const dl__entity *e = &d->entities[i];
    snprintf(id, sizeof id, "e%zu", i + 1);
    dl__jw_obj_begin(w);
    dl__jw_key(w, "id");
    dl__jw_cstr(w, id);
    dl__jw_key(w, "type");
    dl__jw_cstr(w, dl__ent_type_name((dl__ent_type)e->type));
    dl__jw_key(w, "name");
    dl__jw_cstr(w, e->name);
    dl__jw_key(w, "mentions");
    dl__jw_arr_begin(w);
    for (uint32_t k = 0; k < e->n_mentions; k++) {
      const dl__mention *m = &d->mentions[e->mentions[k]];
      dl__jw_span(d, w, flags, m->start, m->end);
    }
    dl__jw_arr_end(w);
    dl__jw_key(w, "roles");
    dl__jw_arr_begin(w);
    for (uint32_t k = 0; k < e->n_roles; k++) {
      dl__jw_obj_begin(w);
      dl__jw_key(w, "text");
      dl__jw_cstr(w, e->roles[k].text);
      dl__jw_key(w, "span");
      dl__jw_span(d, w, flags, e->roles[k].start, e->roles[k].end);
      dl__jw_obj_end(w);
    }
    dl__jw_arr_end(w);
    dl__jw_key(w, "salience");
    dl__jw_double(w, e->salience, 3);
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
}
