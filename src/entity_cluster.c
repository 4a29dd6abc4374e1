/*
** entity_cluster.c -- clean mentions into entities: one entity per
** referent within a document, a canonical name, roles, salience.
**
** Forms. Mentions with the same case-folded display form share a form
** ("Putin", "PUTIN", "putin" are one form); a form's type is the majority
** of its mentions' types (a PER "Gulen" and an ORG "Gulen" go together).
**
** Entities. Forms are visited longest first (most words). Each entity
** registers the short keys its forms may appear as, in one hash table:
**   PER   every proper suffix ("Mert Altintas", "Altintas"), the first
**         name ("Vladimir"), first + last ("Mevlut Altintas"), and the
**         last name without an Arabic article ("al-Assad" -> "assad");
**   other the acronym of its capitalized words ("European Union" -> EU)
**         and every suffix of two words or more ("Orthodox Church").
** A form whose key (or, for "EU"/"U.S.", acronym) is registered joins the
** registering entity when the types are compatible; so a short form joins
** the longest compatible mention whether it came earlier or later. When
** several entities registered it (two Smiths), each of its mentions goes
** to the candidate mentioned most recently before it (else the first one
** mentioned after it). A form that matches nothing starts an entity.
** Key lists are capped (DL__MAX_CAND entities per key), so a document with
** 100,000 mentions costs O(n log n), never O(n^2).
**
** Titles. A mention made only of a title ("the Pope"), and "the <title>"
** or "Russia's <title>" in running text, refer back to the entity most
** recently mentioned among those seen with that title ("President Putin
** ... the president said"). Nothing earlier holds the title: the phrase is
** not linked (a capitalized title-only mention then stands as a name).
**
** Salience. raw = ln(1 + mentions) + 0.5 ln(1 + subject mentions)
**               + 0.75 (1 - first offset / length) + 0.75 lead
** where lead is 1 when the entity is in the first sentence, a headline or
** the given title. Count matters most, with diminishing returns (the tenth
** mention adds less than the second); news puts its main actors early and
** in the lead (inverted pyramid); subjects are the doers. MISC (mostly
** adjectives: "Russian") is scaled by 0.6. Dividing by the largest raw
** score gives the top entity 1 and the rest a share of it, so scores are
** comparable across documents of different lengths.
*/
#include "entity.h"
#include "roles.h"

#include <math.h>
#include <stdlib.h>

#define DL__MAX_CAND 32 /* entities kept per short key */
#define MAXROLES 16     /* distinct roles kept per entity */
#define HOLD 8          /* holders remembered per title */

struct form {
  uint32_t koff, klen; /* key in ws->keys */
  uint32_t doff, dlen; /* display form in ws->str */
  uint32_t nw;
  uint32_t first;      /* first mention (working index) */
  uint32_t votes[DL__ENT__COUNT];
  uint32_t ent;
  uint32_t coff, cn;   /* candidates when ambiguous */
  uint8_t title_only;
  uint8_t type;
};

struct went {
  uint32_t root; /* form */
  uint8_t type;
  uint32_t out;  /* output index */
};

struct cl {
  struct dl__ews *ws;
  dl_doc *d;
  const dl_allocator *al;
  struct form *f;
  size_t nf, fcap;
  struct went *e;
  size_t ne, ecap;
  struct dl__hmap forms, subs;
  uint32_t *nodes; /* pairs: entity, next */
  size_t nn, ncap;
  uint32_t *cands;
  size_t nc, ccap;
  uint32_t *order;
  uint32_t *lists, *loff, *lastamb;
  uint32_t *holders; /* HOLD per lexicon entry + count, valid if hused */
  uint8_t *hused;    /* per lexicon entry: its holders list is in use */
  uint16_t *hlist;   /* the entries in use, nh of them */
  size_t nh;
  uint32_t *lastpos;
  size_t sweep;      /* next mention of the nominal sweep */
  uint32_t subj_ent;  /* last PER subject seen by the sweep */
  uint32_t subj_sent; /* and its sentence */
  size_t n0;         /* mentions before the sweep added any */
  uint32_t *rs;      /* role spans, sorted: s, e pairs */
  uint32_t *rmax;    /* prefix max of role ends */
  size_t nrs;
};

/* ====================================================================
** Hash map (open addressing, FNV-1a)
** ==================================================================== */

static uint64_t fnv(const char *s, size_t n)
{
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)s[i];
    h *= 1099511628211ull;
  }
  return h;
}

/* dl__casefold, with all-ASCII text (nearly every name) lower-cased here:
** the same bytes, without utf8proc's per-code-point call. */
static bool casefold(dl__buf *out, const char *s, size_t n)
{
  const unsigned char *u = (const unsigned char *)s;
  char *p;
  for (size_t i = 0; i < n; i++)
    if (u[i] >= 0x80) return dl__casefold(out, s, n);
  if (!dl__buf_reserve(out, n)) return false;
  p = out->p + out->len;
  for (size_t i = 0; i < n; i++)
    p[i] = (char)(u[i] >= 'A' && u[i] <= 'Z' ? u[i] + 32 : u[i]);
  out->len += n;
  out->p[out->len] = 0;
  return true;
}

