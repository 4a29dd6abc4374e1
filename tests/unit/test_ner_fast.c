/*
** test_ner_fast.c -- the tagger's fast path (per-word cached weight sums,
** ner_feat.c dl__ner_sent_emit) must give exactly the tags and margins of
** the row-by-row path (dl__ner_sent_feats + the emission sum), on real
** text and on the cases it treats apart: sentences in capitals, words too
** long for the cache, one-token sentences, the second pass's label
** features, invalid UTF-8, a warm cache across documents, and a cache
** small enough to evict words inside a sentence.
**
** Needs models/ner.dlm (run from the top of the checkout, as tests/run.sh
** does); without it the cases print a note and pass.
*/
#include "ner.h"
#include "t.h"

#include <stdio.h>
#include <stdlib.h>

static dl_model *model;

static bool have_model(void)
{
  dl_error err;
  if (model) return true;
  {
    FILE *f = fopen("models/ner.dlm", "rb");
    if (!f) {
      printf("note: models/ner.dlm absent; fast-path checks skipped\n");
      return false;
    }
    fclose(f);
  }
  if (dl_model_load("models", NULL, &model, &err) != DL_OK) {
    fprintf(stderr, "models: %s\n", err.msg);
    return false;
  }
  return model->ner != NULL;
}

/* Splits text at spaces into tokens; "|" alone ends a sentence. */
static size_t split(char *text, dl__ner_tok *toks, size_t *ends,
                    size_t *n_sents)
{
  size_t n = 0;
  char *p = text;
  *n_sents = 0;
  while (*p) {
    char *s;
    while (*p == ' ') p++;
    if (!*p) break;
    s = p;
    while (*p && *p != ' ') p++;
    if (p - s == 1 && *s == '|') {
      if (!*n_sents || ends[*n_sents - 1] < n) ends[(*n_sents)++] = n;
      continue;
    }
    toks[n].p = s;
    toks[n].len = (size_t)(p - s);
    n++;
  }
  if (!*n_sents || ends[*n_sents - 1] < n) ends[(*n_sents)++] = n;
  return n;
}

/* Tags text with the fast path and without it (twice each, so that the
** second run has a warm cache), and compares tags and margins; also the
** fast path without the first pass's sums kept for the second pass (as
** for a document longer than DL__NER_KEEP_MAX tokens) and with half the
** words computed each time instead of cached (as when a neighbour sum
** does not fit int16). */
static int same_both_ways(const char *src)
{
  size_t len = strlen(src), n, ns;
  char *text = malloc(len + 1);
  dl__ner_tok *toks = malloc((len + 1) * sizeof *toks);
  size_t *ends = malloc((len + 2) * sizeof *ends);
  uint8_t *tf = malloc(len + 1), *ts = malloc(len + 1), *tk = malloc(len + 1);
  float *mf = malloc((len + 1) * sizeof *mf), *ms = malloc((len + 1) * sizeof *ms);
  float *mk = malloc((len + 1) * sizeof *mk);
  struct dl__ner_ws *fast = dl__ner_ws_new(NULL), *slow = dl__ner_ws_new(NULL);
  struct dl__ner_ws *nokeep = dl__ner_ws_new(NULL);
  dl_error err;
  int ok = 1;
  memcpy(text, src, len + 1);
  n = split(text, toks, ends, &ns);
  slow->cw_off = true;
  nokeep->keep_max = 1;
  nokeep->cw_test_wide = true;
  for (int round = 0; round < 2 && ok; round++) {
    if (dl__ner_tag_doc(model->ner, fast, toks, n, ends, ns, tf, mf, &err) ||
        dl__ner_tag_doc(model->ner, slow, toks, n, ends, ns, ts, ms, &err) ||
        dl__ner_tag_doc(model->ner, nokeep, toks, n, ends, ns, tk, mk, &err)) {
      ok = 0;
      break;
    }
    if (memcmp(tf, ts, n) != 0 || memcmp(mf, ms, n * sizeof *mf) != 0) {
      for (size_t i = 0; i < n; i++)
        if (tf[i] != ts[i] || mf[i] != ms[i]) {
          fprintf(stderr, "token %zu \"%.*s\": fast %d %.6f, slow %d %.6f\n",
                  i, (int)toks[i].len, toks[i].p, tf[i], (double)mf[i],
                  ts[i], (double)ms[i]);
          break;
        }
      ok = 0;
    }
    if (memcmp(tk, ts, n) != 0 || memcmp(mk, ms, n * sizeof *mk) != 0) ok = 0;
  }
  if (!fast->cw) ok = 0; /* the fast path really ran */
  dl__ner_ws_destroy(fast);
  dl__ner_ws_destroy(slow);
  dl__ner_ws_destroy(nokeep);
  free(text);
  free(toks);
  free(ends);
  free(tf);
  free(ts);
  free(tk);
  free(mk);
  free(mf);
  free(ms);
  return ok;
}

