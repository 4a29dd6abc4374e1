/*
** themes.c -- the themes stage: which of our news themes (data/themes.tsv,
** documented in docs/THEMES.md) a document touches, each hit with its
** span.
**
** A theme has four lists of terms (a term is one to four words):
**   terms    count wherever they occur ("assassination", "car bomb");
**   weak     count only when a context term of the same theme is in the
**            same sentence ("strike" for a labour strike needs "workers",
**            "union", "pay"...);
**   context  the context terms of `weak` (never hits by themselves);
**   exclude  a sentence holding one has no hit of the theme ("fire" is not
**            a disaster in "opened fire", "ceasefire").
** Every word of a term is stemmed with the same English Snowball stemmer
** as the document's words, so "assassinated", "assassinating" and
** "assassination" need one term each at most, and "funerals" matches
** "funeral".
**
** Matching. The patterns are built once per annotator and sorted by their
** first stem; a table by cache stem id gives the run that starts with a
** stem, looked up once per cache form (the words layer keeps the range in
** the form's cache entry). The scan gathers a sentence's tokens that
** start a pattern (per-form ranges, no branch per token) and tries only
** their patterns. Per theme the
** scan keeps the leftmost-longest hit and skips hits that overlap it.
** Context and exclusion are sentence-level: hits are held per sentence and
** filtered when the sentence ends. Linear in the tokens.
*/
#include "tone.h"

#include <stdlib.h>
#include <string.h>

enum { ROLE_TERM = 0, ROLE_WEAK, ROLE_CONTEXT, ROLE_EXCLUDE };

#define PAT_WORDS 4

/* 16 bytes, four a cache line (the array starts on a line): the scan
** reads the patterns of a token's stem, one run. The first word's stem
** is the run's, not stored. */
struct pattern {
  uint32_t sid[PAT_WORDS - 1]; /* its other words' stems, cache stem ids */
  uint8_t n;
  uint8_t role;
  uint16_t theme;
};

/* A pattern while the index is built: sorted by its first stem's text. */
struct bpat {
  const char *stem0; /* in the workspace's string arena */
  size_t ord;        /* the order of the lists (ties keep it) */
  uint32_t sid[PAT_WORDS]; /* its words' stems, cache stem ids */
  struct pattern p;        /* n, role, theme */
};

/* The patterns starting with one stem: a run of the sorted array. */
struct start {
  uint32_t sid1; /* cache stem id + 1, 0 empty */
  uint32_t lo, n;
};

/* A hit of one sentence before its context is known. */
struct cand {
  uint32_t theme, tok_start, tok_end;
  uint8_t role;
};

struct dl__theme_index {
  /* The stage's scratch arrays, kept between documents (room only). */
  struct cand *cands;
  size_t cands_cap;
  struct dl__theme_hit *hits;
  size_t hits_cap;
  struct pattern *p; /* sorted by stem[0], then longest first */
  void *p_mem;       /* the allocation p is in (64-byte aligned) */
  size_t n;
  struct start *st; /* open addressing by cache stem id: a few hundred
                    ** first stems, a table that stays in the CPU cache */
  size_t st_cap;    /* a power of 2 */
};

/* The stems live in the workspace's string arena. */
void dl__theme_index_free(const dl_allocator *al, struct dl__theme_index *x)
{
  if (!x) return;
  dl__free(al, x->cands);
  dl__free(al, x->hits);
  dl__free(al, x->p_mem);
  dl__free(al, x->st);
  dl__free(al, x);
}

static size_t start_slot(const struct dl__theme_index *x, uint32_t sid)
{
  size_t m = x->st_cap - 1, j = (sid * UINT32_C(2654435761)) & m;
  while (x->st[j].sid1 && x->st[j].sid1 != sid + 1) j = (j + 1) & m;
  return j;
}

uint32_t dl__theme_starting(const struct dl__theme_index *x, uint32_t sid,
                            uint32_t *lo)
{
  const struct start *s = &x->st[start_slot(x, sid)];
  *lo = s->lo;
  return s->sid1 ? s->n : 0;
}