static bool hm_grow(struct cl *c, struct dl__hmap *m)
{
  size_t ncap = m->cap ? m->cap * 2 : 64;
  struct dl__hslot *t = dl__calloc(c->al, ncap, sizeof *t);
  if (!t) return false;
  for (size_t i = 0; i < ncap; i++) t[i].val = DL__NONE32;
  for (size_t i = 0; i < m->cap; i++) {
    size_t j;
    if (m->t[i].val == DL__NONE32) continue;
    j = (size_t)m->t[i].h & (ncap - 1);
    while (t[j].val != DL__NONE32) j = (j + 1) & (ncap - 1);
    t[j] = m->t[i];
  }
  dl__free(c->al, m->t);
  m->t = t;
  m->cap = ncap;
  return true;
}

/* The slot of key, or SIZE_MAX. With add, a missing key gets a slot whose
** val is DL__NONE32 until the caller sets it (*oom on failure). Keys that
** are added must not point into ws->keys. */
static size_t hm_find(struct cl *c, struct dl__hmap *m, const char *key,
                      size_t n, bool add, bool *oom)
{
  uint64_t h = fnv(key, n);
  size_t j;
  if (add && (m->n + 1) * 2 > m->cap && !hm_grow(c, m)) {
    *oom = true;
    return SIZE_MAX;
  }
  if (!m->cap) return SIZE_MAX;
  j = (size_t)h & (m->cap - 1);
  for (;;) {
    struct dl__hslot *s = &m->t[j];
    if (s->val == DL__NONE32) break;
    if (s->h == h && s->len == n &&
        memcmp(c->ws->keys.p + s->off, key, n) == 0)
      return j;
    j = (j + 1) & (m->cap - 1);
  }
  if (!add) return SIZE_MAX;
  if (n > UINT32_MAX || c->ws->keys.len > UINT32_MAX - n) {
    *oom = true;
    return SIZE_MAX;
  }
  m->t[j].h = h;
  m->t[j].off = (uint32_t)c->ws->keys.len;
  m->t[j].len = (uint32_t)n;
  if (!dl__buf_append(&c->ws->keys, key, n)) {
    *oom = true;
    return SIZE_MAX;
  }
  /* Mark the slot used even before the caller sets val. */
  m->t[j].val = DL__NONE32 - 1;
  m->n++;
  return j;
}

/* ====================================================================
** Forms
** ==================================================================== */

static uint32_t count_words(const char *s, size_t n)
{
  uint32_t w = n ? 1 : 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] == ' ') w++;
  return w;
}

static bool make_forms(struct cl *c)
{
  struct dl__ews *ws = c->ws;
  bool oom = false;
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    size_t slot;
    struct form *f;
    if (m->flags & DL__EM_DROP) continue;
    if (!m->form_len) {
      size_t at = ws->str.len;
      if (!dl__ent_display(c->d, &ws->str, m->s, m->e)) return false;
      if (ws->str.len - at > UINT32_MAX || at > UINT32_MAX) return false;
      m->form = (uint32_t)at;
      m->form_len = (uint32_t)(ws->str.len - at);
      if (!m->form_len) {
        m->flags |= DL__EM_DROP;
        continue;
      }
    }
    ws->tmp.len = 0;
    if (m->flags & DL__EM_TITLE_ONLY) {
      if (!dl__buf_append(&ws->tmp, "\2", 1)) return false;
    }
    if (!casefold(&ws->tmp, ws->str.p + m->form, m->form_len))
      return false;
    slot = hm_find(c, &c->forms, ws->tmp.p, ws->tmp.len, true, &oom);
    if (oom) return false;
    if (c->forms.t[slot].val >= DL__NONE32 - 1) {
      if (!DL__PUSH(c->al, c->f, c->nf, c->fcap)) return false;
      f = &c->f[c->nf];
      memset(f, 0, sizeof *f);
      f->koff = c->forms.t[slot].off;
      f->klen = c->forms.t[slot].len;
      f->doff = m->form;
      f->dlen = m->form_len;
      f->first = (uint32_t)i;
      f->ent = DL__NONE32;
      f->title_only = (m->flags & DL__EM_TITLE_ONLY) != 0;
      f->type = m->type;
      f->nw = count_words(ws->str.p + m->form, m->form_len);
      c->forms.t[slot].val = (uint32_t)c->nf++;
    }
    m->fid = c->forms.t[slot].val;
    c->f[m->fid].votes[m->type < DL__ENT__COUNT ? m->type : 0]++;
  }
  for (size_t i = 0; i < c->nf; i++) {
    struct form *f = &c->f[i];
    for (unsigned t = 1; t < DL__ENT__COUNT; t++)
      if (f->votes[t] > f->votes[f->type]) f->type = (uint8_t)t;
  }
  return true;
}

/* ====================================================================
** Short keys
** ==================================================================== */

static bool sub_add(struct cl *c, const char *key, size_t n, uint32_t ent)
{
  bool oom = false;
  size_t slot, cnt = 0;
  uint32_t k;
  if (!n) return true;
  slot = hm_find(c, &c->subs, key, n, true, &oom);
  if (oom) return false;
  k = c->subs.t[slot].val;
  if (k >= DL__NONE32 - 1) k = DL__NONE32;
  for (uint32_t j = k; j != DL__NONE32; j = c->nodes[2 * j + 1], cnt++)
    if (c->nodes[2 * j] == ent) return true;
  if (cnt >= DL__MAX_CAND) return true;
  if (c->nn + 2 > c->ncap) {
    size_t len = c->nn;
    if (!DL__PUSH(c->al, c->nodes, len, c->ncap)) return false;
    len++;
    if (!DL__PUSH(c->al, c->nodes, len, c->ncap)) return false;
  }
  c->nodes[c->nn] = ent;
  c->nodes[c->nn + 1] = k;
  c->subs.t[slot].val = (uint32_t)(c->nn / 2);
  c->nn += 2;
  return true;
}

