/*
** tone_wordclass.c -- the word-class lexicon (models/wordclass.tsv) that
** the keywords stage filters key phrases with: noun phrases and names, not
** verbs or adverbs.
**
** The file (tools/gen/gen_wordclass.py, from UD English EWT's training
** split) has one lower-cased word form a line, a tab, and the letters of
** the classes it is used in: N noun, P proper noun, A adjective, V verb, R
** adverb, F function word. Lines starting with '#' are comments. A form
** the file does not list is an open-class noun. Loaded with the model
** (optional: without it every content word may be a keyword, as before);
** looked up once per new form of an annotator's words cache
** (tone_words.c), never per token.
*/
#include "tone.h"

#include <stdio.h>

#define WC_FILE "wordclass.tsv"

struct wc_entry {
  uint32_t off; /* into blob, NUL-ended */
  uint32_t cls; /* DL__WC_* */
};

struct dl__wordclass {
  char *blob; /* the file, its tabs and newlines made NULs */
  struct wc_entry *e;
  size_t n;
};

static uint32_t class_bits(const char *s, bool *ok)
{
  uint32_t c = 0;
  *ok = *s != 0;
  for (; *s; s++) {
    switch (*s) {
    case 'N': c |= DL__WC_NOUN; break;
    case 'P': c |= DL__WC_PROPN; break;
    case 'A': c |= DL__WC_ADJ; break;
    case 'V': c |= DL__WC_VERB; break;
    case 'R': c |= DL__WC_ADV; break;
    case 'F': c |= DL__WC_FUNC; break;
    default: *ok = false; break;
    }
  }
  return c;
}

void dl__wordclass_free(dl_model *m)
{
  if (!m->wordclass) return;
  dl__free(m->al, m->wordclass->blob);
  dl__free(m->al, m->wordclass->e);
  dl__free(m->al, m->wordclass);
  m->wordclass = NULL;
}

dl_status dl__wordclass_load_dir(dl_model *m, const char *dir, dl_error *err)
{
  char path[4096];
  char *blob;
  size_t len, n_lines = 0, line = 0;
  struct dl__wordclass *wc;
  dl_status rc = DL_OK;
  if (!dir) return DL_OK;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, WC_FILE) >=
      sizeof path)
    return dl__fail(err, DL_ERR_INVALID, 0, "model folder path too long");
  rc = dl__read_file_blob(m->al, path, (size_t)1 << 26, 1, "lexicon", &blob,
                          &len, err);
  if (rc || !blob) return rc; /* absent: no class filter */
  wc = dl__calloc(m->al, 1, sizeof *wc);
  if (!wc) {
    dl__free(m->al, blob);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  wc->blob = blob;
  for (size_t i = 0; i < len; i++) n_lines += wc->blob[i] == '\n';
  wc->e = dl__calloc(m->al, n_lines + 1, sizeof *wc->e);
  if (!wc->e) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < len;) {
    size_t eol = i, tab;
    bool ok;
    line++;
    while (eol < len && wc->blob[eol] != '\n') eol++;
    if (eol > i && wc->blob[i] != '#') {
      for (tab = i; tab < eol && wc->blob[tab] != '\t'; tab++) {}
      if (tab == i || tab == eol || tab - i > DL__TOLD_MAX_FORM) {
        rc = dl__fail(err, DL_ERR_FORMAT, 0,
                      "%s:%zu: want a word, a tab and its classes", path,
                      line);
        goto fail;
      }
      wc->blob[tab] = 0;
      wc->blob[eol < len ? eol : len] = 0;
      wc->e[wc->n].off = (uint32_t)i;
      wc->e[wc->n].cls = class_bits(wc->blob + tab + 1, &ok);
      if (!ok) {
        rc = dl__fail(err, DL_ERR_FORMAT, 0,
                      "%s:%zu: classes are letters of NPAVRF", path, line);
        goto fail;
      }
      wc->n++;
    }
    i = eol + 1;
  }
  /* The generator writes the forms sorted bytewise, without repeats: the
  ** look-up is a binary search. */
  for (size_t i = 1; i < wc->n; i++)
    if (strcmp(wc->blob + wc->e[i - 1].off, wc->blob + wc->e[i].off) >= 0) {
      rc = dl__fail(err, DL_ERR_FORMAT, 0,
                    "%s: \"%s\" is out of order (want the forms sorted "
                    "bytewise, each once)",
                    path, wc->blob + wc->e[i].off);
      goto fail;
    }
  m->wordclass = wc;
  dl__model_add_resource(m, "wordclass");
  return DL_OK;
fail:
  dl__free(m->al, wc->blob);
  dl__free(m->al, wc->e);
  dl__free(m->al, wc);
  return rc;
}

