/*
** ner_train.c -- training and scoring of the NER tagger.
**
** Training is Collins' structured perceptron with weight averaging: for
** each sentence (in a shuffled order each epoch) Viterbi finds the best
** tag sequence under the current weights; where it differs from the gold
** sequence, every feature of a wrong token moves weight from the predicted
** tag to the gold tag, and the transitions of the two sequences move the
** same way. Averaging uses the usual trick: besides the weights w, keep
** u = sum of c * update (c counts sentences seen) and average as
** w - u / c, so an update costs O(1) whatever the number of epochs.
**
** Feature rows are computed once per token before the first epoch (the
** extractor of ner_feat.c, with the document table of each document) and
** kept in one array, so an epoch costs only emissions, Viterbi and
** updates: a few seconds on CoNLL-2003's 204k training tokens.
**
** The gold tags are read as IOB1 or IOB2 (conlleval's reading: "I-X"
** after anything but X starts a chunk) and converted to BILOU. After each
** epoch the averaged model is scored on the dev file; the best epoch's
** weights are written (ner.c quantizes them to int16).
**
** Clusters and gazetteers are read here and packed into the tables that
** the model file carries (ner.h), so a model is self-contained.
*/
#include "ner.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The trainer is an offline tool run from the CLI: it allocates with
** libc through the default allocator (NULL), like the model writer. */
static void *tmalloc(size_t n) { return dl__malloc(NULL, n); }
static void *tcalloc(size_t n, size_t size) { return dl__calloc(NULL, n, size); }
static void tfree(void *p) { dl__free(NULL, p); }

/* ====================================================================
** Labels and chunks
** ==================================================================== */

/* Parses "B-PER" / "I-LOC" / "O" / "U-ORG"...: *prefix is 'B', 'I', 'O'
** (others map to B or I), returns the type 0..3, 4 for another type, -1
** for O. */
static int parse_label(const char *s, char *prefix)
{
  const char *t;
  if (!s || !*s || (s[0] == 'O' && s[1] == 0)) {
    *prefix = 'O';
    return -1;
  }
  *prefix = (s[0] == 'B' || s[0] == 'U' || s[0] == 'S') ? 'B' : 'I';
  t = (s[1] == '-') ? s + 2 : s;
  if (strcmp(t, "PER") == 0) return 0;
  if (strcmp(t, "ORG") == 0) return 1;
  if (strcmp(t, "LOC") == 0) return 2;
  if (strcmp(t, "MISC") == 0) return 3;
  return 4;
}

/* Finds the next chunk at or after *pos: returns false at the end. A
** chunk of "another" type (4) compares by its label text. */
static bool next_chunk(const char *const *lab, size_t n, size_t *pos,
                       size_t *b, size_t *e, int *type, const char **name)
{
  size_t i = *pos;
  char pf;
  int ty = -1;
  while (i < n && (ty = parse_label(lab[i], &pf)) < 0) i++;
  if (i >= n) {
    *pos = n;
    return false;
  }
  *b = i;
  *type = ty;
  *name = lab[i] + (lab[i][1] == '-' ? 2 : 0);
  for (i++; i < n; i++) {
    char p2;
    int t2 = parse_label(lab[i], &p2);
    if (t2 != ty || p2 == 'B') break;
    if (ty == 4 && strcmp(lab[i] + (lab[i][1] == '-' ? 2 : 0), *name) != 0)
      break;
  }
  *e = i;
  *pos = i;
  return true;
}

DL_API void dl_ner_score(const char *const *gold, const char *const *pred,
                         size_t n, dl_ner_counts *acc)
{
  size_t gp = 0, pp = 0, gb = 0, ge = 0, pb = 0, pe = 0;
  int gt = -1, pt = -1;
  const char *gn = NULL, *pn = NULL;
  bool gh, ph;
  if (!acc || !gold || !pred) return;
  for (size_t i = 0; i < n; i++) {
    char a, b;
    int ta = parse_label(gold[i], &a), tb = parse_label(pred[i], &b);
    acc->tokens++;
    if (ta == tb) acc->tokens_correct++;
  }
  gh = next_chunk(gold, n, &gp, &gb, &ge, &gt, &gn);
  ph = next_chunk(pred, n, &pp, &pb, &pe, &pt, &pn);
  while (gh || ph) {
    if (gh && (!ph || gb <= pb)) {
      acc->gold[4]++;
      if (gt < 4) acc->gold[gt]++;
    }
    if (ph && (!gh || pb <= gb)) {
      acc->pred[4]++;
      if (pt < 4) acc->pred[pt]++;
    }
    if (gh && ph && gb == pb && ge == pe && gt == pt &&
        (gt < 4 || strcmp(gn, pn) == 0)) {
      acc->correct[4]++;
      if (gt < 4) acc->correct[gt]++;
    }
    if (gh && ph && gb == pb) {
      gh = next_chunk(gold, n, &gp, &gb, &ge, &gt, &gn);
      ph = next_chunk(pred, n, &pp, &pb, &pe, &pt, &pn);
    } else if (gh && (!ph || gb < pb)) {
      gh = next_chunk(gold, n, &gp, &gb, &ge, &gt, &gn);
    } else {
      ph = next_chunk(pred, n, &pp, &pb, &pe, &pt, &pn);
    }
  }
}

/* ====================================================================
** CoNLL corpus in memory
** ==================================================================== */