static bool tmp_words(struct cl *c, const char *k, const uint32_t *ws_,
                      const uint32_t *we, size_t a, size_t b, bool skip_mid)
{
  /* Builds words [a, b) of key k into ws->tmp (skip_mid: only a and b-1).
  */
  dl__buf *t = &c->ws->tmp;
  t->len = 0;
  for (size_t i = a; i < b; i++) {
    if (skip_mid && i != a && i != b - 1) continue;
    if (t->len && !dl__buf_append(t, " ", 1)) return false;
    if (!dl__buf_append(t, k + ws_[i], we[i] - ws_[i])) return false;
  }
  return true;
}

#define MAXKW 16

static size_t split_key(const char *k, size_t n, uint32_t *s, uint32_t *e)
{
  size_t nw = 0, i = 0;
  while (i < n && nw < MAXKW) {
    size_t j = i;
    while (j < n && k[j] != ' ') j++;
    s[nw] = (uint32_t)i;
    e[nw] = (uint32_t)j;
    nw++;
    i = j + 1;
  }
  return nw;
}

static bool is_func_word(const char *s, size_t n)
{
  static const char *const fw[] = {"of", "the", "and", "for", "de", "du",
                                   "la", "le", "der", "des", "on", "in",
                                   "at", "&", "y", "van", "von", "del"};
  for (size_t i = 0; i < DL__COUNTOF(fw); i++)
    if (strlen(fw[i]) == n && memcmp(fw[i], s, n) == 0) return true;
  return false;
}

/* The acronym key ("\1eu") of a display form of several words, in tmp.
** False when it has none (non-ASCII capitals, fewer than 2 letters). */
static bool acronym_of(struct cl *c, const char *s, size_t n)
{
  dl__buf *t = &c->ws->tmp;
  size_t i = 0;
  t->len = 0;
  if (!dl__buf_append(t, "\1", 1)) return false;
  while (i < n) {
    size_t j = i;
    while (j < n && s[j] != ' ') j++;
    if (s[i] >= 'A' && s[i] <= 'Z') {
      char ch = (char)(s[i] + 32);
      if (!dl__buf_append(t, &ch, 1)) return false;
    } else if (!is_func_word(s + i, j - i)) {
      t->len = 0;
      return false;
    }
    i = j + 1;
  }
  if (t->len < 3 || t->len > 11) {
    t->len = 0;
    return false;
  }
  return true;
}

/* The acronym key of a one-word form "EU", "U.S.", "NATO", in tmp. */
static bool acronym_short(struct cl *c, const char *s, size_t n)
{
  dl__buf *t = &c->ws->tmp;
  size_t letters = 0;
  t->len = 0;
  if (!dl__buf_append(t, "\1", 1)) return false;
  for (size_t i = 0; i < n; i++) {
    if (s[i] >= 'A' && s[i] <= 'Z') {
      char ch = (char)(s[i] + 32);
      if (!dl__buf_append(t, &ch, 1)) return false;
      letters++;
    } else if (s[i] != '.' && s[i] != '&') {
      t->len = 0;
      return false;
    }
  }
  if (letters < 2 || letters > 10) {
    t->len = 0;
    return false;
  }
  return true;
}

static bool register_form(struct cl *c, const struct form *f, uint32_t ent)
{
  const char *k = c->ws->keys.p + f->koff;
  uint32_t s[MAXKW], e[MAXKW];
  size_t nw;
  /* The keys buffer may move while we add: work on a copy of the key. */
  char *copy;
  bool ok = false;
  if (f->title_only || f->nw < 2) return true;
  copy = dl__malloc(c->al, f->klen ? f->klen : 1);
  if (!copy) return false;
  memcpy(copy, k, f->klen);
  k = copy;
  nw = split_key(k, f->klen, s, e);
  if (nw < 2) {
    ok = true;
    goto done;
  }
  if (f->type == DL__ENT_PER) {
    size_t from = nw <= 8 ? 1 : nw - 1;
    for (size_t j = from; j < nw; j++)
      if (!tmp_words(c, k, s, e, j, nw, false) ||
          !sub_add(c, c->ws->tmp.p, c->ws->tmp.len, ent))
        goto done;
    if (!tmp_words(c, k, s, e, 0, 1, false) ||
        !sub_add(c, c->ws->tmp.p, c->ws->tmp.len, ent))
      goto done;
    if (nw >= 3 && (!tmp_words(c, k, s, e, 0, nw, true) ||
                    !sub_add(c, c->ws->tmp.p, c->ws->tmp.len, ent)))
      goto done;
    {
      const char *l = k + s[nw - 1];
      size_t ln = e[nw - 1] - s[nw - 1];
      if (ln > 5 && (memcmp(l, "al-", 3) == 0 || memcmp(l, "el-", 3) == 0) &&
          !sub_add(c, l + 3, ln - 3, ent))
        goto done;
    }
  } else {
    if (acronym_of(c, c->ws->str.p + f->doff, f->dlen) &&
        !sub_add(c, c->ws->tmp.p, c->ws->tmp.len, ent))
      goto done;
    if (nw >= 3 && nw <= 8)
      for (size_t j = 1; j + 2 <= nw; j++)
        if (!tmp_words(c, k, s, e, j, nw, false) ||
            !sub_add(c, c->ws->tmp.p, c->ws->tmp.len, ent))
          goto done;
  }
  ok = true;
done:
  dl__free(c->al, copy);
  return ok;
}