static int cmp_pat(const void *a, const void *b)
{
  const struct bpat *x = a, *y = b;
  int c = strcmp(x->stem0, y->stem0);
  if (c) return c;
  if (x->p.n != y->p.n) return (int)y->p.n - (int)x->p.n;
  return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* Adds the patterns of one comma-separated list. */
static bool add_list(struct dl__told_ws *ws, struct bpat **bp, size_t *nb,
                     size_t *cap, const char *list, int role, size_t theme)
{
  const char *p = list;
  if (!list) return true;
  while (*p) {
    const char *e = p;
    struct pattern pat;
    uint32_t sid[PAT_WORDS];
    const char *stem0 = NULL;
    while (*e && *e != ',') e++;
    memset(&pat, 0, sizeof pat);
    pat.role = (uint8_t)role;
    pat.theme = (uint16_t)theme;
    for (const char *w = p; w < e;) {
      const char *we;
      char *sc;
      char low[64];
      size_t n = 0, sn;
      const char *st;
      while (w < e && *w == ' ') w++;
      we = w;
      while (we < e && *we != ' ') we++;
      if (we == w) break;
      for (const char *c = w; c < we && n + 1 < sizeof low; c++)
        low[n++] = (*c >= 'A' && *c <= 'Z') ? (char)(*c + 32) : *c;
      low[n] = 0;
      w = we;
      if (pat.n == PAT_WORDS) break;
      st = dl__told_stem(ws, low, n, &sn);
      if (!st || !(sc = dl__arena_strndup(&ws->strings, st, sn)))
        return false;
      if (!pat.n) stem0 = sc;
      sid[pat.n] = dl__told_cstem(ws, sc, sn);
      if (sid[pat.n] == UINT32_MAX) return false;
      pat.n++;
    }
    if (pat.n) {
      if (!DL__PUSH(ws->al, *bp, *nb, *cap)) return false;
      (*bp)[*nb].stem0 = stem0;
      (*bp)[*nb].ord = *nb;
      memset((*bp)[*nb].sid, 0, sizeof (*bp)[*nb].sid);
      memcpy((*bp)[*nb].sid, sid, pat.n * sizeof *sid);
      for (int k = 1; k < pat.n; k++) pat.sid[k - 1] = sid[k];
      (*bp)[*nb].p = pat;
      ++*nb;
    }
    p = *e ? e + 1 : e;
  }
  return true;
}

static struct dl__theme_index *build_index(struct dl__told_ws *ws)
{
  struct dl__theme_index *x = dl__calloc(ws->al, 1, sizeof *x);
  struct bpat *bp = NULL;
  size_t cap = 0, nb = 0;
  if (!x) return NULL;
  for (size_t t = 0; t < dl__themes_len; t++) {
    const struct dl__theme_def *def = &dl__themes[t];
    if (!add_list(ws, &bp, &nb, &cap, def->terms, ROLE_TERM, t) ||
        !add_list(ws, &bp, &nb, &cap, def->weak, ROLE_WEAK, t) ||
        !add_list(ws, &bp, &nb, &cap, def->context, ROLE_CONTEXT, t) ||
        !add_list(ws, &bp, &nb, &cap, def->exclude, ROLE_EXCLUDE, t)) {
      dl__free(ws->al, bp);
      dl__theme_index_free(ws->al, x);
      return NULL;
    }
  }
  if (nb) qsort(bp, nb, sizeof *bp, cmp_pat);
  {
    size_t bytes = (nb + 1) * sizeof *x->p;
    char *m = dl__malloc(ws->al, bytes + 64);
    if (!m) {
      dl__free(ws->al, bp);
      dl__theme_index_free(ws->al, x);
      return NULL;
    }
    x->p_mem = m;
    x->p = (struct pattern *)(void *)(m + (64 - (uintptr_t)m % 64) % 64);
    memset(x->p, 0, bytes);
  }
  for (size_t i = 0; i < nb; i++) x->p[i] = bp[i].p;
  x->n = nb;
  /* Equal first stems are one cache stem: each run gets a slot. */
  {
    size_t runs = 0;
    for (size_t i = 0; i < x->n; i++)
      if (!i || bp[i].sid[0] != bp[i - 1].sid[0]) runs++;
    x->st_cap = 16;
    while (x->st_cap < 2 * runs) x->st_cap *= 2;
    if (!(x->st = dl__calloc(ws->al, x->st_cap, sizeof *x->st))) {
      dl__free(ws->al, bp);
      dl__theme_index_free(ws->al, x);
      return NULL;
    }
    for (size_t i = 0, j; i < x->n; i = j) {
      struct start *s = &x->st[start_slot(x, bp[i].sid[0])];
      for (j = i + 1; j < x->n && bp[j].sid[0] == bp[i].sid[0]; j++) {
      }
      s->sid1 = bp[i].sid[0] + 1;
      s->lo = (uint32_t)i;
      s->n = (uint32_t)(j - i);
    }
  }
  dl__free(ws->al, bp);
  return x;
}


#define SENT_CTX 1u
#define SENT_EXCL 2u

dl_status dl__themes_run(dl_annotator *a, dl_doc *d, dl_error *err)
{
  struct dl__told *T = d->told;
  struct dl__told_ws *ws = a->told_ws;
  const struct dl__theme_index *x;
  const struct dl__words *W;
  uint32_t *last_end;        /* per theme: token end of the last hit */
  uint8_t *sflag;            /* per theme: SENT_* in this sentence */
  uint32_t *frange, *fcs, *starts;
  struct cand *cands;        /* this sentence's candidate hits */
  size_t n_cands = 0, cands_cap;
  struct dl__theme_hit *hits; /* the document's, in text order */
  size_t n_hits = 0, hits_cap;
  dl_status rc = DL_OK;
  size_t nt = dl__themes_len;
  if (!T || !T->words_ran || !ws) return DL_OK;
  if (!ws->themes && !(ws->themes = build_index(ws)))
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  x = ws->themes;
  cands = ws->themes->cands;
  cands_cap = ws->themes->cands_cap;
  hits = ws->themes->hits;
  hits_cap = ws->themes->hits_cap;
  W = &T->words;
  {
    size_t need = nt * (sizeof(uint32_t) + 1) + 16;
    dl__buf *b = &ws->tmp[1];
    b->len = 0;
    if (!dl__buf_reserve(b, need))
      return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    last_end = (uint32_t *)(void *)b->p;
    sflag = (uint8_t *)(last_end + nt);
  }
  memset(last_end, 0, nt * sizeof *last_end);
  memset(sflag, 0, nt);
  /* Per form of the document (one more for "no form"): its stem's
  ** pattern range and cache stem id, so the scan reads small arrays; and
  ** room for the pattern-starting tokens of the longest sentence (not of
  ** the document: fewer bytes to hold in the CPU's caches). */
  {
    dl__buf *b = &ws->tmp[2];
    size_t nf = W->n_forms, longest = 0;
    for (size_t si = 0; si < d->n_sentences; si++)
      longest = DL__MAX(longest, (size_t)(d->sentences[si].tok_end -
                                          d->sentences[si].tok_start));
    b->len = 0;
    if (!dl__buf_reserve(b, (3 * (nf + 1) + longest + 1) * sizeof(uint32_t)))
      goto oom;
    frange = (uint32_t *)(void *)b->p;
    fcs = frange + 2 * (nf + 1);
    starts = fcs + nf + 1;
    for (size_t f = 0; f < nf; f++) {
      /* Copied from the cache form by the words layer, once looked up. */
      const struct dl__stem *ds = &W->stems[W->forms[f].stem];
      if (ds->pat_n != DL__STEM_PAT_UNSET) {
        frange[2 * f] = ds->pat_lo;
        frange[2 * f + 1] = ds->pat_n;
      } else {
        frange[2 * f + 1] = dl__theme_starting(x, ds->cstem, &frange[2 * f]);
      }
      fcs[f] = ds->cstem;
    }
    frange[2 * nf] = frange[2 * nf + 1] = 0;
    fcs[nf] = UINT32_MAX; /* no pattern word's */
  }
  for (size_t si = 0; si < d->n_sentences; si++) {
    const dl__sentence *S = &d->sentences[si];
    size_t ns = 0, nf = W->n_forms;
    n_cands = 0;
    /* The tokens that start a pattern, gathered without a branch on each
    ** (most start none, unpredictably). */
    for (size_t ti = S->tok_start; ti < S->tok_end; ti++) {
      uint32_t f = W->tform[ti];
      starts[ns] = (uint32_t)ti;
      ns += frange[2 * (f < nf ? f : nf) + 1] != 0;
    }
    for (size_t g = 0; g < ns; g++) {
      size_t ti = starts[g];
      uint32_t f = W->tform[ti], lo, cnt;
      lo = frange[2 * f];
      cnt = frange[2 * f + 1];
      for (uint32_t k = lo; k < lo + cnt; k++) {
        const struct pattern *p = &x->p[k];
        size_t tj = ti + 1;
        int m = 1;
        for (; m < p->n; m++, tj++) {
          uint32_t h;
          if (tj >= S->tok_end) break;
          h = W->tform[tj];
          if (fcs[h < nf ? h : nf] != p->sid[m - 1]) break;
        }
        if (m < p->n) continue;
        if (p->role == ROLE_CONTEXT) {
          sflag[p->theme] |= SENT_CTX;
          continue;
        }
        if (p->role == ROLE_EXCLUDE) {
          sflag[p->theme] |= SENT_EXCL;
          continue;
        }
        if (ti < last_end[p->theme]) continue;
        last_end[p->theme] = (uint32_t)tj;
        if (n_cands == cands_cap &&
            !DL__PUSH(ws->al, cands, n_cands, cands_cap))
          goto oom;
        cands[n_cands].theme = p->theme;
        cands[n_cands].tok_start = (uint32_t)ti;
        cands[n_cands].tok_end = (uint32_t)tj;
        cands[n_cands].role = p->role;
        n_cands++;
      }
    }
    /* The sentence ends: keep what its context allows. */
    for (size_t c = 0; c < n_cands; c++) {
      const struct cand *h = &cands[c];
      uint8_t fl = sflag[h->theme];
      if (fl & SENT_EXCL) continue;
      if (h->role == ROLE_WEAK && !(fl & SENT_CTX)) continue;
      if (n_hits == hits_cap && !DL__PUSH(ws->al, hits, n_hits, hits_cap))
        goto oom;
      hits[n_hits].theme = h->theme;
      hits[n_hits].start = d->tokens[h->tok_start].start;
      hits[n_hits].end = d->tokens[h->tok_end - 1].end;
      n_hits++;
    }
    /* The taxonomy is small: clearing all its flags is cheaper than
    ** remembering which were set. */
    memset(sflag, 0, nt);
  }
  if (n_hits) {
    /* Group the hits by theme, each group in text order (a counting sort
    ** on the theme, stable), so the writer reads each group in one run. */
    struct dl__theme_hit *out =
        dl__arena_alloc(&d->arena, n_hits * sizeof *out);
    if (!out) goto oom;
    memset(last_end, 0, nt * sizeof *last_end);
    for (size_t i = 0; i < n_hits; i++) last_end[hits[i].theme]++;
    for (size_t t = 0, acc = 0; t < nt; t++) {
      uint32_t c = last_end[t];
      last_end[t] = (uint32_t)acc;
      acc += c;
    }
    for (size_t i = 0; i < n_hits; i++)
      out[last_end[hits[i].theme]++] = hits[i];
    T->themes.hits = out;
  }
  T->themes.n_hits = n_hits;
  T->themes_ran = true;
  goto done;
oom:
  rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  /* Back to the index: the arrays keep their room. */
  ws->themes->cands = cands;
  ws->themes->cands_cap = cands_cap;
  ws->themes->hits = hits;
  ws->themes->hits_cap = hits_cap;
  return rc;
}

struct theme_count {
  uint32_t theme, count, first, start;
};

static int cmp_count(const void *a, const void *b)
{
  const struct theme_count *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return x->start < y->start ? -1 : x->start > y->start;
}

void dl__themes_json(const dl_doc *d, dl__jw *w, unsigned flags)
{
  const struct dl__themes *th;
  struct theme_count tc[1024];
  size_t n = 0;
  dl__jw_key(w, "themes");
  if (!d->told || !d->told->themes_ran) {
    dl__jw_null(w);
    return;
  }
  th = &d->told->themes;
  /* Hits are grouped by theme (see the stage); the taxonomy is small
  ** (dl__themes_len <= 1024, checked by a test). */
  for (size_t i = 0; i < th->n_hits && n < DL__COUNTOF(tc); i++) {
    if (n && tc[n - 1].theme == th->hits[i].theme) {
      tc[n - 1].count++;
      continue;
    }
    tc[n].theme = th->hits[i].theme;
    tc[n].count = 1;
    tc[n].first = (uint32_t)i;
    tc[n].start = th->hits[i].start;
    n++;
  }
  /* Stable insertion sort (a document has a few dozen themes at most;
  ** glibc's qsort is a stable merge sort, so ties keep the same order). */
  for (size_t i = 1; i < n; i++) {
    struct theme_count t = tc[i];
    size_t j = i;
    while (j > 0 && cmp_count(&tc[j - 1], &t) > 0) {
      tc[j] = tc[j - 1];
      j--;
    }
    tc[j] = t;
  }
  if (!w->pretty && !(flags & DL_JSON_CHARS)) {
    /* The whole array written straight into the writer's buffer
    ** (tone_json.c), room asked once. Codes and labels are copied as they
    ** are: the taxonomy's are plain ASCII with nothing to escape, which
    ** test_tone checks for every theme with the writer's own test
    ** (dl__json_safe_len); counts and offsets are plain numbers. */
    size_t max = 2;
    char *p;
    for (size_t k = 0; k < n; k++) {
      const struct dl__theme_def *def = &dl__themes[tc[k].theme];
      size_t shown = DL__MIN(tc[k].count, (uint32_t)DL__THEME_MAX_SPANS);
      max += strlen(def->code) + strlen(def->label) + 64 +
             DL__TOLD_JSON_SPAN * shown;
    }
    if (!(p = dl__told_json_begin(w, max))) return;
    *p++ = '[';
    for (size_t k = 0; k < n; k++) {
      const struct dl__theme_def *def = &dl__themes[tc[k].theme];
      size_t shown = DL__MIN(tc[k].count, (uint32_t)DL__THEME_MAX_SPANS);
      size_t cl = strlen(def->code), ll = strlen(def->label);
      if (k) *p++ = ',';
      memcpy(p, "{\"theme\":\"", 10);
      memcpy(p + 10, def->code, cl);
      p += 10 + cl;
      memcpy(p, "\",\"label\":\"", 11);
      memcpy(p + 11, def->label, ll);
      p += 11 + ll;
      *p++ = '"';
      memcpy(p, ",\"count\":", 9);
      p = dl__json_uint(p + 9, tc[k].count);
      memcpy(p, ",\"spans\":[", 10);
      p += 10;
      for (size_t i = tc[k].first; i < tc[k].first + shown; i++) {
        if (i > tc[k].first) *p++ = ',';
        p = dl__told_json_span(p, th->hits[i].start, th->hits[i].end);
      }
      *p++ = ']';
      *p++ = '}';
    }
    *p++ = ']';
    dl__told_json_end(w, p);
    return;
  }
  dl__jw_arr_begin(w);
  for (size_t k = 0; k < n; k++) {
    const struct dl__theme_def *def = &dl__themes[tc[k].theme];
    size_t shown = DL__MIN(tc[k].count, (uint32_t)DL__THEME_MAX_SPANS);
    dl__jw_obj_begin(w);
    dl__jw_key(w, "theme");
    dl__jw_cstr(w, def->code);
    dl__jw_key(w, "label");
    dl__jw_cstr(w, def->label);
    dl__jw_key(w, "count");
    dl__jw_uint(w, tc[k].count);
    dl__jw_key(w, "spans");
    dl__jw_arr_begin(w);
    for (size_t i = tc[k].first; i < tc[k].first + shown; i++)
      dl__jw_span(d, w, flags, th->hits[i].start, th->hits[i].end);
    dl__jw_arr_end(w);
    dl__jw_obj_end(w);
  }
  dl__jw_arr_end(w);
}