struct corpus {
  char *pool; /* token bytes */
  size_t pool_len, pool_cap;
  size_t *tok_off; /* n + 1 offsets into pool */
  uint32_t *tok_len;
  uint8_t *gold;   /* BILOU tag ids */
  size_t n, cap;
  size_t *sent_end; /* token index */
  size_t n_sents, sent_cap;
  size_t aux_tok;   /* tokens from here on come from auxiliary files */
  size_t *doc_sent; /* first sentence of each document */
  size_t n_docs, doc_cap;
  /* features */
  uint32_t *rows;
  size_t *foff; /* n + 1 */
  size_t n_rows;
  dl__ner_tok *toks;
  /* second pass: first-pass tags, label feature rows, sentences to retag */
  uint8_t *p1;
  uint32_t *lrows; /* n x DL__NER_LBLF */
  uint8_t *nl;
  uint8_t *retag;  /* per sentence */
};

static void corpus_free(struct corpus *c)
{
  tfree(c->pool);
  tfree(c->tok_off);
  tfree(c->tok_len);
  tfree(c->gold);
  tfree(c->sent_end);
  tfree(c->doc_sent);
  tfree(c->rows);
  tfree(c->foff);
  tfree(c->toks);
  tfree(c->p1);
  tfree(c->lrows);
  tfree(c->nl);
  tfree(c->retag);
  memset(c, 0, sizeof *c);
}

static bool xgrow(void **p, size_t *cap, size_t need, size_t elem)
{
  size_t nc;
  void *q;
  if (need <= *cap) return true;
  nc = *cap ? *cap : 1024;
  while (nc < need) nc *= 2;
  q = dl__realloc(NULL, *p, *p ? *cap * elem : 0, nc * elem);
  if (!q) return false;
  *p = q;
  *cap = nc;
  return true;
}

/* Converts the IOB labels of one sentence (types, prefixes) to BILOU. */
static void to_bilou(const int *ty, const char *pf, size_t n, uint8_t *out)
{
  for (size_t i = 0; i < n; i++) {
    bool start, end;
    if (ty[i] < 0 || ty[i] > 3) {
      out[i] = 0;
      continue;
    }
    start = i == 0 || pf[i] == 'B' || ty[i - 1] != ty[i];
    end = i + 1 == n || pf[i + 1] == 'B' || ty[i + 1] != ty[i];
    out[i] = (uint8_t)(1 + 4 * ty[i] +
                       (start && end ? 3 : start ? 0 : end ? 2 : 1));
  }
}

static bool end_sentence(struct corpus *c, size_t sent_b, int *ty, char *pf)
{
  size_t len = c->n - sent_b;
  if (!len) return true;
  to_bilou(ty, pf, len, c->gold + sent_b);
  if (!xgrow((void **)&c->sent_end, &c->sent_cap, c->n_sents + 1,
             sizeof *c->sent_end))
    return false;
  c->sent_end[c->n_sents++] = c->n;
  return true;
}

#define MAX_SENT 20000

static dl_status corpus_read(struct corpus *c, const char *path,
                             dl_error *err)
{
  FILE *f = fopen(path, "rb");
  char line[8192];
  unsigned long lineno = 0;
  size_t sent_b = c->n;
  int *ty = NULL;
  char *pf = NULL;
  dl_status rc = DL_OK;
  if (!f) return dl__fail(err, DL_ERR_IO, 0, "%s: %s", path, strerror(errno));
  ty = tmalloc(MAX_SENT * sizeof *ty);
  pf = tmalloc(MAX_SENT);
  if (!ty || !pf) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  if (!xgrow((void **)&c->doc_sent, &c->doc_cap, c->n_docs + 1,
             sizeof *c->doc_sent))
    goto oom;
  c->doc_sent[c->n_docs++] = c->n_sents;
  while (fgets(line, sizeof line, f)) {
    size_t L = strlen(line), tb, te, lb;
    lineno++;
    while (L && (line[L - 1] == '\n' || line[L - 1] == '\r' ||
                 line[L - 1] == ' ' || line[L - 1] == '\t'))
      line[--L] = 0;
    if (L == 0) {
      if (!end_sentence(c, sent_b, ty, pf)) goto oom;
      sent_b = c->n;
      continue;
    }
    if (strncmp(line, "-DOCSTART-", 10) == 0) {
      if (!end_sentence(c, sent_b, ty, pf)) goto oom;
      sent_b = c->n;
      if (c->doc_sent[c->n_docs - 1] != c->n_sents) {
        if (!xgrow((void **)&c->doc_sent, &c->doc_cap, c->n_docs + 1,
                   sizeof *c->doc_sent))
          goto oom;
        c->doc_sent[c->n_docs++] = c->n_sents;
      }
      continue;
    }
    tb = 0;
    te = 0;
    while (te < L && line[te] != ' ' && line[te] != '\t') te++;
    lb = L;
    while (lb > te && line[lb - 1] != ' ' && line[lb - 1] != '\t') lb--;
    if (lb <= te) {
      rc = dl__fail(err, DL_ERR_FORMAT, 0, "%s:%lu: no tag column", path,
                    lineno);
      if (err) err->line = (unsigned)lineno;
      goto done;
    }
    if (c->n - sent_b >= MAX_SENT) {
      rc = dl__fail(err, DL_ERR_TOO_BIG, 0, "%s:%lu: sentence too long",
                    path, lineno);
      goto done;
    }
    if (!xgrow((void **)&c->pool, &c->pool_cap, c->pool_len + te - tb + 1,
               1))
      goto oom;
    {
      size_t cap0 = c->cap;
      if (!xgrow((void **)&c->tok_off, &cap0, c->n + 2, sizeof *c->tok_off))
        goto oom;
      cap0 = c->cap;
      if (!xgrow((void **)&c->tok_len, &cap0, c->n + 2, sizeof *c->tok_len))
        goto oom;
      cap0 = c->cap;
      if (!xgrow((void **)&c->gold, &cap0, c->n + 2, 1)) goto oom;
      c->cap = cap0;
    }
    memcpy(c->pool + c->pool_len, line + tb, te - tb);
    c->tok_off[c->n] = c->pool_len;
    c->tok_len[c->n] = (uint32_t)(te - tb);
    c->pool_len += te - tb;
    ty[c->n - sent_b] = parse_label(line + lb, &pf[c->n - sent_b]);
    c->n++;
  }
  if (!end_sentence(c, sent_b, ty, pf)) goto oom;
  if (c->n_docs && c->doc_sent[c->n_docs - 1] == c->n_sents) c->n_docs--;
  goto done;
oom:
  rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  tfree(ty);
  tfree(pf);
  fclose(f);
  return rc;
}