/* May a form of type st and nw words join an entity of type rt? */
static bool compat(const struct form *f, uint8_t rt)
{
  uint8_t st = f->type;
  if (st == rt || f->votes[rt]) return true;
  if (rt == DL__ENT_PER)
    return f->nw == 1 && (st == DL__ENT_ORG || st == DL__ENT_MISC);
  if (st == DL__ENT_PER) return false;
  return true;
}

static bool lookup(struct cl *c, const char *key, size_t n, uint32_t *out,
                   size_t *nout, const struct form *f)
{
  bool oom = false;
  size_t slot = hm_find(c, &c->subs, key, n, false, &oom);
  uint32_t k;
  if (slot == SIZE_MAX) return true;
  k = c->subs.t[slot].val;
  for (; k < DL__NONE32 - 1; k = c->nodes[2 * k + 1]) {
    uint32_t ent = c->nodes[2 * k];
    bool dup = false;
    if (!compat(f, c->e[ent].type)) continue;
    for (size_t i = 0; i < *nout; i++)
      if (out[i] == ent) dup = true;
    if (!dup && *nout < 2 * DL__MAX_CAND) out[(*nout)++] = ent;
  }
  return true;
}

static bool new_entity(struct cl *c, uint32_t fid)
{
  if (!DL__PUSH(c->al, c->e, c->ne, c->ecap)) return false;
  c->e[c->ne].root = fid;
  c->e[c->ne].type = c->f[fid].type;
  c->e[c->ne].out = DL__NONE32;
  c->f[fid].ent = (uint32_t)c->ne++;
  return true;
}

/* ====================================================================
** Forms into entities
** ==================================================================== */

struct ford {
  uint32_t fid, nw, first;
  uint8_t title_only;
};

static int cmp_ford(const void *a, const void *b)
{
  const struct ford *x = a, *y = b;
  if (x->title_only != y->title_only) return x->title_only ? 1 : -1;
  if (x->nw != y->nw) return x->nw > y->nw ? -1 : 1;
  return x->first < y->first ? -1 : x->first > y->first;
}

static bool assign_forms(struct cl *c)
{
  struct ford *o;
  uint32_t cand[2 * DL__MAX_CAND];
  bool ok = false;
  if (!c->nf) return true;
  o = dl__calloc(c->al, c->nf, sizeof *o);
  if (!o) return false;
  for (size_t i = 0; i < c->nf; i++) {
    o[i].fid = (uint32_t)i;
    o[i].nw = c->f[i].nw;
    o[i].first = c->f[i].first;
    o[i].title_only = c->f[i].title_only;
  }
  qsort(o, c->nf, sizeof *o, cmp_ford);
  for (size_t i = 0; i < c->nf; i++) {
    struct form *f = &c->f[o[i].fid];
    size_t nc = 0, skip = f->title_only ? 1 : 0;
    if (!lookup(c, c->ws->keys.p + f->koff + skip, f->klen - skip, cand, &nc,
                f))
      goto done;
    if (f->nw == 1 &&
        acronym_short(c, c->ws->str.p + f->doff, f->dlen) &&
        !lookup(c, c->ws->tmp.p, c->ws->tmp.len, cand, &nc, f))
      goto done;
    if (nc == 0) {
      if (f->title_only) continue;
      if (!new_entity(c, o[i].fid)) goto done;
      f = &c->f[o[i].fid];
      if (!register_form(c, f, f->ent)) goto done;
    } else if (nc == 1) {
      f->ent = cand[0];
      if (!register_form(c, f, f->ent)) goto done;
    } else {
      f->coff = (uint32_t)c->nc;
      f->cn = (uint32_t)nc;
      for (size_t k = 0; k < nc; k++) {
        if (!DL__PUSH(c->al, c->cands, c->nc, c->ccap)) goto done;
        c->cands[c->nc++] = cand[k];
      }
    }
  }
  ok = true;
done:
  dl__free(c->al, o);
  return ok;
}