static void t_news(void)
{
  if (!have_model()) return;
  T_OK(same_both_ways(
      "Russian President Vladimir Putin met Turkish President Recep "
      "Tayyip Erdogan in Ankara on Monday , the Kremlin said . | "
      "The Russian Orthodox Church held a funeral for Andrei Karlov , "
      "who was shot at an art gallery by Mevlut Mert Altintas . | "
      "Karlov 's widow Marina said : \" Don't forget Aleppo ! \" | "
      "Shares in BP rose 3.5 % to 450p in London , while the Bank of "
      "England held rates at 4.75 % . | Putin called Erdogan . | "
      "Altintas , a police officer , was killed . | Karlov | . |"));
}

static void t_capitals_and_odd_tokens(void)
{
  if (!have_model()) return;
  /* a headline in capitals, words longer than the cache keeps, one-token
  ** sentences, invalid UTF-8, non-ASCII letters and digits */
  T_OK(same_both_ways(
      "JAPAN GET LUCKY WIN IN TOKYO | Supercalifragilisticexpialidocious "
      "Internationalisierungsbestrebungen met Wolfeschlegelsteinhausen"
      "bergerdorff in Paris . | Hi | Çelik visited Zürich and "
      "\xff\xfe Kraków on 12.03.2016 , \xe2\x80\x9c says Müller \xe2\x80"
      "\x9d . | A B C D E F G H I J K L M N O P Q R S T U V W X Y Z |"));
}

static void t_eviction(void)
{
  /* More distinct words than the cache holds, in long sentences, over
  ** several documents in one workspace: entries are replaced within a
  ** sentence and reused across documents. */
  size_t cap = 400000, o = 0;
  char *buf;
  if (!have_model()) return;
  buf = malloc(cap);
  for (unsigned i = 0; i < 30000 && o + 64 < cap; i++) {
    unsigned v = i * 7919u % 20011u;
    switch (i % 4) {
    case 0: o += (size_t)snprintf(buf + o, cap - o, "Word%u", v); break;
    case 1: o += (size_t)snprintf(buf + o, cap - o, "w%uord", v); break;
    case 2: o += (size_t)snprintf(buf + o, cap - o, "%u", v); break;
    default: o += (size_t)snprintf(buf + o, cap - o, "Mc%uX", v); break;
    }
    buf[o++] = ' ';
    if (i % 37 == 36) {
      memcpy(buf + o, ". | ", 4);
      o += 4;
    } else if (i % 5 == 0) {
      memcpy(buf + o, "Paris ", 6);
      o += 6;
    }
  }
  buf[o] = '\0';
  T_OK(same_both_ways(buf));
  free(buf);
}

static void t_cleanup(void)
{
  dl_model_destroy(model);
  model = NULL;
}

static const t_case cases[] = {{"news", t_news},
                               {"capitals_and_odd_tokens",
                                t_capitals_and_odd_tokens},
                               {"eviction", t_eviction},
                               {"cleanup", t_cleanup},
                               {NULL, NULL}};
T_MAIN(cases)