/* Feature rows of every token (document by document). */
static dl_status corpus_feats(struct corpus *c, const struct dl__ner_lex *lx,
                              unsigned bits, dl_error *err)
{
  struct dl__ner_ws *ws = dl__ner_ws_new(NULL);
  dl__ner_tok *toks = NULL;
  size_t cap_rows = 0;
  dl_status rc = DL_OK;
  if (!ws) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  toks = tmalloc((c->n + 1) * sizeof *toks);
  c->foff = tmalloc((c->n + 1) * sizeof *c->foff);
  c->p1 = tcalloc(c->n + 1, 1);
  c->lrows = tcalloc((c->n + 1) * DL__NER_LBLF, sizeof *c->lrows);
  c->nl = tcalloc(c->n + 1, 1);
  c->retag = tcalloc(c->n_sents + 1, 1);
  if (!toks || !c->foff || !c->p1 || !c->lrows || !c->nl || !c->retag)
    goto oom;
  for (size_t i = 0; i < c->n; i++) {
    toks[i].p = c->pool + c->tok_off[i];
    toks[i].len = c->tok_len[i];
  }
  c->n_rows = 0;
  for (size_t d = 0; d < c->n_docs; d++) {
    size_t s0 = c->doc_sent[d];
    size_t s1 = d + 1 < c->n_docs ? c->doc_sent[d + 1] : c->n_sents;
    size_t t0 = s0 ? c->sent_end[s0 - 1] : 0;
    size_t *ends = tmalloc((s1 - s0 + 1) * sizeof *ends);
    if (!ends) goto oom;
    for (size_t s = s0; s < s1; s++) ends[s - s0] = c->sent_end[s] - t0;
    if (!dl__ner_doc_build(ws, toks + t0, (s1 ? c->sent_end[s1 - 1] : 0) - t0,
                           ends, s1 - s0)) {
      tfree(ends);
      goto oom;
    }
    tfree(ends);
    for (size_t s = s0; s < s1; s++) {
      size_t b = s ? c->sent_end[s - 1] : 0, e = c->sent_end[s];
      if (!dl__ner_ws_reserve(ws, e - b)) goto oom;
      dl__ner_sent_feats(ws, lx, bits, toks + b, e - b);
      if (!xgrow((void **)&c->rows, &cap_rows,
                 c->n_rows + (e - b) * DL__NER_MAXF * 2, sizeof *c->rows))
        goto oom;
      for (size_t i = b; i < e; i++) {
        unsigned nf = ws->nf[i - b];
        const uint32_t *r = ws->rows + (i - b) * DL__NER_MAXF;
        c->foff[i] = c->n_rows;
        memcpy(c->rows + c->n_rows, r, nf * sizeof *c->rows);
        c->n_rows += nf;
        /* Auxiliary-domain tokens also carry a domain-specific copy of
        ** each feature (Daume 2007, "frustratingly easy" adaptation): the
        ** copies absorb that domain's conventions (Wikipedia's quoted
        ** titles as MISC), the shared rows keep what carries over. Tagging
        ** uses the shared rows only. */
        if (i >= c->aux_tok)
          for (unsigned k = 0; k < nf; k++)
            c->rows[c->n_rows++] = (uint32_t)(
                dl__ner_mix(r[k] + UINT64_C(0xA0C5D0A1)) >> (64 - bits));
      }
    }
  }
  c->foff[c->n] = c->n_rows;
  c->toks = toks;
  toks = NULL;
  goto done;
oom:
  rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
done:
  tfree(toks);
  dl__ner_ws_destroy(ws);
  return rc;
}