/* Each mention of an ambiguous form goes to the candidate mentioned most
** recently before it, else to the one mentioned first after it. */
static bool resolve(struct cl *c)
{
  struct dl__ews *ws = c->ws;
  size_t ne = c->ne;
  uint32_t *cnt;
  cnt = dl__calloc(c->al, ne + 1, sizeof *cnt);
  c->loff = dl__calloc(c->al, ne + 1, sizeof *c->loff);
  c->lists = dl__calloc(c->al, ws->n + 1, sizeof *c->lists);
  c->lastamb = dl__calloc(c->al, ne + 1, sizeof *c->lastamb);
  if (!cnt || !c->loff || !c->lists || !c->lastamb) {
    dl__free(c->al, cnt);
    return false;
  }
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    if (m->flags & DL__EM_DROP) continue;
    m->ent = c->f[m->fid].ent;
    if (m->ent != DL__NONE32) cnt[m->ent]++;
  }
  for (size_t e = 0; e < ne; e++) {
    c->loff[e + 1] = c->loff[e] + cnt[e];
    cnt[e] = c->loff[e];
    c->lastamb[e] = DL__NONE32;
  }
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    if (!(m->flags & DL__EM_DROP) && m->ent != DL__NONE32)
      c->lists[cnt[m->ent]++] = (uint32_t)i;
  }
  dl__free(c->al, cnt);
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    const struct form *f;
    int64_t bestpos = -1;
    uint32_t best = DL__NONE32, bestafter = DL__NONE32;
    if ((m->flags & DL__EM_DROP) || m->ent != DL__NONE32) continue;
    f = &c->f[m->fid];
    if (!f->cn) continue;
    for (uint32_t k = 0; k < f->cn; k++) {
      uint32_t e = c->cands[f->coff + k];
      size_t lo = c->loff[e], hi = c->loff[e + 1];
      int64_t p = -1;
      while (lo < hi) { /* first list entry > i */
        size_t mid = lo + (hi - lo) / 2;
        if (c->lists[mid] < i)
          lo = mid + 1;
        else
          hi = mid;
      }
      if (lo > c->loff[e]) p = c->lists[lo - 1];
      if (c->lastamb[e] != DL__NONE32 && (int64_t)c->lastamb[e] > p)
        p = c->lastamb[e];
      if (p > bestpos) {
        bestpos = p;
        best = e;
      }
      if (c->loff[e] < c->loff[e + 1] &&
          (bestafter == DL__NONE32 ||
           c->lists[c->loff[e]] < c->lists[c->loff[bestafter]]))
        bestafter = e;
    }
    if (best == DL__NONE32) best = bestafter;
    if (best == DL__NONE32) best = c->cands[f->coff];
    m->ent = best;
    c->lastamb[best] = (uint32_t)i;
  }
  return true;
}

/* ====================================================================
** Titles: "the president" refers back to a holder of the title
** ==================================================================== */

static uint32_t sent_of(const dl_doc *d, uint32_t p)
{
  size_t a = 0, b = d->n_sentences;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (d->sentences[mid].end <= p)
      a = mid + 1;
    else
      b = mid;
  }
  return (uint32_t)a;
}

/* The holders lists are set up on first use: a document names a handful
** of titles out of the lexicon's hundreds, so clearing every list per
** document cost more than all the look-ups. */
static uint32_t pick_holder(struct cl *c, uint16_t head)
{
  const uint32_t *h = c->holders + (size_t)head * (HOLD + 1);
  uint32_t best = DL__NONE32;
  if (!c->hused[head]) return DL__NONE32;
  for (uint32_t k = 0; k < h[0]; k++) {
    uint32_t e = h[1 + k];
    if (best == DL__NONE32 || (c->lastpos[e] != DL__NONE32 &&
                               (c->lastpos[best] == DL__NONE32 ||
                                c->lastpos[e] > c->lastpos[best])))
      best = e;
  }
  return best;
}

static void holder_add(struct cl *c, uint16_t head, uint32_t e)
{
  uint32_t *h = c->holders + (size_t)head * (HOLD + 1);
  uint32_t worst = 0;
  if (!c->hused[head]) {
    c->hused[head] = 1;
    c->hlist[c->nh++] = head;
    h[0] = 0;
  }
  for (uint32_t k = 0; k < h[0]; k++) {
    if (h[1 + k] == e) return;
    if (c->lastpos[h[1 + k]] < c->lastpos[h[1 + worst]]) worst = k;
  }
  if (h[0] < HOLD)
    h[1 + h[0]++] = e;
  else
    h[1 + worst] = e;
}

static void sweep_to(struct cl *c, uint32_t pos)
{
  struct dl__ews *ws = c->ws;
  while (c->sweep < c->n0 && ws->m[c->sweep].s < pos) {
    struct dl__emen *m = &ws->m[c->sweep++];
    if (m->flags & DL__EM_DROP) continue;
    if (m->ent == DL__NONE32 && (m->flags & DL__EM_TITLE_ONLY) && m->head)
      m->ent = pick_holder(c, m->head);
    if (m->ent == DL__NONE32) continue;
    c->lastpos[m->ent] = m->s;
    if ((m->flags & DL__EM_SUBJECT) && c->e[m->ent].type == DL__ENT_PER) {
      c->subj_ent = m->ent;
      c->subj_sent = sent_of(c->d, m->s);
    }
    for (uint32_t r = m->role; r != DL__NONE32; r = ws->r[r].next)
      if (ws->r[r].head) holder_add(c, ws->r[r].head, m->ent);
  }
}

static bool overlaps(const struct cl *c, uint32_t s, uint32_t e)
{
  const struct dl__ews *ws = c->ws;
  size_t a = 0, b = c->n0;
  while (a < b) { /* first mention with start >= e */
    size_t mid = a + (b - a) / 2;
    if (ws->m[mid].s < e)
      a = mid + 1;
    else
      b = mid;
  }
  for (size_t k = a; k > 0 && k + 4 > a; k--)
    if (!(ws->m[k - 1].flags & DL__EM_DROP) && ws->m[k - 1].e > s) return true;
  a = 0;
  b = c->nrs;
  while (a < b) {
    size_t mid = a + (b - a) / 2;
    if (c->rs[2 * mid] < e)
      a = mid + 1;
    else
      b = mid;
  }
  return a > 0 && c->rmax[a - 1] > s;
}

/* Does entity ent hold a title other than head? */
static bool holds_other(const struct cl *c, uint32_t ent, uint16_t head)
{
  for (size_t i = 0; i < c->nh; i++) {
    size_t h = c->hlist[i];
    const uint32_t *l = c->holders + h * (HOLD + 1);
    if (h == head) continue;
    for (uint32_t k = 0; k < l[0]; k++)
      if (l[1 + k] == ent) return true;
  }
  return false;
}