uint32_t dl__wordclass_get(const struct dl__wordclass *wc, const char *s)
{
  size_t lo = 0, hi;
  if (!wc) return 0;
  hi = wc->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s, wc->blob + wc->e[mid].off);
    if (c == 0) return wc->e[mid].cls;
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return 0;
}

/* ====================================================================
** A corpus's own IDF (models/idf.tsv, optional)
**
** When the model folder holds idf.tsv -- "documents<TAB>N", then one
** stem and its document frequency a line, sorted bytewise, '#' comments;
** written by tools/gen/corpus_idf.sh over the caller's corpus -- it
** replaces the built-in table (keywords_idf.c) for keywords and summary.
** ==================================================================== */

#define IDF_FILE "idf.tsv"

struct idf_entry {
  uint32_t off, df;
};

struct dl__idf_table {
  char *blob;
  struct idf_entry *e;
  size_t n;
  uint32_t docs;
};

void dl__idf_table_free(dl_model *m)
{
  if (!m->idf) return;
  dl__free(m->al, m->idf->blob);
  dl__free(m->al, m->idf->e);
  dl__free(m->al, m->idf);
  m->idf = NULL;
}

static bool parse_u32(const char *s, uint32_t *out)
{
  uint64_t v = 0;
  if (!*s) return false;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + (uint64_t)(*s - '0');
    if (v > UINT32_MAX) return false;
  }
  *out = (uint32_t)v;
  return true;
}

dl_status dl__idf_table_load_dir(dl_model *m, const char *dir, dl_error *err)
{
  char path[4096];
  char *blob;
  size_t len, n_lines = 0, line = 0;
  struct dl__idf_table *t;
  dl_status rc = DL_OK;
  bool have_docs = false;
  if (!dir) return DL_OK;
  if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, IDF_FILE) >=
      sizeof path)
    return dl__fail(err, DL_ERR_INVALID, 0, "model folder path too long");
  rc = dl__read_file_blob(m->al, path, (size_t)1 << 30, 1, "table", &blob,
                          &len, err);
  if (rc || !blob) return rc; /* absent: the built-in table */
  t = dl__calloc(m->al, 1, sizeof *t);
  if (!t) {
    dl__free(m->al, blob);
    return dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
  }
  t->blob = blob;
  for (size_t i = 0; i < len; i++) n_lines += t->blob[i] == '\n';
  t->e = dl__calloc(m->al, n_lines + 1, sizeof *t->e);
  if (!t->e) {
    rc = dl__fail(err, DL_ERR_NOMEM, 0, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < len;) {
    size_t eol = i, tab;
    uint32_t v;
    line++;
    while (eol < len && t->blob[eol] != '\n') eol++;
    if (eol > i && t->blob[i] != '#') {
      for (tab = i; tab < eol && t->blob[tab] != '\t'; tab++) {}
      t->blob[eol < len ? eol : len] = 0;
      if (tab == i || tab == eol || tab - i > 2 * DL__TOLD_MAX_FORM ||
          (t->blob[tab] = 0, !parse_u32(t->blob + tab + 1, &v))) {
        rc = dl__fail(err, DL_ERR_FORMAT, 0,
                      "%s:%zu: want a stem, a tab and a count", path, line);
        goto fail;
      }
      if (!have_docs) {
        if (strcmp(t->blob + i, "documents") != 0 || v == 0) {
          rc = dl__fail(err, DL_ERR_FORMAT, 0,
                        "%s:%zu: want \"documents<TAB>N\" first", path, line);
          goto fail;
        }
        t->docs = v;
        have_docs = true;
      } else {
        if (t->n && strcmp(t->blob + t->e[t->n - 1].off, t->blob + i) >= 0) {
          rc = dl__fail(err, DL_ERR_FORMAT, 0,
                        "%s:%zu: stems must be sorted bytewise, each once",
                        path, line);
          goto fail;
        }
        t->e[t->n].off = (uint32_t)i;
        t->e[t->n].df = v;
        t->n++;
      }
    }
    i = eol + 1;
  }
  if (!have_docs) {
    rc = dl__fail(err, DL_ERR_FORMAT, 0, "%s: no \"documents\" line", path);
    goto fail;
  }
  m->idf = t;
  dl__model_add_resource(m, "idf");
  return DL_OK;
fail:
  dl__free(m->al, t->blob);
  dl__free(m->al, t->e);
  dl__free(m->al, t);
  return rc;
}

bool dl__idf_table_get(const struct dl__idf_table *t, const char *s,
                       uint32_t *df, uint32_t *docs)
{
  size_t lo = 0, hi;
  if (!t) return false;
  *docs = t->docs;
  *df = 0;
  hi = t->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(s, t->blob + t->e[mid].off);
    if (c == 0) {
      *df = t->e[mid].df;
      return true;
    }
    if (c < 0) hi = mid;
    else lo = mid + 1;
  }
  return true;
}