/* Label feature rows of every token from the first-pass tags c->p1, and
** which sentences a tagger would tag again (ner.c's second pass). */
static dl_status corpus_label_feats(struct corpus *c,
                                    const struct dl__ner_lex *lx,
                                    unsigned bits, dl_error *err)
{
  struct dl__ner_ws *ws = dl__ner_ws_new(NULL);
  uint8_t base[65536];
  if (!ws) return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  for (size_t d = 0; d < c->n_docs; d++) {
    size_t s0 = c->doc_sent[d];
    size_t s1 = d + 1 < c->n_docs ? c->doc_sent[d + 1] : c->n_sents;
    size_t t0 = s0 ? c->sent_end[s0 - 1] : 0;
    size_t t1 = s1 ? c->sent_end[s1 - 1] : 0;
    size_t *ends = tmalloc((s1 - s0 + 1) * sizeof *ends);
    if (!ends) goto oom;
    for (size_t s = s0; s < s1; s++) ends[s - s0] = c->sent_end[s] - t0;
    if (!dl__ner_doc_build(ws, c->toks + t0, t1 - t0, ends, s1 - s0)) {
      tfree(ends);
      goto oom;
    }
    tfree(ends);
    for (size_t s = s0; s < s1; s++) {
      size_t b = s ? c->sent_end[s - 1] : 0, e = c->sent_end[s];
      if (!dl__ner_ws_reserve(ws, e - b)) goto oom;
      dl__ner_sent_feats(ws, lx, bits, c->toks + b, e - b);
      dl__ner_sent_count(ws, c->p1 + b, e - b);
    }
    for (size_t s = s0; s < s1; s++) {
      size_t b = s ? c->sent_end[s - 1] : 0, e = c->sent_end[s];
      dl__ner_sent_feats(ws, lx, bits, c->toks + b, e - b);
      for (size_t i = 0; i < e - b && i < sizeof base; i++) base[i] = ws->nf[i];
      c->retag[s] = dl__ner_sent_label_feats(ws, bits, c->p1 + b, e - b);
      for (size_t i = 0; i < e - b && i < sizeof base; i++) {
        unsigned k = (unsigned)(ws->nf[i] - base[i]);
        c->nl[b + i] = (uint8_t)k;
        memcpy(c->lrows + (b + i) * DL__NER_LBLF,
               ws->rows + i * DL__NER_MAXF + base[i], k * sizeof(uint32_t));
      }
    }
  }
  dl__ner_ws_destroy(ws);
  return DL_OK;
oom:
  dl__ner_ws_destroy(ws);
  return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
}

/* ====================================================================
** Clusters and gazetteers
** ==================================================================== */

struct table {
  unsigned char *slots;
  uint32_t mask;
  size_t used;
};

static bool table_init(struct table *t, size_t entries)
{
  size_t n = 64;
  while (n < entries * 2) n *= 2;
  t->slots = tcalloc(n, 8);
  t->mask = (uint32_t)(n - 1);
  t->used = 0;
  return t->slots != NULL;
}

/* Inserts or returns the slot of the 32-bit key. */
static unsigned char *table_put_key(struct table *t, uint32_t key,
                                    bool *fresh)
{
  uint32_t i = dl__ner_slot_start(key, t->mask);
  for (;;) {
    unsigned char *s = t->slots + (size_t)i * 8;
    uint32_t k = dl__ner_rd32(s);
    if (k == key) {
      *fresh = false;
      return s;
    }
    if (k == 0) {
      dl__ner_wr32(s, key);
      t->used++;
      *fresh = true;
      return s;
    }
    i = (i + 1) & t->mask;
  }
}

static unsigned char *table_put(struct table *t, uint64_t h, bool *fresh)
{
  return table_put_key(t, dl__ner_slot_key(h), fresh);
}

/* Rebuilds t with the fewest slots that keep the load at or under 1/2:
** the tables go into the model file, and smaller tables stay in cache. */
static bool table_compact(struct table *t)
{
  struct table n;
  if (!table_init(&n, t->used)) return false;
  for (size_t i = 0; i <= t->mask; i++) {
    const unsigned char *s = t->slots + i * 8;
    uint32_t k = dl__ner_rd32(s);
    bool fresh;
    unsigned char *d;
    if (!k) continue;
    d = table_put_key(&n, k, &fresh);
    memcpy(d + 4, s + 4, 4);
  }
  tfree(t->slots);
  *t = n;
  return true;
}

static size_t count_lines(FILE *f)
{
  size_t n = 0;
  int ch;
  while ((ch = getc(f)) != EOF)
    if (ch == '\n') n++;
  rewind(f);
  return n + 1;
}

static bool is_bits(const char *s, size_t n)
{
  if (!n || n > 64) return false;
  for (size_t i = 0; i < n; i++)
    if (s[i] != '0' && s[i] != '1') return false;
  return true;
}