static bool on_nominal(void *ctx, uint32_t s, uint32_t e, uint16_t head,
                       bool initial)
{
  struct cl *c = ctx;
  uint32_t ent, sn;
  sweep_to(c, s);
  if (overlaps(c, s, e)) return true;
  ent = pick_holder(c, head);
  if (ent == DL__NONE32 && initial && c->subj_ent != DL__NONE32 &&
      (sn = sent_of(c->d, s)) > 0 && c->subj_sent == sn - 1 &&
      !holds_other(c, c->subj_ent, head)) {
    /* Elegant variation: "Vladimir Putin was among the mourners... /
    ** Russia's president has promised retribution". The subject of the
    ** sentence before, with no other title, is the likely holder. */
    ent = c->subj_ent;
    holder_add(c, head, ent);
  }
  if (ent == DL__NONE32) return true;
  if (!dl__ews_push_mention(c->ws, s, e, c->e[ent].type, DL__MEN_NOMINAL,
                            ent))
    return false;
  c->lastpos[ent] = s;
  return true;
}

static int cmp_pair(const void *a, const void *b)
{
  const uint32_t *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

static bool nominals(struct cl *c)
{
  struct dl__ews *ws = c->ws;
  size_t nlex = dl__roles_count() + 1;
  c->holders = dl__malloc(c->al, nlex * (HOLD + 1) * sizeof *c->holders);
  c->hused = dl__calloc(c->al, nlex, 1);
  c->hlist = dl__malloc(c->al, nlex * sizeof *c->hlist);
  c->nh = 0;
  c->lastpos = dl__calloc(c->al, c->ne + 1, sizeof *c->lastpos);
  c->rs = dl__calloc(c->al, 2 * ws->nr + 2, sizeof *c->rs);
  c->rmax = dl__calloc(c->al, ws->nr + 1, sizeof *c->rmax);
  if (!c->holders || !c->hused || !c->hlist || !c->lastpos || !c->rs ||
      !c->rmax)
    return false;
  for (size_t e = 0; e < c->ne; e++) c->lastpos[e] = DL__NONE32;
  for (size_t r = 0; r < ws->nr; r++) {
    c->rs[2 * r] = ws->r[r].s;
    c->rs[2 * r + 1] = ws->r[r].e;
  }
  c->nrs = ws->nr;
  if (c->nrs > 1) qsort(c->rs, c->nrs, 2 * sizeof *c->rs, cmp_pair);
  for (size_t r = 0; r < c->nrs; r++)
    c->rmax[r] = r ? DL__MAX(c->rmax[r - 1], c->rs[2 * r + 1])
                   : c->rs[2 * r + 1];
  c->n0 = ws->n;
  c->sweep = 0;
  c->subj_ent = DL__NONE32;
  if (!dl__ent_scan_nominals(ws, on_nominal, c)) return false;
  sweep_to(c, UINT32_MAX);
  /* A title-only mention nothing earlier holds: a capitalized one is a
  ** name of its own ("the Pope"), a lower-case one is dropped. */
  for (size_t i = 0; i < c->n0; i++) {
    struct dl__emen *m = &ws->m[i];
    if ((m->flags & DL__EM_DROP) || m->ent != DL__NONE32) continue;
    if ((m->flags & DL__EM_TITLE_ONLY) && dl__ent_word_cap(c->d, m->s, m->e)) {
      struct form *f = &c->f[m->fid];
      if (f->ent == DL__NONE32 && !new_entity(c, m->fid)) return false;
      m->ent = c->f[m->fid].ent;
    } else {
      m->flags |= DL__EM_DROP;
    }
  }
  return true;
}

/* ====================================================================
** The layers: d->mentions and d->entities
** ==================================================================== */

static int cmp_emen(const void *a, const void *b)
{
  const struct dl__emen *x = a, *y = b;
  if (x->s != y->s) return x->s < y->s ? -1 : 1;
  return x->e < y->e ? -1 : x->e > y->e;
}

/* The tokens [ts, te) of bytes [s, e). The mentions come in text order,
** so the search for the first token starts where the previous one ended
** (cur), and from the first token only when s goes back. */
struct tcur {
  uint32_t s;
  size_t a;
};

static void tok_range(const dl_doc *d, uint32_t s, uint32_t e, uint32_t *ts,
                      uint32_t *te, struct tcur *cur)
{
  size_t a = 0, b = d->n_tokens;
  /* Every token before cur->a ends at or before cur->s. */
  if (s >= cur->s) a = cur->a;
  while (a < b) { /* first token with end > s */
    size_t mid = a + (b - a) / 2;
    if (d->tokens[mid].end <= s)
      a = mid + 1;
    else
      b = mid;
  }
  cur->s = s;
  cur->a = a;
  *ts = (uint32_t)a;
  b = a;
  while (b < d->n_tokens && d->tokens[b].start < e) b++;
  *te = (uint32_t)b;
}

static bool has_lower(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if ((s[i] >= 'a' && s[i] <= 'z') || (unsigned char)s[i] >= 0x80)
      return true;
  return false;
}

/* Is form a a better canonical name than form b? */
static bool better(const struct cl *c, const struct dl__emen *a,
                   const struct dl__emen *b)
{
  const char *sa = c->ws->str.p + a->form, *sb = c->ws->str.p + b->form;
  uint32_t wa = count_words(sa, a->form_len), wb = count_words(sb, b->form_len);
  bool la, lb;
  if ((a->flags & DL__EM_TITLE_ONLY) != (b->flags & DL__EM_TITLE_ONLY))
    return !(a->flags & DL__EM_TITLE_ONLY);
  if (wa != wb) return wa > wb;
  la = has_lower(sa, a->form_len);
  lb = has_lower(sb, b->form_len);
  if (la != lb) return la;
  return a->form_len > b->form_len;
}

static bool ascii_ieq(const char *a, const char *b)
{
  for (; *a && *b; a++, b++) {
    char x = *a, y = *b;
    if (x >= 'A' && x <= 'Z') x = (char)(x + 32);
    if (y >= 'A' && y <= 'Z') y = (char)(y + 32);
    if (x != y) return false;
  }
  return *a == *b;
}

static bool contains(const char *h, size_t hn, const char *n, size_t nn)
{
  if (nn > hn) return false;
  for (size_t i = 0; i + nn <= hn; i++)
    if (h[i] == n[0] && memcmp(h + i, n, nn) == 0) return true;
  return false;
}

static bool build(struct cl *c)
{
  struct dl__ews *ws = c->ws;
  dl_doc *d = c->d;
  size_t kept = 0, nout = 0;
  uint32_t *cnt = NULL, *best = NULL, *votes = NULL, *nroles = NULL;
  double *raw = NULL;
  uint32_t *subj = NULL, *firstpos = NULL;
  uint8_t *lead = NULL;
  dl__mention *out = NULL;
  dl__entity *ents = NULL;
  bool ok = false;
  dl__buf title;
  dl__buf_init(&title, c->al);

  if (ws->n > 1) qsort(ws->m, ws->n, sizeof *ws->m, cmp_emen);
  {
    /* The steps before keep mentions apart; should one overlap the one
    ** before it anyway, the layer's invariant wins: it goes. */
    uint32_t end = 0;
    struct tcur cur = {0, 0};
    for (size_t i = 0; i < ws->n; i++) {
      struct dl__emen *m = &ws->m[i];
      if ((m->flags & DL__EM_DROP) || m->ent == DL__NONE32) continue;
      uint32_t ts, te;
      tok_range(d, m->s, m->e, &ts, &te, &cur);
      if (m->s < end || m->s >= m->e || ts >= te) {
        m->flags |= DL__EM_DROP; /* overlapping, or over no token */
        continue;
      }
      end = m->e;
    }
  }
  for (size_t i = 0; i < ws->n; i++) {
    struct dl__emen *m = &ws->m[i];
    if ((m->flags & DL__EM_DROP) || m->ent == DL__NONE32) continue;
    if (c->e[m->ent].out == DL__NONE32) c->e[m->ent].out = (uint32_t)nout++;
    kept++;
  }
  d->mentions = NULL;
  d->n_mentions = 0;
  if (!kept) return true;
  out = dl__arena_alloc(&d->arena, kept * sizeof *out);
  ents = dl__arena_alloc(&d->arena, nout * sizeof *ents);
  cnt = dl__calloc(c->al, nout, sizeof *cnt);
  best = dl__calloc(c->al, nout, sizeof *best);
  votes = dl__calloc(c->al, nout * DL__ENT__COUNT, sizeof *votes);
  nroles = dl__calloc(c->al, nout, sizeof *nroles);
  raw = dl__calloc(c->al, nout, sizeof *raw);
  subj = dl__calloc(c->al, nout, sizeof *subj);
  firstpos = dl__calloc(c->al, nout, sizeof *firstpos);
  lead = dl__calloc(c->al, nout, sizeof *lead);
  if (!out || !ents || !cnt || !best || !votes || !nroles || !raw || !subj ||
      !firstpos || !lead)
    goto done;
  memset(ents, 0, nout * sizeof *ents);
  for (size_t k = 0; k < nout; k++) best[k] = DL__NONE32;

  /* Pass 1: counts, names, types, the salience features. */
  for (size_t i = 0; i < ws->n; i++) {
    const struct dl__emen *m = &ws->m[i];
    uint32_t k, si;
    if ((m->flags & DL__EM_DROP) || m->ent == DL__NONE32) continue;
    k = c->e[m->ent].out;
    if (!cnt[k]) firstpos[k] = m->s;
    cnt[k]++;
    for (uint32_t r = m->role; r != DL__NONE32; r = ws->r[r].next)
      nroles[k]++;
    if (m->flags & DL__MEN_NOMINAL) continue;
    votes[k * DL__ENT__COUNT + (m->type < DL__ENT__COUNT ? m->type : 0)]++;
    if (m->form_len && (best[k] == DL__NONE32 || better(c, m, &ws->m[best[k]])))
      best[k] = (uint32_t)i;
    if (m->flags & DL__EM_SUBJECT) subj[k]++;
    si = sent_of(d, m->s);
    if (si == 0 || (si < d->n_sentences &&
                    (d->sentences[si].flags & DL__SENT_HEADLINE)))
      lead[k] = 1;
  }
  if (d->title && !dl__casefold(&title, d->title, strlen(d->title)))
    goto done;

  /* Entities: type, name, arrays. */
  for (size_t i = 0; i < ws->n; i++) {
    const struct dl__emen *m = &ws->m[i];
    uint32_t k;
    dl__entity *e;
    if ((m->flags & DL__EM_DROP) || m->ent == DL__NONE32) continue;
    k = c->e[m->ent].out;
    e = &ents[k];
    if (e->mentions) continue;
    e->mentions = dl__arena_alloc(&d->arena, cnt[k] * sizeof *e->mentions);
    e->roles = dl__arena_alloc(
        &d->arena, DL__MAX(1u, DL__MIN(nroles[k], (uint32_t)MAXROLES)) *
                       sizeof *e->roles);
    if (!e->mentions || !e->roles) goto done;
    {
      uint8_t t = c->e[m->ent].type;
      const uint32_t *v = votes + k * DL__ENT__COUNT;
      for (unsigned x = 1; x < DL__ENT__COUNT; x++)
        if (v[x] > v[t]) t = (uint8_t)x;
      e->type = t;
    }
    {
      const struct dl__emen *b = &ws->m[best[k] != DL__NONE32 ? best[k] : i];
      e->name = dl__arena_strndup(&d->arena, ws->str.p + b->form, b->form_len);
      if (!e->name) goto done;
      if (title.len) {
        ws->tmp.len = 0;
        if (!casefold(&ws->tmp, e->name, b->form_len)) goto done;
        if (ws->tmp.len &&
            contains(title.p, title.len, ws->tmp.p, ws->tmp.len))
          lead[k] = 1;
      }
    }
  }

  /* Pass 2: the mention layer, the entities' mention lists and roles. */
  {
    size_t j = 0;
    struct tcur cur = {0, 0};
    for (size_t i = 0; i < ws->n; i++) {
      const struct dl__emen *m = &ws->m[i];
      dl__mention *o;
      dl__entity *e;
      uint32_t k;
      if ((m->flags & DL__EM_DROP) || m->ent == DL__NONE32) continue;
      k = c->e[m->ent].out;
      e = &ents[k];
      o = &out[j];
      o->start = m->s;
      o->end = m->e;
      tok_range(d, m->s, m->e, &o->tok_start, &o->tok_end, &cur);
      o->type = (m->flags & DL__MEN_NOMINAL) ? e->type : m->type;
      o->flags = (uint8_t)(m->flags & 0xFF);
      o->entity = k;
      o->score = m->score;
      e->mentions[e->n_mentions++] = (uint32_t)j;
      for (uint32_t r = m->role; r != DL__NONE32; r = ws->r[r].next) {
        const struct dl__erole *ro = &ws->r[r];
        bool dup = false;
        char *text;
        ws->tmp.len = 0;
        if (!dl__ent_display(d, &ws->tmp, ro->s, ro->e) ||
            !dl__buf_append(&ws->tmp, "", 1))
          goto done;
        for (uint32_t q = 0; q < e->n_roles && !dup; q++)
          dup = ascii_ieq(e->roles[q].text, ws->tmp.p);
        if (dup || e->n_roles >= MAXROLES || ws->tmp.len < 2) continue;
        text = dl__arena_strndup(&d->arena, ws->tmp.p, ws->tmp.len - 1);
        if (!text) goto done;
        e->roles[e->n_roles].start = ro->s;
        e->roles[e->n_roles].end = ro->e;
        e->roles[e->n_roles].text = text;
        e->n_roles++;
      }
      j++;
    }
  }

  /* Salience (see the file comment). */
  {
    double top = 0;
    double len = d->len ? (double)d->len : 1.0;
    for (size_t k = 0; k < nout; k++) {
      double r = log(1.0 + cnt[k]) + 0.5 * log(1.0 + subj[k]) +
                 0.75 * (1.0 - (double)firstpos[k] / len) + 0.75 * lead[k];
      if (ents[k].type == DL__ENT_MISC) r *= 0.6;
      raw[k] = r;
      if (r > top) top = r;
    }
    for (size_t k = 0; k < nout; k++)
      ents[k].salience = top > 0 ? (float)(raw[k] / top) : 0.0f;
  }
  d->mentions = out;
  d->n_mentions = kept;
  d->entities = ents;
  d->n_entities = nout;
  ok = true;
done:
  dl__buf_free(&title);
  dl__free(c->al, cnt);
  dl__free(c->al, best);
  dl__free(c->al, votes);
  dl__free(c->al, nroles);
  dl__free(c->al, raw);
  dl__free(c->al, subj);
  dl__free(c->al, firstpos);
  dl__free(c->al, lead);
  return ok;
}

/* ====================================================================
** Entry point
** ==================================================================== */

dl_status dl__entity_cluster(struct dl__ews *ws, dl_error *err)
{
  struct cl c;
  bool ok;
  memset(&c, 0, sizeof c);
  c.ws = ws;
  c.d = ws->d;
  c.al = ws->al;
  ok = make_forms(&c) && assign_forms(&c) && resolve(&c) && nominals(&c) &&
       build(&c);
  dl__free(c.al, c.f);
  dl__free(c.al, c.e);
  dl__free(c.al, c.forms.t);
  dl__free(c.al, c.subs.t);
  dl__free(c.al, c.nodes);
  dl__free(c.al, c.cands);
  dl__free(c.al, c.lists);
  dl__free(c.al, c.loff);
  dl__free(c.al, c.lastamb);
  dl__free(c.al, c.holders);
  dl__free(c.al, c.hused);
  dl__free(c.al, c.hlist);
  dl__free(c.al, c.lastpos);
  dl__free(c.al, c.rs);
  dl__free(c.al, c.rmax);
  if (!ok) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  return DL_OK;
}