/* Clusters: a TSV of word and Brown cluster bit string ("0110"), either
** order; further columns are ignored. */
static dl_status load_clusters(const char *path, struct table *t,
                               size_t *n_words, dl_error *err)
{
  FILE *f = fopen(path, "rb");
  char line[4096];
  unsigned long lineno = 0;
  *n_words = 0;
  if (!f) return dl__fail(err, DL_ERR_IO, 0, "%s: %s", path, strerror(errno));
  if (!table_init(t, 2 * count_lines(f))) {
    fclose(f);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  while (fgets(line, sizeof line, f)) {
    char *fld[8];
    size_t fl[8], nf = 0, L = strlen(line);
    const char *word = NULL, *bits = NULL;
    size_t wl = 0, bl = 0;
    lineno++;
    while (L && (line[L - 1] == '\n' || line[L - 1] == '\r')) line[--L] = 0;
    if (!L || line[0] == '#') continue;
    for (char *p = line; nf < 8;) {
      char *q = strchr(p, '\t');
      fld[nf] = p;
      fl[nf++] = q ? (size_t)(q - p) : strlen(p);
      if (!q) break;
      p = q + 1;
    }
    /* word<TAB>bits[<TAB>count] (ours), or bits<TAB>word<TAB>count
    ** (Liang's wcluster). A word may itself look like bits ("10"). */
    if (nf >= 2 && is_bits(fld[1], fl[1])) {
      word = fld[0];
      wl = fl[0];
      bits = fld[1];
      bl = fl[1];
    } else if (nf >= 2 && is_bits(fld[0], fl[0])) {
      bits = fld[0];
      bl = fl[0];
      word = fld[1];
      wl = fl[1];
    }
    if (!bits || !word || !wl) continue;
    {
      uint32_t v = 0, len = (uint32_t)(bl > DL__NER_CLUS_MAXLEN
                                           ? DL__NER_CLUS_MAXLEN
                                           : bl);
      bool fresh, upper = false;
      unsigned char *s;
      for (uint32_t i = 0; i < len; i++)
        if (bits[i] == '1') v |= 0x80000000u >> i;
      v |= len;
      for (size_t i = 0; i < wl; i++)
        if (word[i] >= 'A' && word[i] <= 'Z') upper = true;
      if (upper) {
        s = table_put(t, dl__ner_word_hash(word, wl), &fresh);
        if (fresh) dl__ner_wr32(s + 4, v);
      }
      /* The lower form keeps the first (most frequent, when the file is
      ** sorted by count) or the lower-case word's own cluster. */
      s = table_put(t, dl__ner_low_hash(word, wl) ^ DL__NER_CLUS_LOW_SEED,
                    &fresh);
      if (fresh || !upper) dl__ner_wr32(s + 4, v);
      (*n_words)++;
    }
  }
  fclose(f);
  (void)lineno;
  return DL_OK;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Gazetteer files and the feature category each feeds. Files of the
** folder not listed here (places.tsv: a GeoNames table for the geocoder)
** are not read. The first column of each line is an entry, its tokens
** separated by spaces; lines starting with '#' are comments. */
static const struct {
  const char *file;
  unsigned cat;
} gaz_files[] = {
    {"country.tsv", 0},     {"country_alt.tsv", 0}, {"city.tsv", 1},
    {"capital.tsv", 1},     {"demonym.tsv", 2},     {"first_name.tsv", 3},
    {"last_name.tsv", 4},   {"org_head.tsv", 5},    {"org_suffix.tsv", 5},
    {"person_title.tsv", 6}, {"region.tsv", 7},     {"country_code.tsv", 7},
};

static int gaz_cat(const char *name)
{
  for (size_t i = 0; i < DL__COUNTOF(gaz_files); i++)
    if (strcmp(gaz_files[i].file, name) == 0) return (int)gaz_files[i].cat;
  return -1;
}

static dl_status load_gaz(const char *dir, struct table *t, uint32_t *n_cats,
                          size_t *n_entries,
                          void (*progress)(void *, const char *),
                          void *ctx, dl_error *err)
{
  DIR *dp = opendir(dir);
  struct dirent *de;
  char *names[64];
  size_t nn = 0, total = 0;
  dl_status rc = DL_OK;
  *n_cats = 0;
  *n_entries = 0;
  if (!dp) return dl__fail(err, DL_ERR_IO, 0, "%s: %s", dir, strerror(errno));
  while ((de = readdir(dp)) && nn < 64) {
    size_t L = strlen(de->d_name);
    if (L > 4 && strcmp(de->d_name + L - 4, ".tsv") == 0 &&
        gaz_cat(de->d_name) >= 0) {
      char *c = tmalloc(L + 1);
      if (!c) break;
      memcpy(c, de->d_name, L + 1);
      names[nn++] = c;
    }
  }
  closedir(dp);
  qsort(names, nn, sizeof *names, cmp_str);
  for (size_t i = 0; i < nn; i++) {
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    f = fopen(path, "rb");
    if (f) {
      total += count_lines(f) * 4;
      fclose(f);
    }
  }
  if (!table_init(t, total + 16)) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < nn; i++) {
    char path[4096], line[4096], msg[300];
    FILE *f;
    size_t cnt = 0;
    unsigned cat = (unsigned)gaz_cat(names[i]);
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    f = fopen(path, "rb");
    if (!f) {
      rc = dl__fail(err, DL_ERR_IO, 0, "%s: %s", path, strerror(errno));
      goto done;
    }
    while (fgets(line, sizeof line, f)) {
      size_t L = strcspn(line, "\t\r\n");
      uint64_t k = 0;
      size_t ntok = 0;
      unsigned char *prev = NULL;
      bool fresh;
      if (!L || line[0] == '#') continue;
      line[L] = 0;
      for (char *p = line; *p;) {
        size_t wl;
        while (*p == ' ') p++;
        if (!*p) break;
        wl = strcspn(p, " ");
        if (prev) dl__ner_wr32(prev + 4, dl__ner_rd32(prev + 4) |
                                             DL__NER_GAZ_PREFIX);
        k = dl__ner_gaz_step(k, dl__ner_low_hash(p, wl));
        prev = table_put(t, k, &fresh);
        if (fresh) dl__ner_wr32(prev + 4, 0);
        ntok++;
        p += wl;
        if (ntok >= DL__NER_GAZ_MAXLEN) break;
      }
      if (prev) {
        dl__ner_wr32(prev + 4, dl__ner_rd32(prev + 4) | (1u << cat));
        cnt++;
      }
    }
    fclose(f);
    *n_entries += cnt;
    if (progress) {
      snprintf(msg, sizeof msg, "gazetteer %s: category %u, %zu entries",
               names[i], cat, cnt);
      progress(ctx, msg);
    }
    if (cat + 1 > *n_cats) *n_cats = cat + 1;
  }
done:
  for (size_t i = 0; i < nn; i++) tfree(names[i]);
  return rc;
}

/* ====================================================================
** Perceptron
** ==================================================================== */

struct percep {
  unsigned bits;
  float *w, *u;     /* rows x NT */
  float t[DL__NER_NT + 1][DL__NER_NT], tu[DL__NER_NT + 1][DL__NER_NT];
  double c;         /* updates clock */
};

static void emit_scores(const float *w, const struct corpus *c, size_t b,
                        size_t e, bool view2, float *em)
{
  for (size_t i = b; i < e; i++) {
    float *o = em + (i - b) * DL__NER_NT;
    for (int t = 0; t < DL__NER_NT; t++) o[t] = 0;
    for (size_t k = c->foff[i]; k < c->foff[i + 1]; k++) {
      const float *row = w + (size_t)c->rows[k] * DL__NER_NT;
      for (int t = 0; t < DL__NER_NT; t++) o[t] += row[t];
    }
    if (view2)
      for (unsigned k = 0; k < c->nl[i]; k++) {
        const float *row =
            w + (size_t)c->lrows[i * DL__NER_LBLF + k] * DL__NER_NT;
        for (int t = 0; t < DL__NER_NT; t++) o[t] += row[t];
      }
  }
}

static inline void upd(float *w, float *u, size_t idx, float d, double c)
{
  w[idx] += d;
  u[idx] += (float)(c * d);
}

static void train_sentence(struct percep *p, const struct corpus *c,
                           size_t b, size_t e, bool view2, float *em,
                           float *vit, uint8_t *bp, uint8_t *pred)
{
  const uint8_t *gold = c->gold + b;
  size_t n = e - b;
  bool diff = false;
  float tc[DL__NER_NT + 1][DL__NER_NT];
  emit_scores(p->w, c, b, e, view2, em);
  dl__ner_constrain(&p->t[0][0], &tc[0][0]);
  dl__ner_viterbi(em, n, &tc[0][0], vit, bp, pred);
  for (size_t i = 0; i < n; i++)
    if (pred[i] != gold[i]) diff = true;
  if (diff) {
    for (size_t i = 0; i < n; i++) {
      int gp = i ? gold[i - 1] : DL__NER_NT, pp = i ? pred[i - 1] : DL__NER_NT;
      if (pred[i] != gold[i]) {
        for (size_t k = c->foff[b + i]; k < c->foff[b + i + 1]; k++) {
          size_t r = (size_t)c->rows[k] * DL__NER_NT;
          upd(p->w, p->u, r + gold[i], 1.0f, p->c);
          upd(p->w, p->u, r + pred[i], -1.0f, p->c);
        }
        if (view2)
          for (unsigned k = 0; k < c->nl[b + i]; k++) {
            size_t r = (size_t)c->lrows[(b + i) * DL__NER_LBLF + k] *
                       DL__NER_NT;
            upd(p->w, p->u, r + gold[i], 1.0f, p->c);
            upd(p->w, p->u, r + pred[i], -1.0f, p->c);
          }
      }
      if (gp != pp || gold[i] != pred[i]) {
        p->t[gp][gold[i]] += 1.0f;
        p->tu[gp][gold[i]] += (float)p->c;
        p->t[pp][pred[i]] -= 1.0f;
        p->tu[pp][pred[i]] -= (float)p->c;
      }
    }
  }
  p->c += 1;
}

/* Averaged weights into aw/at. */
static void average(const struct percep *p, float *aw,
                    float at[DL__NER_NT + 1][DL__NER_NT])
{
  size_t nw = ((size_t)1 << p->bits) * DL__NER_NT;
  double c = p->c > 0 ? p->c : 1;
  for (size_t i = 0; i < nw; i++) aw[i] = p->w[i] - (float)(p->u[i] / c);
  for (int a = 0; a <= DL__NER_NT; a++)
    for (int t = 0; t < DL__NER_NT; t++)
      at[a][t] = p->t[a][t] - (float)(p->tu[a][t] / c);
}

/* Tags the sentences of c: view2 false = first pass into c->p1 (and out);
** true = second pass of the sentences marked retag, others keep p1. */
static void predict(const float *aw, const float *at, const struct corpus *c,
                    bool view2, const uint8_t *sent_mask, unsigned fold,
                    float *em, float *vit, uint8_t *bp, uint8_t *out)
{
  float tc[DL__NER_NT + 1][DL__NER_NT];
  dl__ner_constrain(at, &tc[0][0]);
  for (size_t s = 0; s < c->n_sents; s++) {
    size_t b = s ? c->sent_end[s - 1] : 0, e = c->sent_end[s];
    if (sent_mask && sent_mask[s] != fold) continue;
    if (view2 && !c->retag[s]) {
      memcpy(out + b, c->p1 + b, e - b);
      continue;
    }
    emit_scores(aw, c, b, e, view2, em);
    dl__ner_viterbi(em, e - b, &tc[0][0], vit, bp, out + b);
  }
}

static void score_tags(const struct corpus *c, const uint8_t *tags,
                       const char **gl, const char **pl, dl_ner_counts *acc)
{
  memset(acc, 0, sizeof *acc);
  for (size_t s = 0; s < c->n_sents; s++) {
    size_t b = s ? c->sent_end[s - 1] : 0, e = c->sent_end[s];
    for (size_t i = 0; i < e - b; i++) {
      gl[i] = dl__ner_tag_iob2(c->gold[b + i], 0);
      pl[i] = dl__ner_tag_iob2(tags[b + i], 0);
    }
    dl_ner_score(gl, pl, e - b, acc);
  }
}

static double f1_of(const dl_ner_counts *a, int k)
{
  double p = a->pred[k] ? (double)a->correct[k] / (double)a->pred[k] : 0;
  double r = a->gold[k] ? (double)a->correct[k] / (double)a->gold[k] : 0;
  return p + r > 0 ? 200 * p * r / (p + r) : 0;
}

static uint64_t rng_next(uint64_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* A fresh permutation of 0..n-1 (Fisher-Yates). */
static void shuffle(size_t *order, size_t n, uint64_t *rng)
{
  for (size_t s = 0; s < n; s++) order[s] = s;
  for (size_t s = n; s > 1; s--) {
    size_t j = (size_t)(rng_next(rng) % s), tmp = order[s - 1];
    order[s - 1] = order[j];
    order[j] = tmp;
  }
}

static void percep_reset(struct percep *p)
{
  size_t nw = ((size_t)1 << p->bits) * DL__NER_NT;
  memset(p->w, 0, nw * sizeof *p->w);
  memset(p->u, 0, nw * sizeof *p->u);
  memset(p->t, 0, sizeof p->t);
  memset(p->tu, 0, sizeof p->tu);
  p->c = 0;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

DL_API dl_status dl_ner_train(const dl_ner_train_opts *opt, dl_error *err)
{
  struct corpus tr = {0}, dv = {0};
  struct table clus = {0}, gaz = {0};
  struct dl__ner_lex lx = {0};
  struct percep p = {0};
  float *aw = NULL, *best = NULL, (*bt)[DL__NER_NT] = NULL;
  float at[DL__NER_NT + 1][DL__NER_NT];
  float *em = NULL, *vit = NULL;
  uint8_t *bp = NULL, *pred = NULL;
  const char **gl = NULL, **pl = NULL;
  size_t *order = NULL, maxlen = 1, nw;
  uint8_t *fold = NULL, *dtags = NULL;
  bool two_pass;
  unsigned bits, epochs;
  double best_f1 = -1, t0 = now_s();
  int best_epoch = 0;
  uint64_t rng;
  char msg[512];
  dl_status rc = DL_OK;

  dl__error_clear(err);
  if (!opt || !opt->out || !opt->n_train || !opt->train)
    return dl__fail(err, DL_ERR_INVALID, 0, "training needs --train and --out");
  bits = opt->hash_bits ? opt->hash_bits : 18;
  if (bits < 10 || bits > 24)
    return dl__fail(err, DL_ERR_INVALID, 0, "hash bits must be 10..24");
  epochs = opt->epochs > 0 ? (unsigned)opt->epochs : 12;
  two_pass = !opt->one_pass;
  rng = opt->seed ? opt->seed : 1;
#define PROGRESS(...)                                                      \
  do {                                                                     \
    if (opt->progress) {                                                   \
      snprintf(msg, sizeof msg, __VA_ARGS__);                              \
      opt->progress(opt->ctx, msg);                                        \
    }                                                                      \
  } while (0)

  if (opt->clusters) {
    size_t nwords;
    rc = load_clusters(opt->clusters, &clus, &nwords, err);
    if (rc) goto done;
    if (!table_compact(&clus)) {
      rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      goto done;
    }
    lx.clus = clus.slots;
    lx.clus_mask = clus.mask;
    PROGRESS("clusters: %zu words from %s", nwords, opt->clusters);
  }
  if (opt->gaz_dir) {
    size_t ne;
    rc = load_gaz(opt->gaz_dir, &gaz, &lx.n_gaz_cats, &ne, opt->progress,
                  opt->ctx, err);
    if (rc) goto done;
    if (!table_compact(&gaz)) {
      rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
      goto done;
    }
    lx.gaz = gaz.slots;
    lx.gaz_mask = gaz.mask;
  }
  tr.aux_tok = SIZE_MAX;
  for (size_t i = 0; i < opt->n_train; i++) {
    rc = corpus_read(&tr, opt->train[i], err);
    if (rc) goto done;
  }
  if (opt->n_aux) tr.aux_tok = tr.n;
  for (size_t i = 0; i < opt->n_aux; i++) {
    rc = corpus_read(&tr, opt->aux[i], err);
    if (rc) goto done;
  }
  PROGRESS("train: %zu tokens, %zu sentences, %zu documents", tr.n,
           tr.n_sents, tr.n_docs);
  if (opt->dev) {
    rc = corpus_read(&dv, opt->dev, err);
    if (rc) goto done;
    PROGRESS("dev: %zu tokens, %zu sentences, %zu documents", dv.n,
             dv.n_sents, dv.n_docs);
  }
  rc = corpus_feats(&tr, &lx, bits, err);
  if (rc) goto done;
  if (opt->dev) {
    dv.aux_tok = SIZE_MAX;
  rc = corpus_feats(&dv, &lx, bits, err);
    if (rc) goto done;
  }
  PROGRESS("features: %.1f per token, %.1f s", (double)tr.n_rows / (double)(tr.n ? tr.n : 1),
           now_s() - t0);

  for (size_t s = 0; s < tr.n_sents; s++) {
    size_t b = s ? tr.sent_end[s - 1] : 0;
    if (tr.sent_end[s] - b > maxlen) maxlen = tr.sent_end[s] - b;
  }
  for (size_t s = 0; s < dv.n_sents; s++) {
    size_t b = s ? dv.sent_end[s - 1] : 0;
    if (dv.sent_end[s] - b > maxlen) maxlen = dv.sent_end[s] - b;
  }
  nw = ((size_t)1 << bits) * DL__NER_NT;
  p.bits = bits;
  p.w = tcalloc(nw, sizeof(float));
  p.u = tcalloc(nw, sizeof(float));
  aw = tmalloc(nw * sizeof(float));
  best = tmalloc(nw * sizeof(float));
  bt = tmalloc(sizeof(float) * (DL__NER_NT + 1) * DL__NER_NT);
  em = tmalloc(maxlen * DL__NER_NT * sizeof(float));
  vit = tmalloc(maxlen * DL__NER_NT * sizeof(float));
  bp = tmalloc(maxlen * DL__NER_NT);
  pred = tmalloc(maxlen);
  gl = tmalloc(maxlen * sizeof *gl);
  pl = tmalloc(maxlen * sizeof *pl);
  order = tmalloc((2 * tr.n_sents + 1) * sizeof *order);
  fold = tcalloc(tr.n_sents + 1, 1);
  dtags = tcalloc(dv.n + 1, 1);
  if (!p.w || !p.u || !aw || !best || !bt || !em || !vit || !bp || !pred ||
      !gl || !pl || !order || !fold || !dtags) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto done;
  }
  /* Second pass training data: first-pass tags of every training document
  ** from a model that never saw it (two folds by document), so that the
  ** label features carry the first pass's real error rate. */
  if (two_pass) {
    unsigned e1 = epochs < 10 ? epochs : 10;
    for (size_t d = 0; d < tr.n_docs; d++) {
      size_t s1 = d + 1 < tr.n_docs ? tr.doc_sent[d + 1] : tr.n_sents;
      for (size_t s = tr.doc_sent[d]; s < s1; s++) fold[s] = (uint8_t)(d & 1);
    }
    for (unsigned f = 0; f < 2; f++) {
      percep_reset(&p);
      for (unsigned ep = 1; ep <= e1; ep++) {
        shuffle(order, tr.n_sents, &rng);
        for (size_t k = 0; k < tr.n_sents; k++) {
          size_t s = order[k], b = s ? tr.sent_end[s - 1] : 0;
          if (fold[s] == f && tr.sent_end[s] > b)
            train_sentence(&p, &tr, b, tr.sent_end[s], false, em, vit, bp,
                           pred);
        }
      }
      average(&p, aw, at);
      predict(aw, &at[0][0], &tr, false, fold, 1 - f, em, vit, bp, tr.p1);
    }
    {
      dl_ner_counts acc;
      score_tags(&tr, tr.p1, gl, pl, &acc);
      PROGRESS("first pass on held-out folds: F1 %.2f, %.1f s",
               f1_of(&acc, 4), now_s() - t0);
    }
    rc = corpus_label_feats(&tr, &lx, bits, err);
    if (rc) goto done;
    percep_reset(&p);
  }
  for (unsigned ep = 1; ep <= epochs; ep++) {
    double te = now_s();
    size_t ninst = two_pass ? 2 * tr.n_sents : tr.n_sents;
    shuffle(order, ninst, &rng);
    for (size_t k = 0; k < ninst; k++) {
      size_t s = two_pass ? order[k] >> 1 : order[k];
      bool view2 = two_pass && (order[k] & 1);
      size_t b = s ? tr.sent_end[s - 1] : 0, e = tr.sent_end[s];
      if (e > b) train_sentence(&p, &tr, b, e, view2, em, vit, bp, pred);
    }
    average(&p, aw, at);
    if (opt->dev) {
      dl_ner_counts acc;
      double f;
      predict(aw, &at[0][0], &dv, false, NULL, 0, em, vit, bp, dv.p1);
      if (two_pass) {
        rc = corpus_label_feats(&dv, &lx, bits, err);
        if (rc) goto done;
        predict(aw, &at[0][0], &dv, true, NULL, 0, em, vit, bp, dtags);
      } else {
        memcpy(dtags, dv.p1, dv.n);
      }
      score_tags(&dv, dtags, gl, pl, &acc);
      f = f1_of(&acc, 4);
      PROGRESS("epoch %u: dev F1 %.2f (PER %.2f ORG %.2f LOC %.2f MISC "
               "%.2f), %.1f s",
               ep, f, f1_of(&acc, 0), f1_of(&acc, 1), f1_of(&acc, 2),
               f1_of(&acc, 3), now_s() - te);
      if (f > best_f1) {
        best_f1 = f;
        best_epoch = (int)ep;
        memcpy(best, aw, nw * sizeof(float));
        memcpy(bt, at, sizeof at);
      }
    } else {
      PROGRESS("epoch %u, %.1f s", ep, now_s() - te);
      memcpy(best, aw, nw * sizeof(float));
      memcpy(bt, at, sizeof at);
      best_epoch = (int)ep;
    }
  }
  if (opt->dev) PROGRESS("best epoch %d: dev F1 %.2f", best_epoch, best_f1);
  rc = dl__ner_write(opt->out, bits, two_pass ? DL__NER_MF_TWO_PASS : 0,
                     best,
                     &bt[0][0], &lx,
                     lx.clus ? ((size_t)clus.mask + 1) * 8 : 0,
                     lx.gaz ? ((size_t)gaz.mask + 1) * 8 : 0, err);
  if (!rc) {
    size_t nz = 0;
    for (size_t r = 0; r < ((size_t)1 << bits); r++) {
      for (int t = 0; t < DL__NER_NT; t++)
        if (best[r * DL__NER_NT + t] != 0) {
          nz++;
          break;
        }
    }
    PROGRESS("wrote %s: %zu of %zu rows used, %.1f s total", opt->out, nz,
             (size_t)1 << bits, now_s() - t0);
  }
#undef PROGRESS
done:
  corpus_free(&tr);
  corpus_free(&dv);
  tfree(clus.slots);
  tfree(gaz.slots);
  tfree(p.w);
  tfree(p.u);
  tfree(aw);
  tfree(best);
  tfree(bt);
  tfree(em);
  tfree(vit);
  tfree(bp);
  tfree(pred);
  tfree(gl);
  tfree(pl);
  tfree(order);
  tfree(fold);
  tfree(dtags);
  return rc;
}
